"""officials, deposits and rewards: who holds which post, the deposit ledger (信访保证金) and its
year-end settlement, the no-petition reward pool."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from xinfang.cli import STATE, CsvOpt, JsonOpt, YesOpt, app, confirm, fmt
from xinfang.messages import named, text

officials_app = typer.Typer(
    no_args_is_help=True, rich_markup_mode=None)
deposits_app = typer.Typer(
    no_args_is_help=True, rich_markup_mode=None)
app.add_typer(officials_app, name="officials")
app.add_typer(deposits_app, name="deposits")

YearOpt = Annotated[Optional[int], typer.Option("--year")]
OfficialOpt = Annotated[Optional[str], typer.Option("--official")]
SHOWN_PROBLEMS = 20
MONEY = ("paid", "deducted", "balance", "refunded", "rewarded", "shortfall", "refund", "reward", "amount", "share")


def _year(value: int | None) -> int | None:
    from xinfang.parse import parse_year

    return parse_year(value) if value is not None else None


def _money_cells(row: dict) -> dict:
    """Amounts as a clerk reads them: 9,500.00."""
    return {k: (f"{v:,.2f}" if k in MONEY and isinstance(v, (int, float)) else v) for k, v in row.items()}


def _kind_label(kind: str) -> str:
    return named("deposit.kind", kind, STATE.lang)


def _zh() -> bool:
    return STATE.lang == "zh"


# ---------------------------------------------------------------------------------------------
# officials


@officials_app.command("add")
def officials_add(
    township: Annotated[str, typer.Option("--township")],
    role: Annotated[str, typer.Option("--role")],
    name: Annotated[str, typer.Option("--name")],
    start: Annotated[str, typer.Option("--from")],
    end: Annotated[Optional[str], typer.Option("--to")] = None,
    json_: JsonOpt = False,
):
    """Record who holds a post from when. A holder of the same post whose open term began earlier
    is closed the day before (recorded in the history); any other overlap is refused. Cases are
    charged to the officials in post on their received date."""
    from xinfang import parse
    from xinfang.ledger.deposits import load_settled_years, reconcile_deposits
    from xinfang.ledger.officials import add_official
    from xinfang.ledger.protection import warn_handled_by_accused
    from xinfang.model import Role
    from xinfang.output import emit

    ledger = STATE.open()
    today = STATE.today
    town = ledger.ref.township(township)
    post = parse.choice(Role, role, "--role")
    who = parse.parse_text(name, "--name", 50)
    first = parse.parse_date(start, "--from")
    last = parse.parse_date(end, "--to") if end else None
    with ledger.write():
        result = add_official(ledger, town, post, who, first, last, today, load_settled_years(ledger))
        result["posted"] = reconcile_deposits(ledger, today, town)
        warn_handled_by_accused(ledger, who, town)
    o = result["official"]
    lang = STATE.lang
    msg = text("officials.added_until" if o["to"] else "officials.added", lang, township=o["township"], role=post,
               name=o["name"], start=o["from"], end=o["to"] or "")
    msg += "".join(text("officials.term_ends_also", lang, name=c["name"], end=c["to"]) for c in result["closed"])
    if result["posted"]:
        msg += text("officials.posted", lang, n=len(result["posted"]))
    emit(result, fmt(json_), STATE.lang, message=msg)


@officials_app.command("list")
def officials_list(
    township: Annotated[Optional[str], typer.Option("--township")] = None,
    json_: JsonOpt = False,
    csv_: CsvOpt = False,
):
    """List the terms of office: township, post, name, from, to, and whether in post today."""
    from xinfang.ledger.officials import list_officials
    from xinfang.output import emit

    ledger = STATE.open()
    town = ledger.ref.township(township) if township else None
    rows = list_officials(ledger, town, STATE.today)
    table = [{**r, "official": r["name"]} for r in rows]
    columns = ["official", "township", "role", "from", "to", "in_post"]
    emit(rows, fmt(json_, csv_), STATE.lang, rows=table if not json_ else None, columns=columns)


@officials_app.command("end")
def officials_end(
    name: Annotated[str, typer.Argument()],
    on: Annotated[str, typer.Option("--on")],
    reason: Annotated[Optional[str], typer.Option("--reason")] = None,
    json_: JsonOpt = False,
):
    """End an official's term: --on is the last day in post. Deductions follow (cases received
    after it are no longer theirs)."""
    from xinfang import parse
    from xinfang.ledger.deposits import load_settled_years, reconcile_deposits
    from xinfang.ledger.officials import end_official
    from xinfang.output import emit

    ledger = STATE.open()
    today = STATE.today
    day = parse.parse_date(on, "--on")
    why = parse.parse_text(reason, "--reason", 1000, required=False)
    with ledger.write():
        result = end_official(ledger, name, day, today, load_settled_years(ledger), why)
        result["posted"] = reconcile_deposits(ledger, today, result["official"]["township"])
    o = result["official"]
    emit(result, fmt(json_), STATE.lang, message=text("officials.term_ends", STATE.lang, name=o["name"], end=o["to"]))


# ---------------------------------------------------------------------------------------------
# deposits


@deposits_app.command("pay")
def deposits_pay(
    official: Annotated[str, typer.Option("--official")],
    amount: Annotated[str, typer.Option("--amount")],
    on: Annotated[Optional[str], typer.Option("--on")] = None,
    year: Annotated[Optional[int], typer.Option("--year")] = None,
    json_: JsonOpt = False,
):
    """Record a personal deposit payment (never from unit funds). Deductions the balance could not
    cover before are taken from it."""
    from xinfang import parse
    from xinfang.ledger.deposits import pay_deposit
    from xinfang.output import emit

    ledger = STATE.open()
    today = STATE.today
    fen = parse.parse_amount_fen(amount, "--amount")
    day = parse.parse_date(on, "--on") if on else today
    with ledger.write():
        result = pay_deposit(ledger, official, fen, day, _year(year), today)
    e = result["entry"]
    msg = text("deposits.paid", STATE.lang, official=e["official"], year=result["year"], amount=e["amount"],
               balance=result["balance"])
    if result["posted"]:
        msg += text("deposits.deductions_taken", STATE.lang, n=len(result["posted"]))
    emit(result, fmt(json_), STATE.lang, message=msg)


@deposits_app.command("statement")
def deposits_statement(
    official: OfficialOpt = None,
    year: YearOpt = None,
    json_: JsonOpt = False,
    csv_: CsvOpt = False,
):
    """Each official's account: paid, deducted (net of reversals), refunded, rewarded, balance,
    shortfall, exhausted, and the cases behind the deductions."""
    from xinfang.ledger.deposits import statement_rows
    from xinfang.parse import begun_year
    from xinfang.output import emit

    ledger = STATE.open()
    # next year's deposits may be paid ahead: its statement can be read, not one of the years after
    rows = statement_rows(ledger, official, begun_year(year, STATE.today, ahead=1) if year is not None else None)
    columns = ["official", "township", "role", "paid", "deducted", "refunded", "rewarded", "balance", "shortfall",
               "exhausted", "charged"]
    table = [{**r, "charged": r["cases"] + ([text("protection.withheld", STATE.lang, n=r["withheld"])]
                                            if r["withheld"] else [])} for r in rows]
    if any(r["adjustments"] for r in rows):  # charges recorded after their year was settled
        columns.append("adjustments")
        table = [{**r, "adjustments": [f"{a['case']} {a['amount']:.2f}" for a in r["adjustments"]]} for r in table]
    if not csv_:
        table = [_money_cells(r) for r in table]
    title = text("deposits.year_title", STATE.lang, year=year) if year else None
    emit(rows, fmt(json_, csv_), STATE.lang, rows=table, columns=columns, title=title)


@deposits_app.command("settle")
def deposits_settle(
    year: Annotated[int, typer.Option("--year")],
    yes: YesOpt = False,
    json_: JsonOpt = False,
):
    """Year-end settlement: take the deductions still owed, refund each remaining balance, pay the
    reward where the township had no skip-level case. A year is settled once."""
    import sys

    from xinfang.ledger.deposits import settle_deposits
    from xinfang.output import emit

    ledger = STATE.open()
    today = STATE.today
    y = _year(year)
    confirm(yes, "deposits settle", "settle.confirm", year=y)
    with ledger.write():
        result = settle_deposits(ledger, y, today)
    t = result["totals"]
    msg = text("deposits.settled", STATE.lang, year=y, n=len(result["rows"]), refund=t["refund"], reward=t["reward"])
    missing = result["townships_without_officials"]
    if missing and not json_:
        shown = tuple(missing[:10])
        sys.stderr.write(text("deposits.no_officials", STATE.lang, n=len(missing), townships=shown,
                              more="…" if len(missing) > 10 else "") + "\n")
    emit(result, fmt(json_), STATE.lang, rows=[_money_cells(r) for r in result["rows"]],
         columns=["official", "township", "role", "paid", "deducted", "refund", "reward", "exhausted"], message=msg)


@deposits_app.command("check")
def deposits_check(json_: JsonOpt = False):
    """Balance assertions over the deposit ledger: replayed amounts against the balances recorded
    with the entries ("expected X, found Y, difference Z"). Exits 1 when anything is wrong. The
    entries' hash chain and append-only guards are checked by 'audit verify'."""
    import sys

    from xinfang.ledger.deposits import check_deposits
    from xinfang.output import emit

    ledger = STATE.open()
    result = check_deposits(ledger)
    findings = result.pop("findings")
    if json_:
        emit(result, "json", STATE.lang)
    elif result["ok"]:
        print(text("deposits.balanced", STATE.lang, entries=result["entries"], officials=result["officials"]))
    else:
        from xinfang.messages import wording

        lines = [text("audit.problems", STATE.lang, n=len(findings))]
        lines += [f"  {wording(p, STATE.lang)}" for p in findings[:SHOWN_PROBLEMS]]
        if len(findings) > SHOWN_PROBLEMS:
            lines.append("  " + text("deposits.more_problems", STATE.lang, n=len(findings) - SHOWN_PROBLEMS))
        sys.stderr.write("\n".join(lines) + "\n")
    if not result["ok"]:
        raise typer.Exit(1)


@deposits_app.command("entries")
def deposits_entries(
    official: OfficialOpt = None,
    year: YearOpt = None,
    case: Annotated[Optional[str], typer.Option("--case")] = None,
    json_: JsonOpt = False,
    csv_: CsvOpt = False,
):
    """The deposit entries themselves, in posting order: never edited, corrections are new entries."""
    from xinfang.ledger.cases import find_number
    from xinfang.ledger.deposits import list_entries
    from xinfang.ledger.officials import find_official
    from xinfang.output import emit

    ledger = STATE.open()
    name = find_official(ledger, official)[0]["name"] if official else None
    rows = list_entries(ledger, name, _year(year), find_number(ledger, case) if case else None)
    columns = ["entry", "on", "official", "kind", "amount", "case", "year", "note"]
    table = None if json_ else [{**r, "kind": _kind_label(r["kind"]), "note": entry_note(r["note"], STATE.lang)}
                                for r in rows] if _zh() or not csv_ else rows
    if not (json_ or csv_):
        table = [_money_cells(r) for r in table]
    emit(rows, fmt(json_, csv_), STATE.lang, rows=table, columns=columns)


# The notes the program writes on a deposit entry (stored in English, stable: 'deposits check' reads
# the balance back), as (pattern, catalogue code); the balance a note ends with, apart.
_ENTRY_NOTES = (
    (r"deposit (?P<year>\d{4})", "deposits.note.deposit"),
    (r"case (?P<case>\S+): deduction, shortfall (?P<amount>-?[\d.]+)", "deposits.note.deduction_short"),
    (r"case (?P<case>\S+): deduction", "deposits.note.deduction"),
    (r"year (?P<year>\d{4}) settlement: refund", "deposits.note.refund"),
    (r"year (?P<year>\d{4}) settlement: deposit exhausted", "deposits.note.exhausted"),
    (r"year (?P<year>\d{4}) settlement: no skip-level case", "deposits.note.reward"),
    (r"after the (?P<year>\d{4}) settlement: (?P<amount>-?[\d.]+) not deducted from the settled year",
     "deposits.note.after_settlement"),
)
_BALANCE = r"; balance (?P<year>\d{4}): (?P<amount>-?[\d.]+)"


def entry_note(note: str | None, lang: str) -> str | None:
    """A deposit entry's note in the reader's language when the program wrote it; a note a person
    typed as it is."""
    import re

    if not note or lang == "en":
        return note
    body, balance = note, ""
    tail = re.search(_BALANCE + "$", note)
    if tail:
        body, balance = note[:tail.start()], text("deposits.note.balance", lang, **tail.groupdict())
    for pattern, code in _ENTRY_NOTES:
        found = re.fullmatch(pattern, body)
        if found:
            return text(code, lang, **found.groupdict()) + balance
    return note


def _rewards(year: int, json_: bool, csv_: bool = False) -> None:
    from xinfang.ledger.deposits import no_petition_rewards
    from xinfang.output import emit

    from xinfang.parse import begun_year

    ledger = STATE.open()
    result = no_petition_rewards(ledger, begun_year(year, STATE.today), STATE.today)
    n = len(result["townships"])
    msg = text("rewards.shared", STATE.lang, year=year, n=n, pool=result["pool"], share=result["share"],
               remainder=result["remainder"])
    if result["provisional"]:
        msg += text("rewards.provisional", STATE.lang)
    if csv_:
        emit(result, "csv", STATE.lang, rows=result["townships"], columns=["township", "share"])
        return
    emit(result, fmt(json_), STATE.lang, rows=[_money_cells(r) for r in result["townships"]],
         columns=["township", "share"], message=msg)


@deposits_app.command("rewards")
def deposits_rewards(
    year: Annotated[int, typer.Option("--year")],
    json_: JsonOpt = False,
    csv_: CsvOpt = False,
):
    """Townships with no land petition in the year: their equal share of the special reward pool
    and the priority land-supply list (same as 'xinfang rewards')."""
    _rewards(year, json_, csv_)


@app.command("rewards")
def rewards(
    year: Annotated[int, typer.Option("--year")],
    json_: JsonOpt = False,
    csv_: CsvOpt = False,
):
    """Townships with no land petition in the year share the special reward pool and are listed
    for priority land supply."""
    _rewards(year, json_, csv_)
