"""Sanctions (制裁与责任追究) derived from published rankings and case data, and the land desk's check."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinfang.messages import wording
from xinfang.model import Action, Case, Clock, Level, Message, SanctionKind, SanctionStatus
from xinfang.policy import default_rules_text, load_policy_text
from xinfang.rules.sanctions import (
    ClockResult,
    Finding,
    OverdueCase,
    PublishedMonth,
    check_action,
    current_status,
    measures,
    derive_sanctions,
)

POLICY = load_policy_text(default_rules_text())
TODAY = dt.date(2026, 12, 1)
CONFIRMED = SanctionStatus.confirmed
DISMISSED = SanctionStatus.dismissed


def pub(month: str, *bottom: str, on: dt.date | None = None) -> PublishedMonth:
    """A month published on the 5th of the next month unless told otherwise."""
    year, mon = int(month[:4]), int(month[5:])
    on = on or (dt.date(year + 1, 1, 5) if mon == 12 else dt.date(year, mon + 1, 5))
    return PublishedMonth(month, frozenset(bottom), on)


def case(number, township, level=Level.district, people=1, repeat_of=None, received=dt.date(2026, 3, 10)) -> Case:
    return Case(number, received, township, Level(level), people=people, repeat_of=repeat_of)


def derive(published=(), cases=(), overdue=(), clocks=(), today=TODAY, month=None, policy=POLICY) -> list[Finding]:
    return derive_sanctions(list(published), list(cases), list(overdue), list(clocks), policy, today, month)


def of_kind(findings, kind: SanctionKind) -> list[Finding]:
    return [f for f in findings if f.kind == kind]


def keys(findings) -> list[str]:
    return [f.key for f in findings]


# --- one-vote veto (一票否决) and key management (重点管理乡镇) from published rankings -------------


def test_three_consecutive_published_bottom_months_veto_the_township():
    published = [pub("2026-01", "车桥镇"), pub("2026-02", "车桥镇", "林集镇"), pub("2026-03", "车桥镇")]
    findings = derive(published, today=dt.date(2026, 4, 20))
    veto = of_kind(findings, SanctionKind.veto)
    assert len(veto) == 1
    v = veto[0]
    assert v.key == "veto:车桥镇:2026-03"
    assert v.township == "车桥镇"
    assert v.months == ("2026-01", "2026-02", "2026-03")
    assert v.status == SanctionStatus.in_force
    assert set(v.effects) == {Action.award, Action.land_approval}
    assert v.start == dt.date(2026, 4, 5)  # the day March's ranking was published
    assert v.end == dt.date(2026, 12, 31)  # no award that year
    assert v.trigger.code == "sanction.veto"
    assert v.trigger.args() == {"n": 3, "bottom_size": 10, "months": ("2026-01", "2026-02", "2026-03"),
                                "month": "2026-03", "published_on": dt.date(2026, 4, 5), "year": 2026}
    assert wording(v.trigger) == ("连续3个月信访排名后10位（2026-01、2026-02、2026-03），2026-03排名于2026-04-05公布；"
                                  "取消2026年度评先评优资格并停止用地审批")
    assert wording(v.trigger, "en").startswith("in the bottom 10 of the petition ranking for 3 consecutive months"
                                               " (2026-01, 2026-02, 2026-03)")
    km = of_kind(findings, SanctionKind.key_management)
    assert keys(km) == ["key_management:车桥镇:2026-03"]
    assert km[0].status == SanctionStatus.in_force and km[0].end is None
    assert not [f for f in findings if f.township == "林集镇"]


def test_a_vetoed_township_loses_land_approvals_and_awards_but_may_auction():
    published = [pub("2026-01", "车桥镇"), pub("2026-02", "车桥镇"), pub("2026-03", "车桥镇")]
    findings = derive(published, today=dt.date(2026, 5, 1))
    on = dt.date(2026, 5, 1)
    allowed, reasons = check_action("车桥镇", Action.land_approval, on, findings, {})
    assert not allowed
    assert len(reasons) == 2  # the veto and key management both stop it
    assert all(isinstance(r, Message) and r.code == "sanction.blocks" for r in reasons)
    reasons = [wording(r) for r in reasons]
    assert any("一票否决" in r and "2026-01、2026-02、2026-03" in r and "2026-04-05" in r for r in reasons)
    assert any("重点管理" in r for r in reasons)
    assert all("\n" not in r for r in reasons)
    allowed, reasons = check_action("车桥镇", Action.award, on, findings, {})
    assert not allowed and len(reasons) == 1
    assert wording(reasons[0]).startswith("一票否决 [veto:车桥镇:2026-03]：自2026-04-05起至2026-12-31"
                                          "取消年终评先评优——连续3个月")
    assert wording(reasons[0], "en").startswith("one-vote veto [veto:车桥镇:2026-03]: year-end award withdrawn"
                                                " from 2026-04-05 to 2026-12-31 — in the bottom 10")
    assert check_action("车桥镇", Action.auction, on, findings, {}) == (True, [])
    assert check_action("林集镇", Action.land_approval, on, findings, {}) == (True, [])


def test_the_veto_binds_from_publication_until_year_end():
    published = [pub("2026-01", "车桥镇"), pub("2026-02", "车桥镇"), pub("2026-03", "车桥镇")]
    findings = of_kind(derive(published), SanctionKind.veto)
    assert check_action("车桥镇", Action.award, dt.date(2026, 4, 4), findings, {})[0]
    assert not check_action("车桥镇", Action.award, dt.date(2026, 4, 5), findings, {})[0]
    assert not check_action("车桥镇", Action.award, dt.date(2026, 12, 31), findings, {})[0]
    assert check_action("车桥镇", Action.award, dt.date(2027, 1, 1), findings, {})[0]


def test_a_run_completed_by_a_late_published_gap_month_binds_from_that_publication():
    # June and August published on 5 September, the July gap month only on 12 September.
    published = [pub("2026-06", "车桥镇", on=dt.date(2026, 9, 5)), pub("2026-08", "车桥镇", on=dt.date(2026, 9, 5)),
                 pub("2026-07", "车桥镇", on=dt.date(2026, 9, 12))]
    findings = derive(published, today=dt.date(2026, 10, 1))
    for kind in (SanctionKind.veto, SanctionKind.key_management):
        assert [f.start for f in of_kind(findings, kind)] == [dt.date(2026, 9, 12)]
    assert check_action("车桥镇", Action.land_approval, dt.date(2026, 9, 11), findings, {})[0]
    assert not check_action("车桥镇", Action.land_approval, dt.date(2026, 9, 12), findings, {})[0]


@pytest.mark.parametrize(
    "published, vetoed",
    [
        # one month outside the bottom group breaks the run
        ([pub("2026-01", "车桥镇"), pub("2026-02", "车桥镇"), pub("2026-03"), pub("2026-04", "车桥镇")], False),
        # an unpublished month in the middle breaks the run
        ([pub("2026-01", "车桥镇"), pub("2026-02", "车桥镇"), pub("2026-04", "车桥镇")], False),
        # three months, but not consecutive calendar months
        ([pub("2026-01", "车桥镇"), pub("2026-03", "车桥镇"), pub("2026-05", "车桥镇")], False),
        # the run may cross a year end
        ([pub("2025-11", "车桥镇"), pub("2025-12", "车桥镇"), pub("2026-01", "车桥镇")], True),
        # a broken run followed by a fresh three-month run
        ([pub(m, "车桥镇") for m in ("2026-01", "2026-02")] + [pub("2026-03")] + [pub(m, "车桥镇") for m in ("2026-04", "2026-05", "2026-06")], True),
        # published out of order: consecutive months still count
        ([pub("2026-03", "车桥镇"), pub("2026-01", "车桥镇"), pub("2026-02", "车桥镇")], True),
    ],
)
def test_only_consecutive_published_months_build_a_run(published, vetoed):
    assert bool(of_kind(derive(published), SanctionKind.veto)) is vetoed


def test_a_month_not_yet_published_as_of_today_never_counts():
    published = [pub("2026-01", "车桥镇"), pub("2026-02", "车桥镇"), pub("2026-03", "车桥镇", on=dt.date(2026, 4, 10))]
    assert of_kind(derive(published, today=dt.date(2026, 4, 9)), SanctionKind.veto) == []
    vetoed = of_kind(derive(published, today=dt.date(2026, 4, 10)), SanctionKind.veto)
    assert vetoed[0].start == dt.date(2026, 4, 10)


def test_a_december_trigger_published_in_january_never_ends_before_it_starts():
    published = [pub("2025-10", "车桥镇"), pub("2025-11", "车桥镇"), pub("2025-12", "车桥镇")]
    findings = derive(published, today=dt.date(2026, 2, 1))
    (veto,) = of_kind(findings, SanctionKind.veto)
    assert veto.start == dt.date(2026, 1, 5)
    assert veto.end == veto.start  # the award year (2025) had already ended when it was published
    assert veto.trigger.args()["year"] == 2025 and "2025年度" in wording(veto.trigger)
    # key management from the same trigger keeps land approvals stopped
    assert not check_action("车桥镇", Action.land_approval, dt.date(2026, 2, 1), findings, {})[0]


def test_six_bottom_months_trigger_twice_and_four_trigger_once():
    six = [pub(f"2026-{m:02d}", "车桥镇") for m in range(1, 7)]
    assert keys(of_kind(derive(six), SanctionKind.veto)) == ["veto:车桥镇:2026-03", "veto:车桥镇:2026-06"]
    assert keys(of_kind(derive(six[:5]), SanctionKind.veto)) == ["veto:车桥镇:2026-03"]


def test_the_veto_length_comes_from_the_policy():
    published = [pub("2026-01", "车桥镇"), pub("2026-02", "车桥镇")]
    assert keys(of_kind(derive(published, policy=POLICY._replace(veto_consecutive_months=2)), SanctionKind.veto)) == [
        "veto:车桥镇:2026-02"
    ]


def test_key_management_is_lifted_after_three_published_months_outside():
    bad = [pub(m, "车桥镇") for m in ("2026-01", "2026-02", "2026-03")]
    published = bad + [pub("2026-04"), pub("2026-05", "林集镇"), pub("2026-06")]
    (km,) = of_kind(derive(published), SanctionKind.key_management)
    assert km.status == SanctionStatus.lifted
    assert km.start == dt.date(2026, 4, 5)
    assert km.end == dt.date(2026, 7, 4)  # lifted the day June's ranking is published (07-05)
    assert km.trigger.code == "sanction.lifted"
    assert km.trigger.args()["months"] == ("2026-04", "2026-05", "2026-06")
    assert km.trigger.args()["ground"].code == "sanction.key_management.ranking"
    assert wording(km.trigger).endswith("；2026-04、2026-05、2026-06连续3个月不在后10位，于2026-07-05解除")
    land = [km]
    assert not check_action("车桥镇", Action.land_approval, dt.date(2026, 7, 4), land, {})[0]
    assert check_action("车桥镇", Action.land_approval, dt.date(2026, 7, 5), land, {})[0]
    # before June is published, it is still in force
    (early,) = of_kind(derive(published, today=dt.date(2026, 7, 4)), SanctionKind.key_management)
    assert early.status == SanctionStatus.in_force and early.end is None


@pytest.mark.parametrize(
    "after, lifted",
    [
        (["2026-04", "2026-05"], False),  # only two months outside
        (["2026-04", "2026-05", "2026-07"], False),  # June unpublished: the run breaks
        (["2026-04", "2026-05", "2026-07", "2026-08", "2026-09"], True),  # a later run of three releases
    ],
)
def test_key_management_release_needs_consecutive_published_months(after, lifted):
    bad = [pub(m, "车桥镇") for m in ("2026-01", "2026-02", "2026-03")]
    (km,) = of_kind(derive(bad + [pub(m) for m in after]), SanctionKind.key_management)
    assert (km.status == SanctionStatus.lifted) is lifted


def test_returning_to_the_bottom_group_restarts_the_release_count():
    bad = [pub(m, "车桥镇") for m in ("2026-01", "2026-02", "2026-03")]
    published = bad + [pub("2026-04"), pub("2026-05"), pub("2026-06", "车桥镇"), pub("2026-07"), pub("2026-08"), pub("2026-09")]
    (km,) = of_kind(derive(published), SanctionKind.key_management)
    assert km.status == SanctionStatus.lifted
    assert km.end == dt.date(2026, 10, 4)


def test_a_serious_incident_proposes_key_management_that_binds_once_confirmed():
    # 流均镇: villagers threatened to go to Beijing; a collective petition at national level is serious.
    incident = case("C-2026-031", "流均镇", Level.national, people=12, received=dt.date(2026, 3, 18))
    minor = [
        case("C-2026-032", "流均镇", Level.province, people=12),  # collective, below national
        case("C-2026-033", "流均镇", Level.national, people=4),  # national, not collective
    ]
    findings = derive(cases=[incident, *minor], today=dt.date(2026, 3, 20))
    (km,) = of_kind(findings, SanctionKind.key_management)
    assert km.key == "key_management:流均镇:incident:2026-03"
    assert km.cases == ("C-2026-031",)
    assert km.status == SanctionStatus.proposed
    assert km.start == dt.date(2026, 3, 18)
    assert km.trigger.code == "sanction.key_management.incident"
    assert [c.args()["number"] for c in km.trigger.args()["cases"]] == ["C-2026-031"]
    assert "C-2026-031" in wording(km.trigger) and "C-2026-031" in wording(km.trigger, "en")
    assert of_kind(findings, SanctionKind.veto) == []
    # proposed: approvals go on until a person confirms it; dismissed, it never binds
    assert check_action("流均镇", Action.land_approval, dt.date(2026, 3, 18), findings, {})[0]
    assert check_action("流均镇", Action.land_approval, dt.date(2026, 3, 18), findings, {km.key: DISMISSED})[0]
    confirmed = {km.key: CONFIRMED}
    assert not check_action("流均镇", Action.land_approval, dt.date(2026, 3, 18), findings, confirmed)[0]
    assert check_action("流均镇", Action.land_approval, dt.date(2026, 3, 17), findings, confirmed)[0]
    assert check_action("流均镇", Action.award, dt.date(2026, 3, 20), findings, confirmed)[0]


def test_a_serious_incident_is_released_by_three_months_outside_after_it():
    incident = case("C-1", "流均镇", Level.national, people=12, received=dt.date(2026, 3, 18))
    published = [pub("2026-03", "流均镇"), pub("2026-04"), pub("2026-05"), pub("2026-06")]
    (km,) = of_kind(derive(published, [incident]), SanctionKind.key_management)
    assert km.status == SanctionStatus.proposed and km.end == dt.date(2026, 7, 4)
    assert km.trigger.code == "sanction.lifted"
    # the incident month itself never counts toward the release
    (km,) = of_kind(derive([pub("2026-03"), pub("2026-04"), pub("2026-05")], [incident]), SanctionKind.key_management)
    assert km.status == SanctionStatus.proposed and km.end is None


def test_a_case_received_after_today_is_not_yet_known():
    incident = case("C-1", "流均镇", Level.national, people=12, received=dt.date(2026, 3, 18))
    assert derive(cases=[incident], today=dt.date(2026, 3, 17)) == []


# --- chronic township (信访老大难) ---------------------------------------------------------------


def overdue(township, number, due, clock=Clock.handling) -> OverdueCase:
    return OverdueCase(township, number, clock, due)


def test_two_overdue_cases_propose_a_chronic_township_that_blocks_auctions_once_confirmed():
    items = [overdue("马甸镇", "C-11", dt.date(2026, 5, 1)), overdue("马甸镇", "C-12", dt.date(2026, 6, 10))]
    findings = derive(overdue=items, today=dt.date(2026, 7, 1))
    (chronic,) = findings
    assert chronic.kind == SanctionKind.chronic
    assert chronic.status == SanctionStatus.proposed
    assert chronic.effects == (Action.auction,)
    assert chronic.start == dt.date(2026, 6, 11)  # the day the second case went overdue
    assert chronic.key == "chronic:马甸镇:2026-06-11"
    assert chronic.cases == ("C-11", "C-12")
    assert chronic.trigger.code == "sanction.chronic" and chronic.trigger.args()["n"] == 2
    assert "C-11" in wording(chronic.trigger) and "C-12" in wording(chronic.trigger)
    on = dt.date(2026, 7, 1)
    assert check_action("马甸镇", Action.auction, on, findings, {}) == (True, [])
    assert check_action("马甸镇", Action.auction, on, findings, {chronic.key: DISMISSED}) == (True, [])
    allowed, reasons = check_action("马甸镇", Action.auction, on, findings, {chronic.key: CONFIRMED})
    assert not allowed and "信访老大难" in wording(reasons[0]) and "C-11" in wording(reasons[0])
    # a chronic township may still get ordinary land approvals
    assert check_action("马甸镇", Action.land_approval, on, findings, {chronic.key: CONFIRMED})[0]


def test_the_chronic_key_is_stable_when_a_third_case_goes_overdue():
    items = [overdue("马甸镇", "C-11", dt.date(2026, 5, 1)), overdue("马甸镇", "C-12", dt.date(2026, 6, 10))]
    first = derive(overdue=items, today=dt.date(2026, 7, 1))[0]
    later = derive(overdue=items + [overdue("马甸镇", "C-13", dt.date(2026, 7, 2))], today=dt.date(2026, 8, 1))[0]
    assert later.key == first.key and later.cases == ("C-11", "C-12", "C-13")


@pytest.mark.parametrize(
    "items, today, expected",
    [
        ([overdue("马甸镇", "C-11", dt.date(2026, 5, 1))], dt.date(2026, 7, 1), 0),  # one is not enough
        # the same case overdue on two clocks is one case
        ([overdue("马甸镇", "C-11", dt.date(2026, 5, 1)), overdue("马甸镇", "C-11", dt.date(2026, 5, 20), Clock.conclude)], dt.date(2026, 7, 1), 0),
        # due today is not yet overdue
        ([overdue("马甸镇", "C-11", dt.date(2026, 5, 1)), overdue("马甸镇", "C-12", dt.date(2026, 7, 1))], dt.date(2026, 7, 1), 0),
        # two townships with one each: neither is chronic
        ([overdue("马甸镇", "C-11", dt.date(2026, 5, 1)), overdue("林集镇", "C-12", dt.date(2026, 5, 1))], dt.date(2026, 7, 1), 0),
        ([overdue("马甸镇", "C-11", dt.date(2026, 5, 1)), overdue("马甸镇", "C-12", dt.date(2026, 6, 30))], dt.date(2026, 7, 1), 1),
    ],
)
def test_chronic_threshold(items, today, expected):
    assert len(of_kind(derive(overdue=items, today=today), SanctionKind.chronic)) == expected


# --- summons (召见谈话) -------------------------------------------------------------------------


def month_of_cases(township: str, n: int, met: int, decided: int, pending: int = 0):
    cases = [case(f"C-{township}-{i}", township, received=dt.date(2026, 3, 1 + i)) for i in range(n)]
    results = [True] * met + [False] * (decided - met) + [None] * pending
    clocks = [
        ClockResult(township, f"C-{township}-{i}", "2026-03", dt.date(2026, 3, 20), value) for i, value in enumerate(results)
    ]
    return cases, clocks


@pytest.mark.parametrize(
    "n, met, decided, pending, summoned",
    [
        (5, 3, 5, 0, True),  # 60% on time with five cases
        (5, 4, 5, 0, False),  # exactly 80%: not below the line
        (10, 7, 10, 0, True),  # 70%
        (4, 0, 4, 0, False),  # four cases are not "many", however late
        (5, 0, 0, 5, False),  # nothing decided yet: no rate, no summons
        (6, 3, 4, 2, True),  # pending clocks are left out: 3/4 = 75%
        (6, 4, 5, 1, False),  # 4/5 = 80%
    ],
)
def test_summons_threshold_boundaries(n, met, decided, pending, summoned):
    cases, clocks = month_of_cases("泾口镇", n, met, decided, pending)
    findings = of_kind(derive(cases=cases, clocks=clocks, today=dt.date(2026, 4, 30)), SanctionKind.summons)
    assert bool(findings) is summoned
    if summoned:
        (f,) = findings
        assert f.key == "summons:泾口镇:2026-03"
        assert f.status == SanctionStatus.proposed and f.effects == ()
        assert f.months == ("2026-03",) and len(f.cases) == n
        assert f.trigger.code == "sanction.summons"
        assert {k: f.trigger.args()[k] for k in ("n", "met", "decided")} == {"n": n, "met": met, "decided": decided}
        assert f"{n}件" in wording(f.trigger) and f"（{met}/{decided}）" in wording(f.trigger)
        assert f"{n} cases in 2026-03" in wording(f.trigger, "en")


def test_a_confirmed_summons_blocks_no_land_action():
    cases, clocks = month_of_cases("泾口镇", 5, 1, 5)
    findings = derive(cases=cases, clocks=clocks, today=dt.date(2026, 4, 30))
    decisions = {f.key: CONFIRMED for f in findings}
    for action in Action:
        assert check_action("泾口镇", action, dt.date(2026, 4, 30), findings, decisions) == (True, [])


def test_summons_counts_each_month_separately():
    cases, clocks = month_of_cases("泾口镇", 3, 0, 3)
    april = [case(f"D-{i}", "泾口镇", received=dt.date(2026, 4, 2)) for i in range(3)]
    assert of_kind(derive(cases=cases + april, clocks=clocks, today=dt.date(2026, 5, 30)), SanctionKind.summons) == []


# --- admonishment (诫勉谈话+通报批评) ------------------------------------------------------------


@pytest.mark.parametrize(
    "level, people, repeat_of, admonished",
    [
        (Level.city, 5, None, True),  # skip-level and collective
        (Level.province, 1, "C-0007", True),  # skip-level and repeat
        (Level.national, 20, "C-0007", True),
        (Level.city, 1, None, False),  # skip-level only
        (Level.district, 30, "C-0007", False),  # collective and repeat but not skip-level
    ],
)
def test_admonishment(level, people, repeat_of, admonished):
    c = case("C-0100", "马甸镇", level, people, repeat_of)
    findings = of_kind(derive(cases=[c], today=dt.date(2026, 4, 1)), SanctionKind.admonishment)
    assert bool(findings) is admonished
    if admonished:
        (f,) = findings
        assert f.key == "admonishment:马甸镇:C-0100"
        assert f.status == SanctionStatus.proposed and f.effects == () and f.cases == ("C-0100",)
        assert f.trigger.code == "sanction.admonishment" and f.trigger.args()["level"] == level
        assert "C-0100" in wording(f.trigger) and f"{level.zh}级" in wording(f.trigger)
        assert f"{level.en} level" in wording(f.trigger, "en")


# --- month filter and determinism ----------------------------------------------------------------


def test_month_filter_keeps_findings_triggered_by_or_in_force_during_the_month():
    bad = [pub(m, "车桥镇") for m in ("2026-01", "2026-02", "2026-03")]
    published = bad + [pub("2026-04"), pub("2026-05"), pub("2026-06")]
    admonish = case("C-9", "林集镇", Level.city, people=9, received=dt.date(2026, 8, 3))
    everything = derive(published, [admonish])
    assert set(keys(everything)) == {
        "veto:车桥镇:2026-03",
        "key_management:车桥镇:2026-03",
        "admonishment:林集镇:C-9",
    }
    assert set(keys(derive(published, [admonish], month="2026-02"))) == {"veto:车桥镇:2026-03", "key_management:车桥镇:2026-03"}
    assert set(keys(derive(published, [admonish], month="2026-08"))) == {"veto:车桥镇:2026-03", "admonishment:林集镇:C-9"}
    assert keys(derive(published, [admonish], month="2027-02")) == []
    with pytest.raises(ValueError):
        derive(published, month="2026-13")


def test_a_month_published_twice_is_refused():
    with pytest.raises(ValueError, match="2026-01"):
        derive([pub("2026-01", "车桥镇"), pub("2026-01")])


def test_findings_are_deterministic_and_keys_unique():
    bad = [pub(f"2026-{m:02d}", "车桥镇", "林集镇") for m in range(1, 7)]
    cases = [case("C-1", "流均镇", Level.national, people=9), case("C-2", "马甸镇", Level.city, repeat_of="C-0")]
    first = derive(bad, cases)
    assert first == derive(list(reversed(bad)), list(reversed(cases)))
    assert len(set(keys(first))) == len(first)


# --- properties ----------------------------------------------------------------------------------

MONTHS = [f"2025-{m:02d}" for m in range(1, 13)] + [f"2026-{m:02d}" for m in range(1, 13)]
TOWNS = ["车桥镇", "林集镇", "马甸镇"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.frozensets(st.sampled_from(TOWNS))), min_size=len(MONTHS), max_size=len(MONTHS)))
def test_a_veto_always_rests_on_consecutive_published_bottom_months(layout):
    published = [pub(m, *bottom) for m, (is_published, bottom) in zip(MONTHS, layout) if is_published]
    by_month = {p.month: p for p in published}
    findings = derive(published, today=dt.date(2027, 6, 1))
    for f in of_kind(findings, SanctionKind.veto):
        assert len(f.months) == POLICY.veto_consecutive_months
        assert all(m in by_month and f.township in by_month[m].bottom for m in f.months)
        assert [MONTHS.index(m) for m in f.months] == list(range(MONTHS.index(f.months[0]), MONTHS.index(f.months[0]) + len(f.months)))
        assert f.key == f"veto:{f.township}:{f.months[-1]}"
        assert f.start == by_month[f.months[-1]].published_on
    # every key-management finding lifted only after a full release run
    for f in of_kind(findings, SanctionKind.key_management):
        if f.status == SanctionStatus.lifted:
            assert f.end is not None
        else:
            assert f.end is None
    # a township never in any bottom group is never sanctioned
    ever_bottom = {t for p in published for t in p.bottom}
    assert {f.township for f in findings} <= ever_bottom


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(TOWNS), st.integers(0, 60)), max_size=8),
    st.sampled_from(list(Action)),
    st.integers(0, 120),
)
def test_proposed_findings_bind_only_when_confirmed(items, action, offset):
    today = dt.date(2026, 7, 1)
    overdue_items = [overdue(t, f"C-{i}", today - dt.timedelta(days=d + 1)) for i, (t, d) in enumerate(items)]
    findings = derive(overdue=overdue_items, today=today)
    on = today - dt.timedelta(days=60) + dt.timedelta(days=offset)
    for town in TOWNS:
        assert check_action(town, action, on, findings, {}) == (True, [])
        assert check_action(town, action, on, findings, {f.key: DISMISSED for f in findings}) == (True, [])
        allowed, _ = check_action(town, action, on, findings, {f.key: CONFIRMED for f in findings})
        bound = [f for f in findings if f.township == town and action in f.effects and f.start <= on]
        assert allowed is (not bound)


# --- lifting by a decision, and one listed measure per township and kind -------------------------


def test_a_lift_ends_a_measure_in_force_from_its_day_on():
    published = [pub("2026-01", "车桥镇"), pub("2026-02", "车桥镇"), pub("2026-03", "车桥镇")]
    findings = derive(published, today=dt.date(2026, 6, 1))
    (veto,) = of_kind(findings, SanctionKind.veto)
    lifted = {veto.key: dt.date(2026, 5, 10)}
    assert not check_action("车桥镇", Action.award, dt.date(2026, 5, 9), findings, {}, lifted)[0]
    allowed, reasons = check_action("车桥镇", Action.award, dt.date(2026, 5, 10), findings, {}, lifted)
    assert allowed and reasons == []
    # the key management of the same run is a measure of its own: lifting the veto leaves it binding
    assert not check_action("车桥镇", Action.land_approval, dt.date(2026, 5, 10), findings, {}, lifted)[0]
    assert current_status(veto, {}, lifted) == SanctionStatus.lifted


def test_listings_show_one_measure_per_township_and_kind_with_its_triggers_inside():
    # 车桥镇 six months in the bottom group: two vetoes and two key managements; 林集镇 two incidents
    published = [pub(f"2026-{m:02d}", "车桥镇") for m in range(1, 7)]
    incidents = [case("C-1", "林集镇", Level.national, people=12, received=dt.date(2026, 3, 18)),
                 case("C-2", "林集镇", Level.national, people=9, received=dt.date(2026, 5, 2))]
    findings = derive(published, incidents, today=dt.date(2026, 7, 20))
    (first_km, *_) = [f for f in of_kind(findings, SanctionKind.key_management) if f.township == "林集镇"]
    listed = measures(findings, {first_km.key: CONFIRMED})
    # in force first, then confirmed, then proposed (the skip-level collective cases' admonishment)
    assert [(m.township, m.kind) for m in listed] == [
        ("车桥镇", SanctionKind.veto), ("车桥镇", SanctionKind.key_management),
        ("林集镇", SanctionKind.key_management), ("林集镇", SanctionKind.admonishment)]
    veto, km, incident, admonishment = listed
    assert len(admonishment.findings) == 2 and admonishment.status == SanctionStatus.proposed
    assert len(veto.findings) == 2 and veto.status == SanctionStatus.in_force
    assert veto.months == tuple(f"2026-{m:02d}" for m in range(1, 7))
    # the strongest of its triggers names the measure: one confirmed, one still proposed
    assert incident.status == SanctionStatus.confirmed
    assert [s for _, s in incident.findings] == [SanctionStatus.confirmed, SanctionStatus.proposed]
    assert incident.start == dt.date(2026, 3, 18) and incident.cases == ("C-1",) + ("C-2",)
    assert len({(m.township, m.kind) for m in listed}) == len(listed)
