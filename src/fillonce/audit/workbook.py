"""Reading Excel form templates: each visible sheet is a form with a header of column labels.

A sheet may start with a title row and bookkeeping lines (填报单位：… 填报人：… 单位：万元); the
header is the first row that names two or more columns across most of the table, found by its
content, never by a fixed row number. A header may span several rows with merged cells; a
column's label is then "parent/child". Problems are collected as AuditError naming the file,
sheet and cell, and reading goes on with the next sheet or file.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import openpyxl
from openpyxl.utils import get_column_letter, range_boundaries

from fillonce.audit import glossary as g
from fillonce.audit.labels import (
    ATTRIBUTE_MEASURES,
    NUMERIC_MEASURES,
    is_key_label,
    normalise,
    parse_unit,
    signature,
)

MAX_COLUMNS = 1000  # real forms stay far below; wider sheets are cut with an error
SCAN_ROWS = 40  # title, bookkeeping lines and header sit at the top
HEADER_DEPTH = 4  # at most this many header rows stacked with merged cells
MAX_LABEL_LENGTH = 80
MAX_ERRORS_PER_KIND = 5  # per sheet, so one broken sheet does not drown the report

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
_GENERIC_SHEET_NAME = re.compile(r"^(?:sheet|工作表)\d*$", re.IGNORECASE)
_META_TEXT = re.compile(rf"(?:{'|'.join(map(re.escape, g.META_LINE_KEYS))})\s*[:：]|盖章|[:：]$")
_DEFAULT_UNIT = re.compile(r"(?:^|[\s，,；;(（])(?:计量单位|金额单位|单位)\s*[:：]\s*([^\s，,；;)）]+)")
_NUMBER_LIKE = re.compile(r"^[\d\s.,%+\-]+$")
_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+\d+(?::[A-Z]+\d+)?)"')


@dataclass(frozen=True)
class AuditError:
    """A problem with an input: which file, sheet and cell, and what to do (zh-CN)."""

    file: str
    sheet: str | None
    cell: str | None
    message: str

    def to_json(self) -> dict[str, str | None]:
        return {"file": self.file, "sheet": self.sheet, "cell": self.cell, "message": self.message}

    def __str__(self) -> str:
        where = " / ".join(part for part in (self.file, self.sheet, self.cell) if part)
        return f"{where}：{self.message}"


@dataclass(frozen=True)
class Column:
    """One column of a form: its header label as written, unit, and whether it is bookkeeping."""

    letter: str
    cell: str
    label: str
    unit: str | None
    key: bool
    parent: str | None = None  # the column a "其中" column is part of

    @property
    def match_label(self) -> str:
        """The label with its context, as duplicate detection should read it."""
        return f"{self.parent}/{self.label}" if self.parent else self.label


@dataclass(frozen=True)
class Form:
    """One sheet read as a form."""

    file: str
    sheet: str
    title: str
    kind: str  # "aggregate" (one row per unit) or "register" (one row per person or case)
    header_rows: tuple[int, ...]
    columns: tuple[Column, ...]


@dataclass
class WorkbookReading:
    forms: list[Form] = field(default_factory=list)
    errors: list[AuditError] = field(default_factory=list)


def read_workbook(path: Path) -> WorkbookReading:
    """Read every visible sheet of an xlsx file as a form; never raises for bad input."""
    path = Path(path)
    reading = WorkbookReading()
    problem = _file_problem(path)
    if problem:
        reading.errors.append(AuditError(path.name, None, None, problem))
        return reading
    try:
        with zipfile.ZipFile(path) as package:
            parts = _package_parts(package)
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
            try:
                for sheet in workbook.worksheets:
                    if sheet.sheet_state == "visible":
                        _read_sheet_safely(path.name, sheet, package, parts, reading)
            finally:
                workbook.close()
    except Exception as exc:  # openpyxl and zipfile raise many kinds on damaged files
        reading.errors.append(AuditError(path.name, None, None, f"无法解析工作簿：{_describe(exc)}"))
    return reading


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


# --- the file as a whole -------------------------------------------------------------------------


def _file_problem(path: Path) -> str | None:
    """Why a file cannot be read as xlsx, or None."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
            if head.startswith(_OLE_MAGIC):
                return _ole_problem(head + handle.read())
    except OSError as exc:
        return f"无法读取文件：{exc.strerror or exc}"
    if not head:
        return "文件为空（0 字节）"
    if not head.startswith(_ZIP_MAGIC):
        return ("不是 xlsx 文件：内容不是 Excel 工作簿格式；如为 .xls、.csv 或 WPS 文件，"
                "请在 Excel/WPS 中另存为 .xlsx 后再审计")
    try:
        with zipfile.ZipFile(path) as package:
            if "xl/workbook.xml" not in package.namelist():
                return "不是 Excel 工作簿：压缩包中没有 xl/workbook.xml（可能是 Word 文档或其他压缩文件）"
    except zipfile.BadZipFile as exc:
        return f"文件已损坏，无法作为 xlsx 打开：{exc}"
    return None


def _ole_problem(content: bytes) -> str:
    # A password-protected xlsx is an OLE container holding an EncryptionInfo stream.
    if _ENCRYPTION_STREAM in content:
        return "文件已加密（设置了打开密码），无法读取；请在 Excel/WPS 中取消密码并另存为 .xlsx 后再审计"
    return "这是旧版 Excel（.xls）文件；请在 Excel/WPS 中另存为 .xlsx 后再审计"


@dataclass
class _SheetPart:
    xml_path: str
    drawing_paths: list[str] = field(default_factory=list)


@dataclass
class _PackageParts:
    sheets: dict[str, _SheetPart]
    has_cell_images: bool  # Excel's "picture in cell" lives in richData


def _package_parts(package: zipfile.ZipFile) -> _PackageParts:
    """Map sheet names to their XML part and drawings; openpyxl's read-only mode hides both."""
    names = set(package.namelist())
    workbook = ElementTree.fromstring(package.read("xl/workbook.xml"))
    targets = _relationships(package, "xl/workbook.xml")
    sheets: dict[str, _SheetPart] = {}
    for element in workbook.iter():
        if _local(element.tag) != "sheet":
            continue
        rel_id = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
        target = targets.get(rel_id or "")
        if target and target[1] in names:
            drawings = [path for kind, path in _relationships(package, target[1]).values()
                        if kind == "drawing" and path in names]
            sheets[element.get("name", "")] = _SheetPart(target[1], drawings)
    has_cell_images = any(name.startswith("xl/richData/") for name in names)
    return _PackageParts(sheets, has_cell_images)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _relationships(package: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type's last word, absolute part path) for one package part."""
    folder, name = posixpath.split(part)
    rels_path = posixpath.join(folder, "_rels", name + ".rels")
    try:
        root = ElementTree.fromstring(package.read(rels_path))
    except KeyError:
        return {}
    found = {}
    for rel in root:
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join(folder, target))
        found[rel.get("Id", "")] = (rel.get("Type", "").rsplit("/", 1)[-1], path)
    return found


def _merged_ranges(package: zipfile.ZipFile, xml_path: str) -> list[tuple[int, int, int, int]]:
    """Merged ranges as (min_col, min_row, max_col, max_row), streamed: sheets can be large."""
    ranges, tail = [], b""
    with package.open(xml_path) as stream:
        while chunk := stream.read(1 << 20):
            data = tail + chunk
            cut = data.rfind(b"<")  # keep a possibly incomplete tag for the next chunk
            ranges.extend(range_boundaries(m.group(1).decode())
                          for m in _MERGE_CELL.finditer(data, 0, cut))
            tail = data[cut:]
    ranges.extend(range_boundaries(m.group(1).decode()) for m in _MERGE_CELL.finditer(tail))
    return ranges


def _picture_cells(package: zipfile.ZipFile, drawing_path: str) -> list[str]:
    """The top-left cell of every picture in a drawing part."""
    root = ElementTree.fromstring(package.read(drawing_path))
    cells = []
    for anchor in root:
        if not any(_local(child.tag) == "pic" for child in anchor.iter()):
            continue
        start = next((child for child in anchor if _local(child.tag) == "from"), None)
        if start is None:
            continue
        position = {_local(child.tag): int(child.text or 0) for child in start}
        cells.append(f"{get_column_letter(position.get('col', 0) + 1)}{position.get('row', 0) + 1}")
    return cells


# --- one sheet -----------------------------------------------------------------------------------


def _read_sheet_safely(file: str, sheet: Any, package: zipfile.ZipFile, parts: _PackageParts,
                       reading: WorkbookReading) -> None:
    try:
        form, errors = _read_sheet(file, sheet, package, parts)
    except Exception as exc:  # one damaged sheet must not stop the others
        reading.errors.append(AuditError(file, sheet.title, None, f"读取工作表失败：{_describe(exc)}"))
        return
    reading.errors.extend(errors)
    if form is not None:
        reading.forms.append(form)


_Origins = dict[tuple[int, int], tuple[int, int]]  # merged cell -> its top-left cell
_Spans = dict[tuple[int, int], tuple[int, int, int, int]]  # top-left -> (r0, c0, r1, c1)


@dataclass
class _Grid:
    """The top rows of a sheet, merged cells filled in, with what each cell holds."""

    values: list[list[Any]]
    origins: _Origins
    spans: _Spans
    formulas: dict[tuple[int, int], str]
    error_values: dict[tuple[int, int], str]
    too_wide: bool

    @property
    def width(self) -> int:
        return max((len(row) for row in self.values), default=0)

    def text(self, row: int, col: int) -> str | None:
        """A cell's text with whitespace removed, or None if it is empty or not text."""
        if row >= len(self.values) or col >= len(self.values[row]):
            return None
        value = self.values[row][col]
        if not isinstance(value, str) or (row, col) in self.formulas:
            return None
        text = re.sub(r"\s+", "", value)
        return text or None

    def origin(self, row: int, col: int) -> tuple[int, int]:
        return self.origins.get((row, col), (row, col))


def _cell_name(row: int, col: int) -> str:
    return f"{get_column_letter(col + 1)}{row + 1}"


def _load_grid(sheet: Any, merged: list[tuple[int, int, int, int]]) -> _Grid:
    values: list[list[Any]] = []
    formulas: dict[tuple[int, int], str] = {}
    error_values: dict[tuple[int, int], str] = {}
    too_wide = False
    for r, row in enumerate(sheet.iter_rows(max_row=SCAN_ROWS, max_col=MAX_COLUMNS + 1)):
        row_values = []
        for c, cell in enumerate(row):
            value = cell.value
            if c == MAX_COLUMNS:
                too_wide = too_wide or value not in (None, "")
                break
            if cell.data_type == "f":
                formulas[(r, c)] = str(value)
            elif cell.data_type == "e":
                error_values[(r, c)] = str(value)
            row_values.append(value)
        values.append(row_values)
    origins, spans = _fill_merged(values, merged)
    return _Grid(values, origins, spans, formulas, error_values, too_wide)


def _fill_merged(values: list[list[Any]],
                 merged: list[tuple[int, int, int, int]]) -> tuple[_Origins, _Spans]:
    """Copy each merged range's value into all its cells (within the scanned area)."""
    origins: _Origins = {}
    spans: _Spans = {}
    for min_col, min_row, max_col, max_row in merged:
        r0, c0 = min_row - 1, min_col - 1
        if r0 >= len(values) or c0 >= MAX_COLUMNS:
            continue
        r1, c1 = min(max_row - 1, len(values) - 1), min(max_col - 1, MAX_COLUMNS - 1)
        spans[(r0, c0)] = (r0, c0, r1, c1)
        top_left = values[r0][c0] if c0 < len(values[r0]) else None
        for r in range(r0, r1 + 1):
            row = values[r]
            row.extend([None] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                origins[(r, c)] = (r0, c0)
                row[c] = top_left
    return origins, spans


def _read_sheet(file: str, sheet: Any, package: zipfile.ZipFile,
                parts: _PackageParts) -> tuple[Form | None, list[AuditError]]:
    name = sheet.title
    part = parts.sheets.get(name)
    merged = _merged_ranges(package, part.xml_path) if part else []
    grid = _load_grid(sheet, merged)
    errors = _picture_errors(file, name, package, part)
    if not any(value not in (None, "") for row in grid.values for value in row):
        return None, errors + [AuditError(file, name, "A1", f"工作表为空（前 {SCAN_ROWS} 行没有内容），没有可审计的表头")]
    header_row = _find_header(grid)
    if header_row is None:
        message = f"未找到表头：前 {SCAN_ROWS} 行中没有一行含两个以上的列名（表头是否为图片或公式？）"
        return None, errors + _cell_errors(file, name, grid, _rows_before_data(grid), parts) + [
            AuditError(file, name, "A1", message)]
    block = _header_block(grid, header_row)
    _fill_centred_parents(grid, block)
    errors += _cell_errors(file, name, grid, block, parts)
    if grid.too_wide:
        errors.append(AuditError(file, name, _cell_name(header_row, MAX_COLUMNS),
                                 f"列数超过 {MAX_COLUMNS} 列，只审计前 {MAX_COLUMNS} 列"))
    columns = _columns(grid, block, _default_unit(grid, header_row))
    if not columns:
        return None, errors + [AuditError(file, name, _cell_name(header_row, 0), "表头中没有可读的列名")]
    if any(normalise(column.label) in g.INDICATOR_LIST_LABELS for column in columns):
        errors.append(AuditError(file, name, _cell_name(header_row, 0),
                                 "此表按行列出指标（指标名称、计量单位…），目前只审计列，行中的指标未纳入审计"))
    title = _title(grid, header_row) or _fallback_title(file, name)
    form = Form(file, name, title, _form_kind(columns), tuple(r + 1 for r in block), tuple(columns))
    return form, errors


def _picture_errors(file: str, sheet: str, package: zipfile.ZipFile,
                    part: _SheetPart | None) -> list[AuditError]:
    drawings = part.drawing_paths if part else []
    cells = [cell for path in drawings for cell in _picture_cells(package, path)]
    return [AuditError(file, sheet, cell, "此处有图片，图片中的文字无法读取；如表头或说明是图片，请改为文字")
            for cell in cells[:MAX_ERRORS_PER_KIND]]


def _rows_before_data(grid: _Grid) -> list[int]:
    """Rows above the first one holding numbers: where a header would have been."""
    rows = range(len(grid.values))
    first_data = next((r for r in rows if _has_numbers(grid, r)), len(grid.values))
    return list(range(first_data))


def _cell_errors(file: str, sheet: str, grid: _Grid, rows: list[int],
                 parts: _PackageParts) -> list[AuditError]:
    """Images in cells anywhere on top; formulas and error values where labels should be."""
    wanted = set(rows)
    errors = []
    for (r, c), formula in sorted(grid.formulas.items()):
        if "DISPIMG" in formula.upper():
            message = "单元格内嵌图片（WPS 图片），图片中的文字无法读取；请改为文字"
        elif r in wanted:
            message = f"表头单元格是公式（{formula[:40]}），无法作为列名读取；请改为文字"
        else:
            continue  # formulas in data rows are computed totals, a normal part of a template
        errors.append(AuditError(file, sheet, _cell_name(r, c), message))
    for (r, c), value in sorted(grid.error_values.items()):
        if r in wanted:
            hint = "，可能是单元格内图片" if parts.has_cell_images else ""
            errors.append(AuditError(file, sheet, _cell_name(r, c),
                                     f"表头单元格是错误值 {value}{hint}，无法作为列名读取"))
    return errors[: MAX_ERRORS_PER_KIND * 2]


# --- finding the header --------------------------------------------------------------------------


def _is_meta(text: str) -> bool:
    # "其中：" over a group of columns is a header parent, not a bookkeeping line.
    return not text.startswith(g.PART_MARKERS) and bool(_META_TEXT.search(text))


def _is_label(text: str | None) -> bool:
    return (text is not None and len(text) <= MAX_LABEL_LENGTH and not _NUMBER_LIKE.match(text)
            and not _is_meta(text))


def _label_cells(grid: _Grid, row: int) -> list[int]:
    return [c for c in range(len(grid.values[row])) if _is_label(grid.text(row, c))]


def _find_header(grid: _Grid) -> int | None:
    """The first row naming two or more columns and covering most of the table's width."""
    coverage: dict[int, int] = {}
    for r in range(len(grid.values)):
        cells = _label_cells(grid, r)
        if len({grid.origin(r, c) for c in cells}) >= 2 and not _has_numbers(grid, r):
            coverage[r] = len(cells)
    if not coverage:
        return None
    widest = max(coverage.values())
    return next(r for r, covered in coverage.items() if covered >= 0.6 * widest)


def _has_numbers(grid: _Grid, row: int) -> bool:
    """Data rows hold numbers; a header row never holds more than a stray one."""
    numbers = sum(isinstance(v, (int, float)) and not isinstance(v, bool) for v in grid.values[row])
    return numbers > 1


def _header_block(grid: _Grid, header_row: int) -> list[int]:
    """The header row and the rows below it that continue it (child labels under merged parents)."""
    block = [header_row]
    while len(block) < HEADER_DEPTH and block[-1] + 1 < len(grid.values):
        below = block[-1] + 1
        if _has_numbers(grid, below) or _units_row(grid, below) or \
                not _continues_header(grid, block, below):
            break
        block.append(below)
    return block


def _continues_header(grid: _Grid, block: list[int], row: int) -> bool:
    """True when a row's own labels sit under a parent that spans columns, or a vertical merge
    from the header reaches into it."""
    own = [c for c in _label_cells(grid, row) if grid.origin(row, c)[0] == row]
    if not own:
        return False
    reaches_down = any(r0 in block and r1 >= row for (r0, _, r1, _) in grid.spans.values())
    return reaches_down or any(_has_spanning_parent(grid, row - 1, c) for c in own)


def _has_spanning_parent(grid: _Grid, row: int, col: int) -> bool:
    """True when the cell at (row, col) belongs to a label spanning several columns: merged
    across, or written once and "centred across" the blank cells to its right."""
    span = grid.spans.get(grid.origin(row, col))
    if span is not None:
        return span[3] > span[1]
    if grid.values[row][col:col + 1] not in ([], [None], [""]):
        return False
    for c in range(col - 1, -1, -1):
        if grid.text(row, c) is not None:
            return (row, c) not in grid.origins and _is_label(grid.text(row + 1, c))
        if grid.values[row][c] not in (None, ""):
            return False
    return False


def _fill_centred_parents(grid: _Grid, block: list[int]) -> None:
    """Give a parent label written once over several children (not merged) to each child."""
    for row in block[:-1]:
        values = grid.values[row]
        for col in range(len(values)):
            if values[col] in (None, "") and _has_spanning_parent(grid, row, col) \
                    and _is_label(grid.text(row + 1, col)):
                values[col] = values[col - 1]


# --- columns -------------------------------------------------------------------------------------


def _columns(grid: _Grid, block: list[int], default_unit: str | None) -> list[Column]:
    units = _units_row(grid, block[-1] + 1)
    columns: list[Column] = []
    for c in range(grid.width):
        if any((r, c) in grid.formulas or (r, c) in grid.error_values for r in block):
            continue  # reported as an error; its label cannot be read
        label = _column_label(grid, block, c)
        if label is None:
            continue
        key = is_key_label(label) or is_key_label(label.rsplit("/", 1)[-1])
        parent = None if key else _part_parent(label, columns)
        unit = units.get(c) or _own_unit(label, parent) or (
            None if key else _fitting_default(label, parent, default_unit))
        letter = get_column_letter(c + 1)
        columns.append(Column(letter, _cell_name(block[0], c), label, unit, key, parent))
    return columns


def _column_label(grid: _Grid, block: list[int], col: int) -> str | None:
    parts: list[str] = []
    for r in block:
        text = grid.text(r, col)
        if _is_label(text) and (not parts or parts[-1] != text):
            parts.append(text)  # type: ignore[arg-type]
    return "/".join(parts) or None


def _part_parent(label: str, columns: list[Column]) -> str | None:
    """A top-level "其中" column is part of the nearest column before it that is not one."""
    if "/" in label or not normalise(label).startswith(g.PART_MARKERS):
        return None
    for column in reversed(columns):
        if column.key:
            return None
        if not normalise(column.label).startswith(g.PART_MARKERS):
            return column.label
    return None


def _units_row(grid: _Grid, row: int) -> dict[int, str]:
    """A row under the header holding only units such as （人） （户） （万元）."""
    if row >= len(grid.values):
        return {}
    units = {}
    for c, value in enumerate(grid.values[row]):
        if value in (None, ""):
            continue
        unit = parse_unit(str(value)) if isinstance(value, str) else None
        if unit is None:
            return {}
        units[c] = unit.text
    return units


def _own_unit(label: str, parent: str | None) -> str | None:
    found = signature(label).unit
    if found is None and parent:
        found = signature(parent).unit
    return found.text if found else None


def _fitting_default(label: str, parent: str | None, default_unit: str | None) -> str | None:
    """A form-wide unit (单位：万元) applies to columns that do not measure something else."""
    unit = parse_unit(default_unit)
    if unit is None:
        return None
    measure = signature(f"{parent}/{label}" if parent else label).measure
    implied = g.DIMENSION_MEASURES.get(unit.dimension, "quantity")
    return unit.text if measure in ("unspecified", "count", implied) else None


def _default_unit(grid: _Grid, header_row: int) -> str | None:
    for r in range(header_row):
        for value in grid.values[r]:
            match = _DEFAULT_UNIT.search(value) if isinstance(value, str) else None
            if match and parse_unit(match.group(1)):
                return match.group(1)
    return None


def _title(grid: _Grid, header_row: int) -> str | None:
    """The first line above the header holding a single text that is not bookkeeping."""
    for r in range(header_row):
        texts = {grid.text(r, c) for c in range(len(grid.values[r]))} - {None}
        if len(texts) == 1:
            text = texts.pop()
            if text and not _is_meta(text):
                return text
    return None


def _fallback_title(file: str, sheet: str) -> str:
    return Path(file).stem if _GENERIC_SHEET_NAME.match(sheet) else sheet


def _form_kind(columns: list[Column]) -> str:
    """A register names people or cases (姓名, 身份证号 …); an aggregate form counts per unit."""
    measures = [signature(column.match_label, column.unit).measure for column in columns
                if not column.key]
    if any(measure in ("name", "id") for measure in measures):
        return "register"
    described = sum(measure in ATTRIBUTE_MEASURES for measure in measures)
    counted = sum(measure in NUMERIC_MEASURES for measure in measures)
    return "register" if described > counted else "aggregate"
