"""Burden pages: each person their own scope, the office the city's before/after and its workbook and settings."""

import io

import openpyxl

from fillonce.burden import settings as office_settings


def test_a_reporter_sees_her_own_village(two_forms, client, sign_in):
    sign_in("alice")
    page = client.get("/burden")
    assert page.status_code == 200 and "杨柳社区" in page.text and "<svg" in page.text
    assert client.get("/burden?unit=V3").status_code == 403
    assert client.get("/burden/city").status_code == 403


def test_a_department_sees_its_own_specs_only(two_forms, client, sign_in):
    sign_in("erin")
    page = client.get("/burden")
    assert "民政局" in page.text and "民统月01表" in page.text and "卫健月01表" not in page.text
    assert client.get("/burden?department=WJW").status_code == 403


def test_the_office_downloads_the_city_summary(two_forms, client, sign_in):
    sign_in("heidi")
    page = client.get("/burden/city")
    assert page.status_code == 200 and "指标（字段）数量" in page.text
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/burden/city.xlsx").content))
    assert workbook.sheetnames == ["减负成效", "逐月趋势", "按部门", "按报表"]
    rows = {r[0]: r[1:] for r in workbook["减负成效"].iter_rows(min_row=2, values_only=True)}
    assert rows["报表（表式）数量"][:2] == (2, 1) and rows["指标（字段）数量"][:2] == (6, 4)


def test_only_the_office_tunes_the_minutes(two_forms, client, sign_in):
    story = two_forms[0]
    token = sign_in("erin")
    assert client.post("/burden/settings", data={"csrf_token": token, "minutes.integer": "9"}).status_code == 403
    token = sign_in("heidi")
    assert client.post("/burden/settings", data={"minutes.integer": "9"}).status_code == 403  # no CSRF token
    bad = client.post("/burden/settings", data={"csrf_token": token, "minutes.integer": "lots"})
    assert bad.status_code == 422 and "而不是“lots”" in bad.text
    assert client.post("/burden/settings", data={"csrf_token": token, "minutes.integer": "9"}).status_code == 303
    assert office_settings.current(story.db)["minutes.integer"] == 9
