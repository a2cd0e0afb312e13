"""The monthly bulletin (通报) as Markdown, HTML (inline SVG chart, A4 print CSS) or a workbook.

``sections`` turns a ``Bulletin`` into titled tables once; each format renders those tables, so
the three documents always carry the same numbers. The bulletin is published: it holds no
personal data and never names the unit an accusation accuses.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from html import escape
from typing import NamedTuple

from xinfang.escape import visible
from xinfang.messages import listed, wording
from xinfang.render.text import (change_phrase, change_text, day_text, month_abbr, month_title, number_text, t, yes_no,
                                 yuan_text)

# Worksheet of each section; the names are stable for scripts whatever the language.
SHEETS = {"totals": "概况", "ranking": "排名", "bottom": "后十位", "sanctions": "制裁", "indicators": "指标",
          "overdue": "超期", "deposits": "保证金"}
FONT_STACK = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "SimSun", sans-serif'


class Table(NamedTuple):
    columns: list[str]
    rows: list[list]  # cells: str, int, float or None
    numeric: frozenset[int] = frozenset()  # right-aligned columns
    marked: tuple[bool, ...] = ()  # rows to emphasise (bottom group, totals)
    caption: str | None = None


class Change(NamedTuple):
    """A year-on-year change in a table cell: its words (下降19.0%) and the signed ratio (-0.19)
    that a workbook stores as a number; ``ratio`` is None when there is nothing to compare with."""

    text: str
    ratio: float | None
    trend: str = "none"  # up, down, flat or none (``ledger.report.change``)

    def __str__(self) -> str:
        return self.text


def _change(ch: dict, lang: str) -> Change:
    if ch["trend"] == "flat":
        ratio = 0.0
    elif ch["pct"] is None:
        ratio = None
    else:
        ratio = (-abs(ch["pct"]) if ch["trend"] == "down" else abs(ch["pct"])) / 100
    return Change(change_text(ch, lang), ratio, ch["trend"])


class Pct(NamedTuple):
    """A rate in a table cell: its words (85.7%（6/7）, or — without a denominator) and the ratio a
    workbook stores as a number (None: no value)."""

    text: str
    ratio: float | None

    def __str__(self) -> str:
        return self.text


def _pct(pair, lang: str, counts: bool = True) -> Pct:
    numerator, denominator = pair
    if not denominator:
        return Pct(t("pct.counts", lang, pct="—", n=0, d=0) if counts else "—", None)
    ratio = numerator / denominator
    shown = f"{ratio:.1%}"
    if counts:
        shown = t("pct.counts", lang, pct=shown, n=numerator, d=denominator)
    return Pct(shown, ratio)


SPARKS = "▁▂▃▄▅▆▇█"


def _spark(pairs) -> str:
    """Twelve months of a rate as a line of bars (▁ 0% … █ 100%); · a month without a value."""
    return "".join("·" if not d else SPARKS[min(int(n / d * len(SPARKS)), len(SPARKS) - 1)] for n, d in pairs)


class Section(NamedTuple):
    key: str
    title: str
    paragraphs: list[str]
    tables: list[Table]


# -- the content, once ---------------------------------------------------------------------------

def _label(enum_name: str, value, lang: str) -> str:
    from xinfang import model

    enum = getattr(model, enum_name)
    try:
        member = enum(value)
    except ValueError:
        return str(value)
    return member.label(lang)


def _month_column(b, lang: str) -> str:
    head = t("this_month", lang)
    if not b.method["complete"]:
        head = t("month_column.partial", lang, head=head, day=b.as_of.day)
    return head


def _ytd_column(b, lang: str) -> str:
    mon = int(b.month[5:7])
    return t("ytd_column", lang, ytd=t("ytd", lang), upto=month_abbr(mon, lang)) if mon > 1 else t("ytd", lang)


def _summary(b, lang: str) -> str:
    rows = {r["key"]: r for r in b.totals}
    total, letter, visit, outreach = rows["total"], rows["letter"], rows["visit"], rows["outreach"]
    mon = int(b.month[5:7])

    def said(code: str, period: str, change: str, **more) -> str:
        return t(code, lang, total=total[period], total_change=change_phrase(total[change], lang),
                 letter=letter[period], letter_change=change_phrase(letter[change], lang),
                 visit=visit[period], visit_change=change_phrase(visit[change], lang), **more)

    out = said("summary.month", "month", "change", when=month_title(b.month, lang), outreach=outreach["month"])
    if mon > 1:
        out += said("summary.ytd", "ytd", "ytd_change", upto=month_abbr(mon, lang))
    return out


def _totals(b, lang: str) -> Section:
    cols = [t("item", lang), _month_column(b, lang), t("same_month", lang), t("yoy", lang), _ytd_column(b, lang),
            t("ytd_last", lang), t("yoy", lang)]

    def row(r, prefix):
        return [t(prefix + r["key"], lang), r["month"], r["last_year"], _change(r["change"], lang),
                r["ytd"], r["ytd_last_year"], _change(r["ytd_change"], lang)]

    totals = Table(cols, [row(r, "ch_") for r in b.totals], frozenset({1, 2, 4, 5}),
                   tuple(r["key"] == "total" for r in b.totals))
    indicators = Table(cols, [row(r, "in_") for r in b.indicators], frozenset({1, 2, 4, 5}))
    labels = [t("month_short", lang, m=m) for m in range(1, 13)]
    year = b.trend["year"]
    trend = Table([t("month_label", lang), f"{year}", f"{year - 1}"],
                  [[labels[i], b.trend["this"][i], b.trend["last"][i]] for i in range(12)], frozenset({1, 2}),
                  caption=t("s_trend", lang))
    return Section("totals", t("s_totals", lang), [_summary(b, lang)], [totals, indicators, trend])


def _ranking_rows(b, top: int | None) -> list[dict]:
    rows = b.ranking["rows"] if b.ranking else []
    return [r for r in rows if top is None or r["position"] <= top]


def _ranking(b, lang: str, top: int | None) -> Section:
    if b.ranking is None:
        return Section("ranking", t("s_ranking", lang), [t("no_module", lang)], [])
    rows = _ranking_rows(b, top)
    has_prev = any(r.get("prev_score") is not None for r in rows)
    has_year = any(r.get("prev_year_score") is not None for r in rows)
    cols = [t(k, lang) for k in ("position", "township", "score", "cases", "skip_level", "collective", "repeat",
                                 "bottom")]
    cols += [t("prev_score", lang)] if has_prev else []
    cols += [t("prev_year_score", lang)] if has_year else []
    body = []
    for r in rows:
        line = [r["position"], r["township"], r["score"], r["cases"], r.get("skip_level"), r.get("collective"),
                r.get("repeat"), yes_no(r["bottom"], lang)]
        line += [r.get("prev_score")] if has_prev else []
        line += [r.get("prev_year_score")] if has_year else []
        body.append(line)
    numeric = frozenset({0, 2, 3, 4, 5, 6} | ({8} if has_prev else set()) | ({8 + has_prev} if has_year else set()))
    paragraphs = [_status_line(b, lang)]
    unranked = b.ranking.get("unranked_cases") or 0
    if unranked:
        paragraphs.append(t("unranked", lang, n=unranked))
    if top is not None:
        paragraphs.append(t("top_note", lang, n=top))
    return Section("ranking", t("s_ranking", lang), paragraphs,
                   [Table(cols, body, numeric, tuple(bool(r["bottom"]) for r in rows))])


def _status_line(b, lang: str) -> str:
    m = b.method
    if m["published"]:
        return t("status.published", lang, day=day_text(m["published_on"], lang))
    return t("status.provisional", lang)


def _bottom(b, lang: str) -> Section:
    size = b.method["bottom_size"]
    title = t("s_bottom", lang) if size == 10 else t("s_bottom.size", lang, size=size)
    if b.ranking is None:
        return Section("bottom", title, [t("no_module", lang)], [])
    if not b.bottom:
        return Section("bottom", title, [t("none", lang)], [])
    lead = t("bottom.lead", lang, size=size, names=tuple(r["township"] for r in b.bottom))
    cols = [t(k, lang) for k in ("position", "township", "score", "cases", "streak")]
    rows = [[r["position"], r["township"], r["score"], r["cases"], r["streak"]] for r in b.bottom]
    return Section("bottom", title, [lead], [Table(cols, rows, frozenset({0, 2, 3, 4}))])


MEASURES = ("veto", "key_management", "chronic", "summons", "admonishment")
STATUS_ORDER = {"in_force": 0, "confirmed": 1, "proposed": 2}


def _sanction_groups(b) -> dict[tuple[str, str], dict]:
    """The listed measures (one per township and kind) by (township, measure), each with its
    strongest status's rank, how many of its triggers stand (in force, confirmed or proposed), and
    the latest trigger of the strongest status (what the table words in a few words)."""
    groups: dict[tuple[str, str], dict] = {}
    for s in b.sanctions:
        triggers = s.get("triggers") or [s]
        strongest = [t for t in triggers if t.get("status") == s.get("status")] or triggers
        latest = max(strongest, key=lambda t: t.get("start") or "")
        groups[(s.get("township"), s.get("sanction"))] = {
            **s, "trigger": latest.get("trigger"), "months": latest.get("months"), "cases": latest.get("cases"),
            "times": max(1, sum(1 for t in triggers if t.get("status") in STATUS_ORDER)),
            "rank": STATUS_ORDER.get(s.get("status"), 9)}
    return groups


def _sanction_ground(g: dict, lang: str, bottom_size: int) -> str:
    """The trigger of a sanction in a few words for the bulletin's table: the full wording, with
    every case number, is in ``sanctions`` and in the overdue section."""
    from xinfang.messages import text
    from xinfang.model import Message

    trig = g.get("trigger")
    params = dict(trig.params) if isinstance(trig, Message) else {}
    code = trig.code if isinstance(trig, Message) else ""
    months = g.get("months") or []
    cases = g.get("cases") or []
    if code in ("sanction.veto", "sanction.key_management.ranking") and months:
        ground = text("bulletin.sanction.ranking", lang, n=params.get("n", len(months)),
                      bottom_size=params.get("bottom_size", bottom_size), first=months[0], last=months[-1])
    elif code == "sanction.key_management.incident":
        ground = text("bulletin.sanction.incident", lang, level=params["level"], n=len(cases))
    elif code == "sanction.chronic":
        ground = text("bulletin.sanction.chronic", lang, n=params.get("n", len(cases)))
    elif code == "sanction.summons":
        ground = text("bulletin.sanction.summons", lang, n=params["n"], rate=params["rate"])
    elif code == "sanction.admonishment":
        ground = text("bulletin.sanction.admonishment", lang, level=params["level"])
    else:
        ground = wording(trig, lang)
    if g["times"] > 1:
        ground += text("bulletin.sanction.times", lang, n=g["times"])
    return ground


def _sanction_cell(g: dict | None, lang: str, bottom_size: int) -> str:
    from xinfang.messages import text

    if g is None:
        return ""
    status = _label("SanctionStatus", g.get("status"), lang)
    when = text("bulletin.sanction.since", lang, start=g.get("start") or "")
    if g.get("end"):
        when += text("sanction.until", lang, end=g["end"])
    return f"{t('sanction.cell', lang, status=status, when=when)}\n{_sanction_ground(g, lang, bottom_size)}"


def _sanctions(b, lang: str) -> Section:
    from xinfang.messages import text

    if b.sanctions is None:
        return Section("sanctions", t("s_sanctions", lang), [t("no_module", lang)], [])
    if not b.sanctions:
        return Section("sanctions", t("s_sanctions", lang), [t("none", lang)], [])
    groups = _sanction_groups(b)
    place = {r["township"]: i for i, r in enumerate(b.ranking["rows"])} if b.ranking else {}
    measures = [m for m in MEASURES if any(k[1] == m for k in groups)]
    measures += sorted({k[1] for k in groups} - set(measures))
    first: dict = {}  # township -> the rank of its most serious measure
    for (tw, _), g in groups.items():
        first[tw] = min(first.get(tw, g["rank"]), g["rank"])
    towns = sorted(first, key=lambda tw: (first[tw], place.get(tw, 999), tw or ""))
    cols = [t("township", lang)] + [_label("SanctionKind", m, lang) for m in measures]
    rows = [[tw] + [_sanction_cell(groups.get((tw, m)), lang, b.method["bottom_size"]) for m in measures] for tw in towns]
    in_force = sum(1 for g in groups.values() if g.get("status") in ("in_force", "confirmed"))
    proposed = sum(1 for g in groups.values() if g.get("status") == "proposed")
    with_force = {k[0] for k, g in groups.items() if g.get("status") in ("in_force", "confirmed")}
    effects = []
    for m in measures:
        acts = next((g.get("effects") for k, g in groups.items() if k[1] == m and g.get("effects")), None)
        if acts:
            effects.append(text("bulletin.sanction.effect", lang, kind=_label("SanctionKind", m, lang),
                                actions=tuple(_label("Action", a, lang) for a in acts)))
    lead = text("bulletin.sanctions.lead", lang, towns=len(with_force), in_force=in_force, proposed=proposed)
    paragraphs = [lead] + ([text("bulletin.sanctions.effects", lang, effects=t("separator.semicolon", lang).join(effects))]
                           if effects else [])
    return Section("sanctions", t("s_sanctions", lang), paragraphs,
                   [Table(cols, rows, frozenset(), tuple(tw in with_force for tw in towns))])


def _indicators(b, lang: str) -> Section:
    """Each township's indicators of the month, with its on-time rate's twelve months as a line of
    bars; then the district's twelve months of every rate (a line chart in HTML and the workbook)."""
    from xinfang.messages import text
    from xinfang.model import Message
    from xinfang.rules.indicators import RATES

    title = t("s_indicators", lang)
    if b.rates is None:
        return Section("indicators", title, [t("no_module", lang)], [])
    months = b.rates["months"]

    def name(key: str) -> str:
        return text(f"indicator.{key}", lang)

    district = b.rates["district"]
    items = tuple(Message.of("bulletin.rates.item", name=Message.of(f"indicator.{k}"), value=str(_pct(district[k][-1], lang)))
                  for k in RATES)
    lead = text("bulletin.rates.lead", lang, month=month_title(b.month, lang), rates=items)
    trend_rate = b.rates["trend_rate"]
    cols = [t("township", lang)] + [name(k) for k in RATES] + [text("bulletin.rates.trend", lang, name=name(trend_rate))]
    rows = [[r["township"]] + [_pct(r["rates"][k], lang) for k in RATES] + [_spark(r["trend"])] for r in b.rates["rows"]]
    per_town = Table(cols, rows, frozenset(range(1, len(RATES) + 1)))
    trend = Table([text("bulletin.rates.indicator", lang)] + [m[2:] if lang == "zh" else m for m in months],
                  [[name(k)] + [_pct(p, lang, counts=False) for p in district[k]] for k in RATES],
                  frozenset(range(1, len(months) + 1)),
                  caption=text("bulletin.rates.district_trend", lang, first=months[0], last=months[-1]))
    return Section("indicators", title, [lead, text("bulletin.rates.note", lang)], [per_town, trend])


def _overdue(b, lang: str) -> Section:
    total = sum(r["overdue"] for r in b.overdue)
    serious = sum(r["seriously_overdue"] for r in b.overdue)
    lead = t("overdue.lead", lang, total=total, serious=serious, days=b.method["seriously_overdue_days"])
    if not b.overdue:
        return Section("overdue", t("s_overdue", lang), [lead], [])
    cols = [t(k, lang) for k in ("unit", "overdue", "seriously_overdue", "worst_days_late", "case_numbers")]
    rows = []
    for r in b.overdue:
        numbers = _numbers(r["cases"], t("overdue.withheld", lang, n=r["withheld"]) if r.get("withheld") else "", lang)
        rows.append([r["unit"] or t("not_assigned", lang), r["overdue"], r["seriously_overdue"],
                     r["worst_days_late"], numbers])
    return Section("overdue", t("s_overdue", lang), [lead], [Table(cols, rows, frozenset({1, 2, 3}))])


def _withheld_numbers(r: dict, lang: str) -> Numbers:
    """The case numbers of a row; its accusations (检举控告) counted, their numbers withheld."""
    from xinfang.messages import text

    return _numbers(r["cases"], text("protection.withheld", lang, n=r["withheld"]) if r.get("withheld") else "", lang)


class Numbers(NamedTuple):
    """Case numbers in a table cell, then what is withheld of them (when anything is): the whole
    list in text (``str``), or as many as a workbook's cell holds (``within``)."""

    cases: tuple
    hidden: str
    lang: str

    def __str__(self) -> str:
        return self._joined(listed(self.cases, self.lang))

    def _joined(self, numbers: str) -> str:
        if not self.hidden:
            return numbers
        return f"{numbers}{t('separator.semicolon', self.lang)}{self.hidden}" if numbers else self.hidden

    def within(self, limit: int) -> str:
        """The cell's text in at most ``limit`` characters as Excel counts them (``cell_units``; an
        Excel cell's ``CELL_LIMIT``, less any room kept): the numbers that fit, then how many more
        are left out and where they are all listed (never a number cut in two)."""
        whole = str(self)
        if cell_units(whole) <= limit:
            return whole
        lo, hi = 0, len(self.cases)  # the most numbers whose text, with the note, fits
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if cell_units(self._shown(mid, limit)) <= limit:
                lo = mid
            else:
                hi = mid - 1
        return self._shown(lo, limit)

    def _shown(self, k: int, limit: int) -> str:
        more = t("cell.more", self.lang, n=len(self.cases) - k, limit=CELL_LIMIT)
        return self._joined(listed(self.cases[:k], self.lang) + more)


def _numbers(cases, hidden: str, lang: str) -> Numbers:
    """Case numbers listed, then what is withheld of them (when anything is)."""
    return Numbers(tuple(cases), hidden, lang)


def _deposits(b, lang: str) -> Section:
    deduction = yuan_text(b.method["deduction_fen"])
    level = _label("Level", b.method["deduction_min_level"], lang)
    lead = t("deposits.lead", lang, level=level, deduction=deduction)
    if not b.deposits:
        return Section("deposits", t("s_deposits", lang), [lead, t("none", lang)], [])
    cols = [t(k, lang) for k in ("township", "role", "official", "cases", "deducted", "case_numbers", "balance")]
    rows = [[r["township"], _label("Role", r["role"], lang) if r["role"] else "", r["official"],
             len(r["cases"]) + r.get("withheld", 0), r["deducted_fen"] / 100, _withheld_numbers(r, lang),
             None if r["balance_fen"] is None else r["balance_fen"] / 100] for r in b.deposits]
    total = sum(r["deducted_fen"] for r in b.deposits)
    rows.append([t("ch_total", lang), "", "", None, total / 100, "", None])
    marked = tuple([False] * len(b.deposits) + [True])
    return Section("deposits", t("s_deposits", lang), [lead], [Table(cols, rows, frozenset({3, 4, 6}), marked)])


def _method(b, lang: str) -> Section:
    from xinfang.messages import in_language

    m = b.method
    r = m["ranking"] or {}
    status = (t("method.published", lang, day=day_text(m["published_on"], lang)) if m["published"]
              else t("method.provisional", lang))
    lines = [t("method.month", lang, month=month_title(m["month"], lang), status=status),
             t("method.counting", lang) + ("" if m["complete"] else t("method.partial", lang)),
             t("method.kinds", lang, people=m["collective_people"],
               skip=tuple(_label("Level", lv, lang) for lv in m["skip_levels"]))]
    if r.get("formula"):
        lines.append(t("method.ranking", lang, formula=in_language(r["formula"], lang)))
    lines += [t("method.overdue", lang, days=m["seriously_overdue_days"]),
              t("method.deposits", lang, amount=yuan_text(m["deposit_fen"])),
              t("method.privacy", lang)]
    return Section("method", t("s_method", lang), lines, [])


def sections(b, lang: str = "zh", top: int | None = None) -> list[Section]:
    """The bulletin's sections in order: totals, ranking, bottom group, sanctions, indicators,
    overdue, deposits, method."""
    return [_totals(b, lang), _ranking(b, lang, top), _bottom(b, lang), _sanctions(b, lang), _indicators(b, lang),
            _overdue(b, lang), _deposits(b, lang), _method(b, lang)]


def _cell(value) -> str:
    if value is None:
        return ""
    return number_text(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


def _money_cell(value) -> str:
    return "" if value is None else yuan_text(round(value * 100))


def _is_money(section: Section, index: int) -> bool:
    return section.key == "deposits" and index in (4, 6)


def _issuer(b, issuer: str | None, lang: str) -> str:
    """The issuing office: --issuer, else the policy's [office] issuer, else the default wording."""
    return issuer or b.method.get("issuer") or t("issuer", lang)


def _dates(b, lang: str) -> str:
    """The one cut-off date of the bulletin (数据截至) and the day it is issued."""
    return f"{t('as_of', lang, day=day_text(b.as_of, lang))}　{t('issued', lang, day=day_text(b.today, lang))}"


def _heading(b, lang: str, issuer: str | None) -> tuple[str, str, str]:
    year, mon = int(b.month[:4]), int(b.month[5:7])
    issue = t("issue", lang, year=year, mon=mon)
    status = t("published" if b.method["published"] else "provisional", lang)
    return t("title", lang), issue, f"{_issuer(b, issuer, lang)}　{_dates(b, lang)}　{status}"


# -- Markdown ------------------------------------------------------------------------------------

def _md_escape(text: str, line_start: bool = False) -> str:
    from xinfang.escape import markdown

    return markdown(text, line_start)


def to_markdown(b, lang: str = "zh", top: int | None = None, issuer: str | None = None) -> str:
    title, issue, byline = _heading(b, lang, issuer)
    e = _md_escape  # every text from the ledger (names, townships, officials) is data, not Markdown
    out = [f"# {e(title)}", "", f"**{e(issue)}**　{e(month_title(b.month, lang))}", "", e(byline, True), ""]
    for s in sections(b, lang, top):
        out += [f"## {e(s.title)}", ""]
        if s.key == "method":
            out += [f"- {e(p)}" for p in s.paragraphs] + [""]
            continue
        for p in s.paragraphs:
            out += [e(p, True), ""]
        for tab in s.tables:
            if tab.caption:
                out += [f"**{e(tab.caption)}**", ""]
            out.append("| " + " | ".join(_md_escape(c) for c in tab.columns) + " |")
            out.append("|" + "|".join("---:" if i in tab.numeric else "---" for i in range(len(tab.columns))) + "|")
            for k, row in enumerate(tab.rows):
                cells = [e(_money_cell(v) if _is_money(s, i) else _cell(v)) for i, v in enumerate(row)]
                if tab.marked and tab.marked[k] and s.key in ("totals", "deposits"):
                    cells = [f"**{c}**" if c else c for c in cells]
                out.append("| " + " | ".join(cells) + " |")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


# -- HTML ----------------------------------------------------------------------------------------

def sheet_media(padding: str) -> str:
    """The page as a sheet of paper on screen and bare on the printer: the screen block, and the
    start of the print block (the caller adds its own print rules and closes it)."""
    return ("@media screen {\n  body { background: #e9e9e9; padding: 8mm 0; }\n"
            f"  .sheet {{ max-width: 210mm; background: #fff; padding: {padding}; box-shadow: 0 1px 4px rgba(0,0,0,.25); }}\n"
            "}\n@media print {\n  body { background: none; }\n  .sheet { max-width: none; padding: 0; box-shadow: none; }")


CSS = """
@page { size: A4; margin: 16mm 15mm 18mm 15mm; }
* { box-sizing: border-box; }
html { font-family: %(fonts)s; color: #111; }
body { margin: 0; font-size: 10.5pt; line-height: 1.55; }
.sheet { max-width: 180mm; margin: 0 auto; }
header.masthead { text-align: center; border-bottom: 2.5pt solid #b00000; padding-bottom: 4mm; margin-bottom: 5mm; }
header.masthead h1 { color: #b00000; font-size: 26pt; letter-spacing: .25em; margin: 2mm 0 1mm; font-weight: 700; }
header.masthead .issue { font-size: 12pt; margin: 0; text-indent: 0; text-align: center; }
header.masthead .byline { display: flex; justify-content: space-between; font-size: 10pt; margin-top: 3mm; }
.badge { display: inline-block; border: 1pt solid currentColor; padding: 0 2mm; border-radius: 1mm; font-size: 9pt; }
.badge.provisional { color: #b35c00; }
.badge.published { color: #146c2e; }
h2 { break-after: avoid; page-break-after: avoid; font-size: 14pt; margin: 0 0 3mm; padding-bottom: 1mm; border-bottom: .75pt solid #999; }
h3 { font-size: 11pt; margin: 4mm 0 2mm; }
p { margin: 0 0 2.5mm; text-indent: 2em; text-align: justify; }
section { margin-bottom: 7mm; }
section > p:last-of-type, caption { break-after: avoid; page-break-after: avoid; }
table { border-collapse: collapse; width: 100%%; margin: 2mm 0 4mm; font-size: 9.5pt; }
caption { caption-side: top; text-align: left; font-weight: 700; padding-bottom: 1mm; }
th, td { border: .6pt solid #555; padding: 1.2mm 2mm; vertical-align: top; }
th { background: #eceff4; font-weight: 700; text-align: center; white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.change { white-space: nowrap; }
td.down { color: #146c2e; } td.up { color: #b00000; }
tr.mark td { font-weight: 700; background: #fbf0f0; }
table.totals td:first-child, table.totals-1 td:first-child { white-space: nowrap; }
table.totals th, table.totals-1 th { white-space: normal; }
table.totals, table.totals-1 { table-layout: fixed; }
table.totals th:first-child, table.totals-1 th:first-child { width: 24%%; }
table.sanctions { font-size: 8pt; line-height: 1.35; table-layout: fixed; }
table.sanctions th { white-space: normal; }
table.sanctions th:first-child { width: 17mm; }
table.sanctions td { padding: .8mm 1.2mm; }
table.sanctions tr.mark td { font-weight: 400; background: none; }
table.sanctions tr.mark td:first-child { font-weight: 700; }
table.ranking td, table.bottom td, table.overdue td, table.deposits td { padding: .5mm 2mm; }
table.overdue td:last-child, table.deposits td:nth-child(6) { font-size: 8.5pt; }
tr.total td { font-weight: 700; background: #f3f3f3; }
thead { display: table-header-group; }
tr, figure { break-inside: avoid; page-break-inside: avoid; }
figure { margin: 3mm 0 4mm; }
figure svg { display: block; width: 100%%; height: auto; }
figure svg text { font-family: %(fonts)s; }
figcaption { font-weight: 700; font-size: 10pt; margin-bottom: 1mm; }
ul.method { padding-left: 5mm; margin: 0; } ul.method li { margin-bottom: 1.5mm; }
.small { font-size: 9pt; color: #444; }
footer { margin-top: 6mm; font-size: 8.5pt; color: #555; border-top: .5pt solid #aaa; padding-top: 2mm; }
%(sheet)s
  section.ranking { break-before: page; page-break-before: always; }
  td.down, td.up { color: #000; }
  a { color: inherit; text-decoration: none; }
}
""" % {"fonts": FONT_STACK, "sheet": sheet_media("14mm 15mm")}


def _css_string(text: str) -> str:
    """A CSS string literal: quotes, backslashes and line breaks escaped."""
    return '"' + "".join(f"\\{ord(c):x} " if c in '"\\<>\n\r' or ord(c) < 32 else c for c in text) + '"'


def page_margins(left: str, lang: str) -> str:
    """The printed page's running footer (CSS paged media margin boxes, printed by Chromium 131 and
    later, WeasyPrint and Prince): the office, the document and issue on the left, 第 N 页 共 M 页
    on the right. Browsers that ignore margin boxes print their own footer instead."""
    pages = t("page_of", lang).split("{n}")
    before, after = pages[0], pages[1].split("{m}")
    counter = (f'{_css_string(before)} counter(page) {_css_string(after[0])} counter(pages) {_css_string(after[1])}')
    style = "font-family: %s; font-size: 8.5pt; color: #444;" % FONT_STACK
    return ("\n@page {\n"
            f"  @bottom-left {{ content: {_css_string(left)}; {style} }}\n"
            f"  @bottom-right {{ content: {counter}; {style} }}\n"
            "}\n")


def _td(value, numeric: bool, money: bool = False) -> str:
    trend = value.trend if isinstance(value, Change) else None
    if isinstance(value, Change):
        value = value.text
    text = _money_cell(value) if money else _cell(value)
    cls = []
    if numeric:
        cls.append("num")
    if trend is not None:  # a change: a fall green, a rise red
        cls += ["change"] + ([trend] if trend in ("down", "up") else [])
    attr = f' class="{" ".join(cls)}"' if cls else ""
    return f"<td{attr}>{escape(text).replace(chr(10), '<br>')}</td>"


def _html_table(s: Section, tab: Table, table_class: str) -> str:
    out = [f'<table class="{table_class}">']
    if tab.caption:
        out.append(f"<caption>{escape(tab.caption)}</caption>")
    out.append("<thead><tr>" + "".join(f"<th>{escape(c)}</th>" for c in tab.columns) + "</tr></thead><tbody>")
    for k, row in enumerate(tab.rows):
        marked = bool(tab.marked and tab.marked[k])
        cls = (' class="total"' if s.key in ("totals", "deposits") else ' class="mark"') if marked else ""
        cells = "".join(_td(v, i in tab.numeric, _is_money(s, i)) for i, v in enumerate(row))
        out.append(f"<tr{cls}>{cells}</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def to_html(b, lang: str = "zh", top: int | None = None, issuer: str | None = None) -> str:
    """A self-contained HTML page: inline CSS and SVG, no script, no external resource."""
    from xinfang.render.chart import rates_svg, trend_svg

    title, issue, byline = _heading(b, lang, issuer)
    status_key = "published" if b.method["published"] else "provisional"
    issuer_text = _issuer(b, issuer, lang)
    body = [
        '<header class="masthead">',
        f"<h1>{escape(title)}</h1>",
        f'<p class="issue">{escape(issue)}</p>',
        f'<div class="byline"><span>{escape(issuer_text)}</span>'
        f'<span class="badge {status_key}">{escape(t(status_key, lang))}</span>'
        f"<span>{escape(_dates(b, lang))}</span></div>",
        "</header>",
    ]
    for s in sections(b, lang, top):
        body.append(f'<section class="{s.key}" id="{s.key}">')
        body.append(f"<h2>{escape(s.title)}</h2>")
        if s.key == "method":
            body.append('<ul class="method">' + "".join(f"<li>{escape(p)}</li>" for p in s.paragraphs) + "</ul>")
        else:
            body += [f"<p>{escape(p)}</p>" for p in s.paragraphs]
        for i, tab in enumerate(s.tables):
            if s.key == "totals" and i == 2:
                labels = [t("month_short", lang, m=m) for m in range(1, 13)]
                year = b.trend["year"]
                caption = t("trend_caption", lang, title=t("s_trend", lang), year=year, last=year - 1)
                svg = trend_svg(b.trend["this"], b.trend["last"], labels, (f"{year}", f"{year - 1}"), caption)
                body.append(f'<figure class="trend"><figcaption>{escape(caption)}</figcaption>{svg}</figure>')
                continue
            if s.key == "indicators" and i == 1:
                series = [(row[0], [c.ratio for c in row[1:]]) for row in tab.rows]
                svg = rates_svg(series, tab.columns[1:], tab.caption or "")
                body.append(f'<figure class="trend"><figcaption>{escape(tab.caption or "")}</figcaption>{svg}</figure>')
                continue
            body.append(_html_table(s, tab, f"{s.key}-{i}" if i else s.key))
        body.append("</section>")
    foot = t("generated", lang)
    body.append(f"<footer>{escape(foot)}</footer>")
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (f'<!DOCTYPE html>\n<html lang="{html_lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)} {escape(month_title(b.month, lang))}</title>\n"
            f"<style>{CSS}{page_margins(f'{issuer_text}　{title}　{issue}', lang)}</style>\n</head>\n"
            f'<body>\n<main class="sheet">\n' + "\n".join(body) + "\n</main>\n</body>\n</html>\n")


# -- workbook ------------------------------------------------------------------------------------

# A rise is red words, a fall green, as in the HTML; the number stays a signed ratio.
MONEY_FORMAT = "#,##0.00"
WIDE_SHEET = 110  # characters of column width above which a sheet prints landscape


def _fit_columns(rows: list[list], cap: int = 60) -> list[float]:
    """Each column as wide as its longest cell line (CJK counted double), at most ``cap``."""
    from xinfang.render.text import display_width

    widths: dict[int, int] = {}
    for row in rows:
        for i, v in enumerate(row):
            # a line at least ``cap`` characters long is at least ``cap`` wide: not measured further
            # (an overdue unit's case numbers run to tens of thousands of characters)
            longest = max((len(line) if len(line) >= cap else display_width(line) for line in _cell(v).split("\n")),
                          default=0)
            widths[i] = max(widths.get(i, 0), longest)
    return [min(max(widths.get(i, 0) + 2, 6), cap) for i in range(max(widths, default=-1) + 1)]


def print_setup(ws, header_row: int, wide: bool, footer_left: str, lang: str) -> None:
    """A4, every column on one page width (landscape when the sheet is wide), the header row
    repeated on each printed page, and a footer with the document and 第 N 页 共 M 页."""
    ws.set_paper(9)  # A4
    if wide:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(left=0.5, right=0.5, top=1, bottom=1)
    if header_row:
        ws.repeat_rows(header_row - 1)
    ws.set_footer(_footer(footer_left, t("page_of", lang).replace("{n}", "&P").replace("{m}", "&N")), {"margin": 0.5})


FOOTER_LIMIT = 255  # characters Excel keeps of a header or footer (XlsxWriter drops a longer one whole)


def _footer(left: str, right: str) -> str:
    """A sheet's footer: ``left`` printed as it is (the issuer's name is the office's words), cut to
    fit Excel's limit, at size 8; ``right`` the page codes. Each ``&`` is doubled (one printed
    ``&``), and one before ``G`` or ``[Picture]`` is followed by a style code first, so no text of
    the name reads as the code of a picture (which would make the whole footer dropped)."""
    tail = f"&R&8 {right}"

    def printed(text: str) -> str:
        return re.sub(r"&&(?=G|\[Picture\])", '&&&"-,Regular"', visible(text).replace("&", "&&"))

    cut = left
    while cut and cell_units(f"&L&8 {printed(cut)}{tail}") > FOOTER_LIMIT:
        cut = cut[:-1]
    return f"&L&8 {printed(cut)}{tail}" if cut else f"&L{tail}"


def _change_format(lang: str) -> str:
    """A workbook's number format for a change, worded as a change's cell is (``change_text``): a
    rise in red words, a fall in green, no change as such."""
    up, down = (t(f"change.{trend}", lang, pct="") for trend in ("up", "down"))
    return f'[Red]"{up}"0.0%;[Color10]"{down}"0.0%;"{t("change.flat", lang)}"'


CELL_LIMIT = 32767  # characters an Excel cell holds, counted in UTF-16 (a longer text would be cut anywhere, unsaid)
CELL_ROOM = CELL_LIMIT - 1  # what a cell's text may take: one character kept for the quote ``escape.cell`` may add
DATE_FORMAT, TIME_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss"


def cell_units(text: str) -> int:
    """A text's length as Excel counts it: UTF-16 code units, so a character beyond the Basic
    Multilingual Plane (a rare name character such as 𠮷) counts two."""
    return len(text) if text.isascii() else len(text.encode("utf-16-le")) // 2


def _within(value, lang: str):
    """A workbook cell's value: a text with its control and direction-changing characters made
    visible (``escape.visible``; its line breaks kept), cut when longer than a cell holds, saying so."""
    if not isinstance(value, str):
        return value
    value = visible(value, "\n")
    if cell_units(value) <= CELL_ROOM:
        return value
    note = t("cell.cut", lang, limit=CELL_LIMIT)
    room = CELL_ROOM - cell_units(note)
    # the first ``room`` units; a character cut in two (half a surrogate pair) is left out
    return value.encode("utf-16-le")[:2 * room].decode("utf-16-le", "ignore") + note


def _put(ws, row: int, col: int, value, style) -> None:
    """One cell (0-based ``row`` and ``col``) by its value's kind: text is only ever text (never a
    formula, a number or a link), numbers are numbers, dates are dates; an empty styled cell keeps
    its border."""
    if value is None or value == "":
        if style is not None:
            ws.write_blank(row, col, None, style)
    elif isinstance(value, str):
        ws.write_string(row, col, value, style)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, style)
    elif isinstance(value, (int, float, Decimal)):
        ws.write_number(row, col, float(value) if isinstance(value, Decimal) else value, style)
    elif isinstance(value, dt.date):  # a datetime too
        ws.write_datetime(row, col, value, style)
    else:
        ws.write_string(row, col, str(value), style)


def to_xlsx(b, lang: str = "zh", top: int | None = None, issuer: str | None = None) -> bytes:
    """A workbook with one sheet per section: 概况, 排名, 后十位, 制裁, 超期, 保证金.

    Each sheet starts with the bulletin's title and the section's, then the issuer and the cut-off
    date; then its tables with bordered cells, a bold header row that is frozen, filterable (the
    first table) and repeated on every printed page. Counts, yuan and year-on-year changes are
    numbers with number formats (a change is a signed ratio shown as 上升/下降 x.x%). Printing fits
    every column on one A4 width, landscape when the sheet is wide.

    Written by XlsxWriter: it writes a sheet's cells straight into its XML, where openpyxl builds
    an object per cell and per style first (a province's bulletin, 35,000 styled cells, took
    0.55–0.65 s there and its import 0.1 s)."""
    import io

    import xlsxwriter

    from xinfang.escape import cell as safe_cell
    from xinfang.render.text import display_width

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
                                   "strings_to_urls": False})
    box = {"border": 1, "border_color": "#555555"}
    bold = wb.add_format({"bold": True})
    heading = wb.add_format({"bold": True, "font_size": 14})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    header = wb.add_format({**box, "bold": True, "bg_color": "#ECEFF4", "align": "center", "valign": "vcenter",
                            "text_wrap": True})
    # A table's cells take a few looks (number format, alignment, emphasis): one format per look.
    looks: dict = {}

    def look(number_format, alignment, emphasis):
        style = looks.get((number_format, alignment, emphasis))
        if style is None:
            props = dict(box)
            if number_format is not None:
                props["num_format"] = number_format
            if alignment == "wrap":
                props.update(text_wrap=True, valign="top")
            elif alignment == "right":
                props.update(align="right", valign="top")
            if emphasis == "bold":
                props["bold"] = True
            elif emphasis == "mark":
                props["bg_color"] = "#FBF0F0"
            style = looks[(number_format, alignment, emphasis)] = wb.add_format(props)
        return style

    parts = {s.key: s for s in sections(b, lang, top)}
    title, issue, byline = _heading(b, lang, issuer)
    for key, sheet in SHEETS.items():
        s = parts[key]
        ws = wb.add_worksheet(sheet)
        row = 0  # the next row (0-based)
        tables = list(s.tables)
        ncols = max([len(tab.columns) for tab in tables] + [1])

        def line(text: str, style) -> int:
            """A row of one text across the sheet's columns; its index."""
            nonlocal row
            text = safe_cell(_within(text, lang))
            if ncols > 1:
                ws.merge_range(row, 0, row, ncols - 1, text, style)
            else:
                _put(ws, row, 0, text, style)
            row += 1
            return row - 1

        line(t("sheet_title", lang, title=title, issue=issue, section=s.title), heading)
        ws.set_row(0, 24)
        line(byline, None)
        row += 1
        measured: list[list] = []
        header_row = 0  # 1-based, as the sheet shows it
        wide = 1  # the sheet's width so far (its widest row)
        paragraphs = list(s.paragraphs) + (parts["method"].paragraphs if key == "totals" else [])
        if not tables:
            paragraphs = paragraphs or [t("none", lang)]
        for n, tab in enumerate(tables):
            if n:
                row += 1
                if tab.caption:
                    _put(ws, row, 0, safe_cell(_within(tab.caption, lang)), bold)
                    row += 1
            first = row
            header_row = header_row or first + 1
            measured.append(list(tab.columns))
            wide = max(wide, len(tab.columns))
            for i in range(wide):
                _put(ws, first, i, safe_cell(_within(tab.columns[i], lang)) if i < len(tab.columns) else None, header)
            row += 1
            for k, values in enumerate(tab.rows):
                measured.append(values)
                strong = bool(tab.marked and tab.marked[k])
                emphasis = None if not strong else "bold" if s.key in ("totals", "deposits") else "mark"
                wide = max(wide, len(values))
                for i in range(wide):
                    value = values[i] if i < len(values) else None
                    if isinstance(value, (Change, Pct)):
                        number_format = _change_format(lang) if isinstance(value, Change) else "0.0%"
                        cell = value.ratio
                        if cell is None:
                            number_format, cell = None, str(value)
                    elif isinstance(value, Numbers):
                        number_format, cell = None, value.within(CELL_ROOM)
                    else:
                        cell = _within(value, lang)
                        if _is_money(s, i) and value is not None:
                            number_format = MONEY_FORMAT
                        elif isinstance(value, int) and not isinstance(value, bool):
                            number_format = "0"
                        elif isinstance(value, dt.datetime):
                            number_format = TIME_FORMAT
                        elif isinstance(value, dt.date):
                            number_format = DATE_FORMAT
                        else:
                            number_format = None
                    if isinstance(value, str) and "\n" in value:
                        alignment = "wrap"
                    elif i in tab.numeric or isinstance(value, (Change, Pct)):
                        alignment = "right"
                    else:
                        alignment = None
                    _put(ws, row, i, safe_cell(cell), look(number_format, alignment, emphasis))
                row += 1
            if n == 0:
                ws.autofilter(first, 0, row - 1, len(tab.columns) - 1)
            if key == "indicators" and n == 1:
                # below the table, and what follows it below the chart
                row = _rates_chart(wb, ws, first, len(tab.rows), len(tab.columns), tab.caption or "")
        widths = _fit_columns(measured or [[""]], cap=34 if key == "sanctions" else 60)
        for i, width in enumerate(widths):
            ws.set_column(i, i, width)
        total_width = sum(widths)
        if paragraphs:
            row += 1
        for p in paragraphs:
            r = line(p, wrap)
            lines = -(-display_width(p) // max(int(total_width * 0.95), 20))
            ws.set_row(r, 15 * max(lines, 1))
        ws.freeze_panes(header_row if header_row else 3, 0)
        print_setup(ws, header_row, total_width > WIDE_SHEET, f"{_issuer(b, issuer, lang)}　{title}　{issue}", lang)
    wb.close()
    return buf.getvalue()


CHART_ROWS = 16  # rows of the default height (20 px) the rates chart covers (302 px), and one to spare


def _rates_chart(wb, ws, header: int, nrows: int, ncols: int, title: str) -> int:
    """A native line chart of the district's twelve months, one line per indicator (the rows
    below the header row ``header``, 0-based), a row below the table; an empty cell (no value)
    leaves a gap. Returns the first row below the chart. It moves with the cells above it and keeps
    its size when a clerk resizes them."""
    chart = wb.add_chart({"type": "line"})
    name = ws.get_name()
    for r in range(header + 1, header + 1 + nrows):
        chart.add_series({"name": [name, r, 0], "categories": [name, header, 1, header, ncols - 1],
                          "values": [name, r, 1, r, ncols - 1]})
    chart.set_title({"name": title})
    chart.set_y_axis({"num_format": "0%", "min": 0, "max": 1})
    chart.show_blanks_as("gap")
    chart.set_size({"width": 832, "height": 302})  # 22 × 8 cm
    ws.insert_chart(header + nrows + 2, 0, chart, {"object_position": 2})
    return header + nrows + 2 + CHART_ROWS


# -- Word ----------------------------------------------------------------------------------------

def _text_cells(s: Section, tab: Table, row: list) -> list[str]:
    return [_money_cell(v) if _is_money(s, i) else _cell(v) for i, v in enumerate(row)]


def to_docx(b, lang: str = "zh", top: int | None = None, issuer: str | None = None) -> bytes:
    """The bulletin as a Word document to edit before it is issued: the red masthead, one 标题 1
    heading per section, the tables (header row repeated on each page), the trend chart as a
    picture, A4 with 第 N 页 共 M 页 in the footer."""
    import io

    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt, RGBColor

    from xinfang.render import word
    from xinfang.render.chart import trend_png

    title, issue, byline = _heading(b, lang, issuer)
    doc = word.new_document(f"{_issuer(b, issuer, lang)}　{title}　{issue}", lang)
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = head.add_run(title)
    word._fonts(run, word.HEAD_FONT)
    run.font.size, run.bold, run.font.color.rgb = Pt(26), True, RGBColor(0xB0, 0, 0)
    word.paragraph(doc, issue, indent=False, size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    word.paragraph(doc, byline, indent=False, size=10, align=WD_ALIGN_PARAGRAPH.CENTER)
    for s in sections(b, lang, top):
        word.heading(doc, s.title, 1)
        for p in s.paragraphs:
            word.paragraph(doc, ("• " if s.key == "method" else "") + p, indent=s.key != "method")
        for i, tab in enumerate(s.tables):
            if s.key == "totals" and i == 2:
                year = b.trend["year"]
                caption = t("trend_caption.word", lang, title=t("s_trend", lang), year=year, last=year - 1)
                word.paragraph(doc, caption, indent=False, bold=True)
                doc.add_picture(io.BytesIO(trend_png(b.trend["this"], b.trend["last"])), width=Mm(170))
            elif tab.caption:
                word.paragraph(doc, tab.caption, indent=False, bold=True)
            marked = tab.marked if s.key in ("totals", "deposits") else ()
            word.table(doc, tab.columns, [_text_cells(s, tab, r) for r in tab.rows], tab.numeric, marked,
                       size=8 if s.key == "sanctions" else 9)
    return word.save(doc)


# -- terminal ------------------------------------------------------------------------------------

FOLD_ABOVE = 24  # a bulletin column with a value wider than this (terminal columns) is long text


def to_console(b, con, lang: str = "zh", top: int | None = None, issuer: str | None = None) -> None:
    """The bulletin on a terminal: headings and paragraphs as text, each table a Rich table."""
    from rich.markup import escape as rich_escape

    from xinfang.output import Listing
    from xinfang.render.text import display_width

    title, issue, byline = _heading(b, lang, issuer)
    con.print(f"[bold]{rich_escape(title)}[/bold]　{rich_escape(issue)}")
    con.print(rich_escape(byline))
    for s in sections(b, lang, top):
        con.print()
        con.print(f"[bold]{rich_escape(s.title)}[/bold]")
        for p in s.paragraphs:
            con.print(rich_escape(p))
        for tab in s.tables:
            cells = [[visible(str(c), "\n") for c in _text_cells(s, tab, row)] for row in tab.rows]
            # A column of long text folds; every other (names, numbers, changes) keeps each value whole.
            folding = [max([display_width(r[i]) for r in cells] or [0]) > FOLD_ABOVE for i in range(len(tab.columns))]
            con.print(Listing([visible(c) for c in tab.columns], cells, lang, folding, [i in tab.numeric for i in range(len(tab.columns))],
                              title=tab.caption, bold_rows=tuple(tab.marked)))
