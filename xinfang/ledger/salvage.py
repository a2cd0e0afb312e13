"""Saving what is readable of a damaged ledger file into a new one (``db backup`` of a damaged ledger).

SQLite's page copy would carry the damaged pages along; this reads the schema and each table's
rows as far as SQLite can read them, and writes them into a fresh file, indexes and triggers last
(so no trigger fires on the copied rows). The copy is a starting point for repair, never the ledger:
the way out is the latest good backup.
"""

from __future__ import annotations

import sqlite3


def salvage(source: str, target: str) -> tuple[int, list[str]]:
    """Copy every readable row of ``source`` into the new file ``target``; returns (rows copied,
    tables that could not be read to the end)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target, isolation_level=None)
    kept, lost = 0, []
    try:
        try:
            objects = src.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL"
                                  " AND name NOT LIKE 'sqlite_%'").fetchall()
        except UnicodeDecodeError:  # the schema itself is damaged: no table can be read
            objects = []
        for pragma in ("application_id", "user_version"):
            dst.execute(f"PRAGMA {pragma} = {int(src.execute(f'PRAGMA {pragma}').fetchone()[0])}")
        dst.execute("BEGIN")
        for kind, name, sql in objects:
            if kind != "table":
                continue
            dst.execute(sql)
            try:
                cur = src.execute(f'SELECT * FROM "{name}"')
                marks = ", ".join("?" * len(cur.description))
                for row in cur:
                    dst.execute(f'INSERT INTO "{name}" VALUES ({marks})', row)
                    kept += 1
            except (sqlite3.DatabaseError, UnicodeDecodeError):  # a damaged page, or a text cell in one
                lost.append(name)
        for kind, _name, sql in objects:
            if kind != "table":
                try:
                    dst.execute(sql)
                except sqlite3.DatabaseError:
                    pass  # an index over unreadable rows: the restore brings it back
        dst.execute("COMMIT")
    finally:
        src.close()
        dst.close()
    return kept, lost
