"""The case lifecycle: register, assign, reply, resolve, transfer, correct, show, cases."""

from __future__ import annotations

from typing import Annotated, List, Optional

import typer

from xinfang.cli import STATE, CsvOpt, JsonOpt, RevealOpt, YesOpt, app, confirm, fmt, revealed, warn
from xinfang.model import Channel, Kind, Level, Message, Outcome, Satisfaction, Status

# The largest --limit: SQLite's LIMIT takes a 64-bit integer.
LIMIT_MAX = 2**63 - 1

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # as the policy names them; worded as weekday.N

LIST_COLUMNS = ["number", "received", "channel", "township", "name", "level", "category", "people", "status",
                "unit", "leader"]


def _accused(ledger, text: str) -> str:
    """The accused as stored; once the write is committed the clerk is told whom the name was
    matched to (one line)."""
    from xinfang.ledger.protection import PERSON, protection
    from xinfang.personal import mask_text

    found = ledger.ref.accused(text)
    shown = mask_text(found.name)  # the notice is on screen: a number typed with the name is masked
    if found.kind == PERSON:
        guard = protection(ledger)
        units, people = guard.named_in(found.name)
        named = tuple(sorted(units)) + tuple(sorted(guard.people[p][0] for p in people))
        if named:  # a title or an office written with the name: whom it names is protected against
            ledger.notice("accused_named", name=shown, named=named)
            return found.name
    ledger.notice(f"accused_{found.kind}", name=shown, homes=found.homes)
    return found.name


def _parse_fields(ledger, *, received=None, channel=None, township=None, name=None, category=None, summary=None,
                  id_number=None, phone=None, address=None, people=None, level=None, kind=None, major=None,
                  accused=None, point=None) -> dict:
    """Parse and check the case fields a clerk typed; None stays None (not given)."""
    from xinfang import parse

    ref = ledger.ref
    out = {
        "received": parse.parse_date(received, "--received") if received is not None else None,
        "channel": parse.choice(Channel, channel, "--channel") if channel is not None else None,
        "township": ref.township(township) if township is not None else None,
        "name": parse.parse_name(name, "--name") if name is not None else None,
        "category": ref.category(category) if category is not None else None,
        "summary": parse.parse_text(summary, "--summary", 4000) if summary is not None else None,
        "id_number": parse.parse_id_number(id_number, today=STATE.today) if id_number else None,
        "phone": parse.parse_phone(phone) if phone else None,
        "address": parse.parse_text(address, "--address", 200, required=False) if address else None,
        "people": parse.parse_count(people, "--people") if people is not None else None,
        "level": parse.choice(Level, level, "--level") if level is not None else None,
        "kind": parse.choice(Kind, kind, "--kind") if kind is not None else None,
        "major": major,
        "accused": _accused(ledger, accused) if accused else None,
        "point": ref.point(point) if point else None,
    }
    return out


@app.command()
def register(
    received: Annotated[str, typer.Option("--received")],
    channel: Annotated[str, typer.Option("--channel")],
    township: Annotated[str, typer.Option("--township")],
    name: Annotated[str, typer.Option("--name")],
    category: Annotated[str, typer.Option("--category")],
    summary: Annotated[str, typer.Option("--summary")],
    id_number: Annotated[Optional[str], typer.Option("--id-number")] = None,
    phone: Annotated[Optional[str], typer.Option("--phone")] = None,
    address: Annotated[Optional[str], typer.Option("--address")] = None,
    people: Annotated[int, typer.Option("--people")] = 1,
    level: Annotated[str, typer.Option("--level")] = "district",
    kind: Annotated[str, typer.Option("--kind")] = "grievance",
    major: Annotated[bool, typer.Option("--major")] = False,
    accused: Annotated[Optional[str], typer.Option("--accused")] = None,
    point: Annotated[Optional[str], typer.Option("--point")] = None,
    again: Annotated[bool, typer.Option("--again")] = False,
    json_: JsonOpt = False,
):
    """Register a letter or visit (登记). Derives collective, skip-level and repeat; starts the notice clock."""
    from xinfang.ledger.cases import probable_duplicates, register_case
    from xinfang.output import emit

    ledger = STATE.open()
    fields = _parse_fields(ledger, received=received, channel=channel, township=township, name=name,
                           category=category, summary=summary, id_number=id_number, phone=phone, address=address,
                           people=people, level=level, kind=kind, major=major, accused=accused, point=point)
    today = STATE.today
    if fields["point"]:
        staffed = ledger.ref.points[fields["point"]]["weekdays"].split(",")
        day = WEEKDAYS[fields["received"].weekday()]
        if day not in staffed:
            warn("warning.point_day", point=fields["point"], received=fields["received"],
                 staffed=tuple(Message.of(f"weekday.{WEEKDAYS.index(d)}") for d in staffed if d in WEEKDAYS),
                 day=Message.of(f"weekday.{WEEKDAYS.index(day)}"))
    if fields["kind"] == Kind.accusation and not fields["accused"]:
        warn("warning.accusation_unnamed")
    duplicates = probable_duplicates(ledger, fields)
    if duplicates and not again:
        _ask_again(duplicates, ledger.policy.duplicate_window_days)
    with ledger.write():
        result = register_case(ledger, fields, today)
    result["duplicates"] = duplicates
    from xinfang.messages import text as words

    lang = STATE.lang
    flags = [words(f"done.flag.{flag}", lang) for flag in ("collective", "skip_level") if result[flag]]
    if result["repeat_of"]:
        flags.append(words("done.flag.repeat_of", lang, case=result["repeat_of"]))
    msg = (words("done.registered_flags", lang, case=result["case"], flags=words("done.flag.separator", lang).join(flags))
           if flags else words("done.registered", lang, case=result["case"]))
    if result["final_case"]:
        msg = words("register.final", STATE.lang, case=result["case"], final=result["final_case"])
    emit(result, fmt(json_), STATE.lang, rows=result["deadlines"], columns=["clock", "due", "provisional"], message=msg)


def _ask_again(duplicates: list[str], days: int) -> None:
    """A probable duplicate: asked at a terminal, refused in a script (``--again`` says it is new)."""
    from xinfang.cli import ask_yes, at_keyboard
    from xinfang.errors import Refusal
    from xinfang.messages import text as words

    cases = tuple(duplicates)
    if not at_keyboard():
        raise Refusal("register.duplicate", cases=cases, days=days)
    if not ask_yes(words("register.duplicate.ask", STATE.lang, cases=cases, days=days)):
        raise Refusal("confirm.cancelled", command="register")


@app.command()
def assign(
    case: Annotated[str, typer.Argument()],
    unit: Annotated[str, typer.Option("--unit")],
    leader: Annotated[str, typer.Option("--leader")],
    joint: Annotated[Optional[List[str]], typer.Option("--joint")] = None,
    on: Annotated[Optional[str], typer.Option("--on")] = None,
    json_: JsonOpt = False,
):
    """Assign a case (交办) to a unit and a named leader; starts the reply/conclusion and handling clocks."""
    from xinfang import parse
    from xinfang.ledger.cases import assign_case
    from xinfang.ledger.protection import warn_handled_by_accused
    from xinfang.output import emit

    ledger = STATE.open()
    today = STATE.today
    day = parse.parse_date(on, "--on") if on else today
    unit_name = ledger.ref.unit(unit)
    joint_units = list(dict.fromkeys(ledger.ref.unit(j, "--joint") for j in (joint or [])))  # each once
    if unit_name in joint_units:
        joint_units.remove(unit_name)
    leader_name = parse.parse_text(leader, "--leader", 50)
    with ledger.write():
        result = assign_case(ledger, case, unit_name, leader_name, joint_units, day, today)
        warn_handled_by_accused(ledger, leader_name, unit_name)  # the leader, now one of the unit's, may be accused in another case
    from xinfang.messages import text as words

    msg = words("done.assigned", STATE.lang, case=result["case"], unit=unit_name, leader=leader_name)
    emit(result, fmt(json_), STATE.lang, rows=result["deadlines"], columns=["clock", "due", "provisional"], message=msg)


@app.command()
def reply(
    case: Annotated[str, typer.Argument()],
    on: Annotated[Optional[str], typer.Option("--on")] = None,
    summary: Annotated[str, typer.Option("--summary")] = "",
    written: Annotated[bool, typer.Option("--written")] = False,
    received_on: Annotated[Optional[str], typer.Option("--received-on")] = None,
    json_: JsonOpt = False,
):
    """Record a reply (答复): an interim reply, or with --written the written opinion (书面处理意见).
    Stops the reply clock; the review window (30 days) runs from the receipt of the written opinion."""
    from xinfang import parse
    from xinfang.ledger.cases import reply_case
    from xinfang.messages import text as words
    from xinfang.output import emit

    ledger = STATE.open()
    today = STATE.today
    received = parse.parse_date(received_on, "--received-on") if received_on else None
    receipt_only = received is not None and not written and not on and not summary
    day = None if receipt_only else (parse.parse_date(on, "--on") if on else today)
    text = None if receipt_only else parse.parse_text(summary, "--summary", 4000)
    with ledger.write():
        result = reply_case(ledger, case, day, text, today, written, received)
    window = result.get("review_window")
    code = "reply.receipt" if receipt_only else "reply.written" if written else "reply.done"
    message = words(code, STATE.lang, case=result["case"])
    if window:
        message += words("reply.window", STATE.lang, opens=window["opens"], closes=window["closes"])
    emit(result, fmt(json_), STATE.lang, message=message)


@app.command()
def accept(
    case: Annotated[str, typer.Argument()],
    told: Annotated[str, typer.Option("--told")],
    on: Annotated[Optional[str], typer.Option("--on")] = None,
    json_: JsonOpt = False,
):
    """Accept a case (受理) and record how the petitioner was told: meets the 15-day notice clock
    and starts the 60-day handling clock."""
    from xinfang import parse
    from xinfang.ledger.cases import accept_case
    from xinfang.messages import text as words
    from xinfang.model import Told
    from xinfang.output import emit

    ledger = STATE.open()
    today = STATE.today
    day = parse.parse_date(on, "--on") if on else today
    how = parse.choice(Told, told, "--told")
    with ledger.write():
        result = accept_case(ledger, case, day, how, today)
    emit(result, fmt(json_), STATE.lang, rows=result["deadlines"], columns=["clock", "due", "provisional"],
         message=words("accept.done", STATE.lang, case=result["case"], told=how))


@app.command()
def decline(
    case: Annotated[str, typer.Argument()],
    ground: Annotated[str, typer.Option("--ground")],
    reason: Annotated[str, typer.Option("--reason")],
    on: Annotated[Optional[str], typer.Option("--on")] = None,
    json_: JsonOpt = False,
):
    """Decline a case (不予受理, 条例 art. 31): the petitioner is told in writing which route the matter
    belongs to. Meets the notice clock; the case counts in no ranking and no deposit."""
    from xinfang import parse
    from xinfang.ledger.cases import decline_case
    from xinfang.messages import text as words
    from xinfang.model import DeclineGround
    from xinfang.output import emit

    ledger = STATE.open()
    today = STATE.today
    day = parse.parse_date(on, "--on") if on else today
    why = parse.choice(DeclineGround, ground, "--ground")
    text = parse.parse_text(reason, "--reason", 1000)
    with ledger.write():
        result = decline_case(ledger, case, day, why, text, today)
    emit(result, fmt(json_), STATE.lang, message=words("decline.done", STATE.lang, case=result["case"], ground=why))


@app.command("object")
def object_(
    case: Annotated[str, typer.Argument()],
    reason: Annotated[str, typer.Option("--reason")],
    on: Annotated[Optional[str], typer.Option("--on")] = None,
    json_: JsonOpt = False,
):
    """The responsible unit objects to a wrong assignment (异议, 条例 art. 23 §3), within 5 working
    days of it: the assignment's clocks stop and the case is assigned again."""
    from xinfang import parse
    from xinfang.ledger.cases import object_case
    from xinfang.messages import text as words
    from xinfang.output import emit

    ledger = STATE.open()
    today = STATE.today
    day = parse.parse_date(on, "--on") if on else today
    text = parse.parse_text(reason, "--reason", 1000)
    with ledger.write():
        result = object_case(ledger, case, day, text, today)
    emit(result, fmt(json_), STATE.lang, message=words("object.done", STATE.lang, case=result["case"],
                                                        unit=result["unit"]))


@app.command()
def resolve(
    case: Annotated[str, typer.Argument()],
    outcome: Annotated[str, typer.Option("--outcome")],
    summary: Annotated[str, typer.Option("--summary")],
    on: Annotated[Optional[str], typer.Option("--on")] = None,
    signed: Annotated[bool, typer.Option("--signed")] = False,
    satisfaction: Annotated[Optional[str], typer.Option("--satisfaction")] = None,
    cease_agreement: Annotated[bool, typer.Option("--cease-agreement")] = False,
    json_: JsonOpt = False,
):
    """Close a case (办结/息访); records whether each clock was met (on_time)."""
    from xinfang import parse
    from xinfang.ledger.cases import resolve_case
    from xinfang.output import emit

    ledger = STATE.open()
    today = STATE.today
    day = parse.parse_date(on, "--on") if on else today
    result_outcome = parse.choice(Outcome, outcome, "--outcome")
    sat = parse.choice(Satisfaction, satisfaction, "--satisfaction") if satisfaction else None
    text = parse.parse_text(summary, "--summary", 4000)
    with ledger.write():
        result = resolve_case(ledger, case, day, result_outcome, text, signed, sat, cease_agreement, today)
    from xinfang.messages import text as words

    msg = words("done.resolved_on_time" if result["on_time"] else "done.resolved_late", STATE.lang, case=result["case"])
    emit(result, fmt(json_), STATE.lang, rows=result["clocks"], columns=["clock", "met"], message=msg)


@app.command()
def transfer(
    case: Annotated[str, typer.Argument()],
    to: Annotated[str, typer.Option("--to")],
    reason: Annotated[str, typer.Option("--reason")],
    on: Annotated[Optional[str], typer.Option("--on")] = None,
    json_: JsonOpt = False,
):
    """Transfer a case (转送) to another body; its clocks stop."""
    from xinfang import parse
    from xinfang.ledger.cases import transfer_case
    from xinfang.output import emit

    ledger = STATE.open()
    today = STATE.today
    day = parse.parse_date(on, "--on") if on else today
    body = parse.parse_text(to, "--to", 100)
    why = parse.parse_text(reason, "--reason", 1000)
    with ledger.write():
        result = transfer_case(ledger, case, body, day, why, today)
    emit(result, fmt(json_), STATE.lang,
         message=_words("done.transferred", case=result["case"], body=result["to"]))


@app.command()
def correct(
    case: Annotated[str, typer.Argument()],
    reason: Annotated[str, typer.Option("--reason")],
    received: Annotated[Optional[str], typer.Option("--received")] = None,
    channel: Annotated[Optional[str], typer.Option("--channel")] = None,
    township: Annotated[Optional[str], typer.Option("--township")] = None,
    name: Annotated[Optional[str], typer.Option("--name")] = None,
    category: Annotated[Optional[str], typer.Option("--category")] = None,
    id_number: Annotated[Optional[str], typer.Option("--id-number")] = None,
    phone: Annotated[Optional[str], typer.Option("--phone")] = None,
    address: Annotated[Optional[str], typer.Option("--address")] = None,
    people: Annotated[Optional[int], typer.Option("--people")] = None,
    level: Annotated[Optional[str], typer.Option("--level")] = None,
    kind: Annotated[Optional[str], typer.Option("--kind")] = None,
    major: Annotated[Optional[bool], typer.Option("--major/--general")] = None,
    accused: Annotated[Optional[str], typer.Option("--accused")] = None,
    summary: Annotated[Optional[str], typer.Option("--summary")] = None,
    point: Annotated[Optional[str], typer.Option("--point")] = None,
    reply: Annotated[Optional[str], typer.Option("--reply")] = None,
    outcome: Annotated[Optional[str], typer.Option("--outcome")] = None,
    satisfaction: Annotated[Optional[str], typer.Option("--satisfaction")] = None,
    reveal: RevealOpt = False,
    json_: JsonOpt = False,
):
    """Correct a case's registered facts. Nothing is overwritten silently: each change is a new event,
    and deposits follow (deductions posted or reversed)."""
    from xinfang import parse
    from xinfang.ledger.cases import correct_case
    from xinfang.output import display, emit, label

    ledger = STATE.open()
    today = STATE.today
    fields = _parse_fields(ledger, received=received, channel=channel, township=township, name=name,
                           category=category, id_number=id_number, phone=phone, address=address, people=people,
                           level=level, kind=kind, major=major, accused=accused, summary=summary, point=point)
    fields["outcome"] = parse.choice(Outcome, outcome, "--outcome") if outcome is not None else None
    fields["satisfaction"] = (parse.choice(Satisfaction, satisfaction, "--satisfaction")
                              if satisfaction is not None else None)
    told = parse.parse_text(reply, "--reply", 4000) if reply is not None else None
    why = parse.parse_text(reason, "--reason", 1000)
    with ledger.write():
        result = correct_case(ledger, case, fields, why, today, told)
        if reveal:
            from xinfang.ledger.reveals import record_reveal

            record_reveal(ledger, "correct", [result["case"]])
    if not reveal:
        result["changed"] = {k: _masked(k, v) for k, v in result["changed"].items()}
    lang = STATE.lang

    def shown(key: str, value):  # as ``show`` words a field: its label, 是/否, labels not keys
        return ledger.ref.category_label(value, lang) if key == "category" and value else display(key, value, lang)

    rows = [{"field": label(k, lang), "old": shown(k, v[0]), "new": shown(k, v[1])}
            for k, v in result["changed"].items()]
    emit(result, fmt(json_), lang, rows=rows, columns=["field", "old", "new"],
         message=_words("done.corrected", case=result["case"]))


@app.command()
def void(
    case: Annotated[str, typer.Argument()],
    reason: Annotated[str, typer.Option("--reason")],
    on: Annotated[Optional[str], typer.Option("--on")] = None,
    yes: YesOpt = False,
    json_: JsonOpt = False,
):
    """Void a case registered by mistake (作废): it leaves every count (ranking, deposits, overdue,
    bulletin, rates) and stays in the history as 已作废. Only a case not yet answered (registered,
    accepted, assigned) or a 不再受理 entry; correct the facts of any other with 'xinfang correct'."""
    from xinfang import parse
    from xinfang.ledger.cases import get_case, void_case
    from xinfang.ledger.lifecycle import case_state, decide
    from xinfang.messages import text as words
    from xinfang.output import emit
    from xinfang.personal import mask_text
    from xinfang.rules.lifecycle import Void

    ledger = STATE.open()
    today = STATE.today
    day = parse.parse_date(on, "--on") if on else today
    why = parse.parse_text(reason, "--reason", 1000)
    row = get_case(ledger, case)
    decide(ledger, case_state(ledger, row), Void(day, why), today)  # refused before asking
    confirm(yes, f"void {row['number']}", "void.confirm", case=row["number"], name=mask_text(row["name"]),
            township=row["township"], status=Status(row["status"]))
    with ledger.write():
        result = void_case(ledger, row["number"], day, why, today)
    emit(result, fmt(json_), STATE.lang,
         message=words("void.done", STATE.lang, case=result["case"], was=Status(result["was"])))


@app.command()
def show(
    case: Annotated[str, typer.Argument()],
    reveal: RevealOpt = False,
    json_: JsonOpt = False,
    csv_: Annotated[bool, typer.Option("--csv")] = False,
):
    """Show one case: its facts, clocks and full history (who, when, what, old → new)."""
    from xinfang.ledger.cases import case_history, get_case
    from xinfang.ledger.clocks import case_deadlines
    from xinfang.output import console, display, emit, history_rows, label, mask, table

    from xinfang.ledger.reveals import reveal_events

    ledger = STATE.open()
    row = get_case(ledger, case)
    revealed(ledger, "show", [row["number"]] if reveal else [])
    row = mask(row, reveal)
    history = sorted(case_history(ledger, row["number"]) + reveal_events(ledger, row["number"]), key=lambda e: e["id"])
    if not reveal:
        history = [_mask_event(e) for e in history]
    clocks = case_deadlines(ledger, row["number"])
    data = {"case": row["number"], **{k: v for k, v in row.items() if k != "number"},
            "deadlines": clocks, "history": history}
    for key in ("major", "collective", "skip_level", "signed", "cease_agreement", "initial"):
        if data.get(key) is not None:
            data[key] = bool(data[key])
    if json_ or csv_:
        fmt(json_, csv_)  # not both
    if json_:
        emit(data, "json", STATE.lang)
        return
    lang = STATE.lang
    if csv_:
        rows = [{**e, "case": row["number"]} for e in history]
        emit(rows, "csv", lang, rows=history_rows(rows, lang) if lang == "zh" else rows,
             columns=["case", "at", "who", "action", "field", "old", "new", "note"])
        return
    con = console()
    fields = [k for k in row if k not in ("year", "seq", "month") and row[k] not in (None, "")]
    row["category"] = ledger.ref.category_label(row["category"], lang)
    con.print(table([{"field": label(k, lang), "value": display(k, row[k], lang)} for k in fields],
                    ["field", "value"], lang, title=f"{row['number']}"))
    if clocks:
        con.print()  # the facts, the clocks and the history apart
        con.print(table(clocks, ["clock", "start", "due", "provisional", "done_on", "met"], lang))
    history = history_rows([{**e, "at": _local_minute(e["at"])} for e in history], lang, ledger.ref.category_label)
    con.print()
    con.print(table(history, ["at", "who", "action", "field", "old", "new", "note"], lang))


def _local_minute(stamp: str) -> str:
    import datetime as dt

    return dt.datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")


def _masked(field: str, pair):
    """An (old, new) pair of ``field`` as shown without --reveal."""
    from xinfang.personal import masked

    return masked(field, pair[0]), masked(field, pair[1])


def _mask_event(event: dict) -> dict:
    """A history row as shown without --reveal: the numbers in its values and in its note masked."""
    from xinfang.personal import mask_note

    if event["action"] in ("register", "import") and event["field"] is None and event["new"]:
        import json

        from xinfang.output import mask

        new = json.dumps(mask(json.loads(event["new"]), False), ensure_ascii=False)
        return {**event, "new": new, "note": mask_note(event["note"])}
    old, new = _masked(event["field"], (event["old"], event["new"]))
    return {**event, "old": old, "new": new, "note": mask_note(event["note"])}


@app.command("cases")
def cases_(
    township: Annotated[Optional[str], typer.Option("--township")] = None,
    status: Annotated[Optional[str], typer.Option("--status")] = None,
    month: Annotated[Optional[str], typer.Option("--month")] = None,
    unit: Annotated[Optional[str], typer.Option("--unit")] = None,
    level: Annotated[Optional[str], typer.Option("--level")] = None,
    open_only: Annotated[bool, typer.Option("--open")] = False,
    limit: Annotated[Optional[int], typer.Option("--limit", min=1, max=LIMIT_MAX)] = None,
    name: Annotated[Optional[str], typer.Option("--name")] = None,
    id_number: Annotated[Optional[str], typer.Option("--id-number")] = None,
    phone: Annotated[Optional[str], typer.Option("--phone")] = None,
    text: Annotated[Optional[str], typer.Option("--text")] = None,
    reveal: RevealOpt = False,
    json_: JsonOpt = False,
    csv_: CsvOpt = False,
):
    """List cases, filtered; find a petitioner's cases by name, ID number, phone or words. ID numbers
    and phones are masked unless --reveal. A name or word never finds an accusation against whom it names."""
    from xinfang import parse
    from xinfang.ledger.cases import list_cases
    from xinfang.output import emit, mask

    ledger = STATE.open()
    words = tuple(dict.fromkeys(parse.parse_text(text, "--text", 200).split())) if text is not None else ()
    rows = list_cases(
        ledger,
        township=ledger.ref.township(township) if township else None,
        status=parse.choice(Status, status, "--status") if status else None,
        month=parse.parse_month(month) if month else None,
        unit=ledger.ref.unit(unit) if unit else None,
        level=parse.choice(Level, level, "--level") if level else None,
        open_only=open_only, limit=limit,
        name=parse.parse_name(name, "--name") if name is not None else None,
        id_number=parse.parse_id_number(id_number, today=STATE.today) if id_number is not None else None,
        phone=parse.parse_phone(phone) if phone is not None else None,
        words=words,
    )
    revealed(ledger, "cases", [r["number"] for r in rows] if reveal else [])
    out = []
    for r in rows:
        r = mask(r, reveal)
        r["case"] = r.pop("number")
        for key in ("major", "collective", "skip_level", "signed", "cease_agreement", "initial"):
            if r.get(key) is not None:
                r[key] = bool(r[key])
        out.append(r)
    columns = ["case", *LIST_COLUMNS[1:]]
    if not json_ and (not csv_ or STATE.lang == "zh"):  # the English CSV keeps the stable keys
        for r in out:
            r["category"] = ledger.ref.category_label(r["category"], STATE.lang)
    if csv_:
        columns = ["case", "received", "channel", "point", "township", "name", "id_number", "phone", "address",
                   "people", "level", "kind", "category", "major", "summary", "accused", "collective", "skip_level",
                   "repeat_of", "status", "unit", "leader", "assigned_on", "replied_on", "closed_on"]
    emit(out, fmt(json_, csv_), STATE.lang, columns=columns)


def _words(code: str, **params: object) -> str:
    """The catalogue's message ``code`` in the user's language."""
    from xinfang.messages import text

    return text(code, STATE.lang, **params)
