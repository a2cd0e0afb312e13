"""Sanctions derived from published rankings and case data (制裁与责任追究).

Veto (一票否决) and key management (重点管理乡镇) from the ranking follow mechanically from published
months and are in force as soon as the triggering month is published. Key management from a serious
incident, chronic township (信访老大难), summons (召见谈话) and admonishment (诫勉谈话+通报批评) are
proposed from the data; a person confirms or dismisses each by its ``key``, and only a confirmed
one takes effect. Any measure that binds can be lifted by a recorded decision (``lifted``: key → the
day it stops binding). Listings show one :class:`Measure` per township and kind, its findings inside.

Pure functions: records, the policy and "today" are arguments. They word nothing: a finding's
trigger and a refusal's reason are ``Message``s (codes and parameters) that ``xinfang.messages``
words in Chinese or English at the edge.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from xinfang.model import Action, Case, Clock, Level, Message, Policy, SanctionKind, SanctionStatus, Status
from xinfang.rules.ranking import month_range, parse_month

_ONE_DAY = dt.timedelta(days=1)


class PublishedMonth(NamedTuple):
    """A published month's frozen bottom group and the day the bureau published it."""

    month: str
    bottom: frozenset[str]
    published_on: dt.date


class OverdueCase(NamedTuple):
    """A case still open past its handling deadline."""

    township: str
    case: str
    clock: Clock
    due: dt.date


class ClockResult(NamedTuple):
    """Whether a case met a deadline clock. ``met`` is None while it is neither met nor missed."""

    township: str
    case: str
    month: str  # month the case was received
    due: dt.date
    met: bool | None


class MonthResults(NamedTuple):
    """One township's cases received in one month and their deadline results: what the summons rate
    reads. ``month_results`` makes these from cases and clock results; the ledger counts them in SQL."""

    township: str
    month: str
    cases: tuple[str, ...]  # case numbers, sorted
    met: int  # time limits met
    decided: int  # time limits met or missed (open ones not yet due are left out)


class Finding(NamedTuple):
    """One sanction against one township. ``key`` is stable, so decisions can be recorded against it.
    ``trigger`` says why, as a message code and its parameters (months, cases, counts, rates,
    dates); ``xinfang.messages`` words it."""

    key: str
    township: str
    kind: SanctionKind
    trigger: Message
    months: tuple[str, ...]
    cases: tuple[str, ...]
    status: SanctionStatus
    effects: tuple[Action, ...]
    start: dt.date
    end: dt.date | None  # inclusive last day; None = open-ended


# --- months as integers, so that "consecutive" is plain arithmetic ------------------------------


def _month_index(month: str) -> int:
    year, mon = parse_month(month)
    return year * 12 + mon - 1


def _month_name(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _runs(published: Sequence[PublishedMonth], inside: bool, township: str) -> list[list[PublishedMonth]]:
    """Maximal runs of consecutive calendar months, each published, with the township in (or out
    of) the bottom group. ``published`` is sorted by month; a gap in it breaks a run."""
    runs: list[list[PublishedMonth]] = []
    last = None
    for pm in published:
        index = _month_index(pm.month)
        if (township in pm.bottom) != inside:
            last = None
            continue
        if last is not None and index == last + 1:
            runs[-1].append(pm)
        else:
            runs.append([pm])
        last = index
    return runs


def _published_as_of(published: Sequence[PublishedMonth], today: dt.date) -> list[PublishedMonth]:
    seen: dict[str, PublishedMonth] = {}
    for pm in published:
        _month_index(pm.month)
        if pm.month in seen:
            raise ValueError(f"month {pm.month} is published twice")
        seen[pm.month] = pm
    return sorted((pm for pm in seen.values() if pm.published_on <= today), key=lambda pm: _month_index(pm.month))


# --- veto and key management: mechanical, from published months ---------------------------------


def _ranking_triggers(published: Sequence[PublishedMonth], township: str, policy: Policy) -> list[list[PublishedMonth]]:
    """Each block of ``veto_consecutive_months`` consecutive bottom-group months is one trigger.

    A run twice as long triggers twice (months 3 and 6 of the run): each trigger needs months of its
    own, so one bad month cannot extend a run into a new sanction by itself.
    """
    n = policy.veto_consecutive_months
    blocks = []
    for run in _runs(published, True, township):
        blocks.extend(run[i : i + n] for i in range(0, len(run) - n + 1, n))
    return blocks


def _completed_on(block: Sequence[PublishedMonth]) -> dt.date:
    """A run of months is complete on the day its last-published month is published, which need not
    be the latest month of the run (a gap month may be published late)."""
    return max(pm.published_on for pm in block)


def _months_of(block: Sequence[PublishedMonth]) -> tuple[str, ...]:
    return tuple(pm.month for pm in block)


def _veto(township: str, block: Sequence[PublishedMonth], policy: Policy) -> Finding:
    trigger_month = block[-1]
    start = _completed_on(block)
    year_end = dt.date(_month_index(trigger_month.month) // 12, 12, 31)
    return Finding(
        key=f"veto:{township}:{trigger_month.month}",
        township=township,
        kind=SanctionKind.veto,
        trigger=Message.of("sanction.veto", n=len(block), bottom_size=policy.bottom_size, months=_months_of(block),
                           month=trigger_month.month, published_on=start, year=year_end.year),
        months=tuple(pm.month for pm in block),
        cases=(),
        status=SanctionStatus.in_force,
        effects=(Action.award, Action.land_approval),
        start=start,
        end=max(year_end, start),
    )


def _release(
    published: Sequence[PublishedMonth], township: str, after_month: str, policy: Policy
) -> list[PublishedMonth] | None:
    """The first run of ``key_management_release_months`` consecutive published months outside the
    bottom group, all after ``after_month``; None while there is none."""
    n = policy.key_management_release_months
    later = [pm for pm in published if _month_index(pm.month) > _month_index(after_month)]
    for run in _runs(later, False, township):
        if len(run) >= n:
            return run[:n]
    return None


def _key_management(
    township: str,
    key: str,
    trigger: Message,
    months: tuple[str, ...],
    cases: tuple[str, ...],
    start: dt.date,
    published: Sequence[PublishedMonth],
    policy: Policy,
    proposed: bool = False,
) -> Finding:
    """Key management until the release months; ``proposed`` (a serious incident): it binds only
    once confirmed, and a release ends it as a proposal still (``end`` set)."""
    release = _release(published, township, months[-1], policy)
    status, end = (SanctionStatus.proposed if proposed else SanctionStatus.in_force), None
    if release is not None:
        lifted_on = _completed_on(release)
        end = lifted_on - _ONE_DAY  # lifted the day the release is published
        if not proposed:
            status = SanctionStatus.lifted
        trigger = Message.of("sanction.lifted", ground=trigger, months=_months_of(release), n=len(release),
                             bottom_size=policy.bottom_size, lifted_on=lifted_on)
    return Finding(
        key=key,
        township=township,
        kind=SanctionKind.key_management,
        trigger=trigger,
        months=months,
        cases=cases,
        status=status,
        effects=(Action.land_approval,),
        start=start,
        end=end,
    )


def _is_serious_incident(case: Case, policy: Policy) -> bool:
    """A collective petition lodged at the serious-incident level or above (严重信访问题)."""
    return policy.is_collective(case.people) and Level(case.level).rank >= policy.serious_incident_level.rank


def _incident_findings(township: str, cases: Sequence[Case], published, policy: Policy) -> list[Finding]:
    by_month: dict[str, list[Case]] = defaultdict(list)
    for case in cases:
        by_month[_month_of(case.received)].append(case)
    findings = []
    for month, group in sorted(by_month.items()):
        group.sort(key=lambda c: (c.received, c.number))
        described = tuple(Message.of("sanction.incident_case", number=c.number, received=c.received,
                                     level=Level(c.level), people=c.people) for c in group)
        findings.append(
            _key_management(
                township,
                key=f"key_management:{township}:incident:{month}",
                trigger=Message.of("sanction.key_management.incident", level=Level(policy.serious_incident_level),
                                   cases=described),
                months=(month,),
                cases=tuple(c.number for c in group),
                start=group[0].received,
                published=published,
                policy=policy,
                proposed=True,
            )
        )
    return findings


def _mechanical(published: Sequence[PublishedMonth], cases: Sequence[Case], policy: Policy) -> list[Finding]:
    findings = []
    townships = sorted({name for pm in published for name in pm.bottom})
    for township in townships:
        for block in _ranking_triggers(published, township, policy):
            findings.append(_veto(township, block, policy))
            month = block[-1].month
            findings.append(
                _key_management(
                    township,
                    key=f"key_management:{township}:{month}",
                    trigger=Message.of("sanction.key_management.ranking", n=len(block),
                                       bottom_size=policy.bottom_size, months=_months_of(block), month=month,
                                       published_on=block[-1].published_on),
                    months=tuple(pm.month for pm in block),
                    cases=(),
                    start=_completed_on(block),
                    published=published,
                    policy=policy,
                )
            )
    serious: dict[str, list[Case]] = defaultdict(list)
    for case in cases:
        if _is_serious_incident(case, policy):
            serious[case.township].append(case)
    for township in sorted(serious):
        findings.extend(_incident_findings(township, serious[township], published, policy))
    return findings


# --- proposed sanctions: from case data, confirmed or dismissed by a person ---------------------


def _chronic(overdue: Sequence[OverdueCase], policy: Policy, today: dt.date) -> list[Finding]:
    """信访老大难: at least ``chronic_overdue_cases`` distinct cases open past their deadline.

    The key carries the day the township reached the threshold, so it stays the same while the
    same overdue cases remain and a decision recorded against it keeps applying.
    """
    overdue_since: dict[str, dict[str, OverdueCase]] = defaultdict(dict)
    for item in overdue:
        if item.due >= today:
            continue  # not past its deadline yet
        earliest = overdue_since[item.township].get(item.case)
        if earliest is None or item.due < earliest.due:
            overdue_since[item.township][item.case] = item
    findings = []
    for township in sorted(overdue_since):
        items = sorted(overdue_since[township].values(), key=lambda o: (o.due, o.case))
        if len(items) < policy.chronic_overdue_cases or policy.chronic_overdue_cases < 1:
            continue
        start = items[policy.chronic_overdue_cases - 1].due + _ONE_DAY
        # thousands of them at a province's scale: made as ``Message.of`` would make them
        described = tuple(Message("sanction.overdue_case", (("case", o.case), ("clock", Clock(o.clock)), ("due", o.due)))
                          for o in items)
        findings.append(
            Finding(
                key=f"chronic:{township}:{start}",
                township=township,
                kind=SanctionKind.chronic,
                trigger=Message.of("sanction.chronic", n=len(items), cases=described),
                months=tuple(sorted({_month_of(o.due + _ONE_DAY) for o in items})),
                cases=tuple(o.case for o in items),
                status=SanctionStatus.proposed,
                effects=(Action.auction,),
                start=start,
                end=None,
            )
        )
    return findings


def month_results(cases: Iterable[Case], clocks: Iterable[ClockResult]) -> list[MonthResults]:
    """Per (township, month received) that has cases: the case numbers and how many of their time
    limits were met and decided. A clock result of a month without cases counts nowhere."""
    counts: dict[tuple[str, str], list[str]] = defaultdict(list)
    for case in cases:
        counts[(case.township, _month_of(case.received))].append(case.number)
    decided: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for clock in clocks:
        _month_index(clock.month)
        if clock.met is not None:
            decided[(clock.township, clock.month)].append(bool(clock.met))
    out = []
    for (township, month), numbers in sorted(counts.items()):
        results = decided.get((township, month), [])
        out.append(MonthResults(township, month, tuple(sorted(numbers)), sum(results), len(results)))
    return out


def _summons(months: Iterable[MonthResults], policy: Policy) -> list[Finding]:
    """召见谈话: many cases in a month and an on-time rate below the policy's; no rate, no summons."""
    findings = []
    for township, month, numbers, met, decided in sorted(months, key=lambda r: (r.township, r.month)):
        if len(numbers) < policy.summons_min_cases or not decided:
            continue
        if met / decided >= policy.summons_on_time_rate:
            continue
        findings.append(
            Finding(
                key=f"summons:{township}:{month}",
                township=township,
                kind=SanctionKind.summons,
                trigger=Message.of("sanction.summons", month=month, n=len(numbers), rate=met / decided, met=met,
                                   decided=decided, target=policy.summons_on_time_rate),
                months=(month,),
                cases=tuple(sorted(numbers)),
                status=SanctionStatus.proposed,
                effects=(),
                start=month_range(month)[0],
                end=month_range(month)[1],  # a one-off event about that month
            )
        )
    return findings


def _admonishment(cases: Sequence[Case], policy: Policy) -> list[Finding]:
    """诫勉谈话+通报批评: a skip-level case that is also collective or a repeat."""
    findings = []
    for case in sorted(cases, key=lambda c: (c.received, c.number)):
        if not policy.is_skip_level(case.level):
            continue
        aggravating = []
        if policy.is_collective(case.people):
            aggravating.append(Message.of("sanction.collective", people=case.people))
        if case.repeat_of:
            aggravating.append(Message.of("sanction.repeat"))  # not which case it repeats: see sanction.repeat
        if not aggravating:
            continue
        findings.append(
            Finding(
                key=f"admonishment:{case.township}:{case.number}",
                township=case.township,
                kind=SanctionKind.admonishment,
                trigger=Message.of("sanction.admonishment", number=case.number, received=case.received,
                                   level=Level(case.level), aggravating=tuple(aggravating)),
                months=(_month_of(case.received),),
                cases=(case.number,),
                status=SanctionStatus.proposed,
                effects=(),
                start=case.received,
                end=case.received,  # a one-off event about that case
            )
        )
    return findings


# --- public API ---------------------------------------------------------------------------------


def _relevant(finding: Finding, month: str) -> bool:
    """Triggered by the month, or its window overlaps the month."""
    first, last = month_range(month)
    if month in finding.months:
        return True
    return finding.start <= last and (finding.end is None or finding.end >= first)


def _order(finding: Finding) -> tuple:
    return (finding.start, list(SanctionKind).index(finding.kind), finding.township, finding.key)


def derive_sanctions(
    published: Sequence[PublishedMonth],
    cases: Sequence[Case],
    overdue: Sequence[OverdueCase],
    clocks: Sequence[ClockResult],
    policy: Policy,
    today: dt.date,
    month: str | None = None,
    *,
    months: Sequence[MonthResults] | None = None,
) -> list[Finding]:
    """Every sanction the records support as of ``today``, ordered by start date.

    Months published after ``today`` and cases received after it are not yet known; a voided case
    (作废, registered by mistake) is none of the township's, and a 不再受理 entry is no incident nor
    admonishment of it. ``overdue``
    lists cases open past their deadline; ``clocks`` the deadline results used for on-time rates.
    With ``month``, only findings triggered by that month or in force during it are returned.
    ``months``: the per-month results of the cases received by ``today`` already counted (as the
    ledger counts them in SQL; ``month_results`` of the same records gives the same); then
    ``clocks`` is not read and ``cases`` need hold only the cases the other rules read.
    """
    if month is not None:
        _month_index(month)
    known = _published_as_of(published, today)
    received = [c for c in cases if c.received <= today and c.status != Status.voided]
    # A 不再受理 entry (a new letter on a matter already final) scores and deducts nothing: nor is it an
    # incident, a skip-level visit or one of the month's cases the township answers for.
    charged = [c for c in received if c.status != Status.not_reaccepted]
    findings = (
        _mechanical(known, charged, policy)
        + _chronic(overdue, policy, today)
        + _summons(month_results(charged, clocks) if months is None else months, policy)
        + _admonishment(charged, policy)
    )
    if month is not None:
        findings = [f for f in findings if _relevant(f, month)]
    return sorted(findings, key=_order)


def applies(finding: Finding, on: dt.date, decisions: Mapping[str, SanctionStatus],
            lifted: Mapping[str, dt.date] | None = None) -> bool:
    """Whether a finding binds on ``on``.

    Veto and key management from the ranking bind by themselves (their trigger, publishing, was
    already the bureau's decision). A proposed finding binds only once confirmed; a dismissed one
    never. A lift recorded against the key ends it from that day on.
    """
    if lifted and finding.key in lifted and on >= lifted[finding.key]:
        return False
    if finding.status == SanctionStatus.proposed:
        if decisions.get(finding.key) != SanctionStatus.confirmed:
            return False
    elif finding.status not in (SanctionStatus.in_force, SanctionStatus.lifted, SanctionStatus.confirmed):
        return False
    return finding.start <= on and (finding.end is None or on <= finding.end)


def _reason(finding: Finding, action: Action) -> Message:
    until = Message.of("sanction.until", end=finding.end) if finding.end is not None else ""
    verb = Message.of("sanction.withdrawn" if action == Action.award else "sanction.stopped")
    return Message.of("sanction.blocks", kind=finding.kind, key=finding.key, start=finding.start, until=until,
                      verb=verb, action=action, trigger=finding.trigger)


def check_action(
    township: str,
    action: Action,
    on: dt.date,
    findings: Iterable[Finding],
    decisions: Mapping[str, SanctionStatus],
    lifted: Mapping[str, dt.date] | None = None,
) -> tuple[bool, list[Message]]:
    """May ``township`` get ``action`` on ``on``? Returns (allowed, one reason per binding sanction,
    each a message naming the sanction, its window and its trigger)."""
    action = Action(action)
    reasons = [
        _reason(f, action)
        for f in findings
        if f.township == township and action in f.effects and applies(f, on, decisions, lifted)
    ]
    return not reasons, reasons


# --- listings: one row per township and measure ------------------------------------------------

# The order a measure's findings are summed up in: the strongest status names the measure.
STATUS_ORDER = (SanctionStatus.in_force, SanctionStatus.confirmed, SanctionStatus.proposed, SanctionStatus.lifted,
                SanctionStatus.dismissed)


class Measure(NamedTuple):
    """One township's sanction of one kind: its findings (each with its current status) inside.
    ``status`` is the strongest of theirs; ``start``/``end`` span the findings with that status."""

    township: str
    kind: SanctionKind
    status: SanctionStatus
    effects: tuple[Action, ...]
    start: dt.date
    end: dt.date | None
    months: tuple[str, ...]
    cases: tuple[str, ...]
    findings: tuple[tuple[Finding, SanctionStatus], ...]


def current_status(finding: Finding, decisions: Mapping[str, SanctionStatus],
                   lifted: Mapping[str, dt.date] | None = None) -> SanctionStatus:
    """A finding's status with the recorded decisions applied: a proposal confirmed or dismissed,
    a binding measure lifted (by the rule's release months or by a decision)."""
    status = finding.status
    if status == SanctionStatus.proposed:
        status = decisions.get(finding.key, status)
    if lifted and finding.key in lifted and status in (SanctionStatus.in_force, SanctionStatus.confirmed):
        status = SanctionStatus.lifted
    return status


def measures(findings: Iterable[Finding], decisions: Mapping[str, SanctionStatus],
             lifted: Mapping[str, dt.date] | None = None) -> list[Measure]:
    """The findings as one :class:`Measure` per township and kind, strongest status first, then by
    kind and township; each measure's findings in start order."""
    groups: dict[tuple[str, SanctionKind], list[tuple[Finding, SanctionStatus]]] = defaultdict(list)
    for finding in sorted(findings, key=_order):
        groups[(finding.township, finding.kind)].append((finding, current_status(finding, decisions, lifted)))
    out = []
    for (township, kind), items in groups.items():
        status = min((s for _, s in items), key=STATUS_ORDER.index)
        strongest = [f for f, s in items if s == status]
        ends = [f.end for f in strongest]
        effects = tuple(dict.fromkeys(a for f, _ in items for a in f.effects))
        out.append(Measure(township, kind, status, effects, min(f.start for f in strongest),
                           None if None in ends else max(ends),
                           tuple(sorted({m for f, _ in items for m in f.months})),
                           tuple(sorted({c for f, _ in items for c in f.cases})), tuple(items)))
    kinds = list(SanctionKind)
    return sorted(out, key=lambda m: (STATUS_ORDER.index(m.status), kinds.index(m.kind), m.township))
