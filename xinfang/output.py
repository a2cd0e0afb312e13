"""One renderer for every command: a Rich table on a terminal, ``--json`` or ``--csv``.

Labels default to Chinese; ``--lang en`` gives English. JSON and CSV keys/values stay the stable
English keys of CLI.md, so scripts do not depend on the display language. Resident ID numbers and
phone numbers are masked unless the clerk asks for them (``--reveal``).
"""

from __future__ import annotations

import json
import sys
from enum import Enum

from xinfang import model
from xinfang.labels import ACTIONS, LABELS
from xinfang.personal import mask, mask_id, mask_phone  # noqa: F401  (for the commands)

ENUMS: dict[str, type[Enum]] = {
    "channel": model.Channel, "level": model.Level, "kind": model.Kind, "status": model.Status,
    "clock": model.Clock, "tier": model.Tier, "sanction": model.SanctionKind, "role": model.Role,
    "outcome": model.Outcome, "satisfaction": model.Satisfaction, "evaluation_acceptance": model.Satisfaction,
    "evaluation_handling": model.Satisfaction, "result": model.Satisfaction, "stage": model.Stage, "via": model.Via,
}
BOOLEANS = {"major", "collective", "skip_level", "initial", "signed", "cease_agreement", "provisional", "met",
            "bottom", "exhausted", "published", "allowed"}


def label(key: str, lang: str) -> str:
    zh, en = LABELS.get(key, (key, key))
    return zh if lang == "zh" else en


def history_rows(events: list[dict], lang: str) -> list[dict]:
    """History rows for a table: field names and coded old/new values in the reader's language."""
    out = []
    for e in events:
        field = e.get("field")
        row = dict(e)
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


def display(key: str, value, lang: str) -> str:
    """A value as a person reads it, in the chosen language."""
    if value is None or value == "":
        return ""
    if key in BOOLEANS or isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if key == "action" and value in ACTIONS:
        return ACTIONS[value][0 if lang == "zh" else 1]
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
    import csv

    out = out or sys.stdout
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else _csv_value(row.get(c)) for c in columns])


def _csv_value(value):
    from xinfang.escape import cell

    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (list, tuple)):
        return cell(";".join(str(v) for v in value))
    if isinstance(value, Enum):
        return value.value
    return cell(value)  # never a formula in a spreadsheet


def console(stderr: bool = False):
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    # Piped into a file or another program: do not fold tables to 80 columns.
    width = None if stream.isatty() else 200
    return Console(stderr=stderr, highlight=False, soft_wrap=False, width=width, file=stream)


# Columns whose cells hold one item a line (a sanction's triggers).
MULTILINE = frozenset({"triggers", "timely_acceptance_rate", "on_time_rate", "satisfaction_rate", "evaluation_rate",
                       "repeat_rate", "first_contact_rate"})


def table(rows: list[dict], columns: list[str], lang: str, title: str | None = None, caption: str | None = None):
    from rich.table import Table

    t = Table(title=_text(title), caption=_text(caption), show_lines=False, header_style="bold")
    for c in columns:
        t.add_column(label(c, lang), overflow="fold", justify="right" if c in {"score", "cases", "people", "position",
                     "days_late", "paid", "deducted", "balance", "refund", "reward", "population"} else "left")
    for row in rows:
        t.add_row(*[_text(display(c, row.get(c), lang), keep="\n" if c in MULTILINE else "") for c in columns])
    return t


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
    con = console()
    if message:
        con.print(_text(message, keep="\n"))  # a message may have lines of its own
    if listing is not None and columns:
        if listing:
            con.print(table(listing, columns, lang, title=title, caption=caption))
        else:
            con.print(_text(("（无记录）" if lang == "zh" else "(nothing to show)") + (f" {title}" if title else "")))
