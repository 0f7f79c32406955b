"""Importing report specifications into `SpecDraft`: YAML or JSON, a department's Excel template, XLSForm.

`load_spec(path)` picks the reader by the file: `.yaml`/`.yml`/`.json` are the documented schema below,
an `.xlsx` with a `survey` sheet is an XLSForm, any other `.xlsx` is a department's own template read
with `fillonce.audit.workbook.read_workbook`. Every problem of a file is collected and raised together
as one `ValidationError` whose messages (zh and en) name the file and the line, sheet, cell or field.
`dump_yaml(draft)` writes the schema back; `load_spec` of what it writes gives the same draft. Pure: no
database. Matching fields to catalogue elements happens later, in the form catalogue gate.

The YAML / JSON schema (keys in English; the Chinese aliases in brackets are accepted too)::

    form_number: 民统月01表          # required [表号]
    title_zh: 困难群众救助情况表      # required [title, 标题]
    title_en: Assistance to people in difficulty
    department_code: MZJ            # required unless given to load_spec [department, 制表机关]
    period_type: monthly            # required unless given to load_spec [period, 报告期, 周期]
                                    #   daily weekly monthly quarterly six_monthly yearly,
                                    #   or 日报 周报 月报 季报 半年报 年报 (also 月度 季度 半年度 年度)
    approval_number: 民统制〔2026〕3号 # [批准文号] sets approval_kind 批准; [备案文号] sets 备案
    approval_kind: 批准              # 批准 (default) or 备案
    valid_until: 2027-12-31         # [有效期限, 有效期至] also 2027-12, 2027年12月, 2027年12月31日
                                    #   (a month means its last day)
    purpose: ''
    deadline_days: 10               # days after the period ends [报送期限]; also "次月10日前", "10天"
    grace_days: 0
    target_level: 4                 # which org units report: a level (null when target_units is given) …
    target_units: []                # … or a list of org unit codes
    requires_review: false
    fields:                         # required, at least one
      - key: F01                    # required: letters, digits, _; starts with a letter or _; unique
        label: 低保户数              # required [label_zh]
        unit: 户
        element: MZ_DIBAO_HH        # catalogue element code, or absent while proposed as new [element_code]
        category: SEX               # a disaggregation, absent for the total
        formula: F02 + F03          # makes the field computed (fillonce.specs.formulas language)
        required: true              # default true, false for computed fields
        kind: register              # element | computed | register; usually implied (formula -> computed)
        source: 民政.xlsx Sheet1!C4  # where the field came from; kept as given
    rules:
      - expression: F03 >= F01      # or by label: 低保人数 >= 低保户数
        severity: error             # error (blocks submission) | warning (needs an explanation);
                                    #   also 错误/强制 -> error, 警告/提示/核实 -> warning
        message: 低保人数不应少于低保户数   # or {zh: …, en: …}; message_zh / message_en also accepted

Unknown keys are refused (a typo must not vanish silently), as are duplicate keys. Formulas and
rule expressions are in the project's formula language (`fillonce.specs.formulas`) and kept as
written: they may name fields by key, by label or by element code or name, which the spec service
resolves against the catalogue; here they must parse, and computed fields must not refer to each
other in a cycle.

An Excel template: the title, the marking lines above the header (表号：, 制表机关：, 批准文号：/备案文号：,
有效期至：, 报告期别：, 报送期限：) and one column per header label; bookkeeping columns (序号, 村（社区）名称,
单位名称 …) are not fields. Fields get keys F01, F02 …, the label ("parent/child" under merged headers,
without the bracketed unit) and the unit. A "合计"/"小计"/"总计" child becomes the computed sum of its
siblings only when that is clear: two or more plain siblings under the same parent, none a part
(其中) or deeper group, all in its unit. The 制表机关 is usually a name: pass `departments` (name ->
code) to resolve it, or `department_code`. The period type is read from 报告期别, the title (月报, 季度 …)
or the form number (民统月01表) when they agree.

An XLSForm: `survey` rows of type/name/label (label::Chinese (zh) preferred), integer, decimal, range,
text, date, datetime, time, select_one LIST, select_multiple LIST become fields keyed by `name`; a
calculate becomes a computed field whose `calculation` is translated into the formula language
(${name} -> key, div -> /, `=` -> `==`; mod, quoted text and XPath functions other than the
language's sum min max abs round if are refused at their cell); a constraint becomes an error rule
with `.` replaced by the field key and constraint_message as its message; groups flatten (a group
label becomes the parent of its fields' labels); notes and metadata are skipped; repeats, geopoints
and media are refused. The `settings` sheet gives form_title and form_id (the 表号), and may carry
any top-level key of the schema above (department_code, period_type, 制表机关 …).

Options given to `load_spec` (department_code, period_type, form_number) fill what the file leaves
out; when the file says something else the difference is reported as a problem.
"""

from __future__ import annotations

import calendar
import json
import re
import unicodedata
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from fillonce.audit import glossary
from fillonce.audit.labels import normalise, parse_unit, split_levels
from fillonce.audit.workbook import Column, Form, read_workbook
from fillonce.core.errors import ValidationError
from fillonce.core.i18n import Text, localize
from fillonce.periods.ids import (
    DAILY,
    MONTHLY,
    PERIOD_TYPES,
    QUARTERLY,
    SIX_MONTHLY,
    WEEKLY,
    YEARLY,
)
from fillonce.specs import formulas
from fillonce.specs.draft import (
    FIELD_KINDS,
    SEVERITIES,
    FieldDraft,
    RuleDraft,
    SpecDraft,
)

__all__ = ["MAX_FIELDS", "MAX_FILE_BYTES", "dump_yaml", "load_spec", "parse_period_type"]

MAX_FILE_BYTES = 10 * 1024 * 1024  # a spec is a page of text; a larger file is a mistake
MAX_FIELDS = 2000
MAX_PROBLEMS = 200  # listed in full up to this many; a broken file must not bury the first ones

KEY_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
RESERVED_WORDS = frozenset({"and", "or", "not"})  # keywords of the formula language, never names
DEPARTMENT_CODE_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,31}$")
TOTAL_WORDS = frozenset({"合计", "小计", "总计"})

_YAML_SUFFIXES = {".yaml", ".yml"}
_JSON_SUFFIXES = {".json"}
_XLSX_SUFFIXES = {".xlsx", ".xlsm"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")


# --- messages ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Where:
    """A place in an input, in both languages, that prefixes a problem found there."""

    zh: str
    en: str

    def __call__(self, zh: str, en: str) -> Text:
        return Text(f"{self.zh}：{zh}", f"{self.en}: {en}")


def _file_where(file: str) -> _Where:
    return _Where(file, file)


def _cell_where(file: str, sheet: str, cell: str | None) -> _Where:
    place = f"{file} {sheet}!{cell}" if cell else f"{file} {sheet}"
    return _Where(place, place)


def _shown(value: object) -> str:
    quoted = repr(value) if not isinstance(value, str) else f"「{value}」"
    return quoted if len(quoted) <= 42 else quoted[:41] + "…"


def _shown_en(value: object) -> str:
    quoted = repr(value)
    return quoted if len(quoted) <= 42 else quoted[:41] + "…"


@dataclass(frozen=True)
class _Options:
    department_code: str | None
    period_type: str | None
    form_number: str | None
    sheet: str | None
    departments: Mapping[str, str]


# --- the entry points ----------------------------------------------------------------------------


def load_spec(path: Path | str, department_code: str | None = None, period_type: str | None = None, *,
              form_number: str | None = None, sheet: str | None = None,
              departments: Mapping[str, str] | None = None) -> SpecDraft:
    """Read a report specification from YAML, JSON, an Excel template or an XLSForm.

    department_code, period_type and form_number fill in what the file does not say (a conflict
    with the file is a problem); period_type may be a type name or 月报, 季报 …. sheet picks the
    template's sheet when a workbook holds several forms. departments maps department names
    (民政局, XX市民政局) to codes so a template's 制表机关 line can be resolved.
    Raises ValidationError listing every problem found, each naming the file and the place in it.
    """
    path = Path(path)
    problems: list[Text] = []
    options = _Options(department_code=(department_code or "").strip() or None,
                       period_type=None, form_number=(form_number or "").strip() or None,
                       sheet=sheet, departments=dict(departments or {}))
    file = path.name
    if period_type is not None and str(period_type).strip():
        parsed = parse_period_type(period_type)
        if parsed is None:
            where = _Where(f"{file}（导入选项 period_type）", f"{file} (import option period_type)")
            problems.append(_unknown_period(where, period_type))
        else:
            options = replace(options, period_type=parsed)
    suffix = path.suffix.lower()
    draft: SpecDraft | None = None
    size_problem = _size_problem(path)
    if size_problem is not None:
        problems.append(size_problem)
    elif suffix in _YAML_SUFFIXES or suffix in _JSON_SUFFIXES:
        draft = _load_structured(path, options, problems)
    elif suffix in _XLSX_SUFFIXES:
        draft = _load_xlsx(path, options, problems)
    elif suffix in {".xls", ".et", ".wps"}:
        problems.append(_file_where(file)(
            "这是旧版 Excel/WPS 文件；请在 Excel/WPS 中另存为 .xlsx 后再导入",
            "this is an old Excel/WPS file; save it as .xlsx in Excel or WPS and import that"))
    else:
        problems.append(_file_where(file)(
            "只能导入 .yaml、.yml、.json 或 .xlsx 文件（表格模板或 XLSForm）",
            "only .yaml, .yml, .json or .xlsx files (a form template or an XLSForm) can be imported"))
    if problems or draft is None:
        raise ValidationError(_capped(problems or [_file_where(file)("无法读取报表制度", "cannot read the specification")]))
    return draft


def dump_yaml(draft: SpecDraft) -> str:
    """The draft in the documented YAML schema; `load_spec` of it gives an equal draft."""
    data: dict[str, Any] = {
        "form_number": draft.form_number,
        "title_zh": draft.title_zh,
        "title_en": draft.title_en,
        "department_code": draft.department_code,
        "period_type": draft.period_type,
        "approval_number": draft.approval_number,
        "approval_kind": draft.approval_kind,
        "valid_until": draft.valid_until,
        "purpose": draft.purpose,
        "deadline_days": draft.deadline_days,
        "grace_days": draft.grace_days,
        "target_level": draft.target_level,
        "target_units": list(draft.target_units),
        "requires_review": draft.requires_review,
        "fields": [_dump_field(f) for f in draft.fields],
        "rules": [_dump_rule(r) for r in draft.rules],
    }
    header = "# fillonce 报表制度 / report specification (schema: fillonce.specs.importers)\n"
    return header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=120)


def _dump_field(f: FieldDraft) -> dict[str, Any]:
    out: dict[str, Any] = {"key": f.key, "label": f.label_zh}
    if f.kind != _implied_kind(f.formula):
        out["kind"] = f.kind
    for name, value in (("element", f.element_code), ("category", f.category), ("formula", f.formula)):
        if value is not None:
            out[name] = value
    if f.unit:
        out["unit"] = f.unit
    if f.required != _default_required(f.kind):
        out["required"] = f.required
    if f.source is not None:
        out["source"] = f.source
    return out


def _dump_rule(r: RuleDraft) -> dict[str, Any]:
    out: dict[str, Any] = {"expression": r.expression, "severity": r.severity}
    if r.message_en:
        out["message"] = {"zh": r.message_zh, "en": r.message_en}
    elif r.message_zh:
        out["message"] = r.message_zh
    return out


def _implied_kind(formula: str | None) -> str:
    return "computed" if formula is not None else "element"


def _default_required(kind: str) -> bool:
    return kind != "computed"


def _capped(problems: list[Text]) -> list[Text]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    more = len(problems) - MAX_PROBLEMS
    return problems[:MAX_PROBLEMS] + [Text(f"另有 {more} 个问题未列出", f"{more} more problems not listed")]


def _size_problem(path: Path) -> Text | None:
    where = _file_where(path.name)
    try:
        size = path.stat().st_size
    except OSError as exc:
        return where(f"无法读取文件：{exc.strerror or exc}", f"cannot read the file: {exc.strerror or exc}")
    if size == 0:
        return where("文件为空（0 字节）", "the file is empty (0 bytes)")
    if size > MAX_FILE_BYTES:
        mb = MAX_FILE_BYTES // (1024 * 1024)
        return where(f"文件超过 {mb} MB，不像报表制度", f"the file is larger than {mb} MB; that is no specification")
    return None


# --- plain values --------------------------------------------------------------------------------

_PERIOD_WORDS = {
    "日报": DAILY, "周报": WEEKLY, "月报": MONTHLY, "季报": QUARTERLY, "半年报": SIX_MONTHLY, "年报": YEARLY,
    "日": DAILY, "周": WEEKLY, "月": MONTHLY, "季": QUARTERLY, "半年": SIX_MONTHLY, "年": YEARLY,
    "月度": MONTHLY, "季度": QUARTERLY, "半年度": SIX_MONTHLY, "年度": YEARLY,
    "day": DAILY, "week": WEEKLY, "month": MONTHLY, "quarter": QUARTERLY, "year": YEARLY,
    "semiannual": SIX_MONTHLY, "half_yearly": SIX_MONTHLY, "annual": YEARLY, "annually": YEARLY,
}


def parse_period_type(value: object) -> str | None:
    """The period type name for monthly, Monthly, six-monthly, 月报, 季度 …; None if it is not one."""
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFKC", value).strip()
    name = re.sub(r"[\s\-]+", "_", text.lower())
    if name in PERIOD_TYPES:
        return name
    return _PERIOD_WORDS.get(name) or _PERIOD_WORDS.get(re.sub(r"\s+", "", text))


def _unknown_period(where: _Where, value: object) -> Text:
    known = "、".join(PERIOD_TYPES)
    return where(f"未知的报告期类型 {_shown(value)}，可选：{known}，或 日报 周报 月报 季报 半年报 年报",
                 f"unknown period type {_shown_en(value)}; use one of {', '.join(PERIOD_TYPES)}, "
                 "or 日报 周报 月报 季报 半年报 年报")


_DATE_FULL = re.compile(r"^(\d{4})(?:年|[-/.])(\d{1,2})(?:月|[-/.])(\d{1,2})日?$")
_DATE_MONTH = re.compile(r"^(\d{4})(?:年|[-/.])(\d{1,2})月?$")
_DATE_YEAR = re.compile(r"^(\d{4})年?$")


def parse_date_text(value: object) -> date | None:
    """A date from 2027-12-31, 2027/12/31, 2027年12月31日, 2027年12月 (its last day), 2027年 (31 Dec)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value))).rstrip("止底末前")
    try:
        if match := _DATE_FULL.match(text):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _DATE_MONTH.match(text):
            year, month = int(match[1]), int(match[2])
            return date(year, month, calendar.monthrange(year, month)[1]) if 1 <= month <= 12 else None
        if match := _DATE_YEAR.match(text):
            return date(int(match[1]), 12, 31)
    except ValueError:
        return None
    return None


_DEADLINE = re.compile(r"(\d{1,3})\s*(?:个)?\s*(工作日|自然日|日|天)")


def _parse_deadline(value: object, where: _Where, problems: list[Text]) -> int | None:
    if isinstance(value, bool):
        value = None
    elif isinstance(value, int):
        if value >= 0:
            return value
    elif isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if text.isdigit():
            return int(text)
        match = _DEADLINE.search(text)
        if match and match[2] == "工作日":
            problems.append(where(f"报送期限 {_shown(value)} 按工作日计；请换算为期末后的自然日天数",
                                  f"deadline {_shown_en(value)} counts working days; give calendar days "
                                  "after the period ends"))
            return None
        if match:
            return int(match[1])
    problems.append(where(f"报送期限 {_shown(value)} 无法识别；应为期末后的天数，如 10 或“次月10日前”",
                          f"deadline {_shown_en(value)} is not understood; give days after the period ends, "
                          "such as 10 or 次月10日前"))
    return None


_TRUE_WORDS = {"yes", "true", "true()", "y", "1", "是", "必填", "必须"}
_FALSE_WORDS = {"no", "false", "false()", "n", "0", "否", "选填", "", "none"}


def _parse_bool(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
    return None


_SEVERITY_WORDS = {"error": "error", "warning": "warning", "错误": "error", "强制": "error", "强制性": "error",
                   "警告": "warning", "提示": "warning", "核实": "warning", "核实性": "warning"}


def _parse_severity(value: object) -> str | None:
    return _SEVERITY_WORDS.get(value.strip().lower()) if isinstance(value, str) else None


_APPROVAL_KINDS = {"批准": "批准", "备案": "备案", "approval": "批准", "approved": "批准",
                   "filing": "备案", "filed": "备案"}


# --- expressions ---------------------------------------------------------------------------------


def _parsed(expression: str, where: _Where, problems: list[Text]) -> formulas.Formula | None:
    """The expression parsed by the project's formula language, or None with its faults reported."""
    try:
        return formulas.parse(expression)
    except ValidationError as exc:  # FormulaError names the character at fault
        problems.extend(where(localize(p, "zh_CN"), localize(p, "en")) for p in exc.problems)
        return None


def _known_names(draft: SpecDraft) -> dict[str, str]:
    """Names a formula may use that the draft itself resolves: keys, labels, element codes.

    Element names and aliases are known only to the catalogue; the spec service resolves those.
    """
    names: dict[str, str] = {}
    for f in draft.fields:
        if f.element_code and f.category is None:
            names.setdefault(f.element_code, f.key)
    for f in draft.fields:
        names[f.label_zh.strip()] = f.key
        names[f.key] = f.key
    return names


# --- checks every format shares -----------------------------------------------------------------


def _check_draft(draft: SpecDraft, field_where: list[_Where], rule_where: list[_Where],
                 problems: list[Text], file: str, formula_where: list[_Where] | None = None,
                 syntax_checked: bool = False) -> None:
    """Keys, kinds, formulas and rules, the same for every format.

    formula_where names where each field's formula is written when that is not where the field is
    (an XLSForm's calculation column); syntax_checked says the formulas' syntax faults are reported
    already (XLSForm expressions are checked as they are translated)."""
    syntax_problems: list[Text] = [] if syntax_checked else problems
    formula_where = formula_where or field_where
    where_file = _file_where(file)
    if not draft.fields:
        problems.append(where_file("报表没有任何字段", "the specification has no fields"))
    if len(draft.fields) > MAX_FIELDS:
        problems.append(where_file(f"字段超过 {MAX_FIELDS} 个", f"more than {MAX_FIELDS} fields"))
    seen: dict[str, _Where] = {}
    for index, (f, where) in enumerate(zip(draft.fields, field_where)):
        if not f.key:
            pass  # reported where the field was read
        elif not KEY_PATTERN.match(f.key) or f.key.lower() in RESERVED_WORDS:
            problems.append(where(
                f"字段键 {_shown(f.key)} 无效：只能用英文字母、数字和 _，以字母或 _ 开头，最长 64 位，且不能是 and、or、not",
                f"field key {_shown_en(f.key)} is invalid: letters, digits and _, starting with a letter or _, "
                "at most 64, and not and, or, not"))
        elif f.key in seen:
            problems.append(where(f"字段键 {f.key} 重复，已用于 {seen[f.key].zh}",
                                  f"field key {f.key} repeats; {seen[f.key].en} has it"))
        else:
            seen[f.key] = where
        if not f.label_zh.strip():
            problems.append(where("缺少字段名称（label）", "the field label is missing"))
        if f.kind not in FIELD_KINDS:
            problems.append(where(f"字段类型 {_shown(f.kind)} 无效，应为 {'、'.join(FIELD_KINDS)}",
                                  f"field kind {_shown_en(f.kind)} is invalid; use {', '.join(FIELD_KINDS)}"))
        elif f.kind == "computed" and not (f.formula or "").strip():
            problems.append(formula_where[index]("计算字段缺少公式", "a computed field needs a formula"))
        elif f.kind != "computed" and f.formula is not None:
            problems.append(where(f"只有计算字段才有公式，而此字段的类型是 {f.kind}",
                                  f"only computed fields have a formula; this one is {f.kind}"))
    names = _known_names(draft)
    computed: dict[str, formulas.Formula] = {}
    for f, where in zip(draft.fields, formula_where):
        if f.kind == "computed" and (f.formula or "").strip():
            parsed = _parsed(f.formula or "", where, syntax_problems)
            if parsed is not None and f.key:
                computed[f.key] = parsed.rename(lambda name: names.get(name, name))
    try:
        formulas.check_computed(computed)
    except ValidationError as exc:
        problems.extend(where_file(localize(p, "zh_CN"), localize(p, "en")) for p in exc.problems)
    for rule, where in zip(draft.rules, rule_where):
        _parsed(rule.expression, where, syntax_problems)
        if rule.severity not in SEVERITIES:
            problems.append(where(f"审核级别 {_shown(rule.severity)} 无效，应为 error 或 warning",
                                  f"severity {_shown_en(rule.severity)} is invalid; use error or warning"))
    if draft.period_type not in PERIOD_TYPES:
        problems.append(_unknown_period(where_file, draft.period_type))


def _settle_department(found: str | None, found_where: _Where | None, options: _Options,
                       file: str, problems: list[Text]) -> str:
    """The department code from the file (a code, or a name resolved by options.departments) and options."""
    from_file: str | None = None
    if found:
        from_file = _department_code_of(found, options.departments)
        if from_file is None and options.department_code is None:
            where = found_where or _file_where(file)
            problems.append(where(
                f"制表机关 {_shown(found)} 无法对应到部门代码；请在导入时选择部门（department_code）",
                f"the issuing department {_shown_en(found)} does not match a department code; "
                "choose the department when importing (department_code)"))
            return ""
    if options.department_code and from_file and from_file != options.department_code:
        where = found_where or _file_where(file)
        problems.append(where(
            f"文件中的制表机关是 {from_file}（{found}），与导入时选择的部门 {options.department_code} 不一致",
            f"the file's issuing department is {from_file} ({found}), not the chosen {options.department_code}"))
    code = options.department_code or from_file
    if not code:
        problems.append(_file_where(file)(
            "缺少制表机关（部门代码）：文件中没有，导入时也未指定 department_code",
            "the issuing department (department code) is missing: not in the file and no department_code given"))
        return ""
    return code


def _department_code_of(written: str, departments: Mapping[str, str]) -> str | None:
    text = re.sub(r"\s+", "", written)
    if text in departments.values():
        return text
    if text in departments:
        return departments[text]
    # "XX市民政局" for "民政局": the longest known name the written one ends with
    endings = [name for name in departments if name and text.endswith(re.sub(r"\s+", "", name))]
    if endings:
        return departments[max(endings, key=len)]
    return text if DEPARTMENT_CODE_PATTERN.match(text) and text.isascii() else None


def _settle_period(found: list[tuple[str, _Where, str]], options: _Options, file: str,
                   problems: list[Text]) -> str:
    """The period type from the file's evidence (type, where, what said it) and the options."""
    kinds = {kind for kind, _, _ in found}
    if options.period_type:
        for kind, where, said in found:
            if kind != options.period_type:
                problems.append(where(
                    f"{said}表明是{PERIOD_TYPES[kind].label_zh}，与导入时指定的"
                    f"{PERIOD_TYPES[options.period_type].label_zh}不一致",
                    f"{said} says {kind}, but {options.period_type} was chosen"))
                break
        return options.period_type
    if len(kinds) == 1:
        return kinds.pop()
    if not kinds:
        problems.append(_file_where(file)(
            "缺少报告期类型：文件中没有（如 报告期别：月报），导入时也未指定 period_type",
            "the period type is missing: not in the file (such as 报告期别：月报) and no period_type given"))
    else:
        said = "；".join(f"{w.zh} {s}：{PERIOD_TYPES[k].label_zh}" for k, w, s in found)
        said_en = "; ".join(f"{w.en} {s}: {k}" for k, w, s in found)
        problems.append(_file_where(file)(f"报告期类型不一致（{said}）；请在导入时指定 period_type",
                                          f"the period type is ambiguous ({said_en}); give period_type"))
    return ""


def _settle_form_number(found: str | None, found_where: _Where | None, options: _Options, file: str,
                        problems: list[Text]) -> str:
    if options.form_number and found and found != options.form_number:
        problems.append((found_where or _file_where(file))(
            f"文件中的表号是 {found}，与导入时指定的 {options.form_number} 不一致",
            f"the file's form number is {found}, not the given {options.form_number}"))
    number = options.form_number or found
    if not number:
        problems.append(_file_where(file)("缺少表号：文件中没有（表号：…），导入时也未指定 form_number",
                                          "the form number (表号) is missing: not in the file and no form_number given"))
        return ""
    return number


# --- YAML and JSON -------------------------------------------------------------------------------

_TOP_ALIASES = {
    "表号": "form_number", "title": "title_zh", "标题": "title_zh", "表名": "title_zh",
    "department": "department_code", "制表机关": "department_code",
    "period": "period_type", "报告期": "period_type", "周期": "period_type", "报告期别": "period_type",
    "批准文号": "approval_number", "备案文号": "approval_number",
    "有效期限": "valid_until", "有效期至": "valid_until", "报送期限": "deadline_days",
}
_TOP_KEYS = ("form_number", "title_zh", "title_en", "department_code", "period_type", "approval_number",
             "approval_kind", "valid_until", "purpose", "deadline_days", "grace_days", "target_level",
             "target_units", "requires_review", "fields", "rules")
_FIELD_ALIASES = {"label_zh": "label", "element_code": "element"}
_FIELD_KEYS = ("key", "label", "kind", "element", "category", "formula", "unit", "required", "source")
_RULE_ALIASES = {"message_zh": "message"}
_RULE_KEYS = ("expression", "severity", "message", "message_en")

_Path = tuple[object, ...]


@dataclass
class _Document:
    """A parsed YAML or JSON file: the data, and for YAML each path's line and scalar as written."""

    file: str
    data: Any
    lines: dict[_Path, int] = field(default_factory=dict)
    written: dict[_Path, str] = field(default_factory=dict)

    def where(self, path: _Path) -> _Where:
        shown = _path_text(path)
        line = self.lines.get(path) if path else None  # "line 1" would blame the first key for a missing one
        if line is None:
            return _Where(f"{self.file}（{shown}）", f"{self.file} ({shown})") if shown else _file_where(self.file)
        return (_Where(f"{self.file} 第 {line} 行（{shown}）", f"{self.file} line {line} ({shown})") if shown
                else _Where(f"{self.file} 第 {line} 行", f"{self.file} line {line}"))


def _path_text(path: _Path) -> str:
    text = ""
    for part in path:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _load_structured(path: Path, options: _Options, problems: list[Text]) -> SpecDraft | None:
    file = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(_file_where(file)(f"无法读取文件：{exc.strerror or exc}", f"cannot read the file: {exc}"))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            problems.append(_file_where(file)("文件编码无法识别；请保存为 UTF-8 文本",
                                              "the file's encoding is not recognised; save it as UTF-8 text"))
            return None
    if path.suffix.lower() in _JSON_SUFFIXES:
        document = _parse_json(file, text, problems)
    else:
        document = _parse_yaml(file, text, problems)
    if document is None:
        return None
    return _spec_from_mapping(document, options, problems)


def _parse_json(file: str, text: str, problems: list[Text]) -> _Document | None:
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in items:
            if key in result:
                duplicates.append(key)
            result[key] = value
        return result

    try:
        data = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        problems.append(_Where(f"{file} 第 {exc.lineno} 行第 {exc.colno} 列", f"{file} line {exc.lineno} column {exc.colno}")(
            f"JSON 格式错误：{exc.msg}", f"invalid JSON: {exc.msg}"))
        return None
    except RecursionError:
        problems.append(_file_where(file)("JSON 嵌套过深", "the JSON is nested too deeply"))
        return None
    for key in dict.fromkeys(duplicates):
        problems.append(_file_where(file)(f"键 {_shown(key)} 在同一对象中出现多次", f"key {key!r} appears twice in one object"))
    return _Document(file, data)


def _parse_yaml(file: str, text: str, problems: list[Text]) -> _Document | None:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        reason = getattr(exc, "problem", None) or str(exc)
        where = (_Where(f"{file} 第 {mark.line + 1} 行第 {mark.column + 1} 列", f"{file} line {mark.line + 1} column {mark.column + 1}")
                 if mark is not None else _file_where(file))
        problems.append(where(f"YAML 格式错误：{reason}", f"invalid YAML: {reason}"))
        return None
    except RecursionError:
        problems.append(_file_where(file)("YAML 嵌套过深", "the YAML is nested too deeply"))
        return None
    document = _Document(file, data)
    if root is not None:
        _index_yaml(root, (), document, problems, set())
    return document


def _index_yaml(node: yaml.Node, path: _Path, document: _Document, problems: list[Text], seen: set[int]) -> None:
    """Record where each path is written, the scalars as written, and duplicate keys."""
    document.lines.setdefault(path, node.start_mark.line + 1)
    if id(node) in seen or len(path) > 6:
        return  # an alias met again, or deeper than any part of the schema
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        document.written.setdefault(path, node.value)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index_yaml(item, path + (index,), document, problems, seen)
    elif isinstance(node, yaml.MappingNode):
        keys: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is None:
                continue
            if key in keys:
                line = key_node.start_mark.line + 1
                problems.append(_Where(f"{document.file} 第 {line} 行", f"{document.file} line {line}")(
                    f"键 {_shown(key)} 重复（{_path_text(path) or '顶层'}）",
                    f"key {key!r} repeats ({_path_text(path) or 'top level'})"))
            keys.add(key)
            document.lines.setdefault(path + (key,), key_node.start_mark.line + 1)
            _index_yaml(value_node, path + (key,), document, problems, seen)


class _Reader:
    """Typed access to a mapping of the document, collecting problems as it goes."""

    def __init__(self, document: _Document, path: _Path, mapping: dict[Any, Any], aliases: Mapping[str, str],
                 known: tuple[str, ...], problems: list[Text]):
        self.document = document
        self.path = path
        self.problems = problems
        self.values: dict[str, Any] = {}
        self.paths: dict[str, _Path] = {}
        self.written_as: dict[str, str] = {}
        for raw_key, value in mapping.items():
            key = str(raw_key).strip() if raw_key is not None else ""
            canonical = aliases.get(key, key)
            here = path + (raw_key,)
            if canonical not in known:
                shown = "、".join(known)
                self.problems.append(document.where(here)(
                    f"未知的键 {_shown(key)}；可用的键：{shown}", f"unknown key {key!r}; known keys: {', '.join(known)}"))
                continue
            if canonical in self.values:
                self.problems.append(document.where(here)(
                    f"{key} 与 {self.written_as[canonical]} 是同一项，只能写一个",
                    f"{key} and {self.written_as[canonical]} are the same item; give only one"))
                continue
            self.values[canonical] = value
            self.paths[canonical] = here
            self.written_as[canonical] = key

    def where(self, key: str) -> _Where:
        return self.document.where(self.paths.get(key, self.path))

    def has(self, key: str) -> bool:
        return key in self.values

    def text(self, key: str, default: str | None = "", required: bool = False, what: Text | None = None) -> str | None:
        what = what or Text(key, key)
        if key not in self.values or self.values[key] is None:
            if required:
                self.problems.append(self.document.where(self.path)(f"缺少{what.zh}（{key}）", f"the {what.en} ({key}) is missing"))
            return default
        value = self.values[key]
        if isinstance(value, str):
            return value.strip()
        if isinstance(value, (int, float, date)) and not isinstance(value, bool):
            # YAML reads 表号: 010 as a number; the text as written is what was meant
            written = self.document.written.get(self.paths[key])
            return written.strip() if written is not None else str(value)
        self.problems.append(self.where(key)(f"{what.zh}（{key}）应为文字，而不是 {type(value).__name__}",
                                             f"the {what.en} ({key}) must be text, not {type(value).__name__}"))
        return default

    def integer(self, key: str, default: int | None, minimum: int = 0) -> int | None:
        if key not in self.values:
            return default
        value = self.values[key]
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.problems.append(self.where(key)(f"{key} 应为不小于 {minimum} 的整数，而不是 {_shown(value)}",
                                                 f"{key} must be a whole number of at least {minimum}, not {_shown_en(value)}"))
            return default
        return value

    def boolean(self, key: str, default: bool) -> bool:
        if key not in self.values:
            return default
        parsed = _parse_bool(self.values[key])
        if parsed is None:
            self.problems.append(self.where(key)(f"{key} 应为 true 或 false，而不是 {_shown(self.values[key])}",
                                                 f"{key} must be true or false, not {_shown_en(self.values[key])}"))
            return default
        return parsed


_FORM_NUMBER = Text("表号", "form number")
_TITLE = Text("标题", "title")


def _spec_from_mapping(document: _Document, options: _Options, problems: list[Text]) -> SpecDraft | None:
    file = document.file
    if not isinstance(document.data, dict):
        kind = "空文件" if document.data is None else type(document.data).__name__
        problems.append(_file_where(file)(f"顶层应为键值映射（form_number: …），而不是 {kind}",
                                          f"the top level must be a mapping (form_number: …), not {kind}"))
        return None
    top = _Reader(document, (), document.data, _TOP_ALIASES, _TOP_KEYS, problems)
    form_number = top.text("form_number", None, required=options.form_number is None, what=_FORM_NUMBER)
    title = top.text("title_zh", "", required=True, what=_TITLE) or ""
    if "title_zh" in top.values and not title:
        problems.append(top.where("title_zh")("标题为空", "the title is empty"))
    approval_kind = _approval_kind(top)
    valid_until = None
    if top.has("valid_until") and top.values["valid_until"] not in (None, ""):
        valid_until = parse_date_text(top.values["valid_until"])
        if valid_until is None:
            problems.append(top.where("valid_until")(
                f"有效期限 {_shown(top.values['valid_until'])} 不是可识别的日期（如 2027-12-31 或 2027年12月）",
                f"valid_until {_shown_en(top.values['valid_until'])} is not a date (such as 2027-12-31 or 2027年12月)"))
    deadline = 10
    if top.values.get("deadline_days") is not None:
        deadline = _parse_deadline(top.values["deadline_days"], top.where("deadline_days"), problems) or 0
    target_units = _target_units(top)
    target_level = top.integer("target_level", None if target_units and not top.has("target_level") else 4, minimum=1)
    if target_units and target_level is not None:
        problems.append(top.where("target_level")(
            "报送对象只能是一个层级（target_level）或一组单位（target_units），不能两者都给",
            "the reporting units are a level (target_level) or a list (target_units), not both"))
    dept_text = top.text("department_code", None)
    department = _settle_department(dept_text, top.where("department_code") if dept_text else None, options,
                                    file, problems)
    period = _yaml_period(top, options, file, problems)
    number = _settle_form_number(form_number, top.where("form_number"), options, file, problems) if (
        form_number or options.form_number) else ""
    fields, field_where = _yaml_fields(document, top, problems)
    rules, rule_where = _yaml_rules(document, top, problems)
    draft = SpecDraft(
        form_number=number,
        title_zh=title,
        department_code=department,
        period_type=period,
        title_en=top.text("title_en") or "",
        approval_number=top.text("approval_number") or "",
        approval_kind=approval_kind,
        valid_until=valid_until,
        purpose=top.text("purpose") or "",
        deadline_days=deadline,
        grace_days=top.integer("grace_days", 0) or 0,
        target_level=target_level,
        target_units=target_units,
        requires_review=top.boolean("requires_review", False),
        fields=fields,
        rules=rules,
    )
    if period:
        _check_draft(draft, field_where, rule_where, problems, file)
    else:
        _check_draft(_with_period(draft), field_where, rule_where, problems, file)
    return draft


def _with_period(draft: SpecDraft) -> SpecDraft:
    """A copy with a valid period type, so that a missing one is reported only once."""
    return replace(draft, period_type=MONTHLY)


def _approval_kind(top: _Reader) -> str:
    said = top.written_as.get("approval_number", "")
    implied = "备案" if said == "备案文号" else "批准"
    if not top.has("approval_kind") or top.values["approval_kind"] is None:
        return implied
    value = top.values["approval_kind"]
    kind = _APPROVAL_KINDS.get(value.strip().lower()) if isinstance(value, str) else None
    if kind is None:
        top.problems.append(top.where("approval_kind")(f"approval_kind {_shown(value)} 无效，应为 批准 或 备案",
                                                       f"approval_kind {_shown_en(value)} is invalid; use 批准 or 备案"))
        return implied
    if said in ("批准文号", "备案文号") and kind != implied:
        top.problems.append(top.where("approval_kind")(f"写的是{said}，但 approval_kind 是 {kind}",
                                                       f"{said} is given but approval_kind is {kind}"))
    return kind


def _target_units(top: _Reader) -> tuple[str, ...]:
    value = top.values.get("target_units")
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value):
        top.problems.append(top.where("target_units")("target_units 应为单位代码的列表",
                                                      "target_units must be a list of org unit codes"))
        return ()
    return tuple(str(v).strip() for v in value)


def _yaml_period(top: _Reader, options: _Options, file: str, problems: list[Text]) -> str:
    found: list[tuple[str, _Where, str]] = []
    value = top.values.get("period_type")
    if value is not None:
        kind = parse_period_type(value)
        if kind is None:
            problems.append(_unknown_period(top.where("period_type"), value))
            return ""
        found.append((kind, top.where("period_type"), top.written_as["period_type"]))
    return _settle_period(found, options, file, problems)


def _yaml_fields(document: _Document, top: _Reader, problems: list[Text]) -> tuple[list[FieldDraft], list[_Where]]:
    items = top.values.get("fields")
    if items is None:
        problems.append(document.where(())("缺少字段列表（fields）", "the field list (fields) is missing"))
        return [], []
    if not isinstance(items, list):
        problems.append(top.where("fields")("fields 应为列表", "fields must be a list"))
        return [], []
    fields, wheres = [], []
    for index, item in enumerate(items[: MAX_FIELDS + 1]):
        path = top.paths["fields"] + (index,)
        where = document.where(path)
        if not isinstance(item, dict):
            problems.append(where("每个字段应为键值映射（key: …, label: …）", "each field must be a mapping (key: …, label: …)"))
            continue
        reader = _Reader(document, path, item, _FIELD_ALIASES, _FIELD_KEYS, problems)
        key = reader.text("key", "", required=True, what=Text("字段键", "field key")) or ""
        label = reader.text("label", "", required=True, what=Text("字段名称", "field label")) or ""
        formula = reader.text("formula", None)
        kind = reader.text("kind", None) or _implied_kind(formula)
        draft = FieldDraft(
            key=key, label_zh=label, kind=kind, element_code=reader.text("element", None) or None,
            category=reader.text("category", None) or None, formula=formula, unit=reader.text("unit") or "",
            required=reader.boolean("required", _default_required(kind)), source=reader.text("source", None),
        )
        fields.append(draft)
        shown = f"{_path_text(path)} {key}" if key else _path_text(path)
        line = document.lines.get(path)
        wheres.append(_Where(f"{document.file} 第 {line} 行（{shown}）", f"{document.file} line {line} ({shown})")
                      if line else _Where(f"{document.file}（{shown}）", f"{document.file} ({shown})"))
    return fields, wheres


def _yaml_rules(document: _Document, top: _Reader, problems: list[Text]) -> tuple[list[RuleDraft], list[_Where]]:
    items = top.values.get("rules")
    if items is None:
        return [], []
    if not isinstance(items, list):
        problems.append(top.where("rules")("rules 应为列表", "rules must be a list"))
        return [], []
    rules, wheres = [], []
    for index, item in enumerate(items):
        path = top.paths["rules"] + (index,)
        where = document.where(path)
        if isinstance(item, str):
            item = {"expression": item}
        if not isinstance(item, dict):
            problems.append(where("每条审核规则应为键值映射（expression: …）", "each rule must be a mapping (expression: …)"))
            continue
        reader = _Reader(document, path, item, _RULE_ALIASES, _RULE_KEYS, problems)
        expression = reader.text("expression", "", required=True, what=Text("审核公式", "rule expression")) or ""
        severity_value = reader.values.get("severity", "error")
        severity = _parse_severity(severity_value)
        if severity is None:
            problems.append(reader.where("severity")(
                f"审核级别 {_shown(severity_value)} 无效，应为 error（错误，阻止上报）或 warning（警告，需填写说明）",
                f"severity {_shown_en(severity_value)} is invalid; use error (blocks submission) or warning "
                "(needs an explanation)"))
            severity = "error"
        message_zh, message_en = _rule_message(reader)
        rules.append(RuleDraft(expression=expression, severity=severity, message_zh=message_zh, message_en=message_en))
        wheres.append(where)
    return rules, wheres


def _rule_message(reader: _Reader) -> tuple[str, str]:
    value = reader.values.get("message")
    message_en = reader.text("message_en") or ""
    if isinstance(value, dict):
        unknown = set(map(str, value)) - {"zh", "en"}
        if unknown:
            reader.problems.append(reader.where("message")(f"message 只能有 zh 和 en，多了 {'、'.join(sorted(unknown))}",
                                                           f"message takes only zh and en, not {', '.join(sorted(unknown))}"))
        zh, en = value.get("zh", ""), value.get("en", "")
        if not isinstance(zh, str) or not isinstance(en, str):
            reader.problems.append(reader.where("message")("message 的 zh 和 en 应为文字", "message zh and en must be text"))
            return "", message_en
        if en and message_en and en != message_en:
            reader.problems.append(reader.where("message_en")("英文提示写了两次且不同", "the English message is given twice"))
        return zh.strip(), (en or message_en).strip()
    return reader.text("message") or "", message_en


# --- xlsx: which kind -----------------------------------------------------------------------------


def _xlsx_problem(path: Path) -> Text | None:
    """Why a file cannot be opened as xlsx, or None (worded for importing a specification)."""
    where = _file_where(path.name)
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
            if head.startswith(_OLE_MAGIC):
                if _ENCRYPTION_STREAM in head + handle.read():
                    return where("文件已加密（设置了打开密码），无法读取；请在 Excel/WPS 中取消密码后另存为 .xlsx 再导入",
                                 "the file is encrypted (has an opening password); remove the password in "
                                 "Excel/WPS, save as .xlsx and import that")
                return where("这是旧版 Excel（.xls）文件；请在 Excel/WPS 中另存为 .xlsx 后再导入",
                             "this is an old Excel (.xls) file; save it as .xlsx in Excel or WPS and import that")
    except OSError as exc:
        return where(f"无法读取文件：{exc.strerror or exc}", f"cannot read the file: {exc.strerror or exc}")
    if not head.startswith(_ZIP_MAGIC):
        return where("不是 xlsx 文件：内容不是 Excel 工作簿格式；如为 .csv 或其他格式，请在 Excel/WPS 中另存为 .xlsx",
                     "not an xlsx file: the content is not an Excel workbook; save it as .xlsx in Excel or WPS")
    try:
        with zipfile.ZipFile(path) as package:
            if "xl/workbook.xml" not in package.namelist():
                return where("不是 Excel 工作簿：压缩包中没有 xl/workbook.xml（可能是 Word 文档或其他压缩文件）",
                             "not an Excel workbook: the package has no xl/workbook.xml (a Word document or another archive?)")
    except zipfile.BadZipFile as exc:
        return where(f"文件已损坏，无法作为 xlsx 打开：{exc}", f"the file is damaged and cannot be opened as xlsx: {exc}")
    return None


def _load_xlsx(path: Path, options: _Options, problems: list[Text]) -> SpecDraft | None:
    problem = _xlsx_problem(path)
    if problem is not None:
        problems.append(problem)
        return None
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 -- openpyxl raises many kinds on damaged files
        problems.append(_file_where(path.name)(f"无法解析工作簿：{type(exc).__name__}: {exc}",
                                               f"cannot parse the workbook: {type(exc).__name__}: {exc}"))
        return None
    try:
        sheets = {sheet.title.strip().lower(): sheet for sheet in workbook.worksheets}
        if "survey" in sheets:
            return _load_xlsform(path.name, sheets, options, problems)
    finally:
        workbook.close()
    return _load_template(path, options, problems)


# --- xlsx: a department's own template ------------------------------------------------------------

_MARK_KEYS: dict[str, str | None] = {
    "表号": "form_number", "制表机关": "department", "制定机关": "department", "批准文号": "approval",
    "备案文号": "filing", "文号": "approval", "有效期至": "valid_until", "有效期限": "valid_until",
    "有效期": "valid_until", "报告期别": "period", "报告期": "period_hint", "报送期限": "deadline",
    "报送时间": "deadline_hint",
}
_OTHER_MARKS = tuple(k for k in glossary.META_LINE_KEYS if k not in _MARK_KEYS) + (
    "批准机关", "备案机关", "填报说明", "报送方式")
_MARK = re.compile(
    "(" + "|".join(r"[\s\u3000]*".join(map(re.escape, key))
                   for key in sorted((*_MARK_KEYS, *_OTHER_MARKS), key=len, reverse=True)) + r")[\s\u3000]*[:：]")
_MARK_SCAN_COLUMNS = 100
_TITLE_PERIODS = re.compile(r"半年(?:报|度)|季(?:报|度)|月(?:报|度)|年(?:报|度)|周报|日报")
_NUMBER_PERIOD = re.compile(r"统(半年|季|月|年|周|日)|(半年|季|月|年|周|日)报")


@dataclass(frozen=True)
class _Mark:
    value: object
    cell: str


def _load_template(path: Path, options: _Options, problems: list[Text]) -> SpecDraft | None:
    file = path.name
    reading = read_workbook(path)
    form = _pick_form(file, reading.forms, reading.errors, options, problems)
    if form is None:
        return None
    for error in reading.errors:
        if error.sheet in (None, form.sheet):
            where = _cell_where(file, error.sheet, error.cell) if error.sheet else _file_where(file)
            problems.append(where(error.message, f"the template cannot be read: {error.message}"))
    marks = _read_marks(path, form, problems)
    where_of = {name: _cell_where(file, form.sheet, mark.cell) for name, mark in marks.items()}

    def text(name: str) -> str | None:
        mark = marks.get(name)
        if mark is None:
            return None
        return mark.value.strftime("%Y-%m-%d") if isinstance(mark.value, (date, datetime)) else str(mark.value).strip()

    form_number = _settle_form_number(text("form_number"), where_of.get("form_number"), options, file, problems)
    department = _settle_department(text("department"), where_of.get("department"), options, file, problems)
    period = _settle_period(_template_periods(form, marks, where_of, text, problems), options, file, problems)
    approval_number, approval_kind = text("approval") or "", "批准"
    if text("filing"):
        if approval_number:
            problems.append(where_of["filing"]("批准文号与备案文号只能有一个", "give either 批准文号 or 备案文号, not both"))
        approval_number, approval_kind = text("filing") or "", "备案"
    valid_until = None
    if "valid_until" in marks:
        valid_until = parse_date_text(marks["valid_until"].value)
        if valid_until is None:
            problems.append(where_of["valid_until"](
                f"有效期 {_shown(text('valid_until'))} 不是可识别的日期（如 2027年12月 或 2027-12-31）",
                f"the validity date {_shown_en(text('valid_until'))} is not a date (such as 2027年12月 or 2027-12-31)"))
    deadline = 10
    for name in ("deadline", "deadline_hint"):
        if name in marks:
            parsed = _parse_deadline(text(name), where_of[name], problems if name == "deadline" else [])
            if parsed is not None:
                deadline = parsed
                break
    fields, field_where = _template_fields(file, form, problems)
    draft = SpecDraft(form_number=form_number, title_zh=form.title, department_code=department,
                      period_type=period or MONTHLY, approval_number=approval_number, approval_kind=approval_kind,
                      valid_until=valid_until, deadline_days=deadline, fields=fields)
    _check_draft(draft, field_where, [], problems, file)
    draft.period_type = period
    return draft


def _pick_form(file: str, forms: list[Form], errors: list[Any], options: _Options,
               problems: list[Text]) -> Form | None:
    if options.sheet is not None:
        chosen = [form for form in forms if form.sheet == options.sheet]
        if chosen:
            return chosen[0]
        own = [e for e in errors if e.sheet in (None, options.sheet)]
        if own:
            problems.extend(_cell_where(file, e.sheet, e.cell)(e.message, f"the template cannot be read: {e.message}")
                            if e.sheet else _file_where(file)(e.message, f"the workbook cannot be read: {e.message}")
                            for e in own)
        else:
            names = "、".join(form.sheet for form in forms) or "无"
            problems.append(_file_where(file)(f"没有名为 {_shown(options.sheet)} 的表单工作表；可选：{names}",
                                              f"no form sheet named {options.sheet!r}; sheets with forms: {names}"))
        return None
    if len(forms) == 1:
        return forms[0]
    if not forms:
        problems.extend(_cell_where(file, e.sheet, e.cell)(e.message, f"the template cannot be read: {e.message}")
                        if e.sheet else _file_where(file)(e.message, f"the workbook cannot be read: {e.message}")
                        for e in errors)
        if not errors:
            problems.append(_file_where(file)("工作簿中没有可见的工作表", "the workbook has no visible sheet"))
        return None
    names = "、".join(form.sheet for form in forms)
    problems.append(_file_where(file)(f"工作簿中有多张表（{names}）；请指定要导入的工作表（sheet）",
                                      f"the workbook holds several forms ({', '.join(f.sheet for f in forms)}); "
                                      "choose the sheet to import"))
    return None


def _read_marks(path: Path, form: Form, problems: list[Text]) -> dict[str, _Mark]:
    """The marking lines above the header: 表号：…, 制表机关：…, 批准文号：…, 有效期至：…"""
    last_row = form.header_rows[0] - 1
    marks: dict[str, _Mark] = {}
    if last_row < 1:
        return marks
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = list(workbook[form.sheet].iter_rows(min_row=1, max_row=last_row, max_col=_MARK_SCAN_COLUMNS,
                                                   values_only=True))
    finally:
        workbook.close()
    for r, row in enumerate(rows, start=1):
        cells = [(c, value) for c, value in enumerate(row) if value not in (None, "")]
        for position, (c, value) in enumerate(cells):
            if not isinstance(value, str):
                continue
            found = list(_MARK.finditer(value))
            for index, match in enumerate(found):
                name = _MARK_KEYS.get(re.sub(r"[\s\u3000]+", "", match.group(1)))
                if name is None:
                    continue
                end = found[index + 1].start() if index + 1 < len(found) else len(value)
                written: object = value[match.end():end].strip(" \u3000\t\r\n，,；;")
                if written == "" and index + 1 == len(found) and position + 1 < len(cells):
                    following = cells[position + 1][1]  # 表号： | 民统月01表 in the next cell
                    if not (isinstance(following, str) and _MARK.match(following.strip())):
                        written = following.strip() if isinstance(following, str) else following
                if written in ("", None):
                    continue
                cell = f"{get_column_letter(c + 1)}{r}"
                earlier = marks.get(name)
                if earlier is not None and earlier.value != written:
                    problems.append(_cell_where(path.name, form.sheet, cell)(
                        f"{match.group(1).strip()}写了两次且不同（另见 {earlier.cell}）",
                        f"{match.group(1).strip()} is given twice with different values (see {earlier.cell})"))
                marks.setdefault(name, _Mark(written, cell))
    return marks


def _template_periods(form: Form, marks: dict[str, _Mark], where_of: dict[str, _Where],
                      text: Callable[[str], str | None], problems: list[Text]) -> list[tuple[str, _Where, str]]:
    """The period type as the marking lines, the title and the form number say it."""
    found: list[tuple[str, _Where, str]] = []
    if "period" in marks:
        kind = parse_period_type(text("period"))
        if kind is None:
            problems.append(_unknown_period(where_of["period"], text("period")))
        else:
            found.append((kind, where_of["period"], "报告期别"))
    elif "period_hint" in marks:
        kind = parse_period_type(text("period_hint")) or _period_from_blank(text("period_hint") or "")
        if kind:
            found.append((kind, where_of["period_hint"], "报告期"))
    title_kinds = {_TITLE_WORD_PERIODS[m.group(0)] for m in _TITLE_PERIODS.finditer(form.title)}
    if len(title_kinds) == 1:
        found.append((title_kinds.pop(), _Where(f"{form.file} {form.sheet}", f"{form.file} {form.sheet}"), "标题"))
    number = text("form_number")
    if number:
        number_kinds = {parse_period_type(a or b) for a, b in _NUMBER_PERIOD.findall(number)} - {None}
        if len(number_kinds) == 1:
            found.append((number_kinds.pop(), where_of["form_number"], f"表号 {number}"))  # type: ignore[arg-type]
    return found


_TITLE_WORD_PERIODS = {
    "半年报": SIX_MONTHLY, "半年度": SIX_MONTHLY, "季报": QUARTERLY, "季度": QUARTERLY, "月报": MONTHLY,
    "月度": MONTHLY, "年报": YEARLY, "年度": YEARLY, "周报": WEEKLY, "日报": DAILY,
}


def _period_from_blank(text: str) -> str | None:
    """报告期：   年   月 — the blanks left to fill say the period type."""
    compact = re.sub(r"[\s\u3000_]+", "", text)
    if re.fullmatch(r"(?:\d{4})?年(?:\d{1,2})?月", compact):
        return MONTHLY
    if re.fullmatch(r"(?:\d{4})?年(?:第)?[一二三四1-4]?季度?", compact):
        return QUARTERLY
    if re.fullmatch(r"(?:\d{4})?年度?", compact):
        return YEARLY
    return None


_UNIT_BRACKET = re.compile(r"[（(]\s*([^（）()]*?)\s*[）)]")


def _field_label(column: Column) -> str:
    """The header label as "parent/child", without bracketed units (the unit is kept apart)."""
    def drop_unit(match: re.Match[str]) -> str:
        return "" if parse_unit(match.group(1)) is not None else match.group(0)

    parts = [_UNIT_BRACKET.sub(drop_unit, part).strip() or part for part in split_levels(column.match_label)]
    return "/".join(parts)


def _template_fields(file: str, form: Form, problems: list[Text]) -> tuple[list[FieldDraft], list[_Where]]:
    columns = [column for column in form.columns if not column.key]
    if not columns:
        problems.append(_cell_where(file, form.sheet, form.columns[0].cell if form.columns else "A1")(
            "表头中只有序号、名称等登记列，没有要填报的指标列", "the header has only bookkeeping columns, nothing to report"))
        return [], []
    width = max(2, len(str(len(columns))))
    fields, wheres = [], []
    by_label: dict[str, str] = {}
    for number, column in enumerate(columns, start=1):
        label = _field_label(column)
        where = _cell_where(file, form.sheet, column.cell)
        if label in by_label:
            problems.append(where(f"列名「{label}」重复（另见 {by_label[label]}）；请让每列名称唯一",
                                  f"the column label {label!r} repeats (see {by_label[label]}); make each label unique"))
        by_label.setdefault(label, column.cell)
        fields.append(FieldDraft(key=f"F{number:0{width}d}", label_zh=label, unit=column.unit or "",
                                 source=f"{file} {form.sheet}!{column.cell}"))
        wheres.append(where)
    _mark_clear_totals(fields)
    return fields, wheres


def _mark_clear_totals(fields: list[FieldDraft]) -> None:
    """Make a 合计/小计/总计 child the sum of its siblings, only where nothing else could be meant."""
    parts = [split_levels(f.label_zh) for f in fields]
    groups: dict[tuple[str, ...], list[int]] = {}
    for index, label_parts in enumerate(parts):
        if len(label_parts) >= 2:
            groups.setdefault(tuple(label_parts[:-1]), []).append(index)
    for parent, members in groups.items():
        totals = [i for i in members if normalise(parts[i][-1]) in TOTAL_WORDS]
        others = [i for i in members if i not in totals]
        deeper = any(len(p) > len(parent) + 1 and tuple(p[:len(parent)]) == parent for p in parts)
        if len(totals) != 1 or len(others) < 2 or deeper:
            continue
        total = fields[totals[0]]
        if any(normalise(parts[i][-1]).startswith(glossary.PART_MARKERS) for i in others):
            continue  # 其中 columns are parts, not a partition
        if any(fields[i].unit != total.unit for i in others) or total.unit in ("%", "‰"):
            continue
        total.kind = "computed"
        total.formula = " + ".join(fields[i].key for i in others)
        total.required = False


# --- xlsx: XLSForm -------------------------------------------------------------------------------

_VALUE_TYPES = {"integer", "int", "decimal", "range", "text", "string", "date", "datetime", "time",
                "select_one", "select_multiple", "select_one_from_file", "select_multiple_from_file"}
_SKIPPED_TYPES = {"note", "start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber",
                  "username", "email", "audit", "start-geopoint", "background-audio", "hidden", "imei",
                  "uri:deviceid", "uri:email", "uri:phonenumber", "uri:simserial", "uri:subscriberid",
                  "uri:username"}
_GROUP_BEGIN = {"begin group", "begin_group"}
_GROUP_END = {"end group", "end_group"}
_XLSFORM_SETTINGS = {"form_title": "title_zh", "form_id": "form_number"}


@dataclass
class _Sheet:
    """A sheet as a header of column names and numbered rows."""

    name: str
    columns: dict[str, int]  # lower-case column name -> index
    rows: list[tuple[int, tuple[Any, ...]]]

    def cell(self, row: int, column: str) -> str:
        index = self.columns.get(column)
        letter = get_column_letter(index + 1) if index is not None else "A"
        return f"{letter}{row}"

    def get(self, values: tuple[Any, ...], column: str) -> Any:
        index = self.columns.get(column)
        if index is None or index >= len(values):
            return None
        value = values[index]
        return value.strip() if isinstance(value, str) else value

    def language_column(self, base: str, language: str) -> str | None:
        """The column of base (label, constraint_message …) in a language: zh, en or "" (none)."""
        plain = base if base in self.columns else None
        marked = [name for name in self.columns if name.startswith(base + "::")]
        if language == "":
            return plain
        wanted = [name for name in marked if _language_of(name.split("::", 1)[1]) == language]
        if wanted:
            return wanted[0]
        return None


def _language_of(tag: str) -> str:
    tag = tag.strip().lower()
    if "(zh" in tag or tag.startswith("zh") or "chinese" in tag or "中文" in tag or "汉语" in tag:
        return "zh"
    if "(en" in tag or tag.startswith("en") or "english" in tag or "英文" in tag:
        return "en"
    return tag


def _read_sheet(sheet: Any) -> _Sheet | None:
    header: dict[str, int] | None = None
    rows: list[tuple[int, tuple[Any, ...]]] = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        if header is None:
            header = {}
            for index, value in enumerate(values):
                if isinstance(value, str) and value.strip():
                    header.setdefault(re.sub(r"\s*::\s*", "::", value.strip()).lower(), index)
            continue
        rows.append((number, tuple(values)))
        if len(rows) > MAX_FIELDS * 2:
            break
    return None if header is None else _Sheet(sheet.title, header, rows)


def _load_xlsform(file: str, sheets: dict[str, Any], options: _Options, problems: list[Text]) -> SpecDraft | None:
    survey = _read_sheet(sheets["survey"])
    if survey is None:
        problems.append(_cell_where(file, sheets["survey"].title, "A1")("survey 工作表为空", "the survey sheet is empty"))
        return None
    missing = [name for name in ("type", "name") if name not in survey.columns]
    if missing:
        problems.append(_cell_where(file, survey.name, "A1")(
            f"survey 工作表的表头缺少 {'、'.join(missing)} 列", f"the survey header lacks the column(s) {', '.join(missing)}"))
        return None
    settings = _xlsform_settings(file, sheets, problems)
    choices = _choice_lists(sheets)
    fields, field_where, formula_where, rules, rule_where = _survey(file, survey, choices, problems)

    def setting(key: str) -> str | None:
        found = settings.get(key)
        if found is None:
            return None
        value = found.value
        return value.strftime("%Y-%m-%d") if isinstance(value, (date, datetime)) else str(value).strip() or None

    def where(key: str) -> _Where | None:
        return settings[key].where if key in settings else None

    title = setting("title_zh")
    if not title:
        problems.append(_cell_where(file, "settings", "A1")("settings 工作表缺少 form_title（表名）",
                                                          "the settings sheet has no form_title"))
    form_number = _settle_form_number(setting("form_number"), where("form_number"), options, file, problems)
    department = _settle_department(setting("department_code"), where("department_code"), options, file, problems)
    found_periods: list[tuple[str, _Where, str]] = []
    period = ""
    if setting("period_type"):
        kind = parse_period_type(setting("period_type"))
        if kind is None:
            problems.append(_unknown_period(settings["period_type"].where, setting("period_type")))
        else:
            found_periods.append((kind, settings["period_type"].where, "settings"))
            period = _settle_period(found_periods, options, file, problems)
    else:
        period = _settle_period(found_periods, options, file, problems)
    valid_until = None
    if setting("valid_until"):
        valid_until = parse_date_text(settings["valid_until"].value)
        if valid_until is None:
            problems.append(settings["valid_until"].where(
                f"有效期限 {_shown(setting('valid_until'))} 不是可识别的日期（如 2027-12-31 或 2027年12月）",
                f"valid_until {_shown_en(setting('valid_until'))} is not a date (such as 2027-12-31 or 2027年12月)"))
    deadline = 10
    if setting("deadline_days"):
        deadline = _parse_deadline(settings["deadline_days"].value, settings["deadline_days"].where, problems) or 0
    filed = "approval_number" in settings and settings["approval_number"].column == "备案文号"
    draft = SpecDraft(form_number=form_number, title_zh=title or "", department_code=department,
                      period_type=period or MONTHLY, title_en=setting("title_en") or "",
                      approval_number=setting("approval_number") or "", approval_kind="备案" if filed else "批准",
                      valid_until=valid_until, purpose=setting("purpose") or "", deadline_days=deadline,
                      fields=fields, rules=rules)
    _check_draft(draft, field_where, rule_where, problems, file, formula_where, syntax_checked=True)
    draft.period_type = period
    return draft


@dataclass(frozen=True)
class _Setting:
    value: Any
    where: _Where
    column: str  # as written in the header (lower case)


def _xlsform_settings(file: str, sheets: dict[str, Any], problems: list[Text]) -> dict[str, _Setting]:
    """form_title, form_id and any top-level key of the schema, by the schema's name."""
    if "settings" not in sheets:
        problems.append(_file_where(file)("XLSForm 缺少 settings 工作表（form_title、form_id）",
                                          "the XLSForm has no settings sheet (form_title, form_id)"))
        return {}
    sheet = _read_sheet(sheets["settings"])
    if sheet is None or not sheet.rows:
        problems.append(_cell_where(file, sheets["settings"].title, "A1")(
            "settings 工作表为空（应有表头行 form_title、form_id 和一行取值）",
            "the settings sheet is empty (a header row form_title, form_id and a row of values)"))
        return {}
    number, values = sheet.rows[0]
    found: dict[str, _Setting] = {}
    title_column = sheet.language_column("form_title", "zh") or "form_title"
    for column in sheet.columns:
        if column.startswith("form_title::") and column != title_column:
            name = "title_en" if _language_of(column.split("::", 1)[1]) == "en" else ""
        elif column == title_column:
            name = "title_zh"
        else:
            name = _XLSFORM_SETTINGS.get(column) or _TOP_ALIASES.get(column, column)
        if name not in _TOP_KEYS or name in ("fields", "rules"):
            continue  # version, default_language, instance_name … mean nothing to a specification
        value = sheet.get(values, column)
        if value is not None and value != "":
            found[name] = _Setting(value, _cell_where(file, sheet.name, sheet.cell(number, column)), column)
    return found


def _choice_lists(sheets: dict[str, Any]) -> set[str] | None:
    if "choices" not in sheets:
        return None
    sheet = _read_sheet(sheets["choices"])
    if sheet is None:
        return set()
    column = "list_name" if "list_name" in sheet.columns else "list name"
    return {str(sheet.get(values, column)) for _, values in sheet.rows if sheet.get(values, column) not in (None, "")}


@dataclass
class _Question:
    key: str
    label: str
    where: _Where
    row: int
    kind: str
    calculation: str | None
    constraint: str | None
    message_zh: str
    message_en: str
    required: bool


def _survey(file: str, survey: _Sheet, choices: set[str] | None, problems: list[Text]
            ) -> tuple[list[FieldDraft], list[_Where], list[_Where], list[RuleDraft], list[_Where]]:
    """Fields, where each is named, where each formula is written, rules, where each is written."""
    label_zh = survey.language_column("label", "zh")
    label_plain = survey.language_column("label", "")
    message_zh = survey.language_column("constraint_message", "zh") or survey.language_column("constraint_message", "")
    message_en = survey.language_column("constraint_message", "en")
    groups: list[tuple[str, int]] = []  # label, row
    questions: list[_Question] = []
    for number, values in survey.rows:
        kind = " ".join(str(survey.get(values, "type") or "").split())
        base = kind.lower().split(" ", 1)[0] if kind else ""
        name = survey.get(values, "name")
        name = "" if name is None else str(name).strip()
        where = _cell_where(file, survey.name, survey.cell(number, "name" if name else "type"))
        label = str(survey.get(values, label_zh) or survey.get(values, label_plain) or "").strip() if (
            label_zh or label_plain) else ""
        if not kind:
            if name or label:
                problems.append(_cell_where(file, survey.name, survey.cell(number, "type"))(
                    "缺少题目类型（type）", "the question type (type) is missing"))
            continue
        lowered = kind.lower()
        if lowered in _GROUP_BEGIN:
            groups.append((label, number))
            continue
        if lowered in _GROUP_END:
            if not groups:
                problems.append(_cell_where(file, survey.name, survey.cell(number, "type"))(
                    "end group 之前没有对应的 begin group", "end group without a begin group"))
            else:
                groups.pop()
            continue
        if base in _SKIPPED_TYPES or lowered in _SKIPPED_TYPES:
            continue
        type_where = _cell_where(file, survey.name, survey.cell(number, "type"))
        if lowered in ("begin repeat", "begin_repeat", "end repeat", "end_repeat"):
            if lowered.startswith("begin"):
                problems.append(type_where("不支持重复组（repeat）：报表按单位汇总填报，请改为固定的题目或台账",
                                           "repeat groups are not supported: a report is one value per unit; "
                                           "use fixed questions or a register"))
            continue
        if base != "calculate" and base not in _VALUE_TYPES:
            problems.append(type_where(f"不支持的题目类型 {_shown(kind)}",
                                       f"unsupported question type {_shown_en(kind)}"))
            continue
        if base in ("select_one", "select_multiple"):
            list_name = kind.split(" ", 1)[1].split(" ")[0] if " " in kind else ""
            if not list_name:
                problems.append(type_where(f"{base} 后应写选项列表名", f"{base} needs a choice list name"))
            elif choices is None:
                problems.append(type_where(f"选项列表 {list_name} 需要 choices 工作表，但没有该工作表",
                                           f"choice list {list_name} needs a choices sheet, and there is none"))
            elif list_name not in choices:
                problems.append(type_where(f"choices 工作表中没有选项列表 {list_name}",
                                           f"the choices sheet has no list {list_name}"))
        if not name:
            problems.append(where("缺少题目名称（name），它将成为字段键", "the question name (name) is missing; it becomes the field key"))
            continue
        required_value = survey.get(values, "required")
        required = _parse_bool(required_value if required_value is not None else "")
        if required is None:
            problems.append(_cell_where(file, survey.name, survey.cell(number, "required"))(
                f"required 应为 yes 或 no，而不是 {_shown(required_value)}",
                f"required must be yes or no, not {_shown_en(required_value)}"))
            required = False
        prefix = "/".join(g for g, _ in groups if g)
        text = label or name
        questions.append(_Question(
            key=name, label=f"{prefix}/{text}" if prefix else text, where=where, row=number, kind=base,
            calculation=_text_or_none(survey.get(values, "calculation")),
            constraint=_text_or_none(survey.get(values, "constraint")),
            message_zh=str(survey.get(values, message_zh) or "").strip() if message_zh else "",
            message_en=str(survey.get(values, message_en) or "").strip() if message_en else "",
            required=required,
        ))
    for label, number in groups:
        problems.append(_cell_where(file, survey.name, survey.cell(number, "type"))(
            f"begin group{f'「{label}」' if label else ''} 没有对应的 end group", "begin group without an end group"))
    names = {q.key for q in questions}
    fields, field_where, formula_where, rules, rule_where = [], [], [], [], []
    for q in questions:
        formula = None
        calculation_where = _cell_where(file, survey.name, survey.cell(q.row, "calculation"))
        if q.kind == "calculate" and q.calculation is not None:
            formula = _xlsform_expression(q.calculation, None, names, calculation_where, problems)
        fields.append(FieldDraft(key=q.key, label_zh=q.label, kind="computed" if q.kind == "calculate" else "element",
                                 formula=formula, required=False if q.kind == "calculate" else q.required,
                                 source=f"{file} {survey.name}!{survey.cell(q.row, 'name')}"))
        field_where.append(q.where)
        formula_where.append(calculation_where)
        if q.constraint is not None:
            where = _cell_where(file, survey.name, survey.cell(q.row, "constraint"))
            expression = _xlsform_expression(q.constraint, q.key, names, where, problems)
            rules.append(RuleDraft(
                expression=expression, severity="error",
                message_zh=q.message_zh or f"「{q.label}」不符合填报要求（{expression}）",
                message_en=q.message_en or (f"{q.key} does not meet its constraint ({expression})" if not q.message_zh else ""),
            ))
            rule_where.append(where)
    return fields, field_where, formula_where, rules, rule_where


def _text_or_none(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


_REFERENCE = re.compile(r"\$\{\s*([^}\s]*)\s*\}")
_CURRENT = re.compile(r"(?<![\w.])\.(?![\w.])")
_DIV = re.compile(r"\bdiv\b")
_MOD = re.compile(r"\bmod\b")
_STRING_LITERAL = re.compile(r"'[^']*'|\"[^\"]*\"")


def _xlsform_expression(text: str, current: str | None, names: set[str], where: _Where,
                        problems: list[Text]) -> str:
    """An XLSForm (XPath) expression in the project's formula language: ${name} -> the key,
    . -> this field's key, div -> /; the result is parsed and given in its canonical form."""
    faults_before = len(problems)
    for match in _REFERENCE.finditer(text):
        if match.group(1) not in names:
            problems.append(where(f"引用了不存在的题目 ${{{match.group(1)}}}",
                                  f"refers to an unknown question ${{{match.group(1)}}}"))
    if _STRING_LITERAL.search(text):
        problems.append(where("报表公式只处理数值，不能使用带引号的文字（如 'yes'）",
                              "report formulas work on numbers; quoted text (such as 'yes') cannot be used"))
    if _MOD.search(text):
        problems.append(where("报表公式没有 mod（取余）运算", "report formulas have no mod (remainder) operator"))
    translated = _REFERENCE.sub(lambda match: match.group(1), text)
    if current is not None:
        translated = _CURRENT.sub(current, translated)
    elif _CURRENT.search(translated):
        problems.append(where("计算公式中不能用 . 指代本题", "a calculation cannot use . for the question itself"))
    translated = " ".join(_DIV.sub("/", translated).split())
    if len(problems) > faults_before:
        return translated
    parsed = _parsed(translated, where, problems)
    return parsed.to_text() if parsed is not None else translated
