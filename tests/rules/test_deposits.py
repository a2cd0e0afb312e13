"""信访保证金: deposit ledger rules, checked against the report's own numbers and as properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xinfang.model import Case, Level, Official, Role, Status, fen
from xinfang.policy import default_rules_text, load_policy_text
from xinfang.rules.deposits import (
    DEDUCT,
    PAY,
    REFUND,
    REVERSE,
    REWARD,
    Entry,
    balance,
    case_deposit_years,
    check_balances,
    expected_charges,
    no_petition_townships,
    payment,
    reconcile,
    settle_year,
    settled_years,
    statement,
)

POLICY = load_policy_text(default_rules_text())
D = dt.date
TOWN = "车桥镇"
OTHER = "席桥镇"
ROSTER = [TOWN, OTHER, "林集镇", "泾口镇"]
SEC = Official("张书记", TOWN, Role.secretary, D(2020, 1, 1))
HEAD = Official("李镇长", TOWN, Role.head, D(2021, 3, 1))
OTHER_SEC = Official("王书记", OTHER, Role.secretary, D(2019, 1, 1))
OTHER_HEAD = Official("赵镇长", OTHER, Role.head, D(2022, 1, 1))
OFFICIALS = [SEC, HEAD, OTHER_SEC, OTHER_HEAD]
YEAR_END = D(2025, 1, 10)

DEPOSIT = 1_000_000  # 10,000 yuan
DEDUCTION = 50_000  # 500 yuan
REWARD_FEN = POLICY.reward_fen


def case(number: str, received: dt.date, level: Level = Level.city, township: str = TOWN, **kw) -> Case:
    return Case(number, received, township, level, **kw)


def city_cases(n: int, township: str = TOWN, year: int = 2024) -> list[Case]:
    start = D(year, 1, 2)
    return [case(f"{year}-{i:03d}", start + dt.timedelta(days=i * 7), township=township) for i in range(n)]


def pay_all(entries: list[Entry], officials, on=D(2024, 1, 2), amount=DEPOSIT, year=None) -> list[Entry]:
    for o in officials:
        entries = entries + [payment(entries, o.name, amount, on, year)]
    return entries


def sync(entries: list[Entry], cases, officials, on=D(2024, 12, 1)) -> list[Entry]:
    """Append what reconcile posts, as the ledger layer does."""
    return entries + reconcile(entries, expected_charges(cases, officials, POLICY), on, case_deposit_years(cases))


def totals(entries: list[Entry], official: str, kind: str) -> int:
    return sum(e.amount_fen for e in entries if e.official == official and e.kind == kind)


def rows_by_name(rows):
    return {r.official: r for r in rows}


# --- the policy carries the report's numbers -------------------------------------------------


def test_default_policy_is_the_reports():
    assert POLICY.deposit_fen == fen(10000) == DEPOSIT
    assert POLICY.deduction_fen == fen(500) == DEDUCTION
    assert POLICY.deduction_min_level == Level.city
    assert POLICY.no_petition_pool_fen == fen(150000)


# --- expected charges -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "level, status, charged",
    [
        (Level.district, Status.registered, False),
        (Level.city, Status.registered, True),
        (Level.province, Status.closed, True),
        (Level.national, Status.registered, True),
        (Level.national, Status.transferred, False),
    ],
)
def test_expected_charges_by_level_and_status(level, status, charged):
    got = expected_charges([case("C1", D(2024, 5, 1), level, status=status)], OFFICIALS, POLICY)
    want = {("C1", SEC.name): DEDUCTION, ("C1", HEAD.name): DEDUCTION} if charged else {}
    assert got == want


def test_expected_charges_only_officials_in_post_on_received_date():
    old = HEAD._replace(end=D(2024, 6, 30))
    new = Official("陈镇长", TOWN, Role.head, D(2024, 7, 1))
    got = expected_charges([case("A", D(2024, 6, 30)), case("B", D(2024, 7, 1))], [SEC, old, new], POLICY)
    assert got == {(c, o.name): DEDUCTION for c, o in [("A", SEC), ("A", old), ("B", SEC), ("B", new)]}


# --- report scenarios, table-driven ------------------------------------------------------------


@pytest.mark.parametrize(
    "skip_cases, deducted, refund, reward, shortfall, exhausted",
    [
        (0, 0, 1_000_000, REWARD_FEN, 0, False),  # no skip-level case: 10,000 back plus the reward
        (2, 100_000, 900_000, 0, 0, False),  # two city cases: 1,000 deducted, 9,000 refunded
        (20, 1_000_000, 0, 0, 0, True),  # deposit used up exactly
        (21, 1_000_000, 0, 0, 50_000, True),  # 21 cases: exhausted, 500 not recoverable
    ],
)
def test_settlement_from_the_report(skip_cases, deducted, refund, reward, shortfall, exhausted):
    cases = city_cases(skip_cases) + [case("D-1", D(2024, 4, 1), Level.district)]
    entries = sync(pay_all([], [SEC, HEAD]), cases, [SEC, HEAD])
    for name in (SEC.name, HEAD.name):
        assert balance(entries, name) == DEPOSIT - deducted

    rows, new = settle_year(2024, entries, cases, [SEC, HEAD], ROSTER, POLICY, YEAR_END)

    assert [r.official for r in rows] == [SEC.name, HEAD.name]
    for r in rows:
        assert (r.township, r.paid, r.deducted, r.refund, r.reward, r.shortfall, r.exhausted) == (
            TOWN, DEPOSIT, deducted, refund, reward, shortfall, exhausted
        )
    ledger = entries + new
    for name in (SEC.name, HEAD.name):
        assert totals(new, name, REFUND) == refund
        assert totals(new, name, REWARD) == reward
        assert balance(ledger, name) == 0
    assert _checked(ledger) == []


def test_two_city_cases_deduct_500_from_each_official_per_case():
    cases = [case("2024-001", D(2024, 3, 5)), case("2024-002", D(2024, 9, 9), Level.province)]
    entries = sync(pay_all([], [SEC, HEAD]), cases, [SEC, HEAD])
    deducts = [e for e in entries if e.kind == DEDUCT]
    assert sorted((e.case, e.official, e.amount_fen, e.year) for e in deducts) == sorted(
        (c.number, o.name, DEDUCTION, 2024) for c in cases for o in (SEC, HEAD)
    )
    rows = rows_by_name(statement(entries, [SEC, HEAD], 2024))
    assert rows[SEC.name].deducted == 100_000
    assert rows[SEC.name].balance == 900_000
    assert rows[SEC.name].cases == ("2024-001", "2024-002")
    assert not rows[SEC.name].exhausted


def test_21_skip_level_cases_exhaust_the_deposit_and_report_shortfall():
    cases = city_cases(21)
    charges, years = expected_charges(cases, [SEC, HEAD], POLICY), case_deposit_years(cases)
    entries = sync(pay_all([], [SEC, HEAD]), cases, [SEC, HEAD])
    row = rows_by_name(statement(entries, [SEC, HEAD], 2024, charges, years))[HEAD.name]
    assert (row.paid, row.deducted, row.balance, row.shortfall, row.exhausted) == (DEPOSIT, DEPOSIT, 0, 50_000, True)
    assert len(row.cases) == 20  # the latest case finds nothing left to take
    assert "2024-020" not in row.cases


def test_head_replaced_on_1_july_each_bears_only_their_own_months():
    old = HEAD._replace(end=D(2024, 6, 30))
    new = Official("陈镇长", TOWN, Role.head, D(2024, 7, 1))
    officials = [SEC, old, new]
    cases = [case("2024-003", D(2024, 3, 3)), case("2024-008", D(2024, 8, 8)), case("2024-010", D(2024, 10, 10))]
    entries = pay_all(pay_all([], [SEC, old]), [new], on=D(2024, 7, 1))
    entries = sync(entries, cases, officials)

    rows = rows_by_name(statement(entries, officials, 2024))
    assert rows[old.name].cases == ("2024-003",)
    assert rows[new.name].cases == ("2024-008", "2024-010")
    assert rows[SEC.name].deducted == 150_000

    settled, _ = settle_year(2024, entries, cases, officials, ROSTER, POLICY, YEAR_END)
    got = {r.official: (r.deducted, r.refund, r.reward) for r in settled}
    assert got == {SEC.name: (150_000, 850_000, 0), old.name: (50_000, 950_000, 0), new.name: (100_000, 900_000, 0)}
    assert [r.official for r in settled] == [SEC.name, old.name, new.name]


def test_officials_entered_after_the_cases_still_bear_them():
    cases = city_cases(2)
    entries = pay_all([], [SEC, HEAD])
    assert reconcile(entries, expected_charges(cases, [], POLICY), D(2024, 5, 1), case_deposit_years(cases)) == []
    entries = sync(entries, cases, [SEC, HEAD])
    assert balance(entries, SEC.name) == balance(entries, HEAD.name) == 900_000


def test_official_who_paid_after_the_cases_has_the_shortfall_posted_later():
    cases = city_cases(2)
    charges, years = expected_charges(cases, [SEC], POLICY), case_deposit_years(cases)
    entries = sync([], cases, [SEC])
    assert entries == []  # nothing to take from yet
    row = statement(entries, [SEC], 2024, charges, years)[0]
    assert (row.shortfall, row.exhausted) == (100_000, True)

    entries = entries + [payment(entries, SEC.name, 70_000, D(2024, 6, 1))]  # 700 yuan covers 1.4 cases
    entries = sync(entries, cases, [SEC])
    assert [(e.case, e.amount_fen) for e in entries if e.kind == DEDUCT] == [("2024-000", 50_000), ("2024-001", 20_000)]
    assert "shortfall 300.00" in entries[-1].note
    assert statement(entries, [SEC], 2024, charges, years)[0].shortfall == 30_000

    entries = entries + [payment(entries, SEC.name, DEPOSIT - 70_000, D(2024, 7, 1))]
    entries = sync(entries, cases, [SEC])
    assert [(e.case, e.amount_fen) for e in entries if e.kind == DEDUCT][-1] == ("2024-001", 30_000)
    row = statement(entries, [SEC], 2024, charges, years)[0]
    assert (row.deducted, row.balance, row.shortfall, row.exhausted) == (100_000, 900_000, 0, False)


def test_case_lowered_to_district_is_reversed_by_new_entries():
    cases = city_cases(2)
    entries = sync(pay_all([], [SEC, HEAD]), cases, [SEC, HEAD])
    before = list(entries)
    lowered = [cases[0]._replace(level=Level.district), cases[1]]
    new = reconcile(entries, expected_charges(lowered, [SEC, HEAD], POLICY), D(2024, 12, 20), case_deposit_years(lowered))

    assert sorted((e.kind, e.case, e.official, e.amount_fen) for e in new) == sorted(
        (REVERSE, "2024-000", o.name, DEDUCTION) for o in (SEC, HEAD)
    )
    assert [e.seq for e in new] == [len(before) + 1, len(before) + 2]
    entries = entries + new
    assert entries[: len(before)] == before  # nothing edited
    assert balance(entries, SEC.name) == 950_000
    assert statement(entries, [SEC, HEAD], 2024)[0].cases == ("2024-001",)
    assert _checked(entries) == []


def test_reversal_returns_exactly_what_was_deducted():
    cases = city_cases(1)
    entries = sync([Entry(1, SEC.name, PAY, 20_000, D(2024, 1, 2), None, 2024)], cases, [SEC])
    assert totals(entries, SEC.name, DEDUCT) == 20_000  # only 200 of 500 was there
    new = reconcile(entries, {}, D(2024, 12, 1), case_deposit_years(cases))
    assert [(e.kind, e.amount_fen) for e in new] == [(REVERSE, 20_000)]


def test_freed_money_covers_another_cases_shortfall():
    cases = city_cases(2)
    entries = sync([Entry(1, SEC.name, PAY, DEDUCTION, D(2024, 1, 2), None, 2024)], cases, [SEC])
    lowered = [cases[0]._replace(level=Level.district), cases[1]]
    new = reconcile(entries, expected_charges(lowered, [SEC], POLICY), D(2024, 12, 1), case_deposit_years(lowered))
    assert [(e.kind, e.case, e.amount_fen) for e in new] == [
        (REVERSE, "2024-000", DEDUCTION),
        (DEDUCT, "2024-001", DEDUCTION),
    ]


def test_case_moved_to_another_township_moves_its_charges():
    cases = city_cases(1)
    entries = sync(pay_all([], OFFICIALS), cases, OFFICIALS)
    moved = [cases[0]._replace(township=OTHER)]
    new = reconcile(entries, expected_charges(moved, OFFICIALS, POLICY), D(2024, 12, 1), case_deposit_years(moved))
    assert sorted((e.kind, e.official) for e in new) == sorted(
        [(REVERSE, SEC.name), (REVERSE, HEAD.name), (DEDUCT, OTHER_SEC.name), (DEDUCT, OTHER_HEAD.name)]
    )


def test_corrected_term_moves_the_charge_to_whoever_was_in_post():
    cases = [case("2024-001", D(2024, 2, 1))]
    stand_in = Official("孙镇长", TOWN, Role.head, D(2023, 1, 1), D(2024, 2, 29))
    late_head = HEAD._replace(start=D(2024, 1, 1))  # recorded wrongly as in post from January
    officials = [SEC, late_head]
    entries = sync(pay_all([], [SEC, HEAD, stand_in]), cases, officials)
    assert totals(entries, HEAD.name, DEDUCT) == DEDUCTION

    corrected = [SEC, HEAD._replace(start=D(2024, 3, 1)), stand_in]
    new = reconcile(entries, expected_charges(cases, corrected, POLICY), D(2024, 12, 1), case_deposit_years(cases))
    assert sorted((e.kind, e.official) for e in new) == [(DEDUCT, stand_in.name), (REVERSE, HEAD.name)]


def test_corrections_in_any_order_reach_the_same_balances():
    a, b, c = case("A", D(2024, 2, 1)), case("B", D(2024, 3, 1)), case("C", D(2024, 4, 1))
    a_lowered, b_moved = a._replace(level=Level.district), b._replace(township=OTHER)
    final_cases = [a_lowered, b_moved, c]
    first = sync(pay_all([], OFFICIALS), final_cases, OFFICIALS)
    stepwise = pay_all([], OFFICIALS)
    for facts in ([a, b], [a_lowered, b, c], final_cases):
        stepwise = sync(stepwise, facts, OFFICIALS)
    for o in OFFICIALS:
        assert balance(stepwise, o.name) == balance(first, o.name)


def test_reconcile_is_idempotent():
    cases = city_cases(25)
    entries = sync(pay_all([], OFFICIALS), cases, OFFICIALS)
    assert reconcile(entries, expected_charges(cases, OFFICIALS, POLICY), D(2024, 12, 31), case_deposit_years(cases)) == []


# --- years --------------------------------------------------------------------------------------


def test_case_is_charged_to_the_deposit_of_its_own_year():
    cases = [case("2024-099", D(2024, 12, 30))]
    entries = pay_all([], [SEC], on=D(2024, 12, 28), year=2025)  # early payment for next year
    entries = sync(entries, cases, [SEC], on=D(2025, 1, 5))
    assert [e for e in entries if e.kind == DEDUCT] == []
    entries = pay_all(entries, [SEC], on=D(2024, 1, 2), year=2024)
    entries = sync(entries, cases, [SEC], on=D(2025, 1, 6))
    [deduct] = [e for e in entries if e.kind == DEDUCT]
    assert (deduct.year, deduct.on) == (2024, D(2025, 1, 6))
    assert balance(entries, SEC.name, 2024) == 950_000
    assert balance(entries, SEC.name, 2025) == DEPOSIT


def test_settling_a_year_refunds_only_that_years_deposit():
    cases = city_cases(2)
    entries = pay_all(pay_all([], [SEC, HEAD]), [SEC, HEAD], on=D(2024, 12, 20), year=2025)
    entries = sync(entries, cases, [SEC, HEAD])
    _, new = settle_year(2024, entries, cases, [SEC, HEAD], ROSTER, POLICY, YEAR_END)
    ledger = entries + new
    assert balance(ledger, SEC.name, 2024) == 0
    assert balance(ledger, SEC.name) == DEPOSIT  # next year's deposit stays


# --- settlement -------------------------------------------------------------------------------


def test_settling_twice_is_refused():
    cases = city_cases(21)  # every refund is 0: the settlement still leaves its mark
    entries = sync(pay_all([], [SEC, HEAD]), cases, [SEC, HEAD])
    _, new = settle_year(2024, entries, cases, [SEC, HEAD], ROSTER, POLICY, YEAR_END)
    assert [(e.kind, e.amount_fen) for e in new] == [(REFUND, 0), (REFUND, 0)]
    entries = entries + new
    assert settled_years(entries) == {2024}
    with pytest.raises(ValueError, match="year 2024 already settled"):
        settle_year(2024, entries, cases, [SEC, HEAD], ROSTER, POLICY, D(2025, 2, 1))
    with pytest.raises(ValueError, match="year 2024 already settled"):
        payment(entries, SEC.name, DEPOSIT, D(2025, 2, 1), year=2024)


def test_settled_year_is_frozen():
    cases = city_cases(21)
    entries = sync(pay_all([], [SEC]), cases, [SEC])
    _, new = settle_year(2024, entries, cases, [SEC], ROSTER, POLICY, YEAR_END)
    entries = pay_all(entries + new, [SEC], on=D(2025, 1, 5), year=2025)
    lowered = [c._replace(level=Level.district) for c in cases]
    for facts in (cases, lowered):  # neither the shortfall nor a late correction touches 2024
        assert reconcile(entries, expected_charges(facts, [SEC], POLICY), D(2025, 2, 1), case_deposit_years(facts)) == []


def test_settlement_catches_up_missing_deductions_first():
    cases = city_cases(2) + city_cases(1, year=2025)
    entries = pay_all(pay_all([], [SEC, HEAD]), [SEC, HEAD], year=2025)  # never reconciled
    rows, new = settle_year(2024, entries, cases, [SEC, HEAD], ROSTER, POLICY, YEAR_END)
    assert [e.kind for e in new] == [DEDUCT] * 4 + [REFUND, REFUND]
    assert {e.year for e in new} == {2024}  # next year's case waits for the next reconcile
    assert [r.refund for r in rows] == [900_000, 900_000]
    assert _checked(entries + new) == []


def test_case_moved_out_of_a_year_before_its_settlement_stays_open():
    cases = [case("2024-120", D(2024, 12, 31))]
    entries = sync(pay_all(pay_all([], [SEC]), [SEC], year=2025), cases, [SEC])
    redated = [cases[0]._replace(received=D(2025, 1, 1))]  # registered on the wrong day
    entries = sync(entries, redated, [SEC], on=D(2025, 1, 3))
    booked = [(e.kind, e.year) for e in entries if e.kind in (DEDUCT, REVERSE)]
    assert booked == [(DEDUCT, 2024), (REVERSE, 2024), (DEDUCT, 2025)]
    _, new = settle_year(2024, entries, redated, [SEC], ROSTER, POLICY, YEAR_END)
    entries = entries + new
    lowered = [redated[0]._replace(level=Level.district)]
    assert [(e.kind, e.year) for e in reconcile(entries, {}, D(2025, 2, 1), case_deposit_years(lowered))] == [(REVERSE, 2025)]


def test_settlement_reward_needs_a_deposit_and_a_clean_township():
    cases = [case("2024-001", D(2024, 5, 1), township=OTHER)]
    entries = pay_all([], [SEC, OTHER_SEC])  # the heads paid nothing
    rows, _ = settle_year(2024, entries, cases, OFFICIALS, ROSTER, POLICY, YEAR_END)
    got = {r.official: (r.refund, r.reward, r.shortfall, r.exhausted) for r in rows}
    assert got == {
        SEC.name: (DEPOSIT, REWARD_FEN, 0, False),
        HEAD.name: (0, 0, 0, False),
        OTHER_SEC.name: (950_000, 0, 0, False),
        OTHER_HEAD.name: (0, 0, DEDUCTION, True),
    }
    assert [r.official for r in rows] == [SEC.name, HEAD.name, OTHER_SEC.name, OTHER_HEAD.name]


def test_settlement_refuses_an_official_of_an_unknown_township():
    stray = Official("周书记", "不存在镇", Role.secretary, D(2024, 1, 1))
    with pytest.raises(ValueError, match="not on the roster"):
        settle_year(2024, [], [], [stray], ROSTER, POLICY, YEAR_END)


def test_settlement_refunds_money_of_someone_no_longer_in_post():
    gone = HEAD._replace(end=D(2023, 12, 31))
    entries = [Entry(1, gone.name, PAY, DEPOSIT, D(2024, 1, 2), None, 2024)]
    rows, new = settle_year(2024, entries, [], [SEC, gone], ROSTER, POLICY, YEAR_END)
    assert rows_by_name(rows)[gone.name].refund == DEPOSIT
    assert totals(new, gone.name, REFUND) == DEPOSIT


# --- no-petition pool -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "clean_count, share, remainder",
    [(4, 3_750_000, 0), (3, 5_000_000, 0), (7, 2_142_857, 1), (0, 0, 15_000_000)],
)
def test_no_petition_pool(clean_count, share, remainder):
    clean = [f"镇{i}" for i in range(clean_count)]
    cases = [
        case("X1", D(2024, 3, 1), Level.district, township="有案镇"),
        case("X2", D(2023, 3, 1), township=clean[0] if clean else "有案镇"),  # another year
        case("X3", D(2024, 3, 1), township=clean[-1] if clean else "有案镇", status=Status.transferred),
    ]
    got = no_petition_townships(2024, ["有案镇", *clean], cases, POLICY)
    assert got == (clean, share, remainder)
    assert share * clean_count + remainder == POLICY.no_petition_pool_fen


def test_pool_split_of_the_report():
    towns, share, remainder = no_petition_townships(2024, ROSTER, [], POLICY)
    assert (len(towns), share, remainder) == (4, fen(37500), 0)


# --- balance assertions -----------------------------------------------------------------------------


def test_check_balances_reports_a_stated_balance_that_differs():
    cases = city_cases(2)
    entries = sync(pay_all([], [SEC]), cases, [SEC])
    assert _checked(entries) == []
    assert _checked(entries, {SEC.name: 900_000}) == []
    assert _checked(entries, {SEC.name: 850_000}) == [
        "official 张书记: expected 8500.00, found 9000.00, difference -500.00"
    ]
    stray = entries + [Entry(99, SEC.name, DEDUCT, 50_000, D(2024, 12, 2), "2024-009", 2024)]
    assert _checked(stray, {SEC.name: 900_000}) == [
        "official 张书记: expected 9000.00, found 8500.00, difference 500.00"
    ]


def test_check_balances_reports_broken_ledgers():
    pay = Entry(1, SEC.name, PAY, 10_000, D(2024, 1, 2), None, 2024)
    over = Entry(2, SEC.name, DEDUCT, 50_000, D(2024, 2, 1), "C1", 2024)
    assert _checked([pay, over]) == ["official 张书记: entry #2 takes the year 2024 balance to -400.00"]

    deduct = over._replace(amount_fen=10_000)
    twice = Entry(3, SEC.name, REVERSE, 20_000, D(2024, 3, 1), "C1", 2024)
    problems = _checked([pay, deduct, twice])
    assert problems == ["official 张书记: entry #3 reverses 200.00 of case C1 but only 100.00 is deducted"]

    refund = Entry(2, SEC.name, REFUND, 10_000, D(2025, 1, 5), None, 2024)
    late = Entry(3, SEC.name, PAY, 10_000, D(2025, 1, 6), None, 2024)
    assert _checked([pay, refund, late]) == ["entry #3: pay posted into settled year 2024"]

    again = Entry(3, SEC.name, REFUND, 0, D(2025, 1, 6), None, 2024)
    assert _checked([pay, refund, again]) == ["official 张书记: year 2024 settled twice"]

    bad = [Entry(1, SEC.name, PAY, 0, D(2024, 1, 1)), Entry(1, SEC.name, "fine", 5, D(2024, 1, 1))]
    assert _checked(bad) == [
        "entry #1: amount must be a positive number of fen, not 0",
        "entry #1: seq used twice",
        "entry #1: unknown kind 'fine'",
    ]


# --- properties -------------------------------------------------------------------------------------

TOWNS = [TOWN, OTHER]
NAMES = [f"官{i}" for i in range(4)]
YEARS = (2024, 2025)
# Few distinct days, so that terms, cases and year ends meet often, boundaries included.
DAYS = [D(2024, 1, 1), D(2024, 3, 1), D(2024, 6, 30), D(2024, 7, 1), D(2024, 12, 31),
        D(2025, 1, 1), D(2025, 6, 30), D(2025, 7, 1)]
dates = st.sampled_from(DAYS)
amounts = st.sampled_from([120_000, 50_000, 20_000, DEPOSIT]) | st.integers(1, 300_000)
levels = st.sampled_from([Level.city, Level.district, Level.province, Level.national, Level.city])
index = st.integers(0, 40)
pay = st.tuples(st.just("pay"), st.sampled_from(NAMES), amounts, st.sampled_from(YEARS))
new_case = st.tuples(st.just("case"), st.sampled_from(TOWNS), levels, dates)
correction = st.one_of(
    st.tuples(st.just("relevel"), index, st.sampled_from([Level.district, *Level])),
    st.tuples(st.just("move"), index, st.sampled_from(TOWNS[::-1])),
    st.tuples(st.just("transfer"), index),
    st.tuples(st.just("redate"), index, st.sampled_from(DAYS[::-1])),
    st.tuples(st.just("term"), index, st.sampled_from(DAYS[::-1]), st.none() | dates),
)
roles = st.sampled_from(list(Role))
new_official = st.one_of(
    st.tuples(st.just("official"), st.sampled_from(NAMES), st.sampled_from(TOWNS), roles, dates, st.none() | dates),
    st.tuples(st.just("official"), st.sampled_from(NAMES), st.sampled_from(TOWNS), roles, st.just(DAYS[0]), st.none()),
)
steps = st.one_of(new_case, pay, correction, new_official)  # simplest examples still charge someone

def _apply(step, cases: dict[str, Case], officials: list[Official], entries: list[Entry]) -> list[Entry]:
    """Apply one fact to the world, refusing what the ledger layer refuses in a settled year."""
    settled = settled_years(entries)
    kind, *args = step
    numbers = list(cases)
    if kind == "pay":
        name, amount, year = args
        if year not in settled:
            entries = entries + [payment(entries, name, amount, D(year, 6, 1), year)]
    elif kind == "case":
        town, level, received = args
        if received.year not in settled:
            number = f"N{len(cases)}"
            cases[number] = Case(number, received, town, level)
    elif kind == "official":
        officials.append(Official(*args))
    elif kind == "term":
        if not officials:
            return entries
        i, start, end = args
        i %= len(officials)
        officials[i] = officials[i]._replace(start=start, end=end)
    elif kind == "settle":
        if 2024 not in settled:
            rows, new = settle_year(2024, entries, cases.values(), officials, TOWNS, POLICY, D(2025, 1, 15))
            assert all(r.paid - r.deducted - r.refund == 0 for r in rows)
            assert all(e.year == 2024 for e in new)
            entries = entries + new
    elif numbers:
        number = numbers[args[0] % len(numbers)]
        old = cases[number]
        new_case = {
            "relevel": lambda: old._replace(level=args[1]),
            "move": lambda: old._replace(township=args[1]),
            "redate": lambda: old._replace(received=args[1]),
            "transfer": lambda: old._replace(status=Status.transferred),
        }[kind]()
        if old.received.year not in settled and new_case.received.year not in settled:
            cases[number] = new_case
    return entries


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.booleans(), st.lists(steps, min_size=5, max_size=40), st.none() | st.integers(4, 40))
def test_reconciling_after_every_fact_matches_a_recomputation(unstaffed, sequence, settle_at):
    """Any order of payments, cases, corrections and officials; 2024 settled at some point or never."""
    cases: dict[str, Case] = {}
    officials = [] if unstaffed else [
        Official(NAMES[2 * i + j], town, role, DAYS[0]) for i, town in enumerate(TOWNS) for j, role in enumerate(Role)
    ]
    entries: list[Entry] = []
    if settle_at is not None:
        sequence = sequence[:settle_at] + [("settle",)] + sequence[settle_at:]
    for n, step in enumerate(sequence):
        entries = _apply(step, cases, officials, entries)
        charges, years = expected_charges(cases.values(), officials, POLICY), case_deposit_years(cases.values())
        on = D(2026, 1, 1) + dt.timedelta(days=n)
        before = list(entries)
        new = reconcile(entries, charges, on, years)
        assert all(e.kind in (DEDUCT, REVERSE) and e.amount_fen > 0 and e.on == on for e in new)
        entries = entries + new
        assert entries[: len(before)] == before
        assert reconcile(entries, charges, on, years) == []
        assert _checked(entries) == []

        settled = settled_years(entries)
        for name in NAMES:
            for year in YEARS:
                got = balance(entries, name, year)
                if year in settled:
                    assert got == 0
                    continue
                paid = sum(e.amount_fen for e in entries if e.official == name and e.kind == PAY and e.year == year)
                owed = sum(f for (c, o), f in charges.items() if o == name and years[c] == year)
                assert got == paid - min(paid, owed)


def _checked(*args) -> list[str]:
    """``check_balances``' findings as the English report words them."""
    from xinfang.messages import wording

    return [wording(m, "en") for m in check_balances(*args)]
