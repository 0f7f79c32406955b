"""The demo's indicators (不报统计), and the departments binding their specs' fields to them.

Each department defines the indicators over its own register (the registers step, which runs first,
defines the registers and their columns' elements): 低保 persons and households, 特困 persons by mode of
support, certified and severely disabled persons, veterans, the floating population and the elderly by
age at the period's end, plus 老龄化率 as a ratio. Then every
published spec that asked one of those figures gets a new version with the field bound to the
indicator, through the gate and the office like any change, so the figure leaves the grassroots form.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session

from fillonce.accounts import service as accounts
from fillonce.catalog import service as catalog
from fillonce.indicators.compute import bound_figures
from fillonce.indicators import service as indicators
from fillonce.periods.ids import Period
from fillonce.specs import service as specs
from fillonce.specs.gate import published_specs

I = indicators.IndicatorInput  # noqa: E741 - a table of definitions reads better with a short name

INDICATORS = (
    I("DIBAO_PERSONS", "低保人数", "count", "MZJ", register_code="DIBAO", element_code="DIBAO_PERSONS"),
    I("DIBAO_HH", "低保户数", "distinct", "MZJ", register_code="DIBAO", attribute="HOUSEHOLD_ID",
      element_code="DIBAO_HH"),
    I("TEKUN_PERSONS", "特困供养人数", "count", "MZJ", register_code="TEKUN", element_code="TEKUN_PERSONS"),
    I("TEKUN_CENTRAL", "集中供养特困人数", "count", "MZJ", register_code="TEKUN", element_code="TEKUN_CENTRAL",
      attributes={"TEKUN_MODE": ("central",)}),
    I("TEKUN_HOME", "分散供养特困人数", "count", "MZJ", register_code="TEKUN", element_code="TEKUN_HOME",
      attributes={"TEKUN_MODE": ("home",)}),
    I("DISABLED_CERTIFIED", "持证残疾人数", "count", "CL", register_code="CANJI", element_code="DISABLED_CERTIFIED"),
    I("DISABLED_SEVERE", "重度残疾人数", "count", "CL", register_code="CANJI", element_code="DISABLED_SEVERE",
      attributes={"DISABILITY_GRADE": ("1", "2")}),
    I("VETERANS", "退役军人数", "count", "TYJ", register_code="TUIYI", element_code="VETERANS"),
    I("POP_FLOATING", "流动人口数", "count", "GAJ", register_code="LIUDONG", element_code="POP_FLOATING"),
    I("ELDERLY_60", "60岁以上老年人口", "count", "WJW", register_code="LAONIAN", element_code="ELDERLY_60", age_min=60),
    I("ELDERLY_65", "65岁以上老年人口", "count", "WJW", register_code="LAONIAN", element_code="ELDERLY_65", age_min=65),
    I("ELDERLY_80", "80岁以上老年人口", "count", "WJW", register_code="LAONIAN", element_code="ELDERLY_80", age_min=80),
    I("AGING_RATE", "老龄化率", "ratio", "WJW", numerator="ELDERLY_60", denominator="POP_REGISTERED", factor=100,
      description_zh="60岁以上老年人口占户籍人口的百分比；户籍人口取各村（社区）当期报送数。"),
)

def _author(db: Session, department_code: str):
    return accounts.actor_of(accounts.get_account(db, f"{department_code.lower()}_author"))


def _rebind(db: Session, spec, bound: set[str]) -> bool:
    """A new version of the spec with its fields for these elements bound to their indicators."""
    draft = specs.as_draft(spec)
    if not any(f.element_code in bound and f.kind == "element" for f in draft.fields):
        return False
    author, office = _author(db, spec.department.code), _author_office(db)
    fields = [replace(f, kind="register", category=None, required=False) if f.element_code in bound else f
              for f in draft.fields]
    version = specs.new_version(db, author, spec.id)
    specs.update_draft(db, author, version.id, replace(draft, fields=fields))
    specs.submit(db, author, version.id)
    specs.decide(db, office, version.id, approve=True, note="指标已可由名册计算，同意改为不报统计。")
    specs.publish(db, author, version.id)
    return True


def _author_office(db: Session):
    return accounts.actor_of(accounts.get_account(db, "office"))


def define(db: Session) -> int:
    """The departments define their indicators over the registers; returns how many."""
    for definition in INDICATORS:
        indicators.create(db, _author(db, definition.department_code), definition)
    return len(INDICATORS)


def bind(db: Session) -> int:
    """Every published spec's fields the indicators answer leave the grassroots form; returns the specs changed."""
    bound = {d.element_code for d in INDICATORS if d.element_code}
    return sum(_rebind(db, spec, bound) for spec in published_specs(db))


def register_figures(db: Session, periods: list[Period]) -> dict[str, dict[str, dict[int, int]]]:
    """What the registers say for each period (period id -> element code -> unit id -> figure): before the
    fields were bound, the villages copied these figures from the registers by hand."""
    elements = {catalog.get(db, d.element_code).id: d.element_code for d in INDICATORS if d.element_code}
    return {period.id: {elements[element_id]: {unit: int(figure) for unit, figure in bound.values.items()
                                               if figure is not None}
                        for element_id, bound in bound_figures(db, period, set(elements)).items()}
            for period in periods}
