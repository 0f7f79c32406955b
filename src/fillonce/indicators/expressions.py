"""What an indicator means, as SQL over register records and as a formula over other figures.

Record filters become one SQL condition on ``register_record`` (sex, status, age at the period's end from
the birth date, attribute values). Ratios and formulas use the specs' safe formula language
(`fillonce.specs.formulas`) with indicator and element codes as names; DHIS2's ``#{CODE}`` is accepted
too and means the same as ``[CODE]``.
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import and_, true
from sqlalchemy.sql.elements import ColumnElement

from fillonce.indicators.models import ACTIVE_STATUSES, Indicator
from fillonce.registers.models import RegisterRecord
from fillonce.specs import formulas

_DHIS2_NAME = re.compile(r"#\{\s*([^{}]+?)\s*\}")
SEXES = {"M": ("男", "male"), "F": ("女", "female")}


def age_cutoff(end: date, years: int) -> date:
    """The latest birth date of a person aged `years` or more on `end` (born 29 February: 28 February)."""
    year = end.year - years
    try:
        return end.replace(year=year)
    except ValueError:  # end is 29 February and `year` is no leap year
        return date(year, 2, 28)


def attribute_text(code: str) -> ColumnElement:
    """A record's attribute (element code -> text) as SQL text, on SQLite and PostgreSQL alike."""
    return RegisterRecord.attributes[code].as_string()


def current_at(register_id: int, end: date) -> ColumnElement:
    """Records of the register that count for a period ending on `end`: added by then, not yet removed."""
    return and_(RegisterRecord.register_id == register_id, RegisterRecord.added_on <= end,
                (RegisterRecord.removed_on.is_(None)) | (RegisterRecord.removed_on > end))


def record_condition(indicator: Indicator, end: date) -> ColumnElement:
    """The indicator's filters over one current record, at the period ending on `end`."""
    filters = indicator.filters or {}
    parts = [RegisterRecord.status.in_(filters.get("statuses") or ACTIVE_STATUSES)]
    if filters.get("sex"):
        parts.append(RegisterRecord.sex == filters["sex"])
    if filters.get("age_min") is not None:
        parts.append(RegisterRecord.birth_date <= age_cutoff(end, int(filters["age_min"])))
    if filters.get("age_below") is not None:
        parts.append(RegisterRecord.birth_date > age_cutoff(end, int(filters["age_below"])))
    for code, values in sorted((filters.get("attributes") or {}).items()):
        parts.append(attribute_text(code).in_(list(values)))
    return and_(true(), *parts)


def formula_text(indicator: Indicator) -> str:
    """The formula a derived indicator evaluates (a ratio is numerator / denominator × factor)."""
    if indicator.kind == "ratio":
        scaled = "" if indicator.factor == 1 else f" * {indicator.factor:g}"
        return f"[{indicator.numerator}] / [{indicator.denominator}]{scaled}"
    return _DHIS2_NAME.sub(lambda m: f"[{m.group(1)}]", indicator.formula or "")


def parsed(indicator: Indicator) -> formulas.Formula:
    """The parsed formula of a ratio or formula indicator; a fault raises FormulaError naming the indicator."""
    return formulas.parse(formula_text(indicator), field_name=indicator.code)


def describe(indicator: Indicator) -> str:
    """One line in Chinese saying where the figure comes from and how: shown beside every computed value."""
    if indicator.kind in ("ratio", "formula"):
        return f"{'比率' if indicator.kind == 'ratio' else '公式'}：{parsed(indicator).to_text()}"
    register = indicator.register
    source = f"{register.name_zh}（{register.code}，{register.department.name_zh}）" if register else "—"
    what = {"count": "记录数", "sum": f"{indicator.attribute} 之和",
            "distinct": f"不同 {indicator.attribute} 的个数"}[indicator.kind]
    return f"{source}：{what}，{'；'.join(filter_phrases(indicator.filters or {}))}；以报告期末为准"


def filter_phrases(filters: dict) -> list[str]:
    statuses = filters.get("statuses") or []
    phrases = [f"状态为 {'、'.join(statuses)}" if statuses else "状态有效"]
    if filters.get("sex"):
        phrases.append(f"性别{SEXES[filters['sex']][0]}")
    low, below = filters.get("age_min"), filters.get("age_below")
    if low is not None and below is not None:
        phrases.append(f"{low} 至 {below} 周岁以下")
    elif low is not None:
        phrases.append(f"{low} 周岁及以上")
    elif below is not None:
        phrases.append(f"{below} 周岁以下")
    for code, values in sorted((filters.get("attributes") or {}).items()):
        phrases.append(f"{code} 为 {'、'.join(values)}")
    return phrases
