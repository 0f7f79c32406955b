"""The pages, as the story's people see them in a browser."""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest
from openpyxl import load_workbook

from fillonce.accounts import service as accounts

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGES = ["/", "/orgunits", "/orgunits?q=杨柳", "/orgunits/V1", "/orgunits/export.xlsx", "/catalog",
         "/catalog/DIBAO_PERSONS", "/catalog/export.xlsx"]


# ---- signing in and out --------------------------------------------------------------------------

@pytest.mark.parametrize("path", PAGES)
def test_a_signed_out_visitor_is_sent_to_the_sign_in_page(client, path):
    response = client.get(path)
    assert response.status_code == 303
    assert response.headers["location"] == f"/signin?next={quote(path.split('?')[0])}"
    assert "fo_session" not in client.cookies


def test_alice_signs_in_lands_where_she_wanted_and_signs_out(client, csrf):
    form = client.get("/signin?next=/catalog")
    assert 'name="next" value="/catalog"' in form.text
    response = client.post("/signin", data={"csrf_token": csrf(form), "username": "alice",
                                            "password": "correct-horse-9", "next": "/catalog"})
    assert response.status_code == 303 and response.headers["location"] == "/catalog"
    cookie = response.headers["set-cookie"]
    assert "fo_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    home = client.get("/")
    assert home.status_code == 200 and "Alice" in home.text and "基层填报员" in home.text and "杨柳社区" in home.text

    out = client.post("/signout", data={"csrf_token": csrf(home)})
    assert out.status_code == 303 and out.headers["location"] == "/signin"
    assert client.get("/").status_code == 303


def test_a_stolen_cookie_is_useless_after_signing_out(client, sign_in, csrf):
    token = sign_in("alice")
    session_cookie = client.cookies["fo_session"]
    client.post("/signout", data={"csrf_token": token})
    client.cookies.set("fo_session", session_cookie)
    assert client.get("/").status_code == 303


def test_sign_in_never_redirects_to_another_site(client, csrf):
    form = client.get("/signin?next=https://evil.example/")
    assert 'name="next" value="/"' in form.text
    response = client.post("/signin", data={"csrf_token": csrf(form), "username": "bob",
                                            "password": "correct-horse-9", "next": "//evil.example/x"})
    assert response.headers["location"] == "/"


def test_a_wrong_password_shows_the_message_with_401(client, csrf):
    form = client.get("/signin")
    response = client.post("/signin", data={"csrf_token": csrf(form), "username": "alice", "password": "guess"})
    assert response.status_code == 401
    assert "用户名或密码不正确" in response.text
    assert 'value="alice"' in response.text  # she need not type her name again
    assert "fo_session" not in client.cookies
    unknown = client.post("/signin", data={"csrf_token": csrf(form), "username": "mallory", "password": "guess"})
    assert unknown.status_code == 401 and "用户名或密码不正确" in unknown.text


def test_after_five_failures_the_page_says_to_wait(client, csrf):
    form = client.get("/signin")
    for _ in range(accounts.THROTTLE_PER_USERNAME):
        client.post("/signin", data={"csrf_token": csrf(form), "username": "alice", "password": "guess"})
    response = client.post("/signin", data={"csrf_token": csrf(form), "username": "alice",
                                            "password": "correct-horse-9"})
    assert response.status_code == 401 and "15 分钟" in response.text


# ---- CSRF ----------------------------------------------------------------------------------------

def test_a_form_post_without_or_with_a_wrong_csrf_token_is_refused(client, csrf):
    form = client.get("/signin")
    for data in ({}, {"csrf_token": "forged"}, {"csrf_token": ""}):
        response = client.post("/signin", data={**data, "username": "alice", "password": "correct-horse-9"})
        assert response.status_code == 403
        assert "页面已过期或请求来源不明" in response.text
    assert "fo_session" not in client.cookies
    assert client.post("/language", data={"language": "en"}).status_code == 403
    assert client.post("/signin", data={"csrf_token": csrf(form), "username": "alice",
                                        "password": "correct-horse-9"}).status_code == 303


def test_signing_out_needs_the_token_of_the_signed_in_session(client, sign_in):
    sign_in("carol")
    pre_session_token = client.cookies["fo_csrf"]  # the token of the signed-out pages no longer counts
    assert client.post("/signout", data={"csrf_token": pre_session_token}).status_code == 403
    assert client.post("/signout").status_code == 403
    assert client.get("/").status_code == 200  # still signed in


# ---- language ------------------------------------------------------------------------------------

def test_chinese_by_default_english_on_request(client, csrf):
    page = client.get("/signin")
    assert '<html lang="zh-CN">' in page.text and "登录" in page.text and "Sign in" not in page.text
    switched = client.post("/language", data={"csrf_token": csrf(page), "language": "en", "next": "/signin"})
    assert switched.status_code == 303 and switched.headers["location"] == "/signin"
    assert client.cookies["fo_lang"] == "en"
    english = client.get("/signin")
    assert '<html lang="en">' in english.text and "Sign in" in english.text and "登录" not in english.text
    client.post("/language", data={"csrf_token": csrf(english), "language": "zh_CN"})
    assert "登录" in client.get("/signin").text


def test_an_unknown_language_is_ignored_and_only_the_switch_chooses_english(client, csrf):
    page = client.get("/signin")
    client.post("/language", data={"csrf_token": csrf(page), "language": "klingon"})
    assert "fo_lang" not in client.cookies
    # Chinese first: a browser set to English still gets Chinese until its user presses the switch.
    assert '<html lang="zh-CN">' in client.get("/signin", headers={"Accept-Language": "en-US,en;q=0.9"}).text


def test_messages_follow_the_language(client, csrf):
    page = client.get("/signin")
    client.post("/language", data={"csrf_token": csrf(page), "language": "en"})
    response = client.post("/signin", data={"csrf_token": csrf(page), "username": "alice", "password": "guess"})
    assert response.status_code == 401 and "wrong username or password" in response.text


# ---- org units -----------------------------------------------------------------------------------

def test_the_org_tree_shows_the_city_its_districts_and_streets(client, sign_in):
    sign_in("alice")
    page = client.get("/orgunits")
    assert page.status_code == 200
    for name in ("青川市", "东湖区", "西岭县", "杨柳街道", "石桥镇"):
        assert name in page.text
    assert 'href="/orgunits/S1"' in page.text


def test_searching_units_by_name_or_code(client, sign_in):
    sign_in("alice")
    page = client.get("/orgunits", params={"q": "杨柳"})
    assert "杨柳街道" in page.text and "杨柳社区" in page.text and "石桥村" not in page.text
    assert "V3" in client.get("/orgunits", params={"q": "V3"}).text
    assert "(0)" in client.get("/orgunits", params={"q": "不存在的村"}).text


def test_carol_sees_the_people_of_a_village_in_her_street(client, sign_in):
    sign_in("carol")
    page = client.get("/orgunits/V1")
    assert page.status_code == 200
    assert "杨柳社区" in page.text and "杨柳街道" in page.text  # the unit and its ancestors
    assert "人员" in page.text and "<code>alice</code>" in page.text


def test_bob_of_another_village_does_not_see_them(client, sign_in):
    sign_in("bob")
    page = client.get("/orgunits/V1")
    assert page.status_code == 200 and "杨柳社区" in page.text
    assert "alice" not in page.text and "人员" not in page.text
    assert "<code>bob</code>" in client.get("/orgunits/V3").text


def test_an_unknown_unit_is_a_404_with_a_clear_message(client, sign_in):
    sign_in("alice")
    page = client.get("/orgunits/NOPE")
    assert page.status_code == 404 and "没有代码为 NOPE 的单位" in page.text
    assert '<html lang="zh-CN">' in page.text


# ---- the catalogue -------------------------------------------------------------------------------

def test_the_catalogue_is_searched_by_alias_and_department(client, sign_in):
    sign_in("frank")
    page = client.get("/catalog", params={"q": "最低生活保障"})
    assert "DIBAO_PERSONS" in page.text and "CHILDREN_0_6" not in page.text
    by_department = client.get("/catalog", params={"department": "WJW"})
    assert "CHILDREN_0_6" in by_department.text and "DIBAO_PERSONS" not in by_department.text


def test_an_element_page_shows_its_definition(client, sign_in):
    sign_in("grace")
    page = client.get("/catalog/DIBAO_PERSONS")
    assert page.status_code == 200
    for fact in ("低保人数", "Persons on minimum living allowance", "最低生活保障人数", "民政局", "MZJ", "性别"):
        assert fact in page.text
    missing = client.get("/catalog/NOPE")
    assert missing.status_code == 404 and "目录中没有代码为 NOPE 的数据元" in missing.text


def test_the_catalogue_downloads_as_xlsx(client, sign_in):
    sign_in("ivan")
    response = client.get("/catalog/export.xlsx", params={"department": "MZJ"})
    assert response.status_code == 200 and response.headers["content-type"] == XLSX
    assert "catalog.xlsx" in response.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("代码", "名称", "英文名称")
    assert sorted(r[0] for r in rows[1:]) == ["DIBAO_HOUSEHOLDS", "DIBAO_PERSONS"]
    persons = next(r for r in rows if r[0] == "DIBAO_PERSONS")
    assert "最低生活保障人数" in persons and "MZJ" in persons and "SEX" in persons


def test_the_org_units_download_as_xlsx(client, sign_in):
    sign_in("ivan")
    response = client.get("/orgunits/export.xlsx")
    assert response.status_code == 200 and response.headers["content-type"] == XLSX
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("代码", "名称", "英文名称")
    assert [r[0] for r in rows[1:]] == ["C", "D1", "S1", "V1", "V2", "D2", "S2", "V3"]
    assert {r[0]: r[4] for r in rows[1:]}["V1"] == "S1"


# ---- headers -------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/signin", "/", "/api/v1/orgunits", "/static/app.css"])
def test_every_response_carries_the_security_headers(client, path):
    headers = client.get(path).headers
    assert "default-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
