"""Import of a file of cases, all-or-nothing.

Import reads a CSV or xlsx file row by row and checks every row with the
rules ``register`` applies, plus the lifecycle fields (unit, leader, dates, outcome). Rows are
written in batches inside the caller's transaction while they are good; the first bad row stops
the writing, checking goes on to the end so that every bad row is listed, and ``ImportRefused``
makes the caller roll back: a file with one bad row imports nothing. Memory stays flat whatever
the file size: only one batch of rows and small lookup caches are held.

History: each imported case gets one ``import`` event that seals the case as imported — its
registered fields and derived values as ``register`` records them, plus its lifecycle fields
(status, unit, leader, dates, outcome …) — by the SHA-256 digest of its canonical text
(``history.snapshot_digest``; ``field`` ``sha256``), with the file, the row and the case's number in the
file in its note; the file itself is sealed by its digest in the ``import-file`` event. The case row
holds the facts; the history holds what proves them: ``audit verify`` takes each later change back
from the case row (a change records its old value) and checks the digest of what is left. Storing
the digest, not a second copy of the case, keeps an import's history a third of the size and
keeps personal data (ID numbers, telephones) out of the append-only history. Every case is folded through the lifecycle (``xinfang.rules.lifecycle.step``, as the commands
are) from its dated facts, and keeps the deadline clocks the fold left, so on-time rates and the
supervision list read imported cases like any other. A case still running also gets the clock
history rows the lifecycle's interpreter would have written; a case that ended before the import (closed, final, transferred) keeps its clocks under
its import record alone, which keeps a large import of mostly closed cases to under two history
rows per case. Events are chained by ``xinfang.ledger.history.ChainWriter``, exactly as
``Ledger.event`` chains them.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import re
from json.encoder import encode_basestring
from operator import itemgetter
from pathlib import Path
from typing import Callable, Iterator, NamedTuple

from xinfang import parse
from xinfang.parse import name_key
from xinfang.errors import Refusal, XinfangError
from xinfang.ledger.cases import CASE_FIELDS, case_number, check_case_fields
from xinfang.ledger.export import DATE_COLUMNS, DERIVED, ENUM_COLUMNS, EXTENSION, LIFECYCLE, OBJECTED, REQUIRED
from xinfang.ledger.protection import protected_for, protection
from xinfang.ledger.schema import BULK_CLOCK_ROW
from xinfang.ledger.history import (SNAPSHOT_FIELD, ChainWriter, RecordEncoder, clock_line_end, clock_line_start,
                                    last_link, lines_digest, now_stamp, snapshot_digest)
from xinfang.ledger.tables import Table, open_table
from xinfang.messages import MESSAGES, Words, label, labelled
from xinfang.model import OPEN_STATUSES, Channel, Clock, Kind, Level, Message, Status
from xinfang.rules import lifecycle as lc
from xinfang.rules.protection import handled_by_accused
from xinfang.rules.repeats import LATEST_FIRST, SAME_MATTER, repeat_link

BATCH = 2000
IMPORT_CACHE_KIB = 40 * 1024
MAX_LISTED = 50

_TRUE = frozenset({"是", "1", "yes", "y", "true", "t", "√", "✓"})
_FALSE = frozenset({"否", "0", "no", "n", "false", "f", "×", ""})
# What parse.parse_text refuses: control characters other than tab and newline.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]").search
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]").fullmatch
_EXCEL_NUMBER = re.compile(r"[0-9](\.[0-9]+)?E\+[0-9]+", re.IGNORECASE).fullmatch  # 1.10105E+17
_CACHE_LIMIT = 20_000
_MISS = object()
_OUTREACH = Channel.outreach.value
_REGISTERED = {"status": Status.registered.value, **{k: None for k in LIFECYCLE[1:]}}


class RowIssue(NamedTuple):
    """One reason a row cannot be imported: the column (its key, None for the row as a whole), the
    catalogue code of what is wrong (stable, for ``--json``) and the message, column and fix
    included, worded at the edge in the user's language."""

    column: str | None
    code: str
    message: Message


class ImportRefused(Refusal):
    """Some rows of an import file are bad: nothing is imported. ``rows`` lists the first
    ``MAX_LISTED`` as (row number, its ``RowIssue``s); ``bad`` counts them all."""

    def __init__(self, path: str, rows: list[tuple[int, list[RowIssue]]], bad: int, total: int):
        super().__init__("import.refused", path=path, bad=bad, total=total)
        self.rows, self.bad, self.total = rows, bad, total


# --- import: headers ------------------------------------------------------------------------------

IMPORTED = ("number", *CASE_FIELDS, *LIFECYCLE, OBJECTED, *EXTENSION)
IGNORED = (*DERIVED, "month", "year", "repeat")  # derived: recomputed from the imported fields


def _norm(name: str) -> str:
    return " ".join((name or "").replace("\ufeff", "").replace("_", " ").replace("-", " ").split()).lower()


def _aliases() -> dict[str, str]:
    out = {}
    for key in IMPORTED + IGNORED:
        for name in (key, label(key, "zh"), label(key, "en")):
            out[_norm(name)] = key
    out[_norm("case")] = out[_norm("source_number")] = "number"
    return out


def map_header(header: list[str]) -> dict[str, tuple[int, str]]:
    """Column key -> (position, heading as written). Accepts the Chinese labels, the English keys
    and the English labels; refuses unknown, repeated and missing required columns."""
    aliases = _aliases()
    found: dict[str, tuple[int, str]] = {}
    unknown = []
    for i, name in enumerate(header):
        if not (name or "").strip():
            continue
        key = aliases.get(_norm(name))
        if key is None:
            unknown.append(name.strip())
        elif key in found:
            raise Refusal("import.same_field", first=repr(found[key][1]), second=repr(name.strip()), key=key)
        else:
            found[key] = (i, name.strip())
    if unknown:
        raise Refusal("import.unknown_columns" if len(unknown) > 1 else "import.unknown_column",
                      columns=tuple(repr(u) for u in unknown[:5]))
    missing = [k for k in REQUIRED if k not in found]
    if missing:
        raise Refusal("import.missing_columns" if len(missing) > 1 else "import.missing_column",
                      columns=tuple(f"{label(k)} ({k})" for k in missing))
    return {k: v for k, v in found.items() if k in IMPORTED}


# --- import: checking rows ------------------------------------------------------------------------

class RowProblem(Exception):
    """The reasons (``RowIssue``s) one row cannot be imported."""

    def __init__(self, issues: list[RowIssue]):
        super().__init__(issues)
        self.issues = issues


class Column(Words):
    """A file's column in messages: its heading as the file writes it, with the field's label in
    the reader's language when the heading is in the other one (``received（登记日期）``)."""

    __slots__ = ("key",)

    def __init__(self, key: str, heading: str | None = None):
        zh, en = label(key, "zh"), label(key, "en")
        if heading is None:
            super().__init__(zh, en)
        else:
            super().__init__(heading if heading == zh else f"{heading}（{zh}）",
                             heading if _norm(heading) in (_norm(en), _norm(key)) else f"{heading} ({en})")
        self.key = key


def issue(code: str, column: Column | None = None, **params) -> RowIssue:
    """A ``RowIssue`` of the catalogue's ``code`` (with its ``code.fix`` when there is one), led by
    ``column``."""
    message = Message.of(code, **params)
    if f"{code}.fix" in MESSAGES:
        message = Message.of("error.fix", message=message, fix=Message.of(f"{code}.fix", **params))
    if column is not None:
        message = Message.of("problem.at", where=column, problem=message)
    return RowIssue(column.key if column is not None else None, code, message)


def refused_issue(exc: XinfangError, column: Column | None = None) -> RowIssue:
    """A shared check's refusal as a ``RowIssue``: led by the column it names (a ``Column`` given as
    the option, or a register option such as ``--point`` named by the file's column instead)."""
    if not isinstance(exc, Refusal):
        return RowIssue(column.key if column is not None else None, "import.other",
                        Message.of("import.other", detail=exc.message))
    field = exc.field
    if isinstance(field, Column):
        column = field
    elif column is None and isinstance(field, str) and field.startswith("--"):
        key = field[2:].replace("-", "_")
        column = Column(key) if labelled(key) else None
    if column is None and field is not None:
        return RowIssue(None, exc.code, Message.of("problem.at", where=field,
                                                   problem=issue(exc.code, **exc.params).message))
    return issue(exc.code, column, **exc.params)


class RowChecker:
    """Checks one row with the rules ``register`` applies (plus the lifecycle fields) and returns
    the values to store. Values that repeat down a column (dates, townships, enumerations) are
    checked once and remembered; the common case of each field is checked inline and anything
    unusual goes to the same parse functions ``register`` uses, which also word the errors."""

    def __init__(self, ledger, columns: dict[str, tuple[int, str]], width: int, today: dt.date):
        from operator import itemgetter

        from xinfang.ledger.lifecycle import clocking

        self.ledger, self.ref, self.today = ledger, ledger.ref, today
        self.policy, self.clocking = ledger.policy, clocking(ledger)
        self.plans = lc.PathPlans(self.policy, self.clocking, today)
        self.iso_days: dict[dt.date, str] = {}
        # A file without the acceptance column was written before 受理 was recorded: acceptance was
        # taken at assignment then.
        self.legacy = "accepted_on" not in columns and "written_on" not in columns
        self.columns = {k: Column(k, n) for k, (_, n) in columns.items()}
        self.width = width
        # Absent columns read the blank cell appended after the last one.
        self.pick = itemgetter(*[columns[k][0] if k in columns else width for k in IMPORTED])
        ref = ledger.ref
        self.dates: dict = {}
        # Enumerations are kept as their stored keys ('letter', 'city'): plain strings are cheap to store.
        self.enums = {key: ({"": Level.district.value} if key == "level" else
                            {"": Kind.grievance.value} if key == "kind" else {}) for key in ENUM_COLUMNS}
        self.townships: dict = {}
        self.categories: dict = {}
        self.points: dict = {"": None}
        self.units: dict = {"": None}
        self.accused: dict = {"": None}  # not ``units``: an accused may be a person, a unit may not
        self.flags: dict = {"": False}
        self.people: dict = {"": 1}  # blank optional columns take register's defaults
        self.extension_days: dict = {}
        self.birth_ok: dict[str, bool] = {}
        self.shapes: dict[tuple, tuple] = {}  # (status, which lifecycle columns are filled) -> rule answers
        self.registered = {"", Status.registered.value, Status.registered.zh, Status.registered.en}
        self.parsers = {
            "township": ref.township, "category": ref.category, "point": ref.point, "unit": ref.unit,
            "accused": lambda raw, option: ref.accused(raw, option).name, "joint": ref.unit, "people": self._count, "extension_days": self._count, "major": self._flag,
            "signed": self._flag, "cease_agreement": self._flag,
            **{k: parse.parse_date for k in DATE_COLUMNS},
            **{k: (lambda e: lambda r, o: parse.choice(e, r, o).value)(e) for k, e in ENUM_COLUMNS.items()},
        }

    def col(self, key: str) -> Column:
        """The column as the file heads it, for error messages."""
        column = self.columns.get(key)
        if column is None:
            column = self.columns[key] = Column(key)
        return column

    def value(self, cache: dict, key: str, raw: str):
        """Parse ``raw`` for column ``key`` (remembered in ``cache``); raises XinfangError."""
        hit = cache.get(raw, _MISS)
        if hit is not _MISS:
            return hit
        if not raw.strip():
            if "" in cache:
                return cache[""]
            raise Refusal("import.cell_empty", self.col(key))
        hit = self.parsers[key](raw, self.col(key))
        if len(cache) < _CACHE_LIMIT:
            cache[raw] = hit
        return hit

    def soft(self, cache: dict, key: str, raw: str, problems: list[RowIssue]):
        """``value``, with the error added to ``problems`` (and None returned) instead of raised."""
        try:
            return self.value(cache, key, raw)
        except XinfangError as exc:
            problems.append(refused_issue(exc, self.col(key)))
            return None

    def _flag(self, raw: str, option: str) -> bool:
        v = raw.strip().lower()
        if v in _TRUE:
            return True
        if v in _FALSE:
            return False
        raise Refusal("import.not_yes_no", option, value=repr(raw))

    def _count(self, raw: str, option: str) -> int:
        try:
            n = int(raw.strip())
        except ValueError:
            raise Refusal("import.not_whole", option, value=repr(raw)) from None
        return parse.parse_count(n, option)

    def text(self, key: str, raw: str, max_len: int, problems: list[RowIssue], required: bool = True) -> str | None:
        """Free text as parse.parse_text takes it; line breaks written as CR LF become LF."""
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
        try:
            return parse.parse_text(raw, self.col(key), max_len, required)
        except XinfangError as exc:
            problems.append(refused_issue(exc, self.col(key)))
            return None

    def id_number(self, raw: str, problems: list[RowIssue]) -> str | None:
        value = raw.strip().upper()
        if not value:
            return None
        if "*" in value:
            problems.append(issue("import.masked", self.col("id_number"), value=value))
            return None
        if self._id_ok(value):
            return value
        if _EXCEL_NUMBER(value):
            problems.append(issue("import.excel_number", self.col("id_number"), value=value))
            return None
        try:
            return parse.parse_id_number(value, self.col("id_number"), self.today)
        except XinfangError as exc:
            problems.append(refused_issue(exc, self.col("id_number")))
            return None

    def _id_ok(self, value: str) -> bool:
        """The common case of parse.parse_id_number: ASCII digits, a region, a real birth date from 1890
        to today, the right check digit (its checked twin: anything else is judged by it)."""
        if not _ID_SHAPE(value) or value[0] not in parse.ID_REGION_FIRST:
            return False
        birth = value[6:14]
        ok = self.birth_ok.get(birth)
        if ok is None:
            try:
                born = dt.date(int(birth[:4]), int(birth[4:6]), int(birth[6:]))
                ok = born.year >= 1890 and born <= self.today
            except ValueError:
                ok = False
            if len(self.birth_ok) < _CACHE_LIMIT:
                self.birth_ok[birth] = ok
        return ok and parse.id_check_digit(value[:17]) == value[17]

    def phone(self, raw: str, problems: list[RowIssue]) -> str | None:
        if "*" in raw:
            problems.append(issue("import.masked", self.col("phone"), value=raw.strip()))
            return None
        try:
            return parse.parse_phone(raw, self.col("phone"))
        except XinfangError as exc:
            problems.append(refused_issue(exc, self.col("phone")))
            return None

    def __call__(self, cells: list[str]) -> dict:
        """The stored values of one row; raises RowProblem with every reason the row is bad."""
        problems: list[RowIssue] = []
        width = self.width
        if len(cells) != width:
            if len(cells) > width and any(c.strip() for c in cells[width:]):
                problems.append(issue("import.row_too_wide", cells=len(cells), width=width))
            cells = cells[:width] + [""] * (width - len(cells))
        cells.append("")  # the blank cell absent columns read (each row is a fresh list)
        (number, received, channel, point, township, name, id_number, phone, address, people, level, kind,
         category, major, summary, accused, *life) = self.pick(cells)
        soft = self.soft
        enums = self.enums

        day = self.dates.get(received, _MISS)
        if day is _MISS:
            day = soft(self.dates, "received", received, problems)
        if day is not None and day > self.today:
            problems.append(issue("lifecycle.after_today", self.col("received"), on=day, today=self.today))
        ch = enums["channel"].get(channel, _MISS)
        if ch is _MISS:
            ch = soft(enums["channel"], "channel", channel, problems)
        town = self.townships.get(township, _MISS)
        if town is _MISS:
            town = soft(self.townships, "township", township, problems)
        cat = self.categories.get(category, _MISS)
        if cat is _MISS:
            cat = soft(self.categories, "category", category, problems)
        lvl = enums["level"].get(level, _MISS)
        if lvl is _MISS:
            lvl = soft(enums["level"], "level", level, problems)
        knd = enums["kind"].get(kind, _MISS)
        if knd is _MISS:
            knd = soft(enums["kind"], "kind", kind, problems)
        n = self.people.get(people, _MISS)
        if n is _MISS:
            n = soft(self.people, "people", people, problems)
        big = self.flags.get(major, _MISS)
        if big is _MISS:
            big = soft(self.flags, "major", major, problems)
        pt = self.points.get(point, _MISS)
        if pt is _MISS:
            pt = soft(self.points, "point", point, problems)
        acc = self.accused.get(accused, _MISS)
        if acc is _MISS:
            acc = soft(self.accused, "accused", accused, problems)

        v = name.strip()
        if not v or len(v) > 50 or _CONTROL(v):
            v = self.text("name", name, 50, problems)
        if v:
            v = name_key(v)  # as register writes it
        text = summary.strip()
        if not text or len(text) > 4000 or _CONTROL(text):
            text = self.text("summary", summary, 4000, problems)
        addr = address.strip() or None
        if addr and (len(addr) > 200 or _CONTROL(addr)):
            addr = self.text("address", address, 200, problems, required=False)
        idn = id_number.strip()
        if not (idn and len(idn) == 18 and self._id_ok(idn)):
            idn = self.id_number(id_number, problems)
        tel = phone.strip()
        if tel and not (tel.isdigit() and tel.isascii() and 7 <= len(tel) <= 12):
            tel = self.phone(phone, problems)

        out = {"received": day, "channel": ch, "point": pt, "township": town, "name": v, "id_number": idn,
               "phone": tel or None, "address": addr, "people": n, "level": lvl, "kind": knd, "category": cat,
               "major": big, "summary": text, "accused": acc, "source_number": number.strip() or None}
        if not problems and (pt is not None or acc is not None or ch == _OUTREACH):
            try:
                check_case_fields(self.ledger, out, self.today)
            except XinfangError as exc:
                problems.append(refused_issue(exc))
        if any(life[1:]) or life[0] not in self.registered:
            self._lifecycle(life, out, problems)
        else:
            out.update(_REGISTERED)
        if not problems:
            self.fold(out, problems)
        if problems:
            raise RowProblem(problems)
        return out

    def _shape_problems(self, status: str, raws: dict, objected: bool = False) -> tuple[frozenset, list[RowIssue]]:
        """(the columns ``status`` allows, the problems of which lifecycle columns are filled), from
        the lifecycle's paths (``rules.lifecycle.PATHS``). A case whose assignment its unit objected
        to (``objected``: an objection date) keeps that assignment's unit, leader and date while it
        awaits assignment again, registered or accepted, or once declined since."""
        col = self.col
        label = Status(status)
        problems: list[RowIssue] = []
        needed, allowed, group = lc.path_fields(label)
        if objected:
            if label in _OBJECTED_STATUSES:
                needed = needed | {"unit", "assigned_on"}
                allowed = allowed | {"unit", "assigned_on"}
            if label not in _OBJECTED_STATUSES or not (raws["unit"] and raws["assigned_on"]):
                problems.append(issue("import.objection_needs_assignment", col(OBJECTED)))
        for k in _RULED:
            if raws[k]:
                if k not in allowed:
                    problems.append(issue("import.not_for_status", col(k), status=label))
            elif k in needed or (group and k == group[0] and not any(raws[g] for g in group)):
                problems.append(issue("import.status_needs", col(k), status=label))
        if raws["leader"] and not raws["assigned_on"]:
            problems.append(issue("import.needs_assigned", col("leader"), assigned=col("assigned_on")))
        elif raws["assigned_on"] and not raws["leader"]:
            problems.append(issue("import.leader_needed", col("leader")))
        if raws["joint"] and not raws["assigned_on"]:
            problems.append(issue("import.needs_assigned", col("joint"), assigned=col("assigned_on")))
        return allowed, problems

    def _lifecycle(self, life: tuple, out: dict, problems: list[RowIssue]) -> None:
        """Check the lifecycle columns (status, unit, leader, dates, outcome …) into ``out``."""
        stripped = tuple(map(str.strip, life))
        raws = dict(zip(LIFECYCLE, stripped))
        objected = stripped[len(LIFECYCLE)]
        out.update(_REGISTERED)
        if any(stripped[len(LIFECYCLE) + 1:]):
            out["_extension"] = self._extension(dict(zip(EXTENSION, stripped[len(LIFECYCLE) + 1:])), problems)
        col = self.col
        raw = raws["status"]
        if raw:
            status = self.enums["status"].get(raw) or self.soft(self.enums["status"], "status", raw, problems)
            if status is None:
                return
        else:
            given = [k for k in ("unit", "leader", "assigned_on", "replied_on", "closed_on", "outcome") if raws[k]]
            if given:
                problems.append(issue("import.status_empty", col("status"), given=col(given[0])))
                return
            status = Status.registered.value
        out["status"] = status
        # Which columns a status needs and allows: the same few answers for every row of a file,
        # worked out once per status and set of filled columns.
        shape = (status, *map(bool, stripped[1:]))
        found = self.shapes.get(shape)
        if found is None:
            found = self.shapes[shape] = self._shape_problems(status, raws, bool(objected))
        allowed = found[0]
        if found[1]:
            problems.extend(found[1])
        for k in ("accepted_on", "assigned_on", "replied_on", "written_on", "opinion_received_on", "closed_on"):
            raw = raws[k]
            if raw and k in allowed:
                day = self.dates.get(raw) or self.soft(self.dates, k, raw, problems)
                if day is not None:
                    out[k] = day
        if objected and "assigned_on" in allowed:
            out[OBJECTED] = self.dates.get(objected) or self.soft(self.dates, OBJECTED, objected, problems)
        raw = raws["unit"]
        if raw and "unit" in allowed:
            if status == Status.transferred.value:  # the body it went to: free text, or a unit by its short name
                body = self.text("unit", raw, 100, problems)
                out["unit"] = protection(self.ledger).roster_name(body) if body else body
            else:
                out["unit"] = self.units.get(raw) or self.soft(self.units, "unit", raw, problems)
        raw = raws["leader"]
        if raw:
            out["leader"] = raw if len(raw) <= 50 and not _CONTROL(raw) else self.text("leader", raw, 50, problems)
        if raws["review_body"]:  # a unit by its short name is the unit, as review --body takes it
            body = self.text("review_body", raws["review_body"], 100, problems)
            out["review_body"] = protection(self.ledger).roster_name(body) if body else body
        for k in ("told", "decline_ground"):
            if raws[k] and k in allowed:
                out[k] = self.soft(self.enums[k], k, raws[k], problems)
        closed = status in _CLOSED_VALUES
        try:
            if raws["joint"]:
                joint = []
                for part in re.split(r"[、;；,，]", raws["joint"]):
                    if part.strip():
                        name = self.value(self.units, "joint", part)
                        if name != out["unit"] and name not in joint:
                            joint.append(name)
                out["joint"] = joint or None
            if raws["outcome"] and closed:
                out["outcome"] = self.value(self.enums["outcome"], "outcome", raws["outcome"])
            if raws["satisfaction"] and closed:
                out["satisfaction"] = self.value(self.enums["satisfaction"], "satisfaction", raws["satisfaction"])
            for k in ("signed", "cease_agreement"):
                if raws[k]:
                    flag = self.value(self.flags, k, raws[k])
                    if closed:
                        out[k] = int(flag)
                    elif flag:
                        problems.append(issue("import.signed_open", col(k)))
        except XinfangError as exc:
            problems.append(refused_issue(exc))

    def _extension(self, raws: dict, problems: list[RowIssue]) -> lc.Extend | None:
        """The extension (延期) the extension columns record: the clock (blank: the one the rules let
        be extended, when there is one), the day it was approved and its days (both needed), who
        approved it, the day the petitioner was told and the reason (needed, as ``extend`` needs it)."""
        col = self.col
        clock = None
        if raws["extended_clock"]:
            clock = self.soft(self.enums["extended_clock"], "extended_clock", raws["extended_clock"], problems)
        else:
            extendable = [c for c, rule in self.policy.clocks.items() if rule.max_extension_days > 0]
            if len(extendable) == 1:
                clock = extendable[0].value
            else:
                problems.append(issue("import.extension_clock_needed", col("extended_clock"),
                                      extendable=tuple(extendable)))
        given = next(k for k in EXTENSION if raws[k])
        for k in ("extended_on", "extension_days"):
            if not raws[k]:
                problems.append(issue("import.extension_needs", col(k), given=col(given)))
        on = self.soft(self.dates, "extended_on", raws["extended_on"], problems) if raws["extended_on"] else None
        days = self.soft(self.extension_days, "extension_days", raws["extension_days"], problems) if raws["extension_days"] else None
        told = (self.soft(self.dates, "extension_told_on", raws["extension_told_on"], problems)
                if raws["extension_told_on"] else None)
        who = self.text("extension_approved_by", raws["extension_approved_by"], 50, problems, required=False)
        reason = self.text("extension_reason", raws["extension_reason"], 1000, problems)  # as extend asks
        if clock is None or on is None or days is None:
            return None
        return lc.Extend(Clock(clock), days, on, reason, who, told)

    def fold(self, out: dict, problems: list[RowIssue]) -> None:
        """Take the case through the lifecycle its dated facts record (``rules.lifecycle``, as the
        commands do; paths of the same shape in one pass, ``PathPlans``): its clocks, and the
        refusal of a fact out of order, worded for the file. A case still running keeps its clock
        history (the clock rows of its history are written from it)."""
        status = out["status"]
        joint = out["joint"]
        accused = out["accused"]
        folded = self.plans.fold(
            _STATUSES[status], (out["received"], out["accepted_on"], out["assigned_on"], out["replied_on"],
                                out["written_on"], out["opinion_received_on"], out["closed_on"]),
            major=bool(out["major"]), accused=accused,
            protected=protected_for(self.ledger, accused) if accused else frozenset(), legacy=self.legacy,
            unit=out["unit"], leader=out["leader"], joint=tuple(joint) if joint else (), outcome=out["outcome"],
            told=out["told"], decline_ground=out["decline_ground"], history=status in _OPEN_VALUES,
            objected_on=out.get(OBJECTED), extension=out.get("_extension"))
        if folded.refusal is not None:
            problems.append(self._refusal(folded.refused, folded.refusal))
            return
        if out.get(OBJECTED) is not None and folded.status.value != status:  # 受理 before the assignment, or not
            problems.append(issue("import.not_for_status", self.col("status" if folded.status else OBJECTED),
                                  status=Status(status)))
            return
        if accused and out.get("review_body") and handled_by_accused(protected_for(self.ledger, accused),
                                                                     body=out["review_body"]):
            # a review is never made by the body the accusation names (as ``review --body`` refuses)
            problems.append(issue("import.accused_handles", self.col("review_body"), accused=accused))
            return
        if joint:
            out["joint"] = json.dumps(list(joint), ensure_ascii=False)
        iso = self.iso
        for k, day in zip(_FOLDED_DATES, folded.dates):
            out[k] = None if day is None else iso(day)
        out["_clocks"] = folded.clocks
        out["_history"] = folded.history

    def iso(self, day: dt.date) -> str:
        """``day.isoformat()``, remembered (dates repeat down a file)."""
        return _iso(self.iso_days, day)

    def _refusal(self, action, refusal: lc.Refusal) -> RowIssue:
        """A lifecycle refusal named by the file's columns."""
        p = refusal.params
        key = _ACTION_DATE.get(type(action), "received")
        column = self.col("assigned_on" if key == "accepted_on" and self.legacy else key)
        if refusal.code == "before_field":
            return issue("import.before_column", column, on=p["on"], after=self.col(p["after"]), earlier=p["earlier"])
        if refusal.code == "accused_handles":  # the column that names the accused as a handler
            return issue("import.accused_handles", self.col(_HANDLER_COLUMNS.get(refusal.field, "unit")),
                         accused=p["accused"])
        if refusal.code == "joint_not_major":
            return issue("import.joint_not_major", self.col("joint"))
        if isinstance(action, lc.Extend):
            return self._extension_refusal(action, refusal)
        from xinfang.ledger.lifecycle import refusal_error

        return refused_issue(refusal_error(refusal, column))


    def _extension_refusal(self, action: lc.Extend, refusal: lc.Refusal) -> RowIssue:
        """An extension the case's path does not allow, named by the extension's columns."""
        from xinfang.ledger.lifecycle import refusal_error

        p, code, col = refusal.params, refusal.code, self.col
        if code == "not_extendable":
            return issue("import.not_extendable", col("extended_clock"), clock=action.clock,
                         extendable=tuple(Clock(c) for c in p["extendable"]))
        if code in _EXTENSION_OUTSIDE:
            return issue(_EXTENSION_OUTSIDE[code], col("extended_on"), clock=action.clock, on=action.on,
                         done_on=p.get("done_on"), due=p.get("due"))
        if code == "bad_extension":
            return issue("import.extension_days", col("extension_days"), max=p["max"])
        column = col("extension_told_on" if code == "told_out_of_range" else "extended_on")
        return refused_issue(refusal_error(refusal, column))


# An extension approved when its clock was not running: the import's words for the refusal.
_EXTENSION_OUTSIDE = {"no_clock_yet": "import.extension_not_started", "clock_ended": "import.extension_clock_ended",
                      "extension_after_due": "import.extension_after_due"}
_RULED = ("unit", "accepted_on", "told", "decline_ground", "assigned_on", "replied_on", "written_on",
          "opinion_received_on", "closed_on", "outcome", "satisfaction")
_FOLDED_DATES = lc.PATH_DATES[1:]
# A clock's fields as it was started: all but how it ended (``done_on``, ``met``, the last two).
_AS_STARTED = lc.ClockState._fields.index("done_on")
_STATUSES = {s.value: s for s in Status}
# The statuses of a case whose unit objected to its assignment: awaiting assignment again, or declined.
_OBJECTED_STATUSES = (Status.registered, Status.accepted, Status.declined)
# The option a refusal names (``rules.protection.handled_by_accused``) -> the file's column; a
# transfer's receiving body is the unit column.
_HANDLER_COLUMNS = {"--unit": "unit", "--leader": "leader", "--joint": "joint", "--to": "unit"}
_CLOSED_VALUES = frozenset(s.value for s in Status if lc.closes(s))
_OPEN_VALUES = frozenset(s.value for s in OPEN_STATUSES)
_ACTION_DATE = {lc.Object: OBJECTED, lc.Accept: "accepted_on", lc.Decline: "closed_on", lc.Assign: "assigned_on", lc.Reply: "replied_on", lc.Resolve: "closed_on", lc.Transfer: "closed_on", lc.Void: "closed_on",
                lc.Restate: "closed_on", lc.Extend: "extended_on"}


# --- import: writing ------------------------------------------------------------------------------
#
# Two stages, in two processes when the file is large enough: a reading process reads and checks
# the rows and prepares each batch (case numbers, case rows, clocks, history rows without their
# hashes) while this process writes the batches it receives — all inside the caller's one
# transaction. Only this process touches the ledger's connection; the hash chain is computed
# here, in file order, because a repeat (重复访) found among the stored cases changes the case's
# import record. A refused file stops the writing at the first bad row, as before.

_CASE_COLUMNS = ("number", "year", "seq", "month", *CASE_FIELDS, "collective", "skip_level", "initial", *LIFECYCLE)
_ID_NUMBER = _CASE_COLUMNS.index("id_number")
_CASE_ROW = itemgetter(*_CASE_COLUMNS)  # a prepared row's stored values, in the insert's column order
_INSERT_CLOCK = (f"INSERT INTO clocks ({', '.join(BULK_CLOCK_ROW)})"
                 f" VALUES ({', '.join('?' * len(BULK_CLOCK_ROW))})")  # a prepared clock row's values, in order

# The keys of an import snapshot, in the sorted order ``canonical`` writes them.
SNAPSHOT_KEYS = tuple(sorted((*CASE_FIELDS, *DERIVED, *LIFECYCLE)))
# Enumeration values and ISO dates are plain ASCII and need no escaping; the writer sets
# ``initial`` and ``repeat_of`` of a case found to repeat a stored one.
_SNAPSHOT = RecordEncoder(SNAPSHOT_KEYS, plain=("assigned_on", "channel", "closed_on", "kind", "level", "outcome",
                                                 "received", "replied_on", "satisfaction", "status"),
                          late=("initial", "repeat_of"))
# An import's history rows: (case, action, field, new, note); action, case number and clock name
# are plain ASCII.
_EVENT_ROW = ("case_number", "action", "field", "new", "note")
_WITH_OLD = len(_EVENT_ROW) + 1  # an extension's history row: the due date it moved as well
PARALLEL_MIN_BYTES = 1 << 20  # smaller files are read and written in one process
SUSPEND_MIN_BYTES = 4 << 20  # a file this large, about as large as the ledger or more: rebuild its indexes
ROW_BYTES = 250  # about the bytes of one case in an exported CSV
_SAME_MATTER = SAME_MATTER.format(id_number="c.id_number", township="c.township", category="c.category",
                                  received="c.received")
# The repeat look-up reads the petitioner index during the import; the count of the first-contact
# resolution the added cases undo in the cases they repeat (``schema.BulkCounts``) reads the repeats index.
_KEPT_INDEXES = ("cases_petitioner", "cases_repeat_of")


def bulk_load(path: Path, stored: int) -> bool:
    """Whether an import of ``path`` into a ledger of ``stored`` cases is a bulk load: a file of
    ``SUSPEND_MIN_BYTES`` or more, about as many cases as the ledger holds or more. A bulk load
    rebuilds the indexes it does not read and counts its own tallies (``CaseWriter.suspend_indexes``),
    and the command writes it under the rollback journal (``Ledger.rollback_journal``)."""
    try:
        size = path.stat().st_size
    except OSError:
        return False  # opening the file says what is wrong with it
    return size >= SUSPEND_MIN_BYTES and size // ROW_BYTES >= stored


def snapshot_parts(r: dict) -> tuple:
    """The import snapshot of a checked row, in pieces around the two values the writer may change
    once the stored cases are known: (text, ``initial``, text, ``repeat_of``, text)."""
    return _SNAPSHOT.parts(r)


def snapshot_text(parts: tuple) -> str:
    """Join ``snapshot_parts`` into the snapshot: exactly ``canonical`` of the case's non-None values."""
    return _SNAPSHOT.text(parts)


def repeat_digest(row: tuple, other: str | None) -> str:
    """The digest an import record seals of the case stored as ``row`` (``_CASE_COLUMNS``) once
    the writer finds it to repeat ``other`` (None: a repeat beyond the look-back window): no longer
    initial (初信初访), and linked."""
    return snapshot_digest(snapshot_json({**dict(zip(_CASE_COLUMNS, row)), "initial": 0, "repeat_of": other}))


def snapshot_json(record: dict) -> str:
    """``canonical`` of an imported case: its registered fields and derived values as the
    ``register`` event records them, plus its lifecycle fields (status, unit, leader, dates,
    outcome …), None values left out; values are strings and ints."""
    return snapshot_text(snapshot_parts(record))


class CasePreparer:
    """Turns checked rows into what the writer stores: case numbers, case rows, deadline clocks and
    history rows (without their hashes). Reads nothing from the ledger once built, so it can run
    in the reading process. The clocks are those the row's fold through the lifecycle left
    (``RowChecker.fold``); the history rows of a case still running are the clock rows the
    lifecycle's interpreter would have written, worded by it (``ledger.lifecycle.clock_events``)."""

    def __init__(self, ledger, source: str):
        self.source = source
        self.policy = ledger.policy
        self.stored = dict(ledger.conn.execute("SELECT year, last FROM counters").fetchall())
        self.counters: dict[int, int] = {}
        self.first_seq: dict[int, int] = {}  # year -> first case number this import gave
        self.days: dict = {}  # received date -> (ISO text, year, month)
        self.collective_people = self.policy.collective_people
        self.skip_levels = frozenset(level.value for level in self.policy.skip_levels)
        self.count = 0
        self.provisional = 0  # running clocks whose due date is provisional (暂定)
        self.iso_days: dict[dt.date, str] = {}
        # Remembered, as the same clocks and the same history rows come again and again down a file:
        self.started: dict = {}  # clock as started -> (its stored values, its digest line's start)
        self.event_rows: dict = {}  # clock effect -> its history row after the case number

    def iso(self, day: dt.date) -> str:
        """``day.isoformat()``, remembered (dates repeat down a file)."""
        return _iso(self.iso_days, day)

    def summary(self) -> tuple:
        return self.counters, self.first_seq, self.count, self.provisional

    def _started_clock(self, c) -> tuple[tuple, str]:
        """What an import stores of a clock as it was started: its row's values after the case number
        up to its end (``done_on``, ``met``), and the start of its line in the digest an import record
        seals (``clock_line``, up to the same two values)."""
        name, start, due = c.clock.value, self.iso(c.start), self.iso(c.due)
        return ((name, start, c.days, c.counting, due, int(c.provisional), c.version),
                clock_line_start(name, start, due))

    def prepare(self, rows: list[tuple[int, dict]]) -> tuple[list, list, list, list]:
        """One batch: (case rows, clock rows, history rows, extensions). A history row is (case,
        action, field, new, note), an extension's (case, action, field, old, new, note); an import
        record's ``new`` is its case's digest (``repeat_digest`` of a case the writer finds to repeat
        a stored one). An extension is what a clock row records of it (days, approved by, told on)."""
        from xinfang.ledger.lifecycle import clock_events

        collective_people, skip_levels = self.collective_people, self.skip_levels
        counters, stored, days = self.counters, self.stored, self.days
        cases: list[tuple] = []
        clocks: list[tuple] = []
        events: list[tuple] = []
        extended: list[tuple] = []  # (extension days, approved by, told on, case, clock): 延期
        add_case = cases.append
        add_clock = clocks.append
        add = events.append
        source = encode_basestring(self.source)
        enc = encode_basestring
        row_of = _CASE_ROW
        started = self.started
        event_rows = self.event_rows
        iso, iso_get = self.iso, self.iso_days.get
        line_end = clock_line_end
        for rowno, r in rows:
            received = r["received"]
            known = days.get(received)
            if known is None:
                day = received.isoformat()
                known = days[received] = (day, received.year, day[:7])
            day, year, month = known
            r["received"] = day
            seq = counters.get(year)
            if seq is None:
                seq = stored.get(year) or 0
                self.first_seq[year] = seq + 1
            seq += 1
            counters[year] = seq
            r["number"] = number = f"{year}-{seq:05d}"
            r["year"], r["seq"], r["month"] = year, seq, month
            r["major"] = 1 if r["major"] else 0
            r["collective"] = 1 if r["people"] >= collective_people else 0
            r["skip_level"] = 1 if r["level"] in skip_levels else 0
            r["initial"] = 1 if r["id_number"] else None
            r["repeat_of"] = None
            add_case(row_of(r))
            source_number = r["source_number"]
            running = r["status"] in _OPEN_VALUES
            lines = []
            for c in r["_clocks"]:
                # the clock as started, remembered (a file's cases start their clocks on a few hundred
                # days); then how it ended: (done_on, met)
                key = c[:_AS_STARTED]
                begun = started.get(key)
                if begun is None:
                    begun = started[key] = self._started_clock(c)
                done_on, met = c.done_on, c.met
                if done_on is None:
                    done = None
                    if c.provisional:
                        self.provisional += 1
                else:
                    done = iso_get(done_on) or iso(done_on)
                if met is not None:
                    met = 1 if met else 0
                add_clock((number, *begun[0], done, met))
                lines.append(begun[1] + line_end(done, met))
                if c.extension_days:
                    ext = r["_extension"]
                    extended.append((c.extension_days, ext.approved_by, ext.told_on and iso(ext.told_on),
                                     number, c.clock.value))
            # A case that ended before the import has no clock history: its record seals its clocks.
            sealed = "" if running else f'"clocks":"{lines_digest(lines)}",'
            note = (f'{{{sealed}"file":{source},"row":{rowno},"source_number":{enc(source_number)}}}'
                    if source_number else f'{{{sealed}"file":{source},"row":{rowno}}}')
            add((number, "import", SNAPSHOT_FIELD, snapshot_digest(snapshot_json(r)), note))
            # A case that ended before the import keeps its judged clocks (on-time rates read them)
            # under its import record; the clock history rows are for cases still running.
            if running:
                for effect in r["_history"]:
                    event = event_rows.get(effect)
                    if event is None:
                        event = clock_events(None, effect)[1:]
                        if len(event_rows) < _CACHE_LIMIT:
                            event_rows[effect] = event
                    add((number, *event))
        self.count += len(rows)
        return cases, clocks, events, extended


def _iso(cache: dict[dt.date, str], day: dt.date) -> str:
    text = cache.get(day)
    if text is None:
        text = day.isoformat()
        if len(cache) < _CACHE_LIMIT:
            cache[day] = text
    return text


_DAYS: dict[str, dt.date] = {}


def _day(text: str) -> dt.date:
    """``date.fromisoformat``, remembered (lifecycle dates repeat down a file)."""
    day = _DAYS.get(text)
    if day is None:
        day = dt.date.fromisoformat(text)
        if len(_DAYS) < _CACHE_LIMIT:
            _DAYS[text] = day
    return day


class CaseWriter:
    """Writes prepared batches as new cases, with their clocks and hash-chained history."""

    def __init__(self, ledger, source: str):
        self.ledger, self.conn = ledger, ledger.conn
        self.who = ledger.who
        self.window = ledger.policy.repeat_window_days
        self.prev = last_link(ledger.conn, "events")[1]
        self.at = now_stamp()
        # A bigger page cache for the length of the import: the petitioner and month indexes take
        # rows in random order, and 2 MB (SQLite's default) makes every batch re-read index pages.
        self.cache_size = self.conn.execute("PRAGMA cache_size").fetchone()[0]
        self.conn.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
        self.insert_case = (f"INSERT INTO cases ({', '.join(_CASE_COLUMNS)})"
                            f" VALUES ({', '.join('?' * len(_CASE_COLUMNS))})")
        self.count = 0
        self.suspended: list[tuple[str, str]] = []  # (name, CREATE statement) of indexes dropped for the import
        self.counts = None  # the tallies' triggers dropped: the import counts its own cases (``BulkCounts``)

    def suspend_indexes(self) -> None:
        """Drop the secondary indexes of the tables an import fills that the import itself never reads
        (all but the petitioner index the repeat look-up uses), and the tallies' triggers (each would
        make every inserted case pay for a statement journal); ``finish`` builds them again. The
        import counts its own cases into the tallies as it writes them (``schema.BulkCounts``)."""
        from xinfang.ledger import schema

        self.suspended = schema.suspend_indexes(self.conn, ("cases", "clocks", "events"), _KEPT_INDEXES)
        schema.suspend_tally(self.conn)
        self.counts = schema.BulkCounts(self.conn, _CASE_COLUMNS)

    def write(self, batch: tuple[list, list, list]) -> None:
        """Insert one prepared batch (``CasePreparer.prepare``)."""
        cases, clocks, events, extended = batch
        if not cases:
            return
        conn = self.conn
        before = conn.execute("SELECT coalesce(max(rowid), 0) FROM cases").fetchone()[0]
        conn.executemany(self.insert_case, cases)
        repeats = self._repeats(cases, before)
        if clocks:
            conn.executemany(_INSERT_CLOCK, clocks)
        if extended:
            conn.executemany("UPDATE clocks SET extension_days = ?, approved_by = ?, told_on = ?"
                             " WHERE case_number = ? AND clock = ?", extended)
        self._history(events, repeats, cases)
        if self.counts is not None:
            self.counts.add(cases, clocks, repeats, before + 1)
        self.count += len(cases)

    def _repeats(self, cases: list[tuple], before: int) -> dict[str, str | None]:
        """Link repeats (重复访) as ``register`` does: the latest earlier case of the same ID number,
        township and category within the look-back window, among the cases registered before this
        one (earlier rows of the file included). One query per batch, answered from the index.
        Returns case number -> the case it repeats (None: a repeat outside the window)."""
        if not any(c[_ID_NUMBER] for c in cases):
            return {}
        found = self.conn.execute(
            f"SELECT c.number, c.received, (SELECT e.number || ' ' || e.received FROM cases e WHERE {_SAME_MATTER}"
            f" AND e.rowid < c.rowid ORDER BY {LATEST_FIRST} LIMIT 1)"
            " FROM cases c WHERE c.rowid > ? AND c.id_number IS NOT NULL", (before,)).fetchall()
        window = self.window
        repeats: dict[str, str | None] = {}
        for number, received, hit in found:
            if hit:
                other, on = hit.split(" ")
                repeats[number] = repeat_link(_day(received), (other, _day(on)), window)[0]
        if repeats:
            self.conn.executemany("UPDATE cases SET repeat_of = ?, initial = 0 WHERE number = ?",
                                  [(other, number) for number, other in repeats.items()])
        return repeats

    def _history(self, events: list[tuple], repeats: dict[str, str | None], cases: list[tuple]) -> None:
        """Chain and insert a batch's history rows; the import record of a case found to repeat a
        stored one gets the digest of the case as linked (``repeat_digest``)."""
        rows = events
        if repeats:
            linked = {c[0]: c for c in cases if c[0] in repeats}
            rows = [(e[0], e[1], e[2], repeat_digest(linked[e[0]], repeats[e[0]]), e[4])
                    if e[1] == "import" and e[0] in linked else e for e in events]
        writer = ChainWriter(self.conn, "events", _EVENT_ROW, {"at": self.at, "who": self.who, "old": None},
                             plain=("case_number", "action", "field"), prev=self.prev)
        if not any(len(e) == _WITH_OLD for e in rows):
            writer.append(rows)
            self.prev = writer.prev
            return
        # An extension's row holds the due date it moved (``old``): the batch is chained in runs
        # of one shape, in order.
        with_old = ChainWriter(self.conn, "events", (*_EVENT_ROW[:3], "old", *_EVENT_ROW[3:]),
                               {"at": self.at, "who": self.who}, plain=("case_number", "action", "field"),
                               prev=self.prev)
        run: list[tuple] = []
        for e in rows:
            if run and len(e) != len(run[0]):
                self._chain(writer if len(run[0]) != _WITH_OLD else with_old, run)
                run = []
            run.append(e)
        self._chain(writer if len(run[0]) != _WITH_OLD else with_old, run)

    def _chain(self, writer: ChainWriter, rows: list[tuple]) -> None:
        writer.prev = self.prev
        writer.append(rows)
        self.prev = writer.prev

    def close(self) -> None:
        """Give the connection its page cache size back."""
        self.conn.execute(f"PRAGMA cache_size = {int(self.cache_size)}")

    def finish(self, counters: dict[int, int]) -> None:
        """Build the suspended indexes again; record the last case number of each year the import used."""
        from xinfang.ledger import schema

        if self.suspended:
            # The sorter takes as much memory as the page cache: half the cache, for flat memory.
            self.conn.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB // 2}")
            schema.restore_indexes(self.conn, self.suspended)
            self.suspended = []
        if self.counts is not None:
            self.counts.flush()
            schema.restore_tally(self.conn, ())
            self.counts = None
        for year, last in counters.items():
            self.conn.execute(
                "INSERT INTO counters (year, last) VALUES (?, ?) ON CONFLICT(year) DO UPDATE SET last = excluded.last",
                (year, last))


def _duplicate_issue(ledger, values: dict, number: str = "", imported: frozenset[str] = frozenset()) -> RowIssue | None:
    """A row's 疑似重复登记 (``rules.duplicates`` through ``probable_duplicates``, as ``register`` asks)
    among the cases stored before the import: the cases ``imported`` (the file's own, written) are
    not asked about, nor a voided row. ``import --check`` asks it of each row it reads (nothing of
    the file is stored then), the import of each case it wrote (``stored_duplicates``)."""
    from xinfang.ledger.cases import probable_duplicates

    if values.get("status") == Status.voided.value:
        return None
    earlier = [n for n in probable_duplicates(ledger, values, number) if n not in imported]
    return issue("import.duplicate", None, days=ledger.policy.duplicate_window_days,
                 cases="、".join(earlier)) if earlier else None


def _messages(name: str, table: Table, checker: RowChecker, preparer: CasePreparer | None,
              asked: Callable[[dict], RowIssue | None] | None = None) -> Iterator[tuple]:
    """Read and check every row; yields ("batch", prepared batch, rows read, done, total) while
    every row so far is good and there is a writer, ("progress", rows read, done, total) otherwise,
    then one last ("done", rows read, summary, done, total) or ("refused", listed, bad, rows read)."""
    listed: list[tuple[int, list[RowIssue]]] = []
    bad = total = 0
    batch: list[tuple[int, dict]] = []
    for rowno, cells in table.rows:
        if not "".join(cells).strip():
            continue  # blank lines and the empty rows spreadsheets leave at the end
        total += 1
        try:
            values = checker(cells)
            found = asked(values) if asked else None
            if found:
                raise RowProblem([found])
        except RowProblem as exc:
            bad += 1
            if len(listed) < MAX_LISTED:
                listed.append((rowno, exc.issues))
            batch = []
            continue
        if preparer and not bad:
            batch.append((rowno, values))
            if len(batch) >= BATCH:
                yield ("batch", preparer.prepare(batch), total, *table.progress())
                batch = []
                continue
        if total % BATCH == 0:
            yield ("progress", total, *table.progress())
    if bad:
        yield ("refused", listed, bad, total)
        return
    if total == 0:
        raise Refusal("import.no_cases", name=name)
    if preparer and batch:
        yield ("batch", preparer.prepare(batch), total, *table.progress())
    yield ("done", total, preparer.summary() if preparer else None, *table.progress())


def stored_duplicates(ledger, stored: int) -> tuple[list[tuple[int, list[RowIssue]]], int]:
    """The imported cases (rowid above ``stored``) that are probably a case the ledger held before
    the import (疑似重复登记, ``rules.duplicates`` through ``probable_duplicates``, as ``register``
    asks): (row number, its issue) of the first ``MAX_LISTED``, and how many there are. Rows of the
    file that resemble each other are not asked about: a file may hold two letters of one week."""
    import json

    listed: list[tuple[int, list[RowIssue]]] = []
    bad = 0
    rows = ledger.conn.execute(
        "SELECT c.number, c.received, c.name, c.township, c.category, c.id_number, c.status, e.note FROM cases c"
        " JOIN events e ON e.case_number = c.number AND e.action = 'import' WHERE c.rowid > ? ORDER BY c.rowid",
        (stored,)).fetchall()
    imported = frozenset(r[0] for r in rows)
    for number, received, name, township, category, id_number, status, note in rows:
        fields = {"received": dt.date.fromisoformat(received), "name": name, "township": township,
                  "category": category, "id_number": id_number, "status": status}
        found = _duplicate_issue(ledger, fields, number, imported)
        if found:
            bad += 1
            if len(listed) < MAX_LISTED:
                listed.append((json.loads(note)["row"], [found]))
    return listed, bad


def import_cases(ledger, path: Path, today: dt.date, check_only: bool = False,
                 progress: Callable[[int, int, int], None] | None = None,
                 parallel: bool | None = None, suspend: bool | None = None, again: bool = False) -> dict:
    """Import the cases of a CSV or xlsx file (call inside ``ledger.write()``).

    Every row is checked; when any is bad, ``ImportRefused`` lists them and the caller's rollback
    leaves the ledger as it was. ``check_only`` checks without writing. ``progress`` is called
    per batch with (rows read, done, total) in the file's own unit. ``parallel`` (default: files
    of ``PARALLEL_MIN_BYTES`` or more, when writing) reads and checks in a second process while
    this one writes. ``suspend`` (default: a file about as large as the ledger or larger) drops the
    secondary indexes the import does not read and builds them again at the end."""
    table = open_table(path)
    writer = stream = None
    stored = ledger.scalar("SELECT coalesce(max(rowid), 0) FROM cases")  # the cases before the import
    # No reference cycles are made per row, so the cycle collector would only re-walk every live
    # object again and again (and, in the forked reading process, copy the pages it walks).
    collecting = gc.isenabled()
    gc.disable()
    try:
        checker = RowChecker(ledger, map_header(table.header), len(table.header), today)
        preparer = None
        if not check_only:
            preparer = CasePreparer(ledger, path.name)
            writer = CaseWriter(ledger, path.name)
        if writer and (suspend or (suspend is None and bulk_load(path, stored))):
            writer.suspend_indexes()
        if parallel is None:
            parallel = not check_only and path.stat().st_size >= PARALLEL_MIN_BYTES
        if parallel:
            from xinfang.ledger.pipeline import forked

            ref = ledger.ref  # what the checks read from the ledger, read here before the fork
            for name in ("townships", "township_names", "units", "categories", "points"):
                getattr(ref, name)
            protection(ledger)  # whom accusations protect against: officials and recorded leaders

            def messages():
                ledger.conn = None  # the reading process never touches the writer's connection
                return _messages(path.name, table, checker, preparer)

            stream = forked(messages)
        else:
            asked = (lambda values: _duplicate_issue(ledger, values)) if check_only and stored and not again else None
            stream = _messages(path.name, table, checker, preparer, asked)
        summary = None
        total = 0
        for message in stream:
            kind = message[0]
            if kind == "batch":
                writer.write(message[1])
                if progress:
                    progress(*message[2:])
            elif kind == "progress":
                if progress:
                    progress(*message[1:])
            elif kind == "refused":
                _, listed, bad, total = message
                raise ImportRefused(path.name, listed, bad, total)
            elif kind == "done":
                total, summary = message[1], message[2]
                if progress:
                    progress(total, *message[3:])
            elif kind == "error":
                if len(message) > 3 and message[3]:  # a Refusal: worded again in the user's language
                    code, field, params = message[3]
                    raise Refusal(code, field, **params)
                raise XinfangError(message[1], fix=message[2])
            else:
                raise RuntimeError(f"import: the process reading the file failed:\n{message[1]}")
        if writer:
            writer.finish(summary[0])
            if stored and not again:  # the indexes are back: each imported case is one look-up
                listed, bad = stored_duplicates(ledger, stored)
                if bad:
                    raise ImportRefused(path.name, listed, bad, total)
    finally:
        if collecting:
            gc.enable()
        if stream is not None:
            stream.close()  # a reading process still running is ended here, not when the error is freed
        table.close()
        if writer:
            writer.close()
    if writer is None:
        return {"imported": 0, "checked": total}
    counters, first_seq, count, provisional = summary
    years = sorted(first_seq)
    return {"imported": writer.count,
            "first": case_number(years[0], first_seq[years[0]]) if years else None,
            "last": case_number(years[-1], counters[years[-1]]) if years else None,
            "provisional_deadlines": provisional}
