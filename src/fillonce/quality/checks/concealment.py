"""Concealment, read from the ledger: values lowered or deleted after the deadline, changes after
submission without a real reason, and periods reopened again and again.

The ledger holds each version of a value only as a salted hash. The server holds the salt, so it can
tell which earlier value a version had by hashing the candidates (whole numbers up to a bound); an
earlier value it cannot find this way is reported as a change of unknown direction.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fillonce.accounts.models import Department
from fillonce.core.i18n import Text
from fillonce.entry.models import DataValue, Reopening
from fillonce.ledger import log
from fillonce.ledger.models import LedgerEntry
from fillonce.quality.context import Found, PeriodData, number

VALUE_CHANGES = ("value.update", "value.delete")
# Reasons that say nothing: a change after submission must say why, and these do not.
FILLER_REASONS = {"修改", "更正", "改正", "调整", "修正", "变更", "change", "fix", "update", "edit", "test"}
SEARCH_LIMIT = 1_000_000  # the largest earlier value looked for; beyond it the direction stays unknown


def says_nothing(reason: str | None) -> bool:
    text = "".join(ch for ch in (reason or "") if ch.isalnum())
    return len(text) < 2 or text.isdigit() or text.lower() in FILLER_REASONS


@dataclass(frozen=True)
class Change:
    index: int
    action: str
    at: datetime
    who: str
    reason: str | None
    prev: int | None
    object_id: str
    unit_id: int
    element_id: int
    option: str


def _changes(db: Session, data: PeriodData) -> list[Change]:
    """This period's value updates and deletions, from the entries' own details."""
    units = {u.code: u.id for u in data.units.values()}
    elements = {e.code: e.id for e in data.elements.values()}
    found = []
    for idx, body, object_id in db.execute(select(LedgerEntry.idx, LedgerEntry.body, LedgerEntry.object_id).where(
            LedgerEntry.object_type == "data_value", LedgerEntry.action.in_(VALUE_CHANGES)).order_by(LedgerEntry.idx)):
        entry = json.loads(body)
        details = entry.get("details") or {}
        if details.get("period") != data.period.id or details.get("unit") not in units:
            continue
        found.append(Change(idx, entry["action"], datetime.fromisoformat(entry["at"].replace("Z", "+00:00")),
                            entry["who"]["account"], entry.get("reason"), entry.get("prev"), object_id,
                            units[details["unit"]], elements.get(details["element"], 0), details.get("option", "")))
    return found


def _first_submissions(db: Session, data: PeriodData) -> dict[int, int]:
    """The ledger index of each unit's first submission of this period: later changes need a reason."""
    ids = {str(s.id): s.org_unit_id for s in data.submissions.values()}
    rows = db.execute(select(LedgerEntry.object_id, func.min(LedgerEntry.idx)).where(
        LedgerEntry.object_type == "submission", LedgerEntry.action == "form.submit",
        LedgerEntry.object_id.in_(list(ids))).group_by(LedgerEntry.object_id))
    return {ids[object_id]: index for object_id, index in rows}


def _what(data: PeriodData, change: Change) -> tuple[str, str]:
    element = data.elements.get(change.element_id)
    name = element.name_zh if element else "?"
    suffix = f"（{change.option}）" if change.option else ""
    return name + suffix, (element.code if element else "?") + (f" ({change.option})" if change.option else "")


def changed_without_reason(db: Session, data: PeriodData) -> Iterator[Found]:
    first = _first_submissions(db, data)
    grouped: dict[tuple[int, int, str], list[Change]] = defaultdict(list)
    for change in _changes(db, data):
        if change.unit_id in first and change.index > first[change.unit_id] and says_nothing(change.reason):
            grouped[(change.unit_id, change.element_id, change.option)].append(change)
    for (unit_id, element_id, option), changes in grouped.items():
        unit, (zh, en) = data.units[unit_id], _what(data, changes[0])
        element = data.elements.get(element_id)
        yield Found("changed_without_reason", unit_id, (element.code if element else element_id, option), Text(
            f"{unit.name_zh} {data.period.id} 报送后修改了「{zh}」{len(changes)} 次，没有说明真实原因",
            f"{unit.name_zh} {data.period.id}: “{en}” changed {len(changes)} times after submission without a real reason"),
            {"changes": [{"at": c.at.isoformat(), "by": c.who, "action": c.action, "reason": c.reason or ""}
                         for c in changes]},
            element_id=element_id or None, department_id=element.owner_department_id if element else None)


def _version_value(db: Session, salt: bytes, index: int | None, change: Change, period_id: str,
                   near: float | None) -> str | None:
    """The value a data value had in entry `index`, found by hashing whole-number candidates."""
    body = db.scalar(select(LedgerEntry.body).where(LedgerEntry.idx == index)) if index is not None else None
    wanted = json.loads(body)["content_hash"] if body else None
    if not wanted:
        return None
    content = {"element_id": change.element_id, "category_option": change.option, "org_unit_id": change.unit_id,
               "period": period_id, "value": ""}
    limit = min(SEARCH_LIMIT, max(10_000, int(abs(near or 0)) * 10))
    for candidate in range(limit + 1):
        content["value"] = str(candidate)
        if log.content_hash(salt, content) == wanted:
            return content["value"]
    return None


def after_deadline(db: Session, data: PeriodData, salt: bytes) -> Iterator[Found]:
    """Reported values lowered or deleted after the unit's deadline (the change itself is in the ledger).
    Drafts corrected before a late first submission are late reporting, not concealment."""
    first = _first_submissions(db, data)
    by_object: dict[str, list[Change]] = defaultdict(list)
    for change in _changes(db, data):
        due = data.window(change.unit_id).due
        if due is not None and change.at.date() > due and change.index > first.get(change.unit_id, change.index):
            by_object[change.object_id].append(change)
    reopenings = _reopenings(db, data)
    current = {str(v.id): v.value for v in db.scalars(select(DataValue).where(
        DataValue.id.in_([int(o) for o in by_object])))}
    for object_id, changes in by_object.items():
        now = current.get(object_id) if changes[-1].action == "value.update" else None
        before = _version_value(db, salt, changes[0].prev, changes[0], data.period.id, number(now))
        yield from _after_deadline_finding(data, changes, before, now, reopenings.get(changes[0].unit_id, []))


def _after_deadline_finding(data: PeriodData, changes: list[Change], before: str | None, now: str | None,
                            reopenings: list[dict]) -> Iterator[Found]:
    first, last = changes[0], changes[-1]
    unit, (zh, en) = data.units[first.unit_id], _what(data, first)
    element = data.elements.get(first.element_id)
    evidence = {"before": before, "now": now, "due": data.window(first.unit_id).due.isoformat(),
                "changes": [{"at": c.at.isoformat(), "by": c.who, "action": c.action, "reason": c.reason or ""}
                            for c in changes],
                "reopenings": reopenings}
    identity = (element.code if element else first.element_id, first.option)
    common = {"element_id": first.element_id or None,
              "department_id": element.owner_department_id if element else None}
    if last.action == "value.delete":
        yield Found("deleted_after_deadline", first.unit_id, identity, Text(
            f"{unit.name_zh} {data.period.id} 的「{zh}」（原为 {before or '未知'}）在截止日后被删除",
            f"{unit.name_zh} {data.period.id}: “{en}” (was {before or 'unknown'}) was deleted after the deadline"),
            evidence, **common)
    elif before is None:
        yield Found("changed_after_deadline", first.unit_id, identity, Text(
            f"{unit.name_zh} {data.period.id} 的「{zh}」在截止日后被改为 {now}（原值无法从账本还原）",
            f"{unit.name_zh} {data.period.id}: “{en}” was changed to {now} after the deadline (earlier value not recoverable)"),
            evidence, **common)
    elif number(now) is not None and number(now) < number(before):
        yield Found("lowered_after_deadline", first.unit_id, identity, Text(
            f"{unit.name_zh} {data.period.id} 的「{zh}」在截止日后由 {before} 调低为 {now}",
            f"{unit.name_zh} {data.period.id}: “{en}” was lowered from {before} to {now} after the deadline"),
            evidence, **common)


def _reopenings(db: Session, data: PeriodData) -> dict[int, list[dict]]:
    departments = dict(db.execute(select(Department.id, Department.code)).all())
    found: dict[int, list[dict]] = defaultdict(list)
    for reopening in db.scalars(select(Reopening).where(Reopening.period == data.period.id).order_by(Reopening.at)):
        found[reopening.org_unit_id].append({"at": reopening.at.isoformat(), "until": reopening.until.isoformat(),
                                             "department": departments.get(reopening.department_id),
                                             "reason": reopening.reason})
    return found


def repeated_reopenings(db: Session, data: PeriodData) -> Iterator[Found]:
    for unit_id, reopenings in _reopenings(db, data).items():
        if len(reopenings) < 2 or unit_id not in data.units:
            continue
        unit = data.units[unit_id]
        yield Found("repeated_reopening", unit_id, (), Text(
            f"{unit.name_zh} {data.period.id} 截止后被重新开放了 {len(reopenings)} 次",
            f"{unit.name_zh} {data.period.id} was reopened {len(reopenings)} times after closing"),
            {"reopenings": reopenings})
