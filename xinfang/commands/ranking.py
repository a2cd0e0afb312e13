"""rank: the monthly ranking of townships, shown or published."""

from __future__ import annotations

import sys

from xinfang.session import STATE, fmt

RANK_COLUMNS = ["position", "township", "score", "cases", "skip_level", "collective", "repeat", "prev_score",
                "change_prev", "prev_year_score", "change_last_year", "bottom"]
# On screen the counts get their own keys: skip_level and collective are yes/no flags on a case.
TABLE_COLUMNS = [{"skip_level": "skip_level_cases", "collective": "collective_cases"}.get(c, c) for c in RANK_COLUMNS]


def rank(month: str, publish: bool = False, json_: bool = False, csv_: bool = False) -> None:
    """Print (or with ``publish``, first freeze) the ranking of ``month``."""
    from xinfang import parse
    from xinfang.ledger.ranking import month_ranking, publish_month
    from xinfang.output import emit

    out = fmt(json_, csv_)
    the_month = parse.parse_month(month)
    ledger = STATE.open()
    today = STATE.today
    if not publish and the_month > f"{today:%Y-%m}":
        from xinfang.errors import XinfangError

        raise XinfangError(f"--month: {the_month} has not begun (today is {today})", fix="rank a past or the current month")
    if publish:
        with ledger.write():
            doc = publish_month(ledger, the_month, today)
    else:
        doc = month_ranking(ledger, the_month)
    zh = STATE.lang == "zh"
    if doc.get("unranked_cases"):
        sys.stderr.write((f"提示：{doc['unranked_cases']} 件信访事项的属地不在乡镇名册中，未计入排名" if zh else
                          f"note: {doc['unranked_cases']} case(s) of townships not on the roster are not ranked") + "\n")
    formula = doc["method"].get("formula", "")
    if out == "json":
        emit(doc, out, STATE.lang)
        return
    if out == "csv":
        status = "published" if doc["published"] else "provisional"
        rows = [{**r, "month": doc["month"], "status": status, "method": formula} for r in doc["rows"]]
        emit(rows, out, STATE.lang, columns=RANK_COLUMNS + ["month", "status", "method"])
        return
    if doc["published"]:
        state = f"已于 {doc['published_on']} 公布" if zh else f"published on {doc['published_on']}"
    else:
        state = "暂定，未公布" if zh else "provisional, not published"
    title = f"{doc['month']} 信访排名（{state}）" if zh else f"Ranking {doc['month']} ({state})"
    message = None
    if publish:
        bottom = [r["township"] for r in doc["rows"] if r["bottom"]]
        message = (f"已公布 {doc['month']} 排名；后{doc['method']['bottom_size']}位：{'、'.join(bottom) or '无'}" if zh
                   else f"Published the {doc['month']} ranking; bottom group: {', '.join(bottom) or 'none'}")
    rows = [{**r, "skip_level_cases": r["skip_level"], "collective_cases": r["collective"]} for r in doc["rows"]]
    emit(doc, out, STATE.lang, rows=rows, columns=TABLE_COLUMNS, title=title, caption=formula, message=message)
