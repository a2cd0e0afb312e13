"""Listings on a clerk's terminal and in a pipe, run as the installed command in its own process.

On a terminal 60, 80 or 120 columns wide (a pseudo-terminal of that size) every line fits, and case
numbers, dates, names and amounts are never broken: a listing too wide for a table becomes records
(``label: value``). Piped, a listing is never folded, whatever its width.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import struct
import subprocess
import sys
import termios

import pytest
from rich.cells import cell_len

from tests.terminal import read_until_closed

WIDTHS = (60, 80, 120)
LONG_SUMMARY = "村民反映征地补偿款未足额发放，" * 12 + "请求依法核查。"


def on_terminal(db, *argv: str, columns: int, lang: str = "zh") -> str:
    """What ``xinfang ARGV`` shows on a terminal ``columns`` wide (escape sequences removed)."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "NO_COLOR": "1", "COLUMNS": str(columns)}
    args = [sys.executable, "-m", "xinfang", "--db", str(db), "--today", "2026-11-26", "--user", "tester",
            "--lang", lang, *argv]
    proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=subprocess.PIPE, env=env)
    os.close(slave)
    data = read_until_closed(master)
    os.close(master)
    assert proc.wait(timeout=60) == 0, proc.stderr.read().decode()
    proc.stderr.close()
    text = data.decode("utf-8").replace("\r\n", "\n")
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)


def piped(db, *argv: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "xinfang", "--db", str(db), "--today", "2026-11-26", "--user",
                           "tester", *argv], capture_output=True, timeout=60, env={**os.environ, "COLUMNS": "80"})
    assert proc.returncode == 0, proc.stderr.decode()
    return proc.stdout.decode("utf-8")


@pytest.fixture
def ledger(cli):
    """A ledger with cases of long and short fields, one assigned and replied."""
    cli.register(name="欧阳春花", summary=LONG_SUMMARY, channel="outreach", point="车桥", received="2026-11-03")
    cli.register(name="李四", township="平桥镇", category="homestead", received="2026-11-05", people=6)
    cli.register(name="王五", township="季桥镇", received="2026-11-06", level="city")
    cli.ok("assign", "2026-1", "--unit", "车桥镇", "--leader", "陈山", "--on", "2026-11-04")
    cli.ok("reply", "2026-1", "--on", "2026-11-06", "--summary", "已核实，正在督促发放" * 5)
    return cli


def assert_fits(text: str, columns: int) -> list[str]:
    lines = text.split("\n")
    too_long = [line for line in lines if cell_len(line) > columns]
    assert not too_long, f"{len(too_long)} lines wider than {columns} columns: {too_long[:2]}"
    return lines


def assert_whole(lines: list[str], values) -> None:
    """Each value is on one line, unbroken."""
    for value in values:
        assert any(value in line for line in lines), f"{value!r} is broken or missing"


@pytest.mark.parametrize("columns", WIDTHS)
def test_cases_fit_the_terminal_with_numbers_dates_and_names_whole(ledger, columns):
    lines = assert_fits(on_terminal(ledger.db, "cases", columns=columns), columns)
    rows = ledger.ok("cases")
    assert_whole(lines, [r["case"] for r in rows] + [r["received"] for r in rows] + [r["name"] for r in rows]
                 + ["下乡接访", "车桥镇", "平桥镇", "陈山"])


def test_a_wide_listing_becomes_records_on_a_narrow_terminal_and_a_table_on_a_wide_one(ledger):
    narrow = on_terminal(ledger.db, "cases", columns=60)
    assert "案号：2026-00001" in narrow and "信访人：欧阳春花" in narrow
    wide = on_terminal(ledger.db, "cases", columns=120)
    header = next(line for line in wide.split("\n") if "案号" in line)
    assert all(word in header for word in ("登记日期", "属地", "信访人", "状态", "包案领导"))
    assert re.search(r"^2026-00002\s+2026-11-05\s+来信\s+平桥镇\s+李四", wide, re.M)


@pytest.mark.parametrize("columns", WIDTHS)
def test_show_folds_the_long_summary_and_keeps_the_case_facts_whole(ledger, columns):
    text = on_terminal(ledger.db, "show", "2026-00001", columns=columns)
    lines = assert_fits(text, columns)
    assert_whole(lines, ["2026-00001", "2026-11-03", "2026-11-04", "欧阳春花", "陈山"])
    # the summary is all there, folded across lines
    assert LONG_SUMMARY in "".join(line.strip() for line in text.split("\n")).replace("摘要", "")


@pytest.mark.parametrize("columns", WIDTHS)
def test_english_listings_fit_too(ledger, columns):
    lines = assert_fits(on_terminal(ledger.db, "cases", columns=columns, lang="en"), columns)
    assert_whole(lines, ["2026-00001", "2026-00003", "2026-11-06", "outreach"])


@pytest.mark.parametrize("columns", WIDTHS)
def test_rank_overdue_and_sanctions_fit(ledger, columns):
    for argv in (["rank", "--month", "2026-11"], ["overdue", "--on", "2026-11-26"], ["sanctions"]):
        lines = assert_fits(on_terminal(ledger.db, *argv, columns=columns), columns)
        if argv[0] == "rank":
            assert_whole(lines, ["车桥镇", "平桥镇", "季桥镇"])


def test_piped_output_is_never_folded(ledger):
    out = piped(ledger.db, "show", "2026-1")
    assert any(LONG_SUMMARY in line for line in out.split("\n")), "the summary is folded in a pipe"
    out = piped(ledger.db, "cases")
    line = next(line for line in out.split("\n") if "2026-00001" in line)
    assert all(v in line for v in ("2026-11-03", "欧阳春花", "车桥镇", "陈山"))
    assert json.loads(piped(ledger.db, "cases", "--json"))[0]["case"] == "2026-00001"


# -- --csv of every listing ------------------------------------------------------------------------

LISTINGS = [("cases",), ("show", "2026-1"), ("overdue", "--on", "2026-11-26"), ("rank", "--month", "2026-11"),
            ("sanctions",), ("townships",), ("units",), ("officials", "list"), ("deposits", "statement", "--year", "2026"),
            ("deposits", "entries", "--year", "2026"), ("rewards", "--year", "2025"), ("audit", "reveals"),
            ("calendar", "show", "2026")]


def _table(text: str) -> list[list[str]]:
    import csv
    import io

    assert text.startswith("\ufeff"), "no BOM: Excel and WPS would show mojibake"
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.mark.parametrize("argv", LISTINGS, ids=lambda a: " ".join(a))
def test_every_listing_has_csv_with_a_bom_and_chinese_labels(ledger, argv):
    ledger.ok("officials", "add", "--township", "车桥镇", "--role", "secretary", "--name", "王书记", "--from", "2026-01-01")
    ledger.ok("deposits", "pay", "--official", "王书记", "--amount", "10000", "--on", "2026-01-15")
    res = ledger(*argv, "--csv")
    assert res.code == 0, res.err
    header, *rows = _table(res.out)
    assert header and all(re.search(r"[\u4e00-\u9fff]", h) for h in header), header
    english = ledger(*argv, "--csv", lang="en")
    assert english.code == 0 and _table(english.out)[0] and all(re.fullmatch(r"[a-z_]+", h) for h in _table(english.out)[0])


def test_csv_values_are_worded_in_the_chosen_language(ledger):
    from xinfang.model import Status

    header, *rows = _table(ledger("cases", "--csv").out)
    first = dict(zip(header, rows[0]))
    assert first["案号"] == "2026-00001" and first["形式"] == "下乡接访" and first["内容分类"] == "征地补偿"
    assert first["重大"] == "否" and first["包案领导"] == "陈山"
    assert [dict(zip(header, r))["状态"] for r in rows] == [Status(r["status"]).zh for r in ledger.ok("cases")]
    header, *rows = _table(ledger("cases", "--csv", lang="en").out)
    first = dict(zip(header, rows[0]))
    assert first["case"] == "2026-00001" and first["channel"] == "outreach" and first["category"] == "compensation"
    header, *rows = _table(ledger("rank", "--month", "2026-11", "--csv").out)
    row = dict(zip(header, next(r for r in rows if "平桥镇" in r)))
    assert row["集体访"] == "1" and row["状态"] == "暂定"  # a count of collective cases, not a yes/no


def test_a_ranking_wider_than_its_headings_allow_takes_two_line_headings_not_records(ledger):
    wide = on_terminal(ledger.db, "rank", "--month", "2026-11", columns=120)
    lines = assert_fits(wide, 120)
    rule = next(i for i, line in enumerate(lines) if line.startswith("────"))
    assert 1 <= rule <= 3 and "名次" in lines[rule - 1] + lines[rule - 2]  # a table: headings above one rule
    assert re.search(r"^\s+\d+\s+(车桥镇|平桥镇|季桥镇)\s", lines[rule + 1])
    assert_whole(lines, ["车桥镇", "平桥镇", "季桥镇"])
