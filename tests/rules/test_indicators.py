"""Assessment indicators (考核指标): hand-computed rates on small tables, and their properties."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from xinfang.model import Satisfaction, Stage
from xinfang.policy import default_rules_text, load_policy_text
from xinfang.rules.indicators import (
    EMPTY,
    NOTICE,
    ON_TIME,
    RATES,
    CaseFacts,
    ClockFacts,
    Evaluation,
    Indicators,
    Rate,
    change,
    clock_end,
    district,
    evaluation_refusal,
    indicators,
)

POLICY = load_policy_text(default_rules_text())  # evaluation window 30 days
OCT = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
TODAY = dt.date(2026, 11, 26)
D = dt.date


def case(number, township="车桥镇", received=D(2026, 10, 5), status="closed", repeat=False, initial=True,
         closed_on=None, repeated=False) -> CaseFacts:
    return CaseFacts(number, township, received, status, repeat, initial, closed_on, repeated)


def rates(cases=(), clocks=(), evaluations=(), period=OCT, today=TODAY) -> dict[str, Indicators]:
    return indicators(*period, list(cases), list(clocks), list(evaluations), POLICY, today)


def test_an_empty_denominator_has_no_value_never_zero_or_one():
    assert Rate(0, 0).value is None
    assert rates() == {}
    # one township with a case received and nothing else: only the repeat rate has a denominator
    (only,) = rates([case("A", closed_on=None)]).values()
    assert only.repeat_rate == Rate(0, 1) and only.repeat_rate.value == 0.0
    for key in RATES:
        if key != "repeat_rate":
            assert getattr(only, key) == Rate(0, 0) and getattr(only, key).value is None
    assert change(Rate(0, 0), Rate(1, 2)) is None and change(Rate(1, 2), Rate(0, 0)) is None


def test_hand_computed_rates_of_a_small_month():
    cases = [
        case("A", received=D(2026, 10, 2), closed_on=D(2026, 10, 20)),                        # initial, closed
        case("B", received=D(2026, 10, 3), repeat=True, initial=False, closed_on=D(2026, 10, 25)),
        case("C", received=D(2026, 10, 4), closed_on=D(2026, 10, 30), repeated=True),          # repeated later
        case("D", received=D(2026, 9, 20), closed_on=D(2026, 11, 2)),                          # closed next month
        case("E", received=D(2026, 10, 9), status="transferred", closed_on=D(2026, 10, 12)),   # never counted
        case("F", township="林集镇", received=D(2026, 10, 15), status="replied"),
    ]
    clocks = [
        ClockFacts("A", NOTICE, D(2026, 10, 17), D(2026, 10, 3), True),     # met 10-03: October
        ClockFacts("B", NOTICE, D(2026, 10, 18), D(2026, 10, 20), False),   # done late: missed on 10-18
        ClockFacts("C", NOTICE, D(2026, 10, 19), None, None),               # open, past due: missed 10-19
        ClockFacts("D", NOTICE, D(2026, 10, 5), D(2026, 9, 28), True),      # met in September
        ClockFacts("E", NOTICE, D(2026, 10, 24), D(2026, 10, 10), True),    # a transferred case: out
        ClockFacts("F", NOTICE, D(2026, 10, 30), D(2026, 10, 16), True),
        ClockFacts("A", ON_TIME, D(2026, 10, 10), D(2026, 10, 8), True),
        ClockFacts("B", ON_TIME, D(2026, 10, 29), D(2026, 11, 3), False),   # missed on 10-29
        ClockFacts("C", ON_TIME, D(2026, 11, 30), None, None),              # still running: not ended
        ClockFacts("F", ON_TIME, D(2026, 11, 2), D(2026, 10, 31), True),    # met 10-31 though due in November
    ]
    evaluations = [
        Evaluation("A", Stage.handling, Satisfaction.satisfied, D(2026, 10, 21)),
        Evaluation("A", Stage.acceptance, Satisfaction.basic, D(2026, 10, 3)),
        Evaluation("B", Stage.handling, Satisfaction.unsatisfied, D(2026, 11, 30)),  # 36 days on: too late
        Evaluation("C", Stage.handling, Satisfaction.basic, D(2026, 11, 20)),        # in the window, November
        Evaluation("E", Stage.handling, Satisfaction.satisfied, D(2026, 10, 13)),    # transferred: out
    ]
    got = rates(cases, clocks, evaluations, today=D(2026, 12, 5))
    che, lin = got["车桥镇"], got["林集镇"]
    assert che.timely_acceptance_rate == Rate(1, 3)           # A met; B, C missed; D in September
    assert che.on_time_rate == Rate(1, 2)                     # A met; B missed; C runs
    assert che.satisfaction_rate == Rate(2, 2)                # A's two October evaluations
    assert che.evaluation_rate == Rate(2, 3)                  # A, B, C closed; A and C within 30 days
    assert che.repeat_rate == Rate(1, 3)                      # A, B, C received in October; B repeats
    assert che.first_contact_rate == Rate(1, 2)               # A and C initial; C repeated later
    assert lin == Indicators(timely_acceptance_rate=Rate(1, 1), on_time_rate=Rate(1, 1), repeat_rate=Rate(0, 1))
    assert district(got).timely_acceptance_rate == Rate(2, 4)
    assert district(got).on_time_rate.value == 2 / 3
    # November: B's late evaluation and C's count among November's evaluations
    november = rates(cases, clocks, evaluations, period=(D(2026, 11, 1), D(2026, 11, 30)), today=D(2026, 12, 5))
    assert november["车桥镇"].satisfaction_rate == Rate(1, 2)
    assert november["车桥镇"].evaluation_rate == Rate(0, 1)  # D closed 11-02, not evaluated


def test_a_clock_ends_when_met_or_on_its_due_day_when_missed():
    assert clock_end(ClockFacts("A", NOTICE, D(2026, 10, 17), D(2026, 10, 3), True), TODAY) == D(2026, 10, 3)
    assert clock_end(ClockFacts("A", NOTICE, D(2026, 10, 17), D(2026, 10, 30), False), TODAY) == D(2026, 10, 17)
    assert clock_end(ClockFacts("A", NOTICE, D(2026, 11, 25), None, None), TODAY) == D(2026, 11, 25)
    assert clock_end(ClockFacts("A", NOTICE, D(2026, 11, 26), None, None), TODAY) is None  # due today: may be met
    assert clock_end(ClockFacts("A", NOTICE, D(2026, 11, 20), D(2026, 11, 1), None), TODAY) is None  # stopped


def test_the_evaluation_window_comes_from_the_policy():
    cases = [case("A", closed_on=D(2026, 10, 1))]
    late = [Evaluation("A", Stage.handling, Satisfaction.satisfied, D(2026, 10, 11))]
    assert rates(cases, (), late)["车桥镇"].evaluation_rate == Rate(1, 1)
    short = POLICY._replace(evaluation_window_days=5)
    assert indicators(*OCT, cases, (), late, short, TODAY)["车桥镇"].evaluation_rate == Rate(0, 1)


def test_an_evaluation_is_given_once_per_stage_and_only_after_that_stage():
    accept, handle = Stage.acceptance, Stage.handling
    ok = dict(today=TODAY, status="closed", accepted_on=D(2026, 10, 2), handled_on=D(2026, 10, 9), earlier=None)
    assert evaluation_refusal(handle, D(2026, 10, 9), **ok) is None
    assert evaluation_refusal(handle, D(2026, 10, 8), **ok).code == "evaluate.before"
    assert evaluation_refusal(handle, D(2026, 11, 27), **ok).code == "evaluate.future"
    assert evaluation_refusal(accept, D(2026, 10, 2), **{**ok, "earlier": D(2026, 10, 2)}).code == "evaluate.twice"
    assert evaluation_refusal(handle, D(2026, 10, 9), **{**ok, "handled_on": None}).code == "evaluate.not_yet"
    assert evaluation_refusal(accept, D(2026, 10, 9), **{**ok, "status": "transferred"}).code == "evaluate.excluded"


# --- properties ---------------------------------------------------------------------------------

days = st.dates(D(2026, 9, 1), D(2026, 12, 31))
towns = st.sampled_from(["车桥镇", "林集镇", "马甸镇"])


@st.composite
def ledgers(draw):
    n = draw(st.integers(0, 12))
    cases = [case(f"C{i}", draw(towns), draw(days), draw(st.sampled_from(["closed", "replied", "transferred"])),
                  draw(st.booleans()), draw(st.booleans()), draw(st.none() | days), draw(st.booleans()))
             for i in range(n)]
    clocks, evaluations = [], []
    for c in cases:
        for kind in (NOTICE, ON_TIME):
            due = draw(days)
            met = draw(st.none() | st.booleans())
            done = (due - dt.timedelta(days=draw(st.integers(0, 9))) if met
                    else due + dt.timedelta(days=draw(st.integers(1, 9))) if met is False
                    else draw(st.none() | days))
            clocks.append(ClockFacts(c.number, kind, due, done, met))
        for stage in draw(st.sets(st.sampled_from(list(Stage)))):
            evaluations.append(Evaluation(c.number, stage, draw(st.sampled_from(list(Satisfaction))), draw(days)))
    return cases, clocks, evaluations


@given(ledgers(), days, days)
def test_every_rate_lies_within_0_and_1_and_the_district_sums_the_townships(data, a, b):
    first, last = min(a, b), max(a, b)
    got = indicators(first, last, *data, POLICY, TODAY)
    for item in [*got.values(), district(got)]:
        for key in RATES:
            rate = getattr(item, key)
            assert 0 <= rate.numerator <= rate.denominator
            assert rate.value is None if rate.denominator == 0 else 0 <= rate.value <= 1
    total = district(got)
    for key in RATES:
        assert getattr(total, key).denominator == sum(getattr(i, key).denominator for i in got.values())
    assert district({}) == EMPTY


@given(ledgers(), st.sampled_from(["车桥镇", "林集镇"]), days, st.integers(0, 9))
def test_adding_an_on_time_case_never_lowers_the_on_time_rate(data, township, done, early):
    cases, clocks, evaluations = data
    before = indicators(*OCT, cases, clocks, evaluations, POLICY, TODAY).get(township, EMPTY).on_time_rate
    new = case("NEW", township, done - dt.timedelta(days=3))
    met = ClockFacts("NEW", ON_TIME, done + dt.timedelta(days=early), done, True)
    after = indicators(*OCT, [*cases, new], [*clocks, met], evaluations, POLICY, TODAY).get(township, EMPTY)
    after = after.on_time_rate
    assert after.denominator - before.denominator == (OCT[0] <= done <= OCT[1])
    if before.value is not None:
        assert after.value >= before.value
    elif after.denominator:
        assert after.value == 1.0
