"""Running the checks (one ledger entry per run), findings kept across runs, explanations, and the
completeness and timeliness rates the dashboard draws."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from fillonce.accounts.permissions import Actor, authorize, can
from fillonce.core.config import load_settings
from fillonce.core.db import utcnow
from fillonce.core.errors import NotFound, ValidationError
from fillonce.core.i18n import Text
from fillonce.core.writepath import write_service
from fillonce.entry import deadlines
from fillonce.ledger import keys, log
from fillonce.orgunits import service as orgunits
from fillonce.orgunits.models import OrgUnit
from fillonce.periods.ids import parse_period
from fillonce.quality import context
from fillonce.quality.checks import concealment, duplicates, false_reporting, late, omission
from fillonce.quality.models import KINDS, Explanation, Finding, FormStatus
from fillonce.specs.models import Spec

SUB_KINDS = {
    "missing_form": "omission", "missing_required": "omission",
    "late_submission": "late",
    "same_id_two_units": "duplicate", "fuzzy_person": "duplicate", "exclusive_group": "duplicate",
    "same_file": "duplicate", "same_form_upload": "duplicate",
    "rule_failure": "false", "outlier_own_history": "false", "outlier_peers": "false",
    "digit_preference": "false", "benford": "false", "source_disagreement": "false",
    "lowered_after_deadline": "concealment", "deleted_after_deadline": "concealment",
    "changed_after_deadline": "concealment", "changed_without_reason": "concealment",
    "repeated_reopening": "concealment",
}


def _checks(db: Session, salt: bytes) -> list[Callable[[context.PeriodData], Iterable[context.Found]]]:
    with_db = (duplicates.register_duplicates, duplicates.same_form_upload, false_reporting.source_disagreement,
               concealment.changed_without_reason, concealment.repeated_reopenings)
    return [omission.missing_forms, omission.missing_required, late.late_submissions,
            false_reporting.rule_failures, false_reporting.outliers_own_history, false_reporting.outliers_peers,
            false_reporting.digit_preference, false_reporting.benford,
            *[lambda data, check=check: check(db, data) for check in with_db],
            lambda data: concealment.after_deadline(db, data, salt)]


def find_all(db: Session, data: context.PeriodData) -> Iterator[context.Found]:
    """Every check over the period's data (no writes)."""
    salt = keys.salt(load_settings())
    for check in _checks(db, salt):
        yield from check(data)


def fingerprint(found: context.Found, period_id: str) -> str:
    named = log.canonical_json([found.sub_kind, found.unit_id, period_id, [str(part) for part in found.identity]])
    return hashlib.sha256(named).hexdigest()


@dataclass(frozen=True)
class RunSummary:
    period: str
    found: dict[str, int]  # by kind
    new: int
    cleared: int


def _upsert(db: Session, period_id: str, found: list[context.Found]) -> tuple[int, int]:
    """Update findings seen before, add new ones, clear (never drop) those no longer reproduced."""
    now = utcnow()
    existing = {f.fingerprint: f for f in db.scalars(select(Finding).where(Finding.period == period_id))}
    explained = set(db.scalars(select(Explanation.finding_id).join(Finding).where(Finding.period == period_id)))
    seen, new = set(), 0
    for item in found:
        key = fingerprint(item, period_id)
        if key in seen:
            continue
        seen.add(key)
        finding = existing.get(key)
        if finding is None:
            finding = Finding(fingerprint=key, kind=SUB_KINDS[item.sub_kind], sub_kind=item.sub_kind,
                              org_unit_id=item.unit_id, period=period_id, first_found=now, status="open")
            db.add(finding)
            new += 1
        elif finding.status == "cleared":
            finding.status, finding.cleared_on = ("explained" if finding.id in explained else "open"), None
        finding.element_id, finding.spec_id, finding.department_id = item.element_id, item.spec_id, item.department_id
        finding.message_zh, finding.message_en = item.message.zh, item.message.en
        finding.evidence, finding.last_found = item.evidence, now
    cleared = 0
    for key, finding in existing.items():
        if key not in seen and finding.status != "cleared":
            finding.status, finding.cleared_on = "cleared", now.date()
            cleared += 1
    return new, cleared


def _form_statuses(db: Session, data: context.PeriodData) -> None:
    """What each unit owed this period, per spec, as the rates' base (replaced on every run)."""
    db.execute(delete(FormStatus).where(FormStatus.period == data.period.id))
    for unit_id, specs in data.unit_specs.items():
        submission = data.submissions.get(unit_id)
        for spec in specs:
            db.add(FormStatus(period=data.period.id, org_unit_id=unit_id, spec_id=spec.id,
                              due=deadlines.window([spec], data.period).due,
                              submitted=submission is not None, on_time=submission is not None and not submission.late))


@write_service
def run_checks(db: Session, actor: Actor, period_id: str) -> RunSummary:
    """Run every check for a period over the whole city and keep the findings; one ledger entry."""
    authorize(actor, "quality.run")
    period = parse_period(period_id)
    data = context.load(db, period, utcnow().date())
    found = list(find_all(db, data))
    new, cleared = _upsert(db, period.id, found)
    _form_statuses(db, data)
    by_kind = Counter(SUB_KINDS[f.sub_kind] for f in found)
    counts = {kind: by_kind.get(kind, 0) for kind in KINDS}
    log.record(db, actor, "quality.run", object_type="quality_run", object_id=period.id,
               content={"period": period.id, **counts, "new": new, "cleared": cleared},
               details={**counts, "new": new, "cleared": cleared})
    return RunSummary(period.id, counts, new, cleared)


def get(db: Session, actor: Actor, finding_id: int) -> Finding:
    finding = db.get(Finding, finding_id)
    if finding is None or not can(actor, "quality.view_finding", _subject(db, finding)):
        raise NotFound(Text(f"没有编号为 {finding_id} 的质量问题", f"no finding {finding_id}"))
    return finding


@dataclass(frozen=True)
class Subject:
    """What the permission rules read of a finding: the unit it is about and its department."""

    unit: OrgUnit | None
    department_id: int | None


def _subject(db: Session, finding: Finding) -> Subject:
    return Subject(db.get(OrgUnit, finding.org_unit_id) if finding.org_unit_id else None, finding.department_id)


def explanation_of(db: Session, finding: Finding) -> Explanation | None:
    return db.scalar(select(Explanation).where(Explanation.finding_id == finding.id))


def may_explain(db: Session, actor: Actor, finding: Finding) -> bool:
    return can(actor, "quality.explain", _subject(db, finding))


@write_service
def explain(db: Session, actor: Actor, finding_id: int, note: str) -> Explanation:
    """Mark a finding explained with a note; the note and who wrote it go into the ledger."""
    finding = get(db, actor, finding_id)
    authorize(actor, "quality.explain", _subject(db, finding))
    note = note.strip()
    if len(note) < 4:
        raise ValidationError(Text("请写明情况说明（至少 4 个字）", "write an explanation (at least 4 characters)"))
    explanation = explanation_of(db, finding) or Explanation(finding_id=finding.id)
    explanation.note, explanation.explained_by, explanation.at = note, actor.account_id, utcnow()
    db.add(explanation)
    if finding.status == "open":
        finding.status = "explained"
    log.record(db, actor, "quality.explain", explanation, reason=note)
    return explanation


@dataclass(frozen=True)
class Filters:
    kind: str = ""
    unit: str = ""  # a unit's code: the findings of its subtree
    period: str = ""
    status: str = ""  # "" = open and explained; "cleared"; "all"


def findings(db: Session, actor: Actor, filters: Filters, limit: int | None = 500) -> list[Finding]:
    """The findings the actor may see, newest period first, in the order of the org tree."""
    authorize(actor, "quality.view")
    query = select(Finding).outerjoin(OrgUnit, OrgUnit.id == Finding.org_unit_id)
    if actor.role == "official":
        query = query.where(OrgUnit.path.startswith(actor.org_unit_path, autoescape=True))
    elif actor.role == "dept_staff":
        query = query.where(Finding.department_id == actor.department_id)
    if filters.unit:
        query = query.where(OrgUnit.path.startswith(orgunits.get(db, filters.unit).path, autoescape=True))
    if filters.kind:
        query = query.where(Finding.kind == filters.kind)
    if filters.period:
        query = query.where(Finding.period == parse_period(filters.period).id)
    if filters.status in ("open", "explained", "cleared"):
        query = query.where(Finding.status == filters.status)
    elif filters.status != "all":
        query = query.where(Finding.status != "cleared")
    query = query.order_by(Finding.period.desc(), OrgUnit.path, Finding.kind, Finding.sub_kind, Finding.id)
    return list(db.scalars(query.limit(limit) if limit else query))


def units_of(db: Session, found: list[Finding]) -> dict[int, OrgUnit]:
    ids = {f.org_unit_id for f in found if f.org_unit_id}
    return {u.id: u for u in db.scalars(select(OrgUnit).where(OrgUnit.id.in_(ids)))} if ids else {}


# ---- rates ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rate:
    label: str
    expected: int
    submitted: int
    on_time: int

    @property
    def completeness(self) -> float | None:
        return self.submitted / self.expected if self.expected else None

    @property
    def timeliness(self) -> float | None:
        return self.on_time / self.expected if self.expected else None


def _statuses(db: Session, actor: Actor, under: OrgUnit | None, period_id: str | None = None):
    """Form statuses whose deadline has passed (a form not yet due is not missing), in the actor's scope."""
    query = select(FormStatus, OrgUnit).join(OrgUnit, OrgUnit.id == FormStatus.org_unit_id)
    scope = under.path if under else (actor.org_unit_path if actor.role in ("official", "reporter") else None)
    if scope:
        query = query.where(OrgUnit.path.startswith(scope, autoescape=True))
    if period_id:
        query = query.where(FormStatus.period == period_id)
    today = utcnow().date()
    return [(status, unit) for status, unit in db.execute(query) if status.submitted or status.due < today]


def _rates(rows: Iterable[tuple[str, FormStatus]]) -> list[Rate]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for label, status in rows:
        counts[label][0] += 1
        counts[label][1] += status.submitted
        counts[label][2] += status.on_time
    return [Rate(label, *c) for label, c in sorted(counts.items())]


def rates_over_time(db: Session, actor: Actor, under: OrgUnit | None = None) -> list[Rate]:
    return _rates((s.period, s) for s, _ in _statuses(db, actor, under))


def rates_by_district(db: Session, actor: Actor, period_id: str) -> list[Rate]:
    """Per district (level 2), by the district's code in each unit's path."""
    names = {u.code: u.name_zh for u in db.scalars(select(OrgUnit).where(OrgUnit.level == 2))}
    rows = []
    for status, unit in _statuses(db, actor, None, parse_period(period_id).id):
        parts = unit.path.strip("/").split("/")
        if len(parts) >= 2:
            rows.append((names.get(parts[1], parts[1]), status))
    return _rates(rows)


def rates_by_spec(db: Session, actor: Actor, period_id: str) -> list[Rate]:
    numbers = dict(db.execute(select(Spec.id, Spec.form_number)).all())
    return _rates((numbers.get(s.spec_id, str(s.spec_id)), s) for s, _ in _statuses(db, actor, None, parse_period(period_id).id))


def findings_by_kind(db: Session, actor: Actor, period_id: str = "") -> dict[str, int]:
    counts = Counter(f.kind for f in findings(db, actor, Filters(period=period_id), limit=None))
    return {kind: counts.get(kind, 0) for kind in KINDS}


@dataclass(frozen=True)
class Card:
    unit: OrgUnit
    rates: list[Rate]  # per period
    findings: list[Finding]
    by_kind: dict[str, int]


def card(db: Session, actor: Actor, unit_code: str) -> Card:
    """A unit's quality card: its rates over time and its findings (a department sees its own)."""
    unit = orgunits.get(db, unit_code)
    authorize(actor, "quality.card", unit)
    query = select(Finding).where(Finding.org_unit_id == unit.id, Finding.status != "cleared")
    if actor.role == "dept_staff":
        query = query.where(Finding.department_id == actor.department_id)
    found = list(db.scalars(query.order_by(Finding.period.desc(), Finding.kind, Finding.id)))
    counts = Counter(f.kind for f in found)
    rates = _rates((s.period, s) for s, _ in _statuses(db, actor, unit))
    return Card(unit, rates, found, {kind: counts.get(kind, 0) for kind in KINDS})


def last_runs(db: Session) -> list[str]:
    """The periods the checks have run for, newest first."""
    return sorted(set(db.scalars(select(FormStatus.period).distinct())) | set(db.scalars(select(Finding.period).distinct())),
                  reverse=True)
