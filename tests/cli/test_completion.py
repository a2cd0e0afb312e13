"""Shell completion through the installed command, as bash, zsh and fish call it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest


def xinfang(db, *args: str, **env: str) -> subprocess.CompletedProcess:
    exe = shutil.which("xinfang")
    cmd = [exe] if exe else [sys.executable, "-m", "xinfang"]
    base = {k: v for k, v in os.environ.items() if not k.startswith(("_XINFANG", "_TYPER"))}
    return subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=60,
                          env={**base, "XINFANG_DB": str(db), "XINFANG_TODAY": "2026-11-26", **env})


def bash(db, line: str) -> list[str]:
    words = line.split(" ")
    res = xinfang(db, _XINFANG_COMPLETE="complete_bash", COMP_WORDS=line, COMP_CWORD=str(len(words) - 1))
    assert res.returncode == 0, res.stderr
    return res.stdout.split()


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "office.db"
    assert xinfang(path, "init").returncode == 0
    for name, extra in (("张三", []), ("李四", ["--kind", "accusation", "--accused", "泾口镇"])):
        res = xinfang(path, "register", "--received", "2026-11-02", "--channel", "letter", "--township", "车桥镇",
                      "--name", name, "--category", "compensation", "--summary", "反映征地补偿问题", *extra)
        assert res.returncode == 0, res.stderr
    return path


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_completion_script_of_each_shell_calls_back_the_command(db, shell):
    res = xinfang(db, "completion", shell)
    assert res.returncode == 0 and "_XINFANG_COMPLETE" in res.stdout and "xinfang" in res.stdout


def test_an_unknown_shell_is_one_line_naming_the_shells(db):
    res = xinfang(db, "completion", "tcsh")
    assert res.returncode == 1 and res.stderr.count("\n") == 1 and "bash" in res.stderr and "fish" in res.stderr


def test_commands_townships_units_and_case_numbers_complete(db):
    assert "void" in bash(db, "xinfang vo")
    assert bash(db, "xinfang cases --township 车") == ["车桥镇"]
    assert "区国土局" in bash(db, "xinfang assign 2026-1 --unit 区")
    fish = xinfang(db, _XINFANG_COMPLETE="complete_fish", _TYPER_COMPLETE_FISH_ACTION="get-args",
                   _TYPER_COMPLETE_ARGS="xinfang register --township 泾")
    assert fish.stdout.split() == ["泾口镇"]
    zsh = xinfang(db, _XINFANG_COMPLETE="complete_zsh", _TYPER_COMPLETE_ARGS="xinfang show 2026-")
    assert "2026-00001" in zsh.stdout and "2026-00002" in zsh.stdout


def test_case_numbers_complete_as_numbers_alone_never_with_a_name_or_an_accusation(db):
    for shell in ("complete_bash", "complete_zsh", "complete_fish"):
        res = xinfang(db, _XINFANG_COMPLETE=shell, COMP_WORDS="xinfang show 2026-", COMP_CWORD="2",
                      _TYPER_COMPLETE_ARGS="xinfang show 2026-", _TYPER_COMPLETE_FISH_ACTION="get-args")
        assert "2026-00002" in res.stdout
        for private in ("李四", "张三", "泾口镇", "accusation", "检举", "征地"):
            assert private not in res.stdout


def test_install_completion_writes_the_script_for_the_users_shell(db, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    res = xinfang(db, "--install-completion", HOME=str(home), SHELL="/bin/bash")
    assert res.returncode == 0, res.stderr
    assert "_XINFANG_COMPLETE" in (home / ".bash_completions" / "xinfang.sh").read_text()
