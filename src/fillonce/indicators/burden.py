"""How many grassroots fields the indicators took off the one form, measured on the forms themselves.

For each unit's one form of a period: the elements that a spec field bound to an indicator computes, that
no other spec of the form still asks, and that no spec of a finer period collects from the unit (without
the indicator the gate would have a coarser form reuse such a figure, not ask it). Each would otherwise be
one more item the unit fills in. An element counts once per form, even where a spec asked it both in total
and divided (by sex): the count is a lower bound.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from fillonce.forms import service as forms
from fillonce.orgunits.models import OrgUnit
from fillonce.periods.ids import Period, is_finer_or_equal, period_of, periods_per_year
from fillonce.specs.gate import published_specs
from fillonce.specs.models import Spec


@dataclass(frozen=True)
class UnitRelief:
    unit_code: str
    removed: int  # items the indicators took off this unit's form
    asked: int  # items the form still asks


@dataclass(frozen=True)
class PeriodRelief:
    period: Period
    units: list[UnitRelief]  # every unit with a form for the period

    @property
    def removed(self) -> int:
        return sum(u.removed for u in self.units)

    @property
    def asked(self) -> int:
        return sum(u.asked for u in self.units)

    @property
    def cells_per_year(self) -> int:
        """Figures no longer typed by hand in a year: items removed × units × periods a year."""
        return round(self.removed * periods_per_year(self.period.type))


def collected_finer(published: list[Spec], unit: OrgUnit, period: Period) -> set[int]:
    """Elements that specs of a finer period than `period` collect (ask or compute) from the unit."""
    return {f.element_id for spec in published
            if spec.period_type != period.type and is_finer_or_equal(spec.period_type, period.type)
            and forms.applies(spec, unit, period_of(spec.period_type, period.end))
            for f in spec.fields if f.element_id is not None}


def removed_items(form: forms.OneForm, finer: set[int]) -> int:
    """The elements this form computes through indicators that it would otherwise have asked."""
    asked = {item.element.id for items in form.topics.values() for item in items if item.asked}
    bound = {item.field.element_id for item in form.computed if item.field.kind == "register"}
    return len(bound - asked - finer)


def relief(db: Session, period: Period) -> PeriodRelief:
    """The fields each unit's one form of the period lost to indicators."""
    units = list(db.scalars(select(OrgUnit).where(
        OrgUnit.opened_on <= period.end, (OrgUnit.closed_on.is_(None)) | (OrgUnit.closed_on > period.end))
        .order_by(OrgUnit.path)))
    published = published_specs(db)
    found = [UnitRelief(form.unit.code, removed_items(form, collected_finer(published, form.unit, period)),
                        form.burden.asked_fields)
             for form in forms.one_forms(db, units, period) if form.specs]
    return PeriodRelief(period, found)
