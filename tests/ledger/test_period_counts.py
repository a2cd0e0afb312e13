"""The bulletin's period counts are sums over the days of the channel tally (``channel_tally``, kept
by triggers): each period's counts must be those of its own cases, counted one by one, whatever was
written to the cases since, and after a bulk load that counted its own cases."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xinfang.cli import run
from xinfang.ledger.db import open_ledger
from xinfang.ledger.report import _period_counts

FIRST, LAST = dt.date(2024, 12, 1), dt.date(2026, 12, 31)  # the demo's cases lie inside, with room on both sides


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db = tmp_path_factory.mktemp("periods") / "demo.db"
    assert run(["--db", str(db), "demo"]) == 0
    conn = sqlite3.connect(db)
    # a voided case counts nowhere: void one of them as the schema stores it (this file is the test's own)
    conn.execute("UPDATE cases SET status = 'voided' WHERE number = (SELECT min(number) FROM cases)")
    conn.commit()
    cases = conn.execute("SELECT received, channel, skip_level, collective, repeat_of, major, status FROM cases").fetchall()
    conn.close()
    ledger = open_ledger(db, "tester")
    yield ledger, cases
    ledger.conn.close()


def one_by_one(cases, first: dt.date, last: dt.date) -> dict[str, int]:
    counted = [c for c in cases if first.isoformat() <= c[0] <= last.isoformat() and c[6] != "voided"]
    out = {"total": len(counted)}
    for channel in ("letter", "visit", "outreach", "online", "phone"):
        out[channel] = sum(c[1] == channel for c in counted)
    out["skip_level"] = sum(bool(c[2]) for c in counted)
    out["collective"] = sum(bool(c[3]) for c in counted)
    out["repeat"] = sum(c[4] is not None for c in counted)
    out["major"] = sum(bool(c[5]) for c in counted)
    return out


_DAY = st.dates(FIRST, LAST)
_SPAN = st.tuples(_DAY, _DAY).map(sorted).map(tuple)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_SPAN, min_size=1, max_size=5))
def test_every_period_counts_its_own_cases(demo, spans):
    ledger, cases = demo
    periods = {f"p{i}": span for i, span in enumerate(spans)}
    got = _period_counts(ledger, periods)
    assert got == {name: one_by_one(cases, *span) for name, span in periods.items()}


def test_the_bulletins_periods_on_the_demo(demo):
    """The month, a year earlier, both years so far: the periods a bulletin for 2026-10 asks for."""
    ledger, cases = demo
    periods = {"this": (dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
               "last_year": (dt.date(2025, 10, 1), dt.date(2025, 10, 31)),
               "ytd": (dt.date(2026, 1, 1), dt.date(2026, 10, 31)),
               "ytd_last_year": (dt.date(2025, 1, 1), dt.date(2025, 10, 31))}
    got = _period_counts(ledger, periods)
    assert got["ytd"]["total"] > got["this"]["total"] > 0
    assert got == {name: one_by_one(cases, *span) for name, span in periods.items()}


# -- the tally through every later write, and through a bulk load ---------------------------------

CHANNELS = ("letter", "visit", "outreach", "online", "phone")
STATUSES = ("registered", "assigned", "closed", "declined", "voided")
_FLAG = st.integers(0, 1)


@st.composite
def _cases(draw, first: int = 1, n: int | None = None):
    n = draw(st.integers(0, 12)) if n is None else n
    out = []
    for i in range(first, first + n):
        received = draw(st.dates(dt.date(2026, 1, 1), dt.date(2026, 3, 31)))
        repeat_of = f"2026-{draw(st.integers(1, i - 1)):05d}" if i > 1 and draw(st.booleans()) else None
        out.append((f"2026-{i:05d}", i, received.isoformat(), received.isoformat()[:7], draw(st.sampled_from(CHANNELS)),
                    draw(_FLAG), draw(_FLAG), draw(_FLAG), repeat_of, draw(st.sampled_from(STATUSES))))
    return out


@st.composite
def _writes(draw, n: int):
    """Later writes to the cases: a received day, channel, flag, repeat link or status changed; a case deleted."""
    out = []
    for _ in range(draw(st.integers(0, 8))):
        number = f"2026-{draw(st.integers(1, max(n, 1))):05d}"
        kind = draw(st.sampled_from(["received", "channel", "flag", "repeat", "status", "delete"]))
        if kind == "received":
            day = draw(st.dates(dt.date(2026, 1, 1), dt.date(2026, 3, 31))).isoformat()
            out.append(("UPDATE cases SET received = ?, month = ? WHERE number = ?", (day, day[:7], number)))
        elif kind == "channel":
            out.append(("UPDATE cases SET channel = ? WHERE number = ?", (draw(st.sampled_from(CHANNELS)), number)))
        elif kind == "flag":
            column = draw(st.sampled_from(["skip_level", "collective", "major"]))
            out.append((f"UPDATE cases SET {column} = ? WHERE number = ?", (draw(_FLAG), number)))
        elif kind == "repeat":
            other = draw(st.none() | st.integers(1, max(n, 1)))
            out.append(("UPDATE cases SET repeat_of = ? WHERE number = ?", (other and f"2026-{other:05d}", number)))
        elif kind == "status":
            out.append(("UPDATE cases SET status = ? WHERE number = ?", (draw(st.sampled_from(STATUSES)), number)))
        else:
            out.append(("DELETE FROM cases WHERE number = ?", (number,)))
    return out


def _insert(conn, cases) -> None:
    conn.executemany(
        "INSERT INTO cases (number, year, seq, received, month, channel, township, name, people, level, kind,"
        " category, major, summary, collective, skip_level, repeat_of, status) VALUES"
        " (?, 2026, ?, ?, ?, ?, '车桥镇', '张三', 1, 'district', 'grievance', 'other', ?, 'x', ?, ?, ?, ?)",
        [(c[0], c[1], c[2], c[3], c[4], c[7], c[6], c[5], c[8], c[9]) for c in cases])


_QUARTER = {"jan": (dt.date(2026, 1, 1), dt.date(2026, 1, 31)), "feb-10-mar-09": (dt.date(2026, 2, 10), dt.date(2026, 3, 9)),
            "q1": (dt.date(2026, 1, 1), dt.date(2026, 3, 31)), "one-day": (dt.date(2026, 2, 28), dt.date(2026, 2, 28))}


def _plainly(conn):
    return conn.execute("SELECT received, channel, skip_level, collective, repeat_of, major, status FROM cases").fetchall()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_tally_counts_each_period_as_its_cases_do_after_every_later_write(ledger, data):
    from xinfang.ledger.audit import channel_tally

    cases = data.draw(_cases())
    later = data.draw(_writes(len(cases)))
    ledger.conn.execute("BEGIN")
    try:
        _insert(ledger.conn, cases)
        for sql, params in later:
            ledger.conn.execute(sql, params)
        assert channel_tally(ledger.conn)[0] == []
        rows = _plainly(ledger.conn)
        assert _period_counts(ledger, _QUARTER) == {name: one_by_one(rows, *span) for name, span in _QUARTER.items()}
    finally:
        ledger.conn.execute("ROLLBACK")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_bulk_load_counts_its_cases_into_the_channel_tally_as_the_triggers_would(ledger, data):
    """An import suspends the triggers and counts the cases it adds as it writes them; a recount of
    one month counts its days afresh and leaves every other day's rows as they stood."""
    from tests.ledger.conftest import count_as_an_import
    from xinfang.ledger import schema
    from xinfang.ledger.audit import channel_tally

    earlier = data.draw(_cases())
    added = data.draw(_cases(first=len(earlier) + 1, n=data.draw(st.integers(0, 12))))
    ledger.conn.execute("BEGIN")
    try:
        _insert(ledger.conn, earlier)
        start = ledger.conn.execute("SELECT coalesce(max(rowid), 0) + 1 FROM cases").fetchone()[0]
        schema.suspend_tally(ledger.conn)
        _insert(ledger.conn, added)
        count_as_an_import(ledger.conn, start)
        schema.restore_tally(ledger.conn, ())
        assert channel_tally(ledger.conn)[0] == []
        schema.suspend_tally(ledger.conn)
        ledger.conn.execute("UPDATE cases SET channel = 'phone' WHERE month = '2026-02'")  # not counted while suspended
        ledger.conn.execute("INSERT INTO channel_tally VALUES ('2026-01-15', 'marker', 1, 0, 0, 0, 0)")  # another month's row
        schema.restore_tally(ledger.conn, ["2026-02"])
        assert ledger.conn.execute("SELECT n FROM channel_tally WHERE channel = 'marker'").fetchall() == [(1,)]
        ledger.conn.execute("DELETE FROM channel_tally WHERE channel = 'marker'")
        assert channel_tally(ledger.conn)[0] == []
        rows = _plainly(ledger.conn)
        assert _period_counts(ledger, _QUARTER) == {name: one_by_one(rows, *span) for name, span in _QUARTER.items()}
    finally:
        ledger.conn.execute("ROLLBACK")
