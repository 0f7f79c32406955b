"""Indicator definitions: validated whole with every fault named, written only by the owner department's
authors (or an administrator), each change in the ledger."""

from dataclasses import replace

import pytest
from sqlalchemy import select

from fillonce.core.config import load_settings
from fillonce.core.errors import Conflict, PermissionDenied, ValidationError
from fillonce.indicators import service as indicators
from fillonce.ledger import log
from fillonce.ledger.models import LedgerEntry
from fillonce.ledger.verify import verify
from registers_fixture import with_registers

HOUSEHOLDS = indicators.IndicatorInput(code="DIBAO_HH", name_zh="低保户数", kind="distinct", department_code="MZJ",
                                       register_code="DIBAO", attribute="HOUSEHOLD_ID", element_code="DIBAO_HH")


@pytest.fixture
def regs(city):
    return with_registers(city)


def _last_entry(db) -> LedgerEntry:
    return db.scalars(select(LedgerEntry).order_by(LedgerEntry.idx.desc()).limit(1)).one()


def test_an_author_defines_and_changes_an_indicator_each_step_in_the_ledger(regs):
    size = log.current_size(regs.db)
    created = indicators.create(regs.db, regs.erin, HOUSEHOLDS)
    assert (created.register.code, created.element.code, created.filters) == ("DIBAO", "DIBAO_HH", {})
    assert (_last_entry(regs.db).action, log.current_size(regs.db)) == ("indicator.create", size + 1)
    changed = indicators.update(regs.db, regs.erin, "DIBAO_HH", replace(HOUSEHOLDS, code="IGNORED", sex="F",
                                                                        name_zh="女性低保户数"))
    assert (changed.code, changed.name_zh, changed.filters) == ("DIBAO_HH", "女性低保户数", {"sex": "F"})
    assert _last_entry(regs.db).action == "indicator.update"


def test_a_code_is_used_once(regs):
    indicators.create(regs.db, regs.erin, HOUSEHOLDS)
    with pytest.raises(Conflict, match="DIBAO_HH 已被使用"):
        indicators.create(regs.db, regs.erin, replace(HOUSEHOLDS, element_code=""))


@pytest.mark.parametrize("changes,message", [
    ({"code": "dibao"}, "指标 dibao：代码无效"),
    ({"register_code": "NOPE"}, "名册 NOPE 不存在"),
    ({"attribute": "ELDERLY_80"}, "名册 DIBAO 没有数据元 ELDERLY_80 这一列"),
    ({"attribute": ""}, "需要指定名册中的一列"),
    ({"age_min": 80, "age_below": 60}, "年龄范围 80 至 60 为空"),
    ({"sex": "X"}, "性别 'X' 无效"),
    ({"attributes": {"TEKUN_MODE": ()}}, "筛选条件 TEKUN_MODE 没有取值"),
    ({"element_code": "HOUSEHOLD_ID"}, "数据元 HOUSEHOLD_ID 不是数值型"),
    ({"element_code": "NOPE"}, "数据元 NOPE 不存在"),
    ({"kind": "median"}, "类型 'median' 无效"),
    ({"kind": "ratio"}, "比率和公式不直接读取名册"),
])
def test_a_bad_definition_is_refused_naming_the_indicator_and_the_fault(regs, changes, message):
    with pytest.raises(ValidationError, match=message):
        indicators.create(regs.db, regs.erin, replace(HOUSEHOLDS, **changes))
    assert indicators.list_indicators(regs.db) == []


def _formula(code: str, formula: str) -> indicators.IndicatorInput:
    return indicators.IndicatorInput(code=code, name_zh=code, kind="formula", department_code="MZJ", formula=formula)


@pytest.mark.parametrize("formula,message", [
    ("DIBAO_HH / ", "公式 “DIBAO_HH / ” 第 11 个字符处缺少数值"),
    ("NOT_A_THING * 2", "未知的指标或数据元 “NOT_A_THING”"),
    ("#{RATE} + 1", "公式引用了自身"),
    ("", "缺少公式"),
])
def test_formula_errors_are_named(regs, formula, message):
    indicators.create(regs.db, regs.erin, HOUSEHOLDS)
    with pytest.raises(ValidationError, match=message):
        indicators.create(regs.db, regs.erin, _formula("RATE", formula))


def test_indicators_may_not_refer_to_each_other_in_a_cycle(regs):
    indicators.create(regs.db, regs.erin, HOUSEHOLDS)
    indicators.create(regs.db, regs.erin, _formula("AA", "DIBAO_HH * 2"))
    indicators.create(regs.db, regs.erin, _formula("BB", "AA + 1"))
    with pytest.raises(ValidationError, match="循环引用：.*AA.*BB"):
        indicators.update(regs.db, regs.erin, "AA", _formula("AA", "BB * 2"))


def test_a_cycle_through_an_answered_element_is_found_too(regs):
    indicators.create(regs.db, regs.erin, replace(_formula("AA", "DIBAO_PERSONS * 2"), element_code="DIBAO_HH"))
    with pytest.raises(ValidationError, match="循环引用"):
        indicators.create(regs.db, regs.erin, replace(_formula("BB", "DIBAO_HH + 1"), element_code="DIBAO_PERSONS"))


def test_a_ratio_needs_both_parts_and_a_positive_factor_and_replays_from_the_ledger(regs):
    ratio = indicators.IndicatorInput(code="RR", name_zh="比率", kind="ratio", department_code="MZJ",
                                      numerator="DIBAO_PERSONS", denominator="POP_REGISTERED", factor=0)
    with pytest.raises(ValidationError, match="分子、分母和正的倍数"):
        indicators.create(regs.db, regs.erin, ratio)
    assert indicators.create(regs.db, regs.erin, replace(ratio, factor=100)).factor == 100
    regs.db.expire_all()  # read back as stored: a whole-number factor is still the float it was recorded as
    report = verify(regs.db, load_settings())
    assert report.ok, report.problems


def test_an_element_is_answered_by_one_indicator(regs):
    indicators.create(regs.db, regs.erin, HOUSEHOLDS)
    with pytest.raises(ValidationError, match="已由指标 DIBAO_HH 回答"):
        indicators.create(regs.db, regs.erin, replace(HOUSEHOLDS, code="DIBAO_HH2"))


@pytest.mark.parametrize("who", ["grace", "frank", "alice", "carol", "heidi", "ivan"])
def test_only_the_departments_authors_and_the_administrator_define_its_indicators(regs, who):
    with pytest.raises(PermissionDenied):
        indicators.create(regs.db, regs.actors[who], HOUSEHOLDS)
    assert indicators.create(regs.db, regs.judy, HOUSEHOLDS).code == "DIBAO_HH"
    with pytest.raises(PermissionDenied):
        indicators.update(regs.db, regs.actors[who], "DIBAO_HH", replace(HOUSEHOLDS, name_zh="改"))


def test_an_author_may_not_move_an_indicator_to_another_department(regs):
    indicators.create(regs.db, regs.erin, HOUSEHOLDS)
    with pytest.raises(PermissionDenied):
        indicators.update(regs.db, regs.erin, "DIBAO_HH", replace(HOUSEHOLDS, department_code="WJW"))
