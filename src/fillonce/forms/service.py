"""The one form (一表通): for a unit and a period, every distinct item that all applicable published
specs need, each asked once, grouped by topic, with what is already known prefilled (带数下发)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from fillonce.catalog.models import DataElement
from fillonce.core.cache import KeyedCache, shared
from fillonce.entry.models import DataValue
from fillonce.indicators.compute import bound_figures
from fillonce.orgunits.models import OrgUnit
from fillonce.periods.ids import Period
from fillonce.specs.models import Spec, SpecField


@dataclass
class Use:
    """One spec's use of an item: which department asks it, under which label."""

    form_number: str
    department: str
    label: str
    mode: str


@dataclass
class FormItem:
    element: DataElement
    category: str | None
    options: list[tuple[str, str, str]]  # (code, zh, en); [("", "合计", "Total")] for an undivided item
    uses: list[Use] = field(default_factory=list)
    prefill: dict[str, str] = field(default_factory=dict)  # option code -> value from the previous period

    @property
    def asked(self) -> bool:
        return any(u.mode == "ask" for u in self.uses)

    @property
    def departments(self) -> list[str]:
        return sorted({u.department for u in self.uses})

    @property
    def prefilled(self) -> bool:
        """Every option arrives with last period's value: the worker only confirms it."""
        return bool(self.prefill) and len(self.prefill) == len(self.options)


@dataclass
class ComputedItem:
    spec: Spec
    field: SpecField
    value: float | None = None  # a field bound to an indicator: the figure computed from its register
    source: str = ""  # … and where that figure comes from


@dataclass
class Burden:
    separate_fields: int  # what the separate forms would ask of this unit for this period
    asked_fields: int  # what the one form asks (each item once)
    prefilled_fields: int  # asked, but prefilled for confirmation
    computed_fields: int  # never asked: the system computes them

    @property
    def filled_by_hand(self) -> int:
        return self.asked_fields - self.prefilled_fields


@dataclass
class OneForm:
    unit: OrgUnit
    period: Period
    specs: list[Spec]
    topics: dict[str, list[FormItem]]
    computed: list[ComputedItem]
    burden: Burden


TOTAL = [("", "合计", "Total")]


def applies(spec: Spec, unit: OrgUnit, period: Period) -> bool:
    if spec.period_type != period.type or (spec.valid_until and spec.valid_until < period.start):
        return False
    if spec.target_units:
        return unit.code in spec.target_units
    return spec.target_level == unit.level


def published_for(db: Session, period: Period) -> list[Spec]:
    """The published specs of the period's type. The session keeps the ones it loaded: a save or a
    submission asks for them several times (the form, its deadlines, its checks), and loading them
    again with their fields and elements each time was most of its work."""
    ids = tuple(db.scalars(select(Spec.id).where(Spec.status == "published", Spec.period_type == period.type)
                           .order_by(Spec.form_number)))
    held = db.info.setdefault(PUBLISHED, {})
    if period.type not in held or held[period.type][0] != ids:
        held[period.type] = (ids, _shared_specs(db, ids))
    return list(held[period.type][1])


PUBLISHED = "published_specs"  # session info: period type -> (spec ids, the specs)
SPEC_SOURCES = ("spec", "data_element", "category", "department")  # what a published spec shows comes from
_SHARED_SPECS: KeyedCache[list[Spec]] = KeyedCache(32)


def _shared_specs(db: Session, ids: tuple[int, ...]) -> list[Spec]:
    """Loaded once per process until a spec, the catalogue or a department changes (specs never change
    once published: changes make new versions)."""
    return shared(db, _SHARED_SPECS, ids, SPEC_SOURCES, lambda session: _load_specs(session, ids))


def _load_specs(db: Session, ids: tuple[int, ...]) -> list[Spec]:
    loaded = {spec.id: spec for spec in db.scalars(select(Spec).where(Spec.id.in_(ids)))}
    return [loaded[spec_id] for spec_id in ids]


def _options(element: DataElement, category: str | None) -> list[tuple[str, str, str]]:
    if category is None:
        return TOTAL
    found = next((c for c in element.categories if c.code == category), None)
    return [tuple(o) for o in found.options] if found else TOTAL


def _items(specs: Sequence[Spec]) -> tuple[dict[tuple[int, str | None], FormItem], list[ComputedItem]]:
    items: dict[tuple[int, str | None], FormItem] = {}
    computed: list[ComputedItem] = []
    for spec in specs:
        for f in spec.fields:
            if f.kind in ("computed", "register"):
                computed.append(ComputedItem(spec, f))
            elif f.kind == "element" and f.element is not None:
                key = (f.element_id, f.category)
                if key not in items:
                    items[key] = FormItem(f.element, f.category, _options(f.element, f.category))
                items[key].uses.append(Use(spec.form_number, spec.department.name_zh, f.label_zh, f.mode))
    return items, computed


def _previous_values(db: Session, unit_ids: Sequence[int], period: Period,
                     element_ids: Sequence[int]) -> dict[int, dict[tuple[int, str], str]]:
    """Last period's values of slowly changing elements, for all units at once."""
    found: dict[int, dict[tuple[int, str], str]] = defaultdict(dict)
    if not element_ids or not unit_ids:
        return found
    rows = db.execute(select(DataValue.org_unit_id, DataValue.element_id, DataValue.category_option, DataValue.value)
                      .where(DataValue.period == period.previous().id, DataValue.element_id.in_(element_ids),
                             DataValue.org_unit_id.in_(unit_ids)))
    for unit_id, element_id, option, value in rows:
        found[unit_id][(element_id, option)] = value
    return found


def _assemble(unit: OrgUnit, period: Period, specs: list[Spec], previous: dict[tuple[int, str], str]) -> OneForm:
    items, computed = _items(specs)
    topics: dict[str, list[FormItem]] = defaultdict(list)
    for item in items.values():
        if item.element.slowly_changing:
            item.prefill = {code: previous[(item.element.id, code)] for code, _, _ in item.options
                            if (item.element.id, code) in previous}
        topics[item.element.topic or "其他"].append(item)
    for group in topics.values():
        group.sort(key=lambda i: (not i.asked, i.element.code, i.category or ""))
    asked = [i for i in items.values() if i.asked]
    burden = Burden(
        separate_fields=sum(len(s.fields) for s in specs),
        asked_fields=len(asked),
        prefilled_fields=sum(1 for i in asked if i.prefilled),
        computed_fields=len(computed) + sum(1 for i in items.values() if not i.asked),
    )
    return OneForm(unit, period, specs, dict(sorted(topics.items())), computed, burden)


def one_form(db: Session, unit: OrgUnit, period: Period, figures: bool = True) -> OneForm:
    """`figures=False`: without the registers' figures for the bound fields, which checking, submitting
    and reopening never read (computing them is most of the cost of building a village's form)."""
    specs = [s for s in published_for(db, period) if applies(s, unit, period)]
    element_ids = sorted({f.element_id for s in specs for f in s.fields if f.element_id})
    previous = _previous_values(db, [unit.id], period, element_ids).get(unit.id, {})
    form = _assemble(unit, period, specs, previous)
    return _with_register_figures(db, period, [form], within=unit)[0] if figures else form


def one_forms(db: Session, units: Sequence[OrgUnit], period: Period,
              in_force: Sequence[Spec] | None = None) -> list[OneForm]:
    """The one form of many units for a period, with one query for all their prefilled values.
    `in_force`: the specs to build from (burden metrics replay past periods); default those published now."""
    published = published_for(db, period) if in_force is None else [s for s in in_force if s.period_type == period.type]
    element_ids = sorted({f.element_id for s in published for f in s.fields if f.element_id})
    previous = _previous_values(db, [u.id for u in units], period, element_ids)
    return _with_register_figures(db, period, [
        _assemble(unit, period, [s for s in published if applies(s, unit, period)], previous.get(unit.id, {}))
        for unit in units])


def _with_register_figures(db: Session, period: Period, many: list[OneForm], within: OrgUnit | None = None) -> list[OneForm]:
    """Fields bound to an indicator are shown read-only with the figure the register gives, never asked."""
    bound_items = [(form, item) for form in many for item in form.computed if item.field.kind == "register"]
    figures = bound_figures(db, period, {item.field.element_id for _, item in bound_items}, within)
    for form, item in bound_items:
        if item.field.element_id in figures:
            bound = figures[item.field.element_id]
            item.value, item.source = bound.values.get(form.unit.id), bound.source
    return many
