"""Defining a register and its column mapping in the browser: authors of the owner department only."""

from __future__ import annotations

from sqlalchemy import select

from fillonce.registers.models import Register

MAPPING = [("身份证号", "id_number", "1"), ("姓名", "name", "1"), ("单位代码", "org_unit", "1"),
           ("出生日期", "birth_date", "0"), ("户编号", "element:DIBAO_PERSONS", "0")]


def _form(token: str, code: str = "WUBAO", mapping=MAPPING, **extra) -> dict:
    return {"csrf_token": token, "code": code, "name_zh": "五保对象名册", "name_en": "", "department_code": "MZJ",
            "exclusive_group": "assistance", "header": [h for h, _, _ in mapping],
            "field": [f for _, f, _ in mapping], "required": [r for _, _, r in mapping], **extra}


def test_an_author_defines_a_register_with_its_mapping(story, client, sign_in):
    token = sign_in("erin")
    assert "户编号" not in client.get("/registers/new").text
    response = client.post("/registers/new", data=_form(token), follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/registers/WUBAO"
    register = story.db.scalar(select(Register).where(Register.code == "WUBAO"))
    assert register.exclusive_group == "assistance" and register.department.code == "MZJ"
    assert [c["field"] for c in register.columns] == [f for _, f, _ in MAPPING]
    assert "户编号" in client.get("/registers/WUBAO/edit").text


def test_a_bad_mapping_names_each_fault_and_saves_nothing(story, client, sign_in):
    token = sign_in("erin")
    bad = [("身份证号", "id_number", "1"), ("村", "element:NO_SUCH_ELEMENT", "0")]
    response = client.post("/registers/new", data=_form(token, mapping=bad))
    assert response.status_code == 422
    assert "NO_SUCH_ELEMENT" in response.text
    assert "必须有一列映射到 name（姓名）" in response.text and "必须有一列映射到 org_unit" in response.text
    assert story.db.scalar(select(Register).where(Register.code == "WUBAO")) is None


def test_editing_keeps_the_code_and_owner_and_changes_the_mapping(story, client, sign_in):
    token = sign_in("erin")
    client.post("/registers/new", data=_form(token))
    changed = client.post("/registers/WUBAO/edit", data=_form(token, code="OTHER", department_code="WJW",
                                                             mapping=MAPPING[:3]), follow_redirects=False)
    assert changed.status_code == 303
    register = story.db.scalar(select(Register).where(Register.code == "WUBAO"))
    assert len(register.columns) == 3 and register.department.code == "MZJ"
    assert story.db.scalar(select(Register).where(Register.code == "OTHER")) is None


def test_others_may_not_define_or_edit(story, client, sign_in):
    token = sign_in("erin")
    client.post("/registers/new", data=_form(token))
    for person in ("frank", "alice", "heidi"):
        token = sign_in(person)
        assert client.post("/registers/new", data=_form(token, code="X" + person.upper())).status_code == 403
        assert client.post("/registers/WUBAO/edit", data=_form(token)).status_code in {403, 404}
    token = sign_in("grace")  # an author, but of another department
    assert client.post("/registers/new", data=_form(token, code="GRACE")).status_code == 403
    assert client.post("/registers/WUBAO/edit", data=_form(token)).status_code == 403
    assert client.post("/registers/new", data=_form("forged", code="FORGED")).status_code == 403
