"""The duplicates finder: one person in two units, fuzzy people, exclusive registers, the same file twice."""

from __future__ import annotations

from datetime import date, datetime, timezone

from fillonce.core.db import replaying
from fillonce.registers import duplicates, loading
from fillonce.registers import service as registers
from register_stories import COLUMNS, person, person_id


def _kinds(found):
    return sorted(d.kind for d in found)


def test_a_clean_register_has_no_duplicates(story, dibao, write_csv):
    rows = [person(1), person(2, name="李四"), person(3, unit="V2")]
    loading.import_file(story.db, story.erin, "DIBAO", write_csv(rows))
    assert duplicates.find_duplicates(story.db) == []


def test_the_same_id_under_two_units(story, dibao, write_csv):
    rows = [person(1), person(1, unit="V3"), person(2, name="李四")]
    loading.import_file(story.db, story.erin, "DIBAO", write_csv(rows))
    [found] = duplicates.find_duplicates(story.db, dibao.id, kinds=("same_id_two_units",))
    assert (found.register_code, found.unit_codes) == ("DIBAO", ("V1", "V3"))
    assert person_id(1) not in found.evidence.zh and person_id(1)[-4:] in found.evidence.zh


def test_near_identical_people_with_different_ids(story, dibao, write_csv):
    born = date(1950, 3, 8)
    rows = [person(1, name="刘桂兰", born=born, 住址="杨柳社区幸福路12号"),
            person(2, name="刘桂兰", born=born, 住址="杨柳社区幸福路12号院", unit="V2"),
            person(3, name="刘桂兰", born=born, 住址="石桥村东头3组"),   # same name and day, another address
            person(4, name="陈建国", born=born, 住址="杨柳社区幸福路12号")]  # same address, another name
    loading.import_file(story.db, story.erin, "DIBAO", write_csv(rows))
    [found] = duplicates.find_duplicates(story.db, kinds=("fuzzy_person",))
    assert found.unit_codes == ("V1", "V2") and "刘桂兰" not in found.evidence.zh
    assert "1950年生" in found.evidence.zh and "1950-03-08" not in found.evidence.zh  # a whole date would name her


def test_the_same_person_in_two_exclusive_registers(story, dibao, write_csv):
    registers.define(story.db, story.erin, registers.RegisterInput(
        "TEKUN", "特困人员名册", "MZJ", COLUMNS[:6], exclusive_group="assistance"))
    registers.define(story.db, story.erin, registers.RegisterInput("OTHER", "其他名册", "MZJ", COLUMNS[:6]))
    loading.import_file(story.db, story.erin, "DIBAO", write_csv([person(1), person(2, name="李四")]))
    loading.import_file(story.db, story.erin, "TEKUN", write_csv([person(1, unit="V2"), person(3, name="王五")]))
    loading.import_file(story.db, story.erin, "OTHER", write_csv([person(2, name="李四")]))
    [found] = duplicates.find_duplicates(story.db, kinds=("exclusive_group",))
    assert (found.register_code, found.unit_codes) == ("DIBAO", ("V1", "V2"))
    assert duplicates.find_duplicates(story.db, registers.find(story.db, "OTHER").id) == []


def test_the_same_file_imported_twice(story, dibao, write_csv):
    path = write_csv([person(1), person(2, name="李四")])
    first = loading.import_file(story.db, story.erin, "DIBAO", path).load
    assert duplicates.for_import(story.db, first) == []
    second = loading.import_file(story.db, story.erin, "DIBAO", path).load
    [found] = duplicates.for_import(story.db, second)
    assert found.kind == "same_file" and found.import_ids == (first.id, second.id)
    assert (second.added, second.changed, second.removed) == (0, 0, 0)


def test_the_import_warnings_are_about_the_file_just_loaded(story, dibao, write_csv):
    loading.import_file(story.db, story.erin, "DIBAO", write_csv([person(1), person(1, unit="V3")]))
    registers.define(story.db, story.erin, registers.RegisterInput("OTHER", "其他名册", "MZJ", COLUMNS[:6]))
    other = loading.import_file(story.db, story.erin, "OTHER", write_csv([person(5, name="赵六")])).load
    assert duplicates.for_import(story.db, other) == []
    assert _kinds(duplicates.find_duplicates(story.db)) == ["same_id_two_units"]


def test_duplicates_as_on_a_day(story, dibao, write_csv):
    """What the quality checks ask for a period's end: the records and files of that day, not today's."""
    path = write_csv([person(1), person(1, unit="V3")])
    with replaying(datetime(2026, 10, 5, 9, tzinfo=timezone.utc)):
        loading.import_file(story.db, story.erin, "DIBAO", path)
    with replaying(datetime(2026, 11, 5, 9, tzinfo=timezone.utc)):
        loading.import_file(story.db, story.erin, "DIBAO", path)
        loading.import_file(story.db, story.erin, "DIBAO", write_csv([person(1)], name="later.csv"))  # V3 leaves
    assert _kinds(duplicates.find_duplicates(story.db, on=date(2026, 9, 30))) == []
    assert _kinds(duplicates.find_duplicates(story.db, on=date(2026, 10, 31))) == ["same_id_two_units"]
    assert _kinds(duplicates.find_duplicates(story.db, on=date(2026, 11, 5))) == ["same_file"]
    assert _kinds(duplicates.find_duplicates(story.db)) == ["same_file"]
