from datetime import date

import pytest

from fillonce.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from fillonce.core.tables import Row
from fillonce.ledger import log
from fillonce.orgunits import service as orgunits


def test_a_new_unit_sits_under_its_parent_and_is_recorded(story):
    size = log.current_size(story.db)
    unit = orgunits.create(story.db, story.judy, orgunits.OrgUnitInput("V4", "新村", "S2", name_en="Xin Village"))
    assert unit.level == 4 and unit.path == "/C/D2/S2/V4/"
    assert log.current_size(story.db) == size + 1
    assert [u.code for u in orgunits.subtree(story.db, orgunits.get(story.db, "D2"))] == ["D2", "S2", "V3", "V4"]


def test_subtree_queries_use_the_path(story):
    street = orgunits.get(story.db, "S1")
    assert [u.code for u in orgunits.subtree(story.db, street, level=4)] == ["V1", "V2"]
    assert [u.code for u in orgunits.ancestors(story.db, orgunits.get(story.db, "V1"))] == ["C", "D1", "S1"]


@pytest.mark.parametrize("who", ["alice", "carol", "erin", "heidi", "ivan"])
def test_only_an_administrator_changes_the_hierarchy(story, who):
    with pytest.raises(PermissionDenied):
        orgunits.create(story.db, story.actors[who], orgunits.OrgUnitInput("V9", "九村", "S1"))
    with pytest.raises(PermissionDenied):
        orgunits.rename(story.db, story.actors[who], "V1", "改名")
    assert orgunits.get(story.db, "V1").name_zh == "杨柳社区"


def test_duplicate_code_and_missing_parent_are_refused(story):
    with pytest.raises(Conflict, match="V1"):
        orgunits.create(story.db, story.judy, orgunits.OrgUnitInput("V1", "重复", "S1"))
    with pytest.raises(NotFound, match="NOPE"):
        orgunits.create(story.db, story.judy, orgunits.OrgUnitInput("V8", "孤村", "NOPE"))


def test_moving_a_unit_under_its_own_descendant_is_a_cycle(story):
    with pytest.raises(ValidationError, match="循环"):
        orgunits.move(story.db, story.judy, "D1", "V1", reason="调整")


def test_moving_a_street_moves_its_villages(story):
    orgunits.move(story.db, story.judy, "S1", "D2", reason="区划调整")
    assert orgunits.get(story.db, "V1").path == "/C/D2/S1/V1/"


def test_closing_keeps_the_unit_and_needs_a_reason(story):
    with pytest.raises(ValidationError):
        orgunits.close(story.db, story.judy, "V2", date(2026, 1, 1), reason=" ")
    unit = orgunits.close(story.db, story.judy, "V2", date(2026, 1, 1), reason="撤并入杨柳社区")
    assert not unit.is_open_on(date(2026, 6, 1)) and unit.is_open_on(date(2025, 6, 1))


def _rows(*values):
    return [Row(n, dict(zip(("code", "name_zh", "parent_code"), v))) for n, v in enumerate(values, start=2)]


def test_an_import_names_every_bad_row_and_writes_nothing(story):
    size = log.current_size(story.db)
    rows = _rows(("N1", "甲", "S1"), ("N1", "乙", "S1"), ("N2", "丙", "NOWHERE"), ("N3", "", "S1"),
                 ("V1", "已有", "S1"))
    with pytest.raises(ValidationError) as caught:
        orgunits.import_rows(story.db, story.judy, rows, "units.xlsx")
    text = str(caught.value)
    assert "units.xlsx 第 3 行" in text and "第 2 行重复" in text
    assert "第 4 行" in text and "NOWHERE" in text
    assert "第 5 行" in text and "缺少名称" in text
    assert "第 6 行" in text and "V1 已存在" in text
    assert log.current_size(story.db) == size
    with pytest.raises(NotFound):
        orgunits.get(story.db, "N1")


def test_an_import_refuses_a_cycle_of_parents(story):
    rows = _rows(("A", "甲", "B"), ("B", "乙", "A"))
    with pytest.raises(ValidationError, match="循环"):
        orgunits.import_rows(story.db, story.judy, rows, "units.csv")


def test_an_import_orders_children_after_parents(story):
    rows = _rows(("N2", "下级", "N1"), ("N1", "上级", "D1"))
    assert orgunits.import_rows(story.db, story.judy, rows, "units.csv") == 2
    assert orgunits.get(story.db, "N2").path == "/C/D1/N1/N2/"
