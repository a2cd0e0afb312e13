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


class Refusal(XinfangError):
    """A refusal worded from the message catalogue (``xinfang.messages``) in the user's language at
    the edge; ``str()`` is the English wording, for logs and tests."""

    def __init__(self, code: str, **params):
        from xinfang.messages import text

        super().__init__(text(code, "en", **params))
        self.code = code
        self.params = params

    def worded(self, lang: str) -> str:
        from xinfang.messages import text

        return text(self.code, lang, **self.params)
