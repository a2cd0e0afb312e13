"""Monthly ranking, publication and sanctions, end to end through the command line."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xinfang.model import Case, Kind, Level, Status

ROW_KEYS = {"township", "score", "cases", "position", "bottom", "skip_level", "collective", "repeat",
            "prev_score", "prev_year_score", "change_prev", "change_last_year"}
SANCTION_KEYS = {"id", "township", "sanction", "trigger", "status", "effects", "start", "end", "months", "cases"}


def rank(cli, month: str, **kw) -> dict:
    return cli.ok("rank", "--month", month, **kw)


def row(doc: dict, township: str) -> dict:
    return next(r for r in doc["rows"] if r["township"] == township)


def bottom(doc: dict) -> list[str]:
    return [r["township"] for r in doc["rows"] if r["bottom"]]


def publish(cli, month: str, today: str) -> dict:
    return cli.ok("rank", "--month", month, "--publish", "--yes", today=today)


def sanctions(cli, *args, today: str) -> list[dict]:
    return cli.ok("sanctions", *args, today=today)


def by_trigger(listed: list[dict]) -> dict[str, dict]:
    """Each listed measure's triggers by their ids (what confirm, dismiss and lift take), each
    with its measure's township, kind and effects."""
    return {t["id"]: {**row, **t} for row in listed for t in row["triggers"]}


# --- the ranking --------------------------------------------------------------------------------


def test_rank_json_has_the_keys_of_cli_md_and_ranks_every_township_worst_first(cli):
    cli.register(received="2026-08-03", township="林集镇", level="city")  # 2
    cli.register(received="2026-08-04", township="车桥镇", level="national", people=8)  # 5 × 2
    cli.register(received="2026-08-05", township="车桥镇")  # 1
    cli.register(received="2026-07-30", township="马甸镇", level="province")  # another month
    doc = rank(cli, "2026-08")
    assert {"month", "published", "method", "rows"} <= set(doc)
    assert doc["month"] == "2026-08" and doc["published"] is False and doc["provisional"] is True
    assert doc["method"]["status"] == "provisional" and doc["method"]["month"] == "2026-08"
    assert doc["method"]["level_weights"] == {"district": 1, "city": 2, "province": 3, "national": 5}
    assert "得分" in doc["method"]["formula"] and "transferred" in doc["method"]["cases_counted"]
    assert all(set(r) >= ROW_KEYS for r in doc["rows"])
    assert len(doc["rows"]) == len(cli.ok("townships"))
    assert [(r["township"], r["score"], r["position"]) for r in doc["rows"][:3]] == [
        ("车桥镇", 11, 1), ("林集镇", 2, 2), ("淮城镇", 0, 3)]
    chexiao = row(doc, "车桥镇")
    assert (chexiao["cases"], chexiao["skip_level"], chexiao["collective"], chexiao["repeat"]) == (2, 1, 1, 0)
    assert bottom(doc) == ["车桥镇", "林集镇"]  # a zero score is never in the bottom group
    assert row(doc, "马甸镇")["score"] == 0


def test_rank_table_and_csv_state_the_method_and_the_language(cli):
    cli.register(received="2026-08-03", level="city")
    table = cli("rank", "--month", "2026年8月")
    assert table.code == 0 and "暂定" in table.out and "后十位" in table.out and "得分 = Σ" in table.out
    english = cli("rank", "--month", "2026-08", lang="en")
    assert "provisional" in english.out and "bottom group" in english.out
    csv = cli("rank", "--month", "2026-08", "--csv", lang="en").out.removeprefix("\ufeff").splitlines()
    assert csv[0].startswith("position,township,score,cases") and csv[0].endswith("month,status,method")
    assert csv[1].startswith("1,车桥镇,2,1,1,0,0,") and "provisional" in csv[1] and "score = Σ" in csv[1]


def test_a_transferred_case_counts_against_its_township_only_when_the_policy_says_so(cli, blank_cli, tmp_path):
    case = cli.register(received="2026-08-03", level="city")["case"]
    cli.ok("transfer", case, "--to", "区法院", "--reason", "属诉讼事项", "--on", "2026-08-05")
    assert row(rank(cli, "2026-08"), "车桥镇")["score"] == 0  # another body's matter, by default
    from xinfang.policy import default_rules_text

    rules = tmp_path / "rules.toml"
    rules.write_text(default_rules_text().replace('"not_reaccepted", "transferred", "voided"]',
                                                  '"not_reaccepted", "voided"]'), encoding="utf-8")
    blank_cli.db = tmp_path / "other.db"
    assert blank_cli("init", "--rules", str(rules)).code == 0
    case = blank_cli.register(received="2026-08-03", level="city")["case"]
    blank_cli.ok("transfer", case, "--to", "区法院", "--reason", "属诉讼事项", "--on", "2026-08-05")
    assert row(rank(blank_cli, "2026-08"), "车桥镇")["score"] == 2


def test_bottom_group_takes_every_tie_at_the_cut_line(blank_cli, tmp_path):
    from xinfang.policy import default_rules_text

    rules = tmp_path / "rules.toml"
    rules.write_text(default_rules_text().replace("bottom_size = 10", "bottom_size = 3"), encoding="utf-8")
    cli = blank_cli
    assert cli("init", "--rules", rules).code == 0
    cli.register(received="2026-08-03", township="泾口镇", level="province")  # 3
    cli.register(received="2026-08-03", township="林集镇", level="city")  # 2
    for township in ("马甸镇", "流均镇", "车桥镇"):  # 1 each, tied at the cut line
        cli.register(received="2026-08-04", township=township)
    doc = rank(cli, "2026-08")
    assert [(r["township"], r["position"]) for r in doc["rows"][:5]] == [
        ("泾口镇", 1), ("林集镇", 2), ("车桥镇", 3), ("流均镇", 3), ("马甸镇", 3)]  # ties keep roster order
    assert bottom(doc) == ["泾口镇", "林集镇", "车桥镇", "流均镇", "马甸镇"]
    assert doc["rows"][5]["position"] == 6 and not any(r["bottom"] for r in doc["rows"][5:])
    assert doc["method"]["bottom_size"] == 3


def test_change_against_the_previous_month_and_the_same_month_last_year(cli):
    cli.register(received="2025-08-12", level="city")  # 车桥镇 last year: 2
    cli.register(received="2026-07-20")  # previous month: 1
    cli.register(received="2026-08-03", level="province")  # this month: 3
    cli.register(received="2026-07-21", township="林集镇", level="national")  # 林集镇: 5 → 0
    doc = rank(cli, "2026-08")
    c = row(doc, "车桥镇")
    assert (c["score"], c["prev_score"], c["change_prev"], c["prev_year_score"], c["change_last_year"]) == (3, 1, 2, 2, 1)
    lj = row(doc, "林集镇")
    assert (lj["score"], lj["prev_score"], lj["change_prev"], lj["prev_year_score"]) == (0, 5, -5, 0)
    # Before the ledger's first case there is no record to compare with: None, not zero.
    earlier = rank(cli, "2026-07")
    assert row(earlier, "车桥镇")["prev_year_score"] is None and row(earlier, "车桥镇")["change_last_year"] is None
    assert row(earlier, "车桥镇")["prev_score"] == 0


def test_a_published_month_is_frozen_and_later_months_compare_with_it(cli):
    july = cli.register(received="2026-07-20", level="city")["case"]
    august = cli.register(received="2026-08-03", level="city")["case"]
    published = publish(cli, "2026-07", today="2026-08-05")
    assert published["published"] is True and published["published_on"] == "2026-08-05"
    assert published["method"]["status"] == "published"
    assert cli.ok("correct", july, "--level", "district", "--reason", "登记层级有误")["case"] == july
    cli.ok("correct", august, "--level", "district", "--reason", "登记层级有误")
    shown = rank(cli, "2026-07")
    assert shown["published"] is True and shown["provisional"] is False
    assert shown["rows"] == published["rows"] and row(shown, "车桥镇")["score"] == 2  # unchanged
    aug = rank(cli, "2026-08")
    assert row(aug, "车桥镇")["score"] == 1  # unpublished: follows the correction
    assert row(aug, "车桥镇")["prev_score"] == 2  # compared with the frozen July


def test_publishing_twice_is_refused_and_writes_nothing(cli):
    cli.register(received="2026-08-03")
    publish(cli, "2026-08", today="2026-09-03")
    before = cli.counts()
    again = cli("rank", "--month", "2026-08", "--publish", "--yes", today="2026-09-20")
    assert again.code == 1 and "排名已于 2026-09-03" in again.err and again.out == ""
    assert "Traceback" not in again.err and len(again.err.strip().splitlines()) == 1
    assert cli.counts() == before


@pytest.mark.parametrize("today", ["2026-08-31", "2026-08-01", "2026-07-15"])
def test_publishing_a_month_that_has_not_ended_is_refused(cli, today):
    cli.register(received="2026-07-03")
    before = cli.counts()
    res = cli("rank", "--month", "2026-08", "--publish", "--yes", today=today)
    assert res.code == 1 and "尚未结束" in res.err and "2026-09-01" in res.err
    assert cli.counts() == before


def test_publishing_records_an_event_the_audit_accepts(cli):
    cli.register(received="2026-08-03", level="city")
    before = cli.counts()
    publish(cli, "2026-08", today="2026-09-02")
    after = cli.counts()
    assert after["published_months"] == before["published_months"] + 1
    conn = sqlite3.connect(cli.db)
    try:
        month, method, who = conn.execute("SELECT month, method, who FROM published_months").fetchone()
        events = conn.execute("SELECT action, new, note FROM events WHERE action = 'publish'").fetchall()
    finally:
        conn.close()
    assert month == "2026-08" and json.loads(method)["published_on"] == "2026-09-02" and who == "tester"
    assert events == [("publish", "2026-08", "后10位 / bottom group: 车桥镇")]
    audit = cli("audit", "verify", "--json")
    if audit.code != 2:  # the audit command is part of this build
        assert audit.code == 0 and audit.json()["ok"] is True, audit.out


def test_bad_month_and_output_options_are_refused(cli):
    assert cli("rank", "--month", "2026-13").code == 1
    res = cli("rank", "--month", "2026-08", "--json", "--csv")
    assert res.code == 1 and "只能选一种输出格式" in res.err
    assert cli("rank").code == 2  # --month is required


# --- sanctions ----------------------------------------------------------------------------------


def _three_bad_months(cli) -> None:
    """车桥镇 in the bottom group in 2026-06, 07 and 08 (each month also has 林集镇 below it)."""
    for month in ("06", "07", "08"):
        cli.register(received=f"2026-{month}-10", township="车桥镇", level="city")
        cli.register(received=f"2026-{month}-11", township="林集镇")


def test_three_published_bottom_months_veto_the_township_at_the_land_desk(cli):
    _three_bad_months(cli)
    publish(cli, "2026-06", today="2026-07-05")
    publish(cli, "2026-07", today="2026-08-05")
    # August is ranked but not yet published: an unpublished month never counts.
    assert bottom(rank(cli, "2026-08", today="2026-09-02")) == ["车桥镇", "林集镇"]
    assert sanctions(cli, today="2026-09-02") == []
    check = cli.ok("sanctions", "check", "车桥镇", "--action", "land-approval", today="2026-09-02")
    assert check == {"allowed": True, "reasons": [], "township": "车桥镇", "action": "land-approval",
                     "on": "2026-09-02"}

    publish(cli, "2026-08", today="2026-09-05")
    listed = sanctions(cli, today="2026-09-10")
    assert all(set(s) >= SANCTION_KEYS for s in listed)
    by_id = by_trigger(listed)
    veto = by_id["veto:车桥镇:2026-08"]
    assert (veto["sanction"], veto["status"], veto["start"], veto["end"]) == ("veto", "in_force", "2026-09-05", "2026-12-31")
    assert veto["effects"] == ["award", "land-approval"] and veto["months"] == ["2026-06", "2026-07", "2026-08"]
    assert by_id["key_management:车桥镇:2026-08"]["status"] == "in_force"
    assert by_id["veto:林集镇:2026-08"]["township"] == "林集镇"

    res = cli("sanctions", "check", "车桥", "--action", "land-approval", "--json", today="2026-09-10")
    assert res.code == 0  # an answer, not an error
    answer = res.json()
    assert answer["allowed"] is False and answer["township"] == "车桥镇" and answer["on"] == "2026-09-10"
    assert any("2026-06、2026-07、2026-08" in r and "veto:车桥镇:2026-08" in r for r in answer["reasons"])
    assert cli.ok("sanctions", "check", "车桥镇", "--action", "award", today="2026-09-10")["allowed"] is False
    assert cli.ok("sanctions", "check", "车桥镇", "--action", "auction", today="2026-09-10")["allowed"] is True
    # The day before publication the veto did not yet bind.
    before = cli.ok("sanctions", "check", "车桥镇", "--action", "land-approval", "--on", "2026-09-04",
                    today="2026-09-10")
    assert before["allowed"] is True
    text = cli("sanctions", "check", "车桥镇", "--action", "用地审批", today="2026-09-10")
    assert text.code == 0 and "不得办理用地审批" in text.out and "一票否决" in text.out
    # The veto follows from publication: nobody confirms or dismisses it.
    counts = cli.counts()
    refused = cli("sanctions", "dismiss", "veto:车桥镇:2026-08", "--reason", "不同意", today="2026-09-10")
    assert refused.code == 1 and "依据已公布的排名产生" in refused.err
    assert cli("sanctions", "confirm", "--yes", "key_management:车桥镇:2026-08", today="2026-09-10").code == 1
    assert cli.counts() == counts


def test_sanction_triggers_and_reasons_are_worded_in_the_language_asked_for(cli):
    _three_bad_months(cli)
    for month, today in (("2026-06", "2026-07-05"), ("2026-07", "2026-08-05"), ("2026-08", "2026-09-05")):
        publish(cli, month, today)
    zh = by_trigger(cli.ok("sanctions", today="2026-09-10"))
    en = by_trigger(cli.ok("sanctions", today="2026-09-10", lang="en"))
    assert set(zh) == set(en)
    assert zh["veto:车桥镇:2026-08"]["trigger"] == (
        "连续3个月信访排名后10位（2026-06、2026-07、2026-08），2026-08排名于2026-09-05公布；"
        "取消2026年度评先评优资格并停止用地审批")
    assert en["veto:车桥镇:2026-08"]["trigger"] == (
        "in the bottom 10 of the petition ranking for 3 consecutive months (2026-06, 2026-07, 2026-08); "
        "the 2026-08 ranking was published on 2026-09-05; no year-end awards for 2026 and land-use approvals stopped")
    for key in zh:  # only the wording differs: Chinese in one, none in the other
        assert ({k: v for k, v in zh[key].items() if k not in ("trigger", "triggers")}
                == {k: v for k, v in en[key].items() if k not in ("trigger", "triggers")})
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh[key]["trigger"])
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in en[key]["trigger"].replace("车桥镇", "").replace("林集镇", ""))
    check = cli.ok("sanctions", "check", "车桥镇", "--action", "award", today="2026-09-10", lang="en")
    assert check["reasons"] == ["one-vote veto [veto:车桥镇:2026-08]: year-end award withdrawn from 2026-09-05 to"
                                " 2026-12-31 — " + en["veto:车桥镇:2026-08"]["trigger"]]
    text = cli("sanctions", "check", "车桥镇", "--action", "award", today="2026-09-10", lang="en")
    assert text.code == 0 and "may not get a year-end award" in text.out and "withdrawn from 2026-09-05" in text.out


def test_a_gap_in_published_months_breaks_the_run(cli):
    _three_bad_months(cli)
    publish(cli, "2026-06", today="2026-07-05")
    publish(cli, "2026-08", today="2026-09-05")
    assert sanctions(cli, today="2026-09-10") == []
    publish(cli, "2026-07", today="2026-09-12")  # the gap filled: three consecutive published months
    veto = by_trigger(sanctions(cli, today="2026-09-20"))["veto:车桥镇:2026-08"]
    assert veto["status"] == "in_force" and veto["months"] == ["2026-06", "2026-07", "2026-08"]


def test_sanctions_month_filter_and_table(cli):
    _three_bad_months(cli)
    for month, today in (("2026-06", "2026-07-05"), ("2026-07", "2026-08-05"), ("2026-08", "2026-09-05")):
        publish(cli, month, today)
    assert sanctions(cli, "--month", "2026-05", today="2026-09-10") == []
    assert set(by_trigger(sanctions(cli, "--month", "2026-09", today="2026-09-10"))) >= {"veto:车桥镇:2026-08"}
    table = cli("sanctions", today="2026-09-10")
    assert table.code == 0 and "一票否决" in table.out and "生效" in table.out and "用地审批" in table.out
    english = cli("sanctions", "--csv", today="2026-09-10", lang="en")
    assert english.out.removeprefix("\ufeff").splitlines()[0].startswith("id,township,sanction,status,start,end,effects,trigger")


def _two_overdue_cases(cli) -> list[str]:
    """Two 车桥镇 cases assigned in June and never concluded: open past the 60-day handling limit."""
    numbers = []
    for day in ("2026-06-01", "2026-06-02"):
        number = cli.register(received=day)["case"]
        cli.ok("accept", number, "--told", "written", "--on", day)
        cli.ok("assign", number, "--unit", "车桥镇", "--leader", "李四", "--on", day)
        numbers.append(number)
    return numbers


def test_confirm_and_dismiss_a_proposed_sanction(cli):
    numbers = _two_overdue_cases(cli)
    today = "2026-11-26"
    chronic = next(s for s in sanctions(cli, today=today) if s["sanction"] == "chronic")
    assert chronic["status"] == "proposed" and chronic["cases"] == numbers and chronic["effects"] == ["auction"]
    key = chronic["triggers"][0]["id"]
    assert chronic["id"] == "chronic:车桥镇" and len(chronic["triggers"]) == 1
    # Proposed: the auction is not stopped until a person confirms.
    assert cli.ok("sanctions", "check", "车桥镇", "--action", "auction")["allowed"] is True

    before = cli.counts()
    assert cli.ok("sanctions", "confirm", "--yes", key)["status"] == "confirmed"
    after = cli.counts()
    assert after["sanction_decisions"] == before["sanction_decisions"] + 1 and after["events"] > before["events"]
    listed = by_trigger(sanctions(cli, today=today))[key]
    assert listed["status"] == "confirmed"
    stopped = cli.ok("sanctions", "check", "车桥镇", "--action", "auction")
    assert stopped["allowed"] is False and key in stopped["reasons"][0]

    counts = cli.counts()
    twice = cli("sanctions", "confirm", "--yes", key)
    assert twice.code == 1 and "作出“已确认”决定" in twice.err
    no_reason = cli("sanctions", "dismiss", key)
    assert no_reason.code == 1 and "须写明理由" in no_reason.err
    blank_reason = cli("sanctions", "dismiss", key, "--reason", "  ")
    assert blank_reason.code == 1
    assert cli.counts() == counts

    # A confirmation cannot be undone, as its question says: the measure is ended by a lift from a
    # day on, and what it stopped before that day stays stopped.
    undone = cli("sanctions", "dismiss", key, "--reason", "两案已由区法院受理", today="2026-11-27")
    assert undone.code == 1 and "确认不可撤销" in undone.err and "sanctions lift" in undone.err
    assert cli.counts() == counts
    lifted = cli.ok("sanctions", "lift", key, "--reason", "两案已由区法院受理", today="2026-11-27")
    assert lifted["id"] == key and lifted["status"] == "lifted"
    assert cli.ok("sanctions", "check", "车桥镇", "--action", "auction", today="2026-11-27")["allowed"] is True
    assert cli.ok("sanctions", "check", "车桥镇", "--action", "auction", "--on", today,
                  today="2026-11-27")["allowed"] is False
    conn = sqlite3.connect(cli.db)
    try:
        history = conn.execute("SELECT action, field, old, new FROM events WHERE action LIKE 'sanction-%'"
                               " ORDER BY id").fetchall()
    finally:
        conn.close()
    assert [h[:2] for h in history] == [("sanction-confirm", key), ("sanction-lift", key)]


def test_a_dismissed_proposal_is_not_confirmed_later(cli):
    _two_overdue_cases(cli)
    chronic = next(s for s in sanctions(cli, today="2026-11-26") if s["sanction"] == "chronic")
    key = chronic["triggers"][0]["id"]
    asked = cli("sanctions", "dismiss", key, "--reason", "已由法院受理")  # final either way: asked, as confirm is
    assert asked.code == 1 and "--yes" in asked.err
    assert cli.ok("sanctions", "dismiss", key, "--reason", "已由法院受理", "--yes")["status"] == "dismissed"
    counts = cli.counts()
    res = cli("sanctions", "confirm", "--yes", key)
    assert res.code == 1 and "已由 tester 于 2026-11-26 驳回" in res.err and res.err.count("\n") == 1
    assert cli.counts() == counts
    assert cli.ok("sanctions", "check", "车桥镇", "--action", "auction")["allowed"] is True


def test_unknown_sanction_ids_and_townships_are_refused(cli):
    before = cli.counts()
    res = cli("sanctions", "confirm", "--yes", "chronic:车桥镇:2026-01-01")
    assert res.code == 1 and "没有制裁" in res.err and "xinfang sanctions" in res.err
    unknown = cli("sanctions", "check", "不存在镇", "--action", "auction")
    assert unknown.code == 1 and unknown.err.startswith("错误：乡镇: 未知乡镇 '不存在镇'")  # the argument as its help names it
    assert cli("--lang", "en", "sanctions", "check", "Nowhere", "--action", "auction").err.startswith(
        "Error: TOWNSHIP: unknown township 'Nowhere'")
    bad_action = cli("sanctions", "check", "车桥镇", "--action", "mining")
    assert bad_action.code == 1 and "--action" in bad_action.err
    assert cli.counts() == before


def test_a_serious_incident_proposes_key_management_for_a_person_to_confirm_then_lift(cli):
    number = cli.register(received="2026-08-03", level="national", people=12)["case"]
    listed = {s["sanction"]: s for s in sanctions(cli, today="2026-08-10")}
    assert listed["key_management"]["status"] == "proposed" and listed["key_management"]["cases"] == [number]
    assert listed["admonishment"]["status"] == "proposed"
    land = ("sanctions", "check", "车桥镇", "--action", "land-approval")
    assert cli.ok(*land, today="2026-08-10")["allowed"] is True  # proposed: not yet binding
    key = listed["key_management"]["triggers"][0]["id"]
    assert cli.ok("sanctions", "confirm", "--yes", key, today="2026-08-10")["status"] == "confirmed"
    assert cli.ok(*land, today="2026-08-10")["allowed"] is False
    # lifted by a recorded decision with a reason: binding no more from that day, listed as lifted
    counts = cli.counts()
    no_reason = cli("sanctions", "lift", key, today="2026-08-20")
    assert no_reason.code == 1 and "--reason" in no_reason.err and cli.counts() == counts
    lifted = cli.ok("sanctions", "lift", key, "--reason", "区政府已妥善化解", today="2026-08-20")
    assert lifted == {"id": key, "status": "lifted", "township": "车桥镇", "sanction": "key_management",
                      "on": "2026-08-20", "reason": "区政府已妥善化解"}
    assert cli.counts()["sanction_decisions"] == counts["sanction_decisions"] + 1
    assert cli.ok(*land, today="2026-08-20")["allowed"] is True
    assert cli.ok(*land, "--on", "2026-08-19", today="2026-08-20")["allowed"] is False
    row = {s["sanction"]: s for s in sanctions(cli, today="2026-08-20")}["key_management"]
    assert row["status"] == "lifted" and row["triggers"][0]["lift_reason"] == "区政府已妥善化解"
    assert "区政府已妥善化解" in row["trigger"]
    again = cli("sanctions", "lift", key, "--reason", "x", today="2026-08-21")
    assert again.code == 1 and "已于 2026-08-20 由 tester 解除" in again.err


def test_a_measure_in_force_from_the_ranking_can_be_lifted_but_not_dismissed(cli):
    _three_bad_months(cli)
    for month, today in (("2026-06", "2026-07-05"), ("2026-07", "2026-08-05"), ("2026-08", "2026-09-05")):
        publish(cli, month, today)
    assert cli.ok("sanctions", "check", "车桥镇", "--action", "award", today="2026-09-10")["allowed"] is False
    cli.ok("sanctions", "lift", "veto:车桥镇:2026-08", "--reason", "市局复核排名有误", today="2026-09-10")
    assert cli.ok("sanctions", "check", "车桥镇", "--action", "award", today="2026-09-10")["allowed"] is True
    # the key management of the same months is its own measure, still in force
    assert cli.ok("sanctions", "check", "车桥镇", "--action", "land-approval", today="2026-09-10")["allowed"] is False
    unknown = cli("sanctions", "lift", "veto:车桥镇", "--reason", "x", today="2026-09-10")
    assert unknown.code == 1 and "请给出其某一触发事项的编号" in unknown.err
    refused = cli("sanctions", "dismiss", "veto:车桥镇:2026-08", "--reason", "x", today="2026-09-10")
    assert refused.code == 1 and "sanctions lift" in refused.err


# --- the aggregate query agrees with the rules over case records ---------------------------------

LEVELS = list(Level)
MONTHS = ("2026-02", "2026-03")

case_rows = st.lists(
    st.tuples(
        st.sampled_from(MONTHS),
        st.integers(1, 28),
        st.sampled_from(["车桥镇", "林集镇", "马甸镇", "淮城镇", "漕运镇", "外区镇"]),  # 外区镇: off the roster
        st.sampled_from(LEVELS),
        st.integers(1, 12),
        st.booleans(),
        st.sampled_from([Status.registered, Status.closed, Status.transferred]),
        st.sampled_from(list(Kind)),
    ),
    max_size=60,
)
policies = st.fixed_dictionaries({
    "level_weights": st.fixed_dictionaries({lv: st.integers(0, 9) for lv in LEVELS}),
    "collective_people": st.integers(2, 8),
    "collective_multiplier": st.integers(1, 4),
    "repeat_extra": st.integers(0, 3),
    "skip_levels": st.frozensets(st.sampled_from(LEVELS)),
    "bottom_size": st.integers(1, 12),
    "per_10k_residents": st.booleans(),
    "uncounted_kinds": st.frozensets(st.sampled_from(list(Kind))),
    "uncounted_statuses": st.frozensets(st.sampled_from([Status.closed, Status.transferred])),
    "bottom_min_score": st.integers(0, 6),
})


@pytest.fixture
def ledger(cli):
    from xinfang.ledger.db import open_ledger

    led = open_ledger(cli.db, "tester")
    yield led
    led.conn.close()


def _insert(led, rows) -> list[Case]:
    cases = []
    for seq, (month, day, township, level, people, repeat, status, kind) in enumerate(rows, start=1):
        received = dt.date.fromisoformat(f"{month}-{day:02d}")
        number = f"2026-{seq:05d}"
        repeat_of = "2025-00001" if repeat else None
        led.conn.execute(
            "INSERT INTO cases (number, year, seq, received, month, channel, township, name, people, level, kind,"
            " category, major, summary, collective, skip_level, repeat_of, status)"
            " VALUES (?, 2026, ?, ?, ?, 'letter', ?, '张三', ?, ?, ?, 'other', 0, 'x', 0, 0, ?, ?)",
            (number, seq, received.isoformat(), month, township, people, level.value, kind.value, repeat_of,
             status.value),
        )
        cases.append(Case(number, received, township, level, people=people, kind=kind, repeat_of=repeat_of,
                          status=status))
    return cases


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=case_rows, overrides=policies)
def test_the_aggregate_query_ranks_exactly_as_the_rules_do_from_case_records(ledger, rows, overrides):
    from xinfang.ledger.ranking import compute_ranking, month_tallies
    from xinfang.rules.ranking import change, counted, rank_month, scores, tally_month

    policy = ledger.policy._replace(**overrides)
    ledger._policy = policy
    townships = ledger.ref.townships
    ledger.conn.execute("BEGIN")
    try:
        cases = _insert(ledger, rows)
        assert month_tallies(ledger, list(MONTHS)) == {m: tally_month(m, cases, policy) for m in MONTHS}
        doc = compute_ranking(ledger, "2026-03")
    finally:
        ledger.conn.execute("ROLLBACK")
    # A comparison month before the ledger's first case has no scores (None), not zeros.
    recorded = any(c.received < dt.date(2026, 3, 1) for c in cases)
    february = scores(rank_month("2026-02", cases, townships, policy)) if recorded else None
    expected = rank_month("2026-03", cases, townships, policy, previous=february)
    got = [(r["township"], r["score"], r["cases"], r["skip_level"], r["collective"], r["repeat"], r["position"],
            r["bottom"], r["prev_score"], r["change_prev"], r["prev_year_score"]) for r in doc["rows"]]
    assert got == [(r.township, r.score, r.cases, r.skip_level, r.collective, r.repeat, r.position, r.bottom,
                    r.prev_score, change(r.score, r.prev_score), None) for r in expected]
    assert doc["unranked_cases"] == sum(1 for c in cases if c.township == "外区镇" and c.received.month == 3
                                        and counted(c, policy))


def test_a_level_without_a_weight_is_refused_not_scored_as_zero(cli, ledger):
    from xinfang.errors import XinfangError
    from xinfang.ledger.ranking import month_tallies

    ledger._policy = ledger.policy._replace(level_weights={Level.district: 1, Level.city: 2})
    ledger.conn.execute("BEGIN")
    try:
        _insert(ledger, [("2026-03", 2, "车桥镇", Level.national, 1, False, Status.registered, Kind.grievance)])
        with pytest.raises(XinfangError, match="no ranking weight"):
            month_tallies(ledger, ["2026-03"])
    finally:
        ledger.conn.execute("ROLLBACK")


# --- the case tally the ranking reads ------------------------------------------------------------


def _tally_and_cases(db) -> tuple[list, list]:
    """The stored tally, and the same counts computed from the case rows."""
    conn = sqlite3.connect(db)
    try:
        stored = conn.execute("SELECT month, township, level, people, n, repeats FROM case_tally"
                              " ORDER BY month, township, level, people").fetchall()
        counted = conn.execute("SELECT month, township, level, people, COUNT(*), COUNT(repeat_of) FROM cases"
                               " GROUP BY month, township, level, people ORDER BY month, township, level, people"
                               ).fetchall()
    finally:
        conn.close()
    return stored, counted


def _assert_tally_holds(cli, months=("2026-09", "2026-10", "2026-11")) -> None:
    from xinfang.ledger.db import open_ledger
    from xinfang.ledger.ranking import month_tallies

    stored, counted = _tally_and_cases(cli.db)
    assert stored == counted
    led = open_ledger(cli.db, "tester")
    try:
        for collective_people in (2, 5, 7):  # the tally holds whatever the policy calls collective
            led._policy = led.policy._replace(collective_people=collective_people)
            assert month_tallies(led, list(months)) == month_tallies(led, list(months), source="cases")
    finally:
        led.conn.close()


def test_the_tally_follows_registers_corrections_and_imports(cli, tmp_path, capsys):
    from tests.cli.test_exchange import ledger, make_id, write_file

    cli.register(received="2026-11-02", township="车桥镇", level="city", people=6, id_number=make_id(1))
    cli.register(received="2026-11-03", township="车桥镇", id_number=make_id(1))  # a repeat of case 1
    cli.register(received="2026-11-04", township="林集镇", level="province")
    cli.register(received="2026-10-20", township="马甸镇", people=3)
    _assert_tally_holds(cli)
    assert cli.ok("show", "2026-2")["repeat_of"] == "2026-00001"

    cli.ok("correct", "2026-1", "--township", "林集镇", "--reason", "属地登记错误")
    _assert_tally_holds(cli)
    cli.ok("correct", "2026-3", "--level", "national", "--people", "9", "--reason", "登记有误")
    _assert_tally_holds(cli)
    cli.ok("correct", "2026-4", "--received", "2026-09-30", "--reason", "日期登记错误")  # into another month
    _assert_tally_holds(cli)
    cli.ok("correct", "2026-2", "--people", "2", "--level", "city", "--reason", "登记有误")
    _assert_tally_holds(cli)

    path = tmp_path / "rows.csv"
    write_file(path, [
        ["2026-10-01", "来信", "车桥镇", "张三", make_id(7), "1", "区", "征地补偿", "第一次"],
        ["2026-10-20", "来访", "车桥镇", "张三", make_id(7), "12", "市", "征地补偿", "第二次"],
        ["2026-11-05", "来访", "林集镇", "李四", make_id(8), "5", "省", "宅基地", "另一事项"],
    ])
    cli.ok("import", path, "--again")  # 张三 has cases in the ledger already: new letters all the same
    _assert_tally_holds(cli)
    stored, _ = _tally_and_cases(cli.db)
    assert sum(r[5] for r in stored if r[0] == "2026-10") == 1  # the import links its second row as a repeat
    assert cli.ok("audit", "verify")["ok"] is True

    # A whole ledger imported into an empty one (the import's bulk path).
    whole = tmp_path / "whole.csv"
    assert cli("export", "--reveal", "-o", whole).code == 0
    target = ledger(tmp_path, capsys, "new.db")
    target.ok("import", whole)
    _assert_tally_holds(target)
    assert _tally_and_cases(target.db)[0] == _tally_and_cases(cli.db)[0]


def test_the_ranking_reads_the_tally_not_the_cases(cli):
    cli.register(received="2026-08-03", township="林集镇", level="city")
    conn = sqlite3.connect(cli.db)
    try:
        conn.execute("UPDATE case_tally SET n = n + 4")  # a tally out of step shows in the ranking
        conn.commit()
    finally:
        conn.close()
    assert row(rank(cli, "2026-08"), "林集镇")["cases"] == 5


def test_a_month_that_has_not_begun_is_not_ranked(cli):
    res = cli("rank", "--month", "2026-12")
    assert res.code == 1 and "尚未开始" in res.err


def test_publishing_a_month_without_cases_says_that_no_township_is_in_the_bottom_group(cli):
    res = cli("rank", "--month", "2026-08", "--publish", "--yes", today="2026-09-02")
    assert res.code == 0, res.err
    assert res.out.splitlines()[0] == "已公布 2026-08 排名；后10位：无"
    assert res.err == ""
