"""The data-element catalogue (一数一源): one code, one definition, one owner department per datum."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from fillonce.accounts.models import Department
from fillonce.accounts.permissions import Actor, authorize, can
from fillonce.catalog.models import (
    AGGREGATIONS,
    VALUE_TYPES,
    Category,
    DataElement,
    ElementAlias,
)
from fillonce.core.db import utcnow
from fillonce.core.errors import Conflict, NotFound, ValidationError
from fillonce.core.i18n import Text
from fillonce.core.iterate import batched
from fillonce.core.tables import Row
from fillonce.core.writepath import write_service
from fillonce.ledger import log

CODE_PATTERN = re.compile(r"^[A-Z][A-Z0-9_]{1,63}$")
ALIAS_SEPARATORS = re.compile(r"[;；,，、|]")
IMPORT_COLUMNS = {"代码": "code", "编码": "code", "名称": "name_zh", "中文名称": "name_zh", "英文名称": "name_en",
                  "定义": "definition_zh", "值类型": "value_type", "类型": "value_type", "计量单位": "unit",
                  "单位": "unit", "汇总方式": "aggregation", "主题": "topic", "责任部门": "owner",
                  "责任部门代码": "owner", "别名": "aliases", "分组": "categories"}


@dataclass(frozen=True)
class ElementInput:
    code: str
    name_zh: str
    value_type: str
    aggregation: str
    owner_department_code: str
    name_en: str = ""
    definition_zh: str = ""
    definition_en: str = ""
    unit: str = ""
    topic: str = ""
    aliases: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    options: tuple[tuple[str, str, str], ...] = field(default=())
    slowly_changing: bool = False


# ---- queries -------------------------------------------------------------------------------------

def get(db: Session, code: str) -> DataElement:
    element = db.scalar(select(DataElement).where(DataElement.code == code))
    if element is None:
        raise NotFound(Text(f"目录中没有代码为 {code} 的数据元", f"no data element with code {code}"))
    return element


def search(db: Session, text: str = "", department_code: str | None = None, topic: str | None = None,
           limit: int = 200) -> list[DataElement]:
    """By code, Chinese or English name, or any alias."""
    query = select(DataElement)
    if text.strip():
        pattern = f"%{text.strip()}%"
        alias_hit = select(ElementAlias.element_id).where(ElementAlias.alias.like(pattern))
        query = query.where(or_(DataElement.code.ilike(pattern), DataElement.name_zh.like(pattern),
                                DataElement.name_en.ilike(pattern), DataElement.id.in_(alias_hit)))
    if department_code:
        query = query.join(Department, DataElement.owner_department_id == Department.id).where(
            Department.code == department_code)
    if topic:
        query = query.where(DataElement.topic == topic)
    return list(db.scalars(query.order_by(DataElement.topic, DataElement.code).limit(limit)))


def element_counts_by_department(db: Session) -> dict[int, int]:
    return dict(db.execute(select(DataElement.owner_department_id, func.count()).group_by(
        DataElement.owner_department_id)).all())


def topics(db: Session) -> list[str]:
    return [t for t in db.scalars(select(DataElement.topic).distinct().order_by(DataElement.topic)) if t]


def categories(db: Session) -> list[Category]:
    return list(db.scalars(select(Category).order_by(Category.code)))


# ---- validation ----------------------------------------------------------------------------------

def _problems(data: ElementInput, where: Text) -> list[Text]:
    problems = []

    def bad(zh: str, en: str) -> None:
        problems.append(Text(f"{where.zh}：{zh}", f"{where.en}: {en}"))

    if not CODE_PATTERN.match(data.code or ""):
        bad(f"代码 {data.code!r} 无效（大写字母开头，大写字母、数字或 _，最长 64 位）",
            f"code {data.code!r} is invalid (an upper-case letter, then upper-case letters, digits or _, at most 64)")
    if not (data.name_zh or "").strip():
        bad("缺少中文名称", "the Chinese name is missing")
    if data.value_type not in VALUE_TYPES:
        bad(f"值类型 {data.value_type!r} 无效，应为 {'、'.join(VALUE_TYPES)}",
            f"value type {data.value_type!r} is invalid; use one of {', '.join(VALUE_TYPES)}")
    if data.aggregation not in AGGREGATIONS:
        bad(f"汇总方式 {data.aggregation!r} 无效，应为 {'、'.join(AGGREGATIONS)}",
            f"aggregation {data.aggregation!r} is invalid; use one of {', '.join(AGGREGATIONS)}")
    if data.value_type in {"text", "date", "boolean", "option_set"} and data.aggregation in {"sum", "average"}:
        bad(f"{data.value_type} 类型的数据不能按 {data.aggregation} 汇总",
            f"a {data.value_type} element cannot aggregate by {data.aggregation}")
    if data.value_type == "option_set" and not data.options:
        bad("选项集类型需要至少一个选项", "an option set needs at least one option")
    if not (data.owner_department_code or "").strip():
        bad("缺少责任部门（每个数据元必须有且只有一个责任部门）",
            "the owner department is missing (every element has exactly one)")
    return problems


def _resolve(db: Session, data: ElementInput, where: Text) -> tuple[Department, list[Category]]:
    owner = db.scalar(select(Department).where(Department.code == data.owner_department_code))
    if owner is None:
        raise ValidationError(Text(f"{where.zh}：责任部门 {data.owner_department_code} 不存在",
                                   f"{where.en}: owner department {data.owner_department_code} does not exist"))
    found = {c.code: c for c in db.scalars(select(Category).where(Category.code.in_(data.categories)))}
    missing = [c for c in data.categories if c not in found]
    if missing:
        raise ValidationError(Text(f"{where.zh}：分组 {'、'.join(missing)} 不存在",
                                   f"{where.en}: categories {', '.join(missing)} do not exist"))
    return owner, [found[c] for c in data.categories]


def _clean_aliases(data: ElementInput) -> list[str]:
    return sorted({a.strip() for a in data.aliases if a.strip() and a.strip() != data.name_zh.strip()})


# ---- the write path ------------------------------------------------------------------------------

@write_service
def create_category(db: Session, actor: Actor, code: str, name_zh: str, name_en: str,
                    options: Sequence[tuple[str, str, str]]) -> Category:
    authorize(actor, "catalog.manage_categories")
    if db.scalar(select(Category.id).where(Category.code == code)):
        raise Conflict(Text(f"分组代码 {code} 已被使用", f"category code {code} is already used"))
    if not options:
        raise ValidationError(Text(f"分组 {code}：至少需要一个选项", f"category {code}: needs at least one option"))
    category = Category(code=code, name_zh=name_zh, name_en=name_en, options=[list(o) for o in options])
    db.add(category)
    log.record(db, actor, "catalog.category_create", category)
    return category


def _new_element(data: ElementInput, owner: Department, cats: list[Category]) -> DataElement:
    return DataElement(
        code=data.code, name_zh=data.name_zh.strip(), name_en=data.name_en.strip(),
        definition_zh=data.definition_zh.strip(), definition_en=data.definition_en.strip(),
        value_type=data.value_type, unit=data.unit.strip(), aggregation=data.aggregation, topic=data.topic.strip(),
        options=[list(o) for o in data.options], slowly_changing=data.slowly_changing, owner=owner, categories=cats,
        aliases=[ElementAlias(alias=a) for a in _clean_aliases(data)], updated_at=utcnow(),
    )


@write_service
def create(db: Session, actor: Actor, data: ElementInput) -> DataElement:
    where = Text(f"数据元 {data.code}", f"element {data.code}")
    problems = _problems(data, where)
    if problems:
        raise ValidationError(problems)
    owner, cats = _resolve(db, data, where)
    authorize(actor, "catalog.create", owner)
    if db.scalar(select(DataElement.id).where(DataElement.code == data.code)):
        raise Conflict(Text(f"数据元代码 {data.code} 已被使用", f"element code {data.code} is already used"))
    element = _new_element(data, owner, cats)
    db.add(element)
    log.record(db, actor, "catalog.create", element)
    return element


@write_service
def update(db: Session, actor: Actor, code: str, data: ElementInput, reason: str = "") -> DataElement:
    """Renaming or redefining keeps the code; the owner can change only by the office's decision."""
    element = get(db, code)
    authorize(actor, "catalog.update", element)
    data = replace(data, code=code)
    where = Text(f"数据元 {code}", f"element {code}")
    problems = _problems(data, where)
    if problems:
        raise ValidationError(problems)
    owner, cats = _resolve(db, data, where)
    if owner.id != element.owner_department_id:
        authorize(actor, "catalog.manage_categories")  # only the steward reassigns ownership
    fresh = _new_element(data, owner, cats)
    for name in ("name_zh", "name_en", "definition_zh", "definition_en", "value_type", "unit", "aggregation",
                 "topic", "options", "slowly_changing", "owner", "categories"):
        setattr(element, name, getattr(fresh, name))
    wanted = set(_clean_aliases(data))
    element.aliases = [a for a in element.aliases if a.alias in wanted] + [
        ElementAlias(alias=a) for a in sorted(wanted - {a.alias for a in element.aliases})]
    element.updated_at = utcnow()
    log.record(db, actor, "catalog.update", element, reason=reason or None)
    return element


def _row_input(row: Row) -> ElementInput:
    v = row.values

    def text(name: str) -> str:
        return str(v.get(name) or "").strip()

    return ElementInput(
        code=text("code"), name_zh=text("name_zh"), name_en=text("name_en"), value_type=text("value_type"),
        aggregation=text("aggregation") or "none", owner_department_code=text("owner"),
        definition_zh=text("definition_zh"), unit=text("unit"), topic=text("topic"),
        aliases=tuple(ALIAS_SEPARATORS.split(text("aliases"))) if text("aliases") else (),
        categories=tuple(c.strip() for c in ALIAS_SEPARATORS.split(text("categories")) if c.strip()),
    )


@write_service
def import_rows(db: Session, actor: Actor, rows: Sequence[Row], source: str) -> int:
    """All or nothing: every fault in every row is reported, and then nothing is written."""
    authorize(actor, "catalog.import")
    problems: list[object] = []
    inputs: list[tuple[Row, ElementInput]] = []
    seen: dict[str, int] = {}
    for row in rows:
        data = _row_input(row)
        where = row.where(source)
        row_problems = _problems(data, where)
        if data.code in seen:
            row_problems.append(Text(f"{where.zh}：代码 {data.code} 与第 {seen[data.code]} 行重复",
                                     f"{where.en}: code {data.code} repeats row {seen[data.code]}"))
        seen.setdefault(data.code, row.number)
        problems += row_problems
        if not row_problems:
            inputs.append((row, data))
    for chunk in batched(inputs, 500):
        taken = set(db.scalars(select(DataElement.code).where(DataElement.code.in_([d.code for _, d in chunk]))))
        problems += [Text(f"{r.where(source).zh}：代码 {d.code} 已存在", f"{r.where(source).en}: code {d.code} already exists")
                     for r, d in chunk if d.code in taken]
    resolved = []
    for row, data in inputs:
        try:
            owner, cats = _resolve(db, data, row.where(source))
        except ValidationError as exc:
            problems += exc.problems
            continue
        if not can(actor, "catalog.create", owner):
            where = row.where(source)
            problems.append(Text(f"{where.zh}：您无权为 {owner.name_zh} 创建数据元",
                                 f"{where.en}: you may not create elements owned by {owner.name_en or owner.code}"))
            continue
        resolved.append(_new_element(data, owner, cats))
    if problems:
        raise ValidationError(problems)
    for element in resolved:
        db.add(element)
        log.record(db, actor, "catalog.create", element)
    return len(resolved)
