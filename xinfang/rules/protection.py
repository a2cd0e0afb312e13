"""检举控告 protection: an accusation is never handled by, shown to or exported for the accused.

Names are compared after ``normalise``: NFKC (full-width letters and digits, compatibility forms),
every space and zero-width character removed, and the 人民政府 / 政府 suffix of a government dropped,
so that 车桥镇人民政府, 车桥镇政府, ＂车桥镇＂ and 车桥镇 with a zero-width space are one name. (Short
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


def handled_by_accused(protected: frozenset[str], unit: str | None = None, leader: str | None = None,
                       joint: tuple[str, ...] = (), to: str | None = None, body: str | None = None) -> str | None:
    """The option naming the accused among the handlers (``--unit``, ``--joint``, ``--leader``,
    ``--to``, the reviewing ``--body``), or None when none of them is protected against."""
    if not protected:
        return None
    if unit and normalise(unit) in protected:
        return "--unit"
    if any(normalise(j) in protected for j in joint):
        return "--joint"
    if leader and normalise(leader) in protected:
        return "--leader"
    if to and normalise(to) in protected:
        return "--to"
    if body and normalise(body) in protected:
        return "--body"
    return None
