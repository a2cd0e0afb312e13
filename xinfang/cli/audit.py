"""audit verify, db backup, db check: proving the ledger was not changed behind its back, and copying it safely."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer

from xinfang.cli import STATE, ForceOpt, JsonOpt, app, error, fmt, warn
from xinfang.errors import Refusal, XinfangError
from xinfang.model import Message

PATH = Message.of("metavar.PATH")  # the argument, worded as the help names it

audit_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)
db_app = typer.Typer(no_args_is_help=True,
                     rich_markup_mode=None)
app.add_typer(audit_app, name="audit")
app.add_typer(db_app, name="db")

SHOWN_PROBLEMS = 20


def _report_lines(report, lang: str) -> list[str]:
    from xinfang.messages import text

    checked = tuple(text("audit.counted", lang, table=_table(t, lang), n=n) for t, n in report.counts.items())
    if report.ok:
        return [text("audit.intact", lang, checked=checked), text("audit.head", lang, head=report.head)]
    lines = [text("audit.problems", lang, n=len(report.problems))]
    lines += [f"  {_problem(p, lang)}" for p in report.problems[:SHOWN_PROBLEMS]]
    if len(report.problems) > SHOWN_PROBLEMS:
        lines.append("  " + text("audit.more", lang, n=len(report.problems) - SHOWN_PROBLEMS))
    return lines


def _table(name: str, lang: str) -> str:
    """A table of the ledger as the reader calls it (the SQL name when the catalogue has none)."""
    from xinfang.messages import MESSAGES, text

    return text(f"table.{name}", lang) if f"table.{name}" in MESSAGES else name


def _problem(problem, lang: str) -> str:
    """A finding: the table in the reader's words, the row, and what is wrong."""
    from xinfang.messages import text, wording

    row = problem.row
    if row is not None and row.startswith("id ") and row[3:].isdigit():
        row = text("audit.row_id", lang, id=row[3:])
    where = _table(problem.table, lang) + (f" {row}" if row is not None else "")
    return text("problem.at", lang, where=where, problem=wording(problem.said, lang) if problem.said else problem.problem)


def _open_copy(path: Path, option: str):
    import sqlite3

    if not path.is_file():
        raise Refusal("audit.no_file", option, path=str(path))
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        from xinfang.errors import sqlite_problem

        raise Refusal("audit.not_ledger", option, path=str(path), detail=sqlite_problem(exc)) from None
    return conn


@audit_app.command("verify")
def verify(
    against: Annotated[Optional[Path], typer.Option("--against")] = None,
    head: Annotated[Optional[str], typer.Option("--head")] = None,
    json_: JsonOpt = False,
):
    """Show whether the ledger was changed behind its back; exit 1 naming each broken row.

    Recomputes the hash chains (events, deposit entries), checks the append-only triggers, the
    sealed rows (published months, sanction decisions, calendar years), SQLite's integrity check,
    every case and clock against its history, the case tally and counters against the cases, the
    sealed tables (officials, policy, roster, units), the deposit chain's recorded head and the
    schema. Prints the chain head, one digest to print on the monthly bulletin."""
    import sys

    from xinfang.ledger.audit import Report, compare_with, printed_head, verify as run_verify
    from xinfang.messages import text
    from xinfang.output import emit

    ledger = STATE.open()
    report = run_verify(ledger.conn)
    extra = []
    if against is not None:
        older = _open_copy(against, "--against")
        try:
            extra += compare_with(ledger.conn, older)
        finally:
            older.close()
    if head is not None:
        extra += printed_head(ledger.conn, head)
    report = Report(report.problems + extra, report.events, report.counts, report.heads)
    _refuse_writes_if_damaged(ledger, report)
    if json_:
        emit(report.as_json(), "json", STATE.lang)
    else:
        lines = _report_lines(report, STATE.lang)
        if head is not None and report.ok:
            lines.append(text("audit.head_found", STATE.lang, head=head.strip().lower()))
        sys.stdout.write("\n".join(lines) + "\n")
    if not report.ok:
        _failed(len(report.problems), report)


def _refuse_writes_if_damaged(ledger, report) -> None:
    """SQLite found damaged pages: remember it beside the ledger, so writes are refused until it passes."""
    from xinfang.ledger.db import mark_damaged

    damage = [p.problem for p in report.problems if p.table == "sqlite"]
    if damage:
        mark_damaged(ledger.path, damage[0])


def _failed(problems: int, report=None) -> None:
    """The report is printed; say on stderr that it failed (for a damaged file: the way out), and exit 1."""
    from xinfang.ledger.db import ledger_file
    from xinfang.messages import text

    damage = [p.problem for p in report.problems if p.table == "sqlite"] if report is not None else []
    if damage:
        from xinfang.errors import damage_detail

        error(text("db.damaged", STATE.lang, db=ledger_file(STATE.db), detail=damage_detail(damage[0])))
        raise typer.Exit(1)
    error(text("audit.failed", STATE.lang, problems=problems), text("audit.failed.fix", STATE.lang))
    raise typer.Exit(1)


@db_app.command("backup")
def backup(
    path: Annotated[Path, typer.Argument()],
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
        raise Refusal("backup.exists", PATH, target=str(target))
    if not target.parent.is_dir():
        raise Refusal("backup.no_folder", PATH, folder=str(target.parent))
    from xinfang.ledger.db import is_damage, ledger_file

    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        ledger = STATE.open()
    except sqlite3.DatabaseError as exc:
        if not is_damage(exc):
            raise
        return _salvage(ledger_file(STATE.db), partial, target)
    if target.resolve() == Path(ledger.path).resolve():
        raise Refusal("backup.is_ledger", PATH)
    with _writing(partial, target):
        copy = sqlite3.connect(str(partial))
        try:
            # One step (pages=-1): the copy is one consistent snapshot; writers in WAL mode go on meanwhile.
            ledger.conn.backup(copy)
            problems = integrity(copy)
            report = None if problems else run_verify(copy)
        except sqlite3.DatabaseError as exc:
            if not is_damage(exc):
                raise
            problems = [exc]
        finally:
            copy.close()
        if not problems:
            _place(partial, target)
    if problems:  # damaged pages came along: save what is readable instead
        return _salvage(ledger.path, partial, target)
    result = {"backup": str(target), "bytes": target.stat().st_size, "integrity": "ok", "events": report.events,
              "cases": report.counts.get("cases", 0), "audit_ok": report.ok, "heads": report.heads}
    from xinfang.messages import text
    emit(result, fmt(json_), STATE.lang, message=text("backup.done", STATE.lang, target=target, bytes=result["bytes"]))
    if not report.ok:
        warn("warning.backup_of_failing_ledger")


def _salvage(source: str, partial: Path, target: Path) -> None:
    """A damaged ledger: copy what is readable into a new file, say what was lost, and exit 1."""
    import sqlite3

    from xinfang.ledger.db import mark_damaged
    from xinfang.ledger.salvage import salvage
    from xinfang.messages import text

    try:
        kept, lost = salvage(source, str(partial))
    except sqlite3.DatabaseError as exc:  # not even the schema is readable: nothing to save
        _remove(partial)
        mark_damaged(source, str(exc))
        from xinfang.errors import damage_detail

        raise XinfangError(text("db.unsalvageable", STATE.lang, db=source, detail=damage_detail(str(exc)))) from None
    with _writing(partial, target):
        _place(partial, target)
    mark_damaged(source, "damaged pages")
    error(text("db.salvaged", STATE.lang, target=target, kept=kept,
               lost=("、" if STATE.lang == "zh" else ", ").join(lost) or "—"))
    raise typer.Exit(1)


@contextmanager
def _writing(partial: Path, target: Path):
    """Writing a copy into ``partial``: a failure is one line naming ``target``; the partial files
    are removed whatever happens (the finished copy is linked into place first)."""
    import sqlite3

    try:
        yield
    except (OSError, sqlite3.Error) as exc:
        from xinfang.errors import os_problem, sqlite_problem

        reason = os_problem(exc) if isinstance(exc, OSError) else sqlite_problem(exc)
        raise Refusal("backup.cannot_write", PATH, target=str(target), reason=reason) from None
    finally:
        _remove(partial)


def _remove(partial: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(partial) + suffix).unlink(missing_ok=True)


def _place(partial: Path, target: Path) -> None:
    """Move the finished copy into place without ever replacing a file that appeared meanwhile."""
    try:
        os.link(partial, target)
    except FileExistsError:
        raise Refusal("backup.exists", PATH, target=str(target)) from None
    except OSError:
        # Filesystems without hard links: rename, after one more check.
        if target.exists():
            raise Refusal("backup.exists_now", PATH, target=str(target)) from None
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
    _refuse_writes_if_damaged(ledger, report)
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
        from xinfang.messages import text

        lang = STATE.lang
        ok_words = text("check.ok", lang)
        separator = "；" if lang == "zh" else "; "
        lines = [
            text("check.integrity", lang, result=separator.join(_problem(p, lang) for p in sqlite_problems) or ok_words),
            text("check.foreign_keys", lang, result=separator.join(_problem(p, lang) for p in fk_problems[:5]) or ok_words),
            *_report_lines(report, lang),
        ]
        sys.stdout.write("\n".join(lines) + "\n")
    if not ok:
        _failed(len(sqlite_problems) + len(fk_problems) + len(audit_only), report)
    from xinfang.ledger.db import clear_damaged
    from xinfang.messages import text

    if clear_damaged(ledger.path):
        sys.stderr.write(text("db.damaged_lifted", STATE.lang, db=ledger.path) + "\n")



@audit_app.command("reveals")
def reveals(
    case: Annotated[Optional[str], typer.Option("--case")] = None,
    json_: JsonOpt = False,
    csv_: Annotated[bool, typer.Option("--csv")] = False,
):
    """List every --reveal of personal data (ID and phone numbers) the history records: who, when,
    with which command and whose cases."""
    from xinfang.ledger.cases import get_case
    from xinfang.ledger.reveals import reveals as recorded
    from xinfang.messages import text
    from xinfang.output import emit

    ledger = STATE.open()
    number = get_case(ledger, case)["number"] if case else None
    rows = recorded(ledger, number)
    if not rows and not (json_ or csv_):
        import sys

        sys.stdout.write(text("reveal.none", STATE.lang) + "\n")
        return
    listing = [{**r, "case_list": r["cases"]} for r in rows]
    emit(rows, fmt(json_, csv_), STATE.lang, rows=listing, columns=["at", "who", "command", "case_list"])



@db_app.command("metadata")
def metadata(
    output: Annotated[Optional[str], typer.Option("-o", "--output")] = None,
    force: ForceOpt = False,
):
    """A Datasette metadata file for the ledger's read-only Chinese views (案件, 时限, 排名, 保证金,
    官员, 办理记录): titles and descriptions; the English tables, which hold the unmasked numbers,
    hidden and closed, and SQL of one's own closed. Browse the ledger with
    datasette xinfang.db -m metadata.yml."""
    from xinfang.cli.report import _check, _target, _write
    from xinfang.ledger.views import metadata as make

    ledger = STATE.open()
    text = make(Path(str(ledger.path)).stem, ledger.conn)
    import sys

    if not output or output == "-":
        sys.stdout.write(text)
        return
    target = _target(output, "db metadata", binary=True)
    _check(target, force, ledger)
    _write(target, text, force, ledger)
