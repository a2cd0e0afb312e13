"""Shell completion (bash, zsh, fish) without the command line's state: the script, its
installation, and the value completers attached to the parameters by name (township and unit
names, case numbers, read from the ledger ``open_ledger`` opens).

The shell runs ``xinfang`` with ``_XINFANG_COMPLETE`` set (Click's protocol); ``xinfang.cli.run``
then attaches the completers and lets Typer answer. A case number is completed as the number alone:
no name, summary or kind, so that completion shows nobody anything of a case, an accusation
(检举控告) least of all, that the number does not already say.
"""

from __future__ import annotations

import os

PROG = "xinfang"
COMPLETE_VAR = "_XINFANG_COMPLETE"
SHELLS = ("bash", "zsh", "fish")
CASES_LISTED = 200  # the newest case numbers offered for one prefix


def completing() -> bool:
    """Whether the shell asks for completions (the protocol's variable is set)."""
    return bool(os.environ.get(COMPLETE_VAR))


def script(shell: str) -> str:
    """The completion script of ``shell`` for ``xinfang``."""
    from typer._completion_classes import completion_init
    from typer._completion_shared import get_completion_script

    completion_init()
    return get_completion_script(prog_name=PROG, complete_var=COMPLETE_VAR, shell=shell)


def shell_name(shell: str | None) -> str:
    """The shell named, else the user's ($SHELL); refused unless bash, zsh or fish."""
    from xinfang.errors import Refusal

    name = (shell or os.path.basename(os.environ.get("SHELL", ""))).strip().lower()
    if name not in SHELLS:
        raise Refusal("completion.shell", shell=name or "?", shells=SHELLS)
    return name


def install(lang: str, shell: str | None = None) -> None:
    """``xinfang --install-completion``: the script installed for the user's shell ($SHELL)."""
    from typer._completion_classes import completion_init
    from typer._completion_shared import install as typer_install

    from xinfang.messages import text

    completion_init()
    name, path = typer_install(shell=shell_name(shell), prog_name=PROG, complete_var=COMPLETE_VAR)
    print(text("completion.installed", lang, shell=name, path=str(path)))


# --- values --------------------------------------------------------------------------------------

_OPEN = {"ledger": None}  # how the completers open the ledger (set by ``attach``)


def _ledger():
    try:
        return _OPEN["ledger"]()
    except Exception:  # no ledger here, or not readable: nothing to offer
        return None


def townships(ctx, param, incomplete: str) -> list[str]:
    ledger = _ledger()
    return [t for t in ledger.ref.township_names if t.startswith(incomplete)] if ledger else []


def units(ctx, param, incomplete: str) -> list[str]:
    ledger = _ledger()
    if ledger is None:
        return []
    return [u for u in dict.fromkeys(ledger.ref.township_names + ledger.ref.units) if u.startswith(incomplete)]


def case_numbers(ctx, param, incomplete: str) -> list[str]:
    """Case numbers starting with what is typed, newest first: the numbers only."""
    ledger = _ledger()
    if ledger is None:
        return []
    pattern = incomplete.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = ledger.conn.execute("SELECT number FROM cases WHERE number LIKE ? ESCAPE '\\'"
                               " ORDER BY year DESC, seq DESC LIMIT ?", (pattern, CASES_LISTED))
    return [r[0] for r in rows]


COMPLETERS = {"case": case_numbers, "township": townships, "unit": units, "joint": units, "for_unit": units}


def attach(command, open_ledger) -> None:
    """Give the parameters named in ``COMPLETERS`` their value completer, through the whole tree
    (``command``: the root, whose shells are then known to Typer); they read the ledger
    ``open_ledger()`` opens."""
    from typer._completion_classes import completion_init

    completion_init()
    _OPEN["ledger"] = open_ledger
    _attach(command)


def _attach(command) -> None:
    for param in getattr(command, "params", ()):
        found = COMPLETERS.get((param.name or "").rstrip("_"))
        if found is not None:
            param._custom_shell_complete = found
    for sub in getattr(command, "commands", {}).values():
        _attach(sub)
