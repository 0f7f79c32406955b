from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from fillonce.core.db import Base, UTCDateTime


class DataValue(Base):
    """One datum: an element (and disaggregation option) for one org unit and period.

    Its history is the ledger; this row is only the current value.
    """

    __tablename__ = "data_value"
    __table_args__ = (
        UniqueConstraint("org_unit_id", "period", "element_id", "category_option"),
        Index("ix_data_value_element_period", "element_id", "period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    element_id: Mapped[int] = mapped_column(ForeignKey("data_element.id"))
    category_option: Mapped[str] = mapped_column(String(32), default="")  # "" = the total
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    period: Mapped[str] = mapped_column(String(12))
    value: Mapped[str] = mapped_column(Text)  # canonical text of the typed value
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def ledger_content(self) -> dict:
        return {"element_id": self.element_id, "category_option": self.category_option,
                "org_unit_id": self.org_unit_id, "period": self.period, "value": self.value}


class Submission(Base):
    """A unit's one form for a period, submitted: its values count from then on; edits need a reason."""

    __tablename__ = "submission"
    __table_args__ = (UniqueConstraint("org_unit_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    period: Mapped[str] = mapped_column(String(12))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_by: Mapped[int] = mapped_column(ForeignKey("account.id"))
    explanations: Mapped[dict] = mapped_column(JSON, default=dict)  # 上报说明 per warning rule
    # What exactly was submitted: SHA-256 of a secret nonce and the values. The ledger shows only the
    # hash; the reporter's receipt carries the nonce and the values, so only they can show what it covers.
    values_hash: Mapped[str] = mapped_column(String(64))
    nonce: Mapped[str] = mapped_column(String(64))
    late: Mapped[bool] = mapped_column(Boolean, default=False)  # after the deadline (within grace or reopened)
    # final: the data counts; awaiting_review: a spec asks the street to review first; returned: to correct.
    status: Mapped[str] = mapped_column(String(16), default="final")
    review_comment: Mapped[str] = mapped_column(Text, default="")

    def ledger_content(self) -> dict:
        return {"org_unit_id": self.org_unit_id, "period": self.period, "submitted_by": self.submitted_by,
                "explanations": self.explanations, "values_hash": self.values_hash, "late": self.late,
                "status": self.status, "review_comment": self.review_comment}


class Reopening(Base):
    """A closed period opened again for one unit by a department that asks its form, until a date."""

    __tablename__ = "reopening"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    period: Mapped[str] = mapped_column(String(12))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    reason: Mapped[str] = mapped_column(Text)
    until: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(UTCDateTime)

    def ledger_content(self) -> dict:
        return {"org_unit_id": self.org_unit_id, "period": self.period, "department_id": self.department_id,
                "reason": self.reason, "until": self.until.isoformat()}
