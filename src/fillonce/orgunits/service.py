"""Org units: create, rename, close, move and import, each through the one write path."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, insert, or_, select
from sqlalchemy.orm import Session

from fillonce.accounts.permissions import Actor, authorize
from fillonce.core.errors import Conflict, NotFound, ValidationError
from fillonce.core.i18n import Text
from fillonce.core.iterate import batched
from fillonce.core.tables import Row, parse_date
from fillonce.core.writepath import write_service
from fillonce.ledger import log
from fillonce.orgunits.models import OrgUnit

CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
IMPORT_COLUMNS = {"代码": "code", "编码": "code", "名称": "name_zh", "中文名称": "name_zh", "英文名称": "name_en",
                  "上级代码": "parent_code", "上级编码": "parent_code", "成立日期": "opened_on",
                  "撤销日期": "closed_on"}


@dataclass(frozen=True)
class OrgUnitInput:
    code: str
    name_zh: str
    parent_code: str | None = None
    name_en: str = ""
    opened_on: date = date(2000, 1, 1)
    closed_on: date | None = None


# ---- queries -------------------------------------------------------------------------------------

def get(db: Session, code: str) -> OrgUnit:
    unit = db.scalar(select(OrgUnit).where(OrgUnit.code == code))
    if unit is None:
        raise NotFound(Text(f"没有代码为 {code} 的单位", f"no org unit with code {code}"))
    return unit


def roots(db: Session) -> list[OrgUnit]:
    return list(db.scalars(select(OrgUnit).where(OrgUnit.parent_id.is_(None)).order_by(OrgUnit.code)))


def children(db: Session, unit: OrgUnit) -> list[OrgUnit]:
    return list(db.scalars(select(OrgUnit).where(OrgUnit.parent_id == unit.id).order_by(OrgUnit.code)))


def subtree(db: Session, unit: OrgUnit, level: int | None = None) -> list[OrgUnit]:
    query = select(OrgUnit).where(OrgUnit.path.startswith(unit.path, autoescape=True))
    if level is not None:
        query = query.where(OrgUnit.level == level)
    return list(db.scalars(query.order_by(OrgUnit.path)))


def ancestors(db: Session, unit: OrgUnit) -> list[OrgUnit]:
    codes = [c for c in unit.path.strip("/").split("/")][:-1]
    found = {u.code: u for u in db.scalars(select(OrgUnit).where(OrgUnit.code.in_(codes)))}
    return [found[c] for c in codes if c in found]


def search(db: Session, text: str, limit: int = 50) -> list[OrgUnit]:
    pattern = f"%{text.strip()}%"
    query = select(OrgUnit).where(or_(OrgUnit.name_zh.like(pattern), OrgUnit.name_en.ilike(pattern),
                                      OrgUnit.code.like(pattern)))
    return list(db.scalars(query.order_by(OrgUnit.level, OrgUnit.code).limit(limit)))


def count_by_level(db: Session) -> dict[int, int]:
    return dict(db.execute(select(OrgUnit.level, func.count()).group_by(OrgUnit.level)).all())


# ---- validation ----------------------------------------------------------------------------------

def _check_fields(data: OrgUnitInput, where: Text) -> list[Text]:
    problems = []
    if not CODE_PATTERN.match(data.code or ""):
        problems.append(Text(f"{where.zh}：代码 {data.code!r} 无效（1–32 位字母、数字、- 或 _）",
                             f"{where.en}: code {data.code!r} is invalid (1–32 letters, digits, - or _)"))
    if not (data.name_zh or "").strip():
        problems.append(Text(f"{where.zh}：缺少名称", f"{where.en}: the name is missing"))
    if data.closed_on and data.closed_on < data.opened_on:
        problems.append(Text(f"{where.zh}：撤销日期早于成立日期", f"{where.en}: closed before it opened"))
    return problems


def _path(parent: OrgUnit | None, code: str) -> str:
    return (parent.path if parent else "/") + code + "/"


# ---- the write path ------------------------------------------------------------------------------

@write_service
def create(db: Session, actor: Actor, data: OrgUnitInput) -> OrgUnit:
    authorize(actor, "orgunit.manage")
    where = Text(f"单位 {data.code}", f"org unit {data.code}")
    problems = _check_fields(data, where)
    if problems:
        raise ValidationError(problems)
    if db.scalar(select(OrgUnit.id).where(OrgUnit.code == data.code)):
        raise Conflict(Text(f"代码 {data.code} 已被使用", f"code {data.code} is already used"))
    parent = get(db, data.parent_code) if data.parent_code else None
    unit = OrgUnit(code=data.code, name_zh=data.name_zh.strip(), name_en=data.name_en.strip(),
                   level=parent.level + 1 if parent else 1, parent_id=parent.id if parent else None,
                   path=_path(parent, data.code), opened_on=data.opened_on, closed_on=data.closed_on)
    db.add(unit)
    log.record(db, actor, "orgunit.create", unit)
    return unit


@write_service
def rename(db: Session, actor: Actor, code: str, name_zh: str, name_en: str | None = None) -> OrgUnit:
    authorize(actor, "orgunit.manage")
    unit = get(db, code)
    if not name_zh.strip():
        raise ValidationError(Text(f"单位 {code}：名称不能为空", f"org unit {code}: the name cannot be empty"))
    unit.name_zh = name_zh.strip()
    if name_en is not None:
        unit.name_en = name_en.strip()
    log.record(db, actor, "orgunit.rename", unit)
    return unit


@write_service
def close(db: Session, actor: Actor, code: str, closed_on: date, reason: str) -> OrgUnit:
    """Closing keeps the unit and its history; it simply stops being open after `closed_on`."""
    authorize(actor, "orgunit.manage")
    unit = get(db, code)
    if closed_on < unit.opened_on:
        raise ValidationError(Text(f"单位 {code}：撤销日期早于成立日期", f"org unit {code}: closed before it opened"))
    if not reason.strip():
        raise ValidationError(Text(f"单位 {code}：撤销需要说明原因", f"org unit {code}: closing needs a reason"))
    unit.closed_on = closed_on
    log.record(db, actor, "orgunit.close", unit, reason=reason.strip())
    return unit


@write_service
def move(db: Session, actor: Actor, code: str, new_parent_code: str, reason: str) -> OrgUnit:
    authorize(actor, "orgunit.manage")
    unit, parent = get(db, code), get(db, new_parent_code)
    if parent.path.startswith(unit.path):
        raise ValidationError(Text(f"单位 {code} 不能移到它自己的下级 {new_parent_code} 之下（会形成循环）",
                                   f"org unit {code} cannot move under its own descendant {new_parent_code} (a cycle)"))
    old_path, new_path = unit.path, _path(parent, code)
    depth_change = parent.level + 1 - unit.level
    for member in subtree(db, unit):
        member.path = new_path + member.path[len(old_path):]
        member.level += depth_change
        if member.id == unit.id:
            member.parent_id = parent.id
        log.record(db, actor, "orgunit.move", member, reason=reason)
    return unit


# ---- import --------------------------------------------------------------------------------------

def _row_input(row: Row, source: str) -> tuple[OrgUnitInput, list[Text]]:
    where = row.where(source)
    v = row.values
    try:
        opened = parse_date(v.get("opened_on"), "成立日期", where) or date(2000, 1, 1)
        closed = parse_date(v.get("closed_on"), "撤销日期", where)
    except ValidationError as exc:
        return OrgUnitInput("", ""), exc.problems
    data = OrgUnitInput(code=str(v.get("code") or ""), name_zh=str(v.get("name_zh") or ""),
                        parent_code=str(v["parent_code"]) if v.get("parent_code") else None,
                        name_en=str(v.get("name_en") or ""), opened_on=opened, closed_on=closed)
    return data, _check_fields(data, where)


def _order_by_parent(inputs: list[tuple[Row, OrgUnitInput]], existing: dict[str, OrgUnit],
                     source: str) -> tuple[list[tuple[Row, OrgUnitInput]], list[Text]]:
    """Parents before children; a parent that exists nowhere or a cycle is named by its row."""
    by_code = {data.code: (row, data) for row, data in inputs}
    ordered, placed, problems = [], set(existing), []
    state: dict[str, str] = {}

    def visit(code: str) -> bool:
        row, data = by_code[code]
        if state.get(code) == "done":
            return True
        if state.get(code) == "visiting":
            problems.append(Text(f"{row.where(source).zh}：单位 {code} 的上级关系形成循环",
                                 f"{row.where(source).en}: org unit {code} is part of a cycle of parents"))
            return False
        state[code] = "visiting"
        parent = data.parent_code
        ok = True
        if parent and parent not in placed:
            if parent in by_code:
                ok = visit(parent)
            else:
                problems.append(Text(f"{row.where(source).zh}：上级单位 {parent} 不存在",
                                     f"{row.where(source).en}: parent org unit {parent} does not exist"))
                ok = False
        state[code] = "done"
        if ok:
            ordered.append((row, data))
            placed.add(code)
        return ok

    for code in by_code:
        visit(code)
    return ordered, problems


@write_service
def import_rows(db: Session, actor: Actor, rows: Sequence[Row], source: str) -> int:
    """All or nothing: every row is checked first, and any fault refuses the whole file."""
    parsed = [(row, *_row_input(row, source)) for row in rows]
    return _import(db, actor, [(row, data) for row, data, _ in parsed], source,
                   [p for _, _, problems in parsed for p in problems])


@write_service
def bulk_import(db: Session, actor: Actor, inputs: Sequence[OrgUnitInput], source: str = "import") -> int:
    """The same checks as a file import, for inputs built in code (the demo, other systems)."""
    rows = [(Row(number, {}), data) for number, data in enumerate(inputs, start=1)]
    problems = [p for row, data in rows for p in _check_fields(data, row.where(source))]
    return _import(db, actor, rows, source, problems)


def _import(db: Session, actor: Actor, parsed: Sequence[tuple[Row, OrgUnitInput]], source: str,
            problems: list[Text]) -> int:
    authorize(actor, "orgunit.manage")
    inputs: list[tuple[Row, OrgUnitInput]] = []
    seen: dict[str, int] = {}
    for row, data in parsed:
        if data.code in seen:
            problems.append(Text(f"{row.where(source).zh}：代码 {data.code} 与第 {seen[data.code]} 行重复",
                                 f"{row.where(source).en}: code {data.code} repeats row {seen[data.code]}"))
        elif data.code:
            seen[data.code] = row.number
            inputs.append((row, data))
    codes = [data.code for _, data in inputs]
    existing_codes = set()
    for chunk in batched(codes, 500):
        existing_codes.update(db.scalars(select(OrgUnit.code).where(OrgUnit.code.in_(chunk))))
    for row, data in inputs:
        if data.code in existing_codes:
            problems.append(Text(f"{row.where(source).zh}：代码 {data.code} 已存在",
                                 f"{row.where(source).en}: code {data.code} already exists"))
    parent_codes = {d.parent_code for _, d in inputs if d.parent_code} - set(codes)
    existing = {u.code: u for u in db.scalars(select(OrgUnit).where(OrgUnit.code.in_(parent_codes)))}
    ordered, order_problems = _order_by_parent(inputs, existing, source)
    problems += order_problems
    if problems:
        raise ValidationError(problems)
    _bulk_create(db, actor, [data for _, data in ordered], existing)
    return len(ordered)


def _bulk_create(db: Session, actor: Actor, inputs: Sequence[OrgUnitInput], parents: dict[str, OrgUnit]) -> None:
    """Insert validated, parent-ordered units level by level (a child needs its parent's id)."""
    known = {code: (u.id, u.path, u.level) for code, u in parents.items()}
    levels = {code: level for code, (_, _, level) in known.items()}
    by_level: dict[int, list[OrgUnitInput]] = defaultdict(list)
    for data in inputs:
        levels[data.code] = levels.get(data.parent_code, 0) + 1
        by_level[levels[data.code]].append(data)
    for level in sorted(by_level):
        for chunk in batched(by_level[level], 5000):
            rows = []
            for data in chunk:
                parent_id, parent_path, _ = known.get(data.parent_code, (None, "/", 0))
                rows.append({"code": data.code, "name_zh": data.name_zh.strip(), "name_en": data.name_en.strip(),
                             "level": level, "parent_id": parent_id, "path": parent_path + data.code + "/",
                             "opened_on": data.opened_on, "closed_on": data.closed_on})
            _insert_units(db, actor, rows, known)


def _insert_units(db: Session, actor: Actor, rows: list[dict], known: dict) -> None:
    if not rows:
        return
    table = OrgUnit.__table__
    ids = db.connection().execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows).scalars()
    for unit_id, row in zip(ids, rows):
        known[row["code"]] = (unit_id, row["path"], row["level"])
        content = {**row, "opened_on": row["opened_on"].isoformat(),
                   "closed_on": row["closed_on"].isoformat() if row["closed_on"] else None}
        log.record(db, actor, "orgunit.create", object_type="org_unit", object_id=str(unit_id), content=content)

