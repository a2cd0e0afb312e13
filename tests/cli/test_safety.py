"""Safety of what xinfang writes and shows, through the real command on a real ledger: files are
never replaced without --force (and never the ledger, a device or a folder), no spreadsheet cell
becomes a formula, no name can drive the terminal or Rich's markup, and personal data is masked
unless revealed, each reveal recorded in the history."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import stat

import pytest

from tests.conftest import CLI
from xinfang.cli import run

FORMULA = '=HYPERLINK("http://e.test","x")'
PERSON_ID = "11010519491231002X"
PHONE = "13812345678"


def files_in(folder) -> set[str]:
    return {p.name for p in folder.iterdir()}


def one_error_line(res, *words: str) -> None:
    assert res.code == 1, res.out + res.err
    assert res.err.count("\n") == 1 and res.err.startswith(("错误：", "Error: ")), res.err
    for w in words:
        assert w in res.err, res.err


# -- 1. files are never replaced without --force ---------------------------------------------------

@pytest.mark.parametrize("command", [
    ["report", "--month", "2026-11"],
    ["form", "2026-1"],
    ["export", "--format", "csv"],
])
def test_an_existing_file_is_replaced_only_with_force(cli, tmp_path, command):
    cli.register()
    target = tmp_path / "mine.out"
    target.write_text("the clerk's own file")
    before = cli.counts()
    res = cli(*command, "-o", target)
    one_error_line(res, "-o", "--force")
    assert target.read_text() == "the clerk's own file" and cli.counts() == before
    assert cli(*command, "-o", target, "--force").code == 0
    assert target.read_text() != "the clerk's own file"
    assert not [n for n in files_in(tmp_path) if n.startswith(".mine.out")]  # no temporary file left


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_the_ledger_and_its_wal_and_shm_are_never_written(cli, tmp_path, suffix):
    cli.register()
    cli("cases")  # the WAL files exist while a ledger is in use
    target = tmp_path / f"ledger.db{suffix}"
    target.touch(exist_ok=True)
    for command in (["report", "--month", "2026-11"], ["form", "2026-1"], ["export", "--format", "csv"]):
        res = cli(*command, "-o", target, "--force")
        one_error_line(res, "-o")
    link = tmp_path / "alias.md"
    link.symlink_to(tmp_path / "ledger.db")
    one_error_line(cli("report", "--month", "2026-11", "-o", link, "--force"), "-o")
    assert cli.ok("cases")[0]["case"] == "2026-00001"  # still a ledger


def test_devices_folders_fifos_and_links_to_them_are_never_written(cli, tmp_path):
    cli.register()
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    folder = tmp_path / "folder"
    folder.mkdir()
    to_null = tmp_path / "null.md"
    to_null.symlink_to("/dev/null")
    dangling = tmp_path / "dangling.md"
    dangling.symlink_to(tmp_path / "nowhere" / "x.md")
    for target in (fifo, folder, to_null, dangling, "/dev/null"):
        for command in (["report", "--month", "2026-11"], ["form", "2026-1"], ["export", "--format", "csv"]):
            one_error_line(cli(*command, "-o", target, "--force"), "-o")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and folder.is_dir() and os.readlink(to_null) == "/dev/null"
    one_error_line(cli("report", "--month", "2026-11", "-o", tmp_path / "none" / "b.md"), "-o")


def test_a_folder_given_for_a_file_is_named_as_a_folder(cli, tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    written = cli("export", "--format", "csv", "-o", folder)
    assert written.code == 1 and "是文件夹" in written.err and f"-o {folder}/文件名" in written.err
    read = cli("import", folder)
    assert read.code == 1 and "是文件夹" in read.err and "没有文件" not in read.err


def test_a_users_part_file_is_kept_and_no_temporary_file_is_left(cli, tmp_path):
    cli.register()
    part = tmp_path / "b.md.part"
    part.write_text("my notes")
    xpart = tmp_path / "cases.csv.part"
    xpart.write_text("more notes")
    assert cli("report", "--month", "2026-11", "-o", tmp_path / "b.md").code == 0
    assert cli("export", "-o", tmp_path / "cases.csv").code == 0
    assert part.read_text() == "my notes" and xpart.read_text() == "more notes"
    assert not [n for n in files_in(tmp_path) if n.startswith(".")]


def test_revealed_files_are_private_whatever_the_umask(cli, tmp_path):
    cli.register(id_number=PERSON_ID, phone=PHONE)
    old = os.umask(0o022)
    try:
        assert cli("form", "2026-1", "-o", tmp_path / "masked.html").code == 0
        assert cli("form", "2026-1", "-o", tmp_path / "revealed.html", "--reveal").code == 0
        assert cli("export", "-o", tmp_path / "revealed.csv", "--reveal").code == 0
        os.umask(0o077)
        assert cli("report", "--month", "2026-11", "-o", tmp_path / "strict.md").code == 0
    finally:
        os.umask(old)
    mode = {n: stat.S_IMODE(os.stat(tmp_path / n).st_mode) for n in
            ("masked.html", "revealed.html", "revealed.csv", "strict.md")}
    assert mode == {"masked.html": 0o644, "revealed.html": 0o600, "revealed.csv": 0o600, "strict.md": 0o600}
    assert PERSON_ID in (tmp_path / "revealed.html").read_text(encoding="utf-8")


def test_file_errors_follow_the_language(cli, tmp_path):
    cli.register()
    target = tmp_path / "b.md"
    target.write_text("x")
    one_error_line(cli("report", "--month", "2026-11", "-o", target, lang="en"), "already exists", "--force")
    one_error_line(cli("report", "--month", "2026-11", "-o", target), "已存在", "--force")


# -- 2. no cell becomes a formula ------------------------------------------------------------------

def test_csv_listings_escape_formula_texts(cli):
    cli.register(name=FORMULA, summary="-3号 补偿", address="@村")
    cli.ok("assign", "2026-1", "--unit", "车桥镇", "--leader", "+李四", "--on", "2026-11-03")
    rows = list(csv.DictReader(io.StringIO(cli("cases", "--csv", lang="en").out.removeprefix("\ufeff"))))
    assert rows[0]["name"] == "'" + FORMULA and rows[0]["summary"] == "'-3号 补偿"
    assert rows[0]["address"] == "'@村" and rows[0]["leader"] == "'+李四" and rows[0]["people"] == "1"
    overdue = list(csv.DictReader(io.StringIO(cli("overdue", "--on", "2026-12-30", "--csv").out)))
    assert overdue and all(not v.startswith(("=", "+", "-", "@")) for r in overdue for v in r.values())
    assert any(v == "'+李四" for r in overdue for v in r.values())


def test_deposit_statement_csv_escapes_an_official_named_like_a_formula(cli):
    assert cli("officials", "add", "--township", "车桥镇", "--role", "secretary", "--name", "=1+1",
               "--from", "2026-01-01", "--json").code == 0
    cli.ok("deposits", "pay", "--official", "=1+1", "--amount", "10000", "--on", "2026-01-15")
    rows = list(csv.DictReader(io.StringIO(cli("deposits", "statement", "--year", "2026", "--csv", lang="en").out.removeprefix("\ufeff"))))
    assert rows[0]["official"] == "'=1+1" and float(rows[0]["paid"]) == 10000


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_round_trips_texts_that_look_like_formulas(cli, tmp_path, capsys, fmt):
    names = [FORMULA, "-3号", "'quoted", "''twice", "@home", "+86"]
    for name in names:
        cli.register(name=name, summary=name + " 摘要", id_number=PERSON_ID)
    path = tmp_path / f"cases.{fmt}"
    assert cli("export", "--reveal", "-o", path).code == 0
    if fmt == "xlsx":
        from openpyxl import load_workbook

        ws = load_workbook(path).active
        cells = [c for row in ws.iter_rows(min_row=2) for c in row]
        assert not [c.coordinate for c in cells if c.data_type == "f"]
        assert any(c.value == "'" + FORMULA for c in cells)
        assert any(isinstance(c.value, int) for c in cells)  # people stays a number
    other = CLI(tmp_path / "other.db", capsys)
    assert other("init").code == 0
    assert other("import", path).code == 0
    assert [r["name"] for r in other.ok("cases")] == names


def test_bulletin_workbook_has_no_formulas_and_markdown_escapes_data(cli, tmp_path):
    for role, name in (("secretary", '=HYPERLINK("x")'), ("head", "<img src=x onerror=alert(1)>*周*")):
        assert cli("officials", "add", "--township", "车桥镇", "--role", role, "--name", name,
                   "--from", "2026-01-01", "--json").code == 0
        cli.ok("deposits", "pay", "--official", name, "--amount", "10000", "--on", "2026-01-15")
    cli.register(level="city", people=6)
    book = tmp_path / "b.xlsx"
    assert cli("report", "--month", "2026-11", "-o", book).code == 0
    from openpyxl import load_workbook

    wb = load_workbook(book)
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert any(c.value == "'=HYPERLINK(\"x\")" for c in cells)
    md = cli("report", "--month", "2026-11").out
    assert "<img" not in md and "&lt;img src=x onerror=alert(1)>\\*周\\*" in md


# -- 3. nothing reaches the terminal that could drive it -------------------------------------------

def test_rich_markup_in_a_leader_is_shown_literally(cli):
    cli.register()
    cli.register(received="2026-11-03", name="李五")
    cli.ok("assign", "2026-1", "--unit", "车桥镇", "--leader", "[/x]", "--on", "2026-11-03")
    cli.ok("assign", "2026-2", "--unit", "车桥镇", "--leader", "[link=http://e.test]李四[/link]", "--on", "2026-11-03")
    res = cli("overdue", "--on", "2026-12-30")
    assert res.code == 0, res.err
    assert "[/x]" in res.out and "[link=http://e.test]李四[/link]" in res.out and "\x1b]8" not in res.out
    shown = cli("show", "2026-2")
    assert shown.code == 0 and "[link=http://e.test]李四[/link]" in shown.out


def test_control_characters_in_names_are_made_visible(cli):
    cli.register(name="王\u009b2J\u009d0;x\u202e五", summary="摘要\u2066x\u2069")
    for command in (["show", "2026-1"], ["cases"]):
        res = cli(*command)
        assert res.code == 0, res.err
        assert not any(c in res.out for c in "\u009b\u009d\u202e\u2066\u2069\x1b"), repr(res.out)
        assert "\\u009b" in res.out and "\\u202e" in res.out


def test_user_name_is_validated(tmp_path, capsys, monkeypatch):
    c = CLI(tmp_path / "ledger.db", capsys)
    assert c("init").code == 0
    for user in ("a\x1b]0;owned\x07", "x" * 51, "李\u009b四", "   "):
        assert run(["--db", str(c.db), "--user", user, "cases"]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "--user" in err and "\x1b" not in err and "\u009b" not in err
    monkeypatch.setenv("XINFANG_USER", "bad\x1b[2J")
    assert run(["--db", str(c.db), "cases"]) == 1
    assert "XINFANG_USER" in capsys.readouterr().err
    assert run(["--db", str(c.db), "--user", "张 三", "cases"]) == 0


# -- 4. personal data masked unless revealed, and every reveal recorded ----------------------------

def test_correct_masks_old_and_new_numbers_unless_revealed(cli):
    cli.register(id_number=PERSON_ID, phone=PHONE)
    new_id = "110105194912310037"
    from xinfang.parse import id_check_digit

    new_id = new_id[:17] + id_check_digit(new_id[:17])
    res = cli("correct", "2026-1", "--id-number", new_id, "--phone", "13900001111", "--reason", "登记有误", "--json")
    assert res.code == 0, res.err
    assert PERSON_ID not in res.out and new_id not in res.out and "13900001111" not in res.out
    assert "110105********002X" in res.out
    table = cli("correct", "2026-1", "--phone", "13700002222", "--reason", "再改")
    assert table.code == 0 and "13900001111" not in table.out and "13700002222" not in table.out
    shown = cli("show", "2026-1")
    assert PERSON_ID not in shown.out and "13700002222" not in shown.out
    revealed = cli("correct", "2026-1", "--phone", "13600003333", "--reason", "三改", "--reveal", "--json")
    assert "13600003333" in revealed.out and "13700002222" in revealed.out
    assert [r["command"] for r in cli.ok("audit", "reveals")] == ["correct"]


def test_a_mistyped_phone_is_echoed_masked(cli):
    res = cli("register", "--received", "2026-11-02", "--channel", "letter", "--township", "车桥镇", "--name", "张三",
              "--category", "compensation", "--summary", "s", "--phone", "1381234567890x")
    one_error_line(res, "--phone")
    assert "1381234567890x" not in res.err and "138" in res.err


def test_numbers_written_into_free_text_are_masked_unless_revealed(cli, tmp_path):
    """An ID number or a telephone a clerk writes into the summary, the name or the address is
    personal data as the fields are: masked in listings, show, the history, exports and forms."""
    text = f"电话{PHONE} 身份证{PERSON_ID} 座机0517-85912345 地块编号2026110200015"
    case = cli.register(name=PERSON_ID, summary=text, address=f"东村 {PHONE}")["case"]
    cli.ok("correct", case, "--summary", f"改：{PHONE}", "--reason", "摘要录错")
    outputs = [cli("cases", "--json").out, cli("show", case, "--json").out, cli("show", case).out,
               cli("export", "--format", "json").out, cli("export", "--format", "csv").out]
    form = tmp_path / "表.html"
    assert cli("form", case, "-o", form).code == 0
    outputs.append(form.read_text(encoding="utf-8"))
    for out in outputs:
        assert PHONE not in out and PERSON_ID not in out and "85912345" not in out, out[:300]
        assert "2026110200015" in out or "改：" in out  # other numbers as written
    revealed = cli.ok("show", case, "--reveal")
    assert revealed["summary"] == f"改：{PHONE}" and revealed["name"] == PERSON_ID


def test_numbers_in_replies_reasons_and_notes_are_masked_unless_revealed(cli, tmp_path):
    """What a clerk types while handling a case — the reply, a correction's reason and the reply it
    corrects, an extension's reason — holds numbers as the petitioner's fields do: ``show`` (table,
    JSON, CSV) and the handling form mask them, written plainly or as clerks write them (+86,
    spaces, dashes, full-width digits), and --reveal shows them."""
    case = cli.register(received="2026-10-09")["case"]
    cli.ok("assign", case, "--unit", "车桥镇", "--leader", "陈书记", "--on", "2026-10-12")
    cli.ok("reply", case, "--on", "2026-10-20", "--summary", f"已电话联系{PHONE}本人")
    cli.ok("correct", case, "--reply", "已联系本人 +86 139 0000 1111 说明", "--reason", "原号码１３７００００２２２２有误")
    secrets = (PHONE, "139 0000 1111", "１３７００００２２２２")
    outputs = [cli("show", case).out, cli("show", case, "--json").out, cli("show", case, "--csv").out,
               cli("correct", case, "--reply", f"再次联系{PHONE}", "--reason", "补充", "--json").out]
    form = tmp_path / "办理单.html"
    assert cli("form", case, "--kind", "handling", "-o", form).code == 0
    outputs.append(form.read_text(encoding="utf-8"))
    for out in outputs:
        assert not [s for s in secrets if s in out], out[:400]
        assert "138****5678" in out
    revealed = str(cli.ok("show", case, "--reveal"))
    assert all(s in revealed for s in secrets)


def test_numbers_typed_into_the_officials_names_are_masked_unless_revealed(cli, tmp_path):
    """The leader, the review body, the extension's approver and the accused are typed by hand too:
    a telephone typed with a name is masked in show, the listing, the export, the form and the
    Chinese views, as in the petitioner's own fields; --reveal shows it."""
    accused = cli.register(received="2026-10-08", kind="accusation", accused="区国土局刘某13700002222")["case"]
    case = cli.register(received="2026-10-09")["case"]
    cli.ok("accept", case, "--told", "written", "--on", "2026-10-09")
    cli.ok("assign", case, "--unit", "车桥镇", "--leader", "陈书记13900001111", "--on", "2026-10-12")
    cli.ok("extend", case, "--days", "30", "--reason", "需测绘", "--approved-by", "王局长13600003333",
           "--on", "2026-10-20")
    cli.ok("reply", case, "--written", "--on", "2026-10-25", "--received-on", "2026-10-26", "--summary", "已答复")
    cli.ok("resolve", case, "--on", "2026-10-28", "--outcome", "explain", "--summary", "已办结")
    cli.ok("review", case, "--on", "2026-10-30", "--reason", "不服", "--body", "市局信访科13500004444")
    secrets = ("13900001111", "13600003333", "13500004444", "13700002222")
    form = tmp_path / "办理单.html"
    assert cli("form", case, "--kind", "handling", "-o", form).code == 0
    outputs = [cli("show", case).out, cli("show", case, "--json").out, cli("show", accused, "--json").out,
               cli("cases", "--json").out, cli("cases").out, cli("export", "--format", "csv").out,
               cli("export", "--format", "json").out, form.read_text(encoding="utf-8")]
    conn = sqlite3.connect(cli.db)
    try:
        outputs.append(str(conn.execute('SELECT "包案领导" FROM "案件"').fetchall()))
    finally:
        conn.close()
    # the overdue list and the letters to the units name the leader too (the case still open)
    still = cli.register(received="2026-10-01")["case"]
    cli.ok("accept", still, "--told", "written", "--on", "2026-10-01")
    cli.ok("assign", still, "--unit", "车桥镇", "--leader", "陈书记13900001111", "--on", "2026-10-02")
    letters = tmp_path / "督办单.html"
    assert cli("overdue", "--letter", "-o", letters).code == 0
    outputs += [cli("overdue").out, cli("overdue", "--json").out, cli("overdue", "--csv").out,
                letters.read_text(encoding="utf-8")]
    assert "陈书记" in outputs[-1]
    told = cli("register", "--again", "--received", "2026-10-09", "--channel", "letter", "--township", "车桥镇",
               "--name", "丁", "--category", "compensation", "--summary", "举报", "--kind", "accusation",
               "--accused", "孙丙 13700002222")  # the notice of whom the name was matched to
    assert told.code == 0 and "孙丙137****2222" in told.err
    outputs.append(told.out + told.err)
    for out in outputs:
        assert not [s for s in secrets if s in out], out[:400]
    assert "139****1111" in cli("show", case).out
    revealed = cli("export", "--format", "csv", "--reveal").out + str(cli.ok("show", case, "--reveal"))
    assert all(s in revealed for s in secrets)


def test_audit_findings_mask_id_numbers_and_phones(cli):
    cli.register(id_number=PERSON_ID, phone=PHONE)
    conn = sqlite3.connect(cli.db)
    conn.execute("UPDATE cases SET id_number = '110105194912310037', phone = '13900001111'")
    conn.commit()
    conn.close()
    for command in (["audit", "verify"], ["db", "check"]):
        res = cli(*command)
        assert res.code == 1 and "身份证号为" in res.out and "电话为" in res.out
        for secret in (PERSON_ID, "110105194912310037", PHONE, "13900001111"):
            assert secret not in res.out + res.err
        js = cli(*command, "--json")
        assert PERSON_ID not in js.out and "13900001111" not in js.out


def test_every_reveal_is_recorded_and_listed(cli, tmp_path):
    cli.register(id_number=PERSON_ID, phone=PHONE)
    cli.register(received="2026-11-03", name="李四")
    assert PERSON_ID in cli("show", "2026-1", "--reveal").out
    assert PERSON_ID in cli("cases", "--reveal", "--csv").out
    assert cli("form", "2026-1", "--reveal", "-o", tmp_path / "f.html").code == 0
    assert cli("export", "--reveal", "-o", tmp_path / "all.csv").code == 0
    cli("show", "2026-1")  # no reveal: nothing recorded
    reveals = cli.ok("audit", "reveals")
    assert [(r["who"], r["command"], r["cases"]) for r in reveals] == [
        ("tester", "show", ["2026-00001"]), ("tester", "cases", ["2026-00001", "2026-00002"]),
        ("tester", "form", ["2026-00001"]), ("tester", "export", ["2026-00001", "2026-00002"])]
    assert all(r["at"] for r in reveals)
    assert [r["command"] for r in cli.ok("audit", "reveals", "--case", "2026-2")] == ["cases", "export"]
    history = cli.ok("show", "2026-2")["history"]
    assert [(e["action"], e["note"]) for e in history if e["action"] == "reveal"] == [("reveal", "cases"),
                                                                                   ("reveal", "export")]
    table = cli("show", "2026-1")
    assert table.out.count("查看个人信息") == 4
    assert cli.ok("audit", "verify")["ok"] is True  # the reveals are chained like every event
    conn = sqlite3.connect(cli.db)
    assert conn.execute("SELECT count(*) FROM events WHERE action = 'reveal'").fetchone()[0] == 4
    conn.close()


def test_a_refused_reveal_records_nothing(cli, tmp_path):
    cli.register(id_number=PERSON_ID)
    target = tmp_path / "f.html"
    target.write_text("x")
    before = cli.counts()
    one_error_line(cli("form", "2026-1", "--reveal", "-o", target), "-o")
    one_error_line(cli("export", "--format", "csv", "--reveal", "-o", target), "-o")
    assert cli.counts() == before
    assert json.loads(cli("audit", "reveals", "--json").out) == []
