"""Time xinfang against sqlite3 and sqlite-utils on the same synthetic ledgers, in the same run.

    python bench/run.py --size 1m                 # every operation that fits the size
    python bench/run.py --size 1m --only rank     # one operation
    python bench/run.py --size 100k --json        # one JSON document on stdout
    python bench/run.py --size 1m --write-results # also refresh the table in bench/results.md

Every timing is the median of N cold processes (``subprocess``; N from ``--runs`` or the
operation's default), wall clock around fork, exec and exit; peak memory is the child's
``ru_maxrss`` from ``wait4``. Peers run on the same file (on a copy when they write). Before a
timing counts, the operation's result is checked against its raw-SQL peer on the same file (rank
rows, the overdue set, settlement sums): a mismatch fails the row whatever the speed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import generate as gen  # noqa: E402

SQLITE3 = shutil.which("sqlite3") or "/usr/bin/sqlite3"
RANK_MONTH = "2025-12"
SETTLE_YEAR = 2025
TODAY = gen.TODAY.isoformat()
RESULTS_MD = Path(__file__).resolve().parent / "results.md"
MARK_START, MARK_END = "<!-- results:start -->", "<!-- results:end -->"


# ---------------------------------------------------------------------------------------------
# Processes


@dataclass
class Run:
    seconds: float
    maxrss_mb: float
    cpu: float  # user + system CPU seconds of the child: steadier than wall time on a busy machine
    code: int
    out: str
    err: str
    pss_mb: float | None = None  # peak proportional set size of the process and its children, when sampled


def _tree_pss_kib(pid: int) -> int:
    """Proportional set size (a page shared by n processes counts 1/n to each) of ``pid`` and every
    process below it: the memory a process tree really takes, forked children included."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except (OSError, ValueError):
            continue  # ended between two reads
    return total


class _MemorySampler:
    """Samples the tree's PSS every 50 ms in a thread while the process runs."""

    def __init__(self, pid: int):
        import threading

        self.pid, self.peak, self.done = pid, 0, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.done.wait(0.05):
            self.peak = max(self.peak, _tree_pss_kib(self.pid))

    def stop(self) -> float:
        self.done.set()
        self.thread.join()
        return self.peak / 1024


def child_env() -> dict:
    """The environment of timed processes: bytecode cached (under bench/out/pycache) as an installed
    package has it, even where the caller's shell disables writing it."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(gen.OUT / "pycache")
    return env


def run_process(argv: list[str], *, stdin_path: Path | None = None, env: dict | None = None,
                sample_memory: bool = False) -> Run:
    """Run one cold process; wall time and the child's own peak RSS (``wait4``); with
    ``sample_memory``, also the peak PSS of the child and the processes it forks."""
    import tempfile

    env = env or child_env()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
        try:
            start = time.perf_counter()
            proc = subprocess.Popen(argv, stdin=stdin, stdout=out, stderr=err, env=env)
            sampler = _MemorySampler(proc.pid) if sample_memory else None
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - start
            pss = sampler.stop() if sampler else None
        finally:
            if stdin_path:
                stdin.close()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, proc.returncode,
                   out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"), pss)


def must(run: Run, what: str) -> Run:
    if run.code != 0:
        raise BenchError(f"{what} failed (exit {run.code}): {run.err.strip()[-400:]}")
    return run


class BenchError(Exception):
    pass


def xinfang(db: Path, *args: str) -> list[str]:
    return [gen.xinfang_exe(), "--db", str(db), "--today", TODAY, "--user", "bench", *args]


def sqlite_utils_exe() -> str:
    here = Path(sys.executable).parent / "sqlite-utils"
    return str(here) if here.exists() else (shutil.which("sqlite-utils") or "sqlite-utils")


def sql_json(db: Path, sql: str) -> list[str]:
    return [SQLITE3, "-json", str(db), sql]


def checkpoint(db: Path) -> None:
    """Fold any WAL into the main file so that a plain file copy is the whole ledger."""
    conn = sqlite3.connect(str(db))
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def remove_ledgers(*paths: Path) -> None:
    """Delete scratch copies (a 10M copy is several GB)."""
    for path in paths:
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)


def copy_ledger(src: Path, dst: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(str(dst) + suffix).unlink(missing_ok=True)
    checkpoint(src)
    shutil.copyfile(src, dst)
    # Flush the copy now: otherwise the first timed commit pays for writing back the whole file.
    fd = os.open(dst, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return dst


def command_exists(*words: str) -> bool:
    """Whether the installed xinfang has this command (others are still being built)."""
    run = run_process([gen.xinfang_exe(), *words, "--help"])
    return run.code == 0


def policy_of(db: Path):
    from xinfang.policy import load_policy_text

    conn = sqlite3.connect(str(db))
    try:
        return load_policy_text(conn.execute("SELECT value FROM meta WHERE key = 'rules'").fetchone()[0])
    finally:
        conn.close()


# ---------------------------------------------------------------------------------------------
# Raw-SQL peers: the same rule written directly against the stored rows


def _counted(policy) -> str:
    """The cases the ranking counts: not of a status or kind the policy leaves out."""
    statuses = ", ".join(f"'{st.value}'" for st in sorted(policy.uncounted_statuses)) or "''"
    kinds = ", ".join(f"'{k.value}'" for k in sorted(policy.uncounted_kinds)) or "''"
    return f"status NOT IN ({statuses}) AND kind NOT IN ({kinds})"


def rates_sql(policy, first: str, last: str, today: str) -> str:
    """Per roster township, the numerator and denominator of each indicator over the days
    ``first``–``last`` (docs/indicators.md), written directly against the stored rows: clocks that
    ended in the period, evaluations given in it, cases closed in it and cases received in it. A
    clock met in the period is due at most its limit after it, so its due day bounds the scan."""
    out = "c.status NOT IN ('transferred', 'voided')"
    slack = max(r.days + r.max_extension_days for k, r in policy.clocks.items()
                if k.value in ("notice", "reply", "conclude")) * 2 + 15
    window = policy.evaluation_window_days
    return f"""
WITH k AS (
    SELECT c.township, k.clock = 'notice' AS notice, k.met IS 1 AS met FROM clocks k JOIN cases c ON c.number = k.case_number
    WHERE k.clock IN ('notice', 'reply', 'conclude') AND k.due >= '{first}' AND k.due <= date('{last}', '+{slack} days')
      AND (CASE WHEN k.met = 1 THEN k.done_on WHEN k.met = 0 THEN k.due
                WHEN k.done_on IS NULL AND k.due < '{today}' THEN k.due END) BETWEEN '{first}' AND '{last}' AND {out}),
kt AS (SELECT township, SUM(notice AND met) AS ta_n, SUM(notice) AS ta_d, SUM(NOT notice AND met) AS ot_n,
              SUM(NOT notice) AS ot_d FROM k GROUP BY township),
e AS (SELECT c.township, SUM(e.result IN ('satisfied', 'basic')) AS sa_n, COUNT(*) AS sa_d
      FROM evaluations e JOIN cases c ON c.number = e.case_number
      WHERE e.on_date BETWEEN '{first}' AND '{last}' AND {out} GROUP BY c.township),
cl AS (SELECT c.township, SUM(EXISTS (SELECT 1 FROM evaluations e WHERE e.case_number = c.number
                                      AND e.stage = 'handling' AND e.on_date <= date(c.closed_on, '+{window} days'))) AS ev_n,
              COUNT(*) AS ev_d
       FROM cases c WHERE c.closed_on BETWEEN '{first}' AND '{last}' AND {out} GROUP BY c.township),
rc AS (SELECT c.township, SUM(c.repeat_of IS NOT NULL) AS re_n, COUNT(*) AS re_d FROM cases c
       WHERE c.month BETWEEN '{first[:7]}' AND '{last[:7]}' AND {out} GROUP BY c.township)
SELECT t.name AS township, t.ord,
       kt.ta_n * 1.0 / NULLIF(kt.ta_d, 0) AS timely_acceptance_rate, kt.ot_n * 1.0 / NULLIF(kt.ot_d, 0) AS on_time_rate,
       e.sa_n * 1.0 / NULLIF(e.sa_d, 0) AS satisfaction_rate, cl.ev_n * 1.0 / NULLIF(cl.ev_d, 0) AS evaluation_rate,
       rc.re_n * 1.0 / NULLIF(rc.re_d, 0) AS repeat_rate
FROM townships t LEFT JOIN kt ON kt.township = t.name LEFT JOIN e ON e.township = t.name
LEFT JOIN cl ON cl.township = t.name LEFT JOIN rc ON rc.township = t.name"""


RATE_KEYS = ("timely_acceptance_rate", "on_time_rate", "satisfaction_rate", "evaluation_rate", "repeat_rate")


def rank_sql(policy, month: str, today: str | None = None) -> str:
    """The month's township scores, positions and bottom group as one SQL statement; with
    ``today``, each township's five rates of the month beside them (as ``rank`` shows them)."""
    weights = " ".join(f"WHEN '{level.value}' THEN {w}" for level, w in policy.level_weights.items())
    raw = (f"SUM((CASE level {weights} END) * (CASE WHEN people >= {policy.collective_people}"
           f" THEN {policy.collective_multiplier} ELSE 1 END)"
           f" + (CASE WHEN repeat_of IS NOT NULL THEN {policy.repeat_extra} ELSE 0 END))")
    score = ("CASE WHEN t.population > 0 THEN ROUND(COALESCE(s.raw, 0) / (t.population / 10000.0), 2)"
             " ELSE COALESCE(s.raw, 0) END") if policy.per_10k_residents else "COALESCE(s.raw, 0)"
    rated = today is not None
    if rated:
        from xinfang.rules.ranking import month_range

        first, last = (d.isoformat() for d in month_range(month))
    rates = f",\nq AS ({rates_sql(policy, first, last, today).strip()})" if rated else ""
    joined = " LEFT JOIN q ON q.township = t.name" if rated else ""
    columns = "".join(f", q.{k} AS {k}" for k in RATE_KEYS) if rated else ""
    selected = "".join(f", {k}" for k in RATE_KEYS) if rated else ""
    return f"""
WITH s AS (SELECT township, {raw} AS raw, COUNT(*) AS n FROM cases WHERE month = '{month}' AND {_counted(policy)}
           GROUP BY township){rates},
r AS (SELECT t.name AS township, {score} AS score, COALESCE(s.n, 0) AS cases, t.ord{columns}
      FROM townships t LEFT JOIN s ON s.township = t.name{joined})
SELECT township, score, cases, RANK() OVER (ORDER BY score DESC) AS position,
       (RANK() OVER (ORDER BY score DESC) <= {policy.bottom_size} AND score > 0
        AND score >= {policy.bottom_min_score}) AS bottom{selected}
FROM r ORDER BY score DESC, ord;"""


def stats_sql(policy, year: int, today: str) -> str:
    """``stats --year``'s rates of every roster township, in roster order."""
    return rates_sql(policy, f"{year}-01-01", f"{year}-12-31", today).strip() + " ORDER BY t.ord;"


def rank_sql_compared(policy, month: str) -> str:
    """As ``rank_sql``, plus each township's score of the previous month (环比) and of the same month
    last year (同比), which ``xinfang rank`` prints beside the ranking."""
    from xinfang.rules.ranking import previous_month, same_month_last_year

    prev, last_year = previous_month(month), same_month_last_year(month)
    base = rank_sql(policy, month).strip().rstrip(";")
    base = base.replace(f"WHERE month = '{month}' AND {_counted(policy)}\n           GROUP BY township",
                        f"WHERE month IN ('{month}', '{prev}', '{last_year}') AND {_counted(policy)}"
                        " GROUP BY month, township")
    base = base.replace("WITH s AS (SELECT township,", "WITH a AS (SELECT month, township,")
    base = base.replace("),\nr AS (", f"),\ns AS (SELECT * FROM a WHERE month = '{month}'),\nr AS (", 1)
    base = base.replace("COALESCE(s.n, 0) AS cases, t.ord",
                        "COALESCE(s.n, 0) AS cases, t.ord,"
                        f" (SELECT raw FROM a WHERE a.township = t.name AND a.month = '{prev}') AS prev_score,"
                        f" (SELECT raw FROM a WHERE a.township = t.name AND a.month = '{last_year}') AS prev_year_score")
    base = base.replace("SELECT township, score, cases,", "SELECT township, score, cases, prev_score, prev_year_score,")
    return base + ";"


def overdue_sql(policy, on: dt.date, horizon: dt.date) -> str:
    """Open clocks due before ``horizon`` (the (k+1)-th working day after ``on``) with days late and
    tier computed from the stored due dates."""
    late = f"CAST(julianday('{on}') - julianday(k.due) AS INTEGER)"
    return f"""
SELECT k.case_number AS "case", c.unit, c.leader, c.township, k.clock, k.due,
       MAX(0, {late}) AS days_late,
       CASE WHEN k.due >= '{on}' THEN 'due_soon'
            WHEN {late} >= {policy.seriously_overdue_days} THEN 'seriously_overdue' ELSE 'overdue' END AS tier
FROM clocks k JOIN cases c ON c.number = k.case_number
WHERE k.done_on IS NULL AND k.due < '{horizon}' AND k.clock != 'review_request'
ORDER BY days_late DESC, k.due, k.case_number, k.clock;"""


def settle_sql(policy, year: int) -> str:
    """Year-end settlement of every official in post during ``year``: paid, deductions owed for the
    year's cases at or above the deduction level (capped by what was paid), refund, reward."""
    from xinfang.model import Level

    first, last = f"{year}-01-01", f"{year}-12-31"
    levels = ", ".join(f"'{lv.value}'" for lv in Level if lv.rank >= policy.deduction_min_level.rank)
    skip = ", ".join(f"'{lv.value}'" for lv in sorted(policy.skip_levels, key=lambda lv: lv.rank))
    return f"""
WITH o AS (
    SELECT o.name, o.township, o.role, o.start, o."end", t.ord FROM officials o JOIN townships t ON t.name = o.township
    WHERE o.role IN ('secretary', 'head') AND o.start <= '{last}' AND (o."end" IS NULL OR o."end" >= '{first}')),
daily AS (
    SELECT township, received, COUNT(*) AS n FROM cases
    WHERE month BETWEEN '{year}-01' AND '{year}-12' AND level IN ({levels}) AND status != 'transferred'
    GROUP BY township, received),
owed AS (
    SELECT o.name, SUM(d.n) * {policy.deduction_fen} AS fen FROM o JOIN daily d ON d.township = o.township
    AND d.received BETWEEN MAX(o.start, '{first}') AND MIN(COALESCE(o."end", '{last}'), '{last}') GROUP BY o.name),
paid AS (
    SELECT official, SUM(amount_fen) AS fen FROM deposit_entries WHERE kind = 'pay' AND year = {year} GROUP BY official),
skip AS (
    SELECT DISTINCT township FROM cases
    WHERE month BETWEEN '{year}-01' AND '{year}-12' AND level IN ({skip}) AND status != 'transferred'),
s AS (
    SELECT o.name, o.township, o.ord, o.role, o.start, COALESCE(p.fen, 0) AS paid, COALESCE(w.fen, 0) AS owed,
           MIN(COALESCE(p.fen, 0), COALESCE(w.fen, 0)) AS deducted,
           o.township IN skip AS had_skip
    FROM o LEFT JOIN paid p ON p.official = o.name LEFT JOIN owed w ON w.name = o.name)
SELECT name AS official, township, paid, deducted, paid - deducted AS refund,
       CASE WHEN paid > 0 AND NOT had_skip THEN {policy.reward_fen} ELSE 0 END AS reward,
       (owed > deducted OR (deducted > 0 AND paid - deducted = 0)) AS exhausted
FROM s ORDER BY ord, CASE role WHEN 'secretary' THEN 0 ELSE 1 END, start, name;"""


def _month_end(month: str) -> str:
    import calendar

    y, m = int(month[:4]), int(month[5:7])
    return f"{month}-{calendar.monthrange(y, m)[1]:02d}"


def sanctions_sql(policy, month: str, today: str) -> str:
    """The month's sanction findings that follow from the cases and clocks alone, as trigger ids
    (the listing's ``triggers[].id``), one statement: summons (召见谈话: enough cases in the month and
    an on-time rate of its reply and conclusion limits below the policy's), admonishment (诫勉谈话: a
    skip-level case of the month that is collective or a repeat) and chronic townships (信访老大难:
    enough cases open past their handling deadline, in force from the day the last of them fell
    due; listed for the month when in force by its end or when one of them fell due in it). The key
    management findings of the published rankings are not restated."""
    first, last = f"{month}-01", _month_end(month)
    skip = ", ".join(f"'{lv.value}'" for lv in sorted(policy.skip_levels, key=lambda lv: lv.rank))
    n = policy.chronic_overdue_cases
    return f"""
WITH summons AS (
    SELECT c.township, COUNT(DISTINCT c.number) AS n, COUNT(CASE WHEN k.met = 1 THEN 1 END) AS met,
           COUNT(CASE WHEN k.met IS NOT NULL OR (k.done_on IS NULL AND k.due < '{today}') THEN 1 END) AS decided
    FROM cases c LEFT JOIN clocks k ON k.case_number = c.number AND k.clock IN ('reply', 'conclude')
    WHERE c.month = '{month}' AND c.received <= '{today}' AND c.status NOT IN ('voided', 'not_reaccepted')
    GROUP BY c.township),
overdue AS (
    SELECT c.township, k.case_number, MIN(k.due) AS due FROM clocks k INDEXED BY clocks_open_duty
    JOIN cases c ON c.number = k.case_number
    WHERE k.done_on IS NULL AND k.clock NOT IN ('objection', 'review_request') AND k.clock = 'handling'
      AND k.due < '{today}' GROUP BY c.township, k.case_number),
ranked AS (
    SELECT township, due, ROW_NUMBER() OVER (PARTITION BY township ORDER BY due, case_number) AS i,
           COUNT(*) OVER (PARTITION BY township) AS n,
           SUM(date(due, '+1 day') BETWEEN '{first}' AND '{last}') OVER (PARTITION BY township) AS in_month
    FROM overdue)
SELECT 'summons:' || township || ':{month}' AS id FROM summons
WHERE n >= {policy.summons_min_cases} AND decided > 0 AND met < {policy.summons_on_time_rate!r} * decided
UNION ALL
SELECT 'admonishment:' || township || ':' || number FROM cases
WHERE month = '{month}' AND received <= '{today}' AND status NOT IN ('voided', 'not_reaccepted') AND level IN ({skip})
  AND (people >= {policy.collective_people} OR repeat_of IS NOT NULL)
UNION ALL
SELECT 'chronic:' || township || ':' || date(due, '+1 day') FROM ranked
WHERE {n} >= 1 AND i = {n} AND n >= {n} AND (date(due, '+1 day') <= '{last}' OR in_month > 0)
ORDER BY 1;"""


def sanctions_pair(xout: str, pout: str, db: Path | None = None) -> tuple[list, list]:
    """The listing's summons, admonishment and chronic trigger ids, and the peer's. With ``db``, a
    peer id that ends with an accusation's number is put in the form the listing publishes it in
    (检举控告: ``…:w-`` and a digest keyed by the ledger, ``ledger.sanctions._published_key``)."""
    kinds = ("summons", "admonishment", "chronic")
    mine = sorted(t["id"] for row in json.loads(xout) for t in row["triggers"] if t["id"].split(":")[0] in kinds)
    peer = [r["id"] for r in json.loads(pout or "[]")]
    if db is not None and peer:
        from xinfang.ledger.db import open_ledger
        from xinfang.ledger.protection import accusations_among
        from xinfang.ledger.sanctions import _alias_secret, _published_key

        ledger = open_ledger(db, "bench")
        try:
            accused = frozenset(accusations_among(ledger, (i.rpartition(":")[2] for i in peer)))
            secret = _alias_secret(ledger)
            peer = [_published_key(i, accused, secret) for i in peer]
        finally:
            ledger.conn.close()
    return mine, sorted(peer)


def report_sql(policy, month: str, today: str) -> list[str]:
    """The queries behind the bulletin's tables: received by channel and indicator for the month,
    the same month last year and both years so far; the trend by month; the ranking with its
    comparison months; the duty clocks overdue at the month's end; the sanctions."""
    as_of = min(_month_end(month), today)
    y = int(month[:4])
    last_year = f"{y - 1}{as_of[4:]}" if as_of[5:] != "02-29" else f"{y - 1}-02-28"
    counts = ("count(*) AS total, sum(channel = 'letter') AS letter, sum(channel = 'visit') AS visit,"
              " sum(channel = 'outreach') AS outreach, sum(channel = 'online') AS online, sum(channel = 'phone') AS phone,"
              " sum(skip_level) AS skip_level, sum(collective) AS collective, sum(repeat_of IS NOT NULL) AS repeat,"
              " sum(major) AS major")
    # the month, the month a year earlier, this year so far, last year's: one pass over the cases,
    # counted per piece (last year to its month, its month, this year to the month, the month) and
    # summed per period by the reader (``report_pair``) — the counts' definition over the cases
    # themselves, as the rank and stats peers count from the cases; the bulletin reads them from
    # the channel tally the ledger keeps (``audit verify`` holds the two equal)
    pieces = (f"CASE WHEN received >= '{month}-01' THEN 'month' WHEN received >= '{y}-01-01' THEN 'year'"
              f" WHEN received >= '{y - 1}{month[4:]}-01' THEN 'last_month' ELSE 'last_year' END")
    sql = [f"SELECT {pieces} AS piece, {counts} FROM cases WHERE (received BETWEEN '{y - 1}-01-01' AND"
           f" '{last_year}' OR received BETWEEN '{y}-01-01' AND '{as_of}') AND status != 'voided' GROUP BY 1;"]
    sql += [f"SELECT month, sum(n) AS n FROM case_tally WHERE month BETWEEN '{yy}-01' AND '{yy}-12'"
            " AND status != 'voided' GROUP BY month;" for yy in (y, y - 1)]
    sql.append(rank_sql_compared(policy, month))
    sql.append(f"""SELECT k.case_number, k.clock, k.due, c.unit FROM clocks k INDEXED BY clocks_open_duty
JOIN cases c ON c.number = k.case_number WHERE k.done_on IS NULL AND k.clock NOT IN ('objection', 'review_request')
AND k.due < '{as_of}' AND k.start <= '{as_of}' UNION ALL SELECT k.case_number, k.clock, k.due, c.unit FROM clocks k
JOIN cases c ON c.number = k.case_number WHERE k.done_on > '{as_of}' AND k.due < '{as_of}' AND k.start <= '{as_of}'
AND k.clock NOT IN ('objection', 'review_request');""")
    sql.append(sanctions_sql(policy, month, today))
    return sql


def report_pair(markdown: str, db: Path, sql: list[str]) -> tuple[list, list]:
    """The bulletin's totals (this month, a year earlier, this year so far, last year's) and its
    trend of last year by month, against the peer's counts (its statements run one by one)."""
    import re

    total = re.search(r"\| \*\*合计\*\* \| \*\*(\d+)\*\* \| \*\*(\d+)\*\* \| [^|]* \| \*\*(\d+)\*\* \| \*\*(\d+)\*\* \|",
                      markdown)
    trend = re.findall(r"^\| (\d+)月 \| [^|]* \| (\d+) \|$", markdown, re.M)
    mine = [[int(v) for v in total.groups()] if total else None, sorted((int(m), int(n)) for m, n in trend if int(n))]
    conn = sqlite3.connect(str(db))
    try:
        piece = {name: total for name, total, *_ in conn.execute(sql[0])}
        got = piece.get
        totals = [got("month", 0), got("last_month", 0), got("month", 0) + got("year", 0),
                  got("last_month", 0) + got("last_year", 0)]
        last = sorted((int(m[5:]), n) for m, n in conn.execute(sql[2]).fetchall() if n)
    finally:
        conn.close()
    return mine, [totals, last]


# ---------------------------------------------------------------------------------------------
# Correctness: xinfang's answer and the peer's, normalised to comparable values


def _fen(yuan) -> int:
    return round(float(yuan) * 100)


def _rate(value) -> float | None:
    return None if value is None else round(float(value), 4)


def rank_pair(xout: str, pout: str, rates: bool = False) -> tuple[list, list]:
    """The rows of both sides as comparable tuples; with ``rates``, the five rates too."""
    def key(r):
        return ((r["township"], float(r["score"]), int(r["cases"]), int(r["position"]), bool(r["bottom"]))
                + (tuple(_rate(r.get(k)) for k in RATE_KEYS) if rates else ()))

    return [key(r) for r in json.loads(xout)["rows"]], [key(r) for r in json.loads(pout or "[]")]


def stats_pair(xout: str, pout: str) -> tuple[list, list]:
    mine = [(r["township"], *(_rate(r[k]["value"]) for k in RATE_KEYS)) for r in json.loads(xout)["rows"]]
    peer = [(r["township"], *(_rate(r[k]) for k in RATE_KEYS)) for r in json.loads(pout or "[]")]
    return mine, peer


def overdue_pair(xout: str, pout: str) -> tuple[list, list]:
    def key(r):
        return (r["case"], r["clock"], r["due"], int(r["days_late"]), r["tier"], r["unit"], r["township"])

    return sorted(key(r) for r in json.loads(xout)), sorted(key(r) for r in json.loads(pout or "[]"))


def settle_pair(xout: str, pout: str) -> tuple[list, list]:
    doc = json.loads(xout)
    mine = [(r["official"], r["township"], _fen(r["paid"]), _fen(r["deducted"]), _fen(r["refund"]),
             _fen(r["reward"]), bool(r["exhausted"])) for r in doc["rows"]]
    peer = [(r["official"], r["township"], int(r["paid"]), int(r["deducted"]), int(r["refund"]), int(r["reward"]),
             bool(r["exhausted"])) for r in json.loads(pout or "[]")]
    return mine, peer


def same_answer(mine: list, peer: list) -> str:
    """"ok" when xinfang's rows equal the peer's, else where they first differ."""
    return "ok" if mine == peer else describe_mismatch(mine, peer)


def describe_mismatch(mine: list, peer: list) -> str:
    if len(mine) != len(peer):
        only_mine = [r for r in mine if r not in set(peer)][:3]
        only_peer = [r for r in peer if r not in set(mine)][:3]
        return f"{len(mine)} rows vs peer {len(peer)}; only xinfang: {only_mine}; only peer: {only_peer}"
    for i, (a, b) in enumerate(zip(mine, peer)):
        if a != b:
            return f"row {i}: xinfang {a} vs peer {b}"
    return "equal"


# ---------------------------------------------------------------------------------------------
# Operations


@dataclass
class Result:
    operation: str
    size: str
    xinfang_s: float | None
    peer: str
    peer_s: float | None
    ratio: float | None
    target: str
    ok: bool | None
    check: str = "-"
    runs: int = 0
    peer_runs: int = 0
    xinfang_mb: float | None = None
    peer_mb: float | None = None
    note: str = ""
    samples: dict = field(default_factory=dict)
    key: str = ""
    cpu_ratio: float | None = None  # the same ratio over median CPU seconds  # the operation (--only name) that produced this row


class Ctx:
    """What one benchmark run shares: the ledger, a scratch folder, the progress bar."""

    def __init__(self, size: str, db: Path, manifest: dict, runs: int | None, work: Path, progress=None,
                 check_only: bool = False):
        self.size, self.db, self.manifest, self.runs_override = size, db, manifest, runs
        # check_only: one run of each side, no warm-up, peers only where the check needs them.
        self.check_only = check_only
        self.work = work
        self.progress = progress
        self.policy = policy_of(db)

    def n(self, default: int) -> int:
        return self.runs_override or default

    def step(self, text: str) -> None:
        if self.progress:
            self.progress(text)


@dataclass
class Side:
    """One contender of a timing: how to build its command line for run ``i`` (``-1`` is the
    untimed warm-up) and what to prepare, untimed, before it."""

    name: str
    make: Callable[[int], list[str]]
    before: Callable[[int], None] | None = None
    sample_memory: bool = False  # also sample the peak PSS of its process tree (``Run.pss_mb``)


def timed(ctx: Ctx, what: str, sides: list[Side], n: int, warm: bool = True) -> list[list[Run]]:
    """``n`` timed runs of each side, interleaved (x, peer, x, peer, …) so that both see the same
    machine load; one untimed warm-up run of each first (bytecode and page cache as in daily use)."""
    runs: list[list[Run]] = [[] for _ in sides]
    if ctx.check_only:
        n, warm = 1, False
    for i in range(-1 if warm else 0, n):
        for side, out in zip(sides, runs):
            if side.before:
                side.before(i)
            ctx.step(f"{what}: {side.name} " + ("warm-up" if i < 0 else f"{i + 1}/{n}"))
            run = must(run_process(side.make(i), sample_memory=side.sample_memory), f"{what}: {side.name}")
            if i >= 0:
                out.append(run)
    return runs


def _median(runs: list[Run]) -> float:
    return statistics.median(r.seconds for r in runs)


def _result(op: str, ctx: Ctx, mine: list[Run], peer_name: str, peer: list[Run], target: str,
            limit: float, check: str = "-", note: str = "") -> Result:
    xs, ps = _median(mine), _median(peer)
    ratio = xs / ps if ps else None
    xc, pc = statistics.median(r.cpu for r in mine), statistics.median(r.cpu for r in peer)
    ok = ratio is not None and ratio <= limit and check in ("-", "ok")
    return Result(op, ctx.size, round(xs, 3), peer_name, round(ps, 3), round(ratio, 2) if ratio else None, target,
                  ok, check, len(mine), len(peer), round(max(r.maxrss_mb for r in mine), 1),
                  round(max(r.maxrss_mb for r in peer), 1), note,
                  {"xinfang": [round(r.seconds, 4) for r in mine], "peer": [round(r.seconds, 4) for r in peer],
                   "xinfang_cpu": [round(r.cpu, 4) for r in mine], "peer_cpu": [round(r.cpu, 4) for r in peer]},
                  cpu_ratio=round(xc / pc, 2) if pc else None)


def register_fields(db: Path) -> dict:
    """A realistic registration on this ledger: a known petitioner coming back about the same
    matter while it is still being handled (so the repeat look-up finds a match, and the matter is
    not final: 不再受理 would start no clock), received the day before ``TODAY``."""
    conn = sqlite3.connect(str(db))
    try:
        row = conn.execute(
            "SELECT township, name, id_number, category FROM cases WHERE id_number IS NOT NULL"
            " AND status IN ('registered', 'accepted', 'assigned') ORDER BY number DESC LIMIT 1").fetchone()
    finally:
        conn.close()
    township, name, id_number, category = row
    return {"received": (gen.TODAY - dt.timedelta(days=1)).isoformat(), "channel": "visit", "township": township,
            "name": name, "id_number": id_number, "category": category, "summary": "补偿款仍未到位，再次反映",
            "people": "1", "level": "city"}


def op_register(ctx: Ctx) -> list[Result]:
    fields = register_fields(ctx.db)
    mine_db = copy_ledger(ctx.db, ctx.work / "register-xinfang.db")
    peer_db = copy_ledger(ctx.db, ctx.work / "register-peer.db")
    argv = ["register"]
    for key, value in fields.items():
        argv += ["--" + key.replace("_", "-"), value]
    # The same petitioner, township and category within 30 days: a new case on purpose (--again).
    argv += ["--again", "--json"] if command_exists("register", "--again") else ["--json"]
    n = ctx.n(7)
    rows = {}
    for i in range(-1, n):
        row = {"number": f"2026-P{i + 1:05d}", "year": 2026, "seq": 9_000_001 + i,
               "received": fields["received"], "month": fields["received"][:7], "channel": "visit", "point": None,
               "township": fields["township"], "name": fields["name"], "id_number": fields["id_number"],
               "phone": None, "address": None, "people": 1, "level": "city", "kind": "grievance",
               "category": fields["category"], "major": 0, "summary": fields["summary"], "accused": None,
               "collective": 0, "skip_level": 1, "repeat_of": None, "initial": 0, "status": "registered"}
        path = ctx.work / f"register-row-{i + 1}.json"
        path.write_text(json.dumps(row, ensure_ascii=False), encoding="utf-8")
        rows[i] = path
    mine, peer = timed(ctx, "register", [
        Side("xinfang", lambda i: xinfang(mine_db, *argv)),
        Side("sqlite-utils", lambda i: [sqlite_utils_exe(), "insert", str(peer_db), "cases", str(rows[i])]),
    ], n)
    doc = json.loads(mine[0].out)
    check = "ok" if doc.get("repeat_of") and doc.get("skip_level") and doc.get("deadlines") else \
        f"unexpected result {doc}"
    remove_ledgers(mine_db, peer_db)
    return [_result("register (one case, cold)", ctx, mine, "sqlite-utils insert 1 row", peer, "≤ 1.0×", 1.0, check)]


def op_rank(ctx: Ctx) -> list[Result]:
    n = ctx.n(5 if gen.SIZES[ctx.size] <= 1_000_000 else 3)
    limit = 1.2 if gen.SIZES[ctx.size] >= 10_000_000 else 1.5
    sql = rank_sql(ctx.policy, RANK_MONTH, TODAY)
    mine, peer = timed(ctx, "rank", [
        Side("xinfang", lambda i: xinfang(ctx.db, "rank", "--month", RANK_MONTH, "--json")),
        Side("sqlite3", lambda i: sql_json(ctx.db, sql)),
    ], n)
    a, b = rank_pair(mine[0].out, peer[0].out, rates=True)
    check = same_answer(a, b)
    out = [_result(f"rank --month {RANK_MONTH}", ctx, mine, "sqlite3 CLI, same scoring SQL + five rates", peer,
                   f"≤ {limit}×", limit, check)]
    if not ctx.check_only:
        # xinfang also scores the previous month and last year's for its 环比/同比 columns; this
        # peer does the same work, to show how much of the ratio is that extra month.
        sql2 = rank_sql_compared(ctx.policy, RANK_MONTH)
        (peer2,) = timed(ctx, "rank + comparisons", [Side("sqlite3", lambda i: sql_json(ctx.db, sql2))], n)
        a2, b2 = rank_pair(mine[0].out, peer2[0].out)
        extra = _result(f"rank --month {RANK_MONTH}", ctx, mine, "sqlite3 CLI, scoring + 环比/同比 months", peer2,
                        "-", 0, same_answer(a2, b2), note="no target")
        extra.ok = None
        out.append(extra)
    return out


def op_stats(ctx: Ctx) -> list[Result]:
    """``stats --year``: every township's six indicators of a year and of the year before (同比),
    against one raw-SQL statement of the year's rates."""
    n = ctx.n(5 if gen.SIZES[ctx.size] <= 1_000_000 else 3)
    sql = stats_sql(ctx.policy, SETTLE_YEAR, TODAY)
    mine, peer = timed(ctx, "stats", [
        Side("xinfang", lambda i: xinfang(ctx.db, "stats", "--year", str(SETTLE_YEAR), "--json")),
        Side("sqlite3", lambda i: sql_json(ctx.db, sql)),
    ], n)
    a, b = stats_pair(mine[0].out, peer[0].out)
    return [_result(f"stats --year {SETTLE_YEAR}", ctx, mine, "sqlite3 CLI, the year's rates (no 同比 year)", peer,
                    "≤ 1.5×", 1.5, same_answer(a, b))]


def horizon_for(db: Path, on: dt.date) -> dt.date:
    from xinfang.calendar_source import build_calendar

    return build_calendar({}).add_working_days(on, policy_of(db).due_soon_working_days + 1)


def op_overdue(ctx: Ctx) -> list[Result]:
    n = ctx.n(5)
    on = gen.TODAY
    sql = overdue_sql(ctx.policy, on, horizon_for(ctx.db, on))
    mine, peer = timed(ctx, "overdue", [
        Side("xinfang", lambda i: xinfang(ctx.db, "overdue", "--on", TODAY, "--json")),
        Side("sqlite3", lambda i: sql_json(ctx.db, sql)),
    ], n)
    a, b = overdue_pair(mine[0].out, peer[0].out)
    check = same_answer(a, b)
    return [_result(f"overdue ({ctx.manifest.get('open', 0):,} open cases)", ctx, mine,
                    "sqlite3 CLI over stored due dates", peer, "≤ 2×", 2.0, check, note=f"{len(a):,} rows")]


def op_settle(ctx: Ctx) -> list[Result]:
    n = ctx.n(3)
    copies = [ctx.work / f"settle-{i}.db" for i in range(2)]
    sql = settle_sql(ctx.policy, SETTLE_YEAR)

    def fresh(i: int) -> None:
        copy_ledger(ctx.db, copies[i % 2])

    mine, peer = timed(ctx, "settle", [
        Side("xinfang", lambda i: xinfang(copies[i % 2], "deposits", "settle", "--yes", "--year", str(SETTLE_YEAR), "--json"),
             before=fresh),
        Side("sqlite3", lambda i: sql_json(ctx.db, sql)),
    ], n)
    a, b = settle_pair(mine[0].out, peer[0].out)
    check = same_answer(a, b)
    remove_ledgers(*copies)
    return [_result(f"deposits settle --year {SETTLE_YEAR} ({ctx.manifest.get('officials', 0):,} officials)", ctx,
                    mine, "sqlite3 CLI, settlement SQL", peer, "≤ 2×", 2.0, check)]


def import_files(ctx: Ctx) -> tuple[Path, Path]:
    """The import CSV (``xinfang export --reveal`` of this size's ledger: every case field, the
    format clerks exchange) and an empty ledger with the same roster to import it into."""
    csv_path = ctx.work.parent / f"import-{ctx.size}.csv"
    target = ctx.work.parent / "import-target.db"
    if not csv_path.exists() or csv_path.stat().st_mtime < ctx.db.stat().st_mtime:
        ctx.step("import: exporting the CSV")
        part = csv_path.with_suffix(".part.csv")
        must(run_process(xinfang(ctx.db, "export", "--reveal", "--format", "csv", "-o", str(part))), "export")
        part.replace(csv_path)
    if target.exists() and _schema_version(target) != _current_schema():
        remove_ledgers(target)  # made by an earlier schema: each timed import would migrate it first
    if not target.exists():
        roster = ctx.db.with_name(ctx.db.stem + "-roster.csv")
        must(run_process([gen.xinfang_exe(), "--db", str(target), "--user", "bench", "init", "--roster", str(roster)]),
             "init")
    return csv_path, target


def _schema_version(db: Path) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


def _current_schema() -> int:
    from xinfang.ledger.schema import MIGRATION_COUNT

    return MIGRATION_COUNT


CASE_FACTS = ("received", "channel", "point", "township", "name", "id_number", "phone", "address", "people", "level",
              "kind", "category", "major", "summary", "accused", "collective", "skip_level", "repeat_of", "initial",
              "status", "unit", "leader", "assigned_on", "replied_on", "closed_on", "outcome", "satisfaction")


def case_digest(db: Path) -> tuple[int, str]:
    """Row count and a digest of every case's facts in number order (numbers themselves excluded)."""
    import hashlib

    digest = hashlib.sha256()
    conn = sqlite3.connect(str(db))
    try:
        n = 0
        for row in conn.execute(f"SELECT {', '.join(CASE_FACTS)} FROM cases ORDER BY year, seq"):
            digest.update(repr(row).encode())
            n += 1
    finally:
        conn.close()
    return n, digest.hexdigest()


def op_import(ctx: Ctx) -> list[Result]:
    csv_path, target = import_files(ctx)
    rows = ctx.manifest["cases"]
    n = ctx.n(3 if rows <= 10_000 else 1)
    copies = {side: ctx.work / f"import-{side}.db" for side in ("xinfang", "sqlite-utils", "sqlite3")}

    def fresh(side: str) -> Callable[[int], None]:
        return lambda i: copy_ledger(target, copies[side])

    sides = [Side("xinfang", lambda i: xinfang(copies["xinfang"], "import", str(csv_path), "--json"), fresh("xinfang"),
                  sample_memory=True)]
    if not ctx.check_only:
        sides += [Side("sqlite-utils", lambda i: [sqlite_utils_exe(), "insert", str(copies["sqlite-utils"]), "import_csv",
                                        str(csv_path), "--csv"], fresh("sqlite-utils")),
                  Side("sqlite3", lambda i: [SQLITE3, str(copies["sqlite3"]), f".import --csv {csv_path} import_csv"],
                       fresh("sqlite3"))]
    mine, *peers = timed(ctx, "import", sides, n, warm=rows <= 10_000)
    doc = json.loads(mine[-1].out)
    check = "ok"
    if doc.get("imported") != rows:
        check = f"imported {doc.get('imported')} of {rows} rows"
    elif case_digest(copies["xinfang"]) != case_digest(ctx.db):
        check = "imported cases differ from the exported ones"
    floor = None
    if not ctx.check_only:
        # The floor: SQLite alone copying the rows this import stored (bench/copy_floor.py).
        floor_db = ctx.work / "import-floor.db"
        copy_ledger(target, floor_db)
        ctx.step("import: the copy floor")
        floor = must(run_process([sys.executable, str(Path(__file__).with_name("copy_floor.py")),
                                  str(copies["xinfang"]), str(floor_db)]), "copy floor")
        if case_digest(floor_db) != case_digest(copies["xinfang"]):
            check = "the copy floor differs from the import"
        remove_ledgers(floor_db)
    remove_ledgers(*copies.values())
    label = f"import {rows:,}-row CSV (full validation)"
    if ctx.check_only:
        return [Result(label, ctx.size, round(mine[0].seconds, 3), "-", None, None, "-", None, check, 1)]
    su, s3 = peers
    out = [
        _result(label, ctx, mine, "sqlite-utils insert --csv", su, "≤ 0.25× (4× faster)", 0.25, check),
        _result(label, ctx, mine, "sqlite3 .import --csv", s3, "≤ 5×", 5.0, check),
    ]
    if floor is not None:
        stored = int(floor.out.strip() or 0)
        out.append(_result(f"floor: SQLite copying the {stored:,} history rows, cases and clocks an import stores",
                           ctx, [floor], "sqlite3 .import --csv", s3, "-", 0, check,
                           note="INSERT … SELECT, indexes rebuilt, the tallies' rows copied, committed; no checking, no counting,"
                                " no Python per row"))
        out[-1].ok = None
    # The import reads the file in a forked second process: its memory is the whole process tree's,
    # shared pages counted once (PSS), not the largest single process's RSS.
    rss = max(r.maxrss_mb for r in mine)
    pss = [r.pss_mb for r in mine if r.pss_mb]
    peak = max(pss) if pss else rss
    out.append(Result(f"import {rows:,} rows: peak memory (both processes)", ctx.size, None, "-", None, None,
                      "≤ 150 MB", peak <= 150, check, len(mine), 0, round(peak, 1), None,
                      f"peak PSS of the import's processes {peak:.0f} MB (largest single RSS {rss:.0f} MB)"))
    return out


def op_sanctions(ctx: Ctx) -> list[Result]:
    n = ctx.n(3)
    sql = sanctions_sql(ctx.policy, RANK_MONTH, TODAY)
    mine, peer = timed(ctx, "sanctions", [
        Side("xinfang", lambda i: xinfang(ctx.db, "sanctions", "--month", RANK_MONTH, "--json")),
        Side("sqlite3", lambda i: sql_json(ctx.db, sql)),
    ], n)
    a, b = sanctions_pair(mine[0].out, peer[0].out, ctx.db)
    check = same_answer(a, b)
    rows = len(json.loads(mine[0].out))
    out = [_result(f"sanctions --month {RANK_MONTH} --json", ctx, mine, "sqlite3 CLI, the same findings in SQL", peer,
                   "≤ 2×", 2.0, check, note=f"{rows:,} listed measures, {len(a):,} summons, admonishment and chronic"
                                             " triggers checked")]
    wall = _absolute(f"sanctions --month {RANK_MONTH} --json: wall", ctx, mine, 1.0, check)
    if ctx.size != "1m":  # the issue sets the second for 1M cases; larger ledgers are held to the ratio
        wall.ok, wall.target, wall.note = None, "-", "wall target set for 1m only"
    out.append(wall)
    return out


def _absolute(label: str, ctx: Ctx, mine: list[Run], limit: float, check: str = "-") -> Result:
    """A row with an absolute target in seconds (no peer)."""
    xs = _median(mine)
    return Result(label, ctx.size, round(xs, 3), "-", None, None, f"≤ {limit:g} s", xs <= limit and check in ("-", "ok"),
                  check, len(mine), samples={"xinfang": [round(r.seconds, 4) for r in mine]})


def op_report(ctx: Ctx) -> list[Result]:
    n = ctx.n(3)
    statements = report_sql(ctx.policy, RANK_MONTH, TODAY)
    sql = "\n".join(statements)
    files = {fmt: ctx.work / f"report.{fmt}" for fmt in ("html", "xlsx")}
    sides = [Side(f"xinfang {fmt}", (lambda f: lambda i: xinfang(ctx.db, "report", "--month", RANK_MONTH, "-o", str(f),
                                                                 "--force"))(path))
             for fmt, path in files.items()]
    *mine, peer = timed(ctx, "report", sides + [Side("sqlite3", lambda i: sql_json(ctx.db, sql))], n)
    markdown = must(run_process(xinfang(ctx.db, "report", "--month", RANK_MONTH, "--format", "md", "-o", "-")),
                    "report md")
    a, b = report_pair(markdown.out, ctx.db, statements)
    check = same_answer(a, b)
    out = []
    for (fmt, _), runs in zip(files.items(), mine):
        out.append(_result(f"report --month {RANK_MONTH} -o x.{fmt}", ctx, runs, "sqlite3 CLI, the bulletin's queries",
                           peer, "≤ 2×", 2.0, check))
        out.append(_absolute(f"report --month {RANK_MONTH} -o x.{fmt}: wall", ctx, runs, 1.5, check))
    for path in files.values():
        path.unlink(missing_ok=True)
    return out


def op_rank_table(ctx: Ctx) -> list[Result]:
    """``rank`` as a table (piped: plain text) against the same rows as JSON, in the same runs."""
    n = ctx.n(5)
    table, doc = timed(ctx, "rank table", [
        Side("xinfang table", lambda i: xinfang(ctx.db, "rank", "--month", RANK_MONTH)),
        Side("xinfang --json", lambda i: xinfang(ctx.db, "rank", "--month", RANK_MONTH, "--json")),
    ], n)
    rows = json.loads(doc[0].out)["rows"]
    listed = [line.split()[1] for line in table[0].out.splitlines()[3:] if line.strip()][:len(rows)]
    check = same_answer(listed, [r["township"] for r in rows])
    return [_result(f"rank --month {RANK_MONTH} as a table ({len(rows):,} rows)", ctx, table,
                    "the same rows as JSON", doc, "≤ 1.5×", 1.5, check)]


def op_demo(ctx: Ctx) -> list[Result]:
    """``xinfang demo``: the sample ledger built from scratch (no peer: a wall-clock target)."""
    n = ctx.n(3)
    path = ctx.work / "demo.db"

    def fresh(i: int) -> None:
        remove_ledgers(path)

    (mine,) = timed(ctx, "demo", [Side("xinfang", lambda i: [gen.xinfang_exe(), "--user", "bench", "demo", "--db",
                                                              str(path)], before=fresh)], n)
    check = "ok" if str(path) in mine[0].out and len(mine[0].out.splitlines()) <= 15 else "unexpected output"
    remove_ledgers(path)
    return [_absolute("demo (sample ledger built and summarised)", ctx, mine, 2.0, check)]


def op_startup(ctx: Ctx) -> list[Result]:
    """The floor under every cold command: interpreter, imports and command tree, no work; and a
    cold reading command (``rank --json``) against the same floor of sqlite-utils, in the same runs."""
    n = ctx.n(7)
    mine, rank, su, s3 = timed(ctx, "start-up", [
        Side("xinfang", lambda i: [gen.xinfang_exe(), "--version"]),
        Side("xinfang rank", lambda i: xinfang(ctx.db, "rank", "--month", RANK_MONTH, "--json")),
        Side("sqlite-utils", lambda i: [sqlite_utils_exe(), "--version"]),
        Side("sqlite3", lambda i: [SQLITE3, ":memory:", "SELECT 1"]),
    ], n)
    a = _result("start-up floor (--version)", ctx, mine, "sqlite-utils --version", su, "≤ 1.0×", 1.0)
    b = _result(f"rank --month {RANK_MONTH} --json, cold", ctx, rank, "sqlite-utils --version", su, "≤ 1.0×", 1.0)
    c = _result("start-up floor (--version)", ctx, mine, "sqlite3 :memory: SELECT 1", s3, "-", 0, note="no target")
    c.ok = None
    return [a, b, c]


OPERATIONS: dict[str, tuple[Callable[[Ctx], list[Result]], tuple[str, ...], set[str]]] = {
    # name: (function, the xinfang command it needs, sizes it runs at by default)
    "startup": (op_startup, (), {"10k", "100k", "1m", "10m"}),
    "register": (op_register, ("register",), {"10k", "100k", "1m", "10m"}),
    "import": (op_import, ("import",), {"10k", "100k", "1m"}),
    "rank": (op_rank, ("rank",), {"10k", "100k", "1m", "10m"}),
    "stats": (op_stats, ("stats",), {"10k", "100k", "1m", "10m"}),
    "overdue": (op_overdue, ("overdue",), {"10k", "100k", "1m"}),
    "settle": (op_settle, ("deposits", "settle"), {"10k", "100k", "1m"}),
    "sanctions": (op_sanctions, ("sanctions",), {"10k", "100k", "1m"}),
    "report": (op_report, ("report",), {"10k", "100k", "1m"}),
    "rank-table": (op_rank_table, ("rank",), {"10k", "100k", "1m"}),
    "demo": (op_demo, ("demo",), {"10k", "100k", "1m"}),
}

# The sizes at which the speed targets are set (1M cases: start-up, register, import, rank, settle,
# and the supervision list with its ~100k open cases; 10M: start-up, register and rank). At other sizes a row keeps
# its target for reference but gets no verdict: a 10k or 100k ledger measures mostly start-up.
TARGET_SIZES = {"startup": {"1m", "10m"}, "register": {"1m", "10m"}, "import": {"1m"}, "rank": {"1m", "10m"},
                "stats": {"10m"},
                "overdue": {"1m"}, "settle": {"1m"}, "sanctions": {"1m", "10m"}, "report": {"1m"}, "rank-table": {"1m"},
                "demo": {"10k", "100k", "1m", "10m"}}

# Operations whose answer is checked against a peer (the others only time).
CHECKED = ("register", "import", "rank", "stats", "overdue", "settle", "sanctions", "report", "rank-table", "demo")


# ---------------------------------------------------------------------------------------------
# Output


def fmt_s(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}" if value < 10 else f"{value:.1f}"


def verdict(r: Result) -> str:
    if r.ok is None:
        return "n/a"
    return "pass" if r.ok else "FAIL"


def table_rows(results: list[Result]) -> list[list[str]]:
    return [[r.operation, r.size, f"{r.xinfang_mb:.0f} MB" if r.xinfang_s is None and r.xinfang_mb else fmt_s(r.xinfang_s), r.peer, fmt_s(r.peer_s),
             "-" if r.ratio is None else f"{r.ratio:.2f}×", "-" if r.cpu_ratio is None else f"{r.cpu_ratio:.2f}×",
             r.target, verdict(r),
             r.check if r.check in ("-", "ok") else "MISMATCH"] for r in results]


HEADERS = ["operation", "size", "xinfang s", "peer", "peer s", "ratio", "cpu ratio", "target", "result",
           "same answer"]


def environment() -> dict:
    import sqlite_utils  # noqa: F401
    from importlib.metadata import version

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parent).stdout.strip() or "?"
    return {"machine": f"{os.cpu_count()} cores, {cpu}", "python": platform.python_version(),
            "sqlite": subprocess.run([SQLITE3, "--version"], capture_output=True, text=True).stdout.split()[0],
            "sqlite_utils": version("sqlite-utils"), "commit": commit, "date": dt.date.today().isoformat(),
            "load": " ".join(f"{x:.1f}" for x in os.getloadavg())}


def merged_results(size: str, results: list[Result], command: str, env: dict,
                   out: Path = gen.OUT) -> None:
    """Keep this run's rows in bench/out/last-SIZE.json, replacing the rows of the operations it ran
    and keeping the others, so that one table per size can come from several runs."""
    path = out / f"last-{size}.json"
    saved = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    for key in dict.fromkeys(r.key for r in results):
        saved[key] = {"command": command, "env": env, "rows": [asdict(r) for r in results if r.key == key]}
    path.write_text(json.dumps(saved, ensure_ascii=False, indent=1), encoding="utf-8")


def render_size(size: str, out: Path = gen.OUT) -> str | None:
    """The markdown table of one size from its saved rows, with the commands that produced them."""
    path = out / f"last-{size}.json"
    if not path.exists():
        return None
    saved = json.loads(path.read_text(encoding="utf-8"))
    fields = set(Result.__dataclass_fields__)
    rows, runs = [], {}
    for key in OPERATIONS:
        if key in saved:
            rows += [Result(**{k: v for k, v in r.items() if k in fields}) for r in saved[key]["rows"]]
            runs.setdefault(saved[key]["command"], saved[key]["env"])
    env = next(iter(runs.values()))
    lines = [f"Machine: {env['machine']}; Python {env['python']}, SQLite {env['sqlite']},"
             f" sqlite-utils {env['sqlite_utils']}; {env['date']}.", ""]
    lines += [f"- `{cmd}` (xinfang {e['commit']}, load average at start {e.get('load', '?')})"
              for cmd, e in runs.items()]
    lines += ["", "| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in table_rows(rows)]
    notes = [f"- {r.operation}: {r.note}" for r in rows if r.note and r.note != "no target"]
    notes += [f"- {r.operation}: answer differs from the peer: {r.check}" for r in rows if r.check not in ("-", "ok")]
    return "\n".join(lines + ([""] + notes if notes else []))


def write_results(out: Path = gen.OUT) -> None:
    """Rewrite the "Latest results" section of bench/results.md from every size's saved rows."""
    body = RESULTS_MD.read_text(encoding="utf-8") if RESULTS_MD.exists() else ""
    head = body.split(MARK_START, 1)[0].rstrip("\n")
    tail = body.split(MARK_END, 1)[1] if MARK_END in body else ""
    blocks = []
    for size in gen.SIZES:
        text = render_size(size, out) if size != "10k" else None
        if text:
            blocks.append(f"### {size} cases\n\n{text}")
    RESULTS_MD.write_text(f"{head}\n\n{MARK_START}\n" + "\n\n".join(blocks) + f"\n{MARK_END}{tail or chr(10)}",
                          encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Main


def run_bench(size: str, only: list[str] | None, runs: int | None, console, out: Path = gen.OUT) -> list[Result]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    names = only or [name for name, (_, _, sizes) in OPERATIONS.items() if size in sizes]
    results: list[Result] = []
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        gen_task = progress.add_task(f"ledger {size}", total=gen.SIZES[size])
        db, manifest = gen.ledger_for(size, out=out, progress=lambda d, t: progress.update(gen_task, completed=d),
                                      log=lambda m: console.print(m))
        progress.update(gen_task, completed=gen.SIZES[size], visible=False)
        work = out / "work"
        work.mkdir(parents=True, exist_ok=True)
        task = progress.add_task("operations", total=len(names))
        ctx = Ctx(size, db, manifest, runs, work, progress=lambda text: progress.update(task, description=text))
        for name in names:
            fn, command, _ = OPERATIONS[name]
            if not command_exists(*command):
                results.append(Result(name, size, None, "-", None, None, "-", None, "-", key=name,
                                      note=f"'xinfang {' '.join(command)}' is not available in this build"))
                progress.advance(task)
                continue
            try:
                for r in fn(ctx):
                    r.key = name
                    if r.ok is not None and size not in TARGET_SIZES.get(name, ()) and r.check in ("-", "ok"):
                        r.ok, r.note = None, (r.note + "; " if r.note else "") + "target set for " + \
                            " and ".join(sorted(TARGET_SIZES.get(name, ()), key=gen.SIZES.get)) + " only"
                    results.append(r)
            except BenchError as exc:
                results.append(Result(name, size, None, "-", None, None, "-", False, "-", note=str(exc), key=name))
            progress.advance(task)
    return results


def main(argv: list[str] | None = None) -> int:
    from rich.console import Console
    from rich.table import Table

    parser = argparse.ArgumentParser(description="Benchmark xinfang against sqlite3 and sqlite-utils.")
    parser.add_argument("--size", choices=list(gen.SIZES), default="100k")
    parser.add_argument("--only", action="append", choices=list(OPERATIONS),
                        help="run only this operation (repeatable)")
    parser.add_argument("--runs", type=int, help="timed runs per side (default: per operation, 3 or more)")
    parser.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    parser.add_argument("--write-results", action="store_true", help="refresh this size's table in bench/results.md")
    parser.add_argument("--out", type=Path, default=gen.OUT, help="cache folder for ledgers (default: bench/out)")
    parser.add_argument("--merge-json", type=Path, metavar="FILE",
                        help="with --write-results: take the rows of a saved '--json' document instead of running")
    args = parser.parse_args(argv)
    if args.merge_json:
        doc = json.loads(args.merge_json.read_text(encoding="utf-8"))
        fields = set(Result.__dataclass_fields__)
        results = [Result(**{k: v for k, v in r.items() if k in fields}) for r in doc["results"]]
        for r in results:
            r.key = r.key or next((k for k in OPERATIONS if r.operation.lower().startswith(k)), r.operation)
        merged_results(doc["size"], results, doc["command"], doc["environment"], args.out)
        write_results(args.out)
        return 0
    console = Console(stderr=True)
    env = environment()
    results = run_bench(args.size, args.only, args.runs, console, args.out)
    command = "python bench/run.py " + " ".join(argv if argv is not None else sys.argv[1:])
    if args.json:
        print(json.dumps({"command": command, "environment": env, "size": args.size,
                          "results": [asdict(r) for r in results]}, ensure_ascii=False, indent=1))
    else:
        table = Table(title=f"xinfang vs peers — {args.size} cases ({env['machine']})")
        for h in HEADERS:
            table.add_column(h, justify="right" if h in ("xinfang s", "peer s", "ratio", "cpu ratio") else "left")
        for row in table_rows(results):
            table.add_row(*row)
        Console(width=max(160, Console().width)).print(table)
        for r in results:
            if r.note or r.check not in ("-", "ok"):
                console.print(f"[dim]{r.operation}: {r.note or r.check}[/dim]")
    if args.write_results:
        merged_results(args.size, results, command, env, args.out)
        write_results(args.out)
    return 1 if any(r.ok is False for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
