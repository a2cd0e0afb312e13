"""Shared fixtures: a real ledger file in a temporary folder, driven through the real command line."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from xinfang.cli import run

TODAY = "2026-11-26"


class CLI:
    """Runs ``xinfang`` in-process against one ledger file and captures what a user would see."""

    def __init__(self, db: Path, capsys):
        self.db = db
        self.capsys = capsys

    def __call__(self, *args: str, today: str = TODAY, lang: str | None = None):
        argv = ["--db", str(self.db), "--today", today, "--user", "tester"]
        if lang:
            argv += ["--lang", lang]
        self.capsys.readouterr()
        code = run(argv + [str(a) for a in args])
        out, err = self.capsys.readouterr()
        return Result(code, out, err)

    def ok(self, *args: str, **kw):
        """Run a command that must succeed; return its JSON document."""
        res = self(*args, "--json", **kw)
        assert res.code == 0, res.err
        return json.loads(res.out)

    def counts(self) -> dict[str, int]:
        """Row counts of every table: a refused command must leave them unchanged."""
        conn = sqlite3.connect(self.db)
        try:
            tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        finally:
            conn.close()

    def register(self, **fields) -> dict:
        """Register a case with sensible defaults for the fields a test does not care about; as a new
        letter or visit (``--again``) unless ``again=False``, since the defaults repeat name,
        township and category (a probable duplicate)."""
        values = {"received": "2026-11-02", "channel": "letter", "township": "车桥镇", "name": "张三",
                  "category": "compensation", "summary": "征地补偿款未足额到位", "again": True}
        values.update(fields)
        args = ["register"]
        for key, value in values.items():
            flag = "--" + key.replace("_", "-")
            if value is True:
                args.append(flag)
            elif value not in (None, False):
                args += [flag, str(value)]
        return self.ok(*args)


class Result:
    def __init__(self, code: int, out: str, err: str):
        self.code, self.out, self.err = code, out, err

    def json(self):
        return json.loads(self.out)


@pytest.fixture
def cli(tmp_path, capsys) -> CLI:
    """A freshly initialised ledger with the bundled roster and policy."""
    c = CLI(tmp_path / "ledger.db", capsys)
    res = c("init")
    assert res.code == 0, res.err
    return c


@pytest.fixture
def blank_cli(tmp_path, capsys) -> CLI:
    """A CLI pointed at a path where no ledger exists yet."""
    return CLI(tmp_path / "ledger.db", capsys)
