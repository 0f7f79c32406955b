"""The city's burden figures (twelve months, every unit, with the specs in force each month) on the demo
city, beside building the same one forms without classifying them: what the burden page adds to the forms."""

from __future__ import annotations

import time

from sqlalchemy import select

from bench.common import demo_city, figure
from fillonce.accounts import service as accounts
from fillonce.burden import service as burden
from fillonce.orgunits.models import OrgUnit


def run() -> None:
    with demo_city() as runtime:
        with runtime.session() as db:
            office = accounts.actor_of(accounts.get_account(db, "office"))
            units = list(db.scalars(select(OrgUnit).order_by(OrgUnit.path)))
            db.expire_all()
            start = time.perf_counter()
            built = sum(len(forms) for _, forms in burden.one_forms_by_month(db, units, 12))
            baseline = time.perf_counter() - start
            db.expire_all()
            start = time.perf_counter()
            summary = burden.summary(db, office, months=12)
            seconds = time.perf_counter() - start
            total = summary.measured.total
            print(f"# burden: {len(units)} units, {built} one forms over 12 months, {total.separate} fields "
                  f"classified, {total.minutes_saved:.0f} minutes saved", flush=True)
            figure("burden", "city_summary_seconds", seconds, "s",
                   "building the same one forms without classifying them, s", baseline,
                   goal="< 3 s for the office's city page", met=seconds < 3, higher_is_better=False)
