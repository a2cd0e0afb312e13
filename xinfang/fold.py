"""Text folded to a terminal's width: Chinese characters count two columns, a line breaks between
words or between Chinese characters (never inside a word, a number, a date or an option), and no
line starts with closing punctuation. Standard library only.
"""

from __future__ import annotations

import re
import unicodedata

# A token is a run of spaces, a run of non-wide characters (a word, a date, '--received'), or a run
# of Chinese characters: kept whole when short (a term: 检举控告类), else one character each (a
# sentence breaks anywhere); punctuation, opening or closing, sticks to its neighbour, and a value
# written after a full-width colon (a number, a date, an ID) to its label.
_WIDE = "\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
_TOKEN = rf"[ \t\r\n]+|[^ \t\r\n{_WIDE}]+|[{_WIDE}]+"  # compiled on first use (re caches it)
NBSP = "\xa0"  # a space no line breaks at: 'visit\xa0来访' stays together, shown as a space
_CLOSING = set("，。；：、）》」』】！？,.;:!?)]%")
_OPENING = set("（《「『【[(")  # an ASCII bracket too: "[默认：grievance]" is never cut after its "["
_PUNCTUATION = _CLOSING | _OPENING
TERM = 6  # Chinese characters kept on one line


def display_width(text: str) -> int:
    """Columns ``text`` takes on a terminal (wide and full-width characters two)."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1
               for c in text)


def _pieces(text: str) -> list[str]:
    out: list[str] = []
    for token in re.findall(_TOKEN, text):
        if token.isspace() or display_width(token[0]) != 2:
            out.append(token)
            continue
        for part in re.split(f"([{re.escape(''.join(_PUNCTUATION))}])", token):
            if part:
                out += [part] if len(part) <= TERM else list(part)
    return out


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    glue = False  # the last piece opens: the next one sticks to it
    for piece in _pieces(text):
        if out and not piece.isspace() and not out[-1].isspace() and (
                glue or piece[0] in _CLOSING or out[-1].endswith(NBSP)
                or (out[-1].endswith("：") and display_width(piece[0]) == 1)):  # 身份证号：3208… stays whole
            out[-1] += piece
        else:
            out.append(piece)
        glue = not piece.isspace() and piece[-1] in _OPENING
    return out


def fold(text: str, width: int, initial: str = "", subsequent: str = "") -> list[str]:
    """``text`` (one paragraph) as lines of at most ``width`` columns, the first starting with
    ``initial`` and the others with ``subsequent``; a token wider than a line stands alone on it."""
    lines: list[str] = []
    line, used = initial, display_width(initial)
    fresh = True
    for token in _tokens(" ".join(re.split(r"[ \t\r\n]+", text.strip()))):
        size = display_width(token)
        if token.isspace():
            if not fresh:
                line, used = line + " ", used + 1
            continue
        if not fresh and used + size > width:
            lines.append(line.rstrip())
            line, used = subsequent, display_width(subsequent)
        line, used, fresh = line + token, used + size, False
    lines.append(line.rstrip())
    return [line.replace(NBSP, " ") for line in lines]


def wrap_paragraphs(text: str, width: int = 78, initial_indent: str = "", subsequent_indent: str = "",
                    preserve_paragraphs: bool = False) -> str:
    """Typer's ``wrap_text`` with ``fold``: paragraphs apart by a blank line, a paragraph after a line
    holding only ``\\b`` kept as it is (indented)."""
    if not preserve_paragraphs:
        return "\n".join(fold(text, width, initial_indent, subsequent_indent))
    out = []
    for paragraph in re.split(r"\n\s*\n", text.expandtabs()):
        lines = paragraph.splitlines()
        if not lines:
            continue
        indent = " " * (len(lines[0]) - len(lines[0].lstrip()))
        if lines[0].strip() == "\b":
            out.append("\n".join(initial_indent + indent + line for line in lines[1:]))
        else:
            out.append("\n".join(fold(" ".join(lines), width, initial_indent + indent, subsequent_indent + indent)))
    return "\n\n".join(out)
