"""audit verify, db backup, db check: proving the ledger was not changed behind its back, and copying it safely."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Optional

import typer

from xinfang.cli import STATE, JsonOpt, app, fmt
from xinfang.errors import XinfangError

audit_app = typer.Typer(help="Check the ledger's hash chains, guards and case histories (审计).",
                        no_args_is_help=True, rich_markup_mode=None)
db_app = typer.Typer(help="The ledger file itself: online backup and health check.", no_args_is_help=True,
                     rich_markup_mode=None)
app.add_typer(audit_app, name="audit")
app.add_typer(db_app, name="db")

SHOWN_PROBLEMS = 20


def _report_lines(report, lang: str) -> list[str]:
    zh = lang == "zh"
    checked = "，".join(f"{t} {n}" for t, n in report.counts.items()) if zh else ", ".join(
        f"{t} {n}" for t, n in report.counts.items())
    if report.ok:
        return [(f"台账完整：已核验 {checked}" if zh else f"Ledger intact: checked {checked}")]
    lines = [(f"发现 {len(report.problems)} 处问题：" if zh else f"{len(report.problems)} problem(s) found:")]
    lines += [f"  {p.message}" for p in report.problems[:SHOWN_PROBLEMS]]
    if len(report.problems) > SHOWN_PROBLEMS:
        more = len(report.problems) - SHOWN_PROBLEMS
        lines.append(f"  …另有 {more} 处" if zh else f"  … and {more} more")
    return lines


def _open_copy(path: Path, option: str):
    import sqlite3

    if not path.is_file():
        raise XinfangError(f"{option}: no file at {path}", fix="give the path of a ledger backup")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        raise XinfangError(f"{option}: {path} is not a ledger file ({exc})", fix="give the path of a ledger backup") from None
    return conn


@audit_app.command("verify")
def verify(
    against: Annotated[Optional[Path], typer.Option("--against", help="An older copy (a backup) whose history must still be "
                                                    "here unchanged: catches rows cut off the end of a chain.")] = None,
    json_: JsonOpt = False,
):
    """Show whether the ledger was changed behind its back; exit 1 naming each broken row.

    Recomputes the hash chains (events, deposit entries), checks the append-only triggers, the
    sealed rows (published months, sanction decisions, calendar years), SQLite's integrity check,
    and every case against its history."""
    import sys

    from xinfang.ledger.audit import Report, compare_with, verify as run_verify
    from xinfang.output import emit

    ledger = STATE.open()
    report = run_verify(ledger.conn)
    if against is not None:
        older = _open_copy(against, "--against")
        try:
            extra = compare_with(ledger.conn, older)
        finally:
            older.close()
        report = Report(report.problems + extra, report.events, report.counts, report.heads)
    if json_:
        emit(report.as_json(), "json", STATE.lang)
    else:
        sys.stdout.write("\n".join(_report_lines(report, STATE.lang)) + "\n")
    if not report.ok:
        _failed(len(report.problems))


def _failed(problems: int) -> None:
    """The report is printed; say on stderr that it failed, and exit 1."""
    import sys

    zh = STATE.lang == "zh"
    sys.stderr.write((f"Error: 台账未通过审计（{problems} 处问题）；请从备份恢复并查明修改来源" if zh else
                      f"Error: the ledger fails the audit ({problems} problems); restore from a backup and find "
                      "who changed it") + "\n")
    raise typer.Exit(1)


@db_app.command("backup")
def backup(
    path: Annotated[Path, typer.Argument(help="Where to write the copy; must not exist yet.")],
    json_: JsonOpt = False,
):
    """Copy the ledger while others go on writing; never overwrites a file.

    Uses SQLite's online backup for one consistent snapshot, then runs the integrity check and the
    audit on the copy."""
    import sqlite3

    from xinfang.ledger.audit import integrity, verify as run_verify
    from xinfang.output import emit

    target = path.expanduser()
    if target.exists() or target.is_symlink():
        raise XinfangError(f"PATH: {target} already exists", fix="choose a new file name; a backup never overwrites")
    if not target.parent.is_dir():
        raise XinfangError(f"PATH: folder {target.parent} does not exist", fix="create the folder first")
    ledger = STATE.open()
    if target.resolve() == Path(ledger.path).resolve():
        raise XinfangError("PATH: that is the ledger itself", fix="choose another file")
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        copy = sqlite3.connect(str(partial))
        try:
            # One step (pages=-1): the copy is one consistent snapshot; writers in WAL mode go on meanwhile.
            ledger.conn.backup(copy)
            problems = integrity(copy)
            report = run_verify(copy)
        finally:
            copy.close()
        if problems:
            raise XinfangError(f"PATH: the copy failed SQLite's integrity check ({problems[0].problem})",
                               fix="run 'xinfang db check' on the ledger")
        _place(partial, target)
    except (OSError, sqlite3.Error) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise XinfangError(f"PATH: cannot write {target}: {reason}", fix="check the folder, its permissions and free space") from None
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(partial) + suffix).unlink(missing_ok=True)
    result = {"backup": str(target), "bytes": target.stat().st_size, "integrity": "ok", "events": report.events,
              "cases": report.counts.get("cases", 0), "audit_ok": report.ok, "heads": report.heads}
    zh = STATE.lang == "zh"
    emit(result, fmt(json_), STATE.lang,
         message=(f"已备份到 {target}（{result['bytes']} 字节，完整性检查通过）" if zh
                  else f"Backed up to {target} ({result['bytes']} bytes, integrity check ok)"))
    if not report.ok:
        sys_msg = ("注意：台账本身未通过审计，请运行 'xinfang audit verify'" if zh
                   else "Note: the ledger itself fails the audit; run 'xinfang audit verify'")
        import sys

        sys.stderr.write(sys_msg + "\n")


def _place(partial: Path, target: Path) -> None:
    """Move the finished copy into place without ever replacing a file that appeared meanwhile."""
    try:
        os.link(partial, target)
    except FileExistsError:
        raise XinfangError(f"PATH: {target} already exists", fix="choose a new file name; a backup never overwrites") from None
    except OSError:
        # Filesystems without hard links: rename, after one more check.
        if target.exists():
            raise XinfangError(f"PATH: {target} already exists", fix="choose a new file name") from None
        os.replace(partial, target)


@db_app.command("check")
def check(json_: JsonOpt = False):
    """Check the ledger file: integrity, foreign keys and the audit; exit 1 if anything is wrong."""
    import sys

    from xinfang.ledger.audit import foreign_keys, integrity, verify as run_verify
    from xinfang.output import emit

    ledger = STATE.open()
    conn = ledger.conn
    sqlite_problems = integrity(conn)
    fk_problems = foreign_keys(conn)
    report = run_verify(conn)
    audit_only = [p for p in report.problems if p.table != "sqlite"]
    ok = not sqlite_problems and not fk_problems and report.ok
    result = {
        "ok": ok,
        "integrity": [p.problem for p in sqlite_problems] or ["ok"],
        "foreign_keys": [p.as_json() for p in fk_problems],
        "audit": {"ok": report.ok, "events": report.events, "problems": [p.as_json() for p in audit_only]},
        "size_bytes": Path(ledger.path).stat().st_size,
        "journal_mode": conn.execute("PRAGMA journal_mode").fetchone()[0],
    }
    if json_:
        emit(result, "json", STATE.lang)
    else:
        zh = STATE.lang == "zh"
        lines = [
            ("SQLite 完整性：" if zh else "SQLite integrity: ") + "; ".join(result["integrity"]),
            ("外键：" if zh else "Foreign keys: ")
            + ("; ".join(p.message for p in fk_problems[:5]) if fk_problems else "ok"),
            *_report_lines(report, STATE.lang),
        ]
        sys.stdout.write("\n".join(lines) + "\n")
    if not ok:
        _failed(len(sqlite_problems) + len(fk_problems) + len(audit_only))


@db_app.command("metadata")
def metadata(
    output: Annotated[Optional[str], typer.Option("-o", "--output", help="Write the metadata to this file, e.g. metadata.yml (default: stdout).")] = None,
):
    """A Datasette metadata file for the ledger's read-only Chinese views (案件, 时限, 排名, 保证金,
    官员, 办理记录): titles and descriptions, the English tables hidden. Browse the ledger with
    datasette -i xinfang.db -m metadata.yml."""
    from xinfang.cli.report import _target, _write
    from xinfang.ledger.views import metadata as make

    ledger = STATE.open()
    text = make(Path(str(ledger.path)).stem)
    import sys

    if not output or output == "-":
        sys.stdout.write(text)
        return
    _write(_target(output, "db metadata", binary=True), text)
