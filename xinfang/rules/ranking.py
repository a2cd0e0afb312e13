"""Monthly ranking of townships (信访排名) and its bottom group (后十位).

Pure functions: the month, the cases, the roster and the policy are arguments. A township's score
for a month is computed from the cases received in that month and attributed to it; townships are
ordered worst first and the bottom group is read off the positions.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from xinfang.model import Case, Kind, Level, Message, Policy, Status, Township

Score = int | float

_MONTH = re.compile(r"(\d{4})-(\d{2})")


class RankRow(NamedTuple):
    """One township's line in a month's ranking. Position 1 is the worst (highest score)."""

    township: str
    score: Score  # int, or a float with two decimals when scored per 10,000 residents
    cases: int
    skip_level: int  # 越级
    collective: int  # 集体访
    repeat: int  # 重复访
    position: int
    bottom: bool  # 后十位
    prev_score: Score | None = None
    prev_year_score: Score | None = None


# --- months -------------------------------------------------------------------------------------


def parse_month(month: str) -> tuple[int, int]:
    """Split a ``YYYY-MM`` month into (year, month); raise ValueError on anything else."""
    match = _MONTH.fullmatch(month) if isinstance(month, str) else None
    if not match:
        raise ValueError(f"month must look like YYYY-MM, not {month!r}")
    year, mon = int(match.group(1)), int(match.group(2))
    if year < 1 or not 1 <= mon <= 12:
        raise ValueError(f"no such month: {month!r}")
    return year, mon


def format_month(year: int, mon: int) -> str:
    if not (1 <= year <= 9999 and 1 <= mon <= 12):
        raise ValueError(f"month out of range: {year}-{mon}")
    return f"{year:04d}-{mon:02d}"


def month_of(day: dt.date) -> str:
    """The ``YYYY-MM`` month a date falls in."""
    return format_month(day.year, day.month)


def month_range(month: str) -> tuple[dt.date, dt.date]:
    """First and last day of a ``YYYY-MM`` month."""
    year, mon = parse_month(month)
    after = parse_month(next_month(month))
    return dt.date(year, mon, 1), dt.date(*after, 1) - dt.timedelta(days=1)


def previous_month(month: str) -> str:
    """The calendar month before ``month``."""
    year, mon = parse_month(month)
    return format_month(year - 1, 12) if mon == 1 else format_month(year, mon - 1)


def next_month(month: str) -> str:
    """The calendar month after ``month``."""
    year, mon = parse_month(month)
    return format_month(year + 1, 1) if mon == 12 else format_month(year, mon + 1)


def same_month_last_year(month: str) -> str:
    """The same month one year earlier (同比)."""
    year, mon = parse_month(month)
    return format_month(year - 1, mon)


# --- scoring ------------------------------------------------------------------------------------


def case_score(case: Case, policy: Policy) -> int:
    """Points one case adds to its township's monthly score.

    level weight × collective multiplier (when collective) + repeat extra (when a repeat case).
    """
    try:
        weight = policy.level_weights[Level(case.level)]
    except (KeyError, ValueError):
        raise ValueError(f"the policy gives no ranking weight for level {case.level!r}") from None
    if policy.is_collective(case.people):
        weight *= policy.collective_multiplier
    return weight + (policy.repeat_extra if case.repeat_of else 0)


def cases_in_month(month: str, cases: Iterable[Case]) -> list[Case]:
    """The cases received in ``month``."""
    first, last = month_range(month)
    return [c for c in cases if first <= c.received <= last]


def unranked_cases(month: str, cases: Iterable[Case], townships: Sequence[Township]) -> list[Case]:
    """Cases received in ``month`` whose township is not on the roster; the ranking cannot count them."""
    names = {t.name for t in townships}
    return [c for c in cases_in_month(month, cases) if c.township not in names]


def _per_10k(raw: int, population: int) -> Score:
    if population <= 0:
        return raw  # no population on the roster: the raw score is the only honest number
    return round(raw / (population / 10000), 2)


class Tally(NamedTuple):
    """A township's month in numbers, before ordering: the raw score (never per 10,000) and counts.

    The ledger computes these with one aggregate query; :func:`tally_month` computes the same from
    case records. Either feeds :func:`rank_tallies`.
    """

    score: int
    cases: int
    skip_level: int = 0
    collective: int = 0
    repeat: int = 0


EMPTY = Tally(0, 0, 0, 0, 0)


def counted(case: Case, policy: Policy) -> bool:
    """Whether the ranking counts a case: not of a status nor of a kind the policy leaves out
    (不予受理, 不再受理, 转送 and 建议意见类 by default), never a voided one."""
    return (case.status not in policy.uncounted_statuses and case.kind not in policy.uncounted_kinds
            and case.status != VOIDED)


# A case registered by mistake (作废) is out of every count.
VOIDED = "voided"


def tally_month(month: str, cases: Iterable[Case], policy: Policy, townships: Sequence[Township] | None = None) -> dict[str, Tally]:
    """Township → :class:`Tally` of the cases received in ``month``; only roster townships when given."""
    names = None if townships is None else {t.name for t in townships}
    counts: dict[str, list[int]] = {}
    for case in cases_in_month(month, cases):
        if (names is not None and case.township not in names) or not counted(case, policy):
            continue
        c = counts.setdefault(case.township, [0, 0, 0, 0, 0])
        c[0] += case_score(case, policy)
        c[1] += 1
        c[2] += policy.is_skip_level(case.level)
        c[3] += policy.is_collective(case.people)
        c[4] += bool(case.repeat_of)
    return {name: Tally(*c) for name, c in counts.items()}


def _check_roster(townships: Sequence[Township]) -> None:
    names = [t.name for t in townships]
    if len(set(names)) != len(names):
        duplicated = sorted({n for n in names if names.count(n) > 1})
        raise ValueError(f"the roster lists a township twice: {', '.join(duplicated)}")


def rank_month(
    month: str,
    cases: Iterable[Case],
    townships: Sequence[Township],
    policy: Policy,
    previous: Mapping[str, Score] | None = None,
    last_year: Mapping[str, Score] | None = None,
) -> list[RankRow]:
    """Rank every roster township for ``month``, worst first.

    Only cases received in the month count, in every status and kind but those the policy leaves
    out (``uncounted_statuses``: 不予受理, 不再受理, 转送; ``uncounted_kinds``: 建议意见类 by default).
    Ties keep roster order and share a position (1, 2, 2, 4). The bottom group is positions
    1..bottom_size with a score of at least ``bottom_min_score`` (and above zero), so ties at the
    cut line are all in and a township with no points is never in. ``previous`` and ``last_year`` map township
    names to the scores of the previous month and of the same month last year, for comparison.
    """
    _check_roster(townships)
    tallies = tally_month(month, cases, policy, townships)
    return rank_tallies(month, tallies, townships, policy, previous, last_year)


def rank_tallies(
    month: str,
    tallies: Mapping[str, Tally],
    townships: Sequence[Township],
    policy: Policy,
    previous: Mapping[str, Score] | None = None,
    last_year: Mapping[str, Score] | None = None,
    rates: Mapping[str, Mapping[str, float | None]] | None = None,
) -> list[RankRow]:
    """Rank every roster township for ``month`` from per-township tallies (as :func:`rank_month`).

    A township missing from ``tallies`` had no case; tallies of townships off the roster are ignored.
    With a composite policy, ``rates`` (township → indicator key → rate or None) enter the score
    (:func:`composite_score`).
    """
    parse_month(month)
    _check_roster(townships)
    bottom_size = policy.bottom_size
    scores = tally_scores(tallies, townships, policy, rates)
    scored = [(scores[t.name], t.name, tallies.get(t.name, EMPTY)) for t in townships]
    # Worst first; the sort is stable, so equal scores keep roster order.
    scored.sort(key=_score, reverse=True)
    previous = previous or {}
    last_year = last_year or {}
    rows: list[RankRow] = []
    position, above = 0, None
    for index, (score, name, (_, cases, skip_level, collective, repeat)) in enumerate(scored, 1):
        if score != above:
            position, above = index, score
        rows.append(RankRow(name, score, cases, skip_level, collective, repeat, position,
                            position <= bottom_size and in_bottom_range(score, policy), previous.get(name),
                            last_year.get(name)))
    return rows


def in_bottom_range(score: Score, policy: Policy) -> bool:
    """A score high enough for the bottom group: above zero and at least the policy's minimum."""
    return score > 0 and score >= policy.bottom_min_score


def composite_score(volume: Score, rates: Mapping[str, float | None], policy: Policy) -> Score:
    """The composite ranking's score (``policy.composite``): volume × the volume score + Σ weight ×
    shortfall (1 − rate; the repeat rate itself), a rate that is None adding nothing; two decimals."""
    weights = policy.composite
    total = weights.get("volume", 1) * volume
    for key, weight in weights.items():
        rate = rates.get(key) if key != "volume" else None
        if rate is None or not weight:
            continue
        total += weight * (rate if key == "repeat_rate" else 1 - rate)
    return round(total, 2)


def _score(item: tuple) -> Score:
    return item[0]


def tally_scores(tallies: Mapping[str, Tally], townships: Sequence[Township], policy: Policy,
                 rates: Mapping[str, Mapping[str, float | None]] | None = None) -> dict[str, Score]:
    """Township → the score :func:`rank_tallies` gives it, for every roster township, without the
    ordering: a comparison month needs only its scores."""
    if policy.per_10k_residents:
        out = {t.name: _per_10k(tallies.get(t.name, EMPTY).score, t.population) for t in townships}
    else:
        out = {t.name: tallies.get(t.name, EMPTY).score for t in townships}
    if policy.composite:
        out = {name: composite_score(score, (rates or {}).get(name, {}), policy) for name, score in out.items()}
    return out


def change(score: Score, before: Score | None) -> Score | None:
    """Score minus an earlier score (环比/同比); None when there is no earlier score."""
    if before is None:
        return None
    diff = score - before
    return round(diff, 2) if isinstance(diff, float) else diff


def bottom_group(rows: Iterable[RankRow]) -> list[str]:
    """Names of the townships in the bottom group (后十位), worst first."""
    return [row.township for row in rows if row.bottom]


def scores(rows: Iterable[RankRow]) -> dict[str, Score]:
    """Township → score, to pass as ``previous`` or ``last_year`` to another month's ranking."""
    return {row.township: row.score for row in rows}


def method(policy: Policy, month: str, published: bool) -> dict:
    """How a month's ranking was computed, to print beside every exported ranking. ``formula`` and
    ``cases_counted`` are messages (``xinfang.messages`` words them)."""
    parse_month(month)
    weighted = [(level, policy.level_weights[level]) for level in Level if level in policy.level_weights]
    formula = Message.of(
        "ranking.formula",
        weights=tuple(Message.of("ranking.weight", level=level, weight=weight) for level, weight in weighted),
        collective_people=policy.collective_people, multiplier=policy.collective_multiplier,
        repeat_extra=policy.repeat_extra, per_10k=Message.of("ranking.per_10k") if policy.per_10k_residents else "",
        bottom_size=policy.bottom_size,
        min_score=Message.of("ranking.min_score", score=policy.bottom_min_score) if policy.bottom_min_score > 0 else "",
        composite=Message.of("ranking.composite", weights=tuple(
            Message.of("ranking.composite_weight", key=Message.of(f"indicator.{k}"), weight=w)
            for k, w in policy.composite.items() if w)) if policy.composite else "",
    )
    left_out = tuple(k for k in Kind if k in policy.uncounted_kinds) + tuple(
        s for s in Status if s in policy.uncounted_statuses)
    return {
        "month": month,
        "published": published,
        "status": "published" if published else "provisional",
        "level_weights": {str(level): weight for level, weight in weighted},
        "collective_people": policy.collective_people,
        "collective_multiplier": policy.collective_multiplier,
        "repeat_extra": policy.repeat_extra,
        "per_10k_residents": policy.per_10k_residents,
        "bottom_size": policy.bottom_size,
        "bottom_min_score": policy.bottom_min_score,
        "uncounted_kinds": [k.value for k in Kind if k in policy.uncounted_kinds],
        "uncounted_statuses": [s.value for s in Status if s in policy.uncounted_statuses],
        "composite": dict(policy.composite) or None,
        "cases_counted": Message.of("ranking.cases_counted", left_out=left_out),
        "formula": formula,
    }
