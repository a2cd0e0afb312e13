"""Word documents (.docx, via python-docx) that an office edits in Word or WPS before issuing them:
the monthly bulletin and the supervision letters (督办单).

Built from the same ``sections`` as the other formats of the bulletin, so the numbers are the same:
real headings (标题 1) for the navigation pane, tables with a repeated header row, the trend chart
as a PNG picture, A4 pages with 第 N 页 共 M 页 in the footer. python-docx is imported only here.
"""

from __future__ import annotations

import io

from xinfang.render.text import t

BODY_FONT, HEAD_FONT = "SimSun", "SimHei"  # 宋体 for the text, 黑体 for the headings, as Chinese offices print


def _fonts(target, name: str = BODY_FONT) -> None:
    """Set a run's or a style's Latin and East Asian font: Word picks the CJK face from w:eastAsia."""
    from docx.oxml.ns import qn

    target.font.name = name
    rpr = target._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def _field(paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and WPS fill in when they lay out the page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    _fonts(run)
    for kind, text in (("begin", None), (None, code), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == code:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {code} "
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._element.append(el)


def new_document(footer_left: str, lang: str, landscape: bool = False):
    """An A4 document with the office's fonts and a footer: the document on the left and
    第 N 页 共 M 页 on the right."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_TAB_ALIGNMENT
    from docx.shared import Mm, Pt

    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    if landscape:
        sec.orientation = WD_ORIENT.LANDSCAPE
        sec.page_width, sec.page_height = Mm(297), Mm(210)
    sec.top_margin = sec.bottom_margin = Mm(20)
    sec.left_margin = sec.right_margin = Mm(18)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)
    _fonts(normal, BODY_FONT)
    for name in ("Heading 1", "Heading 2", "Title"):
        style = doc.styles[name]
        _fonts(style, HEAD_FONT)
        style.font.color.rgb = None
    doc.styles["Heading 1"].font.size = Pt(14)
    doc.styles["Heading 2"].font.size = Pt(12)
    foot = sec.footer.paragraphs[0]
    width = sec.page_width - sec.left_margin - sec.right_margin
    foot.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
    run = foot.add_run(footer_left + "\t")
    run.font.size = Pt(8)
    _fonts(run)
    before, rest = t("page_of", lang).split("{n}")
    middle, after = rest.split("{m}")
    for text, code in ((before, "PAGE"), (middle, "NUMPAGES"), (after, None)):
        if text:
            r = foot.add_run(text)
            _fonts(r)
        if code:
            _field(foot, code)
    for r in foot.runs:
        r.font.size = Pt(8)
    return doc


def heading(doc, text: str, level: int = 1):
    para = doc.add_heading(text, level=level)
    for run in para.runs:
        _fonts(run, HEAD_FONT)
    return para


def paragraph(doc, text: str, indent: bool = True, size: float | None = None, bold: bool = False, align=None):
    from docx.shared import Pt

    para = doc.add_paragraph()
    if indent:
        para.paragraph_format.first_line_indent = Pt(21)
    if align is not None:
        para.alignment = align
    run = para.add_run(text)
    _fonts(run)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    return para


def table(doc, columns: list[str], rows: list[list[str]], numeric: frozenset[int] = frozenset(),
          marked: tuple[bool, ...] = (), size: float = 9):
    """A bordered table (Table Grid) whose header row repeats on every page; cells are text."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    tab = doc.add_table(rows=1, cols=len(columns))
    tab.style = "Table Grid"
    head = tab.rows[0]
    trpr = head._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    trpr.append(repeat)
    for cell, text in zip(head.cells, columns):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        run.font.size = Pt(size)
        _fonts(run, HEAD_FONT)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for k, row in enumerate(rows):
        cells = tab.add_row().cells
        for i, (cell, text) in enumerate(zip(cells, row)):
            lines = str(text).split("\n")
            par = cell.paragraphs[0]
            for n, line in enumerate(lines):
                run = par.add_run(line)
                if n < len(lines) - 1:
                    run.add_break()
                run.font.size = Pt(size)
                run.bold = bool(marked and marked[k])
                _fonts(run)
            if i in numeric:
                par.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph()
    return tab


def save(doc) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
