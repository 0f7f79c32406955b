"""A department takes its report from the shared data: villages, or aggregated up to the city, with its
computed fields, how complete it is, and a ledger record of every download."""

import csv
import hashlib
import io
import json

import pytest
from openpyxl import load_workbook

from fillonce.core.config import load_settings
from fillonce.core.errors import PermissionDenied, ValidationError
from fillonce.entry import service as entry
from fillonce.ledger import log
from fillonce.reports import downloads
from fillonce.reports import service as reports
from fillonce.specs.draft import FieldDraft
from spec_stories import civil_monthly, publish


@pytest.fixture
def filled(city):
    fields = [f for f in civil_monthly().fields if f.key != "DB_P"]
    spec = publish(city, civil_monthly(fields=fields + [
        FieldDraft("DB_P", "最低生活保障人数", element_code="DIBAO_PERSONS", category="SEX")], rules=[]), city.erin)
    for who, unit, values in [
            ("alice", "V1", {("POP_REGISTERED", ""): 1000, ("DIBAO_HOUSEHOLDS", ""): 10,
                             ("DIBAO_PERSONS", "M"): 8, ("DIBAO_PERSONS", "F"): 12}),
            ("carol", "V2", {("POP_REGISTERED", ""): 3000, ("DIBAO_HOUSEHOLDS", ""): 20,
                             ("DIBAO_PERSONS", "M"): 15, ("DIBAO_PERSONS", "F"): 15}),
            ("bob", "V3", {("POP_REGISTERED", ""): 500, ("DIBAO_HOUSEHOLDS", ""): 5})]:
        entry.save_values(city.db, city.actors[who], unit, "202611", values)
    entry.submit_form(city.db, city.alice, "V1", "202611")
    city.spec = spec
    return city


def _rows(report):
    return {r.unit.code: r for r in report.rows}


def test_village_rows_carry_values_computed_fields_and_who_has_submitted(filled):
    report = reports.build(filled.db, filled.erin, filled.spec.id, "202611")
    rows = _rows(report)
    assert report.level == 4 and list(rows) == ["V1", "V2", "V3"]
    assert rows["V1"].values["DB_P"] == 20 and rows["V1"].values["DB_P|F"] == 12
    assert rows["V1"].values["RATE"] == pytest.approx(2.0)
    assert not rows["V1"].provisional and rows["V2"].provisional
    assert rows["V3"].values["DB_P"] is None and rows["V3"].values["RATE"] is None
    assert (report.submitted, report.expected) == (1, 3)


def test_aggregated_to_streets_and_the_city_rates_are_recomputed_not_averaged(filled):
    streets = _rows(reports.build(filled.db, filled.erin, filled.spec.id, "202611", level=3))
    assert streets["S1"].values["POP"] == 4000 and streets["S1"].values["DB_P"] == 50
    assert streets["S1"].values["RATE"] == pytest.approx(1.25)  # 50 / 4000, not the mean of 2.0 and 1.0
    assert (streets["S1"].units, streets["S1"].submitted) == (2, 1)
    city = reports.build(filled.db, filled.erin, filled.spec.id, "202611", level=1)
    assert [r.unit.code for r in city.rows] == ["C"] and city.rows[0].values["POP"] == 4500


def test_an_official_sees_the_rows_of_their_subtree_and_other_departments_nothing(filled):
    assert list(_rows(reports.build(filled.db, filled.carol, filled.spec.id, "202611"))) == ["V1", "V2"]
    for who in ("grace", "alice", "bob"):
        with pytest.raises(PermissionDenied):
            reports.build(filled.db, filled.actors[who], filled.spec.id, "202611")


def test_every_download_is_a_transmission_with_the_files_hash_and_provenance(filled):
    size = log.current_size(filled.db)
    got = downloads.download(filled.db, filled.frank, load_settings(), filled.spec.id, "202611", 4, "xlsx")
    last = json.loads(log.entry(filled.db, log.current_size(filled.db) - 1).body)
    assert last["action"] == "report.download" and last["who"]["account"] == "frank"
    assert last["details"]["sha256"] == hashlib.sha256(got.body).hexdigest() == got.sha256
    assert log.current_size(filled.db) > size and got.checkpoint_size >= size
    workbook = load_workbook(io.BytesIO(got.body))
    sheet = workbook.worksheets[0]
    assert sheet["A1"].value == "城乡低保情况月报" and "表号：民统月01表" in sheet["A2"].value
    assert "来源" in workbook.sheetnames and any("fillonce" in (r[0] or "") for r in workbook["来源"].values)
    text = downloads.download(filled.db, filled.frank, load_settings(), filled.spec.id, "202611", 3, "csv").body
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert rows[0][:3] == ["code", "unit", "submitted"] and rows[1][0] == "S1"


def test_the_xlsx_is_laid_out_like_the_departments_form(filled):
    from fillonce.reports import render

    report = reports.build(filled.db, filled.frank, filled.spec.id, "202611")
    book = load_workbook(io.BytesIO(render.xlsx(report, "检查点 42\n签名 abc\n")))
    sheet = book["民统月01表"]
    last = sheet.cell(4, 4 + len(report.columns)).column_letter
    assert sheet.merged_cells.ranges and sorted(map(str, sheet.merged_cells.ranges)) == [f"A1:{last}1", f"A2:{last}2"]
    assert sheet["A1"].value == "城乡低保情况月报" and sheet["A1"].font.b and sheet["A1"].font.sz == 14
    assert sheet["A2"].value == "表号：民统月01表　制表机关：民政局　批准文号：青统制〔2026〕1号　有效期至：长期"
    assert sheet["A3"].value == "报告期：2026年11月　第 1 版　已报送 1/3"
    header = [c.value for c in sheet[4]]
    assert header[:4] == ["代码", "单位", "已报送/应报送", "状态"] and "低保率（%）" in header
    assert all(c.font.b and c.fill.fgColor.rgb == "FFF0F3F6" and c.alignment.wrap_text and c.border.left.style == "thin"
               for c in sheet[4])
    pop, rate, persons = (header.index(label) for label in ("户籍人口（人）", "低保率（%）", "最低生活保障人数（人）"))
    villages = [[c.value for c in row] for row in sheet.iter_rows(min_row=5, max_row=7)]
    assert [r[:4] for r in villages] == [["V1", "杨柳社区", "1/1", None], ["V2", "东湖社区", "0/1", "暂定"],
                                        ["V3", "石桥村", "0/1", "暂定"]]
    assert [r[pop] for r in villages] == [1000, 3000, 500] and [r[rate] for r in villages] == [2, 1, None]
    assert villages[2][persons] is None  # no figure: an empty cell, not 0
    total = sheet[8]
    assert [c.value for c in total[:4]] == [None, "合计", "1/3", "暂定"] and total[pop].value == 4500
    assert total[rate].value == pytest.approx(50 / 4500 * 100, abs=1e-4) and isinstance(total[rate].value, float)
    assert all(c.font.b and c.border.top.style == "thin" for c in total)
    grid = sheet.conditional_formatting
    assert [str(r.sqref) for r in grid] == [f"A5:{last}7"] and next(iter(grid)).rules[0].dxf.border.left.style == "thin"
    widths = sheet.column_dimensions
    assert (round(widths["A"].width), round(widths["B"].width), round(widths["C"].width)) == (17, 21, 13)
    lines = [row[0] for row in book["来源"].values]
    assert lines == render.provenance_lines(report, "检查点 42\n签名 abc\n") and lines[-2:] == ["检查点 42", "签名 abc"]


def test_the_report_pages_and_the_api(filled, client, sign_in):
    token = sign_in("erin")
    page = client.get(f"/reports/{filled.spec.id}?period=202611")
    assert page.status_code == 200 and "杨柳社区" in page.text and "1/3" in page.text
    assert client.post(f"/reports/{filled.spec.id}/download", data={"period": "202611", "level": 4}).status_code == 403
    got = client.post(f"/reports/{filled.spec.id}/download",
                      data={"csrf_token": token, "period": "202611", "level": 3, "format": "csv"})
    assert got.status_code == 200 and got.headers["x-fillonce-sha256"] == hashlib.sha256(got.content).hexdigest()
    data = client.get(f"/api/v1/reports/{filled.spec.id}?period=202611&level=1").json()
    assert data["total"]["values"]["POP"] == 4500 and data["completeness"] == {"submitted": 1, "expected": 3}
    client.cookies.clear()
    sign_in("grace")
    assert client.get(f"/reports/{filled.spec.id}?period=202611").status_code == 403


def test_the_data_package_describes_every_field(filled):
    import zipfile

    got = downloads.download(filled.db, filled.frank, load_settings(), filled.spec.id, "202611", 4, "zip")
    archive = zipfile.ZipFile(io.BytesIO(got.body))
    package = json.loads(archive.read("datapackage.json"))
    fields = {f["name"]: f for f in package["resources"][0]["schema"]["fields"]}
    assert fields["RATE"]["description"].startswith("计算项：") and fields["POP"]["type"] == "integer"
    assert fields["DB_P|F"]["title"] == "最低生活保障人数/女"
    assert any("fillonce" in line for line in package["provenance"])
    rows = list(csv.reader(io.StringIO(archive.read("report.csv").decode("utf-8"))))
    assert [r[0] for r in rows[1:]] == ["V1", "V2", "V3", ""]


def test_a_departments_systems_fetch_reports_with_a_revocable_token(filled, client, sign_in):
    from fillonce.accounts import service as accounts
    from fillonce.accounts import tokens

    mzj = accounts.get_department(filled.db, "MZJ")
    plain, token = tokens.create(filled.db, filled.frank, mzj, "市大数据局接口")
    with pytest.raises(PermissionDenied):
        tokens.create(filled.db, filled.grace, mzj, "别的部门")
    assert plain not in log.entry(filled.db, log.current_size(filled.db) - 1).text  # only its hash, salted
    url = f"/api/v1/reports/{filled.spec.id}?period=202611&level=1"
    got = client.get(url, headers={"Authorization": f"Bearer {plain}"})
    assert got.status_code == 200 and got.json()["total"]["values"]["POP"] == 4500
    last = json.loads(log.entry(filled.db, log.current_size(filled.db) - 1).body)
    assert last["action"] == "report.download" and last["who"]["account"] == "token:市大数据局接口"
    assert client.get("/api/v1/dataValueSets?orgUnit=V1&period=202611",
                      headers={"Authorization": f"Bearer {plain}"}).status_code == 401  # reports only
    tokens.revoke(filled.db, filled.erin, token.id)
    assert client.get(url, headers={"Authorization": f"Bearer {plain}"}).status_code == 401
    assert client.get(url, headers={"Authorization": "Bearer fo_guess"}).status_code == 401


def test_tokens_are_managed_on_the_department_page(filled, client, sign_in):
    token = sign_in("frank")
    page = client.post("/departments/MZJ/tokens", data={"csrf_token": token, "name": "统计接口"})
    assert page.status_code == 200 and "请立即复制" in page.text and "fo_" in page.text
    assert "fo_" not in client.get("/departments/MZJ").text  # shown once
    client.cookies.clear()
    sign_in("grace")
    assert "API 令牌" not in client.get("/departments/MZJ").text


def test_the_pdf_embeds_a_chinese_font_or_says_which_package_is_missing(filled):
    from pathlib import Path

    from fillonce.reports import render

    if not Path(render.CJK_FONTS[0]).exists():
        with pytest.raises(ValidationError, match="fonts-wqy-zenhei"):
            downloads.download(filled.db, filled.frank, load_settings(), filled.spec.id, "202611", 4, "pdf")
        pytest.skip("fonts-wqy-zenhei is not installed here (./setup installs it as root)")
    got = downloads.download(filled.db, filled.frank, load_settings(), filled.spec.id, "202611", 3, "pdf")
    assert got.body.startswith(b"%PDF") and b"FontFile2" in got.body  # the TrueType font is embedded


def test_averages_stay_averages_of_the_units_that_have_a_figure_and_text_never_adds_up(city):
    from fillonce.accounts.system import INSTALLER
    from fillonce.catalog import service as catalog

    catalog.create(city.db, INSTALLER, catalog.ElementInput(
        code="INCOME_AVG", name_zh="人均收入", value_type="number", aggregation="average",
        owner_department_code="MZJ", unit="元"))
    catalog.create(city.db, INSTALLER, catalog.ElementInput(
        code="HAS_ADVISER", name_zh="是否配备法律顾问", value_type="boolean", aggregation="none",
        owner_department_code="MZJ"))
    spec = publish(city, civil_monthly(fields=civil_monthly().fields + [
        FieldDraft("INCOME", "人均收入", element_code="INCOME_AVG"),
        FieldDraft("ADVISER", "法律顾问", element_code="HAS_ADVISER")], rules=[]), city.erin)
    for who, unit, values in [("alice", "V1", {("POP_REGISTERED", ""): 1000, ("INCOME_AVG", ""): "1200.5",
                                                ("HAS_ADVISER", ""): "是"}),
                              ("carol", "V2", {("POP_REGISTERED", ""): 3000, ("INCOME_AVG", ""): 1800}),
                              ("bob", "V3", {("POP_REGISTERED", ""): 500})]:
        entry.save_values(city.db, city.actors[who], unit, "202611", values)
    levels = reports.build_levels(city.db, city.erin, spec.id, "202611", [4, 3, 1])
    villages, streets, top = (_rows(levels[level]) for level in (4, 3, 1))
    assert villages["V1"].values["INCOME"] == 1200.5 and villages["V3"].values["INCOME"] is None
    assert streets["S1"].values["INCOME"] == pytest.approx(1500.25)  # (1200.5 + 1800) / 2
    assert top["C"].values["INCOME"] == pytest.approx(1500.25)  # V3 has no figure: not counted as 0
    assert top["C"].values["POP"] == 4500 == levels[4].total.values["POP"]
    assert all(r.values["ADVISER"] is None for rows in (villages, streets, top) for r in rows.values())
    assert (top["C"].units, streets["S1"].units, villages["V1"].units) == (3, 2, 1)


def test_a_quarterly_report_takes_what_it_reuses_from_the_latest_month_of_the_quarter(filled):
    from dataclasses import replace
    from datetime import datetime, timezone

    from fillonce.core.db import replaying

    quarterly = publish(filled, replace(civil_monthly(), form_number="民统季01表", title_zh="城乡低保情况季报",
                                        period_type="quarterly", rules=[]), filled.erin)
    assert {f.key: f.mode for f in quarterly.fields}["POP"] == "reuse"  # the monthly form collects it
    with replaying(datetime(2026, 11, 3, 9, tzinfo=timezone.utc)):  # October's forms, in time
        entry.save_values(filled.db, filled.alice, "V1", "202610", {("POP_REGISTERED", ""): 900})
        entry.save_values(filled.db, filled.actors["carol"], "V2", "202610", {("POP_REGISTERED", ""): 2900})
    rows = _rows(reports.build(filled.db, filled.erin, quarterly.id, "2026Q4"))
    assert rows["V1"].values["POP"] == 1000 and rows["V2"].values["POP"] == 3000  # November's, not October's
    assert rows["V1"].values["DB_H"] == 10 and rows["V3"].values["DB_H"] == 5
    # The monthly form asks this one divided by sex, so the quarter asks its total itself: not filled yet.
    assert rows["V1"].values["DB_P"] is None and rows["V1"].values["RATE"] is None
