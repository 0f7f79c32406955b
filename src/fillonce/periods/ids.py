"""Reporting periods and their ids, following DHIS2's period id conventions.

Ids: yearly `2026`, six-monthly `2026S1`, quarterly `2026Q3`, monthly `202610`,
ISO weekly `2026W43` (week number not zero-padded, as in DHIS2), daily `20261015`.
Every period has exactly one id: non-canonical spellings such as `2026W01` are refused,
so that an id can key stored data. Pure: no I/O, no clock.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import MappingProxyType

from fillonce.core.errors import FillonceError
from fillonce.core.i18n import Text

DAILY = "daily"
WEEKLY = "weekly"
MONTHLY = "monthly"
QUARTERLY = "quarterly"
SIX_MONTHLY = "six_monthly"
YEARLY = "yearly"

FIRST_YEAR = 1900
LAST_YEAR = 2999

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class PeriodType:
    name: str
    label_zh: str
    label_en: str
    per_year: float  # average count in a year, for reporting-burden estimates


# Finest to coarsest; the order is what `is_finer_or_equal` compares.
PERIOD_TYPES: MappingProxyType[str, PeriodType] = MappingProxyType(
    {
        t.name: t
        for t in (
            PeriodType(DAILY, "日报", "Daily", 365),
            PeriodType(WEEKLY, "周报", "Weekly", 52.18),  # 365.2425 / 7
            PeriodType(MONTHLY, "月报", "Monthly", 12),
            PeriodType(QUARTERLY, "季报", "Quarterly", 4),
            PeriodType(SIX_MONTHLY, "半年报", "Six-monthly", 2),
            PeriodType(YEARLY, "年报", "Yearly", 1),
        )
    }
)

# Calendar-aligned types that are whole runs of months.
_MONTHS_PER_PERIOD = {MONTHLY: 1, QUARTERLY: 3, SIX_MONTHLY: 6, YEARLY: 12}

# [0-9], not \d: \d would also accept full-width and other Unicode digits.
_ID_PATTERNS = {
    DAILY: re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})"),
    WEEKLY: re.compile(r"([0-9]{4})W([0-9]+)"),
    MONTHLY: re.compile(r"([0-9]{4})([0-9]{2})"),
    QUARTERLY: re.compile(r"([0-9]{4})Q([0-9]+)"),
    SIX_MONTHLY: re.compile(r"([0-9]{4})S([0-9]+)"),
    YEARLY: re.compile(r"([0-9]{4})"),
}

# What the number after the year counts, for error messages.
_INDEX_NAMES = {
    WEEKLY: ("周数", "week"),
    MONTHLY: ("月份", "month"),
    QUARTERLY: ("季度", "quarter"),
    SIX_MONTHLY: ("半年序号", "half-year"),
}

_MONTH_NAMES_EN = tuple(
    "January February March April May June July August September October November December".split()
)


class PeriodError(FillonceError, ValueError):
    """A period id, type or range is unusable; the message (zh and en) names the culprit."""


@dataclass(frozen=True, order=True)
class Period:
    """One reporting period; `start` and `end` are both inclusive.

    Build one with `parse_period` or `period_of`; the constructor refuses fields that disagree.
    Periods sort chronologically within a type (then by type name across types).
    """

    # Left out of comparisons: it is implied by type and start, and unpadded weeks
    # would sort 2026W10 before 2026W9.
    id: str = field(compare=False)
    type: str
    start: date
    end: date

    def __post_init__(self) -> None:
        if _decode(self.id) != (self.type, self.start, self.end):
            raise PeriodError(
                Text(
                    f"报告期 {_shown(self.id)} 的类型或起止日期与编号不符",
                    f"period {_shown(self.id)}: type or dates do not match the id",
                )
            )

    @property
    def label_zh(self) -> str:
        return _LABELS_ZH[self.type](self.start)

    @property
    def label_en(self) -> str:
        return _LABELS_EN[self.type](self.start)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def next(self) -> Period:
        return period_of(self.type, self.end + _ONE_DAY)

    def previous(self) -> Period:
        return period_of(self.type, self.start - _ONE_DAY)


def parse_period(text: str) -> Period:
    """The period named by a DHIS2-style id such as `2026Q3`; PeriodError if there is none."""
    period_type, start, end = _decode(text)
    return Period(text, period_type, start, end)


def period_of(period_type: str, day: date) -> Period:
    """The period of this type that contains the day."""
    _require_type(period_type)
    _require_plain_date(day)
    start = _start_of_period_containing(period_type, day)
    return Period(_ID_FORMATS[period_type](start), period_type, start, _end_of_period(period_type, start))


def periods_between(period_type: str, start_day: date, end_day: date) -> list[Period]:
    """Periods of this type overlapping the inclusive day range, in order; empty if start_day > end_day."""
    _require_type(period_type)
    _require_plain_date(start_day)
    _require_plain_date(end_day)
    if start_day > end_day:
        return []
    period = period_of(period_type, start_day)
    periods = [period]
    # Compare ends rather than calling next() once too often, which would fail at year 2999.
    while period.end < end_day:
        period = period.next()
        periods.append(period)
    return periods


def periods_per_year(period_type: str) -> float:
    """Average number of periods of this type in a year (365, 52.18, 12, 4, 2, 1)."""
    return _require_type(period_type).per_year


def is_finer_or_equal(type_a: str, type_b: str) -> bool:
    """Whether periods of type_a are at most as long as those of type_b (daily is finer than monthly)."""
    _require_type(type_a)
    _require_type(type_b)
    order = list(PERIOD_TYPES)
    return order.index(type_a) <= order.index(type_b)


def periods_within(period: Period, finer_type: str) -> list[Period]:
    """The periods of finer_type that make up the period, in order.

    A week belongs to the month, quarter, half-year or year holding its Thursday (the ISO rule
    for week years), so every week lies in exactly one coarser period of each type.
    """
    if not is_finer_or_equal(finer_type, period.type):
        raise PeriodError(
            Text(
                f"{PERIOD_TYPES[finer_type].label_zh}不比{PERIOD_TYPES[period.type].label_zh}更细，"
                f"无法拆分报告期 {_shown(period.id)}",
                f"{finer_type} is not finer than {period.type}: cannot split period {_shown(period.id)}",
            )
        )
    # Weeks whose Thursday falls in [start, end] are exactly the weeks holding start+3 … end-3.
    margin = timedelta(days=3) if finer_type == WEEKLY else timedelta(0)
    return periods_between(finer_type, period.start + margin, period.end - margin)


# --- decoding ids ---------------------------------------------------------------------------


def _decode(text: object) -> tuple[str, date, date]:
    """The type, start and end a canonical id names; PeriodError otherwise."""
    if not isinstance(text, str):
        raise PeriodError(
            Text(f"报告期编号必须是字符串，而不是 {_shown(text)}", f"a period id must be a string, not {_shown(text)}")
        )
    for period_type, pattern in _ID_PATTERNS.items():
        match = pattern.fullmatch(text)
        if match:
            year, *numbers = (int(group) for group in match.groups())
            _require_year_in_range(text, year)
            start = _START_FROM_ID[period_type](text, year, *numbers)
            _require_canonical(text, _ID_FORMATS[period_type](start))
            return period_type, start, _end_of_period(period_type, start)
    raise PeriodError(
        Text(
            f"无法识别的报告期编号 {_shown(text)}，应形如 2026、2026S1、2026Q3、202610、2026W43 或 20261015",
            f"unrecognised period id {_shown(text)}: expected a form like "
            "2026, 2026S1, 2026Q3, 202610, 2026W43 or 20261015",
        )
    )


def _daily_start(text: str, year: int, month: int, day: int) -> date:
    _require_index_in_range(text, MONTHLY, month, 12)
    days_in_month = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days_in_month:
        raise PeriodError(
            Text(
                f"报告期编号 {_shown(text)} 无效：{year}年{month}月只有 {days_in_month} 天",
                f"invalid period id {_shown(text)}: {_MONTH_NAMES_EN[month - 1]} {year} has {days_in_month} days",
            )
        )
    return date(year, month, day)


def _weekly_start(text: str, year: int, week: int) -> date:
    _require_index_in_range(text, WEEKLY, week, _iso_weeks_in_year(year))
    return date.fromisocalendar(year, week, 1)


def _month_run_start(period_type: str) -> Callable[[str, int, int], date]:
    """Start-date decoder for monthly, quarterly and six-monthly ids: the number is the run's index."""
    months = _MONTHS_PER_PERIOD[period_type]

    def start(text: str, year: int, index: int) -> date:
        _require_index_in_range(text, period_type, index, 12 // months)
        return date(year, (index - 1) * months + 1, 1)

    return start


_START_FROM_ID: dict[str, Callable[..., date]] = {
    DAILY: _daily_start,
    WEEKLY: _weekly_start,
    MONTHLY: _month_run_start(MONTHLY),
    QUARTERLY: _month_run_start(QUARTERLY),
    SIX_MONTHLY: _month_run_start(SIX_MONTHLY),
    YEARLY: lambda text, year: date(year, 1, 1),
}


def _iso_weeks_in_year(year: int) -> int:
    # 28 December is always in the last ISO week of its year.
    return date(year, 12, 28).isocalendar().week


# --- checks ---------------------------------------------------------------------------------


def _require_type(period_type: str) -> PeriodType:
    try:
        return PERIOD_TYPES[period_type]
    except (KeyError, TypeError):
        known = ", ".join(PERIOD_TYPES)
        raise PeriodError(
            Text(
                f"未知的报告期类型 {_shown(period_type)}，可选：{known}",
                f"unknown period type {_shown(period_type)}; known types: {known}",
            )
        ) from None


def _require_plain_date(day: date) -> None:
    # A datetime's calendar day depends on its time zone, so the caller must pick the day.
    if isinstance(day, datetime) or not isinstance(day, date):
        raise TypeError(f"expected a datetime.date, got {day!r}")


def _require_year_in_range(text: str, year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PeriodError(
            Text(
                f"报告期编号 {_shown(text)} 无效：年份 {year} 不在 {FIRST_YEAR}–{LAST_YEAR} 之间",
                f"invalid period id {_shown(text)}: year {year} is outside {FIRST_YEAR}–{LAST_YEAR}",
            )
        )


def _require_index_in_range(text: str, period_type: str, index: int, highest: int) -> None:
    if not 1 <= index <= highest:
        name_zh, name_en = _INDEX_NAMES[period_type]
        raise PeriodError(
            Text(
                f"报告期编号 {_shown(text)} 无效：{name_zh} {index} 不在 1–{highest} 之间",
                f"invalid period id {_shown(text)}: {name_en} {index} is outside 1–{highest}",
            )
        )


def _require_canonical(text: str, canonical: str) -> None:
    if text != canonical:
        raise PeriodError(
            Text(
                f"报告期编号 {_shown(text)} 写法不规范，应写作 {canonical}",
                f"period id {_shown(text)} is not in canonical form; write {canonical}",
            )
        )


def _shown(value: object) -> str:
    """The value quoted for a message, cut short so a pasted paragraph cannot flood it."""
    quoted = repr(value)
    return quoted if len(quoted) <= 42 else quoted[:41] + "…"


# --- dates, ids and labels from a period's start ---------------------------------------------


def _start_of_period_containing(period_type: str, day: date) -> date:
    if period_type == DAILY:
        return day
    if period_type == WEEKLY:
        return day - timedelta(days=day.weekday())  # ISO weeks start on Monday
    months = _MONTHS_PER_PERIOD[period_type]
    return date(day.year, (day.month - 1) // months * months + 1, 1)


def _end_of_period(period_type: str, start: date) -> date:
    if period_type == DAILY:
        return start
    if period_type == WEEKLY:
        return start + timedelta(days=6)
    return _first_of_month_after(start, _MONTHS_PER_PERIOD[period_type]) - _ONE_DAY


def _first_of_month_after(first_of_month: date, months: int) -> date:
    month_count = first_of_month.year * 12 + first_of_month.month - 1 + months
    return date(month_count // 12, month_count % 12 + 1, 1)


def _index_in_year(start: date, period_type: str) -> int:
    """1-based position of a month-run period in its year: the 3 of 2026Q3."""
    return (start.month - 1) // _MONTHS_PER_PERIOD[period_type] + 1


_ID_FORMATS: dict[str, Callable[[date], str]] = {
    DAILY: lambda d: f"{d.year:04d}{d.month:02d}{d.day:02d}",
    WEEKLY: lambda d: f"{d.isocalendar().year:04d}W{d.isocalendar().week}",
    MONTHLY: lambda d: f"{d.year:04d}{d.month:02d}",
    QUARTERLY: lambda d: f"{d.year:04d}Q{_index_in_year(d, QUARTERLY)}",
    SIX_MONTHLY: lambda d: f"{d.year:04d}S{_index_in_year(d, SIX_MONTHLY)}",
    YEARLY: lambda d: f"{d.year:04d}",
}

_LABELS_ZH: dict[str, Callable[[date], str]] = {
    DAILY: lambda d: f"{d.year}年{d.month}月{d.day}日",
    WEEKLY: lambda d: f"{d.isocalendar().year}年第{d.isocalendar().week}周",
    MONTHLY: lambda d: f"{d.year}年{d.month}月",
    QUARTERLY: lambda d: f"{d.year}年第{_index_in_year(d, QUARTERLY)}季度",
    SIX_MONTHLY: lambda d: f"{d.year}年{'上' if d.month == 1 else '下'}半年",
    YEARLY: lambda d: f"{d.year}年",
}

_LABELS_EN: dict[str, Callable[[date], str]] = {
    DAILY: lambda d: f"{d.day} {_MONTH_NAMES_EN[d.month - 1]} {d.year}",
    WEEKLY: lambda d: f"Week {d.isocalendar().week}, {d.isocalendar().year}",
    MONTHLY: lambda d: f"{_MONTH_NAMES_EN[d.month - 1]} {d.year}",
    QUARTERLY: lambda d: f"Q{_index_in_year(d, QUARTERLY)} {d.year}",
    SIX_MONTHLY: lambda d: f"H{_index_in_year(d, SIX_MONTHLY)} {d.year}",
    YEARLY: lambda d: f"{d.year}",
}
