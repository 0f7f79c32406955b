"""Loading a register: a file (xlsx or csv, streamed) or an API batch, checked row by row, written in batches.

Every row is validated; by default one bad row loads nothing (the error report names each bad row, column
and reason); with `good_rows_only` the good rows load and the bad ones are reported. The load is one
`RegisterImport` (ledgered: counts and a digest of its changes, no personal data) and one `RegisterChange`
per record added, changed or removed, in one transaction; a load into an empty register names the records it
added by their id range instead of a change row each. Rows are written in batches by the driver itself
(COPY on PostgreSQL, one prepared executemany on SQLite), with their ids drawn beforehand so the change rows
need no read-back; a register empty before the load skips the per-batch diff lookups (and, on SQLite, when
large, builds the indexes at its end). A file's rows are read, checked and sealed in forked worker processes
(two for csv, one for xlsx) while the loading one writes. Memory stays bounded whatever the file's size.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import marshal
import multiprocessing
import pickle
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from json.encoder import encode_basestring_ascii as encode_text
from multiprocessing.connection import Connection
from pathlib import Path

from sqlalchemy import and_, bindparam, func, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fillonce.accounts.permissions import Actor, authorize
from fillonce.catalog.models import DataElement
from fillonce.core.db import utcnow
from fillonce.core.errors import ValidationError
from fillonce.core.i18n import Text
from fillonce.core.iterate import gc_paused
from fillonce.core.tables import stream_table, xlsx_bytes
from fillonce.core.writepath import write_service
from fillonce.ledger import log
from fillonce.orgunits.models import OrgUnit
from fillonce.registers import crypto
from fillonce.registers.identity import birth_date_of, id_problem, mask_id, normalise_id, sex_of
from fillonce.registers.models import CHANGES as CHANGE_KINDS
from fillonce.registers.models import Register, RegisterChange, RegisterImport, RegisterRecord
from fillonce.registers.service import element_code, find

BATCH = 5000
BULK_CACHE_KIB = 64 * 1024
CSV_WORKERS = 2  # with the loading process on a 2-core machine, the cores stay busy
DEFER_INDEXES_FROM = 50_000  # rows a load into an empty SQLite register writes before it defers the indexes
MAX_REMEMBERED_DATES = 100_000  # birth dates a checker keeps parsed (a century is 36,525)
MAX_REPORTED = 50_000  # problems kept for the report; the count of rejected rows is always exact
SEXES = {"M": "M", "男": "M", "F": "F", "女": "F"}
RECORDS = RegisterRecord.__table__
# The unique one first: when a load builds them at its end, a person repeated in the file stops it soonest.
RECORD_INDEXES = sorted(RECORDS.indexes, key=lambda index: not index.unique)
CHANGES = RegisterChange.__table__


@dataclass(frozen=True)
class RowProblem:
    """One fault: where (file, row as the user sees it, column header) and why."""

    source: str
    row: int
    column: str
    reason: Text

    def text(self) -> Text:
        column = f" 列“{self.column}”" if self.column else ""
        column_en = f" column “{self.column}”" if self.column else ""
        return Text(f"{self.source} 第 {self.row} 行{column}：{self.reason.zh}",
                    f"{self.source} row {self.row}{column_en}: {self.reason.en}")


class RegisterRejected(ValidationError):
    """Nothing was loaded: the file has bad rows (or a bad header). `problems` are RowProblems."""

    def __init__(self, problems: list[RowProblem], rejected: int, good: int):
        self.row_problems = problems
        self.rejected = rejected
        self.good = good
        super().__init__([p.text() for p in problems[:20]] + (
            [Text(f"……共 {rejected} 行有误", f"… {rejected} bad rows in all")] if len(problems) > 20 else []))


@dataclass
class LoadResult:
    load: RegisterImport
    problems: list[RowProblem] = field(default_factory=list)  # the rows left out (good-rows-only)


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ costs microseconds a row
class CleanRow:
    number: int
    unit_id: int
    id_number: str
    name: str
    sex: str
    birth_date: str  # ISO 8601: as it is stored and digested
    address: str
    phone: str
    status: str
    attributes: dict


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    required: bool
    element: DataElement | None
    # The element's code and kind, read once: ORM attributes cost a microsecond a row each.
    code: str = ""
    numeric: bool = False
    options: dict[str, str] | None = None  # an option set's codes and names -> its code


def _column(header: str, field_name: str, required: bool, element: DataElement | None) -> Column:
    if element is None:
        return Column(header, field_name, required, None)
    options = None
    if element.value_type == "option_set":
        options = {str(label): str(o[0]) for o in element.options for label in o[:2]}  # code or name
    return Column(header, field_name, required, element, element.code,
                  element.value_type in {"integer", "number", "percent"}, options)


def _bad(zh: str, en: str) -> Text:
    return Text(zh, en)


class RowChecker:
    """Validates one row's raw values (keyed by column header) into a CleanRow or its problems."""

    def __init__(self, db: Session, register: Register, source: str):
        self.source = source
        codes = [element_code(c["field"]) for c in register.columns if element_code(c["field"])]
        elements = {e.code: e for e in db.scalars(select(DataElement).where(DataElement.code.in_(codes)))}
        self.columns = [_column(c["header"], c["field"], c["required"], elements.get(element_code(c["field"]) or ""))
                        for c in register.columns]
        self.by_field = {c.field: c for c in self.columns}
        self.positions = list(enumerate(c.field for c in self.columns))  # cells in column order (the API's)
        self.required = [c for c in self.columns if c.required]
        self.elements = [c for c in self.columns if c.element is not None]
        self.units = dict(db.execute(select(OrgUnit.code, OrgUnit.id)).all())
        self.today = utcnow().date()
        self.births: dict[str, str] = {}  # an ID's date digits -> the date as ISO text, "" if impossible

    def header_problems(self, header: Iterable[str]) -> list[RowProblem]:
        present = set(header)
        return [RowProblem(self.source, 1, c.header, _bad("缺少必需的列", "a required column is missing"))
                for c in self.columns if c.required and c.header not in present]

    def use_header(self, header: Sequence[str]) -> None:
        """Read a file's cells by its header (of two same-named columns, the last one, as before)."""
        where = {name: i for i, name in enumerate(header) if name}
        self.positions = [(where[c.header], c.field) for c in self.columns if c.header in where]

    def _texts(self, cells: Sequence[object]) -> dict[str, str]:
        """The row's non-empty values keyed by field, as text."""
        texts = {}
        width = len(cells)
        for position, field_name in self.positions:
            found = cells[position] if position < width else None
            if found is None:
                continue
            if found.__class__ is not str:  # most cells are text already: skip the other checks for them
                found = found.strftime("%Y-%m-%d") if isinstance(found, datetime) else str(found)
            found = found.strip()
            if found:
                texts[field_name] = found
        return texts

    def check(self, number: int, cells: Sequence[object]) -> tuple[CleanRow | None, list[RowProblem], tuple | None]:
        """(clean row or None, problems, (person ID, unit id) when those two alone are sound) of one row's cells,
        in file order after `use_header`, else in column order."""
        problems: list[RowProblem] = []
        texts = self._texts(cells)
        value = texts.get

        def fault(field_name: str, zh: str, en: str) -> None:
            column = self.by_field.get(field_name)
            problems.append(RowProblem(self.source, number, column.header if column else field_name, Text(zh, en)))

        for column in self.required:
            if column.field not in texts:
                fault(column.field, "必填的值为空", "a required value is missing")
        id_number = normalise_id(value("id_number", ""))
        born = self._check_id(id_number, fault) if id_number else None
        unit_code = value("org_unit", "")
        unit_id = self.units.get(unit_code)
        if unit_code and unit_id is None:
            fault("org_unit", f"单位代码 {unit_code} 不存在", f"org unit code {unit_code} does not exist")
        if born is not None:
            self._check_birth_date(value("birth_date", ""), born, fault)
        sex = self._sex(value("sex", ""), id_number if born else "", fault)
        attributes = self._attributes(texts, fault) if self.elements else {}
        identity = (id_number, unit_id) if born is not None and unit_id is not None else None
        if problems:
            return None, problems, identity
        return CleanRow(number, unit_id, id_number, value("name", ""), sex, born, value("address", ""),
                        value("phone", ""), value("status", ""), attributes), [], identity

    def _check_id(self, id_number: str, fault) -> str | None:
        kind = id_problem(id_number)
        if kind == "format":
            fault("id_number", "身份证号应为 18 位（前 17 位数字，末位数字或 X）",
                  "the ID number must have 18 characters (17 digits, then a digit or X)")
            return None
        if kind == "checksum":
            fault("id_number", f"身份证号 {mask_id(id_number)} 的校验码不正确（GB 11643-1999）",
                  f"ID number {mask_id(id_number)} fails its check digit (GB 11643-1999)")
            return None
        born = self._birth_text(id_number)
        if not born:
            fault("id_number", "身份证号中的出生日期不可能存在", "the birth date in the ID number is impossible")
            return None
        return born

    def _birth_text(self, id_number: str) -> str:
        """The ID's birth date as ISO text, "" if no such day or out of range. Remembered by its digits: a
        register has some thousands of distinct dates, and parsing one costs more than the lookup."""
        digits = id_number[6:14]
        known = self.births.get(digits)
        if known is None:
            if len(self.births) >= MAX_REMEMBERED_DATES:  # a file of nonsense dates must not grow it unbounded
                self.births.clear()
            born = birth_date_of(id_number)
            known = born.isoformat() if born is not None and 1880 <= born.year and born <= self.today else ""
            self.births[digits] = known
        return known

    def _check_birth_date(self, raw: str, born: str, fault) -> None:
        if not raw or raw == born:
            return
        try:
            given = date.fromisoformat(raw[:10].replace("/", "-").replace(".", "-"))
        except ValueError:
            fault("birth_date", f"出生日期 {raw} 不可能存在或无法识别（应为 1950-01-31）",
                  f"birth date {raw} is impossible or unreadable (use 1950-01-31)")
            return
        if given.isoformat() != born:
            fault("birth_date", "出生日期与身份证号不一致", "the birth date does not match the ID number")

    def _sex(self, raw: str, id_number: str, fault) -> str:
        if raw and raw.upper() not in SEXES and raw not in SEXES:
            fault("sex", f"性别 {raw} 无效（男/女）", f"sex {raw} is invalid (M/F)")
            return ""
        if raw:
            return SEXES.get(raw.upper(), SEXES.get(raw, ""))
        return sex_of(id_number) if id_number else ""

    def _attributes(self, texts: dict[str, str], fault) -> dict:
        attributes = {}
        for column in self.elements:
            text = texts.get(column.field)
            if text is None:
                continue
            if column.options is not None:
                if text not in column.options:
                    fault(column.field, f"“{text}”不是数据元 {column.code} 的选项",
                          f"“{text}” is not an option of element {column.code}")
                    continue
                text = column.options[text]
            elif column.numeric:
                try:
                    float(text)
                except ValueError:
                    fault(column.field, f"“{text}”不是数字", f"“{text}” is not a number")
                    continue
            attributes[column.code] = text
        return attributes


def _canonical(row: CleanRow) -> str:
    """The record's content as one string (unit separator between fields) for its digest."""
    attributes = "\x1e".join([f"{k}={v}" for k, v in sorted(row.attributes.items())]) if row.attributes else ""
    return "\x1f".join((str(row.unit_id), row.id_number, row.name, row.sex, row.birth_date, row.address,
                         row.phone, row.status, attributes))


def _json_of_texts(texts: dict[str, str]) -> str:
    """The same text as json.dumps for a dict of texts, a third of its cost (no general encoder set up)."""
    return "{" + ", ".join([f"{encode_text(k)}: {encode_text(v)}" for k, v in texts.items()]) + "}"


def prepare(sealer: crypto.Sealer, checked: tuple[CleanRow | None, list[RowProblem], tuple | None]) -> tuple:
    """A checked row as the writer takes it, everything a row's own values decide done: (row number, problems,
    person_key or None, unit id, row digest, SEALED_COLUMNS) — the last two None for a bad row."""
    clean, problems, identity = checked
    key, unit_id = (sealer.person_key(identity[0]), identity[1]) if identity else (None, None)
    if clean is None:
        return problems[0].row, problems, key, unit_id, None, None
    digest = sealer.digest(_canonical(clean))
    seal = sealer.seal
    return clean.number, problems, key, unit_id, digest, (
        seal(clean.id_number), mask_id(clean.id_number), clean.name, clean.sex, clean.birth_date,
        clean.address, seal(clean.phone), clean.status, _json_of_texts(clean.attributes), digest)


RECORD_KEY_COLUMNS = ("id", "register_id", "org_unit_id", "person_key")
# What a load writes of a record it adds or changes: a prepared row's sealed columns, then the load's own.
SEALED_COLUMNS = ("id_number_enc", "id_masked", "name", "sex", "birth_date", "address", "phone_enc", "status",
                  "attributes", "row_digest")
CONTENT_COLUMNS = SEALED_COLUMNS + ("added_on", "removed_on", "last_import_id")
RECORD_COLUMNS = RECORD_KEY_COLUMNS + CONTENT_COLUMNS
CHANGE_COLUMNS = ("import_id", "record_id", "change", "digest_before", "digest_after")


def _is_postgres(db: Session) -> bool:
    return db.get_bind().dialect.name == "postgresql"


def _execute_many(db: Session, sql: str, rows: list[tuple]) -> None:
    """The driver's executemany (`?` marks): for a million rows SQLAlchemy's per-row parameter handling costs
    more than the database (as in the ledger's append)."""
    cursor = db.connection().connection.cursor()
    try:
        cursor.executemany(sql.replace("?", "%s") if _is_postgres(db) else sql, rows)
    finally:
        cursor.close()


def _insert_rows(db: Session, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
    """New rows in one call: COPY on PostgreSQL, one prepared executemany on SQLite (dates and JSON as text)."""
    names = ", ".join(columns)
    if not _is_postgres(db):
        _execute_many(db, f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})", rows)
        return
    cursor = db.connection().connection.cursor()
    try:
        with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    finally:
        cursor.close()


class RecordIds:
    """Ids for new records before they are written, so their change rows can name them without reading them
    back: drawn from the table's sequence on PostgreSQL; on SQLite counted on from the largest, which is safe
    because the load's transaction already holds the database's only write lock."""

    def __init__(self, db: Session):
        self.db = db
        self.next = None if _is_postgres(db) else db.execute(
            select(func.coalesce(func.max(RECORDS.c.id), 0))).scalar_one() + 1

    def take(self, count: int) -> Sequence[int]:
        if self.next is None:
            return sorted(self.db.execute(text("SELECT nextval(pg_get_serial_sequence('register_record', 'id')) "
                                               "FROM generate_series(1, :count)"), {"count": count}).scalars())
        ids = range(self.next, self.next + count)
        self.next += count
        return ids


class RepeatsInFile(Exception):
    """A load that deferred the indexes found, building them, a person twice for one unit in its file."""


class DeferredIndexes:
    """A large load into an empty register on SQLite inserts without register_record's indexes and builds
    them once at its end: one sort, instead of a random B-tree insert per row into the index on the random
    person_key (half the insert's cost at a million rows). Only once the load has written as many rows as the
    table held before (the build sorts those again too); never on PostgreSQL, where COPY is cheap and a
    dropped index would lock out readers. The unique index then finds a person repeated in the file only at
    the end (`RepeatsInFile`): the caller loads the file again with the indexes kept, which names the rows."""

    def __init__(self, db: Session, table_size: int):
        self.db = db
        self.start_after = max(DEFER_INDEXES_FROM, table_size)
        self.dropped = False

    def drop_when_due(self, written: int) -> None:
        if not self.dropped and written >= self.start_after:
            for index in RECORD_INDEXES:
                index.drop(self.db.connection())
            self.dropped = True

    def build(self) -> None:
        if not self.dropped:
            return
        try:
            for index in RECORD_INDEXES:
                index.create(self.db.connection())
        except IntegrityError as error:
            raise RepeatsInFile() from error
        self.dropped = False


class Writer:
    """Writes checked rows in batches, diffing each against the register's current records."""

    def __init__(self, db: Session, register: Register, load: RegisterImport, checker: RowChecker,
                 defer_indexes: bool = False):
        self.db, self.register, self.load, self.checker = db, register, load, checker
        self.load_id = load.id  # read per row: an ORM attribute costs a microsecond each time
        self.sealer = crypto.sealer()
        self.ids = RecordIds(db)
        # One load of a register at a time: a load into an empty register names its adds by an id range, and
        # the records of another load of it drawn from the same sequence meanwhile would fall inside.
        db.execute(select(Register.id).where(Register.id == register.id).with_for_update())
        # Diff each batch against the register's records, unless it had none before this load.
        self.diffing = db.execute(select(RECORDS.c.id).where(RECORDS.c.register_id == register.id).limit(1)
                                  ).first() is not None
        self.deferred = (DeferredIndexes(db, self.ids.next - 1)
                         if defer_indexes and not self.diffing and not _is_postgres(db) else None)
        self.today = utcnow().date()
        self.today_text = self.today.isoformat()
        self.digest = hashlib.sha256()
        self.pending: list[tuple] = []  # prepared rows
        self.problems: list[RowProblem] = []
        self.rows = self.rejected = 0  # counted here and set on the load at the end: an ORM attribute per row costs
        self.counts: Counter[str] = Counter()
        self.added_ids: tuple[int, int] | None = None  # the records added before any diff: no change row each

    def add(self, checked: tuple[CleanRow | None, list[RowProblem], tuple | None]) -> None:
        self.add_prepared([prepare(self.sealer, checked)])

    def add_prepared(self, prepared: list[tuple]) -> None:
        self.rows += len(prepared)
        self.pending.extend(prepared)
        if len(self.pending) >= BATCH:
            self.flush()

    def reject(self, problems: list[RowProblem]) -> None:
        self.rejected += 1
        room = MAX_REPORTED - len(self.problems)
        if room > 0:
            self.problems.extend(problems[:room])

    def _existing(self, keys: set[str]) -> dict[tuple[str, int], tuple]:
        columns = (RECORDS.c.id, RECORDS.c.person_key, RECORDS.c.org_unit_id, RECORDS.c.row_digest,
                   RECORDS.c.removed_on, RECORDS.c.last_import_id, RECORDS.c.added_on)
        rows = self.db.execute(select(*columns).where(RECORDS.c.person_key.in_(keys),
                                                      RECORDS.c.register_id == self.register.id))
        return {(r.person_key, r.org_unit_id): r for r in rows}

    def flush(self) -> None:
        batch, self.pending = self.pending, []
        if not batch:
            return
        if self.diffing:
            self._apply(*self._plan(batch, self._existing({row[2] for row in batch if row[2]})))
            return
        if self.deferred is not None and self.deferred.dropped:  # no index to find a repeat now: the build will
            self._apply(*self._plan(batch, {}))
            return
        # A register empty before this load has nothing to diff against: the unique key finds a person and
        # unit seen in an earlier batch, and then this batch and the rest are diffed as usual. (A savepoint of
        # the connection: the session's would run the ledger's commit guard.)
        connection = self.db.connection()
        connection.exec_driver_sql("SAVEPOINT register_batch")
        try:
            self._apply(*self._plan(batch, {}))
        except self.db.get_bind().dialect.dbapi.IntegrityError:
            connection.exec_driver_sql("ROLLBACK TO SAVEPOINT register_batch")
            self.diffing = True
            self._apply(*self._plan(batch, self._existing({row[2] for row in batch if row[2]})))
        connection.exec_driver_sql("RELEASE SAVEPOINT register_batch")
        if self.deferred is not None and not self.diffing and self.added_ids is not None:
            self.deferred.drop_when_due(self.added_ids[1] - self.added_ids[0] + 1)

    def finish_indexes(self) -> None:
        """Build the indexes a large load deferred (raises RepeatsInFile)."""
        self.flush()
        if self.deferred is not None:
            self.deferred.build()

    def _plan(self, batch: list[tuple], existing: dict[tuple[str, int], tuple]) -> tuple[list, ...]:
        """What the batch of prepared rows does: rows rejected, records new, updated, only seen again, and the
        changes."""
        load_id = self.load_id
        seen: set[tuple[str, int]] = set()
        rejected, new, updated, touched, changes = [], [], [], [], []
        for number, problems, key, unit_id, digest, sealed in batch:
            found = existing.get((key, unit_id)) if key else None
            if key and ((key, unit_id) in seen or (found is not None and found.last_import_id == load_id)):
                rejected.append(problems + [self._twice(number)])
                continue
            if key:
                seen.add((key, unit_id))
            if sealed is None:
                rejected.append(problems)
                if found is not None and found.removed_on is None:
                    touched.append((load_id, found.id))  # a bad row still keeps its person from removal
                continue
            if found is None:
                new.append((unit_id, key, sealed))
            elif found.removed_on is not None:  # a removed record back again counts as added
                updated.append((*sealed, self.today_text, None, load_id, found.id))
                changes.append((found.id, "added", found.row_digest, digest))
            elif found.row_digest != digest:
                updated.append((*sealed, found.added_on.isoformat(), None, load_id, found.id))
                changes.append((found.id, "changed", found.row_digest, digest))
            else:
                touched.append((load_id, found.id))  # unchanged: nothing to rewrite
        return rejected, new, updated, touched, changes

    def _apply(self, rejected: list, new: list, updated: list, touched: list, changes: list) -> None:
        self._write(new, updated, touched, changes)
        for problems in rejected:
            self.reject(problems)

    def _twice(self, number: int) -> RowProblem:
        return RowProblem(self.checker.source, number, self.checker.by_field["id_number"].header,
                          Text("同一单位内同一身份证号在文件中出现了两次",
                               "the same ID number appears twice for the same unit in this file"))

    def _write(self, new: list[tuple], updated: list[tuple], touched: list[tuple], changes: list[tuple]) -> None:
        if new:
            register_id, added_on, load_id = self.register.id, self.today_text, self.load_id
            ids = self.ids.take(len(new))
            _insert_rows(self.db, "register_record", RECORD_COLUMNS, [
                (record_id, register_id, unit_id, key, *sealed, added_on, None, load_id)
                for record_id, (unit_id, key, sealed) in zip(ids, new)])
            added = [(record_id, "added", "", sealed[-1]) for record_id, (_, _, sealed) in zip(ids, new)]
            if self.diffing:
                changes.extend(added)
            else:  # a register empty before the load: its id range names what the load added, no row each
                self.record_changes(added, listed=False)
                self.added_ids = (self.added_ids[0] if self.added_ids else ids[0], ids[-1])
        if updated:
            _execute_many(self.db, f"UPDATE register_record SET {', '.join(f'{c} = ?' for c in CONTENT_COLUMNS)} "
                                   "WHERE id = ?", updated)
        if touched:
            _execute_many(self.db, "UPDATE register_record SET last_import_id = ? WHERE id = ?", touched)
        self.record_changes(changes)

    def record_changes(self, changes: list[tuple], listed: bool = True) -> None:
        """Counted and digested; written as change rows unless `listed` is false (the adds of an id range)."""
        if not changes:
            return
        self.digest.update(_digest_lines(changes))
        self.counts.update([change[1] for change in changes])
        if listed:
            load_id = self.load_id
            _insert_rows(self.db, "register_change", CHANGE_COLUMNS, [(load_id, *change) for change in changes])

    def remove_unseen(self) -> None:
        """A full import: every current record it did not see is removed as of today (kept for past periods)."""
        connection = self.db.connection()
        while True:
            rows = connection.execute(select(RECORDS.c.id, RECORDS.c.row_digest).where(
                RECORDS.c.register_id == self.register.id, RECORDS.c.removed_on.is_(None),
                or_(RECORDS.c.last_import_id.is_(None), RECORDS.c.last_import_id != self.load.id))
                .order_by(RECORDS.c.id).limit(BATCH)).all()
            if not rows:
                return
            connection.execute(update(RECORDS).where(RECORDS.c.id == bindparam("b_id")).values(
                removed_on=self.today, last_import_id=self.load.id), [{"b_id": r.id} for r in rows])
            self.record_changes([(r.id, "removed", r.row_digest, "") for r in rows])


@contextmanager
def _bulk_cache(db: Session) -> Iterator[None]:
    """SQLite's page cache raised to a fixed size for a file's load: at its default 2 MiB each insert into the
    index on the random person_key reads and writes pages again. Set back afterwards (it is the connection's)."""
    if _is_postgres(db):
        yield
        return
    connection = db.connection()
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")


def _start(db: Session, actor: Actor, register: Register, file_name: str, sha256: str, full: bool) -> RegisterImport:
    load = RegisterImport(register_id=register.id, file_name=file_name[:255], file_sha256=sha256, full=full,
                          imported_at=utcnow(), imported_by=actor.account_id, rows=0, added=0, changed=0,
                          removed=0, rejected=0, changes_digest="")
    db.add(load)
    db.flush()
    return load


def _finish(db: Session, actor: Actor, register: Register, writer: Writer, good_rows_only: bool) -> LoadResult:
    writer.flush()
    load = writer.load
    if writer.rejected and (not good_rows_only or writer.rejected == writer.rows):  # no good row: nothing to load
        raise RegisterRejected(writer.problems, writer.rejected, writer.rows - writer.rejected)
    if load.full and writer.diffing:  # a register empty before this load has nothing to remove
        writer.remove_unseen()
    load.rows, load.rejected = writer.rows, writer.rejected
    load.added, load.changed, load.removed = (writer.counts[change] for change in CHANGE_KINDS)
    load.changes_digest = writer.digest.hexdigest()
    if writer.added_ids is not None:
        load.added_from_id, load.added_to_id = writer.added_ids
    log.record(db, actor, "register.import", load, details={
        "register": register.code, "rows": load.rows, "added": load.added, "changed": load.changed,
        "removed": load.removed, "rejected": load.rejected})
    return LoadResult(load, writer.problems)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@write_service
def import_file(db: Session, actor: Actor, code: str, path: Path, good_rows_only: bool = False,
                file_name: str | None = None) -> LoadResult:
    """A full import: the file is the register's whole current content (records absent from it are removed)."""
    register = find(db, code)
    authorize(actor, "register.load", register)
    source = file_name or path.name
    header, rows = stream_table(path)
    rows.close()  # the worker reads the rows
    checker = RowChecker(db, register, source)
    missing = checker.header_problems(header)
    if missing:
        raise RegisterRejected(missing, 0, 0)
    checker.use_header(header)
    load = _start(db, actor, register, source, file_sha256(path), full=True)
    with _bulk_cache(db), gc_paused():  # a load makes no reference cycles: GC passes would only walk the heap
        return _finish(db, actor, register, _write_file(db, register, load, checker, path), good_rows_only)


def _write_file(db: Session, register: Register, load: RegisterImport, checker: RowChecker, path: Path) -> Writer:
    """The file's rows written, with the indexes deferred if the load is large; if that finds a person twice
    for one unit, everything it wrote is undone and the file written again with the indexes kept."""
    connection = db.connection()
    connection.exec_driver_sql("SAVEPOINT register_file")
    try:
        writer = _write_rows(db, register, load, checker, path, defer_indexes=True)
    except RepeatsInFile:
        connection.exec_driver_sql("ROLLBACK TO SAVEPOINT register_file")
        writer = _write_rows(db, register, load, checker, path, defer_indexes=False)
    connection.exec_driver_sql("RELEASE SAVEPOINT register_file")
    return writer


def _write_rows(db: Session, register: Register, load: RegisterImport, checker: RowChecker, path: Path,
                defer_indexes: bool) -> Writer:
    writer = Writer(db, register, load, checker, defer_indexes)
    for batch in _prepared_batches(path, checker, writer.sealer):
        writer.add_prepared(batch)
    writer.finish_indexes()
    return writer


def _prepared_batches(path: Path, checker: RowChecker, sealer: crypto.Sealer) -> Iterator[list[tuple]]:
    """The file's rows read, checked and sealed in worker processes while this one writes: the per-row work
    on the other cores. Worker k of n prepares batches k, k + n, …, and they are taken in turn, so the file's
    order holds. Each pipe holds a batch or two, so memory stays bounded; a worker's error is raised here, so
    the load fails whole. (Forked: the checker and the keys need no pickling.)"""
    context = multiprocessing.get_context("fork")
    # Every worker reads the whole file: cheap for csv; for xlsx the reading is most of the work (a second
    # worker saved 6 % of the time for 60 % more CPU at 100,000 rows).
    count = CSV_WORKERS if path.suffix.lower() == ".csv" else 1
    receivers, workers = [], []
    for k in range(count):
        # Each pipe made just before its worker's fork and its sending end closed right after: a later worker
        # holding it open would keep a dead worker's pipe from ending, and the load would wait for ever.
        receiver, sender = context.Pipe(duplex=False)
        worker = context.Process(target=_prepare_in_worker, args=(path, checker, sealer, sender, k, count), daemon=True)
        worker.start()
        sender.close()
        receivers.append(receiver)
        workers.append(worker)
    try:
        for turn in itertools.count():
            batch = _unpack(receivers[turn % count].recv_bytes())  # EOFError if that worker died unheard
            if batch is None:
                return
            yield batch
    finally:
        for receiver in receivers:
            receiver.close()
        for worker in workers:
            worker.join(timeout=5)
            if worker.is_alive():  # the load stopped early: the worker may still be sending
                worker.kill()
                worker.join()


def _prepare_in_worker(path: Path, checker: RowChecker, sealer: crypto.Sealer, sender: Connection, k: int,
                       count: int) -> None:
    """Worker k's side: the prepared rows of its batches in order, then the end; or the exception that stopped it.
    Every worker reads the whole file (the cheap part) and prepares only its own batches."""
    try:
        _, rows = stream_table(path)
        batch = []
        for index, (number, cells) in enumerate(rows):
            if index // BATCH % count != k:
                continue
            batch.append(prepare(sealer, checker.check(number, cells)))
            if len(batch) == BATCH:
                sender.send_bytes(_pack(batch))
                batch = []
        if batch:
            sender.send_bytes(_pack(batch))
        sender.send_bytes(END)
    except Exception as error:  # noqa: BLE001 – sent whole, raised by the loading process
        with suppress(OSError):  # the loading process has stopped reading: nobody to tell
            sender.send_bytes(FAILED + pickle.dumps(error))
    finally:
        sender.close()


END, FAILED, GOOD, MIXED = b"e", b"f", b"g", b"m"


def _pack(batch: list[tuple]) -> bytes:
    """A batch for the pipe. marshal costs a quarter of pickle, but carries only plain values: a batch with a
    bad row (its problems are objects) goes pickled."""
    if any(row[1] for row in batch):
        return MIXED + pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL)
    return GOOD + marshal.dumps(batch)


def _unpack(message: bytes) -> list[tuple] | None:
    """A batch, or None at the end; a worker's exception is raised."""
    kind, body = message[:1], memoryview(message)[1:]  # a view: the batch's megabytes are not copied again
    if kind == GOOD:
        return marshal.loads(body)
    if kind == MIXED:
        return pickle.loads(body)
    if kind == FAILED:
        raise pickle.loads(body)
    if kind == END:
        return None
    raise ValueError(f"a preparing worker sent a message of unknown kind {kind!r}")


def _api_row(checker: RowChecker, item: dict) -> list[object]:
    """An API record is keyed by field name (id_number, name, org_unit, … or an element code): its cells in
    column order."""
    by_key = {c.field: i for i, c in enumerate(checker.columns)} | {
        element_code(c.field): i for i, c in enumerate(checker.columns) if element_code(c.field)}
    cells: list[object] = [None] * len(checker.columns)
    for key, value in item.items():
        if key in by_key:
            cells[by_key[key]] = value
    return cells


@write_service
def load_batch(db: Session, actor: Actor, code: str, upsert: Sequence[dict], remove: Sequence[dict] = ()) -> LoadResult:
    """An API batch: adds or updates the records given and removes those named; never removes the rest.

    All or nothing: one bad record refuses the batch."""
    register = find(db, code)
    authorize(actor, "register.load", register)
    checker = RowChecker(db, register, "API")
    body = json.dumps({"upsert": list(upsert), "remove": list(remove)}, sort_keys=True, ensure_ascii=False,
                      default=str).encode("utf-8")
    writer = Writer(db, register, _start(db, actor, register, "API", hashlib.sha256(body).hexdigest(), full=False),
                    checker)
    for number, item in enumerate(upsert, start=1):
        writer.add(checker.check(number, _api_row(checker, item)))
    writer.flush()
    _remove_named(db, writer, checker, remove)
    return _finish(db, actor, register, writer, good_rows_only=False)


def _remove_named(db: Session, writer: Writer, checker: RowChecker, remove: Sequence[dict]) -> None:
    targets = []
    for number, item in enumerate(remove, start=1):
        id_number = normalise_id(item.get("id_number", ""))
        unit_id = checker.units.get(str(item.get("org_unit", "")))
        if id_problem(id_number) or unit_id is None:
            writer.reject([RowProblem("API remove", number, "id_number",
                                       Text("要注销的记录缺少有效的身份证号或单位代码",
                                            "a removal needs a valid ID number and org unit code"))])
            continue
        targets.append((writer.sealer.person_key(id_number), unit_id))
    if not targets:
        return
    rows = db.connection().execute(select(RECORDS.c.id, RECORDS.c.row_digest, RECORDS.c.person_key,
                                          RECORDS.c.org_unit_id).where(
        RECORDS.c.register_id == writer.register.id, RECORDS.c.removed_on.is_(None),
        or_(*[and_(RECORDS.c.person_key == k, RECORDS.c.org_unit_id == u) for k, u in targets]))).all()
    if rows:
        db.connection().execute(update(RECORDS).where(RECORDS.c.id == bindparam("b_id")).values(
            removed_on=writer.today, last_import_id=writer.load.id), [{"b_id": r.id} for r in rows])
        writer.record_changes([(r.id, "removed", r.row_digest, "") for r in rows])


def changes_of(db: Session, import_id: int) -> Iterator[tuple[int, str, str, str]]:
    """An import's changes, (record id, change, digest before, digest after), in the order its digest covers them:
    first the adds of its id range, if it has one (the digest each record had then is the one its first later
    change row replaced, or else its current one), then its change rows in id order."""
    load = db.get(RegisterImport, import_id)
    if load.added_from_id is not None:
        replaced = (select(CHANGES.c.digest_before).where(CHANGES.c.record_id == RECORDS.c.id)
                    .order_by(CHANGES.c.id).limit(1).scalar_subquery())
        for record_id, after in db.execute(
                select(RECORDS.c.id, func.coalesce(replaced, RECORDS.c.row_digest))
                .where(RECORDS.c.register_id == load.register_id,
                       RECORDS.c.id.between(load.added_from_id, load.added_to_id)).order_by(RECORDS.c.id)):
            yield record_id, "added", "", after
    for r in db.execute(select(CHANGES.c.record_id, CHANGES.c.change, CHANGES.c.digest_before, CHANGES.c.digest_after)
                        .where(CHANGES.c.import_id == import_id).order_by(CHANGES.c.id)):
        yield r.record_id, r.change, r.digest_before, r.digest_after


def changes_digest_of(db: Session, import_id: int) -> str:
    """Recompute an import's digest from its changes, to check it against the ledgered one."""
    digest = hashlib.sha256()
    changes = changes_of(db, import_id)
    while chunk := list(itertools.islice(changes, BATCH)):
        digest.update(_digest_lines(chunk))
    return digest.hexdigest()


def _digest_lines(changes: Sequence[tuple[int, str, str, str]]) -> bytes:
    """The text an import's digest covers for these changes: a line each."""
    return "".join([f"{record_id}|{change}|{before}|{after}\n" for record_id, change, before, after in changes]
                   ).encode("ascii")


REPORT_HEADERS = ("文件 file", "行 row", "列 column", "原因", "reason")


def error_report_xlsx(problems: Sequence[RowProblem]) -> bytes:
    """The rejected rows as a workbook: file, row, column, reason (Chinese and English)."""
    return xlsx_bytes("错误报告", REPORT_HEADERS, [(p.source, p.row, p.column, p.reason.zh, p.reason.en) for p in problems])


def records_of_import(db: Session, import_id: int) -> Iterator[int]:
    """The ids of the records a load touched (for the duplicate warnings of the file just loaded)."""
    yield from db.scalars(select(RECORDS.c.id).where(RECORDS.c.last_import_id == import_id))
