"""A department authors a spec; the gate finds what is already collected; the office approves; the
unit gets one form. Every step tries the forbidden path too."""

import pytest

from spec_stories import civil_monthly, health_monthly, publish, publish_existing
from fillonce.catalog import service as catalog
from fillonce.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from fillonce.ledger import log
from fillonce.specs import service as specs
from fillonce.specs.draft import FieldDraft, RuleDraft


def test_a_draft_keeps_every_marking_and_resolves_formulas_to_keys(city):
    spec = specs.create_draft(city.db, city.erin, civil_monthly())
    assert (spec.version, spec.status, spec.department.code) == (1, "draft", "MZJ")
    assert spec.approval_number == "青统制〔2026〕1号"
    assert spec.rules[0].expression.replace(" ", "") == "DB_P>=DB_H"


def test_a_draft_with_faults_names_each_one_and_writes_nothing(city):
    size = log.current_size(city.db)
    bad = civil_monthly(fields=[
        FieldDraft("POP", "户籍人口", element_code="NO_SUCH"),
        FieldDraft("POP", "重复", element_code="DIBAO_HOUSEHOLDS"),
        FieldDraft("X", "按性别", element_code="DIBAO_HOUSEHOLDS", category="SEX"),
        FieldDraft("R", "率", kind="computed")], period_type="hourly")
    with pytest.raises(ValidationError) as caught:
        specs.create_draft(city.db, city.erin, bad)
    text = str(caught.value)
    for expected in ("NO_SUCH", "字段键重复", "没有分组 SEX", "缺少公式", "hourly"):
        assert expected in text
    assert log.current_size(city.db) == size


def test_formulas_that_do_not_parse_or_name_unknown_fields_or_cycle_are_refused(city):
    with pytest.raises(ValidationError, match="RATE"):
        specs.create_draft(city.db, city.erin, civil_monthly(fields=civil_monthly().fields[:3] + [
            FieldDraft("RATE", "低保率", kind="computed", formula="DB_P / ")]))
    with pytest.raises(ValidationError, match="不存在的|未知|unknown|找不到"):
        specs.create_draft(city.db, city.erin, civil_monthly(rules=[RuleDraft("残疾人数 > 0")]))
    with pytest.raises(ValidationError, match="A.*B|B.*A"):
        specs.create_draft(city.db, city.erin, civil_monthly(fields=[
            FieldDraft("A", "甲", kind="computed", formula="B + 1"),
            FieldDraft("B", "乙", kind="computed", formula="A + 1")]))


@pytest.mark.parametrize("who", ["frank", "grace", "alice", "heidi", "ivan"])
def test_only_the_departments_authors_write_its_specs(city, who):
    with pytest.raises(PermissionDenied):
        specs.create_draft(city.db, city.actors[who], civil_monthly())


def test_drafts_are_invisible_to_other_departments_and_reporters(city):
    spec = specs.create_draft(city.db, city.erin, civil_monthly())
    assert specs.get(city.db, city.frank, spec.id) is spec  # same department
    for who in ("grace", "alice"):
        with pytest.raises(NotFound):
            specs.get(city.db, city.actors[who], spec.id)
    assert specs.get(city.db, city.heidi, spec.id) is spec


def test_the_gate_reuses_what_another_published_spec_collects_and_flags_a_probable_duplicate(city):
    publish(city, civil_monthly(), city.erin)
    health = specs.create_draft(city.db, city.grace, health_monthly())
    specs.submit(city.db, city.grace, health.id)
    verdicts = {f["key"]: f for f in health.gate_report["fields"]}
    assert verdicts["POP"]["verdict"] == "same" and verdicts["POP"]["mode"] == "reuse"
    assert verdicts["POP"]["reuse_from"] == "民统月01表"
    assert verdicts["C06"]["verdict"] == "same" and verdicts["C06"]["mode"] == "ask"
    assert verdicts["NEW"]["verdict"] == "duplicate" and verdicts["NEW"]["element"]["code"] == "DIBAO_PERSONS"
    assert verdicts["NEW"]["element"]["owner"] == "民政局" and verdicts["NEW"]["reasons"]
    assert health.gate_report["burden"] == {"fields_asked": 2, "fields_reused": 1, "units": 3,
                                            "periods_per_year": 12, "cells_per_year": 72}


def test_a_probable_duplicate_blocks_approval_until_resolved(city):
    publish(city, civil_monthly(), city.erin)
    health = specs.create_draft(city.db, city.grace, health_monthly())
    specs.submit(city.db, city.grace, health.id)
    with pytest.raises(ValidationError, match="NEW"):
        specs.decide(city.db, city.heidi, health.id, approve=True)
    assert health.status == "submitted"
    specs.decide(city.db, city.heidi, health.id, approve=False, note="请复用民政局的低保人数")
    specs.resolve_field(city.db, city.grace, health.id, "NEW", element_code="DIBAO_PERSONS")
    published = publish_existing(city, health, city.grace)
    modes = {f.key: f.mode for f in published.fields}
    assert modes == {"POP": "reuse", "C06": "ask", "NEW": "reuse"}


def test_an_approved_spec_that_became_a_duplicate_goes_back_to_its_authors(city):
    health = specs.create_draft(city.db, city.grace, health_monthly(fields=health_monthly().fields[:2] + [
        FieldDraft("NEW", "孤儿人数", unit="人")]))
    specs.submit(city.db, city.grace, health.id)
    specs.decide(city.db, city.heidi, health.id, approve=True)
    catalog.create(city.db, city.erin, catalog.ElementInput(  # meanwhile civil affairs adds the same datum
        code="ORPHANS", name_zh="孤儿数", value_type="integer", aggregation="sum", owner_department_code="MZJ", unit="人"))
    with pytest.raises(ValidationError, match="NEW"):
        specs.publish(city.db, city.grace, health.id)
    specs.decide(city.db, city.heidi, health.id, approve=False, note="民政局已有孤儿数，请复用")
    assert health.status == "draft"


def test_a_field_declared_different_becomes_a_new_element_of_the_authoring_department(city):
    health = specs.create_draft(city.db, city.grace, health_monthly())
    specs.resolve_field(city.db, city.grace, health.id, "NEW", distinct_reason="卫健口径含临时救助对象")
    published = publish_existing(city, health, city.grace)
    created = next(f.element for f in published.fields if f.key == "NEW")
    assert created.owner.code == "WJW" and created.name_zh == "最低生活保障对象人数"
    assert catalog.get(city.db, created.code) is created


def test_the_workflow_refuses_steps_out_of_order_and_by_the_wrong_people(city):
    spec = specs.create_draft(city.db, city.erin, civil_monthly())
    with pytest.raises(Conflict):
        specs.publish(city.db, city.erin, spec.id)
    specs.submit(city.db, city.erin, spec.id)
    for who in ("erin", "alice", "ivan", "grace"):
        with pytest.raises((PermissionDenied, NotFound)):
            specs.decide(city.db, city.actors[who], spec.id, approve=True)
    with pytest.raises(ValidationError):
        specs.decide(city.db, city.heidi, spec.id, approve=False, note=" ")
    specs.decide(city.db, city.heidi, spec.id, approve=False, note="请补充计量单位")
    assert spec.status == "draft" and spec.office_note == "请补充计量单位"


def test_a_published_spec_never_changes_and_a_new_version_supersedes_it(city):
    spec = publish(city, civil_monthly(), city.erin)
    with pytest.raises(Conflict):
        specs.update_draft(city.db, city.erin, spec.id, civil_monthly(title_zh="改标题"))
    second = specs.new_version(city.db, city.erin, spec.id)
    assert (second.version, second.status) == (2, "draft")
    with pytest.raises(Conflict):
        specs.new_version(city.db, city.erin, spec.id)
    specs.update_draft(city.db, city.erin, second.id, civil_monthly(title_zh="城乡低保和特困情况月报"))
    publish_existing(city, second, city.erin)
    assert [(s.version, s.status) for s in specs.versions(city.db, "民统月01表")] == [(2, "published"), (1, "retired")]
    assert spec.title_zh == "城乡低保情况月报"


def test_retiring_the_collecting_spec_makes_the_reusing_spec_ask_again(city):
    civil = publish(city, civil_monthly(), city.erin)
    health = specs.create_draft(city.db, city.grace, health_monthly())
    specs.resolve_field(city.db, city.grace, health.id, "NEW", element_code="DIBAO_PERSONS")
    health = publish_existing(city, health, city.grace)
    assert {f.key: f.mode for f in health.fields}["POP"] == "reuse"
    with pytest.raises(ValidationError):
        specs.retire(city.db, city.erin, civil.id, reason="")
    specs.retire(city.db, city.erin, civil.id, reason="并入年报")
    assert {f.key: f.mode for f in health.fields}["POP"] == "ask"
