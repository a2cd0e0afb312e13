"""townships: the roster of the ledger."""

from __future__ import annotations

from xinfang.session import STATE, fmt


def townships(json_: bool = False, csv_: bool = False) -> None:
    """Print the roster: townships and streets, their area (片区) and population."""
    from xinfang.output import emit

    ledger = STATE.open()
    rows = [{"township": t.name, "area": t.area, "population": t.population} for t in ledger.ref.townships]
    emit(rows, fmt(json_, csv_), STATE.lang, columns=["township", "area", "population"])
