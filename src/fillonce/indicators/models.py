"""Indicators (不报统计): figures the system computes from registers and existing data, never asked.

An indicator counts, sums or distinct-counts a register's records that are current at a period's end
(with filters on sex, status, age at the period's end and attribute values), or derives a figure from
other indicators and data elements (a ratio, or a formula). An indicator may answer a catalogue element:
a spec field bound to that element is then computed, not asked of the grassroots.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fillonce.accounts.models import Department
from fillonce.catalog.models import DataElement
from fillonce.core.db import Base, UTCDateTime
from fillonce.registers.models import Register

RECORD_KINDS = ("count", "sum", "distinct")  # over one register's records
DERIVED_KINDS = ("ratio", "formula")  # over other indicators and data elements, recomputed at every level
KINDS = RECORD_KINDS + DERIVED_KINDS
KIND_LABELS = {"count": ("计数", "Count"), "sum": ("求和", "Sum"), "distinct": ("去重计数", "Distinct count"),
               "ratio": ("比率", "Ratio"), "formula": ("公式", "Formula")}
ACTIVE_STATUSES = ("", "active")  # a record with no status, or "active", is current


class Indicator(Base):
    __tablename__ = "indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    description_zh: Mapped[str] = mapped_column(Text, default="")
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    # The catalogue element this indicator answers; a spec field bound to it is computed, not asked.
    element_id: Mapped[int | None] = mapped_column(ForeignKey("data_element.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    register_id: Mapped[int | None] = mapped_column(ForeignKey("register.id"), index=True)
    # Record filters: {"sex": "F", "statuses": [...], "age_min": 60, "age_below": 80,
    # "attributes": {"TEKUN_MODE": ["central"]}}; ages are whole years at the period's end.
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
    attribute: Mapped[str] = mapped_column(String(64), default="")  # summed or distinct-counted element code
    numerator: Mapped[str] = mapped_column(String(64), default="")  # ratio: indicator or element codes
    denominator: Mapped[str] = mapped_column(String(64), default="")
    factor: Mapped[float] = mapped_column(Float, default=1.0)
    formula: Mapped[str] = mapped_column(Text, default="")  # formula: over indicator and element codes
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    department: Mapped[Department] = relationship(lazy="joined")
    element: Mapped[DataElement | None] = relationship(lazy="joined")
    register: Mapped[Register | None] = relationship(lazy="joined")

    def ledger_content(self) -> dict:
        return {"code": self.code, "name_zh": self.name_zh, "name_en": self.name_en,
                "description_zh": self.description_zh, "department_id": self.department_id,
                "element_id": self.element_id, "kind": self.kind, "register_id": self.register_id,
                "filters": self.filters, "attribute": self.attribute, "numerator": self.numerator,
                "denominator": self.denominator, "factor": float(self.factor), "formula": self.formula}
