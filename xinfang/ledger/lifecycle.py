"""The one interpreter of the case lifecycle: load a case, ask ``rules.lifecycle.step``, record the step.

Every command that moves a case calls ``take``: it loads the case row and its clocks as a
``CaseState``, asks the rules what the action does, and writes the case fields, the clocks and
the history rows the step's effects name, in their order. A refusal becomes the one-line error.
Import folds its rows through the same ``step`` (``xinfang.ledger.importer``) and stores the
clocks this module would have stored, with the history rows ``clock_events`` words here.
"""

from __future__ import annotations

import datetime as dt
import json

from xinfang.errors import XinfangError
from xinfang.ledger.clocks import clock_state, work_calendar
from xinfang.ledger.protection import protected_for
from xinfang.messages import Words, label
from xinfang.model import Clock, Message, Status, extension_note
from xinfang.rules import lifecycle as lc

_DAY = dt.date.fromisoformat


def _date(text: str | None) -> dt.date | None:
    return _DAY(text) if text else None


def case_state(ledger, row: dict) -> lc.CaseState:
    """A stored case and its clocks as the lifecycle sees them."""
    clocks = ledger.rows("SELECT * FROM clocks WHERE case_number = ? ORDER BY id", (row["number"],))
    return lc.CaseState(
        number=row["number"], status=Status(row["status"]), received=_DAY(row["received"]), major=bool(row["major"]),
        accused=row["accused"], unit=row["unit"], leader=row["leader"], joint=tuple(json.loads(row["joint"] or "[]")),
        assigned_on=_date(row["assigned_on"]), replied_on=_date(row["replied_on"]), closed_on=_date(row["closed_on"]),
        accepted_on=_date(row["accepted_on"]), written_on=_date(row["written_on"]),
        opinion_received_on=_date(row["opinion_received_on"]),
        clocks=tuple(clock_state(r) for r in clocks), protected=protected_for(ledger, row["accused"]),
        review_body=row.get("review_body"), reassigned_on=_reassigned_on(ledger, row))


def _reassigned_on(ledger, row: dict) -> dt.date | None:
    """The day of the case's latest reassignment, from its history note (``model.REASSIGN_NOTE``)."""
    if row["status"] != Status.assigned.value:
        return None
    from xinfang.model import REASSIGN_NOTE

    note = ledger.scalar("SELECT note FROM events WHERE case_number = ? AND action = 'reassign' ORDER BY id DESC"
                         " LIMIT 1", (row["number"],))
    found = REASSIGN_NOTE.match(note or "")
    return _DAY(found.group(1)) if found else None


def clocking(ledger) -> lc.Clocking:
    """Due dates under the ledger's policy and working calendar (built once per command)."""
    hit = getattr(ledger, "_clocking", None)
    if hit is None:
        hit = ledger._clocking = lc.Clocking(ledger.policy, work_calendar(ledger))
    return hit


def refusal_error(refusal: lc.Refusal, field: object = None) -> XinfangError:
    """A lifecycle refusal as the user's error, worded from the catalogue (``lifecycle.CODE``) in
    the user's language; ``field`` (a file's column) in place of the refusal's own."""
    from xinfang.errors import Refusal

    field = refusal.field if field is None else field
    if field == "CASE":
        field = Words("案号", "CASE")
    return Refusal(f"lifecycle.{refusal.code}", field=field, **_refusal_params(refusal.code, refusal.params))


def _refusal_params(code: str, params: dict) -> dict:
    """The refusal's parameters, the ones that are words made catalogue messages."""
    p = dict(params)
    if code == "wrong_status":
        p["hint"] = Message.of(f"lifecycle.hint.{p['hint']}") if p.get("hint") else Message.of(
            "lifecycle.allowed_from", allowed=tuple(Status(s) for s in p["allowed"]))
        p["doing"] = Message.of(f"lifecycle.doing.{p['doing']}")
    if code == "review_before_reply":
        p["hint"] = Message.of("lifecycle.hint.reply_first" if p["assigned"] else "lifecycle.reply_or_closed")
    elif code == "before_field":
        p["after"] = Words(label(p["after"]), p["after"].replace("_", " "))
    elif code == "before":
        p["what"] = Message.of(f"lifecycle.what.{p['what']}")
    elif code == "no_review_window":
        p["written"] = (Message.of("lifecycle.written_unreceived", on=p["written"]) if p.get("written")
                        else Message.of("lifecycle.no_written"))
    elif code == "final":
        p["answered"] = Message.of("lifecycle.answered_on", on=p["answered"]) if p.get("answered") else ""
    elif code == "already_under_review":
        p["since"] = p["since"] or "?"
    elif code == "window_ended":
        p["contests"] = Message.of(f"lifecycle.what.{p['contests']}")
        p["stage"] = Words(p["stage"].zh, "re-review" if p["stage"] == Status.rereview else "review")
    elif code == "not_extendable":
        p["extendable"] = tuple(Clock(c) for c in p["extendable"]) or Message.of("lifecycle.no_extendable")
    elif code == "bad_extension":
        why, args = p["why"]
        p["why"] = Message.of(f"lifecycle.extension.{why}", **args)
    return p


def decide(ledger, state: lc.CaseState, action, today: dt.date) -> lc.Step:
    """The step ``action`` takes on ``state``, or the refusal raised as the user's error."""
    result = lc.step(state, action, ledger.policy, clocking(ledger), today)
    if isinstance(result, lc.Refusal):
        raise refusal_error(result)
    return result


def take(ledger, row: dict, action, today: dt.date) -> lc.Step:
    """Take ``action`` on the stored case ``row``: decide, then record the step. Returns the step."""
    step = decide(ledger, case_state(ledger, row), action, today)
    record(ledger, row, step)
    return step


# --- recording ------------------------------------------------------------------------------------

def stored(value):
    """A Python value as stored in a case row."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False) if value else None
    if hasattr(value, "value"):
        return value.value
    return value


def start_note(c: lc.ClockState) -> str:
    """The history note of a started clock: how its due date was counted."""
    return f"{c.days} {c.counting} days from {c.start}" + (" (provisional)" if c.provisional else "")


def judge_note(met: bool, due: dt.date) -> str:
    return "met" if met else f"late (due {due})"


def window_note(why: str) -> str:
    return "objection made in time" if why == "objection" else f"{why} requested in time"


RESTART_NOTES = {"rereview_window": "re-review request window", "reassignment": "assigned again",
                 "correction": "registered facts corrected"}


def clock_events(number: str, effect) -> tuple | None:
    """The history row (case, action, field, new, note) a clock effect of a new case records, for
    an import to chain: the same rows ``record`` writes through ``Ledger.event``. An extension's row
    holds the due date it moved too: (case, action, field, old, new, note)."""
    if isinstance(effect, lc.StartClock):
        c = effect.state
        return number, "clock", c.clock.value, c.due.isoformat(), start_note(c)
    if isinstance(effect, lc.JudgeClock):
        return number, "clock-done", effect.clock.value, effect.on.isoformat(), judge_note(effect.met, effect.due)
    if isinstance(effect, lc.CloseWindow):
        return number, "clock-done", effect.clock.value, effect.on.isoformat(), window_note(effect.why)
    if isinstance(effect, lc.StopClock):
        return number, "clock-stop", effect.clock.value, effect.on.isoformat(), None
    if isinstance(effect, lc.ExtendClock):
        return extension_event(number, effect)
    return None


def extension_event(number: str | None, effect: lc.ExtendClock) -> tuple:
    """The history row (case, action, field, old, new, note) of an extension: the due date it
    moves, from and to, and what was approved (``model.extension_note``)."""
    c = effect.state
    return (number, "clock-extend", c.clock.value, effect.old_due.isoformat(), c.due.isoformat(),
            extension_note(c.extension_days, effect.on, effect.approved_by, effect.told_on, effect.reason))


def record(ledger, row: dict, step: lc.Step) -> None:
    """Write a step's effects on the stored case ``row``, in order: case fields, clocks, history. The
    step's history rows are appended together, in the order of its effects."""
    from xinfang.ledger import history  # the writers only: a reading command never loads it

    number = row["number"]
    conn = ledger.conn
    rows: list[dict] = []

    def event(action: str, field: str, old, new, note: str | None = None) -> None:
        rows.append(history.event_row(ledger.who, action, number, field, old, new, note))

    def clock_event(effect) -> None:
        _, action, field, new, note = clock_events(number, effect)
        event(action, field, None, new, note)

    try:
        _record(ledger, row, step, rows, event, clock_event)
    finally:
        history.append_rows(conn, "events", rows)


def _record(ledger, row: dict, step: lc.Step, rows: list, event, clock_event) -> None:
    """``record``'s effects, in order; their history rows added to ``rows`` (``event``, ``clock_event``)."""
    number = row["number"]
    conn = ledger.conn
    for e in step.effects:
        if isinstance(e, lc.RestartClock) and e.old_due is None:
            e = lc.StartClock(e.state)  # nothing ran before: the clock starts
        if isinstance(e, lc.SetFields):
            new = {k: stored(v) for k, v in e.fields.items()}
            note = e.note or (f"{step.status.value} requested" if step.action == "review" else None)
            update_case(ledger, row, new, e.action, note, rows)
        elif isinstance(e, lc.StartClock):
            c = e.state
            cur = conn.execute(
                "INSERT OR IGNORE INTO clocks (case_number, clock, start, days, counting, due, provisional,"
                " calendar_version, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (number, c.clock.value, c.start.isoformat(), c.days, c.counting, c.due.isoformat(),
                 int(c.provisional), c.version, e.body))
            if cur.rowcount:
                event("clock", c.clock.value, None, c.due.isoformat(), start_note(c))
                provisional(ledger, number, c)
        elif isinstance(e, lc.RestartClock):
            c = e.state
            conn.execute(
                "UPDATE clocks SET start = ?, days = ?, counting = ?, extension_days = 0, due = ?, provisional = ?,"
                " calendar_version = ?, done_on = NULL, met = NULL WHERE case_number = ? AND clock = ?",
                (c.start.isoformat(), c.days, c.counting, c.due.isoformat(), int(c.provisional), c.version,
                 number, c.clock.value))
            event("clock", c.clock.value, e.old_due.isoformat(), c.due.isoformat(),
                  f"{RESTART_NOTES[e.why]}: {start_note(c)}")
            provisional(ledger, number, c)
        elif isinstance(e, lc.RecountClock):
            c = e.state
            conn.execute("UPDATE clocks SET start = ?, due = ?, provisional = ?, calendar_version = ?, met = ?"
                         " WHERE case_number = ? AND clock = ?",
                         (c.start.isoformat(), c.due.isoformat(), int(c.provisional), c.version,
                          None if c.met is None else int(c.met), number, c.clock.value))
            event("clock-recompute", c.clock.value, e.old_due.isoformat(), c.due.isoformat(),
                  f"{RESTART_NOTES['correction']}: {start_note(c)}")
            if c.met is not None and c.met != e.old_met:
                clock_event(lc.JudgeClock(c.clock, c.done_on, c.met, c.due))
            provisional(ledger, number, c)
        elif isinstance(e, (lc.JudgeClock, lc.CloseWindow)):
            met = e.met if isinstance(e, lc.JudgeClock) else True
            conn.execute("UPDATE clocks SET done_on = ?, met = ? WHERE case_number = ? AND clock = ?",
                         (e.on.isoformat(), int(met), number, e.clock.value))
            clock_event(e)
        elif isinstance(e, lc.StopClock):
            conn.execute("UPDATE clocks SET done_on = ? WHERE case_number = ? AND clock = ?",
                         (e.on.isoformat(), number, e.clock.value))
            clock_event(e)
        elif isinstance(e, lc.ExtendClock):
            c = e.state
            conn.execute("UPDATE clocks SET extension_days = ?, due = ?, provisional = ?, calendar_version = ?,"
                         " approved_by = ?, told_on = ? WHERE case_number = ? AND clock = ?",
                         (c.extension_days, c.due.isoformat(), int(c.provisional), c.version, e.approved_by,
                          stored(e.told_on), number, c.clock.value))
            event(*extension_event(number, e)[1:])
            provisional(ledger, number, c)


def update_case(ledger, row: dict, new: dict, action: str, note: str | None = None, rows: list | None = None) -> None:
    """Set case fields: one history row per field that changed; a note alone when none did. The
    rows are appended, or added to ``rows`` (a step's, appended with the rest of it)."""
    from xinfang.ledger import history  # the writers only: a reading command never loads it

    sets = ", ".join(f"{k} = ?" for k in new)
    ledger.conn.execute(f"UPDATE cases SET {sets} WHERE number = ?", (*new.values(), row["number"]))
    changed = ledger.change_rows(action, row["number"], row, new, note)
    if note and not any(stored(row.get(k)) != stored(v) for k, v in new.items()):
        changed.append(history.event_row(ledger.who, action, row["number"], note=note))
    if rows is None:
        history.append_rows(ledger.conn, "events", changed)
    else:
        rows.extend(changed)


def provisional(ledger, number: str | None, c: lc.ClockState) -> None:
    """Tell the user (after the command) that a due date was counted over a year with no schedule."""
    if c.provisional:
        cal = work_calendar(ledger)
        years = [y for y in range(c.start.year, c.due.year + 1) if not cal.is_official(y)]
        ledger.notice("provisional", case=number, clock=c.clock, due=c.due, years=years)


def deadline_json(c: lc.ClockState) -> dict:
    return {"clock": c.clock.value, "due": c.due.isoformat(), "provisional": bool(c.provisional)}
