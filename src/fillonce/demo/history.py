"""A month of realistic reporting for the demo: most villages fill and submit their one form, some
explain an unusual figure, some are still missing — so every page has something true to show."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from sqlalchemy.orm import Session

from fillonce.accounts import service as accounts
from fillonce.core.db import replaying
from fillonce.core.errors import ValidationError
from fillonce.entry import service as entry
from fillonce.entry.checks import failures
from fillonce.forms import service as forms
from fillonce.orgunits import service as orgunits
from fillonce.periods.ids import Period

MISSING_SHARE = 0.08  # villages that have not submitted yet: the officials' missing list is not empty
EXPLANATION = "经村委会入户核实，数据属实。"

Profile = dict[str, int]
# What a village's figures look like, from its size: element code -> value from (profile, rng).
FIGURES: dict[str, Callable[[Profile, random.Random], int]] = {
    "HH_REGISTERED": lambda p, r: p["hh"],
    "POP_REGISTERED": lambda p, r: p["pop"],
    "POP_RESIDENT": lambda p, r: p["resident"],
    "BIRTHS": lambda p, r: r.randint(0, max(1, p["pop"] // 600)),
    "CHILDREN_0_6": lambda p, r: p["children"],
    "CHILDREN_0_6_MANAGED": lambda p, r: int(p["children"] * r.uniform(0.9, 1.0)),
    "MATERNAL": lambda p, r: r.randint(0, max(1, p["pop"] // 250)),
    "NEWBORNS": lambda p, r: r.randint(0, max(1, p["pop"] // 700)),
    "NEWBORN_VISITS": lambda p, r: 0,
    "DIBAO_HH": lambda p, r: p["dibao_hh"],
    "DIBAO_PERSONS": lambda p, r: int(p["dibao_hh"] * r.uniform(1.4, 2.2)),
    "MARGINAL_HH": lambda p, r: r.randint(0, p["dibao_hh"]),
    "TEKUN_CENTRAL": lambda p, r: p["tekun_c"],
    "TEKUN_HOME": lambda p, r: p["tekun_h"],
    "TEKUN_PERSONS": lambda p, r: p["tekun_c"] + p["tekun_h"],
    "TEMP_AID_CASES": lambda p, r: r.randint(0, 6),
}


def _profile(rng: random.Random, last: dict[str, str]) -> Profile:
    hh = int(last.get("HH_REGISTERED") or rng.randint(180, 1600))
    pop = int(last.get("POP_REGISTERED") or hh * 3)
    return {"hh": hh, "pop": pop, "resident": int(last.get("POP_RESIDENT") or pop),
            "children": int(pop * rng.uniform(0.04, 0.09)), "dibao_hh": max(1, int(hh * rng.uniform(0.01, 0.05))),
            "tekun_c": rng.randint(0, 3), "tekun_h": rng.randint(0, 5)}


def _values(form, profile: Profile, rng: random.Random) -> dict[tuple[str, str], int]:
    values = {}
    for items in form.topics.values():
        for item in items:
            if not item.asked or item.element.code not in FIGURES:
                continue
            total = FIGURES[item.element.code](profile, rng)
            if item.options == forms.TOTAL:
                values[(item.element.code, "")] = total
            else:
                first = rng.randint(0, total)
                codes = [code for code, _, _ in item.options]
                values[(item.element.code, codes[0])] = first
                values[(item.element.code, codes[1])] = total - first
                for code in codes[2:]:
                    values[(item.element.code, code)] = 0
    values[("NEWBORN_VISITS", "")] = values.get(("NEWBORNS", ""), 0)
    return values


def _moments(villages: list, period: Period, rng: random.Random) -> list[tuple[datetime, object]]:
    """When each village works on its form: in the days after the period ends, a few after the deadline."""
    times = []
    for village in villages:
        days = rng.choice([1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 7])
        moment = datetime(period.end.year, period.end.month, period.end.day, rng.randint(8, 17),
                          rng.randint(0, 59), tzinfo=timezone.utc) + timedelta(days=days)
        times.append((moment, village))
    return sorted(times, key=lambda pair: pair[0])


def fill_month(db: Session, villages: list, period: Period, previous: Period) -> tuple[int, int]:
    """Each village's reporter fills this period's form at its own moment; returns (submitted, missing)."""
    rng = random.Random(int(period.id))
    submitted = missing = 0
    for moment, village in _moments(villages, period, rng):
        with replaying(moment):
            done = _fill_one(db, village, period, previous, rng)
        submitted, missing = submitted + done, missing + (not done)
    return submitted, missing


def _fill_one(db: Session, village, period: Period, previous: Period, rng: random.Random) -> bool:
    reporter = accounts.actor_of(accounts.get_account(db, f"r{village.code}"))
    unit = orgunits.get(db, village.code)
    form = forms.one_form(db, unit, period)
    last = {code: value for (element, option), value in entry.values_of(db, unit.id, previous.id).items()
            for code in [_code(form, element)] if code and option == ""}
    values = _values(form, _profile(rng, last), rng)
    entry.save_values(db, reporter, village.code, period.id, values)
    if rng.random() < MISSING_SHARE:
        return False
    warnings = [f.key for f in failures(form.specs, entry.values_of(db, unit.id, period.id)) if not f.blocking]
    try:
        entry.submit_form(db, reporter, village.code, period.id, {key: EXPLANATION for key in warnings})
    except ValidationError:
        return False
    return True


def _code(form, element_id: int) -> str | None:
    for items in form.topics.values():
        for item in items:
            if item.element.id == element_id:
                return item.element.code
    return None
