"""Review (复查) and re-review (复核): a dissatisfied petitioner's requests and their answers.

A replied or closed case may be taken to review within the review request window (申请复查期限,
counted from the reply). The answer closes the case again and opens the window for a re-review
request; the re-review answer makes the matter final (不再受理). Each step is one transaction of
case changes, clock changes and events, called inside ``Ledger.write()``.
"""

from __future__ import annotations

import datetime as dt

from xinfang.errors import XinfangError
from xinfang.model import Clock, Status


def _clocks(ledger, number: str) -> dict[str, dict]:
    return {r["clock"]: r for r in ledger.rows("SELECT * FROM clocks WHERE case_number = ?", (number,))}


def _set_status(ledger, row: dict, new: dict, action: str, note: str | None) -> None:
    sets = ", ".join(f"{k} = ?" for k in new)
    ledger.conn.execute(f"UPDATE cases SET {sets} WHERE number = ?", (*new.values(), row["number"]))
    ledger.changes(action, row["number"], row, new, note)


def _check_day(on: dt.date, today: dt.date, not_before: str, what: str) -> None:
    if on > today:
        raise XinfangError(f"--on: {on} is after today ({today})", fix="give the date it actually happened")
    if on.isoformat() < not_before:
        raise XinfangError(f"--on: {on} is before {what} ({not_before})", fix="give a date on or after it")


def request_review(ledger, number: str, on: dt.date, reason: str | None, today: dt.date) -> dict:
    """Record a petitioner's request for review (复查), or for re-review (复核) after a review answer."""
    from xinfang.ledger.cases import get_case
    from xinfang.ledger.clocks import close_window, finish_clocks, start_clock, start_clocks

    row = get_case(ledger, number)
    number = row["number"]
    status = Status(row["status"])
    clocks = _clocks(ledger, number)
    if status == Status.final:
        answered = (clocks.get("rereview") or {}).get("done_on")
        raise XinfangError(
            f"CASE: {number} was re-reviewed (复核)" + (f" on {answered}" if answered else "")
            + "; the same matter is not accepted again (不再受理)",
            fix="no further review is possible; only a new matter with new facts is registered as a new case")
    if status in (Status.review, Status.rereview):
        since = clocks[status.value]["start"] if status.value in clocks else "?"
        raise XinfangError(f"CASE: {number} is already {status.en} ({status.zh}) since {since}",
                           fix=f"record the answer first with 'xinfang review {number} --answer --on D --summary …'")
    if status not in (Status.replied, Status.closed) or not (row["replied_on"] or row["closed_on"]):
        raise XinfangError(f"CASE: {number} is {status.value} ({status.zh}); a review is asked after the reply",
                           fix="record the reply first with 'xinfang reply'" if status == Status.assigned
                           else "only a replied or closed case can be taken to review")
    stage = Status.rereview if (clocks.get("review") or {}).get("done_on") else Status.review
    window = clocks.get(Clock.review_request.value)
    if window is None:
        # Cases replied before the window was kept: open it from the reply now, as it would have been.
        replied = dt.date.fromisoformat(row["replied_on"] or row["closed_on"])
        start_clocks(ledger, number, "reply", replied, bool(row["major"]))
        window = _clocks(ledger, number)[Clock.review_request.value]
    window_what = "the review answer" if stage == Status.rereview else "the reply"
    _check_day(on, today, window["start"], f"{window_what} it contests")
    if on.isoformat() > window["due"]:
        raise XinfangError(
            f"--on: the {stage.en} request window ({'申请复核' if stage == Status.rereview else '申请复查'}期限) "
            f"ended on {window['due']} ({window['days']} days from {window_what} on {window['start']}); "
            f"a request on {on} is too late",
            fix="a late request is not accepted; check the date the petitioner asked")
    close_window(ledger, number, Clock.review_request, on, f"{stage.value} requested in time")
    if status == Status.replied:
        # The reply was the office's answer on the matter: its duty clocks are judged on that day.
        finish_clocks(ledger, number, None, dt.date.fromisoformat(row["replied_on"]))
    _set_status(ledger, row, {"status": stage.value}, stage.value, reason or f"{stage.value} requested")
    clock = start_clock(ledger, number, Clock(stage.value), on)
    deadlines = [clock] if clock else []
    return {"case": number, "status": stage.value, "requested_on": on.isoformat(), "window_end": window["due"],
            "reason": reason, "deadlines": deadlines}


def answer_review(ledger, number: str, on: dt.date, summary: str, today: dt.date) -> dict:
    """Record the answer to a review (closes the case again and opens the re-review request window)
    or to a re-review (the matter becomes final, 不再受理)."""
    from xinfang.ledger.cases import get_case
    from xinfang.ledger.clocks import finish_clocks, restart_clock

    row = get_case(ledger, number)
    number = row["number"]
    status = Status(row["status"])
    if status not in (Status.review, Status.rereview):
        raise XinfangError(f"--answer: {number} is {status.value} ({status.zh}), not under review",
                           fix=f"record a request first with 'xinfang review {number} --on D'")
    clock = _clocks(ledger, number).get(status.value)
    _check_day(on, today, clock["start"] if clock else row["received"], "the request")
    met = finish_clocks(ledger, number, [Clock(status.value)], on)
    final = status == Status.rereview
    new = {"status": (Status.final if final else Status.closed).value}
    if not row["closed_on"]:
        new["closed_on"] = on.isoformat()
    _set_status(ledger, row, new, f"{status.value}-answer", summary)
    deadlines = []
    if not final:
        deadlines.append(restart_clock(ledger, number, Clock.review_request, on, "re-review request window"))
    return {"case": number, "status": new["status"], "answered_on": on.isoformat(),
            "on_time": met.get(status.value), "deadlines": deadlines}
