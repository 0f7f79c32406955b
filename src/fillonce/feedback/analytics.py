"""What the feedback says about the forms: which specs and fields draw the most, how long answers take,
how often feedback changed a spec, and who owes overdue answers. For the office; never about people."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from fillonce.accounts.permissions import Actor, authorize
from fillonce.core.db import utcnow
from fillonce.feedback.models import Feedback
from fillonce.feedback.service import is_overdue


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile (share in 0..1) of `values`; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass
class Analytics:
    total: int
    by_status: dict[str, int]
    by_kind: dict[str, int]
    top_specs: list[tuple[str, str, int]]  # (form number, title, count)
    top_fields: list[tuple[str, str, str, int]]  # (form number, field key, label, count)
    answered: int
    hours_to_answer_median: float | None
    hours_to_answer_p90: float | None
    led_to_change: int
    overdue_by_department: dict[str, int]

    @property
    def change_share(self) -> float | None:
        return self.led_to_change / self.answered if self.answered else None


def _hours(feedback: Feedback) -> float:
    return (feedback.first_answered_at - feedback.raised_at).total_seconds() / 3600


def _field_label(feedback: Feedback) -> str:
    return next((f.label_zh for f in feedback.spec.fields if f.key == feedback.field_key), feedback.field_key)


def analyse(db: Session, actor: Actor, top: int = 10) -> Analytics:
    authorize(actor, "feedback.oversee")
    everything = list(db.scalars(select(Feedback)))
    now = utcnow()
    specs = Counter((f.spec.form_number, f.spec.title_zh) for f in everything if f.spec)
    fields = Counter((f.spec.form_number, f.field_key, _field_label(f)) for f in everything if f.field_key)
    answered = [f for f in everything if f.first_answered_at]
    hours = [_hours(f) for f in answered]
    overdue = Counter(f.department.name_zh if f.department else "减负办" for f in everything if is_overdue(f, now))
    return Analytics(
        total=len(everything), by_status=dict(Counter(f.status for f in everything)),
        by_kind=dict(Counter(f.kind for f in everything)),
        top_specs=[(*key, n) for key, n in specs.most_common(top)],
        top_fields=[(*key, n) for key, n in fields.most_common(top)],
        answered=len(answered), hours_to_answer_median=percentile(hours, 0.5),
        hours_to_answer_p90=percentile(hours, 0.9), led_to_change=sum(1 for f in answered if f.led_to_change),
        overdue_by_department=dict(sorted(overdue.items(), key=lambda kv: (-kv[1], kv[0]))),
    )
