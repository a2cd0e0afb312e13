"""Hostile input: Hypothesis feeds random and malicious values to every option of every command.

Whatever a clerk (or a script, or someone with a grudge) types, the command answers with exit 0
(the input happened to be valid), 1 (refused: one line, nothing written) or 2 (usage error), never a
traceback or an internal error, and a refused command leaves every table's row count as it was.

The commands are found by walking the real command tree, so a command added later is fuzzed too.
Driven in-process through ``xinfang.cli.run`` for speed; ``XINFANG_FUZZ_EXAMPLES`` sets the number
of examples per command (default 10).
"""

from __future__ import annotations

import contextlib
import io
import os
import sqlite3
from pathlib import Path

import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xinfang.cli import _register_commands, app, run

EXAMPLES = int(os.environ.get("XINFANG_FUZZ_EXAMPLES", "10"))
TRIED = {"examples": 0, "exit": {0: 0, 1: 0, 2: 0}}

# Commands that build whole ledgers of their own: fewer examples keep the suite fast.
SLOW = {("demo",): 5}


def _commands():
    _register_commands()
    root = typer.main.get_command(app)
    out = []

    def walk(cmd, path):
        subs = getattr(cmd, "commands", None)
        if subs is None or (path and getattr(cmd, "invoke_without_command", False)):
            out.append((tuple(path), cmd))
        for name, sub in (subs or {}).items():
            walk(sub, path + [name])

    walk(root, [])
    return [(p, c) for p, c in out if p]


COMMANDS = _commands()

# -- values ----------------------------------------------------------------------------------

HOSTILE = [
    "", " ", "\t", "\n\n", "\x00", "nul\x00inside", "\x1b[31mred\x1b[0m", "\x7f", "\r\n", "\u202egnp.exe",
    "\u200b", "\ufeff车桥镇", "'; DROP TABLE cases; --", "\" OR 1=1 --", "') OR ('1'='1", "%s%s%n", "{0}{1}",
    "[red]markup[/red]", "[/]", "../../etc/passwd", "A" * 100_000, "中" * 5_000, "🙂" * 50, "-", "--", "-1",
    "0", "1e309", "NaN", "inf", "-0", "99999999999999999999999", "-9223372036854775809", "0x10", "１２",
    "２０２６-１１-０２", "2026-00000", "2026-99999", "2026-", "-2026", "9999-1", "1/0", "\\", "'", '"', "NULL",
    "true", "None", "\udcff\udcfe", "\ud800", "名字\udcc3", "ＮＵＬＬ",
]
DATES = [
    "2026-11-02", "2026/11/2", "20261102", "2026年11月2日", "2026-11-26", "2026-11-27", "0001-01-01",
    "9999-12-31", "1900-02-29", "2026-02-30", "2026-13-01", "20261301", "2026年2月30日", "2026-11-02T10:00",
    "1989-12-31", "2101-01-01", "2026-11", "11/02/2026", "2026-1-1",
]
# Plausible values per option, so that examples also reach the rules behind the parsing.
HINTS = {
    "received": DATES, "on": DATES, "today": DATES,
    "channel": ["letter", "来访", "outreach", "online", "网上"],
    "township": ["车桥镇", "车桥", "席桥镇", "林集镇", "不存在镇"],
    "name": ["张三", "李 四", "O'Brien"], "leader": ["李四", "王五"], "issuer": ["区信访局"],
    "category": ["compensation", "宅基地", "illegal_use", "other"],
    "summary": ["征地补偿款未足额到位"], "reason": ["登记有误"], "answer": ["复查维持"],
    "id_number": ["11010519491231002X", "110105194912310021", "11010519491231002x"],
    "phone": ["13812345678", "0517-85912345", "+86 138 1234 5678"],
    "address": ["车桥村三组"], "people": ["1", "5", "6", "100000", "100001"],
    "level": ["district", "city", "省", "national"], "kind": ["accusation", "suggestion", "grievance"],
    "accused": ["车桥镇", "区国土局"], "point": ["车桥", "席桥", "林集"],
    "case": ["2026-1", "2026-00002", "2026-3", "2026-4", "2026-5", "2025-1"],
    "unit": ["车桥镇", "席桥镇"], "joint": ["席桥镇", "车桥镇"], "to": ["市信访局"],
    "outcome": ["support", "explain", "reject", "支持"], "satisfaction": ["satisfied", "满意", "unsatisfied"],
    "status": ["registered", "closed", "办结"], "month": ["2026-11", "2026-10", "2026/11", "2026年11月", "2026-13"],
    "limit": ["1", "5"], "tier": ["overdue", "due_soon"], "days": ["5", "30", "-3"],
    "clock": ["reply", "handling", "conclude"], "format_": ["csv", "json", "xlsx", "md", "html"],
    "top": ["3"], "for_unit": ["车桥镇"], "seed": ["1", "7"], "year": ["2026", "2027"], "id_": ["1", "2"],
    "action": ["land-approval", "auction", "award"], "amount": ["100.50", "10000", "0.001"],
    "official": ["王镇长"], "role": ["secretary", "head"], "lang": ["zh", "en"], "user": ["王秘书"],
}
FILES = ["empty.csv", "garbage.bin", "hostile.csv", "notes.txt", "ledger.db", "new-file.csv", "新文件.xlsx",
         "out.md", "out.html", "nope/x.csv", "", ".", "a b.json"]
# 'demo' builds two years of sample data wherever it is pointed; aimed at existing files it is
# refused quickly, so its other options are still attacked without building a ledger each time.
OVERRIDES = {("demo",): {"db": st.sampled_from(["ledger.db", "empty.csv", "garbage.bin", "notes.txt"])}}
PATHLIKE = {"output", "db", "file", "path", "roster", "rules", "against"}

hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=12),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates().map(lambda d: d.isoformat()),
)
file_name = st.one_of(
    st.sampled_from(FILES),
    st.text(alphabet="abc中文 ._-0123456789", min_size=1, max_size=12).filter(lambda s: s.strip(". ") != ""),
)


def value_for(param) -> st.SearchStrategy[str]:
    name = param.name
    kind = type(param.type).__name__
    if name in PATHLIKE or kind == "TyperPath":
        return file_name
    hints = HINTS.get(name)
    choices = getattr(param.type, "choices", None)
    plausible = [str(c) for c in choices] if choices else hints
    options = [hostile_text]
    if plausible:
        options = [st.sampled_from(plausible), st.sampled_from(plausible), hostile_text]
    return st.one_of(*options)


@st.composite
def argv_for(draw, path, command, overrides):
    args = list(path)
    for param in command.params:
        if param.name in ("help",):
            continue
        if param.param_type_name == "argument":
            if draw(st.integers(0, 19)) == 0:
                continue  # now and then a missing argument: a usage error
            count = draw(st.integers(0, 3)) if param.nargs == -1 else 1
            args += [draw(value_for(param)) for _ in range(count)]
            continue
        if getattr(param, "is_flag", False):
            choice = draw(st.integers(0, 3))
            if choice == 1:
                args.append(param.opts[0])
            elif choice == 2 and param.secondary_opts:
                args.append(param.secondary_opts[0])
            continue
        if not draw(st.booleans()) and not (param.required and draw(st.integers(0, 9))):
            continue
        for _ in range(draw(st.integers(1, 3)) if param.multiple else 1):
            args += [param.opts[-1], draw(overrides[param.name] if param.name in overrides else value_for(param))]
    return args


global_options = st.fixed_dictionaries({}, optional={
    "--today": st.one_of(st.sampled_from(DATES), hostile_text),
    "--lang": st.one_of(st.sampled_from(["zh", "en", "EN", "fr"]), hostile_text),
    "--user": st.one_of(st.sampled_from(["王秘书", "clerk"]), hostile_text),
})

# -- the ledger under attack ------------------------------------------------------------------


def _quiet_run(argv: list[str]) -> None:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        assert run(argv) == 0, err.getvalue()


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A ledger with cases in each state, built once; each test attacks its own copy."""
    db = tmp_path_factory.mktemp("template") / "ledger.db"
    base = ["--db", str(db), "--today", "2026-11-26", "--user", "tester"]
    _quiet_run(base + ["init"])
    reg = ["register", "--again", "--received", "2026-11-02", "--channel", "letter", "--name", "张三",
           "--category", "compensation", "--summary", "征地补偿款未足额到位"]
    for township in ("车桥镇", "车桥镇", "席桥镇", "林集镇"):
        _quiet_run(base + reg + ["--township", township, "--id-number", "11010519491231002X"])
    _quiet_run(base + reg + ["--township", "车桥镇", "--kind", "accusation", "--accused", "区国土局", "--major"])
    _quiet_run(base + ["accept", "2026-1", "--told", "written", "--on", "2026-11-03"])
    _quiet_run(base + ["assign", "2026-1", "--unit", "车桥镇", "--leader", "李四", "--on", "2026-11-03"])
    _quiet_run(base + ["assign", "2026-2", "--unit", "车桥镇", "--leader", "李四", "--on", "2026-11-03"])
    _quiet_run(base + ["reply", "2026-2", "--on", "2026-11-05", "--summary", "已告知"])
    _quiet_run(base + ["assign", "2026-3", "--unit", "席桥镇", "--leader", "王五", "--on", "2026-11-04"])
    _quiet_run(base + ["resolve", "2026-3", "--on", "2026-11-10", "--outcome", "support", "--summary", "已解决",
                       "--signed"])
    return db


@pytest.fixture
def office(template, tmp_path, monkeypatch) -> Path:
    """A copy of the template ledger, and a folder of odd files, as the working directory."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("XINFANG_DEBUG", raising=False)
    for name in list(os.environ):
        if name.startswith("XINFANG_"):
            monkeypatch.delenv(name)
    db = tmp_path / "ledger.db"
    src, dst = sqlite3.connect(template), sqlite3.connect(db)
    src.backup(dst)  # the write-ahead log included: a plain file copy could miss the latest commits
    src.close()
    dst.close()
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "garbage.bin").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "notes.txt").write_text("这不是表格\n\x00\x01\n", encoding="utf-8")
    (tmp_path / "hostile.csv").write_text(
        "案号,登记日期,形式,属地,信访人,内容分类,摘要\n"
        "2026-00001,2026-11-02,来信,车桥镇,'; DROP TABLE cases; --,征地补偿,x\n"
        ",9999-99-99,\x1b[31m,\u202e,\x00,,\n", encoding="utf-8")
    return db


def counts(db) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        conn.close()


def attack_once(db: str, capsys, argv: list[str]) -> int:
    """Run one command line against the ledger and check the contract; returns the exit code."""
    before = counts(db)
    capsys.readouterr()
    code = run(argv)
    out, err = capsys.readouterr()
    TRIED["examples"] += 1
    TRIED["exit"][code] = TRIED["exit"].get(code, 0) + 1
    shown = [a if len(a) < 60 else a[:57] + "..." for a in argv]
    assert "Traceback" not in err and "Traceback" not in out, shown
    assert "internal error" not in err, (shown, err[-500:])
    assert code in (0, 1, 2), (shown, code, err[-500:])
    if code != 0:
        assert err.strip(), (shown, "a refusal must say why")
        assert counts(db) == before, (shown, err[-300:])
    return code


@pytest.mark.parametrize("path, command", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_hostile_input_is_refused_cleanly(office, capsys, path, command):
    db = str(office)

    @settings(max_examples=SLOW.get(path, EXAMPLES), deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(args=argv_for(path, command, OVERRIDES.get(path, {})), glob=global_options)
    def attack(args, glob):
        argv = ["--db", db] + [x for kv in glob.items() for x in kv] + args
        if "--today" not in glob:
            argv[2:2] = ["--today", "2026-11-26"]
        attack_once(db, capsys, argv)

    attack()
    # whatever was accepted, the ledger is still whole
    capsys.readouterr()
    assert run(["--db", db, "audit", "verify"]) == 0, capsys.readouterr().err


# Values no random draw should be trusted to find: bytes from a GBK terminal (张三 as a UTF-8 locale
# decodes them), a lone surrogate, an embedded NUL, and text far beyond any field's size.
NASTY = ["\udcd5\udcc5\udcc8\udcfd", "\ud800", "a\x00b", "长" * 200_000]


def _plausible(param) -> str:
    if param.name in PATHLIKE or type(param.type).__name__ == "TyperPath":
        return "new-file.csv"
    choices = getattr(param.type, "choices", None)
    return str(choices[0]) if choices else HINTS.get(param.name, ["1"])[0]


@pytest.mark.parametrize("path, command", [(p, c) for p, c in COMMANDS if p != ("demo",)],
                         ids=[" ".join(p) for p, _ in COMMANDS if p != ("demo",)])
def test_each_option_refuses_nasty_values(office, capsys, path, command):
    """Every value-taking option and argument, one at a time, gets each nasty value while the
    command's other required values are plausible."""
    db = str(office)
    takes_value = [p for p in command.params if not getattr(p, "is_flag", False) and p.name != "help"]
    for target in takes_value:
        for nasty in NASTY:
            args = list(path)
            for param in takes_value:
                if param is not target and not param.required:
                    continue
                value = nasty if param is target else _plausible(param)
                args += [value] if param.param_type_name == "argument" else [param.opts[-1], value]
            attack_once(db, capsys, ["--db", db, "--today", "2026-11-26"] + args)


def test_fuzz_figures(capsys):
    """Runs last in this module: how much hostile input was tried (for the closing note)."""
    with capsys.disabled():
        print(f"\nfuzz: {TRIED['examples']} command lines over {len(COMMANDS)} commands; exit codes {TRIED['exit']}")
