"""Deadlines: the supervision list (overdue), extensions (extend), review and re-review (review),
and the working calendar kept in the ledger (calendar load / calendar show)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from xinfang.cli import STATE, CsvOpt, JsonOpt, app, fmt
from xinfang.errors import XinfangError
from xinfang.model import Clock

WEEKDAYS_ZH = "一二三四五六日"

calendar_app = typer.Typer(
    name="calendar",
    help="The working calendar (节假日安排) deadlines are counted on: load a year file, show a year.",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(calendar_app)


def _day(text: Optional[str], option: str = "--on"):
    from xinfang.commands.deadlines import day_or_today

    return day_or_today(text, option)


@app.command()
def overdue(
    on: Annotated[Optional[str], typer.Option("--on", help="Judge the deadlines as of this date (default: today).")] = None,
    unit: Annotated[Optional[str], typer.Option("--unit", help="Only this responsible unit's list (never shows accusations against it).")] = None,
    township: Annotated[Optional[str], typer.Option("--township", help="Only cases of this township (never shows accusations against it).")] = None,
    tier: Annotated[Optional[str], typer.Option("--tier", help="Only this tier: due_soon 即将到期 | overdue 已超期 | seriously_overdue 严重超期.")] = None,
    json_: JsonOpt = False,
    csv_: CsvOpt = False,
):
    """The supervision list (督办单): open deadlines due soon, overdue or seriously overdue,
    grouped by responsible unit and leader, worst first."""
    from xinfang.commands.deadlines import overdue as overdue_body

    overdue_body(on, unit, township, tier, json_, csv_)


@app.command()
def extend(
    case: Annotated[str, typer.Argument(help="Case number, e.g. 2026-00042 (or 2026-42).")],
    days: Annotated[int, typer.Option("--days", help="Days added to the deadline (at most the policy's limit, 30 by default).")],
    reason: Annotated[str, typer.Option("--reason", help="Why the matter needs more time (kept in the history; tell the petitioner).")],
    clock: Annotated[str, typer.Option("--clock", help="The deadline to extend; only handling 办理期限 allows it by default.")] = "handling",
    on: Annotated[Optional[str], typer.Option("--on", help="Date the extension was approved (default: today).")] = None,
    json_: JsonOpt = False,
):
    """Extend the handling deadline (延期) once, with a reason; recomputes the due date."""
    from xinfang import parse
    from xinfang.ledger.cases import extend_deadline
    from xinfang.output import emit

    ledger = STATE.open()
    today = STATE.today
    day = _day(on)
    which = parse.choice(Clock, clock, "--clock")
    why = parse.parse_text(reason, "--reason", 1000)
    with ledger.write():
        result = extend_deadline(ledger, case, which, days, why, day, today)
    msg = (f"{result['case']} {which.zh}延期 {days} 日：{result['old_due']} → {result['due']}" if STATE.lang == "zh"
           else f"{result['case']} {which.en} extended by {days} days: {result['old_due']} → {result['due']}")
    emit(result, fmt(json_), STATE.lang, rows=[result], columns=["clock", "old_due", "due", "provisional"], message=msg)


@app.command()
def review(
    case: Annotated[str, typer.Argument(help="Case number.")],
    on: Annotated[Optional[str], typer.Option("--on", help="Date of the request, or of the answer with --answer (default: today).")] = None,
    reason: Annotated[Optional[str], typer.Option("--reason", help="Why the petitioner is dissatisfied (with a request).")] = None,
    answer: Annotated[bool, typer.Option("--answer", help="Record the answer to the review or re-review instead of a request.")] = False,
    summary: Annotated[Optional[str], typer.Option("--summary", help="The answer given (required with --answer).")] = None,
    json_: JsonOpt = False,
):
    """Review (复查) and re-review (复核). Without --answer: the petitioner asks, within the request
    window from the reply (a second request after a review answer is a re-review). With --answer: the
    answer; after a review the case is closed again, after a re-review it is final (不再受理)."""
    from xinfang import parse
    from xinfang.ledger.cases import answer_review, request_review
    from xinfang.output import emit

    ledger = STATE.open()
    today = STATE.today
    day = _day(on)
    zh = STATE.lang == "zh"
    if answer:
        if reason is not None:
            raise XinfangError("--reason: goes with a request, not with --answer",
                               fix="put the answer in --summary, or drop --answer to record a request")
        text = parse.parse_text(summary, "--summary", 4000)
        with ledger.write():
            result = answer_review(ledger, case, day, text, today)
        final = result["status"] == "final"
        if zh:
            msg = f"{result['case']} 已答复{'复核' if final else '复查'}" + ("，不再受理" if final else "，已办结")
        else:
            msg = f"{result['case']} {'re-review' if final else 'review'} answered; " + ("final" if final else "closed")
    else:
        if summary is not None:
            raise XinfangError("--summary: goes with --answer", fix="use --reason for a request, or add --answer")
        why = parse.parse_text(reason, "--reason", 1000, required=False)
        with ledger.write():
            result = request_review(ledger, case, day, why, today)
        stage = result["status"]
        msg = (f"{result['case']} 已受理{'复核' if stage == 'rereview' else '复查'}申请" if zh
               else f"{result['case']} {'re-review' if stage == 'rereview' else 'review'} requested")
    emit(result, fmt(json_), STATE.lang, rows=result["deadlines"], columns=["clock", "due", "provisional"],
         message=msg)


@calendar_app.command("load")
def calendar_load(
    file: Annotated[Path, typer.Argument(help="A year file (TOML, format in data/holidays/README.md), e.g. 2027.toml.")],
    json_: JsonOpt = False,
):
    """Load a year's announced holiday schedule; recomputes every open provisional deadline."""
    from xinfang.ledger.clocks import load_calendar_year
    from xinfang.output import emit

    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problem = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise XinfangError(f"FILE: cannot read {file}: {problem}", fix="give an existing year file (TOML)") from None
    ledger = STATE.open()
    with ledger.write():
        result = load_calendar_year(ledger, text, file.name)
    if result["official_overridden"]:
        sys.stderr.write(f"Warning: {result['year']} also has an official schedule from chinesecalendar; "
                         f"the loaded file is used instead\n")
    if result["still_provisional"]:
        sys.stderr.write(f"Warning: {result['still_provisional']} recomputed due date(s) remain provisional "
                         f"(暂定): they also run through another year with no official schedule\n")
    zh = STATE.lang == "zh"
    msg = (f"已载入 {result['year']} 年节假日安排：重算 {result['recomputed']} 个期限，其中 {result['moved']} 个到期日变动"
           if zh else f"Loaded {result['year']}: {result['recomputed']} deadline(s) recomputed, {result['moved']} moved")
    emit(result, fmt(json_), STATE.lang, rows=result["clocks"], columns=["case", "clock", "old_due", "due", "provisional"],
         message=msg)


@calendar_app.command("show")
def calendar_show(
    year: Annotated[int, typer.Argument(help="The year, e.g. 2027.")],
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
    lang = STATE.lang
    zh = lang == "zh"
    output = fmt(json_, csv_)
    rows = sorted(
        [{"date": h["date"], "day_type": "holiday", "holiday": h["name"]} for h in data["holidays"]]
        + [{"date": w["date"], "day_type": "workday", "holiday": w["name"]} for w in data["workdays"]],
        key=lambda r: r["date"])
    for r in rows:
        weekday = dt.date.fromisoformat(r["date"]).weekday()
        r["weekday"] = f"星期{WEEKDAYS_ZH[weekday]}" if zh else dt.date.fromisoformat(r["date"]).strftime("%A")
        if output == "table":
            r["day_type"] = ("放假" if r["day_type"] == "holiday" else "调休上班") if zh else (
                "day off" if r["day_type"] == "holiday" else "make-up workday")
    if output == "json":
        emit(data, "json", lang)
        return
    source = {"official": ("官方（chinesecalendar）", "official (chinesecalendar)"),
              "ledger": ("本台账载入的年度文件", "year file loaded into this ledger"),
              "none": ("无：仅按周末计算，期限为暂定", "none: weekends only, deadlines are provisional")}[data["source"]]
    caption = f"来源：{source[0]}" if zh else f"source: {source[1]}"
    if data["source"] != "none":
        caption += f" — {data['detail']}"
    emit(rows, output, lang, columns=["date", "weekday", "day_type", "holiday"],
         title=f"{year} 年节假日安排" if zh else f"{year} holiday schedule", caption=caption,
         message=None if rows else caption)
