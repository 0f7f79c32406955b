"""The report center: a department's report built from the shared data, never by asking again.

One row per org unit at any level: the reporting units themselves, or aggregated up to street, district and
city by each element's aggregation rule, with the spec's computed fields worked out on every row. Each
report says how complete it is and which figures are provisional (from units that have not submitted).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

import orjson
from sqlalchemy import Float, String, case, cast, func, select
from sqlalchemy.orm import Session

from fillonce.accounts.permissions import Actor, authorize
from fillonce.core.errors import ValidationError
from fillonce.core.i18n import Text
from fillonce.entry.models import DataValue, Submission
from fillonce.indicators.compute import bound_figures, bound_notes
from fillonce.orgunits.models import OrgUnit
from fillonce.periods.ids import Period, is_finer_or_equal, parse_period, periods_within
from fillonce.specs import formulas
from fillonce.specs import service as specs
from fillonce.specs.gate import target_unit_ids
from fillonce.specs.models import Spec, SpecField


@dataclass(frozen=True)
class Column:
    key: str  # field key, or "KEY|OPTION" for one option of a divided field
    label: str
    unit: str
    field: SpecField
    option: str | None = None  # None: the field's total


@dataclass
class Row:
    unit: OrgUnit
    values: dict[str, float | None]
    units: int = 1  # reporting units behind the row
    submitted: int = 0

    @property
    def provisional(self) -> bool:
        return self.submitted < self.units


@dataclass
class Report:
    spec: Spec
    period: Period
    level: int
    columns: list[Column]
    rows: list[Row]
    total: Row
    expected: int
    submitted: int
    notes: list[str] = field(default_factory=list)

    @property
    def completeness(self) -> float:
        return self.submitted / self.expected if self.expected else 1.0


def _columns(spec: Spec) -> list[Column]:
    columns = []
    for f in spec.fields:
        if f.kind == "element" and f.element is not None and f.category:
            category = next((c for c in f.element.categories if c.code == f.category), None)
            for code, zh, _ in (category.options if category else []):
                columns.append(Column(f"{f.key}|{code}", f"{f.label_zh}/{zh}", f.unit or f.element.unit, f, code))
        if f.kind in {"element", "computed", "register"}:
            columns.append(Column(f.key, f.label_zh, f.unit or (f.element.unit if f.element else ""), f))
    return columns


NUMERIC_TYPES = {"integer", "number", "percent"}  # value types whose figures add up
UNITS_PER_QUERY = 5000  # well under SQLite's and PostgreSQL's limits on bound parameters


@dataclass(frozen=True)
class _Plan:
    """The spec read once: which column takes which value, and how each column aggregates."""

    keys: list[str]  # every element column's key, in order
    sources: list[tuple[int, str | None]]  # (element id, option; None = the sum of the options)
    rules: list[str]  # sum, average, last, none
    computed: dict[str, formulas.Formula]  # parsed once, not per row
    order: list[str]  # the computed fields in evaluation order
    numeric: frozenset[int]  # element ids whose values are numbers
    reused: frozenset[int]  # element ids the spec reuses from forms of finer periods
    bound: frozenset[int]  # element ids an indicator computes (register fields)

    @classmethod
    def of(cls, spec: Spec, columns: list[Column]) -> "_Plan":
        keys, sources, rules, numeric, reused, bound = [], [], [], set(), set(), set()
        for column in columns:
            if column.field.kind not in ("element", "register"):  # register: computed by its indicator
                continue
            keys.append(column.key)
            sources.append((column.field.element_id, column.option if column.field.category else ""))
            rules.append(column.field.element.aggregation)
            if column.field.element.value_type in NUMERIC_TYPES:
                numeric.add(column.field.element_id)
            if column.field.mode == "reuse":
                reused.add(column.field.element_id)
            if column.field.kind == "register":
                bound.add(column.field.element_id)
        computed = {f.key: formulas.parse(f.formula, field_name=f.key)
                    for f in spec.fields if f.kind == "computed" and f.formula}
        return cls(keys, sources, rules, computed, formulas.check_computed(computed) if computed else [],
                   frozenset(numeric), frozenset(reused), frozenset(bound))

    @cached_property
    def lookups(self) -> list[str]:
        """The key of each column's figure among a unit's figures; a divided total has none (it is summed)."""
        return ["" if option is None else f"{element}|{option}" for element, option in self.sources]

    @cached_property
    def totals(self) -> list[int]:
        """Columns holding an element's total, which its options add up to when it was asked divided."""
        return [n for n, (_, option) in enumerate(self.sources) if not option]

    @cached_property
    def aggregating(self) -> list[bool]:
        return [rule in {"sum", "average"} for rule in self.rules]


def _unit_figures(db: Session, plan: _Plan, period: Period, units: list[OrgUnit]) -> dict[int, dict[str, float | None]]:
    """Each unit's numeric figures of the period, {"element|option": number}. A field the spec reuses
    from a form of a finer period (a quarterly report's population, collected monthly) takes the latest
    figure collected within the period, unless the period itself has one."""
    ids = [u.id for u in units]
    figures: dict[int, dict[str, float | None]] = {}
    if plan.reused:
        finer = _finer_periods(db, period)
        for _, unit_id, found in sorted(_gathered(db, plan, ids, finer, plan.reused),
                                        key=lambda row: finer.index(row[0])):
            figures.setdefault(unit_id, {}).update(found)
    for _, unit_id, found in _gathered(db, plan, ids, [period.id]):
        figures.setdefault(unit_id, {}).update(found)
    for element_id, bound in bound_figures(db, period, plan.bound).items():
        for unit_id in ids:
            figures.setdefault(unit_id, {})[f"{element_id}|"] = bound.values.get(unit_id)
    return figures


def _gathered(db: Session, plan: _Plan, unit_ids: list[int], periods: list[str],
              elements: frozenset[int] | None = None) -> Iterator[tuple[str, int, dict[str, float | None]]]:
    """(period, unit, figures) per unit and period: the database casts and gathers a unit's values into
    one JSON object, so a city's hundreds of thousands of values cross into Python as one row per unit
    and are parsed in C."""
    gather = func.json_object_agg if db.get_bind().dialect.name == "postgresql" else func.json_group_object
    key = cast(DataValue.element_id, String).concat("|").concat(DataValue.category_option)
    number = case((DataValue.element_id.in_(sorted(plan.numeric) or [0]), cast(DataValue.value, Float)))
    for start in range(0, len(unit_ids), UNITS_PER_QUERY):
        query = (select(DataValue.period, DataValue.org_unit_id, cast(gather(key, number), String))
                 .where(DataValue.org_unit_id.in_(unit_ids[start:start + UNITS_PER_QUERY]),
                        DataValue.period.in_(periods))
                 .group_by(DataValue.period, DataValue.org_unit_id))
        if elements is not None:
            query = query.where(DataValue.element_id.in_(sorted(elements)))
        for period_id, unit_id, gathered in db.execute(query):
            yield period_id, unit_id, orjson.loads(gathered)


def _finer_periods(db: Session, period: Period) -> list[str]:
    """The periods of the finer published specs inside this one, oldest first."""
    types = set(db.scalars(select(Spec.period_type).where(Spec.status == "published").distinct()))
    inside = [p for t in types if t != period.type and is_finer_or_equal(t, period.type)
              for p in periods_within(period, t)]
    return [p.id for p in sorted(inside, key=lambda p: p.end)]


def _parts(figures: dict[str, float | None]) -> dict[int, float]:
    """The sum of each element's known option figures."""
    sums: dict[int, float] = {}
    for key, value in figures.items():
        element, option = key.split("|", 1)
        if option and value is not None:
            sums[int(element)] = sums.get(int(element), 0.0) + value
    return sums


def _unit_vector(plan: _Plan, figures: dict[str, float | None]) -> list[float | None]:
    """A reporting unit's figures in column order; a total given only by its parts (another form asked
    it divided), or a divided field's total, is the sum of the parts."""
    vector = list(map(figures.get, plan.lookups))
    if None in vector:
        parts = None
        for n in plan.totals:
            if vector[n] is None:
                parts = _parts(figures) if parts is None else parts
                vector[n] = parts.get(plan.sources[n][0])
    return vector


def _aggregate(plan: _Plan, vectors: list[list[float | None]]) -> list[float | None]:
    """One row from many units' vectors, column by column: sums, or averages of the units that have a
    figure (so averages stay averages of units at every level); last and none do not aggregate."""
    if not vectors:
        return [None] * len(plan.keys)
    row: list[float | None] = []
    for column, adds, rule in zip(zip(*vectors), plan.aggregating, plan.rules):
        if not adds:
            row.append(None)
            continue
        try:
            total, count = sum(column), len(column)  # every unit has a figure: summed in C
        except TypeError:
            known = [v for v in column if v is not None]
            total, count = sum(known), len(known)
        row.append(None if not count else total if rule == "sum" else total / count)
    return row


def _with_computed(plan: _Plan, values: dict[str, float | None]) -> dict[str, float | None]:
    if plan.computed:
        return formulas.evaluate_all(plan.computed, plan.order, values)
    return values


def _submitted(db: Session, period, units: list[OrgUnit]) -> set[int]:
    """Units whose data is final: a form awaiting review or returned for correction is still provisional."""
    wanted = {u.id for u in units}
    return {u for u in db.scalars(select(Submission.org_unit_id).where(
        Submission.period == period.id, Submission.status == "final")) if u in wanted}


def build_levels(db: Session, actor: Actor, spec_id: int, period_id: str, levels: list[int]) -> dict[int, Report]:
    """The report of a spec for a period at several org-unit levels, from one read of the values."""
    spec = specs.get(db, actor, spec_id)
    authorize(actor, "report.view", spec)
    period = parse_period(period_id)
    if period.type != spec.period_type:
        raise ValidationError(Text(f"报表 {spec.form_number} 是{spec.period_type}，报告期 {period.id} 不符",
                                   f"spec {spec.form_number} is {spec.period_type}; period {period.id} does not fit"))
    ids = target_unit_ids(db, spec, period.end)
    reporting = list(db.scalars(select(OrgUnit).where(OrgUnit.id.in_(ids)).order_by(OrgUnit.path)))
    if actor.role == "official":  # an official sees the units of their own subtree
        reporting = [u for u in reporting if actor.covers(u)]
    columns = _columns(spec)
    plan = _Plan.of(spec, columns)
    figures = _unit_figures(db, plan, period, reporting)
    submitted = _submitted(db, period, reporting)
    vectors = [_unit_vector(plan, figures.get(unit.id, {})) for unit in reporting]
    total = Row(_top_unit(db, reporting), _row_values(plan, vectors), len(reporting), len(submitted))
    notes = bound_notes(db, spec.fields)
    reports = {}
    for level in levels:
        rows = [Row(unit, _row_values(plan, member_vectors), len(members),
                    sum(member.id in submitted for member in members))
                for unit, members, member_vectors in _grouped(db, reporting, vectors, level)]
        reports[level] = Report(spec, period, level, columns, rows, total,
                                expected=len(reporting), submitted=len(submitted), notes=notes)
    return reports


def _row_values(plan: _Plan, vectors: list[list[float | None]]) -> dict[str, float | None]:
    if len(vectors) == 1 and all(plan.aggregating):  # one unit's own figures, as they are
        return _with_computed(plan, dict(zip(plan.keys, vectors[0])))
    return _with_computed(plan, dict(zip(plan.keys, _aggregate(plan, vectors))))


def build(db: Session, actor: Actor, spec_id: int, period_id: str, level: int | None = None) -> Report:
    """The report of a spec for a period at an org-unit level (default: the level that reports)."""
    if level is None:
        spec = specs.get(db, actor, spec_id)
        level = spec.target_level or 4
        if spec.target_units:
            units = list(db.scalars(select(OrgUnit.level).where(OrgUnit.code.in_(spec.target_units))))
            level = min(units) if units else level
    return build_levels(db, actor, spec_id, period_id, [level])[level]


def _top_unit(db: Session, reporting: list[OrgUnit]) -> OrgUnit | None:
    """The unit the total row stands for: the deepest one above all reporting units."""
    if not reporting:
        return None
    paths = [u.path.strip("/").split("/") for u in reporting]
    common = []
    for parts in zip(*paths):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return db.scalar(select(OrgUnit).where(OrgUnit.code == common[-1])) if common else reporting[0]


def _grouped(db: Session, reporting: list[OrgUnit], vectors: list[list[float | None]],
             level: int) -> list[tuple[OrgUnit, list[OrgUnit], list[list[float | None]]]]:
    """The reporting units and their vectors gathered under their unit at `level` (units above it drop out)."""
    if all(unit.level == level for unit in reporting):
        return [(unit, [unit], [vector]) for unit, vector in zip(reporting, vectors)]
    groups: dict[str, tuple[list[OrgUnit], list[list[float | None]]]] = {}
    for unit, vector in zip(reporting, vectors):
        codes = unit.path.strip("/").split("/")
        if len(codes) >= level:
            members, members_vectors = groups.setdefault(codes[level - 1], ([], []))
            members.append(unit)
            members_vectors.append(vector)
    units = {u.code: u for u in db.scalars(select(OrgUnit).where(OrgUnit.code.in_(list(groups))))}
    return [(units[code], *groups[code]) for code in sorted(groups, key=lambda c: units[c].path)]
