"""The streaming xlsx writer behind the report's download: what it writes, openpyxl reads back."""

import io
import math
import zipfile
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook

from fillonce.reports import xlsx_stream


def _book(rows: list[tuple[list, int]], name: str = "表") -> bytes:
    buffer = io.BytesIO()
    book = xlsx_stream.Workbook(buffer)
    with book.sheet(name, widths=[(0, 1, 10)]) as sheet:
        for values, style in rows:
            sheet.row(values, style)
    book.close()
    return buffer.getvalue()


def test_column_letters_run_past_z_and_zz():
    assert [xlsx_stream.column_letters(i) for i in (0, 25, 26, 51, 701, 702)] == ["A", "Z", "AA", "AZ", "ZZ", "AAA"]


def test_text_is_escaped_numbers_stay_numbers_and_empty_cells_are_left_out():
    body = _book([([" 前后有空格 ", "<a & b>", "铃\x07声", 3.0, 2.5, -0.0, 1e20], xlsx_stream.PLAIN),
                  (["", None, 7], xlsx_stream.PLAIN)])
    sheet = load_workbook(io.BytesIO(body)).active
    assert [c.value for c in sheet[1]] == [" 前后有空格 ", "<a & b>", "铃声", 3, 2.5, 0, 1e20]
    assert type(sheet["D1"].value) is int and type(sheet["E1"].value) is float
    assert [c.value for c in sheet[2][:3]] == [None, None, 7] and not sheet["A2"].has_style
    archive = zipfile.ZipFile(io.BytesIO(body))
    for part in archive.namelist():
        ElementTree.fromstring(archive.read(part))  # every part is well-formed XML
    types = archive.read("[Content_Types].xml").decode()
    assert all(f'"/{part}"' in types for part in archive.namelist() if part.startswith("xl/") and "_rels" not in part)


def test_a_styled_row_styles_its_empty_cells_too():
    sheet = load_workbook(io.BytesIO(_book([(["", "合计", None, 4500], xlsx_stream.TOTAL)]))).active
    assert all(c.font.b and c.border.bottom.style == "thin" for c in sheet[1]) and sheet["D1"].value == 4500


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_nan_and_infinity_are_refused_rather_than_written_as_a_broken_cell(value):
    with pytest.raises(ValueError, match="NaN or infinity"):
        _book([([1, value], xlsx_stream.PLAIN)])


def test_text_that_looks_like_nan_or_infinity_is_only_text():
    sheet = load_workbook(io.BytesIO(_book([(["<v>NAN</v>", "INF</v>"], xlsx_stream.PLAIN)]))).active
    assert [c.value for c in sheet[1]] == ["<v>NAN</v>", "INF</v>"]


def test_a_sheet_name_excel_would_refuse_is_made_acceptable():
    book = load_workbook(io.BytesIO(_book([(["x"], xlsx_stream.PLAIN)], name="统计/表[2026]:第一季度*汇总?及各区县分表明细附表")))
    assert book.sheetnames == ["统计_表_2026__第一季度_汇总_及各区县分表明细附表"[:31]]
