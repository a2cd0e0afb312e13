"""Deadlines (限时办结) and their tiers on the supervision list (督办单).

Pure functions: the policy, the working calendar and "today" are arguments. Counting follows
DOMAIN.md: by default calendar days, start day not counted, a last day off work moves to the next
working day; a clock may instead count working days. A deadline counted over a year with no
announced schedule is provisional and is recomputed once the schedule is loaded.
"""

from __future__ import annotations

import datetime as dt

from xinfang.model import Clock, ClockRule, Deadline, Policy, Tier
from xinfang.rules.calendar import WorkCalendar

TRIGGERS = ("registration", "assignment", "acceptance", "written_opinion", "request")
_APPLIES_TO = ("all", "general", "major")


def deadline_for(
    clock: Clock,
    start: dt.date,
    rule: ClockRule,
    calendar: WorkCalendar,
    extension_days: int = 0,
) -> Deadline:
    """The due date of ``clock`` started on ``start``, with any granted extension (延期) added.

    ``calendar`` counting: due = start + days (+ extension), moved to the next working day when
    that day is off. ``working_days`` counting: the (days + extension)-th working day after start.
    """
    if extension_days < 0:
        raise ValueError(f"extension_days must not be negative ({extension_days})")
    days = rule.days + extension_days
    if days < 0:
        raise ValueError(f"{clock.value}: a clock cannot run a negative number of days ({days})")
    if rule.counting == "calendar":
        due = calendar.next_workday(start + dt.timedelta(days=days))
    elif rule.counting == "working_days":
        due = calendar.add_working_days(start, days)
    else:
        raise ValueError(f"{clock.value}: counting must be 'calendar' or 'working_days', not {rule.counting!r}")
    provisional = any(not calendar.is_official(year) for year in range(start.year, due.year + 1))
    return Deadline(clock=clock, start=start, due=due, provisional=provisional, calendar_version=calendar.version)


def clocks_started_by(trigger: str, major: bool, policy: Policy) -> list[Clock]:
    """The clocks an event starts on a case: those whose rule runs ``from`` this trigger and
    applies to the case (``general`` only when not major, ``major`` only when major), in policy order.

    The ledger records acceptance (受理) at assignment and asks for both triggers then.
    """
    if trigger not in TRIGGERS:
        raise ValueError(f"unknown clock trigger {trigger!r}; expected one of {', '.join(TRIGGERS)}")
    started = []
    for clock, rule in policy.clocks.items():
        if rule.applies_to not in _APPLIES_TO:
            expected = ", ".join(_APPLIES_TO)
            raise ValueError(f"{clock.value}: applies_to must be one of {expected}, not {rule.applies_to!r}")
        if rule.start_from != trigger:
            continue
        if rule.applies_to == "all" or (rule.applies_to == "major") == major:
            started.append(clock)
    return started


def days_late(due: dt.date, on: dt.date) -> int:
    """Calendar days ``on`` is past ``due``; 0 when not late."""
    return max(0, (on - due).days)


def tier_of(due: dt.date, on: dt.date, calendar: WorkCalendar, policy: Policy) -> Tier | None:
    """Where an open clock stands on day ``on``: seriously overdue, overdue, due soon, or None.

    Seriously overdue counts calendar days late; due soon counts working days left in (on, due],
    so a clock due today, or due right after a holiday week, is due soon.
    """
    if on > due:
        if days_late(due, on) >= policy.seriously_overdue_days:
            return Tier.seriously_overdue
        return Tier.overdue
    # Working days in (on, due] <= k exactly when the (k+1)-th working day after ``on`` is past due;
    # this stays cheap however far away the due date is.
    if calendar.add_working_days(on, policy.due_soon_working_days + 1) > due:
        return Tier.due_soon
    return None


def met(due: dt.date, done_on: dt.date) -> bool:
    """True when the step was done on time: on or before the due date."""
    return done_on <= due


def extension_allowed(rule: ClockRule, already_extended: int, days: int) -> tuple[str, dict] | None:
    """Why an extension (延期) of ``days`` cannot be granted, as (code, parameters), or None when it can.

    ``already_extended`` is what has been granted on this clock before (days, or a count; any
    value above 0 means the one allowed extension is used up).
    """
    if rule.max_extension_days <= 0:
        return "not_extendable", {}
    if already_extended > 0:
        return "already_extended", {}
    if days < 1:
        return "too_short", {"days": days}
    if days > rule.max_extension_days:
        return "too_long", {"max": rule.max_extension_days, "days": days}
    return None
