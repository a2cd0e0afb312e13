"""The ledger-layer tests' shared fixture: a freshly initialised ledger, opened as the commands open it."""

from __future__ import annotations

import pytest


@pytest.fixture
def ledger(tmp_path, capsys):
    """A ledger made by ``xinfang init`` (bundled roster and policy), open for the test."""
    from tests.conftest import CLI
    from xinfang.ledger.db import open_ledger

    cli = CLI(tmp_path / "ledger.db", capsys)
    assert cli("init").code == 0
    led = open_ledger(cli.db, "tester")
    yield led
    led.conn.close()


def count_as_an_import(conn, start: int, batch: int = 2000) -> None:
    """Count the cases stored from rowid ``start`` on (with the tallies' triggers suspended) as an
    import counts the cases it writes (``schema.BulkCounts``), ``batch`` cases at a time: their rows
    read back as written, a repeat no longer initial, as an import links it, and each batch's
    repeats given to the count (linked, or not initial and unlinked: outside the look-back window)."""
    from xinfang.ledger.schema import BULK_CASE_FACTS, BULK_CLOCK_ROW, BulkCounts

    conn.execute("UPDATE cases SET initial = 0 WHERE rowid >= ? AND repeat_of IS NOT NULL", (start,))
    cases = conn.execute(f"SELECT {', '.join(BULK_CASE_FACTS)}, repeat_of, rowid FROM cases WHERE rowid >= ?"
                         " ORDER BY rowid", (start,)).fetchall()
    counts = BulkCounts(conn, (*BULK_CASE_FACTS, "repeat_of"))
    initial = BULK_CASE_FACTS.index("initial")
    for i in range(0, len(cases), batch):
        part = cases[i:i + batch]
        numbers = [c[0] for c in part]
        clocks = conn.execute(f"SELECT {', '.join(BULK_CLOCK_ROW)} FROM clocks WHERE case_number IN"
                              f" ({', '.join('?' * len(numbers))}) ORDER BY id", numbers).fetchall()
        # a case not initial and not linked is, to an import, the same matter outside the window
        links = {c[0]: c[-2] for c in part if c[-2] is not None or c[initial] == 0}
        counts.add(part, clocks, links, part[0][-1])
    counts.flush()
