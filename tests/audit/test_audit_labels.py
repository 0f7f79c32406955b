"""Reading a label into a signature: units, ages, prefixes, two-level headers, synonyms."""

import pytest

from fillonce.audit.labels import (
    AgeRange,
    canonical_name,
    extract_age,
    is_key_label,
    normalise,
    parse_unit,
    signature,
)


def test_full_width_text_is_normalised():
    assert normalise("ＡＢＣ（人）　６５") == "abc(人)65"


@pytest.mark.parametrize(
    ("label", "unit", "measure"),
    [
        ("危房改造户数（户）", "户", "households"),
        ("人均纯收入（元/人）", "元/人", "amount"),
        ("林地面积(公顷)", "公顷", "area"),
        ("合作医疗覆盖率%", "%", "rate"),
        ("集体资产总额（单位：万元）", "万元", "amount"),
        ("大棚面积/亩", "亩", "area"),
        ("粮食播种面积", None, "area"),
    ],
)
def test_units_come_out_of_brackets_and_set_the_measure(label, unit, measure):
    sig = signature(label)
    assert (sig.unit.text if sig.unit else None) == unit
    assert sig.measure == measure


def test_a_unit_given_apart_wins_over_the_label():
    assert signature("集体经济收入（元）", "万元").unit.text == "万元"


def test_bracket_text_that_is_not_a_unit_stays_content():
    assert "退休" in signature("参保人数（含退休）").terms


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("75周岁以上", AgeRange(75, None)),
        ("75岁及以上", AgeRange(75, None)),
        ("75岁(含)以上", AgeRange(75, None)),
        ("年满七十五周岁", AgeRange(75, None)),
        ("超过75岁", AgeRange(76, None)),
        ("3-5岁", AgeRange(3, 5)),
        ("3—5岁", AgeRange(3, 5)),
        ("3至5周岁", AgeRange(3, 5)),
        ("16岁以下", AgeRange(0, 16)),
        ("未满16周岁", AgeRange(0, 15)),
        ("45周岁以上59周岁以下", AgeRange(45, 59)),
    ],
)
def test_age_ranges_are_read_with_legal_bounds(text, age):
    assert extract_age(normalise(text))[0] == age


def test_months_are_not_ages():
    assert extract_age(normalise("3-6个月"))[0] is None


def test_part_marker_is_noted_and_removed():
    sig = signature("其中：女职工人数")
    assert sig.part_of
    assert sig.terms == {"女", "职工"}


def test_list_numbering_is_removed():
    assert signature("（三）育龄妇女人数").terms == signature("育龄妇女人数").terms
    assert signature("2、育龄妇女人数").terms == signature("育龄妇女人数").terms


def test_scope_and_period_words_are_ignored_but_remembered():
    sig = signature("本村本年新迁入人数")
    assert "本村" in sig.ignored and sig.period == "年"
    assert "本村" not in sig.terms


def test_two_level_header_reads_parent_and_child_together():
    assert signature("危房改造/户数").terms == signature("危房改造户数").terms
    assert signature("危房改造/户数").measure == "households"
    assert signature("党员/其中：女").terms == {"党员", "女"}


def test_synonyms_fold_to_one_term():
    assert signature("最低生活保障对象数").terms == signature("低保对象数").terms
    assert signature("公民身份号码").terms == signature("证件号码").terms


def test_age_class_nouns_give_way_to_an_explicit_range():
    assert signature("14岁以下少年儿童数").terms == signature("14岁以下人口数").terms


def test_words_outside_the_glossary_stay_whole():
    sig = signature("秸秆还田面积")
    assert sig.unknown and sig.measure == "area"


@pytest.mark.parametrize("label", ["序号", "村（社区）", "乡镇（街道）名称", "单位名称", "县（市、区）",
                                   "村民小组", "填报日期", "备注", "所属乡镇"])
def test_bookkeeping_columns_are_keys(label):
    assert is_key_label(label)


@pytest.mark.parametrize("label", ["就业单位", "社区矫正对象数", "村级集体经济收入", "联系电话"])
def test_data_columns_are_not_keys(label):
    assert not is_key_label(label)


def test_parse_unit_knows_compound_units():
    unit = parse_unit("万元/人")
    assert unit.dimension == "money/persons" and unit.factor == 10000


@pytest.mark.parametrize(
    ("label", "name"),
    [
        ("75周岁以上老年人数", "75周岁以上老年人数"),
        ("证件号码", "身份证号"),
        ("务工地点", "工作地址"),
        ("是否低保户", "是否低保"),
    ],
)
def test_canonical_names_read_naturally(label, name):
    assert canonical_name(signature(label)) == name
