"""xinfang demo: build a realistic sample ledger, say what it holds and what to try next."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from xinfang.cli import STATE, ForceOpt, app
from xinfang.errors import Refusal

DEFAULT_DEMO_DB = "xinfang-demo.db"


@app.command()
def demo(
    db: Annotated[Optional[str], typer.Option("--db")] = None,
    seed: Annotated[int, typer.Option("--seed")] = 2026,
    month: Annotated[str, typer.Option("--month")] = "2026-10",
    force: ForceOpt = False,
):
    """Build a sample ledger from data/ (two years of cases, officials, deposits, published months, a
    settled year) and summarise it: cases, the month's bottom group, sanctions, and the commands to
    try next. Replaces an earlier demo ledger only."""
    import datetime as dt
    import random

    from xinfang.ledger import demo as plan
    from xinfang.ledger.db import open_ledger
    from xinfang.parse import parse_month
    from xinfang.policy import default_rules_text, read_roster

    month = parse_month(month)
    path = Path(db or STATE.db or DEFAULT_DEMO_DB)
    _clear_old_demo(path, force)
    today = plan.DEMO_TODAY
    STATE.db, STATE.today_text = str(path), today.isoformat()
    from xinfang.cli.setup import create_ledger

    create_ledger(path, read_roster(), default_rules_text())
    ledger = STATE.track(open_ledger(path, STATE.who))
    with ledger.write():
        ledger.conn.execute("INSERT INTO meta (key, value) VALUES ('demo', '1')")
        ledger.touch("meta")
    rng = random.Random(seed)
    from xinfang.messages import text

    with _progress() as progress:
        task = progress.add_task(text("demo.step.officials", STATE.lang), total=None)
        _officials(_builder(path, DEMO_USER), rng)
        task = progress.add_task(text("demo.step.cases", STATE.lang), total=None)
        plan.build_cases(_builder(path, DEMO_USER), rng, today, lambda n: progress.advance(task, n))
        task = progress.add_task(text("demo.step.publish", STATE.lang), total=None)
        _publish(_builder(path, DEMO_USER))
    done = STATE.track(open_ledger(path, DEMO_USER))
    with done.write():  # what the sample holds when built: a later command's record is the clerk's
        done.conn.execute("INSERT INTO meta (key, value) VALUES (?, (SELECT max(id) FROM events))", (BUILT_KEY,))
        done.touch("meta")
    STATE.db, STATE.today_text = str(path), today.isoformat()
    _summary(path, month)


DEMO_USER = "演示"  # who the sample is recorded by


def _builder(path: Path, who: str):
    """The sample's ledger, opened to build it: a sample is rebuilt, not recovered, so its
    transactions skip the wait for the disk (fsync)."""
    from xinfang.ledger.db import open_ledger

    ledger = STATE.track(open_ledger(path, who))
    ledger.conn.execute("PRAGMA synchronous = OFF")
    return ledger


def _officials(ledger, rng) -> None:
    """Each township's officials and their 2025 and 2026 deposits, as ``officials add`` and
    ``deposits pay`` record them (one transaction each), before any case."""
    import datetime as dt

    from xinfang.ledger import demo as plan
    from xinfang.ledger.deposits import load_settled_years, pay_deposit
    from xinfang.ledger.officials import add_official
    from xinfang.model import Role

    for township, role, name, start, end in plan.officials_plan(ledger.ref.township_names, rng):
        first = dt.date.fromisoformat(start)
        last = dt.date.fromisoformat(end) if end else None
        with ledger.write():  # no case is registered yet: nothing to reconcile
            add_official(ledger, township, Role(role), name, first, last, first, load_settled_years(ledger))
        for year in (2025, 2026):
            pay_on = dt.date(year, 1, 15)
            if first <= pay_on or year == 2026 or start == "2025-07-01":
                on = max(pay_on, first + dt.timedelta(days=10))
                if last is None or on <= last:
                    with ledger.write():
                        pay_deposit(ledger, name, 1_000_000, on, year, on)


def _publish(ledger) -> None:
    """Publish every month of the sample as ``rank --publish`` does (on the 5th of the next month),
    then settle 2025 as ``deposits settle`` does."""
    import datetime as dt

    from xinfang.ledger import demo as plan
    from xinfang.ledger.deposits import settle_deposits
    from xinfang.ledger.ranking import publish_month

    for y, mo in ((y, m) for y in plan.DemoPlan.years for m in range(1, 13) if (y, m) <= plan.DemoPlan.last_month):
        with ledger.write():
            publish_month(ledger, f"{y}-{mo:02d}", dt.date(y + mo // 12, mo % 12 + 1, 5))
    with ledger.write():
        settle_deposits(ledger, 2025, dt.date(2026, 1, 10))


def _summary(path: Path, month: str) -> None:
    """What the sample holds, in a few lines, and the commands to try next (one a line, pasteable)."""
    import datetime as dt

    from xinfang.ledger.db import open_ledger
    from xinfang.ledger.ranking import month_ranking
    from xinfang.messages import text

    lang = STATE.lang
    ledger = STATE.track(open_ledger(path, STATE.who))
    cases = ledger.scalar("SELECT count(*) FROM cases")
    first, last = ledger.one("SELECT min(received) AS a, max(received) AS b FROM cases").values()
    ranking = month_ranking(ledger, month)
    bottom = [r["township"] for r in ranking["rows"] if r["bottom"]]
    from xinfang.ledger.sanctions import list_sanctions
    from xinfang.model import SanctionStatus

    status = [s["status"] for s in list_sanctions(ledger, dt.date.fromisoformat(STATE.today_text), month)]
    binding = sum(s in (SanctionStatus.in_force.value, SanctionStatus.confirmed.value) for s in status)
    lines = [text("demo.built", lang, path=str(path), today=STATE.today_text),
             text("demo.cases", lang, cases=cases, first=first, last=last),
             text("demo.bottom", lang, month=month, size=ranking["method"]["bottom_size"],
                  towns=("、" if lang == "zh" else ", ").join(bottom) or "-"),
             text("demo.sanctions", lang, month=month, in_force=binding,
                  proposed=status.count(SanctionStatus.proposed.value)),
             text("demo.next", lang)]
    db = _shell_word(str(path))
    for args in ("rank --month " + month, "sanctions --month " + month, "overdue", "cases --month " + month,
                 "deposits statement --year 2025", f"report --month {month} -o report-{month}.html"):
        lines.append(f"  xinfang --db {db} {args}")
    print("\n".join(lines))


def _shell_word(word: str) -> str:
    import shlex

    return shlex.quote(word)


def _tty() -> bool:
    import sys

    return sys.stderr.isatty()


def _progress():
    """Rich's progress display on a terminal; elsewhere none, and Rich is not loaded."""
    if _tty():
        from rich.progress import Progress

        return Progress(transient=True)
    return _NoProgress()


class _NoProgress:
    """A progress display that shows nothing."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def add_task(self, description: str, total=None) -> int:
        return 0

    def advance(self, task: int, advance: float = 1) -> None:
        return None


BUILT_KEY = "demo_built_through"  # meta: the last history entry of the sample as the demo built it


def _bookkeeping() -> str:
    """The history's own seals, written with any command: not a record of the clerk's."""
    from xinfang.ledger.history import DEPOSIT_HEAD_ACTION, SEAL_ACTION, STATE_SEAL_ACTION

    return f"('{SEAL_ACTION}', '{STATE_SEAL_ACTION}', '{DEPOSIT_HEAD_ACTION}')"


def _clear_old_demo(path: Path, force: bool) -> None:
    """Only a ledger that an earlier demo built may be replaced, and one that has recorded anything
    since it was built (a case registered to try the commands out) only with ``force``."""
    if not path.exists():
        return
    import sqlite3

    later = 0
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            is_demo = conn.execute("SELECT value FROM meta WHERE key = 'demo'").fetchone() is not None
            built = conn.execute("SELECT value FROM meta WHERE key = ?", (BUILT_KEY,)).fetchone()
            if is_demo and built is not None:
                later = conn.execute(f"SELECT count(*) FROM events WHERE id > ? AND action NOT IN {_bookkeeping()}",
                                     (int(built[0]),)).fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        is_demo = False
    if not is_demo:
        raise Refusal("demo.not_demo", "--db", path=str(path))
    if later and not force:
        raise Refusal("demo.changed", "--db", path=str(path))
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
