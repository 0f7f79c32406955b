"""The report center: a department's report built from the shared data, never by asking again.

One row per org unit at any level: the reporting units themselves, or aggregated up to street, district and
city by each element's aggregation rule, with the spec's computed fields worked out on every row. Each
report says how complete it is and which figures are provisional (from units that have not submitted).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from fillonce.accounts.permissions import Actor, authorize
from fillonce.core.errors import ValidationError
from fillonce.core.i18n import Text
from fillonce.entry.models import Submission
from fillonce.indicators.compute import bound_figures, bound_notes
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
        if f.kind in {"element", "computed", "register"}:
            columns.append(Column(f.key, f.label_zh, f.unit or (f.element.unit if f.element else ""), f))
    return columns


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        return None


@dataclass(frozen=True)
class _Plan:
    """The spec read once: which column takes which value, and how each column aggregates."""

    keys: list[str]  # every column's key, in order
    sources: list[tuple[int, str | None]]  # (element id, option; None = the sum of the options)
    rules: list[str]  # sum, average, last, none
    computed: dict[str, str]

    @classmethod
    def of(cls, spec: Spec, columns: list[Column]) -> "_Plan":
        keys, sources, rules = [], [], []
        for column in columns:
            if column.field.kind not in ("element", "register"):  # register: computed by its indicator
                continue
            keys.append(column.key)
            sources.append((column.field.element_id, column.option if column.field.category else ""))
            rules.append(column.field.element.aggregation)
        computed = {f.key: f.formula for f in spec.fields if f.kind == "computed" and f.formula}
        return cls(keys, sources, rules, computed)


def _unit_vector(plan: _Plan, values: dict[int, dict[str, str]]) -> list[float | None]:
    """A reporting unit's figures in column order; a divided field's total is the sum of its options."""
    vector = []
    for element_id, option in plan.sources:
        by_option = values.get(element_id, {})
        # A total given only by its parts (another form asked it divided) is the sum of the parts.
        if option is None or (option == "" and "" not in by_option and by_option):
            parts = [_number(v) for o, v in by_option.items() if o]
            known = [p for p in parts if p is not None]
            vector.append(sum(known) if known else None)
        else:
            vector.append(_number(by_option.get(option)))
    return vector


@dataclass
class _Sums:
    """Sums and counts per column, so averages stay averages of units at every level."""

    sums: list[float]
    counts: list[int]
    units: int = 0
    submitted: int = 0

    @classmethod
    def empty(cls, width: int) -> "_Sums":
        return cls([0.0] * width, [0] * width)

    def add_unit(self, vector: list[float | None], submitted: bool) -> None:
        for n, value in enumerate(vector):
            if value is not None:
                self.sums[n] += value
                self.counts[n] += 1
        self.units += 1
        self.submitted += submitted

    def add(self, other: "_Sums") -> None:
        self.sums = [a + b for a, b in zip(self.sums, other.sums)]
        self.counts = [a + b for a, b in zip(self.counts, other.counts)]
        self.units += other.units
        self.submitted += other.submitted

    def values(self, plan: _Plan) -> dict[str, float | None]:
        out: dict[str, float | None] = {}
        for key, rule, total, count in zip(plan.keys, plan.rules, self.sums, self.counts):
            if not count or rule not in {"sum", "average"}:
                out[key] = None  # last and none do not aggregate across units
            else:
                out[key] = total if rule == "sum" else total / count
        return out


def _with_computed(plan: _Plan, values: dict[str, float | None]) -> dict[str, float | None]:
    if plan.computed:
        return formulas.evaluate_all(plan.computed, formulas.check_computed(plan.computed), values)
    return values


def _load(db: Session, spec: Spec, period, units: list[OrgUnit]) -> tuple[dict[int, dict[int, dict[str, str]]], set[int]]:
    """The period's values of the spec's elements for these units, read through the driver (hundreds of
    thousands of rows for a city), and which units' data is final."""
    wanted = {u.id for u in units}
    elements = sorted({f.element_id for f in spec.fields if f.element_id})
    values: dict[int, dict[int, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    mark = "?" if db.get_bind().dialect.paramstyle == "qmark" else "%s"
    cursor = db.connection().connection.cursor()
    try:
        cursor.execute(f"SELECT org_unit_id, element_id, category_option, value FROM data_value WHERE period = {mark} "
                       f"AND element_id IN ({', '.join([mark] * len(elements))})", [period.id, *elements])
        for unit_id, element_id, option, value in cursor.fetchall():
            if unit_id in wanted:
                values[unit_id][element_id][option] = value
    finally:
        cursor.close()
    for element_id, bound in bound_figures(db, period, {f.element_id for f in spec.fields if f.kind == "register"}).items():
        for unit_id in wanted:
            values[unit_id][element_id][""] = bound.values.get(unit_id)
    # Only final data is firm: a form awaiting review or returned for correction is still provisional.
    submitted = {u for u in db.scalars(select(Submission.org_unit_id).where(
        Submission.period == period.id, Submission.status == "final")) if u in wanted}
    return values, submitted


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
    values, submitted = _load(db, spec, period, reporting)
    unit_sums = []
    for unit in reporting:
        sums = _Sums.empty(len(plan.keys))
        sums.add_unit(_unit_vector(plan, values.get(unit.id, {})), unit.id in submitted)
        unit_sums.append((unit, sums))
    total = _Sums.empty(len(plan.keys))
    for _, sums in unit_sums:
        total.add(sums)
    top = _top_unit(db, reporting)
    reports = {}
    for level in levels:
        rows = [Row(unit, _with_computed(plan, sums.values(plan)), sums.units, sums.submitted)
                for unit, sums in _grouped(db, unit_sums, level)]
        reports[level] = Report(spec, period, level, columns, rows,
                                Row(top, _with_computed(plan, total.values(plan)), total.units, total.submitted),
                                expected=len(reporting), submitted=len(submitted), notes=bound_notes(db, spec.fields))
    return reports


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


def _grouped(db: Session, unit_sums: list[tuple[OrgUnit, _Sums]], level: int) -> list[tuple[OrgUnit, _Sums]]:
    if all(unit.level == level for unit, _ in unit_sums):
        return unit_sums
    groups: dict[str, _Sums] = {}
    for unit, sums in unit_sums:
        codes = unit.path.strip("/").split("/")
        if len(codes) >= level:
            groups.setdefault(codes[level - 1], _Sums.empty(len(sums.sums))).add(sums)
    units = {u.code: u for u in db.scalars(select(OrgUnit).where(OrgUnit.code.in_(list(groups))))}
    return [(units[code], groups[code]) for code in sorted(groups, key=lambda c: units[c].path)]
