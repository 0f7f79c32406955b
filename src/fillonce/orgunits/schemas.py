from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict


class OrgUnitOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name_zh: str
    name_en: str
    level: int
    path: str
    opened_on: date
    closed_on: date | None


class OrgUnitCreate(BaseModel):
    code: str
    name_zh: str
    name_en: str = ""
    parent_code: str | None = None
    opened_on: date = date(2000, 1, 1)
