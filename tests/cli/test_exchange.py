"""Export and import through the real command: round trips, all-or-nothing imports, masked values,
BOM, English headings, and the history and clocks imported cases get."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import sqlite3

import pytest

from tests.conftest import CLI
from xinfang.parse import id_check_digit

HEADER_ZH = ["登记日期", "形式", "属地", "信访人", "身份证号", "人数", "层级", "内容分类", "摘要"]


def make_id(serial: int, birth: str = "19700101") -> str:
    first17 = f"320803{birth}{serial % 1000:03d}"
    return first17 + id_check_digit(first17)


def ledger(tmp_path, capsys, name: str) -> CLI:
    c = CLI(tmp_path / name, capsys)
    assert c("init").code == 0
    return c


@pytest.fixture
def office(cli):
    """Cases in every state, with the fields that are easy to lose on the way through a file."""
    cli.register(name="张三", id_number=make_id(1), phone="13812345678", address="车桥镇东村3组",
                 people=6, level="city", summary='补偿款未到位, 要求"足额"发放\n第二行')
    cli.register(received="2026-11-03", name="李四", channel="outreach", point="车桥", category="homestead",
                 kind="accusation", accused="区国土局", major=True)
    cli.register(received="2026-11-04", name="王五", id_number=make_id(1), level="province")  # repeat of case 1
    cli.register(received="2026-11-05", name="赵六", township="席桥镇", channel="online", kind="suggestion")
    cli.register(received="2026-11-06", name="钱七", category="ownership")
    cli.register(received="2026-11-06", name="孙八", category="illegal_use", major=True)
    cli.ok("accept", "2026-1", "--told", "written", "--on", "2026-11-03")
    cli.ok("assign", "2026-1", "--unit", "车桥镇", "--leader", "李镇长", "--on", "2026-11-03")
    cli.ok("reply", "2026-1", "--on", "2026-11-06", "--summary", "已当面答复")
    cli.ok("resolve", "2026-1", "--on", "2026-11-10", "--outcome", "support", "--summary", "已足额发放",
           "--signed", "--satisfaction", "满意", "--cease-agreement")
    cli.ok("accept", "2026-2", "--told", "written", "--on", "2026-11-04")
    cli.ok("assign", "2026-2", "--unit", "车桥镇", "--leader", "周书记", "--joint", "区信访局", "--on", "2026-11-04")
    cli.ok("accept", "2026-3", "--told", "written", "--on", "2026-11-05")
    cli.ok("assign", "2026-3", "--unit", "车桥镇", "--leader", "李镇长", "--on", "2026-11-05")
    cli.ok("reply", "2026-3", "--on", "2026-11-12", "--summary", "已答复")  # late: due 11-10
    cli.ok("transfer", "2026-4", "--to", "市信访局", "--reason", "不属本机关职责", "--on", "2026-11-06")
    cli.ok("accept", "2026-6", "--told", "written", "--on", "2026-11-07")
    cli.ok("assign", "2026-6", "--unit", "区国土局", "--leader", "吴局长", "--on", "2026-11-07")
    cli.ok("resolve", "2026-6", "--on", "2026-11-12", "--outcome", "explain", "--summary", "已解释")
    return cli


def cases_of(c: CLI) -> list[dict]:
    return c.ok("cases", "--reveal")


def clocks_of(c: CLI, number: str) -> list[dict]:
    return c.ok("show", number)["deadlines"]


def assert_same_cases(source: CLI, target: CLI) -> None:
    old, new = cases_of(source), cases_of(target)
    assert len(old) == len(new)
    renumber = {o["case"]: n["case"] for o, n in zip(old, new)}
    for o, n in zip(old, new):
        for key in o:
            if key in ("case", "seq"):
                continue
            expected = renumber.get(o[key]) if key == "repeat_of" and o[key] else o[key]
            assert n[key] == expected, (o["case"], key, o[key], n[key])
        assert clocks_of(target, n["case"]) == clocks_of(source, o["case"]), o["case"]


def chained_events(db) -> list[tuple]:
    """Every history row, after checking each links to the one before exactly as Ledger.event chains."""
    from xinfang.ledger.history import GENESIS, row_hash

    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT at, who, case_number, action, field, old, new, note, prev_hash, hash"
                        " FROM events ORDER BY id").fetchall()
    conn.close()
    prev = GENESIS
    for at, who, case, action, field, old, new, note, prev_hash, h in rows:
        values = {"at": at, "who": who, "case_number": case, "action": action, "field": field, "old": old,
                  "new": new, "note": note}
        assert prev_hash == prev and h == row_hash(prev, values)
        prev = h
    return rows


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_round_trip_gives_the_same_cases_fields_statuses_and_clocks(office, tmp_path, capsys, suffix):
    path = tmp_path / f"cases.{suffix}"
    res = office("export", "--reveal", "-o", path)
    assert res.code == 0, res.err
    assert "6" in res.err and str(path) in res.err
    target = ledger(tmp_path, capsys, "new.db")
    result = target.ok("import", path)
    assert result["imported"] == 6 and result["first"] == "2026-00001" and result["last"] == "2026-00006"
    assert_same_cases(office, target)
    statuses = [c["status"] for c in cases_of(target)]
    assert statuses == ["closed", "assigned", "replied", "transferred", "registered", "closed"]
    audit = target.ok("audit", "verify")
    assert audit["ok"] is True, audit["problems"]


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_case_whose_unit_objected_round_trips_and_can_be_assigned_again(cli, tmp_path, capsys, suffix):
    """交办异议: the case awaits assignment again, the objected assignment's unit, leader and date on
    its row; the export gives the objection's date, and the import takes it through the same
    objection (one such row used to refuse the whole file; one declined after the objection too)."""
    cli.register(name="甲")
    cli.register(name="乙", received="2026-11-03")
    for case in ("2026-1", "2026-2"):
        cli.ok("accept", case, "--told", "written", "--on", "2026-11-03")
        cli.ok("assign", case, "--unit", "车桥镇", "--leader", "李镇长", "--on", "2026-11-04")
    cli.ok("object", "2026-1", "--reason", "非本镇辖区", "--on", "2026-11-05")
    # assigned before acceptance, objected to, then declined (its row keeps the objected assignment)
    cli.register(name="丙", received="2026-11-03")
    cli.ok("assign", "2026-3", "--unit", "车桥镇", "--leader", "李镇长", "--on", "2026-11-04")
    cli.ok("object", "2026-3", "--reason", "非本镇辖区", "--on", "2026-11-05")
    cli.ok("decline", "2026-3", "--ground", "litigation", "--reason", "已起诉", "--on", "2026-11-06")
    path = tmp_path / f"objected.{suffix}"
    assert cli("export", "--reveal", "-o", path).code == 0
    target = ledger(tmp_path, capsys, "new.db")
    assert target.ok("import", path)["imported"] == 3
    assert_same_cases(cli, target)
    objected = target.ok("show", "2026-00001")
    assert objected["status"] == "accepted" and objected["unit"] == "车桥镇"
    assert target.ok("audit", "verify")["ok"] is True
    target.ok("assign", "2026-00001", "--unit", "泾口镇", "--leader", "马国明", "--on", "2026-11-06")
    shown = target.ok("show", "2026-00001")
    assert (shown["status"], shown["unit"]) == ("assigned", "泾口镇")


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_an_extended_deadline_round_trips_with_who_approved_it_and_why(cli, tmp_path, capsys, suffix):
    """延期: a case still in hand keeps its extended due date (not overdue after the import), and a
    case answered inside its extension stays answered on time; the approval's day, approver, the
    day the petitioner was told and the reason come back in the history (an export used to drop
    the extension: the first case was listed overdue, the second counted late)."""
    cli.register(name="甲", received="2026-08-03")
    cli.register(name="乙", received="2026-08-03")
    for case in ("2026-1", "2026-2"):
        cli.ok("accept", case, "--told", "written", "--on", "2026-08-04")
        cli.ok("assign", case, "--unit", "车桥镇", "--leader", "李镇长", "--on", "2026-08-05")
        cli.ok("reply", case, "--on", "2026-08-20", "--summary", "正在核查")
    cli.ok("extend", "2026-1", "--days", "30", "--reason", "需实地测绘，联系电话13812345678", "--on", "2026-09-30",
           "--approved-by", "王局长", "--told-on", "2026-10-01")
    cli.ok("extend", "2026-2", "--days", "20", "--reason", "待补充材料", "--on", "2026-09-28",
           "--approved-by", "王局长")
    cli.ok("resolve", "2026-2", "--on", "2026-10-20", "--outcome", "support", "--summary", "已办结")
    path = tmp_path / f"extended.{suffix}"
    assert cli("export", "--reveal", "-o", path).code == 0
    target = ledger(tmp_path, capsys, "new.db")
    assert target.ok("import", path)["imported"] == 2
    assert_same_cases(cli, target)
    handling = {d["clock"]: d for d in target.ok("show", "2026-00001")["deadlines"]}["handling"]
    assert (handling["due"], handling["extension_days"]) == ("2026-11-02", 30)
    assert target.ok("overdue", "--on", "2026-11-01") == cli.ok("overdue", "--on", "2026-11-01")
    met = {d["clock"]: d for d in target.ok("show", "2026-00002")["deadlines"]}["handling"]
    assert met["met"] is True
    def extensions(c, case):
        return [(e["old"], e["new"], e["note"]) for e in c.ok("show", case, "--reveal")["history"]
                if e["action"] == "clock-extend"]

    assert extensions(target, "2026-00001") == extensions(cli, "2026-1") != []
    assert "王局长" in extensions(target, "2026-00001")[0][2]
    assert target.ok("audit", "verify")["ok"] is True
    masked = tmp_path / f"masked.{suffix}"
    assert cli("export", "-o", masked).code == 0  # the reason's phone number masked like a petitioner's
    text = masked.read_bytes() if suffix == "xlsx" else masked.read_text(encoding="utf-8-sig")
    assert suffix == "xlsx" or ("13812345678" not in text and "需实地测绘" in text)


def test_an_extension_is_checked_like_the_extend_command(cli, tmp_path):
    head = ["登记日期", "形式", "属地", "信访人", "内容分类", "摘要", "状态", "责任单位", "包案领导", "受理日期", "交办日期",
            "延期批准日期", "延期天数", "延期理由"]
    base = ["2026-08-03", "来信", "车桥镇", "甲", "征地补偿", "x", "交办", "车桥镇", "李四", "2026-08-04", "2026-08-05"]
    path = tmp_path / "extensions.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(head)
        w.writerow(base + ["2026-10-20", "30", "x"])  # after the 60 days ran out (2026-10-08, after the holiday)
        w.writerow(base + ["2026-09-20", "45", "x"])  # more than the 30 days allowed
        w.writerow(base + ["2026-08-01", "30", "x"])  # before the deadline started
        w.writerow(base + ["", "30", "x"])  # no approval date
        w.writerow(base + ["2026-09-20", "30", "需实地测绘"])  # good
    before = cli.counts()
    res = cli("import", path)
    assert res.code == 1 and cli.counts() == before
    listed = [line for line in res.err.splitlines() if line.startswith("第")]
    assert [line.split(" ")[1] for line in listed] == ["2", "3", "4", "5"], listed
    assert "2026-10-08 届满" in listed[0] and "延期批准日期" in listed[0]
    assert "延期天数" in listed[1] and "1 至 30" in listed[1]
    assert "尚未起算" in listed[2] or "早于" in listed[2]
    assert "延期批准日期" in listed[3]


def test_an_objection_date_is_checked_like_the_objection(cli, tmp_path):
    head = ["登记日期", "形式", "属地", "信访人", "内容分类", "摘要", "状态", "责任单位", "包案领导", "受理日期", "交办日期",
            "交办异议日期"]
    base = ["2026-11-02", "来信", "车桥镇", "甲", "征地补偿", "x"]
    path = tmp_path / "objections.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(head)
        w.writerow(base + ["受理", "车桥镇", "李四", "2026-11-03", "2026-11-03", "2026-11-20"])  # past the window
        w.writerow(base + ["交办", "车桥镇", "李四", "2026-11-03", "2026-11-03", "2026-11-04"])  # assigned: not objected
        w.writerow(base + ["受理", "", "", "2026-11-03", "", "2026-11-04"])  # no assignment to object to
        w.writerow(base + ["受理", "车桥镇", "李四", "2026-11-03", "2026-11-03", "2026-11-04"])  # good
    before = cli.counts()
    res = cli("import", path)
    assert res.code == 1 and cli.counts() == before
    listed = [line for line in res.err.splitlines() if line.startswith("第")]
    assert [line.split(" ")[1] for line in listed] == ["2", "3", "4"]
    assert all("交办异议日期" in line for line in listed), listed
    assert "逾期" in listed[0]


def test_cases_under_review_and_final_keep_their_facts_and_statuses(cli, tmp_path, capsys):
    for name in ("甲", "乙"):
        cli.register(name=name)
    for case in ("2026-1", "2026-2"):
        cli.ok("accept", case, "--told", "written", "--on", "2026-11-03")
        cli.ok("assign", case, "--unit", "车桥镇", "--leader", "李镇长", "--on", "2026-11-03")
    cli.ok("reply", "2026-1", "--on", "2026-11-05", "--summary", "已答复")
    cli.ok("review", "2026-1", "--on", "2026-11-10", "--reason", "不服")
    cli.ok("resolve", "2026-2", "--on", "2026-11-06", "--outcome", "reject", "--summary", "不支持")
    cli.ok("review", "2026-2", "--on", "2026-11-09", "--reason", "不服")
    cli.ok("review", "2026-2", "--answer", "--on", "2026-11-12", "--summary", "维持")
    cli.ok("review", "2026-2", "--on", "2026-11-13", "--reason", "仍不服")
    cli.ok("review", "2026-2", "--answer", "--on", "2026-11-20", "--summary", "维持")
    path = tmp_path / "review.xlsx"
    cli("export", "--reveal", "-o", path)
    target = ledger(tmp_path, capsys, "new.db")
    target.ok("import", path)
    old, new = cases_of(cli), cases_of(target)
    assert [c["status"] for c in new] == ["review", "final"]
    assert [{k: v for k, v in c.items() if k != "case"} for c in old] == [
        {k: v for k, v in c.items() if k != "case"} for c in new]
    assert target.ok("audit", "verify")["ok"] is True


def test_import_into_a_ledger_with_cases_numbers_in_sequence_and_links_repeats(office, tmp_path):
    path = tmp_path / "cases.csv"
    office("export", "--reveal", "-o", path)
    assert office("import", path).code == 1  # every row is a case the ledger holds: 疑似重复登记
    result = office.ok("import", path, "--again")  # imported all the same, as new letters
    assert (result["first"], result["last"]) == ("2026-00007", "2026-00012")
    imported = {c["case"]: c for c in cases_of(office)}
    # the same petitioner and matter again: linked to the latest case received on or before it
    assert imported["2026-00007"]["repeat_of"] == "2026-00001"  # received 11-02, as case 1
    assert imported["2026-00009"]["repeat_of"] == "2026-00003"  # received 11-04, as case 3
    assert imported["2026-00007"]["initial"] is False
    assert imported["2026-00008"]["repeat_of"] is None
    # each linked case's import record seals the case as linked
    assert office.ok("audit", "verify")["ok"] is True


def write_file(path, rows: list[list[str]]) -> None:
    """A CSV as a clerk saves it from Excel (UTF-8 with BOM, Chinese headings) with these rows."""
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER_ZH)
        w.writerows(rows)


def test_repeats_among_rows_of_one_file(cli, tmp_path):
    path = tmp_path / "rows.csv"
    write_file(path, [
        ["2026-10-01", "来信", "车桥镇", "张三", make_id(7), "1", "区", "征地补偿", "第一次"],
        ["2026-10-20", "来访", "车桥镇", "张三", make_id(7), "1", "区", "征地补偿", "第二次"],
        ["2026-10-21", "来访", "车桥镇", "张三", make_id(7), "1", "区", "宅基地", "另一事项"],
    ])
    cli.ok("import", path)
    rows = {c["case"]: c for c in cases_of(cli)}
    assert rows["2026-00001"]["repeat_of"] is None and rows["2026-00001"]["initial"] is True
    assert rows["2026-00002"]["repeat_of"] == "2026-00001" and rows["2026-00002"]["initial"] is False
    assert rows["2026-00003"]["repeat_of"] is None and rows["2026-00003"]["initial"] is True
    assert cli.ok("audit", "verify")["ok"] is True


def write_rows(path, n: int, bad: dict[int, list[str]]) -> None:
    """``n`` good rows (Chinese headings); spreadsheet row r in ``bad`` gets those cells instead."""
    write_file(path, [bad.get(i + 2) or ["2026/10/%d" % (i % 28 + 1), "来信", "车桥镇", f"信访人{i}", make_id(i),
                                         str(i % 7 + 1), "区", "征地补偿", f"第{i}件"] for i in range(n)])


def test_a_file_with_three_bad_rows_imports_nothing_and_names_exactly_those_rows(cli, tmp_path):
    cli.register()
    path = tmp_path / "bad.csv"
    wrong_digit = make_id(5)[:-1] + ("0" if make_id(5)[-1] != "0" else "1")
    write_rows(path, 1000, {
        17: ["2026-10-01", "来信", "车桥镇", "甲", wrong_digit, "1", "区", "征地补偿", "x"],
        503: ["2026-10-01", "来信", "火星镇", "乙", "", "1", "区", "征地补偿", "x"],
        1001: ["2026-12-01", "来信", "车桥镇", "丙", "", "0", "区", "征地补偿", "x"],
    })
    before = cli.counts()
    res = cli("import", path)
    assert res.code == 1
    assert cli.counts() == before
    lines = res.err.strip().splitlines()
    listed = [line for line in lines if line.startswith("第")]
    assert [line.split(" ")[1] for line in listed] == ["17", "503", "1001"]
    assert "身份证号：校验码" in listed[0]
    assert "属地：未知乡镇 '火星镇'" in listed[1]
    assert "登记日期：2026-12-01 晚于今天" in listed[2] and "人数：0 超出范围" in listed[2]
    assert lines[-1].startswith("错误：bad.csv：共 1000 行，其中 3 行有误")
    assert "Traceback" not in res.err


def test_the_list_of_bad_rows_is_capped(cli, tmp_path):
    path = tmp_path / "many.csv"
    write_rows(path, 120, {r: ["2026-10-01", "来信", "车桥镇", "甲", "", "x", "区", "征地补偿", "x"]
                           for r in range(2, 122)})
    res = cli("import", path)
    assert res.code == 1
    assert len([line for line in res.err.splitlines() if line.startswith("第")]) == 50
    assert "… 另有 70 行有误" in res.err
    assert "共 120 行，其中 120 行有误" in res.err


def test_masked_id_numbers_are_refused_with_a_row_error(office, tmp_path, capsys):
    path = tmp_path / "masked.csv"
    assert office("export", "-o", path).code == 0
    text = path.read_text(encoding="utf-8-sig")
    assert "320803********" in text and "13812345678" not in text
    target = ledger(tmp_path, capsys, "new.db")
    before = target.counts()
    res = target("import", path)
    assert res.code == 1 and target.counts() == before
    assert "第 2 行：身份证号：320803********0016 已脱敏，不能导入" in res.err
    assert "--reveal" in res.err
    assert "第 3 行" not in res.err  # a case without ID or phone would import fine


def test_csv_has_a_bom_on_file_and_on_stdout(office, tmp_path):
    path = tmp_path / "cases.csv"
    office("export", "-o", path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw[3:].decode("utf-8").startswith("案号,登记日期,形式")
    res = office("export")
    assert res.code == 0 and res.out.startswith("\ufeff案号,登记日期")
    assert len(list(csv.reader(res.out.lstrip("\ufeff").splitlines(keepends=True)))) == 7


def test_english_headings_and_values_are_accepted(office, tmp_path, capsys):
    path = tmp_path / "en.csv"
    res = office("export", "--reveal", "-o", path, lang="en")
    assert res.code == 0 and "Exported 6 cases" in res.err
    with open(path, encoding="utf-8-sig", newline="") as fh:
        head, first = list(csv.reader(fh))[:2]
    assert head[:8] == ["case", "received", "channel", "point", "township", "name", "id_number", "phone"]
    row = dict(zip(head, first))
    assert (row["channel"], row["level"], row["status"], row["signed"]) == ("letter", "city", "closed", "1")
    target = ledger(tmp_path, capsys, "new.db")
    assert target.ok("import", path)["imported"] == 6
    assert_same_cases(office, target)


def test_english_labels_other_date_spellings_and_blank_defaults(cli, tmp_path):
    path = tmp_path / "clerk.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:  # no BOM: also fine
        w = csv.writer(fh)
        w.writerow(["Received", "Channel", "Township", "Petitioner", "ID number", "Category", "Summary", "Level"])
        w.writerow(["2026-10-01", "visit", "车桥", "甲", "", "compensation", "a", ""])
        w.writerow(["2026/10/02", "来访", "车桥镇", "乙", "", "宅基地", "b", "市"])
        w.writerow(["20261003", "online", "车桥镇", "丙", "", "other", "c", "province"])
        w.writerow(["2026年10月4日", "phone", "车桥镇", "丁", "", "Homestead", "d", "national"])
    assert cli.ok("import", path)["imported"] == 4
    rows = cases_of(cli)
    assert [r["received"] for r in rows] == ["2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04"]
    assert [r["level"] for r in rows] == ["district", "city", "province", "national"]
    assert rows[0]["township"] == "车桥镇" and rows[0]["people"] == 1 and rows[0]["kind"] == "grievance"
    assert rows[3]["category"] == "homestead" and rows[1]["skip_level"] is True


def test_import_history_and_hash_chain(office, tmp_path, capsys):
    path = tmp_path / "cases.csv"
    office("export", "--reveal", "-o", path)
    target = ledger(tmp_path, capsys, "new.db")
    target.ok("import", path)
    shown = target.ok("show", "2026-1")
    history = shown["history"]
    first = history[0]
    assert first["action"] == "import" and first["field"] == "sha256"
    note = json.loads(first["note"])
    assert {k: note[k] for k in ("file", "row", "source_number")} == {"file": "cases.csv", "row": 2,
                                                                   "source_number": "2026-00001"}
    assert len(note["clocks"]) == 16, "a case closed before the import has its clocks sealed in its record"
    # the record seals the case as imported, lifecycle included, by the digest of its canonical text;
    # the case's facts (and the petitioner's ID number and telephone) are in the case row, not a second
    # time in the append-only history
    from xinfang.ledger.history import canonical
    from xinfang.ledger.importer import SNAPSHOT_KEYS

    conn = sqlite3.connect(target.db)
    conn.row_factory = sqlite3.Row
    row = conn.execute("SELECT * FROM cases WHERE number = '2026-00001'").fetchone()
    stored = conn.execute("SELECT new FROM events WHERE case_number = '2026-00001' AND action = 'import'").fetchone()[0]
    as_imported = {k: row[k] for k in SNAPSHOT_KEYS if row[k] is not None}
    assert stored == hashlib.sha256(canonical(as_imported).encode("utf-8")).hexdigest()
    assert {k: as_imported[k] for k in ("name", "status", "unit", "leader", "assigned_on", "replied_on", "closed_on",
                                        "outcome", "signed", "satisfaction", "cease_agreement", "collective")} == {
        "name": "张三", "status": "closed", "unit": "车桥镇", "leader": "李镇长", "assigned_on": "2026-11-03",
        "replied_on": "2026-11-06", "closed_on": "2026-11-10", "outcome": "support", "signed": 1,
        "satisfaction": "satisfied", "cease_agreement": 1, "collective": 1}
    history_text = " ".join(str(v) for (v,) in conn.execute("SELECT new FROM events WHERE action = 'import'"))
    assert row["id_number"] not in history_text and "13812345678" not in history_text
    conn.close()
    assert "13812345678" not in json.dumps(shown, ensure_ascii=False)
    assert [e["action"] for e in history] == ["import"]
    assert [(c["clock"], c["done_on"], c["met"]) for c in shown["deadlines"]] == [
        ("notice", "2026-11-03", True), ("handling", "2026-11-10", True), ("reply", "2026-11-06", True),
        ("objection", None, None), ("review_request", None, None)]
    # a case still running gets the clock events start_clocks and finish_clocks would have written
    running = target.ok("show", "2026-3")["history"]
    assert [(e["action"], e["field"]) for e in running] == [
        ("import", "sha256"), ("clock", "notice"), ("clock-done", "notice"), ("clock", "handling"), ("clock", "reply"),
        ("clock", "objection"), ("clock-done", "reply")]  # an interim reply opens no review window
    assert running[6]["note"] == "late (due 2026-11-10)"
    # the chain continues from the events before the import, exactly as Ledger.event chains
    rows = chained_events(target.db)
    notes = {r[7] for r in rows if r[3].startswith("clock")}
    assert {"met", "late (due 2026-11-10)"} <= notes
    assert any(n and n.endswith("(provisional)") for n in notes)


def test_stored_history_is_exactly_what_ledger_event_writes_even_for_awkward_text(cli, tmp_path):
    from xinfang.ledger.history import canonical

    cli.register()  # the chain continues from events already there
    path = tmp_path / "awkward.csv"
    awkward = 'a "quoted" \\ back\\slash\nnew line\ttab \u2028 é 😀 <tag> {json}'
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["案号", *HEADER_ZH, "状态", "责任单位", "包案领导", "交办日期"])
        w.writerow(['旧"1"', "2026-10-01", "来信", "车桥镇", '张"三"', make_id(3), "2", "市", "征地补偿", awkward,
                    "交办", "车桥镇", 'O\'Brien "李"', "2026-10-02"])
    assert cli.ok("import", path)["imported"] == 1
    rows = chained_events(cli.db)
    for at, who, case, action, field, old, new, note, prev_hash, h in rows:
        if action in ("register", "import") and field is None:
            assert new == canonical(json.loads(new))
        if action in ("register", "import"):
            assert note is None or note == canonical(json.loads(note))
    [(digest, note)] = [(r[6], r[7]) for r in rows if r[3] == "import"]
    [case] = [c for c in cases_of(cli) if c["name"] == '张"三"']
    assert case["summary"] == awkward
    from xinfang.ledger.importer import SNAPSHOT_KEYS

    conn = sqlite3.connect(cli.db)
    conn.row_factory = sqlite3.Row
    row = conn.execute("SELECT * FROM cases WHERE number = ?", (case["case"],)).fetchone()
    conn.close()
    as_imported = canonical({k: row[k] for k in SNAPSHOT_KEYS if row[k] is not None})
    assert digest == hashlib.sha256(as_imported.encode("utf-8")).hexdigest()
    assert json.loads(note)["source_number"] == '旧"1"'
    assert cli.ok("audit", "verify")["ok"] is True


def test_xlsx_sheet_bold_frozen_and_wide_enough_for_chinese(office, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "cases.xlsx"
    assert office("export", "-o", path).code == 0
    wb = load_workbook(path)
    assert wb.sheetnames == ["信访事项"]
    ws = wb["信访事项"]
    assert ws.freeze_panes == "A2"
    assert ws["A1"].value == "案号" and ws["A1"].font.bold
    assert ws["B2"].value.date().isoformat() == "2026-11-02"  # a real date Excel can sort
    widths = {ws.cell(1, i).value: ws.column_dimensions[ws.cell(1, i).column_letter].width
              for i in range(1, ws.max_column + 1)}
    assert widths["属地"] >= 6 and widths["包案领导"] >= 8  # CJK characters count twice
    assert widths["被控告单位"] >= 10


def test_xlsx_needs_a_file_and_unknown_formats_are_refused(office):
    res = office("export", "--format", "xlsx")
    assert res.code == 1 and res.err.count("\n") == 1 and "-o" in res.err
    res = office("export", "--format", "pdf")
    assert res.code == 1 and "csv、xlsx 或 json" in res.err


def test_json_export_is_a_list_of_case_objects(office):
    res = office("export", "--format", "json")
    assert res.code == 0
    data = json.loads(res.out)
    assert [d["case"] for d in data] == [f"2026-0000{i}" for i in range(1, 7)]
    assert data[0]["id_number"].startswith("320803****") and data[0]["phone"] == "138****5678"
    assert data[0]["collective"] is True and data[0]["signed"] is True and data[1]["joint"] == ["区信访局"]


def test_township_export_never_includes_accusations_against_it(cli, tmp_path):
    cli.register(name="甲")
    cli.register(name="乙", kind="accusation", accused="车桥镇")
    cli.register(name="丙", township="席桥镇")
    res = cli("export", "--township", "车桥镇", "--format", "json")
    assert [d["name"] for d in json.loads(res.out)] == ["甲"]
    res = cli("export", "--month", "2026-11", "--format", "json")
    assert [d["name"] for d in json.loads(res.out)] == ["甲", "乙", "丙"]


def test_header_problems_are_one_line_errors(cli, tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("登记日期,形式,属地,信访人,内容分类,摘要,备注栏\n2026-10-01,来信,车桥镇,甲,其他,x,y\n",
                    encoding="utf-8")
    res = cli("import", path)
    assert res.code == 1 and "无法识别的列 '备注栏'" in res.err and res.err.count("\n") == 1
    path.write_text("登记日期,形式,属地,信访人\n2026-10-01,来信,车桥镇,甲\n", encoding="utf-8")
    res = cli("import", path)
    assert res.code == 1 and "缺少列 内容分类 (category)、摘要 (summary)" in res.err
    res = cli("import", tmp_path / "cases.json")
    assert res.code == 1 and "没有文件" in res.err


def test_id_numbers_excel_turned_into_numbers_get_a_specific_error(cli, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text("登记日期,形式,属地,信访人,身份证号,内容分类,摘要\n2026-10-01,来信,车桥镇,甲,3.20803E+17,其他,x\n",
                    encoding="utf-8-sig")
    res = cli("import", path)
    assert res.code == 1 and "第 2 行：身份证号：3.20803E+17 已被 Excel 转成数字" in res.err


def test_an_import_asks_about_rows_the_ledger_probably_holds_already(cli, tmp_path):
    """疑似重复登记 as register asks it: a row with the same name, township and category as a case
    the ledger held before (within the window) is listed and nothing is imported, unless --again
    says they are new letters; rows of the file that resemble each other are not asked about."""
    held = cli.register(received="2026-11-02", name="张三")["case"]
    path = tmp_path / "township.csv"
    path.write_text("登记日期,形式,属地,信访人,内容分类,摘要\n"
                    "2026-11-20,来访,车桥镇,李四,征地补偿,补偿款\n"
                    "2026-11-21,来访,车桥镇,李四,征地补偿,补偿款（再次）\n"
                    "2026-11-03,来信,车桥镇,张三,征地补偿,补偿款未到位\n", encoding="utf-8-sig")
    before = cli.counts()
    for check in ([], ["--check"]):  # checking the file asks the same
        res = cli("import", path, *check)
        assert res.code == 1 and f"第 4 行：疑似重复登记：30 日内台账中已有" in res.err and held in res.err, check
        assert "第 2 行" not in res.err and "第 3 行" not in res.err and "--again" in res.err
    assert cli.counts() == before
    assert cli.ok("import", path, "--again")["imported"] == 3
    # a case voided in the file counts nowhere: nothing to ask about
    voided = tmp_path / "voided.csv"
    voided.write_text("登记日期,形式,属地,信访人,内容分类,摘要,状态,办结日期\n"
                      "2026-11-04,来信,车桥镇,张三,征地补偿,录入有误,已作废,2026-11-05\n", encoding="utf-8-sig")
    assert cli.ok("import", voided)["imported"] == 1


def test_an_imported_id_number_is_checked_as_register_checks_it(cli, tmp_path):
    """The import's quick check of an ID number and register's agree: a birth date after the import's
    today, or a region no ID number has, is a row error; the good row beside them is not imported
    either (all or none)."""
    path = tmp_path / "ids.csv"
    path.write_text("登记日期,形式,属地,信访人,身份证号,内容分类,摘要\n"
                    "2026-10-01,来信,车桥镇,甲,320803202612010027,其他,x\n"
                    "2026-10-01,来信,车桥镇,乙,000000198001010021,其他,x\n"
                    "2026-10-01,来信,车桥镇,丙,11010519491231002X,其他,x\n", encoding="utf-8-sig")
    before = cli.counts()
    res = cli("import", path)
    assert res.code == 1 and "第 2 行：身份证号：身份证号中的出生日期 2026-12-01 晚于今天" in res.err
    assert "第 3 行：身份证号：身份证号的地区码 000000 不存在" in res.err and "第 4 行" not in res.err
    assert cli.counts() == before


def test_lifecycle_fields_are_checked(cli, tmp_path):
    path = tmp_path / "life.csv"
    head = HEADER_ZH[:4] + ["内容分类", "摘要", "类别", "被控告单位", "状态", "责任单位", "包案领导", "交办日期", "办结日期",
                            "处理结果"]
    base = ["2026-10-01", "来信", "车桥镇", "甲", "征地补偿", "x"]
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(head)
        w.writerow(base + ["", "", "办结", "车桥镇", "李四", "2026-10-02", "", "支持"])  # no closing date
        w.writerow(base + ["", "", "交办", "车桥镇", "李四", "2026-09-30", "", ""])  # assigned before received
        w.writerow(base + ["检举控告类", "车桥镇", "交办", "车桥镇", "李四", "2026-10-02", "", ""])  # to the accused
        w.writerow(base + ["", "", "", "车桥镇", "", "", "", ""])  # unit without a status
        w.writerow(base + ["", "区国土局", "", "", "", "", "", ""])  # accused on a grievance
        w.writerow(base + ["", "", "办结", "车桥镇", "李四", "2026-10-02", "2026-10-05", "support"])  # good
    res = cli("import", path)
    assert res.code == 1
    listed = [line for line in res.err.splitlines() if line.startswith("第")]
    assert [line.split(" ")[1] for line in listed] == ["2", "3", "4", "5", "6"]
    assert "办结日期：状态为“办结”的案件必须填写此列" in listed[0]
    assert "交办日期：2026-09-30 早于本案的登记日期（2026-10-01）" in listed[1]
    assert "决不能由被检举控告人办理" in listed[2]
    assert "状态：未填写，但已填写责任单位；请填写状态" in listed[3]
    assert "被控告单位：只有检举控告类事项" in listed[4]


def test_check_writes_nothing(office, tmp_path):
    path = tmp_path / "cases.csv"
    office("export", "--reveal", "-o", path)
    before = office.counts()
    assert office("import", path, "--check").code == 1  # the ledger's own cases again: asked about
    assert office.ok("import", path, "--check", "--again") == {"imported": 0, "checked": 6}
    assert office.counts() == before


def test_gbk_csv_from_excel_is_read(cli, tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("登记日期,形式,属地,信访人,内容分类,摘要\n2026-10-01,来信,车桥镇,张三,征地补偿,补偿款\n"
                     .encode("gb18030"))
    assert cli.ok("import", path)["imported"] == 1
    assert cases_of(cli)[0]["name"] == "张三"


def test_blank_rows_in_a_workbook_keep_spreadsheet_row_numbers(cli, tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "gaps.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER_ZH)
    ws.append(["2026-10-01", "来信", "车桥镇", "甲", None, 1, "区", "征地补偿", "x"])
    ws.append([None] * 9)
    ws.append(["2026-10-01", "来信", "车桥镇", "乙", 320803197001010011, 1, "区", "征地补偿", "x"])
    wb.save(path)
    res = cli("import", path)
    assert res.code == 1 and "第 4 行：身份证号" in res.err and "第 3 行" not in res.err


def test_export_and_import_have_help(cli):
    for args in (["export", "--help"], ["import", "--help"]):
        res = cli(*args)
        assert res.code == 0 and "--" in res.out


# --- the import's fast paths give exactly what the plain ones give ----------------------------------

def _snapshot_record(**changes) -> dict:
    from xinfang.ledger.importer import SNAPSHOT_KEYS

    record = dict.fromkeys(SNAPSHOT_KEYS)
    record.update({"category": "compensation", "channel": "letter", "collective": 0, "kind": "grievance",
                   "level": "district", "major": 0, "name": "张三", "people": 1, "received": "2026-10-01",
                   "skip_level": 0, "status": "registered", "summary": "x", "township": "车桥镇"})
    record.update(changes)
    return record


AWKWARD = 'a "quoted" \\ back\\slash\nnew line\ttab \x1f \u2028 é 😀 <tag> {json} ,"initial":1,"repeat_of":'


@pytest.mark.parametrize("changes", [
    {},
    {"name": AWKWARD, "summary": AWKWARD, "address": AWKWARD, "township": AWKWARD},
    {"accused": "区国土局", "kind": "accusation", "id_number": "32080319700101001X", "initial": 1, "phone": "13812345678",
     "point": "车桥", "channel": "outreach", "people": 6, "collective": 1, "level": "city", "skip_level": 1},
    {"status": "closed", "unit": '车"桥"镇', "joint": '["区信访局"]', "leader": AWKWARD, "assigned_on": "2026-10-02",
     "replied_on": "2026-10-03", "closed_on": "2026-10-04", "outcome": "support", "satisfaction": "satisfied",
     "signed": 1, "cease_agreement": 0, "major": 1},
    {"id_number": "32080319700101001X", "initial": 0, "repeat_of": "2025-00001"},
    {"id_number": "32080319700101001X", "initial": 0},
])
def test_the_import_snapshot_is_exactly_canonical_of_the_case(changes):
    from xinfang.ledger.history import canonical, snapshot_digest
    from xinfang.ledger.importer import _CASE_ROW, SNAPSHOT_KEYS, repeat_digest, snapshot_json

    record = _snapshot_record(**changes)
    expected = canonical({k: v for k, v in record.items() if v is not None})
    assert snapshot_json(record) == expected
    # the writer's digest of a case found to repeat a stored one: that of the case as linked, from
    # the row the writer stored (with the reader's ``initial`` and no link)
    if record["id_number"] and record["initial"] == 0:
        stored = _CASE_ROW({**record, "number": "2026-00002", "year": 2026, "seq": 2, "month": "2026-10",
                            "initial": 1, "repeat_of": None})
        assert repeat_digest(stored, record["repeat_of"]) == snapshot_digest(expected)
    assert set(json.loads(expected)) <= set(SNAPSHOT_KEYS)


@pytest.fixture
def forked(monkeypatch):
    """Imports of any size read and check the file in a second process."""
    from xinfang.ledger import importer

    monkeypatch.setattr(importer, "PARALLEL_MIN_BYTES", 0)


@pytest.fixture
def one_process(monkeypatch):
    from xinfang.ledger import importer

    monkeypatch.setattr(importer, "PARALLEL_MIN_BYTES", 1 << 62)


def history_of(c: CLI) -> list[tuple]:
    conn = sqlite3.connect(c.db)
    try:
        return conn.execute("SELECT case_number, action, field, old, new, note FROM events ORDER BY id").fetchall()
    finally:
        conn.close()


def test_a_bad_row_found_by_the_reading_process_refuses_the_whole_file(cli, tmp_path, forked):
    cli.register()
    path = tmp_path / "bad.csv"
    write_rows(path, 5000, {
        17: ["2026-10-01", "来信", "车桥镇", "甲", make_id(5)[:-1] + "0", "1", "区", "征地补偿", "x"],
        4503: ["2026-10-01", "来信", "火星镇", "乙", "", "1", "区", "征地补偿", "x"],
        5001: ["2026-12-01", "来信", "车桥镇", "丙", "", "0", "区", "征地补偿", "x"],
    })
    before = cli.counts()
    res = cli("import", path)
    assert res.code == 1 and cli.counts() == before
    listed = [line for line in res.err.splitlines() if line.startswith("第")]
    assert [line.split(" ")[1] for line in listed] == ["17", "4503", "5001"]
    assert "属地：未知乡镇 '火星镇'" in listed[1]
    assert res.err.strip().splitlines()[-1].startswith("错误：bad.csv：共 5000 行，其中 3 行有误")
    assert "Traceback" not in res.err
    # a file that is good throughout imports every row
    write_rows(path, 5000, {})
    assert cli.ok("import", path)["imported"] == 5000
    assert cli.ok("audit", "verify")["ok"] is True


def test_a_file_error_in_the_reading_process_is_one_line_and_imports_nothing(cli, tmp_path, forked):
    path = tmp_path / "broken.csv"
    write_rows(path, 3000, {})
    path.write_bytes(path.read_bytes() + "2026-10-01,来信,车桥镇,乙,,1,区,征地补偿,y\n".encode("utf-8")[:-20]
                     + b"\xff\xfe\n")
    before = cli.counts()
    res = cli("import", path)
    assert res.code == 1 and cli.counts() == before
    assert "不是有效的 utf-8-sig 文本" in res.err and res.err.count("\n") == 1, res.err


def test_two_processes_store_exactly_what_one_process_stores(office, tmp_path, capsys, monkeypatch):
    from xinfang.ledger import importer

    path = tmp_path / "cases.csv"
    office("export", "--reveal", "-o", path)
    results = []
    for name, threshold in (("one.db", 1 << 62), ("two.db", 0)):
        monkeypatch.setattr(importer, "PARALLEL_MIN_BYTES", threshold)
        target = ledger(tmp_path, capsys, name)
        target.register(name="先登记", id_number=make_id(1), received="2026-11-01")  # the file repeats this case
        results.append((target.ok("import", path, "--again"), cases_of(target), history_of(target)))
        assert target.ok("audit", "verify")["ok"] is True
        # into the office ledger itself: repeats of the stored cases
    (one, one_cases, one_history), (two, two_cases, two_history) = results
    assert one == two and one_cases == two_cases and one_history == two_history
    assert two_cases[1]["repeat_of"] == "2026-00001" and two_cases[1]["initial"] is False
    assert office.ok("import", path, "--again")["imported"] == 6
    assert office.ok("audit", "verify")["ok"] is True


def _indexes(c: CLI) -> list[tuple]:
    conn = sqlite3.connect(c.db)
    try:
        return conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('index', 'trigger')"
                            " ORDER BY type, name").fetchall()
    finally:
        conn.close()


def test_an_import_that_rebuilds_the_indexes_and_the_tally_leaves_them_as_they_were(office, tmp_path, monkeypatch, forked):
    from xinfang.ledger import importer

    monkeypatch.setattr(importer, "SUSPEND_MIN_BYTES", 0)
    monkeypatch.setattr(importer, "ROW_BYTES", 1)  # any file counts as larger than the ledger
    before = _indexes(office)
    path = tmp_path / "bad.csv"
    write_rows(path, 3000, {2999: ["2026-10-01", "来信", "火星镇", "乙", "", "1", "区", "征地补偿", "x"]})
    counts = office.counts()
    assert office("import", path).code == 1
    assert _indexes(office) == before and office.counts() == counts
    path = tmp_path / "cases.csv"
    office("export", "--reveal", "-o", path)
    assert office.ok("import", path, "--again")["imported"] == 6
    write_rows(path, 3000, {})
    assert office.ok("import", path, "--again")["imported"] == 3000
    assert _indexes(office) == before
    conn = sqlite3.connect(office.db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        # written under the rollback journal (``Ledger.rollback_journal``), back on the log after
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert not os.path.exists(f"{office.db}-journal")
        # the per-month tally the triggers on cases keep (where the ledger has one) counts every imported case
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'case_tally'").fetchone():
            tally = conn.execute("SELECT month, township, level, people, status, n, repeats FROM case_tally"
                                 " ORDER BY 1, 2, 3, 4, 5").fetchall()
            assert tally == conn.execute(
                "SELECT month, township, level, people, status, count(*), count(repeat_of) FROM cases"
                " GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5").fetchall()
    finally:
        conn.close()
    assert office.ok("audit", "verify")["ok"] is True


def test_a_bulk_import_beside_another_open_connection_keeps_the_log(office, tmp_path, monkeypatch):
    """SQLite changes a ledger's journal only when no other connection has it open: a bulk load
    beside another open connection is not refused; it imports on the write-ahead log, and the
    other connection then reads the imported cases."""
    from xinfang.ledger import importer

    monkeypatch.setattr(importer, "SUSPEND_MIN_BYTES", 0)
    monkeypatch.setattr(importer, "ROW_BYTES", 1)
    path = tmp_path / "cases.csv"
    write_rows(path, 50, {})
    other = sqlite3.connect(office.db)
    try:
        cases = other.execute("SELECT count(*) FROM cases").fetchone()[0]
        assert office.ok("import", path)["imported"] == 50
        assert other.execute("SELECT count(*) FROM cases").fetchone()[0] == cases + 50
        assert other.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        other.close()
    assert office.ok("audit", "verify")["ok"] is True


def test_a_workbook_read_in_a_second_process_round_trips(office, tmp_path, capsys, forked):
    path = tmp_path / "cases.xlsx"
    assert office("export", "--reveal", "-o", path).code == 0
    target = ledger(tmp_path, capsys, "new.db")
    assert target.ok("import", path)["imported"] == 6
    assert_same_cases(office, target)
    assert target.ok("audit", "verify")["ok"] is True


def test_a_failing_write_ends_the_reading_process(cli, tmp_path, forked, monkeypatch):
    import multiprocessing
    import threading

    from xinfang.ledger import importer

    def broken(self, batch):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(importer.CaseWriter, "write", broken)
    monkeypatch.setattr(importer, "BATCH", 100)
    path = tmp_path / "rows.csv"
    write_rows(path, 3000, {})
    before = cli.counts()
    assert cli("import", path).code != 0
    assert cli.counts() == before
    assert multiprocessing.active_children() == []
    assert not [t for t in threading.enumerate() if t.name == "xinfang-import-receiver"]


def test_the_same_file_is_not_imported_twice_by_accident(cli, tmp_path):
    cli.register(received="2026-11-02")
    path = tmp_path / "cases.csv"
    assert cli("export", "--reveal", "-o", path).code == 0
    assert cli.ok("import", path, "--again")  # its own case again: a new letter["imported"] == 1
    before = cli.counts()
    res = cli("import", path)
    assert res.code == 1 and "此前已于" in res.err and "案件 1 件" in res.err and "--again" in res.err
    assert cli.counts() == before
    # the same content under another name: the file it came in under is named, in Chinese
    other = tmp_path / "副本.csv"
    other.write_bytes(path.read_bytes())
    res = cli("import", other)
    assert res.code == 1 and "副本.csv 的内容此前已于" in res.err and "（cases.csv：案件 1 件" in res.err
    assert "cases " not in res.err
    assert cli.ok("import", path, "--again")["imported"] == 1


def test_imported_city_level_cases_are_charged_to_the_officials(cli, tmp_path):
    cli.ok("officials", "add", "--township", "车桥镇", "--role", "secretary", "--name", "周书记", "--from", "2026-01-01")
    cli.ok("deposits", "pay", "--official", "周书记", "--amount", "10000", "--on", "2026-01-05")
    source = tmp_path / "source.db"
    from tests.conftest import CLI

    other = CLI(source, cli.capsys)
    assert other("init").code == 0
    other.register(received="2026-11-02", level="city")
    path = tmp_path / "city.csv"
    assert other("export", "--reveal", "-o", path).code == 0
    cli.ok("import", path)
    statement = {r["official"]: r for r in cli.ok("deposits", "statement", "--year", "2026")}
    assert statement["周书记"]["deducted"] == 500
