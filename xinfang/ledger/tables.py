"""Reading a spreadsheet a clerk brings: the rows of a CSV file (UTF-8, or GB18030 as Excel saves
"CSV" on a Chinese Windows) or of an xlsx workbook's first sheet (or sheet 信访事项), as text cells,
streamed with a progress measure."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
from pathlib import Path
from typing import Callable, Iterator

from xinfang.errors import Refusal
from xinfang.escape import uncell
from xinfang.ledger.export import SHEET
from xinfang.model import Message

class Table:
    """Rows of a CSV or xlsx file: ``header`` (texts), ``rows`` yielding (row number, cells),
    and ``progress()`` -> (done, total) in the file's own unit (bytes or rows)."""

    def __init__(self, header: list[str], rows: Iterator[tuple[int, list[str]]],
                 progress: Callable[[], tuple[int, int]], close: Callable[[], None]):
        self.header, self.rows, self.progress, self.close = header, rows, progress, close


def open_table(path: Path) -> Table:
    """Open an import file by its extension (.csv or .xlsx)."""
    suffix = path.suffix.lower()
    if path.is_dir():
        raise Refusal("import.folder", path=repr(str(path)))
    if not path.is_file():
        raise Refusal("import.no_file", path=repr(str(path)))
    if suffix == ".csv":
        return _csv_table(path)
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_table(path)
    raise Refusal("import.file_type", name=repr(path.name))


def _csv_table(path: Path) -> Table:
    raw = open(path, "rb")
    head = raw.read(1 << 16)
    raw.seek(0)
    encoding = "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        encoding = "gb18030"  # Excel's plain "CSV" on a Chinese Windows
    text = io.TextIOWrapper(raw, encoding=encoding, newline="")
    reader = csv.reader(text)
    size = max(os.path.getsize(path), 1)

    def records():
        n = 1
        try:
            for cells in reader:
                n += 1
                # ``escape.uncell`` where it applies: most rows hold no escaped cell at all.
                yield n, [uncell(c) for c in cells] if "'" in "".join(cells) else cells
        except UnicodeDecodeError:
            raise Refusal("import.row_encoding", row=n + 1, encoding=encoding) from None
        except csv.Error as exc:
            from xinfang.errors import csv_problem

            raise Refusal("import.row_csv", row=n + 1, detail=csv_problem(exc)) from None

    try:
        first = next(reader, None)
    except (UnicodeDecodeError, csv.Error) as exc:
        text.close()
        from xinfang.errors import csv_problem

        detail = csv_problem(exc) if isinstance(exc, csv.Error) else Message.of("import.not_encoding", encoding=encoding)
        raise Refusal("import.header_unreadable", detail=detail) from None
    if first is None:
        text.close()
        raise Refusal("import.empty", name=path.name)
    # The Table holds ``text`` (through its close): the raw file stays open for progress reports.
    return Table(first, records(), lambda: (size if raw.closed else raw.tell(), size), text.close)


def _xlsx_table(path: Path) -> Table:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(str(path), read_only=True, data_only=True)
    except Exception:  # zip, XML or openpyxl's own errors: the file is not a workbook (an old .xls, a damaged one)
        raise Refusal("import.bad_xlsx", name=path.name) from None
    ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    first = next(rows, None)
    if first is None:
        wb.close()
        raise Refusal("import.empty_sheet", name=path.name)
    total = ws.max_row or 0
    done = [1]

    def records():
        n = 1
        for cells in rows:
            n += 1
            done[0] = n
            yield n, [uncell(_xlsx_text(v)) for v in cells]

    return Table([_xlsx_text(v) for v in first], records(), lambda: (done[0], total), wb.close)


def _xlsx_text(value) -> str:
    """A cell as the text a clerk sees: dates as YYYY-MM-DD, whole numbers without '.0'."""
    if value is None:
        return ""
    if type(value) is str:
        return value
    if isinstance(value, (dt.datetime, dt.date)):
        return (value.date() if isinstance(value, dt.datetime) else value).isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
