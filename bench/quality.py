"""All quality checks for the demo city for one month (goal < 10 s), beside one plain scan of that
month's data values into Python objects, measured in the same run."""

from __future__ import annotations

import time

from sqlalchemy import func, select

from bench.common import demo_city, figure
from fillonce.accounts import service as accounts
from fillonce.core.db import utcnow
from fillonce.entry.models import DataValue
from fillonce.periods.ids import MONTHLY, period_of
from fillonce.quality import service as quality
from fillonce.quality.models import Finding


def _scan(db, period_id: str) -> tuple[float, int]:
    start = time.perf_counter()
    rows = list(db.scalars(select(DataValue).where(DataValue.period == period_id)))
    return time.perf_counter() - start, len(rows)


def run() -> None:
    with demo_city() as runtime:
        period = period_of(MONTHLY, utcnow().date()).previous().id
        with runtime.session() as db:
            office = accounts.actor_of(accounts.get_account(db, "office"))
            db.expunge_all()
            baseline, values = _scan(db, period)
            db.expunge_all()
            start = time.perf_counter()
            summary = quality.run_checks(db, office, period)
            ours = time.perf_counter() - start
            findings = db.scalar(select(func.count()).select_from(Finding).where(Finding.period == period))
        print(f"# quality: {period}, {values} data values, {findings} findings {summary.found}", flush=True)
        figure("quality", "all_checks_city_month_seconds", ours, "s", "one plain scan of the month's data values, s",
               baseline, goal="< 10 s", met=ours < 10, higher_is_better=False)
