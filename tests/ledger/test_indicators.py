"""The indicators' SQL (``ledger.indicators.counts``) is the rule's twin: the same counts as
``rules.indicators.indicators`` over the same records read plainly."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from xinfang.rules.indicators import indicators

D = dt.date
days = st.dates(D(2026, 8, 20), D(2026, 12, 20))
STATUSES = ["closed", "replied", "transferred", "not_reaccepted", "voided", "declined"]


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
    from xinfang.ledger.indicators import by_month, counts, district_by_month, facts
    from xinfang.rules.indicators import district

    ledger._policy = ledger.policy._replace(evaluation_window_days=window)
    ledger.conn.execute("BEGIN")
    try:
        _insert(ledger, *data)
        plain = facts(ledger)
        for first, last in PERIODS:
            assert counts(ledger, first, last, today) == indicators(first, last, *plain, ledger.policy, today)
        _summons_as_the_rule_counts(ledger, today)
        # month by month in one pass: each month as counted by itself
        months = by_month(ledger, D(2026, 8, 1), D(2026, 12, 31), today)
        for m in range(8, 13):
            first, last = D(2026, m, 1), (D(2026, m + 1, 1) if m < 12 else D(2027, 1, 1)) - dt.timedelta(days=1)
            assert months.get(f"2026-{m:02d}", {}) == counts(ledger, first, last, today)
        # the district's months summed by SQLite, one rate's months alone: as the townships' months say
        assert district_by_month(ledger, D(2026, 8, 1), D(2026, 12, 31), today) == {
            month: district(towns) for month, towns in months.items()}
        one = by_month(ledger, D(2026, 8, 1), D(2026, 12, 31), today, rates=("on_time_rate",))
        assert {(m, t): i.on_time_rate for m, towns in one.items() for t, i in towns.items()} == {
            (m, t): i.on_time_rate for m, towns in months.items() for t, i in towns.items() if i.on_time_rate.denominator}
    finally:
        ledger.conn.execute("ROLLBACK")


@st.composite
def writes(draw):
    """Records, then later writes to them: a status, township, received date, closing or repeat link
    changed, a clock finished, moved or removed, an evaluation added."""
    data = draw(records())
    n = max(len(data[0]), 1)
    out = []
    for _ in range(draw(st.integers(1, 8))):
        i = draw(st.integers(1, n))
        number = f"2026-{i:05d}"
        kind = draw(st.sampled_from(["status", "township", "closed", "repeat", "clock", "unclock", "evaluate",
                                     "received"]))
        if kind == "received":  # a received date corrected into another month
            received = draw(days)
            out.append(("UPDATE cases SET received = ?, month = ? WHERE number = ?",
                        (received.isoformat(), received.isoformat()[:7], number)))
        elif kind == "status":
            out.append(("UPDATE cases SET status = ? WHERE number = ?", (draw(st.sampled_from(STATUSES)), number)))
        elif kind == "township":
            out.append(("UPDATE cases SET township = ? WHERE number = ?", (draw(st.sampled_from(["车桥镇", "林集镇"])), number)))
        elif kind == "closed":
            closed = draw(st.none() | days)
            out.append(("UPDATE cases SET closed_on = ?, initial = ? WHERE number = ?",
                        (closed.isoformat() if closed else None, draw(st.sampled_from([None, 0, 1])), number)))
        elif kind == "repeat":
            # most often a case whose first-contact resolution the link decides (closed, initial)
            decided = [k for k, c in enumerate(data[0], 1) if c[7] is not None and c[6] == 1]
            other = draw(st.none() | st.integers(1, n) | (st.sampled_from(decided) if decided else st.none()))
            out.append(("UPDATE cases SET repeat_of = ? WHERE number = ?",
                        (f"2026-{other:05d}" if other else None, number)))
        elif kind == "clock":
            met = draw(st.none() | st.booleans())
            done = draw(st.none() | days)
            out.append(("UPDATE clocks SET done_on = ?, met = ?, due = coalesce(?, due) WHERE case_number = ? AND clock = ?",
                        (done.isoformat() if done else None, None if met is None else int(met),
                         draw(st.none() | days.map(D.isoformat)), number,
                         draw(st.sampled_from(["notice", "reply", "conclude"])))))
        elif kind == "unclock":
            out.append(("DELETE FROM clocks WHERE case_number = ? AND clock = ?",
                        (number, draw(st.sampled_from(["notice", "reply", "conclude"])))))
        else:
            out.append(("INSERT INTO evaluations (case_number, stage, result, on_date, at, who)"
                        " SELECT ?, ?, ?, ?, 'x', 'tester' WHERE EXISTS (SELECT 1 FROM cases WHERE number = ?)",
                        (number, draw(st.sampled_from(["acceptance", "handling"])),
                         draw(st.sampled_from(["satisfied", "basic", "unsatisfied"])), draw(days).isoformat(), number)))
    return data, out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(written=writes(), today=days, window=st.integers(0, 40))
def test_the_indicator_tally_stays_exact_through_every_later_write(ledger, written, today, window):
    """Whatever is written after the records (a case voided or moved, a closing corrected, a repeat
    linked or unlinked, a clock finished or removed, an evaluation), the tally the rates are read
    from equals its count from scratch, and the rates still equal the rule's."""
    from xinfang.ledger.audit import indicator_tally, summons_tally
    from xinfang.ledger.indicators import counts, facts

    data, later = written
    ledger._policy = ledger.policy._replace(evaluation_window_days=window)
    ledger.conn.execute("BEGIN")
    try:
        _insert(ledger, *data)
        for sql, params in later:
            ledger.conn.execute(sql, params)
        assert indicator_tally(ledger.conn)[0] == []
        assert summons_tally(ledger.conn)[0] == []
        plain = facts(ledger)
        for first, last in PERIODS:
            assert counts(ledger, first, last, today) == indicators(first, last, *plain, ledger.policy, today)
        _summons_as_the_rule_counts(ledger, today)
    finally:
        ledger.conn.execute("ROLLBACK")


def _summons_as_the_rule_counts(ledger, today: dt.date) -> None:
    """Each month's summons findings, from the tallies where the month has ended and from the clocks
    where it has not, are the rule's over every case and clock result read plainly."""
    from xinfang.ledger.cases import as_case
    from xinfang.ledger.sanctions import CASE_COLUMNS, _month_results, clock_results
    from xinfang.rules.sanctions import _summons, month_results

    kept = ledger.policy
    policy = kept._replace(summons_min_cases=2, summons_on_time_rate=0.75)
    ledger._policy = policy  # the ledger is shared by the examples: its own policy back after
    try:
        cases = [as_case(r) for r in ledger.rows(f"SELECT {CASE_COLUMNS} FROM cases WHERE status NOT IN ('voided', 'not_reaccepted')"
                                                 " AND received <= ?", (today.isoformat(),))]
        plain = month_results(cases, clock_results(ledger, today))
        for m in range(8, 13):
            month = f"2026-{m:02d}"
            assert _summons(_month_results(ledger, today, month=month), policy) == _summons(
                [r for r in plain if r.month == month], policy), month
    finally:
        ledger._policy = kept


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(earlier=records(), added=records(), batch=st.integers(1, 6))
# a voided loaded case repeating a stored closed initial case: its first-contact resolution stands
@example(earlier=([("2026-00001", 1, D(2026, 9, 1), "车桥镇", "closed", None, 1, D(2026, 9, 10))], [], []),
         added=([("2026-00001", 1, D(2026, 9, 5), "车桥镇", "voided", "2026-00001", None, None)], [], []), batch=1)
def test_a_bulk_load_counts_its_cases_into_the_indicator_tally_as_the_triggers_would(ledger, earlier, added, batch):
    """A bulk load (an import) suspends the triggers and counts the cases it adds as it writes them
    (``schema.BulkCounts``), with the change they make to the earlier cases they repeat: the four
    tallies end as exact as if every row had been written one by one. An import records no
    evaluation of the cases it adds."""
    from tests.ledger.conftest import count_as_an_import
    from xinfang.ledger import schema
    from xinfang.ledger.audit import channel_tally, indicator_tally, summons_tally, tally

    cases, clocks, _ = added
    shift = 20  # the loaded cases are numbered after the earlier ones and may repeat them

    def moved(number):
        return f"2026-{int(number[5:]) + shift:05d}"

    loaded = ([(moved(c[0]), c[1] + shift, *c[2:5], c[5] if c[5] is None or c[1] % 2 else moved(c[5]), *c[6:])
               for c in cases], [(moved(k[0]), *k[1:]) for k in clocks], [])
    ledger.conn.execute("BEGIN")
    try:
        _insert(ledger, *earlier)
        start = ledger.conn.execute("SELECT coalesce(max(rowid), 0) + 1 FROM cases").fetchone()[0]
        schema.suspend_tally(ledger.conn)
        _insert(ledger, *loaded)
        count_as_an_import(ledger.conn, start, batch)
        schema.restore_tally(ledger.conn, ())  # counted by the load itself, as an import counts them
        assert indicator_tally(ledger.conn)[0] == []
        assert summons_tally(ledger.conn)[0] == []
        assert tally(ledger.conn)[0] == []
        assert channel_tally(ledger.conn)[0] == []
    finally:
        ledger.conn.execute("ROLLBACK")
