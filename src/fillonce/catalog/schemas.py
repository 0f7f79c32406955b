from __future__ import annotations

from pydantic import BaseModel, Field


class ElementOut(BaseModel):
    code: str
    name_zh: str
    name_en: str
    definition_zh: str
    value_type: str
    unit: str
    aggregation: str
    topic: str
    owner_department: str
    aliases: list[str]
    categories: list[str]
    options: list[list[str]]

    @classmethod
    def of(cls, element) -> "ElementOut":
        return cls(code=element.code, name_zh=element.name_zh, name_en=element.name_en,
                   definition_zh=element.definition_zh, value_type=element.value_type, unit=element.unit,
                   aggregation=element.aggregation, topic=element.topic, owner_department=element.owner.code,
                   aliases=[a.alias for a in element.aliases], categories=[c.code for c in element.categories],
                   options=element.options)


class ElementIn(BaseModel):
    code: str
    name_zh: str
    value_type: str
    aggregation: str
    owner_department: str
    name_en: str = ""
    definition_zh: str = ""
    unit: str = ""
    topic: str = ""
    aliases: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)
    options: list[tuple[str, str, str]] = Field(default_factory=list)

    def to_input(self):
        from fillonce.catalog.service import ElementInput

        return ElementInput(code=self.code, name_zh=self.name_zh, value_type=self.value_type,
                            aggregation=self.aggregation, owner_department_code=self.owner_department,
                            name_en=self.name_en, definition_zh=self.definition_zh, unit=self.unit, topic=self.topic,
                            aliases=tuple(self.aliases), categories=tuple(self.categories), options=tuple(self.options))
