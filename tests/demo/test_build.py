"""The demo city built into a database through the services, the same way every time."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fillonce.accounts.models import Account, Department
from fillonce.catalog.models import DataElement
from fillonce.demo.build import DEMO_PASSWORD, build_demo
from fillonce.core.config import load_settings
from fillonce.entry.models import DataValue
from fillonce.ledger import log
from fillonce.ledger.verify import verify
from fillonce.specs.models import Spec
from fillonce.ledger.models import LedgerEntry
from fillonce.orgunits.models import OrgUnit
from fillonce.quality.models import Finding


def count(db: Session, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def _build_once(engine) -> list[tuple[str, str, str]]:
    """Build the demo in a transaction of its own, note its org units, and roll it all back."""
    with engine.connect() as connection:
        outer = connection.begin()
        try:
            with Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False) as db:
                build_demo(db)
                return _units(db)
        finally:
            outer.rollback()


def _units(db: Session) -> list[tuple[str, str, str]]:
    query = select(OrgUnit.code, OrgUnit.name_zh, OrgUnit.path).order_by(OrgUnit.code)
    return [tuple(row) for row in db.execute(query)]


@pytest.fixture(scope="module")
def demo(migrated_engine):
    """Built once per database for the whole module (the tests only read it), after a first build
    in another transaction that was rolled back, so the two can be compared."""
    earlier = _build_once(migrated_engine)
    with migrated_engine.connect() as connection:
        outer = connection.begin()
        with Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False) as db:
            steps = []
            summary = build_demo(db, progress=lambda step, n: steps.append((step, n)))
            yield db, summary, steps, earlier
        outer.rollback()


def test_the_demo_city_has_the_shape_of_a_real_one(demo):
    db, summary, steps, _ = demo
    levels = dict(db.execute(select(OrgUnit.level, func.count()).group_by(OrgUnit.level)).all())
    assert levels[1] == 1 and levels[2] == 6
    assert 25 <= levels[3] <= 35 and 250 <= levels[4] <= 350
    assert summary.org_units_by_level == levels
    assert 130 <= count(db, DataElement) <= 170 and summary.elements == count(db, DataElement)
    assert summary.departments == count(db, Department) and summary.accounts == count(db, Account)
    assert [step for step, _ in steps] == ["departments", "org_units", "elements", "accounts", "specs", "indicators", "values", "submitted"]


def test_every_village_has_its_reporter(demo):
    db, summary, _, _ = demo
    villages = set(db.scalars(select(OrgUnit.id).where(OrgUnit.level == 4)))
    reporters = Counter(db.scalars(select(Account.org_unit_id).where(Account.role == "reporter")))
    assert set(reporters) == villages and set(reporters.values()) == {1}
    roles = set(db.scalars(select(Account.role).distinct()))
    assert roles == {"reporter", "official", "dept_staff", "office", "auditor", "admin"}
    assert summary.sign_in_examples and all(len(example) == 3 for example in summary.sign_in_examples)
    assert DEMO_PASSWORD


def test_every_record_is_in_the_ledger(demo):
    db, _, _, _ = demo
    entries = count(db, LedgerEntry)
    assert log.current_size(db) == entries
    assert count(db, LedgerEntry) == db.scalar(select(func.max(LedgerEntry.idx))) + 1  # no gaps
    actions = Counter(db.scalars(select(LedgerEntry.action)))
    assert actions["orgunit.create"] == count(db, OrgUnit) and actions["account.create"] == count(db, Account)
    # Published once each: versions rebound to indicators retired their predecessors (indicators).
    published = db.scalar(select(func.count()).select_from(Spec).where(Spec.status.in_(("published", "retired"))))
    assert actions["spec.publish"] == published and actions["spec.submit"] == published + 1  # one waits at the gate
    assert actions["value.create"] == count(db, DataValue)
    report = verify(db, load_settings())  # every row is exactly what replaying the ledger gives
    assert report.ok, report.problems[:3]


def test_every_element_has_exactly_one_owner_that_exists(demo):
    db, _, _, _ = demo
    owners = set(db.scalars(select(DataElement.owner_department_id)))
    assert None not in owners and owners <= set(db.scalars(select(Department.id)))


def test_two_builds_in_fresh_transactions_are_identical(demo):
    db, _, _, earlier = demo
    assert len(earlier) > 300 and _units(db) == earlier


def test_the_quality_checks_find_every_seeded_problem(demo):
    """The last month's findings: the registers step's duplicates and the problems step's seeds; no figure
    disagrees with a register then (indicators compute them all). The month before, the villages still copied
    the registers' figures by hand, and the three seeded miscounts are found."""
    db, _, _, _ = demo
    last = db.scalar(select(func.max(Finding.period)))
    found = Counter(db.scalars(select(Finding.sub_kind).where(Finding.period == last)))
    assert {kind: found[kind] for kind in ("same_id_two_units", "fuzzy_person", "exclusive_group", "same_file",
                                           "same_form_upload")} == {
        "same_id_two_units": 4, "fuzzy_person": 3, "exclusive_group": 3, "same_file": 1, "same_form_upload": 1}
    assert {kind: found[kind] for kind in ("digit_preference", "changed_without_reason", "lowered_after_deadline",
                                           "repeated_reopening", "source_disagreement")} == {
        "digit_preference": 1, "changed_without_reason": 1, "lowered_after_deadline": 1, "repeated_reopening": 1,
        "source_disagreement": 0}
    assert found["rule_failure"] >= 1 and found["outlier_peers"] >= 1
    assert found["late_submission"] >= 1 and found["missing_form"] >= 1
    outliers = db.scalars(select(Finding.message_en).where(Finding.period == last, Finding.sub_kind == "outlier_peers"))
    assert any("Temporary assistance cases" in message for message in outliers)
    month_before = db.scalar(select(func.max(Finding.period)).where(Finding.period < last))
    disagreeing = db.scalars(select(Finding.evidence).where(Finding.period == month_before,
                                                            Finding.sub_kind == "source_disagreement")).all()
    assert sorted(e["reported"] - e["register_count"] for e in disagreeing) == [-5, 6, 9]
