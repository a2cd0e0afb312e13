"""The layout is the architecture: rules are pure, imports go one way, commands are documented."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

import xinfang

PACKAGE = Path(xinfang.__file__).parent
ALLOWED_IN_RULES = {"__future__", "datetime", "dateutil", "xinfang.model", "xinfang.rules", "typing", "enum",
                    "collections", "dataclasses", "decimal", "functools", "itertools", "math", "hashlib",
                    "bisect", "calendar", "operator", "fractions", "statistics", "re", "heapq", "unicodedata"}
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


# --- the import graph: every module, imports inside functions included ------------------------


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _type_checking_only(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (getattr(test, "id", None) == "TYPE_CHECKING"
                                         or getattr(test, "attr", None) == "TYPE_CHECKING")


def _import_nodes(tree: ast.AST):
    """Every import statement, at any depth (functions, methods, branches), except those under
    ``if TYPE_CHECKING:``, which never run."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        for child in ast.iter_child_nodes(node):
            if not _type_checking_only(child):
                stack.append(child)


def _resolve(importer: str, node: ast.ImportFrom) -> str:
    """The absolute module a ``from … import`` names (relative imports resolved)."""
    if not node.level:
        return node.module or ""
    package = importer if MODULES[importer].name == "__init__.py" else importer.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def _targets(importer: str, node) -> list[tuple[str, int]]:
    """The xinfang modules an import statement loads, each with its line: ``from pkg import sub``
    names the submodule ``pkg.sub`` when there is one, else ``pkg`` itself."""
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names]
    else:
        base = _resolve(importer, node)
        names = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
    out = []
    for name in names:
        while name and name not in MODULES:  # "import xinfang.ledger.db.x" → the deepest module that exists
            name = name.rpartition(".")[0]
        if name.startswith("xinfang"):
            out.append((name, node.lineno))
    return out


def import_graph() -> dict[str, dict[str, int]]:
    """Module → {module it imports: line of the first such import}, over every xinfang module."""
    graph: dict[str, dict[str, int]] = {}
    for name, path in MODULES.items():
        edges: dict[str, int] = {}
        for node in _import_nodes(ast.parse(path.read_text(encoding="utf-8"))):
            for target, line in _targets(name, node):
                if target != name:
                    edges.setdefault(target, line)
        graph[name] = edges
    return graph


def import_cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The shortest cycle (a → b → … → a) through each module of each group of modules that import
    each other (each strongly connected component of more than one module, by Tarjan's algorithm),
    the same cycle reported once."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)

    def shortest_cycle(group: list[str], start: str) -> list[str]:
        inside = set(group)
        paths = {start: [start]}
        queue = [start]
        while queue:  # breadth first from the group's first module back to itself
            v = queue.pop(0)
            for w in sorted(graph[v]):
                if w == start:
                    return paths[v] + [start]
                if w in inside and w not in paths:
                    paths[w] = paths[v] + [w]
                    queue.append(w)
        raise AssertionError(f"no cycle through {start}")  # cannot happen in a component

    cycles, seen = [], set()
    for group in sorted(groups):
        for start in group:
            cycle = shortest_cycle(group, start)
            key = frozenset(zip(cycle, cycle[1:]))
            if key not in seen:
                seen.add(key)
                cycles.append(cycle)
    return cycles


def _cycle_text(graph, cycle: list[str]) -> str:
    steps = [f"{a} (line {graph[a][b]})" for a, b in zip(cycle, cycle[1:])]
    return " → ".join(steps + [cycle[-1]])


def test_the_import_graph_sees_function_level_and_relative_imports():
    graph = import_graph()
    assert "xinfang.ledger.cases" in graph["xinfang.ledger.sanctions"]  # imported inside _cases()
    assert "xinfang.render.text" in graph["xinfang.render.bulletin"]
    assert import_cycles({"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {"a": 1}}) == [["a", "b", "c", "a"]]
    assert import_cycles({"a": {"b": 1}, "b": {}}) == []


def test_no_import_cycles_among_xinfang_modules():
    graph = import_graph()
    cycles = import_cycles(graph)
    assert not cycles, "import cycles (counting imports inside functions):\n" + "\n".join(
        _cycle_text(graph, c) for c in cycles)


# Layers that must not import each other: importer package → packages it never imports.
FORBIDDEN_IMPORTS = {
    "xinfang.ledger": ("xinfang.output", "xinfang.render", "xinfang.cli", "xinfang.commands"),
    "xinfang.render": ("xinfang.ledger", "xinfang.cli", "xinfang.commands"),
    "xinfang.rules": ("xinfang.ledger", "xinfang.output", "xinfang.render", "xinfang.cli", "xinfang.commands"),
}


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_layers_import_one_way():
    graph = import_graph()
    leaks = []
    for importer, edges in sorted(graph.items()):
        for layer, forbidden in FORBIDDEN_IMPORTS.items():
            if not _within(importer, layer):
                continue
            leaks += [f"{MODULES[importer].relative_to(PACKAGE.parent)}:{line} imports {target}"
                      for target, line in sorted(edges.items()) if any(_within(target, f) for f in forbidden)]
    assert not leaks, "layer leaks:\n" + "\n".join(leaks)


STREAMS = {"stdout", "stderr", "__stdout__", "__stderr__"}


def _writes_to_the_terminal(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "print":
            found.append((node.lineno, "calls print()"))
        elif (isinstance(node, ast.Attribute) and node.attr in STREAMS
              and getattr(node.value, "id", None) == "sys"):
            found.append((node.lineno, f"uses sys.{node.attr}"))
        elif isinstance(node, ast.ImportFrom) and node.module == "sys":
            found += [(node.lineno, f"imports sys.{a.name}") for a in node.names if a.name in STREAMS]
    return found


def test_ledger_and_rules_never_write_to_the_terminal():
    """The ledger and the rules return data (and warnings as data); only the edge prints."""
    found = []
    for layer in ("ledger", "rules"):
        for path in sorted((PACKAGE / layer).glob("*.py")):
            found += [f"{path.relative_to(PACKAGE.parent)}:{line} {what}"
                      for line, what in _writes_to_the_terminal(ast.parse(path.read_text(encoding="utf-8")))]
    assert not found, "the ledger or the rules write to the terminal:\n" + "\n".join(found)


def test_the_terminal_check_sees_print_and_the_streams():
    tree = ast.parse("import sys\nfrom sys import stderr\ndef f():\n    sys.stderr.write('x')\n    print(1)\n")
    assert sorted(_writes_to_the_terminal(tree)) == [(2, "imports sys.stderr"), (4, "uses sys.stderr"),
                                                     (5, "calls print()")]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_command_and_option_has_help_text(lang):
    import typer.main

    from xinfang.cli import _register_commands, app
    from xinfang.cli.localize import localize

    _register_commands()
    root = typer.main.get_command(app)
    localize(root, lang)
    missing = []

    def walk(cmd, path):
        if not (cmd.help or "").strip():
            missing.append(" ".join(path))
        for p in cmd.params:
            if p.param_type_name in ("option", "argument") and not (getattr(p, "help", "") or "").strip():
                missing.append(f"{' '.join(path)} {p.opts[0] if p.opts else p.name}")
        if hasattr(cmd, "commands"):
            for name, sub in cmd.commands.items():
                walk(sub, path + [name])

    walk(root, ["xinfang"])
    assert missing == []


HEAVY = ("openpyxl", "xlsxwriter", "sqlite_utils", "dateutil", "rich.progress")


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


def _cli_trees():
    for path in sorted((PACKAGE / "cli").glob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def test_help_texts_live_only_in_the_catalogue():
    """Help is worded from the catalogue (``help.COMMAND.PARAM``): a ``help=`` in the command source
    would be a second text nobody reads, drifting from the one users see."""
    found = []
    for path, tree in _cli_trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and any(k.arg in ("help", "short_help", "epilog") for k in node.keywords):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in ("Option", "Argument", "Typer", "command", "callback", "add_typer"):
                    found.append(f"{path.name}:{node.lineno} {name}(help=…)")
    assert found == []


# Chinese a command module may hold outside the catalogue: the answers it accepts (y/是) and the names
# a clerk may type for a form, separators, and who the demo ledger is recorded by.
CHINESE_IN_CODE = {"是", "确认", "好", "否", "不", "取消", "交办单", "呈阅交办单", "处理表", "包案处理表", "演示"}


def test_the_command_modules_word_nothing_themselves():
    """Every Chinese sentence a command prints comes from the catalogue: a Chinese string in a
    command module (docstrings aside) is a message that has escaped it."""
    han = re.compile(r"[\u4e00-\u9fff]")
    found = []
    for path, tree in _cli_trees():
        docs = {id(n.body[0].value) for n in ast.walk(tree)
                if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body
                and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
                    and han.search(node.value) and node.value not in CHINESE_IN_CODE):
                found.append(f"{path.name}:{node.lineno} {node.value[:40]!r}")
    assert found == []
