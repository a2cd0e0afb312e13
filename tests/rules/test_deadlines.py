"""Deadlines and supervision tiers, on the real 2026 schedule and the default data/rules.toml."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinfang.calendar_source import build_calendar, parse_year_file
from xinfang.model import Clock, Tier
from xinfang.policy import default_rules_text, load_policy_text
from xinfang.rules.deadlines import (
    clocks_started_by,
    days_late,
    deadline_for,
    extension_allowed,
    met,
    tier_of,
)

from .test_calendar import TEST_2027

D = dt.date
CAL = build_calendar({})
POLICY = load_policy_text(default_rules_text())
RULES = POLICY.clocks
WORKING = {clock: rule._replace(counting="working_days") for clock, rule in RULES.items()}


def due(clock, start, rules=RULES, calendar=CAL, extension_days=0):
    return deadline_for(clock, start, rules[clock], calendar, extension_days).due


@pytest.mark.parametrize(
    ("clock", "start", "expected", "why"),
    [
        (Clock.reply, D(2026, 9, 28), D(2026, 10, 8), "day 5 is 10-03, inside National Day 10-01..10-07"),
        (Clock.reply, D(2026, 10, 5), D(2026, 10, 10), "day 5 is Saturday 10-10, a make-up workday"),
        (Clock.reply, D(2026, 9, 20), D(2026, 9, 28), "day 5 is 09-25, Mid-Autumn 09-25..09-27"),
        (Clock.reply, D(2026, 9, 21), D(2026, 9, 28), "day 5 is Saturday 09-26, Mid-Autumn"),
        (Clock.reply, D(2026, 2, 12), D(2026, 2, 24), "day 5 is 02-17, Spring Festival 02-15..02-23"),
        (Clock.reply, D(2026, 2, 9), D(2026, 2, 14), "day 5 is Saturday 02-14, a make-up workday"),
        (Clock.reply, D(2025, 12, 27), D(2026, 1, 4), "day 5 is 01-01; 01-01..01-03 off, Sunday 01-04 worked"),
        (Clock.reply, D(2025, 12, 30), D(2026, 1, 4), "day 5 is Sunday 01-04, a make-up workday"),
        (Clock.reply, D(2026, 10, 12), D(2026, 10, 19), "day 5 is an ordinary Saturday: next Monday"),
        (Clock.reply, D(2026, 10, 13), D(2026, 10, 19), "day 5 is an ordinary Sunday: next Monday"),
        (Clock.reply, D(2026, 10, 14), D(2026, 10, 19), "day 5 is a Monday"),
        (Clock.conclude, D(2026, 9, 10), D(2026, 9, 30), "20 days, a working Wednesday"),
        (Clock.conclude, D(2026, 9, 15), D(2026, 10, 8), "day 20 is 10-05, National Day"),
        (Clock.notice, D(2026, 9, 22), D(2026, 10, 8), "day 15 is 10-07, last day of National Day"),
        (Clock.handling, D(2026, 8, 8), D(2026, 10, 8), "day 60 is 10-07"),
        (Clock.review_request, D(2026, 1, 16), D(2026, 2, 24), "day 30 is 02-15, Spring Festival"),
        (Clock.review, D(2026, 4, 5), D(2026, 5, 6), "day 30 is 05-05, Labour Day 05-01..05-05"),
        (Clock.rereview, D(2026, 4, 5), D(2026, 5, 6), "same count as review"),
    ],
)
def test_calendar_counting_on_the_2026_schedule(clock, start, expected, why):
    assert due(clock, start) == expected, why


@pytest.mark.parametrize(
    ("start", "expected", "why"),
    [
        (D(2026, 9, 28), D(2026, 10, 10), "09-29, 09-30, 10-08, 10-09, Saturday 10-10"),
        (D(2026, 2, 12), D(2026, 2, 26), "02-13, Saturday 02-14, 02-24, 02-25, 02-26"),
        (D(2025, 12, 29), D(2026, 1, 6), "12-30, 12-31, Sunday 01-04, 01-05, 01-06"),
        (D(2026, 10, 12), D(2026, 10, 19), "an ordinary week"),
    ],
)
def test_working_day_counting_on_the_2026_schedule(start, expected, why):
    assert due(Clock.reply, start, rules=WORKING) == expected, why


def test_deadline_record_carries_clock_start_and_calendar_version():
    d = deadline_for(Clock.reply, D(2026, 9, 28), RULES[Clock.reply], CAL)
    assert d.clock is Clock.reply and d.start == D(2026, 9, 28) and d.due == D(2026, 10, 8)
    assert d.provisional is False
    assert d.calendar_version == CAL.version


def test_handling_extension_adds_days_to_the_count():
    assert due(Clock.handling, D(2026, 8, 8), extension_days=30) == D(2026, 11, 6)
    # 60 + 30 days from 07-09 is 10-07, inside National Day.
    assert due(Clock.handling, D(2026, 7, 9), extension_days=30) == D(2026, 10, 8)
    with pytest.raises(ValueError):
        due(Clock.handling, D(2026, 8, 8), extension_days=-1)


def test_unknown_counting_is_refused():
    rule = RULES[Clock.reply]._replace(counting="lunar")
    with pytest.raises(ValueError, match="counting must be"):
        deadline_for(Clock.reply, D(2026, 9, 28), rule, CAL)


# --- years without an announced schedule ------------------------------------------------------


def test_deadline_into_an_unannounced_year_is_provisional_until_the_schedule_is_loaded():
    start = D(2026, 11, 3)  # handling: day 60 is Saturday 2027-01-02
    before = deadline_for(Clock.handling, start, RULES[Clock.handling], CAL)
    assert before.provisional is True
    assert before.due == D(2027, 1, 4)
    assert before.due.weekday() < 5

    loaded = build_calendar({2027: parse_year_file(TEST_2027, "test-2027.toml")})
    after = deadline_for(Clock.handling, start, RULES[Clock.handling], loaded)
    assert after.provisional is False
    assert after.due == D(2027, 1, 5)  # the test schedule gives 01-04 off
    assert after.calendar_version != before.calendar_version


def test_working_days_into_an_unannounced_year_move_once_loaded():
    start = D(2026, 12, 29)
    rule = WORKING[Clock.reply]
    before = deadline_for(Clock.reply, start, rule, CAL)
    assert (before.due, before.provisional) == (D(2027, 1, 5), True)  # 12-30, 12-31, 01-01, 01-04, 01-05
    loaded = build_calendar({2027: parse_year_file(TEST_2027, "test-2027.toml")})
    after = deadline_for(Clock.reply, start, rule, loaded)
    assert (after.due, after.provisional) == (D(2027, 1, 7), False)  # 12-30, 12-31, 01-05, 01-06, 01-07


def test_deadline_within_announced_years_is_not_provisional():
    assert deadline_for(Clock.reply, D(2026, 12, 20), RULES[Clock.reply], CAL).provisional is False
    assert deadline_for(Clock.reply, D(2027, 3, 1), RULES[Clock.reply], CAL).provisional is True
    # A start in an unannounced year makes it provisional even when the due date is announced.
    assert deadline_for(Clock.handling, D(2003, 12, 1), RULES[Clock.handling], CAL).provisional is True


# --- properties ---------------------------------------------------------------------------------

starts = st.dates(D(2004, 1, 1), D(2027, 12, 31))
counts = st.sampled_from(["calendar", "working_days"])


def _due(start, days, counting, extension_days=0):
    rule = RULES[Clock.handling]._replace(days=days, counting=counting)
    return deadline_for(Clock.handling, start, rule, CAL, extension_days).due


@given(starts, st.integers(0, 120), counts)
def test_due_is_never_before_start(start, days, counting):
    assert _due(start, days, counting) >= start


@given(starts, st.integers(1, 120), counts)
def test_due_is_after_start_and_a_working_day(start, days, counting):
    d = _due(start, days, counting)
    assert d > start
    assert CAL.is_workday(d)


@given(starts, st.integers(0, 120))
def test_calendar_counting_lands_on_the_first_working_day_from_the_plain_count(start, days):
    d = _due(start, days, "calendar")
    plain = start + dt.timedelta(days=days)
    assert d >= plain and CAL.is_workday(d)
    assert all(not CAL.is_workday(plain + dt.timedelta(days=i)) for i in range((d - plain).days))


@given(starts, st.integers(1, 120))
def test_working_day_counting_counts_exactly_that_many_working_days(start, days):
    assert CAL.working_days_between(start, _due(start, days, "working_days")) == days


@given(starts, st.integers(0, 120), st.integers(0, 60), counts)
def test_more_days_never_move_the_deadline_earlier(start, days, more, counting):
    assert _due(start, days + more, counting) >= _due(start, days, counting)


@given(starts, st.integers(0, 120), st.integers(0, 30), st.integers(0, 30), counts)
def test_longer_extension_never_moves_the_deadline_earlier(start, days, ext, more, counting):
    assert _due(start, days, counting, ext + more) >= _due(start, days, counting, ext)
    assert _due(start, days, counting, ext) == _due(start, days + ext, counting)


@given(starts, st.integers(0, 120), counts)
def test_provisional_exactly_when_an_unannounced_year_is_crossed(start, days, counting):
    rule = RULES[Clock.handling]._replace(days=days, counting=counting)
    d = deadline_for(Clock.handling, start, rule, CAL)
    assert d.provisional == (d.due.year >= 2027)


# --- which clocks an event starts ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("trigger", "major", "expected"),
    [
        ("assignment", False, [Clock.reply, Clock.objection]),
        ("assignment", True, [Clock.conclude, Clock.objection]),
        ("acceptance", False, [Clock.handling]),
        ("acceptance", True, [Clock.handling]),
        ("registration", False, [Clock.notice]),
        ("registration", True, [Clock.notice]),
        ("written_opinion", False, [Clock.review_request]),
        ("request", True, [Clock.review, Clock.rereview]),
    ],
)
def test_clocks_started_by_event(trigger, major, expected):
    assert clocks_started_by(trigger, major, POLICY) == expected


def test_assignment_of_a_general_case_starts_reply_and_handling():
    started = clocks_started_by("assignment", False, POLICY) + clocks_started_by("acceptance", False, POLICY)
    assert started == [Clock.reply, Clock.objection, Clock.handling]


def test_clocks_started_by_refuses_unknown_trigger_and_applies_to():
    with pytest.raises(ValueError, match="unknown clock trigger"):
        clocks_started_by("closing", False, POLICY)
    bad = POLICY._replace(clocks={Clock.reply: RULES[Clock.reply]._replace(applies_to="serious")})
    with pytest.raises(ValueError, match="applies_to"):
        clocks_started_by("assignment", False, bad)


# --- tiers --------------------------------------------------------------------------------------

DUE = D(2026, 10, 9)  # Friday after the National Day break


@pytest.mark.parametrize(
    ("on", "tier", "why"),
    [
        (D(2026, 9, 29), None, "3 working days left: 09-30, 10-08, 10-09"),
        (D(2026, 9, 30), Tier.due_soon, "2 working days left: the break does not count"),
        (D(2026, 10, 7), Tier.due_soon, "2 working days left"),
        (D(2026, 10, 8), Tier.due_soon, "1 working day left"),
        (D(2026, 10, 9), Tier.due_soon, "due today"),
        (D(2026, 10, 10), Tier.overdue, "1 day late"),
        (D(2026, 10, 18), Tier.overdue, "9 days late"),
        (D(2026, 10, 19), Tier.seriously_overdue, "10 days late"),
        (D(2027, 3, 1), Tier.seriously_overdue, "long overdue"),
    ],
)
def test_tier_boundaries(on, tier, why):
    assert tier_of(DUE, on, CAL, POLICY) is tier, why


def test_due_soon_counts_working_days_not_calendar_days():
    # Due Monday 10-19: from Thursday 10-15 that is Friday and Monday, 2 working days.
    assert tier_of(D(2026, 10, 19), D(2026, 10, 15), CAL, POLICY) is Tier.due_soon
    assert tier_of(D(2026, 10, 19), D(2026, 10, 14), CAL, POLICY) is None


@given(starts, st.integers(-40, 40))
def test_tier_matches_its_definition(due_on, offset):
    on = due_on + dt.timedelta(days=offset)
    if on > due_on:
        expected = Tier.seriously_overdue if (on - due_on).days >= POLICY.seriously_overdue_days else Tier.overdue
    elif CAL.working_days_between(on, due_on) <= POLICY.due_soon_working_days:
        expected = Tier.due_soon
    else:
        expected = None
    assert tier_of(due_on, on, CAL, POLICY) is expected


def test_days_late_and_met():
    assert days_late(DUE, D(2026, 10, 8)) == 0
    assert days_late(DUE, DUE) == 0
    assert days_late(DUE, D(2026, 10, 19)) == 10
    assert met(DUE, DUE) is True
    assert met(DUE, D(2026, 10, 1)) is True
    assert met(DUE, D(2026, 10, 10)) is False


# --- extensions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("clock", "already", "days", "problem"),
    [
        (Clock.handling, 0, 30, None),
        (Clock.handling, 0, 1, None),
        (Clock.handling, 0, 31, ("too_long", {"max": 30, "days": 31})),
        (Clock.handling, 0, 0, ("too_short", {"days": 0})),
        (Clock.handling, 0, -5, ("too_short", {"days": -5})),
        (Clock.handling, 10, 5, ("already_extended", {})),
        (Clock.reply, 0, 5, ("not_extendable", {})),
        (Clock.notice, 0, 5, ("not_extendable", {})),
    ],
)
def test_extension_allowed(clock, already, days, problem):
    answer = extension_allowed(RULES[clock], already, days)
    assert answer == problem
