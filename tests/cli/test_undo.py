"""Undo by new events: 作废 (void), corrections of every field, probable duplicates at registration."""

from __future__ import annotations

import sqlite3

from tests.conftest import CLI
from tests.cli.test_deposits import HEAD, SEC, entries, rows_by_name, staff


def history(cli, case: str) -> list[dict]:
    return cli.ok("show", case)["history"]


# --- void ----------------------------------------------------------------------------------------


def test_a_voided_case_leaves_ranking_deposits_overdue_and_sanctions_and_stays_in_the_history(cli):
    staff(cli, pay_year=2026)
    kept = cli.register(received="2026-08-03", level="city", name="李四")["case"]
    wrong = cli.register(received="2026-08-04", level="national", people=12)["case"]  # a serious incident
    cli.ok("assign", wrong, "--unit", "车桥镇", "--leader", "王镇长", "--on", "2026-08-05", today="2026-08-05")
    before = rows_by_name(cli.ok("deposits", "statement", "--year", "2026"))
    assert before[SEC]["deducted"] == 1000 and before[SEC]["cases"] == [kept, wrong]
    assert "key_management" in {s["sanction"] for s in cli.ok("sanctions", today="2026-08-10")}
    entries_before = entries(cli)

    done = cli.ok("void", wrong, "--reason", "误登记：为他区来信", "--yes", today="2026-08-10")
    assert done["status"] == "voided" and done["was"] == "assigned" and done["voided_on"] == "2026-08-10"

    after = rows_by_name(cli.ok("deposits", "statement", "--year", "2026"))
    for name in (SEC, HEAD):
        assert after[name]["deducted"] == 500 and after[name]["cases"] == [kept]
    # The deduction taken stays; a reversing entry follows it (the deposit ledger is append-only).
    assert entries(cli)[: len(entries_before)] == entries_before and len(entries(cli)) == len(entries_before) + 2
    month = cli.ok("rank", "--month", "2026-08", today="2026-09-02")
    town = next(r for r in month["rows"] if r["township"] == "车桥镇")
    assert town["cases"] == 1 and town["score"] == 2  # the city case only
    assert cli.ok("sanctions", today="2026-08-10") == []
    assert wrong not in cli("overdue", "--csv", today="2026-11-26").out
    assert cli.ok("cases", "--status", "voided")[0]["case"] == wrong
    steps = [e for e in history(cli, wrong) if e["action"] == "void"]
    assert {"field": "status", "old": "assigned", "new": "voided", "note": "误登记：为他区来信"}.items() <= steps[0].items()
    assert "已作废" in cli("show", wrong).out


def test_a_case_already_answered_cannot_be_voided_and_nothing_is_written(cli):
    case = cli.register(received="2026-11-02")["case"]
    cli.ok("assign", case, "--unit", "车桥镇", "--leader", "王镇长", "--on", "2026-11-03")
    cli.ok("resolve", case, "--outcome", "explain", "--summary", "已解释", "--on", "2026-11-05")
    before = cli.counts()
    res = cli("void", case, "--reason", "重复", "--yes")
    assert res.code == 1 and res.err.count("\n") == 1 and "correct" in res.err
    assert cli.counts() == before


def test_a_script_must_say_yes_to_void(cli):
    case = cli.register(received="2026-11-02")["case"]
    before = cli.counts()
    res = cli("void", case, "--reason", "重复")
    assert res.code == 1 and res.err.count("\n") == 1 and "--yes" in res.err
    assert cli.counts() == before


def test_voiding_the_first_case_of_a_matter_makes_the_next_one_its_initial_case(cli):
    person = "110101199003074514"
    first = cli.register(received="2026-03-02", id_number=person)["case"]
    second = cli.register(received="2026-09-14", id_number=person)["case"]
    assert cli.ok("show", second)["repeat_of"] == first
    done = cli.ok("void", first, "--reason", "录入错误", "--yes")
    assert done["relinked"] == [second]
    shown = cli.ok("show", second)
    assert shown["repeat_of"] is None and shown["initial"] is True


def test_a_voided_case_round_trips_through_export_and_import(cli, tmp_path, capsys):
    case = cli.register(received="2026-11-02")["case"]
    cli.ok("assign", case, "--unit", "车桥镇", "--leader", "王镇长", "--on", "2026-11-03")
    cli.ok("void", case, "--reason", "重复登记", "--on", "2026-11-04", "--yes")
    path = tmp_path / "cases.xlsx"
    assert cli("export", "--reveal", "-o", path).code == 0
    target = CLI(tmp_path / "other.db", capsys)
    assert target("init").code == 0
    assert target.ok("import", path)["imported"] == 1
    (back,) = target.ok("cases")
    assert back["status"] == "voided" and back["closed_on"] == "2026-11-04" and back["unit"] == "车桥镇"
    conn = sqlite3.connect(target.db)
    running = conn.execute("SELECT count(*) FROM clocks WHERE done_on IS NULL").fetchone()[0]
    conn.close()
    assert running == 0
    assert target.ok("audit", "verify")["ok"] is True


# --- probable duplicates at registration -------------------------------------------------------

SAME = {"received": "2026-11-02", "name": "王五", "township": "车桥镇", "category": "homestead", "again": False}


def register_args(**fields) -> list[str]:
    values = {"channel": "visit", "summary": "宅基地被占", **SAME, **fields}
    values.pop("again")
    return ["register", *[a for k, v in values.items() for a in ("--" + k.replace("_", "-"), str(v))]]


def test_typing_the_same_registration_four_times_makes_one_case(cli):
    first = cli.register(**SAME)["case"]
    before = cli.counts()
    for _ in range(3):
        res = cli(*register_args())
        assert res.code == 1 and res.err.count("\n") == 1 and "--again" in res.err and first in res.err
    assert cli.counts() == before
    again = cli.ok(*register_args(), "--again")
    assert again["case"] != first and again["duplicates"] == [first]


def test_the_same_id_number_within_the_window_is_a_probable_duplicate_and_a_voided_case_is_not(cli):
    person = "110101199003074514"
    first = cli.register(**{**SAME, "id_number": person})["case"]
    other_name = cli(*register_args(name="王武", id_number=person, received="2026-11-20"))
    assert other_name.code == 1 and first in other_name.err
    later = cli.ok(*register_args(received="2026-12-20"), today="2026-12-21")  # 48 days on: a new letter
    assert later["duplicates"] == []
    cli.ok("void", first, "--reason", "录入错误", "--yes")
    assert cli.ok(*register_args(id_number=person))["duplicates"] == []


# --- what cannot be undone is confirmed ----------------------------------------------------------


def test_a_script_must_say_yes_to_publish_settle_and_confirm(cli):
    cli.register(received="2026-08-03", level="national", people=12)
    proposed = [t["id"] for s in cli.ok("sanctions", today="2026-08-10") if s["status"] == "proposed"
                for t in s["triggers"]]
    assert proposed  # a national-level collective visit: key management, proposed
    before = cli.counts()
    for args, today in ((["rank", "--month", "2026-08", "--publish"], "2026-09-05"),
                        (["deposits", "settle", "--year", "2025"], "2026-01-10"),
                        (["sanctions", "confirm", proposed[0]], "2026-08-10"),
                        (["sanctions", "dismiss", proposed[0], "--reason", "不同意"], "2026-08-10")):
        res = cli(*args, today=today)
        assert res.code == 1 and res.err.count("\n") == 1 and "--yes" in res.err, res.err
        assert cli.counts() == before
    assert cli.ok("rank", "--month", "2026-08", "--publish", "--yes", today="2026-09-05")["published"] is True


# --- corrections of every field, by new events ---------------------------------------------------


def test_summary_reply_outcome_and_satisfaction_are_corrected_by_new_events(cli):
    case = cli.register(received="2026-11-02")["case"]
    cli.ok("assign", case, "--unit", "车桥镇", "--leader", "王镇长", "--on", "2026-11-03")
    cli.ok("reply", case, "--on", "2026-11-04", "--summary", "已告知")
    early = cli("correct", case, "--outcome", "support", "--reason", "结果录错")
    assert early.code == 1 and "--outcome" in early.err and "resolve" in early.err
    fixed = cli.ok("correct", case, "--summary", "征地补偿款少付两万元", "--reply", "已当面告知处理意见",
                   "--reason", "录入不全")
    assert fixed["changed"]["summary"][1] == "征地补偿款少付两万元"
    assert fixed["changed"]["reply"] == ["已告知", "已当面告知处理意见"]
    cli.ok("resolve", case, "--on", "2026-11-05", "--outcome", "reject", "--summary", "不支持")
    result = cli.ok("correct", case, "--outcome", "support", "--satisfaction", "满意", "--reason", "结果录错")
    assert result["changed"] == {"outcome": ["reject", "support"], "satisfaction": [None, "satisfied"]}
    shown = cli.ok("show", case)
    assert shown["outcome"] == "support" and shown["summary"] == "征地补偿款少付两万元"
    corrections = [(e["field"], e["old"], e["new"]) for e in shown["history"] if e["action"] == "correct"]
    assert ("reply", "已告知", "已当面告知处理意见") in corrections and ("outcome", "reject", "support") in corrections
    # the original reply stays in the history, and the corrected words are found
    assert any(e["action"] == "reply" and e["note"] == "已告知" for e in shown["history"])
    assert [c["case"] for c in cli.ok("cases", "--text", "当面告知")] == [case]
    assert cli.ok("audit", "verify")["ok"] is True


def test_a_corrected_received_date_counts_the_notice_clock_again(cli):
    case = cli.register(received="2026-11-02")["case"]
    assert cli.ok("show", case)["deadlines"][0]["due"] == "2026-11-17"
    cli.ok("correct", case, "--received", "2026-11-09", "--reason", "收信日期录错")
    (notice,) = cli.ok("show", case)["deadlines"]
    assert notice["clock"] == "notice" and notice["start"] == "2026-11-09" and notice["due"] == "2026-11-24"
    assert case in cli("overdue", "--csv", today="2026-11-26").out  # now late on the corrected count
    cli.ok("accept", case, "--told", "written", "--on", "2026-11-20")
    cli.ok("correct", case, "--received", "2026-11-03", "--reason", "再次核对：11月3日收信")
    (notice,) = [c for c in cli.ok("show", case)["deadlines"] if c["clock"] == "notice"]
    assert notice["due"] == "2026-11-18" and notice["met"] is False  # accepted 11-20: late against the true date
    late = cli("correct", case, "--received", "2026-11-21", "--reason", "x")
    assert late.code == 1 and "--received" in late.err
    assert cli.ok("audit", "verify")["ok"] is True


def test_a_general_matter_corrected_to_major_runs_the_major_clock_from_its_assignment(cli):
    case = cli.register(received="2026-11-02")["case"]
    cli.ok("assign", case, "--unit", "车桥镇", "--leader", "王镇长", "--on", "2026-11-03", today="2026-11-04")
    clocks = {c["clock"]: c for c in cli.ok("show", case, today="2026-11-04")["deadlines"]}
    assert clocks["reply"]["due"] == "2026-11-09" and "conclude" not in clocks
    cli.ok("correct", case, "--major", "--reason", "涉及多户，属重大事项", today="2026-11-05")
    clocks = {c["clock"]: c for c in cli.ok("show", case, today="2026-11-05")["deadlines"]}
    assert clocks["conclude"]["start"] == "2026-11-03" and clocks["conclude"]["due"] == "2026-11-23"
    assert clocks["reply"]["done_on"] == "2026-11-05" and clocks["reply"]["met"] is None  # stopped, not judged
    overdue = {o["clock"] for o in cli.ok("overdue", today="2026-11-20")}
    assert "reply" not in overdue  # the 5-day reply limit no longer applies
    cli.ok("correct", case, "--general", "--reason", "复核：一般事项", today="2026-11-06")
    clocks = {c["clock"]: c for c in cli.ok("show", case, today="2026-11-06")["deadlines"]}
    assert clocks["reply"]["done_on"] is None and clocks["reply"]["due"] == "2026-11-09"
    assert clocks["conclude"]["done_on"] == "2026-11-06"
    assert cli.ok("audit", "verify")["ok"] is True
