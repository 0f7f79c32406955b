"""Who may do what to which object: every POLICY action against every person of the story.

Each cell of the matrix is its own test, so a change in the policy names the exact person and action
that moved. Allowed cells pass `authorize`; forbidden cells raise PermissionDenied from it and make
`can` say no.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy.orm import Session

from fillonce.accounts import service as accounts
from fillonce.accounts.permissions import POLICY, ROLES, authorize, can
from fillonce.catalog import service as catalog
from fillonce.core.errors import PermissionDenied
from fillonce.orgunits import service as orgunits
from stories import PEOPLE, build_story

EVERYONE = frozenset(PEOPLE)

# action -> (the object it is checked against, who may)
MATRIX: dict[str, tuple[str, frozenset[str]]] = {
    "orgunit.view": ("unit V1", EVERYONE),
    "orgunit.view_detail": ("unit V1", frozenset({"alice", "carol", "heidi", "ivan", "judy"})),
    "orgunit.manage": ("nothing", frozenset({"judy"})),
    "department.manage": ("nothing", frozenset({"judy"})),
    "department.view_staff": ("department MZJ", frozenset({"erin", "frank", "heidi", "ivan", "judy"})),
    "account.manage": ("nothing", frozenset({"judy"})),
    "account.view": ("account alice", frozenset({"alice", "judy"})),
    "account.change_password": ("account alice", frozenset({"alice", "judy"})),
    "catalog.view": ("nothing", EVERYONE),
    "token.manage": ("department MZJ", frozenset({"erin", "frank", "judy"})),
    "report.subscribe": ("spec published-MZJ", frozenset({"erin", "frank"})),
    "catalog.create": ("department MZJ", frozenset({"erin", "heidi", "judy"})),
    "catalog.import": ("nothing", frozenset({"erin", "grace", "heidi", "judy"})),
    "catalog.update": ("element DIBAO_PERSONS", frozenset({"erin", "heidi", "judy"})),
    "catalog.manage_categories": ("nothing", frozenset({"heidi", "judy"})),
    # indicators
    "indicator.view": ("nothing", EVERYONE),
    "indicator.author": ("department MZJ", frozenset({"erin", "judy"})),
    "audit.run": ("nothing", frozenset({"heidi", "judy"})),
    "ledger.view": ("nothing", frozenset({"heidi", "ivan", "judy"})),
    "ledger.history": ("history account", frozenset({"heidi", "ivan", "judy"})),
    "ledger.checkpoint": ("nothing", frozenset({"judy"})),
    "spec.view": ("spec draft-MZJ", frozenset({"erin", "frank", "heidi", "ivan", "judy"})),
    "spec.author": ("department MZJ", frozenset({"erin", "judy"})),
    "spec.approve": ("spec submitted-MZJ", frozenset({"heidi", "judy"})),
    "spec.publish": ("spec approved-MZJ", frozenset({"erin", "heidi", "judy"})),
    "form.view": ("unit V1", frozenset({"alice", "carol", "erin", "frank", "grace", "heidi", "ivan", "judy"})),
    "report.view": ("spec published-MZJ", frozenset({"carol", "dave", "erin", "frank", "heidi", "ivan", "judy"})),
    "missing.view": ("nothing", frozenset({"carol", "dave", "heidi", "ivan", "judy"})),
    "entry.reopen": ("departments MZJ", frozenset({"erin", "frank", "judy"})),
    "entry.review": ("unit V1", frozenset({"carol"})),
    "entry.edit": ("unit V1", frozenset({"alice", "carol"})),
    # quality findings
    "quality.run": ("nothing", frozenset({"heidi", "judy"})),
    "quality.view": ("nothing", frozenset({"carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"})),
    "quality.view_finding": ("finding V1-MZJ", frozenset({"carol", "erin", "frank", "heidi", "ivan", "judy"})),
    "quality.explain": ("finding V1-MZJ", frozenset({"carol", "erin", "frank", "heidi"})),
    "quality.card": ("unit V1", frozenset({"alice", "carol", "erin", "frank", "grace", "heidi", "ivan", "judy"})),
    # feedback and burden metrics
    "feedback.raise": ("unit V1", frozenset({"alice", "carol"})),
    "feedback.view": ("feedback MZJ-alice", frozenset({"alice", "erin", "frank", "heidi", "ivan", "judy"})),
    "feedback.answer": ("feedback MZJ-alice", frozenset({"erin", "frank"})),
    "feedback.reopen": ("feedback MZJ-alice", frozenset({"alice"})),
    "feedback.close": ("feedback MZJ-alice", frozenset({"alice", "heidi"})),
    "feedback.see_sender": ("feedback MZJ-alice-hidden", frozenset({"alice", "heidi"})),
    "feedback.oversee": ("nothing", frozenset({"heidi", "ivan", "judy"})),
    "burden.view": ("unit V1", frozenset({"alice", "carol", "heidi", "ivan", "judy"})),
    "burden.city": ("nothing", frozenset({"heidi", "ivan", "judy"})),
    "burden.tune": ("nothing", frozenset({"heidi"})),
    # registers (台账)
    "register.view": ("register MZJ", frozenset({"erin", "frank", "heidi", "ivan", "judy"})),
    "register.define": ("department MZJ", frozenset({"erin", "judy"})),
    "register.load": ("register MZJ", frozenset({"erin", "judy"})),
    "register.records": ("register MZJ", frozenset({"erin", "frank"})),
    "register.reveal": ("register MZJ", frozenset({"erin", "frank"})),
}

# The same actions on other objects: scope decides, not the role alone.
SCOPED: list[tuple[str, str, frozenset[str]]] = [
    ("orgunit.view_detail", "unit V2", frozenset({"carol", "heidi", "ivan", "judy"})),
    ("indicator.author", "department WJW", frozenset({"grace", "judy"})),  # indicators
    ("orgunit.view_detail", "unit S1", frozenset({"carol", "heidi", "ivan", "judy"})),
    ("orgunit.view_detail", "unit V3", frozenset({"bob", "dave", "heidi", "ivan", "judy"})),
    ("orgunit.view_detail", "unit D2", frozenset({"dave", "heidi", "ivan", "judy"})),
    ("orgunit.view_detail", "unit C", frozenset({"heidi", "ivan", "judy"})),
    ("department.view_staff", "department WJW", frozenset({"grace", "heidi", "ivan", "judy"})),
    ("account.view", "account bob", frozenset({"bob", "judy"})),
    ("account.change_password", "account judy", frozenset({"judy"})),
    ("catalog.create", "department WJW", frozenset({"grace", "heidi", "judy"})),
    ("catalog.update", "element CHILDREN_0_6", frozenset({"grace", "heidi", "judy"})),
    ("catalog.update", "element DIBAO_HOUSEHOLDS", frozenset({"erin", "heidi", "judy"})),
    ("ledger.history", "history org_unit", EVERYONE),
    ("ledger.history", "history data_element", EVERYONE),
    ("ledger.history", "history web_session", frozenset({"heidi", "ivan", "judy"})),
    ("spec.view", "spec published-WJW", EVERYONE),
    ("spec.view", "spec draft-WJW", frozenset({"grace", "heidi", "ivan", "judy"})),
    ("spec.author", "department WJW", frozenset({"grace", "judy"})),
    ("spec.publish", "spec approved-WJW", frozenset({"grace", "heidi", "judy"})),
    ("form.view", "unit V3", frozenset({"bob", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"})),
    ("entry.edit", "unit V2", frozenset({"carol"})),
    ("entry.reopen", "departments WJW,MZJ", frozenset({"erin", "frank", "grace", "judy"})),
    ("report.view", "spec published-WJW", frozenset({"carol", "dave", "grace", "heidi", "ivan", "judy"})),
    ("entry.edit", "unit V3", frozenset({"bob", "dave"})),
    ("entry.review", "unit V3", frozenset({"dave"})),
    ("entry.review", "unit S1", frozenset()),
    ("quality.explain", "finding S1-", frozenset({"heidi"})),  # nobody explains their own unit's finding
    ("quality.view_finding", "finding V3-WJW", frozenset({"dave", "grace", "heidi", "ivan", "judy"})),
    ("quality.card", "unit V3", frozenset({"bob", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"})),
    # feedback and burden metrics
    ("feedback.raise", "unit V3", frozenset({"bob", "dave"})),
    ("feedback.answer", "feedback office-alice", frozenset({"heidi"})),
    ("feedback.view", "feedback office-alice", frozenset({"alice", "heidi", "ivan", "judy"})),
    ("feedback.see_sender", "feedback MZJ-alice", frozenset({"alice", "erin", "frank", "heidi", "ivan", "judy"})),
    ("burden.view", "department MZJ", frozenset({"erin", "frank", "heidi", "ivan", "judy"})),
    ("burden.view", "nothing", EVERYONE),
    # registers (台账)
    ("register.view", "nothing", frozenset({"erin", "frank", "grace", "heidi", "ivan", "judy"})),
    ("register.view", "register WJW", frozenset({"grace", "heidi", "ivan", "judy"})),
    ("register.load", "register WJW", frozenset({"grace", "judy"})),
    ("register.records", "register WJW", frozenset({"grace"})),
]


@pytest.fixture(scope="module")
def shared_story(migrated_engine):
    """One story for the whole module: permission checks only read, so they can share it."""
    with migrated_engine.connect() as connection:
        outer = connection.begin()
        with Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False) as db:
            yield build_story(db)
        outer.rollback()


def _object(story, name: str):
    kind, _, code = name.partition(" ")
    db = story.db
    return {
        "nothing": lambda: None,
        "unit": lambda: orgunits.get(db, code),
        "account": lambda: accounts.get_account(db, code),
        "department": lambda: accounts.get_department(db, code),
        "element": lambda: catalog.get(db, code),
        "history": lambda: code,  # the history of every object of a type, named by its table
        "spec": lambda: _spec(db, *code.split("-")),  # a spec in a status, of a department
        "departments": lambda: {accounts.get_department(db, c).id for c in code.split(",")},
        "finding": lambda: _finding(db, *code.split("-")),  # a quality finding: unit-department
        "feedback": lambda: _feedback(db, *code.split("-")),
        "register": lambda: SimpleNamespace(department_id=accounts.get_department(db, code).id),
    }[kind]()


def _finding(db, unit_code: str, department_code: str):
    department = accounts.get_department(db, department_code) if department_code else None
    return SimpleNamespace(unit=orgunits.get(db, unit_code), department_id=department.id if department else None)


def _spec(db, status: str, department_code: str):
    department = accounts.get_department(db, department_code)
    return SimpleNamespace(status=status, department=department, department_id=department.id)


def _feedback(db, owner: str, sender: str, hidden: str = ""):
    """Feedback to a department (or the office), raised by a story person, possibly hidden from the department."""
    department_id = None if owner == "office" else accounts.get_department(db, owner).id
    return SimpleNamespace(department_id=department_id, raised_by=accounts.get_account(db, sender).id,
                           hidden=hidden == "hidden")


def _check_cell(story, person: str, action: str, target: str, allowed: bool) -> None:
    actor, obj = story.actors[person], _object(story, target)
    assert can(actor, action, obj) is allowed, f"{person} {'should' if allowed else 'should not'} {action} {target}"
    if allowed:
        authorize(actor, action, obj)
    else:
        with pytest.raises(PermissionDenied, match=f"{person} may not {action}"):
            authorize(actor, action, obj)


def test_the_matrix_covers_every_action_and_the_story_every_role():
    assert set(MATRIX) == set(POLICY)
    assert {role for role, *_ in PEOPLE.values()} == set(ROLES)


@pytest.mark.parametrize("person", sorted(PEOPLE))
@pytest.mark.parametrize("action", sorted(MATRIX))
def test_policy_matrix(shared_story, action, person):
    target, allowed = MATRIX[action]
    _check_cell(shared_story, person, action, target, person in allowed)


@pytest.mark.parametrize("action,target,allowed", SCOPED, ids=[f"{a}-{t}" for a, t, _ in SCOPED])
def test_scope_decides_on_other_objects(shared_story, action, target, allowed):
    for person in sorted(PEOPLE):
        _check_cell(shared_story, person, action, target, person in allowed)


def test_a_reporter_sees_the_people_of_her_own_village_only(shared_story):
    alice, v1, v2 = shared_story.alice, _object(shared_story, "unit V1"), _object(shared_story, "unit V2")
    assert alice.covers(v1) and not alice.covers(v2)
    # A unit whose code starts like V1's is not inside V1: paths end with a slash.
    assert not alice.covers(type("Unit", (), {"path": "/C/D1/S1/V10/"})())


def test_nobody_signed_in_may_do_nothing(shared_story):
    for action in POLICY:
        assert can(None, action) is False
        with pytest.raises(PermissionDenied, match="anonymous may not"):
            authorize(None, action)


def test_an_unknown_action_is_a_bug_not_a_refusal(shared_story):
    with pytest.raises(KeyError, match="catalog.delete"):
        can(shared_story.judy, "catalog.delete")
    with pytest.raises(KeyError):
        authorize(shared_story.alice, "catalog.delete")
