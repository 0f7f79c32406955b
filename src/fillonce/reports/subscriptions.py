"""Subscriptions: a department's report rebuilt, for each period, once that period has closed."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from fillonce.accounts.permissions import Actor, authorize
from fillonce.core.db import utcnow
from fillonce.core.errors import Conflict, NotFound, ValidationError
from fillonce.core.i18n import Text
from fillonce.core.writepath import write_service
from fillonce.entry import deadlines
from fillonce.ledger import log
from fillonce.periods.ids import period_of
from fillonce.reports import downloads
from fillonce.reports.models import BuiltReport, Subscription
from fillonce.specs import service as specs
from fillonce.specs.models import Spec


def _latest_published(db: Session, form_number: str) -> Spec | None:
    return db.scalar(select(Spec).where(Spec.form_number == form_number, Spec.status == "published"))


@write_service
def subscribe(db: Session, actor: Actor, spec_id: int, level: int, fmt: str) -> Subscription:
    spec = specs.get(db, actor, spec_id)
    authorize(actor, "report.subscribe", spec)
    if fmt not in downloads.FORMATS or not 1 <= level <= 10:
        raise ValidationError(Text(f"订阅的格式 {fmt} 或层级 {level} 无效", f"format {fmt} or level {level} is invalid"))
    existing = db.scalar(select(Subscription).where(
        Subscription.department_id == actor.department_id, Subscription.form_number == spec.form_number,
        Subscription.level == level, Subscription.format == fmt, Subscription.active))
    if existing is not None:
        raise Conflict(Text("已订阅过这份报表", "this report is already subscribed"))
    subscription = Subscription(department_id=actor.department_id, form_number=spec.form_number, level=level,
                                format=fmt, active=True, created_at=utcnow())
    db.add(subscription)
    log.record(db, actor, "report.subscribe", subscription)
    return subscription


@write_service
def unsubscribe(db: Session, actor: Actor, subscription_id: int) -> Subscription:
    subscription = _own(db, actor, subscription_id)
    subscription.active = False
    log.record(db, actor, "report.unsubscribe", subscription)
    return subscription


def _own(db: Session, actor: Actor, subscription_id: int) -> Subscription:
    subscription = db.get(Subscription, subscription_id)
    if subscription is None or subscription.department_id != actor.department_id:
        raise NotFound(Text(f"没有编号为 {subscription_id} 的订阅", f"no subscription {subscription_id}"))
    return subscription


def of_department(db: Session, actor: Actor) -> list[tuple[Subscription, list[BuiltReport]]]:
    subscriptions = list(db.scalars(select(Subscription).where(Subscription.department_id == actor.department_id)
                                    .order_by(Subscription.id)))
    built = {s.id: [] for s in subscriptions}
    for report in db.scalars(select(BuiltReport).where(BuiltReport.subscription_id.in_(list(built)))
                             .order_by(BuiltReport.period.desc())):
        built[report.subscription_id].append(report)
    return [(s, built[s.id]) for s in subscriptions]


def _department_actor(subscription: Subscription) -> Actor:
    """Who takes a subscribed report: the department itself, as it recorded in the ledger."""
    return Actor(account_id=None, username=f"subscription:{subscription.id}", role="dept_staff", duty="api",
                 department_id=subscription.department_id, department_code=subscription.department.code)


def rebuild_due(db: Session, settings) -> list[BuiltReport]:
    """Build every subscribed report whose latest closed period has not been built yet."""
    today = utcnow().date()
    built = []
    for subscription in db.scalars(select(Subscription).where(Subscription.active)):
        spec = _latest_published(db, subscription.form_number)
        if spec is None:
            continue
        period = period_of(spec.period_type, today).previous()
        if not deadlines.window([spec], period).closed_on(today):
            period = period.previous()  # the latest period whose deadline and grace have passed
        done = db.scalar(select(BuiltReport.id).where(BuiltReport.subscription_id == subscription.id,
                                                      BuiltReport.period == period.id))
        if done is None:
            got = downloads.download(db, _department_actor(subscription), settings, spec.id, period.id,
                                     subscription.level, subscription.format)
            built.append(_store(db, _department_actor(subscription), subscription, period.id, got))
    return built


@write_service
def _store(db: Session, actor: Actor, subscription: Subscription, period: str, got) -> BuiltReport:
    report = BuiltReport(subscription_id=subscription.id, period=period, filename=got.filename, sha256=got.sha256,
                         checkpoint_size=got.checkpoint_size, body=got.body, built_at=utcnow())
    db.add(report)
    log.record(db, actor, "report.build", report)
    return report


def built_file(db: Session, actor: Actor, built_id: int) -> BuiltReport:
    report = db.get(BuiltReport, built_id)
    if report is None:
        raise NotFound(Text(f"没有编号为 {built_id} 的报表文件", f"no built report {built_id}"))
    _own(db, actor, report.subscription_id)
    return report
