"""When a unit's form for a period is due, and when it closes: after the period ends, each spec allows its
deadline days, then its grace days; once closed, only a department that asks the form can reopen it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fillonce.entry.models import Reopening
from fillonce.periods.ids import Period
from fillonce.specs.models import Spec


@dataclass(frozen=True)
class Window:
    due: date | None  # the deadline: later than this is late
    closes: date | None  # the last day values can change without a reopening

    def late_on(self, day: date) -> bool:
        return self.due is not None and day > self.due

    def closed_on(self, day: date) -> bool:
        return self.closes is not None and day > self.closes


def window(specs: list[Spec], period: Period) -> Window:
    """The most generous of the specs' deadlines: the form is one, so is its deadline."""
    if not specs:
        return Window(None, None)
    due = max(period.end + timedelta(days=s.deadline_days) for s in specs)
    closes = max(period.end + timedelta(days=s.deadline_days + s.grace_days) for s in specs)
    return Window(due, closes)


def reopened_until(db: Session, unit_id: int, period: Period) -> date | None:
    until = db.scalars(select(Reopening.until).where(Reopening.org_unit_id == unit_id, Reopening.period == period.id))
    return max(until, default=None)


def open_for_changes(db: Session, unit_id: int, specs: list[Spec], period: Period, today: date) -> bool:
    if not window(specs, period).closed_on(today):
        return True
    until = reopened_until(db, unit_id, period)
    return until is not None and today <= until
