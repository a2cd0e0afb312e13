"""Assessment indicators (考核指标): the rates petition work is judged by, per township and period.

Each rate is a numerator and a denominator; a rate with an empty denominator has no value (None,
shown "—"), never 0% or 100%. A period is a run of whole months (a month, or a year). What each
rate counts (``docs/indicators.md`` states the same in words):

- 及时受理率 ``timely_acceptance_rate``: notice clocks (受理告知, 15 days from registration) that
  ended in the period and were met ÷ notice clocks that ended in the period. A clock ends the day
  it was met (accepted or declined in time), or on its due day when it was missed (done late, or
  still open once the due day has passed).
- 按期办结率 ``on_time_rate``: the same over the local time limits (限时办结: reply to a general matter
  in 5 days, conclusion of a major one in 20, from assignment) — the rate the summons reads.
- 群众满意率 ``satisfaction_rate``: the petitioner's evaluations (满意度评价, either stage) given in
  the period that are 满意 or 基本满意 ÷ evaluations given in the period.
- 参评率 ``evaluation_rate``: cases closed in the period whose handling the petitioner evaluated
  within ``evaluation_window_days`` of the closing ÷ cases closed in the period.
- 重复信访率 ``repeat_rate``: repeat cases received in the period ÷ cases received in the period.
- 初信初访化解率 ``first_contact_rate``: initial cases (初信初访) closed in the period that no later
  case repeats ÷ initial cases closed in the period.

No rate counts a case transferred out (转送: another body's matter) or voided (作废). A letter on a
matter already final (不再受理) is a repeat petition received: the repeat rate counts it; it starts
no clock and is never closed, so no other rate meets it.

Pure functions: facts, the period, the policy and "today" in; ``Rate``s out. The ledger computes
the same counts in SQL (``xinfang.ledger.indicators``); a test holds the two equal.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from xinfang.model import Message, Policy, Satisfaction, Stage, Status

RATES = ("timely_acceptance_rate", "on_time_rate", "satisfaction_rate", "evaluation_rate", "repeat_rate",
         "first_contact_rate")
# The five the monthly ranking shows beside the score.
RANK_RATES = RATES[:5]
# Cases no indicator counts: 转送, 作废.
EXCLUDED_STATUSES = ("transferred", "voided")
SATISFIED = (Satisfaction.satisfied, Satisfaction.basic)
NOTICE, ON_TIME = "notice", "on_time"  # the two kinds of clock the rates read
HANDLING_STAGE = "handling"


class Rate(NamedTuple):
    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        """The rate, 0–1; None when nothing was there to count."""
        return self.numerator / self.denominator if self.denominator else None

    def __add__(self, other: Rate) -> Rate:  # type: ignore[override]
        return Rate(self.numerator + other.numerator, self.denominator + other.denominator)


NONE = Rate(0, 0)


class Indicators(NamedTuple):
    """One township's (or the district's) rates for a period."""

    timely_acceptance_rate: Rate = NONE
    on_time_rate: Rate = NONE
    satisfaction_rate: Rate = NONE
    evaluation_rate: Rate = NONE
    repeat_rate: Rate = NONE
    first_contact_rate: Rate = NONE

    def __add__(self, other: Indicators) -> Indicators:  # type: ignore[override]
        return Indicators(*(a + b for a, b in zip(self, other)))

    def values(self) -> dict[str, float | None]:
        return {key: getattr(self, key).value for key in RATES}


EMPTY = Indicators()


class CaseFacts(NamedTuple):
    number: str
    township: str
    received: dt.date
    status: str
    repeat: bool  # it repeats an earlier case (重复访)
    initial: bool  # 初信初访
    closed_on: dt.date | None = None
    repeated: bool = False  # a later case repeats it


class ClockFacts(NamedTuple):
    case: str
    kind: str  # NOTICE or ON_TIME
    due: dt.date
    done_on: dt.date | None
    met: bool | None


class Evaluation(NamedTuple):
    case: str
    stage: str  # acceptance | handling
    result: Satisfaction
    on: dt.date


def evaluation_refusal(stage: Stage, on: dt.date, today: dt.date, status: str, accepted_on: dt.date | None,
                       handled_on: dt.date | None, earlier: dt.date | None) -> Message | None:
    """Why a petitioner's evaluation cannot be recorded, or None. ``accepted_on``: the day the case
    was accepted or declined; ``handled_on``: the day of its first reply or its closing;
    ``earlier``: the day this stage was already evaluated (an evaluation is given once)."""
    if on > today:
        return Message.of("evaluate.future", on=on, today=today)
    if status in EXCLUDED_STATUSES:
        return Message.of("evaluate.excluded", status=Status(status))
    if stage == Stage.handling and status == Status.declined.value:
        return Message.of("evaluate.declined")  # 不予受理: no handling to evaluate, only the acceptance
    if earlier is not None:
        return Message.of("evaluate.twice", stage=stage, on=earlier)
    since = accepted_on if stage == Stage.acceptance else handled_on
    if since is None:
        return Message.of("evaluate.not_yet", stage=stage)
    if on < since:
        return Message.of("evaluate.before", stage=stage, on=on, since=since)
    return None


def clock_end(clock: ClockFacts, today: dt.date) -> dt.date | None:
    """The day a clock ended: met on the day it was done; missed on its due day (done late, or
    still open after it). None while it runs, or when it was stopped unjudged (a transfer)."""
    if clock.met is True:
        return clock.done_on
    if clock.met is False or (clock.met is None and clock.done_on is None and clock.due < today):
        return clock.due
    return None


def _within(day: dt.date | None, first: dt.date, last: dt.date) -> bool:
    return day is not None and first <= day <= last


def indicators(
    first: dt.date,
    last: dt.date,
    cases: Iterable[CaseFacts],
    clocks: Iterable[ClockFacts],
    evaluations: Iterable[Evaluation],
    policy: Policy,
    today: dt.date,
) -> dict[str, Indicators]:
    """Township → its :class:`Indicators` for the period ``first``–``last`` (inclusive), for every
    township some fact of the period counts for. ``district`` sums them."""
    counted = {c.number: c for c in cases if c.status not in EXCLUDED_STATUSES}
    window = dt.timedelta(days=policy.evaluation_window_days)
    counts: dict[str, dict[str, list[int]]] = defaultdict(lambda: {k: [0, 0] for k in RATES})

    def add(township: str, key: str, hit: bool) -> None:
        pair = counts[township][key]
        pair[0] += bool(hit)
        pair[1] += 1

    for clock in clocks:
        case = counted.get(clock.case)
        if case is not None and _within(clock_end(clock, today), first, last):
            add(case.township, "timely_acceptance_rate" if clock.kind == NOTICE else "on_time_rate", clock.met is True)
    evaluated: dict[str, dt.date] = {}
    for ev in evaluations:
        case = counted.get(ev.case)
        if case is None:
            continue
        if _within(ev.on, first, last):
            add(case.township, "satisfaction_rate", Satisfaction(ev.result) in SATISFIED)
        if ev.stage == HANDLING_STAGE:
            evaluated[ev.case] = min(ev.on, evaluated.get(ev.case, ev.on))
    for case in counted.values():
        if _within(case.received, first, last):
            add(case.township, "repeat_rate", case.repeat)
        if _within(case.closed_on, first, last):
            on = evaluated.get(case.number)
            add(case.township, "evaluation_rate", on is not None and on <= case.closed_on + window)
            if case.initial:
                add(case.township, "first_contact_rate", not case.repeated)
    return {township: Indicators(*(Rate(*pair[key]) for key in RATES)) for township, pair in counts.items()}


def district(per_township: Mapping[str, Indicators]) -> Indicators:
    """The district's rates: every township's numerators and denominators summed."""
    total = EMPTY
    for item in per_township.values():
        total = total + item
    return total


def change(now: Rate, before: Rate | None) -> float | None:
    """The change of a rate's value against an earlier period's (环比/同比), in rate points (0.05 =
    5 points); None when either has no value."""
    if before is None or now.value is None or before.value is None:
        return None
    return round(now.value - before.value, 4)
