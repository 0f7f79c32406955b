"""Feedback (投诉建议): raise, answer, reopen once, close. Each step is one ledgered write.

The owning department answers within the time the office sets (`burden.settings`); "overdue" is derived
from that due time and the clock, never stored. A sender who hides their identity stays unknown to the
department everywhere: pages, exports and the API go through `describe()`, and the ledger names the
sender's own steps only by a salted pseudonym."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from fillonce.accounts.models import Account
from fillonce.accounts.permissions import Actor, authorize, can
from fillonce.burden import settings as office_settings
from fillonce.core.config import load_settings
from fillonce.core.db import utcnow
from fillonce.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from fillonce.core.i18n import Text
from fillonce.core.writepath import write_service
from fillonce.feedback.models import KINDS, STATUSES, SUBJECTS, WAITING, Feedback
from fillonce.ledger import keys, log
from fillonce.orgunits import service as orgunits
from fillonce.orgunits.models import OrgUnit
from fillonce.specs import service as specs
from fillonce.specs.models import Spec

MAX_BODY = 2000  # characters: room for a real account of the problem, not for a pasted document
ABOUT_A_SPEC = ("spec", "field", "deadline")


# ---- time --------------------------------------------------------------------------------------

def due_after(start: datetime, days: int, working_days: bool) -> datetime:
    """`days` later, skipping Saturdays and Sundays when counting working days."""
    if not working_days:
        return start + timedelta(days=days)
    moment, left = start, days
    while left > 0:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            left -= 1
    return moment


def _due_from(db: Session, start: datetime) -> datetime:
    knobs = office_settings.current(db)
    return due_after(start, int(knobs["feedback.answer_days"]), bool(knobs["feedback.working_days"]))


def is_overdue(feedback: Feedback, now: datetime | None = None) -> bool:
    return feedback.status in WAITING and (now or utcnow()) > feedback.due_at


# ---- reading -----------------------------------------------------------------------------------

def _visible(actor: Actor) -> Select:
    """What the actor may read: the office, auditors and admins all; a department what concerns it; the
    grassroots what they raised themselves."""
    query = select(Feedback)
    if actor.role in {"office", "auditor", "admin"}:
        return query
    if actor.role == "dept_staff":
        return query.where(Feedback.department_id == actor.department_id)
    return query.where(Feedback.raised_by == actor.account_id)


def listing(db: Session, actor: Actor, status: str | None = None, overdue: bool = False) -> list[Feedback]:
    query = _visible(actor)
    if status:
        query = query.where(Feedback.status == status)
    if overdue:
        query = query.where(Feedback.status.in_(WAITING), Feedback.due_at < utcnow())
    return list(db.scalars(query.order_by(Feedback.raised_at.desc(), Feedback.id.desc())))


def overdue(db: Session, actor: Actor) -> list[Feedback]:
    """Every answer past its due time, for the office (and auditors) to follow up."""
    authorize(actor, "feedback.oversee")
    return listing(db, actor, overdue=True)


def get(db: Session, actor: Actor, feedback_id: int) -> Feedback:
    feedback = db.get(Feedback, feedback_id)
    if feedback is None or not can(actor, "feedback.view", feedback):
        raise NotFound(Text(f"没有编号为 {feedback_id} 的反馈", f"no feedback {feedback_id}"))
    return feedback


HIDDEN = Text("（已隐藏身份）", "(identity hidden)")


def sender_of(db: Session, actor: Actor, feedback_id: int) -> Account:
    """Who raised it. A department asking for a hidden sender is refused, whatever it asks through."""
    feedback = get(db, actor, feedback_id)
    if not can(actor, "feedback.see_sender", feedback):
        raise PermissionDenied(Text("反馈人选择了对相关部门隐藏身份，部门不能查看反馈人；如需核实，请联系减负办",
                                    "the sender chose to hide their identity from the department concerned, so the "
                                    "department may not see who sent it; ask the burden-reduction office"))
    return feedback.sender


@dataclass(frozen=True)
class Described:
    """One feedback as a given reader may see it: the sender and unit are left out when hidden from them."""

    feedback: Feedback
    sender: str
    unit: str
    overdue: bool

    def row(self, language: str) -> list[object]:
        f = self.feedback
        pick = (lambda pair: pair[1]) if language == "en" else (lambda pair: pair[0])
        owner = (f.department.name_zh, f.department.name_en or f.department.name_zh) if f.department else \
            ("减负办", "Burden-reduction office")
        return [f.id, f.raised_at.date().isoformat(), pick(SUBJECTS[f.subject]), pick(KINDS[f.kind]),
                f.spec.form_number if f.spec else "", f.field_key or "", pick(owner),
                self.sender, self.unit, f.body, pick(STATUSES[f.status]), f.due_at.date().isoformat(),
                pick(("是", "yes")) if self.overdue else "", f.answer,
                f.resolved_spec.form_number + f" v{f.resolved_spec.version}" if f.resolved_spec else "",
                f.retired_field or "", f.reopen_count]


EXPORT_HEADERS = {
    "zh": ["编号", "提出日期", "涉及", "类型", "表号", "字段", "答复部门", "反馈人", "单位", "内容", "状态",
           "答复期限", "已超期", "答复", "新版本", "取消的字段", "再次提出次数"],
    "en": ["id", "raised", "about", "kind", "form", "field", "answered by", "sender", "unit", "feedback", "status",
           "answer due", "overdue", "answer", "new version", "retired field", "reopened"],
}


def describe(actor: Actor, feedback: Feedback, language: str = "zh") -> Described:
    if can(actor, "feedback.see_sender", feedback):
        sender = feedback.sender.display_name
        unit = feedback.org_unit.name_zh if feedback.org_unit else ""
    else:
        sender = unit = HIDDEN.in_(language)
    return Described(feedback, sender, unit, is_overdue(feedback))


# ---- the ledger's view of the sender ------------------------------------------------------------

def _pseudonym(feedback: Feedback, actor: Actor) -> Actor:
    """The identity the ledger records for a hidden sender's own steps: salted, so nobody can guess it."""
    digest = hmac.new(keys.salt(load_settings()), f"feedback:{feedback.id}:{actor.username}".encode(),
                      hashlib.sha256).hexdigest()
    return Actor(account_id=None, username=f"hidden-{digest[:16]}", role="hidden")


def _record(db: Session, actor: Actor, action: str, feedback: Feedback) -> None:
    who = _pseudonym(feedback, actor) if feedback.hidden and actor.account_id == feedback.raised_by else actor
    log.record(db, who, action, feedback, details={"status": feedback.status})


# ---- writing -----------------------------------------------------------------------------------

def _checked_text(text: str, what: Text) -> str:
    cleaned = (text or "").strip()
    if not cleaned:
        raise ValidationError(Text(f"{what.zh}不能为空", f"the {what.en} is empty: write it first"))
    if len(cleaned) > MAX_BODY:
        raise ValidationError(Text(f"{what.zh}最多 {MAX_BODY} 字，现有 {len(cleaned)} 字",
                                   f"the {what.en} may have at most {MAX_BODY} characters; it has {len(cleaned)}"))
    return cleaned


def _choice(value: str, options: dict, what: Text) -> str:
    if value not in options:
        names = "、".join(zh for zh, _ in options.values())
        raise ValidationError(Text(f"{what.zh}应为 {names} 之一，而不是“{value}”",
                                   f"the {what.en} must be one of {', '.join(options)}, not “{value}”"))
    return value


def _unit_for(db: Session, actor: Actor, unit_code: str | None):
    unit = orgunits.get(db, unit_code) if unit_code else (
        db.get(OrgUnit, actor.org_unit_id) if actor.org_unit_id else None)
    if actor.role not in {"reporter", "official"}:
        raise PermissionDenied(Text("反馈由基层填报员和街道、区县干部提出", "feedback is raised by grassroots reporters and officials"))
    if unit is None or not can(actor, "feedback.raise", unit):
        raise PermissionDenied(Text(f"只能就本单位或辖区内的单位提出反馈，{unit_code} 不在您的范围内",
                                    f"you may raise feedback only about your own unit or units under you; "
                                    f"{unit_code} is outside your scope"))
    return unit


@write_service
def raise_feedback(db: Session, actor: Actor, subject: str, kind: str, body: str, spec_id: int | None = None,
                   field_key: str | None = None, unit_code: str | None = None, hide: bool = False) -> Feedback:
    """A grassroots user's feedback on a spec, one of its fields, its deadline, the system or a policy."""
    unit = _unit_for(db, actor, unit_code)
    subject = _choice(subject, SUBJECTS, Text("反馈涉及的对象", "subject"))
    kind = _choice(kind, KINDS, Text("反馈类型", "kind"))
    text = _checked_text(body, Text("反馈内容", "feedback"))
    spec, field_key = None, (field_key or "").strip() or None
    if subject in ABOUT_A_SPEC:
        if not spec_id:
            raise ValidationError(Text("请选择反馈涉及的报表", "choose the spec the feedback is about"))
        spec = specs.get(db, actor, spec_id)  # a spec the actor may not see is "not found"
        if subject == "field" and field_key not in {f.key for f in spec.fields}:
            raise ValidationError(Text(f"报表 {spec.form_number} 没有字段“{field_key or ''}”",
                                       f"spec {spec.form_number} has no field “{field_key or ''}”"))
    if subject != "field":
        field_key = None
    now = utcnow()
    feedback = Feedback(subject=subject, kind=kind, spec_id=spec.id if spec else None, field_key=field_key,
                        department_id=spec.department_id if spec else None, org_unit_id=unit.id,
                        raised_by=actor.account_id, hidden=bool(hide), body=text, status="open", raised_at=now,
                        due_at=_due_from(db, now), answer="", reopen_count=0, reopen_reason="")
    db.add(feedback)
    db.flush()
    _record(db, actor, "feedback.raise", feedback)
    return feedback


def _owned(db: Session, actor: Actor, feedback_id: int) -> Feedback:
    feedback = db.get(Feedback, feedback_id)
    if feedback is None or not (can(actor, "feedback.view", feedback) or actor.role == "dept_staff"):
        raise NotFound(Text(f"没有编号为 {feedback_id} 的反馈", f"no feedback {feedback_id}"))
    if not can(actor, "feedback.answer", feedback):
        owner = feedback.department.name_zh if feedback.department else "减负办"
        owner_en = (feedback.department.name_en or feedback.department.code) if feedback.department else \
            "the burden-reduction office"
        raise PermissionDenied(Text(f"这条反馈涉及{owner}，只能由{owner}答复",
                                    f"this feedback concerns {owner_en}; only they may answer it"))
    return feedback


def _resolution(db: Session, actor: Actor, feedback: Feedback, new_spec_id: int | None,
                retired_field: str | None) -> tuple[Spec | None, str | None]:
    """A new version of the spec the feedback is about, and optionally a field that version drops."""
    retired_field = (retired_field or "").strip() or None
    if new_spec_id is None:
        if retired_field:
            raise ValidationError(Text("取消字段需同时指明不再含该字段的新版本报表",
                                       "a retired field needs the new spec version that no longer asks it"))
        return None, None
    new = specs.get(db, actor, new_spec_id)
    if feedback.spec is None or new.form_number != feedback.spec.form_number or new.version <= feedback.spec.version:
        about = feedback.spec.form_number if feedback.spec else "—"
        raise ValidationError(Text(f"关联的版本应为报表 {about} 的更新版本", f"the linked version must be a later "
                                                                         f"version of spec {about}"))
    if retired_field:
        old_keys, new_keys = {f.key for f in feedback.spec.fields}, {f.key for f in new.fields}
        if retired_field not in old_keys or retired_field in new_keys:
            raise ValidationError(Text(f"字段“{retired_field}”不是新版本取消的字段",
                                       f"field “{retired_field}” is not one the new version dropped"))
    return new, retired_field


@write_service
def answer(db: Session, actor: Actor, feedback_id: int, text: str, new_spec_id: int | None = None,
           retired_field: str | None = None) -> Feedback:
    feedback = _owned(db, actor, feedback_id)
    if feedback.status not in WAITING:
        raise Conflict(Text(f"反馈 {feedback.id} 已于 {feedback.answered_at:%Y-%m-%d} 答复，不能再次答复",
                            f"feedback {feedback.id} was already answered on {feedback.answered_at:%Y-%m-%d}; "
                            "it cannot be answered twice"))
    feedback.answer = _checked_text(text, Text("答复内容", "answer"))
    feedback.resolved_spec, feedback.retired_field = _resolution(db, actor, feedback, new_spec_id, retired_field)
    now = utcnow()
    feedback.status, feedback.answered_by, feedback.answered_at = "answered", actor.account_id, now
    feedback.first_answered_at = feedback.first_answered_at or now
    _record(db, actor, "feedback.answer", feedback)
    return feedback


@write_service
def reopen(db: Session, actor: Actor, feedback_id: int, reason: str) -> Feedback:
    """The sender is not satisfied: once, and only after an answer; the department owes a new answer."""
    feedback = get(db, actor, feedback_id)
    if not can(actor, "feedback.reopen", feedback):
        raise PermissionDenied(Text("只有反馈人可以再次提出", "only the sender may reopen feedback"))
    if feedback.reopen_count >= 1:
        raise Conflict(Text(f"反馈 {feedback.id} 已经再次提出过一次，不能再提出；如仍有问题，请提交新的反馈",
                            f"feedback {feedback.id} was already reopened once and cannot be reopened again; "
                            "raise new feedback instead"))
    if feedback.status != "answered":
        raise Conflict(Text(f"反馈 {feedback.id} 尚未答复或已办结，不能再次提出",
                            f"feedback {feedback.id} is not answered (or is closed), so it cannot be reopened"))
    feedback.reopen_reason = _checked_text(reason, Text("再次提出的理由", "reason for reopening"))
    now = utcnow()
    feedback.status, feedback.reopen_count, feedback.due_at = "reopened", 1, _due_from(db, now)
    _record(db, actor, "feedback.reopen", feedback)
    return feedback


@write_service
def close(db: Session, actor: Actor, feedback_id: int) -> Feedback:
    """The sender accepts the answer, or the office closes it as resolved."""
    feedback = get(db, actor, feedback_id)
    if not can(actor, "feedback.close", feedback):
        raise PermissionDenied(Text("只有反馈人或减负办可以办结反馈", "only the sender or the office may close feedback"))
    if feedback.status != "answered":
        raise Conflict(Text(f"反馈 {feedback.id} 尚未答复，不能办结", f"feedback {feedback.id} is not answered yet, "
                                                                 "so it cannot be closed"))
    feedback.status, feedback.closed_at = "closed", utcnow()
    _record(db, actor, "feedback.close", feedback)
    return feedback

