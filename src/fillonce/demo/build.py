"""Build the demo city into a database, through the same services everything else uses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from fillonce.accounts import service as accounts
from fillonce.accounts.system import INSTALLER
from fillonce.catalog import service as catalog
from fillonce.core.writepath import write_service
from fillonce.demo.city import DemoCity, build_city
from fillonce.orgunits import service as orgunits

DEMO_PASSWORD = "fillonce-demo"


@dataclass(frozen=True)
class DemoSummary:
    org_units_by_level: dict[int, int]
    departments: int
    elements: int
    accounts: int
    sign_in_examples: list[tuple[str, str, str | None]]


def _org_units(db: Session, city: DemoCity) -> None:
    inputs = [orgunits.OrgUnitInput(code=u.code, name_zh=u.name_zh, name_en=u.name_en,
                                    parent_code=u.parent_code, opened_on=u.opened) for u in city.org_units]
    orgunits.bulk_import(db, INSTALLER, inputs)


def _catalogue(db: Session, city: DemoCity) -> None:
    for category in city.categories:
        catalog.create_category(db, INSTALLER, category.code, category.name_zh, category.name_en, category.options)
    for e in city.elements:
        catalog.create(db, INSTALLER, catalog.ElementInput(
            code=e.code, name_zh=e.name_zh, name_en=e.name_en, definition_zh=e.definition_zh,
            value_type=e.value_type, unit=e.unit_zh, aggregation=e.aggregation,
            owner_department_code=e.owner_department, topic=e.topic, aliases=e.aliases,
            categories=e.categories, options=e.options))


def _people(db: Session, city: DemoCity) -> None:
    accounts.create_accounts(db, INSTALLER, [accounts.AccountInput(
        username=person.username, display_name=person.display_name, password=DEMO_PASSWORD,
        role=person.role, org_unit_code=person.scope_org_unit, department_code=person.department,
        duty=person.duty) for person in city.people])


@write_service
def build_demo(db: Session, progress: Callable[[str, int], None] = lambda step, n: None) -> DemoSummary:
    """Deterministic: the same city, catalogue and people every time, in one transaction."""
    city = build_city()
    for department in city.departments:
        accounts.create_department(db, INSTALLER, department.code, department.name_zh, department.name_en)
    progress("departments", len(city.departments))
    _org_units(db, city)
    progress("org_units", len(city.org_units))
    _catalogue(db, city)
    progress("elements", len(city.elements))
    _people(db, city)
    progress("accounts", len(city.people))
    return DemoSummary(
        org_units_by_level=orgunits.count_by_level(db), departments=len(city.departments),
        elements=len(city.elements), accounts=len(city.people), sign_in_examples=list(city.sign_in_examples()),
    )
