"""Export of cases to spreadsheets: every case field as CSV (UTF-8 with BOM, so Excel and WPS read
Chinese), an xlsx workbook or JSON, streamed from a cursor. The file's columns are the layout
``import`` reads back (``xinfang.ledger.importer``).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import unicodedata
from pathlib import Path
from typing import Callable, Iterator

from xinfang.errors import Refusal
from xinfang.escape import cell as safe_cell
from xinfang.messages import label, template
from xinfang.ledger.cases import CASE_FIELDS
from xinfang.model import Channel, Clock, DeclineGround, Kind, Level, Outcome, Satisfaction, Status, Told
from xinfang.personal import TEXT_FIELDS, mask_id, mask_phone, mask_text

SHEET = "信访事项"
LIFECYCLE = ("status", "unit", "joint", "leader", "accepted_on", "told", "decline_ground", "assigned_on", "replied_on",
             "written_on", "opinion_received_on", "review_body", "closed_on", "outcome", "satisfaction", "signed",
             "cease_agreement")
DERIVED = ("collective", "skip_level", "repeat_of", "initial")
# The day the responsible unit objected to the assignment (交办异议, 条例 art. 23 §3) of a case
# awaiting assignment again (or declined since): its unit, leader and assignment date are the
# objected assignment's. Read from the objection window's clock, so that an import takes the case
# through the same objection.
OBJECTED = "objected_on"
_OBJECTED_SQL = ("CASE WHEN cases.status IN ('registered', 'accepted', 'declined') AND cases.assigned_on IS NOT NULL THEN"
                 " (SELECT k.done_on FROM clocks k WHERE k.case_number = cases.number AND k.clock = 'objection'"
                 " AND k.met = 1) END AS objected_on")
# The extension (延期, 条例 art. 34) of a case's clock: which clock, the day it was approved, its days,
# who approved it, the day the petitioner was told, the reason; read from the clock and its history
# row (``model.extension_note``), so that an import grants the same extension on the same day.
EXTENSION = ("extended_clock", "extended_on", "extension_days", "extension_approved_by", "extension_told_on",
             "extension_reason")
_EXTENSION_JOIN = (
    " LEFT JOIN (SELECT case_number AS x_case, min(id), clock AS x_clock, extension_days AS x_days,"
    " approved_by AS x_by, told_on AS x_told, (SELECT e.note FROM events e WHERE e.case_number = clocks.case_number"
    " AND e.action = 'clock-extend' AND e.field = clocks.clock ORDER BY e.id DESC LIMIT 1) AS x_note"
    " FROM clocks WHERE extension_days > 0 GROUP BY case_number) x ON x.x_case = cases.number")
# The note is '+{days} days approved {on}[ by {who}][, petitioner told {told}]: {reason}'.
_EXTENSION_SQL = {
    "extended_clock": "x.x_clock",
    "extended_on": "substr(x.x_note, instr(x.x_note, ' approved ') + 10, 10)",
    "extension_days": "x.x_days",
    "extension_approved_by": "x.x_by",
    "extension_told_on": "x.x_told",
    "extension_reason": ("substr(x.x_note, length('+' || x.x_days || ' days approved ') + 11"
                         " + coalesce(length(' by ' || x.x_by), 0)"
                         " + coalesce(length(', petitioner told ' || x.x_told), 0) + 2)"),
}
EXPORT_COLUMNS = ("number", *CASE_FIELDS, *DERIVED, *LIFECYCLE, OBJECTED, *EXTENSION)
REQUIRED = ("received", "channel", "township", "name", "category", "summary")
BOOLEAN_COLUMNS = frozenset({"major", "collective", "skip_level", "initial", "signed", "cease_agreement"})
DATE_COLUMNS = frozenset({"received", "accepted_on", "assigned_on", "written_on", "opinion_received_on", "replied_on", "closed_on",
                          OBJECTED, "extended_on", "extension_told_on"})
ENUM_COLUMNS = {"channel": Channel, "level": Level, "kind": Kind, "status": Status, "outcome": Outcome,
                "satisfaction": Satisfaction, "told": Told, "decline_ground": DeclineGround, "extended_clock": Clock}
# Free text an official typed that may hold a number to mask, as TEXT_FIELDS in a petitioner's.
MASKED_TEXT = (*TEXT_FIELDS, "extension_approved_by", "extension_reason")
XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit, less the header row


def header(key: str, lang: str) -> str:
    """Column heading: the Chinese label, or the stable English key (``case`` for the number)."""
    if lang == "zh":
        return label(key)
    return "case" if key == "number" else key


def _select(ledger, township: str | None, month: str | None, limit: int | None = None) -> tuple[str, list]:
    from xinfang.ledger.protection import link_shown_sql, shown_to_sql

    where, params = [], []
    columns = [f"{_EXTENSION_SQL[k]} AS {k}" if k in _EXTENSION_SQL else f"cases.{k}" for k in EXPORT_COLUMNS]
    columns[columns.index(f"cases.{OBJECTED}")] = _OBJECTED_SQL
    if township:
        # 检举控告 protection: never hand a township the accusations it is protected against, nor
        # their numbers as the earlier case (前案) another case repeats.
        columns[columns.index("cases.repeat_of")] = f"{link_shown_sql(ledger, 'cases.repeat_of')} AS repeat_of"
        where.append(f"cases.township = ? AND {shown_to_sql(ledger)}")
        params += [township, township, township]
    if month:
        where.append("cases.month = ?")
        params.append(month)
    sql = (f"SELECT {', '.join(columns)} FROM cases{_EXTENSION_JOIN}"
           + (" WHERE " + " AND ".join(where) if where else "")
           + " ORDER BY cases.year, cases.seq" + (f" LIMIT {int(limit)}" if limit else ""))
    return sql, params


def case_numbers(ledger, township: str | None = None, month: str | None = None) -> list[str]:
    """The numbers of the cases an export with these filters writes, in its order."""
    sql, params = _select(ledger, township, month)
    return [r[0] for r in ledger.conn.execute(f"SELECT number FROM ({sql})", params)]


def count_cases(ledger, township: str | None = None, month: str | None = None) -> int:
    sql, params = _select(ledger, township, month)
    return ledger.scalar(f"SELECT count(*) FROM ({sql})", params)


def export_rows(ledger, township: str | None = None, month: str | None = None,
                limit: int | None = None) -> Iterator[tuple]:
    """Stored case rows in case-number order, as tuples in ``EXPORT_COLUMNS`` order (a live cursor)."""
    sql, params = _select(ledger, township, month, limit)
    return ledger.conn.execute(sql, params)


def _converters(ref, lang: str, reveal: bool, typed: bool = False) -> list[Callable | None]:
    """Per export column: stored value -> what the file shows (None: the value as stored).

    ``typed`` (xlsx) keeps numbers as numbers and dates as dates, so Excel can sort and filter."""
    zh = lang == "zh"
    convs: list[Callable | None] = []
    for key in EXPORT_COLUMNS:
        conv = None
        if key in ENUM_COLUMNS:
            if zh:
                labels = {m.value: m.zh for m in ENUM_COLUMNS[key]}
                conv = lambda v, labels=labels: labels.get(v, v)  # noqa: E731
        elif key == "category":
            if zh:
                labels = {k: r["zh"] for k, r in ref.categories.items()}
                conv = lambda v, labels=labels: labels.get(v, v)  # noqa: E731
        elif key in BOOLEAN_COLUMNS:
            conv = (lambda v: "是" if v else "否") if zh else (lambda v: "1" if v else "0")
        elif key == "joint":
            sep = "、" if zh else ";"
            conv = lambda v, sep=sep: sep.join(json.loads(v))  # noqa: E731
        elif key == "id_number" and not reveal:
            conv = mask_id
        elif key == "phone" and not reveal:
            conv = mask_phone
        elif key in MASKED_TEXT and not reveal:
            conv = mask_text
        elif key in DATE_COLUMNS and typed:
            conv = dt.date.fromisoformat
        elif key == "people" and not typed:
            conv = str
        convs.append(conv)
    return convs


def _cells(row: tuple, convs: list) -> list:
    # safe_cell(): text a spreadsheet would take for a formula gets a leading ' (import removes it).
    return ["" if v is None else safe_cell(c(v) if c else v) for v, c in zip(row, convs)]


def write_csv(ledger, out, lang: str, reveal: bool, township: str | None = None, month: str | None = None) -> int:
    """Write the cases as CSV to the text stream ``out``, BOM first; returns the number of cases."""
    convs = _converters(ledger.ref, lang, reveal)
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([header(k, lang) for k in EXPORT_COLUMNS])
    n = 0
    for row in export_rows(ledger, township, month):
        writer.writerow(_cells(row, convs))
        n += 1
    return n


def write_json(ledger, out, reveal: bool, township: str | None = None, month: str | None = None) -> int:
    """Write the cases as one JSON list of case objects (stable English keys and values)."""
    keys = ["case" if k == "number" else k for k in EXPORT_COLUMNS]
    out.write("[")
    n = 0
    for row in export_rows(ledger, township, month):
        obj = dict(zip(keys, row))
        for key in BOOLEAN_COLUMNS:
            if obj[key] is not None:
                obj[key] = bool(obj[key])
        obj["joint"] = json.loads(obj["joint"]) if obj["joint"] else None
        if not reveal:
            obj["id_number"], obj["phone"] = mask_id(obj["id_number"]), mask_phone(obj["phone"])
            for key in MASKED_TEXT:
                obj[key] = mask_text(obj[key])
        out.write(("\n  " if n == 0 else ",\n  ") + json.dumps(obj, ensure_ascii=False))
        n += 1
    out.write("\n]\n" if n else "]\n")
    return n


def display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: CJK and other wide characters count 2."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _print_setup(ws, columns: int, rows: int, lang: str) -> None:
    """Filter buttons on the header row; printed on A4 landscape, all columns on one page width,
    the header row repeated on every page, gridlines as cell borders, the title and page numbers
    in the page header and footer (the sheet itself starts with its header row, so it imports back)."""
    from openpyxl.utils import get_column_letter

    ws.auto_filter.ref = f"A1:{get_column_letter(columns)}{rows + 1}"
    ws.print_title_rows = "1:1"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = True
    ws.oddHeader.center.text = template("export.sheet_header", lang)
    ws.oddFooter.right.text = template("doc.page_of", lang).replace("{n}", "&P").replace("{m}", "&N")


def write_xlsx(ledger, path: Path, lang: str, reveal: bool, township: str | None = None,
               month: str | None = None) -> int:
    """Write one sheet 信访事项: bold header, frozen top row, columns as wide as their text."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    total = count_cases(ledger, township, month)
    if total > XLSX_MAX_ROWS:
        raise Refusal("export.too_many", total=total, most=XLSX_MAX_ROWS)
    headings = [header(k, lang) for k in EXPORT_COLUMNS]
    text_convs = _converters(ledger.ref, lang, reveal)
    widths = [display_width(h) for h in headings]
    # Widths from the first rows: enough to fit typical text without reading the ledger twice.
    for row in export_rows(ledger, township, month, limit=1000):
        for i, value in enumerate(_cells(row, text_convs)):
            widths[i] = max(widths[i], display_width(str(value)))
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(w, 60) + 2
    ws.freeze_panes = "A2"
    _print_setup(ws, len(headings), total, lang)  # a write-only sheet takes its settings before its rows
    bold = Font(bold=True)
    cells = []
    for h in headings:
        cell = WriteOnlyCell(ws, value=h)
        cell.font = bold
        cells.append(cell)
    ws.append(cells)
    convs = _converters(ledger.ref, lang, reveal, typed=True)
    dates = [i for i, k in enumerate(EXPORT_COLUMNS) if k in DATE_COLUMNS]
    n = 0
    for row in export_rows(ledger, township, month):
        values = _cells(row, convs)
        for i in dates:
            if values[i] != "":
                cell = WriteOnlyCell(ws, value=values[i])
                cell.number_format = "yyyy-mm-dd"
                values[i] = cell
        ws.append(values)
        n += 1
    wb.save(str(path))
    return n
