"""Seeded data-quality problems for the demo, laid down through the same services in their own time
after the last reporting round, so that the quality page finds one of each kind:

- an outlier (a village reports ten times its usual temporary-aid cases),
- digit preference (a village rounds every figure to tens),
- a warning rule failing, submitted with an explanation,
- a change after submission whose reason says nothing,
- a value lowered after the deadline, in a reopened period,
- a period reopened again and again,
- the same one-form workbook uploaded twice (by a village, then by its township),
and the late and missing forms the reporting rounds already leave. Register duplicates are seeded by the
registers step. No reported figure disagrees with a register: every figure a register answers is bound to
its indicator from the city's set-up on, so no form asks it. Finally the checks run once for the two
reported months.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy.orm import Session

from fillonce.accounts import service as accounts
from fillonce.core.config import load_settings
from fillonce.core.db import replaying
from fillonce.entry import service as entry
from fillonce.entry import uploads
from fillonce.entry.checks import failures
from fillonce.forms import service as forms
from fillonce.forms.workbook import forms_xlsx
from fillonce.ledger import keys, log
from fillonce.orgunits import service as orgunits
from fillonce.periods.ids import Period
from fillonce.quality import service as quality

WARNING_EXPLANATION = "本村今年受灾，新纳入低保对象较多，已逐户入户核实。"


@dataclass(frozen=True)
class Seeded:
    problems: list[str]  # what was seeded, where
    findings: dict[str, int]  # what the checks then found in the last month, by kind


def _write_ledger(db: Session) -> None:
    """The demo is one transaction, whose ledger entries are written when it ends unless written sooner:
    write them now, so that the checks, which read the ledger, see the changes made so far."""
    log.flush_pending(db, keys.salt(load_settings()))


def _actor(db: Session, username: str):
    return accounts.actor_of(accounts.get_account(db, username))


def _moment(period: Period, days: int, hour: int) -> datetime:
    day = period.end + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.utc)


def _values(db: Session, code: str, period: Period) -> dict[tuple[str, str], str]:
    return entry.coded_values(db, orgunits.get(db, code).id, period.id)


def _submit(db: Session, code: str, period: Period, changes: dict, explanation: str = WARNING_EXPLANATION) -> None:
    """Save a missing village's corrected draft and submit it (late), explaining any warning."""
    reporter = _actor(db, f"r{code}")
    entry.save_values(db, reporter, code, period.id, changes)
    unit = orgunits.get(db, code)
    specs = forms.one_form(db, unit, period).specs
    warnings = {f.key: explanation for f in failures(specs, entry.values_of(db, unit.id, period.id)) if not f.blocking}
    entry.submit_form(db, reporter, code, period.id, warnings)


def _outlier(db: Session, code: str, period: Period) -> str:
    usual = int(_values(db, code, period).get(("TEMP_AID_CASES", ""), "3"))
    _submit(db, code, period, {("TEMP_AID_CASES", ""): max(60, usual * 10 + 60)})
    return f"outlier {code} TEMP_AID_CASES"


ROUNDER = 17  # the village (by position) whose reporter writes round figures instead of counting


def rounded(values: dict[tuple[str, str], int]) -> dict[tuple[str, str], int]:
    """Round figures every month: digit preference (a figure below 5 is left, one below 10 becomes 10)."""
    return {key: value if value < 5 else max(10, round(value, -1)) for key, value in values.items()}


def habits(villages: list) -> dict:
    """How some villages bend their figures, month after month."""
    return {villages[ROUNDER].code: rounded}


def _explained_warning(db: Session, code: str, period: Period) -> str:
    values = _values(db, code, period)
    children = int(int(values[("POP_RESIDENT", "")]) * 0.22)  # 22% aged 0-6: the 20% warning fails
    _submit(db, code, period, {("CHILDREN_0_6", ""): children})
    return f"rule failure explained {code}"


def _no_real_reason(db: Session, code: str, period: Period) -> str:
    current = int(_values(db, code, period).get(("MARGINAL_HH", ""), "0"))
    entry.save_values(db, _actor(db, f"r{code}"), code, period.id, {("MARGINAL_HH", ""): current + 2}, reason="改")
    return f"changed without a reason {code}"


def _lowered_after_reopening(db: Session, code: str, period: Period) -> str:
    marginal = int(_values(db, code, period)[("MARGINAL_HH", "")])
    entry.reopen(db, _actor(db, "mzj_author"), code, period.id, "村里申请更正低保边缘户数", days=5)
    lowered = marginal - max(1, marginal // 3)
    entry.save_values(db, _actor(db, f"r{code}"), code, period.id, {("MARGINAL_HH", ""): lowered},
                      reason="核减：部分边缘户收入已超标")
    return f"lowered after the deadline {code}"


def _same_workbook_twice(db: Session, village, period: Period) -> str:
    """The village uploads its one form as a workbook; its township, sent the same file, uploads it again."""
    unit = orgunits.get(db, village.code)
    data = forms_xlsx([forms.one_form(db, unit, period)], {unit.id: entry.coded_values(db, unit.id, period.id)})
    uploads.upload(db, _actor(db, f"r{village.code}"), data, f"{village.code}-{period.id}.xlsx")
    uploads.upload(db, _actor(db, f"o{village.parent_code}"), data, f"{village.code}-{period.id}.xlsx")
    return f"same workbook uploaded twice {village.code}"


def _reopened_twice(db: Session, code: str, period: Period) -> str:
    department = _actor(db, "mzj_author")
    with replaying(_moment(period, 12, 10)):
        entry.reopen(db, department, code, period.id, "补录临时救助", days=2)
        aid = int(_values(db, code, period).get(("TEMP_AID_CASES", ""), "0"))
        entry.save_values(db, _actor(db, f"r{code}"), code, period.id, {("TEMP_AID_CASES", ""): aid + 1},
                          reason="补录一例临时救助")
        _write_ledger(db)
    with replaying(_moment(period, 16, 10)):
        entry.reopen(db, department, code, period.id, "再次补录临时救助", days=2)
        _write_ledger(db)
    return f"reopened twice {code}"


MISCOUNTS = (6, -5, 9)  # three villages' clerks miscount their 低保 people: the report disagrees with the register


def miscount(db: Session, counted: dict[str, dict[str, dict[int, int]]], villages: list, period: Period) -> None:
    """Of the figures the villages copy from the registers in `period`, three are miscounted by hand."""
    persons = counted[period.id]["DIBAO_PERSONS"]
    listed = [unit.id for unit in (orgunits.get(db, v.code) for v in villages) if persons.get(unit.id, 0) >= 10]
    for unit_id, error in zip(listed[5::40], MISCOUNTS):
        persons[unit_id] += error


def seed(db: Session, villages: list, period: Period, earlier: list[Period]) -> Seeded:
    """Problems in `period` (just after its last reporting round), then the checks over `earlier` and it."""
    codes = [v.code for v in villages]
    missing = [c for c in codes if entry.submission_of(db, orgunits.get(db, c).id, period.id) is None]
    submitted = [c for c in codes if c not in missing]
    # lowered by a third: a village with a few 低保边缘户 to lower
    lowered = next(c for c in submitted[3:] if int(_values(db, c, period).get(("MARGINAL_HH", ""), "0")) >= 3)
    problems = []
    with replaying(_moment(period, 8, 8)):
        _write_ledger(db)  # the reporting rounds' entries, before the problems that follow them
    with replaying(_moment(period, 8, 9)):  # after the deadline, on the last day of grace
        problems.append(_outlier(db, missing[0], period))
        problems.append(f"digit preference {villages[ROUNDER].code}")
        problems.append(_explained_warning(db, missing[2], period))
        problems.append(_same_workbook_twice(db, next(v for v in villages if v.code == missing[3]), period))
        problems.append(_no_real_reason(db, submitted[0], period))
        _write_ledger(db)
    with replaying(_moment(period, 12, 9)):  # closed: changes need a department's reopening
        problems.append(_lowered_after_reopening(db, lowered, period))
        _write_ledger(db)
    problems.append(_reopened_twice(db, submitted[2], period))
    office = _actor(db, "office")
    for month in (*earlier, period):
        summary = quality.run_checks(db, office, month.id)
    return Seeded(problems, summary.found)
