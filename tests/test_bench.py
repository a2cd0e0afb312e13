"""The benchmark's correctness half, at 10k cases: xinfang's answers equal the raw-SQL peers' on the
same synthetic ledger, and the synthetic rows are ones the commands accept. No timing is asserted."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from bench import generate as gen
from bench import run as bench

SIZE = "10k"


@pytest.fixture(scope="module")
def ledger(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("bench")
    return gen.ledger_for(SIZE, out=out, log=None)


@pytest.fixture(scope="module")
def ctx(ledger, tmp_path_factory) -> bench.Ctx:
    db, manifest = ledger
    return bench.Ctx(SIZE, db, manifest, runs=1, work=tmp_path_factory.mktemp("work"), check_only=True)


def _rows(db: Path, sql: str, params=()) -> list[tuple]:
    conn = sqlite3.connect(str(db))
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize("name", bench.CHECKED)
def test_xinfang_answers_equal_the_raw_sql_peer(ctx, name):
    fn, command, _ = bench.OPERATIONS[name]
    if not bench.command_exists(*command):
        pytest.skip(f"'xinfang {' '.join(command)}' is not in this build yet")
    results = fn(ctx)
    assert results
    for r in results:
        assert r.check == "ok", f"{r.operation}: {r.check}"


def test_generated_ledger_has_the_planned_shape(ledger):
    db, manifest = ledger
    (cases, townships, officials, open_cases) = _rows(db, """
        SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM townships), (SELECT count(*) FROM officials),
               (SELECT count(*) FROM cases WHERE status IN ('registered', 'assigned', 'replied'))""")[0]
    assert (cases, townships, officials) == (10_000, 1_200, 2_400)
    assert 0.07 <= open_cases / cases <= 0.14 and open_cases == manifest["open"]
    assert 0.07 <= manifest["city_plus"] / cases <= 0.13
    assert manifest["collective"] > 0 and manifest["repeats"] > 0 and manifest["transferred"] > 0
    # Numbering continues where the bulk load stopped.
    assert _rows(db, "SELECT year, last FROM counters ORDER BY year") == \
        _rows(db, "SELECT year, max(seq) FROM cases GROUP BY year ORDER BY year")
    # Every open case has a running clock, and every running clock belongs to an open case.
    assert _rows(db, """SELECT count(*) FROM cases c WHERE status IN ('registered', 'assigned', 'replied')
                        AND NOT EXISTS (SELECT 1 FROM clocks k WHERE k.case_number = c.number AND k.done_on IS NULL)
                     """) == [(0,)]
    assert _rows(db, """SELECT count(*) FROM clocks k JOIN cases c ON c.number = k.case_number
                        WHERE k.done_on IS NULL AND k.clock NOT IN ('objection', 'review_request')
                        AND c.status NOT IN ('registered', 'assigned', 'replied')""") == [(0,)]
    # Dates never run past today, and handling steps follow each other.
    assert _rows(db, f"""SELECT count(*) FROM cases WHERE received >= '{gen.TODAY}' OR closed_on >= '{gen.TODAY}'
                         OR assigned_on < received OR replied_on < assigned_on OR closed_on < replied_on""") == [(0,)]


def test_repeat_links_are_the_ones_register_would_make(ledger):
    from xinfang.ledger.cases import find_earlier
    from xinfang.ledger.db import open_ledger

    db, _ = ledger
    led = open_ledger(db, "test")
    rows = led.rows("SELECT number, year, seq, id_number, township, category, received, repeat_of, initial"
                    " FROM cases WHERE id_number IS NOT NULL ORDER BY year, seq")
    checked = 0
    for r in rows[::7]:
        # find_earlier also sees cases registered later on the same day; register would not have.
        if led.scalar("SELECT count(*) FROM cases WHERE id_number = ? AND received = ? AND (year, seq) > (?, ?)",
                      (r["id_number"], r["received"], r["year"], r["seq"])):
            continue
        got = find_earlier(led, r["id_number"], r["township"], r["category"], dt.date.fromisoformat(r["received"]),
                           exclude=r["number"])
        assert got == (r["repeat_of"], bool(r["initial"])), r
        checked += 1
    assert checked > 500


def test_deposit_payments_are_hash_chained(ledger):
    from xinfang.ledger.history import GENESIS, row_hash

    db, _ = ledger
    prev = GENESIS
    cols = ("official", "kind", "amount_fen", "on_date", "case_number", "year", "note", "at")
    for row in _rows(db, f"SELECT {', '.join(cols)}, prev_hash, hash FROM deposit_entries ORDER BY seq"):
        values = dict(zip(cols, row[:8]))
        assert row[8] == prev and row[9] == row_hash(prev, values)
        prev = row[9]
