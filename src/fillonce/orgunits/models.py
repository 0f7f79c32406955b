from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from fillonce.core.db import Base

LEVEL_NAMES = {1: ("市", "City"), 2: ("区/县", "District/County"), 3: ("街道/乡镇", "Street/Township"),
               4: ("社区/村", "Community/Village")}


class OrgUnit(Base):
    __tablename__ = "org_unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    level: Mapped[int] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"), index=True)
    # Materialised path of ids ("/1/7/42/"): a subtree is one indexed prefix query.
    path: Mapped[str] = mapped_column(String(400), index=True)
    opened_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)

    def is_open_on(self, day: date) -> bool:
        return self.opened_on <= day and (self.closed_on is None or day < self.closed_on)

    def contains(self, other: "OrgUnit") -> bool:
        return other.path.startswith(self.path)

    def ledger_content(self) -> dict:
        return {
            "code": self.code, "name_zh": self.name_zh, "name_en": self.name_en, "level": self.level,
            "parent_id": self.parent_id, "path": self.path, "opened_on": self.opened_on.isoformat(),
            "closed_on": self.closed_on.isoformat() if self.closed_on else None,
        }
