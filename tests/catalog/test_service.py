"""The catalogue of data elements: one code, one definition, one owner department per datum."""

from __future__ import annotations

from dataclasses import replace

import pytest
from argon2 import PasswordHasher
from openpyxl import Workbook
from sqlalchemy import select

from fillonce.accounts import service as accounts
from fillonce.catalog import service as catalog
from fillonce.catalog.models import DataElement, ElementAlias
from fillonce.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from fillonce.core.tables import Row, read_table
from fillonce.ledger import log
from fillonce.ledger.models import LedgerEntry


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch):
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


def element(code="ELDERLY_80", name_zh="80岁以上老人数", owner="MZJ", **more) -> catalog.ElementInput:
    return catalog.ElementInput(code=code, name_zh=name_zh, value_type=more.pop("value_type", "integer"),
                                aggregation=more.pop("aggregation", "sum"), owner_department_code=owner, **more)


def codes(elements) -> list[str]:
    return [e.code for e in elements]


# ---- creating and finding ------------------------------------------------------------------------

def test_erin_adds_an_element_that_is_found_by_code_name_english_name_and_alias(story):
    size = log.current_size(story.db)
    created = catalog.create(story.db, story.erin, element(
        name_en="Elderly aged 80 and over", unit="人", aliases=("高龄老人数", " ", "80岁以上老人数"),
        categories=("SEX",), topic="养老"))
    assert created.owner.code == "MZJ" and [c.code for c in created.categories] == ["SEX"]
    assert [a.alias for a in created.aliases] == ["高龄老人数"]  # blanks and the name itself are not aliases
    assert log.current_size(story.db) == size + 1
    entry = story.db.scalars(select(LedgerEntry).order_by(LedgerEntry.idx.desc()).limit(1)).one()
    assert (entry.action, entry.object_id) == ("catalog.create", str(created.id))
    for text in ("ELDERLY_8", "elderly_80", "80岁以上", "aged 80", "AGED 80", "高龄老人"):
        assert codes(catalog.search(story.db, text)) == ["ELDERLY_80"], text
    assert catalog.get(story.db, "ELDERLY_80").name_en == "Elderly aged 80 and over"


def test_search_finds_the_story_elements_by_alias_and_by_department(story):
    assert codes(catalog.search(story.db, "最低生活保障")) == ["DIBAO_PERSONS"]
    assert codes(catalog.search(story.db, "minimum living")) == ["DIBAO_PERSONS"]
    assert codes(catalog.search(story.db, "低保")) == ["DIBAO_HOUSEHOLDS", "DIBAO_PERSONS"]
    assert codes(catalog.search(story.db, "", department_code="WJW")) == ["CHILDREN_0_6"]
    assert codes(catalog.search(story.db, "低保", department_code="WJW")) == []
    assert codes(catalog.search(story.db, "")) == ["CHILDREN_0_6", "DIBAO_HOUSEHOLDS", "DIBAO_PERSONS"]
    assert catalog.search(story.db, "no such thing") == []


def test_an_unknown_code_is_not_found_by_name(story):
    with pytest.raises(NotFound, match="NOPE"):
        catalog.get(story.db, "NOPE")


def test_a_code_is_used_once(story):
    with pytest.raises(Conflict, match="数据元代码 DIBAO_PERSONS 已被使用"):
        catalog.create(story.db, story.erin, element(code="DIBAO_PERSONS"))


@pytest.mark.parametrize("data,message", [
    (element(owner="NOPE"), "数据元 ELDERLY_80：责任部门 NOPE 不存在"),
    (element(owner=""), "数据元 ELDERLY_80：缺少责任部门"),
    (element(value_type="money"), "数据元 ELDERLY_80：值类型 'money' 无效"),
    (element(aggregation="median"), "数据元 ELDERLY_80：汇总方式 'median' 无效"),
    (element(value_type="text", aggregation="sum"), "text 类型的数据不能按 sum 汇总"),
    (element(value_type="option_set", aggregation="none"), "选项集类型需要至少一个选项"),
    (element(code="elderly"), "代码 'elderly' 无效"),
    (element(name_zh=" "), "数据元 ELDERLY_80：缺少中文名称"),
    (element(categories=("AGE",)), "分组 AGE 不存在"),
], ids=["unknown-owner", "missing-owner", "bad-type", "bad-aggregation", "text-summed", "options-missing",
        "lower-case-code", "no-name", "unknown-category"])
def test_a_bad_element_is_refused_naming_the_element_and_the_field(story, data, message):
    size = log.current_size(story.db)
    with pytest.raises(ValidationError, match=message):
        catalog.create(story.db, story.judy, data)
    assert log.current_size(story.db) == size
    assert catalog.search(story.db, "80岁") == []


def test_every_fault_of_one_element_is_named_at_once(story):
    with pytest.raises(ValidationError) as caught:
        catalog.create(story.db, story.erin, element(value_type="option_set", aggregation="average", owner=""))
    assert len(caught.value.problems) == 3
    text = caught.value.in_("en")
    assert "cannot aggregate by average" in text and "needs at least one option" in text
    assert "owner department is missing" in text


def test_an_option_set_keeps_its_options(story):
    created = catalog.create(story.db, story.erin, element(
        code="HOUSING_TYPE", name_zh="住房类型", value_type="option_set", aggregation="none",
        options=(("OWN", "自有", "Owned"), ("RENT", "租赁", "Rented"))))
    assert created.options == [["OWN", "自有", "Owned"], ["RENT", "租赁", "Rented"]]


# ---- changing ------------------------------------------------------------------------------------

def _dibao(**changes) -> catalog.ElementInput:
    base = element(code="DIBAO_PERSONS", name_zh="低保人数", name_en="Persons on minimum living allowance",
                   unit="人", aliases=("最低生活保障人数",), categories=("SEX",))
    return replace(base, **changes)


def test_a_rename_keeps_the_code_and_replaces_the_aliases(story):
    size = log.current_size(story.db)
    original_id = catalog.get(story.db, "DIBAO_PERSONS").id
    updated = catalog.update(story.db, story.erin, "DIBAO_PERSONS",
                             _dibao(code="SOMETHING_ELSE", name_zh="城乡低保对象人数", aliases=("低保对象数", "保障对象人数")),
                             reason="按民政部口径更名")
    assert (updated.id, updated.code, updated.name_zh) == (original_id, "DIBAO_PERSONS", "城乡低保对象人数")
    assert {a.alias for a in updated.aliases} == {"低保对象数", "保障对象人数"}
    assert codes(catalog.search(story.db, "最低生活保障")) == []
    assert codes(catalog.search(story.db, "低保对象数")) == ["DIBAO_PERSONS"]
    assert story.db.scalar(select(DataElement.id).where(DataElement.code == "SOMETHING_ELSE")) is None
    assert set(story.db.scalars(select(ElementAlias.alias).where(ElementAlias.element_id == original_id))) == {
        "低保对象数", "保障对象人数"}
    assert log.current_size(story.db) == size + 1
    entry = story.db.scalars(select(LedgerEntry).order_by(LedgerEntry.idx.desc()).limit(1)).one()
    assert entry.action == "catalog.update" and "按民政部口径更名" in entry.text


def test_an_update_keeps_an_alias_that_stays(story):
    updated = catalog.update(story.db, story.erin, "DIBAO_PERSONS",
                             _dibao(aliases=("最低生活保障人数", "低保对象数")))
    assert {a.alias for a in updated.aliases} == {"低保对象数", "最低生活保障人数"}
    story.db.expire_all()
    assert [a.alias for a in catalog.get(story.db, "DIBAO_PERSONS").aliases] == ["低保对象数", "最低生活保障人数"]


def test_an_update_is_validated_like_a_new_element(story):
    with pytest.raises(ValidationError, match="数据元 DIBAO_PERSONS：text 类型的数据不能按 sum 汇总"):
        catalog.update(story.db, story.erin, "DIBAO_PERSONS", _dibao(value_type="text"))
    assert catalog.get(story.db, "DIBAO_PERSONS").value_type == "integer"


# ---- who may ---------------------------------------------------------------------------------------

def test_grace_of_the_health_commission_may_not_touch_a_civil_affairs_element(story):
    size = log.current_size(story.db)
    with pytest.raises(PermissionDenied, match="grace may not catalog.update"):
        catalog.update(story.db, story.grace, "DIBAO_PERSONS", _dibao(name_zh="卫健委改的名字"))
    with pytest.raises(PermissionDenied, match="grace may not catalog.create"):
        catalog.create(story.db, story.grace, element(owner="MZJ"))
    assert catalog.get(story.db, "DIBAO_PERSONS").name_zh == "低保人数"
    assert log.current_size(story.db) == size
    # ...but her own department's elements are hers.
    catalog.create(story.db, story.grace, element(code="VACCINATED_0_6", name_zh="0-6岁儿童接种数", owner="WJW"))


@pytest.mark.parametrize("who", ["frank", "ivan", "alice", "carol"])
def test_an_analyst_an_auditor_and_the_grassroots_may_not_create_or_change(story, who):
    actor = story.actors[who]
    with pytest.raises(PermissionDenied):
        catalog.create(story.db, actor, element())
    with pytest.raises(PermissionDenied):
        catalog.update(story.db, actor, "DIBAO_PERSONS", _dibao(name_zh="改名"))
    with pytest.raises(PermissionDenied):
        catalog.create_category(story.db, actor, "AGE", "年龄", "Age", [("0_17", "0-17岁", "0-17")])
    assert catalog.search(story.db, "80岁") == []
    assert catalog.get(story.db, "DIBAO_PERSONS").name_zh == "低保人数"


def test_erin_may_not_give_her_element_away_but_the_office_may(story):
    with pytest.raises(PermissionDenied):
        catalog.update(story.db, story.erin, "DIBAO_HOUSEHOLDS", element(
            code="DIBAO_HOUSEHOLDS", name_zh="低保户数", owner="WJW"))
    assert catalog.get(story.db, "DIBAO_HOUSEHOLDS").owner.code == "MZJ"
    moved = catalog.update(story.db, story.heidi, "DIBAO_HOUSEHOLDS", element(
        code="DIBAO_HOUSEHOLDS", name_zh="低保户数", owner="WJW"), reason="减负办调整责任部门")
    assert moved.owner.code == "WJW"
    # Now it is grace's to change, and no longer erin's.
    catalog.update(story.db, story.grace, "DIBAO_HOUSEHOLDS", element(code="DIBAO_HOUSEHOLDS", name_zh="低保家庭户数",
                                                                       owner="WJW"))
    with pytest.raises(PermissionDenied):
        catalog.update(story.db, story.erin, "DIBAO_HOUSEHOLDS", element(code="DIBAO_HOUSEHOLDS", name_zh="回来",
                                                                          owner="WJW"))


def test_categories_are_the_offices_to_manage(story):
    created = catalog.create_category(story.db, story.heidi, "AGE", "年龄", "Age", [("0_17", "0-17岁", "0-17")])
    assert [c.code for c in catalog.categories(story.db)] == ["AGE", "SEX"] and created.options[0][0] == "0_17"
    with pytest.raises(Conflict):
        catalog.create_category(story.db, story.heidi, "AGE", "年龄", "Age", [("X", "x", "x")])
    with pytest.raises(ValidationError, match="至少需要一个选项"):
        catalog.create_category(story.db, story.heidi, "EMPTY", "空", "Empty", [])


# ---- importing -----------------------------------------------------------------------------------

def rows(*records: dict) -> list[Row]:
    return [Row(number, values) for number, values in enumerate(records, start=2)]


GOOD = {"code": "ELDERLY_80", "name_zh": "80岁以上老人数", "value_type": "integer", "aggregation": "sum",
        "owner": "MZJ"}


def test_an_import_names_every_fault_with_its_row_and_file_and_writes_nothing(story):
    size = log.current_size(story.db)
    bad = rows(
        GOOD,                                                                    # row 2: fine
        {**GOOD, "name_zh": "重复"},                                              # row 3: repeats row 2
        {**GOOD, "code": "DIBAO_PERSONS"},                                       # row 4: exists already
        {**GOOD, "code": "NO_OWNER", "owner": None},                             # row 5
        {**GOOD, "code": "ELSEWHERE", "owner": "GAJ"},                           # row 6: unknown department
        {**GOOD, "code": "NOTES", "value_type": "text"},                         # row 7: text summed
        {**GOOD, "code": "HOUSING", "value_type": "option_set", "aggregation": None},  # row 8: no options
    )
    with pytest.raises(ValidationError) as caught:
        catalog.import_rows(story.db, story.erin, bad, "目录.xlsx")
    text = str(caught.value)
    assert "目录.xlsx 第 3 行：代码 ELDERLY_80 与第 2 行重复" in text
    assert "目录.xlsx 第 4 行：代码 DIBAO_PERSONS 已存在" in text
    assert "目录.xlsx 第 5 行：缺少责任部门" in text
    assert "目录.xlsx 第 6 行：责任部门 GAJ 不存在" in text
    assert "目录.xlsx 第 7 行：text 类型的数据不能按 sum 汇总" in text
    assert "目录.xlsx 第 8 行：选项集类型需要至少一个选项" in text
    assert "第 2 行：" not in text
    assert log.current_size(story.db) == size
    assert catalog.search(story.db, "ELDERLY") == [] and catalog.search(story.db, "NOTES") == []


def test_an_import_names_the_rows_of_another_department_and_writes_nothing(story):
    size = log.current_size(story.db)
    with pytest.raises(ValidationError, match="目录.xlsx 第 3 行：您无权为 卫健委 创建数据元"):
        catalog.import_rows(story.db, story.erin, rows(GOOD, {**GOOD, "code": "HEALTH_X", "owner": "WJW"}), "目录.xlsx")
    assert catalog.search(story.db, "ELDERLY") == [] and log.current_size(story.db) == size
    with pytest.raises(PermissionDenied):
        catalog.import_rows(story.db, story.frank, rows(GOOD), "目录.xlsx")
    assert catalog.import_rows(story.db, story.heidi, rows(GOOD, {**GOOD, "code": "HEALTH_X", "owner": "WJW"}),
                               "目录.xlsx") == 2


def test_an_xlsx_file_with_chinese_headers_imports_in_one_go(story, tmp_path):
    path = tmp_path / "民政数据元.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["代码", "名称", "英文名称", "值类型", "计量单位", "汇总方式", "责任部门代码", "别名", "分组", "主题"])
    sheet.append(["ELDERLY_80", "80岁以上老人数", "Elderly aged 80+", "integer", "人", "sum", "MZJ",
                  "高龄老人数；八十岁以上老人数", "SEX", "养老"])
    sheet.append([None] * 10)  # an empty line in the middle is skipped
    sheet.append(["  SUBSIDY_RATE ", "补贴发放率", None, "percent", "%", "average", "MZJ", None, None, "救助"])
    sheet.append(["DISABLED_NOTE", "残疾人情况说明", None, "text", None, None, "MZJ", None, None, None])
    workbook.save(path)

    table = read_table(path, catalog.IMPORT_COLUMNS)
    assert [r.number for r in table] == [2, 4, 5]
    size = log.current_size(story.db)
    assert catalog.import_rows(story.db, story.erin, table, path.name) == 3
    assert log.current_size(story.db) == size + 3

    elderly = catalog.get(story.db, "ELDERLY_80")
    assert (elderly.name_en, elderly.unit, elderly.topic) == ("Elderly aged 80+", "人", "养老")
    assert [a.alias for a in elderly.aliases] == ["八十岁以上老人数", "高龄老人数"]
    assert [c.code for c in elderly.categories] == ["SEX"]
    assert catalog.get(story.db, "SUBSIDY_RATE").aggregation == "average"
    assert catalog.get(story.db, "DISABLED_NOTE").aggregation == "none"  # blank means not aggregated
    assert codes(catalog.search(story.db, "八十岁")) == ["ELDERLY_80"]
    assert set(catalog.topics(story.db)) == {"养老", "救助"}


def test_a_bad_xlsx_row_is_named_by_the_file_and_the_spreadsheet_row(story, tmp_path):
    path = tmp_path / "bad.xlsx"
    workbook = Workbook()
    workbook.active.append(["编码", "中文名称", "类型", "汇总方式", "责任部门"])
    workbook.active.append(["OK_ONE", "好的", "integer", "sum", "MZJ"])
    workbook.active.append(["BAD_ONE", "坏的", "money", "sum", "MZJ"])
    workbook.save(path)
    with pytest.raises(ValidationError, match="bad.xlsx 第 3 行：值类型 'money' 无效"):
        catalog.import_rows(story.db, story.erin, read_table(path, catalog.IMPORT_COLUMNS), path.name)
    assert catalog.search(story.db, "OK_ONE") == []
