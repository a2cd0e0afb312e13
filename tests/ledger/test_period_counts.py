"""The bulletin's period counts read the cases once for all its periods, cut into pieces where any
period starts or ends: each period's counts must be those of its own cases, counted one by one."""

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
