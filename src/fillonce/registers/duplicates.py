"""Duplicates in registers, for the quality findings and the import page.

`find_duplicates(db, register_id=None, on=None)` looks in one register or the whole city, among the records
current today or on the day `on`, for
- `same_id_two_units`: the same person (person_key) listed under two units of one register;
- `fuzzy_person`: different ID numbers but a near-identical name and address with the same birth date
  (records are read in birth-date order and compared only within one birth date, so it scales);
- `exclusive_group`: the same person in two registers of one exclusive group (e.g. 低保 and 特困);
- `same_file`: the same file (same SHA-256) imported into a register more than once.
Evidence is masked: never a clear ID number, name or phone.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from itertools import groupby

from rapidfuzz import fuzz
from rapidfuzz.process import extract
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from fillonce.core.i18n import Text
from fillonce.orgunits.models import OrgUnit
from fillonce.registers.identity import mask_name
from fillonce.registers.models import Register, RegisterImport, RegisterRecord

KINDS = ("same_id_two_units", "fuzzy_person", "exclusive_group", "same_file")
NAME_SIMILARITY = 90  # rapidfuzz ratio, 0-100: a two-character name differing in one character scores 50
ADDRESS_SIMILARITY = 85


@dataclass(frozen=True)
class Duplicate:
    kind: str  # one of KINDS
    register_code: str
    register_ids: tuple[int, ...]
    unit_ids: tuple[int, ...]
    unit_codes: tuple[str, ...]
    record_ids: tuple[int, ...]
    evidence: Text  # masked
    import_ids: tuple[int, ...] = ()


def find_duplicates(db: Session, register_id: int | None = None, kinds: tuple[str, ...] = KINDS,
                    on: date | None = None) -> list[Duplicate]:
    """Every duplicate of the kinds asked for, in one register (`register_id`) or across the city, among the
    records current now or, with `on`, on that day (a period's end: what the quality checks judge)."""
    registers = {r.id: r for r in db.scalars(select(Register))}
    units = dict(db.execute(select(OrgUnit.id, OrgUnit.code)).all())
    found: list[Duplicate] = []
    if "same_id_two_units" in kinds:
        found += _same_id_two_units(db, registers, units, register_id, on)
    if "fuzzy_person" in kinds:
        found += _fuzzy_people(db, registers, units, register_id, on)
    if "exclusive_group" in kinds:
        found += _exclusive_group(db, registers, units, register_id, on)
    if "same_file" in kinds:
        found += _same_file(db, registers, register_id, on)
    return found


def _listed(record, on: date | None):
    """The conditions for a record (or an alias of it) to be current now, or on the day `on`."""
    if on is None:
        return (record.removed_on.is_(None),)
    return record.added_on <= on, or_(record.removed_on.is_(None), record.removed_on > on)


def _current(register_id: int | None, on: date | None):
    query = select(RegisterRecord).where(*_listed(RegisterRecord, on))
    return query.where(RegisterRecord.register_id == register_id) if register_id is not None else query


def _same_id_two_units(db: Session, registers: dict, units: dict, register_id: int | None,
                       on: date | None) -> list[Duplicate]:
    current = _current(register_id, on).subquery()
    twice = (select(current.c.register_id, current.c.person_key).group_by(current.c.register_id, current.c.person_key)
             .having(func.count(func.distinct(current.c.org_unit_id)) > 1)).subquery()
    rows = db.execute(select(current.c.register_id, current.c.person_key, current.c.id, current.c.org_unit_id,
                             current.c.id_masked, current.c.name)
                      .join(twice, (twice.c.register_id == current.c.register_id)
                            & (twice.c.person_key == current.c.person_key))
                      .order_by(current.c.register_id, current.c.person_key, current.c.id)).all()
    found = []
    for (reg, _key), group in groupby(rows, key=lambda r: (r.register_id, r.person_key)):
        group = list(group)
        codes = tuple(units[r.org_unit_id] for r in group)
        who = f"{group[0].id_masked} {mask_name(group[0].name)}"
        found.append(Duplicate("same_id_two_units", registers[reg].code, (reg,), tuple(r.org_unit_id for r in group),
                               codes, tuple(r.id for r in group),
                               Text(f"{who} 同时登记在 {'、'.join(codes)}", f"{who} is listed under {', '.join(codes)}")))
    return found


def _by_birth_date(db: Session, register_id: int | None, on: date | None) -> Iterator[list]:
    query = (_current(register_id, on).with_only_columns(
        RegisterRecord.id, RegisterRecord.register_id, RegisterRecord.org_unit_id, RegisterRecord.person_key,
        RegisterRecord.id_masked, RegisterRecord.name, RegisterRecord.address, RegisterRecord.birth_date)
        .where(RegisterRecord.birth_date.is_not(None))
        .order_by(RegisterRecord.register_id, RegisterRecord.birth_date, RegisterRecord.id))
    rows = db.connection().execute(query.execution_options(yield_per=5000))  # core rows: no ORM loading per record
    for _key, group in groupby(rows, key=lambda r: (r.register_id, r.birth_date)):
        block = list(group)
        if len(block) > 1:
            yield block


def _fuzzy_people(db: Session, registers: dict, units: dict, register_id: int | None,
                  on: date | None) -> list[Duplicate]:
    found = []
    for block in _by_birth_date(db, register_id, on):
        names = [r.name for r in block]
        for i, a in enumerate(block[:-1]):
            later = names[i + 1:]
            for _name, _score, offset in extract(a.name, later, scorer=fuzz.ratio, score_cutoff=NAME_SIMILARITY,
                                                 limit=None):
                b = block[i + 1 + offset]
                if a.person_key != b.person_key and fuzz.ratio(a.address, b.address) >= ADDRESS_SIMILARITY:
                    found.append(_fuzzy(registers, units, a, b))
    return found


def _fuzzy(registers: dict, units: dict, a, b) -> Duplicate:
    # Only the birth year: with the masked ID's first and last digits, a whole date would name the person.
    both = f"{a.id_masked}/{b.id_masked} {mask_name(a.name)}"
    year = a.birth_date.year
    return Duplicate("fuzzy_person", registers[a.register_id].code, (a.register_id,), (a.org_unit_id, b.org_unit_id),
                     (units[a.org_unit_id], units[b.org_unit_id]), (a.id, b.id),
                     Text(f"身份证号不同但姓名、出生日期、住址几乎相同：{both}（{year}年生）",
                          f"different ID numbers, near-identical name, birth date and address: {both} (born {year})"))


def _exclusive_group(db: Session, registers: dict, units: dict, register_id: int | None,
                     on: date | None) -> list[Duplicate]:
    if not any(r.exclusive_group for r in registers.values()):
        return []
    first, second = aliased(RegisterRecord), aliased(RegisterRecord)
    first_reg, second_reg = aliased(Register), aliased(Register)
    query = (select(first, second)
             .join(first_reg, first_reg.id == first.register_id)
             .join(second, second.person_key == first.person_key)
             .join(second_reg, second_reg.id == second.register_id)
             .where(first_reg.exclusive_group != "", first_reg.exclusive_group == second_reg.exclusive_group,
                    first.register_id < second.register_id, *_listed(first, on), *_listed(second, on)))
    if register_id is not None:
        query = query.where((first.register_id == register_id) | (second.register_id == register_id))
    found = []
    for a, b in db.execute(query.order_by(first.id, second.id)):
        ra, rb = registers[a.register_id], registers[b.register_id]
        who = f"{a.id_masked} {mask_name(a.name)}"
        found.append(Duplicate("exclusive_group", ra.code, (ra.id, rb.id), (a.org_unit_id, b.org_unit_id),
                               (units[a.org_unit_id], units[b.org_unit_id]), (a.id, b.id),
                               Text(f"{who} 同时在互斥的 {ra.name_zh} 与 {rb.name_zh} 中",
                                    f"{who} is in both {ra.code} and {rb.code}, which exclude each other")))
    return found


def _same_file(db: Session, registers: dict, register_id: int | None, on: date | None) -> list[Duplicate]:
    query = select(RegisterImport).where(RegisterImport.file_name != "API").order_by(
        RegisterImport.register_id, RegisterImport.file_sha256, RegisterImport.id)
    if register_id is not None:
        query = query.where(RegisterImport.register_id == register_id)
    if on is not None:
        query = query.where(RegisterImport.imported_at < datetime.combine(on + timedelta(days=1), time(), timezone.utc))
    found = []
    for (reg, sha), group in groupby(db.scalars(query), key=lambda i: (i.register_id, i.file_sha256)):
        group = list(group)
        if len(group) > 1:
            when = "、".join(f"{i.imported_at:%Y-%m-%d}" for i in group)
            found.append(Duplicate("same_file", registers[reg].code, (reg,), (), (), (),
                                   Text(f"同一文件（SHA-256 {sha[:12]}…，{group[0].file_name}）导入了 {len(group)} 次：{when}",
                                        f"the same file (SHA-256 {sha[:12]}…, {group[0].file_name}) was imported "
                                        f"{len(group)} times: {when}"),
                                   tuple(i.id for i in group)))
    return found


def for_import(db: Session, load: RegisterImport) -> list[Duplicate]:
    """The duplicates that involve the file just loaded: the warnings of the import page."""
    touched = set(db.scalars(select(RegisterRecord.id).where(RegisterRecord.last_import_id == load.id)))
    return [d for d in find_duplicates(db, load.register_id)
            if load.id in d.import_ids or touched.intersection(d.record_ids)]
