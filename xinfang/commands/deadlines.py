"""overdue: the supervision list (督办单)."""

from __future__ import annotations

import sys

from xinfang.model import Tier
from xinfang.session import STATE, fmt

OVERDUE_COLUMNS = ["case", "unit", "leader", "township", "clock", "due", "days_late", "tier", "provisional"]
PLAIN_ABOVE = 1000  # rows of the supervision list drawn as a Rich table; longer lists print as plain columns


def day_or_today(text: str | None, option: str = "--on"):
    """The date an option gives, else today."""
    from xinfang import parse

    return parse.parse_date(text, option) if text else STATE.today


def overdue(on: str | None = None, unit: str | None = None, township: str | None = None, tier: str | None = None,
            json_: bool = False, csv_: bool = False) -> None:
    """Print the open deadlines due soon, overdue or seriously overdue as of ``on`` (default today),
    grouped by responsible unit and leader, worst first."""
    from xinfang import parse
    from xinfang.ledger.clocks import overdue_clocks
    from xinfang.output import console, display, emit, label, table

    ledger = STATE.open()
    day = day_or_today(on)
    output = fmt(json_, csv_)
    rows = overdue_clocks(
        ledger, day,
        unit=ledger.ref.unit(unit) if unit else None,
        township=ledger.ref.township(township) if township else None,
        tier=parse.choice(Tier, tier, "--tier") if tier else None,
    )
    provisional = sum(1 for r in rows if r["provisional"])
    if provisional:
        sys.stderr.write(f"Warning: {provisional} due date(s) on this list are provisional (暂定): counted over a "
                         f"year with no official holiday schedule; see 'xinfang calendar show YEAR'\n")
    if output != "table":
        emit(rows, output, STATE.lang, columns=OVERDUE_COLUMNS)
        return
    lang = STATE.lang
    zh = lang == "zh"
    con = console()
    con.print(f"督办单 {day}" if zh else f"Supervision list, {day}")
    if not rows:
        con.print("（无即将到期或超期事项）" if zh else "(nothing due soon or overdue)")
        return
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        groups.setdefault((r["unit"], r["leader"]), []).append(r)
    columns = ["case", "township", "clock", "due", "days_late", "tier", "provisional"]
    plain = len(rows) > PLAIN_ABOVE
    if plain:
        sys.stderr.write(f"Note: {len(rows)} rows are shown as plain columns; --csv or --json suit long lists\n")
        widths = _widths(rows, columns, lang)
    for (unit_name, leader), items in groups.items():
        head = unit_name or ("未交办" if zh else "not assigned")
        if leader:
            head += f"　{label('leader', lang)}：{leader}" if zh else f" — leader {leader}"
        head += f"（{len(items)} 项）" if zh else f" ({len(items)})"
        if plain:
            sys.stdout.write(_plain(head, items, columns, widths, lang))
        else:
            con.print(table(items, columns, lang, title=head))
    counts = {t: sum(1 for r in rows if r["tier"] == t.value) for t in Tier}
    con.print("，".join(f"{display('tier', t.value, lang)} {n}" for t, n in counts.items()) if zh
              else ", ".join(f"{display('tier', t.value, lang)}: {n}" for t, n in counts.items()))


def _widths(rows: list[dict], columns: list[str], lang: str) -> list[int]:
    from rich.cells import cell_len

    from xinfang.output import display, label

    return [max([cell_len(label(c, lang))] + [cell_len(display(c, r.get(c), lang)) for r in rows]) for c in columns]


def _plain(head: str, items: list[dict], columns: list[str], widths: list[int], lang: str) -> str:
    """One group of a long supervision list as aligned text: Rich renders about 2,000 rows a second,
    too slow for a district-wide list of thousands."""
    from rich.cells import cell_len

    from xinfang.output import display, label

    def line(cells: list[str]) -> str:
        return "  ".join(text + " " * (w - cell_len(text)) for text, w in zip(cells, widths)).rstrip() + "\n"

    out = ["\n" + head + "\n", line([label(c, lang) for c in columns])]
    out += [line([display(c, r.get(c), lang) for c in columns]) for r in items]
    return "".join(out)
