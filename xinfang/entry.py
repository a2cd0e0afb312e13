"""The ``xinfang`` console script (and ``python -m xinfang``): a quick path, else the full command line.

Building the Typer command line (Typer with the click it vendors) costs about 50 ms of every cold
process, more than ranking a month of a million cases. So a plain invocation of one of the reading
commands in ``QUICK`` is parsed here, against a small declaration of the options the Typer command
declares (a test holds the two equal), and runs the command's body from ``xinfang.commands`` with the
state and the error messages of ``xinfang.session``, exactly as the Typer command would.

The quick path takes only what it is sure of: global options, then the command, then its options,
each at most once, as ``--opt value`` or ``--opt=value``. Anything else (help, ``--version``, an
unknown option, a missing value, a flag given a value, an option it leaves to the full command line
such as ``rank --publish``) goes to ``xinfang.cli``, so usage errors and help stay Typer's.
Setting ``XINFANG_NO_QUICK`` to any non-empty value (``XINFANG_NO_QUICK=1``) sends every invocation
to the full command line.
"""

from __future__ import annotations

import os
import sys


class Option:
    """One option as Typer declares it: the body's parameter, a flag or one value, its default, whether
    it is required, and whether the quick path takes it (``quick=False``: leave it to Typer)."""

    __slots__ = ("param", "flag", "default", "required", "quick")

    def __init__(self, param: str, flag: bool = False, default=None, required: bool = False, quick: bool = True):
        self.param, self.flag, self.default, self.required, self.quick = param, flag, default, required, quick


class Command:
    """A command the quick path runs: its body (module, function) and its options."""

    __slots__ = ("module", "function", "options")

    def __init__(self, module: str, function: str, options: dict[str, Option]):
        self.module, self.function, self.options = module, function, options


# The global options of xinfang.cli.main_options.
GLOBAL = {
    "--db": Option("db"),
    "--today": Option("today"),
    "--lang": Option("lang", default=""),
    "--user": Option("user"),
    "--version": Option("version", flag=True, default=False, quick=False),
}
JSON, CSV = Option("json_", flag=True, default=False), Option("csv_", flag=True, default=False)

QUICK = {
    "rank": Command("xinfang.commands.ranking", "rank", {
        "--month": Option("month", required=True),
        "--publish": Option("publish", flag=True, default=False, quick=False),  # a write: Typer's
        "--json": JSON,
        "--csv": CSV,
    }),
    "overdue": Command("xinfang.commands.deadlines", "overdue", {
        "--on": Option("on"),
        "--unit": Option("unit"),
        "--township": Option("township"),
        "--tier": Option("tier"),
        "--json": JSON,
        "--csv": CSV,
    }),
    "townships": Command("xinfang.commands.setup", "townships", {"--json": JSON, "--csv": CSV}),
}


def parse(argv: list[str]) -> tuple[Command, dict, dict] | None:
    """The command, global options and command options of a plain invocation; None for anything else."""
    given: dict = {}
    i = _options(argv, 0, GLOBAL, given)
    if i is None or i >= len(argv) or argv[i] not in QUICK:
        return None
    command = QUICK[argv[i]]
    params: dict = {}
    i = _options(argv, i + 1, command.options, params)
    if i is None or i < len(argv):  # a stray argument or a bad option
        return None
    if any(o.required and o.param not in params for o in command.options.values()):
        return None
    glob = {o.param: given.get(o.param, o.default) for o in GLOBAL.values() if o.quick}
    return command, glob, {o.param: params.get(o.param, o.default) for o in command.options.values()}


def _options(argv: list[str], i: int, spec: dict[str, Option], into: dict) -> int | None:
    """Read options from ``argv[i]`` on into ``into``; the index of the first token that is not one,
    or None when an option is unknown, repeated, left to Typer or badly given."""
    while i < len(argv) and argv[i].startswith("-"):
        name, eq, value = argv[i].partition("=")
        option = spec.get(name)
        if option is None or not option.quick or option.param in into:
            return None
        if option.flag:
            if eq:
                return None
            into[option.param] = True
        else:
            if not eq:
                i += 1
                if i >= len(argv):
                    return None
                value = argv[i]
            if value.startswith("-"):  # Typer would take it as the value; leave such a line to it
                return None
            into[option.param] = value
        i += 1
    return i


def quick(argv: list[str]) -> int | None:
    """Run a plain invocation of a quick command; its exit code, or None when it is not one."""
    from xinfang.session import STATE, failure, text_args

    try:
        parsed = parse(text_args(argv))
        if parsed is None:
            return None
        command, glob, params = parsed
        STATE.configure(**glob)
        body = getattr(__import__(command.module, fromlist=[command.function]), command.function)
        body(**params)
        return 0
    except KeyboardInterrupt:
        return 130  # as the full command line has it: Typer turns an interrupted command into exit 130
    except BrokenPipeError:
        # As the full command line has it (click): the reader went away (``| head``); exit 1, and
        # nothing more is written, so the interpreter's last flush at exit cannot fail again.
        _drop_stdout()
        return 1
    except Exception as exc:
        return failure(exc)


def _drop_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no file descriptor behind stdout (a test's capture): nothing to flush
        pass


def run(argv: list[str] | None = None) -> int:
    """Run a command line; return the exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    # Shell completion (Typer's _XINFANG_COMPLETE) is the full command line's business.
    if not os.environ.get("XINFANG_NO_QUICK") and not os.environ.get("_XINFANG_COMPLETE"):
        code = quick(argv)
        if code is not None:
            return code
    from xinfang.cli import run as full

    return full(argv)


def main() -> None:
    """Console-script entry point."""
    sys.exit(run())
