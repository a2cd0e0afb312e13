"""The 信访工作条例's protections, end to end through the command line: acceptance and its notice,
不予受理, the written opinion and the review window it opens, 不再受理 across case numbers, review by
the body one level up, extensions with their approver, and the unit's objection to an assignment."""

from __future__ import annotations

import sqlite3

ID = "11010519491231002X"


def clock(cli, case: str, name: str) -> dict | None:
    return next((c for c in cli.ok("show", case)["deadlines"] if c["clock"] == name), None)


def refused(cli, *args, today: str = "2026-11-26") -> str:
    counts = cli.counts()
    res = cli(*args, today=today)
    assert res.code == 1, res.out
    assert cli.counts() == counts, "a refused command writes nothing"
    return res.err


# -- item 3: 受理告知 is met by a recorded acceptance, not by assigning ---------------------------

def test_assigning_does_not_meet_the_notice_clock_and_acceptance_does(cli):
    case = cli.register(received="2026-11-02")["case"]
    cli.ok("assign", case, "--unit", "车桥镇", "--leader", "李四", "--on", "2026-11-03")
    assert clock(cli, case, "notice")["done_on"] is None
    assert clock(cli, case, "handling") is None, "handling runs from acceptance"
    overdue = cli.ok("overdue", "--on", "2026-11-20")
    assert ("notice", case) in {(r["clock"], r["case"]) for r in overdue}, "the unanswered notice is chased"
    accepted = cli.ok("accept", case, "--told", "sms", "--on", "2026-11-05")
    assert accepted["notice_met"] is True and accepted["status"] == "assigned"
    assert clock(cli, case, "notice") == {**clock(cli, case, "notice"), "done_on": "2026-11-05", "met": True}
    assert clock(cli, case, "handling")["start"] == "2026-11-05"
    assert "只记录一次" in refused(cli, "accept", case, "--told", "written")


def test_a_declined_case_meets_the_notice_and_counts_in_no_ranking_and_no_deposit(cli):
    cli.ok("officials", "add", "--township", "车桥镇", "--role", "secretary", "--name", "周明", "--from", "2026-01-01")
    case = cli.register(received="2026-11-02", level="city")["case"]
    before = {r["township"]: r for r in cli.ok("rank", "--month", "2026-11")["rows"]}["车桥镇"]
    assert before["cases"] == 1
    declined = cli.ok("decline", case, "--ground", "litigation", "--reason", "属于人民法院受理范围，已书面告知", "--on", "2026-11-10")
    assert declined == {**declined, "status": "declined", "notice_met": True}
    after = {r["township"]: r for r in cli.ok("rank", "--month", "2026-11")["rows"]}["车桥镇"]
    assert after["cases"] == 0 and after["score"] == 0
    statement = cli.ok("deposits", "statement", "--year", "2026")
    assert {r["official"]: r["deducted"] + r["shortfall"] for r in statement}["周明"] == 0
    assert "不予受理" in refused(cli, "assign", case, "--unit", "车桥镇", "--leader", "李四")


# -- item 2: the review window opens at the written opinion's receipt ------------------------------

def test_an_interim_reply_does_not_open_the_review_window_the_written_opinion_does(cli):
    case = cli.register(received="2026-03-02")["case"]
    cli.ok("accept", case, "--told", "written", "--on", "2026-03-02", today="2026-11-26")
    cli.ok("assign", case, "--unit", "车桥镇", "--leader", "李四", "--on", "2026-03-02")
    interim = cli.ok("reply", case, "--on", "2026-03-06", "--summary", "正在核查，先行告知")
    assert interim["review_window"] is None
    written = cli.ok("reply", case, "--on", "2026-04-20", "--summary", "书面处理意见", "--written",
                     "--received-on", "2026-04-22")
    assert written["review_window"] == {"opens": "2026-04-22", "closes": "2026-05-22"}
    asked = cli.ok("review", case, "--on", "2026-04-25", "--reason", "不服处理意见")
    assert asked["status"] == "review"


def test_a_review_before_the_written_opinion_is_received_is_refused_until_its_receipt(cli):
    case = cli.register(received="2026-03-02")["case"]
    cli.ok("accept", case, "--told", "written", "--on", "2026-03-02")
    cli.ok("assign", case, "--unit", "车桥镇", "--leader", "李四", "--on", "2026-03-02")
    cli.ok("reply", case, "--on", "2026-04-20", "--summary", "书面处理意见", "--written")
    assert "签收" in refused(cli, "review", case, "--on", "2026-04-25")
    cli.ok("reply", case, "--received-on", "2026-04-28")
    assert cli.ok("review", case, "--on", "2026-05-20")["window_end"] == "2026-05-28"


# -- item 4: 不再受理 binds across case numbers ---------------------------------------------------

def _final(cli) -> str:
    case = cli.register(received="2026-01-05", id_number=ID, level="city")["case"]
    cli.ok("accept", case, "--told", "written", "--on", "2026-01-05")
    cli.ok("assign", case, "--unit", "车桥镇", "--leader", "李四", "--on", "2026-01-05")
    cli.ok("resolve", case, "--on", "2026-01-20", "--outcome", "reject", "--summary", "不予支持")
    cli.ok("review", case, "--on", "2026-02-10")
    cli.ok("review", case, "--answer", "--on", "2026-03-01", "--summary", "维持")
    cli.ok("review", case, "--on", "2026-03-10")
    cli.ok("review", case, "--answer", "--on", "2026-04-01", "--summary", "复核维持")
    return case


def test_the_same_matter_after_re_review_is_not_accepted_again(cli):
    cli.ok("officials", "add", "--township", "车桥镇", "--role", "head", "--name", "吴镇长", "--from", "2026-01-01")
    final = _final(cli)
    res = cli("register", "--again", "--received", "2026-06-01", "--channel", "visit", "--township", "车桥镇", "--name", "张三",
              "--category", "compensation", "--summary", "再次反映补偿问题", "--id-number", ID, "--level", "city",
              "--json")
    assert res.code == 0, res.err
    doc = res.json()
    assert doc["final_case"] == final and doc["deadlines"] == []
    shown = cli.ok("show", doc["case"])
    assert shown["status"] == "not_reaccepted" and shown["deadlines"] == []
    june = {r["township"]: r for r in cli.ok("rank", "--month", "2026-06")["rows"]}["车桥镇"]
    assert june["cases"] == 0, "no ranking points"
    owed = {r["official"]: r["deducted"] + r["shortfall"] for r in cli.ok("deposits", "statement", "--year", "2026")}
    assert owed["吴镇长"] == 500, "only the first case deducts"
    plain = cli("register", "--again", "--received", "2026-06-01", "--channel", "visit", "--township", "车桥镇",
                "--name", "张三", "--category", "compensation", "--summary", "再次反映", "--id-number", ID)
    assert "不再受理" in plain.out and final in plain.out


def test_a_not_reaccepted_entry_is_no_incident_nor_admonishment_of_the_township(cli):
    """不再受理 scores and deducts nothing: a collective visit to the province on a final matter does
    not propose an admonishment (越级 + 集体) nor key management (a serious incident) either."""
    _final(cli)
    doc = cli.ok("register", "--again", "--received", "2026-06-01", "--channel", "visit", "--township", "车桥镇",
                 "--name", "张三", "--category", "compensation", "--summary", "八人到省反映补偿", "--id-number", ID,
                 "--level", "national", "--people", "8")
    assert doc["final_case"] is not None
    found = cli.ok("sanctions", "--month", "2026-06", today="2026-07-10")
    assert [r for r in found if r["township"] == "车桥镇" and r["sanction"] in ("admonishment", "key_management")] == []
    # the same visit on a new matter is both
    cli.ok("register", "--again", "--received", "2026-06-02", "--channel", "visit", "--township", "车桥镇",
           "--name", "张三", "--category", "ownership", "--summary", "八人到省反映权属", "--id-number", ID,
           "--level", "national", "--people", "8")
    kinds = {r["sanction"] for r in cli.ok("sanctions", "--month", "2026-06", today="2026-07-10")
             if r["township"] == "车桥镇"}
    assert {"admonishment", "key_management"} <= kinds


def test_a_correction_never_moves_a_case_across_not_reaccepted(cli):
    """Corrected onto a final matter, a case in hand would be handled against 条例 art. 36; corrected off
    it, a 不再受理 entry would be a new matter with no clock: both are refused, with the way out."""
    final = _final(cli)
    other = cli.register(received="2026-06-01", id_number=ID, category="ownership", level="city")["case"]
    entry = cli.ok("register", "--again", "--received", "2026-06-02", "--channel", "visit", "--township", "车桥镇",
                   "--name", "张三", "--category", "compensation", "--summary", "再次反映", "--id-number", ID)["case"]
    before = cli.counts()
    onto = cli("correct", other, "--category", "compensation", "--reason", "分类有误")
    assert onto.code == 1 and f"与已终结的 {final} 为同一事项" in onto.err and "xinfang void" in onto.err
    off = cli("correct", entry, "--category", "homestead", "--reason", "分类有误", lang="en")
    assert off.code == 1 and "no longer the final matter's" in off.err
    assert cli.counts() == before
    cli.ok("correct", entry, "--summary", "再次反映补偿问题", "--reason", "摘要补充")  # the matter unchanged
    assert cli.ok("show", entry)["status"] == "not_reaccepted"


def test_a_review_window_that_ends_on_a_provisional_day_makes_no_matter_final(cli, tmp_path):
    """A window ending in a year with no official holiday schedule may still move when it is loaded:
    a new letter on the matter is registered as a new case meanwhile, never turned away (不再受理) on
    a provisional deadline; once the year's schedule is loaded, the window has surely lapsed."""
    def register(received: str, today: str) -> dict:
        return cli.ok("register", "--again", "--received", received, "--channel", "visit", "--township", "车桥镇",
                      "--name", "张三", "--category", "compensation", "--summary", "补偿款", "--id-number", ID,
                      today=today)

    case = register("2026-12-01", "2026-12-18")["case"]
    cli.ok("accept", case, "--told", "written", "--on", "2026-12-02", today="2026-12-18")
    cli.ok("assign", case, "--unit", "车桥镇", "--leader", "李四", "--on", "2026-12-02", today="2026-12-18")
    cli.ok("reply", case, "--on", "2026-12-07", "--summary", "书面答复", "--written", "--received-on", "2026-12-18",
           today="2026-12-18")
    window = next(d for d in cli.ok("show", case, today="2026-12-18")["deadlines"] if d["clock"] == "review_request")
    assert window["provisional"] is True and window["due"] < "2027-01-19"
    early = register("2027-01-19", "2027-01-19")
    assert early["final_case"] is None and cli.ok("show", early["case"], today="2027-01-19")["status"] == "registered"
    year = tmp_path / "2027.toml"
    year.write_text('year = 2027\n[[holidays]]\nname = "春节"\ndays = ["2027-02-06", "2027-02-07", "2027-02-08"]\n',
                    encoding="utf-8")
    cli.ok("calendar", "load", str(year), today="2027-01-20")
    later = register("2027-01-25", "2027-01-25")
    assert later["final_case"] == case


def test_a_lapsed_review_window_makes_the_matter_final_too(cli):
    case = cli.register(received="2026-01-05", name="李花", address="车桥镇东村3组")["case"]
    cli.ok("accept", case, "--told", "written", "--on", "2026-01-05")
    cli.ok("assign", case, "--unit", "车桥镇", "--leader", "李四", "--on", "2026-01-05")
    cli.ok("resolve", case, "--on", "2026-01-20", "--outcome", "explain", "--summary", "解释说明")
    within = cli.register(received="2026-02-10", name="李花", address="车桥镇东村3组")
    assert within["final_case"] is None, "the window (to 02-24) is still open"
    after = cli.register(received="2026-03-02", name="李花", address="车桥镇东村3组")
    assert after["final_case"] == case


# -- item 5: the reviewing body, extensions, objections -------------------------------------------

def test_a_review_is_chased_against_the_reviewing_body(cli):
    case = cli.register(received="2026-09-01")["case"]
    cli.ok("accept", case, "--told", "written", "--on", "2026-09-01")
    cli.ok("assign", case, "--unit", "车桥镇", "--leader", "李四", "--on", "2026-09-01")
    cli.ok("resolve", case, "--on", "2026-09-15", "--outcome", "reject", "--summary", "不予支持")
    asked = cli.ok("review", case, "--on", "2026-10-01")
    assert asked["body"] == "区人民政府"
    rows = [r for r in cli.ok("overdue", "--on", "2026-11-20") if r["case"] == case]
    assert [(r["clock"], r["unit"]) for r in rows] == [("review", "区人民政府")]
    assert not [r for r in cli.ok("overdue", "--on", "2026-11-20", "--unit", "车桥镇") if r["case"] == case]


def test_an_extension_records_who_approved_it_and_when_the_petitioner_was_told(cli):
    case = cli.register(received="2026-09-01")["case"]
    cli.ok("accept", case, "--told", "written", "--on", "2026-09-01")
    cli.ok("assign", case, "--unit", "车桥镇", "--leader", "李四", "--on", "2026-09-01")
    extended = cli.ok("extend", case, "--days", "30", "--reason", "需现场勘测", "--on", "2026-10-20",
                      "--approved-by", "王局长", "--told-on", "2026-10-21")
    assert extended == {**extended, "approved_by": "王局长", "told_on": "2026-10-21"}
    conn = sqlite3.connect(cli.db)
    try:
        assert conn.execute("SELECT approved_by, told_on FROM clocks WHERE case_number = ? AND clock = 'handling'",
                            (case,)).fetchone() == ("王局长", "2026-10-21")
    finally:
        conn.close()
    history = cli.ok("show", case)["history"]
    assert any("王局长" in (e["note"] or "") and "2026-10-21" in (e["note"] or "") for e in history)


def test_the_unit_may_object_within_five_working_days_and_not_after(cli):
    case = cli.register(received="2026-11-02")["case"]
    cli.ok("accept", case, "--told", "written", "--on", "2026-11-02")
    cli.ok("assign", case, "--unit", "车桥镇", "--leader", "李四", "--on", "2026-11-02")
    assert clock(cli, case, "objection")["due"] == "2026-11-09"
    objected = cli.ok("object", case, "--reason", "不属本镇辖区", "--on", "2026-11-09")
    assert objected["status"] == "accepted"
    assert clock(cli, case, "reply")["done_on"] == "2026-11-09" and clock(cli, case, "reply")["met"] is None
    cli.ok("assign", case, "--unit", "席桥镇", "--leader", "王五", "--on", "2026-11-10")
    assert clock(cli, case, "reply")["start"] == "2026-11-10" and clock(cli, case, "reply")["done_on"] is None
    assert "已逾期" in refused(cli, "object", case, "--reason", "也不属本镇", "--on", "2026-11-18")
