"""Deadlines: the supervision list (overdue), extensions (extend), review and re-review (review),
and the working calendar kept in the ledger (calendar load / calendar show)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from xinfang.cli import STATE, CsvOpt, ForceOpt, JsonOpt, app, fmt, warn
from xinfang.errors import Refusal
from xinfang.model import Clock, Message, Tier

FILE = Message.of("metavar.FILE")  # the argument, worded as the help names it

OVERDUE_COLUMNS = ["case", "unit", "leader", "township", "clock", "due", "days_late", "tier", "provisional"]
PLAIN_ABOVE = 1000  # rows of the supervision list drawn as a Rich table; longer lists print as plain columns

calendar_app = typer.Typer(
    name="calendar",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(calendar_app)


def _day(text: Optional[str], option: str = "--on"):
    """The date an option gives, else today."""
    from xinfang import parse

    return parse.parse_date(text, option) if text else STATE.today


@app.command()
def overdue(
    on: Annotated[Optional[str], typer.Option("--on")] = None,
    unit: Annotated[Optional[str], typer.Option("--unit")] = None,
    township: Annotated[Optional[str], typer.Option("--township")] = None,
    tier: Annotated[Optional[str], typer.Option("--tier")] = None,
    json_: JsonOpt = False,
    csv_: CsvOpt = False,
    letter: Annotated[bool, typer.Option("--letter")] = False,
    out_file: Annotated[Optional[str], typer.Option("-o", "--output")] = None,
    force: ForceOpt = False,
):
    """The supervision list (督办单): open deadlines due soon, overdue or seriously overdue,
    grouped by responsible unit and leader, worst first.

    With --letter -o 督办单.html (or .docx): the letters to send, one page per unit. Print the HTML
    from Chromium, Chrome or Edge on A4 with the browser's headers and footers unticked (or
    chromium --headless --no-pdf-header-footer --print-to-pdf=督办单.pdf 督办单.html)."""
    from xinfang import parse
    from xinfang.ledger.clocks import overdue_clocks
    from xinfang.output import console, emit, table

    ledger = STATE.open()
    day = _day(on)
    output = fmt(json_, csv_)
    rows = overdue_clocks(
        ledger, day,
        unit=ledger.ref.unit(unit) if unit else None,
        township=ledger.ref.township(township) if township else None,
        tier=parse.choice(Tier, tier, "--tier") if tier else None,
    )
    from xinfang.personal import mask_text

    # a number typed with a leader's name or a review body's is masked, as in every listing (each
    # name once: a province's list repeats a few thousand names over a hundred thousand rows)
    shown: dict = {}

    def masked(name):
        hit = shown.get(name)
        if hit is None:
            hit = shown[name] = mask_text(name)
        return hit

    for r in rows:  # the rows are this command's own: changed in place, only where a number is hidden
        unit, leader = masked(r["unit"]), masked(r["leader"])
        if unit is not r["unit"] or leader is not r["leader"]:
            r["unit"], r["leader"] = unit, leader
    if letter:
        _letters(ledger, rows, day, out_file, force)
        return
    if out_file:
        raise Refusal("overdue.output_without_letter", "-o")
    provisional = sum(1 for r in rows if r["provisional"])
    if provisional:
        warn("warning.overdue_provisional", n=provisional)
    if output != "table":
        emit(rows, output, STATE.lang, columns=OVERDUE_COLUMNS)
        return
    from xinfang.messages import text

    lang = STATE.lang
    con = console()
    con.print(text("overdue.title", lang, day=day))
    if not rows:
        con.print(text("overdue.none", lang))
        return
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        groups.setdefault((r["unit"], r["leader"]), []).append(r)
    columns = ["case", "township", "clock", "due", "days_late", "tier", "provisional"]
    plain = len(rows) > PLAIN_ABOVE
    if plain:
        warn("warning.plain_columns", n=len(rows))
        widths = _widths(rows, columns, lang)
    for (unit_name, leader), items in groups.items():
        head = text("overdue.group_leader" if leader else "overdue.group", lang,
                    unit=unit_name or text("overdue.unassigned", lang), leader=leader or "", n=len(items))
        if plain:
            sys.stdout.write(_plain(head, items, columns, widths, lang))
        else:
            con.print(table(items, columns, lang, title=head))
    counts = {t: sum(1 for r in rows if r["tier"] == t.value) for t in Tier}
    con.print(("，" if lang == "zh" else ", ").join(text("overdue.tier_count", lang, tier=t, n=n)
                                                   for t, n in counts.items()))


def _letters(ledger, rows: list[dict], day, output: Optional[str], force: bool = False) -> None:
    """Write the supervision letters (督办单) for the listed rows to ``output`` (.html or .docx)."""
    from xinfang.cli.report import _check, _target, _write
    from xinfang.render import letters
    from xinfang.render.text import t

    if not output or output == "-":
        raise Refusal("overdue.letter_needs_file", "--letter")
    suffix = Path(output).suffix.lower()
    if suffix not in (".html", ".htm", ".docx"):
        raise Refusal("overdue.letter_suffix", "-o", output=output)
    target = _target(output, "overdue --letter", binary=True)
    _check(target, force, ledger)
    from xinfang.ledger.protection import addressed_rows

    lang = STATE.lang
    # each letter goes to its unit: never with an accusation withheld from that unit (检举控告)
    sent = addressed_rows(ledger, rows)
    if len(sent) < len(rows):
        withheld = sorted({r["case"] for r in rows} - {r["case"] for r in sent})
        warn("overdue.letter_withheld", n=len(withheld), cases=", ".join(withheld))
    items = letters.letters(sent, ledger.policy, day, lang)
    if not items:
        sys.stderr.write(t("l_none", lang) + "\n")
        return
    issuer = ledger.policy.issuer or t("issuer", lang)
    if suffix == ".docx":
        _write(target, letters.to_docx(items, lang, day, issuer), force, ledger)
    else:
        _write(target, letters.to_html(items, lang, day, issuer), force, ledger)


def _widths(rows: list[dict], columns: list[str], lang: str) -> list[int]:
    from rich.cells import cell_len

    from xinfang.output import display, label

    return [max([cell_len(label(c, lang))] + [cell_len(display(c, r.get(c), lang)) for r in rows]) for c in columns]


def _plain(head: str, items: list[dict], columns: list[str], widths: list[int], lang: str) -> str:
    """One group of a long supervision list as aligned text: Rich renders about 2,000 rows a second,
    too slow for a district-wide list of thousands."""
    from rich.cells import cell_len

    from xinfang.output import display, label

    def line(cells: list[str]) -> str:
        return "  ".join(text + " " * (w - cell_len(text)) for text, w in zip(cells, widths)).rstrip() + "\n"

    out = ["\n" + head + "\n", line([label(c, lang) for c in columns])]
    out += [line([display(c, r.get(c), lang) for c in columns]) for r in items]
    return "".join(out)


@app.command()
def extend(
    case: Annotated[str, typer.Argument()],
    days: Annotated[int, typer.Option("--days")],
    reason: Annotated[str, typer.Option("--reason")],
    approved_by: Annotated[str, typer.Option("--approved-by")],
    clock: Annotated[str, typer.Option("--clock")] = "handling",
    on: Annotated[Optional[str], typer.Option("--on")] = None,
    told_on: Annotated[Optional[str], typer.Option("--told-on")] = None,
    json_: JsonOpt = False,
):
    """Extend the handling deadline (延期) once, with a reason, who approved it and when the
    petitioner was told (条例 art. 34); recomputes the due date."""
    from xinfang import parse
    from xinfang.ledger.cases import extend_deadline
    from xinfang.output import emit

    ledger = STATE.open()
    today = STATE.today
    day = _day(on)
    which = parse.choice(Clock, clock, "--clock")
    why = parse.parse_text(reason, "--reason", 1000)
    approver = parse.parse_text(approved_by, "--approved-by", 50)  # 条例: approved by the office's head
    told = parse.parse_date(told_on, "--told-on") if told_on else day
    with ledger.write():
        result = extend_deadline(ledger, case, which, days, why, day, today, approver, told)
    from xinfang.messages import text as words
    msg = words("extend.done", STATE.lang, case=result["case"], clock=which, days=days, old=result["old_due"], due=result["due"])
    emit(result, fmt(json_), STATE.lang, rows=[result], columns=["clock", "old_due", "due", "provisional"], message=msg)


@app.command()
def review(
    case: Annotated[str, typer.Argument()],
    on: Annotated[Optional[str], typer.Option("--on")] = None,
    reason: Annotated[Optional[str], typer.Option("--reason")] = None,
    answer: Annotated[bool, typer.Option("--answer")] = False,
    summary: Annotated[Optional[str], typer.Option("--summary")] = None,
    body: Annotated[Optional[str], typer.Option("--body")] = None,
    json_: JsonOpt = False,
):
    """Review (复查) and re-review (复核). Without --answer: the petitioner asks, within the request
    window (30 days from the petitioner's receipt of the written opinion; a second request after a
    review answer is a re-review), of the body one level up, which answers within 30 days and is
    chased for it on the supervision list. With --answer: the answer; after a review the case is
    closed again, after a re-review it is final (不再受理)."""
    from xinfang import parse
    from xinfang.ledger.cases import answer_review, request_review
    from xinfang.output import emit

    ledger = STATE.open()
    today = STATE.today
    day = _day(on)
    if answer:
        if reason is not None:
            raise Refusal("review.reason_with_answer", "--reason")
        text = parse.parse_text(summary, "--summary", 4000)
        with ledger.write():
            result = answer_review(ledger, case, day, text, today)
        from xinfang.messages import text as words

        final = result["status"] == "final"
        msg = words("review.rereview_answered" if final else "review.answered", STATE.lang, case=result["case"])
    else:
        if summary is not None:
            raise Refusal("review.summary_without_answer", "--summary")
        why = parse.parse_text(reason, "--reason", 1000, required=False)
        with ledger.write():
            result = request_review(ledger, case, day, why, today, parse.parse_text(body, "--body", 100) if body else None)
        stage = result["status"]
        from xinfang.messages import text as words
        msg = words("review.rereview_requested" if stage == "rereview" else "review.requested", STATE.lang, case=result["case"])
    emit(result, fmt(json_), STATE.lang, rows=result["deadlines"], columns=["clock", "due", "provisional"],
         message=msg)


@calendar_app.command("load")
def calendar_load(
    file: Annotated[Path, typer.Argument()],
    force: ForceOpt = False,
    json_: JsonOpt = False,
):
    """Load a year's announced holiday schedule; recomputes every open provisional deadline."""
    from xinfang.ledger.clocks import load_calendar_year
    from xinfang.output import emit

    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        from xinfang.errors import os_problem

        problem = os_problem(exc) if isinstance(exc, OSError) else Message.of("file.not_utf8")
        raise Refusal("calendar.unreadable", FILE, file=str(file), problem=problem) from None
    ledger = STATE.open()
    with ledger.write():
        result = load_calendar_year(ledger, text, file.name, force=force)
    if result["official_overridden"]:
        warn("warning.calendar_overridden", year=result["year"])
    if result["still_provisional"]:
        warn("warning.calendar_still_provisional", n=result["still_provisional"])
    from xinfang.messages import text as words
    msg = words("calendar.loaded", STATE.lang, year=result["year"], recomputed=result["recomputed"], moved=result["moved"])
    emit(result, fmt(json_), STATE.lang, rows=result["clocks"], columns=["case", "clock", "old_due", "due", "provisional"],
         message=msg)


@calendar_app.command("show")
def calendar_show(
    year: Annotated[int, typer.Argument()],
    json_: JsonOpt = False,
    csv_: CsvOpt = False,
):
    """List a year's holidays and make-up workdays (调休上班) and where they come from:
    official (chinesecalendar), ledger (a loaded year file) or none (weekends only)."""
    import datetime as dt

    from xinfang import parse
    from xinfang.ledger.clocks import calendar_year
    from xinfang.output import emit

    parse.parse_year(year, "YEAR")
    ledger = STATE.open()
    data = calendar_year(ledger, year)
    from xinfang.messages import text

    lang = STATE.lang
    zh = lang == "zh"
    output = fmt(json_, csv_)
    rows = sorted(
        [{"date": h["date"], "day_type": "holiday", "holiday": h["name"]} for h in data["holidays"]]
        + [{"date": w["date"], "day_type": "workday", "holiday": w["name"]} for w in data["workdays"]],
        key=lambda r: r["date"])
    for r in rows:
        weekday = dt.date.fromisoformat(r["date"]).weekday()
        r["weekday"] = text(f"weekday.{weekday}", lang)
        if output == "table" or (output == "csv" and zh):
            r["day_type"] = text(f"calendar.day_type.{r['day_type']}", lang)
    if output == "json":
        emit(data, "json", lang)
        return
    caption = text("calendar.source", lang, source=Message.of(f"calendar.source.{data['source']}"))
    if data["source"] != "none":
        caption += f" — {data['detail']}"
    emit(rows, output, lang, columns=["date", "weekday", "day_type", "holiday"],
         title=text("calendar.title", lang, year=year), caption=caption,
         message=None if rows else caption)
