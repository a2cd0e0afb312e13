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
  the latest event value of each field). An imported case's record holds the digest of the case as
  imported, not its text: the row, with each later change taken back, must have that digest.

And for the tables the rules read that are not append-only:

- ``schema_objects``: the file's tables, indexes and triggers are exactly those the migrations make
  (an added trigger that drops every new deposit entry shows here).
- ``clocks``: each deadline clock equals the replay of its clock history (start, judged, stopped,
  extended, recomputed); ``tally``: the case tally equals a count of the cases; ``counters``: each
  year's counter equals its last case number.
- ``state``: officials, the policy (meta), roster, units, categories and reception points equal
  their last ``state-seal`` in the history; ``deposit_head``: the deposit chain ends where the
  history last recorded its head.

``Report.head`` is one digest over the heads of every chain, for the monthly bulletin;
``printed_head`` finds a printed one in the history (a rewrite of the whole chain loses it).

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
    DEPOSIT_HEAD_ACTION,
    GENESIS,
    SEAL_ACTION,
    STATE_SEAL_ACTION,
    SNAPSHOT_FIELD,
    STATE_TABLES,
    chain_head,
    chained_tables,
    history_text,
    key_columns,
    last_link,
    row_hash,
    sealed_content,
    sealed_tables,
    table_digest,
    table_names,
)
from xinfang.messages import MESSAGES, Words, label, text
from xinfang.model import Message

# Events that carry a whole case as a JSON snapshot in ``new`` (field NULL): the start of its replay.
SNAPSHOT_ACTIONS = ("register", "import")
# Case columns that are not replayed from events: the identity of the row and values derived from it.
IDENTITY = ("number", "year", "seq")
# History rows about deadline clocks name the clock in ``field``, not a case column.
CLOCK_ACTIONS = ("clock", "clock-done", "clock-stop", "clock-extend")


class Problem(NamedTuple):
    """One finding: the table, the row (its id, case number or key) and what is wrong: in English
    (``problem``, the same in every report and in JSON) and as the catalogue message it was worded
    from (``said``), for the reader's language."""

    table: str
    row: str | None
    problem: str
    said: Message | None = None

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

    @property
    def head(self) -> str:
        """The chain head: one digest over the head of every chain."""
        return chain_head(self.heads)

    def as_json(self) -> dict:
        return {"ok": self.ok, "events": self.events, "problems": [p.as_json() for p in self.problems],
                "checked": self.counts, "heads": self.heads, "head": self.head}


def _found(table: str, row: str | None, code: str, **params) -> Problem:
    """A finding worded from the catalogue (in English: findings are data, the same in every report;
    the message kept for the reader's language)."""
    return Problem(table, row, text(code, "en", **params), Message.of(code, **params))


def _table_words(name: str) -> Words:
    """A table as findings name it: the catalogue's Chinese, the SQL name in English."""
    return Words(text(f"table.{name}", "zh") if f"table.{name}" in MESSAGES else name, name)


def _field_words(name: str) -> Words:
    """A case column as findings name it: its Chinese label, the column's key in English."""
    return Words(label(name), name)


def _row_name(conn: sqlite3.Connection, table: str, key: str) -> str:
    """How a problem names a sealed row: 'id 3' for numbered rows, else the key itself ('2026-10')."""
    return f"id {key}" if key_columns(conn, table) in (["id"], ["rowid"]) else key


# -- checks --------------------------------------------------------------------------------

def integrity(conn: sqlite3.Connection) -> list[Problem]:
    """SQLite's own check of the file: pages, indexes, constraints."""
    lines = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    return [] if lines == ["ok"] else [_found("sqlite", None, "audit.integrity", line=line) for line in lines]


def foreign_keys(conn: sqlite3.Connection) -> list[Problem]:
    """Rows whose references point nowhere (``PRAGMA foreign_key_check``)."""
    return [_found(r[0], str(r[1]), "audit.missing_parent", parent=_table_words(r[2]))
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
            problems.append(_found(table, None, "audit.table_missing"))
            continue
        if name not in triggers:
            problems.append(_found(table, None, "audit.trigger_missing", name=name))
        elif triggers[name][0] != table or _words(triggers[name][1]) != _words(statement):
            problems.append(_found(table, None, "audit.trigger_altered", name=name))
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
                link = Message.of("audit.link_row", id=prev_id) if prev_id is not None else Message.of("audit.link_start")
                problems.append(_found(table, f"id {row_id}", "audit.bad_link", link=link))
            if row_hash(stored_prev or "", values) != stored_hash:
                problems.append(_found(table, f"id {row_id}", "audit.bad_hash"))
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
                problems.append(_found(table, _row_name(conn, table, key), "audit.seal_unrecorded"))
            elif recorded[key] != content:
                problems.append(_found(table, _row_name(conn, table, key), "audit.seal_edited"))
        present = {key for key, _r, _c in rows}
        for key in recorded:
            if key not in present:
                problems.append(_found(table, _row_name(conn, table, key), "audit.seal_deleted"))
        counts[table] = len(rows)
    return problems, counts


def cases(conn: sqlite3.Connection) -> tuple[list[Problem], int]:
    """Each case row must equal the replay of its history; each history must have its case.

    A case whose import record seals it by digest (``SNAPSHOT_FIELD``) is replayed from the case as
    imported, which the row gives back: each field a later event changed takes that first event's
    old value, every other field is the row's own. That must be what the digest sealed, and the
    replay of the later events from it must be the row."""
    if "cases" not in table_names(conn):
        return [], 0
    cur = conn.execute("SELECT * FROM cases ORDER BY year, seq")
    columns = [d[0] for d in cur.description]
    rows = {r[0]: dict(zip(columns, r)) for r in cur.fetchall()}
    replayed = [c for c in columns if c not in IDENTITY]
    expected: dict[str, dict] = {}
    sealed: dict[str, tuple[int, str, dict]] = {}  # case -> (its import record, the digest, first old value by field)
    problems = []
    placeholders = ", ".join("?" * len(CLOCK_ACTIONS))
    for eid, number, action, field, old, new in conn.execute(
            "SELECT id, case_number, action, field, old, new FROM events WHERE case_number IS NOT NULL"
            f" AND action NOT IN ({placeholders}) ORDER BY id", CLOCK_ACTIONS):
        state = expected.get(number)
        if state is None and action in SNAPSHOT_ACTIONS and field is None:
            try:
                snapshot = json.loads(new)
            except (TypeError, ValueError):
                problems.append(_found("events", f"id {eid}", "audit.record_unreadable", action=action, case=number))
                snapshot = {}
            if not isinstance(snapshot, dict):
                snapshot = {}
            expected[number] = _replay_start(snapshot, replayed)
        elif state is None and action == "import" and field == SNAPSHOT_FIELD:
            sealed[number] = (eid, new, {})
            expected[number] = {c: None for c in replayed}
        elif state is not None and field in state:
            if number in sealed:
                sealed[number][2].setdefault(field, old)
            state[field] = new
    if sealed:
        problems += _sealed_cases(conn, sealed, rows, expected, replayed)
    for number in expected.keys() - rows.keys():
        problems.append(_found("cases", number, "audit.case_deleted"))
    for number, row in rows.items():
        state = expected.get(number)
        if state is None:
            problems.append(_found("cases", number, "audit.case_inserted"))
            continue
        if not isinstance(row["seq"], int) or number != f"{row['year']}-{row['seq']:05d}":
            problems.append(_found("cases", number, "audit.case_number", year=row["year"], seq=row["seq"]))
        for field in replayed:
            if history_text(row[field]) != state[field]:
                problems.append(_found("cases", number, "audit.case_field", field=_field_words(field),
                                       value=_show(row[field], field), recorded=_show(state[field], field)))
    problems += counters(conn, expected.keys() | rows.keys())
    return problems, len(rows)


def _replay_start(snapshot: dict, replayed: list[str]) -> dict:
    """A case's replay as its first record (a registration's or an import's snapshot) starts it."""
    state = {c: None for c in replayed}
    state.update({k: history_text(v) for k, v in snapshot.items() if k in state})
    state["status"] = snapshot.get("status", "registered")
    if state.get("received") and state.get("month") is None:
        state["month"] = str(state["received"])[:7]
    return state


def _sealed_cases(conn: sqlite3.Connection, sealed: dict[str, tuple[int, str, dict]], rows: dict[str, dict],
                  expected: dict[str, dict], replayed: list[str]) -> list[Problem]:
    """The cases sealed by their import record's digest: the case as imported, given back by the row
    and the first old value of each field changed since, must have the digest; its replay (the
    later events' values over it) then goes into ``expected`` for the row's comparison."""
    from xinfang.ledger.history import canonical, snapshot_digest
    from xinfang.ledger.importer import SNAPSHOT_KEYS

    numeric = {r[1] for r in conn.execute("PRAGMA table_info(cases)") if r[2].upper() == "INTEGER"}
    problems = []
    for number, (eid, digest, first_old) in sealed.items():
        row = rows.get(number)
        if row is None:
            continue  # named as deleted
        imported = {}
        for key in SNAPSHOT_KEYS:
            value = first_old[key] if key in first_old else row.get(key)
            if value is not None and key in first_old and key in numeric:
                value = int(value) if value.lstrip("-").isdigit() else value
            if value is not None:
                imported[key] = value
        if snapshot_digest(canonical(imported)) != digest:
            problems.append(_found("cases", number, "audit.import_unsealed", id=eid))
        later = expected[number]
        state = expected[number] = _replay_start(imported, replayed)
        state.update({field: later[field] for field in first_old})
    return problems


def counters(conn: sqlite3.Connection, numbers) -> list[Problem]:
    """Each year's counter must be the last case number of that year (of the case rows and of the
    history): the next number follows it."""
    if "counters" not in table_names(conn):
        return []
    problems = []
    tops: dict[int, int] = {}
    for number in numbers:
        year, _, seq = str(number).partition("-")
        if year.isdigit() and seq.isdigit():
            tops[int(year)] = max(tops.get(int(year), 0), int(seq))
    stored = dict(conn.execute("SELECT year, last FROM counters"))
    for year in sorted(tops.keys() | stored.keys()):
        last, top = stored.get(year), tops.get(year)
        if last is None:
            problems.append(_found("counters", str(year), "audit.counter_missing", year=year))
        elif top is None:
            problems.append(_found("counters", str(year), "audit.counter_without_cases", last=last, year=year))
        elif last < top:
            problems.append(_found("counters", str(year), "audit.counter_behind", last=last, case=f"{year}-{top:05d}"))
        elif last > top:
            problems.append(_found("counters", str(year), "audit.counter_raised", last=last, case=f"{year}-{top:05d}"))
    return problems


def schema_objects(conn: sqlite3.Connection) -> list[Problem]:
    """The file's tables, indexes and triggers must be those the migrations make, unaltered; the
    append-only guards are ``guards``' to report."""
    expected = _expected_schema()
    guard_names = {s.split()[2] for t in schema.APPEND_ONLY for s in schema._split(schema._guards(t))}
    actual = _schema_rows(conn)
    problems = []
    for (kind, name), (table, sql) in actual.items():
        if name in guard_names:
            continue
        if (kind, name) not in expected:
            problems.append(_found(table, None, "audit.schema_added", kind=kind, name=name))
        elif _words(sql) != _words(expected[kind, name][1]):
            problems.append(_found(table, None, "audit.schema_altered", kind=kind, name=name))
    for (kind, name), (table, _sql) in expected.items():
        if name not in guard_names and (kind, name) not in actual:
            problems.append(_found(table, None, "audit.schema_missing", kind=kind, name=name))
    return problems


def _schema_rows(conn: sqlite3.Connection) -> dict[tuple[str, str], tuple[str, str | None]]:
    # SQLite's own objects, and the migrations' record (its layout is sqlite-utils'), are not the ledger's.
    return {(kind, name): (table, sql) for kind, name, table, sql in conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        " AND tbl_name != '_sqlite_migrations'")}


_EXPECTED: dict = {}


def _expected_schema() -> dict[tuple[str, str], tuple[str, str | None]]:
    """The schema the migrations make, built once in memory."""
    if not _EXPECTED:
        from sqlite_utils import Database

        db = Database(memory=True, execute_plugins=False)
        schema.migrations().apply(db)
        _EXPECTED.update(_schema_rows(db.conn))
        db.close()
    return _EXPECTED


# Clock history: the action, and what it sets of the clock named in ``field`` (``new`` is a date).
def clocks(conn: sqlite3.Connection) -> tuple[list[Problem], int]:
    """Each clock row must equal the replay of its clock history: started (or restarted), judged
    met or late, stopped, extended, recomputed. A case imported after it ended keeps its clocks
    under its import record, with no clock history: its clocks are not replayed."""
    if "clocks" not in table_names(conn):
        return [], 0
    expected: dict[tuple[str, str], dict] = {}
    placeholders = ", ".join("?" * len(CLOCK_ACTIONS))
    for case, action, field, old, new, note in conn.execute(
            "SELECT case_number, action, field, old, new, note FROM events"
            f" WHERE action IN ({placeholders}, 'clock-recompute') ORDER BY id", CLOCK_ACTIONS):
        key = (case, field)
        state = expected.get(key)
        if action == "clock":
            if state is None or old is not None:  # started, or run again from a new start
                expected[key] = {"due": new, "done_on": None, "met": None}
            continue
        if state is None:
            continue  # named as missing below when the row is there
        if action == "clock-done":
            state["done_on"] = new
            state["met"] = 0 if (note or "").startswith("late") else 1
        elif action == "clock-stop":
            state["done_on"] = new
        else:  # extended, or recomputed for a calendar
            state["due"] = new
    with_history = {case for case, _clock in expected}
    rows = conn.execute("SELECT case_number, clock, start, due, done_on, met FROM clocks ORDER BY id").fetchall()
    problems, present = [], set()
    sealed_cases: dict[str, list[tuple]] = {}  # imported after they ended: clocks sealed by the import record
    for case, clock, start, due, done_on, met in rows:
        present.add((case, clock))
        state = expected.get((case, clock))
        name = f"{case} {clock}"
        if state is None:
            if case in with_history or not _imported(conn, case):
                problems.append(_found("clocks", name, "audit.clock_forged"))
            else:
                sealed_cases.setdefault(case, []).append((clock, start, due, done_on, met))
            continue
        for column, value in (("due", due), ("done_on", done_on), ("met", met)):
            if value != state[column]:
                problems.append(_found("clocks", name, "audit.clock_differs", column=column, value=_show(value),
                                       recorded=_show(state[column])))
    problems += _sealed_clocks(conn, sealed_cases, with_history)
    cases_present = {r[0] for r in conn.execute("SELECT number FROM cases")} if expected.keys() - present else set()
    for case, clock in sorted(expected.keys() - present):
        if case in cases_present:
            problems.append(_found("clocks", f"{case} {clock}", "audit.clock_deleted"))
    return problems, len(rows)


def _sealed_clocks(conn: sqlite3.Connection, cases: dict[str, list[tuple]], with_history: set[str]) -> list[Problem]:
    """The clocks of cases imported after they ended must match the digest their import record holds
    (records written before the digest was kept hold none: nothing to compare)."""
    from xinfang.ledger.history import clocks_digest

    problems = []
    for case, note in conn.execute("SELECT case_number, note FROM events WHERE action = 'import'"
                                   " AND note LIKE '{\"clocks\":%' ORDER BY id"):
        if case in with_history:
            continue
        try:
            sealed = json.loads(note).get("clocks")
        except (TypeError, ValueError, AttributeError):
            sealed = None
        if sealed is not None and clocks_digest(cases.get(case, [])) != sealed:
            problems.append(_found("clocks", case, "audit.clocks_unsealed"))
    return problems


def _imported(conn: sqlite3.Connection, case: str) -> bool:
    return conn.execute("SELECT 1 FROM events WHERE case_number = ? AND action = 'import' LIMIT 1",
                        (case,)).fetchone() is not None


def _tally_differences(conn: sqlite3.Connection, table: str, key: tuple[str, ...], counts: tuple[str, ...],
                       count_sql: str, code: str, names: tuple[str, ...], stored_where: str = "") -> tuple[list[Problem], int]:
    """A tally kept by triggers against its own definition counted afresh (``count_sql``): one
    finding per key whose stored counts differ, naming the stored and the counted values
    (``names``: the parameters of ``code``, stored first)."""
    if table not in table_names(conn):
        return [], 0
    width = len(key)
    counted = {r[:width]: r[width:] for r in conn.execute(count_sql)}
    stored = {r[:width]: r[width:] for r in conn.execute(
        f"SELECT {', '.join(key + counts)} FROM {table}{stored_where}")}
    problems = []
    zero = (0,) * len(counts)
    for row in sorted(counted.keys() | stored.keys(), key=lambda k: tuple(map(str, k))):
        if stored.get(row) != counted.get(row):
            values = stored.get(row, zero) + counted.get(row, zero)
            problems.append(_found(table, " ".join(map(str, row)), code, **dict(zip(names, values))))
    return problems, len(stored)


def tally(conn: sqlite3.Connection) -> tuple[list[Problem], int]:
    """The case tally the ranking reads must equal a count of the cases."""
    return _tally_differences(conn, "case_tally", schema.TALLY_COLUMNS, ("n", "repeats"),
                              "SELECT " + schema.CASE_TALLY_BUILD.split(" SELECT ", 1)[1],  # its own definition
                              "audit.tally_differs", ("n", "repeats", "cases", "case_repeats"))


def channel_tally(conn: sqlite3.Connection) -> tuple[list[Problem], int]:
    """The channel tally the bulletin's totals read must equal a count of the cases."""
    return _tally_differences(conn, "channel_tally", schema.CHANNEL_TALLY_KEY, schema.CHANNEL_TALLY_COUNTS,
                              schema.CHANNEL_TALLY_COUNT,  # its own definition
                              "audit.channel_tally_differs",
                              schema.CHANNEL_TALLY_COUNTS + ("cases", "case_skip_level", "case_collective",
                                                             "case_major", "case_repeats"))


def indicator_tally(conn: sqlite3.Connection) -> tuple[list[Problem], int]:
    """The indicator tally the rates read must equal every case's contribution counted afresh
    (rows a later write emptied count nothing and are left out of both sides)."""
    return _tally_differences(conn, "indicator_tally", schema.INDICATOR_TALLY_KEY, ("hit", "n"),
                              schema.CONTRIBUTION.format(case="1"),  # its own definition
                              "audit.hit_tally_differs", ("hit", "n", "case_hit", "case_n"),
                              " WHERE n != 0 OR hit != 0")


def summons_tally(conn: sqlite3.Connection) -> tuple[list[Problem], int]:
    """The summons tally the summons rate reads must equal every case's on-time results counted
    afresh (rows a later write emptied count nothing and are left out of both sides)."""
    return _tally_differences(conn, "summons_tally", schema.SUMMONS_TALLY_KEY, ("hit", "n"),
                              schema.SUMMONS_CONTRIBUTION.format(case="1"),  # its own definition
                              "audit.hit_tally_differs", ("hit", "n", "case_hit", "case_n"),
                              " WHERE n != 0 OR hit != 0")


def published_scores(conn: sqlite3.Connection) -> tuple[list[Problem], int]:
    """Each published township's score and bottom-group mark, as later months and the sanctions
    read them, must be those of its month's published rows."""
    return _tally_differences(conn, "published_scores", schema.PUBLISHED_SCORES_KEY, ("score", "bottom"),
                              schema.PUBLISHED_SCORES_COUNT,  # its own definition
                              "audit.published_score_differs", ("score", "bottom", "published_score",
                                                                 "published_bottom"))


def state(conn: sqlite3.Connection) -> tuple[list[Problem], dict[str, int]]:
    """Each table changed in place must equal its last seal in the history."""
    present = table_names(conn)
    if "events" not in present:
        return [], {}
    sealed = dict(conn.execute(f"SELECT field, new FROM events WHERE action = '{STATE_SEAL_ACTION}' ORDER BY id"))
    problems, counts = [], {}
    for table in STATE_TABLES:
        if table not in present:
            continue
        digest, n = table_digest(conn, table)
        counts[table] = n
        if table not in sealed:
            if n:
                problems.append(_found(table, None, "audit.state_unsealed"))
        elif sealed[table] != digest:
            problems.append(_found(table, None, "audit.state_changed"))
    return problems, counts


def deposit_head(conn: sqlite3.Connection) -> list[Problem]:
    """The deposit chain must end at the head the history last recorded for it."""
    present = table_names(conn)
    if not {"events", "deposit_entries"} <= present:
        return []
    row = conn.execute(f"SELECT new FROM events WHERE action = '{DEPOSIT_HEAD_ACTION}' ORDER BY id DESC LIMIT 1"
                       ).fetchone()
    last_key, last_hash = last_link(conn, "deposit_entries")
    if row is None:
        return [_found("deposit_entries", None, "audit.head_unrecorded")] if last_key else []
    key_text, _, recorded = (row[0] or "").partition(" ")
    key = int(key_text) if key_text.isdigit() else -1
    if (key, recorded) == (last_key, last_hash):
        return []
    stored = conn.execute("SELECT hash FROM deposit_entries WHERE rowid = ?", (key,)).fetchone()
    if stored is None or key > last_key:
        return [_found("deposit_entries", f"id {key}", "audit.head_cut", last=last_key)]
    if stored[0] == recorded:
        return [_found("deposit_entries", f"id {key + 1}", "audit.head_passed", head=key, last=last_key)]
    return [_found("deposit_entries", f"id {key}", "audit.head_differs")]


def printed_head(conn: sqlite3.Connection, digest: str) -> list[Problem]:
    """A chain head printed earlier (``Report.head``) must be one the history passed through."""
    wanted = digest.strip().lower()
    deposits = GENESIS
    cur = conn.execute("SELECT action, new, hash FROM events ORDER BY id")
    for action, new, hash_ in cur:
        if action == DEPOSIT_HEAD_ACTION:
            deposits = (new or "").partition(" ")[2]
        if chain_head({"deposit_entries": deposits, "events": hash_}) == wanted:
            return []
    return [_found("events", None, "audit.head_not_found", head=wanted)]


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
        ("schema", lambda: schema_objects(conn)),
        ("clocks", lambda: _merge(clocks(conn), counts, key="clocks")),
        ("tally", lambda: _merge(tally(conn), counts, key="case_tally")),
        ("channel tally", lambda: _merge(channel_tally(conn), counts, key="channel_tally")),
        ("indicator tally", lambda: _merge(indicator_tally(conn), counts, key="indicator_tally")),
        ("summons tally", lambda: _merge(summons_tally(conn), counts, key="summons_tally")),
        ("published scores", lambda: _merge(published_scores(conn), counts, key="published_scores")),
        ("state", lambda: _merge(state(conn), counts)),
        ("deposit head", lambda: deposit_head(conn)),
    )
    # One read transaction: every check sees the same snapshot while other clerks keep writing (WAL).
    snapshot = not conn.in_transaction
    if snapshot:
        conn.execute("BEGIN")
    try:
        for name, step in steps:
            try:
                problems.extend(step())
            except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
                from xinfang.errors import sqlite_problem

                if isinstance(exc, UnicodeDecodeError):  # a text cell of a damaged page
                    exc = sqlite3.DatabaseError("database disk image is malformed")
                problems.append(_found("sqlite", None, "audit.check_unreadable", check=_check_words(name),
                                       detail=sqlite_problem(exc)))
    finally:
        if snapshot and conn.in_transaction:
            conn.execute("COMMIT")
    return Report(problems, counts.get("events", 0), counts, heads)


# The checks of ``verify`` as a finding names one that could not read the file
def _check_words(name: str) -> Words:
    """A check of ``verify`` as a finding names it: the catalogue's Chinese, the check's own name in English."""
    code = f"audit.check.{name.replace(' ', '_')}"
    return Words(text(code, "zh") if code in MESSAGES else name, name)


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
            problems.append(_found(table, None, "audit.older_table"))
            continue
        here = dict(conn.execute(f'SELECT {mine[table]}, hash FROM "{table}"').fetchall())
        for row_id, hash_ in older.execute(f'SELECT {key}, hash FROM "{table}" ORDER BY {key}'):
            if row_id not in here:
                problems.append(_found(table, f"id {row_id}", "audit.older_removed"))
                break
            if here[row_id] != hash_:
                problems.append(_found(table, f"id {row_id}", "audit.older_rewritten"))
                break
    return problems
