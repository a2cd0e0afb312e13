"""Assessment indicators on the ledger (考核指标): the counts of ``xinfang.rules.indicators`` in SQL.

``counts`` computes, for a period of whole months, every township's numerators and denominators
from the ledger's tallies (``indicator_tally`` below and the ranking's ``case_tally``, both kept by
triggers) and the few clocks still open past their due day: the rows read grow with the townships
and months, not with the cases. It is the SQL twin of ``rules.indicators.indicators`` over ``facts``
(the same records read plainly); a test holds the two equal, and ``audit verify`` holds the tally
equal to its rebuild from the cases. ``stats`` builds the ``stats`` document: the period, its comparison periods (环比/同比),
per township and for the district.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from xinfang.ledger.schema import NOTICE_CLOCK, ON_TIME_CLOCKS
from xinfang.rules.indicators import EXCLUDED_STATUSES, NONE, RATES, Indicators, Rate

_EXCLUDED = ", ".join(f"'{s}'" for s in EXCLUDED_STATUSES)

# What the rates read, one row per township (and month, counted month by month): from the indicator
# tally (a running clock counts, missed, once its due day has passed), each rate's numerator and
# denominator (``TALLY_TERMS``); and from the case tally, the repeat rate's. A query reads the
# terms of the rates asked for only (``rank`` shows five of the six).
_MISSED = "(month < :today_month OR (month = :today_month AND lag < :today_day)) * n"
# A sum over one measure is a FILTER, not a CASE: SQLite then skips the other measures' rows for it.
TALLY_TERMS = {
    "timely_acceptance_rate": (
        "SUM(hit) FILTER (WHERE measure = 'notice')",
        f"SUM(CASE measure WHEN 'notice' THEN n ELSE {_MISSED} END) FILTER (WHERE measure IN ('notice', 'notice_open'))"),
    "on_time_rate": (
        "SUM(hit) FILTER (WHERE measure = 'on_time')",
        f"SUM(CASE measure WHEN 'on_time' THEN n ELSE {_MISSED} END)"
        " FILTER (WHERE measure IN ('on_time', 'on_time_open'))"),
    "satisfaction_rate": ("SUM(hit) FILTER (WHERE measure = 'satisfaction')",
                          "SUM(n) FILTER (WHERE measure = 'satisfaction')"),
    "evaluation_rate": ("SUM((lag BETWEEN 0 AND :window_days) * n) FILTER (WHERE measure = 'closed')",
                        "SUM(n) FILTER (WHERE measure = 'closed')"),
    "first_contact_rate": ("SUM(hit) FILTER (WHERE measure = 'first_contact')",
                           "SUM(n) FILTER (WHERE measure = 'first_contact')"),
}
TALLY_RATES = tuple(TALLY_TERMS)
REPEAT_RATE = "repeat_rate"


@lru_cache(maxsize=8)
def tally_sql(rates: tuple[str, ...] = TALLY_RATES) -> str:
    """The indicator tally's query for the numerators and denominators of ``rates`` (of
    ``TALLY_RATES``), in their order, with ``{bucket}``, ``{town}``, ``{months}`` and ``{group}`` to fill."""
    terms = ",\n       ".join(f"coalesce({term}, 0)" for rate in rates for term in TALLY_TERMS[rate])
    return (f"SELECT {{bucket}} AS bucket, {{town}} AS township,\n       {terms}\n"
            "FROM indicator_tally WHERE {months}\nGROUP BY {group}")


RECEIVED_SQL = f"""
SELECT {{bucket}} AS bucket, {{town}} AS township, SUM(repeats), SUM(n) FROM case_tally
WHERE {{months}} AND status NOT IN ({_EXCLUDED})
GROUP BY {{group}}
"""
_SLOTS = {rate: i for i, rate in enumerate(RATES)}
_REPEAT_SLOT = _SLOTS[REPEAT_RATE]


def counts(ledger, first: dt.date, last: dt.date, today: dt.date, rates=RATES) -> dict[str, Indicators]:
    """Township → its ``Indicators`` for the months ``first``–``last``, from SQL; equal to
    ``rules.indicators.indicators`` over ``facts``. Only ``rates`` are counted (the others are
    ``NONE``): a township with none of them to count is left out."""
    return _counted(ledger, first, last, today, by_month=False, rates=rates).get("", {})


def by_month(ledger, first: dt.date, last: dt.date, today: dt.date, rates=RATES) -> dict[str, dict[str, Indicators]]:
    """Month → township → ``Indicators`` (of ``rates``) for each month of ``first``–``last``, in one
    pass of each query: the same as ``counts`` of each month by itself (a test holds them equal)."""
    return _counted(ledger, first, last, today, by_month=True, rates=rates)


def district_by_month(ledger, first: dt.date, last: dt.date, today: dt.date) -> dict[str, Indicators]:
    """Month → the district's ``Indicators`` for each month of ``first``–``last``: every township's
    numerators and denominators summed (``rules.indicators.district`` of ``by_month``'s month, a
    test holds them equal), summed by SQLite instead of read township by township."""
    return {month: towns[""] for month, towns in _counted(ledger, first, last, today, by_month=True,
                                                            district=True).items()}


def _counted(ledger, first: dt.date, last: dt.date, today: dt.date, by_month: bool,
             rates=RATES, district: bool = False) -> dict[str, dict[str, Indicators]]:
    first_month, last_month = first.isoformat()[:7], last.isoformat()[:7]
    params = {"today_month": today.isoformat()[:7], "today_day": today.day,
              "window_days": ledger.policy.evaluation_window_days,
              "first_month": first_month, "last_month": last_month}
    # One month is an equality on the tallies' first key: read, and grouped, in key order (no sorting).
    months = "month = :first_month" if first_month == last_month else "month BETWEEN :first_month AND :last_month"
    bucket = "month" if by_month else "''"
    town = "''" if district else "township"
    group = ", ".join(["month"] * by_month + ["township"] * (not district)) or "1"
    found: dict[str, dict[str, list[Rate]]] = {}

    def rows(sql: str):
        return ledger.conn.execute(sql.format(bucket=bucket, town=town, group=group, months=months), params)

    def slots(period: str, township: str) -> list[Rate]:
        town = found.setdefault(period, {})
        if township not in town:
            town[township] = [NONE] * len(RATES)
        return town[township]

    tallied = tuple(rate for rate in TALLY_RATES if rate in rates)
    if tallied:
        places = tuple(_SLOTS[rate] for rate in tallied)
        for period, township, *pairs in rows(tally_sql(tallied)):
            township_rates = slots(period, township)
            for slot, i in zip(places, range(0, len(pairs), 2)):
                township_rates[slot] = Rate(pairs[i], pairs[i + 1])
    if REPEAT_RATE in rates:
        for period, township, repeats, received in rows(RECEIVED_SQL):
            slots(period, township)[_REPEAT_SLOT] = Rate(repeats, received)
    # a rate with nothing to count is none at all; a township with nothing to count is left out
    out = {b: {t: Indicators(*(r if r.denominator else NONE for r in rates)) for t, rates in towns.items()
               if any(r.denominator for r in rates)} for b, towns in found.items()}
    return {b: towns for b, towns in out.items() if towns}


def evaluate_case(ledger, number: str, stage, result, on: dt.date, via, today: dt.date) -> dict:
    """Record the petitioner's evaluation (满意度评价) of a case's acceptance or handling, with how it
    was collected, and its own event in the history (inside ``Ledger.write``)."""
    from xinfang.errors import Refusal
    from xinfang.ledger.cases import get_case
    from xinfang.ledger.history import now_stamp
    from xinfang.rules.indicators import evaluation_refusal

    row = get_case(ledger, number)

    def day(value):
        return dt.date.fromisoformat(value) if value else None

    accepted = day(row.get("accepted_on")) or (day(row.get("closed_on")) if row["status"] == "declined" else None)
    if accepted is None and row["status"] == "declined":
        accepted = day(ledger.scalar("SELECT done_on FROM clocks WHERE case_number = ? AND clock = ?",
                                     (row["number"], NOTICE_CLOCK)))
    handled = min([d for d in (day(row.get("replied_on")), day(row.get("closed_on"))) if d], default=None)
    earlier = ledger.scalar("SELECT on_date FROM evaluations WHERE case_number = ? AND stage = ? ORDER BY id LIMIT 1",
                            (row["number"], stage.value))
    refusal = evaluation_refusal(stage, on, today, row["status"], accepted, handled, day(earlier))
    if refusal is not None:
        raise Refusal(refusal.code, case=row["number"], **refusal.args())
    ledger.conn.execute(
        "INSERT INTO evaluations (case_number, stage, result, on_date, via, at, who) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (row["number"], stage.value, result.value, on.isoformat(), via.value if via else None, now_stamp(), ledger.who))
    ledger.event("evaluate", row["number"], f"evaluation_{stage.value}", None, result.value,
                 note=f"{on.isoformat()}" + (f" {via.value}" if via else ""))
    return {"case": row["number"], "stage": stage.value, "result": result.value, "on": on.isoformat(),
            "via": via.value if via else None}


def facts(ledger) -> tuple[list, list, list]:
    """Every case, clock and evaluation the rates read, as plain records (for checking ``counts``
    against the rule)."""
    from xinfang.rules.indicators import NOTICE, ON_TIME, CaseFacts, ClockFacts, Evaluation

    def day(value):
        return dt.date.fromisoformat(value) if value else None

    repeated = {r[0] for r in ledger.conn.execute(
        "SELECT repeat_of FROM cases WHERE repeat_of IS NOT NULL AND status != 'voided'")}
    cases = [CaseFacts(r[0], r[1], day(r[2]), r[3], r[4] is not None, r[5] == 1, day(r[6]), r[0] in repeated)
             for r in ledger.conn.execute(
                 "SELECT number, township, received, status, repeat_of, initial, closed_on FROM cases")]
    clocks = [ClockFacts(r[0], NOTICE if r[1] == NOTICE_CLOCK else ON_TIME, day(r[2]), day(r[3]),
                         None if r[4] is None else bool(r[4]))
              for r in ledger.conn.execute(
                  "SELECT case_number, clock, due, done_on, met FROM clocks WHERE clock IN (?, ?, ?)",
                  (NOTICE_CLOCK, *ON_TIME_CLOCKS))]
    evaluations = [Evaluation(r[0], r[1], r[2], day(r[3])) for r in ledger.conn.execute(
        "SELECT case_number, stage, result, on_date FROM evaluations")]
    return cases, clocks, evaluations


def rate_json(rate: Rate) -> dict:
    return {"value": None if rate.value is None else round(rate.value, 4), "numerator": rate.numerator,
            "denominator": rate.denominator}


def month_rates(ledger, month: str, today: dt.date, rates=RATES) -> dict[str, Indicators]:
    """Township → its indicators for one month (what ``rank`` shows beside the score): ``rates``
    only, as ``counts`` counts them."""
    from xinfang.rules.ranking import month_range

    first, last = month_range(month)
    return counts(ledger, first, last, today, rates)


def _periods(month: str | None, year: int | None) -> tuple[str, tuple, tuple | None, tuple | None]:
    """The period's name and (first, last) days, its previous period (环比; None for a year) and
    the same period a year earlier (同比)."""
    from xinfang.rules.ranking import month_range, previous_month, same_month_last_year

    if month is not None:
        return month, month_range(month), month_range(previous_month(month)), month_range(same_month_last_year(month))
    return (str(year), (dt.date(year, 1, 1), dt.date(year, 12, 31)), None,
            (dt.date(year - 1, 1, 1), dt.date(year - 1, 12, 31)))


def _row(now: Indicators, prev: Indicators | None, last_year: Indicators | None) -> dict:
    from xinfang.rules.indicators import change

    out = {}
    for key in RATES:
        rate = getattr(now, key)
        out[key] = {**rate_json(rate),
                    "change_prev": change(rate, getattr(prev, key)) if prev is not None else None,
                    "change_last_year": change(rate, getattr(last_year, key)) if last_year is not None else None}
    return out


def stats(ledger, today: dt.date, month: str | None = None, year: int | None = None,
          township: str | None = None) -> dict:
    """``stats --month M | --year Y [--township T]``: the indicators of every roster township (or
    of one) and of the district, each rate with its numerator, denominator and its change on the
    previous period (环比, months only) and the same period a year earlier (同比)."""
    from xinfang.rules.indicators import EMPTY, district

    name, (first, last), prev, last_year = _periods(month, year)
    now = counts(ledger, first, last, today)
    before = counts(ledger, *prev, today) if prev else None
    year_ago = counts(ledger, *last_year, today)
    names = [township] if township else ledger.ref.township_names
    rows = [{"township": t, **_row(now.get(t, EMPTY), (before or {}).get(t, EMPTY) if before is not None else None,
                                   year_ago.get(t, EMPTY))}
            for t in names]
    return {
        "period": name,
        "first": first.isoformat(),
        "last": last.isoformat(),
        "as_of": today.isoformat(),
        "rows": rows,
        "district": _row(district(now), district(before) if before is not None else None, district(year_ago)),
    }
