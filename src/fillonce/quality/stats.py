"""The statistics behind the false-reporting checks (pure functions, no database).

Modified z-score (Iglewicz and Hoaglin): 0.6745 (x - median) / MAD, robust to the outliers it looks
for; |z| > 3.5 is their usual cut. Digit tests are Pearson chi-square tests of observed digit counts
against the expected shares, judged at the 0.01% level: a city has thousands of units, and a unit's
numbers are few, so the test must be strict to raise few false alarms.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

Z_LIMIT = 3.5
# Chi-square critical values at p = 0.0001: 8 degrees of freedom (first digits 1-9), 9 (last digits 0-9).
CHI2_CRITICAL = {8: 31.828, 9: 33.720}
BENFORD = {d: math.log10(1 + 1 / d) for d in range(1, 10)}


def modified_z(value: float, reference: Sequence[float]) -> float | None:
    """How far `value` lies from `reference` in robust units; None when the reference has no spread.

    When more than half the reference is equal the MAD is 0; the mean absolute deviation (scaled by
    1.2533 so it estimates the same sigma) takes its place, as IBM's SPSS does."""
    if not reference:
        return None
    centre = median(reference)
    mad = median(abs(x - centre) for x in reference)
    if mad > 0:
        return 0.6745 * (value - centre) / mad
    mean_ad = sum(abs(x - centre) for x in reference) / len(reference)
    if mean_ad > 0:
        return (value - centre) / (1.253314 * mean_ad)
    return None


@dataclass(frozen=True)
class DigitTest:
    numbers: int
    statistic: float
    critical: float
    counts: dict[int, int]

    @property
    def fails(self) -> bool:
        return self.statistic > self.critical


def _chi_square(counts: Counter, expected: dict[int, float], total: int) -> float:
    return sum((counts.get(d, 0) - total * share) ** 2 / (total * share) for d, share in expected.items())


def last_digit_test(numbers: Sequence[float]) -> DigitTest | None:
    """Digit preference: the last digits of whole numbers of 10 or more should be evenly spread.
    (Below 10 the last digit is the first, which counts of small things do not spread evenly.)"""
    digits = Counter(int(abs(n)) % 10 for n in numbers if abs(n) >= 10 and n == int(n))
    total = sum(digits.values())
    if not total:
        return None
    statistic = _chi_square(digits, {d: 0.1 for d in range(10)}, total)
    return DigitTest(total, statistic, CHI2_CRITICAL[9], dict(sorted(digits.items())))


def first_digit(number: float) -> int | None:
    number = abs(number)
    if number == 0 or not math.isfinite(number):
        return None
    return int(f"{number:e}"[0])


def benford_test(numbers: Sequence[float]) -> DigitTest | None:
    """Benford's law: in figures that span several magnitudes, first digit d has share log10(1 + 1/d)."""
    digits = Counter(d for d in map(first_digit, numbers) if d)
    total = sum(digits.values())
    if not total:
        return None
    statistic = _chi_square(digits, BENFORD, total)
    return DigitTest(total, statistic, CHI2_CRITICAL[8], dict(sorted(digits.items())))
