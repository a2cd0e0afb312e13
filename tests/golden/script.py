"""The golden script: a fixed list of ``xinfang`` commands, run as a subprocess, and what each one did.

Two scenarios: ``fresh`` starts from ``xinfang init`` and walks a handful of cases through their whole
lifecycle; ``demo`` builds the sample ledger (``xinfang demo``) and reads it the way the bureau does at
month end. Every command runs in its own process (``python -m xinfang``) with a fixed ``--today``,
``--user tester`` and a clean environment, in a scratch folder that is its working directory, so the
paths it sees are relative and the same on every run.

For each command the record holds the command line, the exit code, stdout, stderr and every file the
command wrote or changed in the scratch folder (the ledger files themselves excepted): text files as
text, xlsx workbooks as their sheet names and cell values. ``normalise`` then replaces only what
legitimately varies from run to run (see its docstring); everything else must stay byte-identical.

``python -m tests.golden.script [OUTDIR]`` runs both scenarios and prints (or writes) the records.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TODAY = "2026-11-26"
USER = "tester"
DB = "ledger.db"
DEMO_DB = "demo.db"
# Files the ledger itself keeps; every other file a command leaves behind is part of its record.
LEDGER_SUFFIXES = (".db", ".db-wal", ".db-shm", ".db-journal")


@dataclass(frozen=True)
class Step:
    """One command of the script: a short name for its expected file, the arguments after the global
    options, and, when it differs from the scenario's, the ledger and today."""

    name: str
    args: tuple[str, ...]
    today: str = TODAY
    db: str | None = None  # None: the scenario's ledger
    env: dict = field(default_factory=dict)

    def argv(self, default_db: str) -> list[str]:
        return ["--db", self.db or default_db, "--today", self.today, "--user", USER, *self.args]


def S(name: str, *args: str, **kw) -> Step:
    return Step(name, tuple(args), **kw)


ID_ZHANG = "11010519491231002X"  # 张三: a collective city-level visit, then a repeat at province level
ID_ZHAO = "320803197001010016"   # 赵六: review, re-review, final, then 不再受理

FRESH: list[Step] = [
    S("init", "init"),
    S("register-visit-collective-city", "register", "--received", "2026-11-02", "--channel", "来访",
      "--township", "车桥", "--name", "张三", "--id-number", ID_ZHANG, "--phone", "13812345678",
      "--address", "车桥镇东村3组", "--people", "6", "--level", "市", "--category", "征地补偿",
      "--summary", "补偿款未足额到位"),
    S("register-letter-province-repeat", "register", "--received", "2026/11/04", "--channel", "letter",
      "--township", "车桥镇", "--name", "张三", "--id-number", ID_ZHANG, "--level", "province",
      "--category", "compensation", "--summary", "补偿款仍未到位", "--again", "--json"),
    S("register-outreach-point", "register", "--received", "20261106", "--channel", "outreach", "--point", "席桥",
      "--township", "席桥镇", "--name", "李四", "--category", "homestead", "--summary", "宅基地审批久拖未办"),
    S("register-accusation-major", "register", "--received", "2026年11月9日", "--channel", "letter",
      "--township", "泾口镇", "--name", "王五", "--kind", "accusation", "--accused", "泾口镇", "--major",
      "--people", "2", "--category", "illegal_use", "--summary", "反映村组违法占用耕地", "--json"),
    S("register-for-review", "register", "--received", "2026-09-01", "--channel", "visit", "--township", "车桥镇",
      "--name", "赵六", "--id-number", ID_ZHAO, "--category", "ownership", "--summary", "承包地被他人占用"),
    S("register-online-for-transfer", "register", "--received", "2026-11-10", "--channel", "online",
      "--township", "林集镇", "--name", "孙八", "--kind", "suggestion", "--category", "other",
      "--summary", "要求公开征地批文"),
    S("register-city-for-correct", "register", "--received", "2026-11-12", "--channel", "visit",
      "--township", "车桥镇", "--name", "钱七", "--level", "city", "--category", "demolition",
      "--summary", "拆迁安置房未交付"),
    S("register-for-extend", "register", "--received", "2026-09-15", "--channel", "phone", "--township", "流均镇",
      "--name", "周九", "--category", "compensation", "--summary", "青苗补偿未到位"),
    S("assign", "assign", "2026-1", "--unit", "车桥镇", "--leader", "李镇长", "--on", "2026-11-03"),
    S("assign-joint-major", "assign", "2026-4", "--unit", "区国土局", "--leader", "吴局长",
      "--joint", "区信访局", "--on", "2026-11-10", "--json"),
    S("reply", "reply", "2026-1", "--on", "2026-11-06", "--summary", "已当面告知处理意见"),
    S("resolve", "resolve", "2026-00001", "--on", "2026-11-10", "--outcome", "support", "--signed",
      "--satisfaction", "满意", "--cease-agreement", "--summary", "补偿已到位", "--json"),
    S("transfer", "transfer", "2026-6", "--to", "市信访局", "--reason", "不属本机关职责", "--on", "2026-11-11"),
    S("correct", "correct", "2026-7", "--level", "district", "--people", "3", "--reason", "登记层级有误", "--json"),
    S("assign-for-extend", "assign", "2026-8", "--unit", "流均镇", "--leader", "钱书记", "--on", "2026-09-15"),
    S("extend", "extend", "2026-8", "--days", "30", "--reason", "涉及多部门，需补充调查", "--on", "2026-10-20",
      "--approved-by", "王局长"),
    S("assign-for-review", "assign", "2026-5", "--unit", "车桥镇", "--leader", "李镇长", "--on", "2026-09-01"),
    S("reply-for-review", "reply", "2026-5", "--on", "2026-09-10", "--summary", "已书面答复"),
    S("resolve-unsatisfied", "resolve", "2026-5", "--on", "2026-09-15", "--outcome", "reject",
      "--summary", "不予支持", "--satisfaction", "unsatisfied"),
    S("review-request", "review", "2026-5", "--on", "2026-10-10", "--reason", "不服答复", "--json"),
    S("review-answer", "review", "2026-5", "--answer", "--on", "2026-10-30", "--summary", "复查维持原处理意见"),
    S("rereview-request", "review", "2026-5", "--on", "2026-11-20", "--reason", "不服复查"),
    S("rereview-answer-final", "review", "2026-5", "--answer", "--on", "2026-11-25", "--summary", "复核维持",
      "--json"),
    S("register-after-final", "register", "--received", "2026-11-26", "--channel", "visit", "--township", "车桥镇",
      "--name", "赵六", "--id-number", ID_ZHAO, "--category", "ownership", "--summary", "承包地被他人占用",
      "--json"),
    S("overdue", "overdue"),
    S("overdue-json", "overdue", "--on", "2026-12-10", "--json"),
    S("cases", "cases"),
    S("cases-json", "cases", "--json"),
    S("cases-csv", "cases", "--csv", "--reveal"),
    S("show", "show", "2026-1"),
    S("show-json", "show", "2026-5", "--json"),
    S("rank", "rank", "--month", "2026-11"),
    S("rank-json", "rank", "--month", "2026-09", "--json"),
    S("rank-publish", "rank", "--month", "2026-09", "--publish", "--yes"),
    S("sanctions", "sanctions"),
    S("sanctions-check", "sanctions", "check", "车桥镇", "--action", "land-approval", "--json"),
    S("officials-add-secretary", "officials", "add", "--township", "车桥镇", "--role", "secretary",
      "--name", "周明", "--from", "2026-01-01"),
    S("officials-add-head", "officials", "add", "--township", "车桥镇", "--role", "head",
      "--name", "吴刚", "--from", "2026-01-01", "--json"),
    S("deposits-pay", "deposits", "pay", "--official", "周明", "--amount", "10000", "--on", "2026-01-15"),
    S("deposits-pay-json", "deposits", "pay", "--official", "吴刚", "--amount", "10000.00", "--on", "2026-01-15",
      "--json"),
    S("deposits-statement", "deposits", "statement", "--year", "2026"),
    S("report-md", "report", "--month", "2026-11", "-o", "通报-2026-11.md"),
    S("report-html", "report", "--month", "2026-11", "--format", "html", "-o", "通报-2026-11.html"),
    S("report-xlsx", "report", "--month", "2026-11", "-o", "通报-2026-11.xlsx"),
    S("form-assignment", "form", "2026-4", "--kind", "assignment", "-o", "交办单.html"),
    S("form-handling", "form", "2026-1", "--kind", "handling", "-o", "包案处理表.html"),
    S("export-csv", "export", "--reveal", "-o", "export.csv"),
    S("export-xlsx", "export", "--format", "xlsx", "-o", "export.xlsx"),
    S("export-json", "export", "--format", "json", "-o", "export.json"),
    S("audit-verify", "audit", "verify"),
    S("db-check", "db", "check", "--json"),
    S("deposits-settle", "deposits", "settle", "--yes", "--year", "2026", "--json", today="2027-01-10"),
    S("deposits-statement-json", "deposits", "statement", "--json", today="2027-01-10"),
    S("import-init", "init", "--json", db="imported.db"),
    S("import", "import", "export.csv", "--json", db="imported.db"),
    S("import-cases-csv", "cases", "--csv", "--reveal", db="imported.db"),
    S("import-audit-verify", "audit", "verify", "--json", db="imported.db"),
    S("refused-bad-date", "register", "--received", "2026-02-30", "--channel", "letter", "--township", "车桥镇",
      "--name", "张三", "--category", "compensation", "--summary", "x"),
    S("refused-unknown-township", "register", "--received", "2026-11-20", "--channel", "letter",
      "--township", "不存在镇", "--name", "张三", "--category", "compensation", "--summary", "x"),
    S("refused-wrong-state", "resolve", "2026-6", "--on", "2026-11-20", "--outcome", "support", "--summary", "x"),
    S("refused-settle-twice", "deposits", "settle", "--yes", "--year", "2026", today="2027-01-11"),
    S("export-json-again", "export", "--format", "json", "-o", "export.json"),
    S("report-md-again", "report", "--month", "2026-11", "-o", "通报-2026-11.md"),
    S("form-again", "form", "2026-1", "-o", "包案处理表.html"),
    S("refused-usage-unknown-option", "cases", "--no-such-option"),
    S("cases-after-refusals", "cases", "--csv"),
]

DEMO: list[Step] = [
    S("demo", "demo", "--db", DEMO_DB),
    S("rank", "rank", "--month", "2026-10"),
    S("rank-json", "rank", "--month", "2026-10", "--json"),
    S("sanctions", "sanctions", "--month", "2026-10"),
    S("sanctions-json", "sanctions", "--json"),
    S("sanctions-check-approval", "sanctions", "check", "马甸镇", "--action", "land-approval"),
    S("sanctions-check-auction", "sanctions", "check", "淮城镇", "--action", "auction", "--json"),
    S("overdue", "overdue"),
    S("overdue-csv", "overdue", "--csv"),
    S("cases-month-township", "cases", "--month", "2026-10", "--township", "淮城镇"),
    S("cases-month-csv", "cases", "--month", "2026-10", "--csv"),
    S("show", "show", "2026-00010"),
    S("show-json", "show", "2025-00042", "--json"),
    S("deposits-statement-2025", "deposits", "statement", "--year", "2025"),
    S("deposits-statement-2026-json", "deposits", "statement", "--year", "2026", "--json"),
    S("rewards", "rewards", "--year", "2025"),
    S("report-md", "report", "--month", "2026-10", "-o", "通报-2026-10.md"),
    S("report-html", "report", "--month", "2026-10", "--format", "html", "-o", "通报-2026-10.html"),
    S("report-xlsx", "report", "--month", "2026-10", "--format", "xlsx", "-o", "通报-2026-10.xlsx"),
    S("export-json", "export", "--format", "json", "--month", "2026-10", "-o", "export-2026-10.json"),
    S("export-xlsx", "export", "--format", "xlsx", "--month", "2026-09", "-o", "export-2026-09.xlsx"),
    S("rank-publish", "rank", "--month", "2026-11", "--publish", "--yes", "--json", today="2026-12-05"),
    S("deposits-settle", "deposits", "settle", "--yes", "--year", "2026", today="2027-01-10"),
    S("refused-settle-2025-again", "deposits", "settle", "--yes", "--year", "2025"),
    S("refused-publish-again", "rank", "--month", "2026-10", "--publish", "--yes"),
    S("audit-verify", "audit", "verify", "--json"),
    S("db-check", "db", "check"),
]

SCENARIOS: dict[str, tuple[str, list[Step]]] = {"fresh": (DB, FRESH), "demo": (DEMO_DB, DEMO)}


def environment() -> dict[str, str]:
    """A clean environment: nothing of the caller's XINFANG_*, colour or terminal settings leaks in."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "COLUMNS": "100",
        "TZ": "UTC",
        "PYTHONIOENCODING": "utf-8",
        "PYTHONPATH": str(ROOT) + (os.pathsep + os.environ["PYTHONPATH"] if os.environ.get("PYTHONPATH") else ""),
    }
    return env


def run_step(step: Step, workdir: Path, default_db: str, env: dict[str, str]) -> str:
    """Run one command in ``workdir``; its record (normalised)."""
    before = _snapshot(workdir)
    argv = step.argv(default_db)
    proc = subprocess.run([sys.executable, "-m", "xinfang", *argv], cwd=workdir, env={**env, **step.env},
                          stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    after = _snapshot(workdir)
    parts = [f"$ xinfang {' '.join(_quote(a) for a in argv)}", f"exit: {proc.returncode}",
             "--- stdout", _text(proc.stdout), "--- stderr", _text(proc.stderr)]
    for name in sorted(after):
        if before.get(name) != after[name]:
            parts += [f"--- file {name}", describe_file(workdir / name)]
    return normalise("\n".join(parts), workdir)


def run_scenario(name: str, workdir: Path) -> list[tuple[str, str]]:
    """Run every step of a scenario in order in ``workdir``: (expected file name, record) per step, then
    the contents of the ledgers the scenario left (``zz-ledgers``)."""
    default_db, steps = SCENARIOS[name]
    env = environment()
    records = [(f"{i:02d}-{step.name}", run_step(step, workdir, default_db, env)) for i, step in enumerate(steps, 1)]
    return records + [("zz-ledgers", normalise(describe_ledgers(workdir), workdir))]


# Columns that hold the real time of a write (now_stamp(), or sqlite-utils' migration time) or the
# hash chains built on it: left out of the ledger dump by name.
TIME_COLUMNS = {"at", "applied_at", "prev_hash", "hash"}
# Tables dumped row by row when a ledger is small; a large ledger (the demo) gets a digest per table.
DUMPED_TABLES = ("meta", "counters", "cases", "clocks", "events", "officials", "deposit_entries",
                 "published_months", "sanction_decisions", "calendar_years", "case_tally", "channel_tally", "indicator_tally",
                 "summons_tally")
SMALL_LEDGER_EVENTS = 2000


def describe_ledgers(workdir: Path) -> str:
    """What the scenario left in each ledger file: row counts of every table, then the rows of the
    ledger's own tables (without the time columns) or, for a large ledger, a digest of each table
    (taken after ``normalise``: some history values hold a timestamp) and the count of history events
    per action."""
    import sqlite3

    lines = []
    for path in sorted(workdir.glob("*.db")):
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = sorted(r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
            counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
            lines.append(f"=== {path.name}")
            lines += [f"rows {t}: {n}" for t, n in counts.items()]
            small = counts.get("events", 0) <= SMALL_LEDGER_EVENTS
            for t in DUMPED_TABLES:
                if t not in counts:
                    continue
                cols = [r[1] for r in conn.execute(f'PRAGMA table_info("{t}")') if r[1] not in TIME_COLUMNS]
                order = ", ".join(f'"{c}"' for c in [r[1] for r in conn.execute(f'PRAGMA table_info("{t}")')
                                                      if r[5]] or cols)
                rows = conn.execute(f'SELECT {", ".join(chr(34) + c + chr(34) for c in cols)} FROM "{t}" '
                                    f"ORDER BY {order}").fetchall()
                if small:
                    lines.append(f"--- {t} {cols}")
                    lines += [repr(r) for r in rows]
                else:
                    digest = hashlib.sha256(normalise("\n".join(map(repr, rows)), workdir).encode()).hexdigest()
                    lines.append(f"--- {t} {cols}: {len(rows)} rows, content digest {digest[:16]}")
            if not small:
                lines.append("--- events per action")
                lines += [f"{a}: {n}" for a, n in conn.execute(
                    "SELECT action, count(*) FROM events GROUP BY action ORDER BY action")]
        finally:
            conn.close()
    return "\n".join(lines)


def describe_file(path: Path) -> str:
    """A written file as text: xlsx as sheets and cell values (the zip holds timestamps), text as text."""
    data = path.read_bytes()
    if path.suffix == ".xlsx":
        return _xlsx_cells(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return f"(binary, {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()})"
    bom = text.startswith("\ufeff")
    return ("(UTF-8 with BOM)\n" if bom else "") + _text_str(text[1:] if bom else text)


def _xlsx_cells(path: Path) -> str:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    lines = [f"sheets: {wb.sheetnames!r}"]
    for ws in wb.worksheets:
        lines.append(f"== sheet {ws.title!r} ({ws.max_row} rows x {ws.max_column} columns)")
        for r, row in enumerate(ws.iter_rows(values_only=True), 1):
            lines.append(f"{r}: " + " | ".join(_cell(v) for v in row))
    return "\n".join(lines)


def _cell(value) -> str:
    if value is None:
        return "·"
    if hasattr(value, "isoformat"):
        return f"<{type(value).__name__} {value.isoformat()}>"
    return repr(value)


def _snapshot(workdir: Path) -> dict[str, str]:
    out = {}
    for p in sorted(workdir.rglob("*")):
        if p.is_file() and not p.name.endswith(LEDGER_SUFFIXES):
            out[p.relative_to(workdir).as_posix()] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def _text(data: bytes) -> str:
    try:
        return _text_str(data.decode("utf-8"))
    except UnicodeDecodeError:
        return f"(not UTF-8: {data!r})"


def _text_str(text: str) -> str:
    """Text as recorded: a carriage return is shown as ``␍`` (CSV rows end in CR LF) so that it stays
    visible in the expected file and in a diff; a missing final newline is marked."""
    if not text:
        return "(empty)"
    text = text.replace("\r", "␍")
    return text[:-1] if text.endswith("\n") else text + "\n(no newline at end)"


def _quote(arg: str) -> str:
    return arg if arg and re.fullmatch(r"[\w\-./:=年月日]+", arg) else repr(arg)


# History timestamps as now_stamp() writes them (UTC, microseconds) and as 'show' prints them (local minute).
_STAMP = re.compile(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00")
_MINUTE = re.compile(r"\b\d{4}-\d{2}-\d{2} \d{2}:\d{2}\b")
_DIGEST = re.compile(r"\b(?!0{64}\b)[0-9a-f]{64}\b")
_WITHHELD_ID = re.compile(r"(?<=:w-)[0-9a-f]{10}\b")  # a published id's keyed digest (ledger/sanctions)


def normalise(text: str, workdir: Path) -> str:
    """Replace only what varies from run to run, each by a fixed token of its own:

    - the scratch folder's absolute path (as given and resolved) -> ``<TMP>``;
    - history timestamps, ``now_stamp()``'s ``2026-12-01T08:15:30.123456+00:00`` -> ``<STAMP>``, and the
      local ``2026-12-01 16:15`` that 'show' prints -> ``####-##-## ##:##`` (as wide: tables keep their shape);
    - 64-hex digests (the hash chains, which hash those timestamps) -> ``<SHA256>``; the chains' all-zero
      genesis value stays, as it never varies;
    - the digest that stands for an accusation's number in a published sanction id (``…:w-`` and ten
      hex digits, keyed by the history's first hash) -> ten ``#`` (as wide).

    Dates alone (``2026-11-26``), amounts, case numbers and everything else are left as they are.
    """
    for base in {str(workdir), str(workdir.resolve())}:
        text = text.replace(base, "<TMP>")
    text = _STAMP.sub("<STAMP>", text)
    text = _MINUTE.sub("####-##-## ##:##", text)
    text = _WITHHELD_ID.sub("#" * 10, text)
    return _DIGEST.sub("<SHA256>", text)


def main(argv: list[str]) -> int:
    import tempfile

    out = Path(argv[0]) if argv else None
    for name in SCENARIOS:
        with tempfile.TemporaryDirectory(prefix=f"xinfang-golden-{name}-") as tmp:
            for step_name, record in run_scenario(name, Path(tmp)):
                if out:
                    (out / name).mkdir(parents=True, exist_ok=True)
                    (out / name / f"{step_name}.txt").write_bytes((record + "\n").encode("utf-8"))
                else:
                    print(f"##### {name}/{step_name}\n{record}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
