"""A report as the department's own form looks (xlsx), and as plain csv; both say where they came from."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

from fillonce.core.errors import ValidationError
from fillonce.core.i18n import Text

from fillonce.reports import xlsx_stream
from fillonce.reports.service import Report, Row

def _cell(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 4)


def _row_values(report: Report, row: Row) -> list:
    return [_cell(row.values.get(c.key)) for c in report.columns]


def _label(report: Report, row: Row) -> list:
    return [row.unit.code, row.unit.name_zh, f"{row.submitted}/{row.units}", "暂定" if row.provisional else ""]


def provenance_lines(report: Report, checkpoint_note: str) -> list[str]:
    return [f"报表：{report.spec.form_number} 第 {report.spec.version} 版《{report.spec.title_zh}》",
            f"报告期：{report.period.id}；完整度：{report.submitted}/{report.expected} 个单位已报送",
            *report.notes,  # columns computed by indicators: their source and definition
            "数据来源：共享数据，按下列账本检查点生成（可用 fillonce ledger verify 或 tools/verify_proof.py 核验）：",
            *checkpoint_note.rstrip("\n").split("\n")]


def xlsx(report: Report, checkpoint_note: str) -> bytes:
    """Laid out like the department's own form, with a second sheet saying where it came from. Written row
    by row into the file, so a city-wide report of thousands of rows never sits in memory as a workbook;
    the figures carry no format of their own: one conditional format over the table draws its grid."""
    width = 4 + len(report.columns)
    kind = "批准文号" if report.spec.approval_kind == "批准" else "备案文号"
    valid = report.spec.valid_until.strftime("%Y年%m月") if report.spec.valid_until else "长期"
    keys = [c.key for c in report.columns]
    buffer = io.BytesIO()
    book = xlsx_stream.Workbook(buffer)
    with book.sheet(report.spec.form_number, widths=[(0, 0, 16), (1, 1, 20), (2, width - 1, 12)]) as sheet:
        sheet.merge(sheet.row([report.spec.title_zh], xlsx_stream.TITLE), 0, width - 1)
        sheet.merge(sheet.row([f"表号：{report.spec.form_number}　制表机关：{report.spec.department.name_zh}　"
                               f"{kind}：{report.spec.approval_number or '—'}　有效期至：{valid}"]), 0, width - 1)
        sheet.row([f"报告期：{report.period.label_zh}　第 {report.spec.version} 版　"
                   f"已报送 {report.submitted}/{report.expected}"])
        header = sheet.row(["代码", "单位", "已报送/应报送", "状态",
                            *[f"{c.label}（{c.unit}）" if c.unit else c.label for c in report.columns]], xlsx_stream.HEAD)
        if report.rows:
            sheet.grid(header + 1, header + len(report.rows), width - 1)
        for row in report.rows:
            values = row.values.get
            sheet.row([*_label(report, row), *[values(key) for key in keys]])  # None: an empty cell
        sheet.row(["", "合计", f"{report.total.submitted}/{report.total.units}",
                   "暂定" if report.total.provisional else "", *_row_values(report, report.total)], xlsx_stream.TOTAL)
    with book.sheet("来源") as source:
        for line in provenance_lines(report, checkpoint_note):
            source.row([line])
    book.close()
    return buffer.getvalue()


def csv_text(report: Report) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["code", "unit", "submitted", "units", "provisional", *[c.key for c in report.columns]])
    for row in [*report.rows]:
        writer.writerow([row.unit.code, row.unit.name_zh, row.submitted, row.units, int(row.provisional),
                         *["" if v is None else v for v in _row_values(report, row)]])
    writer.writerow(["", "合计", report.total.submitted, report.total.units, int(report.total.provisional),
                     *["" if v is None else v for v in _row_values(report, report.total)]])
    return buffer.getvalue()


def json_bytes(report: Report, checkpoint_note: str) -> bytes:
    """The report for other systems: the same rows and columns, with provenance."""
    def row(r: Row) -> dict:
        return {"code": r.unit.code, "name": r.unit.name_zh, "level": r.unit.level, "units": r.units,
                "submitted": r.submitted, "provisional": r.provisional,
                "values": {c.key: _cell(r.values.get(c.key)) for c in report.columns}}

    body = {"spec": {"form_number": report.spec.form_number, "version": report.spec.version,
                     "title": report.spec.title_zh, "department": report.spec.department.code},
            "period": report.period.id, "level": report.level,
            "columns": [{"key": c.key, "label": c.label, "unit": c.unit, "computed": c.field.kind != "element"}
                        for c in report.columns],
            "rows": [row(r) for r in report.rows], "total": row(report.total),
            "completeness": {"submitted": report.submitted, "expected": report.expected}, "notes": report.notes,
            "checkpoint": checkpoint_note}
    return json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")


def _field_type(column) -> str:
    element = column.field.element
    if column.field.kind == "computed" or element is None:
        return "number"
    return {"integer": "integer", "number": "number", "percent": "number"}.get(element.value_type, "number")


def data_package(report: Report, checkpoint_note: str) -> bytes:
    """A Frictionless Data Package: the csv and a datapackage.json describing every field and its source."""
    fields = [{"name": "code", "type": "string", "title": "单位代码"},
              {"name": "unit", "type": "string", "title": "单位"},
              {"name": "submitted", "type": "integer", "title": "已报送单位数"},
              {"name": "units", "type": "integer", "title": "应报送单位数"},
              {"name": "provisional", "type": "integer", "title": "暂定（1 为含未报送或未审核数据）"}]
    for column in report.columns:
        element = column.field.element
        described = (f"计算项：{column.field.formula}" if column.field.kind == "computed"
                     else f"指标计算，不向基层收集（来源见 provenance）：数据元 {element.code}" if column.field.kind == "register"
                     else f"数据元 {element.code}：{element.definition_zh or element.name_zh}" if element else "")
        fields.append({"name": column.key, "type": _field_type(column), "title": column.label,
                       "description": described, **({"unit": column.unit} if column.unit else {})})
    package = {
        "profile": "tabular-data-package",
        "name": f"fillonce-{report.spec.department.code.lower()}-{report.period.id.lower()}-l{report.level}",
        "title": f"{report.spec.title_zh}（{report.spec.form_number} 第 {report.spec.version} 版）{report.period.label_zh}",
        "version": str(report.spec.version),
        "sources": [{"title": "fillonce 共享数据；账本检查点见 provenance", "path": "provenance"}],
        "provenance": provenance_lines(report, checkpoint_note),
        "resources": [{"name": "report", "path": "report.csv", "profile": "tabular-data-resource", "format": "csv",
                       "mediatype": "text/csv", "encoding": "utf-8", "schema": {"fields": fields}}],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", json.dumps(package, ensure_ascii=False, indent=2))
        archive.writestr("report.csv", csv_text(report))
    return buffer.getvalue()


CJK_FONTS = ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",)  # Debian's fonts-wqy-zenhei (./setup installs it)


def _cjk_font() -> str:
    """Register an embeddable Chinese TrueType font once; PDF viewers then need no fonts of their own."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "CJK" in pdfmetrics.getRegisteredFontNames():
        return "CJK"
    for path in CJK_FONTS:
        if Path(path).exists():
            pdfmetrics.registerFont(TTFont("CJK", path, subfontIndex=0))
            return "CJK"
    raise ValidationError(Text("服务器缺少中文字体（Debian 软件包 fonts-wqy-zenhei），无法生成 PDF",
                               "the server lacks a Chinese font (Debian package fonts-wqy-zenhei) to make a PDF"))


def pdf(report: Report, checkpoint_note: str) -> bytes:
    """The report for printing: the form's markings, a table (columns split across pages when wide)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = _cjk_font()
    title = ParagraphStyle("title", fontName=font, fontSize=14, leading=18, alignment=1)
    small = ParagraphStyle("small", fontName=font, fontSize=8, leading=10)
    kind = "批准文号" if report.spec.approval_kind == "批准" else "备案文号"
    valid = report.spec.valid_until.strftime("%Y年%m月") if report.spec.valid_until else "长期"
    story = [Paragraph(report.spec.title_zh, title), Spacer(1, 4),
             Paragraph(f"表号：{report.spec.form_number}　制表机关：{report.spec.department.name_zh}　"
                       f"{kind}：{report.spec.approval_number or '—'}　有效期至：{valid}", small),
             Paragraph(f"报告期：{report.period.label_zh}　第 {report.spec.version} 版　"
                       f"已报送 {report.submitted}/{report.expected}", small), Spacer(1, 6)]
    per_page = 10
    for start in range(0, max(len(report.columns), 1), per_page):
        columns = report.columns[start:start + per_page]
        header = ["单位", "报送", *[Paragraph(f"{c.label}（{c.unit}）" if c.unit else c.label, small) for c in columns]]
        body = [[Paragraph(r.unit.name_zh, small), f"{r.submitted}/{r.units}",
                 *["" if r.values.get(c.key) is None else f"{_cell(r.values.get(c.key)):,}" for c in columns]]
                for r in [*report.rows, report.total]]
        body[-1][0] = Paragraph("合计", small)
        table = Table([header, *body], repeatRows=1)
        table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 8),
                                   ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                                   ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F0F3F6")),
                                   ("ALIGN", (2, 1), (-1, -1), "RIGHT")]))
        story += [table, PageBreak()] if start + per_page < len(report.columns) else [table]
    story += [Spacer(1, 8), *[Paragraph(line, small) for line in provenance_lines(report, checkpoint_note)]]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=24, rightMargin=24, topMargin=24,
                      bottomMargin=24, title=report.spec.title_zh).build(story)
    return buffer.getvalue()
