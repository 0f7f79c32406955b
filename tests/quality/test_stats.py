"""The statistics of the false-reporting checks on samples whose answer is known."""

import random

from fillonce.quality import stats


def test_modified_z_flags_the_one_wild_month_and_not_the_usual_ones():
    history = [102, 98, 105, 99, 101, 97, 103, 100, 104, 96, 100, 102]
    assert abs(stats.modified_z(101, history)) < 1
    assert abs(stats.modified_z(110, history)) < stats.Z_LIMIT
    z = stats.modified_z(180, history)
    assert z > 20  # 0.6745 * (180 - 100.5) / 2
    assert round(z, 2) == round(0.6745 * (180 - 100.5) / 2, 2)


def test_modified_z_without_spread_uses_the_mean_deviation_or_gives_up():
    assert stats.modified_z(50, [10, 10, 10, 10, 12]) > stats.Z_LIMIT  # MAD 0: mean deviation instead
    assert stats.modified_z(10, [10, 10, 10]) is None
    assert stats.modified_z(10, []) is None


def _benford_sample(count: int, rng: random.Random) -> list[float]:
    # Products of many random factors spread over magnitudes: their first digits follow Benford's law.
    return [10 ** rng.uniform(0, 5) for _ in range(count)]


def test_benford_accepts_a_conforming_sample_and_rejects_a_uniform_one():
    rng = random.Random(7)
    conforming = stats.benford_test(_benford_sample(2000, rng))
    uniform = stats.benford_test([rng.randint(100, 999) for _ in range(2000)])
    assert not conforming.fails, conforming
    assert uniform.fails and uniform.statistic > 10 * uniform.critical


def test_last_digits_even_pass_and_rounded_figures_fail():
    rng = random.Random(11)
    even = stats.last_digit_test([rng.randint(10, 5000) for _ in range(500)])
    rounded = stats.last_digit_test([rng.randint(1, 500) * 10 for _ in range(30)] + [rng.randint(10, 5000) for _ in range(30)])
    assert not even.fails
    assert rounded.fails and rounded.counts[0] >= 30
    assert stats.last_digit_test([1, 2, 3, 9]) is None  # below 10 the last digit says nothing


def test_first_digit_of_small_and_large_numbers():
    assert [stats.first_digit(n) for n in (0.0042, 7, 31, 98765.4, 0)] == [4, 7, 3, 9, None]
