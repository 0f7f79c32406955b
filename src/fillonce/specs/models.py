from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fillonce.accounts.models import Department
from fillonce.catalog.models import DataElement
from fillonce.core.db import Base, UTCDateTime

STATUSES = ("draft", "submitted", "approved", "published", "retired")
STATUS_LABELS = {"draft": ("草稿", "Draft"), "submitted": ("待审核", "Submitted"), "approved": ("已批准", "Approved"),
                 "published": ("已发布", "Published"), "retired": ("已停用", "Retired")}


class Spec(Base):
    """One version of a department's report specification (报表规范). Published versions never change."""

    __tablename__ = "spec"
    __table_args__ = (UniqueConstraint("form_number", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    form_number: Mapped[str] = mapped_column(String(60))  # 表号
    version: Mapped[int] = mapped_column(Integer)
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    purpose: Mapped[str] = mapped_column(Text, default="")
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)  # 制表机关
    approval_kind: Mapped[str] = mapped_column(String(10), default="批准")
    approval_number: Mapped[str] = mapped_column(String(100), default="")  # 批准文号 / 备案文号
    valid_until: Mapped[date | None] = mapped_column(Date)  # 有效期限
    period_type: Mapped[str] = mapped_column(String(20))
    deadline_days: Mapped[int] = mapped_column(Integer)
    grace_days: Mapped[int] = mapped_column(Integer, default=0)
    target_level: Mapped[int | None] = mapped_column(Integer)
    target_units: Mapped[list] = mapped_column(JSON, default=list)
    requires_review: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(12), index=True)
    gate_report: Mapped[dict] = mapped_column(JSON, default=dict)  # the duplicate check at submission
    office_note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    department: Mapped[Department] = relationship(lazy="joined")
    fields: Mapped[list["SpecField"]] = relationship(cascade="all, delete-orphan", order_by="SpecField.position",
                                                     lazy="selectin")
    rules: Mapped[list["SpecRule"]] = relationship(cascade="all, delete-orphan", order_by="SpecRule.position",
                                                   lazy="selectin")

    def ledger_content(self) -> dict:
        return {
            "form_number": self.form_number, "version": self.version, "title_zh": self.title_zh,
            "title_en": self.title_en, "purpose": self.purpose, "department_id": self.department_id,
            "approval_kind": self.approval_kind, "approval_number": self.approval_number,
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "period_type": self.period_type, "deadline_days": self.deadline_days, "grace_days": self.grace_days,
            "target_level": self.target_level, "target_units": self.target_units,
            "requires_review": self.requires_review, "status": self.status, "office_note": self.office_note,
            "fields": [f.content() for f in self.fields], "rules": [r.content() for r in self.rules],
        }


class SpecField(Base):
    __tablename__ = "spec_field"
    __table_args__ = (UniqueConstraint("spec_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    spec_id: Mapped[int] = mapped_column(ForeignKey("spec.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(64))
    label_zh: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(12))  # element | computed | register
    element_id: Mapped[int | None] = mapped_column(ForeignKey("data_element.id"), index=True)
    category: Mapped[str | None] = mapped_column(String(32))
    formula: Mapped[str | None] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(20), default="")
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    # ask: the grassroots unit fills it in; reuse: another published spec already collects it.
    mode: Mapped[str] = mapped_column(String(8), default="ask")
    # A field with no element proposes a new one; `distinct_reason` records why it is not a duplicate.
    distinct_reason: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(200), default="")

    element: Mapped[DataElement | None] = relationship(lazy="joined")

    def content(self) -> dict:
        """Part of its spec's ledger content; a field is never recorded on its own."""
        return {"key": self.key, "label_zh": self.label_zh, "kind": self.kind, "element_id": self.element_id,
                "category": self.category, "formula": self.formula, "unit": self.unit, "required": self.required,
                "mode": self.mode, "distinct_reason": self.distinct_reason}


class SpecRule(Base):
    __tablename__ = "spec_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    spec_id: Mapped[int] = mapped_column(ForeignKey("spec.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    expression: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(8))
    message_zh: Mapped[str] = mapped_column(Text, default="")
    message_en: Mapped[str] = mapped_column(Text, default="")

    def content(self) -> dict:
        return {"expression": self.expression, "severity": self.severity, "message_zh": self.message_zh,
                "message_en": self.message_en}
