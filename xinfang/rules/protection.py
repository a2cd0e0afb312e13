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


# Words that name a post, an office or an organ of a unit, not another person or unit: what a name
# written with them (袁小文同志, 车桥镇党委, 中共车桥镇委员会) adds to the name it holds.
TITLES = ("中国共产党", "中共", "委员会", "党工委", "党委", "纪工委", "纪委", "监察室", "人民政府", "政府", "街道办事处",
          "办事处", "办公室", "党政办", "信访办", "综治办", "派出所", "国土所", "土管所", "财政所", "司法所", "党委书记",
          "纪委书记", "副书记", "书记", "副镇长", "镇长", "副乡长", "乡长", "副主任", "主任", "副局长", "局长", "所长",
          "站长", "科长", "主席", "委员", "领导", "干部", "同志", "先生", "女士")
_TITLE_WORDS = re.compile("|".join(sorted(TITLES, key=len, reverse=True)))
_MARKS = re.compile(r"[()（）\[\]【】<>《》、，,。.:：;；·\-—]+")


def only_titles(rest: str) -> bool:
    """Whether ``rest`` (what a name holds besides the names found in it) is posts, offices and marks only."""
    return not _MARKS.sub("", _TITLE_WORDS.sub("", rest))


def names_in(key: str, units, people) -> tuple[set[str], set[str]]:
    """(units, people) a normalised text ``key`` names, looked up in ``units`` and ``people`` (sets or
    mappings of normalised names): every unit whose whole name it holds (车桥镇 in 车桥镇党委, never
    复兴 in 王复兴: a short name is no unit here), and every person whose name it holds whole — the
    longest only (袁小文, not the 袁小 inside it) — and, for a name of two characters, only when the
    rest of the text is posts and offices (李四同志, never 李四平)."""
    found_units = {u for u in _parts(key, 3) if u in units}
    rest = key
    for unit in sorted(found_units, key=len, reverse=True):
        rest = rest.replace(unit, "")
    candidates = {p for p in _parts(rest, 2) if p in people}
    longest = {p for p in candidates if not any(p != q and p in q for q in candidates)}
    found_people = set()
    for person in longest:
        others = rest
        for q in sorted(longest, key=len, reverse=True):
            others = others.replace(q, "")
        if len(person) >= 3 or only_titles(others):
            found_people.add(person)
    return found_units, found_people


def _parts(key: str, shortest: int, longest: int = 40) -> set[str]:
    return {key[i:j] for i in range(len(key)) for j in range(i + shortest, min(len(key), i + longest) + 1)}


def names_protected(protected: frozenset[str], name: str | None) -> bool:
    """Whether the handler ``name`` is, or is written as, one of the ``protected`` names: the name
    itself, a name of it that holds a protected name of three characters or more (袁小文同志,
    车桥镇党委, 中共车桥镇委员会, 车桥镇中心小学: a unit of the township is the township's), or one of
    two characters with nothing else but posts and offices (李四同志, 李四（镇长）) — 邵春玉 is not
    the protected 邵春, nor 李四平 the protected 李四."""
    key = normalise(name)
    if not key:
        return False
    if key in protected:
        return True
    held = [p for p in protected if len(p) >= 2 and p in key]
    if any(len(p) >= 3 for p in held):
        return True
    if not held:
        return False
    rest = key
    for p in sorted(held, key=len, reverse=True):
        rest = rest.replace(p, "")
    return only_titles(rest)


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
