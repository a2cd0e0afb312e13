"""Deadline clocks stored per case: started by lifecycle events, stopped when the duty is done.

Due dates are computed by ``xinfang.rules.deadlines`` and stored with the calendar version they
were computed with; tiers and days late are computed when read, never stored. A due date counted
over a year with no announced holiday schedule is provisional: it is recomputed (as events, old
due → new due) when that year's schedule is loaded with ``xinfang calendar load``.
"""

from __future__ import annotations

import datetime as dt
import sys

from xinfang.errors import XinfangError
from xinfang.model import Clock, ClockRule, Tier

# The petitioner's window to ask for review is not a duty of the office: it never appears on the
# supervision list and is not judged when a case closes.
PETITIONER_WINDOWS = ("review_request",)
TIER_ORDER = {Tier.seriously_overdue: 0, Tier.overdue: 1, Tier.due_soon: 2}

# chinesecalendar names its holidays in English; the calendar listing speaks Chinese by default.
_HOLIDAY_ZH = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节", "Mid-autumn Festival": "中秋节", "National Day": "国庆节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def work_calendar(ledger):
    """The working-day calendar: chinesecalendar's official years plus the years loaded into this
    ledger with 'xinfang calendar load' (the latest load of a year wins). Built once per command."""
    cal = getattr(ledger, "_calendar", None)
    if cal is None:
        from xinfang.calendar_source import build_calendar, parse_year_file

        extra = {}
        for row in ledger.rows("SELECT year, source, body FROM calendar_years ORDER BY id"):
            extra[row["year"]] = parse_year_file(row["body"], row["source"])
        try:
            cal = build_calendar(extra)
        except ValueError as exc:
            raise XinfangError(f"calendar: the stored holiday schedules are inconsistent ({exc})",
                               fix="load a corrected year file with 'xinfang calendar load'") from None
        ledger._calendar = cal
    return cal


def _deadline_json(clock: str, due: str, provisional) -> dict:
    return {"clock": clock, "due": due, "provisional": bool(provisional)}


def _rule_of(row: dict, policy) -> ClockRule:
    """The counting rule a stored clock was started with: its own days and counting, so that a later
    edit of the policy never silently moves a running deadline."""
    rule = policy.clocks.get(Clock(row["clock"]))
    return ClockRule(days=row["days"], start_from=rule.start_from if rule else "", counting=row["counting"],
                     applies_to=rule.applies_to if rule else "all",
                     max_extension_days=rule.max_extension_days if rule else 0)


def warn_provisional(ledger, clock: str, due: dt.date, start: dt.date, number: str | None = None) -> None:
    """One line on stderr: this due date was counted over a year without an announced schedule."""
    cal = work_calendar(ledger)
    years = [str(y) for y in range(start.year, due.year + 1) if not cal.is_official(y)]
    who = f"{number} " if number else ""
    sys.stderr.write(
        f"Warning: {who}{clock} due {due} is provisional (暂定): {', '.join(years)} has no official holiday "
        f"schedule, so it counts Monday to Friday only; load it with 'xinfang calendar load FILE' "
        f"and the due date is recomputed\n"
    )


def start_clock(ledger, number: str, clock: Clock, start: dt.date) -> dict | None:
    """Start one clock on a case (no-op when it already exists); returns its deadline."""
    from xinfang.rules.deadlines import deadline_for

    rule = ledger.policy.clocks.get(clock)
    if rule is None:
        return None
    d = deadline_for(clock, start, rule, work_calendar(ledger))
    cur = ledger.conn.execute(
        "INSERT OR IGNORE INTO clocks (case_number, clock, start, days, counting, due, provisional,"
        " calendar_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (number, clock.value, start.isoformat(), rule.days, rule.counting, d.due.isoformat(),
         int(d.provisional), d.calendar_version),
    )
    if not cur.rowcount:
        return None
    note = f"{rule.days} {rule.counting} days from {start}" + (" (provisional)" if d.provisional else "")
    ledger.event("clock", number, clock.value, None, d.due.isoformat(), note)
    if d.provisional:
        warn_provisional(ledger, clock.value, d.due, start, number)
    return _deadline_json(clock.value, d.due.isoformat(), d.provisional)


def start_clocks(ledger, number: str, trigger: str, start: dt.date, major: bool) -> list[dict]:
    """Start the clocks that ``trigger`` starts for this case; returns their deadlines."""
    from xinfang.rules.deadlines import clocks_started_by

    triggers = [trigger] + (["acceptance"] if trigger == "assignment" else [])
    out = []
    for trig in triggers:
        for clock in clocks_started_by(trig, major, ledger.policy):
            started = start_clock(ledger, number, clock, start)
            if started:
                out.append(started)
    return out


def restart_clock(ledger, number: str, clock: Clock, start: dt.date, note: str) -> dict:
    """Run a clock again from ``start`` (the re-review request window after a review answer)."""
    from xinfang.rules.deadlines import deadline_for

    row = ledger.one("SELECT * FROM clocks WHERE case_number = ? AND clock = ?", (number, clock.value))
    if row is None:
        return start_clock(ledger, number, clock, start)
    rule = ledger.policy.clocks[clock]
    d = deadline_for(clock, start, rule, work_calendar(ledger))
    ledger.conn.execute(
        "UPDATE clocks SET start = ?, days = ?, counting = ?, extension_days = 0, due = ?, provisional = ?,"
        " calendar_version = ?, done_on = NULL, met = NULL WHERE id = ?",
        (start.isoformat(), rule.days, rule.counting, d.due.isoformat(), int(d.provisional), d.calendar_version,
         row["id"]),
    )
    ledger.event("clock", number, clock.value, row["due"], d.due.isoformat(),
                 f"{note}: {rule.days} {rule.counting} days from {start}" + (" (provisional)" if d.provisional else ""))
    if d.provisional:
        warn_provisional(ledger, clock.value, d.due, start, number)
    return _deadline_json(clock.value, d.due.isoformat(), d.provisional)


def finish_clocks(ledger, number: str, clocks: list[Clock] | None, on: dt.date) -> dict[str, bool]:
    """Stop open duty clocks (all when ``clocks`` is None) as done on ``on``; returns clock → met.
    The petitioner's review request window is never judged here."""
    rows = ledger.rows("SELECT id, clock, due FROM clocks WHERE case_number = ? AND done_on IS NULL"
                       f" AND clock NOT IN ({', '.join('?' * len(PETITIONER_WINDOWS))})",
                       (number, *PETITIONER_WINDOWS))
    met = {}
    for r in rows:
        if clocks is not None and Clock(r["clock"]) not in clocks:
            continue
        ok = on.isoformat() <= r["due"]
        ledger.conn.execute("UPDATE clocks SET done_on = ?, met = ? WHERE id = ?", (on.isoformat(), int(ok), r["id"]))
        ledger.event("clock-done", number, r["clock"], None, on.isoformat(), "met" if ok else f"late (due {r['due']})")
        met[r["clock"]] = ok
    return met


def close_window(ledger, number: str, clock: Clock, on: dt.date, note: str) -> None:
    """Close a petitioner's window (the request came in time)."""
    row = ledger.one("SELECT id FROM clocks WHERE case_number = ? AND clock = ? AND done_on IS NULL",
                     (number, clock.value))
    if row:
        ledger.conn.execute("UPDATE clocks SET done_on = ?, met = 1 WHERE id = ?", (on.isoformat(), row["id"]))
        ledger.event("clock-done", number, clock.value, None, on.isoformat(), note)


def stop_clocks(ledger, number: str, on: dt.date) -> None:
    """Stop every open clock without judging it (the case left this office)."""
    for r in ledger.rows("SELECT id, clock FROM clocks WHERE case_number = ? AND done_on IS NULL", (number,)):
        ledger.conn.execute("UPDATE clocks SET done_on = ? WHERE id = ?", (on.isoformat(), r["id"]))
        ledger.event("clock-stop", number, r["clock"], None, on.isoformat())


def case_deadlines(ledger, number: str) -> list[dict]:
    return [
        {**_deadline_json(r["clock"], r["due"], r["provisional"]), "start": r["start"],
         "extension_days": r["extension_days"], "done_on": r["done_on"],
         "met": None if r["met"] is None else bool(r["met"])}
        for r in ledger.rows("SELECT * FROM clocks WHERE case_number = ? ORDER BY id", (number,))
    ]


# -- extension (延期) --------------------------------------------------------------------------

def extend_deadline(ledger, number: str, clock: Clock, days: int, reason: str, on: dt.date, today: dt.date) -> dict:
    """Grant the one extension (延期) a clock allows; recomputes its due date and records an event."""
    from xinfang.ledger.cases import get_case
    from xinfang.rules.deadlines import deadline_for, extension_allowed

    case = get_case(ledger, number)
    number = case["number"]
    policy_rule = ledger.policy.clocks.get(clock)
    if policy_rule is None or policy_rule.max_extension_days <= 0:
        extendable = [c.value for c, r in ledger.policy.clocks.items() if r.max_extension_days > 0]
        raise XinfangError(f"--clock: the {clock.value} deadline ({clock.zh}) cannot be extended",
                           fix=f"only {', '.join(extendable) or 'no clock'} can be extended")
    row = ledger.one("SELECT * FROM clocks WHERE case_number = ? AND clock = ?", (number, clock.value))
    if row is None:
        raise XinfangError(f"CASE: {number} has no {clock.value} deadline ({clock.zh}) yet",
                           fix="assign the case first with 'xinfang assign'")
    if row["done_on"]:
        raise XinfangError(f"CASE: the {clock.value} deadline of {number} ended on {row['done_on']}",
                           fix="only a running deadline can be extended")
    why_not = extension_allowed(policy_rule, row["extension_days"], days)
    if why_not:
        if row["extension_days"] > 0:
            raise XinfangError(f"--days: {number} {clock.value} was already extended by {row['extension_days']} days"
                               f" (due {row['due']}); only one extension is allowed",
                               fix=f"no further extension is possible; conclude the case by {row['due']}")
        raise XinfangError(f"--days: {why_not}", fix=f"give --days from 1 to {policy_rule.max_extension_days}")
    if on > today:
        raise XinfangError(f"--on: {on} is after today ({today})", fix="give the date the extension was approved")
    if on.isoformat() < row["start"]:
        raise XinfangError(f"--on: {on} is before the {clock.value} deadline started ({row['start']})",
                           fix="give the date the extension was approved")
    if on.isoformat() > row["due"]:
        raise XinfangError(f"--on: the {clock.value} deadline already ran out on {row['due']}",
                           fix=f"an extension is approved within the deadline; give --on {row['due']} or earlier")
    d = deadline_for(clock, dt.date.fromisoformat(row["start"]), _rule_of(row, ledger.policy), work_calendar(ledger),
                     extension_days=days)
    ledger.conn.execute("UPDATE clocks SET extension_days = ?, due = ?, provisional = ?, calendar_version = ?"
                        " WHERE id = ?", (days, d.due.isoformat(), int(d.provisional), d.calendar_version, row["id"]))
    ledger.event("clock-extend", number, clock.value, row["due"], d.due.isoformat(),
                 f"+{days} days approved {on}: {reason}")
    if d.provisional:
        warn_provisional(ledger, clock.value, d.due, d.start, number)
    return {"case": number, "clock": clock.value, "days": days, "old_due": row["due"], "due": d.due.isoformat(),
            "provisional": d.provisional, "reason": reason, "on": on.isoformat()}


# -- the working calendar kept in the ledger --------------------------------------------------

def load_calendar_year(ledger, text: str, name: str) -> dict:
    """Store one year file (append-only; a later load of the same year supersedes) and recompute
    every open clock it can move: the provisional ones and those running through that year."""
    import hashlib

    from xinfang.calendar_source import official_schedules, parse_year_file
    from xinfang.ledger.db import now_stamp

    schedule = parse_year_file(text, name)
    source = f"ledger: {name} sha256:{hashlib.sha256(text.encode('utf-8')).hexdigest()[:12]}"
    before = ledger.scalar("SELECT count(*) FROM calendar_years WHERE year = ?", (schedule.year,))
    old_version = work_calendar(ledger).version
    ledger.conn.execute("INSERT INTO calendar_years (year, source, body, at, who) VALUES (?, ?, ?, ?, ?)",
                        (schedule.year, source, text, now_stamp(), ledger.who))
    ledger._calendar = None
    cal = work_calendar(ledger)
    ledger.event("calendar-load", None, str(schedule.year), old_version, cal.version,
                 f"{source}: {len(schedule.holidays)} holidays, {len(schedule.workdays)} make-up workdays")
    changed = recompute_clocks(ledger, schedule.year, f"calendar {schedule.year} loaded ({source})")
    return {"year": schedule.year, "source": source, "version": cal.version,
            "superseded": bool(before), "official_overridden": schedule.year in official_schedules(),
            "holidays": len(schedule.holidays), "workdays": len(schedule.workdays),
            "recomputed": len(changed), "moved": sum(1 for c in changed if c["old_due"] != c["due"]),
            "still_provisional": sum(1 for c in changed if c["provisional"]), "clocks": changed}


def recompute_clocks(ledger, year: int, note: str) -> list[dict]:
    """Recompute open clocks after a schedule change; one event per clock whose stored due date,
    provisional flag or calendar version changed. Returns those clocks."""
    from xinfang.rules.deadlines import deadline_for

    cal = work_calendar(ledger)
    rows = ledger.rows(
        "SELECT * FROM clocks WHERE done_on IS NULL AND (provisional = 1 OR (start <= ? AND due >= ?))"
        " ORDER BY case_number, id", (f"{year}-12-31", f"{year}-01-01"))
    changed = []
    for r in rows:
        d = deadline_for(Clock(r["clock"]), dt.date.fromisoformat(r["start"]), _rule_of(r, ledger.policy), cal,
                         extension_days=r["extension_days"])
        due = d.due.isoformat()
        if (due, int(d.provisional), d.calendar_version) == (r["due"], r["provisional"], r["calendar_version"]):
            continue
        ledger.conn.execute("UPDATE clocks SET due = ?, provisional = ?, calendar_version = ? WHERE id = ?",
                            (due, int(d.provisional), d.calendar_version, r["id"]))
        state = "still provisional" if d.provisional else "no longer provisional"
        ledger.event("clock-recompute", r["case_number"], r["clock"], r["due"], due,
                     f"{note}; {state}; calendar version {r['calendar_version']} → {d.calendar_version}")
        changed.append({"case": r["case_number"], "clock": r["clock"], "old_due": r["due"], "due": due,
                        "provisional": d.provisional})
    return changed


def calendar_year(ledger, year: int) -> dict:
    """A year's holidays and make-up workdays and where they come from: ``ledger`` (a loaded year
    file, the latest wins), ``official`` (the chinesecalendar package) or ``none`` (weekends only)."""
    import tomllib

    from xinfang.calendar_source import official_schedules

    loaded = ledger.one("SELECT source, body, at, who FROM calendar_years WHERE year = ? ORDER BY id DESC LIMIT 1",
                        (year,))
    loads = ledger.scalar("SELECT count(*) FROM calendar_years WHERE year = ?", (year,))
    holidays: list[dict] = []
    workdays: list[dict] = []
    if loaded:
        source, detail = "ledger", loaded["source"]
        for entry in tomllib.loads(loaded["body"])["holidays"]:
            name = entry["name"].strip()
            holidays += [{"date": _as_date(d), "name": name} for d in entry.get("days", [])]
            workdays += [{"date": _as_date(d), "name": name} for d in entry.get("workdays", [])]
    elif year in official_schedules():
        from chinese_calendar import constants

        schedule = official_schedules()[year]
        source, detail = "official", schedule.source
        holidays = [{"date": d, "name": _HOLIDAY_ZH.get(constants.holidays.get(d, ""), constants.holidays.get(d, ""))}
                    for d in schedule.holidays]
        workdays = [{"date": d, "name": _HOLIDAY_ZH.get(constants.workdays.get(d, ""), constants.workdays.get(d, ""))}
                    for d in schedule.workdays]
    else:
        source, detail = "none", "weekends only (Monday to Friday are working days); deadlines over it are provisional"
    from operator import itemgetter

    key = itemgetter("date")
    return {
        "year": year, "source": source, "detail": detail,
        "loaded_at": loaded["at"] if loaded else None, "loaded_by": loaded["who"] if loaded else None,
        "loads": loads,
        "holidays": [{"date": h["date"].isoformat(), "name": h["name"]} for h in sorted(holidays, key=key)],
        "workdays": [{"date": w["date"].isoformat(), "name": w["name"]} for w in sorted(workdays, key=key)],
    }


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value).strip())


# -- the supervision list (督办单) ---------------------------------------------------------------

def overdue_clocks(ledger, on: dt.date, unit: str | None = None, township: str | None = None,
                   tier: Tier | None = None) -> list[dict]:
    """Open duty clocks that are due soon, overdue or seriously overdue on ``on``, worst first within
    groups of responsible unit and leader (groups ordered by their worst clock).

    One query over the open-clock index; the tier is computed per row. Filtering by a unit or a
    township never lists an accusation made against it (检举控告 protection).
    """
    from xinfang.rules.deadlines import days_late, tier_of

    policy = ledger.policy
    cal = work_calendar(ledger)
    # A clock can be on the list only when it is due before the (k+1)-th working day after ``on``.
    horizon = cal.add_working_days(on, policy.due_soon_working_days + 1)
    # These two terms are the partial index's own condition (schema.OPEN_DUTY_INDEX), so SQLite reads
    # only the office's open clocks.
    assert PETITIONER_WINDOWS == ("review_request",)
    where = ["k.done_on IS NULL", "k.clock != 'review_request'", "k.due < ?"]
    params: list = [horizon.isoformat()]
    if unit:
        where.append("(c.unit = ? OR c.joint LIKE ?) AND (c.accused IS NULL OR c.accused != ?)")
        params += [unit, f'%"{unit}"%', unit]
    if township:
        where.append("c.township = ? AND (c.accused IS NULL OR c.accused != ?)")
        params += [township, township]
    rows = ledger.rows(
        "SELECT k.case_number, c.unit, c.leader, c.township, k.clock, k.due, k.provisional"
        " FROM clocks k INDEXED BY clocks_open_duty JOIN cases c ON c.number = k.case_number"
        f" WHERE {' AND '.join(where)}", params)
    out = []
    tiers: dict[str, Tier | None] = {}  # many clocks share a due date: count working days once per date
    for r in rows:
        due = dt.date.fromisoformat(r["due"])
        if r["due"] not in tiers:
            tiers[r["due"]] = tier_of(due, on, cal, policy)
        t = tiers[r["due"]]
        if t is None or (tier is not None and t != tier):
            continue
        out.append({"case": r["case_number"], "unit": r["unit"], "leader": r["leader"], "township": r["township"],
                    "clock": r["clock"], "due": r["due"], "days_late": days_late(due, on), "tier": t.value,
                    "provisional": bool(r["provisional"])})

    def worst(item: dict):
        return TIER_ORDER[Tier(item["tier"])], -item["days_late"], item["due"], item["case"], item["clock"]

    groups: dict[tuple, list[dict]] = {}
    for item in sorted(out, key=worst):
        groups.setdefault((item["unit"], item["leader"]), []).append(item)
    return [item for _, items in sorted(groups.items(), key=lambda g: worst(g[1][0])) for item in items]
