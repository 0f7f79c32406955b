"""Seeded data-quality problems for the demo, laid down through the same services in their own time
after the last reporting round, so that the quality page finds one of each kind:

- an outlier (a village reports ten times its usual temporary-aid cases),
- digit preference (a village rounds every figure to tens),
- a warning rule failing, submitted with an explanation,
- a reported 低保人数 that disagrees with the 低保 register (when the registers step has built it),
- a change after submission whose reason says nothing,
- a value lowered after the deadline, in a reopened period,
- a period reopened again and again,
and the late and missing forms the reporting rounds already leave. Register duplicates are seeded by the
registers step. Finally the checks run once for the two reported months.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from fillonce.accounts import service as accounts
from fillonce.core.config import load_settings
from fillonce.core.db import replaying
from fillonce.entry import service as entry
from fillonce.entry.checks import failures
from fillonce.forms import service as forms
from fillonce.ledger import keys, log
from fillonce.orgunits import service as orgunits
from fillonce.periods.ids import Period
from fillonce.quality import service as quality
from fillonce.quality.checks.false_reporting import counts_at
from fillonce.registers.models import Register

WARNING_EXPLANATION = "本村今年受灾，新纳入低保对象较多，已逐户入户核实。"


@dataclass(frozen=True)
class Seeded:
    problems: list[str]  # what was seeded, where
    findings: dict[str, int]  # what the checks then found in the last month, by kind


def _write_ledger(db: Session) -> None:
    """The demo is one transaction, whose ledger entries are written when it ends unless written sooner:
    write them now, so that they carry the moment being replayed and the checks can read them."""
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


def _rounded(value: str) -> str:
    number = int(value)
    return value if number < 5 else str(max(10, round(number, -1)))


def _digit_preference(db: Session, code: str, period: Period) -> str:
    """A reporter who writes round figures instead of counting; the parts of 特困 still add up."""
    values = {key: _rounded(v) for key, v in _values(db, code, period).items() if v.isdigit()}
    if ("TEKUN_PERSONS", "") in values:
        values[("TEKUN_PERSONS", "")] = str(int(values.get(("TEKUN_CENTRAL", ""), "0")) +
                                            int(values.get(("TEKUN_HOME", ""), "0")))
    _submit(db, code, period, values)
    return f"digit preference {code}"


def _explained_warning(db: Session, code: str, period: Period) -> str:
    values = _values(db, code, period)
    persons = int(int(values[("POP_REGISTERED", "")]) * 0.12)  # 12% on the allowance: the 10% warning fails
    _submit(db, code, period, {("DIBAO_PERSONS", ""): persons})
    return f"rule failure explained {code}"


def _register_disagreement(db: Session, code: str, period: Period) -> str | None:
    """低保人数 six more than the 低保 register lists for the village, when the register has people there."""
    register = db.scalar(select(Register).where(Register.code == "DIBAO"))
    unit = orgunits.get(db, code)
    if register is None or unit.id not in counts_at(db, register.id, period.end):
        return None
    listed = counts_at(db, register.id, period.end)[unit.id]
    households = int(_values(db, code, period).get(("DIBAO_HH", ""), "1"))
    _submit(db, code, period, {("DIBAO_PERSONS", ""): max(listed + 6, households)})
    return f"register disagreement {code}"


def _no_real_reason(db: Session, code: str, period: Period) -> str:
    current = int(_values(db, code, period).get(("MARGINAL_HH", ""), "0"))
    entry.save_values(db, _actor(db, f"r{code}"), code, period.id, {("MARGINAL_HH", ""): current + 2}, reason="改")
    return f"changed without a reason {code}"


def _lowered_after_reopening(db: Session, code: str, period: Period) -> str:
    values = _values(db, code, period)
    entry.reopen(db, _actor(db, "mzj_author"), code, period.id, "村里申请更正低保人数", days=5)
    persons, households = int(values[("DIBAO_PERSONS", "")]), int(values[("DIBAO_HH", "")])
    lowered = max(households, persons - max(3, persons // 3))
    entry.save_values(db, _actor(db, f"r{code}"), code, period.id, {("DIBAO_PERSONS", ""): lowered},
                      reason="核减：部分对象收入超标，退出低保")
    return f"lowered after the deadline {code}"


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


def seed(db: Session, villages: list, period: Period, earlier: list[Period]) -> Seeded:
    """Problems in `period` (just after its last reporting round), then the checks over `earlier` and it."""
    codes = [v.code for v in villages]
    missing = [c for c in codes if entry.submission_of(db, orgunits.get(db, c).id, period.id) is None]
    submitted = [c for c in codes if c not in missing]
    problems = []
    with replaying(_moment(period, 8, 8)):
        _write_ledger(db)  # the reporting rounds' entries, before the problems that follow them
    with replaying(_moment(period, 8, 9)):  # after the deadline, on the last day of grace
        problems.append(_outlier(db, missing[0], period))
        problems.append(_digit_preference(db, missing[1], period))
        problems.append(_explained_warning(db, missing[2], period))
        problems.append(_register_disagreement(db, missing[3], period))
        problems.append(_no_real_reason(db, submitted[0], period))
        _write_ledger(db)
    with replaying(_moment(period, 12, 9)):  # closed: changes need a department's reopening
        problems.append(_lowered_after_reopening(db, submitted[1], period))
        _write_ledger(db)
    problems.append(_reopened_twice(db, submitted[2], period))
    office = _actor(db, "office")
    for month in (*earlier, period):
        summary = quality.run_checks(db, office, month.id)
    return Seeded([p for p in problems if p], summary.found)
