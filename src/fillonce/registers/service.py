"""Registers: their definitions (column mapping), what each person may see of them, and revealing a number.

Loading records (files, API batches) is in `loading.py`; finding duplicates in `duplicates.py`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fillonce.accounts import service as accounts
from fillonce.accounts.models import Department
from fillonce.accounts.permissions import Actor, authorize, can
from fillonce.catalog.models import DataElement
from fillonce.core.db import utcnow
from fillonce.core.errors import Conflict, NotFound, ValidationError
from fillonce.core.i18n import Text
from fillonce.core.writepath import write_service
from fillonce.ledger import log
from fillonce.orgunits.models import OrgUnit
from fillonce.registers import crypto
from fillonce.registers.identity import mask_name, mask_phone
from fillonce.registers.models import PERSON_FIELDS, Register, RegisterImport, RegisterRecord

CODE_PATTERN = re.compile(r"^[A-Z][A-Z0-9_]{0,31}$")
ELEMENT_PREFIX = "element:"
REQUIRED_FIELDS = ("id_number", "name", "org_unit")  # a record cannot exist without these
FIELD_LABELS = {
    "id_number": ("身份证号", "ID number"), "name": ("姓名", "Name"), "sex": ("性别", "Sex"),
    "birth_date": ("出生日期", "Birth date"), "address": ("住址", "Address"), "org_unit": ("所属单位代码", "Org unit"),
    "status": ("状态", "Status"), "phone": ("联系电话", "Phone"),
}


@dataclass(frozen=True)
class ColumnInput:
    header: str
    field: str  # a PERSON_FIELDS name or "element:CODE"
    required: bool = False


@dataclass(frozen=True)
class RegisterInput:
    code: str
    name_zh: str
    department_code: str
    columns: Sequence[ColumnInput]
    name_en: str = ""
    exclusive_group: str = ""


def element_code(field_name: str) -> str | None:
    return field_name[len(ELEMENT_PREFIX):] if field_name.startswith(ELEMENT_PREFIX) else None


def _column_problems(db: Session, columns: Sequence[ColumnInput]) -> list[Text]:
    problems: list[Text] = []
    headers = [c.header.strip() for c in columns]
    fields = [c.field.strip() for c in columns]
    for header in {h for h in headers if headers.count(h) > 1 or not h}:
        problems.append(Text(f"列名“{header}”为空或重复", f"column header “{header}” is empty or repeated"))
    for name in {f for f in fields if fields.count(f) > 1}:
        problems.append(Text(f"字段 {name} 被映射了不止一次", f"field {name} is mapped more than once"))
    codes = {element_code(f) for f in fields} - {None}
    known = set(db.scalars(select(DataElement.code).where(DataElement.code.in_(codes)))) if codes else set()
    for column in columns:
        code = element_code(column.field.strip())
        if code is not None and code not in known:
            problems.append(Text(f"列“{column.header}”映射到不存在的数据元 {code}",
                                 f"column “{column.header}” maps to element {code}, which does not exist"))
        elif code is None and column.field.strip() not in PERSON_FIELDS:
            problems.append(Text(f"列“{column.header}”的字段 {column.field!r} 无效，应为 {'、'.join(PERSON_FIELDS)} 或 element:代码",
                                 f"column “{column.header}” has field {column.field!r}; use one of "
                                 f"{', '.join(PERSON_FIELDS)} or element:CODE"))
    for required in REQUIRED_FIELDS:
        if required not in fields:
            zh, en = FIELD_LABELS[required]
            problems.append(Text(f"必须有一列映射到 {required}（{zh}）", f"a column must map to {required} ({en})"))
    return problems


def _stored_columns(columns: Sequence[ColumnInput]) -> list[dict]:
    # Required person fields are required whatever the definition says.
    return [{"header": c.header.strip(), "field": c.field.strip(),
             "required": bool(c.required or c.field.strip() in REQUIRED_FIELDS)} for c in columns]


@write_service
def define(db: Session, actor: Actor, data: RegisterInput) -> Register:
    """Create a register, or change an existing one's names, group and mapping (its records stay)."""
    department = accounts.get_department(db, data.department_code)
    authorize(actor, "register.define", department)
    problems = [] if CODE_PATTERN.match(data.code or "") else [
        Text(f"名册代码 {data.code!r} 无效（大写字母开头，最长 32 位）", f"register code {data.code!r} is invalid")]
    if not data.name_zh.strip():
        problems.append(Text("缺少名册的中文名称", "the register's Chinese name is missing"))
    problems += _column_problems(db, data.columns)
    if problems:
        raise ValidationError(problems)
    register = db.scalar(select(Register).where(Register.code == data.code))
    if register is None:
        register = Register(code=data.code, department_id=department.id)
        db.add(register)
        action = "register.create"
    elif register.department_id != department.id:
        raise Conflict(Text(f"名册 {data.code} 属于其他部门", f"register {data.code} belongs to another department"))
    else:
        action = "register.update"
    register.name_zh, register.name_en = data.name_zh.strip(), data.name_en.strip()
    register.exclusive_group = data.exclusive_group.strip()
    register.columns = _stored_columns(data.columns)
    register.updated_at = utcnow()
    log.record(db, actor, action, register)
    return register


def definitions(db: Session) -> list[Register]:
    """Every register's definition (codes, names, columns; never people), for choosing an indicator's source."""
    return list(db.scalars(select(Register).order_by(Register.code)))


def definable_departments(db: Session, actor: Actor) -> list[Department]:
    """The departments whose registers this person may define: their own, or all for an administrator."""
    return [d for d in db.scalars(select(Department).order_by(Department.code)) if can(actor, "register.define", d)]


def columns_of(register: Register) -> list[ColumnInput]:
    return [ColumnInput(c["header"], c["field"], bool(c.get("required"))) for c in register.columns]


def find(db: Session, code: str) -> Register:
    register = db.scalar(select(Register).where(Register.code == code))
    if register is None:
        raise NotFound(Text(f"没有代码为 {code} 的名册", f"no register {code}"))
    return register


def get(db: Session, actor: Actor, code: str) -> Register:
    register = find(db, code)
    authorize(actor, "register.view", register)
    return register


@dataclass(frozen=True)
class RegisterSummary:
    register: Register
    active: int  # current records
    imports: int
    last_import: RegisterImport | None


def visible(db: Session, actor: Actor) -> list[RegisterSummary]:
    """The registers this person may see, with their counts (never their people)."""
    authorize(actor, "register.view", None)
    registers = [r for r in db.scalars(select(Register).order_by(Register.code)) if can(actor, "register.view", r)]
    ids = [r.id for r in registers]
    active = dict(db.execute(select(RegisterRecord.register_id, func.count()).where(
        RegisterRecord.register_id.in_(ids), RegisterRecord.removed_on.is_(None))
        .group_by(RegisterRecord.register_id)).all())
    imports: dict[int, list[RegisterImport]] = {}
    loads = select(RegisterImport).where(RegisterImport.register_id.in_(ids)).order_by(RegisterImport.id)
    for load in db.scalars(loads):
        imports.setdefault(load.register_id, []).append(load)
    return [RegisterSummary(r, active.get(r.id, 0), len(imports.get(r.id, [])), (imports.get(r.id) or [None])[-1])
            for r in registers]


def imports_of(db: Session, actor: Actor, register: Register) -> list[RegisterImport]:
    authorize(actor, "register.view", register)
    return list(db.scalars(select(RegisterImport).where(RegisterImport.register_id == register.id)
                           .order_by(RegisterImport.id.desc())))


@dataclass(frozen=True)
class RecordView:
    """A record as people see it: ID, phone and name masked."""

    id: int
    unit_code: str
    unit_name: str
    id_masked: str
    name: str
    sex: str
    birth_date: date | None
    address: str
    phone: str
    status: str
    attributes: dict = field(default_factory=dict)
    added_on: date | None = None
    removed_on: date | None = None


@dataclass(frozen=True)
class RecordPage:
    records: list[RecordView]
    total: int
    page: int
    pages: int


def _view(record: RegisterRecord, unit: OrgUnit, sealer: crypto.Sealer) -> RecordView:
    return RecordView(record.id, unit.code, unit.name_zh, record.id_masked, mask_name(record.name), record.sex,
                      record.birth_date, record.address, mask_phone(sealer.open(record.phone_enc)), record.status,
                      dict(record.attributes or {}), record.added_on, record.removed_on)


def _records_query(register: Register, unit: OrgUnit | None, include_removed: bool):
    query = select(RegisterRecord, OrgUnit).join(OrgUnit, OrgUnit.id == RegisterRecord.org_unit_id).where(
        RegisterRecord.register_id == register.id)
    if unit is not None:
        query = query.where(OrgUnit.path.startswith(unit.path))
    if not include_removed:
        query = query.where(RegisterRecord.removed_on.is_(None))
    return query


def _unit(db: Session, code: str | None) -> OrgUnit | None:
    if not code:
        return None
    unit = db.scalar(select(OrgUnit).where(OrgUnit.code == code))
    if unit is None:
        raise NotFound(Text(f"没有代码为 {code} 的单位", f"no org unit {code}"))
    return unit


def records(db: Session, actor: Actor, code: str, unit_code: str | None = None, page: int = 1, size: int = 50,
            include_removed: bool = False) -> RecordPage:
    """One page of a register's records (the owning department only), masked, optionally under one unit."""
    register = find(db, code)
    authorize(actor, "register.records", register)
    query = _records_query(register, _unit(db, unit_code), include_removed)
    total = db.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // size))
    page = min(max(page, 1), pages)
    sealer = crypto.sealer()
    rows = db.execute(query.order_by(OrgUnit.code, RegisterRecord.id).offset((page - 1) * size).limit(size)).all()
    return RecordPage([_view(r, u, sealer) for r, u in rows], total, page, pages)


@write_service
def reveal(db: Session, actor: Actor, record_id: int) -> str:
    """The clear ID number, for the owning department; the reveal itself is recorded (never the number)."""
    record = db.get(RegisterRecord, record_id)
    if record is None:
        raise NotFound(Text(f"没有编号为 {record_id} 的记录", f"no register record {record_id}"))
    register = db.get(Register, record.register_id)
    authorize(actor, "register.reveal", register)
    log.record(db, actor, "register.reveal", effect="event", object_type="register_record",
               object_id=str(record.id), details={"register": register.code})
    return crypto.sealer().open(record.id_number_enc)


EXPORT_HEADERS = ("单位代码", "单位名称", "身份证号", "姓名", "性别", "出生日期", "住址", "联系电话", "状态", "登记日期", "注销日期")


@write_service
def _record_clear_export(db: Session, actor: Actor, register: Register) -> None:
    log.record(db, actor, "register.export_clear", effect="event", object_type="register",
               object_id=str(register.id), details={"register": register.code})


def export_rows(db: Session, actor: Actor, code: str, unit_code: str | None = None,
                clear: bool = False) -> tuple[list[str], Iterator[list[object]]]:
    """The records as table rows: masked, or in clear for the owner who asks (a ledger event)."""
    register = find(db, code)
    authorize(actor, "register.records", register)
    if clear:
        authorize(actor, "register.reveal", register)
        _record_clear_export(db, actor, register)
    elements = [element_code(c["field"]) for c in register.columns if element_code(c["field"])]
    query = _records_query(register, _unit(db, unit_code), include_removed=True).order_by(
        OrgUnit.code, RegisterRecord.id)
    sealer = crypto.sealer()

    def rows() -> Iterator[list[object]]:
        for record, unit in db.execute(query).yield_per(2000):
            phone = sealer.open(record.phone_enc)
            person = ((sealer.open(record.id_number_enc), record.name, phone) if clear
                      else (record.id_masked, mask_name(record.name), mask_phone(phone)))
            yield [unit.code, unit.name_zh, person[0], person[1], record.sex, record.birth_date, record.address,
                   person[2], record.status, record.added_on, record.removed_on,
                   *[(record.attributes or {}).get(e, "") for e in elements]]

    return [*EXPORT_HEADERS, *elements], rows()
