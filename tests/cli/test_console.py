"""The console script as a user runs it, in its own process: what a cold command imports, how it
ends when its reader goes away or it is interrupted, shell completion, and one-line errors."""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from xinfang.cli import COMMAND_MODULES, COMMAND_PACKAGES
from xinfang.cli import run as full_run

ROOT = Path(__file__).resolve().parent.parent.parent
SCRIPT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]["xinfang"]
HEAVY = ("rich", "sqlite_utils", "openpyxl", "xlsxwriter", "dateutil")


@pytest.fixture(scope="module")
def demo_built(tmp_path_factory) -> tuple[str, str]:
    """The demo ledger (two years of cases, published months through 2026-10, today 2026-11-26) and
    what ``xinfang demo`` printed."""
    db = str(tmp_path_factory.mktemp("demo") / "demo.db")
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert full_run(["--user", "tester", "demo", "--db", db]) == 0
    return db, out.getvalue()


@pytest.fixture(scope="module")
def demo_db(demo_built) -> str:
    return demo_built[0]


def test_demo_prints_a_short_summary_and_next_commands_that_run_as_pasted(demo_built, tmp_path):
    import shlex

    db, printed = demo_built
    lines = printed.splitlines()
    assert len(lines) <= 15
    assert db in lines[0] and "1022" in lines[1]
    assert "2026-10" in lines[2] and "马甸镇" in lines[2]  # the month's bottom group
    assert "生效" in lines[3]  # sanctions in force
    commands = [shlex.split(line) for line in lines if line.strip().startswith("xinfang ")]
    assert len(commands) >= 5 and all("|" not in c for c in commands)
    for command in commands:
        done = subprocess.run([sys.executable, "-m", "xinfang", *command[1:]], capture_output=True, timeout=60,
                              cwd=tmp_path, env={**os.environ, "XINFANG_TODAY": "2026-11-26"})
        assert done.returncode == 0, (command, done.stderr)


def xinfang(*argv: str, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    """``python -m xinfang ARGV`` in a fresh process."""
    return subprocess.run([sys.executable, "-m", "xinfang", *argv], capture_output=True, timeout=60, cwd=ROOT,
                          env={**os.environ, **(env or {})}, **kw)


def loaded_after(argv: list[str]) -> tuple[int, str, list[str]]:
    """Run the console script's function on ``argv`` in a fresh process: its exit code, its stdout,
    and the modules it left in ``sys.modules``."""
    module, function = SCRIPT.split(":")
    code = (f"import sys; sys.argv = ['xinfang', *{argv!r}]\n"
            f"from {module} import {function}\n"
            "try:\n"
            f"    {function}()\n"
            "except SystemExit as exc:\n"
            "    code = exc.code\n"
            "sys.stdout.flush()\n"
            "print('\\nMODULES:' + str(code) + ':' + ','.join(sorted(sys.modules)))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT).stdout
    printed, _, tail = out.rpartition("\nMODULES:")
    exit_code, _, modules = tail.strip().partition(":")
    return int(exit_code), printed, modules.split(",")


def groups(modules: list[str]) -> set[str]:
    """The command modules (``xinfang.cli.<group>``) among ``modules``."""
    return {m.rsplit(".", 1)[1] for m in modules if m.startswith("xinfang.cli.")} & set(COMMAND_PACKAGES)


def heavy(modules: list[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY or m.startswith("xinfang.ledger"))


# --- the one entry point ------------------------------------------------------------------------


def test_the_console_script_and_python_m_run_the_typer_app():
    assert SCRIPT == "xinfang.cli:main"
    assert "from xinfang.cli import main" in (ROOT / "xinfang" / "__main__.py").read_text(encoding="utf-8")


# --- what a cold command imports -----------------------------------------------------------------


@pytest.mark.parametrize("argv", [["--version"], ["--db", "x.db", "--lang", "en", "--version"],
                                  ["--today=2026-11-26", "--version", "rank", "--month", "2026-11"]])
def test_the_version_loads_no_command_module_and_nothing_heavy(argv):
    code, out, modules = loaded_after(argv)
    assert (code, out.strip()) == (0, f"xinfang {__import__('xinfang').__version__}")
    assert groups(modules) == set()
    assert heavy(modules) == []


@pytest.mark.parametrize("name", sorted(COMMAND_MODULES))
def test_a_command_loads_only_its_own_command_module(name):
    code, out, modules = loaded_after(["--db", "x.db", name, "--help"])
    assert code == 0 and name in out
    assert groups(modules) == {COMMAND_MODULES[name]}


def test_help_and_a_mistake_load_every_command_module():
    """The list of commands (and a misspelt one's usage error) needs them all."""
    for argv, exit_code in ((["--help"], 0), (["rnak"], 2)):
        code, _, modules = loaded_after(argv)
        assert code == exit_code
        assert groups(modules) == set(COMMAND_PACKAGES)


@pytest.mark.parametrize("command", [["rank", "--month", "2026-11"], ["overdue"], ["townships"]])
@pytest.mark.parametrize("output", ["--json", "--csv"])
def test_a_reading_command_prints_json_and_csv_without_rich(demo_db, command, output):
    code, out, modules = loaded_after(["--db", demo_db, "--today", "2026-11-26", "--user", "t", *command, output])
    assert code == 0 and out.strip()
    assert [m for m in modules if m.split(".")[0] in HEAVY] == []


def test_a_command_that_ends_closes_the_ledger_leaving_no_write_ahead_log_beside_it(demo_db, tmp_path):
    """The process skips the collection at exit (``gc.freeze``): the ledgers are closed before it,
    so SQLite removes the ``-wal`` and ``-shm`` files as a last connection does."""
    import shutil

    db = tmp_path / "ledger.db"
    shutil.copy(demo_db, db)
    for command in (["rank", "--month", "2026-10", "--json"],
                    ["register", "--received", "2026-11-20", "--channel", "letter", "--township", "车桥镇",
                     "--name", "张三", "--people", "1", "--level", "district", "--kind", "grievance",
                     "--category", "other", "--summary", "要求公开征地批文", "--json"]):
        done = xinfang("--db", str(db), "--today", "2026-11-26", "--user", "tester", *command, text=True)
        assert done.returncode == 0, done.stderr
        assert sorted(p.name for p in tmp_path.iterdir()) == ["ledger.db"], command
    assert xinfang("demo", "--db", str(tmp_path / "demo.db"), text=True).returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.db", "ledger.db"]


def test_python_m_xinfang_runs_a_command_and_the_version(demo_db):
    ranked = xinfang("--db", demo_db, "--today", "2026-11-26", "rank", "--month", "2026-11", "--json", text=True)
    assert ranked.returncode == 0 and len(json.loads(ranked.stdout)["rows"]) > 0
    version = xinfang("--version", text=True)
    assert version.returncode == 0 and version.stdout.startswith("xinfang ")


# --- how a command ends -------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["overdue", "--csv"], ["rank", "--month", "2026-10", "--json"], ["townships"],
                                     ["cases"]])
def test_a_reader_that_goes_away_ends_the_command_with_exit_1_and_nothing_on_stderr(demo_db, command):
    """``xinfang … | head``: the pipe closes under the command; it exits as click does (1), with
    nothing on stderr (no traceback from the interpreter's last flush)."""
    proc = subprocess.Popen([sys.executable, "-m", "xinfang", "--db", demo_db, "--today", "2026-11-26", *command],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    proc.stdout.close()  # the reader is gone before the first line
    err = proc.stderr.read()
    assert (proc.wait(timeout=60), err) == (1, b"")


def test_an_interrupted_command_exits_130_without_a_message(demo_db):
    """Ctrl-C while a long listing is being written: exit 130, nothing on stderr."""
    # Ctrl-C reaches the command as at a terminal, even when the suite itself runs as a background
    # job (which starts with SIGINT ignored, and a child inherits that).
    proc = subprocess.Popen([sys.executable, "-m", "xinfang", "--db", demo_db, "--lang", "en", "cases", "--csv"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert proc.stdout.read(100)  # the command is writing; the listing is far larger than the pipe holds
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert (proc.returncode, err) == (130, b"")


def test_an_interrupt_before_the_command_runs_also_exits_130_without_a_message(demo_db):
    code = ("import sys, xinfang.ledger.db as db\n"
            "def interrupted(*args, **kwargs):\n"
            "    raise KeyboardInterrupt\n"
            "db.open_ledger = interrupted\n"
            "from xinfang.cli import main\n"
            f"sys.argv = ['xinfang', '--db', {demo_db!r}, 'townships']\n"
            "main()\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60, cwd=ROOT)
    assert (proc.returncode, proc.stdout, proc.stderr) == (130, b"", b"")


def test_shell_completion_is_answered_by_typer(demo_db):
    """Completion is not installed (``add_completion=False``): Typer answers a completion request
    itself, and the command on the line does not run."""
    proc = xinfang("--db", demo_db, "townships", "--csv", env={"_XINFANG_COMPLETE": "bash_source"})
    assert proc.returncode == 1
    assert proc.stdout == b""  # not the township list
    assert b"not supported" in proc.stderr


# --- errors are one line ------------------------------------------------------------------------

ERRORS = [
    (["rank", "--month", "2026-13"], 1, "--month"),
    (["rank", "--month", "2026-12", "--json"], 1, "has not begun"),
    (["rank", "--month", "2026-11", "--json", "--csv"], 1, "--json and --csv"),
    (["--today", "2026-02-30", "rank", "--month", "2026-01"], 1, "--today"),
    (["--lang", "fr", "rank", "--month", "2026-01"], 1, "--lang"),
    (["overdue", "--tier", "soon"], 1, "--tier"),
    (["overdue", "--unit", "没有这个单位"], 1, "没有这个单位"),
    (["--db", "名字\udcc3", "rank", "--month", "2026-01"], 1, "not UTF-8"),
]


@pytest.mark.parametrize("argv, exit_code, names", ERRORS, ids=[" ".join(a) for a, _, _ in ERRORS])
def test_a_refused_command_prints_one_error_line(demo_db, argv, exit_code, names):
    given = ([] if "--db" in argv else ["--db", demo_db]) + ([] if "--today" in argv else ["--today", "2026-11-26"])
    english = "--lang" not in argv
    proc = xinfang(*given, *(["--lang", "en"] if english else []), *argv)
    err = proc.stderr.decode("utf-8")
    assert proc.returncode == exit_code and proc.stdout == b""
    assert err.startswith("Error: " if english else "错误：") and err.count("\n") == 1 and names in err, err


@pytest.mark.parametrize("lang, prefix", [("zh", "错误："), ("en", "Error: ")])
def test_a_missing_ledger_is_one_error_line(tmp_path, lang, prefix):
    proc = xinfang("--db", str(tmp_path / "missing.db"), "--lang", lang, "rank", "--month", "2026-01")
    err = proc.stderr.decode("utf-8")
    assert proc.returncode == 1 and err.startswith(prefix) and err.count("\n") == 1, err


@pytest.mark.parametrize("argv", [["rank"], ["rank", "--month"], ["rank", "--month", "2026-01", "--bogus"],
                                  ["--bogus", "rank"], ["townships", "extra"]])
def test_a_usage_mistake_exits_2(demo_db, argv):
    proc = xinfang("--db", demo_db, *argv)
    assert proc.returncode == 2 and proc.stdout == b"" and b"Traceback" not in proc.stderr


def test_demo_rebuilds_its_own_ledger_but_not_one_used_since_without_force(tmp_path):
    """xinfang demo replaces the sample it built; once a clerk has recorded something in it (a case
    registered to try the commands out), a rebuild would delete that and needs --force."""
    db = str(tmp_path / "demo.db")
    assert xinfang("demo", "--db", db).returncode == 0
    assert xinfang("demo", "--db", db).returncode == 0  # untouched since: rebuilt
    tried = xinfang("--db", db, "--today", "2026-11-26", "register", "--again", "--received", "2026-11-02",
                    "--channel", "visit", "--township", "车桥镇", "--name", "试用人", "--category", "compensation",
                    "--summary", "试用")
    assert tried.returncode == 0, tried.stderr
    refused = xinfang("demo", "--db", db, text=True)
    assert refused.returncode == 1 and "--force" in refused.stderr and refused.stderr.count("\n") == 1
    assert "试用人" in xinfang("--db", db, "cases", "--name", "试用人", text=True).stdout
    assert xinfang("demo", "--db", db, "--force").returncode == 0
    assert "试用人" not in xinfang("--db", db, "cases", "--name", "试用人", text=True).stdout
