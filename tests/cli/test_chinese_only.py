"""In Chinese (the default) a clerk reads no English: every help screen, the usual mistakes and
refusals, the warnings, a case's history and the audit are checked word by word. An English word
passes only as data the test typed, a code (an enumeration's key, a command's name), an option's
name or one of the few names below; everything else fails the test, naming the word and the line.

Driven through the installed ``xinfang`` command in fresh processes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from xinfang import model

XINFANG = str(Path(sys.executable).with_name("xinfang"))

# Names that stay as they are in Chinese text: formats and programs, the environment's variables,
# the date pattern, the shells, the two language codes. Nothing else.
NAMES = {
    "xinfang", "BOM", "CSV", "csv", "UTF", "JSON", "json", "HTML", "html", "TOML", "xlsx", "docx", "md", "yml",
    "Markdown", "SQLite", "GB", "Excel", "WPS", "Word", "Chrome", "Chromium", "chromium", "Edge", "Datasette",
    "datasette", "chinesecalendar", "LANG", "XINFANG_DB", "XINFANG_LANG", "XINFANG_TODAY", "XINFANG_USER",
    "XINFANG_DEBUG", "XINFANG_BUSY_TIMEOUT", "LC_ALL", "SHELL", "YYYY-MM", "zh", "en", "bash", "zsh", "fish",
}
# What the tests below type and expect to see echoed back.
TYPED = {"rnak", "abc", "fr"}
# Codes a clerk types or reads as keys: every enumeration's key, the bundled categories, the
# file and form formats, the roster's CSV headings, the calendar's sources and the policy's keys.
CODES = {m.value for e in vars(model).values() if isinstance(e, type) and issubclass(e, model.Labeled)
         and e is not model.Labeled for m in e}
CODES |= {"compensation", "homestead", "ownership", "illegal_use", "demolition", "other", "assignment", "handling",
          "township", "area", "population", "official", "ledger", "none", "review_body", "rereview_body", "data"}
CODES |= {"name", "days", "workdays", "holidays"}  # a holiday year file's keys, as the clerk types them


def _commands() -> set[str]:
    import typer.main

    from xinfang.cli import _register_commands, app

    _register_commands()
    names = set()

    def walk(cmd):
        for name, sub in (getattr(cmd, "commands", None) or {}).items():
            names.add(name)
            walk(sub)

    walk(typer.main.get_command(app))
    return names


COMMANDS = _commands()


def english_words(output: str) -> list[str]:
    """The English words of ``output`` that are none of: an option, a file name, a code, a name."""
    found = []
    for line in output.splitlines():
        text = re.sub(r"(?<![\w-])--?[A-Za-z][\w-]*", " ", line)  # option names
        text = re.sub(r"[\w.~-]*/[\w./-]+", " ", text)  # paths (data/holidays/README.md)
        text = re.sub(r"[\w.-]+\.(?:db|toml|csv|xlsx|html|docx|md|yml|json|pdf)\b", " ", text)  # file names
        text = re.sub(r"\b[0-9a-f]{16,}\b", " ", text)  # digests (the chain head)
        for word in re.findall(r"[A-Za-z][A-Za-z_-]*[A-Za-z]|[A-Za-z]", text):
            if len(word) > 1 and word not in NAMES | CODES | COMMANDS | TYPED:
                found.append(f"{word!r} in {line.strip()!r}")
    return found


def run(db: Path, *argv: str, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("XINFANG_LANG", "LC_ALL", "LC_MESSAGES")}
    if "stdout" not in kw:
        kw["capture_output"] = True
    else:
        kw["stderr"] = subprocess.PIPE
    return subprocess.run([XINFANG, "--db", str(db), "--today", "2026-11-26", "--user", "科员", *argv],
                          text=True, timeout=60, env={**base, "LANG": "C.UTF-8", "COLUMNS": "100", **(env or {})}, **kw)


def chinese(proc: subprocess.CompletedProcess) -> None:
    words = english_words((proc.stdout or "") + proc.stderr)
    assert words == [], "\n".join(words)


def test_the_word_check_catches_english_and_passes_codes_and_options():
    assert english_words("错误：--township: unknown township '车挢'") == [
        "'unknown' in \"错误：--township: unknown township '车挢'\""]
    assert english_words("用 --channel visit 或 xinfang register；文件 台账.xlsx，CSV 带 BOM") == []
    assert english_words("Usage: xinfang [OPTIONS]") != []


def test_every_help_screen_is_chinese(tmp_path):
    import typer.main

    from xinfang.cli import _register_commands, app

    _register_commands()
    paths = [[]]

    def walk(cmd, path):
        for name, sub in (getattr(cmd, "commands", None) or {}).items():
            paths.append(path + [name])
            walk(sub, path + [name])

    walk(typer.main.get_command(app), [])
    for path in paths:
        proc = run(tmp_path / "none.db", *path, "--help")
        assert proc.returncode == 0, path
        chinese(proc)
    assert not (tmp_path / "none.db").exists()


@pytest.fixture(scope="module")
def ledger(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("zh") / "台账.db"
    assert run(db, "init").returncode == 0
    return db


REGISTER = ["register", "--received", "2026-11-02", "--channel", "来访", "--township", "车桥镇", "--name", "张三",
            "--category", "征地补偿", "--summary", "征地补偿款未足额到位"]


def test_registering_and_its_warnings_are_chinese(ledger):
    proc = run(ledger, *REGISTER, "--kind", "检举控告类", "--again")
    assert proc.returncode == 0, proc.stderr
    assert "--accused" in proc.stderr  # the accused is not named: a warning
    chinese(proc)
    proc = run(ledger, "accept", "2026-00001", "--told", "书面", "--on", "2026-11-04")
    assert proc.returncode == 0 and "暂定" in proc.stderr  # a due date in a year with no official schedule
    chinese(proc)


MISTAKES = [
    ["register"],  # a missing option
    ["cases", "--bogus"],
    ["rnak"],
    ["cases", "--limit", "abc"],
    ["cases", "--township", "车挢"],  # an unknown township
    [*REGISTER[:2], "2026-02-30", *REGISTER[3:]],  # a date that does not exist
    [*REGISTER[:2], "下周", *REGISTER[3:]],
    [*REGISTER[:4], "信件", *REGISTER[5:]],
    ["resolve", "2026-00001", "--outcome", "支持", "--summary", "已解决"],  # lifecycle refusals
    ["reply", "2026-00001", "--summary", "已答复"],
    ["extend", "2026-00001", "--clock", "受理告知", "--days", "3", "--reason", "核实", "--approved-by", "王局长"],
    ["review", "2026-00001", "--reason", "不服"],
    ["show", "2026-99999"],
    ["--lang", "fr", "cases"],
    ["init"],  # the commands' own refusals
    ["rank", "--month", "2026-12"],
    ["stats", "--month", "2026-10", "--year", "2026"],
    ["stats", "--year", "1900"],
    ["stats", "--year", "2030"],  # a year, a month not begun
    ["stats", "--month", "2027-01"],
    ["rewards", "--year", "2030"],
    ["deposits", "statement", "--year", "2099"],
    ["export", "--format", "abc"],
    ["export", "--format", "xlsx"],
    ["form", "2026-00001", "--kind", "abc"],
    ["overdue", "-o", "督办单.html"],
    ["overdue", "--letter", "-o", "督办单.pdf"],
    ["db", "backup", "没有这个文件夹/备份.db"],
]


@pytest.mark.parametrize("argv", MISTAKES, ids=[" ".join(a[:3]) for a in MISTAKES])
def test_a_mistake_is_told_in_chinese(ledger, argv):
    proc = run(ledger, *argv)
    assert proc.returncode in (1, 2) and proc.stderr.startswith("错误："), proc.stderr
    chinese(proc)


def test_a_case_with_history_and_the_audit_are_chinese(ledger):
    proc = run(ledger, "accept", "2026-00001", "--told", "书面")
    assert proc.returncode == 1  # accepted once already
    chinese(proc)
    proc = run(ledger, "show", "2026-00001")
    assert proc.returncode == 0 and "自 2026-11-02 起 15 个自然日" in proc.stdout and "按期" in proc.stdout
    assert "信访人：张三" in proc.stdout and "{" not in proc.stdout  # the registration as fields, not JSON
    chinese(proc)
    proc = run(ledger, "audit", "verify")
    assert proc.returncode == 0 and "办理记录" in proc.stdout
    chinese(proc)


def test_an_extension_and_an_evaluation_read_in_chinese_in_the_history_and_on_the_form(tmp_path):
    db = tmp_path / "台账.db"
    assert run(db, "init").returncode == 0
    steps = [REGISTER, ["accept", "2026-00001", "--told", "书面", "--on", "2026-11-03"],
             ["assign", "2026-00001", "--unit", "车桥镇", "--leader", "李四", "--on", "2026-11-04"],
             ["extend", "2026-00001", "--days", "30", "--reason", "情况复杂", "--approved-by", "王主任", "--on",
              "2026-11-20", "--told-on", "2026-11-21"],
             ["evaluate", "2026-00001", "--stage", "受理", "--result", "满意", "--via", "当面", "--on", "2026-11-22"]]
    for argv in steps:
        proc = run(db, *argv)
        assert proc.returncode == 0, (argv, proc.stderr)
    shown = run(db, "show", "2026-00001", env={"COLUMNS": "300"})
    assert "延期 30 日，2026-11-20 由王主任批准，2026-11-21 告知信访人：情况复杂" in shown.stdout
    assert "2026-11-22，当面" in shown.stdout
    chinese(shown)
    english = run(db, "--lang", "en", "show", "2026-00001", env={"COLUMNS": "300"}).stdout
    assert "+30 days approved 2026-11-20 by 王主任, petitioner told 2026-11-21: 情况复杂" in english
    assert "2026-11-22, in person" in english
    form = tmp_path / "处理表.html"
    assert run(db, "form", "2026-00001", "--kind", "handling", "-o", str(form)).returncode == 0
    page = form.read_text(encoding="utf-8")
    assert "in_person" not in page and "approved" not in page


def test_a_missing_ledger_is_told_in_chinese(tmp_path):
    proc = run(tmp_path / "没有.db", "cases")
    assert proc.returncode == 1 and proc.stderr.startswith("错误：--db: 没有台账"), proc.stderr
    chinese(proc)
    assert not (tmp_path / "没有.db").exists()


def test_the_ledger_refusals_are_told_in_chinese(ledger, tmp_path):
    """Import files, deposits and officials: their refusals come from the catalogue too."""
    empty = tmp_path / "空.csv"
    empty.write_text("", encoding="utf-8")
    odd = tmp_path / "多列.csv"
    odd.write_text("登记日期,备注栏,形式\n2026-10-01,x,来信\n", encoding="utf-8")
    (tmp_path / "案件.json").write_text("x", encoding="utf-8")
    cases = [
        (["import", str(tmp_path / "没有.csv")], "没有文件"),
        (["import", str(tmp_path / "案件.json")], "只能读取 .csv 和 .xlsx 文件"),
        (["import", str(empty)], "是空文件"),
        (["import", str(odd)], "无法识别的列"),
        (["deposits", "pay", "--official", "无此人", "--amount", "100", "--on", "2026-11-01"], "没有名为"),
        (["deposits", "settle", "--yes", "--year", "2026"], "尚未结束"),
        (["officials", "add", "--township", "车桥镇", "--role", "head", "--name", "李四", "--from", "2026-01-01",
          "--to", "2025-12-01"], "早于 --from"),
        (["sanctions", "confirm", "--yes", "chronic:车桥镇:2026-01-01"], "没有制裁"),
        (["report", "--month", "2026-12"], "尚未开始"),
        (["rank", "--month", "2026-11", "--publish", "--yes"], "尚未结束"),
    ]
    for argv, said in cases:
        proc = run(ledger, *argv)
        assert proc.returncode == 1 and proc.stderr.startswith("错误：") and said in proc.stderr, (argv, proc.stderr)
        chinese(proc)


def test_a_bad_holiday_year_file_is_told_in_chinese(ledger, tmp_path):
    """'calendar load' of a year file with a mistake names the file, the holiday and the fix in Chinese."""
    files = {
        "周中调休.toml": ('year = 2027\n[[holidays]]\nname = "春节"\ndays = ["2027-02-06"]\nworkdays = ["2027-02-03"]\n',
                     "春节：调休上班日 2027-02-03 是周三，不是周六或周日"),
        "无名.toml": ('year = 2027\n[[holidays]]\ndays = ["2027-01-01"]\n', "第 1 个节假日缺少名称"),
        "坏日期.toml": ('year = 2027\n[[holidays]]\nname = "元旦"\ndays = ["2027-13-01"]\n', "格式的日期"),
        "语法.toml": ('year = 2027\n[[holidays]\nname = "元旦"\n', "不是有效的 TOML 文件（第 2 行第 11 列附近有语法错误）"),
    }
    for name, (body, said) in files.items():
        (tmp_path / name).write_text(body, encoding="utf-8")
        proc = run(ledger, "calendar", "load", str(tmp_path / name))
        assert proc.returncode == 1 and proc.stderr.startswith("错误：") and said in proc.stderr, proc.stderr
        assert "请改正该年度文件" in proc.stderr
        chinese(proc)


BAD_IMPORT = [["2026-10-01", "来信", "火星镇", "甲", "", "1", "区", "征地补偿", "x"],
              ["2026-12-01", "来信", "车桥镇", "丙", "", "0", "区", "征地补偿", "x"],
              ["2026-10-01", "来信", "车桥镇", "乙", "3.20803E+17", "1", "区", "征地补偿", "x"],
              ["2026-10-01", "来信", "车桥镇", "丁", "320803********0016", "1", "区", "征地补偿", ""]]
IMPORT_HEADER = ["登记日期", "形式", "属地", "信访人", "身份证号", "人数", "层级", "内容分类", "摘要"]


def test_an_import_with_bad_rows_is_told_row_by_row_in_the_users_language(ledger, tmp_path):
    """Each bad row of a GBK CSV (Excel's plain CSV) or an xlsx workbook: its row number, the column
    as the file heads it, what is wrong and the fix, in Chinese; in English with --lang en; the
    stable codes and column keys with --json. Nothing is imported."""
    from openpyxl import Workbook

    gbk = tmp_path / "坏行.csv"
    gbk.write_bytes("\n".join(",".join(r) for r in [IMPORT_HEADER, *BAD_IMPORT]).encode("gb18030") + b"\n")
    xlsx = tmp_path / "坏行.xlsx"
    wb = Workbook()
    for row in [IMPORT_HEADER, *BAD_IMPORT]:
        wb.active.append(row)
    wb.save(xlsx)
    for path in (gbk, xlsx):
        proc = run(ledger, "import", str(path))
        assert proc.returncode == 1, proc.stderr
        rows = [line for line in proc.stderr.splitlines() if line.startswith("第")]
        assert rows[0] == "第 2 行：属地：未知乡镇 '火星镇'；是否要用 马甸镇、顺河镇、钦工镇？"
        assert rows[1] == ("第 3 行：登记日期：2026-12-01 晚于今天（2026-11-26）；给出实际发生的日期。"
                           "人数：0 超出范围；给出 1 至 100000 的整数")
        assert rows[2].startswith("第 4 行：身份证号：3.20803E+17 已被 Excel 转成数字")
        assert rows[3] == ("第 5 行：摘要：不能为空；给 摘要 一个取值。"
                           "身份证号：320803********0016 已脱敏，不能导入；请用 --reveal 重新导出该文件")
        assert proc.stderr.splitlines()[-1].startswith(f"错误：{path.name}：共 4 行，其中 4 行有误，未导入任何案件")
        chinese(proc)
    proc = run(ledger, "--lang", "en", "import", str(gbk))
    assert proc.returncode == 1
    assert "row 3: 登记日期 (received): 2026-12-01 is after today (2026-11-26); give the date it actually happened" \
        in proc.stderr
    assert "身份证号 (ID number): 320803********0016 is masked and cannot be imported" in proc.stderr
    proc = run(ledger, "import", str(gbk), "--json")
    assert proc.returncode == 1
    import json

    doc = json.loads(proc.stdout)
    assert doc["imported"] == 0 and doc["bad"] == 4
    assert [(r["row"], [(p["column"], p["code"]) for p in r["problems"]]) for r in doc["rows"]] == [
        (2, [("township", "parse.unknown.townships")]),
        (3, [("received", "lifecycle.after_today"), ("people", "parse.count_out_of_range")]),
        (4, [("id_number", "import.excel_number")]),
        (5, [("summary", "parse.empty"), ("id_number", "import.masked")])]
    assert run(ledger, "cases", "--json").stdout.count('"case"') <= 1  # nothing imported


def one_error_line(proc: subprocess.CompletedProcess, said: str, prefix: str = "错误：") -> None:
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.startswith(prefix) and proc.stderr.count("\n") == 1 and said in proc.stderr, proc.stderr


def test_a_locked_ledger_is_one_line_in_the_users_language(ledger):
    """Another program holds the write lock past the wait: one line saying so and what to do, no
    SQLite English, nothing written."""
    import sqlite3

    holder = sqlite3.connect(ledger, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        wait = {"XINFANG_BUSY_TIMEOUT": "0.2"}
        proc = run(ledger, *REGISTER, "--again", env=wait)
        one_error_line(proc, "--db: 台账正被另一个命令或程序写入，等待超时，未作任何更改；请稍后重试")
        chinese(proc)
        proc = run(ledger, "--lang", "en", *REGISTER, "--again", env=wait)
        one_error_line(proc, "another command or program is writing the ledger", "Error: ")
    finally:
        holder.close()
    proc = run(ledger, "cases", env={"XINFANG_BUSY_TIMEOUT": "soon"})
    one_error_line(proc, "XINFANG_BUSY_TIMEOUT：'soon' 不是 0 至 86400 之间的秒数")


def test_system_errors_are_one_line_in_the_users_language(ledger, tmp_path):
    """A file that is no ledger, a missing file, output to a full disk: the catalogue's words."""
    foreign = tmp_path / "记事.db"
    foreign.write_text("不是数据库", encoding="utf-8")
    proc = run(foreign, "cases")
    one_error_line(proc, "不是可用的台账（不是 SQLite 数据库文件）")
    chinese(proc)
    proc = run(ledger, "calendar", "load", str(tmp_path / "没有.toml"))
    one_error_line(proc, "文件或文件夹不存在")
    chinese(proc)
    if Path("/dev/full").exists():
        with open("/dev/full", "w") as full:
            proc = run(ledger, "cases", stdout=full)
        one_error_line(proc, "磁盘已满；请腾出磁盘空间后重试")
        chinese(proc)
    if os.geteuid() != 0:  # the superuser may write anywhere
        locked = tmp_path / "只读"
        locked.mkdir(mode=0o555)
        proc = run(ledger, "export", "-o", str(locked / "台账.csv"))
        one_error_line(proc, "没有权限")
        chinese(proc)


def test_a_full_disk_under_sqlite_is_worded_from_the_catalogue(tmp_path):
    """SQLite's 'database or disk is full' (a real one: the file at its page limit) reaches the
    clerk as the catalogue's sentence in either language, with the fix."""
    import sqlite3

    from xinfang.errors import system_refusal

    conn = sqlite3.connect(tmp_path / "满.db", isolation_level=None)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("PRAGMA max_page_count = 3")
    with pytest.raises(sqlite3.OperationalError) as full:
        conn.execute("INSERT INTO t VALUES (randomblob(100000))")
    conn.close()
    refusal = system_refusal(full.value, "--db")
    assert refusal.worded("zh") == "--db: 磁盘已满，台账未能写入，未作任何更改；请腾出磁盘空间后重试"
    assert refusal.worded("en") == "--db: the disk is full: nothing was written to the ledger; free some space and try again"


def test_db_check_and_the_audit_of_a_tampered_ledger_are_chinese(tmp_path):
    """'db check' says 正常, not ok; a ledger changed behind its back is reported finding by finding
    in Chinese (the tables, the rows, what is wrong), in English with --lang en."""
    import sqlite3

    db = tmp_path / "改动.db"
    assert run(db, "init").returncode == 0
    assert run(db, *REGISTER, "--again").returncode == 0
    proc = run(db, "db", "check")
    assert proc.returncode == 0 and proc.stdout.startswith("SQLite 完整性：正常\n外键：正常\n台账完整"), proc.stdout
    chinese(proc)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE cases SET name = '李四'")
    conn.execute("DELETE FROM units WHERE rowid = (SELECT min(rowid) FROM units)")
    conn.commit()
    conn.close()
    for argv in (["audit", "verify"], ["db", "check"]):
        proc = run(db, *argv)
        assert proc.returncode == 1 and "案件 2026-00001：信访人为 '李四'，但历史记录为 '张三'" in proc.stdout, proc.stdout
        assert "单位：内容与历史记录中最后一次封存不同" in proc.stdout
        assert proc.stderr.startswith("错误：台账未通过审计")
        chinese(proc)
    proc = run(db, "--lang", "en", "audit", "verify")
    assert "cases 2026-00001: name is '李四' but its history says '张三'" in proc.stdout


@pytest.mark.parametrize("argv", [["rank", "--month", "2026-10"], ["cases"], ["sanctions"], ["overdue"],
                                  ["calendar", "show", "2026"], ["deposits", "statement"], ["stats", "--year", "2026"]],
                         ids=lambda a: " ".join(a[:2]))
def test_the_listings_are_chinese(ledger, argv):
    """The listings a clerk reads every day, on a ledger with a case: no English (the ranking's
    formula in its Chinese half only: the published document keeps both)."""
    proc = run(ledger, *argv)
    assert proc.returncode == 0, proc.stderr
    chinese(proc)


def test_what_the_system_says_of_a_file_is_worded_from_the_catalogue():
    """The errors a clerk meets (no access, no such file, no room): the catalogue's sentence and
    fix in either language, named by the file; an error it has no words for keeps the system's."""
    import errno

    from xinfang.errors import system_refusal

    denied = PermissionError(errno.EACCES, os.strerror(errno.EACCES), "台账.db")
    assert system_refusal(denied).worded("zh") == "台账.db: 没有权限；请检查该文件及其所在文件夹的权限，或换一个位置"
    assert system_refusal(denied).worded("en").startswith("台账.db: permission denied; check the permissions")
    missing = FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), "没有/台账.db")
    assert system_refusal(missing).worded("zh") == "没有/台账.db: 文件或文件夹不存在；请检查路径"
    odd = OSError(errno.EXDEV, os.strerror(errno.EXDEV), "x")
    assert system_refusal(odd).worded("zh").startswith(f"x: {os.strerror(errno.EXDEV)}；")
