"""The monthly ranking: rank [--publish] (the sanctions it leads to: ``xinfang.cli.sanctions``)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from xinfang.cli import STATE, CsvOpt, JsonOpt, YesOpt, app, fmt
from xinfang.errors import Refusal

RANK_COLUMNS = ["position", "township", "score", "cases", "skip_level", "collective", "repeat", "prev_score",
                "change_prev", "prev_year_score", "change_last_year", "bottom", "timely_acceptance_rate",
                "on_time_rate", "satisfaction_rate", "evaluation_rate", "repeat_rate"]
RATE_COLUMNS = RANK_COLUMNS[-5:]
# On screen the counts get their own keys: skip_level and collective are yes/no flags on a case.
TABLE_COLUMNS = [{"skip_level": "skip_level_cases", "collective": "collective_cases"}.get(c, c) for c in RANK_COLUMNS]


@app.command()
def rank(
    month: Annotated[str, typer.Option("--month")],
    publish: Annotated[bool, typer.Option("--publish")] = False,
    yes: YesOpt = False,
    json_: JsonOpt = False,
    csv_: CsvOpt = False,
):
    """Monthly ranking of townships (信访排名), worst first, with the bottom group (后十位).

    Scores every roster township from the cases received in the month by the ledger's weights; shows
    the change against the previous month (环比) and the same month last year (同比). A published
    month shows its frozen ranking; any other month is provisional (暂定).
    """
    from xinfang import parse
    from xinfang.ledger.ranking import month_ranking, publish_month
    from xinfang.output import emit

    out = fmt(json_, csv_)
    the_month = parse.parse_month(month)
    ledger = STATE.open()
    today = STATE.today
    if not publish and the_month > f"{today:%Y-%m}":
        raise Refusal("rank.month_not_begun", "--month", month=the_month, today=today)
    if publish:
        from xinfang.cli import confirm as ask

        ask(yes, "rank --publish", "publish.confirm", month=the_month)
        with ledger.write():
            doc = publish_month(ledger, the_month, today)
    else:
        doc = month_ranking(ledger, the_month, today)
    from xinfang.messages import in_language, text as words
    from xinfang.model import Message

    if doc.get("unranked_cases"):
        sys.stderr.write(words("rank.unranked", STATE.lang, n=doc["unranked_cases"]) + "\n")
    formula = doc["method"].get("formula", "")
    shown_formula = in_language(formula, STATE.lang)  # the document keeps both languages, a screen shows one
    if out == "json":
        emit(doc, out, STATE.lang)
        return
    if out == "csv":
        status = "published" if doc["published"] else "provisional"
        if STATE.lang == "zh":  # worded as on screen; the counts under their own keys (skip_level is a flag)
            status = words(f"rank.status.{status}", STATE.lang)
            rows = [{**r, "skip_level_cases": r["skip_level"], "collective_cases": r["collective"]} for r in doc["rows"]]
            columns = TABLE_COLUMNS
        else:
            rows, columns = doc["rows"], RANK_COLUMNS
        rows = [{**r, "month": doc["month"], "status": status, "method": formula} for r in rows]
        emit(rows, out, STATE.lang, columns=columns + ["month", "status", "method"])
        return
    state = (words("rank.state_published", STATE.lang, on=doc["published_on"]) if doc["published"]
             else words("rank.state_provisional", STATE.lang))
    title = words("rank.title", STATE.lang, month=doc["month"], state=state)
    message = None
    if publish:
        bottom = tuple(r["township"] for r in doc["rows"] if r["bottom"])
        message = words("rank.published", STATE.lang, month=doc["month"], size=doc["method"]["bottom_size"],
                        bottom=bottom or Message.of("rank.bottom_none"))
    rows = [{**r, "skip_level_cases": r["skip_level"], "collective_cases": r["collective"],
             **{k: "—" if r.get(k) is None else f"{r[k]:.0%}" for k in RATE_COLUMNS}} for r in doc["rows"]]
    emit(doc, out, STATE.lang, rows=rows, columns=TABLE_COLUMNS, title=title, caption=shown_formula, message=message)
