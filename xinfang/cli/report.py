"""Documents: the monthly bulletin (report) and the printable case forms (form)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from xinfang.cli import STATE, ForceOpt, RevealOpt, app, revealing
from xinfang.errors import Refusal

FORMATS = ("md", "html", "xlsx", "docx")
BINARY = ("xlsx", "docx")


# Names that promise a format the bulletin is not written in: any other name (x.md, x.txt, none)
# gets Markdown.
OTHER_FORMATS = frozenset({"pdf", "doc", "docm", "dot", "dotx", "xls", "xlsm", "xlsb", "xlt", "xltx", "csv", "tsv",
                           "json", "xml", "rtf", "odt", "ods", "odp", "wps", "et", "dps", "ofd", "ppt", "pptx", "png",
                           "jpg", "jpeg", "gif", "zip", "rar", "7z", "gz", "tar", "db", "sqlite"})


def _format_of(fmt: Optional[str], output: Optional[str]) -> str:
    """The bulletin's format: --format, else the output file's suffix, else Markdown."""
    if fmt:
        value = fmt.strip().lower().lstrip(".")
        if value in ("markdown",):
            value = "md"
        if value not in FORMATS:
            raise Refusal("report.unknown_format", "--format", fmt=repr(fmt))
        return value
    if output:
        suffix = Path(output).suffix.lower().lstrip(".")
        if suffix in ("htm", "html"):
            return "html"
        if suffix in BINARY:
            return suffix
        if suffix in OTHER_FORMATS:  # x.pdf, x.xls: Markdown is not what the clerk would get
            raise Refusal("report.unknown_suffix", "-o", name=Path(output).name)
        return "md"
    # On a terminal the bulletin is read, not saved: Rich tables; piped, it stays Markdown.
    return "table" if sys.stdout.isatty() else "md"


def _target(output: Optional[str], what: str, binary: bool, html: bool = True) -> Optional[Path]:
    """The file to write, or None for stdout. A workbook always needs a file; HTML needs one when
    stdout is a terminal (it is meant to be opened or printed, not read raw)."""
    if output and output != "-":
        return Path(output)
    if binary:
        raise Refusal("report.binary_needs_file", what)
    if html and output != "-" and sys.stdout.isatty():
        raise Refusal("report.html_needs_file", what)
    return None


def _check(path: Optional[Path], force: bool, ledger) -> None:
    """Refuse the -o file before anything is read or written (see ``xinfang.files``)."""
    from xinfang.files import check_target

    if path is not None:
        check_target(path, force=force, ledger_path=ledger.path, lang=STATE.lang)


def _write(path: Optional[Path], data: str | bytes, force: bool, ledger, private: bool = False) -> None:
    from xinfang.escape import visible
    from xinfang.files import write_file
    from xinfang.messages import text

    if path is None:
        sys.stdout.write(data if isinstance(data, str) else data.decode("utf-8"))
        return
    write_file(path, data, force=force, private=private, ledger_path=ledger.path, lang=STATE.lang)
    sys.stderr.write(visible(text("file.written", STATE.lang, path=path)) + "\n")


@app.command()
def report(
    month: Annotated[str, typer.Option("--month")],
    format_: Annotated[Optional[str], typer.Option("--format")] = None,
    output: Annotated[Optional[str], typer.Option("-o", "--output")] = None,
    top: Annotated[Optional[int], typer.Option("--top", min=1)] = None,
    issuer: Annotated[Optional[str], typer.Option("--issuer")] = None,
    force: ForceOpt = False,
):
    """The monthly bulletin (通报): letters and visits against the same month last year, the
    12-month trend, the ranking and bottom group, sanctions, overdue cases by unit and deposit
    deductions, with the method. Counts only: no petitioner's data, no accused unit.

    To print the HTML: open it in Chromium, Chrome or Edge (version 131 or later prints the page
    footer 第 N 页 共 M 页), choose A4 and untick the browser's own headers and footers; or
    chromium --headless --no-pdf-header-footer --print-to-pdf=通报.pdf 通报.html."""
    from xinfang import parse
    from xinfang.ledger.report import gather_bulletin

    the_month = parse.parse_month(month)
    fmt = _format_of(format_, output)
    target = _target(output, "report", binary=fmt in BINARY, html=fmt == "html")
    if issuer is not None:
        issuer = parse.parse_text(issuer, "--issuer", 60)
    ledger = STATE.open()
    _check(target, force, ledger)
    bulletin = gather_bulletin(ledger, the_month, STATE.today)
    lang = STATE.lang
    if fmt == "table":
        from xinfang.output import console
        from xinfang.render.bulletin import to_console

        to_console(bulletin, console(), lang, top, issuer)
    elif fmt == "md":
        from xinfang.render.bulletin import to_markdown

        _write(target, to_markdown(bulletin, lang, top, issuer), force, ledger)
    elif fmt == "html":
        from xinfang.render.bulletin import to_html

        _write(target, to_html(bulletin, lang, top, issuer), force, ledger)
    elif fmt == "docx":
        from xinfang.render.bulletin import to_docx

        _write(target, to_docx(bulletin, lang, top, issuer), force, ledger)
    else:
        from xinfang.render.bulletin import to_xlsx

        _write(target, to_xlsx(bulletin, lang, top, issuer), force, ledger)
    if not bulletin.method["published"] and bulletin.ranking is not None:
        from xinfang.messages import text

        sys.stderr.write(text("report.provisional_ranking", lang) + "\n")


@app.command()
def form(
    case: Annotated[str, typer.Argument()],
    kind: Annotated[str, typer.Option("--kind")] = "assignment",
    output: Annotated[Optional[str], typer.Option("-o", "--output")] = None,
    for_unit: Annotated[Optional[str], typer.Option("--for")] = None,
    reveal: RevealOpt = False,
    force: ForceOpt = False,
):
    """A printable A4 form for one case (HTML): the review-and-assignment form or the handling sheet.
    ID and phone numbers are masked unless --reveal.

    To print: open the file in Chromium, Chrome or Edge, print on A4 with the browser's headers
    and footers unticked (or chromium --headless --no-pdf-header-footer --print-to-pdf=表.pdf 表.html)."""
    from xinfang.ledger.report import FORM_KINDS, gather_form
    from xinfang.render.forms import to_html

    value = kind.strip().lower()
    aliases = {"交办单": "assignment", "呈阅交办单": "assignment", "处理表": "handling", "包案处理表": "handling"}
    value = aliases.get(kind.strip(), value)
    if value not in FORM_KINDS:
        raise Refusal("form.unknown_kind", "--kind", kind=repr(kind))
    target = _target(output, "form", binary=False)
    ledger = STATE.open()
    _check(target, force, ledger)
    unit = ledger.ref.unit(for_unit, "--for") if for_unit else None
    data = gather_form(ledger, case, value, unit, reveal)
    page = to_html(data, STATE.lang, STATE.today)
    with revealing(ledger, "form", [data["case"]["number"]] if reveal else []):
        _write(target, page, force, ledger, private=reveal)
