"""Rounds of realistic reporting for the demo: in each, most villages fill and submit their one form
(the month's, and after a quarter's last month the quarter's too), some explain an unusual figure, some
are still missing — so every page, monthly or quarterly, has something true to show."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone

from sqlalchemy.orm import Session

from fillonce.accounts import service as accounts
from fillonce.core.db import replaying
from fillonce.core.errors import ValidationError
from fillonce.entry import service as entry
from fillonce.entry.checks import Finding
from fillonce.forms import service as forms
from fillonce.orgunits import service as orgunits
from fillonce.periods.ids import MONTHLY, QUARTERLY, Period, period_of

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
    "MARGINAL_HH": lambda p, r: p["marginal_hh"],
    "TEKUN_CENTRAL": lambda p, r: p["tekun_c"],
    "TEKUN_HOME": lambda p, r: p["tekun_h"],
    "TEKUN_PERSONS": lambda p, r: p["tekun_c"] + p["tekun_h"],
    "TEMP_AID_CASES": lambda p, r: r.randint(0, 6),
    # The quarterly forms: elderly people and children, health services, employment and pensions,
    # medical insurance, disability, population and public order, mediation.
    "ELDERLY_60": lambda p, r: p["old60"],
    "ELDERLY_65": lambda p, r: p["old65"],
    "ELDERLY_80": lambda p, r: p["old80"],
    "ELDERLY_ALONE": lambda p, r: int(p["old60"] * r.uniform(0.05, 0.12)),
    "ELDERLY_LEFT_BEHIND": lambda p, r: int(p["old60"] * r.uniform(0.05, 0.2)),
    "ELDERLY_DISABLED": lambda p, r: int(p["old60"] * r.uniform(0.02, 0.06)),
    "OLD_AGE_ALLOWANCE": lambda p, r: int(p["old80"] * r.uniform(0.9, 1.02)),
    "DAY_CARE_CENTRES": lambda p, r: r.randint(0, 2),
    "ORPHANS": lambda p, r: r.randint(0, 2),
    "UNSUPPORTED_CHILDREN": lambda p, r: r.randint(0, 3),
    "LEFT_BEHIND_CHILDREN": lambda p, r: int(p["children"] * r.uniform(0.05, 0.25)),
    "ELDERLY_HEALTH_MANAGED": lambda p, r: int(p["old65"] * r.uniform(0.6, 0.8)),
    "HYPERTENSION_MANAGED": lambda p, r: int(p["pop"] * r.uniform(0.06, 0.1)),
    "DIABETES_MANAGED": lambda p, r: int(p["pop"] * r.uniform(0.02, 0.04)),
    "SEVERE_MENTAL": lambda p, r: r.randint(0, max(1, p["pop"] // 400)),
    "FAMILY_DOCTOR_SIGNED": lambda p, r: int(p["pop"] * r.uniform(0.35, 0.55)),
    "HEALTH_RECORDS": lambda p, r: int(p["resident"] * r.uniform(0.85, 1.0)),
    "FP_SPECIAL_FAMILIES": lambda p, r: r.randint(0, 3),
    "RURAL_LABOUR": lambda p, r: p["labour"],
    "MIGRANT_WORKERS": lambda p, r: int(p["labour"] * r.uniform(0.3, 0.6)),
    "POVERTY_EXIT_WORKERS": lambda p, r: int(p["labour"] * r.uniform(0.01, 0.05)),
    "PUBLIC_WELFARE_JOBS": lambda p, r: r.randint(0, 6),
    "UNEMPLOYED_REGISTERED": lambda p, r: r.randint(0, 10),
    "ZERO_EMPLOYMENT_HH": lambda p, r: int(r.random() < 0.04),
    "SKILLS_TRAINING": lambda p, r: r.randint(0, 40),
    "PENSION_INSURED": lambda p, r: int(p["pop"] * r.uniform(0.45, 0.6)),
    "PENSION_RECEIVING": lambda p, r: int(p["old60"] * r.uniform(0.85, 0.98)),
    "MEDICAL_INSURED": lambda p, r: int(p["pop"] * r.uniform(0.94, 1.0)),
    "MONITORED_PERSONS": lambda p, r: r.randint(0, 8),
    "MEDICAL_AID_CASES": lambda p, r: r.randint(0, 15),
    "DISABLED_CERTIFIED": lambda p, r: p["disabled"],
    "DISABLED_SEVERE": lambda p, r: p["severe"],
    "DISABLED_LIVING_SUBSIDY": lambda p, r: int(p["disabled"] * r.uniform(0.05, 0.15)),
    "DISABLED_CARE_SUBSIDY": lambda p, r: int(p["severe"] * r.uniform(0.8, 1.02)),
    "DISABLED_REHAB": lambda p, r: int(p["disabled"] * r.uniform(0.2, 0.5)),
    "POP_FLOATING": lambda p, r: int(p["pop"] * r.uniform(0.02, 0.15)),
    "POP_AWAY_FROM_HUKOU": lambda p, r: int(p["pop"] * r.uniform(0.05, 0.2)),
    "POP_MOVED_IN": lambda p, r: r.randint(0, 8),
    "POP_MOVED_OUT": lambda p, r: r.randint(0, 10),
    "PUBLIC_ORDER_CASES": lambda p, r: r.randint(0, 5),
    "FRAUD_CASES": lambda p, r: r.randint(0, 3),
    "DISPUTES_FOUND": lambda p, r: p["disputes"],
    "DISPUTES_MEDIATED": lambda p, r: int(p["disputes"] * r.uniform(0.8, 1.0)),
    "MEDIATORS": lambda p, r: r.randint(2, 7),
    "COMMUNITY_CORRECTION": lambda p, r: r.randint(0, 3),
    "RELEASED_PRISONERS": lambda p, r: r.randint(0, 3),
    "HAS_LEGAL_ADVISER": lambda p, r: int(r.random() < 0.9),
}


def _profile(rng: random.Random, last: dict[str, str]) -> Profile:
    """A village's size and make-up; `rng` is the village's own, so its shares hold from month to month."""
    hh = int(last.get("HH_REGISTERED") or rng.randint(180, 1600))
    pop = int(last.get("POP_REGISTERED") or hh * 3)
    old60 = int(pop * rng.uniform(0.14, 0.26))
    disabled = int(pop * rng.uniform(0.03, 0.07))
    return {"hh": hh, "pop": pop, "resident": int(last.get("POP_RESIDENT") or pop),
            "children": int(pop * rng.uniform(0.04, 0.09)), "dibao_hh": max(1, int(hh * rng.uniform(0.01, 0.05))),
            "marginal_hh": int(hh * rng.uniform(0.0, 0.03)),
            "tekun_c": rng.randint(0, 3), "tekun_h": rng.randint(0, 5),
            "old60": old60, "old65": int(old60 * rng.uniform(0.65, 0.75)), "old80": int(old60 * rng.uniform(0.12, 0.2)),
            "labour": int(pop * rng.uniform(0.5, 0.6)), "disabled": disabled,
            "severe": int(disabled * rng.uniform(0.2, 0.35)), "disputes": rng.randint(0, 12)}


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """A total divided into parts (men and women, kinds of disability) that add up to it."""
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    shares = [int(total * w / sum(weights)) for w in weights]
    shares[0] += total - sum(shares)
    return shares


def _values(form, profile: Profile, rng: random.Random, counted: dict[str, int]) -> dict[tuple[str, str], int]:
    """The figures a village types into its one form; an element asked both whole and divided (by two
    forms) gets one total, which its parts add up to. `counted`: figures the village copies from a register."""
    totals: dict[str, int] = dict(counted)
    values = {}
    for items in form.topics.values():
        for item in items:
            if not item.asked or item.element.code not in FIGURES:
                continue
            code = item.element.code
            total = totals.setdefault(code, FIGURES[code](profile, rng))
            if item.options == forms.TOTAL:
                values[(code, "")] = total
            else:
                for (option, _, _), share in zip(item.options, _split(total, len(item.options), rng)):
                    values[(code, option)] = share
    if ("NEWBORNS", "") in values:
        values[("NEWBORN_VISITS", "")] = values[("NEWBORNS", "")]
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


def reporting_rounds(today: date) -> tuple[Period, list[list[Period]]]:
    """The month the city starts in, and the reporting rounds since: every month from the start of the
    last whole quarter to last month, the quarter's own form filled with its last month, so quarterly
    reports have a whole quarter to show."""
    quarter = period_of(QUARTERLY, today).previous()
    last = period_of(MONTHLY, today).previous()
    month, rounds = period_of(MONTHLY, quarter.start), []
    while month <= last:
        rounds.append([month, quarter] if month.end == quarter.end else [month])
        month = month.next()
    return rounds[0][0].previous(), rounds


Counted = dict[str, dict[str, dict[int, int]]]  # period id -> element code -> unit id -> figure


Habit = Callable[[dict[tuple[str, str], int]], dict[tuple[str, str], int]]


def fill_round(db: Session, villages: list, periods: list[Period], counted: Counted | None = None,
               habits: dict[str, Habit] | None = None) -> tuple[int, int]:
    """Each village's reporter fills the round's forms at its own moment, the month's and (when the month
    ends a quarter) the quarter's from the same figures, copying from `counted` what a register holds, in
    their own `habits` (village code -> how they bend the figures); returns (submitted, missing) for the month."""
    month = periods[0]
    rng = random.Random(int(month.id))
    submitted = missing = 0
    for moment, village in _moments(villages, month, rng):
        with replaying(moment):
            reporter = accounts.actor_of(accounts.get_account(db, f"r{village.code}"))
            unit = orgunits.get(db, village.code)
            profile = _profile(random.Random(unit.code), _last_totals(db, unit, month.previous()))
            habit = (habits or {}).get(unit.code, lambda values: values)
            done = [_fill_one(db, reporter, unit, period, profile, rng,
                              _of_unit((counted or {}).get(period.id), unit.id), habit) for period in periods]
        submitted, missing = submitted + done[0], missing + (not done[0])
    return submitted, missing


def _last_totals(db: Session, unit, period: Period) -> dict[str, str]:
    """The village's totals of the period before, by element code: its size changes slowly."""
    return {code: value for (code, option), value in entry.coded_values(db, unit.id, period.id).items() if option == ""}


def _of_unit(counted: dict[str, dict[int, int]] | None, unit_id: int) -> dict[str, int]:
    return {code: figures[unit_id] for code, figures in (counted or {}).items() if unit_id in figures}


def _fill_one(db: Session, reporter, unit, period: Period, profile: Profile, rng: random.Random,
              counted: dict[str, int], habit: Habit) -> bool:
    form = forms.one_form(db, unit, period)
    entry.save_values(db, reporter, unit.code, period.id, habit(_values(form, profile, rng, counted)))
    if rng.random() < MISSING_SHARE:
        return False
    # An explanation ready for every warning rule: the submission keeps only those of rules that fail.
    explained = {Finding(spec, rule, {}).key: EXPLANATION for spec in form.specs for rule in spec.rules
                 if rule.severity == "warning"}
    try:
        entry.submit_form(db, reporter, unit.code, period.id, explained)
    except ValidationError:
        return False
    return True
