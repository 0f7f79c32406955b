"""Reading and writing the tables users exchange: xlsx and csv, in and out."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook, load_workbook

from fillonce.core.errors import ValidationError
from fillonce.core.i18n import Text


@dataclass(frozen=True)
class Row:
    number: int  # as the user sees it: the spreadsheet's row number, header = 1
    values: dict[str, object]

    def where(self, source: str) -> Text:
        return Text(f"{source} 第 {self.number} 行", f"{source} row {self.number}")


def _clean(value: object) -> object:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _rows_from_matrix(matrix: list[list[object]], aliases: dict[str, str], source: str) -> list[Row]:
    if not matrix:
        raise ValidationError(Text(f"{source}：文件是空的", f"{source}: the file is empty"))
    header = [aliases.get(str(h).strip(), str(h).strip()) if h is not None else "" for h in matrix[0]]
    rows = []
    for offset, raw in enumerate(matrix[1:], start=2):
        values = {name: _clean(v) for name, v in zip(header, raw) if name}
        if any(v is not None for v in values.values()):
            rows.append(Row(offset, values))
    return rows


def read_table(path: Path, aliases: dict[str, str] | None = None) -> list[Row]:
    """Rows of the first sheet (xlsx) or of a csv file; header names go through `aliases` (e.g. 代码 → code)."""
    aliases = aliases or {}
    source = path.name
    suffix = path.suffix.lower()
    if suffix == ".csv":
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            text = path.read_text(encoding="gb18030")
        return _rows_from_matrix([list(r) for r in csv.reader(io.StringIO(text))], aliases, source)
    if suffix in {".xlsx", ".xlsm"}:
        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, OSError, KeyError, ValueError):
            raise ValidationError(Text(f"{source}：不是可读取的 xlsx 文件（可能已加密或损坏）",
                                       f"{source}: not a readable xlsx file (encrypted or damaged?)")) from None
        sheet = workbook.worksheets[0]
        matrix = [list(r) for r in sheet.iter_rows(values_only=True)]
        workbook.close()
        return _rows_from_matrix(matrix, aliases, source)
    raise ValidationError(Text(f"{source}：只接受 .xlsx 或 .csv 文件", f"{source}: only .xlsx or .csv files are accepted"))


def _csv_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) unless the file does not decode as such: then GB18030, as Excel writes it."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        try:
            while chunk := handle.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "gb18030"
    return "utf-8-sig"


def _csv_matrix(path: Path) -> Iterator[list[object]]:
    with path.open(encoding=_csv_encoding(path), newline="") as handle:
        yield from csv.reader(handle)


def _xlsx_matrix(path: Path) -> Iterator[list[object]]:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        raise ValidationError(Text(f"{path.name}：不是可读取的 xlsx 文件（可能已加密或损坏）",
                                   f"{path.name}: not a readable xlsx file (encrypted or damaged?)")) from None
    try:
        for raw in workbook.worksheets[0].iter_rows(values_only=True):
            yield list(raw)
    finally:
        workbook.close()


def stream_table(path: Path) -> tuple[list[str], Iterator[tuple[int, list[object]]]]:
    """The header and a lazy iterator of the non-empty rows as (row number as the user sees it, raw cells), for
    files too large to hold in memory. Cells are as read (csv: text, unstripped); a row counts as empty when
    every cell under a named column is empty or blank."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        matrix = _csv_matrix(path)
    elif suffix in {".xlsx", ".xlsm"}:
        matrix = _xlsx_matrix(path)
    else:
        raise ValidationError(Text(f"{path.name}：只接受 .xlsx 或 .csv 文件",
                                   f"{path.name}: only .xlsx or .csv files are accepted"))
    first = next(matrix, None)
    if first is None:
        raise ValidationError(Text(f"{path.name}：文件是空的", f"{path.name}: the file is empty"))
    header = [str(h).strip() if h is not None else "" for h in first]
    named = [i for i, name in enumerate(header) if name]

    def rows() -> Iterator[tuple[int, list[object]]]:
        for number, raw in enumerate(matrix, start=2):
            if _has_value(raw, named):
                yield number, raw

    return header, rows()


def _has_value(cells: list[object], named: list[int]) -> bool:
    """Whether a cell under a named column holds anything (most rows answer at their first cell)."""
    width = len(cells)
    for i in named:
        if i >= width:
            return False
        cell = cells[i]
        if cell.__class__ is str:
            if cell.strip():
                return True
        elif cell is not None:
            return True
    return False


def parse_date(value: object, field: str, where: Text) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).replace("/", "-"))
    except ValueError:
        raise ValidationError(Text(f"{where.zh}：字段 {field} 的日期 {value!r} 无法识别（应为 2026-01-31）",
                                   f"{where.en}: field {field} has an unreadable date {value!r} (use 2026-01-31)")) from None


XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_bytes(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    """A one-sheet workbook with a bold header row, for every table a user can download."""
    return xlsx_sheets([(title, headers, rows)])


def xlsx_sheets(sheets: Sequence[tuple[str, Sequence[str], Sequence[Sequence[object]]]]) -> bytes:
    """A workbook of several such sheets: (title, headers, rows) each."""
    workbook = Workbook(write_only=True)
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(title[:31])
        sheet.append(list(headers))
        for row in rows:
            sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
