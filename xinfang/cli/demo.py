"""xinfang demo: build a realistic sample ledger and show a month's ranking and the sanctions."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Annotated, Optional

import typer

from xinfang.cli import STATE, app
from xinfang.errors import XinfangError

DEFAULT_DEMO_DB = "xinfang-demo.db"


def _quiet(argv: list[str]) -> None:
    """Run one xinfang command inside the demo; any refusal is a bug in the demo itself."""
    from xinfang.cli import run

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run(argv)
    if code != 0:
        raise XinfangError(f"demo step failed: xinfang {' '.join(argv)}: {err.getvalue().strip()}",
                           fix="report this; the demo data should always load")


@app.command()
def demo(
    db: Annotated[Optional[str], typer.Option("--db", help=f"Where to build the sample ledger (default: {DEFAULT_DEMO_DB}).")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed of the sample data.")] = 2026,
    month: Annotated[str, typer.Option("--month", help="Month whose ranking is shown at the end.")] = "2026-10",
):
    """Build a sample ledger from data/ (two years of cases, officials, deposits, published months, a
    settled year) and show a month's ranking and the sanctions. Replaces an earlier demo ledger only."""
    import datetime as dt
    import random

    from xinfang.ledger import demo as plan
    from xinfang.ledger.db import open_ledger
    from xinfang.parse import parse_month
    from xinfang.policy import default_rules_text, read_roster

    month = parse_month(month)
    path = Path(db or STATE.db or DEFAULT_DEMO_DB)
    _clear_old_demo(path)
    today = plan.DEMO_TODAY
    STATE.db, STATE.today_text = str(path), today.isoformat()
    from xinfang.cli.setup import create_ledger

    create_ledger(path, read_roster(), default_rules_text())
    ledger = open_ledger(path, STATE.who)
    with ledger.write():
        ledger.conn.execute("INSERT INTO meta (key, value) VALUES ('demo', '1')")
        ledger.touch("meta")
    rng = random.Random(seed)
    base = ["--db", str(path), "--user", "演示"]
    towns = ledger.ref.township_names
    from rich.progress import Progress

    with Progress(transient=True, disable=not _tty()) as progress:
        task = progress.add_task("官员与保证金 officials and deposits", total=len(towns) * 4)
        for township, role, name, start, end in plan.officials_plan(towns, rng):
            args = ["officials", "add", "--township", township, "--role", role, "--name", name, "--from", start]
            _quiet(base + ["--today", start] + args + (["--to", end] if end else []))
            for year in (2025, 2026):
                pay_on = dt.date(year, 1, 15)
                if dt.date.fromisoformat(start) <= pay_on or year == 2026 or start == "2025-07-01":
                    on = max(pay_on, dt.date.fromisoformat(start) + dt.timedelta(days=10))
                    if end is None or on <= dt.date.fromisoformat(end):
                        _quiet(base + ["--today", on.isoformat(), "deposits", "pay", "--official", name,
                                       "--amount", "10000", "--on", on.isoformat(), "--year", str(year)])
            progress.advance(task, 2)
        task = progress.add_task("信访事项 cases", total=None)
        ledger = open_ledger(path, STATE.who)
        # A sample is rebuilt, not recovered: skip the per-transaction fsync while building it.
        ledger.conn.execute("PRAGMA synchronous = OFF")
        plan.build_cases(ledger, rng, today, lambda n: progress.advance(task, n))
        months = [f"{y}-{m:02d}" for y in (2025, 2026) for m in range(1, 13) if (y, m) <= plan.DemoPlan.last_month]
        task = progress.add_task("排名公布 publishing rankings", total=len(months) + 1)
        for m in months:
            y, mo = int(m[:4]), int(m[5:])
            published_on = dt.date(y + mo // 12, mo % 12 + 1, 5)
            _quiet(base + ["--today", published_on.isoformat(), "rank", "--month", m, "--publish"])
            progress.advance(task)
        _quiet(base + ["--today", "2026-01-10", "deposits", "settle", "--year", "2025"])
        progress.advance(task)
    STATE.db, STATE.today_text = str(path), today.isoformat()
    from xinfang.cli import run

    zh = STATE.lang == "zh"
    print(f"示例台账已建立：{path}（截至 {today}）" if zh else f"Sample ledger built: {path} (as of {today})")
    run(["--db", str(path), "--today", today.isoformat(), "--lang", STATE.lang, "rank", "--month", month])
    run(["--db", str(path), "--today", today.isoformat(), "--lang", STATE.lang, "sanctions", "--month", month])
    print(("接着试试：" if zh else "Try next: ") + f"xinfang --db {path} overdue | cases --month {month} | "
          "deposits statement --year 2025 | report --month " + month)


def _tty() -> bool:
    import sys

    return sys.stderr.isatty()


def _clear_old_demo(path: Path) -> None:
    """Only a ledger that an earlier demo built may be replaced."""
    if not path.exists():
        return
    import sqlite3

    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        is_demo = conn.execute("SELECT value FROM meta WHERE key = 'demo'").fetchone() is not None
        conn.close()
    except sqlite3.DatabaseError:
        is_demo = False
    if not is_demo:
        raise XinfangError(f"--db: {path} exists and is not a demo ledger", fix="give the demo another path with --db")
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
