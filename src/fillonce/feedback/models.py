from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fillonce.accounts.models import Account, Department
from fillonce.core.db import Base, UTCDateTime
from fillonce.orgunits.models import OrgUnit
from fillonce.specs.models import Spec

SUBJECTS = {"spec": ("报表", "A spec"), "field": ("报表中的字段", "A field of a spec"),
            "deadline": ("报送期限", "A deadline"), "system": ("系统", "The system"), "policy": ("政策", "A policy")}
KINDS = {"duplicate": ("重复填报", "Duplicate request"), "unclear": ("口径不清", "Unclear definition"),
         "frequent": ("频次过高", "Too frequent"), "deadline": ("时限过短", "Deadline too short"),
         "given_elsewhere": ("已在别处报过", "Data already given elsewhere"),
         "system": ("系统问题", "System problem"), "suggestion": ("意见建议", "Suggestion")}
STATUSES = {"open": ("待答复", "Open"), "answered": ("已答复", "Answered"), "reopened": ("再次提出", "Reopened"),
            "closed": ("已办结", "Closed")}
WAITING = ("open", "reopened")  # statuses in which the owning department owes an answer


class Feedback(Base):
    """One piece of feedback. The owning department is the spec's; system and policy feedback has none
    (the burden-reduction office answers it)."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(12))
    kind: Mapped[str] = mapped_column(String(20))
    spec_id: Mapped[int | None] = mapped_column(ForeignKey("spec.id"), index=True)
    field_key: Mapped[str | None] = mapped_column(String(64))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"), index=True)
    raised_by: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), index=True)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_spec_id: Mapped[int | None] = mapped_column(ForeignKey("spec.id"))  # the new version it led to
    retired_field: Mapped[str | None] = mapped_column(String(64))  # a field that version no longer asks
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    reopen_reason: Mapped[str] = mapped_column(Text, default="")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    spec: Mapped[Spec | None] = relationship(foreign_keys=[spec_id], lazy="joined")
    resolved_spec: Mapped[Spec | None] = relationship(foreign_keys=[resolved_spec_id], lazy="joined")
    department: Mapped[Department | None] = relationship(lazy="joined")
    org_unit: Mapped[OrgUnit | None] = relationship(lazy="joined")
    sender: Mapped[Account] = relationship(foreign_keys=[raised_by], lazy="joined")

    @property
    def led_to_change(self) -> bool:
        return self.resolved_spec_id is not None

    def ledger_content(self) -> dict:
        # Only a salted digest reaches the ledger: the body and the sender never appear in clear there.
        return {
            "subject": self.subject, "kind": self.kind, "spec_id": self.spec_id, "field_key": self.field_key,
            "department_id": self.department_id, "org_unit_id": self.org_unit_id, "raised_by": self.raised_by,
            "hidden": self.hidden, "body": self.body, "status": self.status, "due_at": self.due_at.isoformat(),
            "answer": self.answer, "answered_by": self.answered_by, "resolved_spec_id": self.resolved_spec_id,
            "retired_field": self.retired_field, "reopen_count": self.reopen_count,
            "reopen_reason": self.reopen_reason,
        }
