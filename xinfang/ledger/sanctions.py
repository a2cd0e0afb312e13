"""Sanctions on the ledger (制裁与责任追究): the records the rules need, decisions, and the land desk's check.

``xinfang.rules.sanctions`` derives every finding from published months, cases, overdue handling
clocks and deadline results; this module reads those records, applies the decisions a person
recorded in ``sanction_decisions`` (append-only, the latest decision on a key wins) and records new
ones. Cases count whatever their status, as in the ranking (属地负责), but a voided one (作废: registered
by mistake, ``VOIDED``), which is no petition at all.

Nothing here is worded: a finding's ``trigger`` and the land desk's ``reasons`` are
``xinfang.model.Message``s, which the command line and the bulletin word in the reader's language
with ``xinfang.messages``. (No trigger is stored: decisions are recorded against the key.)
"""

from __future__ import annotations

import datetime as dt
import functools

from xinfang.errors import Refusal
from xinfang.model import Action, Clock, Kind, Level, Message, SanctionKind, SanctionStatus
from xinfang.ledger.protection import IS_ACCUSATION
from xinfang.rules.ranking import month_range, previous_month

# The local time limits (限时办结) give each case its on-time result for the summons rate.
ON_TIME_CLOCKS = (Clock.reply, Clock.conclude)
VOIDED = "c.status != 'voided'"  # 作废: counted nowhere
NOT_FINAL = "c.status != 'not_reaccepted'"  # 不再受理: no incident, no admonishment (rules.sanctions)
CASE_COLUMNS = ("number, received, township, level, people, kind, category, major, status, repeat_of, id_number,"
                " channel, assigned_on, closed_on")


def _cases(ledger, today: dt.date, township: str | None = None, month: str | None = None,
           kinds: dict | None = None) -> list:
    """The cases the case rules read, received by ``today``: serious incidents, and skip-level
    cases that are collective or repeats (of ``month`` only, when given: an admonishment is about
    its own case's day; of one township when given). (The summons rule reads ``_month_results``.)

    The case tally names the (month, township, level, people) groups that hold such cases; only
    their rows are read, through the month index, not every case of the ledger."""
    from xinfang.ledger.cases import as_case

    policy = ledger.policy
    serious = _list([lv.value for lv in Level if lv.rank >= Level(policy.serious_incident_level).rank])
    skip = _list([lv.value for lv in policy.skip_levels])
    one = _ONE_TOWNSHIP.format(t="") if township is not None else ""
    of_month = " AND {t}month = :month" if month is not None else ""
    sql = (
        f"SELECT {', '.join('c.' + c for c in CASE_COLUMNS.split(', '))} FROM ("
        f" SELECT DISTINCT month, township, level, people FROM case_tally WHERE status != 'voided'{one} AND ("
        f" (people >= :collective AND level IN ({serious}))"
        f" OR (level IN ({skip}){of_month.format(t='')} AND (people >= :collective OR repeats > 0)))"
        ") t CROSS JOIN cases c ON c.month = t.month AND c.township = t.township AND c.level = t.level"
        f" AND c.people = t.people WHERE c.received <= :today AND {VOIDED} AND {NOT_FINAL} AND ("
        f" (c.people >= :collective AND c.level IN ({serious}))"
        f" OR (c.level IN ({skip}){of_month.format(t='c.')}"
        " AND (c.people >= :collective OR c.repeat_of IS NOT NULL)))"
    )
    params = {"today": today.isoformat(), "collective": policy.collective_people, "township": township,
              "month": month}
    found = [as_case(r) for r in ledger.rows(sql, params)]
    if kinds is not None:
        kinds.update((c.number, c.kind is Kind.accusation) for c in found)
    return found


_ONE_TOWNSHIP = " AND {t}township = :township"  # a query narrowed to one township

# Per (township, month received) of one month: the cases received by :today and their on-time
# results, as ``clock_results`` judges each clock. Only groups that can reach a summons are kept:
# enough cases, a result, and fewer met than the policy's rate of the decided — with half a case to
# spare, so that no rounding of the rate can drop a group; the rule itself decides each group kept.
# A summons is about its own month, so no other month's cases are read (``sanctions --month``, the
# bulletin, and the month still running when every month is asked for): the month's cases through
# the month index, each with its on-time clocks. A month that has ended is read from the tallies
# (``TALLIED_MONTHS_SQL``). The cases counted are the charged ones (not 不再受理); the results, as
# the tally's, every clock of a case not voided (a 不再受理 entry starts none).
ONE_MONTH_RESULTS_SQL = """
SELECT c.township, c.month,
       COUNT(CASE WHEN k.met = 1 THEN 1 END) AS n_met,
       COUNT(CASE WHEN k.met IS NOT NULL OR (k.done_on IS NULL AND k.due < :today) THEN 1 END) AS n_decided
FROM cases c LEFT JOIN clocks k ON k.case_number = c.number AND k.clock IN ({clocks})
WHERE c.month = :month AND c.received <= :today{c_township} AND {voided}
GROUP BY c.township, c.month
HAVING COUNT(DISTINCT CASE WHEN {charged} THEN c.number END) >= :summons_min AND n_decided > 0
   AND n_met < :rate * n_decided + 0.5
"""


def _month_results(ledger, today: dt.date, township: str | None = None, month: str | None = None,
                   kinds: dict | None = None) -> list:
    """``MonthResults`` of every (township, month) that can reach a summons (of ``month`` only, when
    given), counted by SQLite; the case numbers only for those. Equal to ``month_results`` over
    every case and ``clock_results`` for each group it keeps (a test holds the two together)."""
    from xinfang.rules.sanctions import MonthResults

    policy = ledger.policy
    params = {"today": today.isoformat(), "summons_min": max(policy.summons_min_cases, 1),
              "rate": policy.summons_on_time_rate, "township": township, "month": month}
    one = _ONE_TOWNSHIP if township is not None else ""
    clocks = _list([c.value for c in ON_TIME_CLOCKS])
    if month is not None and _month_ended(month, today):
        groups = _tallied(ledger, {**params, "first_month": month, "last_month": month}, one)
    elif month is not None:
        sql = ONE_MONTH_RESULTS_SQL.format(clocks=clocks, c_township=one.format(t="c."), voided=VOIDED, charged=NOT_FINAL)
        groups = {(t, m): (met, decided) for t, m, met, decided in ledger.conn.execute(sql, params)}
    else:
        # the months that have ended from the tallies; the one still running (today's) from its clocks
        running = today.isoformat()[:7]
        first = ledger.scalar("SELECT min(month) FROM cases") or running
        groups = _tallied(ledger, {**params, "first_month": first, "last_month": previous_month(running)}, one)
        sql = ONE_MONTH_RESULTS_SQL.format(clocks=clocks, c_township=one.format(t="c."), voided=VOIDED, charged=NOT_FINAL)
        groups.update(((t, m), (met, decided)) for t, m, met, decided in
                      ledger.conn.execute(sql, {**params, "month": running}))
    if not groups:
        return []
    # Each group's numbers, and its accusations', as one text per group (a case number, YYYY-NNNNN,
    # holds no comma): a province's month is tens of thousands of cases, split in C, not appended one
    # by one. One month's cases are found by the month index first, then read in the table's order
    # (through the index, at random, they take half as long again); one township's through its
    # index; every case's in one pass over the table.
    if month is not None:
        where = f" WHERE rowid IN (SELECT rowid FROM cases WHERE month = :month{one.format(t='')}) AND received <= :today"
    elif one:
        where = " WHERE received <= :today" + one.format(t="")
    else:
        where = " NOT INDEXED WHERE received <= :today"
    numbers: dict[tuple[str, str], list[str]] = {}
    for township, of_month, listed, accused in ledger.conn.execute(
            f"SELECT township, month, group_concat(number), group_concat(CASE WHEN {IS_ACCUSATION} THEN number END)"
            f" FROM cases c{where} AND {VOIDED} AND {NOT_FINAL} GROUP BY township, month", params):
        if (township, of_month) not in groups:
            continue
        numbers[(township, of_month)] = found = listed.split(",")
        if kinds is not None:
            kinds.update(dict.fromkeys(found, False))
            if accused:
                kinds.update(dict.fromkeys(accused.split(","), True))
    return [MonthResults(t, m, tuple(sorted(numbers.get((t, m), ()))), met, decided)
            for (t, m), (met, decided) in sorted(groups.items())]


# The same groups of the months :first_month … :last_month, each ended by :today (every case of it
# received by then), from the tallies: each month's cases per township (``case_tally``), and their
# clocks' results (``summons_tally``: judged ones at lag -1, running ones by the days from the
# month's first day to their due day — missed once the days from that first day to :today pass the lag).
TALLIED_MONTHS_SQL = """
SELECT r.township, r.month, r.met, r.decided FROM (
    SELECT township, month, SUM(CASE WHEN lag = -1 THEN hit ELSE 0 END) AS met,
           SUM(CASE WHEN lag < CAST(julianday(:today) - julianday(month || '-01') AS INTEGER) THEN n ELSE 0 END)
             AS decided
    FROM summons_tally WHERE {months}{township} GROUP BY month, township
) r JOIN (
    SELECT month, township, SUM(n) AS n FROM case_tally WHERE {months}{township}
      AND status NOT IN ('voided', 'not_reaccepted')
    GROUP BY month, township
) counted ON counted.month = r.month AND counted.township = r.township
WHERE counted.n >= :summons_min AND r.decided > 0 AND r.met < :rate * r.decided + 0.5
"""


def _month_ended(month: str, today: dt.date) -> bool:
    return month_range(month)[1] <= today


def _tallied(ledger, params: dict, one: str) -> dict:
    """(township, month) → (met, decided) of the groups of the ended months ``params`` names."""
    one_month = params["first_month"] == params["last_month"]
    months = "month = :first_month" if one_month else "month BETWEEN :first_month AND :last_month"
    sql = TALLIED_MONTHS_SQL.format(months=months, township=one.format(t=""))
    return {(t, m): (met, decided) for t, m, met, decided in ledger.conn.execute(sql, params)}


def _list(values: list[str]) -> str:
    return ", ".join(f"'{v}'" for v in values) or "NULL"


def _overdue(ledger, today: dt.date, township: str | None = None, kinds: dict | None = None) -> list:
    """Open handling clocks past their due date on ``today`` (the 信访老大难 count)."""
    from xinfang.ledger.schema import NOT_A_WINDOW
    from xinfang.rules.sanctions import OverdueCase

    rows = ledger.conn.execute(
        # The duty clocks' own partial index (its condition written out, so that it applies): the
        # petitioners' review-request windows stay open on every answered case and are not read.
        f"SELECT c.township, k.case_number, k.due, {IS_ACCUSATION} FROM clocks k INDEXED BY clocks_open_duty"
        " JOIN cases c ON c.number = k.case_number"
        f" WHERE k.clock = ? AND k.done_on IS NULL AND k.{NOT_A_WINDOW} AND k.due < ?"
        + (" AND c.township = ?" if township is not None else ""),
        (Clock.handling.value, today.isoformat(), *([township] if township is not None else [])),
    )
    day = functools.lru_cache(maxsize=None)(dt.date.fromisoformat)  # a few hundred due days, thousands of clocks
    found = []
    for t, number, due, accused in rows:
        found.append(OverdueCase(t, number, Clock.handling, day(due)))
        if kinds is not None:
            kinds[number] = accused
    return found


def clock_results(ledger, today: dt.date) -> list:
    """Time-limit results (met, missed, or None while open and not yet due) for the on-time rate,
    one per clock of a case that is not voided: the records ``_month_results`` counts in SQL."""
    from xinfang.rules.sanctions import ClockResult

    rows = ledger.rows(
        "SELECT c.township, k.case_number, c.month, k.due, k.done_on, k.met FROM clocks k"
        " JOIN cases c ON c.number = k.case_number"
        f" WHERE k.clock IN ({_list([c.value for c in ON_TIME_CLOCKS])}) AND c.received <= ? AND {VOIDED}",
        (today.isoformat(),),
    )
    out = []
    for r in rows:
        if r["met"] is not None:
            met = bool(r["met"])
        elif r["done_on"] is None and r["due"] < today.isoformat():
            met = False  # still open past its limit: already missed
        else:
            met = None  # open and not yet due, or stopped by a transfer
        out.append(ClockResult(r["township"], r["case_number"], r["month"], dt.date.fromisoformat(r["due"]), met))
    return out


def findings(ledger, today: dt.date, month: str | None = None, township: str | None = None,
             kinds: dict | None = None) -> list:
    """Every sanction the ledger supports as of ``today`` (``derive_sanctions``); with ``township``,
    those of that township only, from its records only (each rule judges a township by its own
    cases, clocks and places in the published rankings). ``kinds``, when given, gains for each case
    number read whether that case is an accusation (检举控告), from the rows already read."""
    from xinfang.ledger.ranking import published_months
    from xinfang.rules.sanctions import derive_sanctions

    found = derive_sanctions(published_months(ledger), _cases(ledger, today, township, month, kinds),
                             _overdue(ledger, today, township, kinds), (), ledger.policy, today, month,
                             months=_month_results(ledger, today, township, month, kinds))
    return found if township is None else [f for f in found if f.township == township]


def decisions(ledger, today: dt.date) -> dict[str, dict]:
    """Key → the latest confirmation or dismissal recorded by ``today`` ({status, reason, on_date, who})."""
    return _decided(ledger, today)[0]


def _decided(ledger, today: dt.date) -> tuple[dict[str, dict], dict[str, dict]]:
    """The latest confirmation or dismissal per key, and the lift per key, recorded by ``today``."""
    latest: dict[str, dict] = {}
    lifts: dict[str, dict] = {}
    for r in ledger.rows("SELECT key, status, reason, on_date, who FROM sanction_decisions WHERE on_date <= ?"
                         " ORDER BY id", (today.isoformat(),)):
        (lifts if r["status"] == SanctionStatus.lifted.value else latest)[r["key"]] = {
            **r, "status": SanctionStatus(r["status"])}
    return latest, lifts


def _lift_days(lifts: dict[str, dict]) -> dict[str, dt.date]:
    return {k: dt.date.fromisoformat(d["on_date"]) for k, d in lifts.items()}


def _trigger_json(finding, status: SanctionStatus, decided: dict[str, dict], lifts: dict[str, dict]) -> dict:
    decision = decided.get(finding.key) if finding.status == SanctionStatus.proposed else None
    lift = lifts.get(finding.key)
    return {
        "id": finding.key,
        "trigger": finding.trigger,
        "status": status.value,
        "start": finding.start.isoformat(),
        "end": finding.end.isoformat() if finding.end else None,
        "months": list(finding.months),
        "cases": list(finding.cases),
        "decided_on": decision["on_date"] if decision else None,
        "reason": decision["reason"] if decision else None,
        "lifted_on": lift["on_date"] if lift else None,
        "lift_reason": lift["reason"] if lift else None,
    }


def _measure_json(measure, decided: dict[str, dict], lifts: dict[str, dict]) -> dict:
    triggers = [_trigger_json(f, s, decided, lifts) for f, s in measure.findings]
    return {
        "id": f"{measure.kind.value}:{measure.township}",
        "township": measure.township,
        "sanction": measure.kind.value,
        "status": measure.status.value,
        "effects": [a.value for a in measure.effects],
        "start": measure.start.isoformat(),
        "end": measure.end.isoformat() if measure.end else None,
        "months": list(measure.months),
        "cases": list(measure.cases),
        "trigger": tuple(t["trigger"] for t in triggers),
        "triggers": triggers,
    }


def list_sanctions(ledger, today: dt.date, month: str | None = None) -> list[dict]:
    """``sanctions [--month]``: one row per township and measure, its findings (``triggers``, each
    with its own id, status and decision) inside; ``trigger`` is the tuple of their ``Message``s
    for the edge to word. Published district-wide (and in the bulletin): an accusation (检举控告)
    behind a finding is counted, never numbered (``withhold_accusations``)."""
    from xinfang.rules.sanctions import measures

    decided, lifts = _decided(ledger, today)
    kinds: dict[str, bool] = {}
    found = findings(ledger, today, month, kinds=kinds)
    named = [_named(f.trigger) for f in found]  # beside each finding (an id is not assumed unique)
    accusations = _accusations_named(ledger, found, kinds, named)
    rows = [_measure_json(m, decided, lifts)
            for m in measures(found, {k: d["status"] for k, d in decided.items()}, _lift_days(lifts))]
    if accusations:
        secret = _alias_secret(ledger)
        # a row's cases and trigger are its findings': a row none of whose findings lists or names
        # an accusation is published as it is
        touched = {f.key for f, names in zip(found, named)
                   if not (accusations.isdisjoint(f.cases) and accusations.isdisjoint(names))}
        for row in rows:
            if touched.isdisjoint(t["id"] for t in row["triggers"]):
                continue
            # the row's trigger is the tuple of its triggers' messages: each is withheld once
            withheld = [_withheld_part(t, accusations) for t in row["trigger"]]
            row["trigger"] = _withheld_list(withheld)
            row["cases"] = [c for c in row["cases"] if c not in accusations]
            for item, (_, kept) in zip(row["triggers"], withheld):
                item["trigger"] = kept
                item["cases"] = [c for c in item["cases"] if c not in accusations]
                item["id"] = _published_key(item["id"], accusations, secret)
    return rows


def _named(value) -> set[str]:
    """Every text a trigger holds (its messages' parameters, walked): the case numbers among them.
    (A chronic township's trigger lists every overdue case: tens of thousands of messages a month
    at a province's scale, walked once.)"""
    found: set[str] = set()
    add = found.add
    stack = [value]
    push, pop = stack.append, stack.pop
    while stack:
        v = pop()
        if type(v) is Message:
            for _, p in v.params:
                if type(p) is str:
                    add(p)
                elif isinstance(p, (Message, tuple, list)):
                    push(p)
        elif isinstance(v, (tuple, list)):
            stack.extend(v)
        elif isinstance(v, str):
            add(v)
    return found


def _accusations_named(ledger, found: list, kinds: dict[str, bool], named: list | None = None) -> frozenset[str]:
    """The accusations among the cases the findings list or their triggers name (an earlier case a
    repeat follows, say; ``named`` holds each finding's names, in order, when they are already walked).
    Whether a case is one is known of every case the findings were read from (``kinds``); any
    other number is looked up."""
    every = {c for f in found for c in f.cases}
    every.update(*(named if named is not None else [_named([f.trigger for f in found])]))
    return frozenset(c for c in every if kinds.get(c)) | accusation_numbers(ledger, every - kinds.keys())


def _alias_secret(ledger) -> bytes:
    """The key of a withheld id's digest: this ledger's first history row's hash, which a published
    listing never shows."""
    return (ledger.scalar("SELECT hash FROM events ORDER BY id LIMIT 1") or "").encode()


def _published_key(key: str, accusations: frozenset[str], secret: bytes) -> str:
    """A finding's id as published: one that ends with an accusation's number (an admonishment of
    the case itself) ends instead with a keyed digest of it, which ``_finding`` takes back and which
    nobody without the ledger can turn into the number."""
    import hashlib
    import hmac

    head, _, last = key.rpartition(":")
    if not head or last not in accusations:
        return key
    return f"{head}:{WITHHELD_KEY}{hmac.new(secret, last.encode(), hashlib.sha256).hexdigest()[:10]}"


WITHHELD_KEY = "w-"  # the last part of a published id that stands for an accusation's number


def accusation_numbers(ledger, numbers) -> frozenset[str]:
    """Which of these case numbers are accusations."""
    from xinfang.ledger.protection import accusations_among

    return frozenset(accusations_among(ledger, numbers))


def withhold_accusations(value, accusations: frozenset[str]):
    """``value`` (a trigger ``Message``) with the accusations' numbers out: a listed part describing
    one is dropped and counted ("检举控告类 N 件"), a number given alone becomes that count."""
    if type(value) in _PLAIN:
        return value  # a count, a rate, a date: nothing to withhold
    if isinstance(value, Message):
        params = value.params
        for i, (k, v) in enumerate(params):
            w = withhold_accusations(v, accusations)
            if w is not v:  # the first part that changes: the rest are withheld from here on
                return Message(value.code, params[:i] + ((k, w),) + tuple(
                    (k2, withhold_accusations(v2, accusations)) for k2, v2 in params[i + 1:]))
        return value
    if isinstance(value, (tuple, list)):
        # a part that describes an accusation is dropped from the list: only the others are withheld
        parts = [(True, v) if _describes(v, accusations) else (False, withhold_accusations(v, accusations))
                 for v in value]
        if type(value) is tuple and all(not d and w is v for (d, w), v in zip(parts, value)):
            return value  # nothing in it to withhold
        return _withheld_list(parts)
    if isinstance(value, str) and value in accusations:
        return Message.of("protection.withheld", n=1)
    return value


_PLAIN = frozenset({int, float, bool, dt.date, type(None)})


def _describes(item, accusations: frozenset[str]) -> bool:
    """Whether a part of a list describes an accusation: a message naming one as its ``number`` or
    ``case``."""
    return isinstance(item, Message) and any(v in accusations for k, v in item.params if k == "number" or k == "case")


def _withheld_part(item, accusations: frozenset[str]) -> tuple[bool, object]:
    """One part of a list: whether it describes an accusation (the list drops it), and the part
    withheld (as it stands alone)."""
    return _describes(item, accusations), withhold_accusations(item, accusations)


def _withheld_list(parts: list[tuple[bool, object]]) -> tuple:
    hidden = sum(describes for describes, _ in parts)
    kept = tuple(part for describes, part in parts if not describes)
    return kept + ((Message.of("protection.withheld", n=hidden),) if hidden else ())


def _finding(ledger, key: str, today: dt.date):
    """The finding of ``key`` as of ``today``, or a refusal naming where the ids are listed."""
    # A key names its township second (kind:township:…): that township's findings are derived first;
    # a township whose own name holds a ':' is found among all of them.
    parts = key.split(":")
    withheld = parts[-1].startswith(WITHHELD_KEY)
    kinds: dict[str, bool] = {}

    def of(listed: list) -> dict:
        out = {f.key: f for f in listed}
        if withheld:  # the id as a published listing gives it
            accusations = _accusations_named(ledger, listed, kinds)
            if accusations:
                secret = _alias_secret(ledger)
                out.update((_published_key(f.key, accusations, secret), f) for f in listed)
        return out

    found = of(findings(ledger, today, township=parts[1], kinds=kinds)) if len(parts) > 2 else {}
    if key not in found:
        found = of(findings(ledger, today, kinds=kinds))
    finding = found.get(key)
    if finding is None:
        measure = len(parts) == 2 and parts[0] in {k.value for k in SanctionKind}
        raise Refusal("sanction.unknown_measure" if measure else "sanction.unknown", key=repr(key), today=today)
    return finding


def decide(ledger, key: str, status: SanctionStatus, reason: str | None, today: dt.date) -> dict:
    """Record a confirmation or dismissal of a proposed sanction (inside ``Ledger.write``)."""
    shown, finding, previous, verb = check_decision(ledger, key, status, reason, today)
    key = finding.key
    from xinfang.ledger.history import now_stamp

    ledger.conn.execute(
        "INSERT INTO sanction_decisions (key, status, reason, on_date, at, who) VALUES (?, ?, ?, ?, ?, ?)",
        (key, status.value, (reason or "").strip() or None, today.isoformat(), now_stamp(), ledger.who),
    )
    old = previous["status"].value if previous else SanctionStatus.proposed.value
    ledger.event(f"sanction-{verb}", None, key, old, status.value, note=(reason or "").strip() or None)
    return {"id": shown, "status": status.value, "township": finding.township, "sanction": finding.kind.value,
            "on": today.isoformat(), "reason": (reason or "").strip() or None}


def check_decision(ledger, key: str, status: SanctionStatus, reason: str | None, today: dt.date):
    """Refuse a decision ``decide`` would refuse, before the clerk is asked to confirm it: returns
    (the id as given, the finding, its earlier decision or None, the verb)."""
    shown = (key or "").strip()  # as the clerk gave it: a published id, maybe withheld (``_published_key``)
    finding = _finding(ledger, shown, today)
    key = finding.key
    verb = "confirm" if status == SanctionStatus.confirmed else "dismiss"
    if finding.status != SanctionStatus.proposed:
        raise Refusal("sanction.not_proposed", key=shown, status=finding.status, kind=finding.kind)
    if status == SanctionStatus.dismissed and not (reason or "").strip():
        raise Refusal("sanction.reason_needed", key=shown)
    previous = decisions(ledger, today).get(key)
    if previous is not None and previous["status"] == status:
        raise Refusal("sanction.decided", key=shown, status=status, on=previous["on_date"], who=previous["who"],
                      verb=Message.of(f"sanction.verb.{verb}"))
    if previous is not None:
        # One decision per proposal, as the confirmation warns: a confirmed measure ends by a lift
        # from a day on (what it stopped before stays stopped), a dismissed one is not taken up again.
        raise Refusal("sanction.decided_final" if previous["status"] == SanctionStatus.confirmed
                      else "sanction.decided_dismissed", key=shown, status=previous["status"],
                      on=previous["on_date"], who=previous["who"])
    return shown, finding, previous, verb


def lift(ledger, key: str, reason: str | None, today: dt.date) -> dict:
    """Record the lifting of a measure that binds (in force, or confirmed) from ``today`` on, with
    its reason (inside ``Ledger.write``). The finding stays in the listings, as lifted."""
    from xinfang.rules.sanctions import current_status

    shown = (key or "").strip()  # as the clerk gave it: a published id, maybe withheld (``_published_key``)
    finding = _finding(ledger, shown, today)
    key = finding.key
    if not (reason or "").strip():
        raise Refusal("sanction.lift.reason", key=shown)
    decided, lifts = _decided(ledger, today)
    if key in lifts:
        raise Refusal("sanction.lift.already", key=shown, on=lifts[key]["on_date"], who=lifts[key]["who"])
    status = current_status(finding, {k: d["status"] for k, d in decided.items()})
    if status not in (SanctionStatus.in_force, SanctionStatus.confirmed):
        raise Refusal("sanction.lift.not_binding", key=shown, status=status)
    if finding.end is not None and finding.end < today:
        raise Refusal("sanction.lift.ended", key=shown, end=finding.end)
    from xinfang.ledger.history import now_stamp

    why = reason.strip()
    ledger.conn.execute(
        "INSERT INTO sanction_decisions (key, status, reason, on_date, at, who) VALUES (?, ?, ?, ?, ?, ?)",
        (key, SanctionStatus.lifted.value, why, today.isoformat(), now_stamp(), ledger.who),
    )
    ledger.event("sanction-lift", None, key, status.value, SanctionStatus.lifted.value, note=why)
    return {"id": shown, "status": SanctionStatus.lifted.value, "township": finding.township,
            "sanction": finding.kind.value, "on": today.isoformat(), "reason": why}


def check(ledger, township: str, action: Action, on: dt.date, today: dt.date) -> dict:
    """``sanctions check``: may ``township`` get ``action`` on ``on``? Sanctions and decisions as
    known ``today``; ``reasons`` are ``Message``s for the edge to word."""
    from xinfang.rules.sanctions import check_action

    decided, lifts = _decided(ledger, today)
    kinds: dict[str, bool] = {}
    found = findings(ledger, today, township=township, kinds=kinds)
    allowed, reasons = check_action(township, action, on, found, {k: d["status"] for k, d in decided.items()},
                                    _lift_days(lifts))
    # the answer goes to the township itself: an accusation behind a reason is counted, never numbered
    accusations = _accusations_named(ledger, found, kinds) if reasons else frozenset()
    if accusations:
        reasons = [withhold_accusations(r, accusations) for r in reasons]
    return {"allowed": allowed, "reasons": reasons, "township": township, "action": action.value,
            "on": on.isoformat()}
