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
    the edge: the message ``code`` (led by ``field`` when given: ``--on``, ``CASE``) and, when the
    catalogue has it, the fix ``code.fix``; ``str()`` is the English wording, for logs and tests."""

    def __init__(self, code: str, field: object = None, **params):
        self.code = code
        self.field = field
        self.params = params
        super().__init__(*self.parts("en"))

    def parts(self, lang: str) -> tuple[str, str | None]:
        """(message, fix) in ``lang``; the fix None when the catalogue has none."""
        from xinfang.messages import MESSAGES, text, wording

        message = text(self.code, lang, **self.params)
        if self.field is not None:
            message = f"{wording(self.field, lang)}: {message}"
        fix = text(f"{self.code}.fix", lang, **self.params) if f"{self.code}.fix" in MESSAGES else None
        return message, fix

    def worded(self, lang: str) -> str:
        from xinfang.messages import text

        message, fix = self.parts(lang)
        return text("error.fix", lang, message=message, fix=fix) if fix else message
