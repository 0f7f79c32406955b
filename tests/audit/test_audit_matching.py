"""Duplicate detection between two labels. Every label here is invented for the test."""

import random

import pytest

from fillonce.audit import glossary
from fillonce.audit.matching import (
    SAME_THRESHOLD,
    Candidate,
    CandidateIndex,
    best_matches,
    compare,
)

# --- the same data item, written differently -----------------------------------------------------

SAME = {
    "unit in brackets": ("危房改造户数（户）", "危房改造户数"),
    "unit instead of measure word": ("监测帮扶劳动力（人）", "监测帮扶劳动力人数"),
    "其中 prefix": ("其中：独居老人数", "独居老人数"),
    "本村 prefix": ("本村常住人口数", "常住人口"),
    "全村 prefix": ("全村总户数", "总户数（户）"),
    "total population": ("全村总人口", "人口总数（人）"),
    "本年 prefix": ("本年死亡人数", "死亡人口数"),
    "本月 prefix": ("本月新生儿数", "新生儿人数"),
    "低保 = 最低生活保障": ("最低生活保障对象人数", "低保人数"),
    "五保 = 特困供养": ("五保供养人数", "特困供养人员数"),
    "手机号 = 移动电话": ("手机号码", "移动电话"),
    "证件号码 = 身份证号": ("证件号码", "身份证号码"),
    "公民身份号码 = 身份证号": ("公民身份号码", "身份证号"),
    "60周岁以上 = 60岁以上": ("60周岁以上空巢老人数", "60岁及以上空巢老年人数"),
    "Chinese numerals for ages": ("八十周岁以上老人数", "80岁以上老年人口数"),
    "age range dashes": ("3—6岁儿童数", "3-6岁儿童人数"),
    "two-level header": ("退役军人/人数", "退役军人数"),
    "two-level header with sex": ("志愿者人数/其中：女", "女志愿者人数"),
    "人员数 = 人数": ("网格员人员数", "网格员人数"),
    "reordered words": ("签约家庭医生人数", "家庭医生签约人数"),
    "year-end stock": ("年末户籍人口", "户籍人口数"),
    "insurance abbreviation": ("医保参保人数", "基本医疗保险参保人数"),
    "patients": ("糖尿病病人数", "糖尿病患者人数"),
    "birth date spellings": ("出生年月", "出生日期"),
    "education": ("文化程度", "学历"),
    "address of residence": ("现居住地址", "住址"),
    "registered address": ("户口所在地", "户籍地址"),
    "work place": ("工作地点", "务工地址"),
}


@pytest.mark.parametrize(("a", "b"), SAME.values(), ids=SAME.keys())
def test_same_data_item(a, b):
    match = compare(a, b)
    assert match.same, match.reasons
    assert SAME_THRESHOLD <= match.confidence <= 1


# --- what only looks alike -----------------------------------------------------------------------

APART = {
    "age threshold": ("75周岁以上老人数", "80周岁以上老人数"),
    "age limit on one side": ("80周岁以上老年人数", "老年人数"),
    "age below vs above": ("18周岁以上人数", "18周岁以下人数"),
    "under vs up to (legal bounds)": ("未满16周岁人数", "16周岁以下人数"),
    "households vs persons": ("低保户数", "低保人数"),
    "households vs persons with units": ("易地搬迁（户）", "易地搬迁（人）"),
    "part vs whole (sex)": ("党员数", "其中：女党员数"),
    "part vs whole (severity)": ("残疾人数", "其中：重度残疾人数"),
    "count vs rate": ("参保人数", "参保率"),
    "count vs rate by unit": ("签约人数", "签约（%）"),
    "count vs amount": ("临时救助人数", "临时救助金额（元）"),
    "persons vs visits": ("随访人数", "随访人次"),
    "different population, same words": ("留守儿童数", "留守妇女数"),
    "disabled persons vs disabled children": ("残疾人数", "残疾儿童数"),
    "attribute vs count": ("死亡日期", "死亡人数"),
    "registered vs current address": ("户籍地址", "现住址"),
    "work vs home address": ("工作地址", "家庭住址"),
    "birth vs registration date": ("出生日期", "登记日期"),
    "householder's name vs name": ("户主姓名", "姓名"),
    "cumulative vs period": ("累计帮扶人数", "帮扶人数"),
    "new vs stock": ("新增就业人数", "就业人数"),
    "previous year": ("上年户籍人口", "户籍人口"),
    "planned vs actual": ("计划改造户数", "实际改造户数"),
    "urban vs rural scheme": ("城镇职工养老保险参保人数", "城乡居民养老保险参保人数"),
    "local vs outside work": ("本地务工人数", "外出务工人数"),
    "landline vs mobile": ("固定电话", "手机号码"),
    "area units that do not convert": ("耕地面积（亩）", "耕地面积（元）"),
    "different land": ("耕地面积", "林地面积"),
    "bare measure words": ("人数", "人数"),
    "bare measure word against a total": ("户数", "总户数"),
    "household size vs population": ("家庭人口数", "人口数"),
}


@pytest.mark.parametrize(("a", "b"), APART.values(), ids=APART.keys())
def test_kept_apart(a, b):
    match = compare(a, b)
    assert not match.same, match.reasons
    assert 0 <= match.confidence < SAME_THRESHOLD
    assert match.conversion is None


def test_symmetric_verdicts():
    for a, b in [*SAME.values(), *APART.values()]:
        assert compare(a, b).same == compare(b, a).same


# --- units and explanations ----------------------------------------------------------------------


def test_area_in_other_units_is_one_element_with_a_factor():
    match = compare("设施农业面积（亩）", "设施农业面积（公顷）")
    assert match.same
    assert match.conversion == pytest.approx(15)
    assert any(reason.startswith("单位换算") and "公顷" in reason for reason in match.reasons)


def test_money_in_yuan_and_ten_thousand_yuan_converts():
    assert compare("村集体经营收入", "村集体经营收入", "元", "万元").conversion == pytest.approx(10000)
    assert compare("村集体经营收入（万元）", "村集体经营收入（元）").conversion == pytest.approx(1e-4)


def test_reasons_name_the_matching_and_differing_words():
    match = compare("其中：高龄独居老人数", "独居老人数")
    assert any("相同词" in reason and "独居" in reason for reason in match.reasons)
    assert any("不同词" in reason and "高龄" in reason for reason in match.reasons)


def test_reasons_name_synonyms():
    match = compare("五保户数", "特困供养户数")
    assert any(reason.startswith("同义") and "五保" in reason for reason in match.reasons)


def test_reasons_explain_the_measure_difference():
    match = compare("易地搬迁户数", "易地搬迁人数")
    assert any("计量不同" in reason and "户数" in reason for reason in match.reasons)


def test_contact_phone_accepts_a_mobile_number_with_less_confidence():
    match = compare("联系电话", "手机号")
    assert match.same
    assert match.confidence < compare("移动电话", "手机号").confidence


def test_certified_subset_is_left_for_review():
    match = compare("残疾人数", "持证残疾人数")
    assert not match.same and match.needs_review
    assert any("持证" in reason for reason in match.reasons)


def test_confidence_is_one_for_identical_labels():
    assert compare("危房改造户数", "危房改造户数").confidence == 1.0


# --- searching a catalogue -----------------------------------------------------------------------

CATALOGUE = [
    Candidate("E1", "低保户数", "户"),
    Candidate("E2", "低保人数", "人", ("最低生活保障人数",)),
    Candidate("E3", "特困供养人数", "人"),
    Candidate("E4", "60岁以上老年人数", "人"),
    Candidate("E5", "耕地面积", "亩"),
]


def test_best_matches_finds_the_same_element_first():
    found = best_matches("最低生活保障对象人数", None, CATALOGUE)
    candidate, match = found[0]
    assert candidate.id == "E2" and match.same
    assert all(not m.same for c, m in found[1:] if c.id == "E1")


def test_best_matches_uses_aliases_and_units():
    candidate, match = best_matches("耕地面积", "公顷", CATALOGUE)[0]
    # conversion turns the candidate's value (亩) into the query's unit (公顷)
    assert candidate.id == "E5" and match.conversion == pytest.approx(1 / 15)


def test_best_matches_accepts_plain_tuples_and_limits():
    found = best_matches("五保供养人数", None, [tuple(c) for c in CATALOGUE], limit=1)
    assert [c.id for c, _ in found] == ["E3"]


def test_best_matches_shows_near_misses_with_reasons():
    found = best_matches("65岁以上老年人数", None, CATALOGUE)
    assert found and not found[0][1].same
    assert any("年龄段不同" in reason for reason in found[0][1].reasons)


def _synthetic_catalogue(size: int) -> list[str]:
    """Invented labels built from glossary words, ages and measure words."""
    rng = random.Random(7)
    words = [*glossary.TERMS, *glossary.PERSON_NOUNS]
    suffixes = ["人数", "户数", "率（%）", "金额（万元）", "面积（亩）", "数", "人次", ""]
    labels: set[str] = set()
    while len(labels) < size:
        age = rng.choice(["", "", "", f"{rng.choice([6, 14, 18, 60, 65, 80])}周岁以上"])
        labels.add(age + "".join(rng.sample(words, rng.randint(1, 3))) + rng.choice(suffixes))
    return sorted(labels)


def test_every_field_of_a_specification_is_found_in_a_large_catalogue():
    """Correctness at the catalogue's real size; its speed is measured by `python -m bench spec_check`."""
    labels = _synthetic_catalogue(50_000)
    index = CandidateIndex([Candidate(f"E{i}", label) for i, label in enumerate(labels)])
    specification = labels[::500]  # 100 fields, each present in the catalogue
    results = [index.best_matches(label) for label in specification]
    assert all(found and found[0][1].same for found in results)
