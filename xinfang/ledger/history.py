"""The append-only history: how chained rows are encoded, hashed, appended and sealed.

Two tables carry a hash chain (``prev_hash``/``hash``): ``events`` (who, when, what, old -> new)
and ``deposit_entries`` (the deposit ledger). A row's hash is ``sha256(prev_hash + canonical(row))``
where ``canonical`` is the row's values (every column but the key and the two hashes) as JSON with
sorted keys and no whitespace; the first row links to ``GENESIS``. This is the stored format:
``audit verify`` recomputes it, and ledgers written by earlier versions must keep verifying.

Every writer goes through this module: ``append_row`` (and ``append_event``) for one row at a
time, ``ChainWriter`` for many rows of one shape at once (the import, deposit postings). The
batched writer builds the same text as ``canonical`` without a dict or a sort per row: it encodes
the constant values once and escapes only the values that can need it, which keeps an import of a
million cases fast. A property test holds the two equal.

The other append-only tables (published months, sanction decisions, calendar years) carry no
hash columns; ``seal_new_rows`` records each row a write transaction adds to them as a chained
``seal`` event, so that ``audit verify`` can tell an edited, deleted or forged row.

Two more records keep what the chains cannot say themselves:

- ``STATE_TABLES`` (officials, the policy in meta, the roster, units, categories, reception points)
  change in place; a write that changes one calls ``Ledger.touch(table)`` and the transaction ends
  with a ``state-seal`` event holding the digest of the table's whole content (``table_digest``).
- A transaction that appended deposit entries ends with a ``deposit-head`` event holding the key and
  hash of the last entry: deleting the last entries leaves a head that points past the chain.

``chain_head`` is one digest over the heads of both chains: printed on the monthly bulletin, it
shows a later rewrite of the whole history (``audit verify --head``).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Collection, Iterable, Mapping, Sequence
from functools import lru_cache
from json.encoder import encode_basestring  # the string encoder of json.dumps(ensure_ascii=False)

from xinfang.ledger import schema

GENESIS = "0" * 64
SEAL_ACTION = "seal"
STATE_SEAL_ACTION = "state-seal"
DEPOSIT_HEAD_ACTION = "deposit-head"
# The ``field`` of an import record that seals its case by digest: ``new`` is the SHA-256 of the
# case as imported (``snapshot_digest``), not the case's text. Records
# written before the digest was kept have no field and the case's text in ``new``.
SNAPSHOT_FIELD = "sha256"
# Tables the rules read that change in place and are small: sealed whole, as a digest, when written.
STATE_TABLES = ("meta", "townships", "units", "categories", "points", "officials")
EVENT_COLUMNS = ("at", "who", "case_number", "action", "field", "old", "new", "note")
ENTRY_COLUMNS = ("official", "kind", "amount_fen", "on_date", "case_number", "year", "note", "at")


def canonical(values) -> str:
    """The exact text a row's hash covers: sorted keys, no whitespace, UTF-8 kept — ``json.dumps(values,
    sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)``, through one encoder
    made once (json.dumps makes a new one per call)."""
    if values.__class__ is dict:
        return "".join(_CANONICAL(values, 0))
    return json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _canonical_encoder():
    """The C encoder json.dumps uses for ``canonical``'s options (no circular-reference check: a
    history row holds plain values)."""
    from json.encoder import c_make_encoder

    if c_make_encoder is None:  # a Python without the C accelerator: json.dumps as it is
        return lambda values, _: [json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                                             default=str)]
    return c_make_encoder(None, str, encode_basestring, None, ":", ",", True, False, True)


_CANONICAL = _canonical_encoder()


def row_hash(prev_hash: str, values: dict) -> str:
    """The hash of a chained row: its values' ``canonical`` text after the previous row's hash."""
    import hashlib  # only writes hash rows; importing it costs a reading command 4 ms

    return hashlib.sha256((prev_hash + canonical(values)).encode("utf-8")).hexdigest()


def clocks_digest(rows: Iterable[Sequence]) -> str:
    """A short digest of a case's clock rows, each (clock, start, due, done_on, met): what the import
    record of a case that ended before the import seals, as it has no clock history to replay."""
    return lines_digest([clock_line(*row) for row in rows])


def clock_line(clock: str, start: str, due: str, done_on: str | None, met: int | None) -> str:
    """One clock row in ``clocks_digest``: its values joined by "|", None as nothing."""
    return clock_line_start(clock, start, due) + clock_line_end(done_on, met)


def clock_line_start(clock: str, start: str, due: str) -> str:
    """The part of a ``clock_line`` a clock has from its start (an import remembers it per start)."""
    return f"{clock}|{start}|{due}|"


def clock_line_end(done_on: str | None, met: int | None) -> str:
    """The rest of a ``clock_line``: how the clock ended."""
    return f"{'' if done_on is None else done_on}|{'' if met is None else met}"


def snapshot_digest(text: str) -> str:
    """What an import record stores of its case: the SHA-256 of the case's canonical text (UTF-8), in hex."""
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def lines_digest(lines: Sequence[str]) -> str:
    """``clocks_digest`` of the rows whose ``clock_line`` are ``lines`` (an import remembers the line
    of each clock it meets again and again)."""
    import hashlib

    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:16]


def now_stamp() -> str:
    """When a history row is written: UTC, to the microsecond, as ``datetime.isoformat`` writes it
    (``2026-11-26T08:30:00.123456+00:00``). The text of the second is made once per second: a write
    stamps many rows."""
    import time

    second, micro = divmod(time.time_ns() // 1000, 1_000_000)
    if second != _SECOND[0]:
        _SECOND[:] = second, dt.datetime.fromtimestamp(second, dt.timezone.utc).isoformat(timespec="seconds")[:19]
    return f"{_SECOND[1]}.{micro:06d}+00:00"


_SECOND: list = [None, ""]  # the last second stamped, and its text


def history_text(value) -> str | None:
    """A value as the history stores it in ``old``/``new``: text, or None."""
    if value is None:
        return None
    if isinstance(value, (dict, list, tuple)):
        return canonical(value) if isinstance(value, dict) else json.dumps(list(value), ensure_ascii=False)
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


# -- table layout --------------------------------------------------------------------------

def table_names(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _columns(conn: sqlite3.Connection, table: str) -> list[tuple[str, int]]:
    """(name, primary-key position) of each column."""
    return [(r[1], r[5]) for r in conn.execute(f'PRAGMA table_info("{table}")')]


def chained_tables(conn: sqlite3.Connection) -> dict[str, str]:
    """Append-only tables that carry a hash chain, each with the column that orders the chain."""
    out = {}
    present = table_names(conn)
    for table in schema.APPEND_ONLY:
        if table not in present:
            continue
        cols = _columns(conn, table)
        names = {c for c, _ in cols}
        if {"prev_hash", "hash"} <= names:
            keys = [c for c, pk in cols if pk]
            out[table] = keys[0] if len(keys) == 1 else "rowid"
    return out


def sealed_tables(conn: sqlite3.Connection) -> list[str]:
    """Append-only tables without a chain of their own: their rows are sealed in ``events``."""
    chained = chained_tables(conn)
    present = table_names(conn)
    return [t for t in schema.APPEND_ONLY if t in present and t not in chained and "events" in chained]


def key_columns(conn: sqlite3.Connection, table: str) -> list[str]:
    """The primary key of a table, in key order (``rowid`` when it has none)."""
    cols = sorted((pk, c) for c, pk in _columns(conn, table) if pk)
    return [c for _, c in cols] or ["rowid"]


def sealed_content(conn: sqlite3.Connection, table: str, where: str = "", params=()) -> list[tuple[str, int, str]]:
    """(key, rowid, canonical content) of rows of a sealed table: what a seal event records."""
    keys = key_columns(conn, table)
    cur = conn.execute(f'SELECT rowid AS "__rowid", * FROM "{table}" {where} ORDER BY rowid', params)
    names = [d[0] for d in cur.description]
    out = []
    for r in cur.fetchall():
        row = dict(zip(names, r))
        rowid = row.pop("__rowid")
        values = [row.get(k, rowid) for k in keys]
        out.append((str(values[0]) if len(values) == 1 else canonical(values), rowid, canonical(row)))
    return out


# -- sealing, called by Ledger.write() ------------------------------------------------------

def seal_marks(ledger) -> dict[str, int]:
    """The highest rowid of each sealed table at the start of a write transaction."""
    conn = ledger.conn
    tables = getattr(ledger, "_sealed_tables", None)
    if tables is None:
        tables = ledger._sealed_tables = sealed_tables(conn)
    return {t: conn.execute(f'SELECT coalesce(max(rowid), 0) FROM "{t}"').fetchone()[0] for t in tables}


def seal_new_rows(ledger, marks: dict[str, int]) -> int:
    """Record each row the transaction added to a sealed table as a chained ``seal`` event.

    Only rows added inside this transaction are sealed: a row slipped in behind the ledger's back
    stays unsealed, and ``audit verify`` names it."""
    sealed = 0
    for table, mark in marks.items():
        for key, _rowid, content in sealed_content(ledger.conn, table, "WHERE rowid > ?", (mark,)):
            append_event(ledger.conn, ledger.who, SEAL_ACTION, None, table, key, content)
            sealed += 1
    return sealed


def table_digest(conn: sqlite3.Connection, table: str) -> tuple[str, int]:
    """(sha256 over every row of ``table`` in rowid order, rows): what a ``state-seal`` records."""
    import hashlib

    h, n = hashlib.sha256(), 0
    cur = conn.execute(f'SELECT rowid, * FROM "{table}" ORDER BY rowid')
    names = ["rowid", *(d[0] for d in cur.description[1:])]
    for r in cur:
        h.update((canonical(dict(zip(names, r))) + "\n").encode("utf-8"))
        n += 1
    return h.hexdigest(), n


def seal_state(conn: sqlite3.Connection, who: str, tables: Iterable[str]) -> None:
    """Record the present content of each of ``tables`` as a chained ``state-seal`` event."""
    present = table_names(conn)
    for table in tables:
        if table in present:
            digest, n = table_digest(conn, table)
            append_event(conn, who, STATE_SEAL_ACTION, None, table, None, digest, f"{n} rows")


def deposit_mark(conn: sqlite3.Connection) -> int:
    """The key of the last deposit entry (0: none): a transaction that moves it records the head."""
    return conn.execute("SELECT coalesce(max(rowid), 0) FROM deposit_entries").fetchone()[0]


def record_deposit_head(conn: sqlite3.Connection, who: str) -> None:
    """Record the deposit chain's last row (key and hash) in the event chain."""
    key, hash_ = last_link(conn, "deposit_entries")
    append_event(conn, who, DEPOSIT_HEAD_ACTION, None, "deposit_entries", None, f"{key} {hash_}")


def seal_upgrade(conn: sqlite3.Connection) -> None:
    """Seal the state of a ledger upgraded to state seals: its filled state tables, the deposit head."""
    who = "xinfang migration"
    present = table_names(conn)
    seal_state(conn, who, [t for t in STATE_TABLES if t in present
                           and conn.execute(f'SELECT 1 FROM "{t}" LIMIT 1').fetchone()])
    if "deposit_entries" in present and deposit_mark(conn):
        record_deposit_head(conn, who)


def chain_head(heads: Mapping[str, str]) -> str:
    """One digest over the head hash of every chain: the figure the office prints."""
    import hashlib

    return hashlib.sha256(canonical(dict(heads)).encode("utf-8")).hexdigest()


# -- appending -----------------------------------------------------------------------------

def last_link(conn: sqlite3.Connection, table: str) -> tuple[int, str]:
    """The key (rowid) and hash of a chained table's last row: (0, GENESIS) when it is empty."""
    row = conn.execute(f'SELECT rowid, hash FROM "{table}" ORDER BY rowid DESC LIMIT 1').fetchone()
    return (row[0], row[1]) if row else (0, GENESIS)


@lru_cache(maxsize=32)
def _insert(table: str, names: tuple[str, ...]) -> str:
    return f'INSERT INTO "{table}" ({", ".join(names)}, prev_hash, hash) VALUES ({", ".join("?" * (len(names) + 2))})'


def append_row(conn: sqlite3.Connection, table: str, values: dict) -> int:
    """Append one row to a chained table, linked to its last row; returns the new row's key."""
    prev = last_link(conn, table)[1]
    cur = conn.execute(_insert(table, tuple(values)), [*values.values(), prev, row_hash(prev, values)])
    return cur.lastrowid


def append_rows(conn: sqlite3.Connection, table: str, rows: Sequence[dict]) -> None:
    """Append rows of the same columns to a chained table, each linked to the one before it: what
    ``append_row`` writes one at a time, with one look at the table's last row."""
    if not rows:
        return
    prev = last_link(conn, table)[1]
    chained = []
    for values in rows:
        link = row_hash(prev, values)
        chained.append([*values.values(), prev, link])
        prev = link
    conn.executemany(_insert(table, tuple(rows[0])), chained)


def event_row(who: str, action: str, case: str | None = None, field: str | None = None, old=None, new=None,
              note: str | None = None) -> dict:
    """One history row's values (who, when, what, old -> new), as ``append_event`` stores them."""
    return {"at": now_stamp(), "who": who, "case_number": case, "action": action, "field": field,
            "old": history_text(old), "new": history_text(new), "note": note}


def append_event(conn: sqlite3.Connection, who: str, action: str, case: str | None = None,
                 field: str | None = None, old=None, new=None, note: str | None = None) -> int:
    """Append one history row (who, when, what, old -> new); returns its id."""
    return append_row(conn, "events", event_row(who, action, case, field, old, new, note))


class ChainWriter:
    """Appends many rows of one shape to a chained table, hashed exactly as ``append_row`` hashes.

    ``columns`` name the values of each row passed to ``append`` (tuples in that order);
    ``constants`` are the values every row shares (the time stamp, the clerk), encoded once.
    ``plain`` names columns whose values are known to need no escaping — None, or text without
    ``"``, ``\\`` and control characters (ISO dates, enumeration values, case numbers) — which
    are then written as they are. Every other value may be any value ``canonical`` takes.
    ``prev`` is the hash of the last row written; ``last`` its key, when the writer read it from
    the table (``prev`` not given).
    """

    def __init__(self, conn: sqlite3.Connection, table: str, columns: Sequence[str],
                 constants: Mapping | None = None, plain: Collection[str] = (), prev: str | None = None):
        constants = dict(constants or {})
        if set(plain) - set(columns):
            raise ValueError("plain columns must be per-row columns")
        self.conn = conn
        self.last, self.prev = last_link(conn, table) if prev is None else (None, prev)
        names = (*constants, *columns)
        self.insert = (f'INSERT INTO "{table}" ({", ".join(names)}, prev_hash, hash)'
                       f' VALUES ({", ".join("?" * (len(names) + 2))})')
        self.encoder = ChainEncoder(columns, constants, plain)

    def append(self, rows: Sequence[tuple]) -> None:
        """Hash and insert ``rows`` after the last row written."""
        if not rows:
            return
        chained, self.prev = self.encoder.chain(rows, self.prev)
        self.conn.executemany(self.insert, chained)
        if self.last is not None:
            self.last += len(rows)


class ChainEncoder:
    """The batched encoder behind ``ChainWriter``: ``chain(rows, prev)`` gives each row as it is
    inserted (the constants, the row's values, its ``prev_hash`` and ``hash``) and the last hash.

    The row text is ``canonical`` written out: keys in sorted order, the constants' encoded text
    spliced in between, each value encoded by its kind. The loop is compiled once per shape (the
    kinds of the sorted keys), from nothing but those kinds: no column name or value is part of
    the compiled source."""

    def __init__(self, columns: Sequence[str], constants: Mapping, plain: Collection[str] = ()):
        keys = sorted((*constants, *columns))
        if len(set(keys)) != len(keys):
            raise ValueError("duplicate column")
        position = {name: i for i, name in enumerate(columns)}
        # The text between per-row values: constants' keys and values and the punctuation, merged.
        pieces, slots, text = [], [], "{"
        for n, key in enumerate(keys):
            text += ("," if n else "") + encode_basestring(key) + ":"
            if key in constants:
                text += canonical(constants[key])
            else:
                pieces.append(text)
                slots.append((position[key], key in plain))
                text = ""
        pieces.append(text + "}")
        self.pieces = tuple(pieces)
        self.constants = tuple(constants.values())
        self._chain, self._text = _compiled(len(columns), tuple(slots), len(self.constants))

    def chain(self, rows: Iterable[tuple], prev: str) -> tuple[list[tuple], str]:
        """The rows, each followed by its ``prev_hash`` and ``hash``, and the hash of the last one."""
        return self._chain(rows, prev, self.pieces, self.constants)

    def text(self, row: tuple) -> str:
        """The ``canonical`` text of one row: what ``chain`` hashes after the previous hash."""
        return self._text(row, self.pieces)


class RecordEncoder:
    """``canonical`` of records (dicts) with known keys whose None values are left out — a case
    snapshot — written out for speed like ``ChainEncoder``'s rows.

    ``late`` keys are left open: ``parts(record)`` gives the text between them and their values,
    interleaved (``(text, late value, text, …)``); ``text(parts)`` joins them into the record's
    ``canonical``. A caller can change a late value in between (the import learns a case's
    ``repeat_of`` only once the stored cases are known). ``plain`` is as for ``ChainWriter``."""

    def __init__(self, keys: Collection[str], plain: Collection[str] = (), late: Collection[str] = ()):
        keys = sorted(keys)
        self.keys = tuple(keys)
        self.late = tuple(k for k in keys if k in late)
        # The item text leading each late value: ',"initial":'
        self.prefixes = tuple("," + encode_basestring(k) + ":" for k in self.late)
        groups, group = [], []
        for key in keys:
            if key in late:
                groups.append(tuple(group))
                group = []
            else:
                group.append(key)
        groups.append(tuple(group))
        self.pieces = tuple("," + encode_basestring(k) + ":" for g in groups for k in g)
        order = {k: i for i, k in enumerate(keys)}
        shape = tuple(tuple((order[k], k in plain) for k in g) for g in groups)
        self._parts = _compiled_record(len(keys), shape, tuple(order[k] for k in self.late))
        from operator import itemgetter

        self._get = itemgetter(*keys)

    def parts(self, record: Mapping) -> tuple:
        """The record's text around its late values, and those values, interleaved."""
        return self._parts(self._get(record), self.pieces)

    def text(self, parts: Sequence) -> str:
        """The record's ``canonical`` from its ``parts`` (late values as they are now)."""
        text = parts[0]
        for n, prefix in enumerate(self.prefixes):
            value = parts[2 * n + 1]
            if value is not None:
                text += prefix + (encode_basestring(value) if value.__class__ is str else _value(value))
            text += parts[2 * n + 2]
        return "{" + text[1:] + "}"


def _value(value) -> str:
    """A value that is neither text nor None, as ``canonical`` encodes it."""
    return int.__repr__(value) if value.__class__ is int else canonical(value)


def _encoded(v: str, plain: bool) -> str:
    """The source of the expression that encodes the value named ``v`` (None included)."""
    if plain:
        return f"NULL if {v} is None else f'\"{{{v}}}\"'"
    return (f"enc({v}) if {v}.__class__ is str else NULL if {v} is None"
            f" else int_text({v}) if {v}.__class__ is int else other({v})")


def _run(source: str) -> dict:
    import hashlib

    namespace = {"sha": hashlib.sha256, "enc": encode_basestring, "int_text": int.__repr__, "other": _value,
                 "NULL": "null", "Q": '"', "EMPTY": ""}
    exec(compile(source, "<xinfang.ledger.history>", "exec"), namespace)
    return namespace


@lru_cache(maxsize=None)
def _compiled_record(width: int, groups: tuple, late: tuple[int, ...]):
    """``RecordEncoder.parts`` of one record shape: ``groups`` the (index, plain) of the keys
    between late keys, ``late`` the indexes of the late keys."""
    values = [f"v{i}" for i in range(width)]
    texts, n = [], 0
    for group in groups:
        text = ""
        for i, plain in group:
            text += f"{{EMPTY if {values[i]} is None else p{n} + ({_encoded(values[i], plain)})}}"
            n += 1
        texts.append(f"f'''{text}'''")
    out = [texts[0]]
    for j, i in enumerate(late):
        out += [values[i], texts[j + 1]]
    source = "\n".join([
        "def parts(row, pieces):",
        f"    {''.join(f'p{k}, ' for k in range(n))}= pieces" if n else "",
        f"    {', '.join(values)}{',' if width == 1 else ''} = row",
        f"    return ({', '.join(out)},)",
    ])
    return _run(source)["parts"]


@lru_cache(maxsize=None)
def _compiled(width: int, slots: tuple[tuple[int, bool], ...], constants: int):
    """The loop of one row shape, and the text of one row: ``width`` values per row, ``slots`` the
    (index, plain) of the per-row values in key order, ``constants`` how many constant values lead
    each inserted row. Returns (chain, text)."""
    row = [f"v{i}" for i in range(width)]
    body = "{prev}"
    for n, (i, plain) in enumerate(slots):
        v = row[i]
        body += f"{{p{n}}}{{{_encoded(v, plain)}}}"
    body += f"{{p{len(slots)}}}"
    pieces = "".join(f"p{n}, " for n in range(len(slots) + 1))
    values = ", ".join(row) + ("," if width == 1 else "")
    leading = "".join(f"k{j}, " for j in range(constants))
    source = "\n".join([
        "def chain(rows, prev, pieces, constants):",
        f"    {pieces}= pieces",
        f"    {leading}= constants" if constants else "",
        "    out = []",
        "    keep = out.append",
        "    for row in rows:",
        f"        {values} = row",
        f"        h = sha(f'''{body}'''.encode()).hexdigest()",
        f"        keep(({leading}{', '.join(row)}, prev, h))",
        "        prev = h",
        "    return out, prev",
        "",
        "def text(row, pieces, prev=''):",
        f"    {pieces}= pieces",
        f"    {values} = row",
        f"    return f'''{body}'''",
    ])
    namespace = _run(source)
    return namespace["chain"], namespace["text"]
