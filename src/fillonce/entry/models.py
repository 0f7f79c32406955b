from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
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
