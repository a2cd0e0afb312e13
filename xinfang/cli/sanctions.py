"""Sanctions (制裁): the month's proposed measures, and confirm/dismiss/lift/check of a measure."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from xinfang.cli import STATE, CsvOpt, JsonOpt, YesOpt, app, fmt

SANCTION_COLUMNS = ["id", "township", "sanction", "status", "start", "end", "effects", "trigger"]
# On screen a measure's triggers are listed one a line, each with its own id (what confirm, dismiss
# and lift take).
SANCTION_TABLE_COLUMNS = ["township", "sanction", "status", "start", "end", "effects", "triggers"]


sanctions_app = typer.Typer(
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(sanctions_app, name="sanctions")


def _table_rows(items: list[dict], lang: str) -> list[dict]:
    """Sanctions as a person reads them: statuses and effects in the chosen language, a measure's
    triggers one a line with their ids."""
    from xinfang.messages import text
    from xinfang.model import Action, SanctionKind, SanctionStatus

    def line(t: dict) -> str:
        return text("sanction.trigger_line", lang, id=t["id"], status=SanctionStatus(t["status"]), trigger=t["trigger"])

    return [{**s, "status": SanctionStatus(s["status"]).label(lang), "sanction": SanctionKind(s["sanction"]).label(lang),
             "effects": [Action(a).label(lang) for a in s["effects"]],
             "triggers": "\n".join(line(t) for t in s["triggers"])} for s in items]


def _worded_measure(row: dict, lang: str) -> dict:
    """A listed measure with its triggers worded: each trigger's own, and all of them joined."""
    from xinfang.messages import text, wording

    def one(t: dict) -> str:
        said = wording(t["trigger"], lang)
        if t.get("lifted_on"):
            said += text("sanction.lifted_by", lang, on=t["lifted_on"], reason=t.get("lift_reason") or "")
        return said

    triggers = [{**t, "trigger": one(t)} for t in row["triggers"]]
    return {**row, "trigger": text("sanction.triggers.separator", lang).join(t["trigger"] for t in triggers),
            "triggers": triggers}


@sanctions_app.callback(invoke_without_command=True)
def sanctions(
    ctx: typer.Context,
    month: Annotated[Optional[str], typer.Option("--month")] = None,
    json_: JsonOpt = False,
    csv_: CsvOpt = False,
):
    """List sanctions in force and proposed, one row per township and measure with its triggers
    inside: one-vote veto (一票否决) and key management (重点管理) from published rankings; key
    management for a serious incident, chronic township (信访老大难), summons (召见谈话) and
    admonishment (诫勉谈话) proposed from the cases, with the decision recorded on each."""
    if ctx.invoked_subcommand is not None:
        return
    from xinfang import parse
    from xinfang.ledger.sanctions import list_sanctions
    from xinfang.output import emit

    out = fmt(json_, csv_)
    the_month = parse.parse_month(month) if month else None
    ledger = STATE.open()
    items = [_worded_measure(s, STATE.lang) for s in list_sanctions(ledger, STATE.today, the_month)]
    columns = SANCTION_COLUMNS + ["months", "cases"]
    if out == "table":
        emit(items, out, STATE.lang, rows=_table_rows(items, STATE.lang), columns=SANCTION_TABLE_COLUMNS)
    elif out == "csv" and STATE.lang == "zh":  # statuses and effects worded, as on screen
        emit(items, out, STATE.lang, rows=[{**s, **{k: r[k] for k in ("status", "effects")}}
                                           for s, r in zip(items, _table_rows(items, STATE.lang))], columns=columns)
    else:
        emit(items, out, STATE.lang, columns=columns)


IdArg = Annotated[str, typer.Argument()]


@sanctions_app.command()
def confirm(
    id_: IdArg,
    reason: Annotated[Optional[str], typer.Option("--reason")] = None,
    yes: YesOpt = False,
    json_: JsonOpt = False,
):
    """Confirm a proposed sanction: from now on it binds (e.g. auctions stop for a chronic township)."""
    _decide(id_, "confirmed", reason, json_, yes)


@sanctions_app.command()
def dismiss(
    id_: IdArg,
    reason: Annotated[Optional[str], typer.Option("--reason")] = None,
    yes: YesOpt = False,
    json_: JsonOpt = False,
):
    """Dismiss a proposed sanction, with a reason; it never binds, and is not confirmed later."""
    _decide(id_, "dismissed", reason, json_, yes)


@sanctions_app.command()
def lift(
    id_: IdArg,
    reason: Annotated[Optional[str], typer.Option("--reason")] = None,
    json_: JsonOpt = False,
):
    """Lift a sanction that binds (in force, or confirmed) from today on, by a recorded decision with
    a reason; it stays listed, as lifted."""
    from xinfang import parse
    from xinfang.ledger.sanctions import lift as lift_sanction
    from xinfang.messages import text
    from xinfang.output import emit

    why = parse.parse_text(reason, "--reason", 1000, required=False) if reason else None
    ledger = STATE.open()
    with ledger.write():
        result = lift_sanction(ledger, id_, why, STATE.today)
    emit(result, fmt(json_), STATE.lang, message=text("sanction.lift.done", STATE.lang, key=result["id"],
                                                      reason=result["reason"]))


def _decide(key: str, status: str, reason: str | None, json_: bool, yes: bool) -> None:
    """Record a decision on a proposed sanction: it is final either way, so it is asked for unless
    ``yes`` — once what the ledger would refuse has been refused (nothing to ask about then)."""
    from xinfang import parse
    from xinfang.ledger.sanctions import check_decision, decide
    from xinfang.model import SanctionStatus
    from xinfang.output import emit

    why = parse.parse_text(reason, "--reason", 1000, required=False) if reason else None
    ledger = STATE.open()
    today = STATE.today
    if not yes:
        from xinfang.cli import confirm as ask

        check_decision(ledger, key, SanctionStatus(status), why, today)
        if status == "confirmed":
            ask(yes, "sanctions confirm", "sanction.confirm", id=key)
        else:
            ask(yes, "sanctions dismiss", "sanction.dismiss.confirm", id=key)
    with ledger.write():
        result = decide(ledger, key, SanctionStatus(status), why, today)
    label = SanctionStatus(status).label(STATE.lang)
    from xinfang.messages import text

    emit(result, fmt(json_), STATE.lang, message=text("problem.at", STATE.lang, where=result["id"], problem=label))


@sanctions_app.command()
def check(
    township: Annotated[str, typer.Argument()],
    action: Annotated[str, typer.Option("--action")],
    on: Annotated[Optional[str], typer.Option("--on")] = None,
    json_: JsonOpt = False,
):
    """May a township get a land approval, an auction or an award on a date? An answer, not an error:
    exits 0 either way and names every sanction that stands in the way."""
    from xinfang import parse
    from xinfang.ledger.sanctions import check as check_township
    from xinfang.messages import wording
    from xinfang.model import Action, Message
    from xinfang.output import emit

    the_action = parse.choice(Action, action, "--action")
    ledger = STATE.open()
    today = STATE.today
    day = parse.parse_date(on, "--on") if on else today
    name = ledger.ref.township(township, Message.of("metavar.TOWNSHIP"))  # the argument as its help names it
    result = check_township(ledger, name, the_action, day, today)
    result = {**result, "reasons": [wording(r, STATE.lang) for r in result["reasons"]]}
    from xinfang.messages import text

    what = the_action.label(STATE.lang)
    if result["allowed"]:
        message = text("check.allowed", STATE.lang, town=name, on=result["on"], what=what)
    else:
        message = text("check.refused", STATE.lang, town=name, on=result["on"], what=what)
        message += "".join(f"\n  - {r}" for r in result["reasons"])
    emit(result, fmt(json_), STATE.lang, message=message)
