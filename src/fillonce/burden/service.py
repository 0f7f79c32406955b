"""Burden metrics: each field of each spec a unit's one form covers, classified once by what the one form
does with it, then counted per unit, department, spec and month, in fields and in estimated minutes.

A field is
- `hand`: the one form asks it and the worker types it in;
- `prefilled`: asked, but arrives with last period's value to confirm (带数下发);
- `computed`: the system works it out (a formula, a register);
- `duplicate`: the same datum is already asked by another spec of the form, or collected by another form —
  asked once, never again.
What the separate forms would ask is every field; what the one form asks is `hand + prefilled`. An item two
specs share is counted as asked by the first spec (in form-number order) that asks it.

Past months are replayed with the specs in force then (their publication and retirement in the ledger).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from fillonce.accounts.models import Department
from fillonce.accounts.permissions import Actor, authorize
from fillonce.burden import settings as office_settings
from fillonce.core.db import utcnow
from fillonce.core.errors import NotFound, PermissionDenied
from fillonce.core.i18n import Text
from fillonce.forms.service import OneForm, one_forms
from fillonce.ledger.models import LedgerEntry
from fillonce.orgunits import service as orgunits
from fillonce.orgunits.models import OrgUnit
from fillonce.periods.ids import MONTHLY, Period, period_of, periods_between, periods_per_year
from fillonce.specs.models import Spec

OUTCOMES = ("hand", "prefilled", "computed", "duplicate")


@dataclass
class Tally:
    forms_before: int = 0  # separate forms: one per spec, unit and period
    forms_after: int = 0  # one forms that ask anything: one per unit and period
    separate: int = 0  # fields the separate forms would ask
    hand: int = 0
    prefilled: int = 0
    computed: int = 0
    duplicate: int = 0  # duplicates avoided
    minutes_before: float = 0.0
    minutes_after: float = 0.0

    @property
    def asked(self) -> int:
        return self.hand + self.prefilled

    @property
    def minutes_saved(self) -> float:
        return self.minutes_before - self.minutes_after

    def add(self, other: "Tally") -> None:
        for name in TALLY_FIELDS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


TALLY_FIELDS = tuple(f.name for f in fields(Tally))


@dataclass(frozen=True)
class FieldShape:
    """What classifying needs of a spec field, read once per spec (ORM attribute reads dominate otherwise)."""

    item: tuple[int, str | None] | None  # (element, disaggregation) for a catalogue field
    asks: bool  # the gate left it to be asked (not reused from another form)
    value_type: str  # the element's type, or "computed"


def _shape(spec: Spec) -> list[FieldShape]:
    return [FieldShape((f.element_id, f.category), f.mode == "ask", f.element.value_type)
            if f.kind == "element" and f.element is not None else FieldShape(None, False, "computed")
            for f in spec.fields]


def classify(form: OneForm, shapes: dict[int, list[FieldShape]] | None = None) -> Iterator[tuple[Spec, FieldShape, str]]:
    """Each field of each spec of the form with its outcome. `shapes` caches the specs' fields across forms."""
    shapes = {} if shapes is None else shapes
    items = {(i.element.id, i.category): i for group in form.topics.values() for i in group}
    claimed: set[tuple[int, str | None]] = set()
    for spec in form.specs:
        if spec.id not in shapes:
            shapes[spec.id] = _shape(spec)
        for f in shapes[spec.id]:
            item = items.get(f.item) if f.item else None
            if item is None:
                yield spec, f, "computed"
            elif not f.asks or f.item in claimed or not item.asked:
                yield spec, f, "duplicate"
            else:
                claimed.add(f.item)
                yield spec, f, "prefilled" if item.prefilled else "hand"


def tally_by_spec(form: OneForm, minutes: dict[str, float],
                  shapes: dict[int, list[FieldShape]] | None = None) -> dict[int, Tally]:
    """The figures of one unit's one form, per spec (by id). `forms_after` is left to the caller: the one
    form is shared by all its specs."""
    tallies = {spec.id: Tally(forms_before=1) for spec in form.specs}
    for spec, f, outcome in classify(form, shapes):
        tally, cost = tallies[spec.id], minutes.get(f"minutes.{f.value_type}", 0.0)
        tally.separate += 1
        tally.minutes_before += cost
        setattr(tally, outcome, getattr(tally, outcome) + 1)
        if outcome == "hand":
            tally.minutes_after += cost
        elif outcome == "prefilled":
            tally.minutes_after += minutes["minutes.confirm"]
    return tallies


# ---- specs in force over time --------------------------------------------------------------------

def _end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=timezone.utc)


def lifetimes(db: Session) -> dict[int, tuple[datetime, datetime | None]]:
    """When each spec version was published and retired, read from the ledger."""
    found: dict[int, list[datetime | None]] = {}
    rows = db.execute(select(LedgerEntry.object_id, LedgerEntry.action, LedgerEntry.body)
                      .where(LedgerEntry.object_type == "spec", LedgerEntry.action.in_(["spec.publish", "spec.retire"]))
                      .order_by(LedgerEntry.idx))
    for object_id, action, body in rows:
        at = datetime.fromisoformat(json.loads(body)["at"].replace("Z", "+00:00"))
        span = found.setdefault(int(object_id), [None, None])
        span[0 if action == "spec.publish" else 1] = at
    return {spec_id: (start, end) for spec_id, (start, end) in found.items() if start is not None}


def in_force(specs: Sequence[Spec], spans: dict[int, tuple[datetime, datetime | None]], moment: datetime) -> list[Spec]:
    def alive(spec: Spec) -> bool:
        span = spans.get(spec.id)
        return span is not None and span[0] <= moment and (span[1] is None or span[1] > moment)

    return sorted((s for s in specs if alive(s)), key=lambda s: s.form_number)


# ---- measuring ----------------------------------------------------------------------------------

@dataclass
class Measured:
    months: list[tuple[Period, Tally]]  # the trend, oldest first; each period counted in the month it ends
    total: Tally
    by_department: dict[str, Tally] = field(default_factory=dict)
    by_spec: dict[str, Tally] = field(default_factory=dict)  # form number -> tally
    titles: dict[str, str] = field(default_factory=dict)  # form number -> title
    reports_generated: int = 0  # department reports built from shared data instead of a separate form


def _periods_ending_in(month: Period, period_types: set[str]) -> list[Period]:
    return [p for t in sorted(period_types) for p in periods_between(t, month.start, month.end)
            if month.start <= p.end <= month.end]


def _units_open(units: Sequence[OrgUnit], day: date) -> list[OrgUnit]:
    return [u for u in units if u.is_open_on(day)]


def months_up_to_now(months: int) -> list[Period]:
    month_list = [period_of(MONTHLY, utcnow().date())]
    while len(month_list) < months:
        month_list.insert(0, month_list[0].previous())
    return month_list


def one_forms_by_month(db: Session, units: Sequence[OrgUnit], months: int) -> Iterator[tuple[Period, list[OneForm]]]:
    """Each of the last `months` months with the one forms of every period ending in it, built from the
    specs in force at the period's end (or now, for a period still running)."""
    now = utcnow()
    every = list(db.scalars(select(Spec).where(Spec.status.in_(["published", "retired"]))))
    spans = lifetimes(db)
    period_types = {s.period_type for s in every}
    for month in months_up_to_now(months):
        built: list[OneForm] = []
        for period in _periods_ending_in(month, period_types):
            specs = in_force(every, spans, min(_end_of(period.end), now))
            if specs:
                built.extend(one_forms(db, _units_open(units, period.end), period, specs))
        yield month, built


def measure(db: Session, units: Sequence[OrgUnit], months: int = 12,
            keep: Callable[[Spec], bool] = lambda s: True) -> Measured:
    """The figures of `units` over the last `months` months up to the current one."""
    minutes = office_settings.current(db)
    shapes: dict[int, list[FieldShape]] = {}
    measured = Measured([], Tally())
    reported: set[tuple[str, str]] = set()
    for month, built in one_forms_by_month(db, units, months):
        month_tally = Tally()
        for form in built:
            reported.update((spec.form_number, form.period.id) for spec in form.specs if keep(spec))
            _add_form(measured, month_tally, form, minutes, keep, shapes)
        measured.months.append((month, month_tally))
        measured.total.add(month_tally)
    measured.reports_generated = len(reported)
    return measured


def _add_form(measured: Measured, month_tally: Tally, form: OneForm, minutes: dict[str, float],
              keep: Callable[[Spec], bool], shapes: dict[int, list[FieldShape]]) -> None:
    form_tally = Tally()
    tallies = tally_by_spec(form, minutes, shapes)
    for spec in form.specs:
        if not keep(spec):
            continue
        one = tallies[spec.id]
        form_tally.add(one)
        measured.by_spec.setdefault(spec.form_number, Tally()).add(one)
        measured.titles[spec.form_number] = spec.title_zh
        measured.by_department.setdefault(spec.department.name_zh, Tally()).add(one)
    form_tally.forms_after = 1 if form_tally.asked else 0
    month_tally.add(form_tally)


# ---- scopes: who sees what -------------------------------------------------------------------------

@dataclass(frozen=True)
class Scope:
    """What a burden page is about: the city, a department's specs, or a unit and everything under it."""

    label: Text
    units: list[OrgUnit]
    department: Department | None = None

    def keeps(self, spec: Spec) -> bool:
        return self.department is None or spec.department_id == self.department.id


def _all_units(db: Session) -> list[OrgUnit]:
    return list(db.scalars(select(OrgUnit).order_by(OrgUnit.path)))


def scope_for(db: Session, actor: Actor, unit_code: str = "", department_code: str = "") -> Scope:
    """The scope asked for, or the actor's own: the office the city, a department its specs, the grassroots
    their unit (an official their subtree)."""
    if unit_code:
        unit = orgunits.get(db, unit_code)
        authorize(actor, "burden.view", unit)
        return Scope(Text(unit.name_zh, unit.name_en or unit.name_zh), orgunits.subtree(db, unit))
    if department_code:
        department = db.scalar(select(Department).where(Department.code == department_code))
        if department is None:
            raise NotFound(Text(f"没有代码为 {department_code} 的部门", f"no department {department_code}"))
        authorize(actor, "burden.view", department)
        return Scope(Text(department.name_zh, department.name_en or department.name_zh), _all_units(db), department)
    authorize(actor, "burden.view")
    own = actor.department_code if actor.role == "dept_staff" else \
        actor.org_unit_code if actor.role in {"reporter", "official"} else "city"
    if not own:
        raise PermissionDenied(Text("您的账号没有所属单位或部门", "your account belongs to no unit or department"))
    if actor.role == "dept_staff":
        return scope_for(db, actor, department_code=own)
    if actor.role in {"reporter", "official"}:
        return scope_for(db, actor, unit_code=own)
    return Scope(Text("全市", "The whole city"), _all_units(db))


def measure_scope(db: Session, scope: Scope, months: int = 12) -> Measured:
    return measure(db, scope.units, months, scope.keeps)


# ---- the city's before/after, as the pilots publish it ----------------------------------------------

@dataclass
class Summary:
    specs: int  # separate forms (report specifications) in force
    period_types: int  # one form per period type replaces them
    indicators_before: int  # fields across those specs
    indicators_after: int  # distinct items the one form asks
    reports_a_year: int  # reports generated from shared data a year
    measured: Measured

    @property
    def hours_saved(self) -> float:
        return self.measured.total.minutes_saved / 60


def summary(db: Session, actor: Actor, months: int = 12) -> Summary:
    authorize(actor, "burden.city")
    specs = list(db.scalars(select(Spec).where(Spec.status == "published")))
    asked = {(f.element_id, f.category) for s in specs for f in s.fields if f.kind == "element" and f.mode == "ask"}
    return Summary(
        specs=len(specs), period_types=len({s.period_type for s in specs}),
        indicators_before=sum(len(s.fields) for s in specs), indicators_after=len(asked),
        reports_a_year=round(sum(periods_per_year(s.period_type) for s in specs)),
        measured=measure(db, _all_units(db), months),
    )
