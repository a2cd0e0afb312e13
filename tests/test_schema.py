"""Schema migrations: a blank ledger and an older one end with the same schema."""

from __future__ import annotations

import sqlite3

import pytest

from xinfang.ledger import schema
from xinfang.ledger.db import migrate
from xinfang.ledger.views import _masked_text


def _schema(path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return sorted(conn.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
                                   " AND name != '_sqlite_migrations'"))
    finally:
        conn.close()


def test_blank_and_older_ledgers_migrate_to_the_same_schema(tmp_path):
    blank = tmp_path / "blank.db"
    conn = sqlite3.connect(blank)
    migrate(conn)
    conn.close()

    old = tmp_path / "old.db"
    conn = sqlite3.connect(old)
    from sqlite_utils import Database

    db = Database(sqlite3.connect(old))
    first = schema.migrations()
    first.apply(db, stop_before="0002_append_only_guards")  # a ledger from before the guards
    db.conn.commit()
    db.close()
    assert "events_no_update" not in {r[1] for r in _schema(old)}
    migrate(conn)
    conn.close()

    assert _schema(old) == _schema(blank)
    conn = sqlite3.connect(blank)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.MIGRATION_COUNT
    applied = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY rowid")]
    assert applied == [m.name for m in schema.migrations()._migrations]


def test_append_only_tables_refuse_update_and_delete(tmp_path):
    import pytest

    path = tmp_path / "l.db"
    conn = sqlite3.connect(path)
    migrate(conn)
    conn.execute("INSERT INTO events (at, who, action, prev_hash, hash) VALUES ('t', 'w', 'a', 'p', 'h')")
    for sql in ("UPDATE events SET who = 'x'", "DELETE FROM events"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(sql)


def test_the_case_tally_is_built_from_the_cases_of_an_older_ledger(tmp_path):
    path = tmp_path / "old.db"
    from sqlite_utils import Database

    db = Database(sqlite3.connect(path))
    schema.migrations().apply(db, stop_before="0004_case_tally")
    rows = [("2026-00001", 1, "2026-03", "车桥镇", 1, "city", None), ("2026-00002", 2, "2026-03", "车桥镇", 1, "city",
            "2026-00001"), ("2026-00003", 3, "2026-03", "车桥镇", 7, "city", None),
            ("2026-00004", 4, "2026-04", "林集镇", 1, "district", None)]
    for number, seq, month, township, people, level, repeat_of in rows:
        db.execute("INSERT INTO cases (number, year, seq, received, month, channel, township, name, people, level,"
                   " kind, category, major, summary, collective, skip_level, repeat_of, status) VALUES"
                   " (?, 2026, ?, ?, ?, 'letter', ?, 'x', ?, ?, 'grievance', 'other', 0, 'x', 0, 0, ?, 'registered')",
                   (number, seq, month + "-02", month, township, people, level, repeat_of))
    db.conn.commit()
    db.close()
    conn = sqlite3.connect(path)
    migrate(conn)
    assert conn.execute("SELECT month, township, level, people, n, repeats FROM case_tally ORDER BY 1, 2, 3, 4"
                        ).fetchall() == [("2026-03", "车桥镇", "city", 1, 2, 1), ("2026-03", "车桥镇", "city", 7, 1, 0),
                                         ("2026-04", "林集镇", "district", 1, 1, 0)]
    conn.execute("UPDATE cases SET people = 1, repeat_of = NULL WHERE number = '2026-00003'")
    conn.execute("DELETE FROM cases WHERE number = '2026-00004'")
    assert conn.execute("SELECT month, township, level, people, n, repeats FROM case_tally ORDER BY 1, 2, 3, 4"
                        ).fetchall() == [("2026-03", "车桥镇", "city", 1, 3, 1)]
    conn.close()


def test_a_bulk_load_can_suspend_the_tally_and_recount_it(tmp_path):
    path = tmp_path / "l.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn)
    before = _schema(path)

    def add(number, seq, month, people):
        conn.execute("INSERT INTO cases (number, year, seq, received, month, channel, township, name, people, level,"
                     " kind, category, major, summary, collective, skip_level, repeat_of, status) VALUES"
                     " (?, 2026, ?, ?, ?, 'letter', '车桥镇', 'x', ?, 'city', 'grievance', 'other', 0, 'x', 0, 0,"
                     " NULL, 'registered')", (number, seq, month + "-02", month, people))

    add("2026-00001", 1, "2026-03", 1)
    conn.execute("BEGIN")
    schema.suspend_tally(conn)
    add("2026-00002", 2, "2026-03", 1)
    add("2026-00003", 3, "2026-04", 6)
    assert conn.execute("SELECT sum(n) FROM case_tally").fetchone()[0] == 1  # not counted while suspended
    schema.restore_tally(conn, ["2026-03", "2026-04"])
    conn.execute("COMMIT")
    assert conn.execute("SELECT month, people, n FROM case_tally ORDER BY 1, 2").fetchall() == [
        ("2026-03", 1, 2), ("2026-04", 6, 1)]
    assert _schema(path) == before  # the triggers are back, unchanged
    add("2026-00004", 4, "2026-04", 6)
    schema.restore_tally(conn)
    assert conn.execute("SELECT month, people, n FROM case_tally ORDER BY 1, 2").fetchall() == [
        ("2026-03", 1, 2), ("2026-04", 6, 2)]
    conn.close()


def test_the_open_duty_index_leaves_out_exactly_the_windows():
    """``schema.NOT_A_WINDOW`` is the SQL twin of ``model.WINDOWS``."""
    from xinfang.model import WINDOWS, Clock

    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE clocks (clock TEXT)")
    conn.executemany("INSERT INTO clocks VALUES (?)", [(c.value,) for c in Clock])
    duties = {r[0] for r in conn.execute(f"SELECT clock FROM clocks WHERE {schema.NOT_A_WINDOW}")}
    assert duties == {c.value for c in Clock if c not in WINDOWS}


def test_suspending_the_tally_leaves_an_attached_ledger_s_triggers_alone(tmp_path):
    """A copy between two ledgers (the bench's copy floor) attaches the other one: suspending and
    restoring this ledger's tallies must not drop that one's triggers."""
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other, isolation_level=None)
    migrate(conn)
    conn.close()
    before = _schema(other)
    conn = sqlite3.connect(tmp_path / "l.db", isolation_level=None)
    migrate(conn)
    conn.execute("ATTACH DATABASE ? AS src", (str(other),))
    conn.execute("BEGIN")
    schema.suspend_tally(conn)
    schema.restore_tally(conn, ())
    conn.execute("COMMIT")
    conn.execute("DETACH DATABASE src")
    conn.close()
    assert _schema(other) == before


def test_the_chinese_views_text_is_the_one_the_last_migration_makes():
    """A change to the Chinese views (a label added to the catalogue words 办理记录's fields) needs a
    migration that makes them again (schema.remake_chinese_views), or every ledger made before it
    fails its audit as altered: the digest names the text the last such migration made."""
    import hashlib

    from xinfang.ledger.views import VIEW_SQL

    assert hashlib.sha256("\n".join(VIEW_SQL).encode()).hexdigest() == schema.VIEWS_DIGEST, (
        "the views changed: add a migration that calls remake_chinese_views and put the new digest in"
        " schema.VIEWS_DIGEST")


@pytest.mark.parametrize(("migration", "version", "word", "before"), [
    ("0021_chinese_views_again", 20, "WHEN 'objected_on' THEN '交办异议日期' ", ""),
    ("0022_chinese_views_extension_labels", 21, "WHEN 'extended_on' THEN '延期批准日期' ", ""),
    ("0023_chinese_views_masked_text", 22, " ELSE " + _masked_text("e.old"), ""),
    # before 0024 a full-width dash was not read: the view (made as 0026 makes it) altered to read '-' twice
    ("0024_chinese_views_spaced_numbers", 23, "'－', '-')", "'-', '-')"),
    ("0025_chinese_views_masked_leader", 24, _masked_text("c.leader"), "c.leader"),
    ("0026_chinese_views_dates_readable", 25, "GLOB '*[0-9][0-9][0-9]-", "GLOB '*[0-9][0-9][0-9]"),
])
def test_a_ledger_made_before_a_label_was_added_passes_its_audit_once_migrated(tmp_path, migration, version, word,
                                                                                  before):
    """A ledger whose views were made before a label (交办异议日期, 延期批准日期) or before their free
    texts were masked (the view holding ``word`` made as it was before), opened by today's code:
    its views are made again, and the audit finds its schema as the migrations make it."""
    from sqlite_utils import Database

    from xinfang.ledger.audit import _expected_schema, _schema_rows
    from xinfang.ledger.views import VIEW_SQL

    old = tmp_path / "old.db"
    db = Database(sqlite3.connect(old))
    schema.migrations().apply(db, stop_before=migration)
    view = next(v for v in VIEW_SQL if word in v)
    db.execute(f"DROP VIEW {view.split()[2]}")  # CREATE VIEW "name" AS …
    db.execute(view.replace(word, before))
    db.conn.execute(f"PRAGMA user_version = {version}")
    db.conn.commit()
    db.close()
    conn = sqlite3.connect(old)
    assert _schema_rows(conn) != _expected_schema()  # as the audit saw it before
    migrate(conn)
    assert _schema_rows(conn) == _expected_schema()
    conn.close()
