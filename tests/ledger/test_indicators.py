"""The indicators' SQL (``ledger.indicators.counts``) is the rule's twin: the same counts as
``rules.indicators.indicators`` over the same records read plainly."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xinfang.rules.indicators import indicators

D = dt.date
days = st.dates(D(2026, 8, 20), D(2026, 12, 20))
STATUSES = ["closed", "replied", "transferred", "not_reaccepted", "voided", "declined"]


@pytest.fixture
def ledger(tmp_path, capsys):
    from tests.conftest import CLI
    from xinfang.ledger.db import open_ledger

    cli = CLI(tmp_path / "ledger.db", capsys)
    assert cli("init").code == 0
    led = open_ledger(cli.db, "tester")
    yield led
    led.conn.close()


@st.composite
def records(draw):
    n = draw(st.integers(0, 14))
    cases, clocks, evaluations = [], [], []
    for i in range(1, n + 1):
        received = draw(days)
        repeat_of = f"2026-{draw(st.integers(1, i)):05d}" if i > 1 and draw(st.booleans()) else None
        closed = draw(st.none() | st.dates(received, D(2026, 12, 31)))
        cases.append((f"2026-{i:05d}", i, received, draw(st.sampled_from(["车桥镇", "林集镇"])),
                      draw(st.sampled_from(STATUSES)), repeat_of, draw(st.sampled_from([None, 0, 1])), closed))
        for clock in draw(st.sets(st.sampled_from(["notice", "reply", "conclude", "handling"]))):
            due = draw(st.dates(received, received + dt.timedelta(days=25)))
            met = draw(st.none() | st.booleans())
            done = (due - dt.timedelta(days=draw(st.integers(0, 10))) if met
                    else due + dt.timedelta(days=draw(st.integers(1, 20))) if met is False
                    else draw(st.none() | days))
            clocks.append((f"2026-{i:05d}", clock, due, done, met))
        for stage in draw(st.sets(st.sampled_from(["acceptance", "handling"]))):
            evaluations.append((f"2026-{i:05d}", stage, draw(st.sampled_from(["satisfied", "basic", "unsatisfied"])),
                                draw(days)))
    return cases, clocks, evaluations


def _insert(led, cases, clocks, evaluations) -> None:
    for number, seq, received, township, status, repeat_of, initial, closed in cases:
        led.conn.execute(
            "INSERT INTO cases (number, year, seq, received, month, channel, township, name, people, level, kind,"
            " category, major, summary, collective, skip_level, repeat_of, initial, status, closed_on)"
            " VALUES (?, 2026, ?, ?, ?, 'letter', ?, '张三', 1, 'district', 'grievance', 'other', 0, 'x', 0, 0,"
            " ?, ?, ?, ?)",
            (number, seq, received.isoformat(), received.isoformat()[:7], township, repeat_of, initial, status,
             closed.isoformat() if closed else None))
    for number, clock, due, done, met in clocks:
        led.conn.execute(
            "INSERT INTO clocks (case_number, clock, start, days, counting, due, provisional, calendar_version,"
            " done_on, met) VALUES (?, ?, ?, 15, 'calendar', ?, 0, 'x', ?, ?)",
            (number, clock, due.isoformat(), due.isoformat(), done.isoformat() if done else None,
             None if met is None else int(met)))
    for number, stage, result, on in evaluations:
        led.conn.execute("INSERT INTO evaluations (case_number, stage, result, on_date, at, who)"
                         " VALUES (?, ?, ?, ?, 'x', 'tester')", (number, stage, result, on.isoformat()))


PERIODS = [(D(2026, 10, 1), D(2026, 10, 31)), (D(2026, 11, 1), D(2026, 11, 30)), (D(2026, 1, 1), D(2026, 12, 31))]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=records(), today=days, window=st.integers(0, 40))
def test_the_sql_counts_every_rate_exactly_as_the_rule_does(ledger, data, today, window):
    from xinfang.ledger.indicators import by_month, counts, facts

    ledger._policy = ledger.policy._replace(evaluation_window_days=window)
    ledger.conn.execute("BEGIN")
    try:
        _insert(ledger, *data)
        plain = facts(ledger)
        for first, last in PERIODS:
            assert counts(ledger, first, last, today) == indicators(first, last, *plain, ledger.policy, today)
        # month by month in one pass: each month as counted by itself
        months = by_month(ledger, D(2026, 8, 1), D(2026, 12, 31), today)
        for m in range(8, 13):
            first, last = D(2026, m, 1), (D(2026, m + 1, 1) if m < 12 else D(2027, 1, 1)) - dt.timedelta(days=1)
            assert months.get(f"2026-{m:02d}", {}) == counts(ledger, first, last, today)
    finally:
        ledger.conn.execute("ROLLBACK")
