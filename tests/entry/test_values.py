"""Values are typed, scoped to the reporter's unit, and every change is in the ledger."""

import json

import pytest
from sqlalchemy import select

from fillonce.accounts.system import INSTALLER
from fillonce.catalog import service as catalog
from fillonce.core.errors import FillonceError, PermissionDenied, ValidationError
from fillonce.entry import service as entry
from fillonce.ledger import log
from fillonce.ledger.models import LedgerEntry


@pytest.fixture
def typed(story):
    for code, kind, aggregation, extra in [("RATE", "percent", "average", {}), ("OPEN", "boolean", "none", {}),
                                           ("KIND", "option_set", "none", {"options": (("A", "平原", "Plain"),)}),
                                           ("ELECTED", "date", "last", {})]:
        catalog.create(story.db, INSTALLER, catalog.ElementInput(code=code, name_zh=code, value_type=kind,
                                                                 aggregation=aggregation, owner_department_code="MZJ",
                                                                 **extra))
    return story


def test_values_are_stored_in_canonical_form_and_recorded(typed):
    size = log.current_size(typed.db)
    changed = entry.save_values(typed.db, typed.alice, "V1", "202611", {
        ("DIBAO_HOUSEHOLDS", ""): "1,204", ("RATE", ""): "12.50%", ("OPEN", ""): "是", ("KIND", ""): "平原",
        ("ELECTED", ""): "2024/05/01", ("DIBAO_PERSONS", "F"): 7})
    assert changed == 6 and log.current_size(typed.db) == size + 6
    bodies = [json.loads(b) for b in typed.db.scalars(select(LedgerEntry.body).where(LedgerEntry.idx >= size))]
    assert {b["action"] for b in bodies} == {"value.create"} and all(b["content_hash"] for b in bodies)
    assert entry.save_values(typed.db, typed.alice, "V1", "202611", {("RATE", ""): "12.5"}) == 0  # unchanged


def test_an_edit_and_a_deletion_are_recorded_with_their_reason(typed):
    entry.save_values(typed.db, typed.alice, "V1", "202611", {("DIBAO_HOUSEHOLDS", ""): 5})
    entry.save_values(typed.db, typed.alice, "V1", "202611", {("DIBAO_HOUSEHOLDS", ""): 6}, reason="补报一户")
    entry.save_values(typed.db, typed.alice, "V1", "202611", {("DIBAO_HOUSEHOLDS", ""): ""}, reason="重复")
    last = [json.loads(b) for b in typed.db.scalars(select(LedgerEntry.body).order_by(LedgerEntry.idx.desc()).limit(2))]
    assert [(b["action"], b["reason"]) for b in last] == [("value.delete", "重复"), ("value.update", "补报一户")]


@pytest.mark.parametrize("code, raw", [("DIBAO_HOUSEHOLDS", "3.5"), ("DIBAO_HOUSEHOLDS", "-1"), ("RATE", "120"),
                                       ("OPEN", "也许"), ("KIND", "山地"), ("ELECTED", "2024-13-01"),
                                       ("DIBAO_HOUSEHOLDS", "十二")])
def test_a_bad_value_names_the_unit_period_and_element_and_nothing_is_written(typed, code, raw):
    size = log.current_size(typed.db)
    with pytest.raises(ValidationError, match=f"杨柳社区 202611「{code}|杨柳社区 202611「低保户数"):
        entry.save_values(typed.db, typed.alice, "V1", "202611", {("DIBAO_PERSONS", ""): 3, (code, ""): raw})
    assert log.current_size(typed.db) == size


def test_unknown_elements_and_periods_are_refused(typed):
    with pytest.raises(ValidationError, match="NOPE"):
        entry.save_values(typed.db, typed.alice, "V1", "202611", {("NOPE", ""): 1})
    with pytest.raises(FillonceError, match="202613"):
        entry.save_values(typed.db, typed.alice, "V1", "202613", {("DIBAO_PERSONS", ""): 1})


@pytest.mark.parametrize("who, unit", [("bob", "V1"), ("alice", "V3"), ("dave", "V1"), ("erin", "V1"),
                                       ("heidi", "V1"), ("ivan", "V1"), ("judy", "V1")])
def test_only_the_units_reporter_and_its_officials_write_its_values(typed, who, unit):
    with pytest.raises(PermissionDenied):
        entry.save_values(typed.db, typed.actors[who], unit, "202611", {("DIBAO_PERSONS", ""): 1})


def test_a_street_official_may_write_for_a_village_below(typed):
    assert entry.save_values(typed.db, typed.carol, "V2", "202611", {("DIBAO_PERSONS", ""): 1}) == 1


def test_a_second_editor_is_refused_and_shown_the_first_ones_value(typed):
    seen = {("DIBAO_HOUSEHOLDS", ""): ""}  # both opened the form while it was empty
    entry.save_values(typed.db, typed.alice, "V1", "202611", {("DIBAO_HOUSEHOLDS", ""): 12}, expected=seen)
    size = log.current_size(typed.db)
    with pytest.raises(entry.StaleEdit, match="「低保户数」现为 12") as caught:
        entry.save_values(typed.db, typed.carol, "V1", "202611", {("DIBAO_HOUSEHOLDS", ""): 15}, expected=seen)
    assert caught.value.current == {("DIBAO_HOUSEHOLDS", ""): "12"} and log.current_size(typed.db) == size
    # Having seen 12, the second editor may deliberately replace it; the ledger keeps both.
    entry.save_values(typed.db, typed.carol, "V1", "202611", {("DIBAO_HOUSEHOLDS", ""): 15},
                      expected={("DIBAO_HOUSEHOLDS", ""): "12"})
    end = log.current_size(typed.db)
    last = [json.loads(b) for b in typed.db.scalars(select(LedgerEntry.body).where(LedgerEntry.idx >= end - 1))]
    assert last[0]["action"] == "value.update" and last[0]["who"]["account"] == "carol"
