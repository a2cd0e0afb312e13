"""The indicator and summons tallies' triggers read a case's contribution from a view of every
case's (migration 0017): the tallies stay exact on every write, and a ledger upgraded to the views
keeps them so."""

from __future__ import annotations

import sqlite3

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
