"""The working calendar and the holiday year files, on the real chinesecalendar data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinfang.calendar_source import build_calendar, official_schedules, parse_year_file
from xinfang.errors import XinfangError
from xinfang.rules.calendar import WorkCalendar, YearSchedule

D = dt.date
CAL = build_calendar({})
TEMPLATE = Path(__file__).resolve().parents[2] / "data" / "holidays" / "TEMPLATE.toml"

# A made-up 2027 schedule for tests only; the real one is announced by the State Council.
TEST_2027 = """
year = 2027
[[holidays]]
name = "元旦"
days = ["2027-01-01", "2027-01-02", "2027-01-03", "2027-01-04"]
workdays = ["2027-01-09"]
[[holidays]]
name = "国庆节"
days = [2027-10-01, 2027-10-02, 2027-10-03]
"""

dates_2004_2027 = st.dates(D(2004, 1, 1), D(2027, 12, 31))


def test_agrees_with_chinesecalendar_on_every_covered_day():
    day = D(2004, 1, 1)
    disagree = []
    while day <= D(2026, 12, 31):
        if CAL.is_workday(day) != chinese_calendar.is_workday(day):
            disagree.append(day)
        day += dt.timedelta(days=1)
    assert disagree == []


def test_official_years_are_those_of_the_package():
    assert CAL.years == list(range(2004, 2027))
    assert CAL.is_official(2026) and not CAL.is_official(2027) and not CAL.is_official(2003)
    assert CAL.source_of(2026) == "chinesecalendar 1.11.0"
    assert CAL.source_of(2027) is None


@pytest.mark.parametrize(
    ("day", "works"),
    [
        (D(2026, 10, 1), False),  # National Day, Thursday
        (D(2026, 10, 7), False),  # last day of the National Day break, Wednesday
        (D(2026, 10, 8), True),
        (D(2026, 10, 10), True),  # Saturday make-up workday
        (D(2026, 9, 20), True),  # Sunday make-up workday
        (D(2026, 1, 4), True),  # Sunday make-up workday after New Year
        (D(2026, 2, 14), True),  # Saturday make-up workday before Spring Festival
        (D(2026, 2, 23), False),  # Monday, last day of the Spring Festival break
        (D(2026, 2, 24), True),
        (D(2026, 10, 17), False),  # ordinary Saturday
        (D(2027, 1, 1), True),  # Friday in an unannounced year: weekdays only
        (D(2027, 1, 2), False),
    ],
)
def test_is_workday_on_real_2026_days(day, works):
    assert CAL.is_workday(day) is works


def test_next_workday_skips_the_national_day_break():
    assert CAL.next_workday(D(2026, 10, 1)) == D(2026, 10, 8)
    assert CAL.next_workday(D(2026, 10, 8)) == D(2026, 10, 8)
    assert CAL.next_workday(D(2026, 10, 10)) == D(2026, 10, 10)


def test_add_working_days_counts_make_up_saturday():
    # 9-29, 9-30, (10-1..10-7 off), 10-8, 10-9, 10-10 (Saturday make-up workday)
    assert CAL.add_working_days(D(2026, 9, 28), 5) == D(2026, 10, 10)
    assert CAL.add_working_days(D(2026, 9, 28), 0) == D(2026, 9, 28)
    with pytest.raises(ValueError):
        CAL.add_working_days(D(2026, 9, 28), -1)


def test_working_days_between_over_holidays():
    assert CAL.working_days_between(D(2026, 9, 28), D(2026, 10, 10)) == 5
    assert CAL.working_days_between(D(2026, 9, 30), D(2026, 10, 7)) == 0
    assert CAL.working_days_between(D(2026, 10, 9), D(2026, 10, 9)) == 0
    assert CAL.working_days_between(D(2026, 10, 9), D(2026, 10, 1)) == 0
    # The whole of 2026: 261 weekdays, 19 of them off, 6 weekend make-up workdays.
    assert CAL.working_days_between(D(2025, 12, 31), D(2026, 12, 31)) == 261 - 19 + 6 == 248


@given(dates_2004_2027, st.integers(0, 800))
def test_working_days_between_matches_day_by_day_count(a, span):
    b = a + dt.timedelta(days=span)
    by_hand = sum(CAL.is_workday(a + dt.timedelta(days=i)) for i in range(1, span + 1))
    assert CAL.working_days_between(a, b) == by_hand


@given(dates_2004_2027, st.integers(1, 200))
def test_add_working_days_lands_on_the_nth_working_day(start, n):
    due = CAL.add_working_days(start, n)
    assert CAL.is_workday(due)
    assert CAL.working_days_between(start, due) == n


def test_version_identifies_the_schedules():
    extra = parse_year_file(TEST_2027, "test-2027.toml")
    with_2027 = build_calendar({2027: extra})
    assert CAL.version == build_calendar({}).version
    assert len(CAL.version) == 12
    assert with_2027.version != CAL.version
    # Same dates under another label: same version. One date changed: a new version.
    assert build_calendar({2027: extra._replace(source="elsewhere")}).version == with_2027.version
    moved = extra._replace(workdays=frozenset({D(2027, 1, 10)}))
    assert build_calendar({2027: moved}).version != with_2027.version


def test_calendar_refuses_inconsistent_schedules():
    s = YearSchedule(2027, frozenset({D(2027, 1, 1)}), frozenset(), "x")
    with pytest.raises(ValueError, match="filed under 2028"):
        WorkCalendar({2028: s})
    with pytest.raises(ValueError, match="both a holiday and a make-up workday"):
        WorkCalendar({2027: s._replace(workdays=frozenset({D(2027, 1, 1)}))})


def test_official_schedules_carry_2026():
    s2026 = official_schedules()[2026]
    assert D(2026, 10, 1) in s2026.holidays and D(2026, 10, 10) in s2026.workdays
    assert len(s2026.workdays) == 6


# --- year files -------------------------------------------------------------------------------


def test_year_file_parses_into_a_schedule():
    s = parse_year_file(TEST_2027, "test-2027.toml")
    assert s.year == 2027
    assert s.source == "test-2027.toml"
    assert D(2027, 1, 4) in s.holidays and D(2027, 10, 3) in s.holidays and len(s.holidays) == 7
    assert s.workdays == frozenset({D(2027, 1, 9)})


def test_year_file_inline_form_is_accepted():
    s = parse_year_file('year = 2027\nholidays = [{name = "元旦", days = ["2027-01-01"]}]', "f")
    assert s.holidays == frozenset({D(2027, 1, 1)}) and s.workdays == frozenset()


def test_template_is_refused_as_an_example_but_otherwise_well_formed():
    text = TEMPLATE.read_text(encoding="utf-8")
    with pytest.raises(XinfangError, match="example file, not an announced schedule"):
        parse_year_file(text, "TEMPLATE.toml")
    filled = parse_year_file(text.replace("example = true", ""), "TEMPLATE.toml")
    assert filled.year == 2027 and D(2027, 1, 1) in filled.holidays


HEAD = 'year = 2027\n[[holidays]]\nname = "元旦"\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("year = ", "not valid TOML"),
        ('year = 2027\nholiday = []\n', "unknown key 'holiday'"),
        (HEAD + 'days = ["2027-01-01"]\nworkday = ["2027-01-09"]\n', "holiday 1: unknown key 'workday'"),
        ('holidays = [{name = "元旦", days = ["2027-01-01"]}]', "year must be a whole number like 2027, not None"),
        ('year = "2027"\nholidays = [{name = "元旦", days = ["2027-01-01"]}]', "year must be a whole number"),
        ("year = 2027\n", "holidays must not be empty"),
        ("year = 2027\nholidays = []\n", "holidays must not be empty"),
        (HEAD + "days = []\n", "holiday 元旦: days must not be empty"),
        ('year = 2027\n[[holidays]]\ndays = ["2027-01-01"]\n', "holiday 1 needs a name"),
        (HEAD + 'days = ["2026-12-31"]\n', "holiday 元旦: 2026-12-31 is not in 2027"),
        (HEAD + 'days = ["2027-01-01"]\nworkdays = [2028-01-08]\n', "2028-01-08 is not in 2027"),
        (HEAD + 'days = ["2027-02-30"]\n', "'2027-02-30' is not a date"),
        (HEAD + 'days = "2027-01-01"\n', "days must be a list of dates"),
        (HEAD + "days = [2027-01-01T08:00:00]\n", "has a time"),
        (HEAD + 'days = ["2027-01-01", "2027-01-01"]\n', "2027-01-01 is listed twice"),
        (
            HEAD + 'days = ["2027-01-01", "2027-01-02"]\nworkdays = ["2027-01-02"]\n',
            "2027-01-02 is both a holiday (元旦) and a make-up workday",
        ),
        (
            HEAD + 'days = ["2027-01-01"]\nworkdays = ["2027-01-04"]\n',
            "make-up workday 2027-01-04 is a Monday, not a Saturday or Sunday",
        ),
        (HEAD + 'days = ["2027-01-01"]\nexample = true\n', "holiday 1: unknown key 'example'"),
    ],
)
def test_year_file_rejections_name_the_problem(text, message):
    with pytest.raises(XinfangError) as err:
        parse_year_file(text, "2027.toml")
    assert err.value.message.startswith("2027.toml: ")
    assert message in err.value.message
    assert "\n" not in err.value.message
    assert err.value.fix
