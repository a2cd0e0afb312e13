"""Excel/CSV exchange: export the cases to a file, import a file of cases all-or-nothing."""

from __future__ import annotations

import re

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from xinfang.cli import STATE, ForceOpt, JsonOpt, RevealOpt, app, revealed, warn
from xinfang.errors import Refusal
from xinfang.model import Message

FILE = Message.of("metavar.FILE")  # the argument, worded as the help names it

FORMATS = ("csv", "xlsx", "json")


@app.command("export")
def export(
    format_: Annotated[Optional[str], typer.Option("--format")] = None,
    output: Annotated[Optional[Path], typer.Option("-o", "--output")] = None,
    reveal: RevealOpt = False,
    month: Annotated[Optional[str], typer.Option("--month")] = None,
    township: Annotated[Optional[str], typer.Option("--township")] = None,
    force: ForceOpt = False,
):
    """Export every case with all its fields (登记, 交办, 答复, 办结). Headings and values in Chinese;
    English keys with 'xinfang --lang en export'. ID and phone numbers are masked unless --reveal;
    only an export with --reveal can be imported again."""
    from xinfang import parse
    from xinfang.ledger import export

    if output is not None and str(output) == "-":
        output = None  # standard output, as 'report -o -' and 'form -o -' take it
    fmt = (format_ or (output.suffix.lower().lstrip(".") if output and output.suffix else "csv")).lower()
    if fmt not in FORMATS:
        raise Refusal("export.unknown_format", "--format", fmt=repr(fmt))
    if fmt == "xlsx" and output is None:
        raise Refusal("export.xlsx_to_terminal", "--format xlsx")
    ledger = STATE.open()
    if output is not None:
        from xinfang.files import check_target

        check_target(output, force=force, ledger_path=ledger.path, lang=STATE.lang)
    town = ledger.ref.township(township) if township else None
    month_ = parse.parse_month(month) if month else None
    lang = STATE.lang
    shown = export.case_numbers(ledger, town, month_) if reveal else []
    if output is None:
        revealed(ledger, "export", shown)
        if fmt == "csv":
            n = export.write_csv(ledger, sys.stdout, lang, reveal, town, month_)
        else:
            n = export.write_json(ledger, sys.stdout, reveal, town, month_)
        sys.stdout.flush()
        return
    from xinfang.files import writing

    # Written beside the target and moved into place: an interrupted export never leaves half a file.
    with writing(output, force=force, private=reveal, ledger_path=ledger.path, lang=lang) as part:
        if fmt == "xlsx":
            n = export.write_xlsx(ledger, part, lang, reveal, town, month_)
        else:
            with open(part, "w", encoding="utf-8", newline="") as fh:
                n = (export.write_csv(ledger, fh, lang, reveal, town, month_) if fmt == "csv"
                     else export.write_json(ledger, fh, reveal, town, month_))
        # Recorded before the file is moved into place: a reveal is never missing from the history.
        revealed(ledger, "export", shown)
    from xinfang.messages import text

    sys.stderr.write(text("export.done" if reveal else "export.done_masked", lang, n=n, output=output) + "\n")


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument()],
    check: Annotated[bool, typer.Option("--check")] = False,
    again: Annotated[bool, typer.Option("--again")] = False,
    json_: JsonOpt = False,
):
    """Import cases from a CSV or xlsx file: every row is checked as 'register' checks it; either
    all rows are imported in one transaction or none, and every bad row is listed with its row
    number. Imported cases get new case numbers; repeats, clocks and history are recorded."""
    from contextlib import nullcontext

    from xinfang.ledger.importer import ImportRefused, bulk_load, import_cases
    from xinfang.output import emit

    ledger = STATE.open()
    today = STATE.today
    with _Progress(file) as progress:
        try:
            digest = _file_digest(file) if file.is_file() else None  # a missing file: import_cases says so
            bulk = not check and bulk_load(file, ledger.scalar("SELECT coalesce(max(rowid), 0) FROM cases"))
            with ledger.rollback_journal() if bulk else nullcontext(False) as alone, ledger.write(exclusive=alone):
                earlier = ledger.one("SELECT at, note FROM events WHERE action = 'import-file' AND new = ?"
                                     " ORDER BY id DESC LIMIT 1", (digest,)) if digest and not again else None
                if earlier:
                    raise _imported_before(file.name, earlier)
                result = import_cases(ledger, file, today, check_only=check, progress=progress, again=again,
                                      suspend=bulk)
                if not check and result["imported"]:
                    from xinfang.ledger.deposits import reconcile_deposits

                    reconcile_deposits(ledger, today)  # imported city-level cases are charged like registered ones
                    ledger.event("import-file", None, "sha256", None, digest,
                                 IMPORT_NOTE.format(file=file.name, **result))
        except ImportRefused as exc:
            progress.stop()
            _bad_rows(exc, STATE.lang, json_)
            raise
    if result.get("provisional_deadlines"):
        warn("warning.import_provisional", n=result["provisional_deadlines"])
    if check:
        from xinfang.messages import text as words
        msg = words("import.checked", STATE.lang, n=result["checked"])
    else:
        span = f"{result['first']} … {result['last']}" if result["imported"] else ""
        from xinfang.messages import text as words
        msg = words("import.done", STATE.lang, n=result["imported"], span=span)
    emit(result, "json" if json_ else "table", STATE.lang, message=msg)


def _bad_rows(exc, lang: str, json_: bool) -> None:
    """The bad rows of a refused import, one line each on stderr in ``lang`` (the first
    ``MAX_LISTED``, then how many more); with ``--json`` also a document on stdout keeping each
    problem's stable code and column key."""
    from xinfang.ledger.importer import MAX_LISTED
    from xinfang.messages import text, wording

    separator = "。" if lang == "zh" else ". "
    for rowno, issues in exc.rows:
        problems = separator.join(wording(i.message, lang) for i in issues)
        sys.stderr.write(text("import.row", lang, row=rowno, problems=problems) + "\n")
    if exc.bad > MAX_LISTED:
        sys.stderr.write(text("import.row.more", lang, more=exc.bad - MAX_LISTED) + "\n")
    if json_:
        from xinfang.output import emit

        emit({"imported": 0, "refused": True, "checked": exc.total, "bad": exc.bad,
              "rows": [{"row": rowno, "problems": [{"column": i.column, "code": i.code,
                                                     "message": wording(i.message, lang)} for i in issues]}
                       for rowno, issues in exc.rows]}, "json", lang)


# The note of an import-file event (its data, kept as written since the first version): worded
# for the reader from its parts (``_imported_before``).
IMPORT_NOTE = "{file}: {imported} cases {first}…{last}"
_IMPORT_NOTE = re.compile(r"^(?P<file>.*): (?P<count>\d+) cases (?P<first>\S+)…(?P<last>\S+)$")


def _imported_before(name: str, earlier: dict) -> Refusal:
    """The refusal of a file imported before, worded from its import-file event."""
    parts = _IMPORT_NOTE.match(earlier["note"] or "")
    if parts:
        return Refusal("import.again.span", FILE, file=name, on=earlier["at"][:10], earlier=parts["file"],
                       count=int(parts["count"]),
                       first=parts["first"], last=parts["last"])
    return Refusal("import.again", FILE, file=name, note=earlier["note"], on=earlier["at"][:10])


def _file_digest(path: Path) -> str:
    """SHA-256 of the file, so that importing the same file twice is noticed."""
    import hashlib

    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError as exc:
        from xinfang.errors import os_problem

        raise Refusal("import.unreadable", FILE, path=str(path), problem=os_problem(exc)) from None
    return h.hexdigest()


class _Progress:
    """A progress bar on stderr while importing, only when stderr is a terminal."""

    def __init__(self, file: Path):
        self.file, self.bar = file, None

    def __enter__(self):
        if sys.stderr.isatty():
            from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

            from xinfang.messages import template
            from xinfang.output import console

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), TextColumn(template("import.progress_rows", STATE.lang)),
                                TimeRemainingColumn(), console=console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task(self.file.name, total=None, rows=0)
        return self

    def __call__(self, rows: int, done: int, total: int) -> None:
        if self.bar is not None:
            self.bar.update(self.task, completed=done, total=total or None, rows=rows)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None

    def __exit__(self, *exc):
        self.stop()
        return False
