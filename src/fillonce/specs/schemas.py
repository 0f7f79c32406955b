"""The JSON shapes of report specifications in the API: a SpecDraft going in, a stored Spec coming out."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from fillonce.specs.draft import FieldDraft, RuleDraft, SpecDraft
from fillonce.specs.models import STATUS_LABELS, Spec


class FieldIn(BaseModel):
    key: str = Field(description="unique within the spec, ASCII; formulas may use it")
    label_zh: str
    kind: str = Field("element", description="element | computed | register")
    element_code: str | None = Field(None, description="the catalogue element; null proposes a new one")
    category: str | None = Field(None, description="a disaggregation category code such as SEX; null = total")
    formula: str | None = Field(None, description="computed fields: an expression over other fields")
    unit: str = ""
    required: bool = True

    def to_draft(self) -> FieldDraft:
        return FieldDraft(key=self.key, label_zh=self.label_zh, kind=self.kind, element_code=self.element_code or None,
                          category=self.category or None, formula=self.formula or None, unit=self.unit,
                          required=self.required)


class RuleIn(BaseModel):
    expression: str = Field(description="审核公式, e.g. DIBAO_P >= DIBAO_H")
    severity: str = Field("error", description="error blocks submission; warning needs an explanation")
    message_zh: str = ""
    message_en: str = ""

    def to_draft(self) -> RuleDraft:
        return RuleDraft(self.expression, self.severity, self.message_zh, self.message_en)


class SpecIn(BaseModel):
    """A report specification as its author writes it (the same shape the YAML import reads)."""

    form_number: str = Field(description="表号")
    title_zh: str
    department_code: str = Field(description="制表机关")
    period_type: str = Field(description="daily | weekly | monthly | quarterly | six_monthly | yearly")
    title_en: str = ""
    approval_number: str = Field("", description="批准文号 or 备案文号")
    approval_kind: str = Field("批准", description="批准 or 备案")
    valid_until: date | None = Field(None, description="有效期限")
    purpose: str = ""
    deadline_days: int = Field(10, description="days after the period ends")
    grace_days: int = 0
    target_level: int | None = Field(4, description="the level of org units that report …")
    target_units: list[str] = Field(default_factory=list, description="… or a list of org unit codes")
    requires_review: bool = False
    fields: list[FieldIn] = Field(default_factory=list)
    rules: list[RuleIn] = Field(default_factory=list)

    def to_draft(self) -> SpecDraft:
        return SpecDraft(
            form_number=self.form_number, title_zh=self.title_zh, department_code=self.department_code,
            period_type=self.period_type, title_en=self.title_en, approval_number=self.approval_number,
            approval_kind=self.approval_kind, valid_until=self.valid_until, purpose=self.purpose,
            deadline_days=self.deadline_days, grace_days=self.grace_days, target_level=self.target_level,
            target_units=tuple(self.target_units), requires_review=self.requires_review,
            fields=[f.to_draft() for f in self.fields], rules=[r.to_draft() for r in self.rules])


class NoteIn(BaseModel):
    note: str = Field("", description="the office's note; required when returning a spec")


class ReasonIn(BaseModel):
    reason: str = Field("", description="why the spec is retired")


class ResolveIn(BaseModel):
    key: str = Field(description="the field's key")
    element_code: str | None = Field(None, description="reuse this catalogue element …")
    distinct_reason: str = Field("", description="… or say why the field differs from the suggested one")


class SpecSummary(BaseModel):
    id: int
    form_number: str
    version: int
    title_zh: str
    title_en: str
    department_code: str
    department_name: str
    period_type: str
    status: str
    status_label: str
    fields_count: int
    updated_at: datetime

    @classmethod
    def of(cls, spec: Spec) -> SpecSummary:
        return cls(id=spec.id, form_number=spec.form_number, version=spec.version, title_zh=spec.title_zh,
                   title_en=spec.title_en, department_code=spec.department.code,
                   department_name=spec.department.name_zh, period_type=spec.period_type, status=spec.status,
                   status_label=STATUS_LABELS[spec.status][0], fields_count=len(spec.fields),
                   updated_at=spec.updated_at)


class FieldOut(BaseModel):
    key: str
    label_zh: str
    kind: str
    element_code: str | None
    element_owner: str | None
    category: str | None
    formula: str | None
    unit: str
    required: bool
    mode: str
    distinct_reason: str


class RuleOut(BaseModel):
    expression: str
    severity: str
    message_zh: str
    message_en: str


class SpecOut(SpecSummary):
    purpose: str
    approval_kind: str
    approval_number: str
    valid_until: date | None
    deadline_days: int
    grace_days: int
    target_level: int | None
    target_units: list[str]
    requires_review: bool
    office_note: str
    fields: list[FieldOut]
    rules: list[RuleOut]
    gate_report: dict = Field(description="the duplicate check made at submission and publication: a verdict "
                                          "per field (same, duplicate, new, computed), blockers, burden")

    @classmethod
    def of(cls, spec: Spec) -> SpecOut:
        summary = SpecSummary.of(spec).model_dump()
        return cls(
            **summary, purpose=spec.purpose, approval_kind=spec.approval_kind,
            approval_number=spec.approval_number, valid_until=spec.valid_until, deadline_days=spec.deadline_days,
            grace_days=spec.grace_days, target_level=spec.target_level, target_units=list(spec.target_units or []),
            requires_review=spec.requires_review, office_note=spec.office_note or "",
            fields=[FieldOut(key=f.key, label_zh=f.label_zh, kind=f.kind,
                             element_code=f.element.code if f.element else None,
                             element_owner=f.element.owner.code if f.element else None, category=f.category,
                             formula=f.formula, unit=f.unit, required=f.required, mode=f.mode,
                             distinct_reason=f.distinct_reason or "") for f in spec.fields],
            rules=[RuleOut(expression=r.expression, severity=r.severity, message_zh=r.message_zh,
                           message_en=r.message_en) for r in spec.rules],
            gate_report=spec.gate_report or {})
