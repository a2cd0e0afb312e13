"""检举控告 protection end to end (issue 13, item 1): an accusation never reaches the accused — the
accused unit, the accused person, the person's township, or a leader of it — through any command,
import or output, and outputs addressed to them or published district-wide count it only."""

from __future__ import annotations

import csv
import json
import re

import pytest

SECRETARY, HEAD, LEADER = "周明", "王芳", "李四"  # 车桥镇's 党委书记 and 乡镇长; a leader on a 车桥镇 case
WITHHELD = "检举控告类 1 件"


@pytest.fixture
def town(cli):
    """车桥镇 with its two officials (deposits paid) and a case of its led by 李四."""
    cli.ok("officials", "add", "--township", "车桥镇", "--role", "secretary", "--name", SECRETARY, "--from", "2026-01-01")
    cli.ok("officials", "add", "--township", "车桥镇", "--role", "head", "--name", HEAD, "--from", "2026-01-01")
    for name in (SECRETARY, HEAD):
        cli.ok("deposits", "pay", "--official", name, "--amount", "10000", "--on", "2026-01-15")
    ordinary = cli.register(name="甲")["case"]
    cli.ok("assign", ordinary, "--unit", "车桥镇", "--leader", LEADER, "--on", "2026-11-03")
    return cli


def accusation(cli, accused=SECRETARY, **fields) -> str:
    values = {"kind": "accusation", "accused": accused, "name": "乙", "summary": "书记违规处置集体土地", **fields}
    return cli.register(**values)["case"]


# -- resolution at registration --------------------------------------------------------------

@pytest.mark.parametrize("typed, stored, told", [
    (SECRETARY, SECRETARY, "被检举控告对象：周明（车桥镇干部）"),
    ("周\u200b明", SECRETARY, "被检举控告对象：周明（车桥镇干部）"),  # a zero-width space
    (LEADER, LEADER, "被检举控告对象：李四（车桥镇包案领导）"),
    ("车桥镇政府", "车桥镇", "被检举控告对象：车桥镇（单位）"),
    ("车桥镇人民政府", "车桥镇", "被检举控告对象：车桥镇（单位）"),
    ("车桥\u200b镇", "车桥镇", "被检举控告对象：车桥镇（单位）"),
    ("车桥　镇", "车桥镇", "被检举控告对象：车桥镇（单位）"),  # an ideographic (full-width) space
    ("车桥", "车桥镇", "被检举控告对象：车桥镇（单位）"),  # the roster's short name
    ("区国土局", "区国土局", "被检举控告对象：区国土局（单位）"),
])
def test_register_matches_the_accused_and_tells_the_clerk(town, typed, stored, told):
    res = town("register", "--received", "2026-11-02", "--channel", "letter", "--township", "车桥镇", "--name", "乙",
               "--category", "compensation", "--summary", "x", "--kind", "accusation", "--accused", typed, "--json")
    assert res.code == 0, res.err
    assert told in res.err
    case = json.loads(res.out)["case"]
    assert town.ok("show", case)["accused"] == stored


def test_an_unknown_person_is_recorded_and_the_clerk_told(town):
    res = town("register", "--received", "2026-11-02", "--channel", "letter", "--township", "车桥镇", "--name", "乙",
               "--category", "compensation", "--summary", "x", "--kind", "accusation", "--accused", "赵\u200b某",
               lang="en")
    assert res.code == 0 and "recorded as a person's name" in res.err and "赵某" in res.err


# -- handling: assign, leader, joint, transfer, correct ------------------------------------------

@pytest.mark.parametrize("options, field", [
    (["--unit", "车桥镇", "--leader", "钱七"], "--unit"),  # the accused person's township
    (["--unit", "车桥", "--leader", "钱七"], "--unit"),
    (["--unit", "区监察局", "--leader", SECRETARY], "--leader"),  # the accused
    (["--unit", "区监察局", "--leader", "周\u200b明"], "--leader"),
    (["--unit", "区监察局", "--leader", HEAD], "--leader"),  # the township's head
    (["--unit", "区监察局", "--leader", LEADER], "--leader"),  # a leader recorded on the township's cases
    (["--unit", "区监察局", "--leader", "钱七", "--joint", "车桥镇"], "--joint"),
])
def test_an_accusation_against_a_person_is_never_assigned_to_their_township_or_its_leaders(town, options, field):
    case = accusation(town, major=True)
    before = town.counts()
    res = town("assign", case, *options)
    assert res.code == 1 and res.err.startswith(f"错误：{field}") and ("accused" in res.err or "被检举控告" in res.err)
    assert town.counts() == before
    assert town("assign", case, "--unit", "区监察局", "--leader", "钱七").code == 0


def test_an_accusation_against_a_township_is_never_led_by_its_officials(town):
    case = accusation(town, accused="车桥镇")
    for leader in (SECRETARY, HEAD, LEADER):
        res = town("assign", case, "--unit", "区国土局", "--leader", leader)
        assert res.code == 1 and res.err.startswith("错误：--leader"), leader


@pytest.mark.parametrize("accused, to", [(SECRETARY, "车桥镇"), ("车桥镇政府", "车桥镇"), ("车桥镇", "车桥镇人民政府"),
                                         # a unit by the short name a clerk writes it with
                                         ("车桥镇", "车桥"), (SECRETARY, "车桥"), ("区国土局", "国土局"),
                                         ("车桥镇", "车桥乡"), ("车桥镇", "车桥街道")])
def test_an_accusation_is_never_transferred_to_the_accused(town, accused, to):
    case = accusation(town, accused=accused)
    before = town.counts()
    res = town("transfer", case, "--to", to, "--reason", "属地处理")
    assert res.code == 1 and res.err.startswith("错误：--to") and town.counts() == before


@pytest.mark.parametrize("accused", ["区国土局", SECRETARY])
def test_an_accusation_is_never_reviewed_by_the_accused(town, accused):
    """复查 goes to the body one level up: never to the body an accusation names (nor, for a person,
    their township), whether the clerk names it or the policy's default would."""
    body = "区国土局" if accused == "区国土局" else "车桥镇"
    case = accusation(town, accused=accused, received="2026-09-01")
    town.ok("accept", case, "--told", "written", "--on", "2026-09-01")
    town.ok("assign", case, "--unit", "区监察局", "--leader", "钱七", "--on", "2026-09-01")
    town.ok("reply", case, "--on", "2026-09-10", "--summary", "已书面答复", "--written", "--received-on", "2026-09-10")
    before = town.counts()
    short = "国土局" if accused == "区国土局" else "车桥"  # as a clerk may write it
    for lang, words in (("zh", "决不能由被检举控告的"), ("en", "can never be made by")):
        for named in (body, short):
            res = town("review", case, "--on", "2026-09-20", "--reason", "不服", "--body", named, lang=lang)
            assert res.code == 1 and "--body" in res.err and words in res.err and "Traceback" not in res.err
    assert town.counts() == before
    assert town.ok("review", case, "--on", "2026-09-20", "--reason", "不服", "--body", "区人民政府")["status"] == "review"


def _under_review(town, body: str = "区人民政府") -> str:
    """A grievance of 车桥镇, answered in writing and under review by ``body``."""
    case = town.register(name="丙", received="2026-09-01")["case"]
    town.ok("accept", case, "--told", "written", "--on", "2026-09-01")
    town.ok("assign", case, "--unit", "区监察局", "--leader", "钱七", "--on", "2026-09-01")
    town.ok("reply", case, "--on", "2026-09-10", "--summary", "已书面答复", "--written", "--received-on", "2026-09-10")
    town.ok("review", case, "--on", "2026-09-20", "--reason", "不服", "--body", body)
    return case


def test_correct_refuses_to_make_an_accusation_against_the_body_reviewing_it(town):
    case = _under_review(town, "区国土局")
    before = town.counts()
    res = town("correct", case, "--kind", "accusation", "--accused", "区国土局", "--reason", "实为检举")
    assert res.code == 1 and res.err.startswith("错误：--accused") and town.counts() == before


def test_import_never_gives_an_accusations_review_to_the_accused(town, tmp_path, capsys):
    from tests.conftest import CLI

    case = _under_review(town)
    exported = tmp_path / "out.csv"
    assert town("export", "--format", "csv", "-o", str(exported)).code == 0
    with open(exported, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    head, row = rows[0], next(r for r in rows[1:] if r[0] == case)
    for column, value in (("类别", "检举控告类"), ("被控告单位", "区国土局"), ("复查复核机关", "区国土局"), ("身份证号", "")):
        row[head.index(column)] = value
    path = tmp_path / "in.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([head, row])
    other = CLI(tmp_path / "other.db", capsys)
    assert other("init").code == 0
    before = other.counts()
    res = other("import", path)
    assert res.code == 1 and other.counts() == before
    assert "复查复核机关" in res.err and "决不能由被检举控告人办理" in res.err, res.err
    row[head.index("复查复核机关")] = "区人民政府"
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([head, row])
    assert other("import", path).code == 0


def test_correct_refuses_to_name_an_accused_who_already_handles_the_case(town):
    case = town.register(name="丙")["case"]
    town.ok("assign", case, "--unit", "车桥镇", "--leader", "钱七")
    before = town.counts()
    res = town("correct", case, "--kind", "accusation", "--accused", SECRETARY, "--reason", "实为检举")
    assert res.code == 1 and res.err.startswith("错误：--accused") and town.counts() == before


# -- import ------------------------------------------------------------------------------------

def test_import_never_assigns_or_transfers_an_accusation_to_the_accused(town, tmp_path):
    path = tmp_path / "in.csv"
    head = ["登记日期", "形式", "属地", "信访人", "内容分类", "摘要", "类别", "被控告单位", "状态", "责任单位", "包案领导",
            "交办日期", "办结日期"]
    base = ["2026-10-01", "来信", "车桥镇", "甲", "征地补偿", "x", "检举控告类"]
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(head)
        w.writerow(base + [SECRETARY, "交办", "车桥镇", "钱七", "2026-10-02", ""])  # to the person's township
        w.writerow(base + [SECRETARY, "转送", "车桥镇", "", "", "2026-10-03"])  # transferred to it
        w.writerow(base + ["车桥镇政府", "交办", "区国土局", HEAD, "2026-10-02", ""])  # led by its head
        w.writerow(base + ["车桥镇", "转送", "车桥镇", "", "", "2026-10-03"])  # transferred to the accused
        w.writerow(base + ["车桥镇", "转送", "车桥", "", "", "2026-10-03"])  # to it by its short name
        w.writerow(base + [SECRETARY, "交办", "区监察局", "钱七", "2026-10-02", ""])  # good
    before = town.counts()
    res = town("import", path)
    assert res.code == 1 and town.counts() == before
    listed = [line for line in res.err.splitlines() if line.startswith("第")]
    assert [line.split(" ")[1] for line in listed] == ["2", "3", "4", "5", "6"]
    assert all("决不能由被检举控告人办理" in line for line in listed), listed
    # each names the column that named the accused: the unit, the unit, the leader, the unit
    assert [line.split("：")[1] for line in listed] == ["责任单位", "责任单位", "包案领导", "责任单位", "责任单位"], listed


# -- an accused, or a handler, written with a title or an office ----------------------------------

@pytest.mark.parametrize("accused", [f"车桥镇党委书记{SECRETARY}", f"{SECRETARY}书记", f"车桥镇书记{SECRETARY}"])
def test_an_accused_written_with_a_title_protects_the_person_and_the_township(town, accused):
    res = town("register", "--received", "2026-11-02", "--channel", "letter", "--township", "博里镇", "--name", "乙",
               "--category", "compensation", "--summary", "x", "--kind", "accusation", "--accused", accused, "--json")
    assert res.code == 0 and f"其中写到" in res.err and SECRETARY in res.err.split("其中写到")[1]
    assert "仅对此姓名回避" not in res.err  # no longer told that only the text as written is protected
    case = json.loads(res.out)["case"]
    before = town.counts()
    for options, field in ((["--unit", "车桥镇", "--leader", "钱七"], "--unit"),
                           (["--unit", "区监察局", "--leader", SECRETARY], "--leader"),
                           (["--unit", "区监察局", "--leader", HEAD], "--leader")):
        refused = town("assign", case, *options)
        assert refused.code == 1 and refused.err.startswith(f"错误：{field}"), (options, refused.err)
    assert town.counts() == before
    town.ok("assign", case, "--unit", "区监察局", "--leader", "钱七")
    assert case not in {r["case"] for r in town.ok("cases", "--township", "车桥镇")}
    assert case not in {r["case"] for r in town.ok("cases", "--unit", "车桥镇")}


def test_a_body_one_level_up_with_the_same_kind_of_name_is_not_the_accused(town):
    """An accusation against 区国土局 goes to 市国土局 (the department one level up): the short name
    国土局 is the district's own, not a part of every land bureau's name."""
    case = accusation(town, accused="区国土局")
    assert town("transfer", case, "--to", "国土局", "--reason", "转送").code == 1
    done = town("transfer", case, "--to", "市国土局", "--reason", "转上级")
    assert done.code == 0 and "已转送 市国土局" in done.out + done.err


@pytest.mark.parametrize("leader", [f"{SECRETARY}同志", f"{SECRETARY}（书记）", f"车桥镇{SECRETARY}"])
def test_a_leader_written_with_a_title_is_still_the_accused(town, leader):
    case = accusation(town)
    before = town.counts()
    res = town("assign", case, "--unit", "区监察局", "--leader", leader)
    assert res.code == 1 and res.err.startswith("错误：--leader") and town.counts() == before


@pytest.mark.parametrize("to", ["车桥镇党委", "中共车桥镇委员会", "车桥镇纪委", "车桥镇政府办公室"])
def test_an_accusation_is_never_transferred_to_an_office_of_the_accused_township(town, to):
    case = accusation(town, accused="车桥镇")
    before = town.counts()
    res = town("transfer", case, "--to", to, "--reason", "属地处理")
    assert res.code == 1 and res.err.startswith("错误：--to") and town.counts() == before
    assert town.ok("transfer", case, "--to", "区纪委", "--reason", "转纪检")["status"] == "transferred"


def test_an_accusation_is_never_reviewed_by_an_office_of_the_accused_township(town):
    case = accusation(town, accused="车桥镇", received="2026-09-01")
    town.ok("accept", case, "--told", "written", "--on", "2026-09-01")
    town.ok("assign", case, "--unit", "区监察局", "--leader", "钱七", "--on", "2026-09-01")
    town.ok("reply", case, "--on", "2026-09-10", "--summary", "已书面答复", "--written", "--received-on", "2026-09-10")
    before = town.counts()
    res = town("review", case, "--on", "2026-09-20", "--reason", "不服", "--body", "车桥镇纪委")
    assert res.code == 1 and "--body" in res.err and town.counts() == before


def test_the_clerk_is_told_when_an_assigned_accusation_passes_into_the_accuseds_hands(town):
    """An accusation against 周七, assigned to 泾口镇: when 周七 becomes 泾口镇's secretary, the case
    is the accused's township's, and the clerk is told to assign it again; and when a leader of an
    accusation against 苏嘴镇 is assigned a case of 苏嘴镇, that leader is now one of its own."""
    case = accusation(town, accused="周七")
    town.ok("assign", case, "--unit", "泾口镇", "--leader", "马国明")
    res = town("officials", "add", "--township", "泾口镇", "--role", "secretary", "--name", "周七", "--from",
               "2026-11-10")
    assert res.code == 0 and f"检举控告 {case} 现由被检举控告人" in res.err
    assert case not in {r["case"] for r in town.ok("cases", "--unit", "泾口镇")}
    moved = town("assign", case, "--unit", "区监察局", "--leader", "钱七")
    assert moved.code == 0 and "现由被检举控告人" not in moved.err  # reassigned: nothing more to tell
    against = accusation(town, accused="苏嘴镇")
    town.ok("assign", against, "--unit", "区监察局", "--leader", "吴十")
    ordinary = town.register(name="庚", township="苏嘴镇")["case"]
    res = town("assign", ordinary, "--unit", "苏嘴镇", "--leader", "吴十", lang="en")
    assert res.code == 0 and f"accusation(s) {against} are now handled by the accused" in res.err
    quiet = town("assign", town.register(name="辛")["case"], "--unit", "车桥镇", "--leader", "赵九")
    assert quiet.code == 0 and quiet.err == ""


def test_a_name_that_only_begins_like_a_protected_one_is_another_person(town):
    """李四 leads 车桥镇's cases: an accusation against 车桥镇 is never led by 李四 (nor 李四同志), but
    李四平 is someone else; and an accusation against an unknown 李四平 is nothing of 李四's."""
    against_town = accusation(town, accused="车桥镇")
    assert town("assign", against_town, "--unit", "区监察局", "--leader", f"{LEADER}同志").code == 1
    assert town("assign", against_town, "--unit", "区监察局", "--leader", f"{LEADER}平").code == 0
    other = accusation(town, accused="张三丰")  # no one the ledger knows
    town.ok("assign", other, "--unit", "区国土局", "--leader", "钱七")
    ordinary = town.register(name="壬")["case"]
    res = town("assign", ordinary, "--unit", "区国土局", "--leader", "张三")  # 张三 is not 张三丰
    assert res.code == 0 and "现由被检举控告人" not in res.err
    assert other in {r["case"] for r in town.ok("cases", "--unit", "区国土局")}


@pytest.mark.parametrize("accused", ["王复兴", "张志强"])
def test_an_accused_persons_name_is_not_read_for_a_townships_or_a_leaders(town, accused):
    """王复兴 holds 复兴 (复兴镇's short name) and 张志强 a leader's 张志: neither is named by it."""
    town.register(name="癸", township="复兴镇")
    case_of_fuxing = town.register(name="子", township="复兴镇")["case"]
    town.ok("assign", case_of_fuxing, "--unit", "复兴镇", "--leader", "张志")
    case = accusation(town, accused=accused)
    res = town("assign", case, "--unit", "复兴镇", "--leader", "钱七")
    assert res.code == 0, res.err


# -- outputs addressed to the accused's township ------------------------------------------------

def test_listings_exports_and_overdue_for_the_township_never_show_it(town):
    case = accusation(town, received="2026-10-01")
    town.ok("assign", case, "--unit", "区监察局", "--leader", "钱七", "--on", "2026-10-02")
    ordinary = town.ok("cases", "--township", "车桥镇")
    assert case not in {r["case"] for r in ordinary} and len(ordinary) == 1
    assert case in {r["case"] for r in town.ok("cases")}
    exported = json.loads(town("export", "--township", "车桥镇", "--format", "json").out)
    assert [r["name"] for r in exported] == ["甲"]
    assert case not in town("overdue", "--township", "车桥镇", "--csv").out
    assert case in town("overdue", "--unit", "区监察局", "--csv").out


def test_a_form_is_never_made_for_the_accused_persons_township(town, tmp_path):
    case = accusation(town, major=True)
    town.ok("assign", case, "--unit", "区监察局", "--leader", "钱七", "--joint", "区国土局")
    out = tmp_path / "f.html"
    res = town("form", case, "--for", "车桥镇", "-o", out)
    assert res.code == 1 and "检举控告" in res.err and not out.exists()
    assert town("form", case, "-o", out).code == 0
    recipients = re.search(r'<p class="recipients">(.*?)</p>', out.read_text(encoding="utf-8")).group(1)
    assert "车桥镇" not in recipients


# -- deposits: the statement and the bulletin count an accusation, never number it ---------------

def test_deposits_statement_of_the_accused_counts_the_accusation(town):
    ordinary = town.register(name="丁", level="city")["case"]
    case = accusation(town, level="city")
    rows = {r["official"]: r for r in town.ok("deposits", "statement", "--year", "2026")}
    mine = rows[SECRETARY]
    assert mine["deducted"] == 1000 and mine["cases"] == [ordinary] and mine["withheld"] == 1
    table = town("deposits", "statement", "--year", "2026", "--csv").out
    assert case not in table and WITHHELD in table


@pytest.mark.parametrize("fmt", ["md", "html", "xlsx"])
def test_the_bulletin_never_numbers_an_accusation(town, tmp_path, fmt):
    ordinary = town.register(name="丁", level="city")["case"]
    case = accusation(town, level="city")
    out = tmp_path / f"b.{fmt}"
    res = town("report", "--month", "2026-11", "--format", fmt, "-o", out, today="2026-12-05")
    assert res.code == 0, res.err
    if fmt == "xlsx":
        from openpyxl import load_workbook

        book = load_workbook(out)
        text = "\n".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row
                         if c.value is not None)
    else:
        text = out.read_text(encoding="utf-8")
    assert ordinary in text and case not in text and WITHHELD in text
    assert "书记违规处置集体土地" not in text and "乙" not in text


def test_accusation_deducts_is_a_policy_value(tmp_path, capsys):
    from tests.conftest import CLI

    rules = (tmp_path / "rules.toml")
    from xinfang.policy import default_rules_text

    rules.write_text(default_rules_text().replace("accusation_deducts = true", "accusation_deducts = false"),
                     encoding="utf-8")
    cli = CLI(tmp_path / "l.db", capsys)
    assert cli("init", "--rules", rules).code == 0
    cli.ok("officials", "add", "--township", "车桥镇", "--role", "secretary", "--name", SECRETARY, "--from", "2026-01-01")
    cli.ok("deposits", "pay", "--official", SECRETARY, "--amount", "10000", "--on", "2026-01-15")
    accusation(cli, level="city")
    ordinary = cli.register(name="丁", level="city")["case"]
    row = cli.ok("deposits", "statement", "--official", SECRETARY)[0]
    assert row["deducted"] == 500 and row["cases"] == [ordinary] and row["withheld"] == 0


# -- the SQL twin ------------------------------------------------------------------------------

def test_the_sql_twin_answers_as_the_rule(town):
    from xinfang.ledger.db import open_ledger
    from xinfang.ledger.protection import hidden_from, shown_to_sql

    for accused in (SECRETARY, "车桥镇政府", "区国土局", LEADER, "赵某"):
        accusation(town, accused=accused)
    ledger = open_ledger(town.db, "tester")
    names = ["车桥镇", "车桥", "区国土局", "区监察局", SECRETARY, HEAD, LEADER, "钱七", "席桥镇", "赵某"]
    for name in names:
        shown = {r["number"] for r in ledger.rows(f"SELECT number FROM cases WHERE {shown_to_sql(ledger)}", (name,))}
        rule = {r["number"] for r in ledger.rows("SELECT number, accused FROM cases")
                if not hidden_from(ledger, r["accused"], name)}
        assert shown == rule, name
    assert not hidden_from(ledger, SECRETARY, "席桥镇") and hidden_from(ledger, SECRETARY, "车桥镇人民政府")


def test_the_sql_twin_of_the_earlier_case_link_answers_as_the_rule(town):
    """``link_shown_sql`` (the streamed export) leaves the same 前案 links empty as
    ``withhold_links`` (listings, forms), for every name an output may be addressed to."""
    from xinfang.ledger.db import open_ledger
    from xinfang.ledger.protection import link_shown_sql, withhold_links

    petitioner = "11010519491231002X"
    for i, accused in enumerate((SECRETARY, "区国土局", None, "赵某")):
        category = ("compensation", "homestead", "ownership", "other")[i]
        accusation(town, accused=accused, id_number=petitioner, category=category, received="2026-10-02")
        town.register(name="乙", id_number=petitioner, category=category, received="2026-10-20")
    ledger = open_ledger(town.db, "tester")
    rows = ledger.rows("SELECT number, repeat_of FROM cases ORDER BY number")
    assert sum(r["repeat_of"] is not None for r in rows) == 4
    for name in ("车桥镇", "区国土局", SECRETARY, "赵某", "席桥镇", "区监察局"):
        sql = ledger.rows(f"SELECT number, {link_shown_sql(ledger)} AS repeat_of FROM cases ORDER BY number", (name,))
        assert sql == withhold_links(ledger, rows, name), name
    assert withhold_links(ledger, rows, "席桥镇") == rows  # an accusation naming no one there is theirs to see


# -- sanctions: published district-wide, counts only ------------------------------------------

def test_sanctions_never_number_an_accusation(town):
    ordinary = town.register(name="丁", received="2026-08-03")["case"]
    case = accusation(town, received="2026-08-03")
    for number in (ordinary, case):  # accepted: the handling clocks whose overdue makes a chronic township
        town.ok("accept", number, "--told", "written", "--on", "2026-08-04")
    town.ok("assign", ordinary, "--unit", "车桥镇", "--leader", "孙八", "--on", "2026-08-04")
    town.ok("assign", case, "--unit", "区监察局", "--leader", "钱七", "--on", "2026-08-04")
    rows = [r for r in town.ok("sanctions") if r["sanction"] == "chronic"]
    assert rows and all(case not in json.dumps(r, ensure_ascii=False) for r in rows)
    assert ordinary in rows[0]["cases"] and WITHHELD in rows[0]["trigger"]
    listing = town("sanctions", "--csv").out
    assert case not in listing and WITHHELD in listing


def test_a_repeat_of_an_accusation_does_not_number_the_accusation(town):
    """An admonishment of a skip-level repeat is listed district-wide: it says 重复访 and names no
    earlier case, for "the earlier case is an accusation" would tell the accused township that
    this petitioner is the one who accused it."""
    petitioner = "11010519491231002X"
    earlier = accusation(town, id_number=petitioner, received="2026-11-02")
    repeat = town.register(name="乙", id_number=petitioner, level="city", received="2026-11-20")["case"]
    assert town.ok("show", repeat)["repeat_of"] == earlier
    rows = [r for r in town.ok("sanctions", "--month", "2026-11") if r["sanction"] == "admonishment"]
    published = json.dumps(rows, ensure_ascii=False)
    assert repeat in published and "重复访" in published
    assert earlier not in published and WITHHELD not in published and "检举控告" not in published
    for lang in ("zh", "en"):
        listing = town("sanctions", "--month", "2026-11", lang=lang).out + town("sanctions", "--csv", lang=lang).out
        assert repeat in listing and earlier not in listing and "检举控告" not in listing
        assert "accusation" not in listing.lower()


def test_an_accusations_own_admonishment_is_listed_and_decided_without_its_number(town):
    """A skip-level collective accusation gives its township an admonishment whose id would end
    with the case's number: the listing gives an id that does not, and the clerk confirms by it."""
    case = accusation(town, level="city", people=6, received="2026-11-05")
    ordinary = town.register(name="丁", level="city", people=6, received="2026-11-06")["case"]
    row = next(r for r in town.ok("sanctions", "--month", "2026-11") if r["sanction"] == "admonishment")
    assert case not in json.dumps(row, ensure_ascii=False) and WITHHELD in json.dumps(row, ensure_ascii=False)
    ids = [t["id"] for t in row["triggers"]]
    assert f"admonishment:车桥镇:{ordinary}" in ids
    withheld = next(i for i in ids if not i.endswith(ordinary))
    assert withheld.startswith("admonishment:车桥镇:") and case not in withheld
    for lang in ("zh", "en"):
        assert case not in town("sanctions", lang=lang).out + town("sanctions", "--csv", lang=lang).out
    # the same id on every listing, and a decision taken by it is the finding's own
    assert withheld in [t["id"] for r in town.ok("sanctions") for t in r["triggers"]]
    done = town("sanctions", "confirm", "--yes", withheld, "--json")
    assert done.code == 0, done.err
    assert case not in done.out + done.err and json.loads(done.out)["id"] == withheld
    listed = {t["id"]: t for r in town.ok("sanctions") for t in r["triggers"]}
    assert listed[withheld]["status"] == "confirmed" and listed[f"admonishment:车桥镇:{ordinary}"]["status"] == "proposed"
    again = town("sanctions", "confirm", "--yes", withheld)
    assert again.code == 1 and case not in again.err
    # an id made up in the same shape names nothing
    assert town("sanctions", "confirm", "--yes", "admonishment:车桥镇:w-0000000000").code == 1


def test_a_townships_check_counts_the_accusations_behind_its_reasons(town):
    """``sanctions check`` answers for the township itself: a chronic township's overdue accusation
    is counted in the reason, not numbered."""
    ordinary = town.register(name="丁", received="2026-06-01")["case"]
    case = accusation(town, received="2026-06-02")
    for number, unit, leader in ((ordinary, "车桥镇", "孙八"), (case, "区监察局", "钱七")):
        town.ok("accept", number, "--told", "written", "--on", "2026-06-03")
        town.ok("assign", number, "--unit", unit, "--leader", leader, "--on", "2026-06-03")
    key = next(r for r in town.ok("sanctions") if r["sanction"] == "chronic")["triggers"][0]["id"]
    town.ok("sanctions", "confirm", "--yes", key)
    for lang in ("zh", "en"):
        answer = town("sanctions", "check", "车桥镇", "--action", "auction", lang=lang)
        assert answer.code == 0 and ordinary in answer.out and case not in answer.out
    stopped = town.ok("sanctions", "check", "车桥镇", "--action", "auction")
    assert stopped["allowed"] is False and WITHHELD in json.dumps(stopped, ensure_ascii=False)


# -- the earlier case (前案), the bulletin's overdue list and the letters ---------------------------

def _repeat_of_an_accusation(town) -> tuple[str, str]:
    """An accusation against 车桥镇's secretary and a grievance of the same petitioner repeating it."""
    petitioner = "11010519491231002X"
    earlier = accusation(town, id_number=petitioner, received="2026-10-02")
    later = town.register(name="乙", id_number=petitioner, received="2026-10-20")["case"]
    assert town.ok("show", later)["repeat_of"] == earlier
    return earlier, later


def test_a_township_export_and_listing_never_number_an_accusation_as_the_earlier_case(town, tmp_path):
    earlier, later = _repeat_of_an_accusation(town)
    for fmt in ("csv", "json"):
        out = town("export", "--township", "车桥镇", "--format", fmt).out
        assert later in out and earlier not in out, fmt
    assert town("export", "--township", "车桥镇", "--format", "xlsx", "-o", str(tmp_path / "x.xlsx")).code == 0
    import zipfile

    with zipfile.ZipFile(tmp_path / "x.xlsx") as z:
        sheets = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))
    assert later in sheets and earlier not in sheets
    listed = town.ok("cases", "--township", "车桥镇")
    assert later in {r["case"] for r in listed} and earlier not in json.dumps(listed)
    # for the bureau, and for a township the accusation does not name, the link stays
    assert town.ok("show", later)["repeat_of"] == earlier
    assert earlier in town("export", "--format", "csv").out


def test_a_form_for_the_accused_township_does_not_say_the_petitioner_accused_it(town, tmp_path):
    """The form goes to the accused township: a repeat of the accusation is shown as its listing
    shows it, with no earlier case — neither its number nor that an accusation was withheld."""
    earlier, later = _repeat_of_an_accusation(town)
    town.ok("accept", later, "--told", "written", "--on", "2026-10-20")
    town.ok("assign", later, "--unit", "车桥镇", "--leader", "孙八", "--on", "2026-10-20")
    for kind in ("assignment", "handling"):
        out = tmp_path / f"{kind}.html"
        assert town("form", later, "--kind", kind, "-o", str(out)).code == 0
        html = out.read_text(encoding="utf-8")
        assert later in html and earlier not in html, kind
        assert "检举控告" not in html and "重复访" not in html, kind


def test_the_bulletins_overdue_list_counts_every_accusation(town, tmp_path):
    """Published district-wide: an accusation that names no one is counted too, not numbered."""
    case = accusation(town, accused=None, received="2026-06-01")
    town.ok("accept", case, "--told", "written", "--on", "2026-06-01")
    town.ok("assign", case, "--unit", "车桥镇", "--leader", "孙八", "--on", "2026-06-01")
    for suffix in ("md", "html"):
        out = tmp_path / f"r.{suffix}"
        assert town("report", "--month", "2026-10", "-o", str(out)).code == 0
        assert case not in out.read_text(encoding="utf-8"), suffix


def test_a_letter_never_goes_to_a_unit_with_an_accusation_withheld_from_it(town, tmp_path):
    """An accusation assigned to 车桥镇 before the person it names became a leader of 车桥镇 is
    withheld from it from then on: the letters to each unit, made together, leave it out too."""
    case = accusation(town, accused="赵某", received="2026-06-01")
    town.ok("accept", case, "--told", "written", "--on", "2026-06-01")
    town.ok("assign", case, "--unit", "车桥镇", "--leader", "孙八", "--on", "2026-06-01")
    other = town.register(name="丁", received="2026-06-02")["case"]
    town.ok("accept", other, "--told", "written", "--on", "2026-06-02")
    town.ok("assign", other, "--unit", "车桥镇", "--leader", "赵某", "--on", "2026-06-02")
    told = {}
    for args in ((), ("--unit", "车桥镇")):
        out = tmp_path / f"l{len(args)}.html"
        res = town("overdue", *args, "--letter", "-o", str(out))
        assert res.code == 0
        html = out.read_text(encoding="utf-8")
        assert other in html and case not in html, args
        told[args] = res.err
    # the clerk is told which were left out, and why, so that they are reassigned, not forgotten
    assert case in told[()] and "检举控告" in told[()] and "xinfang assign" in told[()]
    told = town("overdue", "--letter", "-o", str(tmp_path / "en.html"), "--force", lang="en").err
    assert case in told and "accusation" in told


def test_a_forms_history_counts_an_earlier_accusation_corrected_later(town, tmp_path):
    """Correcting the accusation relinks its later repeats, and their history says which case
    moved: on a form for the accused township that number is 另案 (another case), neither shown
    nor said to be an accusation."""
    earlier, later = _repeat_of_an_accusation(town)
    town.ok("accept", later, "--told", "written", "--on", "2026-10-20")
    town.ok("assign", later, "--unit", "车桥镇", "--leader", "孙八", "--on", "2026-10-20")
    town.ok("correct", earlier, "--category", "homestead", "--reason", "分类有误")
    out = tmp_path / "form.html"
    assert town("form", later, "--kind", "handling", "-o", str(out)).code == 0
    html = out.read_text(encoding="utf-8")
    assert later in html and earlier not in html and "分类有误" in html
    assert "检举控告" not in html and "另案" in html
