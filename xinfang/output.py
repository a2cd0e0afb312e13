"""One renderer for every command: a Rich table on a terminal, ``--json`` or ``--csv``.

Labels default to Chinese; ``--lang en`` gives English. JSON and CSV keys/values stay the stable
English keys of CLI.md, so scripts do not depend on the display language. Resident ID numbers and
phone numbers are masked unless the clerk asks for them (``--reveal``).
"""

from __future__ import annotations

import functools
import json
import re
import sys
from enum import Enum

from xinfang import model
from xinfang.messages import action_name, label, template, text  # noqa: F401  (label: for the commands)
from xinfang.personal import mask, mask_id, mask_phone  # noqa: F401  (for the commands)

ENUMS: dict[str, type[Enum]] = {
    "channel": model.Channel, "level": model.Level, "kind": model.Kind, "status": model.Status,
    "clock": model.Clock, "tier": model.Tier, "sanction": model.SanctionKind, "role": model.Role,
    "outcome": model.Outcome, "satisfaction": model.Satisfaction, "evaluation_acceptance": model.Satisfaction,
    "evaluation_handling": model.Satisfaction, "result": model.Satisfaction, "stage": model.Stage, "via": model.Via,
    "told": model.Told, "decline_ground": model.DeclineGround,
}
BOOLEANS = {"major", "collective", "skip_level", "initial", "signed", "cease_agreement", "provisional", "met",
            "bottom", "exhausted", "published", "allowed"}


def history_rows(events: list[dict], lang: str, categories=None) -> list[dict]:
    """History rows for a table: field names, coded old/new values and the program's own notes in
    the reader's language; a registration's recorded facts as labelled fields, not JSON.
    ``categories`` words a category key (``ledger.ref.category_label``)."""
    out = []
    for e in events:
        field = e.get("field")
        row = dict(e)
        row["note"] = note_words(e.get("note"), lang)
        if not field and e.get("action") in ("register", "import") and str(e.get("new") or "").startswith("{"):
            row["new"] = _facts(e["new"], lang, categories)
        if field and str(e.get("action", "")).startswith("clock"):
            row["field"] = display("clock", field, lang)  # a clock event's field is the clock's name
        elif field:
            row["field"] = label(field, lang)
            if field in ENUMS or field in BOOLEANS:
                for side in ("old", "new"):
                    value = e.get(side)
                    if value in ("0", "1") and field in BOOLEANS:
                        value = value == "1"
                    row[side] = display(field, value, lang)
        out.append(row)
    return out


def _facts(recorded: str, lang: str, categories=None) -> str:
    """A registration's recorded fields (a JSON object) as 'label：value' in the reader's language."""
    try:
        facts = json.loads(recorded)
    except ValueError:
        return recorded
    shown = []
    for key, value in facts.items():
        if value in (None, "", [], 0) and key not in ("people",) or key in ("year", "seq", "month", "number"):
            continue
        if key in BOOLEANS:
            value = bool(value)
        shown.append(text("history.fact", lang, label=label(key, lang),
                          value=categories(value, lang) if key == "category" and categories else display(key, value, lang)))
    return text("history.facts_separator", lang).join(shown)


_COUNTED = re.compile(r"^(\d+) (calendar|working_days|working) days from (\d{4}-\d{2}-\d{2})( \(provisional\))?$")
_RESTARTED = {"re-review request window": "history.restart.rereview_window", "assigned again": "history.restart.reassignment"}


# The notes of an extension (``ledger.lifecycle``) and of an evaluation (``ledger.indicators``).
_COLLECTED = re.compile(r"^(\d{4}-\d{2}-\d{2}) (%s)$" % "|".join(v.value for v in model.Via))


def note_words(note, lang: str):
    """A history note the program wrote (how a due date was counted, whether a clock was met) in the
    reader's language; a note a person typed (a reason, a reply) as it is."""
    if not note:
        return note
    head, sep, rest = str(note).partition(": ")
    if sep and head in _RESTARTED:
        return text("history.restarted", lang, why=text(_RESTARTED[head], lang), note=note_words(rest, lang))
    counted = _COUNTED.match(note)
    if counted:
        days, counting, start, provisional = counted.groups()
        return text("history.counted", lang, days=int(days), start=start,
                    counting=text("history.working" if counting.startswith("working") else "history.calendar", lang),
                    provisional=text("history.provisional", lang) if provisional else "")
    if note == "met":
        return text("history.met", lang)
    late = re.match(r"^late \(due (\d{4}-\d{2}-\d{2})\)$", note)
    if late:
        return text("history.late", lang, due=late.group(1))
    extended = model.EXTENSION_NOTE.match(note)
    if extended:
        days, on, who, told, reason = extended.groups()
        return text("history.extended", lang, days=int(days), on=on, reason=reason,
                    who=text("history.extended_by", lang, who=who) if who else "",
                    told=text("history.extended_told", lang, on=told) if told else "")
    reassigned = model.REASSIGN_NOTE.match(note)
    if reassigned:
        return text("history.reassigned", lang, on=reassigned.group(1))
    collected = _COLLECTED.match(note)
    if collected:
        return text("history.evaluated_via", lang, on=collected.group(1), via=model.Via(collected.group(2)))
    if note == "objection made in time":
        return text("history.objection_in_time", lang)
    asked = re.match(r"^(review|rereview) requested in time$", note)
    if asked:
        return text("history.requested_in_time", lang, stage=model.Status(asked.group(1)))
    return note


def display(key: str, value, lang: str) -> str:
    """A value as a person reads it, in the chosen language."""
    if value is None or value == "":
        return ""
    if key in BOOLEANS or isinstance(value, bool):
        return template("value.yes" if value else "value.no", lang)
    if key == "action":
        return action_name(value, lang)
    enum = ENUMS.get(key)
    if enum is not None:
        try:
            member = enum(value)
            return member.zh if lang == "zh" else member.en
        except ValueError:
            return str(value)
    if isinstance(value, (list, tuple)):
        return "、".join(display(key, v, lang) for v in value) if lang == "zh" else ", ".join(
            display(key, v, lang) for v in value)
    return str(value)


def to_json(data, indent: int | None = 2) -> str:
    return json.dumps(data, ensure_ascii=False, indent=indent, default=_json_default)


def _json_default(value):
    if isinstance(value, Enum):
        return value.value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def write_csv(rows: list[dict], columns: list[str], lang: str, out=None) -> None:
    """A listing as CSV, as ``export`` writes cases: UTF-8 with a BOM first (so Excel and WPS read
    Chinese), in Chinese the column labels and the values as a person reads them (状态 办结, 是/否),
    in English the stable keys and coded values of CLI.md."""
    import csv

    out = out or sys.stdout
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([csv_header(c, lang) for c in columns])
    for row in rows:
        writer.writerow(["" if row.get(c) is None else _csv_value(c, row.get(c), lang) for c in columns])


def csv_header(key: str, lang: str) -> str:
    """A CSV column's heading: the Chinese label, or the stable English key."""
    return label(key, lang) if lang == "zh" else key


def _csv_value(key: str, value, lang: str):
    from xinfang.escape import cell

    if lang == "zh":
        return cell(display(key, value, lang))  # never a formula in a spreadsheet
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (list, tuple)):
        return cell(";".join(str(v) for v in value))
    if isinstance(value, Enum):
        return value.value
    return cell(value)


def console(stderr: bool = False):
    """A Rich console on stdout (or stderr). On a terminal it is the terminal's width and listings
    fit it; piped into a file or another program, a listing is never folded or cut: each line is as
    long as its content needs."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else (200 if stderr else PIPED_WIDTH)
    return Console(stderr=stderr, highlight=False, soft_wrap=False, width=width, file=stream)


# The width of piped output: wider than any line a listing makes, so that nothing is folded.
PIPED_WIDTH = 1_000_000

NUMERIC = {"score", "cases", "people", "position", "days_late", "paid", "deducted", "balance", "refund", "reward",
           "population", "refunded", "rewarded", "shortfall", "amount", "share", "entry", "extension_days",
           "skip_level_cases", "collective_cases", "repeat", "prev_score", "prev_year_score"}
# Long text: the only columns that fold, in their own column. Every other column (case numbers and
# other identifiers, dates, names, units, amounts, labels) keeps each value on one line.
FOLDING = {"summary", "note", "old", "new", "trigger", "effects", "reason", "reasons", "address", "accused",
           "method", "value", "case_list", "months", "charged", "adjustments", "joint", "review_body",
           "decline_ground", "holiday", "triggers"}
# Columns whose cells hold one item a line (a sanction's triggers).
MULTILINE = frozenset({"triggers", "timely_acceptance_rate", "on_time_rate", "satisfaction_rate", "evaluation_rate",
                       "repeat_rate", "first_contact_rate"})
FOLD_MIN = 12  # the narrowest a folding column gets (in terminal columns) before a listing becomes records
GAP = 2  # between two columns


@functools.lru_cache(maxsize=4096)
def cell_len(text: str) -> int:
    """Columns ``text`` takes on a terminal (a Chinese character two); listings repeat their values."""
    if text.isascii():
        return len(text)
    from rich.cells import cell_len as width

    return width(text)


class Listing:
    """Rows as a table that fits the console, else as records.

    As wide as the console allows: the columns that do not fold take their widest value, the
    folding ones (long text) share what is left, each at least ``FOLD_MIN`` wide (or its widest
    value). When even that is too wide, every row becomes a block of ``label: value`` pairs, as
    many pairs to a line as fit, a long text on lines of its own. Widths are terminal columns: a
    Chinese character takes two."""

    def __init__(self, headers: list[str], cells: list[list[str]], lang: str, folding: list[bool],
                 numeric: list[bool], title: str | None = None, caption: str | None = None,
                 bold_rows: tuple[bool, ...] = ()):
        self.lang, self.title, self.caption = lang, title, caption
        self.headers, self.folding, self.numeric, self.bold_rows = headers, folding, numeric, bold_rows
        self.cells = cells  # text as shown: control characters made visible (but the line breaks kept)
        self._widths: list[int] | None = None

    @classmethod
    def of(cls, rows: list[dict], columns: list[str], lang: str, title: str | None = None,
           caption: str | None = None) -> "Listing":
        """The listing of ``rows`` (dicts) by the ``columns`` keys, labelled and worded in ``lang``."""
        from xinfang.escape import visible

        columns_shown = [_column(c, [row.get(c) for row in rows], lang) for c in columns]
        cells = [list(row) for row in zip(*columns_shown)] if columns else [[] for _ in rows]
        return cls([visible(label(c, lang)) for c in columns], cells, lang, [c in FOLDING for c in columns],
                   [c in NUMERIC for c in columns], title, caption)

    def widths(self) -> list[int]:
        """Each column's natural width: its widest line, heading included."""
        if self._widths is None:
            self._widths = [max([cell_len(self.headers[i])] + [cell_len(line) for text in {row[i] for row in self.cells}
                                                               for line in text.split("\n")])
                            for i in range(len(self.headers))]
        return self._widths

    def layout(self, width: int) -> list[int] | None:
        """The column widths of a table ``width`` wide, or None when it takes records. Headings
        stay on one line when they can, else a heading wider than its values takes two."""
        natural = self.widths()
        folding = self.folding
        room = width - GAP * (len(self.headers) - 1)
        least = [min(w, max(FOLD_MIN, cell_len(h))) if f else w for w, f, h in zip(natural, folding, self.headers)]
        if sum(least) > room:
            values = [max([0] + [cell_len(line) for row in self.cells for line in row[i].split("\n")])
                      for i in range(len(self.headers))]
            least = [max(min(w, FOLD_MIN) if f else v, _two_lines(h)) for w, v, f, h in
                     zip(natural, values, folding, self.headers)]
            if sum(least) > room:
                return None
            widths, spare = least[:], room - sum(least)
            # Give headings back their one line where the room allows, the cheapest first.
            for i in sorted((i for i, f in enumerate(folding) if not f and natural[i] > least[i]),
                            key=lambda i: natural[i] - least[i]):
                if natural[i] - widths[i] <= spare:
                    spare -= natural[i] - widths[i]
                    widths[i] = natural[i]
            least = widths
        widths = least[:]
        spare = room - sum(least)
        # Share the room left among the folding columns, the narrowest wants first.
        wanting = sorted((i for i, f in enumerate(folding) if f and natural[i] > least[i]),
                         key=lambda i: natural[i] - least[i])
        for n, i in enumerate(wanting):
            share = spare // (len(wanting) - n)
            grant = min(share, natural[i] - least[i])
            widths[i] += grant
            spare -= grant
        return widths

    def __rich_console__(self, console, options):
        from rich.segment import Segment
        from rich.style import Style

        bold = Style(bold=True)
        for line in self.lines(options.max_width):
            for text, strong in line:
                yield Segment(text, bold if strong else None)
            yield Segment.line()

    def text(self, width: int) -> str:
        """The listing as plain text (no styles), each line ended: what a console that styles
        nothing writes."""
        return "".join("".join(text for text, _ in line) + "\n" for line in self.lines(width))

    def lines(self, width: int) -> list[list[tuple[str, bool]]]:
        """The listing as lines at most ``width`` columns wide, each a list of (text, bold) spans."""
        widths = self.layout(width)
        return self._records(width) if widths is None else self._table(widths)

    def _table(self, widths: list[int]) -> list[list[tuple[str, bool]]]:
        """Columns ``GAP`` apart under a rule; a folding cell on as many lines as it takes."""
        gap = " " * GAP

        def joined(cells: list[str]) -> str:  # each cell padded to its column's width, numbers to the right
            return gap.join([" " * (w - cell_len(c)) + c if right else c + " " * (w - cell_len(c))
                             for c, w, right in zip(cells, widths, self.numeric)]).rstrip()

        total = sum(widths) + GAP * (len(widths) - 1)
        out = []
        if self.title:
            out += [[(line.center(total + len(line) - cell_len(line)).rstrip(), False)] for line in fold(self.title, total)]
        heads = [fold(h, w) for h, w in zip(self.headers, widths)]
        out += [[(joined([h[n] if n < len(h) else "" for h in heads]), True)] for n in range(max(map(len, heads)))]
        out.append([("─" * total, False)])
        folds = any(self.folding)
        for k, row in enumerate(self.cells):
            strong = k < len(self.bold_rows) and self.bold_rows[k]
            if not folds and "\n" not in "".join(row):  # a row on one line
                out.append([(joined(row), strong)])
                continue
            parts = [fold(v, w) if f else v.split("\n") for v, w, f in zip(row, widths, self.folding)]
            for n in range(max(len(p) for p in parts)):
                out.append([(joined([p[n] if n < len(p) else "" for p in parts]), strong)])
        if self.caption:
            out += [[(line, False)] for line in fold(self.caption, total)]
        return out

    def _records(self, width: int) -> list[list[tuple[str, bool]]]:
        """One block per row: ``label: value`` pairs filling each line; a pair longer than a line
        folds on lines of its own."""
        colon, indent = ("：", "  ") if self.lang == "zh" else (": ", "  ")
        out: list[list[tuple[str, bool]]] = []
        if self.title:
            out += [[(line, True)] for line in fold(self.title, width)]
        for n, row in enumerate(self.cells):
            if n or self.title:
                out.append([])
            line: list[tuple[str, bool]] = []
            used = 0
            for head, value in zip(self.headers, row):
                if value == "":
                    continue
                key = head + colon
                size = cell_len(key + value)
                if "\n" in value or len(indent) + size > width:  # a long text: lines of its own
                    first = _starts(out) and not line
                    if line:
                        out.append(line)
                    for k, piece in enumerate(fold(key + value, width - len(indent))):
                        lead = [] if k == 0 and first else [(indent, False)]
                        out.append(lead + ([(key, True), (piece[len(key):], False)]
                                           if k == 0 and piece.startswith(key) else [(piece, False)]))
                    line, used = [], 0
                    continue
                if line and used + GAP + size > width:
                    out.append(line)
                    line, used = [], 0
                if line:
                    line.append((" " * GAP, False))
                    used += GAP
                elif not _starts(out):
                    line.append((indent, False))
                    used += len(indent)
                line += [(key, True), (value, False)]
                used += size
            if line:
                out.append(line)
        if self.caption:
            out += [[]] + [[(line, False)] for line in fold(self.caption, width)]
        return out


def _column(key: str, values: list, lang: str) -> list[str]:
    """The cells of column ``key``: each value as ``display`` words it, made ``visible`` (a
    multi-line column keeps its line breaks). A number is its digits and a text itself, except in
    the columns whose values are words (flags, enumerations, actions)."""
    from xinfang.escape import visible

    keep = "\n" if key in MULTILINE else ""
    if key in BOOLEANS or key in ENUMS or key == "action":
        return [visible(display(key, v, lang), keep) for v in values]
    out = []
    for v in values:
        kind = v.__class__
        if v is None:
            out.append("")
        elif kind is int or kind is float:
            out.append(str(v))
        elif kind is str:
            out.append(visible(v, keep))
        else:
            out.append(visible(display(key, v, lang), keep))
    return out


def fold(text: str, width: int) -> list[str]:
    """``text`` in lines at most ``width`` terminal columns wide, broken where a reader expects
    (``xinfang.fold``: never inside a number, a date or a word); its own line breaks kept, a word
    longer than a line cut by characters."""
    from rich.cells import chop_cells

    from xinfang.fold import fold as paragraph

    width = max(width, 2)
    return [piece for part in text.split("\n") for line in paragraph(part, width)
            for piece in (chop_cells(line, width) if cell_len(line) > width else [line])]


def _two_lines(heading: str) -> int:
    """The narrowest width at which ``heading`` takes at most two lines."""
    size = cell_len(heading)
    w = max(1, (size + 1) // 2)
    while len(fold(heading, w)) > 2:
        w += 1
    return w


def _starts(out: list) -> bool:
    """Whether the record being laid out has no line yet (its first line takes no indent)."""
    return not out or out[-1] == []


def table(rows: list[dict], columns: list[str], lang: str, title: str | None = None, caption: str | None = None):
    """A listing to print: a table that fits the console, else records (``Listing``)."""
    return Listing.of(rows, columns, lang, title, caption)


def show(con, listing: Listing) -> None:
    """Print ``listing`` on the console ``con``. A console that styles nothing (piped into a file or
    a program) gets the laid-out lines written as they are: the same text Rich would write, without
    its measuring every line again."""
    if con.color_system is not None:
        con.print(listing)
        return
    con.file.write(listing.text(con.options.max_width))


def unstyled(stream) -> bool:
    """Whether a Rich console on ``stream`` would certainly write no styles: the stream is no
    terminal and nothing makes Rich take it for one or colour it anyway (``FORCE_COLOR``,
    ``TTY_COMPATIBLE``, a notebook). When unsure, False: Rich decides."""
    import os

    if os.environ.get("FORCE_COLOR") is not None or os.environ.get("TTY_COMPATIBLE") or "IPython" in sys.modules:
        return False
    try:
        return not stream.isatty()
    except (AttributeError, ValueError):
        return False


def _text(value, keep: str = ""):
    """Data as a Rich ``Text``: never read as markup, its control characters (but ``keep``) made visible."""
    from rich.text import Text

    from xinfang.escape import visible

    return None if value is None else Text(visible(value, keep))


def emit(data, fmt: str, lang: str, columns: list[str] | None = None, rows: list[dict] | None = None,
         title: str | None = None, message: str | None = None, caption: str | None = None) -> None:
    """Print a command's result. ``data`` is the JSON document; ``rows``/``columns`` the listing
    (defaults: ``data`` itself when it is a list)."""
    if fmt == "json":
        # Indented for a person at a terminal; compact (and several times faster to encode) for programs.
        sys.stdout.write(to_json(data, 2 if sys.stdout.isatty() else None) + "\n")
        return
    listing = rows if rows is not None else (data if isinstance(data, list) else None)
    if fmt == "csv":
        if listing is None:
            listing = [data] if isinstance(data, dict) else []
        columns = columns or (list(listing[0]) if listing else [])
        write_csv(listing, columns, lang)
        return
    if listing and columns and not message and unstyled(sys.stdout):  # a plain listing: no Rich to load
        sys.stdout.write(table(listing, columns, lang, title=title, caption=caption).text(PIPED_WIDTH))
        return
    con = console()
    if message:
        con.print(_text(message, keep="\n"))  # a message may have lines of its own
    if listing is not None and columns:
        if listing:
            show(con, table(listing, columns, lang, title=title, caption=caption))
        else:
            con.print(_text(text("output.nothing", lang) + (f" {title}" if title else "")))
