"""The report center: a department's report built from the shared data, never by asking again.

One row per org unit at any level: the reporting units themselves, or aggregated up to street, district and
city by each element's aggregation rule, with the spec's computed fields worked out on every row. Each
report says how complete it is and which figures are provisional (from units that have not submitted).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from fillonce.accounts.permissions import Actor, authorize
from fillonce.core.errors import ValidationError
from fillonce.core.i18n import Text
from fillonce.entry.models import DataValue, Submission
from fillonce.orgunits.models import OrgUnit
from fillonce.periods.ids import Period, parse_period
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
        if f.kind in {"element", "computed"}:
            columns.append(Column(f.key, f.label_zh, f.unit or (f.element.unit if f.element else ""), f))
    return columns


def _number(text: str) -> float | None:
    try:
        return float(Decimal(text))
    except ArithmeticError:
        return None


def _unit_values(spec: Spec, values: dict[tuple[int, str], str]) -> dict[str, float | None]:
    """A reporting unit's row: each field's total, each option, and the computed fields."""
    row: dict[str, float | None] = {}
    for f in spec.fields:
        if f.kind != "element" or f.element_id is None:
            continue
        if f.category:
            parts = {option: _number(v) for (element, option), v in values.items() if element == f.element_id and option}
            for option, number in parts.items():
                row[f"{f.key}|{option}"] = number
            known = [n for n in parts.values() if n is not None]
            row[f.key] = sum(known) if known else None
        else:
            text = values.get((f.element_id, ""))
            row[f.key] = _number(text) if text is not None else None
    return row


def _aggregate(spec: Spec, rows: list[Row], unit: OrgUnit) -> Row:
    """Sum or average each column over the rows by its element's rule; `last` and `none` stay blank."""
    values: dict[str, float | None] = {}
    rules = {f.key: f.element.aggregation for f in spec.fields if f.kind == "element" and f.element is not None}
    keys = {k for r in rows for k in r.values}
    for key in keys:
        rule = rules.get(key.split("|", 1)[0])
        known = [r.values[key] for r in rows if r.values.get(key) is not None]
        if not known or rule not in {"sum", "average"}:
            values[key] = None
        else:
            values[key] = sum(known) if rule == "sum" else sum(known) / len(known)
    return Row(unit, values, units=sum(r.units for r in rows), submitted=sum(r.submitted for r in rows))


def _with_computed(spec: Spec, row: Row) -> Row:
    computed = {f.key: f.formula for f in spec.fields if f.kind == "computed" and f.formula}
    if computed:
        row.values = formulas.evaluate_all(computed, formulas.check_computed(computed), row.values)
    return row


def build(db: Session, actor: Actor, spec_id: int, period_id: str, level: int | None = None) -> Report:
    """The report of a spec for a period at an org-unit level (default: the level that reports)."""
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
    level = level or (min(u.level for u in reporting) if reporting else spec.target_level or 4)
    element_ids = [f.element_id for f in spec.fields if f.element_id]
    values: dict[int, dict[tuple[int, str], str]] = defaultdict(dict)
    for unit_id, element_id, option, value in db.execute(
            select(DataValue.org_unit_id, DataValue.element_id, DataValue.category_option, DataValue.value)
            .where(DataValue.period == period.id, DataValue.element_id.in_(element_ids),
                   DataValue.org_unit_id.in_([u.id for u in reporting]))):
        values[unit_id][(element_id, option)] = value
    # Only final data is firm: a form awaiting review or returned for correction is still provisional.
    submitted = set(db.scalars(select(Submission.org_unit_id).where(
        Submission.period == period.id, Submission.status == "final",
        Submission.org_unit_id.in_([u.id for u in reporting]))))
    unit_rows = [Row(u, _unit_values(spec, values[u.id]), submitted=int(u.id in submitted)) for u in reporting]
    rows = _rows_at(db, spec, unit_rows, level)
    total = _aggregate(spec, unit_rows, reporting[0] if reporting else None)
    return Report(spec, period, level, _columns(spec), [_with_computed(spec, r) for r in rows],
                  _with_computed(spec, total), expected=len(reporting), submitted=len(submitted))


def _rows_at(db: Session, spec: Spec, unit_rows: list[Row], level: int) -> list[Row]:
    if not unit_rows or all(r.unit.level == level for r in unit_rows):
        return unit_rows
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in unit_rows:
        codes = row.unit.path.strip("/").split("/")
        if len(codes) >= level:
            groups[codes[level - 1]].append(row)
    units = {u.code: u for u in db.scalars(select(OrgUnit).where(OrgUnit.code.in_(list(groups))))}
    return [_aggregate(spec, groups[code], units[code]) for code in sorted(groups, key=lambda c: units[c].path)]

