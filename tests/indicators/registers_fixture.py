"""A small civil-affairs and health register over the story's villages, inserted directly: registers are
not ledgered, and the registers' import service lives in its own domain."""

from __future__ import annotations

import hashlib
from datetime import date

from fillonce.accounts import service as accounts
from fillonce.accounts.system import INSTALLER
from fillonce.catalog import service as catalog
from fillonce.core.db import utcnow
from fillonce.core.writepath import write_service
from fillonce.indicators import service as indicators
from fillonce.ledger import log
from fillonce.orgunits import service as orgunits
from fillonce.registers.models import Register, RegisterRecord
from fillonce.specs.draft import FieldDraft
from spec_stories import civil_monthly

EARLY = date(2020, 1, 1)


def _element(db, code: str, name: str, value_type: str, aggregation: str, owner: str, options=()) -> None:
    catalog.create(db, INSTALLER, catalog.ElementInput(
        code=code, name_zh=name, value_type=value_type, aggregation=aggregation, owner_department_code=owner,
        unit="人" if value_type == "integer" else "", options=options))


def add_elements(story) -> None:
    db = story.db
    _element(db, "HOUSEHOLD_ID", "户编号", "text", "none", "MZJ")
    _element(db, "BENEFIT", "月保障金", "number", "sum", "MZJ")
    _element(db, "TEKUN_MODE", "供养方式", "option_set", "none", "MZJ",
             options=(("central", "集中供养", "Central"), ("home", "分散供养", "Home")))
    for code, name in (("ELDERLY_80", "80岁以上老年人口"), ("ELDERLY_60", "60岁以上老年人口"),
                       ("TEKUN_CENTRAL", "集中供养特困人数"), ("DIBAO_HH", "低保户数")):
        _element(db, code, name, "integer", "sum", "WJW" if code.startswith("ELDERLY") else "MZJ")


@write_service
def register(db, code: str, department: str, columns: tuple[str, ...]) -> Register:
    """A register row with its ledger entry (the registers domain's service does this in the product)."""
    found = Register(code=code, name_zh=f"{code}名册", department_id=accounts.get_department(db, department).id,
                     columns=[{"header": c, "field": f"element:{c}"} for c in columns], updated_at=utcnow())
    db.add(found)
    db.flush()
    log.record(db, INSTALLER, "register.create", found)
    return found


def person(db, reg: Register, unit_code: str, key: str, *, sex: str = "F", birth: date = date(1950, 6, 15),
           status: str = "", attributes: dict | None = None, added: date = EARLY, removed: date | None = None):
    digest = hashlib.sha256(key.encode()).hexdigest()
    record = RegisterRecord(register_id=reg.id, org_unit_id=orgunits.get(db, unit_code).id, person_key=digest,
                            id_number_enc="x", id_masked="3201**********0000", name=key, sex=sex, birth_date=birth,
                            status=status, attributes=attributes or {}, row_digest=digest, added_on=added,
                            removed_on=removed)
    db.add(record)
    return record


def with_registers(story):
    """DIBAO (households, benefit) and LAONIAN registers with people in V1, V2 and V3."""
    add_elements(story)
    db = story.db
    story.dibao = register(db, "DIBAO", "MZJ", ("HOUSEHOLD_ID", "BENEFIT", "TEKUN_MODE"))
    story.laonian = register(db, "LAONIAN", "WJW", ())
    for n, (unit, household, benefit) in enumerate([("V1", "H1", "300"), ("V1", "H1", "300"), ("V1", "H2", "450.5"),
                                                    ("V2", "H3", "200"), ("V3", "H4", "100")]):
        person(db, story.dibao, unit, f"d{n}", attributes={"HOUSEHOLD_ID": household, "BENEFIT": benefit})
    person(db, story.dibao, "V1", "gone", attributes={"HOUSEHOLD_ID": "H9", "BENEFIT": "999"},
           removed=date(2026, 10, 15))
    person(db, story.dibao, "V2", "late", attributes={"HOUSEHOLD_ID": "H8", "BENEFIT": "10"}, added=date(2026, 12, 1))
    person(db, story.dibao, "V2", "stopped", status="suspended", attributes={"HOUSEHOLD_ID": "H7", "BENEFIT": "5"})
    db.flush()
    return story


def count(story, code: str, register_code: str, element_code: str = "", **changes):
    """Create a count indicator as the register's department author."""
    author = story.erin if register_code == "DIBAO" else story.grace
    department = "MZJ" if register_code == "DIBAO" else "WJW"
    return indicators.create(story.db, author, indicators.IndicatorInput(
        code=code, name_zh=changes.pop("name_zh", code), kind=changes.pop("kind", "count"), department_code=department,
        register_code=register_code, element_code=element_code, **changes))


BOUND_HOUSEHOLDS = FieldDraft("DB_H", "低保户数", kind="register", element_code="DIBAO_HOUSEHOLDS")


def bound_fields() -> list[FieldDraft]:
    """The civil-affairs monthly spec with 低保户数 bound to the register indicator answering DIBAO_HOUSEHOLDS."""
    return [BOUND_HOUSEHOLDS if f.key == "DB_H" else f for f in civil_monthly().fields]
