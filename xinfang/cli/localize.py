"""Help and usage errors in the user's language, from the message catalogue.

The command tree Typer builds is worded here just before it runs, in the language chosen from the
command line and the environment (``xinfang.cli.choose_lang``), so ``--help`` and a usage mistake
read like every other message. The catalogue (``xinfang/messages.py``) holds, by convention:

- ``help.app`` and ``help.COMMAND`` (``help.deposits.pay`` for a subcommand): a command's help; the
  first sentence (up to ``。`` or ``. ``) is its line in the list of commands;
- ``help.COMMAND.example``: one example command line, shown under the help;
- ``help.COMMAND.PARAM`` (``PARAM`` the Python name without a trailing ``_``): an option's or an
  argument's help; an option many commands share (``--json``) falls back to ``help.option.PARAM``;
- ``metavar.NAME``: the placeholder of an option's value, ``NAME`` the ``metavar=`` the command gives
  (``DATE``, ``CASE``, …; default ``TEXT`` or ``N`` by type). A ``NAME`` in ``CHOICES`` also lists
  the enumeration's keys with their Chinese labels after the help;
- ``click.*``: the words Typer itself prints (``Usage:``, ``Options``, ``required``, …) and
  ``usage.*``: its usage errors, one line naming the option and the fix.

The catalogue is the only source of help: the command source gives no ``help=`` (a test checks
this, and that every command and parameter has its entry).
"""

from __future__ import annotations

import re

import typer.core as typer_core
from typer._click import exceptions as click_exceptions
from typer._click import formatting

from xinfang.messages import MESSAGES, template, text

# The placeholder of a parameter's value (``metavar.NAME`` in the catalogue) by its Python name; a
# ``metavar=`` in the source, or ``PARAM_OVERRIDES`` for one command's parameter, comes first.
PARAM_METAVARS = {
    "accused": "ACCUSED", "action": "ACTION", "address": "ADDRESS", "against": "FILE", "amount": "AMOUNT",
    "approved_by": "NAME", "body": "BODY", "case": "CASE", "category": "CATEGORY", "channel": "CHANNEL",
    "clock": "CLOCK", "days": "DAYS", "db": "FILE", "end": "DATE", "start": "DATE", "on": "DATE",
    "received": "DATE", "received_on": "DATE", "told_on": "DATE", "today": "DATE", "file": "FILE",
    "for_unit": "UNIT", "format": "FORMAT", "ground": "GROUND", "head": "DIGEST", "id": "ID",
    "id_number": "ID_NUMBER", "issuer": "ISSUER", "joint": "UNIT", "kind": "KIND", "lang": "LANG",
    "leader": "NAME", "level": "LEVEL", "limit": "N", "month": "MONTH", "name": "NAME", "official": "NAME",
    "out_file": "FILE", "output": "FILE", "path": "FILE", "roster": "FILE", "rules": "FILE",
    "outcome": "OUTCOME", "people": "N", "phone": "PHONE", "point": "POINT", "reason": "REASON",
    "role": "ROLE", "satisfaction": "SATISFACTION", "seed": "N", "status": "STATUS", "summary": "SUMMARY",
    "tier": "TIER", "to": "BODY", "told": "TOLD", "top": "N", "township": "TOWNSHIP", "unit": "UNIT",
    "user": "NAME", "year": "YEAR", "text": "WORDS",
}
PARAM_OVERRIDES = {"form.kind": "FORM"}

# metavar NAME -> the xinfang.model enumeration whose keys and labels the help lists
CHOICES = {
    "CHANNEL": "Channel", "LEVEL": "Level", "KIND": "Kind", "STATUS": "Status", "GROUND": "DeclineGround",
    "TOLD": "Told", "OUTCOME": "Outcome", "SATISFACTION": "Satisfaction", "ROLE": "Role", "ACTION": "Action",
    "CLOCK": "Clock", "TIER": "Tier",
}

# Typer's own words (typer.core looks them up through gettext) -> catalogue code
TYPER_WORDS = {
    "Arguments": "click.arguments", "Options": "click.options", "Commands": "click.commands",
    "required": "click.required", "default: {default}": "click.default", "(dynamic)": "click.dynamic",
    "Aborted!": "click.aborted", "env var: {var}": "click.envvar",
}  # its usage errors stay as Typer words them: usage_error reads them

_LANG = {"lang": "zh"}


def _typer_words(message: str) -> str:
    code = TYPER_WORDS.get(message)
    return template(code, _LANG["lang"]) if code else message


def localize(command, lang: str) -> None:
    """Word the help of ``command`` (the root of the tree) and everything under it in ``lang``."""
    _LANG["lang"] = lang
    typer_core._ = _typer_words
    # Chinese characters take two columns, and a line breaks between them, never inside a word
    formatting.term_len = _display_width
    formatting.wrap_text = _wrap_paragraphs
    _word_command(command, "app", lang)


def _display_width(text: str) -> int:  # xinfang.fold is loaded only when a help screen is written
    from xinfang.fold import display_width

    return display_width(text)


def _wrap_paragraphs(*args, **kwargs) -> str:
    from xinfang.fold import wrap_paragraphs

    return wrap_paragraphs(*args, **kwargs)


def _word_command(cmd, path: str, lang: str) -> None:
    code = f"help.{path}"
    if code in MESSAGES:
        cmd.help = text(code, lang)
        cmd.short_help = _first_sentence(cmd.help)
    if f"{code}.example" in MESSAGES:
        example = text(f"{code}.example", lang)
        format_epilog = cmd.format_epilog

        def worded_epilog(ctx, formatter, example=example):  # folded only when the help is written
            cmd.epilog = _example(example, lang)
            format_epilog(ctx, formatter)

        cmd.format_epilog = worded_epilog
    if getattr(cmd, "options_metavar", None):
        cmd.options_metavar = text("click.options_metavar", lang)
    if getattr(cmd, "subcommand_metavar", None):
        cmd.subcommand_metavar = text("click.subcommand_metavar", lang)
    usage = text("click.usage", lang)
    cmd.format_usage = lambda ctx, formatter: formatter.write_usage(
        ctx.command_path, " ".join(cmd.collect_usage_pieces(ctx)), prefix=usage)
    help_words = text("help.option.help", lang)
    get_help_option = cmd.get_help_option

    def worded_help_option(ctx):
        option = get_help_option(ctx)
        if option is not None:
            option.help = help_words
        return option

    cmd.get_help_option = worded_help_option
    for param in cmd.params:
        _word_param(param, path, lang)
    for name, sub in (getattr(cmd, "commands", None) or {}).items():
        _word_command(sub, name if path == "app" else f"{path}.{name}", lang)


def _word_param(param, path: str, lang: str) -> None:
    name = (param.name or "").rstrip("_")
    for key in (f"help.{path}.{name}", f"help.option.{name}"):
        if key in MESSAGES:
            param.help = text(key, lang)
            break
    if getattr(param, "is_flag", False):
        return
    if hasattr(param.type, "_describe_range"):
        param.type._describe_range = lambda kind=param.type: _range_words(kind, lang)
    given = getattr(param, "xinfang_metavar", None) or param.metavar or PARAM_OVERRIDES.get(f"{path}.{name}") \
        or PARAM_METAVARS.get(name) or ("N" if param.type.name.startswith("int") else
                                        "NUMBER" if param.type.name.startswith("float") else "TEXT")
    param.xinfang_metavar = given
    if f"metavar.{given}" in MESSAGES:
        shown = text(f"metavar.{given}", lang)
        param.metavar = shown
        if param.param_type_name == "argument":  # no Typer braces: 'xinfang show 案号'
            optional = not param.required
            param.make_metavar = lambda ctx, usage=False: f"[{shown}]" if usage and optional else shown
    if given in CHOICES:
        from xinfang import model

        keys = " | ".join(f"{m.value}\xa0{m.zh}" for m in getattr(model, CHOICES[given]))
        param.help = text("click.choices", lang, help=param.help or "", choices=keys)


# A bound this large is no bound a clerk needs to read (--limit's is SQLite's 64-bit LIMIT).
_UNBOUNDED = 2**53


def _range_words(kind, lang: str) -> str:
    """The range of a number option in words (至少 1), for its help and the error outside it; the
    whole-number ranges it has are closed."""
    low = kind.min
    high = kind.max if kind.max is not None and abs(kind.max) < _UNBOUNDED else None
    if low is not None and high is not None:
        return text("click.range.both", lang, min=low, max=high)
    if low is not None:
        return text("click.range.min", lang, min=low)
    return text("click.range.max", lang, max=high) if high is not None else ""


def _beyond(value: str, high) -> bool:
    try:
        return int(value) > high
    except ValueError:
        return False


def _example(example: str, lang: str) -> str:
    """An example command line under the help, folded with shell continuations so it pastes whole."""
    import shutil

    from xinfang.fold import fold

    width = min(shutil.get_terminal_size((80, 24)).columns, 80) - 8
    lines = fold(example, width)
    lines = [f"  {line} \\" for line in lines[:-1]] + [f"  {lines[-1]}"]
    return "\b\n" + "\n".join([text("click.example", lang), *lines])


def _first_sentence(help_text: str) -> str:
    """A command's line in its group's list: the first sentence, to its first ``；`` when long."""
    first = re.split(r"(?<=。)|(?<=\.)\s(?=[A-Z])", help_text.strip(), maxsplit=1)[0].strip()
    if sum(2 if ord(c) >= 0x2e80 else 1 for c in first) > 44:
        first = re.split(r"(?<=；)|(?<=;)\s", first, maxsplit=1)[0]
    return first.strip().rstrip("。.；;")


# --- usage errors ---------------------------------------------------------------------------------


def usage_error(exc, lang: str, global_options: tuple[str, ...] = (), command: str = "xinfang") -> str:
    """A usage mistake Typer found, as one line (message and fix) in ``lang``, without the prefix;
    an option of ``global_options`` after the command is told to go before it. ``command`` names
    the command when the mistake does not (an option's missing value)."""
    import difflib

    ctx = getattr(exc, "ctx", None)
    command = ctx.command_path if ctx is not None else command
    help_ = f"{command} -h"
    if isinstance(exc, click_exceptions.MissingParameter) and exc.param is not None:
        param = exc.param
        shown = _shown_metavar(param, lang)
        if param.param_type_name == "argument":
            return _line("usage.missing_argument", lang, argument=shown, help=help_)
        return _line("usage.missing_option", lang, option=_option_name(param), metavar=shown, help=help_)
    if isinstance(exc, click_exceptions.BadParameter) and exc.param is not None:
        param = exc.param
        name = _option_name(param) if param.param_type_name == "option" else _shown_metavar(param, lang)
        outside = re.match(r"(.*) is not in the range (.*)\.$", exc.message or "")
        if outside:
            value, shown = outside.group(1), outside.group(2)
            high = getattr(param.type, "max", None)
            if high is not None and abs(high) >= _UNBOUNDED and _beyond(value, high):
                shown = text("click.range.max", lang, max=high)  # the bound the help leaves unsaid
            return _line("usage.out_of_range", lang, option=name, value=value, range=shown, help=help_)
        found = re.match(r"(.*) is not a valid (\w+)", exc.message or "")
        value = found.group(1) if found else ""
        kind = "usage.not_integer" if param.type.name.startswith("int") else "usage.not_number" \
            if param.type.name.startswith("float") else "usage.bad_value"
        return _line(kind, lang, option=name, value=value, help=help_)
    if isinstance(exc, click_exceptions.NoSuchOption):
        option = exc.option_name
        if option.split("=")[0] in global_options and command != "xinfang":
            return _line("usage.global_option", lang, option=option.split("=")[0],
                         command_words=command.removeprefix("xinfang "))
        like = difflib.get_close_matches(option, exc.possibilities or (), n=1, cutoff=0.5)
        if like:
            return _line("usage.no_such_option_like", lang, option=option, like=like[0], help=help_)
        return _line("usage.no_such_option", lang, option=option, help=help_)
    message = exc.message or ""
    if isinstance(exc, click_exceptions.BadOptionUsage):
        option = exc.option_name
        if "does not take a value" in message:
            return _line("usage.takes_no_value", lang, option=option.split("=")[0], help=help_)
        return _line("usage.needs_value", lang, option=option, help=help_)
    extra = re.match(r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)$", message)
    if extra:
        return _line("usage.extra_arguments", lang, extra=extra.group(1), help=help_)
    if message == "Missing command.":
        return _line("usage.missing_command", lang, help=help_)
    unknown = re.match(r"No such command '([^']*)'", message)
    if unknown:
        names = sorted(getattr(ctx.command, "commands", {}) if ctx is not None else ())
        close = difflib.get_close_matches(unknown.group(1), names, n=3)
        if close:
            return _line("usage.no_such_command_like", lang, name=unknown.group(1), like=" ".join(close),
                         help=help_)
        return _line("usage.no_such_command", lang, name=unknown.group(1), help=help_)
    return _line("usage.other", lang, detail=message, help=help_)


def _line(code: str, lang: str, **params) -> str:
    return text("error.fix", lang, message=text(code, lang, **params), fix=text(f"{code}.fix", lang, **params))


def _option_name(param) -> str:
    return max(param.opts, key=len) if param.opts else param.name


def _shown_metavar(param, lang: str) -> str:
    given = getattr(param, "xinfang_metavar", None) or param.metavar or (param.name or "").upper()
    return text(f"metavar.{given}", lang) if f"metavar.{given}" in MESSAGES else given
