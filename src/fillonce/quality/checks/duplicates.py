"""Duplicate reporting in registers: one person under two units of a register, two records that are
probably one person (same name and birth date, near-identical address), one person in two registers
that exclude each other, and one register file imported twice.

Each kind is one query over the register tables; the registers domain has its own detection at import
time, and these read the same rows for the quality page. Evidence carries masked identities only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from itertools import combinations

from rapidfuzz import fuzz
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from fillonce.core.i18n import Text
from fillonce.quality.context import Found, PeriodData
from fillonce.registers.models import Register, RegisterImport, RegisterRecord

ADDRESS_SIMILARITY = 90  # rapidfuzz ratio (0-100) from which two addresses are the same place


def masked_name(name: str) -> str:
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""


def _current(day: date):
    """Records that count on a day: added by then, not removed, active."""
    return (RegisterRecord.added_on <= day,
            or_(RegisterRecord.removed_on.is_(None), RegisterRecord.removed_on > day),
            RegisterRecord.status.in_(("", "active")))


def _person(record: RegisterRecord, units: dict) -> dict:
    unit = units.get(record.org_unit_id)
    return {"id": record.id_masked, "name": masked_name(record.name),
            "birth_year": record.birth_date.year if record.birth_date else None,
            "unit": unit.code if unit else record.org_unit_id}


def _records(db: Session, *conditions) -> list[RegisterRecord]:
    return list(db.scalars(select(RegisterRecord).where(*conditions).order_by(RegisterRecord.id)))


def _registers(db: Session) -> dict[int, Register]:
    return {r.id: r for r in db.scalars(select(Register))}


def same_id_two_units(db: Session, data: PeriodData) -> Iterator[Found]:
    """One ID number listed under two or more units of the same register."""
    current = _current(data.period.end)
    twice = select(RegisterRecord.register_id, RegisterRecord.person_key).where(*current).group_by(
        RegisterRecord.register_id, RegisterRecord.person_key).having(
        func.count(func.distinct(RegisterRecord.org_unit_id)) > 1)
    groups = defaultdict(list)
    for record in _records(db, *current, RegisterRecord.person_key.in_(twice.with_only_columns(RegisterRecord.person_key))):
        groups[(record.register_id, record.person_key)].append(record)
    registers = _registers(db)
    for (register_id, person_key), records in groups.items():
        if len({r.org_unit_id for r in records}) < 2:
            continue  # the same person in another register: not this kind
        register, first = registers[register_id], records[0]
        people = [_person(r, data.units) for r in records]
        places = "、".join(str(p["unit"]) for p in people)
        yield Found("same_id_two_units", first.org_unit_id, (register.code, person_key), Text(
            f"{register.name_zh}中身份证号 {first.id_masked} 的同一人登记在 {len(people)} 个单位：{places}",
            f"{register.name_en or register.code}: ID {first.id_masked} is listed under {len(people)} units: {places}"),
            {"register": register.code, "records": people}, department_id=register.department_id)


def _same_place(a: str, b: str) -> bool:
    return bool(a and b) and fuzz.ratio(a.replace(" ", ""), b.replace(" ", "")) >= ADDRESS_SIMILARITY


def fuzzy_person(db: Session, data: PeriodData) -> Iterator[Found]:
    """Different ID numbers, but the same name and birth date at nearly the same address."""
    current = _current(data.period.end)
    alike = select(RegisterRecord.register_id, RegisterRecord.name, RegisterRecord.birth_date).where(
        *current, RegisterRecord.name != "", RegisterRecord.birth_date.is_not(None)).group_by(
        RegisterRecord.register_id, RegisterRecord.name, RegisterRecord.birth_date).having(
        func.count(func.distinct(RegisterRecord.person_key)) > 1).subquery()
    records = db.scalars(select(RegisterRecord).join(alike, (alike.c.register_id == RegisterRecord.register_id)
                                                     & (alike.c.name == RegisterRecord.name)
                                                     & (alike.c.birth_date == RegisterRecord.birth_date))
                         .where(*current).order_by(RegisterRecord.id))
    groups = defaultdict(list)
    for record in records:
        groups[(record.register_id, record.name, record.birth_date)].append(record)
    registers = _registers(db)
    for (register_id, _, _), group in groups.items():
        register = registers[register_id]
        for a, b in combinations(group, 2):
            if a.person_key == b.person_key or not _same_place(a.address, b.address):
                continue
            yield Found("fuzzy_person", a.org_unit_id, (register.code, a.id, b.id), Text(
                f"{register.name_zh}中 {a.id_masked} 与 {b.id_masked} 姓名、出生日期相同，住址几乎一致，可能是同一人",
                f"{register.name_en or register.code}: {a.id_masked} and {b.id_masked} share name and birth date at "
                "nearly the same address: probably one person"),
                {"register": register.code, "records": [_person(a, data.units), _person(b, data.units)],
                 "address_similarity": round(fuzz.ratio(a.address, b.address))},
                department_id=register.department_id)


def exclusive_registers(db: Session, data: PeriodData) -> Iterator[Found]:
    """One person in two registers of one exclusive group (e.g. 低保 and 特困供养)."""
    current = _current(data.period.end)
    registers = _registers(db)
    grouped = defaultdict(set)
    for register in registers.values():
        if register.exclusive_group:
            grouped[register.exclusive_group].add(register.id)
    for group, members in grouped.items():
        both = select(RegisterRecord.person_key).where(*current, RegisterRecord.register_id.in_(members)).group_by(
            RegisterRecord.person_key).having(func.count(func.distinct(RegisterRecord.register_id)) > 1)
        people = defaultdict(list)
        for record in _records(db, *current, RegisterRecord.register_id.in_(members), RegisterRecord.person_key.in_(both)):
            people[record.person_key].append(record)
        for person_key, records in people.items():
            names = "、".join(sorted({registers[r.register_id].name_zh for r in records}))
            first = records[0]
            yield Found("exclusive_registers", first.org_unit_id, (group, person_key), Text(
                f"身份证号 {first.id_masked} 的同一人同时在互斥的名册中：{names}",
                f"ID {first.id_masked} is in registers that exclude each other: "
                + ", ".join(sorted({registers[r.register_id].code for r in records}))),
                {"group": group, "registers": sorted({registers[r.register_id].code for r in records}),
                 "records": [_person(r, data.units) for r in records]},
                department_id=registers[first.register_id].department_id)


def same_upload_twice(db: Session, data: PeriodData) -> Iterator[Found]:
    """A register file imported again unchanged (same SHA-256) during this period."""
    twice = select(RegisterImport.register_id, RegisterImport.file_sha256).group_by(
        RegisterImport.register_id, RegisterImport.file_sha256).having(func.count() > 1).subquery()
    imports = defaultdict(list)
    for item in db.scalars(select(RegisterImport).join(twice, (twice.c.register_id == RegisterImport.register_id)
                                                       & (twice.c.file_sha256 == RegisterImport.file_sha256))
                           .order_by(RegisterImport.imported_at, RegisterImport.id)):
        imports[(item.register_id, item.file_sha256)].append(item)
    registers = _registers(db)
    for (register_id, sha), items in imports.items():
        repeats = [i for i in items[1:] if data.period.contains(i.imported_at.date())]
        if not repeats:
            continue
        register = registers[register_id]
        yield Found("same_upload_twice", None, (register.code, sha), Text(
            f"{register.name_zh}的文件「{items[0].file_name}」被原样导入了 {len(items)} 次",
            f"{register.name_en or register.code}: the file “{items[0].file_name}” was imported {len(items)} times unchanged"),
            {"register": register.code, "file_sha256": sha,
             "imports": [{"file": i.file_name, "at": i.imported_at.isoformat(), "rows": i.rows} for i in items]},
            department_id=register.department_id)
