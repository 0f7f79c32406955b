"""The one form as the xlsx a unit fills offline, and back.

One sheet per unit (an official downloads all of their units in one workbook); the first four rows
say what the sheet is, row 4 is the header, and each item's row carries its element and option codes.
A hidden sheet `_fillonce` names each sheet's unit, period and the fingerprint of the form it was made
from, so a workbook made from an older version of the specs is refused instead of read wrongly.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from fillonce.core.i18n import Text
from fillonce.forms.service import OneForm

HEADERS = ["主题", "代码", "分组代码", "项目", "分组", "计量单位", "数值", "上期数（请核对）", "使用部门", "说明"]
HEADER_ROW = 4
META = "_fillonce"
CODE, OPTION, VALUE = "代码", "分组代码", "数值"


def fingerprint(form: OneForm) -> str:
    """What a workbook's rows mean: the specs' versions and the items asked."""
    parts = [f"{s.form_number}:{s.version}" for s in form.specs]
    parts += [f"{item.element.code}|{code}" for items in form.topics.values() for item in items if item.asked
              for code, _, _ in item.options]
    return hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()[:16]


def _sheet(workbook: Workbook, form: OneForm, values: dict[tuple[str, str], str]) -> None:
    sheet = workbook.create_sheet(form.unit.code[:31])
    sheet.append([f"{form.unit.name_zh} {form.period.label_zh} 基层报表（一表通）"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([f"填报单位：{form.unit.name_zh}（{form.unit.code}）", "", "", "", "", "", f"报告期：{form.period.id}"])
    sheet.append([f"本表合并了 {len(form.specs)} 张报表：" + "、".join(s.form_number for s in form.specs)
                  + "。只填“数值”一列；灰色行无需填报。"])
    sheet.append(HEADERS)
    for cell in sheet[HEADER_ROW]:
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="F0F3F6")
    grey = PatternFill("solid", fgColor="EEEEEE")
    for topic, items in form.topics.items():
        for item in items:
            for code, zh, _ in item.options:
                note = "" if item.asked else "由其他报表采集，无需填报"
                sheet.append([topic, item.element.code, code, item.element.name_zh, zh if code else "",
                              item.element.unit, values.get((item.element.code, code)), item.prefill.get(code),
                              "、".join(item.departments), note])
                if not item.asked:
                    for cell in sheet[sheet.max_row]:
                        cell.fill = grey
    for computed in form.computed:
        sheet.append(["计算项", computed.field.key, "", computed.field.label_zh, "", computed.field.unit, None, None,
                      computed.spec.department.name_zh, f"系统自动计算：{computed.source or computed.field.formula}"])
        for cell in sheet[sheet.max_row]:
            cell.fill = grey
    for column, width in zip("ABCDEFGHIJ", (10, 22, 10, 28, 8, 9, 12, 14, 30, 30)):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1):
        for cell in row:
            cell.alignment = Alignment(vertical="top", wrap_text=True)


def forms_xlsx(forms: Sequence[OneForm], values: dict[int, dict[tuple[str, str], str]]) -> bytes:
    """One sheet per unit's form, with the values saved so far; `values` by unit id."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    meta = workbook.create_sheet(META)
    meta.append(["sheet", "unit", "period", "fingerprint"])
    for form in forms:
        _sheet(workbook, form, values.get(form.unit.id, {}))
        meta.append([form.unit.code[:31], form.unit.code, form.period.id, fingerprint(form)])
    if not forms:  # a workbook needs a visible sheet: say why it is empty
        workbook.create_sheet("说明").append(["没有需要填报的单位表格。"])
    meta.sheet_state = "hidden"
    workbook.move_sheet(META, offset=len(workbook.sheetnames) - 1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---- reading a filled workbook back -------------------------------------------------------------

@dataclass
class SheetValues:
    sheet: str
    unit_code: str
    period: str
    fingerprint: str
    values: dict[tuple[str, str], object] = field(default_factory=dict)
    cells: dict[tuple[str, str], str] = field(default_factory=dict)  # where each value came from


def _problem(where: str, zh: str, en: str) -> Text:
    return Text(f"{where}：{zh}", f"{where}: {en}")


def _columns(header: Sequence[object], where: str) -> dict[str, int] | Text:
    """Columns by their header text, so a sheet with columns moved is still read right."""
    names = {str(h).strip(): n for n, h in enumerate(header) if h is not None}
    missing = [name for name in (CODE, OPTION, VALUE) if name not in names]
    if missing:
        return _problem(where, f"第 {HEADER_ROW} 行缺少表头 {'、'.join(missing)}（请使用下载的表格）",
                        f"row {HEADER_ROW} lacks the headers {', '.join(missing)} (use the downloaded workbook)")
    return {name: names[name] for name in (CODE, OPTION, VALUE)}


def read_forms(data: bytes, filename: str) -> tuple[list[SheetValues], list[Text]]:
    """Every sheet's values and every problem found, each naming the file, sheet and cell."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True)  # formulas as text: they are refused
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return [], [_problem(filename, "不是可读取的 xlsx 文件（可能已加密或损坏）",
                             "not a readable xlsx file (encrypted or damaged?)")]
    if META not in workbook.sheetnames:
        return [], [_problem(filename, "不是从本系统下载的一表通表格（缺少 _fillonce 工作表）",
                             "not a one-form workbook downloaded from fillonce (no _fillonce sheet)")]
    found, problems = [], []
    for row in list(workbook[META].iter_rows(min_row=2, values_only=True)):
        sheet_name, unit, period, mark = (str(v) if v is not None else "" for v in row[:4])
        if sheet_name not in workbook.sheetnames:
            problems.append(_problem(filename, f"找不到工作表 {sheet_name}", f"sheet {sheet_name} is missing"))
            continue
        sheet = SheetValues(sheet_name, unit, period, mark)
        problems += _read_sheet(workbook[sheet_name], sheet, f"{filename} {sheet_name}")
        found.append(sheet)
    workbook.close()
    return found, problems


def _read_sheet(worksheet, sheet: SheetValues, where: str) -> list[Text]:
    rows = worksheet.iter_rows(min_row=HEADER_ROW, values_only=True)
    header = next(rows, None)
    columns = _columns(header or (), where)
    if isinstance(columns, Text):
        return [columns]
    problems = []
    for number, row in enumerate(rows, start=HEADER_ROW + 1):
        code = row[columns[CODE]] if len(row) > columns[CODE] else None
        if not code or str(code).startswith(("计算项",)):
            continue
        option = row[columns[OPTION]] if len(row) > columns[OPTION] else None
        key = (str(code).strip(), str(option).strip() if option is not None else "")
        cell = f"{get_column_letter(columns[VALUE] + 1)}{number}"
        if key in sheet.cells:
            problems.append(_problem(f"{where}!{cell}", f"{key[0]} {key[1]} 与 {sheet.cells[key]} 重复",
                                     f"{key[0]} {key[1]} repeats {sheet.cells[key]}"))
            continue
        value = row[columns[VALUE]] if len(row) > columns[VALUE] else None
        if isinstance(value, str) and value.startswith("="):
            problems.append(_problem(f"{where}!{cell}", "请填写数值，不要填公式", "type a value, not a formula"))
            continue
        sheet.cells[key] = cell
        if value is not None and str(value).strip() != "":
            sheet.values[key] = value
    return problems
