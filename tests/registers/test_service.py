"""Register definitions, who sees what of them, masking, revealing a number and exporting."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from fillonce.core.errors import PermissionDenied, ValidationError
from fillonce.ledger.models import LedgerEntry
from fillonce.registers import loading
from fillonce.registers import service as registers
from register_stories import COLUMNS, person, person_id


def test_a_mapping_to_a_missing_element_is_refused_by_name(story):
    columns = [*COLUMNS[:6], registers.ColumnInput("残疾等级", "element:NO_SUCH_GRADE")]
    with pytest.raises(ValidationError, match="NO_SUCH_GRADE"):
        registers.define(story.db, story.erin, registers.RegisterInput("CANJI", "残疾人名册", "MZJ", columns))


def test_a_register_needs_id_number_name_and_unit_columns(story):
    with pytest.raises(ValidationError) as caught:
        registers.define(story.db, story.erin, registers.RegisterInput(
            "TUIYI", "退役军人名册", "MZJ", [registers.ColumnInput("姓名", "name")]))
    assert "id_number" in caught.value.in_("en") and "org_unit" in caught.value.in_("en")


def test_redefining_changes_the_mapping_and_is_ledgered(story, dibao):
    registers.define(story.db, story.erin, registers.RegisterInput(
        "DIBAO", "低保名册", "MZJ", COLUMNS[:6], exclusive_group="assistance"))
    assert registers.find(story.db, "DIBAO").name_zh == "低保名册"
    actions = story.db.scalars(select(LedgerEntry.action).where(LedgerEntry.object_type == "register")).all()
    assert actions == ["register.create", "register.update"]


@pytest.mark.parametrize("who", ["grace", "frank", "alice", "heidi", "ivan"])
def test_only_the_departments_authors_define_its_registers(story, who):
    with pytest.raises(PermissionDenied):
        registers.define(story.db, story.actors[who], registers.RegisterInput("TUIYI", "退役军人名册", "MZJ", COLUMNS[:6]))


def test_records_are_masked_for_the_owning_department(story, dibao, write_csv):
    loading.import_file(story.db, story.erin, "DIBAO", write_csv([person(1, name="王小明"), person(2, unit="V3")]))
    page = registers.records(story.db, story.frank, "DIBAO")
    first = page.records[0]
    assert (first.name, first.id_masked, first.phone) == ("王*明", person_id(1)[:4] + "*" * 10 + person_id(1)[-4:],
                                                          "138****0001")
    assert [r.unit_code for r in registers.records(story.db, story.frank, "DIBAO", unit_code="S2").records] == ["V3"]


@pytest.mark.parametrize("who", ["grace", "alice", "carol", "heidi", "ivan", "judy"])
def test_nobody_else_sees_the_people(story, dibao, who):
    with pytest.raises(PermissionDenied):
        registers.records(story.db, story.actors[who], "DIBAO")


def test_the_office_and_auditors_see_counts_only(story, dibao, write_csv):
    loading.import_file(story.db, story.erin, "DIBAO", write_csv([person(1), person(2)]))
    for who in ("heidi", "ivan"):
        assert [(s.register.code, s.active, s.imports) for s in registers.visible(story.db, story.actors[who])] == [
            ("DIBAO", 2, 1)]
    assert registers.visible(story.db, story.grace) == []
    with pytest.raises(PermissionDenied):
        registers.visible(story.db, story.alice)


def test_revealing_a_number_is_recorded_without_the_number(story, dibao, write_csv):
    loading.import_file(story.db, story.erin, "DIBAO", write_csv([person(1)]))
    record = registers.records(story.db, story.frank, "DIBAO").records[0]
    assert registers.reveal(story.db, story.frank, record.id) == person_id(1)
    entry = story.db.scalars(select(LedgerEntry).where(LedgerEntry.action == "register.reveal")).one()
    assert entry.object_id == str(record.id) and person_id(1).encode() not in entry.body
    with pytest.raises(PermissionDenied):
        registers.reveal(story.db, story.heidi, record.id)


def test_the_export_is_masked_unless_the_owner_asks_for_clear(story, dibao, write_csv):
    loading.import_file(story.db, story.erin, "DIBAO", write_csv([person(1, name="王小明")]))
    _headers, rows = registers.export_rows(story.db, story.frank, "DIBAO")
    masked = list(rows)[0]
    assert person_id(1) not in masked and "王*明" in masked and "H1" in masked
    _headers, rows = registers.export_rows(story.db, story.frank, "DIBAO", clear=True)
    assert person_id(1) in list(rows)[0]
    assert story.db.scalars(select(LedgerEntry.action).where(LedgerEntry.action == "register.export_clear")).one()
    with pytest.raises(PermissionDenied):
        registers.export_rows(story.db, story.heidi, "DIBAO")
