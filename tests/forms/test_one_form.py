"""Each village gets one form: every item the published specs need, asked once, prefilled where known."""

import io
from datetime import datetime, timezone

import pytest
from openpyxl import load_workbook

from fillonce.accounts.permissions import can
from fillonce.core.db import replaying
from fillonce.entry import service as entry
from fillonce.forms import service as forms
from fillonce.forms.workbook import forms_xlsx
from fillonce.orgunits import service as orgunits
from fillonce.periods.ids import parse_period
from fillonce.specs import service as specs
from spec_stories import civil_monthly, health_monthly, publish


@pytest.fixture
def published(city):
    publish(city, civil_monthly(), city.erin)
    health = specs.create_draft(city.db, city.grace, health_monthly())
    specs.resolve_field(city.db, city.grace, health.id, "NEW", element_code="DIBAO_PERSONS")
    specs.submit(city.db, city.grace, health.id)
    specs.decide(city.db, city.heidi, health.id, approve=True)
    specs.publish(city.db, city.grace, health.id)
    return city


def test_every_item_is_asked_once_with_the_departments_that_use_it(published):
    form = forms.one_form(published.db, orgunits.get(published.db, "V1"), parse_period("202611"))
    assert [s.form_number for s in form.specs] == ["卫健月01表", "民统月01表"]
    items = {i.element.code: i for group in form.topics.values() for i in group}
    assert set(items) == {"POP_REGISTERED", "DIBAO_HOUSEHOLDS", "DIBAO_PERSONS", "CHILDREN_0_6"}
    assert items["POP_REGISTERED"].departments == ["卫健委", "民政局"]
    assert {u.label for u in items["DIBAO_PERSONS"].uses} == {"最低生活保障人数", "最低生活保障对象人数"}
    assert form.burden.separate_fields == 7 and form.burden.asked_fields == 4
    assert [c.field.key for c in form.computed] == ["RATE"]


def test_slowly_changing_items_arrive_prefilled_from_last_period(published):
    with replaying(datetime(2026, 11, 3, tzinfo=timezone.utc)):  # last month's round, while it was open
        entry.save_values(published.db, published.alice, "V1", "202610",
                          {("POP_REGISTERED", ""): "1,207", ("DIBAO_HOUSEHOLDS", ""): 12})
    form = forms.one_form(published.db, orgunits.get(published.db, "V1"), parse_period("202611"))
    items = {i.element.code: i for group in form.topics.values() for i in group}
    assert items["POP_REGISTERED"].prefill == {"": "1207"}
    assert items["DIBAO_HOUSEHOLDS"].prefill == {}  # not slowly changing: asked afresh
    assert form.burden.prefilled_fields == 1 and form.burden.filled_by_hand == 3


def test_a_form_for_another_period_type_or_level_is_empty(published):
    assert forms.one_form(published.db, orgunits.get(published.db, "V1"), parse_period("2026Q4")).specs == []
    assert forms.one_form(published.db, orgunits.get(published.db, "S1"), parse_period("202611")).specs == []


def test_many_units_at_once_match_one_at_a_time(published):
    units = [orgunits.get(published.db, code) for code in ("V1", "V2", "V3")]
    batch = forms.one_forms(published.db, units, parse_period("202611"))
    single = [forms.one_form(published.db, u, parse_period("202611")) for u in units]
    assert [f.burden for f in batch] == [f.burden for f in single]


def test_who_may_see_a_units_form(published):
    v1 = orgunits.get(published.db, "V1")
    allowed = {name for name, actor in published.actors.items() if can(actor, "form.view", v1)}
    assert allowed == {"alice", "carol", "erin", "frank", "grace", "heidi", "ivan", "judy"}


def test_the_one_form_downloads_as_a_workbook(published):
    form = forms.one_form(published.db, orgunits.get(published.db, "V1"), parse_period("202611"))
    workbook = load_workbook(io.BytesIO(forms_xlsx([form], {})))
    rows = [list(row) for row in workbook["V1"].iter_rows(values_only=True)]
    assert "杨柳社区" in rows[0][0] and rows[3][:4] == ["主题", "代码", "分组代码", "项目"]
    assert any(r[1] == "POP_REGISTERED" and "民政局" in r[8] for r in rows[4:])
    assert workbook["_fillonce"].sheet_state == "hidden"
