"""The one form as the xlsx a unit can print or fill offline: one row per item, grouped by topic."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from fillonce.forms.service import OneForm

HEADERS = ["主题", "代码", "项目", "分组", "计量单位", "数值", "上期数（请核对）", "使用部门", "说明"]


def one_form_xlsx(form: OneForm) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "一表通"
    sheet.append([f"{form.unit.name_zh} {form.period.label_zh} 基层报表（一表通）"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([f"填报单位：{form.unit.name_zh}（{form.unit.code}）", "", "", "", "", f"报告期：{form.period.id}"])
    sheet.append([f"本表合并了 {len(form.specs)} 张报表：" + "、".join(s.form_number for s in form.specs)])
    sheet.append(HEADERS)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F0F3F6")
    for topic, items in form.topics.items():
        for item in items:
            for code, zh, _ in item.options:
                note = "" if item.asked else "由其他报表采集，无需填报"
                sheet.append([topic, item.element.code, item.element.name_zh, "" if code == "" else zh,
                              item.element.unit, None, item.prefill.get(code), "、".join(item.departments), note])
    for computed in form.computed:
        sheet.append(["计算项", computed.field.key, computed.field.label_zh, "", computed.field.unit, None, None,
                      computed.spec.department.name_zh, f"系统自动计算：{computed.field.formula}"])
    for column, width in zip("ABCDEFGHI", (10, 22, 28, 8, 9, 10, 14, 30, 30)):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=5):
        for cell in row:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
