"""Supervision letters (督办单, 信访工作条例 art. 40): one A4 page per responsible unit with its
overdue and due-soon cases, the time limits that apply and a reply slip to return, as HTML (to
print) or a Word document (to edit and seal).

``letters`` groups the rows of the supervision list (``overdue``) by their responsible unit as the
list gives it; cases not yet assigned are the office's own to chase and get no letter. The days-late
cell is empty for a case that is only due soon. No petitioner's data is printed: case number,
township, deadline.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import NamedTuple

from xinfang.render.bulletin import FONT_STACK, page_margins, sheet_media
from xinfang.messages import listed
from xinfang.render.text import day_text, has_text, t

LATE_TIERS = ("overdue", "seriously_overdue")


class Letter(NamedTuple):
    number: str  # 督办编号: date and the unit's place on the list
    unit: str
    rows: list[dict]  # the supervision list's rows of this unit
    limits: list[str]  # the time limits of the clocks listed, worded


def _limit(clock: str, rule, lang: str) -> str:
    from xinfang import model

    unit = t("l_working_days" if rule.counting == "working_days" else "l_calendar_days", lang)
    key = f"l_from_{rule.start_from}"
    start = t(key, lang) if has_text(key) else rule.start_from
    member = model.Clock(clock)
    return t("l_limit", lang, clock=member.zh if lang == "zh" else member.en, start=start, days=rule.days, unit=unit)


def letters(rows: list[dict], policy, on: dt.date, lang: str) -> list[Letter]:
    """One letter per responsible unit, in the order of the supervision list (worst first)."""
    from xinfang import model

    groups: dict[str, list[dict]] = {}
    for r in rows:
        if r.get("unit"):
            groups.setdefault(r["unit"], []).append(r)
    out = []
    for n, (unit, items) in enumerate(groups.items(), start=1):
        clocks = [c for c in dict.fromkeys(r["clock"] for r in items)]
        limits = [_limit(c, policy.clocks[model.Clock(c)], lang) for c in clocks if model.Clock(c) in policy.clocks]
        out.append(Letter(f"{on:%Y%m%d}-{n:03d}", unit, items, limits))
    return out


def _cells(r: dict, lang: str) -> list[str]:
    from xinfang.output import display

    due = t("provisional_mark", lang, due=r["due"]) if r.get("provisional") else r["due"]
    late = str(r["days_late"]) if r.get("tier") in LATE_TIERS and r.get("days_late") else ""
    return [r["case"], r.get("township") or "", display("clock", r["clock"], lang), due, late,
            display("tier", r["tier"], lang), r.get("leader") or ""]


def _headings(lang: str) -> list[str]:
    return [t(k, lang) for k in ("l_case", "l_township", "l_clock", "l_due", "l_days_late", "l_tier", "l_leader")]


def _counts(letter: Letter) -> tuple[int, int]:
    late = sum(1 for r in letter.rows if r["tier"] in LATE_TIERS)
    return late, len(letter.rows) - late


CSS = """
@page { size: A4; margin: 16mm 16mm 18mm 16mm; }
* { box-sizing: border-box; }
html { font-family: %(fonts)s; color: #000; }
body { margin: 0; font-size: 10.5pt; line-height: 1.5; }
.sheet { max-width: 178mm; margin: 0 auto; }
.letter + .letter { break-before: page; page-break-before: always; }
.issuer { text-align: center; font-size: 12pt; letter-spacing: .1em; margin: 0; }
h1 { text-align: center; color: #b00000; font-size: 20pt; letter-spacing: .2em; margin: 1mm 0 2mm; }
.meta { display: flex; justify-content: space-between; font-size: 10pt; border-bottom: 1.5pt solid #b00000;
        padding-bottom: 1.5mm; margin-bottom: 3mm; }
p { margin: 0 0 2mm; }
p.body { text-indent: 2em; text-align: justify; }
table { border-collapse: collapse; width: 100%%; font-size: 9.5pt; margin: 2mm 0 3mm; }
th, td { border: .7pt solid #000; padding: .8mm 1.6mm; vertical-align: top; }
th { background: #f2f2f2; white-space: nowrap; }
td.num { text-align: right; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
ul.limits { margin: 0 0 2mm; padding-left: 5mm; font-size: 9.5pt; }
.signed { text-align: right; margin: 3mm 0 4mm; white-space: pre-line; }
.slip { border-top: 1pt dashed #000; padding-top: 2mm; break-inside: avoid; page-break-inside: avoid; }
.slip h2 { text-align: center; font-size: 14pt; margin: 0 0 1mm; letter-spacing: .2em; }
.slip .cut { text-align: center; font-size: 8.5pt; color: #333; margin-bottom: 2mm; }
.slip th { width: 26mm; } .slip td.box { height: 16mm; }
%(sheet)s
}
""" % {"fonts": FONT_STACK, "sheet": sheet_media("14mm 16mm")}


def to_html(items: list[Letter], lang: str, on: dt.date, issuer: str) -> str:
    """Every letter as one self-contained HTML page set, one A4 page per unit."""
    title = t("l_title", lang)
    day = day_text(on, lang)
    colon = t("separator.colon", lang)
    pages = []
    for letter in items:
        late, soon = _counts(letter)
        num = ' class="num"'
        rows = "".join("<tr>" + "".join(f"<td{num if i == 4 else ''}>{escape(c)}</td>"
                                        for i, c in enumerate(_cells(r, lang))) + "</tr>" for r in letter.rows)
        head = "".join(f"<th>{escape(h)}</th>" for h in _headings(lang))
        numbers = listed(dict.fromkeys(r["case"] for r in letter.rows), lang)
        limits = "".join(f"<li>{escape(x)}</li>" for x in letter.limits) + f"<li>{escape(t('l_counting', lang))}</li>"
        pages.append(
            f'<section class="letter">\n<p class="issuer">{escape(issuer)}</p>\n<h1>{escape(title)}</h1>\n'
            f'<div class="meta"><span>{escape(t("l_number", lang))}{colon}{escape(letter.number)}</span>'
            f"<span>{escape(day)}</span></div>\n"
            f"<p><b>{escape(t('l_to', lang, unit=letter.unit))}</b></p>\n"
            f'<p class="body">{escape(t("l_body", lang, day=day, overdue=late, soon=soon, issuer=issuer))}</p>\n'
            f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>\n"
            f"<p><b>{escape(t('l_limits', lang))}</b></p><ul class=\"limits\">{limits}</ul>\n"
            f'<p class="signed">{escape(t("l_signed", lang, issuer=issuer, day=day))}</p>\n'
            f'<div class="slip"><h2>{escape(t("l_slip", lang))}</h2>'
            f'<p class="cut">{escape(t("l_slip_note", lang, issuer=issuer))}</p>'
            f'<table><tr><th>{escape(t("l_number", lang))}</th><td>{escape(letter.number)}</td>'
            f'<th>{escape(t("l_slip_unit", lang))}</th><td>{escape(letter.unit)}</td></tr>'
            f'<tr><th>{escape(t("l_slip_cases", lang))}</th><td colspan="3">{escape(numbers)}</td></tr>'
            f'<tr><th>{escape(t("l_slip_progress", lang))}</th><td colspan="3" class="box"></td></tr>'
            f'<tr><th>{escape(t("l_slip_person", lang))}</th><td></td><th>{escape(t("l_slip_phone", lang))}</th><td></td></tr>'
            f'<tr><th>{escape(t("l_slip_leader", lang))}</th><td></td><th>{escape(t("f_date", lang))}</th>'
            f'<td>{escape(t("l_slip_seal", lang))}</td></tr></table></div>\n</section>')
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (f'<!DOCTYPE html>\n<html lang="{html_lang}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{escape(title)} {escape(day)}</title>\n<style>{CSS}{page_margins(f'{issuer}　{title}　{day}', lang)}"
            f'</style>\n</head>\n<body>\n<main class="sheet">\n' + "\n".join(pages) + "\n</main>\n</body>\n</html>\n")


def to_docx(items: list[Letter], lang: str, on: dt.date, issuer: str) -> bytes:
    """Every letter in one Word document, each unit's letter starting on a new page."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    from xinfang.render import word

    title = t("l_title", lang)
    day = day_text(on, lang)
    colon = t("separator.colon", lang)
    doc = word.new_document(f"{issuer}　{title}　{day}", lang)
    for n, letter in enumerate(items):
        late, soon = _counts(letter)
        first = word.paragraph(doc, issuer, indent=False, size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
        if n:
            first.paragraph_format.page_break_before = True
        head = doc.add_paragraph()
        head.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = head.add_run(title)
        word._fonts(run, word.HEAD_FONT)
        run.font.size, run.bold, run.font.color.rgb = Pt(20), True, RGBColor(0xB0, 0, 0)
        word.paragraph(doc, f"{t('l_number', lang)}{colon}{letter.number}　{day}", indent=False, size=10)
        word.paragraph(doc, t("l_to", lang, unit=letter.unit), indent=False, bold=True)
        word.paragraph(doc, t("l_body", lang, day=day, overdue=late, soon=soon, issuer=issuer))
        word.table(doc, _headings(lang), [_cells(r, lang) for r in letter.rows], frozenset({4}))
        word.paragraph(doc, t("l_limits", lang), indent=False, bold=True)
        for x in letter.limits + [t("l_counting", lang)]:
            word.paragraph(doc, "• " + x, indent=False, size=9.5)
        for line in t("l_signed", lang, issuer=issuer, day=day).split("\n"):
            word.paragraph(doc, line, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
        word.paragraph(doc, "✂ " + "- " * 40, indent=False, size=8, align=WD_ALIGN_PARAGRAPH.CENTER)
        word.paragraph(doc, t("l_slip", lang), indent=False, size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        word.paragraph(doc, t("l_slip_note", lang, issuer=issuer), indent=False, size=8.5,
                       align=WD_ALIGN_PARAGRAPH.CENTER)
        numbers = listed(dict.fromkeys(r["case"] for r in letter.rows), lang)
        slip = [[t("l_number", lang), letter.number, t("l_slip_unit", lang), letter.unit],
                [t("l_slip_cases", lang), numbers, "", ""],
                [t("l_slip_progress", lang), "\n\n\n\n", "", ""],
                [t("l_slip_person", lang), "", t("l_slip_phone", lang), ""],
                [t("l_slip_leader", lang), "", t("f_date", lang), t("l_slip_seal", lang)]]
        tab = word.table(doc, slip[0], slip[1:])
        for r in (1, 2):
            row = tab.rows[r]
            row.cells[1].merge(row.cells[3])
    return word.save(doc)
