"""Assessment indicators (考核指标): evaluate (the petitioner's 满意度评价) and stats."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from xinfang.cli import STATE, CsvOpt, JsonOpt, app, fmt
from xinfang.errors import Refusal


@app.command()
def evaluate(
    case: Annotated[str, typer.Argument()],
    stage: Annotated[str, typer.Option("--stage")],
    result: Annotated[str, typer.Option("--result")],
    on: Annotated[Optional[str], typer.Option("--on")] = None,
    via: Annotated[Optional[str], typer.Option("--via")] = None,
    json_: JsonOpt = False,
):
    """Record the petitioner's own evaluation (满意度评价) of a case's acceptance or handling, apart
    from the clerk's closing; once per stage. It feeds the satisfaction and evaluation rates."""
    from xinfang import parse
    from xinfang.ledger.indicators import evaluate_case
    from xinfang.messages import text
    from xinfang.model import Satisfaction, Stage, Via
    from xinfang.output import emit

    the_stage = parse.choice(Stage, stage, "--stage")
    the_result = parse.choice(Satisfaction, result, "--result")
    the_via = parse.choice(Via, via, "--via") if via else None
    ledger = STATE.open()
    today = STATE.today
    day = parse.parse_date(on, "--on") if on else today
    with ledger.write():
        done = evaluate_case(ledger, case, the_stage, the_result, day, the_via, today)
    emit(done, fmt(json_), STATE.lang, message=text("evaluate.done", STATE.lang, case=done["case"], stage=the_stage,
                                                    result=the_result))


STATS_RATES = ("timely_acceptance_rate", "on_time_rate", "satisfaction_rate", "evaluation_rate", "repeat_rate",
               "first_contact_rate")


def _percent(value) -> str:
    return "—" if value is None else f"{value:.1%}"


def _points(value) -> str:
    return "—" if value is None else f"{value * 100:+.1f}"


def _cell(rate: dict, lang: str) -> str:
    """A rate as the table shows it: value (numerator/denominator) and its changes."""
    from xinfang.messages import text

    out = f"{_percent(rate['value'])} ({rate['numerator']}/{rate['denominator']})"
    changes = []
    if rate.get("change_prev") is not None:
        changes.append(text("stats.change_prev", lang, points=_points(rate["change_prev"])))
    if rate.get("change_last_year") is not None:
        changes.append(text("stats.change_last_year", lang, points=_points(rate["change_last_year"])))
    return out + ("\n" + " ".join(changes) if changes else "")


@app.command()
def stats(
    month: Annotated[Optional[str], typer.Option("--month")] = None,
    year: Annotated[Optional[int], typer.Option("--year")] = None,
    township: Annotated[Optional[str], typer.Option("--township")] = None,
    json_: JsonOpt = False,
    csv_: CsvOpt = False,
):
    """Assessment indicators (考核指标) per township and for the district: 及时受理率, 按期办结率,
    群众满意率, 参评率, 重复信访率, 初信初访化解率, each with numerator and denominator ("—" when
    there is nothing to count), and their change on the previous period (环比) and last year (同比)."""
    from xinfang import parse
    from xinfang.ledger.indicators import stats as compute
    from xinfang.messages import text
    from xinfang.output import emit

    if (month is None) == (year is None):
        raise Refusal("stats.one_period", "--month/--year")
    the_month = parse.begun_month(parse.parse_month(month), STATE.today) if month else None
    if year is not None and not 2000 <= year <= 2100:
        raise Refusal("stats.year_out_of_range", "--year", year=year)
    if year is not None:
        parse.begun_year(year, STATE.today)
    ledger = STATE.open()
    name = ledger.ref.township(township, "--township") if township else None
    doc = compute(ledger, STATE.today, the_month, year, name)
    out = fmt(json_, csv_)
    if out == "json":
        emit(doc, out, STATE.lang)
        return
    lang = STATE.lang
    district = text("stats.district", lang)
    lines = doc["rows"] + [{"township": district, **doc["district"]}]
    if out == "csv":
        flat = [{"period": doc["period"], "township": r["township"],
                 **{f"{k}_{part}": r[k][part] for k in STATS_RATES
                    for part in ("value", "numerator", "denominator", "change_prev", "change_last_year")}}
                for r in lines]
        emit(flat, out, lang, columns=list(flat[0]))
        return
    rows = [{"township": r["township"], **{k: _cell(r[k], lang) for k in STATS_RATES}} for r in lines]
    emit(doc, out, lang, rows=rows, columns=["township", *STATS_RATES],
         title=text("stats.title", lang, period=doc["period"], as_of=doc["as_of"]), caption=text("stats.caption", lang))
