"""The layout is the architecture: rules are pure, imports go one way, commands are documented."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import xinfang

PACKAGE = Path(xinfang.__file__).parent
ALLOWED_IN_RULES = {"__future__", "datetime", "dateutil", "xinfang.model", "xinfang.rules", "typing", "enum",
                    "collections", "dataclasses", "decimal", "functools", "itertools", "math", "hashlib",
                    "bisect", "calendar", "operator", "fractions", "statistics", "re", "heapq"}
FORBIDDEN_CALLS = {"today", "now", "utcnow", "getenv", "open", "time"}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def test_rules_import_only_model_stdlib_and_dateutil():
    for path in (PACKAGE / "rules").glob("*.py"):
        for name in _imports(path):
            assert any(name == a or name.startswith(a + ".") for a in ALLOWED_IN_RULES), f"{path.name} imports {name}"


def test_rules_never_read_the_clock_the_disk_or_the_environment():
    for path in (PACKAGE / "rules").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                fn = node.func
                name = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", "")
                assert name not in FORBIDDEN_CALLS, f"{path.name}:{node.lineno} calls {name}()"
            if isinstance(node, ast.Attribute) and node.attr == "environ":
                raise AssertionError(f"{path.name}:{node.lineno} reads the environment")


def test_ledger_never_imports_the_cli():
    for path in (PACKAGE / "ledger").glob("*.py"):
        assert not [n for n in _imports(path) if n.startswith("xinfang.cli")], path.name


def test_every_command_and_option_has_help_text():
    import typer.main

    from xinfang.cli import _register_commands, app

    _register_commands()
    root = typer.main.get_command(app)
    missing = []

    def walk(cmd, path):
        if not (cmd.help or "").strip():
            missing.append(" ".join(path))
        for p in cmd.params:
            if p.param_type_name == "option" and not (getattr(p, "help", "") or "").strip():
                missing.append(f"{' '.join(path)} {p.opts[0]}")
        if hasattr(cmd, "commands"):
            for name, sub in cmd.commands.items():
                walk(sub, path + [name])

    walk(root, ["xinfang"])
    assert missing == []


HEAVY = ("openpyxl", "sqlite_utils", "dateutil", "rich.progress")


def _loaded_after(argv: list[str]) -> list[str]:
    code = ("import sys; from xinfang.cli import run; run(%r); "
            "print('HEAVY:' + ','.join(m for m in %r if m in sys.modules))") % (argv, HEAVY)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stdout
    return [m for m in out.rsplit("HEAVY:", 1)[1].strip().split(",") if m]


def test_help_and_register_do_not_import_heavy_modules(tmp_path):
    from xinfang.cli import run

    db = str(tmp_path / "l.db")
    assert run(["--db", db, "init", "--json"]) == 0
    assert _loaded_after(["--help"]) == []
    assert _loaded_after(["--db", db, "--today", "2026-11-26", "register", "--received", "2026-11-02",
                          "--channel", "letter", "--township", "车桥镇", "--name", "张三",
                          "--category", "other", "--summary", "x", "--json"]) == []


def test_command_table_names_the_module_of_every_command():
    import importlib

    import typer.main

    from xinfang.cli import COMMAND_MODULES, COMMAND_PACKAGES, _register_commands, app

    _register_commands()
    registered = set(typer.main.get_command(app).commands)
    assert registered == set(COMMAND_MODULES)
    for name, module in COMMAND_MODULES.items():
        source = importlib.import_module(f"xinfang.cli.{module}").__file__
        text = open(source, encoding="utf-8").read()
        assert f'"{name}"' in text or f"def {name}(" in text or f"def {name}_(" in text, (name, module)
    assert set(COMMAND_MODULES.values()) == set(COMMAND_PACKAGES)
