"""``xinfang completion SHELL``: print the shell completion script (``xinfang.cli.shell``)."""

from __future__ import annotations

from typing import Annotated

import typer

from xinfang.cli import app


@app.command()
def completion(
    shell: Annotated[str, typer.Argument()],
):
    """Print the shell completion script: commands, options, township and unit names, case numbers."""
    from xinfang.cli.shell import script, shell_name

    print(script(shell_name(shell)))
