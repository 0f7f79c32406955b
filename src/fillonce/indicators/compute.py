"""Computing indicators for a period at every org unit: set-based SQL per register, Python for the rest.

Record indicators of one register are counted in one grouped query (``SUM(CASE …) … GROUP BY
org_unit_id``) over the records current at the period's end; a unit's figure covers its whole subtree, so
counts and sums roll up the tree and distinct counts are counted again at every level. Ratios and formulas
are evaluated at every unit from the figures of that unit, never averaged from below. Data elements in a
formula come from the period's reported values, aggregated up by each element's own rule.
"""

from __future__ import annotations

import graphlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Float, case, cast, func, select
from sqlalchemy.orm import Session

from fillonce.catalog.models import DataElement
from fillonce.core.cache import KeyedCache, shared
from fillonce.entry.models import DataValue
from fillonce.indicators import expressions
from fillonce.indicators.models import DERIVED_KINDS, Indicator
from fillonce.orgunits.models import OrgUnit
from fillonce.periods.ids import Period
from fillonce.registers.models import RegisterRecord

Figure = float | int | None


@dataclass(frozen=True)
class Unit:
    id: int
    code: str
    name_zh: str
    level: int
    parent_id: int | None
    path: str


@dataclass
class Computation:
    """Every computed figure of a period: ``values[indicator code][unit id]``."""

    period: Period
    units: dict[int, Unit]
    indicators: list[Indicator]
    values: dict[str, dict[int, Figure]]

    def at_level(self, level: int) -> list[Unit]:
        return sorted((u for u in self.units.values() if u.level == level), key=lambda u: u.path)

    def levels(self) -> list[int]:
        return sorted({u.level for u in self.units.values()})


def _units(db: Session, period: Period, within: OrgUnit | None) -> dict[int, Unit]:
    end = period.end
    query = select(OrgUnit.id, OrgUnit.code, OrgUnit.name_zh, OrgUnit.level, OrgUnit.parent_id, OrgUnit.path).where(
        OrgUnit.opened_on <= end, (OrgUnit.closed_on.is_(None)) | (OrgUnit.closed_on > end))
    if within is not None:
        query = query.where(OrgUnit.path.startswith(within.path))
    return {row.id: Unit(*row) for row in db.execute(query)}


def _chains(units: dict[int, Unit]) -> dict[int, list[int]]:
    """Each unit with its ancestors in scope: a record of the unit counts at every one of them."""
    chains: dict[int, list[int]] = {}
    for unit in sorted(units.values(), key=lambda u: u.level):
        chains[unit.id] = [unit.id, *chains.get(unit.parent_id, [])]
    return chains


def _with_dependencies(every: list[Indicator], wanted: list[Indicator]) -> list[Indicator]:
    """The wanted indicators and every indicator their ratios and formulas use, in evaluation order."""
    by_code = {i.code: i for i in every}
    graph: dict[str, set[str]] = {}
    todo = [i.code for i in wanted]
    while todo:
        code = todo.pop()
        if code in graph:
            continue
        indicator = by_code[code]
        uses = set(expressions.parsed(indicator).names) if indicator.kind in DERIVED_KINDS else set()
        graph[code] = {name for name in uses if name in by_code} | {
            by_element.code for by_element in by_code.values()
            if by_element.element is not None and by_element.element.code in uses}
        todo += graph[code]
    return [by_code[code] for code in graphlib.TopologicalSorter(graph).static_order()]


def _scoped(query, within: OrgUnit | None):
    if within is None:
        return query
    return query.where(RegisterRecord.org_unit_id.in_(select(OrgUnit.id).where(OrgUnit.path.startswith(within.path))))


def _additive(db: Session, group: list[Indicator], period: Period, within: OrgUnit | None,
              chains: dict[int, list[int]]) -> dict[str, dict[int, Figure]]:
    """Counts and sums of one register, in one grouped query, rolled up the tree."""
    end = period.end
    columns = []
    for indicator in group:
        condition = expressions.record_condition(indicator, end)
        if indicator.kind == "count":
            columns.append(func.sum(case((condition, 1), else_=0)))
        else:
            number = cast(func.nullif(expressions.attribute_text(indicator.attribute), ""), Float)
            columns.append(func.sum(case((condition, number), else_=None)))
    query = select(RegisterRecord.org_unit_id, *columns).where(
        expressions.current_at(group[0].register_id, end)).group_by(RegisterRecord.org_unit_id)
    totals = {i.code: dict.fromkeys(chains, 0) for i in group}
    for unit_id, *figures in db.execute(_scoped(query, within)):
        for indicator, figure in zip(group, figures):
            if figure:
                column = totals[indicator.code]
                for unit in chains.get(unit_id, ()):
                    column[unit] += figure
    return totals


def _distinct(db: Session, indicator: Indicator, period: Period, within: OrgUnit | None,
              chains: dict[int, list[int]]) -> dict[int, Figure]:
    """How many different values of the attribute, counted again at every level (a household once)."""
    end = period.end
    value = expressions.attribute_text(indicator.attribute)
    query = select(RegisterRecord.org_unit_id, value).where(
        expressions.current_at(indicator.register_id, end), expressions.record_condition(indicator, end),
        value.is_not(None), value != "").distinct()
    seen: dict[int, set[str]] = defaultdict(set)
    for unit_id, text in db.execute(_scoped(query, within)):
        for unit in chains.get(unit_id, ()):
            seen[unit].add(text)
    return {unit: len(seen.get(unit, ())) for unit in chains}


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _element_figures(db: Session, element: DataElement, period: Period, chains: dict[int, list[int]]) -> dict[int, Figure]:
    """A reported element at every unit: its own value, or its subtree's by the element's aggregation."""
    own: dict[int, dict[str, float | None]] = defaultdict(dict)
    rows = db.execute(select(DataValue.org_unit_id, DataValue.category_option, DataValue.value).where(
        DataValue.element_id == element.id, DataValue.period == period.id))
    for unit_id, option, text in rows:
        if unit_id in chains:
            own[unit_id][option] = _number(text)
    sums: dict[int, float] = defaultdict(float)
    counts: dict[int, int] = defaultdict(int)
    result: dict[int, Figure] = dict.fromkeys(chains)
    for unit_id, options in own.items():
        parts = [v for o, v in options.items() if o and v is not None]
        total = options.get("", sum(parts) if parts else None)
        if total is None:
            continue
        result[unit_id] = total
        for unit in chains[unit_id][1:] if element.aggregation in ("sum", "average") else ():
            sums[unit] += total
            counts[unit] += 1
    for unit, count in counts.items():
        if result[unit] is None:
            result[unit] = sums[unit] if element.aggregation == "sum" else sums[unit] / count
    return result


INDICATOR_SOURCES = ("indicator", "register", "data_element", "category", "department")  # what an indicator shows
_INDICATORS: KeyedCache[list[Indicator]] = KeyedCache(8)


def compute(db: Session, period: Period, codes: Iterable[str] | None = None,
            within: OrgUnit | None = None) -> Computation:
    """The figures of these indicators (all when None), with what they use, at every unit open at the
    period's end (only `within`'s subtree when given)."""
    every = shared(db, _INDICATORS, "all", INDICATOR_SOURCES,
                   lambda session: list(session.scalars(select(Indicator).order_by(Indicator.code))))
    chosen = None if codes is None else set(codes)
    wanted = every if chosen is None else [i for i in every if i.code in chosen]
    ordered = _with_dependencies(every, wanted)
    units = _units(db, period, within)
    chains = _chains(units)
    values: dict[str, dict[int, Figure]] = {}
    by_register: dict[int, list[Indicator]] = defaultdict(list)
    for indicator in ordered:
        if indicator.kind in ("count", "sum"):
            by_register[indicator.register_id].append(indicator)
        elif indicator.kind == "distinct":
            values[indicator.code] = _distinct(db, indicator, period, within, chains)
    for group in by_register.values():
        values.update(_additive(db, group, period, within, chains))
    answered = {i.element.code: i.code for i in every if i.element is not None}
    _derive(db, [i for i in ordered if i.kind in DERIVED_KINDS], answered, period, chains, values)
    return Computation(period, units, ordered, values)


def _derive(db: Session, derived: list[Indicator], answered: dict[str, str], period: Period,
            chains: dict[int, list[int]], values: dict[str, dict[int, Figure]]) -> None:
    """Ratios and formulas, in dependency order, at every unit from that unit's figures; an element
    that an indicator answers (`answered`: element code -> indicator code) takes that indicator's figures."""
    for indicator in derived:
        formula = expressions.parsed(indicator)
        columns = {}
        for name in formula.names:
            if name in values:
                columns[name] = values[name]
            elif name in answered and answered[name] in values:
                columns[name] = values[answered[name]]
            else:
                element = db.scalar(select(DataElement).where(DataElement.code == name))
                columns[name] = _element_figures(db, element, period, chains) if element else {}
        values[indicator.code] = {
            unit: formula.evaluate({name: column.get(unit) for name, column in columns.items()}) for unit in chains}


@dataclass(frozen=True)
class Bound:
    """The figures a spec field bound to an indicator shows, with where they come from."""

    indicator: Indicator
    source: str  # the indicator's definition in words, shown beside the figure
    values: dict[int, Figure]  # unit id -> figure


def bound_figures(db: Session, period: Period, element_ids: set[int],
                  within: OrgUnit | None = None) -> dict[int, Bound]:
    """For each element an indicator answers: that indicator's figures for the period (element id -> Bound)."""
    if not element_ids:
        return {}
    codes = set(db.scalars(select(Indicator.code).where(Indicator.element_id.in_(element_ids))))
    if not codes:
        return {}
    result = compute(db, period, codes, within)
    return {i.element_id: Bound(i, expressions.describe(i), result.values[i.code])
            for i in result.indicators if i.code in codes}


def bound_notes(db: Session, fields: Iterable) -> list[str]:
    """One line per spec field bound to an indicator: the column, the indicator and its definition."""
    bound = [f for f in fields if f.kind == "register" and f.element_id is not None]
    answering = {i.element_id: i for i in db.scalars(select(Indicator).where(
        Indicator.element_id.in_([f.element_id for f in bound])))} if bound else {}
    return [f"{f.label_zh}（{f.key}）：不向基层收集，由指标 {answering[f.element_id].code}"
            f"《{answering[f.element_id].name_zh}》计算；{expressions.describe(answering[f.element_id])}"
            for f in bound if f.element_id in answering]
