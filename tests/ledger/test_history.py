"""The history's one batched encoder writes exactly what the plain one writes: same text, same hashes."""

from __future__ import annotations

import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

from xinfang.ledger.audit import chains
from xinfang.ledger.history import (
    ENTRY_COLUMNS,
    EVENT_COLUMNS,
    GENESIS,
    ChainEncoder,
    ChainWriter,
    RecordEncoder,
    append_row,
    canonical,
    row_hash,
)

# Any text a clerk or a file can bring: CJK, quotes, backslashes, control characters, line separators.
AWKWARD = st.sampled_from(['"', "\\", "\n", "\t", "\x00", "\x1f", "\x7f", "\u2028", "é", "😀", "车", "桥", ",", ":",
                           "{", "}", "%"])
TEXT = st.one_of(st.text(alphabet=st.one_of(st.characters(blacklist_categories=("Cs",)), AWKWARD), max_size=30),
                 st.sampled_from(["车桥镇", "{prev}", "%s", '{"a":1}', "null"]))
VALUE = st.one_of(st.none(), TEXT, st.integers(min_value=-(2 ** 63), max_value=2 ** 63 - 1))
# What a plain column promises: no character that needs escaping (non-ASCII is written as it is).
PLAIN = st.one_of(st.none(), st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                                           blacklist_characters='"\\' + "".join(map(chr, range(32)))),
                                     max_size=20))
EVENT_ROWS = ("case_number", "action", "field", "new", "note")


def plain_chain(rows: list[dict], prev: str = GENESIS) -> list[str]:
    hashes = []
    for values in rows:
        prev = row_hash(prev, values)
        hashes.append(prev)
    return hashes


@settings(max_examples=300)
@given(st.lists(st.tuples(PLAIN, PLAIN, PLAIN, VALUE, VALUE), max_size=8), TEXT, TEXT)
def test_batched_event_rows_hash_as_the_plain_encoder(rows, at, who):
    constants = {"at": at, "who": who, "old": None}
    encoder = ChainEncoder(EVENT_ROWS, constants, plain=("case_number", "action", "field"))
    values = [{**constants, **dict(zip(EVENT_ROWS, row))} for row in rows]
    assert [encoder.text(row) for row in rows] == [canonical(v) for v in values]
    chained, last = encoder.chain(rows, GENESIS)
    hashes = plain_chain(values)
    assert [c[-1] for c in chained] == hashes
    assert [c[-2] for c in chained] == [GENESIS, *hashes][:len(rows)]
    assert last == (hashes[-1] if hashes else GENESIS)
    assert [c[:3] for c in chained] == [(at, who, None)] * len(rows)


@settings(max_examples=300)
@given(st.lists(st.tuples(VALUE, PLAIN, VALUE, PLAIN, VALUE, VALUE, VALUE), max_size=8), TEXT)
def test_batched_deposit_entries_hash_as_the_plain_encoder(rows, at):
    columns = ENTRY_COLUMNS[:-1]
    encoder = ChainEncoder(columns, {"at": at}, plain=("kind", "on_date"))
    values = [{"at": at, **dict(zip(columns, row))} for row in rows]
    assert [encoder.text(row) for row in rows] == [canonical(v) for v in values]
    assert [c[-1] for c in encoder.chain(rows, "f" * 64)[0]] == plain_chain(values, "f" * 64)


@settings(max_examples=200)
@given(st.dictionaries(st.sampled_from(["a", "b", "c", "d", "e"]), st.one_of(VALUE, PLAIN), min_size=5),
       st.one_of(st.none(), st.integers()), st.one_of(st.none(), TEXT))
def test_a_record_with_late_values_is_canonical_of_its_present_values(record, late_a, late_b):
    record = {**record, "b": late_a, "d": late_b}
    encoder = RecordEncoder(record, late=("b", "d"))
    parts = encoder.parts({**record, "b": 1, "d": "x"})
    changed = (parts[0], late_a, parts[2], late_b, parts[4])
    assert encoder.text(changed) == canonical({k: v for k, v in record.items() if v is not None})


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.booleans(), TEXT, TEXT, VALUE), max_size=6))
def test_rows_written_one_by_one_and_in_batches_form_one_valid_chain(steps):
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, at TEXT NOT NULL, who TEXT NOT NULL, case_number TEXT,"
                 " action TEXT NOT NULL, field TEXT, old TEXT, new TEXT, note TEXT, prev_hash TEXT NOT NULL,"
                 " hash TEXT NOT NULL)")
    for batched, who, new, note in steps:
        note = None if note is None else str(note)
        if batched:
            writer = ChainWriter(conn, "events", EVENT_ROWS, {"at": "2026-11-26T00:00:00+00:00", "who": who,
                                                              "old": None}, plain=("case_number", "action"))
            writer.append([("2026-00001", "import", None, new, note), ("2026-00002", "clock", "notice", new, note)])
        else:
            append_row(conn, "events", dict(zip(EVENT_COLUMNS, ("2026", who, None, "seal", "f", None, new, note))))
    problems, counts, _ = chains(conn)
    assert problems == [] and counts.get("events", 0) == sum(2 if b else 1 for b, *_ in steps)


_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
                     max_leaves=12)


@settings(max_examples=200, deadline=None)
@given(values=st.dictionaries(st.text(max_size=8), _JSON | st.dates(), max_size=8))
def test_canonical_is_json_dumps_with_sorted_keys_and_utf8(values):
    import json

    assert canonical(values) == json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                                           default=str)
