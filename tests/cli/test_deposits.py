"""信访保证金 through the command line: officials' terms, payments, deductions that follow the cases,
statements, year-end settlement, the no-petition pool and balance assertions."""

from __future__ import annotations

import sqlite3

import pytest

from xinfang.policy import default_rules_text, load_policy_text

POLICY = load_policy_text(default_rules_text())
REWARD = POLICY.reward_fen // 100  # yuan
TOWN, OTHER = "车桥镇", "泾口镇"
SEC, HEAD = "张书记", "李镇长"


def staff(cli, town=TOWN, sec=SEC, head=HEAD, since="2020-01-01", pay_year=2025):
    """A township's secretary and head in post, each with a 10,000-yuan deposit for ``pay_year``."""
    cli.ok("officials", "add", "--township", town, "--role", "secretary", "--name", sec, "--from", since)
    cli.ok("officials", "add", "--township", town, "--role", "乡镇长", "--name", head, "--from", since)
    for name in (sec, head):
        cli.ok("deposits", "pay", "--official", name, "--amount", "10000", "--on", f"{pay_year}-01-05",
               "--year", str(pay_year))


def city_case(cli, received, town=TOWN, level="city") -> str:
    return cli.register(received=received, township=town, level=level)["case"]


def rows_by_name(doc) -> dict:
    return {r["official"]: r for r in (doc["rows"] if isinstance(doc, dict) else doc)}


def entries(cli) -> list[tuple]:
    conn = sqlite3.connect(cli.db)
    try:
        return conn.execute("SELECT * FROM deposit_entries ORDER BY seq").fetchall()
    finally:
        conn.close()


# ---------------------------------------------------------------------------------------------
# The report's numbers


def test_two_city_cases_cost_each_official_1000_and_the_rest_is_refunded(cli):
    staff(cli)
    first = city_case(cli, "2025-03-02")
    second = city_case(cli, "2025-09-14", level="province")
    cli.register(received="2025-10-01", level="district")  # not skip-level: costs nothing

    statement = rows_by_name(cli.ok("deposits", "statement", "--year", "2025"))
    for name in (SEC, HEAD):
        assert statement[name]["paid"] == 10000 and statement[name]["deducted"] == 1000
        assert statement[name]["balance"] == 9000 and statement[name]["cases"] == [first, second]

    settled = cli.ok("deposits", "settle", "--yes", "--year", "2025")
    assert settled["year"] == 2025
    rows = rows_by_name(settled)
    assert set(rows) == {SEC, HEAD}
    for name in (SEC, HEAD):
        r = rows[name]
        assert (r["township"], r["paid"], r["deducted"], r["refund"], r["reward"], r["exhausted"]) == \
            (TOWN, 10000, 1000, 9000, 0, False)
    after = rows_by_name(cli.ok("deposits", "statement", "--year", "2025"))
    assert after[SEC]["refunded"] == 9000 and after[SEC]["balance"] == 0


def test_no_skip_level_case_gives_the_deposit_back_plus_the_reward(cli):
    staff(cli)
    cli.register(received="2025-05-06", level="district")
    rows = rows_by_name(cli.ok("deposits", "settle", "--yes", "--year", "2025"))
    for name in (SEC, HEAD):
        assert (rows[name]["deducted"], rows[name]["refund"], rows[name]["reward"]) == (0, 10000, REWARD)
        assert rows[name]["exhausted"] is False
    statement = rows_by_name(cli.ok("deposits", "statement", "--year", "2025"))
    assert statement[SEC]["rewarded"] == REWARD and statement[SEC]["refunded"] == 10000


def test_twenty_one_skip_level_cases_exhaust_the_deposit(cli):
    staff(cli)
    for day in range(1, 22):
        city_case(cli, f"2025-03-{day:02d}")
    statement = rows_by_name(cli.ok("deposits", "statement", "--year", "2025"))
    assert statement[SEC]["deducted"] == 10000 and statement[SEC]["balance"] == 0
    assert statement[SEC]["shortfall"] == 500 and statement[SEC]["exhausted"] is True
    assert len(statement[SEC]["cases"]) == 20  # the 21st could not be taken: the balance never goes below zero

    rows = rows_by_name(cli.ok("deposits", "settle", "--yes", "--year", "2025"))
    for name in (SEC, HEAD):
        assert (rows[name]["deducted"], rows[name]["refund"], rows[name]["reward"], rows[name]["exhausted"]) == \
            (10000, 0, 0, True)
    assert cli.ok("deposits", "check")["ok"] is True


def test_a_top_up_takes_the_deduction_that_could_not_be_covered(cli):
    staff(cli)
    for day in range(1, 22):
        city_case(cli, f"2025-03-{day:02d}")
    paid = cli.ok("deposits", "pay", "--official", SEC, "--amount", "2000", "--on", "2025-04-01", "--year", "2025")
    assert [e["kind"] for e in paid["posted"]] == ["deduct"] and paid["balance"] == 1500
    statement = rows_by_name(cli.ok("deposits", "statement", "--year", "2025"))
    assert statement[SEC]["shortfall"] == 0 and statement[SEC]["deducted"] == 10500
    assert statement[HEAD]["shortfall"] == 500  # the head has not topped up


# ---------------------------------------------------------------------------------------------
# Terms of office and the order facts arrive in


def test_head_replaced_on_1_july_each_bears_only_their_own_months(cli):
    staff(cli)
    spring = city_case(cli, "2025-03-10")
    august = city_case(cli, "2025-08-10")
    added = cli.ok("officials", "add", "--township", TOWN, "--role", "head", "--name", "王镇长", "--from", "2025-07-01")
    assert added["official"]["from"] == "2025-07-01" and added["official"]["to"] is None
    assert [(c["name"], c["to"]) for c in added["closed"]] == [(HEAD, "2025-06-30")]
    cli.ok("deposits", "pay", "--official", "王镇长", "--amount", "10000", "--on", "2025-07-03", "--year", "2025")
    october = city_case(cli, "2025-10-10")

    s = rows_by_name(cli.ok("deposits", "statement", "--year", "2025"))
    assert s[HEAD]["cases"] == [spring] and s[HEAD]["deducted"] == 500
    assert s["王镇长"]["cases"] == [august, october] and s["王镇长"]["deducted"] == 1000
    assert s[SEC]["cases"] == [spring, august, october] and s[SEC]["deducted"] == 1500

    terms = {t["name"]: t for t in cli.ok("officials", "list", "--township", TOWN)}
    assert terms[HEAD]["to"] == "2025-06-30" and terms[HEAD]["in_post"] is False
    assert terms["王镇长"]["in_post"] is True

    settled = rows_by_name(cli.ok("deposits", "settle", "--yes", "--year", "2025"))
    assert settled[HEAD]["refund"] == 9500 and settled["王镇长"]["refund"] == 9000


def test_officials_entered_after_their_cases_still_bear_them(cli):
    early = city_case(cli, "2025-02-03")
    late = city_case(cli, "2025-06-03", level="national")
    assert entries(cli) == []  # nobody in post on record yet
    staff(cli)  # terms from 2020, deposits paid afterwards
    s = rows_by_name(cli.ok("deposits", "statement", "--year", "2025"))
    assert s[SEC]["cases"] == [early, late] and s[HEAD]["deducted"] == 1000
    # Ending a term retroactively hands the later case back.
    cli.ok("officials", "end", HEAD, "--on", "2025-03-31", "--reason", "调任")
    s = rows_by_name(cli.ok("deposits", "statement", "--year", "2025"))
    assert s[HEAD]["cases"] == [early] and s[HEAD]["deducted"] == 500 and s[HEAD]["balance"] == 9500


def test_correcting_the_level_reverses_deductions_by_new_entries(cli):
    staff(cli)
    case = city_case(cli, "2025-04-01")
    before = entries(cli)
    assert [(e[2], e[3], e[5]) for e in before[-2:]] == [("deduct", 50000, case)] * 2

    cli.ok("correct", case, "--level", "district", "--reason", "实为区级来访")
    after = entries(cli)
    assert after[: len(before)] == before  # nothing edited
    new = after[len(before):]
    assert sorted((e[1], e[2], e[3], e[5]) for e in new) == sorted([(HEAD, "reverse", 50000, case), (SEC, "reverse", 50000, case)])
    s = rows_by_name(cli.ok("deposits", "statement", "--year", "2025"))
    assert s[SEC]["deducted"] == 0 and s[SEC]["balance"] == 10000 and s[SEC]["cases"] == []

    cli.ok("correct", case, "--level", "city", "--reason", "复核后确认为市级")
    s = rows_by_name(cli.ok("deposits", "statement", "--year", "2025"))
    assert s[SEC]["deducted"] == 500 and s[SEC]["cases"] == [case]
    assert entries(cli)[: len(after)] == after


def test_correcting_the_township_moves_the_deduction(cli):
    staff(cli)
    staff(cli, town=OTHER, sec="周书记", head="吴镇长")
    case = city_case(cli, "2025-04-01")
    cli.ok("correct", case, "--township", OTHER, "--reason", "属地登记错误")
    s = rows_by_name(cli.ok("deposits", "statement", "--year", "2025"))
    assert s[SEC]["deducted"] == 0 and s[HEAD]["deducted"] == 0
    assert s["周书记"]["cases"] == [case] and s["吴镇长"]["deducted"] == 500
    assert cli.ok("deposits", "check")["ok"] is True


def test_overlapping_terms_and_duplicate_names_are_refused(cli):
    staff(cli)
    before = cli.counts()
    overlap = cli("officials", "add", "--township", TOWN, "--role", "head", "--name", "赵镇长", "--from", "2019-06-01")
    assert overlap.code == 1 and HEAD in overlap.err and "officials end" in overlap.err
    dup = cli("officials", "add", "--township", OTHER, "--role", "head", "--name", SEC, "--from", "2025-01-01")
    assert dup.code == 1 and "姓名不得重复" in dup.err and TOWN in dup.err
    bad_role = cli("officials", "add", "--township", OTHER, "--role", "mayor", "--name", "钱", "--from", "2025-01-01")
    assert bad_role.code == 1 and "党委书记" in bad_role.err
    assert cli.counts() == before


def test_settlement_catches_up_every_township_before_closing_the_year(cli):
    staff(cli)
    staff(cli, town=OTHER, sec="周书记", head="吴镇长")
    here, there = city_case(cli, "2025-04-01"), city_case(cli, "2025-04-02", town=OTHER)
    for case in (here, there):  # transferred away after the deduction: it is not this office's case
        cli.ok("transfer", case, "--to", "市信访局", "--reason", "非土地事项", "--on", "2025-04-10")
    rows = rows_by_name(cli.ok("deposits", "settle", "--yes", "--year", "2025"))
    assert all(r["deducted"] == 0 and r["refund"] == 10000 for r in rows.values()) and len(rows) == 4
    kinds = [e[2] for e in entries(cli)]
    assert kinds.index("refund") > max(i for i, k in enumerate(kinds) if k == "reverse")
    assert cli.ok("deposits", "check")["ok"] is True


# ---------------------------------------------------------------------------------------------
# Refusals write nothing


def test_settling_twice_is_refused_and_writes_nothing(cli):
    staff(cli)
    city_case(cli, "2025-03-02")
    cli.ok("deposits", "settle", "--yes", "--year", "2025")
    before = cli.counts()
    again = cli("deposits", "settle", "--yes", "--year", "2025")
    assert again.code == 1 and "年度已于" in again.err
    assert cli.counts() == before


def test_a_settled_year_is_closed_to_payments_and_charge_corrections(cli):
    staff(cli)
    case = city_case(cli, "2025-03-02")
    cli.ok("deposits", "settle", "--yes", "--year", "2025")
    before = cli.counts()
    pay = cli("deposits", "pay", "--official", SEC, "--amount", "100", "--on", "2025-12-30", "--year", "2025")
    assert pay.code == 1 and "已结算" in pay.err
    lowered = cli("correct", case, "--level", "district", "--reason", "x")
    assert lowered.code == 1 and "已结算" in lowered.err
    assert cli.counts() == before
    cli.ok("correct", case, "--address", "车桥镇新村", "--reason", "地址补记")  # other fields stay correctable


@pytest.mark.parametrize("amount", ["-500", "0", "12.345", "abc", "1e3", "NaN", "Infinity"])
def test_bad_amounts_are_refused(cli, amount):
    staff(cli)
    before = cli.counts()
    res = cli("deposits", "pay", "--official", SEC, f"--amount={amount}", "--on", "2025-02-01")
    assert res.code == 1 and res.err.startswith("错误：--amount") and cli.counts() == before


def test_unknown_official_is_refused_with_the_nearest_names(cli):
    staff(cli)
    before = cli.counts()
    res = cli("deposits", "pay", "--official", "张书计", "--amount", "10000", "--on", "2025-02-01")
    assert res.code == 1 and "没有名为" in res.err and SEC in res.err
    assert cli("deposits", "statement", "--official", "李镇").code == 1
    assert cli.counts() == before


# ---------------------------------------------------------------------------------------------
# Balance assertions


def test_check_passes_and_names_the_difference_after_tampering(cli):
    staff(cli)
    case = city_case(cli, "2025-03-02")
    assert cli.ok("deposits", "check") == {"ok": True, "entries": 4, "officials": 2, "problems": []}

    conn = sqlite3.connect(cli.db)
    conn.execute("DROP TRIGGER deposit_entries_no_update")
    conn.execute("UPDATE deposit_entries SET amount_fen = 40000 WHERE kind = 'deduct' AND official = ? AND"
                 " case_number = ?", (SEC, case))
    conn.commit()
    conn.close()
    res = cli("deposits", "check", "--json")
    assert res.code == 1
    problems = res.json()["problems"]
    assert problems == [f"official {SEC}: expected 9500.00, found 9600.00, difference -100.00"]
    table = cli("deposits", "check")
    assert table.code == 1 and f"{SEC}：应为 9500.00，实为 9600.00，相差 -100.00" in table.err
    # the edited row and the dropped trigger are named by the audit, which checks every chain
    audit = cli("audit", "verify", "--json")
    assert audit.code == 1
    found = [p["message"] for p in audit.json()["problems"]]
    assert any(m.startswith("deposit_entries id ") and m.endswith("hash does not match its content") for m in found)
    assert any("deposit_entries_no_update is missing" in m for m in found)


# ---------------------------------------------------------------------------------------------
# The no-petition pool and the display


def test_townships_without_a_land_petition_share_the_pool(cli):
    cli.register(received="2025-03-02", township=TOWN)
    moved = cli.register(received="2025-03-02", township=OTHER)["case"]
    cli.ok("transfer", moved, "--to", "市自然资源局", "--reason", "非本区事项", "--on", "2025-03-05")
    cli.register(received="2024-12-31", township="席桥镇")  # another year
    doc = cli.ok("rewards", "--year", "2025")
    names = [t["township"] for t in doc["townships"]]
    roster = [t["township"] for t in cli.ok("townships")]
    assert TOWN not in names and OTHER in names and "席桥镇" in names
    assert len(names) == len(roster) - 1
    pool = POLICY.no_petition_pool_fen
    assert doc["pool"] * 100 == pool
    assert doc["share"] * 100 == pool // len(names) and round(doc["remainder"] * 100) == pool % len(names)
    assert doc["priority_land_supply"] == names and doc["provisional"] is False
    assert cli.ok("deposits", "rewards", "--year", "2025") == doc


def test_labels_are_chinese_by_default(cli):
    staff(cli)
    city_case(cli, "2025-03-02")
    zh = cli("deposits", "statement", "--year", "2025")
    assert zh.code == 0 and "已缴" in zh.out and "余额" in zh.out and "党委书记" in zh.out and "9,500.00" in zh.out
    en = cli("deposits", "statement", "--year", "2025", lang="en")
    assert "paid" in en.out and "party secretary" in en.out
    listing = cli("deposits", "entries", "--official", SEC)
    assert "缴纳" in listing.out and "扣缴" in listing.out
    assert "2025 年度保证金；2025 年度余额 10000.00 元" in listing.out and "扣缴；2025 年度余额 9500.00 元" in listing.out
    assert "balance" not in listing.out  # the notes the program wrote, worded for the reader
    assert "deposit 2025; balance 2025: 10000.00" in cli("deposits", "entries", "--official", SEC, lang="en").out
    assert "任职起" in cli("officials", "list").out


def test_a_transferred_case_gives_its_deductions_back_at_once(cli):
    staff(cli, pay_year=2026)
    case = city_case(cli, "2026-04-01")
    assert rows_by_name(cli.ok("deposits", "statement", "--year", "2026"))[SEC]["deducted"] == 500
    cli.ok("transfer", case, "--to", "市信访局", "--reason", "不属本区管辖", "--on", "2026-04-03")
    s = rows_by_name(cli.ok("deposits", "statement", "--year", "2026"))
    assert s[SEC]["deducted"] == 0 and s[HEAD]["balance"] == 10000


def test_a_year_is_settled_only_after_it_has_ended(cli):
    staff(cli, pay_year=2026)
    before = cli.counts()
    res = cli("deposits", "settle", "--yes", "--year", "2026")  # today is 2026-11-26
    assert res.code == 1 and "尚未结束" in res.err and cli.counts() == before
    assert cli("deposits", "settle", "--yes", "--year", "2026", today="2027-01-04").code == 0
