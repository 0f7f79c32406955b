from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fillonce.accounts.models import Department
from fillonce.core.db import Base, UTCDateTime

VALUE_TYPES = ("integer", "number", "percent", "text", "boolean", "date", "option_set")
AGGREGATIONS = ("sum", "average", "last", "none")

element_category = Table(
    "element_category",
    Base.metadata,
    Column("element_id", ForeignKey("data_element.id", ondelete="CASCADE"), primary_key=True),
    Column("category_id", ForeignKey("category.id"), primary_key=True),
)


class Category(Base):
    """A disaggregation such as sex or age group, with its options."""

    __tablename__ = "category"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    # [[code, zh, en], ...] in display order.
    options: Mapped[list] = mapped_column(JSON, default=list)

    def ledger_content(self) -> dict:
        return {"code": self.code, "name_zh": self.name_zh, "name_en": self.name_en, "options": self.options}


class DataElement(Base):
    """One datum the city collects, with exactly one owner department (一数一源)."""

    __tablename__ = "data_element"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200), index=True)
    name_en: Mapped[str] = mapped_column(String(200), default="")
    definition_zh: Mapped[str] = mapped_column(Text, default="")
    definition_en: Mapped[str] = mapped_column(Text, default="")
    value_type: Mapped[str] = mapped_column(String(20))
    unit: Mapped[str] = mapped_column(String(20), default="")
    aggregation: Mapped[str] = mapped_column(String(10))
    topic: Mapped[str] = mapped_column(String(40), default="")
    options: Mapped[list] = mapped_column(JSON, default=list)
    # Slowly changing figures (户数, 耕地面积) are prefilled from the previous period for confirmation.
    slowly_changing: Mapped[bool] = mapped_column(Boolean, default=False)
    owner_department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    owner: Mapped[Department] = relationship(lazy="joined")
    aliases: Mapped[list["ElementAlias"]] = relationship(
        cascade="all, delete-orphan", order_by="ElementAlias.alias", lazy="selectin"
    )
    categories: Mapped[list[Category]] = relationship(
        secondary=element_category, order_by="Category.code", lazy="selectin"
    )

    def ledger_content(self) -> dict:
        return {
            "code": self.code, "name_zh": self.name_zh, "name_en": self.name_en,
            "definition_zh": self.definition_zh, "definition_en": self.definition_en,
            "value_type": self.value_type, "unit": self.unit, "aggregation": self.aggregation,
            "topic": self.topic, "options": self.options, "slowly_changing": self.slowly_changing,
            "owner_department_id": self.owner_department_id,
            "aliases": sorted(a.alias for a in self.aliases),
            "categories": sorted(c.code for c in self.categories),
        }


class ElementAlias(Base):
    __tablename__ = "element_alias"
    __table_args__ = (UniqueConstraint("element_id", "alias"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    element_id: Mapped[int] = mapped_column(ForeignKey("data_element.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(200), index=True)
