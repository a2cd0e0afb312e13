"""检举控告 protection: an accusation is never handled by, shown to or exported for the accused.

Names are compared after ``normalise``: NFKC (full-width letters and digits, compatibility forms),
every space and zero-width character removed, and the 人民政府 / 政府 suffix of a government dropped,
so that 车桥镇人民政府, 车桥镇政府, ＂车桥镇＂ and 车桥镇 with a zero-width space are one name; and a
handler whose name holds a protected name (车桥镇党委, 袁小文同志) is the protected one. (Short
roster names such as 车桥 are resolved to the roster's name by the ledger before they get here.)

A case's ``protected`` set holds the normalised names that may never handle it: the accused unit
or person, the accused person's township, and that township's leaders. The ledger gathers them;
``handled_by_accused`` is the one check every assignment, transfer, joint handling, leader,
review body and correction goes through.
"""

from __future__ import annotations

import re
import unicodedata

_INVISIBLE = re.compile(r"[\s\u200b-\u200f\u2028-\u202f\u205f-\u206f\ufeff\u00ad\u180e]+")
_SUFFIXES = ("人民政府", "政府")


def normalise(name: str | None) -> str:
    """A unit's or person's name as the protection compares it."""
    if not name:
        return ""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", name))
    for suffix in _SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


def protected_names(*names: str | None) -> frozenset[str]:
    """The normalised, non-empty names of ``names``."""
    return frozenset(n for n in map(normalise, names) if n)


def names_protected(protected: frozenset[str], name: str | None) -> bool:
    """Whether the handler ``name`` is, or holds, one of the ``protected`` names (two characters or
    more): 袁小文同志, 袁小文（镇长）, 车桥镇党委, 中共车桥镇委员会 and 车桥镇纪委 name the protected
    袁小文 and 车桥镇 as surely as the bare names. A handler whose name merely holds an accused
    person's name is refused too: the clerk names another; an accusation never risks its accused."""
    key = normalise(name)
    if not key:
        return False
    if key in protected:
        return True
    return any(len(p) >= 2 and p in key for p in protected)


def handled_by_accused(protected: frozenset[str], unit: str | None = None, leader: str | None = None,
                       joint: tuple[str, ...] = (), to: str | None = None, body: str | None = None) -> str | None:
    """The option naming the accused among the handlers (``--unit``, ``--joint``, ``--leader``,
    ``--to``, the reviewing ``--body``), or None when none of them is protected against
    (``names_protected``)."""
    if not protected:
        return None
    if unit and names_protected(protected, unit):
        return "--unit"
    if any(names_protected(protected, j) for j in joint):
        return "--joint"
    if leader and names_protected(protected, leader):
        return "--leader"
    if to and names_protected(protected, to):
        return "--to"
    if body and names_protected(protected, body):
        return "--body"
    return None
