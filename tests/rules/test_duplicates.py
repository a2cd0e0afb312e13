"""疑似重复登记: the rule, and the ledger's SQL twin held equal to it."""

from __future__ import annotations

import datetime as dt
import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

from xinfang.ledger.cases import probable_duplicates
from xinfang.policy import default_rules_text, load_policy_text
from xinfang.rules.duplicates import Entry, duplicates, is_duplicate, months, window

POLICY = load_policy_text(default_rules_text())
DAYS = POLICY.duplicate_window_days
D = dt.date


def test_a_window_reaches_either_side_of_the_received_date():
    assert window(D(2026, 11, 2), 30) == (D(2026, 10, 3), D(2026, 12, 2))
    assert months(D(2025, 12, 3), D(2026, 2, 1)) == ["2025-12", "2026-01", "2026-02"]


def test_same_name_township_and_category_or_same_id_within_the_window():
    new = Entry("", D(2026, 11, 2), "王五", "车桥镇", "homestead", "110101199003074514")
    assert is_duplicate(new, new._replace(number="2026-00001", received=D(2026, 10, 20), id_number=None), 30)
    assert is_duplicate(new, Entry("2026-00002", D(2026, 11, 30), "王武", "泾口镇", "other", new.id_number), 30)
    assert not is_duplicate(new, new._replace(number="2026-00003", received=D(2026, 12, 3)), 30)
    assert not is_duplicate(new, new._replace(number="2026-00004", category="other", id_number=None), 30)
    assert not is_duplicate(new, new._replace(number="2026-00005", voided=True), 30)


class _Ledger:
    """The two things ``probable_duplicates`` reads: a connection and the policy."""

    def __init__(self, conn):
        self.conn, self.policy = conn, POLICY


entries = st.lists(st.tuples(st.integers(0, 90), st.sampled_from(["王五", "王武"]), st.sampled_from(["车桥镇", "泾口镇"]),
                             st.sampled_from(["homestead", "other"]), st.sampled_from([None, "A", "B"]), st.booleans()),
                   max_size=25)


@settings(max_examples=60, deadline=None)
@given(entries, st.integers(0, 90), st.sampled_from([None, "A"]))
def test_the_ledger_query_finds_exactly_what_the_rule_finds(rows, day, id_number):
    start = D(2026, 9, 1)
    cases = [Entry(f"2026-{i:05d}", start + dt.timedelta(days=d), name, town, cat, idn, voided)
             for i, (d, name, town, cat, idn, voided) in enumerate(rows, start=1)]
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE cases (number, month, received, name, township, category, id_number, status)")
    conn.executemany("INSERT INTO cases VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     [(c.number, f"{c.received:%Y-%m}", c.received.isoformat(), c.name, c.township, c.category,
                       c.id_number, "voided" if c.voided else "registered") for c in cases])
    new = Entry("", start + dt.timedelta(days=day), "王五", "车桥镇", "homestead", id_number)
    found = probable_duplicates(_Ledger(conn), new._asdict())
    assert found == duplicates(new, cases, DAYS)
