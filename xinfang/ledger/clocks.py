"""Deadline clocks stored per case: started by lifecycle events, stopped when the duty is done.

Due dates are computed by ``xinfang.rules.deadlines`` and stored with the calendar version they
were computed with; tiers and days late are computed when read, never stored.
"""

from __future__ import annotations

import datetime as dt

from xinfang.model import Clock


def work_calendar(ledger):
    """The working-day calendar: chinesecalendar's official years plus the years loaded into this
    ledger with 'xinfang calendar load'. Built once per command."""
    cal = getattr(ledger, "_calendar", None)
    if cal is None:
        from xinfang.calendar_source import build_calendar, parse_year_file

        extra = {}
        for row in ledger.rows("SELECT year, source, body FROM calendar_years ORDER BY id"):
            extra[row["year"]] = parse_year_file(row["body"], row["source"])
        cal = ledger._calendar = build_calendar(extra)
    return cal


def _deadline_json(clock: str, due: str, provisional) -> dict:
    return {"clock": clock, "due": due, "provisional": bool(provisional)}


def start_clocks(ledger, number: str, trigger: str, start: dt.date, major: bool) -> list[dict]:
    """Start the clocks that ``trigger`` starts for this case; returns their deadlines."""
    from xinfang.rules.deadlines import clocks_started_by, deadline_for

    policy = ledger.policy
    triggers = [trigger] + (["acceptance"] if trigger == "assignment" else [])
    out = []
    for trig in triggers:
        for clock in clocks_started_by(trig, major, policy):
            rule = policy.clocks[clock]
            d = deadline_for(clock, start, rule, work_calendar(ledger))
            cur = ledger.conn.execute(
                "INSERT OR IGNORE INTO clocks (case_number, clock, start, days, counting, due, provisional,"
                " calendar_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (number, clock.value, start.isoformat(), rule.days, rule.counting, d.due.isoformat(),
                 int(d.provisional), d.calendar_version),
            )
            if cur.rowcount:
                note = f"{rule.days} {rule.counting} days from {start}" + (" (provisional)" if d.provisional else "")
                ledger.event("clock", number, clock.value, None, d.due.isoformat(), note)
                out.append(_deadline_json(clock.value, d.due.isoformat(), d.provisional))
    return out


def finish_clocks(ledger, number: str, clocks: list[Clock] | None, on: dt.date) -> dict[str, bool]:
    """Stop open clocks (all when ``clocks`` is None) as done on ``on``; returns clock → met."""
    rows = ledger.rows("SELECT id, clock, due FROM clocks WHERE case_number = ? AND done_on IS NULL"
                       " AND clock NOT IN ('review_request')", (number,))
    met = {}
    for r in rows:
        if clocks is not None and Clock(r["clock"]) not in clocks:
            continue
        ok = on.isoformat() <= r["due"]
        ledger.conn.execute("UPDATE clocks SET done_on = ?, met = ? WHERE id = ?", (on.isoformat(), int(ok), r["id"]))
        ledger.event("clock-done", number, r["clock"], None, on.isoformat(), "met" if ok else f"late (due {r['due']})")
        met[r["clock"]] = ok
    return met


def stop_clocks(ledger, number: str, on: dt.date) -> None:
    """Stop every open clock without judging it (the case left this office)."""
    for r in ledger.rows("SELECT id, clock FROM clocks WHERE case_number = ? AND done_on IS NULL", (number,)):
        ledger.conn.execute("UPDATE clocks SET done_on = ? WHERE id = ?", (on.isoformat(), r["id"]))
        ledger.event("clock-stop", number, r["clock"], None, on.isoformat())


def case_deadlines(ledger, number: str) -> list[dict]:
    return [
        {**_deadline_json(r["clock"], r["due"], r["provisional"]), "start": r["start"],
         "extension_days": r["extension_days"], "done_on": r["done_on"],
         "met": None if r["met"] is None else bool(r["met"])}
        for r in ledger.rows("SELECT * FROM clocks WHERE case_number = ? ORDER BY id", (number,))
    ]
