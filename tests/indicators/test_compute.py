"""Each kind of indicator computed from the fixture registers, at villages and up the tree."""

from datetime import date

import pytest

from fillonce.entry import service as entry
from fillonce.indicators import service as indicators
from fillonce.indicators.compute import compute
from fillonce.orgunits import service as orgunits
from fillonce.periods.ids import parse_period
from registers_fixture import count, person, with_registers


@pytest.fixture
def regs(city):
    return with_registers(city)


def _by_code(result, code: str) -> dict[str, object]:
    return {unit.code: result.values[code][unit.id] for unit in result.units.values()}


def test_count_takes_records_current_at_the_period_end_at_every_level(regs):
    count(regs, "DIBAO_P", "DIBAO")
    november = _by_code(compute(regs.db, parse_period("202611")), "DIBAO_P")
    assert november == {"V1": 3, "V2": 1, "V3": 1, "S1": 4, "S2": 1, "D1": 4, "D2": 1, "C": 5}
    september = _by_code(compute(regs.db, parse_period("202609")), "DIBAO_P")
    assert september["V1"] == 4  # removed in October: still counted for September
    december = _by_code(compute(regs.db, parse_period("202612")), "DIBAO_P")
    assert december["V2"] == 2  # added on 1 December


def test_a_status_filter_counts_only_those_records(regs):
    count(regs, "DIBAO_SUSPENDED", "DIBAO", statuses=("suspended",))
    assert _by_code(compute(regs.db, parse_period("202611")), "DIBAO_SUSPENDED")["V2"] == 1


def test_distinct_counts_a_household_once_and_counts_again_at_each_level(regs):
    person(regs.db, regs.dibao, "V2", "moved", attributes={"HOUSEHOLD_ID": "H1"})
    count(regs, "DIBAO_HH", "DIBAO", "DIBAO_HH", kind="distinct", attribute="HOUSEHOLD_ID")
    figures = _by_code(compute(regs.db, parse_period("202611")), "DIBAO_HH")
    assert (figures["V1"], figures["V2"], figures["V3"]) == (2, 2, 1)
    assert figures["S1"] == 3 and figures["C"] == 4  # H1 lives in V1 and V2: once above them


def test_sum_of_a_numeric_attribute(regs):
    count(regs, "BENEFIT_SUM", "DIBAO", kind="sum", attribute="BENEFIT")
    figures = _by_code(compute(regs.db, parse_period("202611")), "BENEFIT_SUM")
    assert figures["V1"] == pytest.approx(1050.5) and figures["C"] == pytest.approx(1350.5)


def test_age_at_the_period_end_across_a_birthday(regs):
    for key, born in [("eighty_today", date(1946, 11, 30)), ("eighty_tomorrow", date(1946, 12, 1)),
                      ("sixty_today", date(1966, 11, 30)), ("young", date(1990, 1, 1))]:
        person(regs.db, regs.laonian, "V1", key, birth=born)
    count(regs, "OLD80", "LAONIAN", "ELDERLY_80", age_min=80)
    count(regs, "OLD60_79", "LAONIAN", age_min=60, age_below=80)
    november = compute(regs.db, parse_period("202611"))
    assert _by_code(november, "OLD80")["V1"] == 1
    assert _by_code(november, "OLD60_79")["V1"] == 2  # 80 tomorrow is still 79; 60 today counts
    december = compute(regs.db, parse_period("202612"))
    assert _by_code(december, "OLD80")["V1"] == 2 and _by_code(december, "OLD60_79")["V1"] == 1


def test_a_leap_day_birthday_counts_on_28_february(regs):
    person(regs.db, regs.laonian, "V1", "leap", birth=date(1944, 2, 29))
    count(regs, "OLD80", "LAONIAN", age_min=80)
    assert _by_code(compute(regs.db, parse_period("20240228")), "OLD80")["V1"] == 0
    assert _by_code(compute(regs.db, parse_period("20240229")), "OLD80")["V1"] == 1
    assert _by_code(compute(regs.db, parse_period("2023")), "OLD80")["V1"] == 0


def test_sex_and_attribute_filters(regs):
    person(regs.db, regs.dibao, "V3", "central_man", sex="M", attributes={"TEKUN_MODE": "central"})
    person(regs.db, regs.dibao, "V3", "central_woman", sex="F", attributes={"TEKUN_MODE": "central"})
    person(regs.db, regs.dibao, "V3", "home_man", sex="M", attributes={"TEKUN_MODE": "home"})
    count(regs, "CENTRAL_MEN", "DIBAO", sex="M", attributes={"TEKUN_MODE": ("central",)})
    count(regs, "ANY_MODE", "DIBAO", attributes={"TEKUN_MODE": ("central", "home")})
    result = compute(regs.db, parse_period("202611"))
    assert _by_code(result, "CENTRAL_MEN")["V3"] == 1 and _by_code(result, "ANY_MODE")["V3"] == 3


def test_a_ratio_is_recomputed_at_every_level_and_empty_for_a_zero_denominator(regs):
    for key, unit, born in [("a", "V1", date(1940, 1, 1)), ("b", "V1", date(1960, 1, 1)),
                            ("c", "V2", date(1960, 1, 1)), ("d", "V2", date(1961, 1, 1)), ("e", "V2", date(1962, 1, 1))]:
        person(regs.db, regs.laonian, unit, key, birth=born)
    count(regs, "OLD80", "LAONIAN", "ELDERLY_80", age_min=80)
    count(regs, "OLD60", "LAONIAN", "ELDERLY_60", age_min=60)
    indicators.create(regs.db, regs.grace, indicators.IndicatorInput(
        code="OLDEST_SHARE", name_zh="高龄占比", kind="ratio", department_code="WJW",
        numerator="OLD80", denominator="ELDERLY_60", factor=100))
    figures = _by_code(compute(regs.db, parse_period("202611")), "OLDEST_SHARE")
    assert figures["V1"] == pytest.approx(50) and figures["V2"] == 0
    assert figures["S1"] == pytest.approx(20)  # 1 of 5, not the mean of 50 and 0
    assert figures["V3"] is None  # nobody aged 60: no ratio, not a division error


def test_a_formula_over_indicators_and_reported_elements(regs):
    count(regs, "DIBAO_P", "DIBAO")
    entry.save_values(regs.db, regs.alice, "V1", "202611", {("POP_REGISTERED", ""): 300})
    entry.save_values(regs.db, regs.carol, "V2", "202611", {("POP_REGISTERED", ""): 100})
    indicators.create(regs.db, regs.erin, indicators.IndicatorInput(
        code="DIBAO_RATE", name_zh="低保率", kind="formula", department_code="MZJ",
        formula="#{DIBAO_P} / POP_REGISTERED * 100"))
    figures = _by_code(compute(regs.db, parse_period("202611"), ["DIBAO_RATE"]), "DIBAO_RATE")
    assert figures["V1"] == pytest.approx(1) and figures["V2"] == pytest.approx(1)
    assert figures["S1"] == pytest.approx(1)  # 4 of 400 people
    assert figures["V3"] is None  # no population reported


def test_compute_within_a_subtree_gives_the_same_figures(regs):
    count(regs, "DIBAO_P", "DIBAO")
    inside = compute(regs.db, parse_period("202611"), within=orgunits.get(regs.db, "S1"))
    assert {u.code for u in inside.units.values()} == {"S1", "V1", "V2"}
    assert _by_code(inside, "DIBAO_P") == {"S1": 4, "V1": 3, "V2": 1}
