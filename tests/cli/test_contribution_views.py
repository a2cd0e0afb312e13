"""The indicator and summons tallies' triggers read a case's contribution from a view of every
case's (migration 0017): the tallies stay exact on every write, and a ledger upgraded to the views
keeps them so."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from xinfang.ledger import schema


def _objects(db) -> dict:
    with sqlite3.connect(db) as conn:
        return {name: sql for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type IN ('view', 'trigger')")}


def test_a_ledger_s_tally_triggers_are_small_and_read_the_views(cli):
    objects = _objects(cli.db)
    assert set(schema.CONTRIBUTION_VIEW_NAMES) <= set(objects)
    tally_triggers = [objects[name] for name in schema.INDICATOR_TRIGGERS]
    assert all("_contributions WHERE case_number = " in sql for sql in tally_triggers)
    assert not any("CROSS JOIN" in sql for sql in tally_triggers)  # the statement lives in the views alone


def test_a_ledger_upgraded_to_the_views_keeps_its_tallies_exact(cli):
    case = cli.register(received="2026-10-12", level="city")["case"]
    cli.ok("accept", case, "--on", "2026-10-12", "--told", "written")
    with sqlite3.connect(cli.db) as conn:  # one migration behind: no views, no tally triggers
        conn.executescript("".join(f"DROP TRIGGER {name};" for name in schema.INDICATOR_TRIGGERS)
                           + "".join(f"DROP VIEW {name};" for name in schema.CONTRIBUTION_VIEW_NAMES)
                           + "DELETE FROM _sqlite_migrations WHERE name = '0017_contribution_views';"
                           f"PRAGMA user_version = {schema.MIGRATION_COUNT - 1};")
    cli.ok("assign", case, "--unit", "车桥镇", "--leader", "王建国", "--on", "2026-10-13")  # opening upgrades it
    cli.ok("reply", case, "--on", "2026-10-20", "--summary", "已书面答复")
    assert set(schema.CONTRIBUTION_VIEW_NAMES) <= set(_objects(cli.db))
    audit = cli("audit", "verify", "--json")
    assert audit.code == 0, audit.out
    checked = audit.json()["checked"]
    assert checked["indicator_tally"] > 0 and checked["summons_tally"] > 0


FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "ledger-0015.sql"


def test_a_ledger_made_before_the_views_and_the_published_scores_upgrades_whole(blank_cli):
    """``tests/fixtures/ledger-0015.sql``: a ledger made by xinfang 67b73b7 (migration 0015: each tally
    trigger holding the whole contribution statement, no published scores), dumped by
    ``sqlite3.Connection.iterdump``. Three cases (one closed and evaluated, a repeat of it, one
    collective), two published months. Opened by this version, it is upgraded in one go and ends
    as a ledger made today would be, its tallies exact before and after later writes."""
    with sqlite3.connect(blank_cli.db) as conn:
        conn.executescript(FIXTURE.read_text(encoding="utf-8"))
        conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
        conn.execute("PRAGMA user_version = 15")
    old = _objects(blank_cli.db)
    assert "CROSS JOIN" in old["cases_indicators_update_after"] and "published_months_scores" not in old

    with sqlite3.connect(blank_cli.db) as conn:
        published = {r["township"]: r["score"] for r in json.loads(
            conn.execute("SELECT rows FROM published_months WHERE month = '2026-10'").fetchone()[0])}
    november = blank_cli.ok("rank", "--month", "2026-11", today="2026-11-26")  # the first command upgrades it
    assert {r["township"]: r["prev_score"] for r in november["rows"]} == published  # the October published
    assert published["车桥镇"] == 2  # a district case that repeats September's: 1 + 1
    fresh = _objects(_fresh_ledger(blank_cli.db.parent / "fresh.db"))
    assert _objects(blank_cli.db) == fresh
    audit = blank_cli("audit", "verify", "--json")
    assert audit.code == 0, audit.out
    assert audit.json()["checked"]["published_scores"] == 2 * len(november["rows"])

    with sqlite3.connect(blank_cli.db) as conn:
        case = conn.execute("SELECT number FROM cases WHERE repeat_of IS NOT NULL").fetchone()[0]
    blank_cli.ok("reply", case, "--on", "2026-10-14", "--summary", "已书面答复", today="2026-11-26")
    blank_cli.ok("resolve", case, "--outcome", "explain", "--summary", "已解释说明", "--on", "2026-10-20",
                 "--signed", today="2026-11-26")
    assert blank_cli("audit", "verify").code == 0


def _fresh_ledger(path):
    from xinfang.ledger.db import migrate

    conn = sqlite3.connect(path)
    migrate(conn)
    conn.close()
    return path


def test_a_trigger_reads_only_the_rows_of_the_case_it_counts(cli):
    """Every part of each view is searched by the case's number, never scanned: what keeps a write
    of one case as cheap at a million cases as at ten (SQLite pushes the number down into each part)."""
    with sqlite3.connect(cli.db) as conn:
        for view in schema.CONTRIBUTION_VIEW_NAMES:
            plan = [row[3] for row in conn.execute(
                f"EXPLAIN QUERY PLAN SELECT * FROM {view} WHERE case_number = ?", ("2026-00001",))]
            searched = [step for step in plan if step.startswith("SEARCH c ")]
            assert searched and all("(number=?)" in step for step in searched), plan
            assert not any(step.startswith("SCAN") and " c" in step for step in plan), plan
