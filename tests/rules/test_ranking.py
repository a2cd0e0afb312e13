"""Monthly ranking (信访排名): scores, positions, the bottom group (后十位) and the method note."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinfang.messages import bilingual, wording
from xinfang.model import Case, Kind, Level, Status, Township
from xinfang.policy import default_rules_text, load_policy_text
from xinfang.rules.ranking import (
    RankRow,
    bottom_group,
    case_score,
    method,
    month_range,
    previous_month,
    rank_month,
    same_month_last_year,
    scores,
    tally_month,
    tally_scores,
    unranked_cases,
)

POLICY = load_policy_text(default_rules_text())
PER_10K = POLICY._replace(per_10k_residents=True)

# Twelve townships of the district, each with its roster population.
ROSTER = [
    Township(name, "", pop)
    for name, pop in [
        ("淮城镇", 98000),
        ("车桥镇", 61000),
        ("泾口镇", 58000),
        ("流均镇", 47000),
        ("席桥镇", 45000),
        ("林集镇", 43000),
        ("马甸镇", 34000),
        ("博里镇", 66000),
        ("苏嘴镇", 52000),
        ("溪河镇", 39000),
        ("钦工镇", 55000),
        ("施河镇", 50000),
    ]
]
NAMES = [t.name for t in ROSTER]
MARCH = dt.date(2026, 3, 10)


def case(number, township, level=Level.district, people=1, repeat_of=None, received=MARCH, **kw) -> Case:
    return Case(number, received, township, Level(level), people=people, repeat_of=repeat_of, **kw)


def row(rows: list[RankRow], township: str) -> RankRow:
    return next(r for r in rows if r.township == township)


# --- case score -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "level, people, repeat_of, expected",
    [
        ("district", 1, None, 1),
        ("city", 1, None, 2),
        ("province", 1, None, 3),
        ("national", 1, None, 5),
        ("district", 4, None, 1),  # four people is not yet a collective petition
        ("district", 5, None, 2),  # five or more: 集体访, ×2
        ("national", 30, None, 10),
        ("city", 1, "C-0001", 3),  # repeat: +1 after the multiplier
        ("province", 6, "C-0001", 7),
    ],
)
def test_case_score_follows_the_report_weights(level, people, repeat_of, expected):
    assert case_score(case("C-1", "车桥镇", level, people, repeat_of), POLICY) == expected


def test_case_score_reads_its_numbers_from_the_policy():
    heavier = POLICY._replace(level_weights={**POLICY.level_weights, Level.city: 4}, collective_multiplier=3, repeat_extra=2)
    assert case_score(case("C-1", "车桥镇", "city", 5, "C-0"), heavier) == 4 * 3 + 2


def test_case_score_refuses_a_level_the_policy_does_not_weigh():
    partial = POLICY._replace(level_weights={Level.district: 1})
    with pytest.raises(ValueError, match="weight"):
        case_score(case("C-1", "车桥镇", "national"), partial)


# --- ranking --------------------------------------------------------------------------------------


def test_every_roster_township_is_ranked_worst_first():
    cases = [
        case("C-1", "林集镇", "city"),  # 2
        case("C-2", "车桥镇", "national", people=8),  # 10
        case("C-3", "车桥镇", "district", repeat_of="C-0"),  # 2
        case("C-4", "马甸镇", "district"),  # 1
    ]
    rows = rank_month("2026-03", cases, ROSTER, POLICY)
    assert [r.township for r in rows[:3]] == ["车桥镇", "林集镇", "马甸镇"]
    assert [r.score for r in rows[:3]] == [12, 2, 1]
    assert len(rows) == len(ROSTER)
    assert row(rows, "车桥镇")[2:6] == (2, 1, 1, 1)  # cases, skip-level, collective, repeat
    # townships without a case score zero and keep roster order
    assert [r.township for r in rows[3:]] == [n for n in NAMES if n not in ("车桥镇", "林集镇", "马甸镇")]
    assert all(r.score == 0 and r.cases == 0 and r.position == 4 for r in rows[3:])


def test_only_cases_received_in_the_month_count():
    cases = [
        case("C-1", "车桥镇", received=dt.date(2026, 2, 28)),
        case("C-2", "车桥镇", received=dt.date(2026, 3, 1)),
        case("C-3", "车桥镇", received=dt.date(2026, 3, 31)),
        case("C-4", "车桥镇", received=dt.date(2026, 4, 1)),
        case("C-5", "车桥镇", received=dt.date(2025, 3, 15)),
    ]
    assert row(rank_month("2026-03", cases, ROSTER, POLICY), "车桥镇").cases == 2


def test_what_counts_is_the_policys_choice_suggestions_and_transferred_cases_not_by_default():
    transferred = [case("C-1", "泾口镇", "city", status=Status.transferred)]
    assert row(rank_month("2026-03", transferred, ROSTER, POLICY), "泾口镇").score == 0
    counting = POLICY._replace(uncounted_statuses=frozenset({Status.declined}))
    assert row(rank_month("2026-03", transferred, ROSTER, counting), "泾口镇").score == 2
    suggestion = [case("C-2", "泾口镇", "city")._replace(kind=Kind.suggestion)]
    assert row(rank_month("2026-03", suggestion, ROSTER, POLICY), "泾口镇").score == 0
    assert row(rank_month("2026-03", suggestion, ROSTER, POLICY._replace(uncounted_kinds=frozenset())),
               "泾口镇").score == 2


def test_the_bottom_group_needs_the_policys_minimum_score():
    cases = [case("C-1", "泾口镇", "city"), case("C-2", "车桥镇")]  # 2 and 1 points
    rows = rank_month("2026-03", cases, ROSTER, POLICY._replace(bottom_min_score=2))
    assert [r.township for r in rows if r.bottom] == ["泾口镇"]
    assert [r.township for r in rank_month("2026-03", cases, ROSTER, POLICY) if r.bottom] == ["泾口镇", "车桥镇"]


def test_the_composite_score_adds_each_rate_shortfall_by_its_weight():
    from xinfang.rules.ranking import composite_score

    weights = {"volume": 1, "on_time_rate": 10, "repeat_rate": 20, "satisfaction_rate": 5}
    policy = POLICY._replace(composite=weights)
    # 3 + 10 × (1 − 0.5) + 20 × 0.25 + satisfaction unknown (adds nothing)
    assert composite_score(3, {"on_time_rate": 0.5, "repeat_rate": 0.25, "satisfaction_rate": None}, policy) == 13
    cases = [case("C-1", "泾口镇", "city"), case("C-2", "车桥镇")]
    rates = {"车桥镇": {"on_time_rate": 0.0}}  # 1 + 10: now worse than 泾口镇's 2
    rows = rank_month("2026-03", cases, ROSTER, policy)
    assert row(rows, "泾口镇").score == 2
    from xinfang.rules.ranking import rank_tallies, tally_month

    ranked = rank_tallies("2026-03", tally_month("2026-03", cases, policy), ROSTER, policy, rates=rates)
    assert [r.township for r in ranked[:2]] == ["车桥镇", "泾口镇"] and ranked[0].score == 11


def test_cases_outside_the_roster_are_reported_not_ranked():
    cases = [case("C-1", "外区镇", "city"), case("C-2", "车桥镇")]
    rows = rank_month("2026-03", cases, ROSTER, POLICY)
    assert "外区镇" not in {r.township for r in rows}
    assert [c.number for c in unranked_cases("2026-03", cases, ROSTER)] == ["C-1"]


def test_ties_share_a_position_competition_style():
    cases = [
        case("C-1", "马甸镇", "city"),
        case("C-2", "林集镇", "province"),
        case("C-3", "流均镇", "city"),
        case("C-4", "车桥镇", "district"),
    ]
    rows = rank_month("2026-03", cases, ROSTER, POLICY)
    # 流均镇 comes before 马甸镇 in the roster, so it is listed first within the tie
    assert [(r.township, r.score, r.position) for r in rows[:4]] == [
        ("林集镇", 3, 1),
        ("流均镇", 2, 2),
        ("马甸镇", 2, 2),
        ("车桥镇", 1, 4),
    ]


def test_zero_score_townships_are_never_in_the_bottom_group():
    # Only three townships have cases: the bottom group has three members, not ten.
    cases = [case("C-1", "车桥镇"), case("C-2", "林集镇", "city"), case("C-3", "马甸镇")]
    rows = rank_month("2026-03", cases, ROSTER, POLICY)
    assert bottom_group(rows) == ["林集镇", "车桥镇", "马甸镇"]
    assert not any(r.bottom for r in rows if r.score == 0)


def test_no_case_in_the_month_means_an_empty_bottom_group():
    assert bottom_group(rank_month("2026-03", [], ROSTER, POLICY)) == []


def test_ties_at_the_cut_line_are_all_in():
    # Positions 1..8 have distinct scores; four townships tie at position 9 for the last places.
    worst = NAMES[:8]
    cases = []
    for i, name in enumerate(worst):
        cases += [case(f"C-{name}-{k}", name) for k in range(20 - i)]
    tied = NAMES[8:12]
    cases += [case(f"C-{name}", name) for name in tied]
    rows = rank_month("2026-03", cases, ROSTER, POLICY)
    assert [r.position for r in rows[8:]] == [9, 9, 9, 9]
    assert len(bottom_group(rows)) == 12
    assert set(bottom_group(rows)) == set(NAMES)


def test_a_tie_starting_after_the_cut_line_is_all_out():
    cases = []
    for i, name in enumerate(NAMES[:10]):
        cases += [case(f"C-{name}-{k}", name) for k in range(30 - i)]
    cases += [case(f"C-{name}", name) for name in NAMES[10:]]
    rows = rank_month("2026-03", cases, ROSTER, POLICY)
    assert bottom_group(rows) == NAMES[:10]
    assert [r.position for r in rows[10:]] == [11, 11]


def test_bottom_size_comes_from_the_policy():
    cases = [case(f"C-{i}", name, received=MARCH) for i, name in enumerate(NAMES) for _ in range(i + 1)]
    rows = rank_month("2026-03", cases, ROSTER, POLICY._replace(bottom_size=3))
    assert bottom_group(rows) == NAMES[::-1][:3]


@pytest.mark.parametrize(
    "township, raw, expected",
    [
        ("淮城镇", 10, 1.02),  # 10 / 9.8
        ("马甸镇", 10, 2.94),  # 10 / 3.4
        ("林集镇", 3, 0.7),  # 3 / 4.3 = 0.697…
    ],
)
def test_per_10k_residents_divides_by_population_with_two_decimals(township, raw, expected):
    cases = [case(f"C-{k}", township) for k in range(raw)]
    assert row(rank_month("2026-03", cases, ROSTER, PER_10K), township).score == expected


def test_per_10k_reorders_by_population_and_keeps_raw_score_without_population():
    roster = [Township("大镇", "", 100000), Township("小镇", "", 20000), Township("无人口", "", 0)]
    cases = [case("A", "大镇", "national"), case("B", "小镇", "city"), case("C", "无人口", "district")]
    rows = rank_month("2026-03", cases, roster, PER_10K)
    assert [(r.township, r.score) for r in rows] == [("小镇", 1.0), ("无人口", 1), ("大镇", 0.5)]
    assert [r.position for r in rows] == [1, 1, 3]


def test_previous_and_last_year_scores_are_carried_for_comparison():
    feb = rank_month("2026-02", [case("C-1", "车桥镇", received=dt.date(2026, 2, 3))], ROSTER, POLICY)
    rows = rank_month("2026-03", [case("C-2", "车桥镇")], ROSTER, POLICY, previous=scores(feb), last_year={"车桥镇": 7})
    assert row(rows, "车桥镇").prev_score == 1
    assert row(rows, "车桥镇").prev_year_score == 7
    assert row(rows, "林集镇").prev_score == 0
    assert row(rows, "林集镇").prev_year_score is None
    assert rank_month("2026-03", [], ROSTER, POLICY)[0].prev_score is None


def test_a_roster_listing_a_township_twice_is_refused():
    with pytest.raises(ValueError, match="车桥镇"):
        rank_month("2026-03", [], ROSTER + [Township("车桥镇", "", 1)], POLICY)


# --- method and months ----------------------------------------------------------------------------


def test_method_states_weights_month_and_publication():
    m = method(POLICY, "2026-03", published=False)
    assert m["month"] == "2026-03"
    assert m["published"] is False and m["status"] == "provisional"
    assert m["level_weights"] == {"district": 1, "city": 2, "province": 3, "national": 5}
    assert (m["collective_multiplier"], m["repeat_extra"], m["bottom_size"]) == (2, 1, 10)
    assert m["per_10k_residents"] is False
    assert m["formula"].code == "ranking.formula" and m["formula"].args()["bottom_size"] == 10
    assert bilingual(m["formula"]) == (
        "得分 = Σ 层级权重(区1、市2、省3、国家5) × 集体访(≥5人)×2 + 重复访 +1; 后10位 = 名次1–10且得分>0"
        " / score = Σ level weight (district 1, city 2, province 3, national 5) × 2 if collective (≥5 people)"
        " + 1 if repeat; bottom group = positions 1–10 with score > 0")
    assert "且得分>0、≥3" in wording(method(POLICY._replace(bottom_min_score=3), "2026-03", False)["formula"])
    # what counts, and the composite's weights when enabled, are stated too
    assert m["uncounted_kinds"] == ["suggestion"] and "transferred" in m["uncounted_statuses"]
    assert "建议意见类" in wording(m["cases_counted"]) and "转送" in wording(m["cases_counted"])
    assert m["composite"] is None
    mixed = method(POLICY._replace(composite={"volume": 1, "on_time_rate": 10}), "2026-03", False)
    assert mixed["composite"] == {"volume": 1, "on_time_rate": 10} and "按期办结率10" in wording(mixed["formula"])
    assert method(PER_10K, "2026-03", published=True)["status"] == "published"
    assert "per 10,000 residents" in bilingual(method(PER_10K, "2026-03", True)["formula"])
    assert "按每万人口计" in wording(method(PER_10K, "2026-03", True)["formula"])


@pytest.mark.parametrize(
    "month, first, last",
    [
        ("2026-01", dt.date(2026, 1, 1), dt.date(2026, 1, 31)),
        ("2026-02", dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
        ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ("2026-12", dt.date(2026, 12, 1), dt.date(2026, 12, 31)),
    ],
)
def test_month_range(month, first, last):
    assert month_range(month) == (first, last)


@pytest.mark.parametrize(
    "month, previous, last_year",
    [("2026-03", "2026-02", "2025-03"), ("2026-01", "2025-12", "2025-01"), ("2026-12", "2026-11", "2025-12")],
)
def test_neighbouring_months(month, previous, last_year):
    assert previous_month(month) == previous
    assert same_month_last_year(month) == last_year


@pytest.mark.parametrize("bad", ["2026-13", "2026-00", "2026-3", "26-03", "2026/03", "", "2026-03-01", "0000-05", None])
def test_bad_months_are_refused(bad):
    for function in (month_range, previous_month, same_month_last_year):
        with pytest.raises(ValueError):
            function(bad)
    with pytest.raises(ValueError):
        rank_month(bad, [], ROSTER, POLICY)
    with pytest.raises(ValueError):
        method(POLICY, bad, False)


# --- properties -----------------------------------------------------------------------------------

cases_strategy = st.lists(
    st.builds(
        lambda n, t, lvl, people, rep, day: case(f"C-{n}", t, lvl, people, "C-0" if rep else None, dt.date(2026, 3, day)),
        st.integers(0, 10_000),
        st.sampled_from(NAMES),
        st.sampled_from(list(Level)),
        st.integers(1, 12),
        st.booleans(),
        st.integers(1, 31),
    ),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(cases_strategy, st.integers(1, 14), st.booleans())
def test_bottom_group_properties(cases, bottom_size, per_10k):
    policy = POLICY._replace(bottom_size=bottom_size, per_10k_residents=per_10k)
    rows = rank_month("2026-03", cases, ROSTER, policy)
    members = [r for r in rows if r.bottom]
    others = [r for r in rows if not r.bottom]
    positive = [r for r in rows if r.score > 0]
    assert len(members) >= min(bottom_size, len(positive))
    assert all(m.score > 0 for m in members)
    if members and others:
        assert min(m.score for m in members) >= max(o.score for o in others)
    assert all(r.score >= 0 for r in rows)
    positions = [r.position for r in rows]
    assert positions == sorted(positions) and positions[0] == 1
    assert sorted(r.township for r in rows) == sorted(NAMES)
    assert sum(r.cases for r in rows) == len(cases)


@settings(max_examples=100, deadline=None)
@given(cases_strategy, st.randoms(use_true_random=False))
def test_case_order_does_not_change_the_ranking(cases, rnd: random.Random):
    shuffled = list(cases)
    rnd.shuffle(shuffled)
    assert rank_month("2026-03", shuffled, ROSTER, POLICY) == rank_month("2026-03", cases, ROSTER, POLICY)


@settings(max_examples=100, deadline=None)
@given(cases_strategy, st.booleans())
def test_tally_scores_are_the_scores_of_the_ranking(cases, per_10k):
    policy = POLICY._replace(per_10k_residents=per_10k)
    tallies = tally_month("2026-03", cases, policy)
    assert tally_scores(tallies, ROSTER, policy) == scores(rank_month("2026-03", cases, ROSTER, policy))
