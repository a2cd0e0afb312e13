"""The ``xinfang`` command (the console script and ``python -m xinfang``): global options, command
groups, and the one place errors are printed.

The language is chosen first (``choose_lang``: ``--lang``, then ``XINFANG_LANG``, then the locale),
so help, usage errors and messages all follow it; every word a user reads comes from the catalogue
``xinfang.messages`` (help texts by convention, see ``xinfang.cli.localize``).

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
    """Global options, shared by every command of one invocation, and the ledgers it opened."""

    db: str | None = None
    today_text: str | None = None
    today_option: str = "--today"  # where today_text came from, to name it in a refusal
    lang: str = "zh"
    who: str = "clerk"

    def __init__(self) -> None:
        self.opened: list = []

    def configure(self, db: str | None, today: str | None, lang: str, user: str | None) -> None:
        """Take the global options (each also read from its XINFANG_* variable) and check them;
        the language is already chosen (``choose_lang``), a bad one is refused here."""
        from xinfang.messages import text

        self.db = db
        self.today_text = today or os.environ.get("XINFANG_TODAY") or None
        self.today_option = "--today" if today else "XINFANG_TODAY"
        given = (lang or os.environ.get("XINFANG_LANG") or "").strip().lower()
        if given and given not in LANGS:
            option = "--lang" if lang else "XINFANG_LANG"
            raise XinfangError(text("lang.unknown", self.lang, option=option, value=repr(given)),
                               fix=text("lang.unknown.fix", self.lang))
        self.who = checked_user(user or os.environ.get("XINFANG_USER") or _login(), self.lang)
        if self.today_text:
            self.today  # validate early: a bad --today is a usage mistake of its own

    @property
    def today(self) -> dt.date:
        if self.today_text:
            from xinfang.parse import parse_date

            return parse_date(self.today_text, self.today_option)
        return dt.date.today()

    def open(self, create: bool = False):
        from xinfang.ledger.db import ledger_file, open_ledger

        ledger = self.track(open_ledger(ledger_file(self.db), self.who, create=create))
        ledger.on_notices = print_notices
        return ledger

    def track(self, ledger):
        """Keep ``ledger`` to be closed when the invocation ends (``close``)."""
        self.opened.append(ledger)
        return ledger

    def close(self) -> None:
        """Close the ledgers this invocation opened. A connection is otherwise closed only by the
        collector (its statement cache refers back to it), and SQLite ends a ledger's write-ahead
        log (``-wal``, ``-shm``) when its last connection closes."""
        if self.opened:
            try:
                self.opened.pop().conn.close()
            finally:  # the others too, whatever one of them raised
                self.close()


STATE = State()

LANGS = ("zh", "en")


def choose_lang(argv: list[str], environ=os.environ) -> str:
    """The language of this invocation, before anything is worded: ``--lang`` among the global
    options, else ``XINFANG_LANG``, else the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``):
    Chinese unless it says English. An unknown ``--lang`` words its own refusal in Chinese."""
    for i, token in enumerate(argv):
        if token == "--lang" and i + 1 < len(argv):
            return _lang_of(argv[i + 1])
        if token.startswith("--lang="):
            return _lang_of(token.partition("=")[2])
        if not token.startswith("-") and (not i or argv[i - 1] not in _GLOBAL_WITH_VALUE):
            break  # the command: its own options are not global ones
    if environ.get("XINFANG_LANG", "").strip():
        return _lang_of(environ["XINFANG_LANG"])
    locale = next((environ[k] for k in ("LC_ALL", "LC_MESSAGES", "LANG") if environ.get(k, "").strip()), "")
    return "en" if locale.strip().lower().startswith("en") else "zh"


def _lang_of(value: str) -> str:
    return "en" if value.strip().lower() == "en" else "zh"


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
        from xinfang.messages import text

        raise XinfangError(text("output.two_formats", STATE.lang), fix=text("output.two_formats.fix", STATE.lang))
    return "json" if json_ else "csv" if csv_ else "table"


def text_args(argv: list[str]) -> list[str]:
    """Refuse arguments that are not text: bytes a non-UTF-8 terminal (often GBK) sent, which Python
    keeps as lone surrogates that SQLite and the screen cannot take, and NUL characters (possible
    only from a calling program), which no file name or field may hold."""
    for i, arg in enumerate(argv):
        if "\x00" not in arg and not any("\ud800" <= c <= "\udfff" for c in arg):
            continue
        from xinfang.messages import text

        lang = STATE.lang
        option = argv[i - 1] if i and argv[i - 1].startswith("-") else text("args.position", lang, n=i + 1)
        if "\x00" in arg:
            raise XinfangError(text("args.nul", lang, option=option), fix=text("args.nul.fix", lang))
        raw = arg.encode("utf-8", "surrogateescape") if all(
            c < "\ud800" or "\udc80" <= c <= "\udcff" or c > "\udfff" for c in arg) else b""
        guess = raw.decode("gb18030", "replace") if raw else ""
        hint = text("args.gbk", lang, guess=repr(guess)) if guess and "\ufffd" not in guess else ""
        raise XinfangError(text("args.not_utf8", lang, option=option, hint=hint), fix=text("args.not_utf8.fix", lang))
    return argv


def failure(exc: BaseException) -> int:
    """Print what went wrong as one line on stderr and return the exit code; never a traceback for a
    clerk (``XINFANG_DEBUG=1`` re-raises an unexpected error)."""
    from xinfang.errors import Refusal
    from xinfang.messages import text

    lang = STATE.lang
    if isinstance(exc, Refusal):
        error(exc.worded(lang))
        return 1
    if isinstance(exc, XinfangError):
        error(exc.message, exc.fix)
        return 1
    import sqlite3

    if isinstance(exc, sqlite3.DatabaseError) and _damaged(exc):
        return 1

    if isinstance(exc, sqlite3.Error):  # locked, disk full, read-only …: SQLite's result code in our words
        from xinfang.errors import system_refusal

        from xinfang.ledger.db import ledger_file

        error(system_refusal(exc, "--db", ledger_file(STATE.db)).worded(lang))
        return 1
    if isinstance(exc, KeyboardInterrupt):
        return 130  # quietly, as Typer ends an interrupted command
    if isinstance(exc, BrokenPipeError):
        _drop_stdout()  # the reader went away ('| head'): exit 1 as click does, with nothing more written
        return 1
    if isinstance(exc, OSError):  # a file the user named cannot be read or written (too long a name, no access, …)
        from xinfang.errors import system_refusal

        error(system_refusal(exc).worded(lang))
        return 1
    if os.environ.get("XINFANG_DEBUG"):
        raise exc
    error(text("failure.internal", lang, kind=type(exc).__name__, detail=exc), text("failure.internal.fix", lang))
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
    from xinfang.errors import damage_detail

    error(text("db.damaged", STATE.lang, db=path, detail=damage_detail(str(exc))))
    return True


def error(message: str, fix: str | None = None) -> None:
    """One ``错误：…`` (``Error: …``) line on stderr: the message, then what to do instead."""
    from xinfang.escape import visible
    from xinfang.messages import text

    if fix:
        message = text("error.fix", STATE.lang, message=message, fix=fix)
    line = text("error.line", STATE.lang, message=message)
    sys.stderr.write(visible(line.replace("\n", " ")) + "\n")


def warn(code: str, **params) -> None:
    """A warning or a note from the catalogue on stderr, in the user's language: one line, folded
    at the terminal's width (between words, never inside one) when stderr is a terminal."""
    from xinfang.messages import text

    _notice_line(text(code, STATE.lang, **params))


def _notice_line(line: str) -> None:
    from xinfang.escape import visible

    line = visible(line.replace("\n", " "))
    try:
        terminal = sys.stderr.isatty()
    except (AttributeError, ValueError):
        terminal = False
    if terminal:
        import shutil

        from xinfang.fold import fold

        line = "\n".join(fold(line, max(shutil.get_terminal_size((80, 24)).columns - 1, 20), "", "  "))
    sys.stderr.write(line + "\n")


def print_notices(ledger, notices: list[tuple[str, dict]]) -> None:
    """Word what a committed write has to tell the user, one line each on stderr."""
    from xinfang.messages import text

    for code, p in notices:
        params = dict(p)
        if code == "provisional":
            params["case"] = f"{p['case']} " if p.get("case") else ""
            params["clock"] = p["clock"].label(STATE.lang) if STATE.lang == "zh" else p["clock"].value
            params["years"] = ("、" if STATE.lang == "zh" else ", ").join(map(str, p["years"]))
        _notice_line(text(f"notice.{code}", STATE.lang, **params))


def _drop_stdout() -> None:
    """Send what is left of stdout to /dev/null, so the interpreter's last flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no file descriptor behind stdout (a test's capture): nothing to flush
        pass


# --- the command line ------------------------------------------------------------------------------

# Help texts are worded from the catalogue at run time (xinfang.cli.localize): ``help.app``,
# ``help.COMMAND``, ``help.COMMAND.PARAM``, ``help.COMMAND.example``; the source gives none.
app = typer.Typer(
    name="xinfang",
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


def _install_completion(value: bool):
    if value:
        from xinfang.cli.shell import install

        install(STATE.lang)
        raise typer.Exit()


@app.callback()
def main_options(
    db: Annotated[Optional[str], typer.Option("--db")] = None,
    today: Annotated[Optional[str], typer.Option("--today")] = None,
    lang: Annotated[str, typer.Option("--lang", show_default=False)] = "",
    user: Annotated[Optional[str], typer.Option("--user")] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True)] = False,
    install_completion: Annotated[bool, typer.Option("--install-completion", callback=_install_completion,
                                                     is_eager=True)] = False,
):
    STATE.configure(db, today, lang, user)


# Which module defines each command, so that a cold process imports (and Typer builds the options
# of) only the command it runs. A test checks this table against the modules.
COMMAND_MODULES = {
    "register": "cases", "accept": "cases", "decline": "cases", "object": "cases", "assign": "cases", "reply": "cases", "resolve": "cases", "transfer": "cases",
    "correct": "cases", "void": "cases", "show": "cases", "cases": "cases", "init": "setup", "townships": "setup", "units": "setup",
    "overdue": "deadlines", "extend": "deadlines", "review": "deadlines", "calendar": "deadlines",
    "rank": "ranking", "sanctions": "sanctions", "rewards": "deposits", "officials": "deposits",
    "deposits": "deposits", "export": "exchange", "import": "exchange", "report": "report", "form": "report",
    "demo": "demo", "audit": "audit", "db": "audit", "completion": "completion", "evaluate": "indicators", "stats": "indicators",
}
COMMAND_PACKAGES = ("cases", "setup", "deadlines", "ranking", "sanctions", "deposits", "exchange", "report", "demo", "audit",
                    "indicators", "completion")
_GLOBAL_WITH_VALUE = ("--db", "--today", "--lang", "--user")
GLOBAL_OPTIONS = (*_GLOBAL_WITH_VALUE, "--version", "--install-completion")


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
    """Run the command line; return the exit code. Errors become one line on stderr. The ledgers
    the command opened are closed when it ends."""
    try:
        return _run(argv)
    finally:
        STATE.close()


def _run(argv: list[str] | None) -> int:
    from typer._click.exceptions import NoArgsIsHelpError, UsageError

    try:
        argv = sys.argv[1:] if argv is None else list(argv)
        STATE.lang = choose_lang(argv)
        argv = text_args(argv)
        _register_commands(argv)
        command = typer.main.get_command(app)
        if _command_name(argv) != "--version":
            from xinfang.cli.localize import localize

            localize(command, STATE.lang)
            if at_keyboard():
                ask_for_missing(command)
        if os.environ.get("_XINFANG_COMPLETE"):  # the shell asks for completions: values from the ledger
            from xinfang.cli.shell import attach

            attach(command, STATE.open)
        # Typer ends an interrupted command with exit 130 and no message, and a command whose reader
        # went away ('xinfang cases | head -1') with exit 1 and no traceback from the last flush.
        code = command.main(args=argv, prog_name="xinfang", standalone_mode=False)
        # Typer returns the code of a typer.Exit raised by a command instead of raising it.
        return code if isinstance(code, int) else 0
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        from xinfang.messages import text

        error(text("failure.aborted", STATE.lang))
        return 1
    except NoArgsIsHelpError as exc:  # a group or the app alone: its help, on stderr (exit 2)
        exc.show()
        return 2
    except UsageError as exc:  # unknown option, missing value, …: one line naming it and the fix (exit 2)
        from xinfang.cli.localize import usage_error

        name = _command_name(argv) if isinstance(argv, list) else None
        error(usage_error(exc, STATE.lang, GLOBAL_OPTIONS, f"xinfang {name}" if name in COMMAND_MODULES else "xinfang"))
        return 2
    except typer.TyperException as exc:  # Typer's other refusals (completion of an unknown shell, …)
        exc.show()
        return getattr(exc, "exit_code", 2)
    except (Exception, KeyboardInterrupt) as exc:
        return failure(exc)


# A command is one short process that builds its answer and exits: the collector's default
# thresholds run a full collection each time the heap grows by a quarter, which on a province's
# ledger (the month's cases, their findings, a bulletin's rows) costs a fifth of the command. Young
# objects are collected every 20,000 allocations instead of 700; the rare cycle is still collected.
GC_THRESHOLDS = (20_000, 10, 10)


def _unraisable_ignored(unraisable) -> None:
    """``sys.unraisablehook`` of the console script: nothing printed (XINFANG_DEBUG=1 shows them)."""


def main() -> None:
    """Console-script entry point."""
    import gc

    gc.set_threshold(*GC_THRESHOLDS)
    if not os.environ.get("XINFANG_DEBUG"):
        # An error met while an object is freed (a workbook's zip file closed again after the disk
        # filled) comes after the command's own one-line error: no "Exception ignored" traceback.
        sys.unraisablehook = _unraisable_ignored
    code = run(sys.argv[1:])
    # The process ends here, its ledgers closed: what is left is left to the operating system
    # instead of walked by the collection at exit (frozen objects are never collected), 10–15 ms
    # of a month's ranking at 1M and 5 ms of the quickest command.
    gc.freeze()
    sys.exit(code)


# Shared option types, so every listing spells its output options the same way.
# Their help is ``help.option.json`` etc. in the catalogue.
JsonOpt = Annotated[bool, typer.Option("--json")]
CsvOpt = Annotated[bool, typer.Option("--csv")]
RevealOpt = Annotated[bool, typer.Option("--reveal")]
ForceOpt = Annotated[bool, typer.Option("--force")]
YesOpt = Annotated[bool, typer.Option("--yes", "-y")]


def at_keyboard() -> bool:
    """Whether a person types at a terminal (stdin is a tty): asked, not refused; scripts are not."""
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):  # no stdin, or a closed one
        return False


def ask_for_missing(command) -> None:
    """At a terminal, a required option left out is asked for instead of refused: the question is
    its help as worded for the user (with the choices and their Chinese labels)."""
    for param in getattr(command, "params", ()):
        if param.param_type_name == "option" and param.required and not getattr(param, "prompt", None):
            param.prompt = (param.help or param.name).rstrip("。.")
    for sub in getattr(command, "commands", {}).values():
        ask_for_missing(sub)


def confirm(yes: bool, command: str, code: str, **params) -> None:
    """Before an action that cannot be undone: with ``--yes``, go on; at a terminal, ask (the
    catalogue's question ``code`` worded with ``params``); a script without ``--yes`` is refused
    with one line naming ``--yes`` (``command``: how the action is typed)."""
    from xinfang.errors import Refusal

    if yes:
        return
    if not at_keyboard():
        raise Refusal("confirm.needs_yes", command=command)
    from xinfang.messages import text

    question = text(code, STATE.lang, **params)
    machine = dt.date.today()
    if STATE.today_text and STATE.today > machine:  # a --today typed a year out: said before it is final
        question = text("confirm.today_ahead", STATE.lang, today=STATE.today, machine=machine) + question
    if not ask_yes(question):
        raise Refusal("confirm.cancelled", command=command)


YES = frozenset({"y", "yes", "是", "确认", "好"})
NO = frozenset({"", "n", "no", "否", "不", "取消"})


def ask_yes(question: str) -> bool:
    """Ask a yes-or-no question at the terminal, in the user's language; an empty answer is no. The
    answer may be typed in either language (y/是, n/否); anything else is asked again."""
    from xinfang.messages import text

    while True:
        answer = typer.prompt(f"{question} {text('confirm.choices', STATE.lang)}", default="",
                              show_default=False, prompt_suffix="", err=True).strip().lower()
        if answer in YES or answer in NO:
            return answer in YES
        sys.stderr.write(text("confirm.invalid", STATE.lang) + "\n")




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
