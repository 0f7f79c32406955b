"""Filled offline, uploaded back: all or nothing, every problem named by file, sheet and cell."""

import hashlib
import io
import json

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from fillonce.core.errors import ValidationError
from fillonce.entry import service as entry
from fillonce.entry import uploads
from fillonce.forms import service as forms
from fillonce.forms.workbook import forms_xlsx
from fillonce.ledger import log
from fillonce.ledger.models import LedgerEntry
from fillonce.orgunits import service as orgunits
from fillonce.periods.ids import parse_period
from fillonce.specs import service as specs
from spec_stories import civil_monthly, publish

FILL = {("POP_REGISTERED", ""): 2000, ("DIBAO_HOUSEHOLDS", ""): 10, ("DIBAO_PERSONS", ""): 20}


@pytest.fixture
def monthly(city):
    city.spec = publish(city, civil_monthly(), city.erin)
    return city


def workbook(story, *codes) -> bytes:
    many = [forms.one_form(story.db, orgunits.get(story.db, c), parse_period("202611")) for c in codes]
    return forms_xlsx(many, {})


def filled(data: bytes, values=FILL, sheet_names=None, edit=None) -> bytes:
    book = load_workbook(io.BytesIO(data))
    for name in sheet_names or [n for n in book.sheetnames if n != "_fillonce"]:
        sheet = book[name]
        for row in sheet.iter_rows(min_row=5):
            key = (row[1].value, row[2].value or "")
            if key in values:
                row[6].value = values[key]
        if edit:
            edit(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_reporter_fills_offline_and_uploads(monthly):
    saved = uploads.upload(monthly.db, monthly.alice, filled(workbook(monthly, "V1")), "民政.xlsx")
    assert [(s.unit.code, s.period, s.changed) for s in saved] == [("V1", "202611", 3)]
    values = entry.values_of(monthly.db, orgunits.get(monthly.db, "V1").id, "202611")
    assert sorted(values.values()) == ["10", "20", "2000"]


def test_an_official_uploads_many_units_in_one_workbook(monthly):
    saved = uploads.upload(monthly.db, monthly.carol, filled(workbook(monthly, "V1", "V2")), "街道.xlsx")
    assert [s.unit.code for s in saved] == ["V1", "V2"]


def _refused(story, data, name="填报.xlsx", who="alice"):
    size = log.current_size(story.db)
    with pytest.raises(ValidationError) as caught:
        uploads.upload(story.db, story.actors[who], data, name)
    assert log.current_size(story.db) == size  # nothing written
    return str(caught.value)


def test_a_bad_value_is_named_by_sheet_and_cell(monthly):
    text = _refused(monthly, filled(workbook(monthly, "V1"), {**FILL, ("DIBAO_HOUSEHOLDS", ""): "十户"}))
    assert "填报.xlsx V1!G" in text and "「低保户数」的值 '十户' 无效" in text


def test_a_repeated_row_and_a_formula_are_refused(monthly):
    def repeat(sheet):
        sheet.append([row.value for row in sheet[6]])
    text = _refused(monthly, filled(workbook(monthly, "V1"), edit=repeat))
    assert "重复" in text

    def formula(sheet):
        sheet["G5"] = "=1+1"
    assert "不要填公式" in _refused(monthly, filled(workbook(monthly, "V1"), edit=formula))


def test_columns_moved_are_still_read_by_their_headers(monthly):
    def move(sheet):
        for row in sheet.iter_rows(min_row=4):
            row[6].value, row[9].value = row[9].value, row[6].value
    data = filled(workbook(monthly, "V1"))
    saved = uploads.upload(monthly.db, monthly.alice, filled(data, values={}, edit=move), "移动.xlsx")
    assert saved[0].changed == 3


def test_a_missing_header_the_wrong_file_and_an_old_template(monthly):
    def blank(sheet):
        sheet["G4"] = None
    assert "缺少表头 数值" in _refused(monthly, filled(workbook(monthly, "V1"), edit=blank))
    assert "不是可读取的 xlsx" in _refused(monthly, b"PK not really", "x.xlsx")
    old = filled(workbook(monthly, "V1"))
    second = specs.new_version(monthly.db, monthly.erin, monthly.spec.id)
    specs.update_draft(monthly.db, monthly.erin, second.id, civil_monthly(fields=civil_monthly().fields[:2], rules=[]))
    specs.submit(monthly.db, monthly.erin, second.id)
    specs.decide(monthly.db, monthly.heidi, second.id, approve=True)
    specs.publish(monthly.db, monthly.erin, second.id)
    assert "旧版报表" in _refused(monthly, old)


def test_a_unit_outside_ones_scope_is_refused(monthly):
    assert "不在您的填报范围内" in _refused(monthly, filled(workbook(monthly, "V1")), who="bob")


def test_upload_through_the_page(monthly, client, sign_in):
    token = sign_in("alice")
    data = filled(workbook(monthly, "V1"))
    page = client.post("/forms/upload", data={"csrf_token": token}, files={"file": ("民政.xlsx", data)})
    assert page.status_code == 200 and "修改了 3 项数据" in page.text
    bad = client.post("/forms/upload", data={"csrf_token": token}, files={"file": ("坏.xlsx", b"nope")})
    assert bad.status_code == 422 and "坏.xlsx" in bad.text
    download = client.get("/forms/V1/202611/form.xlsx")
    assert download.status_code == 200 and "V1" in load_workbook(io.BytesIO(download.content)).sheetnames


def test_the_upload_entry_names_the_file_by_its_hash_only(monthly):
    data = filled(workbook(monthly, "V1", "V2"))
    uploads.upload(monthly.db, monthly.carol, data, "街道.xlsx")
    [body] = monthly.db.scalars(select(LedgerEntry.body).where(LedgerEntry.action == uploads.UPLOAD_ACTION))
    entry_ = json.loads(body)
    assert entry_["details"] == {"file_sha256": hashlib.sha256(data).hexdigest(), "units": "V1,V2",
                                 "periods": "202611", "changed": 6}
    assert "街道".encode() not in body  # not even the file's name
