"""The quick path of ``xinfang.entry`` is the full Typer command line without Typer's start-up: it
declares the same options, prints the same output and the same errors with the same exit codes, and
hands everything it is not sure of to Typer."""

from __future__ import annotations

import contextlib
import importlib
import inspect
import io
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import typer.main

from tests.conftest import TODAY
from xinfang import entry
from xinfang.cli import COMMAND_MODULES, _register_commands, app
from xinfang.cli import run as full_run

ROOT = Path(__file__).resolve().parent.parent


# --- the declarations ---------------------------------------------------------------------------


def _declared(command) -> dict:
    """Option name → (parameter, flag, default, required), as Typer declares the command's options."""
    out = {}
    for p in command.params:
        assert p.param_type_name == "option", f"{command.name}: the quick path reads no arguments ({p.name})"
        for name in p.opts + p.secondary_opts:
            out[name] = (p.name, p.is_flag, p.default, p.required)
    return out


def _spec(options: dict) -> dict:
    return {name: (o.param, o.flag, o.default, o.required) for name, o in options.items()}


@pytest.fixture(scope="module")
def root():
    _register_commands()
    return typer.main.get_command(app)


def test_the_global_options_are_the_ones_typer_declares(root):
    assert _spec(entry.GLOBAL) == _declared(root)


@pytest.mark.parametrize("name", sorted(entry.QUICK))
def test_a_quick_command_has_the_options_typer_declares(root, name):
    command = entry.QUICK[name]
    assert _spec(command.options) == _declared(root.commands[name])


@pytest.mark.parametrize("name", [None, *sorted(entry.QUICK)])
def test_the_options_the_quick_path_takes_are_plain_text_or_flags(root, name):
    """Typer converts, checks or calls back nothing on an option the quick path reads itself."""
    command = root if name is None else root.commands[name]
    spec = entry.GLOBAL if name is None else entry.QUICK[name].options
    for p in command.params:
        if not spec[p.opts[0]].quick:
            continue
        assert p.callback is None and p.envvar is None and not p.multiple and p.nargs == 1, p.name
        assert type(p.type).__name__ == ("BoolParamType" if p.is_flag else "StringParamType"), p.name


@pytest.mark.parametrize("name", sorted(entry.QUICK))
def test_a_quick_command_calls_the_body_the_typer_command_calls(name):
    command = entry.QUICK[name]
    body = getattr(importlib.import_module(command.module), command.function)
    assert list(inspect.signature(body).parameters) == [o.param for o in command.options.values()]
    typer_command = getattr(importlib.import_module(f"xinfang.cli.{COMMAND_MODULES[name]}"), name)
    assert command.module in inspect.getsource(typer_command)


def test_the_console_script_and_python_m_use_the_entry_point():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["xinfang"] == "xinfang.entry:main"
    assert "xinfang.entry" in (ROOT / "xinfang" / "__main__.py").read_text(encoding="utf-8")


# --- the same answers ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> str:
    """The demo ledger: two years of cases, published months through 2026-10 (today 2026-11-26)."""
    db = str(tmp_path_factory.mktemp("demo") / "demo.db")
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert full_run(["--user", "tester", "demo", "--db", db]) == 0
    return db


@pytest.fixture
def ledgers(cli, demo_db) -> dict:
    """The demo ledger, and a new one whose month and previous month are both provisional."""
    cli.register(received="2026-10-12", township="车桥镇", level="city", people=6)
    cli.register(received="2026-11-02", township="车桥镇")
    cli.register(received="2026-11-03", township="林集镇", level="province")
    return {"demo": demo_db, "new": str(cli.db)}


def _both(argv: list[str], monkeypatch, capsys) -> tuple[tuple, tuple]:
    """(exit code, stdout, stderr) through the entry point, and through the full command line."""
    out = []
    for force_full in (False, True):
        if force_full:
            monkeypatch.setenv("XINFANG_NO_QUICK", "1")
        else:
            monkeypatch.delenv("XINFANG_NO_QUICK", raising=False)
        capsys.readouterr()
        code = entry.run(argv)
        out.append((code, *capsys.readouterr()))
    monkeypatch.delenv("XINFANG_NO_QUICK", raising=False)
    return out[0], out[1]


# (argv with {demo}/{new} for the ledgers, environment) of plain invocations the quick path runs.
QUICK_LINES = [
    (["--db", "{demo}", "--today", "2026-11-26", "--user", "tester", "rank", "--month", "2026-11", "--json"], {}),
    (["--db={demo}", "--today=2026-11-26", "--user=tester", "--lang=en", "rank", "--month=2026-10"], {}),
    (["--db", "{demo}", "--lang", "EN", "rank", "--csv", "--month", "2026年10月"], {"XINFANG_TODAY": "2026-11-26"}),
    (["rank", "--json", "--month", "2026/11"],
     {"XINFANG_DB": "{demo}", "XINFANG_TODAY": "2026-11-26", "XINFANG_LANG": "en", "XINFANG_USER": "tester"}),
    (["--db", "{new}", "--today", TODAY, "rank", "--month", "2026-11", "--json"], {}),
    (["--db", "{new}", "--today", TODAY, "rank", "--month", "202611"], {}),
    (["--db", "{new}", "--lang", "en", "rank", "--month", "2026-11", "--csv"], {"XINFANG_TODAY": TODAY}),
    (["--db", "{new}", "--today", TODAY, "--lang", "", "--user=", "rank", "--month", "2025-11", "--json"], {}),
    # Refused by the command itself, with the same message.
    (["--db", "{demo}", "--today", "2026-11-26", "rank", "--month", "2026-13"], {}),
    (["--db", "{demo}", "--today", "2026-11-26", "rank", "--month", "2026-12", "--json"], {}),
    (["--db", "{demo}", "--today", "2026-11-26", "rank", "--month", "2026-11", "--json", "--csv"], {}),
    (["--db", "{demo}", "--today", "2026-02-30", "rank", "--month", "2026-01"], {}),
    (["--db", "{demo}", "--lang", "fr", "rank", "--month", "2026-01"], {}),
    (["--db", "{demo}", "rank", "--month", "2026-01"], {"XINFANG_LANG": "fr"}),
    (["--db", "{demo}.missing", "--today", "2026-11-26", "rank", "--month", "2026-01"], {}),
    (["--db", "./{demo}", "rank", "--month", "2026-01"], {}),
    (["--db", "{demo}/", "rank", "--month", "2026-01"], {}),
    (["rank", "--month", "2026-01"], {"XINFANG_DB": "{demo}.missing"}),
    (["--db", "名字\udcc3", "rank", "--month", "2026-01"], {}),
    (["--db", "{demo}", "--today", "2026-11-26", "overdue", "--json"], {}),
    (["--db={demo}", "--lang=en", "overdue", "--on=2026-11-26", "--tier", "overdue", "--csv"], {}),
    (["--db", "{demo}", "overdue", "--on", "2026-12-20", "--township", "车桥"], {}),
    (["overdue", "--unit", "车桥镇", "--json"], {"XINFANG_DB": "{demo}", "XINFANG_TODAY": "2026-11-26"}),
    (["--db", "{new}", "--today", TODAY, "overdue"], {}),
    (["--db", "{demo}", "overdue", "--on", "2026-11-26", "--unit", "没有这个单位"], {}),
    (["--db", "{demo}", "overdue", "--on", "2026-11-26", "--tier", "soon"], {}),
    (["--db", "{demo}", "overdue", "--on", "2026-02-30"], {}),
    (["--db", "{demo}", "townships", "--json"], {}),
    (["--db", "{new}", "--lang", "en", "townships"], {}),
    (["townships", "--csv"], {"XINFANG_DB": "{new}"}),
    (["--db", "{new}", "townships", "--csv", "--json"], {}),
]
# Lines the quick path leaves to Typer: help, usage errors, writes, anything unusual.
TYPER_LINES = [
    [], ["--help"], ["-h"], ["--version"], ["rank", "--help"], ["rank", "-h"],
    ["--db", "{demo}", "rank"], ["--db", "{demo}", "rank", "--month"], ["--db", "{demo}", "rank", "--bogus"],
    ["--db", "{demo}", "rank", "--month", "2026-01", "extra"], ["--db", "{demo}", "rank", "--month", "2026-01", "--json=1"],
    ["--db", "{demo}", "rank", "--month", "2026-01", "--json", "--json"],
    ["--db", "{demo}", "rank", "--month", "2026-01", "--month", "2026-02"],
    ["--db", "{demo}", "rank", "--month", "-1"], ["--db", "{demo}", "rank", "--", "--month", "2026-01"],
    ["--db", "{demo}", "--db", "{demo}", "rank", "--month", "2026-01"], ["--db"], ["--bogus", "rank"],
    ["--db", "{demo}", "rank", "--db", "{demo}", "--month", "2026-01"],
    ["--db", "{demo}", "--today", "2026-11-26", "rank", "--month", "2026-11", "--publish"],
    ["--db", "{demo}", "--version", "rank", "--month", "2026-11"],
    ["--db", "{demo}", "townships", "--bogus"], ["--db", "{demo}", "townships", "extra"], ["townships", "-h"],
    ["--db", "{demo}", "overdue", "--on"], ["--db", "{demo}", "overdue", "--tier=overdue", "--tier", "overdue"],
    ["--db", "{demo}", "overdue", "--help"], ["--db", "{demo}", "overdue", "--csv=yes"],
]


def _fill(value: str, ledgers: dict) -> str:
    return value.format(**ledgers) if "{" in value else value


@pytest.mark.parametrize("argv, env", QUICK_LINES, ids=[" ".join(a) for a, _ in QUICK_LINES])
def test_a_plain_line_runs_quick_and_answers_as_typer_does(ledgers, monkeypatch, capsys, argv, env):
    argv = [_fill(a, ledgers) for a in argv]
    for name, value in env.items():
        monkeypatch.setenv(name, _fill(value, ledgers))
    assert entry.parse(argv) is not None
    quick, typer_ = _both(argv, monkeypatch, capsys)
    assert quick == typer_


@pytest.mark.parametrize("argv", TYPER_LINES, ids=[" ".join(a) for a in TYPER_LINES])
def test_any_other_line_is_left_to_typer(ledgers, monkeypatch, capsys, argv):
    argv = [_fill(a, ledgers) for a in argv]
    assert entry.parse(argv) is None
    quick, typer_ = _both(argv, monkeypatch, capsys)
    assert quick == typer_


def test_the_quick_json_is_the_typer_json(ledgers, monkeypatch, capsys):
    argv = ["--db", ledgers["demo"], "--today", "2026-11-26", "rank", "--month", "2026-11", "--json"]
    quick, typer_ = _both(argv, monkeypatch, capsys)
    assert quick[0] == 0 and json.loads(quick[1]) == json.loads(typer_[1])
    assert json.loads(quick[1])["rows"][0]["prev_score"] is not None  # compared with the published October


# --- the quick path's start-up ------------------------------------------------------------------

NEVER_QUICK = ("typer", "click", "rich", "sqlite_utils", "openpyxl", "dateutil", "xinfang.cli")
# Standard-library modules a reading command does not need, each several milliseconds of start-up.
SLOW_STDLIB = ("pathlib", "hashlib", "calendar", "difflib", "decimal", "csv")


def _loaded_after(argv: list[str]) -> tuple[int, list[str]]:
    names = NEVER_QUICK + SLOW_STDLIB
    code = ("import sys; from xinfang.entry import run; code = run(%r); sys.stdout.flush(); "
            "print('\\nLOADED:' + ','.join(n for n in %r if any(m == n or m.startswith(n + '.') for m in sys.modules)) "
            "+ ':' + str(code))") % (argv, names)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT).stdout
    loaded, exit_code = out.rsplit("LOADED:", 1)[1].strip().rsplit(":", 1)
    return int(exit_code), [m for m in loaded.split(",") if m]


@pytest.mark.parametrize("command", [["rank", "--month", "2026-11"], ["overdue"], ["townships"]])
@pytest.mark.parametrize("output", ["--json", "--csv"])
def test_a_quick_command_imports_neither_typer_nor_heavy_modules(demo_db, command, output):
    code, loaded = _loaded_after(["--db", demo_db, "--today", "2026-11-26", "--user", "t", *command, output])
    assert code == 0
    assert loaded == (["csv"] if output == "--csv" else [])


def test_python_m_xinfang_runs_both_paths(demo_db):
    base = [sys.executable, "-m", "xinfang", "--db", demo_db, "--today", "2026-11-26"]
    quick = subprocess.run(base + ["rank", "--month", "2026-11", "--json"], capture_output=True, text=True,
                           timeout=60, cwd=ROOT)
    assert quick.returncode == 0 and len(json.loads(quick.stdout)["rows"]) > 0
    version = subprocess.run([sys.executable, "-m", "xinfang", "--version"], capture_output=True, text=True,
                             timeout=60, cwd=ROOT)
    assert version.returncode == 0 and version.stdout.startswith("xinfang ")


# --- generated lines ----------------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

# Tokens a line is made of: every option of the quick commands and the globals (both spellings come
# from joining with "="), the command names, and values a clerk or a script might type.
_OPTIONS = sorted({*entry.GLOBAL, *(o for c in entry.QUICK.values() for o in c.options)})
_VALUES = ["{demo}", "{demo}.missing", "2026-11", "2026-10", "2026/11", "202611", "2026-13", "2026-11-26",
           "2026-02-30", "en", "zh", "EN", "fr", "", "-", "-x", "--", "=", "车桥镇", "车桥", "overdue", "soon",
           "tester", "x" * 300]
_TOKEN = st.one_of(st.sampled_from(_OPTIONS), st.sampled_from([*entry.QUICK, "register"]), st.sampled_from(_VALUES),
                   st.builds(lambda o, v: f"{o}={v}", st.sampled_from(_OPTIONS), st.sampled_from(_VALUES)))




def _pairs(options: dict) -> st.SearchStrategy:
    """An option of ``options`` as a line would give it: a flag alone, or a value after it or after '='."""
    def spell(name: str, value: str, joined: bool) -> list[str]:
        if options[name].flag:
            return [name]
        return [f"{name}={value}"] if joined else [name, value]
    return st.builds(spell, st.sampled_from(sorted(options)), st.sampled_from(_VALUES), st.booleans())


_GLOBAL_PART = st.lists(st.one_of(_pairs(entry.GLOBAL), st.lists(_TOKEN, max_size=1)), max_size=3)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), prefix=_GLOBAL_PART, command=st.sampled_from(sorted(entry.QUICK)), env_today=st.booleans())
def test_any_generated_line_answers_as_typer_does(ledgers, monkeypatch, capsys, data, prefix, command, env_today):
    """Whatever the line, the entry point answers exactly as the full command line: same output,
    same message, same exit code, whether or not the quick path took it."""
    own = st.one_of(_pairs(entry.QUICK[command].options), st.lists(_TOKEN, max_size=1))
    rest = data.draw(st.lists(own, max_size=4), label="after the command")
    argv = [_fill(a, ledgers) for part in (*prefix, [command], *rest) for a in part]
    if env_today:
        monkeypatch.setenv("XINFANG_TODAY", "2026-11-26")
    else:
        monkeypatch.delenv("XINFANG_TODAY", raising=False)
    quick, typer_ = _both(argv, monkeypatch, capsys)
    assert quick == typer_


@pytest.mark.parametrize("command", [["overdue", "--csv"], ["rank", "--month", "2026-10", "--json"], ["townships"]])
def test_a_reader_that_goes_away_gets_the_same_exit_code_from_both_paths(demo_db, command):
    """``xinfang … | head``: the pipe closes under the command; both paths exit as click does (1),
    with nothing on stderr (no traceback from the interpreter's last flush)."""
    import os

    out = []
    for force_full in ("", "1"):
        env = {**os.environ, "XINFANG_NO_QUICK": force_full}
        proc = subprocess.Popen([sys.executable, "-m", "xinfang", "--db", demo_db, "--today", "2026-11-26", *command],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
        proc.stdout.close()  # the reader is gone before the first line
        err = proc.stderr.read()
        out.append((proc.wait(timeout=60), err))
    assert out[0] == out[1]
    assert out[0][1] == b""


def test_shell_completion_is_left_to_typer(demo_db):
    import os

    out = []
    for force_full in ("", "1"):
        env = {**os.environ, "XINFANG_NO_QUICK": force_full, "_XINFANG_COMPLETE": "bash_source"}
        proc = subprocess.run([sys.executable, "-m", "xinfang", "--db", demo_db, "townships", "--csv"],
                              capture_output=True, env=env, cwd=ROOT, timeout=60)
        out.append((proc.returncode, proc.stdout, proc.stderr))
    assert out[0] == out[1]
    assert b"\xe8\xbd\xa6\xe6\xa1\xa5" not in out[0][1]  # not the township list (车桥): completion answered
