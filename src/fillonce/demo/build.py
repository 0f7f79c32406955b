"""Build the demo city into a database, through the same services everything else uses."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy.orm import Session

from fillonce.accounts import service as accounts
from fillonce.accounts.system import INSTALLER
from fillonce.catalog import service as catalog
from fillonce.core.db import replaying, utcnow
from fillonce.core.writepath import write_service
from fillonce.demo import indicators as demo_indicators
from fillonce.demo import registers as demo_registers
from fillonce.demo.city import DemoCity, build_city
from fillonce.demo.feedback import add_feedback
from fillonce.demo.history import fill_round, reporting_rounds
from fillonce.demo.problems import habits, miscount
from fillonce.demo.problems import seed as seed_problems
from fillonce.demo.specs import demo_specs, waiting_spec
from fillonce.entry import service as entry
from fillonce.orgunits import service as orgunits
from fillonce.specs import service as specs

DEMO_PASSWORD = "fillonce-demo"


@dataclass(frozen=True)
class DemoSummary:
    org_units_by_level: dict[int, int]
    departments: int
    elements: int
    accounts: int
    specs: int
    values: int
    submitted: int
    missing: int
    sign_in_examples: list[tuple[str, str, str | None]]


def _org_units(db: Session, city: DemoCity) -> None:
    inputs = [orgunits.OrgUnitInput(code=u.code, name_zh=u.name_zh, name_en=u.name_en,
                                    parent_code=u.parent_code, opened_on=u.opened) for u in city.org_units]
    orgunits.bulk_import(db, INSTALLER, inputs)


# Figures that change slowly: the one form prefills them from the previous period for confirmation.
SLOWLY_CHANGING = {
    "POP_REGISTERED", "POP_RESIDENT", "HH_REGISTERED", "HH_RESIDENT", "FARMLAND", "BASIC_FARMLAND",
    "HIGH_STANDARD_FARMLAND", "FOREST_LAND", "LAND_AREA", "NATURAL_VILLAGES", "VILLAGER_GROUPS", "GRIDS",
    "GRID_WORKERS", "COMMITTEE_MEMBERS", "SCHOOLS", "KINDERGARTENS", "VILLAGE_CLINICS", "VILLAGE_DOCTORS",
    "CARE_HOMES", "CARE_BEDS", "DAY_CARE_CENTRES", "SHELTERS", "SHELTER_AREA", "COLLECTIVE_MEMBERS",
    "ELDERLY_60", "ELDERLY_65", "ELDERLY_80", "VETERANS", "DISABLED_CERTIFIED",
}


def _catalogue(db: Session, city: DemoCity) -> None:
    for category in city.categories:
        catalog.create_category(db, INSTALLER, category.code, category.name_zh, category.name_en, category.options)
    for e in city.elements:
        catalog.create(db, INSTALLER, catalog.ElementInput(
            code=e.code, name_zh=e.name_zh, name_en=e.name_en, definition_zh=e.definition_zh,
            value_type=e.value_type, unit=e.unit_zh, aggregation=e.aggregation,
            owner_department_code=e.owner_department, topic=e.topic, aliases=e.aliases,
            categories=e.categories, options=e.options,
            slowly_changing=e.code in SLOWLY_CHANGING or e.value_type in {"text", "boolean", "option_set", "date"}))


def _people(db: Session, city: DemoCity) -> None:
    accounts.create_accounts(db, INSTALLER, [accounts.AccountInput(
        username=person.username, display_name=person.display_name, password=DEMO_PASSWORD,
        role=person.role, org_unit_code=person.scope_org_unit, department_code=person.department,
        duty=person.duty) for person in city.people])


def _actor(db: Session, username: str):
    return accounts.actor_of(accounts.get_account(db, username))


def _specs(db: Session) -> int:
    """Each department authors its specs; the office approves them at the gate; the authors publish."""
    office = _actor(db, "office")
    for draft in demo_specs():
        author = _actor(db, f"{draft.department_code.lower()}_author")
        spec = specs.create_draft(db, author, draft)
        specs.submit(db, author, spec.id)
        specs.decide(db, office, spec.id, approve=True, note="经审核，同意发布。")
        specs.publish(db, author, spec.id)
    waiting = waiting_spec()
    author = _actor(db, f"{waiting.department_code.lower()}_author")
    specs.submit(db, author, specs.create_draft(db, author, waiting).id)  # for the office's queue
    return len(demo_specs())


def _month_before(db: Session, city: DemoCity, period) -> int:
    """The first month: slowly changing figures, so the next form arrives prefilled (带数下发)."""
    rng = random.Random(2026)
    villages = [u for u in city.org_units if u.level == 4]
    count = 0
    for village in villages:
        households = rng.randint(180, 1600)
        people = int(households * rng.uniform(2.6, 3.4))
        values = {("HH_REGISTERED", ""): households, ("POP_REGISTERED", ""): people,
                  ("POP_RESIDENT", ""): int(people * rng.uniform(0.7, 1.05)),
                  ("HH_RESIDENT", ""): int(households * rng.uniform(0.75, 1.0)),
                  ("GRID_WORKERS", ""): rng.randint(2, 9)}
        count += entry.save_values(db, _actor(db, f"r{village.code}"), village.code, period.id, values)
    return count


def _morning(day) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=timezone.utc)


@write_service
def build_demo(db: Session, progress: Callable[[str, int], None] = lambda step, n: None) -> DemoSummary:
    """Deterministic: the same city, catalogue and people every time, in one transaction."""
    city = build_city()
    first, rounds = reporting_rounds(utcnow().date())
    with replaying(_morning(first.start)):  # the city set itself up the month before the last whole quarter
        for department in city.departments:
            accounts.create_department(db, INSTALLER, department.code, department.name_zh, department.name_en)
        progress("departments", len(city.departments))
        _org_units(db, city)
        progress("org_units", len(city.org_units))
        _catalogue(db, city)
        progress("elements", len(city.elements))
        _people(db, city)
        progress("accounts", len(city.people))
        demo_registers.set_up(db, city)  # registers (台账)
        published = _specs(db)
        progress("specs", published)
        progress("indicators", demo_indicators.define(db))  # over the registers; bound to the specs later
    with replaying(_morning(first.end + timedelta(days=3))):
        filled = _month_before(db, city, first)
    progress("values", filled)
    villages = [u for u in city.org_units if u.level == 4]
    last, before = rounds[-1][0], rounds[-2][0]
    for periods in rounds[:-1]:  # monthly rounds, each village at its own moment; the quarter's with its last month
        copied = demo_indicators.register_figures(db, periods)  # the villages still copy what the registers say
        if periods[0] == before:
            miscount(db, copied, villages, before)
        fill_round(db, villages, periods, copied, habits(villages))
    with replaying(_morning(last.start + timedelta(days=9))):  # registers (台账): a month's changes
        demo_registers.reimport(db, city)
    with replaying(_morning(last.start + timedelta(days=19))):  # from now on the registers answer those fields
        demo_indicators.bind(db)
    submitted, missing = fill_round(db, villages, rounds[-1], habits=habits(villages))
    progress("submitted", submitted)
    seed_problems(db, villages, last, [before])
    add_feedback(db, city)  # feedback in every state
    return DemoSummary(
        org_units_by_level=orgunits.count_by_level(db), departments=len(city.departments),
        elements=sum(catalog.element_counts_by_department(db).values()),  # with the registers' columns
        accounts=len(city.people), specs=published, values=filled,
        submitted=submitted, missing=missing,
        sign_in_examples=list(city.sign_in_examples()),
    )
