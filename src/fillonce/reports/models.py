from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fillonce.accounts.models import Department
from fillonce.core.db import Base, UTCDateTime


class Subscription(Base):
    """A department's standing order for a report, rebuilt for every period once that period closes."""

    __tablename__ = "report_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    form_number: Mapped[str] = mapped_column(String(60))  # follows the spec's published version
    level: Mapped[int] = mapped_column(Integer)
    format: Mapped[str] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    department: Mapped[Department] = relationship(lazy="joined")

    def ledger_content(self) -> dict:
        return {"department_id": self.department_id, "form_number": self.form_number, "level": self.level,
                "format": self.format, "active": self.active}


class BuiltReport(Base):
    """A subscribed report as it was built when its period closed: the exact file, its hash and checkpoint."""

    __tablename__ = "report_built"
    __table_args__ = (UniqueConstraint("subscription_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("report_subscription.id"), index=True)
    period: Mapped[str] = mapped_column(String(12))
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    checkpoint_size: Mapped[int] = mapped_column(BigInteger)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    built_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def ledger_content(self) -> dict:
        return {"subscription_id": self.subscription_id, "period": self.period, "sha256": self.sha256,
                "checkpoint_size": self.checkpoint_size}
