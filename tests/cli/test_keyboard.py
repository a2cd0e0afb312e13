"""At the keyboard: the installed command under a pseudo-terminal asks for what is missing and
confirms what cannot be undone; the same command in a script refuses instead."""

from __future__ import annotations

import json
import os
import pty
import shutil
import sqlite3
import subprocess
import sys

import pytest

from tests.terminal import read_until_closed

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="pseudo-terminals need fork")


def command() -> list[str]:
    exe = shutil.which("xinfang")
    return [exe] if exe else [sys.executable, "-m", "xinfang"]


def at_terminal(db, *args: str, typed: tuple[str, ...] = ()) -> tuple[int, str]:
    """Run ``xinfang --db DB ARGS`` with a pseudo-terminal as its stdin and stdout; the lines in
    ``typed`` are typed ahead (the terminal holds them until each question reads one)."""
    env = {**os.environ, "XINFANG_TODAY": "2026-11-26", "XINFANG_USER": "王秘书", "XINFANG_LANG": "zh",
           "COLUMNS": "120"}
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command, on the terminal
        argv = command() + ["--db", str(db), *args]
        os.execve(argv[0], argv, env)
    for line in typed:
        os.write(fd, line.encode() + b"\r")
    out = read_until_closed(fd)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), out.decode("utf-8", "replace").replace("\r\n", "\n")


def in_script(db, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "XINFANG_TODAY": "2026-11-26", "XINFANG_USER": "脚本", "XINFANG_LANG": "zh"}
    return subprocess.run(command() + ["--db", str(db), *args], capture_output=True, text=True, env=env,
                          stdin=subprocess.DEVNULL, timeout=60)


def cases(db) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT number, channel, township, category, status FROM cases ORDER BY number").fetchall()
    finally:
        conn.close()


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "office.db"
    assert in_script(path, "init").returncode == 0
    return path


REGISTER = ("register", "--received", "2026-11-02", "--name", "张三", "--summary", "补偿款未到位")


def test_missing_options_are_asked_for_with_the_choices_and_their_chinese_labels(db):
    code, screen = at_terminal(db, *REGISTER, typed=("来访", "车桥", "compensation"))
    assert code == 0, screen
    assert "visit\xa0来访" in screen and "outreach\xa0下乡接访" in screen  # the channel's choices
    assert "征地补偿" in screen and "已登记 2026-00001" in screen
    assert cases(db) == [("2026-00001", "visit", "车桥镇", "compensation", "registered")]
    # in a script nothing is asked: the missing option is refused in one line
    script = in_script(db, *REGISTER)
    assert script.returncode == 2 and "--channel" in script.stderr and script.stderr.count("\n") == 1
    assert len(cases(db)) == 1


def test_a_probable_duplicate_is_asked_about_at_the_terminal(db):
    args = (*REGISTER, "--channel", "visit", "--township", "车桥镇", "--category", "compensation")
    assert in_script(db, *args).returncode == 0
    code, screen = at_terminal(db, *args, typed=("n",))
    assert code == 1 and "疑似重复登记" in screen and "2026-00001" in screen and "已取消" in screen
    assert len(cases(db)) == 1
    code, screen = at_terminal(db, *args, typed=("y",))
    assert code == 0 and "已登记 2026-00002" in screen


def test_void_asks_before_it_acts_and_a_no_changes_nothing(db):
    args = (*REGISTER, "--channel", "visit", "--township", "车桥镇", "--category", "compensation")
    assert in_script(db, *args).returncode == 0
    code, screen = at_terminal(db, "void", "2026-1", "--reason", "重复登记", typed=("n",))
    assert code == 1 and "作废 2026-00001" in screen and "已取消" in screen
    assert cases(db)[0][-1] == "registered"
    code, screen = at_terminal(db, "void", "2026-1", "--reason", "重复登记", "--json", typed=("y",))
    assert code == 0, screen
    assert json.loads(screen[screen.index("{"):])["status"] == "voided"
    assert cases(db)[0][-1] == "voided"


def test_the_void_question_masks_a_number_written_into_the_name(db):
    args = ("register", "--received", "2026-11-02", "--name", "李四 13912340000", "--summary", "补偿款未到位",
            "--channel", "visit", "--township", "车桥镇", "--category", "compensation")
    assert in_script(db, *args).returncode == 0
    code, screen = at_terminal(db, "void", "2026-1", "--reason", "重复登记", typed=("n",))
    assert code == 1 and "李四 139****0000" in screen and "13912340000" not in screen


def test_the_question_is_asked_in_chinese_and_answered_in_chinese(db):
    args = (*REGISTER, "--channel", "visit", "--township", "车桥镇", "--category", "compensation")
    assert in_script(db, *args).returncode == 0
    code, screen = at_terminal(db, "void", "2026-1", "--reason", "重复登记", typed=("也许", "是"))
    assert code == 0, screen
    assert "[y/N]" not in screen and "直接回车取消" in screen and "请输入 y（是）确认" in screen
    assert cases(db)[0][-1] == "voided"


def test_a_final_step_under_a_today_after_the_computers_date_says_so_before_it_is_taken(db):
    """--today is for replaying past days: a date ahead of the computer's (a year typed wrong)
    is named in the question of a step that cannot be undone, which the clerk can still decline."""
    assert in_script(db, *REGISTER, "--channel", "visit", "--township", "车桥镇", "--category",
                     "compensation").returncode == 0
    code, screen = at_terminal(db, "--today", "2099-01-05", "void", "2026-1", "--reason", "重复登记", typed=("n",))
    assert code == 1 and "注意：本次按 2099-01-05 记录，晚于本机日期" in screen
    assert cases(db)[0][-1] == "registered"
    code, screen = at_terminal(db, "void", "2026-1", "--reason", "重复登记", typed=("n",))
    assert code == 1 and "晚于本机日期" not in screen  # 2026-11-26, a day gone by: nothing to say
