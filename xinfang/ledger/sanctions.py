"""Sanctions on the ledger (制裁与责任追究): the records the rules need, decisions, and the land desk's check.

``xinfang.rules.sanctions`` derives every finding from published months, cases, overdue handling
clocks and deadline results; this module reads those records, applies the decisions a person
recorded in ``sanction_decisions`` (append-only, the latest decision on a key wins) and records new
ones. Cases count whatever their status, as in the ranking (属地负责).
"""

from __future__ import annotations

import datetime as dt

from xinfang.errors import XinfangError
from xinfang.model import Action, Clock, Level, SanctionKind, SanctionStatus

MECHANICAL = (SanctionKind.veto, SanctionKind.key_management)
# The local time limits (限时办结) give each case its on-time result for the summons rate.
ON_TIME_CLOCKS = (Clock.reply, Clock.conclude)
CASE_COLUMNS = ("number, received, township, level, people, kind, category, major, status, repeat_of, id_number,"
                " channel, assigned_on, closed_on")


def _cases(ledger, today: dt.date) -> list:
    """The cases a sanction can rest on, received by ``today``: serious incidents, skip-level cases
    that are collective or repeats, and the cases of (township, month) groups large enough for a
    summons that have a missed time limit. Other cases cannot trigger anything."""
    from xinfang.ledger.cases import as_case

    policy = ledger.policy
    serious = [lv.value for lv in Level if lv.rank >= Level(policy.serious_incident_level).rank]
    skip = [lv.value for lv in policy.skip_levels]
    missed_filter = (
        "(c.township, c.month) IN (SELECT c2.township, c2.month FROM clocks k JOIN cases c2"
        " ON c2.number = k.case_number WHERE k.clock IN ({clocks})"
        " AND (k.met = 0 OR (k.done_on IS NULL AND k.due < :today)))"
    ).format(clocks=", ".join(f"'{c.value}'" for c in ON_TIME_CLOCKS))
    if policy.summons_on_time_rate > 1:  # every group with a result is below the rate
        missed_filter = "1"
    sql = (
        f"SELECT {CASE_COLUMNS} FROM cases c WHERE c.received <= :today AND ("
        f" (c.people >= :collective AND c.level IN ({_list(serious)}))"
        f" OR (c.level IN ({_list(skip)}) AND (c.people >= :collective OR c.repeat_of IS NOT NULL))"
        f" OR ((c.township, c.month) IN (SELECT township, month FROM cases GROUP BY township, month"
        f"      HAVING COUNT(*) >= :summons_min) AND {missed_filter}))"
    )
    params = {"today": today.isoformat(), "collective": policy.collective_people,
              "summons_min": policy.summons_min_cases}
    return [as_case(r) for r in ledger.rows(sql, params)]


def _list(values: list[str]) -> str:
    return ", ".join(f"'{v}'" for v in values) or "NULL"


def _overdue(ledger, today: dt.date) -> list:
    """Open handling clocks past their due date on ``today`` (the 信访老大难 count)."""
    from xinfang.rules.sanctions import OverdueCase

    rows = ledger.rows(
        "SELECT c.township, k.case_number, k.clock, k.due FROM clocks k JOIN cases c ON c.number = k.case_number"
        " WHERE k.clock = ? AND k.done_on IS NULL AND k.due < ?",
        (Clock.handling.value, today.isoformat()),
    )
    return [OverdueCase(r["township"], r["case_number"], Clock(r["clock"]), dt.date.fromisoformat(r["due"]))
            for r in rows]


def _clock_results(ledger, today: dt.date) -> list:
    """Time-limit results (met, missed, or None while open and not yet due) for the on-time rate."""
    from xinfang.rules.sanctions import ClockResult

    rows = ledger.rows(
        "SELECT c.township, k.case_number, c.month, k.due, k.done_on, k.met FROM clocks k"
        " JOIN cases c ON c.number = k.case_number"
        f" WHERE k.clock IN ({_list([c.value for c in ON_TIME_CLOCKS])}) AND c.received <= ?",
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


def findings(ledger, today: dt.date, month: str | None = None) -> list:
    """Every sanction the ledger supports as of ``today`` (``derive_sanctions``)."""
    from xinfang.ledger.ranking import published_months
    from xinfang.rules.sanctions import derive_sanctions

    return derive_sanctions(published_months(ledger), _cases(ledger, today), _overdue(ledger, today),
                            _clock_results(ledger, today), ledger.policy, today, month)


def decisions(ledger, today: dt.date) -> dict[str, dict]:
    """Key → the latest decision recorded by ``today`` ({status, reason, on_date, who})."""
    latest: dict[str, dict] = {}
    for r in ledger.rows("SELECT key, status, reason, on_date, who FROM sanction_decisions WHERE on_date <= ?"
                         " ORDER BY id", (today.isoformat(),)):
        latest[r["key"]] = {**r, "status": SanctionStatus(r["status"])}
    return latest


def _status(finding, decided: dict[str, dict]) -> SanctionStatus:
    if finding.status == SanctionStatus.proposed and finding.key in decided:
        return decided[finding.key]["status"]
    return finding.status


def _as_json(finding, decided: dict[str, dict]) -> dict:
    decision = decided.get(finding.key) if finding.status == SanctionStatus.proposed else None
    return {
        "id": finding.key,
        "township": finding.township,
        "sanction": finding.kind.value,
        "trigger": finding.trigger,
        "status": _status(finding, decided).value,
        "effects": [a.value for a in finding.effects],
        "start": finding.start.isoformat(),
        "end": finding.end.isoformat() if finding.end else None,
        "months": list(finding.months),
        "cases": list(finding.cases),
        "decided_on": decision["on_date"] if decision else None,
        "reason": decision["reason"] if decision else None,
    }


def list_sanctions(ledger, today: dt.date, month: str | None = None) -> list[dict]:
    """``sanctions [--month]``: each finding with the person's decision applied."""
    decided = decisions(ledger, today)
    return [_as_json(f, decided) for f in findings(ledger, today, month)]


def decide(ledger, key: str, status: SanctionStatus, reason: str | None, today: dt.date) -> dict:
    """Record a confirmation or dismissal of a proposed sanction (inside ``Ledger.write``)."""
    key = (key or "").strip()
    found = {f.key: f for f in findings(ledger, today)}
    finding = found.get(key)
    if finding is None:
        raise XinfangError(f"ID: no sanction {key!r} as of {today}",
                           fix="list the sanctions and their ids with 'xinfang sanctions'")
    verb = "confirm" if status == SanctionStatus.confirmed else "dismiss"
    if finding.kind in MECHANICAL:
        raise XinfangError(
            f"ID: {key} is {finding.status.en}: {finding.kind.en} follows from the published ranking"
            " and cannot be confirmed or dismissed",
            fix="it ends by itself (veto at year end, key management after the release months);"
                " only proposed sanctions take a decision",
        )
    if status == SanctionStatus.dismissed and not (reason or "").strip():
        raise XinfangError("--reason: dismissing a sanction needs a reason (it is kept in the record)",
                           fix=f"run 'xinfang sanctions dismiss {key} --reason \"…\"'")
    previous = decisions(ledger, today).get(key)
    if previous is not None and previous["status"] == status:
        raise XinfangError(
            f"ID: {key} was already {status.en} on {previous['on_date']} by {previous['who']}",
            fix=f"nothing to {verb}; 'xinfang sanctions' shows its status",
        )
    from xinfang.ledger.db import now_stamp

    ledger.conn.execute(
        "INSERT INTO sanction_decisions (key, status, reason, on_date, at, who) VALUES (?, ?, ?, ?, ?, ?)",
        (key, status.value, (reason or "").strip() or None, today.isoformat(), now_stamp(), ledger.who),
    )
    old = previous["status"].value if previous else SanctionStatus.proposed.value
    ledger.event(f"sanction-{verb}", None, key, old, status.value, note=(reason or "").strip() or None)
    return {"id": key, "status": status.value, "township": finding.township, "sanction": finding.kind.value,
            "on": today.isoformat(), "reason": (reason or "").strip() or None}


def check(ledger, township: str, action: Action, on: dt.date, today: dt.date) -> dict:
    """``sanctions check``: may ``township`` get ``action`` on ``on``? Sanctions and decisions as
    known ``today``."""
    from xinfang.rules.sanctions import check_action

    decided = {k: d["status"] for k, d in decisions(ledger, today).items()}
    allowed, reasons = check_action(township, action, on, findings(ledger, today), decided)
    return {"allowed": allowed, "reasons": reasons, "township": township, "action": action.value,
            "on": on.isoformat()}
