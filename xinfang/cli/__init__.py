"""The ``xinfang`` command (the console script and ``python -m xinfang``): global options, command
groups, and the one place errors are printed.

Each command module is a thin layer: parse options, open the ledger, call one ledger/rules
function inside one transaction, hand the result to ``xinfang.output.emit``. A cold process
imports only the command module it runs (``COMMAND_MODULES``), and none for ``--version``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
from typing import Annotated, Optional

import typer

from xinfang import __version__
from xinfang.errors import XinfangError

# --- one invocation: the global options, and the one place errors become a line on stderr ----------


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
        self.who = checked_user(user or os.environ.get("XINFANG_USER") or _login(), self.lang)
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


USER_MAX = 50


def checked_user(name: str, lang: str) -> str:
    """Who is recording, as the history keeps it: at most ``USER_MAX`` printable characters."""
    from xinfang.messages import text

    why = (text("user.empty", lang) if not name.strip() else
           text("user.too_long", lang, length=len(name), limit=USER_MAX) if len(name) > USER_MAX else
           text("user.control", lang) if not name.isprintable() else None)
    if why:
        from xinfang.escape import visible

        shown = visible(name if len(name) <= USER_MAX else name[:USER_MAX] + "…")
        raise XinfangError(text("user.invalid", lang, user=repr(shown), why=why),
                           fix=text("user.invalid.fix", lang, limit=USER_MAX))
    return name


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
    from xinfang.errors import Refusal

    if isinstance(exc, Refusal):
        error(exc.worded(STATE.lang))
        return 1
    if isinstance(exc, XinfangError):
        error(str(exc))
        return 1
    import sqlite3

    if isinstance(exc, sqlite3.DatabaseError) and _damaged(exc):
        return 1

    if isinstance(exc, sqlite3.OperationalError):
        error(f"the ledger could not be written ({exc})", "try again; if it persists run 'xinfang db check'")
        return 1
    if isinstance(exc, sqlite3.DatabaseError):
        error(f"the ledger file is damaged ({exc})", "run 'xinfang db check' and restore from a backup")
        return 1
    if isinstance(exc, KeyboardInterrupt):
        return 130  # quietly, as Typer ends an interrupted command
    if isinstance(exc, BrokenPipeError):
        _drop_stdout()  # the reader went away ('| head'): exit 1 as click does, with nothing more written
        return 1
    if isinstance(exc, OSError):  # a file the user named cannot be read or written (too long a name, no access, …)
        name = str(exc.filename) if exc.filename is not None else "file"
        name = name if len(name) <= 60 else name[:57] + "…"
        error(f"{name}: {exc.strerror or exc}", "check the file name, its folder and the permissions")
        return 1
    if os.environ.get("XINFANG_DEBUG"):
        raise exc
    error(f"internal error: {type(exc).__name__}: {exc}", "set XINFANG_DEBUG=1 to see details and report it")
    return 1


def _damaged(exc) -> bool:
    """A damaged page met by any command: marked, so writes are refused until 'db check' passes,
    and reported with the way out. False when the error is not about a damaged file."""
    from xinfang.ledger.db import is_damage, ledger_file, mark_damaged
    from xinfang.messages import text

    if not is_damage(exc):
        return False
    path = ledger_file(STATE.db)
    mark_damaged(path, str(exc))
    error(text("db.damaged", STATE.lang, db=path, detail=str(exc)))
    return True


def error(message: str, fix: str | None = None) -> None:
    """One ``Error: …`` line on stderr."""
    from xinfang.escape import visible

    text = f"Error: {message}" + (f"; {fix}" if fix else "")
    sys.stderr.write(visible(text.replace("\n", " ")) + "\n")


def print_notices(ledger, notices: list[tuple[str, dict]]) -> None:
    """Word what a committed write has to tell the user, one line each on stderr."""
    from xinfang.escape import visible
    from xinfang.messages import text

    for code, p in notices:
        params = dict(p)
        if code == "provisional":
            params["case"] = f"{p['case']} " if p.get("case") else ""
            params["clock"] = p["clock"].label(STATE.lang) if STATE.lang == "zh" else p["clock"].value
            params["years"] = ("、" if STATE.lang == "zh" else ", ").join(map(str, p["years"]))
        sys.stderr.write(visible(text(f"notice.{code}", STATE.lang, **params)) + "\n")


def _drop_stdout() -> None:
    """Send what is left of stdout to /dev/null, so the interpreter's last flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no file descriptor behind stdout (a test's capture): nothing to flush
        pass


# --- the command line ------------------------------------------------------------------------------

app = typer.Typer(
    name="xinfang",
    help="土地信访台账 — a district petition office's land-petition ledger: register, assign, reply, "
    "resolve, deadlines, monthly ranking, sanctions and deposits on one SQLite file.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool):
    if value:
        print(f"xinfang {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    db: Annotated[Optional[str], typer.Option("--db", help="Ledger file (default: $XINFANG_DB, else ./xinfang.db).")] = None,
    today: Annotated[Optional[str], typer.Option("--today", help="Treat this date as today for every rule (also $XINFANG_TODAY).")] = None,
    lang: Annotated[str, typer.Option("--lang", help="Label language: zh (default) or en (also $XINFANG_LANG).")] = "",
    user: Annotated[Optional[str], typer.Option("--user", help="Who is recording, for the history (default: $XINFANG_USER or the login name).")] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
):
    """Global options go before the command: xinfang --db office.db --lang en cases."""
    STATE.configure(db, today, lang, user)


# Which module defines each command, so that a cold process imports (and Typer builds the options
# of) only the command it runs. A test checks this table against the modules.
COMMAND_MODULES = {
    "register": "cases", "accept": "cases", "decline": "cases", "object": "cases", "assign": "cases", "reply": "cases", "resolve": "cases", "transfer": "cases",
    "correct": "cases", "show": "cases", "cases": "cases", "init": "setup", "townships": "setup", "units": "setup",
    "overdue": "deadlines", "extend": "deadlines", "review": "deadlines", "calendar": "deadlines",
    "rank": "ranking", "sanctions": "ranking", "rewards": "deposits", "officials": "deposits",
    "deposits": "deposits", "export": "exchange", "import": "exchange", "report": "report", "form": "report",
    "demo": "demo", "audit": "audit", "db": "audit", "evaluate": "indicators", "stats": "indicators",
}
COMMAND_PACKAGES = ("cases", "setup", "deadlines", "ranking", "deposits", "exchange", "report", "demo", "audit",
                    "indicators")
_GLOBAL_WITH_VALUE = ("--db", "--today", "--lang", "--user")


def _command_name(argv: list[str]) -> str | None:
    """The command a command line runs, skipping the global options before it; ``"--version"`` when
    the version is asked for first (Typer answers it before looking at any command)."""
    skip = False
    for token in argv:
        if skip:
            skip = False
        elif token in _GLOBAL_WITH_VALUE:
            skip = True
        elif token == "--version":
            return token
        elif token.startswith("-"):
            if not any(token.startswith(o + "=") for o in _GLOBAL_WITH_VALUE):
                return None  # --help or a mistake: show everything
        else:
            return token
    return None


def _command_modules(argv: list[str] | None) -> tuple[str, ...]:
    """The command modules a command line needs: none for ``--version``, the command's own when it
    is known, else (help, a mistake, ``argv`` None) all of them."""
    name = _command_name(argv) if argv is not None else None
    if name == "--version":
        return ()
    return (COMMAND_MODULES[name],) if name in COMMAND_MODULES else COMMAND_PACKAGES


def _register_commands(argv: list[str] | None = None) -> None:
    """Import the command modules ``argv`` needs (commands register on import); all without ``argv``."""
    for name in _command_modules(argv):
        __import__(f"xinfang.cli.{name}")


def run(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code. Errors become one line on stderr."""
    try:
        argv = text_args(sys.argv[1:] if argv is None else list(argv))
        _register_commands(argv)
        # Typer ends an interrupted command with exit 130 and no message, and a command whose reader
        # went away ('xinfang cases | head -1') with exit 1 and no traceback from the last flush.
        code = app(args=argv, prog_name="xinfang", standalone_mode=False)
        # Typer returns the code of a typer.Exit raised by a command instead of raising it.
        return code if isinstance(code, int) else 0
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        error("aborted")
        return 1
    except typer.TyperException as exc:  # usage errors: unknown option, missing value (exit 2)
        exc.show()
        return getattr(exc, "exit_code", 2)
    except (Exception, KeyboardInterrupt) as exc:
        return failure(exc)


def main() -> None:
    """Console-script entry point."""
    sys.exit(run(sys.argv[1:]))


# Shared option types, so every listing spells its output options the same way.
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]
CsvOpt = Annotated[bool, typer.Option("--csv", help="Print CSV (listings).")]
RevealOpt = Annotated[bool, typer.Option("--reveal", help="Show ID and phone numbers unmasked (recorded in the history: who, when, which cases).")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Replace the -o file if it exists (never the ledger, a folder or a device).")]




@contextlib.contextmanager
def revealing(ledger, command: str, cases: list[str]):
    """Around showing the personal data of ``cases``: the reveal is recorded in the history (who,
    when, ``command``, which cases) in one write, undone when showing fails. No cases: no write."""
    if not cases:
        yield
        return
    from xinfang.ledger.reveals import record_reveal

    with ledger.write():
        record_reveal(ledger, command, cases)
        yield


def revealed(ledger, command: str, cases: list[str]) -> None:
    """Record, in a write of its own, that ``command`` showed the personal data of ``cases``."""
    with revealing(ledger, command, cases):
        pass
