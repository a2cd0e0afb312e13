"""Assessment indicators on the ledger (考核指标): the counts of ``xinfang.rules.indicators`` in SQL.

``counts`` computes, for a period of whole months, every township's numerators and denominators
with four aggregate queries over covering indexes made for them (``clocks_ended``, ``cases_owner``,
``evaluations_on``, ``cases_closed``, ``cases_repeat_of`` and the ranking's ``case_tally``): no
case row is read. It is the SQL twin of
``rules.indicators.indicators`` over ``facts`` (the same records read plainly); a test holds the
two equal. ``stats`` builds the ``stats`` document: the period, its comparison periods (环比/同比),
per township and for the district.
"""

from __future__ import annotations

import datetime as dt

from xinfang.model import Clock
from xinfang.rules.indicators import EXCLUDED_STATUSES, RATES, Indicators, Rate

ON_TIME_CLOCKS = (Clock.reply.value, Clock.conclude.value)  # the local limits, as the summons reads them
NOTICE_CLOCK = Clock.notice.value
_EXCLUDED = ", ".join(f"'{s}'" for s in EXCLUDED_STATUSES)

# The day a clock ended (rules.indicators.clock_end): met on its done day, missed on its due day.
CLOCK_END = ("CASE WHEN k.met = 1 THEN k.done_on WHEN k.met = 0 THEN k.due"
             " WHEN k.met IS NULL AND k.done_on IS NULL AND k.due < :today THEN k.due END")
# A clock met in the period was due at most its limit (and a holiday's move) after it: the scan of
# the due days stops there.
CLOCKS_SQL = f"""
SELECT c.township, {{bucket}} AS bucket, k.clock = '{NOTICE_CLOCK}' AS notice, SUM(k.met = 1), COUNT(*)
FROM clocks k INDEXED BY clocks_ended JOIN cases c INDEXED BY cases_owner ON c.number = k.case_number
WHERE k.clock IN ('{NOTICE_CLOCK}', {", ".join(f"'{c}'" for c in ON_TIME_CLOCKS)})
  AND k.due >= :first AND k.due <= :due_last
  AND {CLOCK_END} BETWEEN :first AND :last
  AND c.status NOT IN ({_EXCLUDED})
GROUP BY c.township, bucket, notice
"""
SATISFACTION_SQL = f"""
SELECT c.township, {{bucket}} AS bucket, SUM(e.result IN ('satisfied', 'basic')), COUNT(*)
FROM evaluations e INDEXED BY evaluations_on JOIN cases c INDEXED BY cases_owner ON c.number = e.case_number
WHERE e.on_date BETWEEN :first AND :last AND c.status NOT IN ({_EXCLUDED})
GROUP BY c.township, bucket
"""
CLOSED_SQL = f"""
SELECT c.township, {{bucket}} AS bucket,
       SUM(EXISTS (SELECT 1 FROM evaluations e WHERE e.case_number = c.number AND e.stage = 'handling'
                   AND e.on_date <= date(c.closed_on, :window))),
       COUNT(*),
       SUM(c.initial = 1 AND NOT EXISTS (SELECT 1 FROM cases r INDEXED BY cases_repeat_of WHERE r.repeat_of = c.number
                                         AND r.status != 'voided')),
       SUM(c.initial = 1)
FROM cases c INDEXED BY cases_closed
WHERE c.closed_on BETWEEN :first AND :last AND c.status NOT IN ({_EXCLUDED})
GROUP BY c.township, bucket
"""
RECEIVED_SQL = f"""
SELECT township, {{bucket}} AS bucket, SUM(repeats), SUM(n) FROM case_tally
WHERE month BETWEEN :first_month AND :last_month AND status NOT IN ({_EXCLUDED})
GROUP BY township, bucket
"""
# The month each query's rows belong to, when counted month by month.
MONTH_OF = {"clocks": f"substr({CLOCK_END}, 1, 7)", "satisfaction": "substr(e.on_date, 1, 7)",
            "closed": "substr(c.closed_on, 1, 7)", "received": "month"}


def _due_slack(policy) -> int:
    """Days a met clock's due day can lie after the day it was met: its limit, its longest
    extension and a holiday's move of the last day."""
    rules = [r for c, r in policy.clocks.items() if c.value in (NOTICE_CLOCK, *ON_TIME_CLOCKS)]
    return max((r.days + r.max_extension_days for r in rules), default=0) * 2 + 15


def counts(ledger, first: dt.date, last: dt.date, today: dt.date) -> dict[str, Indicators]:
    """Township → its ``Indicators`` for the months ``first``–``last``, from SQL; equal to
    ``rules.indicators.indicators`` over ``facts``."""
    return _counted(ledger, first, last, today, by_month=False).get("", {})


def by_month(ledger, first: dt.date, last: dt.date, today: dt.date) -> dict[str, dict[str, Indicators]]:
    """Month → township → ``Indicators`` for each month of ``first``–``last``, in one pass of each
    query: the same as ``counts`` of each month by itself (a test holds them equal)."""
    return _counted(ledger, first, last, today, by_month=True)


def _counted(ledger, first: dt.date, last: dt.date, today: dt.date, by_month: bool) -> dict[str, dict[str, Indicators]]:
    params = {"first": first.isoformat(), "last": last.isoformat(), "today": today.isoformat(),
              "due_last": (last + dt.timedelta(days=_due_slack(ledger.policy))).isoformat(),
              "window": f"+{ledger.policy.evaluation_window_days} days",
              "first_month": first.isoformat()[:7], "last_month": last.isoformat()[:7]}
    found: dict[str, dict[str, dict[str, Rate]]] = {}

    def put(township: str, bucket: str, key: str, numerator, denominator) -> None:
        found.setdefault(bucket, {}).setdefault(township, {})[key] = Rate(int(numerator or 0), int(denominator or 0))

    def rows(sql: str, part: str):
        return ledger.conn.execute(sql.format(bucket=MONTH_OF[part] if by_month else "''"), params)

    for township, bucket, notice, met, ended in rows(CLOCKS_SQL, "clocks"):
        put(township, bucket, "timely_acceptance_rate" if notice else "on_time_rate", met, ended)
    for township, bucket, satisfied, given in rows(SATISFACTION_SQL, "satisfaction"):
        put(township, bucket, "satisfaction_rate", satisfied, given)
    for township, bucket, evaluated, closed, resolved, initial in rows(CLOSED_SQL, "closed"):
        put(township, bucket, "evaluation_rate", evaluated, closed)
        put(township, bucket, "first_contact_rate", resolved, initial)
    for township, bucket, repeats, received in rows(RECEIVED_SQL, "received"):
        put(township, bucket, "repeat_rate", repeats, received)
    return {bucket: {t: Indicators(*(rates.get(k, Rate(0, 0)) for k in RATES)) for t, rates in towns.items()}
            for bucket, towns in found.items()}


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


def month_rates(ledger, month: str, today: dt.date) -> dict[str, Indicators]:
    """Township → its indicators for one month (what ``rank`` shows beside the score)."""
    from xinfang.rules.ranking import month_range

    first, last = month_range(month)
    return counts(ledger, first, last, today)


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
