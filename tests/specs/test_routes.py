"""Report specifications in the browser and through the API, as the story's people use them.

erin writes civil affairs' forms, frank only analyses them, grace writes the health commission's,
heidi is the burden-reduction office that approves, ivan audits, alice reports from a village.
"""

from __future__ import annotations

import html
import io
import re

import openpyxl
import pytest
import yaml
from sqlalchemy import func, select

from fillonce.ledger import log
from fillonce.specs.models import Spec

FORM = "民统月01表"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def designer_form(token: str, **changes: str) -> dict[str, str]:
    """What erin types into the designer: two catalogue fields, a computed one, one rule."""
    data = {
        "csrf_token": token, "form_number": FORM, "title_zh": "低保情况月报", "title_en": "",
        "department_code": "MZJ", "approval_kind": "批准", "approval_number": "青统制〔2026〕1号",
        "valid_until": "2027-12-31", "purpose": "掌握低保对象规模", "period_type": "monthly",
        "deadline_days": "5", "grace_days": "2", "target_level": "4", "target_units": "",
        "fields-0-key": "DIBAO_H", "fields-0-label_zh": "低保户数", "fields-0-kind": "element",
        "fields-0-element_code": "DIBAO_HOUSEHOLDS", "fields-0-unit": "户", "fields-0-required": "on",
        "fields-1-key": "DIBAO_P", "fields-1-label_zh": "低保人数", "fields-1-kind": "element",
        "fields-1-element_code": "DIBAO_PERSONS", "fields-1-unit": "人", "fields-1-required": "on",
        "fields-2-key": "PER_HH", "fields-2-label_zh": "户均保障人数", "fields-2-kind": "computed",
        "fields-2-formula": "DIBAO_P / DIBAO_H", "fields-2-unit": "人",
        # a blank row, as the designer always offers: ignored
        "fields-3-key": "", "fields-3-label_zh": "", "fields-3-kind": "element", "fields-3-required": "on",
        "rules-0-expression": "DIBAO_P >= DIBAO_H", "rules-0-severity": "error",
        "rules-0-message_zh": "低保人数不能少于低保户数", "rules-0-message_en": "",
        "rules-1-expression": "", "rules-1-severity": "error",
    }
    data.update(changes)
    return data


API_SPEC = {
    "form_number": "卫统季02表", "title_zh": "儿童健康情况季报", "department_code": "WJW",
    "period_type": "quarterly", "approval_kind": "备案", "approval_number": "青卫备〔2026〕7号",
    "deadline_days": 10, "target_level": 4,
    "fields": [{"key": "KIDS", "label_zh": "0-6岁儿童数", "element_code": "CHILDREN_0_6", "unit": "人"},
               {"key": "CHECKED", "label_zh": "健康体检儿童数", "unit": "人"}],
    "rules": [{"expression": "CHECKED <= KIDS", "severity": "error", "message_zh": "体检人数不能多于儿童数"}],
}

GOOD_YAML = """\
form_number: 民统季03表
title_zh: 临时救助情况季报
department_code: MZJ
period_type: quarterly
approval_number: 青统制〔2026〕9号
valid_until: 2028-06-30
deadline_days: 15
fields:
  - key: HH
    label: 低保户数
    element: DIBAO_HOUSEHOLDS
    unit: 户
  - key: AID
    label: 临时救助人次
    unit: 人次
rules:
  - expression: AID >= 0
    severity: warning
    message: 救助人次不应为负
"""


def text_of(page) -> str:
    """A page's visible text, for asserting what a person reads."""
    body = re.sub(r"<(script|datalist)\b.*?</\1>", " ", page.text, flags=re.DOTALL)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def spec_id_of(response) -> int:
    assert response.status_code == 303, text_of(response)[:2000]
    found = re.fullmatch(r"/specs/(\d+)(/edit)?", response.headers["location"])
    assert found, response.headers["location"]
    return int(found.group(1))


def count_specs(story) -> int:
    return story.db.scalar(select(func.count()).select_from(Spec))


@pytest.fixture
def draft_id(client, sign_in) -> int:
    """erin's draft of 民统月01表, made in the designer."""
    token = sign_in("erin")
    return spec_id_of(client.post("/specs/new", data=designer_form(token)))


# ---- the designer --------------------------------------------------------------------------------

def test_erin_designs_a_draft_in_the_web_designer(client, sign_in, story):
    token = sign_in("erin")
    page = client.get("/specs/new")
    assert page.status_code == 200
    assert '<option value="MZJ" selected>' in page.text  # her own department, preselected
    assert 'value="WJW"' not in page.text  # and no other: she writes only for civil affairs
    assert '<option value="DIBAO_PERSONS">低保人数（人）' in page.text  # the catalogue's datalist
    assert 'name="fields-2-key"' in page.text and 'name="rules-1-expression"' in page.text  # blank rows
    assert '<script src="/static/designer.js" defer></script>' in page.text

    size = log.current_size(story.db)
    spec_id = spec_id_of(client.post("/specs/new", data=designer_form(token)))
    assert log.current_size(story.db) == size + 1  # spec.create, in the ledger

    shown = text_of(client.get(f"/specs/{spec_id}"))
    for words in (FORM, "低保情况月报", "民政局", "青统制〔2026〕1号", "2027年12月31日", "月报", "草稿",
                  "DIBAO_HOUSEHOLDS", "DIBAO_PERSONS", "户均保障人数", "= DIBAO_P / DIBAO_H", "DIBAO_P >= DIBAO_H",
                  "低保人数不能少于低保户数"):
        assert words in shown, words
    spec = story.db.get(Spec, spec_id)
    assert [f.key for f in spec.fields] == ["DIBAO_H", "DIBAO_P", "PER_HH"]  # the blank row was dropped
    assert [f.required for f in spec.fields] == [True, True, False]
    assert (spec.deadline_days, spec.grace_days, spec.target_level) == (5, 2, 4)

    listed = text_of(client.get("/specs"))
    assert FORM in listed and "低保情况月报" in listed and "草稿" in listed


def test_more_rows_keeps_everything_typed_and_saves_nothing(client, sign_in, story):
    token = sign_in("erin")
    before = count_specs(story)
    page = client.post("/specs/new", data=designer_form(token, more="fields"))
    assert page.status_code == 200
    assert count_specs(story) == before
    assert 'value="民统月01表"' in page.text and 'value="DIBAO_P / DIBAO_H"' in page.text
    assert 'value="低保人数不能少于低保户数"' in page.text
    # three typed rows kept, five blank ones more
    assert 'name="fields-7-key"' in page.text and 'name="fields-8-key"' not in page.text
    rules = client.post("/specs/new", data=designer_form(token, more="rules"))
    assert 'name="rules-5-expression"' in rules.text and 'name="rules-6-expression"' not in rules.text


def test_a_faulty_design_comes_back_with_every_problem_and_what_was_typed(client, sign_in, story):
    token = sign_in("erin")
    before = count_specs(story)
    page = client.post("/specs/new", data=designer_form(
        token, **{"fields-1-element_code": "NO_SUCH_ELEMENT", "fields-0-key": "1bad", "deadline_days": "五天"}))
    assert page.status_code == 422
    assert "报送期限必须是整数：五天" in text_of(page)
    page = client.post("/specs/new", data=designer_form(
        token, **{"fields-1-element_code": "NO_SUCH_ELEMENT", "fields-0-key": "1bad"}))
    assert page.status_code == 422
    shown = text_of(page)
    assert "数据元 NO_SUCH_ELEMENT 不存在" in shown and "低保人数" in shown
    assert "字段键无效" in shown and "1bad" in shown
    assert 'value="NO_SUCH_ELEMENT"' in page.text and 'value="1bad"' in page.text
    assert count_specs(story) == before


def test_a_form_number_is_used_once(client, sign_in, draft_id):
    token = sign_in("erin")
    again = client.post("/specs/new", data=designer_form(token, title_zh="另一张表"))
    assert again.status_code == 409
    assert f"表号 {FORM} 已被使用" in text_of(again) and 'value="另一张表"' in again.text


def test_erin_edits_her_draft_but_not_once_submitted(client, sign_in, story, draft_id):
    token = sign_in("erin")
    form = client.get(f"/specs/{draft_id}/edit")
    assert form.status_code == 200
    assert re.search(f'name="form_number" value="{FORM}"[^>]* readonly', form.text)
    assert 'value="DIBAO_P / DIBAO_H"' in form.text
    saved = client.post(f"/specs/{draft_id}/edit", data=designer_form(
        token, title_zh="城乡低保情况月报", form_number="改掉表号"))
    assert spec_id_of(saved) == draft_id
    story.db.expire_all()
    spec = story.db.get(Spec, draft_id)
    assert spec.title_zh == "城乡低保情况月报" and spec.form_number == FORM  # the form number never changes

    assert client.post(f"/specs/{draft_id}/submit", data={"csrf_token": token}).status_code == 303
    assert client.get(f"/specs/{draft_id}/edit").status_code == 409
    late = client.post(f"/specs/{draft_id}/edit", data=designer_form(token, title_zh="晚了"))
    assert late.status_code == 409 and "已不是草稿" in text_of(late)


def test_grace_can_neither_see_nor_edit_erins_draft(client, sign_in, draft_id):
    token = sign_in("grace")
    for path in (f"/specs/{draft_id}", f"/specs/{draft_id}/edit", f"/specs/{draft_id}/export.yaml",
                 f"/api/v1/specs/{draft_id}"):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/specs/{draft_id}/edit", data=designer_form(token, department_code="WJW")).status_code == 404
    assert client.post(f"/specs/{draft_id}/submit", data={"csrf_token": token}).status_code == 404
    assert FORM not in client.get("/specs").text
    assert FORM not in client.get("/api/v1/specs").text
    # and she may not write a spec in civil affairs' name
    taken = client.post("/specs/new", data=designer_form(token, form_number="民统月99表"))
    assert taken.status_code == 403


def test_frank_analyses_but_cannot_write_specs(client, sign_in, story):
    token = sign_in("frank")
    listing = client.get("/specs")
    assert listing.status_code == 200 and 'href="/specs/new"' not in listing.text
    assert 'href="/gate"' not in listing.text
    assert client.get("/specs/new").status_code == 403
    assert client.get("/specs/import").status_code == 403
    before = count_specs(story)
    assert client.post("/specs/new", data=designer_form(token)).status_code == 403
    assert client.post("/api/v1/specs", json={**API_SPEC, "department_code": "MZJ"},
                       headers={"X-CSRF-Token": token}).status_code == 403
    assert count_specs(story) == before


# ---- the gate ------------------------------------------------------------------------------------

def test_submit_heidi_approves_erin_publishes(client, sign_in, story, draft_id):
    token = sign_in("erin")
    assert client.get("/gate").status_code == 403  # the queue is the office's
    assert client.post(f"/specs/{draft_id}/submit", data={"csrf_token": token}).headers["location"] == \
        f"/specs/{draft_id}"
    page = client.get(f"/specs/{draft_id}")
    shown = text_of(page)
    assert "待审核" in shown and "Submit to the gate" not in page.text
    assert "相同数据元" in shown and "需填报" in shown
    # 2 fields asked (the computed one is not) × 3 villages × 12 months
    assert "2 个需填报字段 × 3 个填报单位 × 12 个报告期/年 = 72 个数据格/年" in shown
    assert f'action="/specs/{draft_id}/approve"' not in page.text  # erin may not approve

    token = sign_in("heidi")
    queue = client.get("/gate")
    assert queue.status_code == 200 and FORM in queue.text and ">72<" in queue.text
    page = client.get(f"/specs/{draft_id}")
    assert f'action="/specs/{draft_id}/approve"' in page.text and f'action="/specs/{draft_id}/return"' in page.text
    assert client.post(f"/specs/{draft_id}/approve", data={"csrf_token": token}).status_code == 303
    assert "已批准" in text_of(client.get(f"/specs/{draft_id}"))
    assert "等待发布" in text_of(client.get("/gate"))

    token = sign_in("erin")
    assert f'action="/specs/{draft_id}/publish"' in client.get(f"/specs/{draft_id}").text
    assert client.post(f"/specs/{draft_id}/publish", data={"csrf_token": token}).status_code == 303
    page = client.get(f"/specs/{draft_id}")
    assert "已发布" in text_of(page)
    assert f'action="/specs/{draft_id}/new-version"' in page.text
    assert f'action="/specs/{draft_id}/retire"' in page.text

    sign_in("alice")  # a published form is open to everyone inside government
    assert client.get(f"/specs/{draft_id}").status_code == 200
    assert f'action="/specs/{draft_id}/retire"' not in client.get(f"/specs/{draft_id}").text


def test_the_office_returns_a_spec_only_with_a_note(client, sign_in, story, draft_id):
    token = sign_in("erin")
    client.post(f"/specs/{draft_id}/submit", data={"csrf_token": token})
    token = sign_in("heidi")
    silent = client.post(f"/specs/{draft_id}/return", data={"csrf_token": token, "note": " "})
    assert silent.status_code == 422 and "退回时请说明原因" in text_of(silent)
    back = client.post(f"/specs/{draft_id}/return", data={"csrf_token": token, "note": "请补充有效期限依据"})
    assert back.status_code == 303
    sign_in("erin")
    shown = text_of(client.get(f"/specs/{draft_id}"))
    assert "草稿" in shown and "请补充有效期限依据" in shown


def test_a_probable_duplicate_is_answered_by_reusing_or_explaining(client, sign_in, story):
    token = sign_in("erin")
    spec_id = spec_id_of(client.post("/specs/new", data=designer_form(token, **{
        "fields-3-key": "MIN", "fields-3-label_zh": "最低生活保障人数", "fields-3-kind": "element",
        "fields-3-unit": "人", "fields-3-required": "on",
        "fields-4-key": "OLD", "fields-4-label_zh": "低保户数", "fields-4-kind": "element",
        "fields-4-unit": "户"})))
    page = client.get(f"/specs/{spec_id}")
    shown = text_of(page)
    assert "疑似重复" in shown and "预览" in shown  # the check is shown before submission
    assert "最低生活保障" in shown and "置信度" in shown
    assert page.text.count(f'action="/specs/{spec_id}/resolve"') == 4  # reuse or explain, per duplicate

    assert client.post(f"/specs/{spec_id}/resolve", data={
        "csrf_token": token, "key": "MIN", "element_code": "DIBAO_PERSONS"}).status_code == 303
    empty = client.post(f"/specs/{spec_id}/resolve", data={"csrf_token": token, "key": "OLD", "distinct_reason": ""})
    assert empty.status_code == 422 and "请选择复用的数据元或说明为何不同" in text_of(empty)
    assert client.post(f"/specs/{spec_id}/resolve", data={
        "csrf_token": token, "key": "OLD", "distinct_reason": "上年末户数，口径不同"}).status_code == 303

    story.db.expire_all()
    fields = {f.key: f for f in story.db.get(Spec, spec_id).fields}
    assert fields["MIN"].element.code == "DIBAO_PERSONS" and fields["OLD"].distinct_reason == "上年末户数，口径不同"
    shown = text_of(client.get(f"/specs/{spec_id}"))
    assert "疑似重复" not in shown and "上年末户数，口径不同" in shown


def test_a_duplicate_left_unanswered_blocks_approval_until_the_authors_answer(client, sign_in, story):
    token = sign_in("erin")
    spec_id = spec_id_of(client.post("/specs/new", data=designer_form(token, **{
        "fields-3-key": "MIN", "fields-3-label_zh": "最低生活保障人数", "fields-3-kind": "element",
        "fields-3-unit": "人"})))
    client.post(f"/specs/{spec_id}/submit", data={"csrf_token": token})
    heidi = sign_in("heidi")
    queue = client.get("/gate")
    assert '<span class="badge">1</span>' in queue.text  # one blocker, visible in the queue
    refused = client.post(f"/specs/{spec_id}/approve", data={"csrf_token": heidi})
    assert refused.status_code == 422
    assert "字段 MIN 最低生活保障人数 与目录中已有数据元疑似重复" in text_of(refused)
    story.db.expire_all()
    assert story.db.get(Spec, spec_id).status == "submitted"
    client.post(f"/specs/{spec_id}/return", data={"csrf_token": heidi, "note": "请复用民政局的低保人数"})
    token = sign_in("erin")
    client.post(f"/specs/{spec_id}/resolve", data={"csrf_token": token, "key": "MIN", "element_code": "DIBAO_PERSONS"})
    client.post(f"/specs/{spec_id}/submit", data={"csrf_token": token})
    assert client.post(f"/specs/{spec_id}/approve", data={"csrf_token": sign_in("heidi")}).status_code == 303


def test_new_versions_and_retiring(client, sign_in, story, draft_id):
    token = sign_in("erin")
    client.post(f"/specs/{draft_id}/submit", data={"csrf_token": token})
    client.post(f"/specs/{draft_id}/approve", data={"csrf_token": sign_in("heidi")})
    token = sign_in("erin")
    client.post(f"/specs/{draft_id}/publish", data={"csrf_token": token})

    made = client.post(f"/specs/{draft_id}/new-version", data={"csrf_token": token})
    assert made.status_code == 303 and made.headers["location"].endswith("/edit")
    second = spec_id_of(made)
    page = client.get(f"/specs/{second}")
    assert "v2" in text_of(page) and f'href="/specs/{draft_id}">v1</a>' in page.text
    assert f'action="/specs/{draft_id}/new-version"' not in client.get(f"/specs/{draft_id}").text
    again = client.post(f"/specs/{draft_id}/new-version", data={"csrf_token": token})
    assert again.status_code == 409  # v2 is still a draft

    no_reason = client.post(f"/specs/{draft_id}/retire", data={"csrf_token": token, "reason": ""})
    assert no_reason.status_code == 422 and "停用报表需要说明原因" in text_of(no_reason)
    assert client.post(f"/specs/{draft_id}/retire", data={"csrf_token": token,
                                                          "reason": "并入一表通"}).status_code == 303
    assert "已停用" in text_of(client.get(f"/specs/{draft_id}"))


# ---- import and export ---------------------------------------------------------------------------

def test_erin_imports_a_yaml_file_and_downloads_it_again(client, sign_in, story):
    token = sign_in("erin")
    page = client.get("/specs/import")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    response = client.post("/specs/import", data={"csrf_token": token, "department": "", "period_type": ""},
                           files={"file": ("救助季报.yaml", GOOD_YAML.encode("utf-8"), "application/yaml")})
    spec_id = spec_id_of(response)
    spec = story.db.get(Spec, spec_id)
    assert (spec.form_number, spec.status, spec.period_type) == ("民统季03表", "draft", "quarterly")
    assert [f.key for f in spec.fields] == ["HH", "AID"]

    exported = client.get(f"/specs/{spec_id}/export.yaml")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("application/yaml")
    assert "filename*=UTF-8''" in exported.headers["content-disposition"]
    data = yaml.safe_load(exported.text)
    assert data["form_number"] == "民统季03表" and [f["key"] for f in data["fields"]] == ["HH", "AID"]


def test_a_bad_import_names_the_file_and_the_place(client, sign_in, story):
    token = sign_in("erin")
    before = count_specs(story)
    bad = GOOD_YAML.replace("  - key: AID\n", "  - key: 9AID\n")
    response = client.post("/specs/import", data={"csrf_token": token},
                           files={"file": ("救助季报.yaml", bad.encode("utf-8"), "application/yaml")})
    assert response.status_code == 422
    shown = text_of(response)
    assert "救助季报.yaml 未导入" in shown and "9AID" in shown
    assert count_specs(story) == before

    unknown = client.post("/specs/import", data={"csrf_token": token},
                          files={"file": ("救助季报.yaml", GOOD_YAML.replace("DIBAO_HOUSEHOLDS", "NOPE").encode(),
                                          "application/yaml")})
    assert unknown.status_code == 422 and "数据元 NOPE 不存在" in text_of(unknown)

    wrong = client.post("/specs/import", data={"csrf_token": token},
                        files={"file": ("notes.txt", b"hello", "text/plain")})
    assert wrong.status_code == 422 and "notes.txt：只能导入" in text_of(wrong)
    nothing = client.post("/specs/import", data={"csrf_token": token})
    assert nothing.status_code == 422 and "请选择要导入的文件" in text_of(nothing)

    other = client.post("/specs/import", data={"csrf_token": token},
                        files={"file": ("卫健.yaml", GOOD_YAML.replace("MZJ", "WJW").encode(), "application/yaml")})
    assert other.status_code == 403 and "不是您可以编制报表的部门" in text_of(other)
    assert count_specs(story) == before


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_a_departments_excel_template_is_imported_and_its_faults_named_by_cell(client, sign_in, story):
    token = sign_in("erin")
    template = xlsx_bytes([["困难群众救助情况月报"], ["表号：民统月06表", None, "制表机关：青川市民政局"],
                           ["村（社区）名称", "低保户数（户）", "低保人数（人）"], ["杨柳社区", 3, 7]])
    spec_id = spec_id_of(client.post("/specs/import", data={"csrf_token": token},
                                     files={"file": ("民政.xlsx", template, XLSX)}))
    spec = story.db.get(Spec, spec_id)
    assert (spec.form_number, spec.period_type, spec.department.code) == ("民统月06表", "monthly", "MZJ")
    assert [(f.label_zh, f.unit, f.source) for f in spec.fields] == [
        ("低保户数", "户", "民政.xlsx Sheet!B3"), ("低保人数", "人", "民政.xlsx Sheet!C3")]

    bad = xlsx_bytes([["人口情况月报"], ["表号：民统月07表", None, "有效期至：长期有效"], ["村", "户数", "户数"]])
    response = client.post("/specs/import", data={"csrf_token": token, "department": "MZJ"},
                           files={"file": ("坏.xlsx", bad, XLSX)})
    assert response.status_code == 422
    shown = text_of(response)
    assert "坏.xlsx 未导入" in shown
    assert "坏.xlsx Sheet!C2" in shown and "长期有效" in shown
    assert "坏.xlsx Sheet!C3" in shown and "列名「户数」重复" in shown


# ---- the JSON API --------------------------------------------------------------------------------

def test_the_whole_workflow_through_the_api(client, sign_in, story):
    grace = sign_in("grace")
    created = client.post("/api/v1/specs", json=API_SPEC, headers={"X-CSRF-Token": grace})
    assert created.status_code == 201, created.text
    spec = created.json()
    spec_id = spec["id"]
    assert (spec["status"], spec["version"], spec["department_code"]) == ("draft", 1, "WJW")
    assert [(f["key"], f["element_code"]) for f in spec["fields"]] == [("KIDS", "CHILDREN_0_6"), ("CHECKED", None)]
    assert spec["rules"][0]["expression"] == "CHECKED <= KIDS" and spec["gate_report"] == {}

    submitted = client.post(f"/api/v1/specs/{spec_id}/submit", headers={"X-CSRF-Token": grace})
    assert submitted.status_code == 200, submitted.text
    report = submitted.json()["gate_report"]
    assert [f["verdict"] for f in report["fields"]] == ["same", "new"]
    assert report["burden"] == {"fields_asked": 2, "fields_reused": 0, "units": 3, "periods_per_year": 4,
                                "cells_per_year": 24}

    heidi = sign_in("heidi")
    assert [s["form_number"] for s in client.get("/api/v1/specs", params={"status": "submitted"}).json()] == [
        "卫统季02表"]
    approved = client.post(f"/api/v1/specs/{spec_id}/approve", json={"note": "同意"}, headers={"X-CSRF-Token": heidi})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert approved.json()["office_note"] == "同意"

    grace = sign_in("grace")
    published = client.post(f"/api/v1/specs/{spec_id}/publish", headers={"X-CSRF-Token": grace})
    assert published.status_code == 200 and published.json()["status"] == "published"
    checked = next(f for f in published.json()["fields"] if f["key"] == "CHECKED")
    assert checked["element_code"] and checked["element_owner"] == "WJW"  # the proposed element now exists

    sign_in("alice")
    assert client.get(f"/api/v1/specs/{spec_id}").json()["status"] == "published"

    grace = sign_in("grace")
    refused = client.post(f"/api/v1/specs/{spec_id}/retire", json={"reason": ""}, headers={"X-CSRF-Token": grace})
    assert refused.status_code == 422 and refused.json()["error"] == "停用报表需要说明原因"
    retired = client.post(f"/api/v1/specs/{spec_id}/retire", json={"reason": "改为年报"},
                          headers={"X-CSRF-Token": grace})
    assert retired.json()["status"] == "retired"
    again = client.post(f"/api/v1/specs/{spec_id}/new-version", headers={"X-CSRF-Token": grace})
    assert again.status_code == 201 and again.json()["version"] == 2 and again.json()["status"] == "draft"


def test_the_api_refuses_the_forbidden_paths(client, sign_in, story):
    erin = sign_in("erin")
    spec_id = client.post("/api/v1/specs", json={**API_SPEC, "form_number": "民统季04表", "department_code": "MZJ",
                                                 "fields": API_SPEC["fields"][:1], "rules": []},
                          headers={"X-CSRF-Token": erin}).json()["id"]

    early = client.post(f"/api/v1/specs/{spec_id}/publish", headers={"X-CSRF-Token": erin})
    assert early.status_code == 409
    assert early.json()["error"].startswith("报表 民统季04表 第 1 版当前为")
    assert "不能进行此操作" in early.json()["error"]

    assert client.post(f"/api/v1/specs/{spec_id}/submit", headers={}).status_code == 403  # no CSRF header
    assert client.post(f"/api/v1/specs/{spec_id}/submit", headers={"X-CSRF-Token": erin}).status_code == 200
    own = client.post(f"/api/v1/specs/{spec_id}/approve", json={}, headers={"X-CSRF-Token": erin})
    assert own.status_code == 403  # an author never approves her own form

    alice = sign_in("alice")
    assert client.post(f"/api/v1/specs/{spec_id}/approve", json={}, headers={"X-CSRF-Token": alice}).status_code == 403
    assert client.post(f"/specs/{spec_id}/approve", data={"csrf_token": alice}).status_code == 403
    assert client.get(f"/api/v1/specs/{spec_id}").status_code == 404  # a submitted form is not hers to read

    ivan = sign_in("ivan")  # the auditor reads everything, writes nothing
    assert client.get(f"/api/v1/specs/{spec_id}").json()["status"] == "submitted"
    assert client.post(f"/api/v1/specs/{spec_id}/approve", json={}, headers={"X-CSRF-Token": ivan}).status_code == 403

    heidi = sign_in("heidi")
    no_note = client.post(f"/api/v1/specs/{spec_id}/return", json={"note": ""}, headers={"X-CSRF-Token": heidi})
    assert no_note.status_code == 422 and no_note.json()["error"] == "退回时请说明原因"
    story.db.expire_all()
    assert story.db.get(Spec, spec_id).status == "submitted"


def test_a_bad_spec_through_the_api_is_422_naming_the_field(client, sign_in, story):
    erin = sign_in("erin")
    body = {**API_SPEC, "form_number": "民统月05表", "department_code": "MZJ",
            "fields": [{"key": "A", "label_zh": "甲", "element_code": "NOPE"},
                       {"key": "B", "label_zh": "乙", "kind": "computed"}], "rules": []}
    response = client.post("/api/v1/specs", json=body, headers={"X-CSRF-Token": erin})
    assert response.status_code == 422
    error = response.json()["error"]
    assert "字段 A「甲」" in error and "数据元 NOPE 不存在" in error and "计算字段缺少公式" in error
    assert count_specs(story) == 0
