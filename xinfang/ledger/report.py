"""The monthly bulletin (通报) and the printable case forms, gathered from the ledger.

The bulletin is a published document: it carries counts, the ranking, sanctions, overdue cases by
responsible unit and deposit deductions by official, and nothing personal (no petitioner, no ID or
phone number) and never the unit an accusation (检举控告) names. Each section is read through the
public function of the module that owns it (ranking, sanctions, deposits); this module only adds
the counts by channel, the year-on-year change and the historical overdue list.

``gather_bulletin`` returns a ``Bulletin`` of plain data; ``xinfang.render`` words it and turns it
into Markdown, HTML or a workbook (render never reads the ledger). ``gather_form`` returns the facts of one case for the assignment form (呈阅交办单) or the
handling sheet (包案处理表).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from xinfang.errors import Refusal
from xinfang.ledger.protection import IS_ACCUSATION
from xinfang.model import REASSIGN_NOTE
from xinfang.rules.ranking import month_range

# Channel rows of the totals table. 来访 counts walk-in visits and outreach reception (下乡接访)
# together, as the bureau's report does; outreach is also shown on its own line.
CHANNEL_ROWS = (
    ("letter", ("letter",)),
    ("visit", ("visit", "outreach")),
    ("outreach", ("outreach",)),
    ("online", ("online",)),
    ("phone", ("phone",)),
    ("total", ("letter", "visit", "outreach", "online", "phone")),
)
INDICATORS = ("skip_level", "collective", "repeat", "major")


class Bulletin(NamedTuple):
    """Everything one month's bulletin shows, in the order it shows it."""

    month: str
    as_of: dt.date  # the month's last day, or today when the month has not ended
    today: dt.date
    period: dict  # {this: [first, last], last_year: [first, last], ytd: …, ytd_last_year: …}
    totals: list[dict]  # one row per CHANNEL_ROWS key: month/last/change and ytd/last/change
    indicators: list[dict]  # skip-level, collective, repeat, major: same shape as totals
    trend: dict  # {year, this: [12 counts or None], last: [12 counts]}
    ranking: dict | None  # the ``rank --month`` document (None: no ranking module)
    bottom: list[dict]  # ranking rows in the bottom group, with consecutive published months
    sanctions: list[dict] | None  # in force and proposed (None: no sanctions module)
    rates: dict | None  # the indicators (考核指标): months, per township and district (``gather_rates``)
    overdue: list[dict]  # by responsible unit: counts, worst days late, case numbers (``overdue_as_of``)
    deposits: list[dict]  # officials charged for the month's cases: net deduction, cases, year's balance
    method: dict  # how every number was computed, with the policy values
    notes: list[str]  # sections that could not be gathered, and why


# -- periods and the year-on-year change -----------------------------------------------------

def year_earlier(day: dt.date) -> dt.date:
    """The same day one year earlier; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def change(this: int, last: int) -> dict:
    """Year-on-year change (同比) of a count, in percent with one decimal, rounded half up.

    ``trend`` is ``down``, ``up`` or ``flat``; with nothing last year it is ``flat`` when there is
    nothing this year either, else ``none`` (no comparison: 无可比).
    """
    if last == 0:
        return {"pct": None, "trend": "flat" if this == 0 else "none"}
    pct = (Decimal(this - last) * 100 / Decimal(last)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    trend = "down" if this < last else "up" if this > last else "flat"
    return {"pct": float(pct), "trend": trend}


def _periods(month: str, as_of: dt.date) -> dict:
    first, _ = month_range(month)
    jan = first.replace(month=1)
    return {
        "this": (first, as_of),
        "last_year": (year_earlier(first), year_earlier(as_of)),
        "ytd": (jan, as_of),
        "ytd_last_year": (year_earlier(jan), year_earlier(as_of)),
    }


# What the bulletin counts of the cases received in a period, by channel and by indicator: the sums
# of the channel tally's days (``channel_tally``, kept by the ledger's triggers; a voided case counted
# nowhere). Twin of a count over the cases themselves: ``audit verify`` holds the tally equal to it.
_INDICATOR_SUMS = {"skip_level": "skip_level", "collective": "collective", "repeat": "repeats", "major": "major"}


def _period_counts(ledger, periods: dict[str, tuple[dt.date, dt.date]]) -> dict[str, dict[str, int]]:
    """Period name → counts of the cases received in it (first and last day included): in all, by
    channel and by indicator. A few rows per day of the period, whatever the cases."""
    sums = ", ".join(f"SUM({column})" for column in _INDICATOR_SUMS.values())
    counts = {}
    for name, (first, last) in periods.items():
        found = dict.fromkeys(("total", *CHANNEL_ROWS[-1][1], *_INDICATOR_SUMS), 0)
        for channel, n, *flags in ledger.conn.execute(
                f"SELECT channel, SUM(n), {sums} FROM channel_tally WHERE received BETWEEN ? AND ? GROUP BY channel",
                (first.isoformat(), last.isoformat())):
            found[channel] = n
            found["total"] += n
            for key, value in zip(_INDICATOR_SUMS, flags):
                found[key] += value
        counts[name] = found
    return counts


def _compare(key: str, counts: dict[str, dict[str, int]], channels: tuple[str, ...] | None = None) -> dict:
    def n(period: str) -> int:
        c = counts[period]
        return sum(c[ch] for ch in channels) if channels else c[key]

    this, last, ytd, ytd_last = n("this"), n("last_year"), n("ytd"), n("ytd_last_year")
    return {"key": key, "month": this, "last_year": last, "change": change(this, last),
            "ytd": ytd, "ytd_last_year": ytd_last, "ytd_change": change(ytd, ytd_last)}


def channel_totals(ledger, month: str, as_of: dt.date) -> tuple[list[dict], list[dict], dict]:
    """(totals by channel, indicators, periods): this month and this year so far, each against the
    same period a year earlier (同比). Every case received in the period counts, whatever its status,
    but a voided one (作废: registered by mistake)."""
    periods = _periods(month, as_of)
    counts = _period_counts(ledger, periods)
    totals = [_compare(key, counts, channels) for key, channels in CHANNEL_ROWS]
    indicators = [_compare(key, counts) for key in INDICATORS]
    return totals, indicators, {k: [a.isoformat(), b.isoformat()] for k, (a, b) in periods.items()}


def monthly_counts(ledger, year: int, until: dt.date | None = None) -> list[int | None]:
    """Cases received in each month of ``year``; months after ``until`` are None (not yet counted).
    Summed from the days of the channel tally up to ``until`` (a voided case counted nowhere), as
    the totals are: a month cut short by ``until`` is no special case."""
    last = min(until or dt.date(year, 12, 31), dt.date(year, 12, 31))
    by_month = {int(m[5:7]): n for m, n in ledger.conn.execute(
        "SELECT substr(received, 1, 7), sum(n) FROM channel_tally WHERE received BETWEEN ? AND ? GROUP BY 1",
        (f"{year:04d}-01-01", last.isoformat()))}
    return [None if until is not None and dt.date(year, m, 1) > until else by_month.get(m, 0) for m in range(1, 13)]


# -- overdue as of a day ---------------------------------------------------------------------

def overdue_as_of(ledger, on: dt.date) -> list[dict]:
    """Duty clocks that were running on ``on`` and past due then (overdue or seriously overdue), one
    row per responsible unit: overdue cases, seriously overdue cases, worst days late, and the
    case numbers. An accusation's number is withheld (only counted, ``withheld``): with the
    township the bulletin ties it to elsewhere, its handling unit would point at whom it accuses.

    Unlike the supervision list, which shows what is open now, a bulletin for a past month shows
    what was open at that month's end: a clock done after ``on`` still counts. For ``on`` = today
    both agree. Each row names the responsible unit, never an accused unit. A province's tens of
    thousands of clocks are counted as they are read, each due day's tier decided once.
    """
    from xinfang.ledger.clocks import work_calendar
    from xinfang.ledger.schema import NOT_A_WINDOW
    from xinfang.model import Tier
    from xinfang.rules.deadlines import days_late, tier_of

    cal, policy = work_calendar(ledger), ledger.policy
    # published district-wide: an accusation is counted whoever it names, or none
    columns = f"k.case_number, k.due, c.unit, {IS_ACCUSATION} AS accusation"
    rows = ledger.conn.execute(
        # Still open: the open duty clocks' own partial index (its condition written out, so that it
        # applies; the petitioners' windows stay open on every answered case and are not read). Done
        # after ``on``: the few clocks done since, through the open-clock index.
        f"SELECT {columns} FROM clocks k INDEXED BY clocks_open_duty JOIN cases c ON c.number = k.case_number"
        f" WHERE k.done_on IS NULL AND k.{NOT_A_WINDOW} AND k.due < :on AND k.start <= :on"
        f" UNION ALL SELECT {columns} FROM clocks k JOIN cases c ON c.number = k.case_number"
        f" WHERE k.done_on > :on AND k.due < :on AND k.start <= :on AND k.{NOT_A_WINDOW}",
        {"on": on.isoformat()},
    )
    standing: dict[str, tuple[int, bool, bool]] = {}  # due day → (days late, serious, overdue): a few hundred days
    cases: dict[str | None, set] = defaultdict(set)  # per unit: its overdue cases,
    serious: dict[str | None, set] = defaultdict(set)  # those seriously overdue,
    withheld: dict[str | None, set] = defaultdict(set)  # the accusations among them,
    worst: dict[str | None, int] = defaultdict(int)  # and the most days late
    for number, due, unit, accusation in rows:
        late = standing.get(due)
        if late is None:
            day = dt.date.fromisoformat(due)
            tier = tier_of(day, on, cal, policy)
            standing[due] = late = (days_late(day, on), tier is Tier.seriously_overdue,
                                    tier in (Tier.overdue, Tier.seriously_overdue))
        days, is_serious, is_overdue = late
        if not is_overdue:
            continue
        cases[unit].add(number)
        if is_serious:
            serious[unit].add(number)
        if accusation:
            withheld[unit].add(number)
        worst[unit] = max(worst[unit], days)
    out = [{"unit": unit, "overdue": len(numbers), "seriously_overdue": len(serious[unit]),
            "worst_days_late": worst[unit], "cases": sorted(numbers - withheld[unit]),
            "withheld": len(withheld[unit])} for unit, numbers in cases.items()]
    out.sort(key=lambda r: (-r["overdue"], -r["worst_days_late"], r["unit"] or ""))
    return out


# -- sections owned by other modules ---------------------------------------------------------

def _optional(module: str):
    """The ledger module owning a section, or None when this installation has none."""
    import importlib

    try:
        return importlib.import_module(f"xinfang.ledger.{module}")
    except ModuleNotFoundError as exc:
        if exc.name != f"xinfang.ledger.{module}":
            raise
        return None


def _bottom_streaks(ledger, ranking: dict) -> list[dict]:
    """Bottom-group rows with the number of consecutive published months they have been in it,
    counting this month (whether published yet or not)."""
    rows = [r for r in ranking["rows"] if r.get("bottom")]
    mod = _optional("ranking")
    published = {pm.month: pm.bottom for pm in mod.published_months(ledger)} if mod and hasattr(
        mod, "published_months") else {}
    out = []
    for r in rows:
        streak, month = 1, ranking["month"]
        while True:
            month = _previous_month(month)
            if month in published and r["township"] in published[month]:
                streak += 1
            else:
                break
        out.append({**r, "streak": streak})
    return out


def _previous_month(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    return f"{year - 1:04d}-12" if mon == 1 else f"{year:04d}-{mon - 1:02d}"


def gather_ranking(ledger, month: str, today: dt.date | None = None) -> dict | None:
    mod = _optional("ranking")
    return mod.month_ranking(ledger, month, today) if mod else None


def gather_sanctions(ledger, month: str, today: dt.date) -> list[dict] | None:
    """Sanctions relevant to ``month`` (triggered by it or in force during it) that are in force,
    confirmed or proposed, as known ``today``: a month's bulletin is issued after the month is
    published, and publishing is what puts the mechanical sanctions in force."""
    mod = _optional("sanctions")
    if mod is None:
        return None
    keep = ("in_force", "confirmed", "proposed")
    return [r for r in mod.list_sanctions(ledger, today, month) if r.get("status") in keep]


TREND_RATE = "on_time_rate"  # the rate whose twelve months each township's line shows


def gather_rates(ledger, month: str, today: dt.date) -> dict | None:
    """The indicators of ``month`` per roster township and for the district: {months (the twelve up
    to ``month``), trend_rate, rows: [{township, rates: key → (numerator, denominator) of the month,
    trend: ``trend_rate``'s (numerator, denominator) per month}], district: key → the pair per
    month}. None without the module. A province's twelve months are read as the month's rates per
    township, one rate's twelve months per township, and the district's sums per month."""
    mod = _optional("indicators")
    if mod is None:
        return None
    from xinfang.rules.indicators import EMPTY, RATES
    from xinfang.rules.ranking import previous_month

    months = [month]
    while len(months) < 12:
        months.insert(0, previous_month(months[0]))
    first, last = month_range(months[0])[0], month_range(month)[1]
    this = mod.counts(ledger, *month_range(month), today)
    trend = mod.by_month(ledger, first, last, today, rates=(TREND_RATE,))
    totals = mod.district_by_month(ledger, first, last, today)
    rows = [{"township": name, "rates": {k: tuple(getattr(this.get(name, EMPTY), k)) for k in RATES},
             "trend": [tuple(getattr(trend.get(m, {}).get(name, EMPTY), TREND_RATE)) for m in months]}
            for name in ledger.ref.township_names]
    district = {k: [tuple(getattr(totals.get(m, EMPTY), k)) for m in months] for k in RATES}
    return {"months": months, "trend_rate": TREND_RATE, "rows": rows, "district": district}


def gather_deposits(ledger, month: str, as_of: dt.date) -> list[dict]:
    """Officials charged for the month's cases: the net deduction (deductions less reversals) of
    the cases received in the month, the cases behind it and the official's balance for the year.
    The bulletin is published district-wide: an accusation's number is withheld, only counted
    (``withheld``; 检举控告 protection).

    Read from the append-only deposit entries, so a case corrected later (level lowered, other
    township) shows here as its reversal left it.
    """
    from xinfang.rules.deposits import balance

    first, last = month_range(month)
    rows = ledger.rows(
        f"SELECT e.official, e.kind, e.amount_fen, e.case_number, {IS_ACCUSATION} AS accusation"
        " FROM deposit_entries e JOIN cases c"
        " ON c.number = e.case_number WHERE e.kind IN ('deduct', 'reverse') AND c.received BETWEEN ? AND ?"
        " ORDER BY e.seq", (first.isoformat(), last.isoformat()))
    net: dict[str, dict[str, int]] = {}
    accusations = {r["case_number"] for r in rows if r["accusation"]}
    for r in rows:
        sign = 1 if r["kind"] == "deduct" else -1
        per_case = net.setdefault(r["official"], {})
        per_case[r["case_number"]] = per_case.get(r["case_number"], 0) + sign * r["amount_fen"]
    if not net:
        return []
    year = first.year
    mod = _optional("deposits")
    entries = mod.load_entries(ledger, sorted(net), [year]) if mod else []
    posts = {r["name"]: r for r in ledger.rows("SELECT name, township, role FROM officials ORDER BY start")}
    out = []
    for official, per_case in net.items():
        cases = sorted(c for c, fen in per_case.items() if fen > 0)
        total = sum(fen for fen in per_case.values() if fen > 0)
        if not cases:
            continue
        post = posts.get(official, {})
        out.append({"official": official, "township": post.get("township", ""), "role": post.get("role"),
                    "cases": [c for c in cases if c not in accusations], "deducted_fen": total,
                    "withheld": sum(c in accusations for c in cases),
                    "balance_fen": balance(entries, official, year) if mod else None})
    roles = {"secretary": 0, "head": 1}
    out.sort(key=lambda r: (-r["deducted_fen"], r["township"], roles.get(r["role"], 9), r["official"]))
    return out


# -- the bulletin ----------------------------------------------------------------------------

def bulletin_as_of(month: str, today: dt.date) -> dt.date:
    """The month's last day, or today when the month has not ended; a month not begun is refused."""
    first, last = month_range(month)
    if first > today:
        raise Refusal("report.not_begun", month=month, today=today)
    return min(last, today)


def gather_bulletin(ledger, month: str, today: dt.date) -> Bulletin:
    """Every section of ``month``'s bulletin, as of the month's end or today, whichever is earlier."""
    as_of = bulletin_as_of(month, today)
    totals, indicators, periods = channel_totals(ledger, month, as_of)
    year = int(month[:4])
    trend = {"year": year, "this": monthly_counts(ledger, year, as_of),
             "last": monthly_counts(ledger, year - 1)}
    notes: list[str] = []
    ranking = gather_ranking(ledger, month, today)
    if ranking is None:
        notes.append("ranking")
    bottom = _bottom_streaks(ledger, ranking) if ranking else []
    sanctions = gather_sanctions(ledger, month, today)
    if sanctions is None:
        notes.append("sanctions")
    rates = gather_rates(ledger, month, today)
    if rates is None:
        notes.append("indicators")
    deposits = gather_deposits(ledger, month, as_of)
    policy = ledger.policy
    method = {
        "month": month,
        "as_of": as_of.isoformat(),
        "complete": as_of == month_range(month)[1],
        "published": bool(ranking and ranking.get("published")),
        "published_on": ranking.get("published_on") if ranking else None,
        "ranking": ranking["method"] if ranking else None,
        "collective_people": policy.collective_people,
        "skip_levels": sorted((lv.value for lv in policy.skip_levels), key=lambda v: ["district", "city",
                                                                                      "province", "national"].index(v)),
        "seriously_overdue_days": policy.seriously_overdue_days,
        "deduction_fen": policy.deduction_fen,
        "deposit_fen": policy.deposit_fen,
        "deduction_min_level": policy.deduction_min_level.value,
        "bottom_size": policy.bottom_size,
        "issuer": policy.issuer,
    }
    return Bulletin(month=month, as_of=as_of, today=today, period=periods, totals=totals, indicators=indicators,
                    trend=trend, ranking=ranking, bottom=bottom, sanctions=sanctions, rates=rates,
                    overdue=overdue_as_of(ledger, as_of), deposits=deposits, method=method,
                    notes=notes)


# -- printable forms for one case ------------------------------------------------------------

FORM_KINDS = ("assignment", "handling")
STEP_ACTIONS = ("register", "assign", "reassign", "reply", "resolve", "transfer", "correct", "void", "extend",
                "review", "review-answer", "rereview", "rereview-answer")


_CASE_NUMBER = re.compile(r"\b\d{4}-\d{5,}\b")


def _withheld_notes(steps: list[dict], hidden: set[str]) -> list[dict]:
    """The steps of a form: a note naming an accusation withheld from a recipient (``hidden``: the
    earlier case of a repeat, relinked when it was corrected or voided) says 另案 instead: neither its
    number nor its kind."""
    from xinfang.messages import text

    if not hidden:
        return steps
    withheld = text("protection.other_case", "zh")  # in the words of the notes, the clerk's; not its kind
    return [{**s, "note": _CASE_NUMBER.sub(lambda m: withheld if m.group(0) in hidden else m.group(0), s["note"])}
            if s.get("note") else s for s in steps]


def _handling_steps(ledger, row: dict) -> list[dict]:
    """The case's history as handling steps: one line per recorded action (field changes of one
    action are joined). Clock bookkeeping is left out: the clocks have their own table on the form."""
    from xinfang.ledger.cases import case_history

    steps: list[dict] = []
    # The day a step happened: a field that says it (assigned_on, …), else the day a clock it
    # stopped was done (a review request stops the request window on the day it was made), else the
    # day a clock it started counts from; the entry's own day only when nothing says otherwise.
    pending: tuple[int, dt.datetime, str] | None = None  # a clock-done just before the step's events
    for e in case_history(ledger, row["number"]):
        at = dt.datetime.fromisoformat(e["at"])
        if e["action"].startswith("clock"):
            day = _clock_day(e)
            last = steps[-1] if steps else None
            if day and last is not None and last["_id"] == e["id"] - 1 and (at - last["_at"]).total_seconds() < 2:
                last["_days"].append((e["action"] == "clock-done", day))
                last["_id"] = e["id"]
            elif day and e["action"] == "clock-done":
                pending = (e["id"], at, day)
            continue
        if e["action"] in ("seal", "publish"):
            continue
        old, new = e["old"], e["new"]
        # One command writes one event per changed field, moments apart: they are one step.
        last = steps[-1] if steps else None
        if (last is not None and last["action"] == e["action"] and last["_id"] == e["id"] - 1
                and (at - last["_at"]).total_seconds() < 2):
            step = last
        else:
            step = {"at": e["at"], "who": e["who"], "action": e["action"], "changes": {}, "note": None, "_days": []}
            if pending and pending[0] == e["id"] - 1 and (at - pending[1]).total_seconds() < 2:
                step["_days"].append((True, pending[2]))
            steps.append(step)
        pending = None
        step["_id"], step["_at"] = e["id"], at
        if e["action"] == "register":
            step["changes"] = {}
        elif e["field"]:
            step["changes"][e["field"]] = (old, new)
        if e["note"]:
            step["note"] = e["note"]
    out = []
    for s in steps:
        ch = s["changes"]
        on = next((ch[f][1] for f in ("assigned_on", "replied_on", "closed_on") if f in ch and ch[f][1]), None)
        done = [d for stopped, d in s["_days"] if stopped]
        started = [d for stopped, d in s["_days"] if not stopped]
        on = on or (done[0] if done else started[0] if started else None)
        if s["action"] == "register":
            on = row["received"]
        reassigned = REASSIGN_NOTE.match(s["note"] or "") if s["action"] == "reassign" else None
        if reassigned:
            on = reassigned.group(1)
        out.append({"at": s["at"], "on": on or _local_day(s["at"]), "who": s["who"], "action": s["action"],
                    "changes": {k: list(v) for k, v in ch.items()}, "note": s["note"]})
    return out


def _clock_day(event: dict) -> str | None:
    """The day a clock event names: a clock done on its ``new`` date, a clock started counting
    from the date in its note ("30 calendar days from 2026-04-01")."""
    import re

    if event["action"] == "clock-done":
        value = event.get("new") or ""
    else:
        found = re.search(r"from (\d{4}-\d{2}-\d{2})", event.get("note") or "")
        value = found.group(1) if found else ""
    return value if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None


def _local_day(stamp: str) -> str:
    return dt.datetime.fromisoformat(stamp).astimezone().date().isoformat()


def gather_form(ledger, number: str, kind: str, for_unit: str | None, reveal: bool) -> dict:
    """The facts of one case for a printable form.

    ``for_unit`` is the unit the copy is for (default: the handling unit). An accusation's form is
    never made for a unit it is protected against (the accused, the accused person's township, their
    leaders: ``ledger.protection``), and none of them appears among the form's recipients.
    Personal data is returned as recorded, with ``revealed`` saying whether the clerk asked to see
    it: the form (``xinfang.render.forms``) masks it otherwise.
    """
    from xinfang.ledger.cases import get_case
    from xinfang.ledger.clocks import case_deadlines

    if kind not in FORM_KINDS:
        raise Refusal("form.unknown", kind=repr(kind))
    from xinfang.ledger.protection import hidden_from

    row = get_case(ledger, number)
    accused = row["accused"]
    addressed = for_unit or row.get("unit")
    if hidden_from(ledger, accused, addressed):
        raise Refusal("form.hidden" if for_unit or not row.get("unit") else "form.hidden_reassign",
                      case=row["number"], accused=accused, addressed=addressed)
    joint = json.loads(row["joint"]) if row.get("joint") else []
    recipients = [u for u in [row.get("unit"), *joint] if u and not hidden_from(ledger, accused, u)]
    if row["major"] and "区督查办" not in recipients and not hidden_from(ledger, accused, "区督查办"):
        recipients.append("区督查办")  # major matters are assigned and supervised by the supervision office
    if for_unit and for_unit not in recipients:
        recipients.insert(0, for_unit)
    from xinfang.model import WINDOWS, Clock

    clocks = case_deadlines(ledger, row["number"])
    for k in clocks:
        k["petitioner_window"] = Clock(k["clock"]) in WINDOWS  # the petitioner's, not a duty deadline
    from xinfang.ledger.protection import hidden_numbers

    steps = _handling_steps(ledger, row)
    # the accusations withheld from a recipient that the form would name: the earlier case it
    # repeats (前案), and any case a step's note names — neither numbered nor said to be accusations
    named = {n for s in steps if s.get("note") for n in _CASE_NUMBER.findall(s["note"])} | {row.get("repeat_of")}
    hidden = hidden_numbers(ledger, named - {row["number"]}, *recipients)
    steps = _withheld_notes(steps, hidden)
    reply = next((s["note"] for s in reversed(steps) if s["action"] == "reply" and s["note"]), None)
    result = next((s["note"] for s in reversed(steps) if s["action"] in ("resolve", "transfer") and s["note"]), None)
    case = {k: v for k, v in row.items() if k not in ("year", "seq")}
    if row.get("repeat_of") in hidden:
        # as a listing addressed to them leaves it (protection.withhold_links): neither its number
        # nor that one is withheld, which would tell the accused that this petitioner accused them
        case["repeat_of"] = None
    case["joint"] = joint
    case["category_label"] = {lang: ledger.ref.category_label(row["category"], lang) for lang in ("zh", "en")}
    for key in ("major", "collective", "skip_level", "signed", "cease_agreement", "initial"):
        if case.get(key) is not None:
            case[key] = bool(case[key])
    return {"kind": kind, "case": case, "for_unit": for_unit, "recipients": recipients,
            "clocks": clocks, "steps": steps, "reply": reply, "result": result, "revealed": reveal,
            "issuer": ledger.policy.issuer}
