"""What the quality checks found, what they expected, and who explained a finding.

Findings and form statuses are made by the checks and can be rebuilt from the data at any time, so
they are not ledgered row by row (each run is one `quality.run` entry with its counts); an
explanation is a person's statement and is ledgered.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fillonce.core.db import Base, UTCDateTime

KINDS = ("omission", "late", "duplicate", "false", "concealment")
STATUSES = ("open", "explained", "cleared")


class Finding(Base):
    """One problem the checks found for a unit and period; re-running the checks updates it in place."""

    __tablename__ = "quality_finding"
    __table_args__ = (Index("ix_quality_finding_period_kind", "period", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # SHA-256 of what identifies the problem (sub-kind, unit, period, element, rule…), never of its figures.
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    sub_kind: Mapped[str] = mapped_column(String(32))
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"), index=True)  # None: a whole register
    period: Mapped[str] = mapped_column(String(12))
    element_id: Mapped[int | None] = mapped_column(ForeignKey("data_element.id"))
    spec_id: Mapped[int | None] = mapped_column(ForeignKey("spec.id"))
    # The department whose spec, element or register it concerns: its staff see and explain it.
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    message_zh: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict] = mapped_column(JSON, default=dict)  # figures and masked identities only
    status: Mapped[str] = mapped_column(String(12), default="open")
    cleared_on: Mapped[date | None] = mapped_column(Date)  # the run that no longer found it
    first_found: Mapped[datetime] = mapped_column(UTCDateTime)
    last_found: Mapped[datetime] = mapped_column(UTCDateTime)


class Explanation(Base):
    """Why a finding is not a problem (or what was done about it), by an official, department or office."""

    __tablename__ = "quality_explanation"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("quality_finding.id"), unique=True)
    note: Mapped[str] = mapped_column(Text)
    explained_by: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)

    def ledger_content(self) -> dict:
        return {"finding_id": self.finding_id, "note": self.note, "explained_by": self.explained_by}


class FormStatus(Base):
    """A spec a unit owed for a period, and whether its one form was submitted, on time: the rates' base."""

    __tablename__ = "quality_form_status"
    __table_args__ = (UniqueConstraint("period", "org_unit_id", "spec_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(12), index=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    spec_id: Mapped[int] = mapped_column(ForeignKey("spec.id"))
    due: Mapped[date] = mapped_column(Date)
    submitted: Mapped[bool] = mapped_column(Boolean, default=False)
    on_time: Mapped[bool] = mapped_column(Boolean, default=False)
