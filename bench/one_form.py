"""Building the one form for every village of the demo city for a period, beside building them one
unit at a time."""

from __future__ import annotations

import time

from sqlalchemy import select

from bench.common import demo_city, figure
from fillonce.core.db import utcnow
from fillonce.forms import service as forms
from fillonce.orgunits.models import OrgUnit
from fillonce.periods.ids import MONTHLY, QUARTERLY, period_of


def run() -> None:
    with demo_city() as runtime:
        with runtime.session() as db:
            villages = list(db.scalars(select(OrgUnit).where(OrgUnit.level == 4)))
            today = utcnow().date()
            for period in (period_of(MONTHLY, today), period_of(QUARTERLY, today)):
                db.expire_all()
                start = time.perf_counter()
                built = forms.one_forms(db, villages, period)
                batch = time.perf_counter() - start
                db.expire_all()
                start = time.perf_counter()
                for village in villages:
                    forms.one_form(db, village, period)
                single = time.perf_counter() - start
                asked = sum(f.burden.asked_fields for f in built)
                print(f"# one_form[{period.id}]: {len(built)} villages, {asked} items asked in all", flush=True)
                figure("one_form", f"all_villages_seconds_{period.type}", batch, "s",
                       "the same forms built one unit at a time, s", single,
                       goal="< 1 s for all 300 villages", met=batch < 1, higher_is_better=False)
