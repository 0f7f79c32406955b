"""Duplicate reporting: what the registers' own duplicate finder reports for the period's end (one person
under two units of a register, two records that are probably one person, one person in two registers that
exclude each other, a register file imported twice), as findings; and a one-form workbook uploaded twice.

The registers domain owns the detection (`fillonce.registers.duplicates`); here its results get a unit,
a department and an identity that stays the same from run to run. Evidence is the finder's masked text.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from fillonce.core.i18n import Text
from fillonce.entry.uploads import UPLOAD_ACTION
from fillonce.ledger.models import LedgerEntry
from fillonce.quality.context import Found, PeriodData
from fillonce.registers.duplicates import Duplicate, find_duplicates
from fillonce.registers.models import Register, RegisterImport


def _identity(duplicate: Duplicate) -> tuple:
    """What names a duplicate across runs: its register and its first record (a person listed under a
    third unit is still the same finding), both records of a pair, or the file's first import."""
    if duplicate.kind == "same_file":
        return duplicate.register_code, duplicate.import_ids[0]
    if duplicate.kind == "same_id_two_units":
        return duplicate.register_code, duplicate.record_ids[0]
    return (duplicate.register_code, *duplicate.record_ids)


def _repeated_in(db: Session, data: PeriodData, duplicate: Duplicate) -> bool:
    """A file imported again during this period: an import repeated in an earlier month is that month's."""
    days = db.scalars(select(RegisterImport.imported_at).where(RegisterImport.id.in_(duplicate.import_ids[1:])))
    return any(data.period.contains(day.date()) for day in days)


def register_duplicates(db: Session, data: PeriodData) -> Iterator[Found]:
    registers = {r.code: r for r in db.scalars(select(Register))}
    codes = {r.id: r.code for r in registers.values()}
    for duplicate in find_duplicates(db, on=data.period.end):
        if duplicate.kind == "same_file" and not _repeated_in(db, data, duplicate):
            continue
        register = registers[duplicate.register_code]
        evidence = {"register": register.code, "units": list(dict.fromkeys(duplicate.unit_codes)),
                    "records": len(duplicate.record_ids), "found": duplicate.evidence.zh}
        if duplicate.kind == "exclusive_group":
            evidence["registers"] = [codes[i] for i in duplicate.register_ids]
        if duplicate.kind == "same_file":
            evidence["imports"] = len(duplicate.import_ids)
        yield Found(duplicate.kind, duplicate.unit_ids[0] if duplicate.unit_ids else None, _identity(duplicate),
                    Text(f"{register.name_zh}：{duplicate.evidence.zh}",
                         f"{register.name_en or register.code}: {duplicate.evidence.en}"),
                    evidence, department_id=register.department_id)


def _uploads(db: Session, data: PeriodData) -> dict[str, list[dict]]:
    """This period's workbook uploads by file SHA-256, from the upload entries' own details."""
    by_file: dict[str, list[dict]] = defaultdict(list)
    for body, in db.execute(select(LedgerEntry.body).where(LedgerEntry.action == UPLOAD_ACTION)
                            .order_by(LedgerEntry.idx)):
        entry = json.loads(body)
        details = entry.get("details") or {}
        if data.period.id in details.get("periods", "").split(","):
            by_file[details["file_sha256"]].append({"at": entry["at"], "by": entry["who"]["account"],
                                                    "units": details.get("units", "")})
    return by_file


def same_form_upload(db: Session, data: PeriodData) -> Iterator[Found]:
    """The same one-form workbook (same SHA-256) uploaded more than once for this period: by a village and
    its township, or again after later corrections (which it silently undoes)."""
    known = {u.code: u.id for u in data.units.values()}
    for sha, uploads in _uploads(db, data).items():
        if len(uploads) < 2:
            continue
        units = sorted({code for upload in uploads for code in upload["units"].split(",") if code in known})
        who = "、".join(dict.fromkeys(upload["by"] for upload in uploads))
        yield Found("same_form_upload", known[units[0]] if len(units) == 1 else None, (sha,), Text(
            f"{data.period.id} 同一份填报表格（SHA-256 {sha[:12]}…，单位 {'、'.join(units)}）上传了 {len(uploads)} 次，上传账号：{who}",
            f"{data.period.id}: the same workbook (SHA-256 {sha[:12]}…, units {', '.join(units)}) was uploaded "
            f"{len(uploads)} times, by {who.replace('、', ', ')}"),
            {"file_sha256": sha, "units": units, "uploads": uploads})
