"""Late reporting: one forms submitted after their deadline (within the grace days or after a reopening)."""

from __future__ import annotations

from collections.abc import Iterator

from fillonce.core.i18n import Text
from fillonce.quality.context import Found, PeriodData


def late_submissions(data: PeriodData) -> Iterator[Found]:
    for unit_id in data.reported():
        submission = data.submissions[unit_id]
        if not submission.late:
            continue
        unit, due = data.units[unit_id], data.window(unit_id).due
        days = (submission.submitted_at.date() - due).days if due else None
        yield Found("late_submission", unit_id, (), Text(
            f"{unit.name_zh} {data.period.id} 的一表通于 {submission.submitted_at:%Y-%m-%d} 报送，晚于截止日 {due}（{days} 天）",
            f"{unit.name_zh} {data.period.id}: submitted on {submission.submitted_at:%Y-%m-%d}, {days} days after the deadline {due}"),
            {"due": due.isoformat() if due else None, "submitted_at": submission.submitted_at.isoformat(),
             "days_late": days})
