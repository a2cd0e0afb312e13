"""One invocation of ``xinfang``: the global options, and the one place errors become a line on stderr.

Typer-free, so that the quick path of ``xinfang.entry`` and the full command line of ``xinfang.cli``
share the same state and print the same messages with the same exit codes.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import sys

from xinfang.errors import XinfangError


class State:
    """Global options, shared by every command of one invocation."""

    db: str | None = None
    today_text: str | None = None
    lang: str = "zh"
    who: str = "clerk"

    def configure(self, db: str | None, today: str | None, lang: str, user: str | None) -> None:
        """Take the global options (each also read from its XINFANG_* variable) and check them."""
        self.db = db
        self.today_text = today or os.environ.get("XINFANG_TODAY") or None
        lang = (lang or os.environ.get("XINFANG_LANG") or "zh").lower()
        if lang not in ("zh", "en"):
            raise XinfangError(f"--lang: unknown language {lang!r}", fix="use zh or en")
        self.lang = lang
        self.who = user or os.environ.get("XINFANG_USER") or _login()
        if self.today_text:
            self.today  # validate early: a bad --today is a usage mistake of its own

    @property
    def today(self) -> dt.date:
        if self.today_text:
            from xinfang.parse import parse_date

            return parse_date(self.today_text, "--today")
        return dt.date.today()

    def open(self, create: bool = False):
        from xinfang.ledger.db import ledger_file, open_ledger

        ledger = open_ledger(ledger_file(self.db), self.who, create=create)
        ledger.on_notices = print_notices
        return ledger


STATE = State()


def _login() -> str:
    try:
        import getpass

        return getpass.getuser()
    except Exception:  # no login name in some containers; the history still needs a name
        return "clerk"


def fmt(json_: bool, csv_: bool = False) -> str:
    """The output format chosen by the shared output options."""
    if json_ and csv_:
        raise XinfangError("--json and --csv: choose one output format", fix="drop one of them")
    return "json" if json_ else "csv" if csv_ else "table"


def text_args(argv: list[str]) -> list[str]:
    """Refuse arguments that are not text: bytes a non-UTF-8 terminal (often GBK) sent, which Python
    keeps as lone surrogates that SQLite and the screen cannot take, and NUL characters (possible
    only from a calling program), which no file name or field may hold."""
    for i, arg in enumerate(argv):
        option = argv[i - 1] if i and argv[i - 1].startswith("-") else f"argument {i + 1}"
        if "\x00" in arg:
            raise XinfangError(f"{option}: contains a NUL character", fix="pass plain text")
        if any("\ud800" <= c <= "\udfff" for c in arg):
            raw = arg.encode("utf-8", "surrogateescape") if all(
                c < "\ud800" or "\udc80" <= c <= "\udcff" or c > "\udfff" for c in arg) else b""
            guess = raw.decode("gb18030", "replace") if raw else ""
            hint = f" (as GBK it reads {guess!r})" if guess and "\ufffd" not in guess else ""
            raise XinfangError(f"{option}: not UTF-8 text{hint}",
                               fix="set the terminal to UTF-8 (LANG=zh_CN.UTF-8, or 'chcp 65001' on Windows) "
                                   "and type it again")
    return argv


def failure(exc: BaseException) -> int:
    """Print what went wrong as one line on stderr and return the exit code; never a traceback for a
    clerk (``XINFANG_DEBUG=1`` re-raises an unexpected error)."""
    if isinstance(exc, XinfangError):
        error(str(exc))
        return 1
    if isinstance(exc, sqlite3.OperationalError):
        error(f"the ledger could not be written ({exc})", "try again; if it persists run 'xinfang db check'")
        return 1
    if isinstance(exc, sqlite3.DatabaseError):
        error(f"the ledger file is damaged ({exc})", "run 'xinfang db check' and restore from a backup")
        return 1
    if isinstance(exc, KeyboardInterrupt):
        error("interrupted; nothing was written by the unfinished command")
        return 130
    if isinstance(exc, BrokenPipeError):
        return 0
    if isinstance(exc, OSError):  # a file the user named cannot be read or written (too long a name, no access, …)
        name = str(exc.filename) if exc.filename is not None else "file"
        name = name if len(name) <= 60 else name[:57] + "…"
        error(f"{name}: {exc.strerror or exc}", "check the file name, its folder and the permissions")
        return 1
    if os.environ.get("XINFANG_DEBUG"):
        raise exc
    error(f"internal error: {type(exc).__name__}: {exc}", "set XINFANG_DEBUG=1 to see details and report it")
    return 1


def error(message: str, fix: str | None = None) -> None:
    """One ``Error: …`` line on stderr."""
    text = f"Error: {message}" + (f"; {fix}" if fix else "")
    sys.stderr.write(text.replace("\n", " ") + "\n")


def print_notices(ledger, notices: list[tuple[str, dict]]) -> None:
    """Word what a committed write has to tell the user, one line each on stderr."""
    for code, p in notices:
        if code == "provisional":
            who = f"{p['case']} " if p.get("case") else ""
            sys.stderr.write(
                f"Warning: {who}{p['clock']} due {p['due']} is provisional (暂定): {', '.join(map(str, p['years']))}"
                " has no official holiday schedule, so it counts Monday to Friday only; load it with"
                " 'xinfang calendar load FILE' and the due date is recomputed\n")
