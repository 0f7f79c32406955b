from dataclasses import FrozenInstanceError
from datetime import date, datetime, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from fillonce.core.errors import FillonceError
from fillonce.periods.ids import (
    DAILY,
    MONTHLY,
    PERIOD_TYPES,
    QUARTERLY,
    SIX_MONTHLY,
    WEEKLY,
    YEARLY,
    Period,
    PeriodError,
    is_finer_or_equal,
    parse_period,
    period_of,
    periods_between,
    periods_per_year,
    periods_within,
)

# 28 December is always in its own ISO year, so every period of every type containing a day
# in this range has an id year within 1900–2999.
any_day = st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 28))
any_type = st.sampled_from(list(PERIOD_TYPES))
coarser_than_weekly = st.sampled_from([MONTHLY, QUARTERLY, SIX_MONTHLY, YEARLY])


# --- period types ----------------------------------------------------------------------------


def test_period_types_run_from_finest_to_coarsest_with_labels():
    assert list(PERIOD_TYPES) == [DAILY, WEEKLY, MONTHLY, QUARTERLY, SIX_MONTHLY, YEARLY]
    assert [t.label_zh for t in PERIOD_TYPES.values()] == ["日报", "周报", "月报", "季报", "半年报", "年报"]
    assert PERIOD_TYPES[SIX_MONTHLY].label_en == "Six-monthly"


def test_period_types_cannot_be_changed_by_callers():
    with pytest.raises(TypeError):
        PERIOD_TYPES["fortnightly"] = PERIOD_TYPES[WEEKLY]  # type: ignore[index]


def test_periods_per_year_for_burden_estimates():
    assert [periods_per_year(t) for t in PERIOD_TYPES] == [365, 52.18, 12, 4, 2, 1]


@pytest.mark.parametrize(
    "finer, coarser",
    [(DAILY, MONTHLY), (WEEKLY, MONTHLY), (MONTHLY, QUARTERLY), (QUARTERLY, SIX_MONTHLY), (DAILY, YEARLY)],
)
def test_is_finer_or_equal(finer, coarser):
    assert is_finer_or_equal(finer, coarser)
    assert not is_finer_or_equal(coarser, finer)


@pytest.mark.parametrize("period_type", list(PERIOD_TYPES))
def test_every_type_is_finer_or_equal_to_itself(period_type):
    assert is_finer_or_equal(period_type, period_type)


# --- parsing: one example per type -----------------------------------------------------------


@pytest.mark.parametrize(
    "text, period_type, start, end, label_zh, label_en",
    [
        ("2026", YEARLY, date(2026, 1, 1), date(2026, 12, 31), "2026年", "2026"),
        ("2026S1", SIX_MONTHLY, date(2026, 1, 1), date(2026, 6, 30), "2026年上半年", "H1 2026"),
        ("2026S2", SIX_MONTHLY, date(2026, 7, 1), date(2026, 12, 31), "2026年下半年", "H2 2026"),
        ("2026Q3", QUARTERLY, date(2026, 7, 1), date(2026, 9, 30), "2026年第3季度", "Q3 2026"),
        ("202610", MONTHLY, date(2026, 10, 1), date(2026, 10, 31), "2026年10月", "October 2026"),
        ("2026W43", WEEKLY, date(2026, 10, 19), date(2026, 10, 25), "2026年第43周", "Week 43, 2026"),
        ("20261015", DAILY, date(2026, 10, 15), date(2026, 10, 15), "2026年10月15日", "15 October 2026"),
    ],
)
def test_parse_each_type(text, period_type, start, end, label_zh, label_en):
    period = parse_period(text)
    assert (period.id, period.type, period.start, period.end) == (text, period_type, start, end)
    assert (period.label_zh, period.label_en) == (label_zh, label_en)


@pytest.mark.parametrize(
    "text, days",
    [("2026", 365), ("2024", 366), ("2026S1", 181), ("2026Q3", 92), ("202602", 28), ("2026W43", 7), ("20261015", 1)],
)
def test_days_counts_both_ends(text, days):
    assert parse_period(text).days == days


# --- ISO weeks at year boundaries ------------------------------------------------------------


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("2020W53", date(2020, 12, 28), date(2021, 1, 3)),  # 2020 is leap and began on a Wednesday
        ("2026W53", date(2026, 12, 28), date(2027, 1, 3)),  # 2026 begins on a Thursday
        ("2015W53", date(2015, 12, 28), date(2016, 1, 3)),
        ("2026W1", date(2025, 12, 29), date(2026, 1, 4)),  # week 1 starts in the previous year
        ("2025W1", date(2024, 12, 30), date(2025, 1, 5)),
        ("2021W1", date(2021, 1, 4), date(2021, 1, 10)),
        ("1900W1", date(1900, 1, 1), date(1900, 1, 7)),
    ],
)
def test_iso_weeks_across_year_boundaries(text, start, end):
    period = parse_period(text)
    assert (period.start, period.end) == (start, end)
    assert period.start.weekday() == 0


@pytest.mark.parametrize(
    "day, week_id",
    [
        (date(2021, 1, 1), "2020W53"),
        (date(2021, 1, 3), "2020W53"),
        (date(2021, 1, 4), "2021W1"),
        (date(2024, 12, 30), "2025W1"),
        (date(2027, 1, 1), "2026W53"),
        (date(2025, 12, 28), "2025W52"),
    ],
)
def test_the_week_of_a_day_may_carry_another_years_number(day, week_id):
    assert period_of(WEEKLY, day).id == week_id


def test_a_53_week_year_is_followed_by_week_1():
    assert parse_period("2020W52").next().id == "2020W53"
    assert parse_period("2020W53").next().id == "2021W1"
    assert parse_period("2021W1").previous().id == "2020W53"
    assert parse_period("2025W52").next().id == "2026W1"


# --- leap years ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["20240229", "20000229", "29960229"])
def test_29_february_exists_in_leap_years(text):
    assert parse_period(text).start.day == 29


@pytest.mark.parametrize(
    "month_id, last_day", [("202402", date(2024, 2, 29)), ("202602", date(2026, 2, 28)), ("190002", date(1900, 2, 28))]
)
def test_february_ends_on_the_right_day(month_id, last_day):
    assert parse_period(month_id).end == last_day


def test_a_leap_day_belongs_to_the_first_quarter_and_half():
    day = date(2024, 2, 29)
    assert [period_of(t, day).id for t in PERIOD_TYPES] == ["20240229", "2024W9", "202402", "2024Q1", "2024S1", "2024"]


# --- navigation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, following",
    [
        ("2026", "2027"),
        ("2026S2", "2027S1"),
        ("2026Q4", "2027Q1"),
        ("202612", "202701"),
        ("20261231", "20270101"),
        ("20240228", "20240229"),
        ("20260228", "20260301"),
    ],
)
def test_next_and_previous_cross_year_ends(text, following):
    assert parse_period(text).next().id == following
    assert parse_period(following).previous().id == text


def test_contains_is_inclusive_at_both_ends():
    quarter = parse_period("2026Q3")
    assert quarter.contains(date(2026, 7, 1)) and quarter.contains(date(2026, 9, 30))
    assert not quarter.contains(date(2026, 6, 30)) and not quarter.contains(date(2026, 10, 1))


def test_periods_between_covers_partial_periods_at_both_ends():
    ids = [p.id for p in periods_between(QUARTERLY, date(2025, 11, 15), date(2026, 7, 1))]
    assert ids == ["2025Q4", "2026Q1", "2026Q2", "2026Q3"]


def test_periods_between_a_single_day():
    assert [p.id for p in periods_between(MONTHLY, date(2026, 10, 15), date(2026, 10, 15))] == ["202610"]


def test_periods_between_is_empty_when_the_range_is_backwards():
    assert periods_between(DAILY, date(2026, 10, 2), date(2026, 10, 1)) == []


def test_periods_between_reaches_the_last_supported_year_without_overrunning_it():
    assert [p.id for p in periods_between(YEARLY, date(2998, 6, 1), date(2999, 12, 31))] == ["2998", "2999"]


def test_periods_sort_chronologically_within_a_type():
    # Week numbers are not zero-padded, so sorting by id alone would put 2026W10 before 2026W9.
    shuffled = [parse_period(i) for i in ["2026W10", "2025W52", "2026W9", "2026W1"]]
    assert [p.id for p in sorted(shuffled)] == ["2025W52", "2026W1", "2026W9", "2026W10"]


def test_period_is_immutable_and_hashable():
    period = parse_period("2026Q3")
    with pytest.raises(FrozenInstanceError):
        period.start = date(2026, 1, 1)  # type: ignore[misc]
    assert {period, parse_period("2026Q3")} == {period}


# --- periods within a coarser period ---------------------------------------------------------


def test_the_months_of_a_quarter():
    assert [p.id for p in periods_within(parse_period("2026Q3"), MONTHLY)] == ["202607", "202608", "202609"]


def test_the_quarters_of_a_half_year_and_the_halves_of_a_year():
    assert [p.id for p in periods_within(parse_period("2026S2"), QUARTERLY)] == ["2026Q3", "2026Q4"]
    assert [p.id for p in periods_within(parse_period("2026"), SIX_MONTHLY)] == ["2026S1", "2026S2"]


def test_the_days_of_a_week_cross_the_year_end():
    days = periods_within(parse_period("2020W53"), DAILY)
    assert [d.id for d in days] == ["20201228", "20201229", "20201230", "20201231", "20210101", "20210102", "20210103"]


def test_the_weeks_of_a_year_are_its_iso_weeks():
    weeks_2026 = periods_within(parse_period("2026"), WEEKLY)
    assert (weeks_2026[0].id, weeks_2026[-1].id, len(weeks_2026)) == ("2026W1", "2026W53", 53)
    weeks_2025 = periods_within(parse_period("2025"), WEEKLY)
    assert (weeks_2025[0].id, weeks_2025[-1].id, len(weeks_2025)) == ("2025W1", "2025W52", 52)


def test_a_week_straddling_two_months_belongs_to_the_month_holding_its_thursday():
    # 2026W5 runs Mon 26 January to Sun 1 February; its Thursday is 29 January.
    assert "2026W5" in [w.id for w in periods_within(parse_period("202601"), WEEKLY)]
    assert "2026W5" not in [w.id for w in periods_within(parse_period("202602"), WEEKLY)]
    # 2026W53 runs into 2027 but its Thursday, 31 December, keeps it in 2026Q4.
    assert periods_within(parse_period("2026Q4"), WEEKLY)[-1].id == "2026W53"
    assert periods_within(parse_period("2027Q1"), WEEKLY)[0].id == "2027W1"


def test_a_period_splits_into_itself():
    assert periods_within(parse_period("202610"), MONTHLY) == [parse_period("202610")]


def test_the_weeks_of_the_last_supported_year():
    assert periods_within(parse_period("2999"), WEEKLY)[-1].id == "2999W52"


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, zh_fragment, en_fragment",
    [
        ("202613", "月份 13", "month 13"),
        ("202600", "月份 0", "month 0"),
        ("20261301", "月份 13", "month 13"),
        ("2026W54", "周数 54", "week 54"),
        ("2025W53", "周数 53 不在 1–52", "week 53 is outside 1–52"),
        ("2026W0", "周数 0", "week 0"),
        ("2026Q5", "季度 5", "quarter 5"),
        ("2026Q0", "季度 0", "quarter 0"),
        ("2026S3", "半年序号 3", "half-year 3"),
        ("20260230", "2月只有 28 天", "February 2026 has 28 days"),
        ("20250229", "2月只有 28 天", "February 2025 has 28 days"),
        ("20260431", "4月只有 30 天", "April 2026 has 30 days"),
        ("20261000", "10月只有 31 天", "October 2026 has 31 days"),
        ("1899", "年份 1899", "year 1899"),
        ("3000", "年份 3000", "year 3000"),
        ("0000", "年份 0", "year 0"),
        ("18991231", "年份 1899", "year 1899"),
        ("3000W1", "年份 3000", "year 3000"),
        ("2026W01", "应写作 2026W1", "write 2026W1"),
        ("2026Q03", "应写作 2026Q3", "write 2026Q3"),
        ("garbage", "无法识别", "unrecognised"),
        ("", "无法识别", "unrecognised"),
        ("2026-10", "无法识别", "unrecognised"),
        ("2026q3", "无法识别", "unrecognised"),
        ("2026W", "无法识别", "unrecognised"),
        (" 2026", "无法识别", "unrecognised"),
        ("2026\n", "无法识别", "unrecognised"),
        ("202610151", "无法识别", "unrecognised"),
        ("２０２６", "无法识别", "unrecognised"),  # full-width digits
    ],
)
def test_bad_ids_are_refused_with_a_bilingual_message_naming_them(text, zh_fragment, en_fragment):
    with pytest.raises(PeriodError) as caught:
        parse_period(text)
    assert repr(text) in caught.value.in_("zh_CN") and zh_fragment in caught.value.in_("zh_CN")
    assert repr(text) in caught.value.in_("en") and en_fragment in caught.value.in_("en")


def test_period_error_is_a_value_error_shown_to_users():
    assert issubclass(PeriodError, ValueError) and issubclass(PeriodError, FillonceError)


def test_a_long_bad_id_is_cut_short_in_the_message():
    with pytest.raises(PeriodError) as caught:
        parse_period("x" * 1000)
    assert len(str(caught.value)) < 200


@pytest.mark.parametrize("not_text", [None, 2026, b"2026"])
def test_an_id_must_be_a_string(not_text):
    with pytest.raises(PeriodError, match="string|字符串"):
        parse_period(not_text)  # type: ignore[arg-type]


def test_the_constructor_refuses_fields_that_disagree_with_the_id():
    with pytest.raises(PeriodError, match="2026Q3"):
        Period("2026Q3", QUARTERLY, date(2026, 7, 1), date(2026, 9, 29))
    with pytest.raises(PeriodError, match="2026Q3"):
        Period("2026Q3", MONTHLY, date(2026, 7, 1), date(2026, 9, 30))


@pytest.mark.parametrize(
    "call",
    [
        lambda: period_of("fortnightly", date(2026, 1, 1)),
        lambda: periods_between("Monthly", date(2026, 1, 1), date(2026, 2, 1)),
        lambda: periods_per_year("annual"),
        lambda: is_finer_or_equal(DAILY, "decade"),
        lambda: periods_within(parse_period("2026"), "hourly"),
    ],
)
def test_unknown_period_types_are_refused(call):
    with pytest.raises(PeriodError) as caught:
        call()
    assert "daily" in caught.value.in_("en")


def test_a_period_cannot_be_split_into_coarser_periods():
    with pytest.raises(PeriodError) as caught:
        periods_within(parse_period("202610"), QUARTERLY)
    assert "'202610'" in caught.value.in_("zh_CN") and "'202610'" in caught.value.in_("en")


def test_navigation_stops_at_the_supported_years():
    with pytest.raises(PeriodError, match="3000"):
        parse_period("2999").next()
    with pytest.raises(PeriodError, match="1899"):
        parse_period("1900W1").previous()
    with pytest.raises(PeriodError, match="1899"):
        period_of(DAILY, date(1899, 12, 31))


def test_period_of_wants_a_date_not_a_datetime():
    with pytest.raises(TypeError):
        period_of(DAILY, datetime(2026, 10, 15, 23, 30))
    with pytest.raises(TypeError):
        periods_between(DAILY, date(2026, 10, 15), "2026-10-20")  # type: ignore[arg-type]


# --- properties ------------------------------------------------------------------------------


@given(any_type, any_day)
def test_the_period_of_a_day_contains_it_and_round_trips_through_its_id(period_type, day):
    period = period_of(period_type, day)
    assert period.contains(day) and period.type == period_type
    assert period.start <= period.end
    assert parse_period(period.id) == period and parse_period(period.id).id == period.id
    assert period_of(period_type, period.start) == period == period_of(period_type, period.end)


@given(any_type, st.dates(min_value=date(1901, 1, 1), max_value=date(2998, 12, 31)))
def test_next_and_previous_are_contiguous_and_inverse(period_type, day):
    period = period_of(period_type, day)
    following, preceding = period.next(), period.previous()
    assert following.start == period.end + timedelta(days=1)
    assert preceding.end == period.start - timedelta(days=1)
    assert following.previous() == period == preceding.next()
    assert preceding < period < following


@given(any_type, any_day, st.integers(min_value=0, max_value=400))
def test_periods_between_tile_the_range_without_gaps(period_type, first_day, span):
    last_day = min(first_day + timedelta(days=span), date(2999, 12, 28))
    periods = periods_between(period_type, first_day, last_day)
    assert periods[0].contains(first_day) and periods[-1].contains(last_day)
    assert all(a.end + timedelta(days=1) == b.start for a, b in zip(periods, periods[1:]))


@given(any_type, any_type, any_day)
def test_finer_periods_tile_the_coarser_period_exactly(finer_type, coarser_type, day):
    assume(finer_type != WEEKLY and is_finer_or_equal(finer_type, coarser_type))
    coarse = period_of(coarser_type, day)
    parts = periods_within(coarse, finer_type)
    assert parts[0].start == coarse.start and parts[-1].end == coarse.end
    assert all(a.end + timedelta(days=1) == b.start for a, b in zip(parts, parts[1:]))
    assert sum(p.days for p in parts) == coarse.days


@given(coarser_than_weekly, st.dates(min_value=date(1901, 1, 1), max_value=date(2998, 12, 31)))
def test_every_week_lies_in_exactly_one_coarser_period(coarser_type, day):
    week = period_of(WEEKLY, day)
    home = period_of(coarser_type, week.start + timedelta(days=3))  # the period holding its Thursday
    assert week in periods_within(home, WEEKLY)
    assert week not in periods_within(home.previous(), WEEKLY)
    assert week not in periods_within(home.next(), WEEKLY)


@given(coarser_than_weekly, any_day)
def test_the_weeks_within_a_period_are_consecutive(coarser_type, day):
    weeks = periods_within(period_of(coarser_type, day), WEEKLY)
    assert all(a.next() == b for a, b in zip(weeks, weeks[1:]))
