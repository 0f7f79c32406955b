"""A spec field bound to an indicator leaves the grassroots form: shown read-only with the register's
figure, counted as computed at the gate, and an ordinary column in reports, marked computed."""

import json

import pytest

from fillonce.core.errors import ValidationError
from fillonce.entry import service as entry
from fillonce.forms import service as forms
from fillonce.orgunits import service as orgunits
from fillonce.periods.ids import parse_period
from fillonce.reports import render
from fillonce.reports import service as reports
from fillonce.specs import gate
from fillonce.specs import service as specs
from fillonce.specs.draft import FieldDraft
from registers_fixture import bound_fields, with_registers
from spec_stories import civil_monthly

def test_a_register_field_needs_an_indicator_answering_its_element(city):
    with_registers(city)
    with pytest.raises(ValidationError, match="DB_H.*没有指标计算数据元 DIBAO_HOUSEHOLDS"):
        specs.create_draft(city.db, city.erin, civil_monthly(fields=bound_fields()))


def test_a_register_field_cannot_be_disaggregated(bound):
    fields = [FieldDraft("DB_H", "低保户数", kind="register", element_code="DIBAO_HOUSEHOLDS", category="SEX")]
    with pytest.raises(ValidationError, match="DB_H.*不能分组"):
        specs.create_draft(bound.db, bound.erin, civil_monthly(form_number="民统月09表", fields=fields, rules=[]))


def test_the_bound_field_leaves_the_one_form_and_shows_the_register_figure(bound):
    form = forms.one_form(bound.db, orgunits.get(bound.db, "V1"), parse_period("202611"))
    asked = {item.element.code for items in form.topics.values() for item in items if item.asked}
    assert asked == {"POP_REGISTERED", "DIBAO_PERSONS"}
    shown = next(c for c in form.computed if c.field.key == "DB_H")
    assert shown.value == 2 and "DIBAO名册" in shown.source and "HOUSEHOLD_ID" in shown.source
    assert (form.burden.asked_fields, form.burden.computed_fields) == (2, 2)


def test_the_gate_counts_the_bound_field_as_computed(bound):
    report = gate.check(bound.db, bound.spec)
    verdict = next(f for f in report["fields"] if f["key"] == "DB_H")
    assert (verdict["verdict"], verdict["mode"]) == ("register", "computed")
    assert report["burden"]["fields_asked"] == 2


def test_a_unit_submits_without_the_bound_field(bound):
    entry.save_values(bound.db, bound.alice, "V1", "202611", {("POP_REGISTERED", ""): 100, ("DIBAO_PERSONS", ""): 3})
    assert entry.submit_form(bound.db, bound.alice, "V1", "202611").status == "final"


def test_the_report_shows_the_bound_field_as_a_computed_column_with_its_source(bound):
    built = reports.build_levels(bound.db, bound.erin, bound.spec.id, "202611", [3, 4])
    villages = {r.unit.code: r.values["DB_H"] for r in built[4].rows}
    assert villages == {"V1": 2, "V2": 1, "V3": 1}
    assert {r.unit.code: r.values["DB_H"] for r in built[3].rows} == {"S1": 3, "S2": 1}
    assert any("DIBAO_HH_COUNT" in note and "HOUSEHOLD_ID" in note for note in built[4].notes)
    body = json.loads(render.json_bytes(built[4], "checkpoint"))
    assert next(c for c in body["columns"] if c["key"] == "DB_H")["computed"] is True
    assert next(c for c in body["columns"] if c["key"] == "POP")["computed"] is False
    assert any("DIBAO_HH_COUNT" in line for line in render.provenance_lines(built[4], "checkpoint"))


def test_the_form_page_shows_the_figure_read_only(bound, client, sign_in):
    sign_in("alice")
    page = client.get("/forms/V1/202611")
    assert page.status_code == 200
    assert 'value="2" readonly' in page.text and "HOUSEHOLD_ID" in page.text
