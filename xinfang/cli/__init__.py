"""The ``xinfang`` command: global options, command groups, and the one place errors are printed.

Each command module is a thin layer: parse options, open the ledger, call one ledger/rules
function inside one transaction, hand the result to ``xinfang.output.emit``. The global state and
the mapping of errors to messages and exit codes live in ``xinfang.session``, shared with the quick
path of ``xinfang.entry``.
"""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from xinfang import __version__
from xinfang.session import STATE, error, failure, fmt, text_args  # noqa: F401  (STATE and fmt: for the commands)

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
    "register": "cases", "assign": "cases", "reply": "cases", "resolve": "cases", "transfer": "cases",
    "correct": "cases", "show": "cases", "cases": "cases", "init": "setup", "townships": "setup", "units": "setup",
    "overdue": "deadlines", "extend": "deadlines", "review": "deadlines", "calendar": "deadlines",
    "rank": "ranking", "sanctions": "ranking", "rewards": "deposits", "officials": "deposits",
    "deposits": "deposits", "export": "exchange", "import": "exchange", "report": "report", "form": "report",
    "demo": "demo", "audit": "audit", "db": "audit",
}
COMMAND_PACKAGES = ("cases", "setup", "deadlines", "ranking", "deposits", "exchange", "report", "demo", "audit")
_GLOBAL_WITH_VALUE = ("--db", "--today", "--lang", "--user")


def _command_name(argv: list[str]) -> str | None:
    """The command a command line runs, skipping the global options before it."""
    skip = False
    for token in argv:
        if skip:
            skip = False
        elif token in _GLOBAL_WITH_VALUE:
            skip = True
        elif token.startswith("-"):
            if not any(token.startswith(o + "=") for o in _GLOBAL_WITH_VALUE):
                return None  # --help, --version or a mistake: show everything
        else:
            return token
    return None


def _register_commands(argv: list[str] | None = None) -> None:
    """Import the command modules (commands register on import): only the one needed when known."""
    module = COMMAND_MODULES.get(_command_name(argv)) if argv is not None else None
    for name in (module,) if module else COMMAND_PACKAGES:
        __import__(f"xinfang.cli.{name}")


def run(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code. Errors become one line on stderr."""
    try:
        argv = text_args(sys.argv[1:] if argv is None else list(argv))
        _register_commands(argv)
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
RevealOpt = Annotated[bool, typer.Option("--reveal", help="Show ID and phone numbers unmasked.")]

