from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, String
from sqlalchemy.orm import Mapped, mapped_column

from fillonce.core.db import Base, UTCDateTime


class OfficeSetting(Base):
    """A figure the burden-reduction office tunes (answer time, minutes per field type). A key without
    a row has its default from `burden.settings.DEFAULTS`."""

    __tablename__ = "office_setting"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    value: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def ledger_content(self) -> dict:
        return {"key": self.key, "value": self.value}
