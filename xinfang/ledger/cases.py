"""Case lifecycle commands and reads: register, assign, reply, resolve, transfer, review, extend, correct.

Each public writer is called inside ``Ledger.write()`` by the CLI and records every change as
events. Validation happens before the first write, so a refusal leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt

from xinfang.errors import Refusal
from xinfang.ledger.lifecycle import case_state, deadline_json, decide, stored, take, update_case
from xinfang.ledger.lifecycle import record as record_step
from xinfang.ledger.protection import protected_for
from xinfang.model import (OPEN_STATUSES, Case, Channel, Clock, DeclineGround, Kind, Level, Outcome, Satisfaction,
                           Status, Told)
from xinfang.rules import lifecycle as lc

CASE_FIELDS = (
    "received", "channel", "point", "township", "name", "id_number", "phone", "address", "people",
    "level", "kind", "category", "major", "summary", "accused",
)


def case_number(year: int, seq: int) -> str:
    return f"{year}-{seq:05d}"


def find_number(ledger, text: str) -> str:
    """The number of the case ``text`` names: a full number, or a bare sequence number for the case of
    the latest year that has it. Refused with the nearest existing number when there is none."""
    from xinfang.errors import Refusal
    from xinfang.escape import visible
    from xinfang.parse import case_number_parts

    parts = case_number_parts(text)
    shown = visible((text or "").strip())[:40]
    if parts is None:
        raise Refusal("case.not_a_number", case=shown)
    year, seq = parts
    for y in ([year] if year is not None else case_years(ledger)):
        if ledger.conn.execute("SELECT 1 FROM cases WHERE year = ? AND seq = ?", (y, seq)).fetchone():
            return case_number(y, seq)
    near = nearest_number(ledger, list(case_years(ledger)), year, seq)
    if near is None:
        raise Refusal("case.unknown_empty", case=shown)
    raise Refusal("case.unknown", case=shown, near=near)


def case_years(ledger):
    """The years that have cases, latest first (each found through the (year, seq) index)."""
    year = ledger.conn.execute("SELECT max(year) FROM cases").fetchone()[0]
    while year is not None:
        yield year
        year = ledger.conn.execute("SELECT max(year) FROM cases WHERE year < ?", (year,)).fetchone()[0]


def nearest_number(ledger, years: list[int], year: int | None, seq: int) -> str | None:
    """The existing case number nearest to (``year``, ``seq``): in the nearest year that has cases
    (the latest for a bare number), the nearest sequence number."""
    if not years:
        return None
    y = min(years, key=lambda v: (abs(v - year), -v)) if year is not None else years[0]
    below = ledger.conn.execute("SELECT max(seq) FROM cases WHERE year = ? AND seq <= ?", (y, seq)).fetchone()[0]
    above = ledger.conn.execute("SELECT min(seq) FROM cases WHERE year = ? AND seq >= ?", (y, seq)).fetchone()[0]
    best = min((v for v in (below, above) if v is not None), key=lambda v: (abs(v - seq), v))
    return case_number(y, best)


def get_case(ledger, number: str) -> dict:
    """The case row ``number`` names (``find_number``): a number written in full is looked up directly."""
    from xinfang.parse import case_number_parts

    parts = case_number_parts(number)
    if parts is not None and parts[0] is not None:
        row = ledger.one("SELECT * FROM cases WHERE year = ? AND seq = ?", parts)
        if row is not None:
            return row
    return ledger.one("SELECT * FROM cases WHERE number = ?", (find_number(ledger, number),))


def as_case(row: dict) -> Case:
    """A ledger row as the immutable record the rules take."""
    return Case(
        number=row["number"], received=dt.date.fromisoformat(row["received"]), township=row["township"],
        level=Level(row["level"]), people=row["people"], kind=Kind(row["kind"]), category=row["category"],
        major=bool(row["major"]), status=Status(row["status"]), repeat_of=row["repeat_of"],
        id_number=row["id_number"], channel=Channel(row["channel"]),
        assigned_on=dt.date.fromisoformat(row["assigned_on"]) if row["assigned_on"] else None,
        closed_on=dt.date.fromisoformat(row["closed_on"]) if row["closed_on"] else None,
    )


def find_earlier(ledger, id_number: str | None, township: str, category: str, received: dt.date,
                 exclude: str | None = None) -> tuple[str | None, bool | None]:
    """(repeat_of, initial) for a petitioner's matter (``rules.repeats``)."""
    if not id_number:
        return None, None
    from xinfang.rules.repeats import LATEST_FIRST, SAME_MATTER, repeat_link

    same = SAME_MATTER.format(id_number="?", township="?", category="?", received="?")
    row = ledger.conn.execute(
        f"SELECT e.number, e.received FROM cases e WHERE {same} AND e.number != ? ORDER BY {LATEST_FIRST} LIMIT 1",
        (id_number, township, category, received.isoformat(), exclude or "")).fetchone()
    return repeat_link(received, (row[0], dt.date.fromisoformat(row[1])) if row else None,
                       ledger.policy.repeat_window_days)


def derived(ledger, fields: dict, exclude: str | None = None) -> dict:
    """Values that follow from the registered fields: collective, skip-level, repeat link, initial."""
    policy = ledger.policy
    repeat_of, initial = find_earlier(ledger, fields["id_number"], fields["township"], fields["category"],
                                      fields["received"], exclude)
    return {
        "collective": policy.is_collective(fields["people"]),
        "skip_level": policy.is_skip_level(Level(fields["level"])),
        "repeat_of": repeat_of,
        "initial": initial,
    }


def _check_not_after(day: dt.date, today: dt.date, option: str) -> None:
    if day > today:
        raise Refusal("case.after_today", option=option, day=day, today=today)


def check_case_fields(ledger, fields: dict, today: dt.date) -> None:
    """Cross-field rules shared by register, correct and import."""
    _check_not_after(fields["received"], today, "--received")
    if fields["channel"] == Channel.outreach and not fields.get("point"):
        raise Refusal("case.point_needed", "--point", points=tuple(ledger.ref.points))
    if fields.get("point") and fields["channel"] != Channel.outreach:
        raise Refusal("case.point_not_outreach", "--point")
    if fields.get("accused") and fields["kind"] != Kind.accusation:
        raise Refusal("case.accused_not_accusation", "--accused")


def register_case(ledger, fields: dict, today: dt.date) -> dict:
    """Register a letter or visit; returns the case row plus its derived values and deadlines."""
    check_case_fields(ledger, fields, today)
    year = fields["received"].year
    row = ledger.conn.execute("SELECT last FROM counters WHERE year = ?", (year,)).fetchone()
    seq = (row[0] if row else 0) + 1
    number = case_number(year, seq)
    final = final_case_for(ledger, fields)
    new = lc.CaseState(number=number, status=None, received=fields["received"], major=bool(fields["major"]))
    step = decide(ledger, new, lc.Register(fields["received"], final), today)
    ledger.conn.execute(
        "INSERT INTO counters (year, last) VALUES (?, ?) ON CONFLICT(year) DO UPDATE SET last = excluded.last",
        (year, seq),
    )
    extra = derived(ledger, fields)
    record = {k: stored(fields.get(k)) for k in CASE_FIELDS}
    record.update({k: stored(v) for k, v in extra.items()})
    if final:
        record.update({"status": step.status.value, "final_case": final})  # in the register record too
    ledger.conn.execute(
        f"INSERT INTO cases (number, year, seq, month, status, {', '.join(k for k in record if k != 'status')})"
        f" VALUES (?, ?, ?, ?, ?, {', '.join('?' * (len(record) - ('status' in record)))})",
        (number, year, seq, fields["received"].strftime("%Y-%m"), step.status.value,
         *(v for k, v in record.items() if k != "status")),
    )
    ledger.event("register", number, None, None, {k: v for k, v in record.items() if v is not None})
    record_step(ledger, {"number": number}, step)
    if not final and Level(fields["level"]).rank >= ledger.policy.deduction_min_level.rank:
        from xinfang.ledger.deposits import reconcile_deposits  # deposits: this township and year only

        reconcile_deposits(ledger, today, fields["township"], year)
    return {"case": number, **extra, "deadlines": [deadline_json(c) for c in step.started], "final_case": final}


# The earlier cases ``e`` a registration probably duplicates (``rules.duplicates``, its SQL twin, held
# equal by a test): the same name, township and category through the month index (the window's
# months), or the same resident ID through the petitioner index; received within the window.
DUPLICATE_SQL = (
    "SELECT e.number FROM cases e WHERE e.month IN ({months}) AND e.township = :township"
    " AND e.name = :name AND e.category = :category AND e.received BETWEEN :first AND :last"
    " AND e.status != 'voided' AND e.number != :number"
    " UNION "
    "SELECT e.number FROM cases e WHERE e.id_number = :id_number"
    " AND e.received BETWEEN :first AND :last AND e.status != 'voided' AND e.number != :number"
    " ORDER BY 1"
)


def probable_duplicates(ledger, fields: dict, number: str = "") -> list[str]:
    """The cases a registration of ``fields`` probably duplicates (疑似重复登记, ``rules.duplicates``)."""
    from xinfang.rules.duplicates import months, window

    first, last = window(fields["received"], ledger.policy.duplicate_window_days)
    spanned = months(first, last)
    params = {f"m{i}": m for i, m in enumerate(spanned)}
    params.update(township=fields["township"], name=fields["name"], category=fields["category"],
                  first=first.isoformat(), last=last.isoformat(), number=number,
                  id_number=fields.get("id_number") or None)
    sql = DUPLICATE_SQL.format(months=", ".join(f":m{i}" for i in range(len(spanned))))
    return [r[0] for r in ledger.conn.execute(sql, params)]


def final_case_for(ledger, fields: dict) -> str | None:
    """The case in which the same petitioner's same matter became final (不再受理, 条例 art. 36) by the
    day ``fields`` was received: the same resident ID, else the same name and address, with the same
    township and category."""
    from xinfang.rules.repeats import LATEST_FIRST, SAME_MATTER

    received = fields["received"]
    if fields.get("id_number"):
        same = SAME_MATTER.format(id_number="?", township="?", category="?", received="?")
        params = [fields["id_number"], fields["township"], fields["category"], received.isoformat()]
    elif fields.get("name") and fields.get("address"):
        same = SAME_MATTER.replace("e.id_number = {id_number}", "e.name = {name} AND e.address = {address}").format(
            name="?", address="?", township="?", category="?", received="?")
        params = [fields["name"], fields["address"], fields["township"], fields["category"], received.isoformat()]
    else:
        return None
    for row in ledger.rows(f"SELECT * FROM cases e WHERE {same} AND e.status IN ('final', 'replied', 'closed')"
                           f" ORDER BY {LATEST_FIRST}", params):
        if lc.is_final(case_state(ledger, row), received):
            return row["number"]
    return None


# The facts that say which matter a case is (``final_case_for``): a correction of one may move the case
# onto, or off, a matter already final (不再受理, 条例 art. 36).
_MATTER_FIELDS = frozenset({"township", "category", "id_number", "name", "address", "received"})
_CORRECTABLE_OPEN = frozenset({Status.registered, Status.accepted, Status.assigned, Status.replied})


def _check_matter(ledger, row: dict, merged: dict, changed: dict) -> None:
    """A correction never leaves a case on the wrong side of 不再受理: an entry recorded as not
    accepted again that the corrected facts no longer make the final matter's, or a case in hand
    that they make a final matter's, is refused; the clerk voids it and registers it anew, which
    records it as the law says (a new matter with its clocks, or 不再受理 with none)."""
    if not _MATTER_FIELDS & changed.keys():
        return
    status = Status(row["status"])
    if status == Status.not_reaccepted:
        if final_case_for(ledger, merged) is None:
            raise Refusal("case.correct_off_final", case=row["number"])
    elif status in _CORRECTABLE_OPEN:
        final = final_case_for(ledger, merged)
        if final is not None and final != row["number"] and final_case_for(ledger, _as_fields(row)) is None:
            raise Refusal("case.correct_onto_final", case=row["number"], final=final)


def _as_fields(row: dict) -> dict:
    return {k: _parse_back(k, row[k]) for k in CASE_FIELDS}


def accept_case(ledger, number: str, on: dt.date, told: Told, today: dt.date) -> dict:
    """受理: record that the petitioner was told the matter is accepted; meets the notice clock and
    starts the handling clock."""
    row = get_case(ledger, number)
    step = take(ledger, row, lc.Accept(on, told.value), today)
    return {"case": row["number"], "status": step.status.value, "accepted_on": on.isoformat(), "told": told.value,
            "notice_met": step.judged.get(Clock.notice), "deadlines": [deadline_json(c) for c in step.started]}


def decline_case(ledger, number: str, on: dt.date, ground: DeclineGround, reason: str, today: dt.date) -> dict:
    """不予受理: the matter belongs to another statutory route; the petitioner is told which."""
    row = get_case(ledger, number)
    step = take(ledger, row, lc.Decline(on, ground.value, reason), today)
    from xinfang.ledger.deposits import reconcile_deposits

    reconcile_deposits(ledger, today, row["township"], row["year"])  # a declined case is charged to no one
    return {"case": row["number"], "status": step.status.value, "ground": ground.value,
            "notice_met": step.judged.get(Clock.notice)}


def object_case(ledger, number: str, on: dt.date, reason: str, today: dt.date) -> dict:
    """The responsible unit's objection to the assignment, within its window: the case goes back to
    the office to be assigned again."""
    row = get_case(ledger, number)
    step = take(ledger, row, lc.Object(on, reason), today)
    return {"case": row["number"], "status": step.status.value, "unit": row["unit"], "objected_on": on.isoformat()}


def assign_case(ledger, number: str, unit: str, leader: str, joint: list[str], on: dt.date, today: dt.date) -> dict:
    """Assign (交办) a case to a responsible unit and a named leader (包案领导); starts the clocks."""
    row = get_case(ledger, number)
    step = take(ledger, row, lc.Assign(on, unit, leader, tuple(joint)), today)
    if step.action == "reassign":
        from xinfang.ledger.clocks import case_deadlines

        deadlines = case_deadlines(ledger, row["number"])
    else:
        deadlines = [deadline_json(c) for c in step.started]
    return {"case": row["number"], "unit": unit, "joint": joint, "leader": leader, "deadlines": deadlines}


def reply_case(ledger, number: str, on: dt.date | None, summary: str | None, today: dt.date, written: bool = False,
               received_on: dt.date | None = None) -> dict:
    """Record a reply (答复) told to the petitioner: an interim reply, or (``written``) the written
    opinion (书面处理意见) with the day the petitioner received it, which opens the review window.
    Without ``on``/``summary``, only ``received_on``: the receipt of the written opinion given before.
    For a case under review, a reply is the review's answer."""
    row = get_case(ledger, number)
    action = lc.Receipt(received_on) if on is None else lc.Reply(on, summary, written, received_on)
    step = take(ledger, row, action, today)
    if step.action == "review-answer":
        return _answer_json(row["number"], Status(row["status"]), on, step)
    met = step.judged
    window = next((c for c in step.started if c.clock == Clock.review_request), None)
    return {"case": row["number"], "status": step.status.value, "on_time": all(met.values()) if met else None,
            "review_window": {"opens": window.start.isoformat(), "closes": window.due.isoformat()} if window else None}


def resolve_case(ledger, number: str, on: dt.date, outcome: Outcome, summary: str, signed: bool,
                 satisfaction: Satisfaction | None, cease_agreement: bool, today: dt.date) -> dict:
    """Close (办结) a case with the petitioner's sign-off; records whether each clock was met."""
    row = get_case(ledger, number)
    action = lc.Resolve(on, outcome.value, summary, signed, satisfaction.value if satisfaction else None,
                        cease_agreement)
    met = take(ledger, row, action, today).judged
    return {"case": row["number"], "status": Status.closed.value, "on_time": all(met.values()) if met else True,
            "clocks": [{"clock": c.value, "met": m} for c, m in met.items()]}


def transfer_case(ledger, number: str, to: str, on: dt.date, reason: str, today: dt.date) -> dict:
    """Transfer (转送) a case to another body; its clocks stop. A unit of the roster given by its
    short name (车桥, 国土局) is the unit: the accusation protection judges it, and it is stored, as such."""
    from xinfang.ledger.protection import protection

    to = protection(ledger).roster_name(to)
    row = get_case(ledger, number)
    take(ledger, row, lc.Transfer(on, to, reason), today)
    from xinfang.ledger.deposits import reconcile_deposits

    reconcile_deposits(ledger, today, row["township"], row["year"])  # a transferred case is charged to no one
    return {"case": row["number"], "status": Status.transferred.value, "to": to}


def void_case(ledger, number: str, on: dt.date, reason: str, today: dt.date) -> dict:
    """作废: a case registered by mistake leaves every count (its clocks stop unjudged; the ranking and
    the deposits leave it out, a deduction already taken is reversed by a reversing entry) and stays
    in the history. A later case of the same matter no longer repeats it: its link follows."""
    row = get_case(ledger, number)
    step = take(ledger, row, lc.Void(on, reason), today)
    relinked = relink_matter(ledger, row, "void", f"{row['number']}: {reason}")
    from xinfang.ledger.deposits import reconcile_deposits

    reconcile_deposits(ledger, today, row["township"], row["year"])  # a voided case is charged to no one
    stopped = [e.clock.value for e in step.effects if isinstance(e, lc.StopClock)]
    return {"case": row["number"], "status": step.status.value, "voided_on": on.isoformat(), "reason": reason,
            "was": row["status"], "stopped": stopped, "relinked": relinked}


def relink_matter(ledger, row: dict, action: str, note: str) -> list[str]:
    """Derive again the repeat link (重复访) and the initial flag of the later cases of ``row``'s
    matter (same resident ID, township and category), as ``register`` derives them, recording each
    change under ``action``. Returns the case numbers that changed."""
    if not row["id_number"]:
        return []
    changed = []
    for later in ledger.rows("SELECT * FROM cases WHERE id_number = ? AND township = ? AND category = ?"
                             " AND received >= ? AND number != ? ORDER BY received, number",
                             (row["id_number"], row["township"], row["category"], row["received"], row["number"])):
        repeat_of, initial = find_earlier(ledger, later["id_number"], later["township"], later["category"],
                                          dt.date.fromisoformat(later["received"]), later["number"])
        new = {k: stored(v) for k, v in (("repeat_of", repeat_of), ("initial", initial))
               if stored(later[k]) != stored(v)}
        if new:
            ledger.conn.execute(f"UPDATE cases SET {', '.join(f'{k} = ?' for k in new)} WHERE number = ?",
                                (*new.values(), later["number"]))
            ledger.changes(action, later["number"], later, new, note)
            changed.append(later["number"])
    return changed


def request_review(ledger, number: str, on: dt.date, reason: str | None, today: dt.date,
                   body: str | None = None) -> dict:
    """Record a petitioner's request for review (复查), or for re-review (复核) after a review answer.
    A body of the roster given by its short name is the unit (as for ``transfer_case``)."""
    if body:
        from xinfang.ledger.protection import protection

        body = protection(ledger).roster_name(body)
    row = get_case(ledger, number)
    step = take(ledger, row, lc.RequestReview(on, reason or None, body), today)
    window_end = ledger.scalar("SELECT due FROM clocks WHERE case_number = ? AND clock = ?",
                               (row["number"], Clock.review_request.value))
    return {"case": row["number"], "status": step.status.value, "requested_on": on.isoformat(),
            "window_end": window_end, "reason": reason, "body": ledger.scalar(
                "SELECT review_body FROM cases WHERE number = ?", (row["number"],)),
            "deadlines": [deadline_json(c) for c in step.started if c.clock.value == step.status.value]}


def answer_review(ledger, number: str, on: dt.date, summary: str, today: dt.date) -> dict:
    """Record the answer to a review (closes the case again and opens the re-review request window)
    or to a re-review (the matter becomes final, 不再受理)."""
    row = get_case(ledger, number)
    step = take(ledger, row, lc.AnswerReview(on, summary), today)
    return _answer_json(row["number"], Status(row["status"]), on, step)


def _answer_json(number: str, stage: Status, on: dt.date, step: lc.Step) -> dict:
    return {"case": number, "status": step.status.value, "answered_on": on.isoformat(),
            "on_time": step.judged.get(Clock(stage.value)),
            "deadlines": [deadline_json(c) for c in step.started]}


def extend_deadline(ledger, number: str, clock: Clock, days: int, reason: str, on: dt.date, today: dt.date,
                    approved_by: str | None = None, told_on: dt.date | None = None) -> dict:
    """Grant the one extension (延期) a clock allows, approved by ``approved_by``, the petitioner told
    on ``told_on`` (条例 art. 34); recomputes its due date and records an event."""
    row = get_case(ledger, number)
    step = take(ledger, row, lc.Extend(clock, days, on, reason, approved_by, told_on), today)
    (e,) = step.effects
    return {"case": row["number"], "clock": clock.value, "days": days, "old_due": e.old_due.isoformat(),
            "due": e.state.due.isoformat(), "provisional": e.state.provisional, "reason": reason,
            "on": on.isoformat(), "approved_by": approved_by, "told_on": told_on.isoformat() if told_on else None}


# What the petitioner was told that a correction may change: the case's result columns.
RESULT_FIELDS = ("outcome", "satisfaction")


def correct_case(ledger, number: str, fields: dict, reason: str, today: dt.date, reply: str | None = None) -> dict:
    """Correct registered facts (level, township, summary, …), the result told to the petitioner
    (outcome, satisfaction) or the text of the reply (``reply``) by new events; derived values and
    the clocks the registration started follow, as registering the corrected facts derives them."""
    row = get_case(ledger, number)
    result = {k: stored(fields.pop(k)) for k in RESULT_FIELDS if fields.get(k) is not None}
    merged = {k: _parse_back(k, row[k]) for k in CASE_FIELDS}
    merged.update({k: v for k, v in fields.items() if v is not None})
    if merged["kind"] != Kind.accusation and merged["accused"] and fields.get("accused") is None:
        fields = {**fields, "accused": ""}  # no longer an accusation: it accuses no one
        merged["accused"] = None
    correction = lc.Correct(merged["accused"], merged["received"], merged["kind"] == Kind.accusation,
                            protected_for(ledger, merged["accused"]), reply=reply is not None, result=bool(result),
                            major=fields.get("major"))
    step = decide(ledger, case_state(ledger, row), correction, today)
    check_case_fields(ledger, merged, today)
    new = {k: stored(merged[k]) for k in fields if fields[k] is not None}
    if fields.get("accused") == "":
        new["accused"] = None
    if "received" in new:
        new["month"] = merged["received"].strftime("%Y-%m")
    new.update({k: stored(v) for k, v in derived(ledger, merged, exclude=row["number"]).items()})
    new.update(result)
    changed = {k: v for k, v in new.items() if stored(row.get(k)) != v}
    told = told_text(ledger, row["number"]) if reply is not None else None
    if not changed and (reply is None or reply == told):
        raise Refusal("case.nothing_to_correct")
    _check_matter(ledger, row, merged, changed)
    from xinfang.ledger.deposits import check_case_correction
    check_case_correction(ledger, row, changed)  # a settled year's deposits stay as settled
    if changed:
        update_case(ledger, row, changed, "correct", reason)
    if reply is not None and reply != told:
        ledger.event("correct", row["number"], "reply", told, reply, reason)
        changed["reply"] = reply
    record_step(ledger, row, step)  # the registration's clocks, counted again from a corrected received date
    if {"township", "category", "id_number", "received"} & changed.keys():
        # The later cases of the old matter, and of the new one, are linked again.
        for matter in (row, {**row, **changed}):
            relink_matter(ledger, matter, "correct", f"{row['number']}: {reason}")
    if {"level", "township", "received", "kind"} & changed.keys():  # kind: the accusation_deducts policy
        # Deposits follow the corrected facts: the old and the new township, in the case's year.
        from xinfang.ledger.deposits import reconcile_deposits

        reconcile_deposits(ledger, today, sorted({row["township"], changed.get("township", row["township"])}),
                           row["year"])
    before = {**row, "reply": told}
    return {"case": row["number"], "changed": {k: [before.get(k), v] for k, v in changed.items()},
            "deadlines": [deadline_json(c) for c in step.started]}


def told_text(ledger, number: str) -> str | None:
    """The text of the latest reply told to the petitioner: the reply's note, or its correction."""
    return ledger.scalar("SELECT CASE WHEN action = 'correct' THEN new ELSE note END FROM events"
                         " WHERE case_number = ? AND (action = 'reply' OR (action = 'correct' AND field = 'reply'))"
                         " ORDER BY id DESC LIMIT 1", (number,))


def _parse_back(field: str, value):
    if value is None:
        return None
    if field == "received":
        return dt.date.fromisoformat(value)
    if field == "channel":
        return Channel(value)
    if field == "level":
        return Level(value)
    if field == "kind":
        return Kind(value)
    if field == "major":
        return bool(value)
    return value


def case_history(ledger, number: str) -> list[dict]:
    return ledger.rows(
        "SELECT id, at, who, action, field, old, new, note FROM events WHERE case_number = ? ORDER BY id", (number,)
    )


# The history actions whose note is what the petitioner was told: replies, results, review answers.
TOLD_ACTIONS = ("reply", "resolve", "review-answer", "rereview-answer")


_NAME_MARKS = ("\u00b7", "\u30fb", "\uff65", "\u2022", "\u2027", "\u22c5", "\u2219")  # parse.NAME_DOTS and 间隔号 ·


def _bare_name(text: str) -> str:
    for mark in (*_NAME_MARKS, " ", "\u3000"):
        text = text.replace(mark, "")
    return text


def _like(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, its wildcards taken literally (ESCAPE '\\')."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def list_cases(ledger, township: str | None = None, status: Status | None = None, month: str | None = None,
               unit: str | None = None, level: Level | None = None, open_only: bool = False,
               limit: int | None = None, name: str | None = None, id_number: str | None = None,
               phone: str | None = None, words: tuple[str, ...] = ()) -> list[dict]:
    """Cases matching the filters. Filtering by a township or unit never shows the accusations
    it is protected against (检举控告: made against it, its leaders or a person of it), nor their
    numbers as the earlier case (前案) of a repeat.

    The search filters: ``name``, a petitioner's name or part of it (a surname); ``id_number``
    and ``phone``, exactly; ``words``, each found in the summary or in what the petitioner was
    told (a reply, the result, a review's answer). A name or word never finds an accusation against
    whom it names (its unit, its leaders, a person of it): an accused cannot search their way to it."""
    from xinfang.ledger.protection import shown_to_sql

    where, params = [], []
    if name:
        # found with or without its middle dots and spaces, however they were typed (买买提艾力 finds
        # 买买提·艾力 and 买买提・艾力 stored before names were written one way)
        bare = "name"
        for mark in (*_NAME_MARKS, " ", "\u3000"):
            bare = f"replace({bare}, '{mark}', '')"
        where.append(f"{bare} LIKE ? ESCAPE '\\' AND {shown_to_sql(ledger)}")
        params += [_like(_bare_name(name)), name]
    if id_number:
        where.append("id_number = ?")
        params.append(id_number)
    if phone:
        where.append("phone = ?")
        params.append(phone)
    for word in words:
        where.append(f"(summary LIKE ? ESCAPE '\\' OR number IN (SELECT case_number FROM events WHERE (action IN"
                     f" ({', '.join('?' * len(TOLD_ACTIONS))}) AND note LIKE ? ESCAPE '\\')"
                     f" OR (action = 'correct' AND field = 'reply' AND new LIKE ? ESCAPE '\\'))) AND {shown_to_sql(ledger)}")
        params += [_like(word), *TOLD_ACTIONS, _like(word), _like(word), word]
    if township:
        where.append(f"township = ? AND {shown_to_sql(ledger)}")
        params += [township, township]
    if unit:
        where.append(f"(unit = ? OR joint LIKE ?) AND {shown_to_sql(ledger)}")
        params += [unit, f'%"{unit}"%', unit]
    if status:
        where.append("status = ?")
        params.append(status.value)
    if open_only:
        where.append(f"status IN ({', '.join('?' * len(OPEN_STATUSES))})")
        params += [s.value for s in OPEN_STATUSES]
    if month:
        where.append("month = ?")
        params.append(month)
    if level:
        where.append("level = ?")
        params.append(level.value)
    sql = "SELECT * FROM cases" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY year, seq"
    if limit:
        sql += f" LIMIT {int(limit)}"
    rows = ledger.rows(sql, params)
    if township or unit:  # nor the number of one as the earlier case (前案) another repeats
        from xinfang.ledger.protection import withhold_links

        rows = withhold_links(ledger, rows, township, unit)
    return rows
