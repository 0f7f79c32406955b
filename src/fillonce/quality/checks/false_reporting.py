"""False reporting: rule failures, outliers (against the unit's own history and its peers), digit
preference and Benford tests on a unit's numbers, and reported figures that disagree with a register."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from statistics import median

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from fillonce.core.i18n import Text
from fillonce.entry.checks import failures
from fillonce.quality import stats
from fillonce.quality.context import Found, PeriodData
from fillonce.registers.models import Register, RegisterRecord

MIN_HISTORY = 3  # periods of the unit's own history before its figures are judged against it
MIN_PEERS = 5  # comparable units with the figure before a unit is judged against them
SIZE_ELEMENT = "POP_REGISTERED"  # peers are compared per registered person
MIN_LAST_DIGITS = 12  # distinct whole numbers of 10 or more: with the register figures computed, a village
# reports about ten a month, so a dozen is a month and a bit (at p = 0.0001 a chance spread rarely fails)
MIN_FIRST_DIGITS = 50  # non-zero numbers
# An outlier must also be material: at least this far from the median, absolutely and relatively,
# so that counts of a few people moving by one or two are never called false.
MIN_ABSOLUTE_GAP = 10
MIN_RELATIVE_GAP = 0.5
# Reported figures and the register that counts the same people: element code -> register code.
REGISTER_SOURCES = {"DIBAO_PERSONS": "DIBAO", "TEKUN_PERSONS": "TEKUN", "DISABLED_CERTIFIED": "CANJI",
                    "VETERANS": "TUIYI", "POP_FLOATING": "LIUDONG"}
REGISTER_TOLERANCE = 0.05  # a share of the register's count (at least one person) that timing may explain


def rule_failures(data: PeriodData) -> Iterator[Found]:
    """The specs' validation formulas over submitted values; a warning submitted with an explanation is
    still listed, with that explanation as evidence, so a reviewer can judge it."""
    for unit_id in data.reported():
        unit, explanations = data.units[unit_id], data.submissions[unit_id].explanations or {}
        for failure in failures(data.unit_specs.get(unit_id, []), data.values.get(unit_id, {})):
            yield Found("rule_failure", unit_id, (failure.key,), Text(
                f"{unit.name_zh} {data.period.id} {failure.spec.form_number} 审核不通过：{failure.message('zh_CN')}",
                f"{unit.name_zh} {data.period.id} {failure.spec.form_number} check failed: {failure.message('en')}"),
                {"rule": failure.rule.expression, "severity": failure.rule.severity, "values": failure.values,
                 "explanation": explanations.get(failure.key, "")},
                spec_id=failure.spec.id, department_id=failure.spec.department_id)


def _material(value: float, centre: float) -> bool:
    gap = abs(value - centre)
    return gap >= MIN_ABSOLUTE_GAP and gap >= MIN_RELATIVE_GAP * abs(centre)


def _own_reference(data: PeriodData, by_period: dict[str, float]) -> tuple[str, dict[str, float]]:
    """The same period of earlier years when there are enough of them (seasons), else recent periods."""
    seasons = {p: by_period[p] for p in data.season_ids if p in by_period}
    if len(seasons) >= MIN_HISTORY:
        return "same_period_earlier_years", seasons
    return "recent_periods", {p: by_period[p] for p in data.recent_ids if p in by_period}


def outliers_own_history(data: PeriodData) -> Iterator[Found]:
    for unit_id in data.reported():
        unit = data.units[unit_id]
        for element_id, by_period in data.totals.get(unit_id, {}).items():
            value = by_period.get(data.period.id)
            if value is None:
                continue
            basis, reference = _own_reference(data, by_period)
            if len(reference) < MIN_HISTORY:
                continue
            z = stats.modified_z(value, list(reference.values()))
            centre = median(reference.values())
            if z is None or abs(z) <= stats.Z_LIMIT or not _material(value, centre):
                continue
            element = data.elements[element_id]
            yield Found("outlier_own_history", unit_id, (element.code,), Text(
                f"{unit.name_zh} {data.period.id}「{element.name_zh}」为 {value:g}，远离本单位以往的 {centre:g}（修正 z 值 {z:.1f}）",
                f"{unit.name_zh} {data.period.id} “{element.name_en or element.code}” is {value:g}, far from the unit's "
                f"usual {centre:g} (modified z-score {z:.1f})"),
                {"value": value, "median": centre, "z": round(z, 2), "basis": basis, "reference": reference},
                element_id=element_id, department_id=element.owner_department_id)


def _per_person(data: PeriodData, unit_id: int, size_id: int | None) -> float | None:
    size = data.totals.get(unit_id, {}).get(size_id, {}).get(data.period.id) if size_id else None
    return size if size else None


def outliers_peers(data: PeriodData) -> Iterator[Found]:
    """Against comparable units (the same level under the same parent), per registered person: a large
    village is not an outlier for being large. Figures that describe the unit itself (population, land,
    schools: slowly changing) differ between units by nature and are not compared."""
    size_id = next((e.id for e in data.elements.values() if e.code == SIZE_ELEMENT), None)
    groups: dict[tuple[int | None, int, int], dict[int, tuple[float, float]]] = defaultdict(dict)
    for unit_id in data.reported():
        unit, size = data.units[unit_id], _per_person(data, unit_id, size_id)
        if size is None:
            continue
        for element_id, by_period in data.totals.get(unit_id, {}).items():
            element = data.elements[element_id]
            if data.period.id in by_period and not element.slowly_changing and element.aggregation == "sum":
                groups[(unit.parent_id, unit.level, element_id)][unit_id] = (by_period[data.period.id], size)
    for (_, _, element_id), by_unit in groups.items():
        if len(by_unit) < MIN_PEERS:
            continue
        rates = [value / size for value, size in by_unit.values()]
        centre = median(rates)
        element = data.elements[element_id]
        for unit_id, (value, size) in by_unit.items():
            z = stats.modified_z(value / size, rates)
            expected = centre * size
            if z is None or abs(z) <= stats.Z_LIMIT or not _material(value, expected):
                continue
            unit = data.units[unit_id]
            yield Found("outlier_peers", unit_id, (element.code,), Text(
                f"{unit.name_zh} {data.period.id}「{element.name_zh}」为 {value:g}，按同级 {len(by_unit)} 个单位的人均水平约为 "
                f"{expected:.0f}（修正 z 值 {z:.1f}）",
                f"{unit.name_zh} {data.period.id} “{element.name_en or element.code}” is {value:g}; at the per-person "
                f"level of {len(by_unit)} comparable units it would be about {expected:.0f} (modified z-score {z:.1f})"),
                {"value": value, "expected": round(expected, 1), "per_1000": round(1000 * value / size, 2),
                 "peers_median_per_1000": round(1000 * centre, 2), "z": round(z, 2), "peers": len(by_unit)},
                element_id=element_id, department_id=element.owner_department_id)


def digit_preference(data: PeriodData) -> Iterator[Found]:
    for unit_id in data.reported():
        test = stats.last_digit_test(data.numbers.get(unit_id, []))
        if test is None or test.numbers < MIN_LAST_DIGITS or not test.fails:
            continue
        unit = data.units[unit_id]
        favoured = max(test.counts, key=test.counts.get)
        yield Found("digit_preference", unit_id, (), Text(
            f"{unit.name_zh} 近期所报 {test.numbers} 个数的末位数字分布不均（末位 {favoured} 出现 {test.counts[favoured]} 次，"
            f"卡方 {test.statistic:.1f} > {test.critical}），可能是估填或凑整",
            f"{unit.name_zh}: the last digits of {test.numbers} recent figures are uneven ({favoured} appears "
            f"{test.counts[favoured]} times, chi-square {test.statistic:.1f} > {test.critical}): estimated or rounded figures?"),
            {"numbers": test.numbers, "chi_square": round(test.statistic, 2), "critical": test.critical,
             "last_digits": test.counts})


def benford(data: PeriodData) -> Iterator[Found]:
    for unit_id in data.reported():
        test = stats.benford_test(data.numbers.get(unit_id, []))
        if test is None or test.numbers < MIN_FIRST_DIGITS or not test.fails:
            continue
        unit = data.units[unit_id]
        yield Found("benford", unit_id, (), Text(
            f"{unit.name_zh} 近期所报 {test.numbers} 个数的首位数字不符合本福特定律（卡方 {test.statistic:.1f} > {test.critical}）",
            f"{unit.name_zh}: the first digits of {test.numbers} recent figures depart from Benford's law "
            f"(chi-square {test.statistic:.1f} > {test.critical})"),
            {"numbers": test.numbers, "chi_square": round(test.statistic, 2), "critical": test.critical,
             "first_digits": test.counts,
             "expected_shares": {d: round(share, 3) for d, share in stats.BENFORD.items()}})


def counts_at(db: Session, register_id: int, day: date) -> dict[int, int]:
    """A register's current records per unit on a day (added by then, not yet removed, status active)."""
    return dict(db.execute(
        select(RegisterRecord.org_unit_id, func.count())
        .where(RegisterRecord.register_id == register_id, RegisterRecord.added_on <= day,
               or_(RegisterRecord.removed_on.is_(None), RegisterRecord.removed_on > day),
               RegisterRecord.status.in_(("", "active")))
        .group_by(RegisterRecord.org_unit_id)).all())


def source_disagreement(db: Session, data: PeriodData) -> Iterator[Found]:
    """A reported figure against the register that lists the same people, for the units the register covers."""
    registers = {r.code: r for r in db.scalars(select(Register).where(Register.code.in_(set(REGISTER_SOURCES.values()))))}
    codes = {e.code: e for e in data.elements.values()}
    for element_code, register_code in REGISTER_SOURCES.items():
        register, element = registers.get(register_code), codes.get(element_code)
        if register is None or element is None:
            continue
        covered = set(db.scalars(select(RegisterRecord.org_unit_id).where(RegisterRecord.register_id == register.id)
                                 .distinct()))
        counted = counts_at(db, register.id, data.period.end)
        for unit_id in data.reported():
            reported = data.totals.get(unit_id, {}).get(element.id, {}).get(data.period.id)
            if unit_id not in covered or reported is None:
                continue
            count = counted.get(unit_id, 0)
            if abs(reported - count) <= max(1.0, REGISTER_TOLERANCE * count):
                continue
            unit = data.units[unit_id]
            yield Found("source_disagreement", unit_id, (element.code, register.code), Text(
                f"{unit.name_zh} {data.period.id} 报送「{element.name_zh}」{reported:g}，而{register.name_zh}在期末有 {count} 人",
                f"{unit.name_zh} {data.period.id} reported “{element.name_en or element.code}” {reported:g}, but the register "
                f"{register.name_en or register.code} lists {count} at the period's end"),
                {"reported": reported, "register": register.code, "register_count": count},
                element_id=element.id, department_id=element.owner_department_id)
