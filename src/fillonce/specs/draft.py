"""A report specification as authored or imported, before it is stored: the importers' common output."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

FIELD_KINDS = ("element", "computed", "register")
SEVERITIES = ("error", "warning")


@dataclass
class FieldDraft:
    key: str  # unique within the spec, ASCII: formulas may use it
    label_zh: str
    kind: str = "element"
    element_code: str | None = None  # the catalogue element; None while it is proposed as new
    category: str | None = None  # a disaggregation (category code such as SEX); None = the total
    formula: str | None = None  # computed fields: an expression over other fields
    unit: str = ""
    required: bool = True
    source: str | None = None  # where it came from, for messages: "file.xlsx Sheet1!C3"


@dataclass
class RuleDraft:
    expression: str  # e.g. "低保人数 >= 低保户数"
    severity: str = "error"  # error blocks submission; warning needs a written explanation
    message_zh: str = ""
    message_en: str = ""


@dataclass
class SpecDraft:
    form_number: str  # 表号
    title_zh: str
    department_code: str  # 制表机关
    period_type: str  # fillonce.periods.ids type name: monthly, quarterly, …
    title_en: str = ""
    approval_number: str = ""  # 批准文号 or 备案文号
    approval_kind: str = "批准"  # 批准 or 备案
    valid_until: date | None = None  # 有效期限
    purpose: str = ""
    deadline_days: int = 10  # days after the period ends
    grace_days: int = 0
    target_level: int | None = 4  # which org units report: a level …
    target_units: tuple[str, ...] = ()  # … or a list of org unit codes
    requires_review: bool = False  # street/township review before the data is final
    fields: list[FieldDraft] = field(default_factory=list)
    rules: list[RuleDraft] = field(default_factory=list)
