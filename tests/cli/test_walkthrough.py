"""A clerk's day, end to end, through the real installed ``xinfang`` command."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest


def xinfang(db, *args, today="2026-11-26"):
    exe = shutil.which("xinfang")
    cmd = [exe] if exe else [sys.executable, "-m", "xinfang"]
    env = {**os.environ, "XINFANG_DB": str(db), "XINFANG_TODAY": today, "XINFANG_USER": "王秘书"}
    return subprocess.run(cmd + list(args), capture_output=True, text=True, env=env, timeout=60)


def test_clerk_walkthrough_init_register_assign_reply_resolve_show(tmp_path):
    db = tmp_path / "office.db"
    assert xinfang(db, "init").returncode == 0
    reg = xinfang(db, "register", "--received", "2026年9月28日", "--channel", "来访", "--township", "车桥",
                  "--name", "张三", "--category", "征地补偿", "--summary", "补偿款未到位",
                  "--id-number", "11010519491231002X", "--phone", "13812345678", "--people", "6",
                  "--level", "city", "--json")
    assert reg.returncode == 0, reg.stderr
    case = json.loads(reg.stdout)
    assert case["case"] == "2026-00001"
    assert case["collective"] is True and case["skip_level"] is True and case["repeat_of"] is None
    assert case["deadlines"][0]["clock"] == "notice"

    accepted = json.loads(xinfang(db, "accept", "2026-1", "--told", "in_person", "--on", "2026-09-28", "--json").stdout)
    assert accepted["status"] == "accepted" and accepted["notice_met"] is True
    assign = json.loads(xinfang(db, "assign", "2026-1", "--unit", "车桥镇", "--leader", "李四",
                                "--on", "2026-09-28", "--json").stdout)
    assert {"clock": "reply", "due": "2026-10-08", "provisional": False} in assign["deadlines"]
    reply = json.loads(xinfang(db, "reply", "2026-00001", "--on", "2026-10-08", "--summary", "已当面告知",
                               "--json").stdout)
    assert reply["status"] == "replied"
    resolved = json.loads(xinfang(db, "resolve", "2026-00001", "--on", "2026-10-20", "--outcome", "support",
                                  "--summary", "补偿已到位", "--signed", "--satisfaction", "满意", "--json").stdout)
    assert resolved == {**resolved, "status": "closed", "on_time": True}

    shown = json.loads(xinfang(db, "show", "2026-00001", "--json").stdout)
    assert shown["status"] == "closed" and shown["township"] == "车桥镇" and shown["level"] == "city"
    actions = [e["action"] for e in shown["history"]]
    assert actions[0] == "register" and "assign" in actions and "reply" in actions and "resolve" in actions
    assert all(e["who"] == "王秘书" for e in shown["history"])
    status_changes = [(e["old"], e["new"]) for e in shown["history"] if e["field"] == "status"]
    assert status_changes == [("registered", "accepted"), ("accepted", "assigned"), ("assigned", "replied"),
                              ("replied", "closed")]
    # personal data masked unless asked for
    assert shown["id_number"] == "110105********002X" and "13812345678" not in xinfang(db, "show", "2026-1").stdout

    text = xinfang(db, "show", "2026-00001")
    assert text.returncode == 0 and "车桥镇" in text.stdout and "办结" in text.stdout
    english = xinfang(db, "--lang", "en", "cases")
    assert "closed" in english.stdout and "city" in english.stdout


@pytest.mark.parametrize("args", [["--help"], ["register", "--help"], ["cases", "--help"]])
def test_help_is_available_for_commands(tmp_path, args):
    res = xinfang(tmp_path / "x.db", *args)
    assert res.returncode == 0 and "用法：" in res.stdout and "Usage" not in res.stdout
    assert not (tmp_path / "x.db").exists()
