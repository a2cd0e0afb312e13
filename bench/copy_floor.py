"""The least any import of a file pays to store what ``xinfang import`` stores: SQLite copying the
rows of an already imported ledger into an empty one, in C, with no Python per row.

    python bench/copy_floor.py IMPORTED.db EMPTY.db

``IMPORTED.db`` is a ledger after ``xinfang import``; ``EMPTY.db`` a ledger with the same roster
and no cases. In one transaction, as the import does it: the secondary indexes of cases, clocks
and events dropped (all of them — a copy needs no repeat look-up) and the per-month tally's
triggers suspended; every case, clock and history row copied with ``INSERT … SELECT``; the
indexes built again, the four tallies' rows copied (the import counts them as it writes its cases,
``schema.BulkCounts``), the case counters set; committed (WAL, then the checkpoint that folds it
into the file). No checking, no deadlines, no hashing, no counting: what is left is the cost of
the rows and indexes themselves. ``bench/run.py --only import`` times it beside
``sqlite3 .import`` of the same CSV.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from xinfang.ledger import schema  # noqa: E402
from xinfang.ledger.importer import IMPORT_CACHE_KIB  # noqa: E402

TABLES = ("cases", "clocks", "events")
TALLIES = ("case_tally", "channel_tally", "indicator_tally", "summons_tally")


def columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA main.table_info({table})")]


def copy(source: Path, target: Path) -> int:
    conn = sqlite3.connect(str(target), isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
        conn.execute("ATTACH DATABASE ? AS src", (str(source),))
        conn.execute("BEGIN IMMEDIATE")
        indexes = conn.execute(
            "SELECT name, sql FROM main.sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            f" AND tbl_name IN ({', '.join('?' * len(TABLES))}) ORDER BY name", TABLES).fetchall()
        for name, _ in indexes:
            conn.execute(f'DROP INDEX main."{name}"')
        schema.suspend_tally(conn)
        first_event = conn.execute("SELECT coalesce(max(id), 0) FROM main.events").fetchone()[0]
        for table in TABLES:
            cols = [c for c in columns(conn, table) if c != "id"]
            where = " WHERE case_number IS NOT NULL" if table == "events" else ""
            conn.execute(f"INSERT INTO main.{table} ({', '.join(cols)}) SELECT {', '.join(cols)}"
                         f" FROM src.{table}{where} ORDER BY rowid")
        conn.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB // 2}")
        for _, sql in indexes:
            conn.execute(sql)
        for tally in TALLIES:  # the empty ledger's tallies are empty: the imported ones are the counts
            conn.execute(f"INSERT INTO main.{tally} SELECT * FROM src.{tally}")
        schema.restore_tally(conn, ())
        conn.execute("INSERT OR REPLACE INTO main.counters (year, last) SELECT year, max(seq) FROM main.cases GROUP BY year")
        n = conn.execute("SELECT count(*) FROM main.events WHERE id > ?", (first_event,)).fetchone()[0]
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE src")
        return n
    finally:
        conn.close()


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    events = copy(Path(argv[0]), Path(argv[1]))
    print(events)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
