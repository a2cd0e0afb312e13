"""Whom a case's accusation protects against (检举控告): the names ``rules.protection`` compares.

The accused is a unit (a township or department on the roster) or a person. A person is found
among the officials of every township (``officials``; names are unique in a ledger and all terms
of a name belong to one township) and the leaders recorded on cases (the case's unit is theirs).
A case's protected set is the accused, the accused unit or the person's units (townships,
departments), and the leaders of those units: their officials and the leaders recorded on their
cases.

It is derived when read, not stored: a person named as an official or leader after the
accusation was registered is protected against from then on, and no stored column can drift from
the officials and cases. What it reads (the roster, the officials and the (unit, leader) pairs of
the cases) is loaded once per ledger by ``protection(ledger)``; an import loads it before its
reading process forks, which then never touches the connection.

``shown_to_sql`` is the SQL twin the listings filter by: a function on the connection that asks
the same protected set, so that the Python rule and the SQL give one answer.
"""

from __future__ import annotations

from typing import NamedTuple

from xinfang.model import Kind
from xinfang.rules.protection import normalise

# A township's roster name with its suffix dropped is its short name (车桥镇 → 车桥).
_SHORT_SUFFIXES = ("街道办事处", "街道", "镇", "乡")



def township_stem(key: str) -> str | None:
    """A normalised township name without its 镇/乡/街道 suffix (车桥镇 → 车桥), or None."""
    for suffix in _SHORT_SUFFIXES:
        if key.endswith(suffix) and len(key) - len(suffix) >= 2:
            return key[: -len(suffix)]
    return None


UNIT, OFFICIAL, LEADER, PERSON = "unit", "official", "leader", "person"
DISTRICT = "区"  # what a district department's roster name begins with (区国土局, 区监察局)

# Whether the case row ``c`` is an accusation (检举控告), which a published output counts, never numbers,
# whoever it names (or none).
ACCUSATION = Kind.accusation.value
IS_ACCUSATION = f"c.kind = '{ACCUSATION}'"


class AccusedMatch(NamedTuple):
    """Whom ``--accused`` names: ``name`` as stored, ``kind`` (unit, official, leader or person not
    found), and ``homes``, the units a person belongs to (the unit itself for a unit)."""

    name: str
    kind: str
    homes: tuple[str, ...] = ()


class Protection:
    """What the protection reads from one ledger, loaded once."""

    def __init__(self, ledger):
        ref = ledger.ref
        self.units: dict[str, str] = {}  # normalised name or short name -> roster name
        short: dict[str, set[str]] = {}
        for name in ref.township_names + ref.units:
            self.units[normalise(name)] = name
        for name in ref.township_names:
            key = normalise(name)
            stem = township_stem(key)
            if stem:
                short.setdefault(stem, set()).add(name)
        for name in ref.units:  # a district department without the district's 区: 区国土局 → 国土局
            key = normalise(name)
            if key.startswith(DISTRICT) and len(key) - len(DISTRICT) >= 2:
                short.setdefault(key[len(DISTRICT):], set()).add(name)
        self.full_units = dict(self.units)  # whole names only: what a longer text is searched for
        for key, names in short.items():
            if len(names) == 1 and key not in self.units:
                self.units[key] = next(iter(names))
        self.people: dict[str, tuple[str, str]] = {}  # normalised person -> (name as recorded, kind)
        self.homes: dict[str, set[str]] = {}  # normalised person -> their units
        self.staff: dict[str, set[str]] = {}  # unit -> normalised names of its officials and leaders
        conn = ledger.conn
        for name, township in conn.execute("SELECT DISTINCT name, township FROM officials"):
            self._add(name, township, OFFICIAL)
        for unit, leader in conn.execute(
                "SELECT DISTINCT unit, leader FROM cases WHERE leader IS NOT NULL AND unit IS NOT NULL"):
            self._add(leader, unit, LEADER)
        self._protected: dict[str, frozenset[str]] = {}

    def _add(self, person: str, unit: str, kind: str) -> None:
        key = normalise(person)
        if not key:
            return
        self.people.setdefault(key, (person, kind))  # officials first: they are read first
        self.homes.setdefault(key, set()).add(unit)
        self.staff.setdefault(unit, set()).add(key)

    def match(self, text: str) -> AccusedMatch:
        """Whom ``text`` names, compared after ``normalise``: a unit, else a known person, else a
        person's name (normalised) that matches no one."""
        key = normalise(text)
        if key in self.units:
            unit = self.units[key]
            return AccusedMatch(unit, UNIT, (unit,))
        if key in self.people:
            name, kind = self.people[key]
            return AccusedMatch(name, kind, tuple(sorted(self.homes[key])))
        return AccusedMatch(key, PERSON)

    def roster_name(self, text: str) -> str:
        """``text`` as the roster names it when it is a unit's short name (车桥 → 车桥镇, 国土局 →
        区国土局) or a township's short name with another township suffix (车桥乡, 车桥街道 → 车桥镇),
        else as written: a body typed by hand is compared and stored as the unit it is."""
        key = normalise(text)
        if key in self.units:
            return self.units[key]
        stem = township_stem(key)
        if stem in self.units and stem not in self.full_units:
            return self.units[stem]
        return text

    def named_in(self, text: str) -> tuple[set[str], set[str]]:
        """(roster units, normalised people) ``text`` names (``rules.protection.names_in``): the
        roster's units by their whole names, the officials and recorded leaders by theirs —
        车桥镇镇长袁小文 names the unit 车桥镇 and the official 袁小文 (not a leader 袁小), 王复兴
        names no 复兴镇, 张志强 no leader 张志."""
        from xinfang.rules.protection import names_in

        units, people = names_in(normalise(text), self.full_units, self.people)
        return {self.full_units[u] for u in units}, people

    def protected(self, accused: str | None) -> frozenset[str]:
        """The normalised names that may never handle or see an accusation against ``accused``: the
        accused as written, and every unit and known person the text names (a title or an office
        written with the name — 车桥镇镇长袁小文, 袁小文镇长, 车桥镇党委 — protects against the
        person and the township all the same), with their units and those units' leaders."""
        if not accused:
            return frozenset()
        hit = self._protected.get(accused)
        if hit is None:
            found = self.match(accused)
            names = {normalise(accused), normalise(found.name)}
            homes = set(found.homes)
            units, people = self.named_in(accused)
            homes |= units
            for person in people:
                names.add(person)
                homes |= self.homes.get(person, set())
            for unit in homes:
                names.add(normalise(unit))
                names |= self.staff.get(unit, set())
            hit = self._protected[accused] = frozenset(n for n in names if n)
        return hit


def protection(ledger) -> Protection:
    """The ledger's ``Protection``, loaded on first use."""
    hit = getattr(ledger, "_protection", None)
    if hit is None:
        hit = ledger._protection = Protection(ledger)
    return hit


def protected_for(ledger, accused: str | None) -> frozenset[str]:
    """The normalised names that may never handle an accusation against ``accused``."""
    if not accused:
        return frozenset()
    return protection(ledger).protected(accused)


def hidden_from(ledger, accused: str | None, name: str | None) -> bool:
    """Whether an accusation against ``accused`` is withheld from ``name`` (a unit, township or
    person an output is addressed to): the rule the SQL twin ``shown_to_sql`` answers."""
    return bool(accused) and bool(name) and normalise(name) in protected_for(ledger, accused)


_SQL_FUNCTION = "xinfang_hidden_from"


def shown_to_sql(ledger, column: str = "accused") -> str:
    """A SQL condition, taking one parameter (the name the output is addressed to), true for the
    cases that may be shown to it: not an accusation, or one whose protected set leaves it out."""
    conn = ledger.conn
    if getattr(ledger, "_protection_conn", None) is not conn:
        conn.create_function(_SQL_FUNCTION, 2, lambda accused, name: int(hidden_from(ledger, accused, name)),
                             deterministic=True)
        ledger._protection_conn = conn
    return f"({column} IS NULL OR NOT {_SQL_FUNCTION}({column}, ?))"


def accusations_among(ledger, numbers) -> dict[str, str | None]:
    """Case number → whom it accuses (None: no one recorded), for the accusations among ``numbers``;
    one statement, each number looked up by the case key."""
    import json

    numbers = sorted({n for n in numbers if n})
    if not numbers:
        return {}
    return dict(ledger.conn.execute(
        "SELECT c.number, c.accused FROM json_each(?) j CROSS JOIN cases c ON c.number = j.value"
        f" WHERE {IS_ACCUSATION}", (json.dumps(numbers),)))


def accused_of(ledger, numbers) -> dict[str, str]:
    """Case number → whom it accuses, for the accusations among ``numbers`` that name someone."""
    return {n: a for n, a in accusations_among(ledger, numbers).items() if a}


def addressed_rows(ledger, rows: list[dict], to: str = "unit", case: str = "case") -> list[dict]:
    """The rows that may go to the unit each names (``to``): none of an accusation withheld from
    that unit — a supervision letter goes to each unit with its own rows."""
    accused = accused_of(ledger, (r.get(case) for r in rows))
    if not accused:
        return rows
    return [r for r in rows if not hidden_from(ledger, accused.get(r.get(case)), r.get(to))]


def hidden_numbers(ledger, numbers, *names: str | None) -> set[str]:
    """Those of the case ``numbers`` that are accusations withheld from any of ``names``."""
    names = tuple(n for n in names if n)
    accused = accused_of(ledger, numbers) if names else {}
    return {n for n, a in accused.items() if any(hidden_from(ledger, a, name) for name in names)}


def withhold_links(ledger, rows: list[dict], *names: str | None, link: str = "repeat_of") -> list[dict]:
    """Rows addressed to ``names``: where ``link`` (the earlier case a repeat follows, 前案) is an
    accusation withheld from any of them, it is left empty — its number is not theirs to see."""
    hidden = hidden_numbers(ledger, (r.get(link) for r in rows), *names)
    return [{**r, link: None} if r.get(link) in hidden else r for r in rows] if hidden else rows


def link_shown_sql(ledger, column: str = "cases.repeat_of") -> str:
    """The SQL twin of ``withhold_links`` for one name, taking one parameter (the name an output is
    addressed to): ``column``, or NULL where the case it names is an accusation withheld from it.
    ``column`` is qualified by its table (``cases.repeat_of``): the look-up reads ``cases`` too.
    The rows of the look-up's own ``cases`` are ``r``."""
    shown_to_sql(ledger)  # the function on the connection
    return (f"CASE WHEN EXISTS (SELECT 1 FROM cases r WHERE r.number = {column} AND r.kind = '{ACCUSATION}'"
            f" AND r.accused IS NOT NULL AND {_SQL_FUNCTION}(r.accused, ?)) THEN NULL ELSE {column} END")


def now_handled_by_accused(ledger, person: str, unit: str) -> list[tuple[str, str]]:
    """(case number, accused) of each open accusation its handlers now leave in the accused's hands
    once ``person`` stands for ``unit`` (named its official, or a leader on one of its cases): an
    accusation naming the person or the unit protects against them both from then on, so a case of
    it already assigned to that unit, to one of its leaders, or to the person is flagged for the
    clerk to assign again. Only the accusations whose text names the person or the unit are
    judged (the open accusations are read from their own small index)."""
    import json

    from xinfang.model import OPEN_STATUSES
    from xinfang.rules.protection import handled_by_accused, names_in

    who = normalise(person)
    keys = {k for k in (who, normalise(unit)) if len(k) >= 2}
    key = normalise(unit)
    stem = township_stem(key)
    if stem:
        keys.add(stem)
    if not keys or len(who) < 2:
        return []
    statuses = sorted(s.value for s in OPEN_STATUSES)
    rows = ledger.conn.execute(
        # the WHERE of the accusations index (schema.ACCUSATIONS_INDEX), as it is written there
        "SELECT number, accused, unit, leader, joint FROM cases INDEXED BY cases_accusations"
        " WHERE kind = 'accusation' AND accused IS NOT NULL"
        f" AND (unit IS NOT NULL OR leader IS NOT NULL) AND status IN ({', '.join('?' * len(statuses))})"
        " ORDER BY number", statuses).fetchall()
    out = []
    fresh = False
    units = {k for k in keys if k != who}
    for number, accused, handler, leader, joint in rows:
        text = normalise(accused)
        if not any(k in text for k in keys):
            continue
        # which of them the text names, as the protection reads it (李明华 does not name 李明)
        named_units, named_people = names_in(text, units, {who})
        names_unit = text in units or bool(named_units)
        names_person = text == who or who in named_people
        if not (names_unit or names_person):
            continue
        joints = tuple(json.loads(joint)) if joint else ()
        if names_person:  # the person is accused: their new unit and its leaders are protected against
            if not fresh:
                ledger._protection = None  # read afresh: this command has just recorded their standing
                fresh = True
            protected = protected_for(ledger, accused)
        else:  # the unit is: it was protected against already, and now so is the person, its own
            protected = frozenset({who})
        if handled_by_accused(protected, handler, leader, joints):
            out.append((number, accused))
    return out


def warn_handled_by_accused(ledger, person: str, unit: str) -> None:
    """Tell the clerk, once the write is committed, of every open accusation ``person``'s new
    standing in ``unit`` has put in the accused's hands (``now_handled_by_accused``)."""
    found = now_handled_by_accused(ledger, person, unit)
    if found:
        ledger.notice("accused_now_handles", cases=tuple(n for n, _ in found),
                      accused=tuple(sorted({a for _, a in found})))
