"""Data values through the one write path: typed, scoped to the actor's units, each change in the ledger."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select
from sqlalchemy.orm import Session, lazyload

from fillonce.accounts.models import Account
from fillonce.accounts.permissions import Actor, authorize
from fillonce.catalog.models import DataElement
from fillonce.core.db import utcnow
from fillonce.core.errors import Conflict, PermissionDenied, ValidationError
from fillonce.core.i18n import Text
from fillonce.core.writepath import write_service
from fillonce.entry import checks, deadlines
from fillonce.entry.models import DataValue, Reopening, Submission
from fillonce.forms import service as forms
from fillonce.ledger import log
from fillonce.ledger import service as ledger
from fillonce.ledger.models import LedgerEntry
from fillonce.orgunits import service as orgunits
from fillonce.orgunits.models import OrgUnit
from fillonce.periods.ids import parse_period

BOOLEAN_TEXT = {"是": "true", "否": "false", "true": "true", "false": "false", "1": "true", "0": "false",
                "yes": "true", "no": "false"}


def _number(raw: str) -> Decimal:
    return Decimal(raw.replace(",", "").replace("，", "").strip())


def canonical_value(element: DataElement, raw: object) -> str:
    """The stored text of a typed value; raises ValueError with what was expected."""
    text = str(raw).strip()
    kind = element.value_type
    if kind == "integer":
        number = _number(text)
        if number != number.to_integral_value():
            raise ValueError("应为整数 / a whole number is expected")
        return str(int(number))
    if kind in {"number", "percent"}:
        number = _number(text.rstrip("%"))
        if kind == "percent" and not 0 <= number <= 100:
            raise ValueError("百分比应在 0 到 100 之间 / a percent lies between 0 and 100")
        return format(number.normalize(), "f")
    if kind == "boolean":
        if text.lower() not in BOOLEAN_TEXT:
            raise ValueError("应为“是”或“否” / yes or no is expected")
        return BOOLEAN_TEXT[text.lower()]
    if kind == "date":
        return date.fromisoformat(text.replace("/", "-")).isoformat()
    if kind == "option_set":
        codes = {o[0]: o[0] for o in element.options} | {o[1]: o[0] for o in element.options}
        if text not in codes:
            raise ValueError("应为选项之一 / one of the options is expected: " + "、".join(o[1] for o in element.options))
        return codes[text]
    return text


def _check(element: DataElement, raw: object, where: str) -> str:
    try:
        value = canonical_value(element, raw)
    except (ValueError, InvalidOperation) as exc:
        reason = str(exc) if isinstance(exc, ValueError) and "/" in str(exc) else "格式不对 / not readable"
        raise ValidationError(Text(f"{where}「{element.name_zh}」的值 {raw!r} 无效：{reason.split(' / ')[0]}",
                                   f"{where} “{element.name_en or element.code}” value {raw!r} is invalid: "
                                   f"{reason.split(' / ')[-1]}")) from None
    if element.value_type == "integer" and element.aggregation == "sum" and value.startswith("-"):
        # counts of people, households, cases are never negative
        raise ValidationError(Text(f"{where}「{element.name_zh}」不能为负数", f"{where} “{element.code}” cannot be negative"))
    return value


def _require_open(db: Session, unit: OrgUnit, period, specs: list | None = None) -> deadlines.Window:
    if specs is None:
        specs = [s for s in forms.published_for(db, period) if forms.applies(s, unit, period)]
    limits = deadlines.window(specs, period)
    if not deadlines.open_for_changes(db, unit.id, specs, period, utcnow().date()):
        raise Conflict(Text(f"{unit.name_zh} {period.id} 已过报送期限（{limits.due} 截止，宽限至 {limits.closes}），"
                            "须由报表所属部门重新开放后才能修改",
                            f"{unit.name_zh} {period.id} closed on {limits.closes} (due {limits.due}); "
                            "a department that asks this form must reopen it first"))
    return limits


class StaleEdit(Conflict):
    """Someone else saved these values after the editor loaded them."""

    def __init__(self, message: Text, current: dict[tuple[str, str], str]):
        super().__init__(message)
        self.current = current


def _refuse_stale(unit: OrgUnit, period, changes, existing, expected: Mapping[tuple[str, str], str]) -> None:
    stale = {}
    for element, option, value in changes:
        if (element.code, option) not in expected:
            continue  # the editor did not see this value: nothing to compare
        row = existing.get((element.id, option))
        now = row.value if row is not None else ""
        seen = expected[(element.code, option)]
        if now != seen and now != (value or ""):
            stale[(element.code, option)] = (element.name_zh, now)
    if stale:
        listed = "；".join(f"「{name}」现为 {now or '空'}" for name, now in stale.values())
        raise StaleEdit(Text(f"{unit.name_zh} {period.id}：以下数据在您打开表格后已被他人修改，未保存您的修改：{listed}",
                             f"{unit.name_zh} {period.id}: someone else changed these values after you opened the form; "
                             f"nothing was saved: {listed}"), {key: now for key, (_, now) in stale.items()})


def values_of(db: Session, unit_id: int, period_id: str) -> dict[tuple[int, str], str]:
    rows = db.execute(select(DataValue.element_id, DataValue.category_option, DataValue.value)
                      .where(DataValue.org_unit_id == unit_id, DataValue.period == period_id))
    return {(element, option): value for element, option, value in rows}


def _codes(db: Session, element_ids: set[int]) -> dict[int, str]:
    return dict(db.execute(select(DataElement.id, DataElement.code).where(DataElement.id.in_(element_ids))).all())


def coded_values(db: Session, unit_id: int, period_id: str) -> dict[tuple[str, str], str]:
    """A unit's values for a period keyed by (element code, option), as files and APIs name them."""
    values = values_of(db, unit_id, period_id)
    codes = _codes(db, {element for element, _ in values})
    return {(codes[element], option): value for (element, option), value in values.items()}


def already_stored(db: Session, unit_code: str, period_id: str, values: Mapping[tuple[str, str], object]) -> bool:
    """Whether every value given is exactly the one stored (an empty one: none stored), so that saving
    them would change nothing: a form submitted with the values just saved needs no write for them."""
    stored = coded_values(db, orgunits.get(db, unit_code).id, parse_period(period_id).id)
    return all(stored.get(key, "") == ("" if raw is None else str(raw).strip()) for key, raw in values.items())


def submission_of(db: Session, unit_id: int, period_id: str) -> Submission | None:
    return db.scalar(select(Submission).where(Submission.org_unit_id == unit_id, Submission.period == period_id))


@write_service
def save_values(db: Session, actor: Actor, unit_code: str, period_id: str,
                values: Mapping[tuple[str, str], object], reason: str | None = None,
                expected: Mapping[tuple[str, str], str] | None = None) -> int:
    """Set (element code, option) → value for one unit and period; an empty value deletes it.

    Returns how many values changed. All or nothing: any bad value refuses the whole save. With
    `expected` (the values as the editor saw them), a value someone else changed meanwhile refuses the
    save and names the value now stored: nobody overwrites another's work without seeing it."""
    unit = orgunits.get(db, unit_code)
    authorize(actor, "entry.edit", unit)
    period = parse_period(period_id)
    after_submission = submission_of(db, unit.id, period.id) is not None
    _require_open(db, unit, period)
    codes = {code for code, _ in values}
    # Only what checking a value needs: an element's aliases and categories are not loaded for it.
    elements = {e.code: e for e in db.scalars(select(DataElement).where(DataElement.code.in_(codes)).options(
        lazyload(DataElement.aliases), lazyload(DataElement.categories)))}
    existing = {(v.element_id, v.category_option): v for v in db.scalars(
        select(DataValue).where(DataValue.org_unit_id == unit.id, DataValue.period == period.id))}
    problems, changes = [], []
    for (code, option), raw in values.items():
        element = elements.get(code)
        where = f"{unit.name_zh} {period.id}"
        if element is None:
            problems.append(Text(f"{where}：数据元 {code} 不存在", f"{where}: element {code} does not exist"))
            continue
        try:
            value = None if raw is None or str(raw).strip() == "" else _check(element, raw, where)
        except ValidationError as exc:
            problems += exc.problems
            continue
        changes.append((element, option, value))
    if problems:
        raise ValidationError(problems)
    if expected is not None:
        _refuse_stale(unit, period, changes, existing, expected)
    if after_submission and any(existing.get((e.id, o)) is None or existing[(e.id, o)].value != v
                                for e, o, v in changes) and not (reason or "").strip():
        raise ValidationError(Text(f"{unit.name_zh} {period.id} 已提交，修改或删除数据须说明原因",
                                   f"{unit.name_zh} {period.id} was submitted: say why you change or delete values"))
    changed = 0
    for element, option, value in changes:
        current = existing.get((element.id, option))
        # Which datum an entry is about, by name (never its value): a deleted row can still be traced.
        which = {"unit": unit.code, "period": period.id, "element": element.code, "option": option}
        if current is not None and value is None:
            db.delete(current)
            log.record(db, actor, "value.delete", current, effect="delete", reason=reason, details=which)
        elif current is not None and current.value != value:
            current.value, current.updated_at = value, utcnow()
            log.record(db, actor, "value.update", current, reason=reason, details=which)
        elif current is None and value is not None:
            row = DataValue(element_id=element.id, category_option=option, org_unit_id=unit.id, period=period.id,
                            value=value, updated_at=utcnow())
            db.add(row)
            log.record(db, actor, "value.create", row, reason=reason, details=which)
        else:
            continue
        changed += 1
    return changed


def _values_hash(nonce: str, values: Mapping[tuple[int, str], str], elements: Mapping[int, str]) -> tuple[list, str]:
    listed = sorted([elements[element], option, value] for (element, option), value in values.items())
    digest = hashlib.sha256(bytes.fromhex(nonce) + log.canonical_json(listed)).hexdigest()
    return listed, digest


def _completeness(form, values: Mapping[tuple[int, str], str]) -> list[Text]:
    missing = []
    for items in form.topics.values():
        for item in items:
            required = item.asked and any(u.mode == "ask" for u in item.uses)
            if required and any((item.element.id, code) not in values for code, _, _ in item.options):
                missing.append(Text(f"必填项「{item.element.name_zh}」未填", f"required item “{item.element.name_en or item.element.code}” is empty"))
    return missing


@write_service
def submit_form(db: Session, actor: Actor, unit_code: str, period_id: str,
                explanations: Mapping[str, str] | None = None) -> Submission:
    """Submit a unit's one form: every required item filled, no error rule failing, and a written
    explanation (上报说明) for every warning. Submitting again after corrections replaces the record."""
    unit = orgunits.get(db, unit_code)
    authorize(actor, "entry.edit", unit)
    period = parse_period(period_id)
    form = forms.one_form(db, unit, period, figures=False)
    where = f"{unit.name_zh} {period.id}"
    if not form.specs:
        raise ValidationError(Text(f"{where}：本期没有需要填报的报表", f"{where}: nothing is asked for this period"))
    limits = _require_open(db, unit, period, form.specs)
    values = values_of(db, unit.id, period.id)
    explanations = {k: v.strip() for k, v in (explanations or {}).items() if v and v.strip()}
    problems: list[object] = _completeness(form, values)
    findings = checks.failures(form.specs, values)
    problems += [Text(f"{f.spec.form_number} 审核不通过：{f.message('zh_CN')}（{_shown(f.values)}）",
                      f"{f.spec.form_number} check failed: {f.message('en')} ({_shown(f.values)})")
                 for f in findings if f.blocking]
    problems += [Text(f"{f.spec.form_number} 需要上报说明：{f.message('zh_CN')}（{_shown(f.values)}）",
                      f"{f.spec.form_number} needs an explanation: {f.message('en')} ({_shown(f.values)})")
                 for f in findings if not f.blocking and f.key not in explanations]
    if problems:
        raise ValidationError([Text(f"{where}：{p.zh}", f"{where}: {p.en}") for p in problems])
    elements = _codes(db, {element for element, _ in values})
    nonce = secrets.token_hex(16)
    _, digest = _values_hash(nonce, values, elements)
    submission = submission_of(db, unit.id, period.id) or Submission(org_unit_id=unit.id, period=period.id)
    submission.submitted_at, submission.submitted_by = utcnow(), actor.account_id
    submission.explanations = {f.key: explanations[f.key] for f in findings if not f.blocking}
    submission.values_hash, submission.nonce = digest, nonce
    submission.late = limits.late_on(submission.submitted_at.date())
    # Only a spec that asks for it adds a review step; otherwise submitted data is final at once.
    submission.status = "awaiting_review" if any(s.requires_review for s in form.specs) else "final"
    submission.review_comment = ""
    db.add(submission)
    log.record(db, actor, "form.submit", submission, reason="；".join(submission.explanations.values()) or None,
               details={"values_hash": digest, "values": len(values), "specs": len(form.specs)})
    log.sign_head_with_change(db)  # the receipt proves against it
    return submission


def _shown(values: Mapping[str, float | None]) -> str:
    return "，".join(f"{name}={'空' if v is None else format(v, 'g')}" for name, v in values.items())


def receipt(db: Session, settings, submission: Submission) -> dict:
    """What the reporter keeps: the submitted values, the nonce that binds them to the ledger entry,
    and that entry's inclusion proof against a signed checkpoint (check it with tools/verify_proof.py)."""
    index = db.scalar(select(func.max(LedgerEntry.idx)).where(LedgerEntry.object_type == "submission",
                                                              LedgerEntry.object_id == str(submission.id)))
    values = values_of(db, submission.org_unit_id, submission.period)
    elements = _codes(db, {element for element, _ in values})
    listed, digest = _values_hash(submission.nonce, values, elements)
    ledger.cosign_latest(db, settings)  # the checkpoint the submission signed, when witnesses are set
    return {"receipt": "fillonce submission receipt v1", "period": submission.period,
            "submitted_at": submission.submitted_at.isoformat(), "values": listed, "nonce": submission.nonce,
            "values_hash": digest, "still_current": digest == submission.values_hash,
            **ledger.proof_bundle(db, settings, index)}


@dataclass(frozen=True)
class Missing:
    unit: OrgUnit
    contacts: list[Account]
    asked: int
    filled: int


def missing(db: Session, actor: Actor, period_id: str, under: str | None = None) -> list[Missing]:
    """The units of the actor's subtree (or all, for the office) that owe this period's form and have not
    submitted it, in the order of the org tree: a list of what is missing, never a ranking."""
    authorize(actor, "missing.view")
    period = parse_period(period_id)
    query = select(OrgUnit).order_by(OrgUnit.path)
    scope = under or (actor.org_unit_code if actor.role == "official" else None)
    if scope:
        top = orgunits.get(db, scope)
        if actor.role == "official" and not actor.covers(top):
            raise PermissionDenied(Text(f"{top.name_zh} 不在您的辖区内", f"{top.name_zh} is outside your area"))
        query = query.where(OrgUnit.path.startswith(top.path, autoescape=True))
    units = [u for u in db.scalars(query) if u.is_open_on(period.end)]
    done = set(db.scalars(select(Submission.org_unit_id).where(Submission.period == period.id)))
    owing = [f for f in forms.one_forms(db, [u for u in units if u.id not in done], period) if f.specs]
    filled = dict(db.execute(select(DataValue.org_unit_id, func.count(func.distinct(DataValue.element_id))).where(
        DataValue.period == period.id, DataValue.org_unit_id.in_([f.unit.id for f in owing]))
        .group_by(DataValue.org_unit_id)).all())
    people = {}
    for account in db.scalars(select(Account).where(Account.org_unit_id.in_([f.unit.id for f in owing]),
                                                    Account.role == "reporter", Account.active)):
        people.setdefault(account.org_unit_id, []).append(account)
    return [Missing(f.unit, people.get(f.unit.id, []), f.burden.asked_fields, filled.get(f.unit.id, 0)) for f in owing]


@write_service
def reopen(db: Session, actor: Actor, unit_code: str, period_id: str, reason: str, days: int = 7) -> Reopening:
    """A department whose spec is in the form opens a closed period again for one unit, with a reason."""
    unit = orgunits.get(db, unit_code)
    period = parse_period(period_id)
    specs = forms.one_form(db, unit, period, figures=False).specs
    authorize(actor, "entry.reopen", {s.department_id for s in specs})
    if not reason.strip():
        raise ValidationError(Text("重新开放须说明原因", "reopening needs a reason"))
    if not 1 <= days <= 31:
        raise ValidationError(Text("重新开放的天数应在 1 到 31 之间", "reopen for 1 to 31 days"))
    if not deadlines.window(specs, period).closed_on(utcnow().date()):
        raise Conflict(Text(f"{unit.name_zh} {period.id} 尚未截止，无需重新开放",
                            f"{unit.name_zh} {period.id} is still open"))
    department_id = actor.department_id or specs[0].department_id
    reopening = Reopening(org_unit_id=unit.id, period=period.id, department_id=department_id, reason=reason.strip(),
                          until=utcnow().date() + timedelta(days=days), at=utcnow())
    db.add(reopening)
    log.record(db, actor, "period.reopen", reopening, reason=reason.strip())
    return reopening


@write_service
def review(db: Session, actor: Actor, unit_code: str, period_id: str, accept: bool, comment: str = "") -> Submission:
    """The street or township accepts a submission (its data becomes final) or returns it with a comment."""
    unit = orgunits.get(db, unit_code)
    authorize(actor, "entry.review", unit)
    period = parse_period(period_id)
    submission = submission_of(db, unit.id, period.id)
    if submission is None or submission.status != "awaiting_review":
        raise Conflict(Text(f"{unit.name_zh} {period.id} 没有待审核的报送", f"{unit.name_zh} {period.id} has nothing to review"))
    if not accept and not comment.strip():
        raise ValidationError(Text("退回时请写明需要更正的地方", "say what to correct when returning a form"))
    submission.status, submission.review_comment = ("final" if accept else "returned"), comment.strip()
    log.record(db, actor, "form.review_accept" if accept else "form.review_return", submission,
               reason=comment.strip() or None)
    return submission


def awaiting_review(db: Session, actor: Actor, period_id: str) -> list[tuple[OrgUnit, Submission]]:
    """Submissions of the actor's subtree that wait for their review, in the order of the org tree."""
    authorize(actor, "missing.view")
    rows = db.execute(select(OrgUnit, Submission).join(Submission, Submission.org_unit_id == OrgUnit.id)
                      .where(Submission.period == parse_period(period_id).id, Submission.status == "awaiting_review")
                      .order_by(OrgUnit.path))
    return [(unit, sub) for unit, sub in rows if actor.role != "official" or actor.covers(unit)]
