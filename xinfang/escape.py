"""Data from users, shown safely: on a terminal, in a spreadsheet cell, in Markdown.

- ``visible``: control characters (C0, DEL, C1) and bidirectional overrides made visible, so a name
  can neither move the cursor, retitle the terminal nor reorder the line it is printed on;
- ``cell`` / ``uncell``: OWASP's CSV-injection advice for every CSV and xlsx cell the program
  writes — a text starting with ``= + - @``, tab or CR gets a leading ``'`` so no spreadsheet takes it
  for a formula. A text that itself starts with ``'`` gets one too, so ``uncell`` (what ``import``
  applies) removes exactly one leading ``'`` and every text round-trips;
- ``markdown``: HTML and Markdown metacharacters in data escaped.

Standard library only: imported by the renderers and the command line alike.
"""

from __future__ import annotations

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"

# C0 controls and DEL as their Unicode control pictures (ESC → ␛); C1 controls, bidi embeddings,
# overrides and isolates, and the invisible direction marks as \\uXXXX.
_CONTROL = re.compile("[\x00-\x1f\x7f\x80-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _picture(match: re.Match) -> str:
    c = match.group()
    code = ord(c)
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return f"\\u{code:04x}"


def visible(text, keep: str = "") -> str:
    """``text`` (any value, as ``str``) with every control and direction-changing character made
    visible, except those in ``keep`` (a message's own line breaks)."""
    text = "" if text is None else str(text)
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: m.group() if m.group() in keep else _picture(m), text)


def cell(value):
    """A spreadsheet cell's value: text that a spreadsheet would read as a formula (or that starts
    with the escaping quote itself) gets a leading ``'``; numbers, dates and other values as they are."""
    if isinstance(value, str) and value.startswith((*FORMULA_START, QUOTE)):
        return QUOTE + value
    return value


def uncell(text: str) -> str:
    """Undo ``cell``: one leading ``'`` removed."""
    return text[1:] if isinstance(text, str) and text.startswith(QUOTE) else text


_MARKDOWN = re.compile(r"[\\`*_\[\]{}|~#!]")
_HTML = {"&": "&amp;", "<": "&lt;"}  # no tag and no entity can start; a lone '>' is harmless


def markdown(text, line_start: bool = False) -> str:
    """Data inside a Markdown line: HTML's ``&`` and ``<`` as entities, Markdown's metacharacters
    backslash-escaped, a line break as a space; at the start of a line (``line_start``) a leading
    list marker too."""
    text = visible("" if text is None else str(text).replace("\r\n", " ").replace("\n", " "))
    out = []
    for c in text:
        if c in _HTML:
            out.append(_HTML[c])
        elif _MARKDOWN.fullmatch(c):
            out.append("\\" + c)
        else:
            out.append(c)
    escaped = "".join(out)
    if line_start and (escaped[:1] in ("+", "-", "=", ">") or re.match(r"\d+[.)]\s", escaped)):
        escaped = "\\" + escaped if escaped[:1] in "+-=>" else re.sub(r"^(\d+)([.)])", r"\1\\\2", escaped)
    return escaped
