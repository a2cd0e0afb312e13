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
