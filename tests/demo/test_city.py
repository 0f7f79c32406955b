"""The demo city: deterministic, well-formed, and it looks like a real Chinese city's reporting data."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from dataclasses import FrozenInstanceError

import pytest

from fillonce.demo.city import DemoCity, build_city

VALUE_TYPES = {"integer", "number", "percent", "text", "boolean", "date", "option_set"}
AGGREGATIONS = {"sum", "average", "last", "none"}
ROLES = {"reporter", "official", "dept_staff", "office", "auditor", "admin"}
ASCII_NAME = re.compile(r"^[A-Z][A-Za-z' ]+$")


@pytest.fixture(scope="module")
def city() -> DemoCity:
    return build_city()


def by_level(city: DemoCity, level: int) -> list:
    return [unit for unit in city.org_units if unit.level == level]


# ---- determinism ---------------------------------------------------------------------------------

def test_two_builds_are_equal(city: DemoCity) -> None:
    assert build_city() == city
    assert build_city(2026) == city


def test_the_same_in_other_processes_with_other_hash_seeds(city: DemoCity) -> None:
    script = "from fillonce.demo.city import build_city; print(repr(build_city()))"
    outputs = {
        subprocess.run([sys.executable, "-c", script], env={**os.environ, "PYTHONHASHSEED": hash_seed},
                       capture_output=True, text=True, check=True).stdout
        for hash_seed in ("1", "2")
    }
    assert outputs == {repr(city) + "\n"}


def test_another_seed_changes_generated_names_but_not_the_curated_tables(city: DemoCity) -> None:
    other = build_city(7)
    assert other.org_units != city.org_units
    assert other.elements == city.elements
    assert other.departments == city.departments
    assert [u.code for u in by_level(other, 3)] == [u.code for u in by_level(city, 3)]


def test_records_are_frozen(city: DemoCity) -> None:
    with pytest.raises(FrozenInstanceError):
        city.org_units[0].name_zh = "别的市"  # type: ignore[misc]


# ---- org units -----------------------------------------------------------------------------------

def test_hierarchy_sizes(city: DemoCity) -> None:
    assert len(by_level(city, 1)) == 1
    assert len(by_level(city, 2)) == 6
    assert 25 <= len(by_level(city, 3)) <= 35
    assert 250 <= len(by_level(city, 4)) <= 350


def test_districts_mix_urban_districts_and_counties(city: DemoCity) -> None:
    suffixes = Counter(unit.name_zh[-1] for unit in by_level(city, 2))
    assert suffixes["区"] >= 2 and suffixes["县"] >= 2


def test_codes_are_unique_twelve_digit_division_codes(city: DemoCity) -> None:
    codes = [unit.code for unit in city.org_units]
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"3209\d{8}", code) for code in codes)
    assert by_level(city, 1)[0].code == "320900000000"


def test_every_parent_exists_one_level_up_and_shares_its_code_prefix(city: DemoCity) -> None:
    units = {unit.code: unit for unit in city.org_units}
    prefix_length = {2: 4, 3: 6, 4: 9}
    for unit in city.org_units:
        if unit.level == 1:
            assert unit.parent_code is None
            continue
        parent = units[unit.parent_code]
        assert parent.level == unit.level - 1
        assert unit.code[: prefix_length[unit.level]] == parent.code[: prefix_length[unit.level]]
        assert unit.opened >= parent.opened


def test_names_follow_the_level_and_the_kind_of_parent(city: DemoCity) -> None:
    units = {unit.code: unit for unit in city.org_units}
    for unit in by_level(city, 3):
        district = units[unit.parent_code].name_zh
        assert unit.name_zh.endswith("街道") if district.endswith("区") else unit.name_zh[-1] in "镇乡"
    for unit in by_level(city, 4):
        parent = units[unit.parent_code].name_zh
        if parent.endswith("街道"):
            assert unit.name_zh.endswith("社区")
        elif parent.endswith("乡"):
            assert unit.name_zh.endswith("村")
        else:
            assert unit.name_zh.endswith(("社区", "村"))
    assert sum(unit.name_zh.endswith("村") for unit in by_level(city, 4)) >= 100


def test_no_duplicate_names_within_a_parent(city: DemoCity) -> None:
    names = Counter((unit.parent_code, unit.name_zh) for unit in city.org_units)
    assert [key for key, count in names.items() if count > 1] == []


def test_english_names_are_pinyin_with_a_level_word(city: DemoCity) -> None:
    words = {1: "City", 2: ("District", "County"), 3: ("Subdistrict", "Town", "Township"),
             4: ("Community", "Village")}
    for unit in city.org_units:
        assert ASCII_NAME.match(unit.name_en), unit
        assert unit.name_en.endswith(words[unit.level])
    examples = {unit.name_zh: unit.name_en for unit in city.org_units}
    assert examples["澜川市"] == "Lanchuan City"
    assert examples["新川区"] == "Xinchuan District"
    assert examples["云台县"] == "Yuntai County"
    assert examples["东湖街道"] == "Donghu Subdistrict"
    assert examples["白马乡"] == "Baima Township"


# ---- departments and categories ------------------------------------------------------------------

def test_departments(city: DemoCity) -> None:
    codes = [d.code for d in city.departments]
    assert len(set(codes)) == len(codes)
    assert 11 <= len(codes) <= 15
    assert all(re.fullmatch(r"[A-Z]{2,5}", code) for code in codes)
    names = {d.name_zh for d in city.departments}
    assert {"民政局", "统计局", "退役军人事务局", "农业农村局", "应急管理局", "公安局", "教育局", "司法局"} <= names
    assert "JFB" in codes
    assert all(d.name_en.isascii() and d.name_en for d in city.departments)


def test_categories_have_options(city: DemoCity) -> None:
    categories = {c.code: c for c in city.categories}
    assert [zh for _, zh, _ in categories["SEX"].options] == ["男", "女"]
    assert [zh for _, zh, _ in categories["AGE_GROUP"].options] == ["0-17岁", "18-59岁", "60-79岁", "80岁及以上"]
    for category in city.categories:
        option_codes = [code for code, _, _ in category.options]
        assert len(option_codes) >= 2 and len(set(option_codes)) == len(option_codes)


# ---- data elements -------------------------------------------------------------------------------

def test_about_150_elements_with_unique_codes_and_names(city: DemoCity) -> None:
    assert 140 <= len(city.elements) <= 165
    codes = [e.code for e in city.elements]
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"[A-Z][A-Z0-9_]{1,63}", code) for code in codes)
    names = [e.name_zh for e in city.elements]
    assert len(set(names)) == len(names)


def test_each_alias_points_to_one_element_only(city: DemoCity) -> None:
    names = {e.name_zh for e in city.elements}
    aliases = [alias for e in city.elements for alias in e.aliases]
    assert len(set(aliases)) == len(aliases)
    assert not names & set(aliases)


def test_every_element_is_well_formed(city: DemoCity) -> None:
    departments = {d.code for d in city.departments}
    categories = {c.code for c in city.categories}
    for e in city.elements:
        assert e.owner_department in departments, e.code
        assert set(e.categories) <= categories, e.code
        assert e.value_type in VALUE_TYPES and e.aggregation in AGGREGATIONS, e.code
        assert e.definition_zh.endswith("。") and e.topic and e.name_en.isascii(), e.code
        assert (e.value_type == "option_set") == bool(e.options), e.code
        if e.value_type in {"text", "boolean", "date", "option_set"}:
            assert e.aggregation in {"none", "last"} and e.unit_zh == "" and e.categories == (), e.code
        else:
            assert e.unit_zh, e.code
        if e.value_type == "percent":
            assert e.unit_zh == "%" and e.aggregation == "average", e.code
        if e.unit_zh in {"人", "户", "个", "亩", "万元", "人次", "次", "件"}:
            assert e.aggregation == "sum", e.code


def test_every_value_type_and_the_common_topics_are_present(city: DemoCity) -> None:
    assert {e.value_type for e in city.elements} == VALUE_TYPES
    topics = {e.topic for e in city.elements}
    assert {"人口", "社会救助", "养老", "残疾人", "退役军人", "卫生健康", "农业农村", "集体经济", "就业社保",
            "平安建设", "教育", "应急管理", "住房"} <= topics


def test_the_figures_every_village_is_asked_for_are_in_the_catalogue(city: DemoCity) -> None:
    names = {e.name_zh for e in city.elements}
    assert {
        "户籍人口", "常住人口", "户数", "低保户数", "低保人数", "特困供养人数", "60岁以上老年人口",
        "65岁以上老年人口", "80岁以上老年人口", "持证残疾人数", "退役军人数", "耕地面积", "村集体经济收入",
        "城乡居民医保参保人数", "0-6岁儿童数", "孕产妇数", "新生儿数", "死亡人数", "出生人数", "流动人口数",
        "矛盾纠纷排查数", "调解成功数", "脱贫户数", "脱贫人口数", "监测对象户数", "就业人数", "失业登记人数",
        "在校学生数", "网格员数", "应急避难场所数", "危房户数", "村委会主任姓名", "联系电话", "是否通自来水",
        "主导产业",
    } <= names
    elements = {e.name_zh: e for e in city.elements}
    assert elements["耕地面积"].unit_zh == "亩" and "耕地面积（亩）" in elements["耕地面积"].aliases
    assert elements["村集体经济收入"].unit_zh == "万元"
    assert "参保率" in elements["城乡居民医保参保率"].aliases
    assert "最低生活保障对象人数" in elements["低保人数"].aliases
    assert "五保供养人数" in elements["特困供养人数"].aliases
    assert {"户籍人口数", "户籍总人口"} <= set(elements["户籍人口"].aliases)
    assert elements["主导产业"].value_type == "option_set"
    assert elements["是否通自来水"].value_type == "boolean"


def test_most_departments_own_elements(city: DemoCity) -> None:
    owned = Counter(e.owner_department for e in city.elements)
    assert {d.code for d in city.departments} - set(owned) == {"JFB"}


# ---- people --------------------------------------------------------------------------------------

def test_one_reporter_per_village_and_one_official_per_street_and_district(city: DemoCity) -> None:
    reporters = {p.scope_org_unit: p for p in city.people if p.role == "reporter"}
    assert set(reporters) == {u.code for u in by_level(city, 4)}
    assert all(p.username == "r" + code for code, p in reporters.items())
    officials = Counter(p.scope_org_unit for p in city.people if p.role == "official")
    assert set(officials) == {u.code for u in city.org_units if u.level in (2, 3)}
    assert set(officials.values()) == {1}


def test_each_department_has_an_author_and_an_analyst(city: DemoCity) -> None:
    for department in city.departments:
        if department.code == "JFB":
            continue
        staff = [p for p in city.people if p.role == "dept_staff" and p.department == department.code]
        assert 1 <= len(staff) <= 3
        assert {"author", "analyst"} <= {p.duty for p in staff}


def test_the_fixed_demo_accounts(city: DemoCity) -> None:
    people = {p.username: p for p in city.people}
    assert people["admin"].role == "admin"
    assert people["auditor"].role == "auditor"
    assert people["office"].role == "office" and people["office"].department == "JFB"


def test_usernames_and_display_names(city: DemoCity) -> None:
    usernames = [p.username for p in city.people]
    assert len(set(usernames)) == len(usernames)
    assert all(re.fullmatch(r"[a-z0-9_]+", name) for name in usernames)
    assert {p.role for p in city.people} == ROLES
    display_names = [p.display_name for p in city.people]
    assert len(set(display_names)) == len(display_names)
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,3}", name) for name in display_names)
    scopes = {u.code for u in city.org_units}
    assert all(p.scope_org_unit is None or p.scope_org_unit in scopes for p in city.people)


def test_sign_in_examples_cover_every_kind_of_user_and_a_second_village(city: DemoCity) -> None:
    examples = city.sign_in_examples()
    assert 8 <= len(examples) <= 12
    assert {role for _, role, _ in examples} == ROLES
    first_village = by_level(city, 4)[0].code
    reporters = [(username, scope) for username, role, scope in examples if role == "reporter"]
    assert reporters[0] == ("r" + first_village, first_village)
    assert len(reporters) == 2 and reporters[1][1] != first_village
    known = {p.username for p in city.people}
    assert all(username in known for username, _, _ in examples)
