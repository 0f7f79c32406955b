"""The demo's report specifications: deterministic, bound to the demo catalogue, and as repetitive as real ones."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from collections import Counter
from datetime import date

import pytest

from fillonce.demo.city import BURDEN_OFFICE, DemoCity, DemoElement, build_city
from fillonce.demo.specs import demo_specs
from fillonce.periods.ids import PERIOD_TYPES
from fillonce.specs.draft import FIELD_KINDS, SEVERITIES, SpecDraft

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
KEY = re.compile(r"^[A-Z][A-Z0-9_]*$")
# Formulas and rules are arithmetic and comparisons over field keys and numbers, nothing else.
ALLOWED_NODES = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Compare, ast.Name, ast.Load, ast.Constant,
                 ast.Add, ast.Sub, ast.Mult, ast.Div, ast.USub, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE)


@pytest.fixture(scope="module")
def specs() -> list[SpecDraft]:
    return demo_specs()


@pytest.fixture(scope="module")
def city() -> DemoCity:
    return build_city()


@pytest.fixture(scope="module")
def elements(city: DemoCity) -> dict[str, DemoElement]:
    return {element.code: element for element in city.elements}


def element_fields(spec: SpecDraft) -> list:
    return [f for f in spec.fields if f.kind == "element"]


def specs_asking(specs: list[SpecDraft], code: str) -> list[SpecDraft]:
    return [s for s in specs if any(f.element_code == code for f in s.fields)]


# ---- determinism ---------------------------------------------------------------------------------

def test_two_calls_are_equal_and_do_not_share_objects(specs: list[SpecDraft]) -> None:
    again = demo_specs()
    assert again == specs
    again[0].fields.clear()
    assert demo_specs() == specs


def test_the_same_in_other_processes_with_other_hash_seeds(specs: list[SpecDraft]) -> None:
    script = "from fillonce.demo.specs import demo_specs; print(repr(demo_specs()))"
    outputs = {
        subprocess.run([sys.executable, "-c", script], env={**os.environ, "PYTHONHASHSEED": hash_seed},
                       capture_output=True, text=True, check=True).stdout
        for hash_seed in ("1", "2")
    }
    assert outputs == {repr(specs) + "\n"}


# ---- the specs and their markings ----------------------------------------------------------------

def test_thirteen_to_sixteen_specs(specs: list[SpecDraft]) -> None:
    assert 13 <= len(specs) <= 16


def test_every_department_but_the_burden_office_has_a_spec(specs: list[SpecDraft], city: DemoCity) -> None:
    authors = {spec.department_code for spec in specs}
    expected = {d.code for d in city.departments} - {BURDEN_OFFICE}
    assert authors == expected
    assert all(count <= 2 for count in Counter(spec.department_code for spec in specs).values())


def test_markings_look_like_real_forms(specs: list[SpecDraft]) -> None:
    assert len({spec.form_number for spec in specs}) == len(specs)
    assert len({spec.approval_number for spec in specs}) == len(specs)
    assert len({spec.title_zh for spec in specs}) == len(specs)
    for spec in specs:
        assert re.fullmatch(r"\w{2,3}[月季半年]\d{2}表", spec.form_number), spec.form_number
        assert spec.approval_kind in ("批准", "备案")
        assert re.fullmatch(r"澜\w{1,3}〔2026〕\d{1,2}号", spec.approval_number), spec.approval_number
        assert spec.valid_until is not None and date(2027, 1, 1) <= spec.valid_until <= date(2028, 12, 31)
        assert spec.title_zh and spec.title_en and spec.purpose
        assert spec.period_type in PERIOD_TYPES
        assert 5 <= spec.deadline_days <= 20
        assert spec.grace_days >= 0


def test_the_period_word_in_the_form_number_matches_the_period(specs: list[SpecDraft]) -> None:
    word = {"monthly": "月", "quarterly": "季", "six_monthly": "半", "yearly": "年"}
    assert all(word[spec.period_type] in spec.form_number for spec in specs)
    assert {spec.period_type for spec in specs} == set(word)


def test_targets_villages_except_one_street_spec_and_one_needs_review(specs: list[SpecDraft]) -> None:
    levels = Counter(spec.target_level for spec in specs)
    assert levels == {4: len(specs) - 1, 3: 1}
    assert all(spec.target_units == () for spec in specs)
    assert sum(spec.requires_review for spec in specs) == 1


# ---- fields --------------------------------------------------------------------------------------

def test_keys_are_short_ascii_and_unique_per_spec(specs: list[SpecDraft]) -> None:
    for spec in specs:
        keys = [f.key for f in spec.fields]
        assert len(set(keys)) == len(keys), spec.form_number
        assert all(KEY.match(key) and len(key) <= 16 for key in keys), keys
        assert all(f.label_zh for f in spec.fields)


def test_field_kinds_are_consistent(specs: list[SpecDraft]) -> None:
    for spec in specs:
        for f in spec.fields:
            assert f.kind in FIELD_KINDS
            if f.kind == "element":
                assert f.element_code and f.formula is None
            else:
                assert f.kind == "computed" and f.formula and f.element_code is None and f.category is None
                assert f.unit and not f.required


def test_every_element_exists_in_the_catalogue(specs: list[SpecDraft], elements: dict[str, DemoElement]) -> None:
    missing = {f.element_code for s in specs for f in element_fields(s)} - set(elements)
    assert missing == set()


def test_a_spec_asks_each_element_once(specs: list[SpecDraft]) -> None:
    for spec in specs:
        codes = [f.element_code for f in element_fields(spec)]
        assert len(set(codes)) == len(codes), spec.form_number


def test_categories_are_among_the_elements_disaggregations(specs: list[SpecDraft],
                                                           elements: dict[str, DemoElement]) -> None:
    disaggregated = []
    for spec in specs:
        for f in element_fields(spec):
            if f.category is not None:
                assert f.category in elements[f.element_code].categories, (spec.form_number, f.key)
                disaggregated.append(f.category)
    assert len(disaggregated) >= 5
    assert {"SEX", "AGE_GROUP", "HUKOU", "DISABILITY_TYPE", "SCHOOL_STAGE"} <= set(disaggregated)


def test_units_are_the_catalogue_units(specs: list[SpecDraft], elements: dict[str, DemoElement]) -> None:
    for spec in specs:
        for f in element_fields(spec):
            assert f.unit == elements[f.element_code].unit_zh, (spec.form_number, f.key)


def test_labels_are_the_forms_own_wording(specs: list[SpecDraft], elements: dict[str, DemoElement]) -> None:
    differing = [f for s in specs for f in element_fields(s) if f.label_zh != elements[f.element_code].name_zh]
    assert len(differing) >= 20
    dibao = next(f for f in element_fields(specs[0]) if f.element_code == "DIBAO_PERSONS")
    assert dibao.label_zh == "最低生活保障人数"


# ---- formulas and rules --------------------------------------------------------------------------

def _check_expression(text: str, keys: set[str], where: str) -> None:
    assert set(IDENTIFIER.findall(text)) <= keys, where
    assert IDENTIFIER.search(text), where
    tree = ast.parse(text, mode="eval")
    assert all(isinstance(node, ALLOWED_NODES) for node in ast.walk(tree)), where


def test_formulas_reference_only_their_own_specs_keys(specs: list[SpecDraft]) -> None:
    computed = 0
    for spec in specs:
        keys = {f.key for f in spec.fields}
        for f in spec.fields:
            if f.kind == "computed":
                computed += 1
                _check_expression(f.formula or "", keys - {f.key}, f"{spec.form_number} {f.key}")
                assert isinstance(ast.parse(f.formula or "", mode="eval").body, ast.BinOp)
    assert computed >= 5


def test_rules_reference_only_their_own_specs_keys(specs: list[SpecDraft]) -> None:
    severities = Counter()
    for spec in specs:
        keys = {f.key for f in spec.fields}
        assert spec.rules, spec.form_number
        for rule in spec.rules:
            _check_expression(rule.expression, keys, f"{spec.form_number} {rule.expression}")
            assert isinstance(ast.parse(rule.expression, mode="eval").body, ast.Compare)
            assert rule.severity in SEVERITIES and rule.message_zh and rule.message_en
            severities[rule.severity] += 1
    assert severities["error"] >= 10 and severities["warning"] >= 10


def test_rules_name_real_checks(specs: list[SpecDraft]) -> None:
    dibao = specs[0]
    assert ("DIBAO_P >= DIBAO_H", "error") in {(r.expression, r.severity) for r in dibao.rules}
    child = next(s for s in specs if s.form_number == "卫健月01表")
    assert ("CHILD06 <= POP_R * 0.2", "warning") in {(r.expression, r.severity) for r in child.rules}


# ---- the overlaps that make the burden -----------------------------------------------------------

@pytest.mark.parametrize("code", ["POP_REGISTERED", "POP_RESIDENT", "HH_REGISTERED"])
def test_population_and_households_are_asked_by_five_to_eight_departments(specs: list[SpecDraft],
                                                                          code: str) -> None:
    asking = specs_asking(specs, code)
    assert 5 <= len(asking) <= 8
    assert 5 <= len({s.department_code for s in asking})


def test_the_other_real_overlaps(specs: list[SpecDraft]) -> None:
    elderly = {s.department_code for code in ("ELDERLY_60", "ELDERLY_65", "ELDERLY_80")
               for s in specs_asking(specs, code)}
    assert {"MZJ", "WJW", "RSJ", "CL", "TJJ"} <= elderly
    dibao = {s.department_code for code in ("DIBAO_HH", "DIBAO_PERSONS") for s in specs_asking(specs, code)}
    assert {"MZJ", "YBJ", "CL"} <= dibao
    assert {s.department_code for s in specs_asking(specs, "FARMLAND")} == {"NYJ", "TJJ"}


def test_fields_outnumber_distinct_elements(specs: list[SpecDraft], elements: dict[str, DemoElement]) -> None:
    asked = [f.element_code for s in specs for f in element_fields(s)]
    distinct = set(asked)
    print(f"\nfields asked across {len(specs)} specs: {len(asked)}; distinct elements: {len(distinct)}")
    assert len(asked) - len(distinct) >= 30
    assert len(distinct) <= len(elements)
