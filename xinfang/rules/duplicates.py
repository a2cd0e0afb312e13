"""疑似重复登记: a registration that is probably the same letter or visit typed again.

A new registration is a probable duplicate of an earlier case (not voided) received within the
policy's window (``duplicate_window_days``, either side of its received date) that has the same
petitioner's name, township and category, or the same resident ID number. The clerk is asked (on a
terminal) or the registration is refused unless it is said to be a new one (``--again``); it is
never linked or counted by this rule (repeats, 重复访, are ``rules.repeats``).

The ledger finds them in SQL (``ledger.cases.DUPLICATE_SQL``), held equal to ``duplicates`` by a test.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple


class Entry(NamedTuple):
    """What the rule reads of a registration."""

    number: str
    received: dt.date
    name: str
    township: str
    category: str
    id_number: str | None = None
    voided: bool = False


def window(received: dt.date, days: int) -> tuple[dt.date, dt.date]:
    """The received dates a duplicate of a registration received on ``received`` falls within."""
    span = dt.timedelta(days=days)
    return received - span, received + span


def is_duplicate(new: Entry, earlier: Entry, days: int) -> bool:
    """Whether ``earlier`` is probably ``new`` registered once before."""
    if earlier.voided or earlier.number == new.number:
        return False
    first, last = window(new.received, days)
    if not first <= earlier.received <= last:
        return False
    if new.id_number and earlier.id_number == new.id_number:
        return True
    return (earlier.name, earlier.township, earlier.category) == (new.name, new.township, new.category)


def duplicates(new: Entry, cases: Iterable[Entry], days: int) -> list[str]:
    """The case numbers ``new`` probably duplicates, in number order."""
    return sorted(c.number for c in cases if is_duplicate(new, c, days))


def months(first: dt.date, last: dt.date) -> list[str]:
    """The months (YYYY-MM) from ``first`` to ``last``: the ledger reads the window through its month index."""
    out, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out

