"""The duplicates finder: one person in two units, fuzzy people, exclusive registers, the same file twice."""

from __future__ import annotations

import random
from datetime import date, datetime, timezone

from rapidfuzz import fuzz
from rapidfuzz.process import extract

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


def _define(story, code, group=""):
    return registers.define(story.db, story.erin, registers.RegisterInput(code, code, "MZJ", COLUMNS[:6],
                                                                          exclusive_group=group))


def _load(story, code, rows, write_csv, day):
    with replaying(datetime(2026, 10, day, 9, tzinfo=timezone.utc)):
        loading.import_file(story.db, story.erin, code, write_csv(rows, name=f"{code}-{day}.csv"))


def test_removed_records_are_no_duplicates_now_nor_after_the_day_they_left(story, dibao, write_csv):
    tekun = _define(story, "TEKUN", "assistance")
    twin = dict(name="刘桂兰", born=date(1950, 3, 8), 住址="杨柳社区幸福路12号")
    _load(story, "DIBAO", [person(1), person(1, unit="V3"), person(2, **twin), person(3, unit="V2", **twin)],
          write_csv, 5)
    _load(story, "TEKUN", [person(1, unit="V2")], write_csv, 5)
    _load(story, "DIBAO", [person(1), person(2, **twin)], write_csv, 20)  # V3's record and the near twin leave
    _load(story, "TEKUN", [person(4, unit="V2")], write_csv, 20)
    assert _kinds(duplicates.find_duplicates(story.db, on=date(2026, 10, 19))) == [
        "exclusive_group", "exclusive_group", "fuzzy_person", "same_id_two_units"]  # TEKUN's V2 with V1 and V3
    assert duplicates.find_duplicates(story.db, on=date(2026, 10, 20)) == []
    assert duplicates.find_duplicates(story.db) == duplicates.find_duplicates(story.db, tekun.id) == []


def test_a_person_moved_to_another_unit_is_no_duplicate(story, dibao, write_csv):
    _load(story, "DIBAO", [person(1), person(2)], write_csv, 5)
    _load(story, "DIBAO", [person(1, unit="V2"), person(2)], write_csv, 20)  # the V1 record is removed
    for on in (None, date(2026, 10, 5), date(2026, 10, 19), date(2026, 10, 20), date(2026, 10, 31)):
        assert duplicates.find_duplicates(story.db, dibao.id, kinds=("same_id_two_units",), on=on) == []


def test_three_exclusive_registers_give_a_pair_for_each_two(story, dibao, write_csv):
    tekun, wubao, other = _define(story, "TEKUN", "assistance"), _define(story, "WUBAO", "assistance"), _define(
        story, "OTHER")
    for code, unit in (("DIBAO", "V1"), ("TEKUN", "V2"), ("WUBAO", "V3"), ("OTHER", "V1")):
        _load(story, code, [person(1, unit=unit), person(5, name="王五", unit=unit)], write_csv, 5)
    _load(story, "WUBAO", [person(1, unit="V3")], write_csv, 20)  # person 5 leaves WUBAO
    found = duplicates.find_duplicates(story.db, kinds=("exclusive_group",))
    assert [d.register_ids for d in found] == [
        (dibao.id, tekun.id), (dibao.id, wubao.id), (dibao.id, tekun.id), (tekun.id, wubao.id)]
    assert [d.record_ids for d in found] == sorted(d.record_ids for d in found)
    assert [d.unit_codes for d in found] == [("V1", "V2"), ("V1", "V3"), ("V1", "V2"), ("V2", "V3")]
    assert "王五" not in found[2].evidence.zh and "王*" in found[2].evidence.zh  # masked
    in_tekun = duplicates.find_duplicates(story.db, tekun.id, kinds=("exclusive_group",))
    assert in_tekun == [d for d in found if tekun.id in d.register_ids]
    assert duplicates.find_duplicates(story.db, other.id) == []
    assert len(duplicates.find_duplicates(story.db, kinds=("exclusive_group",), on=date(2026, 10, 19))) == 6


def test_the_city_finds_every_register_s_duplicates_and_a_register_only_its_own(story, dibao, write_csv):
    other = _define(story, "OTHER")
    twin = dict(name="欧阳娜娜娜", born=date(1950, 3, 8), 住址="杨柳社区幸福路12号")
    for code in ("DIBAO", "OTHER"):
        _load(story, code, [person(1), person(1, unit="V2"), person(2, **twin), person(3, unit="V3", **twin)],
              write_csv, 5)
    city = duplicates.find_duplicates(story.db)
    assert [(d.kind, d.register_code) for d in city] == [
        ("same_id_two_units", "DIBAO"), ("same_id_two_units", "OTHER"), ("fuzzy_person", "DIBAO"),
        ("fuzzy_person", "OTHER")]
    assert duplicates.find_duplicates(story.db, other.id) == [d for d in city if d.register_code == "OTHER"]
    assert duplicates.find_duplicates(story.db, dibao.id) == [d for d in city if d.register_code == "DIBAO"]


def test_five_and_six_character_names_one_apart_are_near_but_four_and_five_are_not(story, dibao, write_csv):
    born, address = date(1950, 3, 8), "杨柳社区幸福路12号"
    names = ["欧阳娜娜娜", "欧阳娜娜娜娜", "买买提明", "买买提明江", "李娜", "李娜"]  # 10/11 = 90.9, 8/9 = 88.9
    rows = [person(i + 1, name=name, born=born, 住址=address, unit=("V1", "V2", "V3")[i % 3])
            for i, name in enumerate(names)]
    loading.import_file(story.db, story.erin, "DIBAO", write_csv(rows))
    found = duplicates.find_duplicates(story.db, dibao.id, kinds=("fuzzy_person",))
    assert [d.unit_codes for d in found] == [("V1", "V2"), ("V2", "V3")]  # the 5/6 names, then 李娜 twice


def _similar_names_by_brute_force(block):
    """The search before short names were set aside: every name against every later one in the block."""
    names = [r[3] for r in block]
    for i, row in enumerate(block[:-1]):
        for _name, _score, offset in extract(row[3], names[i + 1:], scorer=fuzz.ratio,
                                             score_cutoff=duplicates.NAME_SIMILARITY, limit=None):
            yield row[2], block[i + 1 + offset][2]


def test_setting_short_names_seen_once_aside_finds_the_same_pairs_in_the_same_order():
    stems = ["李", "李娜", "王小明", "欧阳娜娜", "欧阳娜娜娜", "买买提明江", "阿卜杜热合曼", "Mary Ann Smith", ""]
    variants = set()
    for stem in stems:  # each name, and one character added, dropped or changed anywhere
        variants.add(stem)
        for at in range(len(stem) + 1):
            variants |= {stem[:at] + "娜" + stem[at:], stem[:at] + stem[at + 1:], stem[:at] + "丽" + stem[at + 1:]}
    names = sorted(variants)
    rng = random.Random(6)
    for _ in range(300):
        picked = [rng.choice(names) for _ in range(rng.randint(2, 12))]
        block = [(1, "1950-03-08", i, name) for i, name in enumerate(picked)]
        assert list(duplicates._similar_names(block)) == list(_similar_names_by_brute_force(block)), picked
    assert all(fuzz.ratio(a, b) < duplicates.NAME_SIMILARITY for a in names for b in names
               if a != b and min(len(a), len(b)) <= duplicates.SHORT_NAME)
