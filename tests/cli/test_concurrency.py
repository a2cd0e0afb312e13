"""Several clerks at once: separate processes writing one ledger file never see 'database is locked',
never lose a case and never repeat a case number."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time

from xinfang.cli import run

PROCESSES = 4
REGISTRATIONS = 50

# One clerk: waits for the start signal, then runs the real command line REGISTRATIONS times
# in one interpreter (200 interpreter starts would dominate the test) and reports each result.
CLERK = textwrap.dedent("""
    import contextlib, io, json, os, sys, time
    from xinfang.cli import run

    db, count, go, who = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    while not os.path.exists(go):
        time.sleep(0.002)
    results = []
    for i in range(count):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = run(["--db", db, "--today", "2026-11-26", "--user", who, "register",
                        "--received", "2026-11-02", "--channel", "visit", "--township", "车桥镇",
                        "--name", f"{who}-{i}", "--category", "compensation",
                        "--summary", f"{who} 第{i}件", "--json"])
        case = json.loads(out.getvalue())["case"] if code == 0 else None
        results.append({"code": code, "case": case})
    print(json.dumps(results))
""")

# A clerk who keeps reading and copying the ledger while the others write.
READER = textwrap.dedent("""
    import contextlib, io, json, os, sys, time
    from xinfang.cli import run

    db, go, stop, folder = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    while not os.path.exists(go):
        time.sleep(0.002)
    codes, n = [], 0
    while not os.path.exists(stop) or n < 3:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            args = [["cases", "--json"], ["audit", "verify", "--json"],
                    ["db", "backup", os.path.join(folder, f"copy-{n}.db"), "--json"]][n % 3]
            codes.append(run(["--db", db, "--today", "2026-11-26", "--user", "reader", *args]))
        n += 1
    print(json.dumps(codes))
""")


def _env():
    env = {k: v for k, v in os.environ.items() if not k.startswith("XINFANG_")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    return env


def _start(script: str, *args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", script, *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=_env())


def _audit(db) -> dict:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = run(["--db", str(db), "audit", "verify", "--json"])
    report = json.loads(out.getvalue())
    assert code == (0 if report["ok"] else 1)
    return report


def test_four_clerks_register_two_hundred_cases_at_once(cli, tmp_path):
    go = tmp_path / "go"
    clerks = [_start(CLERK, cli.db, REGISTRATIONS, go, f"clerk{k}") for k in range(PROCESSES)]
    time.sleep(0.5)  # let every interpreter start and wait at the line
    go.touch()
    finished = [(p.returncode, *p.communicate(timeout=300)) for p in clerks]
    finished = [(p.returncode, out, err) for p, (_, out, err) in zip(clerks, finished)]

    for code, out, err in finished:
        assert code == 0, err
        assert err == "", err  # no 'database is locked', no warning of any kind
    results = [json.loads(out) for _, out, _ in finished]
    failures = [r for per in results for r in per if r["code"] != 0]
    numbers = [r["case"] for per in results for r in per]
    assert failures == []
    assert len(numbers) == PROCESSES * REGISTRATIONS == 200
    assert sorted(numbers) == [f"2026-{n:05d}" for n in range(1, 201)]
    for per in results:  # each clerk's own numbers rise: nobody was handed an old number
        mine = [r["case"] for r in per]
        assert mine == sorted(mine)

    stored = cli.ok("cases")
    assert sorted(c["case"] for c in stored) == sorted(numbers)
    assert {c["name"] for c in stored} == {f"clerk{k}-{i}" for k in range(PROCESSES) for i in range(REGISTRATIONS)}
    report = _audit(cli.db)
    assert report["ok"] is True and report["checked"]["cases"] == 200
    # interleaving really happened: the clerks' cases are mixed in the number order
    owners = [c["name"].split("-")[0] for c in sorted(stored, key=lambda c: c["case"])]
    assert sum(1 for a, b in zip(owners, owners[1:]) if a != b) > PROCESSES


def test_readers_and_backups_run_while_clerks_write(cli, tmp_path):
    go, stop = tmp_path / "go", tmp_path / "stop"
    copies = tmp_path / "copies"
    copies.mkdir()
    clerks = [_start(CLERK, cli.db, 25, go, f"clerk{k}") for k in range(2)]
    reader = _start(READER, cli.db, go, stop, copies)
    time.sleep(0.5)
    go.touch()
    outs = [p.communicate(timeout=300) for p in clerks]
    stop.touch()
    reader_out, reader_err = reader.communicate(timeout=300)

    for p, (out, err) in zip(clerks, outs):
        assert p.returncode == 0 and err == "", err
        assert all(r["code"] == 0 for r in json.loads(out))
    assert reader.returncode == 0 and reader_err == "", reader_err
    assert set(json.loads(reader_out)) == {0}
    assert _audit(cli.db)["checked"]["cases"] == 50

    # every copy taken mid-write is a consistent ledger: it verifies, and its cases are 1..n
    backups = sorted(copies.iterdir())
    assert backups and not [b for b in backups if b.name.startswith(".")]
    for copy in backups:
        report = _audit(copy)
        assert report["ok"] is True, (copy, report["problems"])
        n = report["checked"]["cases"]
        import sqlite3

        conn = sqlite3.connect(copy)
        numbers = [r[0] for r in conn.execute("SELECT number FROM cases ORDER BY number")]
        conn.close()
        assert numbers == [f"2026-{i:05d}" for i in range(1, n + 1)]


# -- crashes: a clerk's process killed (SIGKILL) at random points ---------------------------------

import random
import signal
import sqlite3
from pathlib import Path

CRASH_SEED = int(os.environ.get("XINFANG_CRASH_SEED", time.time_ns() % 1_000_000))
CRASH_RUNS = 4

# Registers cases one command at a time, announcing each; killed somewhere in the loop.
LOOP = textwrap.dedent("""
    import contextlib, io, sys
    from xinfang.cli import run

    db = sys.argv[1]
    for i in range(100_000):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            run(["--db", db, "--today", "2026-11-26", "--user", "loop", "register", "--again", "--received", "2026-11-02",
                 "--channel", "letter", "--township", "车桥镇", "--name", f"循环{i}", "--category", "homestead",
                 "--summary", "宅基地纠纷", "--id-number", "11010519491231002X", "--people", str(1 + i % 7)])
        print(i, flush=True)
""")

# One long transaction through the ledger's own writer: many registrations, then one COMMIT.
BATCH = textwrap.dedent("""
    import datetime as dt, sys
    from pathlib import Path
    from xinfang.cli.cases import _parse_fields
    from xinfang.ledger.cases import register_case
    from xinfang.ledger.db import open_ledger

    db, n, mark = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    ledger = open_ledger(Path(db), "batch")
    fields = _parse_fields(ledger, received="2026-11-02", channel="visit", township="席桥镇", name="批量",
                           category="compensation", summary="补偿款", people=1, level="district",
                           kind="grievance", major=False)
    with ledger.write():
        for i in range(n):
            register_case(ledger, {**fields, "name": f"批量{i}"}, dt.date(2026, 11, 26))
            if i == mark:
                print("inside", flush=True)
    print("committed", flush=True)
""")


def _fresh(tmp_path, name: str):
    import contextlib
    import io

    db = tmp_path / name
    with contextlib.redirect_stdout(io.StringIO()):
        assert run(["--db", str(db), "init"]) == 0
    return db


def _wal_bytes(db) -> int:
    """Size of the write-ahead log a killed writer left behind (its unfinished work lives there)."""
    wal = db.parent / (db.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


def _rows(db, sql: str, params=()):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def _kill_after_line(proc: subprocess.Popen, line_number: int, extra_sleep: float) -> int:
    """Read the child's announcements up to ``line_number``, wait a moment, then SIGKILL it.
    Returns how many lines it announced in all."""
    seen = 0
    for _ in range(line_number):
        if not proc.stdout.readline():
            break
        seen += 1
    time.sleep(extra_sleep)
    proc.send_signal(signal.SIGKILL)
    rest, _ = proc.communicate(timeout=60)
    return seen + len(rest.splitlines())


def _assert_whole_cases(db, context) -> int:
    """Every case present is complete (row, register record, notice clock and its event); numbers have
    no gap and the counter agrees; audit verify passes. Returns the number of cases."""
    report = _audit(db)
    assert report["ok"] is True, (context, report["problems"])
    numbers = [r[0] for r in _rows(db, "SELECT number FROM cases ORDER BY seq")]
    assert numbers == [f"2026-{i:05d}" for i in range(1, len(numbers) + 1)], context
    counter = _rows(db, "SELECT coalesce(max(last), 0) FROM counters")[0][0]
    assert counter == len(numbers), context
    per_case = _rows(db, "SELECT c.number, (SELECT count(*) FROM events e WHERE e.case_number = c.number"
                         " AND (e.action = 'register' AND e.field IS NULL OR e.action = 'import' AND e.field = 'sha256')), (SELECT count(*) FROM clocks k WHERE k.case_number = c.number),"
                         " (SELECT count(*) FROM events e WHERE e.case_number = c.number AND e.action = 'clock')"
                         " FROM cases c")
    assert all(r[1:] == (1, 1, 1) for r in per_case), (context, [r for r in per_case if r[1:] != (1, 1, 1)])
    assert _rows(db, "SELECT count(*) FROM events WHERE case_number IS NOT NULL AND case_number NOT IN"
                     " (SELECT number FROM cases)")[0][0] == 0, context
    return len(numbers)


def test_registration_loop_killed_at_random_points_leaves_only_whole_cases(tmp_path):
    rng = random.Random(CRASH_SEED)
    kills = []
    for attempt in range(CRASH_RUNS):
        db = _fresh(tmp_path, f"loop-{attempt}.db")
        context = f"seed {CRASH_SEED}, run {attempt}"
        proc = _start(LOOP, db)
        announced = _kill_after_line(proc, rng.randint(1, 25), rng.uniform(0, 0.05))
        assert proc.returncode == -signal.SIGKILL, context
        found = _assert_whole_cases(db, context)
        # every announced case is there; at most the one being written when killed is extra
        assert announced <= found <= announced + 1, (context, announced, found)
        kills.append((announced, found))
        # the ledger goes on: the next case takes the next number
        res = _cli_json(db, "register", "--again", "--received", "2026-11-03", "--channel", "letter", "--township", "车桥镇",
                        "--name", "之后", "--category", "homestead", "--summary", "续")
        assert res["case"] == f"2026-{found + 1:05d}", context
    print(f"\nregistration loop killed {len(kills)} times: (announced, cases kept) {kills}")


def test_one_big_transaction_killed_at_random_points_is_all_or_nothing(tmp_path):
    rng = random.Random(CRASH_SEED + 1)
    total = 3000
    outcomes = []
    for attempt in range(CRASH_RUNS):
        db = _fresh(tmp_path, f"batch-{attempt}.db")
        context = f"seed {CRASH_SEED}, run {attempt}"
        proc = _start(BATCH, db, total, rng.randint(0, total - 1))
        # kill right after the announcement (mid-transaction) or a little later (maybe mid-COMMIT or after it)
        _kill_after_line(proc, 1, rng.choice([0, 0, rng.uniform(0, 1.0)]))
        left_behind = _wal_bytes(db)
        found = _assert_whole_cases(db, context)
        assert found in (0, total), context
        outcomes.append((found, left_behind))
    print(f"\nbatch of {total} killed {len(outcomes)} times: (cases kept, WAL bytes left) {outcomes}")


def _cli_json(db, *args) -> dict:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = run(["--db", str(db), "--today", "2026-11-26", *args, "--json"])
    assert code == 0
    return json.loads(out.getvalue())


def _sample_line(tmp_path) -> tuple[str, str]:
    """The header and the one row of an export of a ledger holding one case (made once per test)."""
    sample = tmp_path / "sample.csv"
    if not sample.exists():
        source = _fresh(tmp_path, "source.db")
        _cli_json(source, "register", "--again", "--received", "2026-11-02", "--channel", "visit", "--township",
                  "车桥镇", "--name", "样本", "--category", "compensation", "--summary", "征地补偿款未到位")
        assert run(["--db", str(source), "export", "--reveal", "--format", "csv", "-o", str(sample)]) == 0
    header, line = sample.read_text(encoding="utf-8-sig").splitlines()[:2]
    return header, line


def _whole_import(tmp_path, rows: int) -> tuple[list[str], float]:
    """A file of ``rows`` cases (``big.csv``) imported to the end into a new ledger (``whole.db``),
    checked whole: the command (without its ``--db``) and how long it took here."""
    header, line = _sample_line(tmp_path)
    big = tmp_path / "big.csv"
    big.write_text("\n".join([header] + [line.replace("样本", f"导入{i}") for i in range(rows)]) + "\n",
                   encoding="utf-8")
    command = [sys.executable, "-m", "xinfang", "--today", "2026-11-26", "import", str(big), "--json"]
    db = _fresh(tmp_path, "whole.db")
    started = time.monotonic()
    whole = subprocess.run(command[:3] + ["--db", str(db)] + command[3:], capture_output=True, text=True,
                           env=_env(), timeout=600)
    duration = time.monotonic() - started
    assert whole.returncode == 0, whole.stderr
    assert json.loads(whole.stdout)["imported"] == rows
    assert _assert_whole_cases(db, "whole import") == rows
    return command, duration


def _journal_mode(db) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        conn.close()


def test_import_killed_at_random_points_is_all_or_nothing(tmp_path):
    """'xinfang import FILE' of thousands of rows, killed (SIGKILL) while it runs: none or all rows."""
    import pytest

    pytest.importorskip("xinfang.cli.exchange")
    rows = 8000
    command, duration = _whole_import(tmp_path, rows)

    rng = random.Random(CRASH_SEED + 2)
    outcomes = []
    for attempt in range(CRASH_RUNS + 1):
        db = _fresh(tmp_path, f"import-{attempt}.db")
        context = f"seed {CRASH_SEED}, run {attempt}"
        baseline = _wal_bytes(db)
        proc = subprocess.Popen(command[:3] + ["--db", str(db)] + command[3:], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=_env())
        if attempt % 2:
            # any moment of the command's life: start-up, reading the file, writing, committing
            time.sleep(rng.uniform(0.3, 1.0) * duration)
        else:
            # a moment after its transaction began spilling rows into the write-ahead log
            until = time.monotonic() + 2 * duration
            while _wal_bytes(db) <= baseline + 65536 and proc.poll() is None and time.monotonic() < until:
                time.sleep(0.002)
            time.sleep(rng.choice([0, rng.uniform(0, 0.1) * duration]))
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        left_behind = _wal_bytes(db)
        found = _assert_whole_cases(db, context)
        assert found in (0, rows), (context, found)
        outcomes.append((found, left_behind))
    print(f"\nimport of {rows} rows killed {len(outcomes)} times: (cases kept, WAL bytes left) {outcomes}")


def test_a_bulk_import_killed_at_random_points_is_all_or_nothing_and_the_ledger_keeps_its_log(tmp_path):
    """A bulk load (a file larger than the ledger: ``importer.bulk_load``) runs on the rollback
    journal instead of the write-ahead log; killed (SIGKILL) while it runs, the next command rolls it
    back whole and puts the ledger back on the log."""
    from xinfang.ledger import importer

    rows = importer.SUSPEND_MIN_BYTES // len(_sample_line(tmp_path)[1].encode()) + 500
    command, duration = _whole_import(tmp_path, rows)
    assert importer.bulk_load(tmp_path / "big.csv", 1)

    rng = random.Random(CRASH_SEED + 3)
    outcomes = []
    for attempt in range(CRASH_RUNS // 2 + 1):
        db = _fresh(tmp_path, f"bulk-{attempt}.db")
        context = f"seed {CRASH_SEED}, run {attempt}"
        proc = subprocess.Popen(command[:3] + ["--db", str(db)] + command[3:], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=_env())
        # a moment after the load began writing under its journal, or any moment of the command's life
        until = time.monotonic() + 2 * duration
        while not Path(f"{db}-journal").exists() and proc.poll() is None and time.monotonic() < until:
            time.sleep(0.002)
        assert Path(f"{db}-journal").exists(), context  # the load writes under the rollback journal
        time.sleep(rng.uniform(0, 1.2) * duration)  # mid-load, mid-commit or after it
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        left = Path(f"{db}-journal").exists()
        found = _assert_whole_cases(db, context)  # the next command (audit verify) opens the ledger
        assert found in (0, rows), (context, found)
        assert left or found == rows, context  # killed mid-load: its journal is what undoes it
        assert _journal_mode(db) == "wal", context
        outcomes.append((found, left))
    print(f"\nbulk import of {rows} rows killed {len(outcomes)} times: (cases kept, journal left) {outcomes}")


def test_clerks_starting_together_after_an_upgrade_apply_the_migration_once(cli, tmp_path):
    """A ledger one migration behind (here: the append-only guards not yet applied), opened by four
    clerks at the same moment: one upgrades it, the others wait; nobody is refused."""
    from xinfang.ledger import schema

    guards = "".join(f"DROP TRIGGER {t}_no_update; DROP TRIGGER {t}_no_delete;" for t in schema.INITIAL_APPEND_ONLY)
    conn = sqlite3.connect(cli.db)
    conn.executescript(guards + "DELETE FROM _sqlite_migrations WHERE name = '0002_append_only_guards';"
                       f"PRAGMA user_version = {schema.MIGRATION_COUNT - 1};")
    conn.close()
    go = tmp_path / "go"
    clerks = [_start(CLERK, cli.db, 5, go, f"clerk{k}") for k in range(PROCESSES)]
    time.sleep(0.5)
    go.touch()
    for p in clerks:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0 and err == "", err
        assert [r["code"] for r in json.loads(out)] == [0] * 5
    assert _rows(cli.db, "SELECT count(*) FROM _sqlite_migrations WHERE name = '0002_append_only_guards'") == [(1,)]
    assert _rows(cli.db, "PRAGMA user_version") == [(schema.MIGRATION_COUNT,)]
    report = _audit(cli.db)
    assert report["ok"] is True and report["checked"]["cases"] == 5 * PROCESSES
