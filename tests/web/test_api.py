"""The JSON API: the same services and rules as the pages, answering in JSON."""

from __future__ import annotations

import pytest

from fillonce.ledger import log

NEW_ELEMENT = {"code": "ELDERLY_80", "name_zh": "80岁以上老人数", "value_type": "integer", "aggregation": "sum",
               "owner_department": "MZJ", "unit": "人", "aliases": ["高龄老人数"], "categories": ["SEX"]}


@pytest.mark.parametrize("path", ["/api/v1/orgunits", "/api/v1/orgunits/V1", "/api/v1/elements",
                                  "/api/v1/elements/DIBAO_PERSONS"])
def test_signed_out_the_api_answers_401_in_json(client, path):
    response = client.get(path)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"error": "请先登录", "status": 401}


def test_org_units_are_listed_searched_and_read(client, sign_in):
    sign_in("bob")
    assert [u["code"] for u in client.get("/api/v1/orgunits").json()] == ["C"]
    assert [u["code"] for u in client.get("/api/v1/orgunits", params={"parent": "S1"}).json()] == ["V1", "V2"]
    assert [u["code"] for u in client.get("/api/v1/orgunits", params={"q": "石桥"}).json()] == ["S2", "V3"]
    unit = client.get("/api/v1/orgunits/V1").json()
    assert unit == {"code": "V1", "name_zh": "杨柳社区", "name_en": "", "level": 4, "path": "/C/D1/S1/V1/",
                    "opened_on": "2010-01-01", "closed_on": None}
    missing = client.get("/api/v1/orgunits/NOPE")
    assert missing.status_code == 404 and missing.json()["error"] == "没有代码为 NOPE 的单位"
    assert client.get("/api/v1/orgunits", params={"parent": "NOPE"}).status_code == 404


def test_elements_are_searched_by_alias_and_read(client, sign_in):
    sign_in("ivan")
    found = client.get("/api/v1/elements", params={"q": "最低生活保障"}).json()
    assert [e["code"] for e in found] == ["DIBAO_PERSONS"]
    assert found[0]["owner_department"] == "MZJ" and found[0]["aliases"] == ["最低生活保障人数"]
    assert found[0]["categories"] == ["SEX"]
    assert [e["code"] for e in client.get("/api/v1/elements", params={"department": "WJW"}).json()] == [
        "CHILDREN_0_6"]
    element = client.get("/api/v1/elements/CHILDREN_0_6").json()
    assert (element["name_zh"], element["unit"], element["aggregation"]) == ("0-6岁儿童数", "人", "sum")
    assert client.get("/api/v1/elements/NOPE").status_code == 404


def test_erin_creates_an_element_with_the_csrf_header(client, sign_in, story):
    token = sign_in("erin")
    size = log.current_size(story.db)
    response = client.post("/api/v1/elements", json=NEW_ELEMENT, headers={"X-CSRF-Token": token})
    assert response.status_code == 201, response.text
    assert response.json()["code"] == "ELDERLY_80" and response.json()["aliases"] == ["高龄老人数"]
    assert log.current_size(story.db) == size + 1
    assert client.get("/api/v1/elements", params={"q": "高龄"}).json()[0]["code"] == "ELDERLY_80"


def test_grace_may_not_create_an_element_owned_by_civil_affairs(client, sign_in):
    token = sign_in("grace")
    response = client.post("/api/v1/elements", json=NEW_ELEMENT, headers={"X-CSRF-Token": token})
    assert response.status_code == 403
    assert response.json() == {"error": "grace may not catalog.create", "status": 403}
    assert client.get("/api/v1/elements/ELDERLY_80").status_code == 404
    own = client.post("/api/v1/elements", json={**NEW_ELEMENT, "code": "VACCINATED", "owner_department": "WJW"},
                      headers={"X-CSRF-Token": token})
    assert own.status_code == 201


@pytest.mark.parametrize("headers", [{}, {"X-CSRF-Token": "forged"}, {"X-CSRF-Token": ""}],
                         ids=["no-header", "forged", "empty"])
def test_a_write_without_the_right_csrf_header_is_refused(client, sign_in, headers):
    sign_in("erin")
    response = client.post("/api/v1/elements", json=NEW_ELEMENT, headers=headers)
    assert response.status_code == 403
    assert "页面已过期或请求来源不明" in response.json()["error"]
    assert client.get("/api/v1/elements/ELDERLY_80").status_code == 404


def test_a_bad_element_is_422_naming_the_field(client, sign_in):
    token = sign_in("erin")
    response = client.post("/api/v1/elements", json={**NEW_ELEMENT, "value_type": "money"},
                           headers={"X-CSRF-Token": token})
    assert response.status_code == 422
    assert "数据元 ELDERLY_80：值类型 'money' 无效" in response.json()["error"]
    missing = client.post("/api/v1/elements", json={k: v for k, v in NEW_ELEMENT.items() if k != "owner_department"},
                          headers={"X-CSRF-Token": token})
    assert missing.status_code == 422
    assert ["body", "owner_department"] in [e["loc"] for e in missing.json()["detail"]]


def test_a_duplicate_code_is_409(client, sign_in):
    token = sign_in("erin")
    response = client.post("/api/v1/elements", json={**NEW_ELEMENT, "code": "DIBAO_PERSONS"},
                           headers={"X-CSRF-Token": token})
    assert response.status_code == 409 and "DIBAO_PERSONS 已被使用" in response.json()["error"]


def test_a_rename_through_the_api_keeps_the_code(client, sign_in):
    token = sign_in("erin")
    body = {**NEW_ELEMENT, "code": "IGNORED", "name_zh": "低保对象人数", "aliases": []}
    response = client.put("/api/v1/elements/DIBAO_PERSONS", json=body, params={"reason": "更名"},
                          headers={"X-CSRF-Token": token})
    assert response.status_code == 200, response.text
    assert (response.json()["code"], response.json()["name_zh"], response.json()["aliases"]) == (
        "DIBAO_PERSONS", "低保对象人数", [])


def test_grace_may_not_rename_a_civil_affairs_element(client, sign_in):
    token = sign_in("grace")
    response = client.put("/api/v1/elements/DIBAO_PERSONS", json={**NEW_ELEMENT, "name_zh": "改"},
                          headers={"X-CSRF-Token": token})
    assert response.status_code == 403
    assert client.get("/api/v1/elements/DIBAO_PERSONS").json()["name_zh"] == "低保人数"


def test_only_an_administrator_adds_org_units_through_the_api(client, sign_in):
    unit = {"code": "V4", "name_zh": "新村", "parent_code": "S2"}
    token = sign_in("dave")
    assert client.post("/api/v1/orgunits", json=unit, headers={"X-CSRF-Token": token}).status_code == 403
    token = sign_in("judy")
    created = client.post("/api/v1/orgunits", json=unit, headers={"X-CSRF-Token": token})
    assert created.status_code == 201 and created.json()["path"] == "/C/D2/S2/V4/"


def test_errors_in_english_after_the_switch(client, sign_in):
    token = sign_in("grace")
    client.post("/language", data={"csrf_token": token, "language": "en"})
    response = client.get("/api/v1/elements/NOPE")
    assert response.json()["error"] == "no data element with code NOPE"


def test_the_openapi_schema_lists_the_api(client):
    schema = client.get("/openapi.json").json()
    for path in ("/api/v1/orgunits", "/api/v1/orgunits/{code}", "/api/v1/elements", "/api/v1/elements/{code}"):
        assert path in schema["paths"], path
    assert set(schema["paths"]["/api/v1/elements"]) == {"get", "post"}
    # Only the JSON API: the HTML pages are not documented as endpoints answering JSON.
    assert all(path.startswith("/api/v1/") for path in schema["paths"]), sorted(schema["paths"])
    assert client.get("/docs").status_code == 404  # no Swagger page: it would load scripts from a CDN


def test_the_api_page_lists_the_same_paths(client, sign_in):
    sign_in("alice")
    page = client.get("/api")
    assert page.status_code == 200
    assert "/api/v1/elements/{code}" in page.text and "/openapi.json" in page.text
    assert "<code>/signin</code>" not in page.text
