"""Integrity of a ledger: hash chains, append-only guards, seals of protected rows, case history.

The ledger decides officials' money and sanctions, so it must show when it was changed behind its
back. Four independent checks, each returning problems as data (never raising for a finding):

- ``chains``: every chained table (``events``, ``deposit_entries``: the append-only tables that carry
  ``prev_hash``/``hash``) is recomputed row by row from the start of the chain.
- ``guards``: every append-only table still has its UPDATE/DELETE-refusing triggers, unaltered.
- ``seals``: the other append-only tables (published months, sanction decisions, calendar years)
  carry no hash columns; each row they gain inside ``Ledger.write()`` is recorded as a ``seal``
  event in the chained history (``xinfang.ledger.history.seal_new_rows``), so editing, deleting
  or forging such a row shows as a mismatch with a hash-protected record.
- ``cases``: each case row equals the replay of its history (the ``register`` snapshot followed by
  the latest event value of each field).

Plus SQLite's own ``PRAGMA integrity_check``. A tail cut off a chain leaves a valid shorter chain;
``compare_with`` catches that against an older copy (a backup), whose chains must be a prefix.

This module only reads: the history's encoding, hashing and sealing are ``xinfang.ledger.history``'s.
"""

from __future__ import annotations

import json
import sqlite3
from typing import NamedTuple

from xinfang.ledger import schema
from xinfang.ledger.history import (
    GENESIS,
    SEAL_ACTION,
    chained_tables,
    history_text,
    key_columns,
    row_hash,
    sealed_content,
    sealed_tables,
    table_names,
)

# Events that carry a whole case as a JSON snapshot in ``new`` (field NULL): the start of its replay.
SNAPSHOT_ACTIONS = ("register", "import")
# Case columns that are not replayed from events: the identity of the row and values derived from it.
IDENTITY = ("number", "year", "seq")
# History rows about deadline clocks name the clock in ``field``, not a case column.
CLOCK_ACTIONS = ("clock", "clock-done", "clock-stop", "clock-extend")


class Problem(NamedTuple):
    """One finding: the table, the row (its id, case number or key) and what is wrong."""

    table: str
    row: str | None
    problem: str

    @property
    def message(self) -> str:
        where = f"{self.table} {self.row}" if self.row is not None else self.table
        return f"{where}: {self.problem}"

    def as_json(self) -> dict:
        return {"table": self.table, "id": self.row, "problem": self.problem, "message": self.message}


class Report(NamedTuple):
    """The result of ``verify``: counts of what was checked, and every problem found, in order."""

    problems: list[Problem]
    events: int
    counts: dict[str, int]
    heads: dict[str, str]

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict:
        return {"ok": self.ok, "events": self.events, "problems": [p.as_json() for p in self.problems],
                "checked": self.counts, "heads": self.heads}


def _row_name(conn: sqlite3.Connection, table: str, key: str) -> str:
    """How a problem names a sealed row: 'id 3' for numbered rows, else the key itself ('2026-10')."""
    return f"id {key}" if key_columns(conn, table) in (["id"], ["rowid"]) else key


# -- checks --------------------------------------------------------------------------------

def integrity(conn: sqlite3.Connection) -> list[Problem]:
    """SQLite's own check of the file: pages, indexes, constraints."""
    lines = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    return [] if lines == ["ok"] else [Problem("sqlite", None, f"integrity_check: {line}") for line in lines]


def foreign_keys(conn: sqlite3.Connection) -> list[Problem]:
    """Rows whose references point nowhere (``PRAGMA foreign_key_check``)."""
    return [Problem(r[0], str(r[1]), f"refers to a missing {r[2]} row")
            for r in conn.execute("PRAGMA foreign_key_check")]


def guards(conn: sqlite3.Connection) -> list[Problem]:
    """Each append-only table must keep both of its refusing triggers, exactly as the schema made them."""
    present = table_names(conn)
    triggers = {r[0]: (r[1], r[2]) for r in conn.execute("SELECT name, tbl_name, sql FROM sqlite_master"
                                                          " WHERE type = 'trigger'")}
    expected = {}
    for table in schema.APPEND_ONLY:
        for statement in schema._split(schema._guards(table)):
            expected[statement.split()[2]] = (table, statement)
    problems = []
    for name, (table, statement) in expected.items():
        if table not in present:
            problems.append(Problem(table, None, "append-only table is missing"))
            continue
        if name not in triggers:
            problems.append(Problem(table, None, f"trigger {name} is missing: the table can be edited in place"))
        elif triggers[name][0] != table or _words(triggers[name][1]) != _words(statement):
            problems.append(Problem(table, None, f"trigger {name} was altered"))
    return problems


def _words(sql: str | None) -> list[str]:
    return (sql or "").rstrip(";").split()


def chains(conn: sqlite3.Connection) -> tuple[list[Problem], dict[str, int], dict[str, str]]:
    """Recompute every chained table from its start; returns (problems, rows checked, head hashes)."""
    problems, counts, heads = [], {}, {}
    for table, key in chained_tables(conn).items():
        cur = conn.execute(f'SELECT {key} AS "__key", * FROM "{table}" ORDER BY {key}')
        names = [d[0] for d in cur.description]
        prev_hash, prev_id, n = GENESIS, None, 0
        for r in cur:
            row = dict(zip(names, r))
            row_id = row.pop("__key")
            stored_prev, stored_hash = row.pop("prev_hash"), row.pop("hash")
            row.pop(key, None)
            values = row
            if stored_prev != prev_hash:
                link = f"id {prev_id}" if prev_id is not None else "the start of the chain"
                problems.append(Problem(table, f"id {row_id}", f"prev_hash does not link to {link}"))
            if row_hash(stored_prev or "", values) != stored_hash:
                problems.append(Problem(table, f"id {row_id}", "hash does not match its content"))
            # Continue from the stored hash, so one edited row is reported once, not for every later row.
            prev_hash, prev_id, n = stored_hash, row_id, n + 1
        counts[table], heads[table] = n, prev_hash
    return problems, counts, heads


def seals(conn: sqlite3.Connection) -> tuple[list[Problem], dict[str, int]]:
    """Each row of a sealed table must equal its seal in the history; each seal must have its row."""
    problems, counts = [], {}
    for table in sealed_tables(conn):
        recorded = {}
        for key, content in conn.execute("SELECT old, new FROM events WHERE action = ? AND field = ? ORDER BY id",
                                         (SEAL_ACTION, table)):
            recorded[key] = content
        rows = sealed_content(conn, table)
        for key, _rowid, content in rows:
            if key not in recorded:
                problems.append(Problem(table, _row_name(conn, table, key),
                                        "not recorded in the history: inserted behind the ledger's back"))
            elif recorded[key] != content:
                problems.append(Problem(table, _row_name(conn, table, key),
                                        "differs from what the history recorded: edited in place"))
        present = {key for key, _r, _c in rows}
        for key in recorded:
            if key not in present:
                problems.append(Problem(table, _row_name(conn, table, key), "recorded in the history but missing: deleted"))
        counts[table] = len(rows)
    return problems, counts


def cases(conn: sqlite3.Connection) -> tuple[list[Problem], int]:
    """Each case row must equal the replay of its history; each history must have its case."""
    if "cases" not in table_names(conn):
        return [], 0
    cur = conn.execute("SELECT * FROM cases ORDER BY year, seq")
    columns = [d[0] for d in cur.description]
    rows = {r[0]: dict(zip(columns, r)) for r in cur.fetchall()}
    replayed = [c for c in columns if c not in IDENTITY]
    expected: dict[str, dict] = {}
    problems = []
    placeholders = ", ".join("?" * len(CLOCK_ACTIONS))
    for eid, number, action, field, new in conn.execute(
            "SELECT id, case_number, action, field, new FROM events WHERE case_number IS NOT NULL"
            f" AND action NOT IN ({placeholders}) ORDER BY id", CLOCK_ACTIONS):
        state = expected.get(number)
        if field is None and action in SNAPSHOT_ACTIONS and state is None:
            try:
                snapshot = json.loads(new)
            except (TypeError, ValueError):
                problems.append(Problem("events", f"id {eid}", f"the {action} record of {number} is not readable"))
                snapshot = {}
            if not isinstance(snapshot, dict):
                snapshot = {}
            state = expected[number] = {c: None for c in replayed}
            state.update({k: history_text(v) for k, v in snapshot.items() if k in state})
            state["status"] = snapshot.get("status", "registered")
            if state.get("received") and state.get("month") is None:
                state["month"] = str(state["received"])[:7]
        elif state is not None and field in state:
            state[field] = new
    for number in expected.keys() - rows.keys():
        problems.append(Problem("cases", number, "has a history but no case row: deleted"))
    for number, row in rows.items():
        state = expected.get(number)
        if state is None:
            problems.append(Problem("cases", number, "no register record in the history: inserted behind the ledger's back"))
            continue
        if not isinstance(row["seq"], int) or number != f"{row['year']}-{row['seq']:05d}":
            problems.append(Problem("cases", number, f"number does not match year {row['year']} and seq {row['seq']}"))
        for field in replayed:
            if history_text(row[field]) != state[field]:
                problems.append(Problem("cases", number, f"{field} is {_show(row[field], field)} but its history says "
                                                         f"{_show(state[field], field)}"))
    if "counters" in table_names(conn):
        for year, last, top in conn.execute(
                "SELECT c.year, c.last, max(k.seq) FROM counters c JOIN cases k ON k.year = c.year GROUP BY c.year"):
            if top is not None and last < top:
                problems.append(Problem("counters", str(year), f"last is {last} but case {year}-{top:05d} exists"))
    return problems, len(rows)


def _show(value, field: str | None = None) -> str:
    from xinfang.personal import masked

    text = repr(masked(field, value))  # a finding never shows a whole ID or phone number
    return text if len(text) <= 40 else text[:37] + "…'"


def verify(conn: sqlite3.Connection) -> Report:
    """Run every check; a damaged file becomes a problem of its own instead of an exception."""
    problems: list[Problem] = []
    counts: dict[str, int] = {}
    heads: dict[str, str] = {}
    steps = (
        ("sqlite", lambda: integrity(conn)),
        ("guards", lambda: guards(conn)),
        ("chains", lambda: _merge(chains(conn), counts, heads)),
        ("seals", lambda: _merge(seals(conn), counts)),
        ("cases", lambda: _merge(cases(conn), counts, key="cases")),
    )
    # One read transaction: every check sees the same snapshot while other clerks keep writing (WAL).
    snapshot = not conn.in_transaction
    if snapshot:
        conn.execute("BEGIN")
    try:
        for name, step in steps:
            try:
                problems.extend(step())
            except sqlite3.DatabaseError as exc:
                problems.append(Problem("sqlite", None, f"{name} check could not read the file: {exc}"))
    finally:
        if snapshot and conn.in_transaction:
            conn.execute("COMMIT")
    return Report(problems, counts.get("events", 0), counts, heads)


def _merge(result, counts: dict, heads: dict | None = None, key: str | None = None) -> list[Problem]:
    problems, found = result[0], result[1]
    if key is not None:
        counts[key] = found
    else:
        counts.update(found)
    if heads is not None and len(result) > 2:
        heads.update(result[2])
    return problems


def compare_with(conn: sqlite3.Connection, older: sqlite3.Connection) -> list[Problem]:
    """An older copy's chains must be a prefix of this ledger's: rows cut off the end show here."""
    problems = []
    mine = chained_tables(conn)
    for table, key in chained_tables(older).items():
        if table not in mine:
            problems.append(Problem(table, None, "present in the older copy, missing here"))
            continue
        here = dict(conn.execute(f'SELECT {mine[table]}, hash FROM "{table}"').fetchall())
        for row_id, hash_ in older.execute(f'SELECT {key}, hash FROM "{table}" ORDER BY {key}'):
            if row_id not in here:
                problems.append(Problem(table, f"id {row_id}", "in the older copy but missing here: removed"))
                break
            if here[row_id] != hash_:
                problems.append(Problem(table, f"id {row_id}", "differs from the older copy: history rewritten"))
                break
    return problems
