"""Everything the checks read for one period, loaded once: units, the specs they owe, values,
submissions and the values of earlier periods. The checks are then plain loops over memory."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from fillonce.catalog.models import DataElement
from fillonce.core.i18n import Text
from fillonce.entry import deadlines
from fillonce.entry.models import DataValue, Submission
from fillonce.forms import service as forms
from fillonce.orgunits.models import OrgUnit
from fillonce.periods.ids import Period, period_of
from fillonce.specs.models import Spec

RECENT_PERIODS = 12  # the history the outlier and digit tests read: about a year of monthly reports
SEASONS_BACK = 3  # the same period in up to three earlier years
NUMERIC = {"integer", "number", "percent"}


@dataclass(frozen=True)
class Found:
    """One problem a check found. `identity` (with sub-kind, unit and period) names it across runs."""

    sub_kind: str
    unit_id: int | None
    identity: tuple
    message: Text
    evidence: dict
    element_id: int | None = None
    spec_id: int | None = None
    department_id: int | None = None


def number(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(Decimal(text))
    except (InvalidOperation, ValueError):
        return None


def year_earlier(period: Period, years: int) -> Period:
    start = period.start
    day = min(start.day, 28) if start.month == 2 else start.day
    return period_of(period.type, start.replace(year=start.year - years, day=day))


def recent_periods(period: Period, count: int = RECENT_PERIODS) -> list[Period]:
    found, current = [], period
    for _ in range(count):
        current = current.previous()
        found.append(current)
    return found


@dataclass
class PeriodData:
    period: Period
    today: date
    units: dict[int, OrgUnit]
    unit_specs: dict[int, list[Spec]]
    required: dict[int, list[tuple[int, str]]]  # per unit: the (element, option) its submission needs
    values: dict[int, dict[tuple[int, str], str]]
    submissions: dict[int, Submission]
    elements: dict[int, DataElement]
    # unit -> element -> {period id: the element's total}: this period and the history
    totals: dict[int, dict[int, dict[str, float]]] = field(default_factory=dict)
    season_ids: list[str] = field(default_factory=list)  # the same period in earlier years, newest first
    recent_ids: list[str] = field(default_factory=list)  # the periods just before, newest first
    # unit -> the distinct numbers it reported in this period and the recent history (options included)
    numbers: dict[int, list[float]] = field(default_factory=dict)

    def window(self, unit_id: int) -> deadlines.Window:
        return deadlines.window(self.unit_specs.get(unit_id, []), self.period)

    def reported(self) -> list[int]:
        """Units whose data counts: they submitted this period's form."""
        return [u for u in self.submissions if u in self.units]


def _required(db: Session, units: list[OrgUnit], unit_specs: dict[int, list[Spec]], period: Period):
    """The asked items of each distinct set of specs, built from one unit that owes that set."""
    by_set: dict[tuple[int, ...], list[OrgUnit]] = defaultdict(list)
    for unit in units:
        if unit_specs.get(unit.id):
            by_set[tuple(s.id for s in unit_specs[unit.id])].append(unit)
    required = {}
    representatives = [group[0] for group in by_set.values()]
    for form in forms.one_forms(db, representatives, period):
        items = [(item.element.id, code) for topic in form.topics.values() for item in topic
                 if item.asked for code, _, _ in item.options]
        for unit in by_set[tuple(s.id for s in form.specs)]:
            required[unit.id] = items
    return required


def load(db: Session, period: Period, today: date) -> PeriodData:
    units = {u.id: u for u in db.scalars(select(OrgUnit).order_by(OrgUnit.path)) if u.is_open_on(period.end)}
    published = forms.published_for(db, period)
    unit_specs = {uid: specs for uid, u in units.items() if (specs := [s for s in published if forms.applies(s, u, period)])}
    values: dict[int, dict[tuple[int, str], str]] = defaultdict(dict)
    for unit_id, element_id, option, value in db.execute(
            select(DataValue.org_unit_id, DataValue.element_id, DataValue.category_option, DataValue.value)
            .where(DataValue.period == period.id)):
        values[unit_id][(element_id, option)] = value
    submissions = {s.org_unit_id: s for s in db.scalars(select(Submission).where(Submission.period == period.id))}
    elements = {e.id: e for e in db.scalars(select(DataElement))}
    data = PeriodData(period, today, units, unit_specs, _required(db, list(units.values()), unit_specs, period),
                      dict(values), submissions, elements,
                      season_ids=[year_earlier(period, years).id for years in range(1, SEASONS_BACK + 1)],
                      recent_ids=[p.id for p in recent_periods(period)])
    _load_numbers(db, data)
    return data


def _load_numbers(db: Session, data: PeriodData) -> None:
    """One query for the numeric values of this period and its history, summed to totals per element
    (an element divided by sex has no total row: its options add up to it)."""
    wanted = {data.period.id, *data.season_ids, *data.recent_ids}
    recent = {data.period.id, *data.recent_ids}
    numeric = {e.id for e in data.elements.values() if e.value_type in NUMERIC}
    totals: dict[int, dict[int, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    parts: dict[tuple[int, int], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    distinct: dict[int, set[tuple[int, str, float]]] = defaultdict(set)
    rows = db.execute(select(DataValue.org_unit_id, DataValue.element_id, DataValue.category_option,
                             DataValue.period, DataValue.value)
                      .where(DataValue.period.in_(sorted(wanted)), DataValue.org_unit_id.in_(list(data.units))))
    for unit_id, element_id, option, period_id, text in rows:
        value = number(text) if element_id in numeric else None
        if value is None:
            continue
        if period_id in recent:  # a figure repeated month after month (prefilled) is one figure
            distinct[unit_id].add((element_id, option, value))
        if option:
            parts[(unit_id, element_id)][period_id] += value
        else:
            totals[unit_id][element_id][period_id] = value
    for (unit_id, element_id), by_period in parts.items():
        for period_id, value in by_period.items():
            totals[unit_id][element_id].setdefault(period_id, value)
    data.totals = {unit_id: dict(by_element) for unit_id, by_element in totals.items()}
    data.numbers = {unit_id: [value for _, _, value in figures] for unit_id, figures in distinct.items()}
