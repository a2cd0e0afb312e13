"""重复访: a petitioner's matter seen again.

A case repeats the latest earlier case of the same petitioner (resident ID number), township and
category, when that case was received within the look-back window; the first case of a matter is
its initial letter or visit (初信初访). Cases transferred to another body are not this office's
matters and are never linked, nor are voided cases (作废: registered by mistake). ``SAME_MATTER`` is the SQL twin the ledger finds that latest case
with (one definition for ``register``, ``correct`` and ``import``).
"""

from __future__ import annotations

import datetime as dt

# The earlier cases ``e`` of the same matter as a case whose values the placeholders name.
SAME_MATTER = ("e.id_number = {id_number} AND e.township = {township} AND e.category = {category}"
               " AND e.received <= {received} AND e.status NOT IN ('transferred', 'voided')")
LATEST_FIRST = "e.received DESC, e.number DESC"


def repeat_link(received: dt.date, latest: tuple[str, dt.date] | None,
                window_days: int) -> tuple[str | None, bool | None]:
    """(the case this one repeats, whether it is an initial case) given the latest earlier case of
    the same matter, (number, received) or None; without a resident ID nothing is known (None)."""
    if latest is None:
        return None, True
    number, on = latest
    return (number if (received - on).days <= window_days else None), False
