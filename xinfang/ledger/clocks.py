"""Deadline clocks stored per case: reading them, the supervision list, and the working calendar.

Which clock a lifecycle action starts, judges or stops is ``xinfang.rules.lifecycle``'s, recorded
by ``xinfang.ledger.lifecycle``.

Due dates are computed by ``xinfang.rules.deadlines`` and stored with the calendar version they
were computed with; tiers and days late are computed when read, never stored. A due date counted
over a year with no announced holiday schedule is provisional: it is recomputed (as events, old
due → new due) when that year's schedule is loaded with ``xinfang calendar load``.
"""

from __future__ import annotations

import datetime as dt

from xinfang.errors import Refusal
from xinfang.model import WINDOWS, Clock, Tier
from xinfang.rules.lifecycle import ClockState

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
            raise Refusal("calendar.inconsistent", detail=str(exc)) from None
        ledger._calendar = cal
    return cal


def clock_state(r: dict) -> ClockState:
    """A stored clock row as the lifecycle sees it."""
    day = dt.date.fromisoformat
    return ClockState(
        clock=Clock(r["clock"]), start=day(r["start"]), days=r["days"], counting=r["counting"], due=day(r["due"]),
        provisional=bool(r["provisional"]), version=r["calendar_version"], extension_days=r["extension_days"],
        done_on=day(r["done_on"]) if r["done_on"] else None, met=None if r["met"] is None else bool(r["met"]))


def _deadline_json(clock: str, due: str, provisional) -> dict:
    return {"clock": clock, "due": due, "provisional": bool(provisional)}


def case_deadlines(ledger, number: str) -> list[dict]:
    return [
        {**_deadline_json(r["clock"], r["due"], r["provisional"]), "start": r["start"],
         "extension_days": r["extension_days"], "done_on": r["done_on"],
         "met": None if r["met"] is None else bool(r["met"])}
        for r in ledger.rows("SELECT * FROM clocks WHERE case_number = ? ORDER BY id", (number,))
    ]


# -- the working calendar kept in the ledger --------------------------------------------------

def load_calendar_year(ledger, text: str, name: str, force: bool = False) -> dict:
    """Store one year file (append-only; a later load of the same year supersedes) and recompute
    every open clock it can move: the provisional ones and those running through that year. A file
    that differs from the State Council's schedule the ``chinesecalendar`` package has for its year
    is refused unless ``force`` (a file missing a holiday would move every deadline through it)."""
    import hashlib

    from xinfang.calendar_source import official_schedules, parse_year_file
    from xinfang.ledger.history import now_stamp
    from xinfang.model import Message

    schedule = parse_year_file(text, name)
    official = official_schedules().get(schedule.year)
    if official is not None and not force and (schedule.holidays, schedule.workdays) != (official.holidays,
                                                                                         official.workdays):
        raise Refusal("calendar.differs_from_official", Message.of("metavar.FILE"), year=schedule.year, source=official.source,
                      missing=len(official.holidays - schedule.holidays), added=len(schedule.holidays - official.holidays),
                      workdays=len(official.workdays ^ schedule.workdays))
    source = f"ledger: {name} sha256:{hashlib.sha256(text.encode('utf-8')).hexdigest()[:12]}"
    before = ledger.scalar("SELECT count(*) FROM calendar_years WHERE year = ?", (schedule.year,))
    old_version = work_calendar(ledger).version
    ledger.conn.execute("INSERT INTO calendar_years (year, source, body, at, who) VALUES (?, ?, ?, ?, ?)",
                        (schedule.year, source, text, now_stamp(), ledger.who))
    ledger._calendar = ledger._clocking = None  # due dates are counted on the new calendar
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
    from xinfang.rules.lifecycle import stored_rule

    cal = work_calendar(ledger)
    rows = ledger.rows(
        "SELECT * FROM clocks WHERE done_on IS NULL AND (provisional = 1 OR (start <= ? AND due >= ?))"
        " ORDER BY case_number, id", (f"{year}-12-31", f"{year}-01-01"))
    changed = []
    for r in rows:
        d = deadline_for(Clock(r["clock"]), dt.date.fromisoformat(r["start"]),
                         stored_rule(clock_state(r), ledger.policy), cal, extension_days=r["extension_days"])
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
    from xinfang.ledger.schema import NOT_A_WINDOW

    where = ["k.done_on IS NULL", f"k.{NOT_A_WINDOW}", "k.due < ?"]
    params: list = [horizon.isoformat()]
    from xinfang.ledger.protection import shown_to_sql

    if unit:
        # A review's answer is chased against the body that reviews (k.body), not the case's unit.
        where.append("(coalesce(k.body, c.unit) = ? OR (k.body IS NULL AND c.joint LIKE ?))"
                     f" AND {shown_to_sql(ledger, 'c.accused')}")
        params += [unit, f'%"{unit}"%', unit]
    if township:
        where.append(f"c.township = ? AND {shown_to_sql(ledger, 'c.accused')}")
        params += [township, township]
    rows = ledger.rows(
        "SELECT k.case_number, coalesce(k.body, c.unit) AS unit, CASE WHEN k.body IS NULL THEN c.leader END AS leader,"
        " c.township, k.clock, k.due, k.provisional"
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
