"""Builders for small Excel form templates, made on the fly in tmp_path.

Tests reach them through the ``xlsx`` fixture (test modules cannot import this conftest).
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest

Rows = Sequence[Sequence[Any]]


def write_form(path: Path, sheets: dict[str, Rows], merges: dict[str, Sequence[str]] | None = None,
               hidden: Sequence[str] = ()) -> Path:
    """Write an xlsx with one sheet per entry; merges are ranges such as "A1:F1"."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
        for cell_range in (merges or {}).get(name, ()):
            sheet.merge_cells(cell_range)
        if name in hidden:
            sheet.sheet_state = "hidden"
    workbook.save(path)
    return path


def village_form(title: str, header: Sequence[str]) -> Rows:
    """A typical monthly village form: title, the bookkeeping line, header, three villages."""
    return [
        [title],
        ["填报单位（盖章）：          填报人：        联系电话："],
        list(header),
        ["青山村"], ["白水社区"], ["石桥村"],
    ]


_DRAWING = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
 xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">
<xdr:oneCellAnchor><xdr:from><xdr:col>{col}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{row}</xdr:row>
<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:ext cx="952500" cy="952500"/>
<xdr:pic><xdr:nvPicPr><xdr:cNvPr id="1" name="图片 1"/><xdr:cNvPicPr/></xdr:nvPicPr>
<xdr:blipFill/><xdr:spPr/></xdr:pic><xdr:clientData/></xdr:oneCellAnchor></xdr:wsDr>"""
_SHEET_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rIdPic" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"
 Target="../drawings/drawing1.xml"/></Relationships>"""


def add_picture(path: Path, col: int, row: int) -> Path:
    """Anchor a picture on the first sheet at a zero-based (col, row), as Excel stores it."""
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(
        b"</worksheet>",
        b'<drawing xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
        b' r:id="rIdPic"/></worksheet>')
    parts["xl/worksheets/_rels/sheet1.xml.rels"] = _SHEET_RELS.encode()
    parts["xl/drawings/drawing1.xml"] = _DRAWING.format(col=col, row=row).encode()
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


class FormBuilder:
    """What the ``xlsx`` fixture hands to tests."""

    village_form = staticmethod(village_form)
    add_picture = staticmethod(add_picture)

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def form(self, name: str, sheets: dict[str, Rows], **options: Any) -> Path:
        """xlsx.form("民政.xlsx", {"Sheet1": rows}, merges={"Sheet1": ["A1:D1"]})"""
        return write_form(self.folder / name, sheets, **options)

    def village(self, name: str, title: str, header: Sequence[str]) -> Path:
        """A one-sheet village form with the usual title and bookkeeping line."""
        width = len(header)
        last = openpyxl.utils.get_column_letter(width)
        return self.form(name, {"Sheet1": village_form(title, header)},
                         merges={"Sheet1": [f"A1:{last}1", f"A2:{last}2"]})

    def raw(self, name: str, content: bytes) -> Path:
        path = self.folder / name
        path.write_bytes(content)
        return path


@pytest.fixture
def xlsx(tmp_path: Path) -> FormBuilder:
    return FormBuilder(tmp_path)
