"""The inventory audit: which columns across many forms are the same data item.

``audit_files`` reads every form, compares the non-key columns pairwise (only pairs that share
a relaxed signature key or a rare content term, so thousands of columns stay fast), and groups
them with complete-link clustering: a field joins a group only if it is the same as every member,
so A~B and B~C never pulls in a C that differs from A. Two columns of one form are never merged:
a form designer does not ask the same thing twice, so a match there means context was lost.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from rich.console import Console
from rich.table import Table

from fillonce.audit.labels import Signature, canonical_name, signature
from fillonce.audit.matching import CandidateIndex, Match, compare_signatures
from fillonce.audit.workbook import AuditError, Column, Form, read_workbook

KIND_NAMES = {"aggregate": "汇总表", "register": "名册（台账）"}


@dataclass(frozen=True)
class Field:
    """One column of one form, with the id other tools use: 文件名#工作表!列."""

    id: str
    form: Form
    column: Column

    @property
    def label(self) -> str:
        return self.column.label

    @property
    def unit(self) -> str | None:
        return self.column.unit

    @property
    def key(self) -> bool:
        return self.column.key

    @property
    def signature(self) -> Signature:
        return signature(self.column.match_label, self.column.unit)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "unit": self.unit, "key": self.key}


@dataclass(frozen=True)
class Cluster:
    """Fields judged one data item; confidence is that of the weakest pair."""

    fields: tuple[str, ...]
    element: str
    confidence: float
    reasons: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"fields": list(self.fields), "element": self.element,
                "confidence": self.confidence, "reasons": list(self.reasons)}


@dataclass(frozen=True)
class ReviewPair:
    """Two fields that may be the same data item but are not merged without a person's word."""

    fields: tuple[str, str]
    confidence: float
    reasons: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"fields": list(self.fields), "confidence": self.confidence,
                "reasons": list(self.reasons)}


@dataclass
class AuditResult:
    forms: list[Form] = field(default_factory=list)
    fields: list[Field] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)
    review: list[ReviewPair] = field(default_factory=list)
    errors: list[AuditError] = field(default_factory=list)

    @property
    def fields_before(self) -> int:
        """Data columns grassroots workers fill today (bookkeeping columns excluded)."""
        return sum(not f.key for f in self.fields)

    @property
    def fields_after(self) -> int:
        """Data columns left when each duplicated data item is asked once."""
        return self.fields_before - sum(len(c.fields) - 1 for c in self.clusters)

    def to_json(self) -> dict[str, Any]:
        return {
            "forms": [{"file": f.file, "sheet": f.sheet, "title": f.title, "kind": f.kind}
                      for f in self.forms],
            "fields": [f.to_json() for f in self.fields],
            "clusters": [c.to_json() for c in self.clusters],
            "burden": {"fields_before": self.fields_before, "fields_after": self.fields_after},
            "review": [r.to_json() for r in self.review],
            "errors": [e.to_json() for e in self.errors],
        }


def audit_files(paths: Sequence[Path]) -> AuditResult:
    """Read the forms in these xlsx files (folders are searched) and find duplicated columns."""
    result = AuditResult()
    seen: set[str] = set()
    for path in _expand(paths):
        if path.name in seen:  # field ids use the base name, so it must be unique
            result.errors.append(
                AuditError(path.name, None, None, "文件名与另一文件重复，已跳过；请改名后再审计"))
            continue
        seen.add(path.name)
        reading = read_workbook(path)
        result.forms.extend(reading.forms)
        result.errors.extend(reading.errors)
    result.fields = [Field(f"{form.file}#{form.sheet}!{column.letter}", form, column)
                     for form in result.forms for column in form.columns]
    same, review = _compare_fields([f for f in result.fields if not f.key])
    result.clusters = _complete_link(result.fields, same)
    result.review = sorted(review, key=lambda pair: -pair.confidence)
    return result


def _expand(paths: Iterable[Path]) -> list[Path]:
    """Files as given; folders give their xlsx files, without Office lock files (~$…)."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.xlsx") if not p.name.startswith("~$")))
        else:
            found.append(path)
    return found


_Pair = tuple[str, str]


def _compare_fields(fields: list[Field]) -> tuple[dict[_Pair, Match], list[ReviewPair]]:
    """Matches between fields of different forms: the same ones, and those to review."""
    index = CandidateIndex((f.id, f.column.match_label, f.unit) for f in fields)
    same: dict[_Pair, Match] = {}
    review: list[ReviewPair] = []
    compared: set[tuple[int, int]] = set()
    for position, current in enumerate(fields):
        for other_position, other_sig in index.neighbours(current.signature):
            pair_positions = (min(position, other_position), max(position, other_position))
            other = fields[other_position]
            if other.form is current.form or pair_positions in compared:
                continue
            compared.add(pair_positions)
            match = compare_signatures(current.signature, other_sig)
            pair = (current.id, other.id)
            if match.same:
                same[pair] = match
            elif match.needs_review:
                review.append(ReviewPair(pair, match.confidence, tuple(match.reasons)))
    return same, review


def _complete_link(fields: list[Field], same: dict[_Pair, Match]) -> list[Cluster]:
    """Merge groups strongest pair first, only when every cross pair is the same data item."""
    order = {f.id: i for i, f in enumerate(fields)}
    group_of = {field_id: frozenset({field_id}) for pair in same for field_id in pair}

    def matched(a: str, b: str) -> Match | None:
        return same.get((a, b)) or same.get((b, a))

    for (a, b), _ in sorted(same.items(), key=lambda item: -item[1].confidence):
        left, right = group_of[a], group_of[b]
        if left is right or not all(matched(x, y) for x in left for y in right):
            continue
        merged = left | right
        for field_id in merged:
            group_of[field_id] = merged
    groups = sorted({group for group in group_of.values() if len(group) > 1},
                    key=lambda group: min(order[i] for i in group))
    by_id = {f.id: f for f in fields}
    return [_cluster(sorted(g, key=order.__getitem__), by_id, matched) for g in groups]


def _cluster(ids: list[str], by_id: dict[str, Field],
             matched: Callable[[str, str], Match | None]) -> Cluster:
    pairs = [matched(a, b) for i, a in enumerate(ids) for b in ids[i + 1:]]
    weakest = min((m for m in pairs if m is not None), key=lambda m: m.confidence)
    # The most common canonical name; on a tie, the first field's.
    element = Counter(canonical_name(by_id[i].signature) for i in ids).most_common(1)[0][0]
    return Cluster(tuple(ids), element, weakest.confidence, tuple(weakest.reasons))


# --- presenting ----------------------------------------------------------------------------------


def render_table(result: AuditResult, console: Console | None = None) -> None:
    """Print the duplicate map, the burden figures and any errors as rich tables."""
    console = console or Console()
    labels = {f.id: f for f in result.fields}
    table = Table(title="重复数据项", show_lines=True)
    for header, justify in (("数据项", "left"), ("重复字段（表单 / 列：原标签）", "left"), ("置信度", "right")):
        table.add_column(header, justify=justify)  # type: ignore[arg-type]
    for cluster in result.clusters:
        members = "\n".join(_describe_field(labels[i]) for i in cluster.fields)
        table.add_row(cluster.element, members, f"{cluster.confidence:.2f}")
    console.print(table)
    before, after = result.fields_before, result.fields_after
    console.print(f"表单 {len(result.forms)} 张；需填报字段 {before} 个，合并重复后 {after} 个，"
                  f"减少 {before - after} 个（{_percent(before - after, before)}）；"
                  f"待人工确认 {len(result.review)} 对")
    if result.errors:
        errors = Table(title="无法审计的内容", show_lines=False)
        for header in ("文件", "工作表", "单元格", "问题"):
            errors.add_column(header)
        for error in result.errors:
            errors.add_row(error.file, error.sheet or "", error.cell or "", error.message)
        console.print(errors)


def _describe_field(f: Field) -> str:
    return f"{f.form.file} / {f.form.sheet} / {f.column.letter}：{f.label}"


def _percent(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "0%"


_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="4F6D8F")
_WRAP = Alignment(wrap_text=True, vertical="top")


def write_duplicate_map_xlsx(result: AuditResult, path: Path) -> None:
    """Write the audit as a workbook: 重复字段, 待确认, 表单, 字段, 负担 and 问题 sheets."""
    workbook = Workbook()
    fields = {f.id: f for f in result.fields}
    element_of = {i: c.element for c in result.clusters for i in c.fields}
    _sheet(workbook.active, "重复字段",
           ("序号", "数据项", "重复次数", "置信度", "字段（文件#工作表!列）", "原标签", "涉及表单", "判定依据"),
           [(n, c.element, len(c.fields), c.confidence, "\n".join(c.fields),
             "\n".join(fields[i].label for i in c.fields),
             "\n".join(sorted({fields[i].form.title for i in c.fields})), "\n".join(c.reasons))
            for n, c in enumerate(result.clusters, 1)])
    _sheet(workbook.create_sheet(), "待确认",
           ("字段 A", "标签 A", "字段 B", "标签 B", "置信度", "判定依据"),
           [(r.fields[0], fields[r.fields[0]].label, r.fields[1], fields[r.fields[1]].label,
             r.confidence, "\n".join(r.reasons)) for r in result.review])
    _sheet(workbook.create_sheet(), "表单",
           ("文件", "工作表", "表名", "类型", "表头行", "字段数", "需填报字段数"),
           [(f.file, f.sheet, f.title, KIND_NAMES.get(f.kind, f.kind),
             "、".join(map(str, f.header_rows)), len(f.columns), sum(not c.key for c in f.columns))
            for f in result.forms])
    _sheet(workbook.create_sheet(), "字段",
           ("字段编号", "文件", "工作表", "列", "标签", "单位", "键列", "所属数据项"),
           [(f.id, f.form.file, f.form.sheet, f.column.letter, f.label, f.unit or "",
             "是" if f.key else "否", element_of.get(f.id, "")) for f in result.fields])
    _sheet(workbook.create_sheet(), "负担", ("指标", "数值"), _burden_rows(result))
    _sheet(workbook.create_sheet(), "问题", ("文件", "工作表", "单元格", "问题"),
           [(e.file, e.sheet or "", e.cell or "", e.message) for e in result.errors])
    workbook.save(path)


def _burden_rows(result: AuditResult) -> list[tuple[str, Any]]:
    before, after = result.fields_before, result.fields_after
    return [
        ("表单数", len(result.forms)),
        ("需填报字段数（合并前）", before),
        ("需填报字段数（合并后）", after),
        ("减少字段数", before - after),
        ("减少比例", _percent(before - after, before)),
        ("重复数据项数", len(result.clusters)),
        ("待人工确认的字段对", len(result.review)),
        ("无法审计的问题数", len(result.errors)),
    ]


def _sheet(sheet: Any, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    sheet.title = title
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    widths = [_display_width(h) for h in headers]
    for row in rows:
        sheet.append(list(row))
        for i, value in enumerate(row):
            longest = max((_display_width(line) for line in str(value).split("\n")), default=0)
            widths[i] = max(widths[i], min(longest, 60))
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = _WRAP
    for i, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(i)].width = width + 2
    sheet.freeze_panes = "A2"


def _display_width(text: str) -> int:
    """Chinese characters take two columns in Excel."""
    return sum(2 if ord(char) > 0x2E80 else 1 for char in str(text))
