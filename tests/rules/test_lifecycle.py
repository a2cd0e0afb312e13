"""The case lifecycle as one state machine: table cases from the report's deadlines, and properties
over random action sequences (every rule of which status allows what, and which clocks each action
starts, judges or stops, is asserted from the outside)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinfang.calendar_source import build_calendar
from xinfang.model import WINDOWS, Clock, Status
from xinfang.policy import default_rules_text, load_policy_text
from xinfang.rules import lifecycle as lc
from xinfang.rules.protection import protected_names

D = dt.date
CAL = build_calendar({})
POLICY = load_policy_text(default_rules_text())
CLOCKING = lc.Clocking(POLICY, CAL)
TODAY = D(2026, 11, 30)


def new_case(major: bool = False, received: dt.date = D(2026, 3, 2), accused: str | None = None) -> lc.CaseState:
    return lc.CaseState(number="2026-00001", status=None, received=received, major=major, accused=accused,
                        protected=protected_names(accused))


def run(case: lc.CaseState, *actions) -> lc.CaseState:
    for action in actions:
        result = lc.step(case, action, POLICY, CLOCKING, TODAY)
        assert isinstance(result, lc.Step), result
        case = result.apply(case)
    return case


def clocks(case: lc.CaseState) -> dict[Clock, lc.ClockState]:
    return {c.clock: c for c in case.clocks}


def test_registration_starts_the_15_day_notice_clock():
    case = run(new_case(), lc.Register(D(2026, 3, 2)))
    assert case.status == Status.registered
    assert {c: k.due for c, k in clocks(case).items()} == {Clock.notice: D(2026, 3, 17)}


def test_assignment_alone_does_not_meet_the_notice_clock():
    case = run(new_case(), lc.Register(D(2026, 3, 2)), lc.Assign(D(2026, 3, 4), "车桥镇", "李四"))
    k = clocks(case)
    assert k[Clock.notice].running, "only a recorded acceptance or decline meets the notice clock"
    assert Clock.handling not in k, "handling runs from acceptance"


@pytest.mark.parametrize(("major", "local"), [(False, Clock.reply), (True, Clock.conclude)])
def test_acceptance_meets_the_notice_and_assignment_starts_the_local_clock(major, local):
    case = run(new_case(major), lc.Register(D(2026, 3, 2)), lc.Accept(D(2026, 3, 4), "written"),
               lc.Assign(D(2026, 3, 4), "车桥镇", "李四"))
    k = clocks(case)
    assert k[Clock.notice].met is True and k[Clock.notice].done_on == D(2026, 3, 4)
    assert set(k) == {Clock.notice, local, Clock.handling, Clock.objection}
    assert k[local].due == (D(2026, 3, 24) if major else D(2026, 3, 9))  # 20 days (major) or 5 days
    assert k[Clock.handling].due == D(2026, 5, 6)  # 60 days from 03-04 is 05-03, in the May Day holiday
    assert k[Clock.objection].due == D(2026, 3, 11)  # 5 working days


def test_a_declined_case_meets_the_notice_and_ends():
    case = run(new_case(), lc.Register(D(2026, 3, 2)), lc.Decline(D(2026, 3, 10), "litigation"))
    assert case.status == Status.declined
    assert clocks(case)[Clock.notice].met is True
    refusal = lc.step(case, lc.Assign(D(2026, 3, 11), "车桥镇", "李四"), POLICY, CLOCKING, TODAY)
    assert isinstance(refusal, lc.Refusal) and refusal.code == "wrong_status"


def test_an_objection_in_time_hands_the_case_back_and_a_new_assignment_runs_its_clocks_again():
    case = run(new_case(), lc.Register(D(2026, 3, 2)), lc.Accept(D(2026, 3, 2), "in_person"),
               lc.Assign(D(2026, 3, 4), "车桥镇", "李四"), lc.Object(D(2026, 3, 10)))
    k = clocks(case)
    assert case.status == Status.accepted
    assert k[Clock.reply].done_on == D(2026, 3, 10) and k[Clock.reply].met is None
    assert k[Clock.handling].running, "the office's own duty goes on"
    again = run(case, lc.Assign(D(2026, 3, 12), "席桥镇", "王五"))
    assert clocks(again)[Clock.reply].running and clocks(again)[Clock.reply].start == D(2026, 3, 12)
    assert clocks(again)[Clock.objection].running


def test_a_late_objection_is_refused():
    case = run(new_case(), lc.Register(D(2026, 3, 2)), lc.Assign(D(2026, 3, 4), "车桥镇", "李四"))
    refusal = lc.step(case, lc.Object(D(2026, 3, 12)), POLICY, CLOCKING, TODAY)
    assert isinstance(refusal, lc.Refusal) and refusal.code == "objection_late"
    assert refusal.params["due"] == D(2026, 3, 11)


def test_an_interim_reply_opens_no_review_window_and_the_written_opinion_does_at_its_receipt():
    case = run(new_case(), lc.Register(D(2026, 3, 2)), lc.Accept(D(2026, 3, 2), "written"),
               lc.Assign(D(2026, 3, 4), "车桥镇", "李四"), lc.Reply(D(2026, 3, 6)))
    assert Clock.review_request not in clocks(case)
    written = run(case, lc.Reply(D(2026, 4, 20), "书面处理意见", written=True, received_on=D(2026, 4, 22)))
    window = clocks(written)[Clock.review_request]
    assert window.start == D(2026, 4, 22) and window.due == D(2026, 5, 22)
    asked = lc.step(written, lc.RequestReview(D(2026, 4, 25)), POLICY, CLOCKING, TODAY)
    assert isinstance(asked, lc.Step) and asked.status == Status.review


def test_a_late_reply_is_judged_late():
    case = run(new_case(), lc.Register(D(2026, 3, 2)), lc.Assign(D(2026, 3, 4), "车桥镇", "李四"),
               lc.Reply(D(2026, 3, 20)))
    assert case.status == Status.replied
    assert clocks(case)[Clock.reply].met is False


def test_reply_on_a_case_under_review_is_the_review_answer():
    case = run(new_case(), lc.Register(D(2026, 3, 2)), lc.Assign(D(2026, 3, 4), "车桥镇", "李四"),
               lc.Reply(D(2026, 3, 6), written=True, received_on=D(2026, 3, 6)), lc.RequestReview(D(2026, 3, 20)))
    assert case.status == Status.review
    result = lc.step(case, lc.Reply(D(2026, 4, 1), "复查意见"), POLICY, CLOCKING, TODAY)
    assert result.action == "review-answer" and result.status == Status.closed
    assert result.judged == {Clock.review: True}


def test_review_then_rereview_makes_the_matter_final():
    case = run(new_case(), lc.Register(D(2026, 3, 2)), lc.Assign(D(2026, 3, 4), "车桥镇", "李四"),
               lc.Resolve(D(2026, 3, 6), "explain"), lc.RequestReview(D(2026, 3, 20)),
               lc.AnswerReview(D(2026, 4, 1)), lc.RequestReview(D(2026, 4, 20)))
    assert case.status == Status.rereview
    final = run(case, lc.AnswerReview(D(2026, 5, 6)))
    assert final.status == Status.final
    refusal = lc.step(final, lc.RequestReview(D(2026, 5, 7)), POLICY, CLOCKING, TODAY)
    assert isinstance(refusal, lc.Refusal) and refusal.code == "final"


def test_a_review_request_after_the_window_is_refused():
    case = run(new_case(), lc.Register(D(2026, 3, 2)), lc.Assign(D(2026, 3, 4), "车桥镇", "李四"),
               lc.Resolve(D(2026, 3, 6), "explain"))
    refusal = lc.step(case, lc.RequestReview(D(2026, 4, 20)), POLICY, CLOCKING, TODAY)
    assert isinstance(refusal, lc.Refusal)
    assert refusal.code == "window_ended" and refusal.params["due"] == D(2026, 4, 7)


@pytest.mark.parametrize("field", ["unit", "leader", "joint"])
def test_an_accusation_is_never_assigned_to_the_accused(field):
    case = run(new_case(major=True, accused="周明"), lc.Register(D(2026, 3, 2)))
    args = {"unit": "车桥镇", "leader": "李四", "joint": ()}
    args[field] = ("周\u200b明",) if field == "joint" else "周明" if field == "leader" else "周明 "
    refusal = lc.step(case, lc.Assign(D(2026, 3, 4), **args), POLICY, CLOCKING, TODAY)
    assert isinstance(refusal, lc.Refusal) and refusal.code == "accused_handles" and refusal.field == f"--{field}"


def test_a_transfer_stops_every_clock_unjudged():
    case = run(new_case(), lc.Register(D(2026, 3, 2)), lc.Accept(D(2026, 3, 2), "sms"),
               lc.Assign(D(2026, 3, 4), "车桥镇", "李四"), lc.Transfer(D(2026, 3, 5), "区法院"))
    assert case.status == Status.transferred
    assert all(c.done_on is not None for c in case.clocks)
    assert [c.met for c in case.clocks if c.clock != Clock.notice] == [None, None, None]


def test_a_matter_is_final_after_re_review_or_when_the_window_lapsed_unused():
    closed = run(new_case(), lc.Register(D(2026, 3, 2)), lc.Assign(D(2026, 3, 4), "车桥镇", "李四"),
                 lc.Resolve(D(2026, 3, 6), "explain"))
    assert not lc.is_final(closed, D(2026, 4, 7)), "the window runs to 04-07"
    assert lc.is_final(closed, D(2026, 4, 8))
    asked = run(closed, lc.RequestReview(D(2026, 3, 20)))
    assert not lc.is_final(asked, D(2026, 12, 1))
    new = lc.step(lc.CaseState("2026-00002", None, D(2026, 4, 9)), lc.Register(D(2026, 4, 9), "2026-00001"),
                  POLICY, CLOCKING, TODAY)
    assert new.status == Status.not_reaccepted and new.effects == ()


def test_only_the_handling_clock_is_extended_and_only_once():
    case = run(new_case(), lc.Register(D(2026, 3, 2)), lc.Accept(D(2026, 3, 4), "written"),
               lc.Assign(D(2026, 3, 4), "车桥镇", "李四"))
    extended = run(case, lc.Extend(Clock.handling, 30, D(2026, 4, 1), "勘测", "王局长", D(2026, 4, 2)))
    assert clocks(extended)[Clock.handling].due == D(2026, 6, 2)
    again = lc.step(extended, lc.Extend(Clock.handling, 5, D(2026, 4, 2)), POLICY, CLOCKING, TODAY)
    assert isinstance(again, lc.Refusal) and again.code == "already_extended"
    reply = lc.step(case, lc.Extend(Clock.reply, 5, D(2026, 3, 5)), POLICY, CLOCKING, TODAY)
    assert isinstance(reply, lc.Refusal) and reply.code == "not_extendable"


def test_every_status_is_reached_by_its_path():
    for status in Status:
        if status == Status.not_reaccepted:
            continue  # reached by registration alone, with the final case's number
        closed = D(2026, 3, 10) if lc.PATHS[status] and any(
            a in ("resolve", "transfer", "decline", "void") and req is not False for a, req in lc.PATHS[status]) else None
        actions = lc.path_actions(status, D(2026, 3, 2), None if status in (Status.registered, Status.accepted,
                                                                           Status.declined) else D(2026, 3, 4),
                                  D(2026, 3, 6) if status in (Status.replied, Status.review) else None, closed,
                                  "车桥镇", "李四", (), "explain",
                                  D(2026, 3, 3) if status == Status.accepted else None)
        case = run(new_case(), *actions)
        assert case.status == status


# --- properties -----------------------------------------------------------------------------------

def _actions(draw_day):
    return st.one_of(
        st.builds(lc.Accept, draw_day, st.just("written")),
        st.builds(lc.Decline, draw_day, st.just("litigation")),
        st.builds(lc.Object, draw_day),
        st.builds(lc.Receipt, draw_day),
        st.builds(lc.Assign, draw_day, st.sampled_from(["车桥镇", "区国土局"]), st.just("李四")),
        st.builds(lc.Reply, draw_day),
        st.builds(lc.Reply, draw_day, st.just("书面处理意见"), st.just(True), st.none() | draw_day),
        st.builds(lc.Resolve, draw_day, st.sampled_from(["support", "explain", "reject"])),
        st.builds(lc.Transfer, draw_day, st.just("区法院")),
        st.builds(lc.RequestReview, draw_day),
        st.builds(lc.AnswerReview, draw_day),
        st.builds(lc.Extend, st.sampled_from([Clock.handling, Clock.reply]), st.integers(-2, 40), draw_day),
    )


DAYS = st.integers(0, 200).map(lambda n: D(2026, 1, 5) + dt.timedelta(days=n))


@settings(max_examples=300, deadline=None)
@given(major=st.booleans(), actions=st.lists(_actions(DAYS), max_size=10))
def test_random_action_sequences_keep_every_lifecycle_invariant(major, actions):
    case = run(new_case(major, D(2026, 1, 5)), lc.Register(D(2026, 1, 5)))
    for action in actions:
        result = lc.step(case, action, POLICY, CLOCKING, TODAY)
        if isinstance(result, lc.Refusal):
            continue  # refused: nothing to apply, the case stays as it was
        rule = lc.TRANSITIONS.get(result.action)
        if rule is not None:
            assert case.status in rule.allowed
        for e in result.effects:
            if isinstance(e, lc.JudgeClock):
                assert e.clock not in WINDOWS, "a petitioner's window is never judged against the office"
                assert e.met == (e.on <= e.due)
        after = result.apply(case)
        # the case the step worked out equals the one its recorded effects give
        assert after == result._replace(after=None).apply(case)
        # a judged clock stays judged; only windows and clocks stopped unjudged run again
        for before in case.clocks:
            now = clocks(after)[before.clock]
            if before.met is not None and before.clock not in WINDOWS:
                assert now.done_on == before.done_on and now.met == before.met
        if after.status in (Status.closed, Status.transferred, Status.final, Status.declined):
            assert not [c for c in after.clocks if c.running and c.clock not in WINDOWS]
        if after.status == Status.transferred:
            assert not [c for c in after.clocks if c.running]
        for c in after.clocks:
            assert c.due >= c.start
        case = after


@settings(max_examples=200, deadline=None)
@given(reply_day=st.integers(0, 60), close_day=st.integers(0, 60))
def test_closing_later_never_turns_a_late_case_on_time(reply_day, close_day):
    start = D(2026, 3, 2)
    base = run(new_case(), lc.Register(start), lc.Assign(start, "车桥镇", "李四"))
    early = min(reply_day, close_day)
    late = max(reply_day, close_day)
    on_early = lc.step(base, lc.Resolve(start + dt.timedelta(days=early), "explain"), POLICY, CLOCKING, TODAY)
    on_late = lc.step(base, lc.Resolve(start + dt.timedelta(days=late), "explain"), POLICY, CLOCKING, TODAY)
    for clock, met in on_late.judged.items():
        if met:
            assert on_early.judged[clock]


# --- whole paths at once --------------------------------------------------------------------------

def _path_row():
    offset = st.none() | st.integers(0, 14)
    # whom an accusation protects: nobody, the unit, the leader, the joint unit, someone else, or
    # several of them (a township's accusation protects its leaders too)
    accused = st.lists(st.sampled_from(["车桥镇", "李四", "区国土局", "王五"]), max_size=3)
    return st.tuples(st.sampled_from(list(Status)), st.booleans(), st.booleans(), st.booleans(),
                     st.integers(0, 6), st.lists(offset, min_size=6, max_size=6), accused)


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(_path_row(), min_size=1, max_size=6), today=st.sampled_from([16, 40, 300]),
       shifts=st.lists(st.integers(1, 60), min_size=1, max_size=3))
def test_a_path_taken_from_its_plan_equals_the_path_step_by_step(rows, today, shifts):
    # Around the Spring Festival, where working days and calendar days part.
    base = D(2026, 2, 1)
    today = base + dt.timedelta(days=today)
    plans = lc.PathPlans(POLICY, CLOCKING, today)
    for status, major, legacy, jointly, received, offsets, names in rows:
        accused = names[0] if names else None
        protected = protected_names(*names)
        # The dates an import row of this status carries (the importer refuses the others).
        needed, allowed, group = lc.path_fields(status)
        offsets = [None if k not in allowed else 3 if o is None and (k in needed or k in group[:1]) else o
                   for k, o in zip(lc.PATH_DATES[1:], offsets)]
        for shift in (0, *shifts, 0):  # the same shape on other dates, and the first dates again from the plan
            day = lambda n: None if n is None else base + dt.timedelta(days=n + shift)  # noqa: E731
            dates = (day(received), *(day(None if o is None else received + o) for o in offsets))
            joint = ("区国土局",) if jointly else ()
            got = plans.fold(status, dates, major=major, legacy=legacy, unit="车桥镇", leader="李四", joint=joint,
                             outcome="explain", accused=accused, protected=protected)
            with_history = plans.fold(status, dates, major=major, legacy=legacy, unit="车桥镇", leader="李四",
                                      joint=joint, outcome="explain", accused=accused, protected=protected,
                                      history=True)
            received_on, accepted_on, assigned_on, replied_on, written_on, opinion_on, closed_on = dates
            actions = lc.path_actions(status, received_on, assigned_on, replied_on, closed_on, "车桥镇", "李四", joint,
                                      "explain", accepted_on, legacy, written_on, opinion_on)
            case = lc.CaseState(number="", status=None, received=received_on, major=major, accused=accused,
                                protected=protected)
            want = lc.fold_path(case, actions, POLICY, CLOCKING, today)
            assert got._replace(steps=None) == want._replace(steps=None)
            # the clock history an import writes for a case still running: the same rows, from the plan
            assert with_history._replace(steps=None, history=None) == want._replace(steps=None)
            assert with_history.history == (None if want.refusal else lc.clock_history(want.steps))


@settings(max_examples=200, deadline=None)
@given(accepted=st.integers(0, 30), extended=st.integers(0, 75), days=st.integers(1, 30),
       closed=st.integers(0, 130), history=st.booleans())
def test_a_path_with_an_extension_is_judged_against_the_extended_due_date(accepted, extended, days, closed, history):
    # An import takes an exported extension (延期) in its place among the case's dated facts: the
    # handling clock is judged against its extended due date when the extension was approved
    # while it ran, and the path is refused otherwise, as the extend command refuses it.
    base = D(2026, 1, 5)
    accepted_on = base + dt.timedelta(days=accepted)
    on = accepted_on + dt.timedelta(days=extended)
    closed_on = accepted_on + dt.timedelta(days=closed)
    extension = lc.Extend(Clock.handling, days, on, "勘测", "王局长", on)
    plans = lc.PathPlans(POLICY, CLOCKING, TODAY)
    dates = (base, accepted_on, accepted_on, None, None, None, closed_on)
    got = plans.fold(Status.closed, dates, unit="车桥镇", leader="李四", outcome="explain", history=history,
                     extension=extension)
    plain = CLOCKING.state(Clock.handling, accepted_on)
    if on > plain.due or on > closed_on:
        assert got.refusal is not None and got.refused == extension
        return
    assert got.refusal is None
    handling = {c.clock: c for c in got.clocks}[Clock.handling]
    assert handling.due == CLOCKING.state(Clock.handling, accepted_on, extension_days=days).due >= plain.due
    assert handling.extension_days == days and handling.met == (closed_on <= handling.due)
    if history:
        assert [type(e) for e in got.history if getattr(e, "clock", None) == Clock.handling
                or getattr(getattr(e, "state", None), "clock", None) == Clock.handling] == [
            lc.StartClock, lc.ExtendClock, lc.JudgeClock]


def test_the_clock_history_a_path_records_is_every_effect_a_history_row_is_written_for():
    # ``clock_history`` keeps the effects ``ledger.lifecycle.clock_events`` writes rows for: no more,
    # no fewer (an import writes a running case's clock history from it)
    from xinfang.ledger.lifecycle import clock_events

    state = CLOCKING.state(Clock.reply, D(2026, 3, 2))
    effects = [lc.StartClock(state), lc.RestartClock(state, None, "reassignment"),
               lc.RecountClock(state, state.due, None), lc.JudgeClock(Clock.reply, D(2026, 3, 9), True, state.due),
               lc.CloseWindow(Clock.objection, D(2026, 3, 3), "objection"), lc.StopClock(Clock.reply, D(2026, 3, 4)),
               lc.DropClock(Clock.review_request), lc.ExtendClock(state, state.due, D(2026, 3, 5), None),
               lc.SetFields("assign", {})]
    for effect in effects:
        assert (clock_events("2026-00001", effect) is not None) == isinstance(effect, lc.HISTORY_EFFECTS), effect
