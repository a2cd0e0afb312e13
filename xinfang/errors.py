"""The one exception type users see. The CLI prints it as a single line and exits 1."""

from __future__ import annotations


class XinfangError(Exception):
    """A refusal: bad input, a missing ledger, a case in the wrong state.

    ``message`` names the field and the problem; ``fix`` tells the user what to do instead.
    """

    def __init__(self, message: str, fix: str | None = None):
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.message}; {self.fix}" if self.fix else self.message
