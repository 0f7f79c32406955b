"""Filled one-form workbooks uploaded back: one unit's, or an official's many units in one workbook.
All or nothing: every problem of every sheet is named by file, sheet and cell, and then nothing is written."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from fillonce.accounts.permissions import Actor, can
from fillonce.core.db import utcnow
from fillonce.core.errors import FillonceError, ValidationError
from fillonce.core.i18n import Text
from fillonce.core.writepath import write_service
from fillonce.entry import deadlines
from fillonce.entry import service as entry
from fillonce.forms import service as forms
from fillonce.forms.workbook import SheetValues, fingerprint, read_forms
from fillonce.ledger import log
from fillonce.orgunits.models import OrgUnit
from fillonce.periods.ids import parse_period

MAX_BYTES = 20 * 1024 * 1024
UPLOAD_ACTION = "form.upload"  # its entry names the file by SHA-256: the quality checks find a file sent twice


@dataclass(frozen=True)
class Saved:
    unit: OrgUnit
    period: str
    changed: int


def _problem(where: str, zh: str, en: str) -> Text:
    return Text(f"{where}：{zh}", f"{where}: {en}")


def _check_sheet(db: Session, actor: Actor, sheet: SheetValues, filename: str) -> tuple[list[Text], object]:
    where = f"{filename} {sheet.sheet}"
    unit = db.scalar(select(OrgUnit).where(OrgUnit.code == sheet.unit_code))
    if unit is None:
        return [_problem(where, f"单位 {sheet.unit_code} 不存在", f"org unit {sheet.unit_code} does not exist")], None
    if not can(actor, "entry.edit", unit):
        return [_problem(where, f"{unit.name_zh} 不在您的填报范围内", f"{unit.name_zh} is outside what you may fill")], None
    try:
        period = parse_period(sheet.period)
    except FillonceError as exc:
        return [_problem(where, str(exc), exc.in_("en"))], None
    form = forms.one_form(db, unit, period, figures=False)
    if fingerprint(form) != sheet.fingerprint:
        return [_problem(where, "表格是按旧版报表下载的（报表或填报项目已更新），请重新下载后填写",
                         "the workbook was made from an older version of the specs; download it again")], None
    if not deadlines.open_for_changes(db, unit.id, form.specs, period, utcnow().date()):
        return [_problem(where, f"{period.id} 已过报送期限，须由部门重新开放", f"{period.id} is closed; ask the department to reopen it")], None
    asked = {(i.element.code, code): i.element for items in form.topics.values() for i in items if i.asked
             for code, _, _ in i.options}
    problems = []
    for key, cell in sheet.cells.items():
        if key not in asked and key in sheet.values:
            problems.append(_problem(f"{where}!{cell}", f"{key[0]} 不是本表需要填报的项目（灰色行无需填写）",
                                     f"{key[0]} is not asked in this form (grey rows need nothing)"))
        elif key in sheet.values:
            try:
                entry.canonical_value(asked[key], sheet.values[key])
            except (ValueError, InvalidOperation) as exc:
                reason = str(exc).split(" / ") if " / " in str(exc) else ["格式不对", "not readable"]
                problems.append(_problem(f"{where}!{cell}", f"「{asked[key].name_zh}」的值 {sheet.values[key]!r} 无效：{reason[0]}",
                                         f"“{asked[key].code}” value {sheet.values[key]!r} is invalid: {reason[-1]}"))
    return problems, (unit, period, {key: sheet.values.get(key, "") for key in sheet.cells if key in asked})


def upload(db: Session, actor: Actor, data: bytes, filename: str, reason: str | None = None) -> list[Saved]:
    if len(data) > MAX_BYTES:
        raise ValidationError(_problem(filename, "文件超过 20 MB", "the file is larger than 20 MB"))
    sheets, problems = read_forms(data, filename)
    plans = []
    for sheet in sheets:
        sheet_problems, plan = _check_sheet(db, actor, sheet, filename)
        problems += sheet_problems
        if plan:
            plans.append(plan)
    units = [unit.code for unit, _, _ in plans]
    for code in {c for c in units if units.count(c) > 1}:
        problems.append(_problem(filename, f"单位 {code} 出现在多个工作表中", f"unit {code} appears in several sheets"))
    if problems:
        raise ValidationError(problems)
    if not plans:
        raise ValidationError(_problem(filename, "没有可导入的工作表", "no sheet to import"))
    return _save_all(db, actor, plans, reason, hashlib.sha256(data).hexdigest())


@write_service
def _save_all(db: Session, actor: Actor, plans, reason: str | None, sha256: str) -> list[Saved]:
    """One transaction for the whole workbook, and one entry for the upload (its hash, units and periods)."""
    saved = [Saved(unit, period.id, entry.save_values(db, actor, unit.code, period.id, values, reason))
             for unit, period, values in plans]
    log.record(db, actor, UPLOAD_ACTION, effect="event", object_type="form_upload", object_id=sha256,
               details={"file_sha256": sha256, "units": ",".join(s.unit.code for s in saved),
                        "periods": ",".join(dict.fromkeys(s.period for s in saved)),
                        "changed": sum(s.changed for s in saved)})
    return saved
