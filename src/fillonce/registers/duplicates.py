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

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from itertools import combinations, groupby, islice
from operator import itemgetter

from rapidfuzz import fuzz
from rapidfuzz.process import extract
from sqlalchemy import String, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from fillonce.core.i18n import Text
from fillonce.orgunits.models import OrgUnit
from fillonce.registers.identity import mask_name
from fillonce.registers.models import Register, RegisterImport, RegisterRecord

KINDS = ("same_id_two_units", "fuzzy_person", "exclusive_group", "same_file")
NAME_SIMILARITY = 90  # rapidfuzz ratio, 0-100: a two-character name differing in one character scores 50
ADDRESS_SIMILARITY = 85
SHORT_NAME = 4  # characters: at NAME_SIMILARITY 90 such a name matches only itself (see _similar_names)
PAIRS_PER_READ = 500  # pairs of similar names whose records are read in one query


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


def _register_column(db: Session):
    """register_id as the queries should name it. SQLite, without planner statistics, would answer a condition
    or an order on it by walking the (register_id, org_unit_id) index and reading every record out of order:
    several times slower than scanning the table or the person_key index, so there it is `register_id + 0`,
    which no index serves. PostgreSQL's statistics choose for themselves."""
    column = RegisterRecord.register_id
    return column + 0 if db.get_bind().dialect.name == "sqlite" else column


def _same_id_two_units(db: Session, registers: dict, units: dict, register_id: int | None,
                       on: date | None) -> list[Duplicate]:
    # Counted on the unique (person_key, register_id, org_unit_id) index alone: only a person listed under two units,
    # current or not, has records read.
    twice = (select(RegisterRecord.register_id, RegisterRecord.person_key)
             .group_by(RegisterRecord.register_id, RegisterRecord.person_key).having(func.count() > 1))
    if register_id is not None:
        twice = twice.where(_register_column(db) == register_id)
    twice = twice.subquery()
    rows = db.execute(select(RegisterRecord.register_id, RegisterRecord.person_key, RegisterRecord.id,
                             RegisterRecord.org_unit_id, RegisterRecord.id_masked, RegisterRecord.name)
                      .join(twice, (twice.c.register_id == RegisterRecord.register_id)
                            & (twice.c.person_key == RegisterRecord.person_key))
                      .where(*_listed(RegisterRecord, on))
                      .order_by(RegisterRecord.register_id, RegisterRecord.person_key, RegisterRecord.id))
    found = []
    for (reg, _key), group in groupby(rows, key=lambda r: (r.register_id, r.person_key)):
        group = list(group)
        if len({r.org_unit_id for r in group}) < 2:  # the other unit's record is removed, or not yet added on `on`
            continue
        codes = tuple(units[r.org_unit_id] for r in group)
        who = f"{group[0].id_masked} {mask_name(group[0].name)}"
        found.append(Duplicate("same_id_two_units", registers[reg].code, (reg,), tuple(r.org_unit_id for r in group),
                               codes, tuple(r.id for r in group),
                               Text(f"{who} 同时登记在 {'、'.join(codes)}", f"{who} is listed under {', '.join(codes)}")))
    return found


def _fuzzy_people(db: Session, registers: dict, units: dict, register_id: int | None,
                  on: date | None) -> list[Duplicate]:
    found = []
    pairs = _similar_name_pairs(db, register_id, on)
    while batch := list(islice(pairs, PAIRS_PER_READ)):
        records = _records(db, {i for pair in batch for i in pair})
        for a, b in ((records[i], records[j]) for i, j in batch):
            if a.person_key != b.person_key and fuzz.ratio(a.address, b.address) >= ADDRESS_SIMILARITY:
                found.append(_fuzzy(registers, units, a, b))
    return found


def _similar_name_pairs(db: Session, register_id: int | None, on: date | None) -> Iterator[tuple[int, int]]:
    """Record ids (a, b) with one birth date in one register and similar names, by register, birth date, a's id,
    then b's score (best first) and id."""
    register = _register_column(db)
    # The birth date only marks a block: as the driver gives it, without SQLAlchemy's parsing of each one.
    query = (select(register, type_coerce(RegisterRecord.birth_date, String), RegisterRecord.id, RegisterRecord.name)
             .where(*_listed(RegisterRecord, on), RegisterRecord.birth_date.is_not(None))
             .order_by(register, RegisterRecord.birth_date, RegisterRecord.id))
    if register_id is not None:
        query = query.where(register == register_id)
    rows = db.connection().execute(query.execution_options(yield_per=5000))  # core rows: no ORM loading per record
    for _day, block in groupby(rows, key=itemgetter(0, 1)):
        yield from _similar_names(list(block))


def _similar_names(block: list) -> Iterator[tuple[int, int]]:
    """The pairs of ids (a, b), a before b in the block of rows (register, day, id, name), whose names score at least
    NAME_SIMILARITY."""
    # Two different names, one of them SHORT_NAME characters or fewer, score 88.9 at most (4 and 5 characters one
    # apart: 8/9), so a short name seen once in the block pairs with none and is left out of the quadratic search.
    seen = Counter(map(itemgetter(3), block))
    kept = [r for r in block if seen[r[3]] > 1 or len(r[3]) > SHORT_NAME]
    names = [r[3] for r in kept]
    for k, (_register, _day, a, name) in enumerate(kept[:-1]):
        for _name, _score, offset in extract(name, names[k + 1:], scorer=fuzz.ratio, score_cutoff=NAME_SIMILARITY,
                                             limit=None):
            yield a, kept[k + 1 + offset][2]


def _records(db: Session, ids: set[int]) -> dict:
    rows = db.execute(select(RegisterRecord.id, RegisterRecord.register_id, RegisterRecord.org_unit_id,
                             RegisterRecord.person_key, RegisterRecord.id_masked, RegisterRecord.name,
                             RegisterRecord.address, RegisterRecord.birth_date).where(RegisterRecord.id.in_(ids)))
    return {r.id: r for r in rows}


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
    found = []
    for group in _exclusive_groups(registers, register_id):
        found += _in_two_of(db, registers, units, group, register_id, on)
    return sorted(found, key=lambda d: d.record_ids)


def _exclusive_groups(registers: dict, register_id: int | None) -> list[list[int]]:
    """The register ids of each exclusive group that has two registers or more (and `register_id`, if given)."""
    groups = defaultdict(list)
    for register in registers.values():
        if register.exclusive_group:
            groups[register.exclusive_group].append(register.id)
    return [ids for ids in groups.values() if len(ids) > 1 and (register_id is None or register_id in ids)]


def _in_two_of(db: Session, registers: dict, units: dict, group: list[int], register_id: int | None,
               on: date | None) -> list[Duplicate]:
    """The pairs of records of one person in two registers of `group` (one of them `register_id`, if given)."""
    # As for two units: only a person in two of the registers, current or not, has records read.
    shared = (select(RegisterRecord.person_key).where(_register_column(db).in_(group))
              .group_by(RegisterRecord.person_key)
              .having(func.count(func.distinct(RegisterRecord.register_id)) > 1).subquery())
    rows = db.execute(select(RegisterRecord.person_key, RegisterRecord.id, RegisterRecord.register_id,
                             RegisterRecord.org_unit_id, RegisterRecord.id_masked, RegisterRecord.name)
                      .join(shared, shared.c.person_key == RegisterRecord.person_key)
                      .where(_register_column(db).in_(group), *_listed(RegisterRecord, on))
                      .order_by(RegisterRecord.person_key, RegisterRecord.register_id, RegisterRecord.id))
    found = []
    for _key, records in groupby(rows, key=lambda r: r.person_key):
        for a, b in combinations(list(records), 2):
            if a.register_id < b.register_id and (register_id is None or register_id in (a.register_id, b.register_id)):
                found.append(_exclusive(registers, units, a, b))
    return found


def _exclusive(registers: dict, units: dict, a, b) -> Duplicate:
    ra, rb = registers[a.register_id], registers[b.register_id]
    who = f"{a.id_masked} {mask_name(a.name)}"
    return Duplicate("exclusive_group", ra.code, (ra.id, rb.id), (a.org_unit_id, b.org_unit_id),
                     (units[a.org_unit_id], units[b.org_unit_id]), (a.id, b.id),
                     Text(f"{who} 同时在互斥的 {ra.name_zh} 与 {rb.name_zh} 中",
                          f"{who} is in both {ra.code} and {rb.code}, which exclude each other"))


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
