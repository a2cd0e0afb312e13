"""Reading what a command wrote to a pseudo-terminal, for the tests that run it at a keyboard."""

from __future__ import annotations

import os
import select


def read_until_closed(fd: int, timeout: float = 60) -> bytes:
    """Everything written to the terminal ``fd`` until the command closes it (or ``timeout``
    seconds pass with nothing written)."""
    out = b""
    while True:
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            break
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the command ended and closed the terminal
            break
        if not chunk:
            break
        out += chunk
    return out
