"""The documents an office prints, edits and browses, each opened with its real reader: the bulletin
workbook (openpyxl), the Word bulletin and letters (python-docx), the printed HTML (Chromium and
pdfinfo, where installed), the forms, the supervision letters, and the Chinese views in Datasette."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess

import pytest

VALID_ID = "11010519491231002X"
PHONE = "13812345678"


@pytest.fixture
def office(cli):
    """October 2025 against October 2026; one case assigned in October and overdue, one due soon
    on 26 November."""
    for _ in range(4):
        cli.register(received="2025-10-09")
    first = cli.register(received="2026-10-12", id_number=VALID_ID, phone=PHONE, name="李四")["case"]
    cli.register(received="2026-10-13", level="city", people=6)
    cli.ok("assign", first, "--unit", "车桥镇", "--leader", "陈书记", "--on", "2026-10-20")
    soon = cli.register(received="2026-11-20", township="泾口镇")["case"]
    cli.ok("assign", soon, "--unit", "泾口镇", "--leader", "王镇长", "--on", "2026-11-23")  # reply due 28 Nov
    return {"first": first, "soon": soon}


def _no_formulas(wb) -> None:
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f" and not (isinstance(c.value, str) and c.value.startswith("=")), c.coordinate


def test_bulletin_workbook_reads_as_a_titled_printable_table(cli, office, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "b.xlsx"
    assert cli("report", "--month", "2026-10", "-o", out).code == 0
    wb = load_workbook(out)
    _no_formulas(wb)
    ws = wb["概况"]
    assert ws["A1"].value.startswith("土地信访工作通报") and ws["A1"].font.bold
    assert "数据截至2026年10月31日" in ws["A2"].value
    header = [c.value for c in ws[4]]
    assert header[:4] == ["项目", "本月", "去年同月", "同比"]
    total = next(r for r in ws.iter_rows(min_row=5) if r[0].value == "合计")
    assert total[1].value == 2 and total[2].value == 4 and isinstance(total[1].value, int)
    assert total[3].value == pytest.approx(-0.5) and "下降" in total[3].number_format  # 2 against 4
    assert total[1].border.left.style == "thin"
    tabled = [sheet for sheet in wb if sheet.auto_filter.ref]
    assert [sheet.title for sheet in tabled][:3] == ["概况", "排名", "后十位"]
    for sheet in tabled:
        assert sheet.freeze_panes == "A5" and sheet.print_title_rows == "$4:$4"
        assert sheet.auto_filter.ref.startswith("A4:")
    for sheet in wb:
        # fitted to one page wide (fitToWidth absent: 1, the file format's default), as many down as it takes
        setup = sheet.page_setup
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and (setup.fitToWidth or 1) == 1 and setup.fitToHeight == 0
        assert setup.paperSize in (9, "9")
        assert "&P" in sheet.oddFooter.right.text and "&N" in sheet.oddFooter.right.text
    deposits = wb["保证金"]
    assert deposits["A1"].value.endswith("七、信访保证金扣缴")


def test_export_workbook_filters_and_prints_with_its_header(cli, office, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "e.xlsx"
    assert cli("export", "--format", "xlsx", "-o", out).code == 0
    wb = load_workbook(out)
    _no_formulas(wb)
    ws = wb.active
    assert ws["A1"].value == "案号" and ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}"
    assert ws.print_title_rows == "$1:$1" and ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.oddHeader.center.text == "土地信访事项台账"
    ids = [c.value for c in ws[ws.max_row]] + [c.value for r in ws.iter_rows(min_row=2) for c in r]
    assert VALID_ID not in ids


def test_word_bulletin_has_headings_tables_chart_and_page_numbers(cli, office, tmp_path):
    import docx

    out = tmp_path / "b.docx"
    res = cli("report", "--month", "2026-10", "-o", out)
    assert res.code == 0, res.err
    doc = docx.Document(out)
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "一、信访总量" and headings[-1] == "八、说明" and len(headings) == 8
    assert doc.paragraphs[0].text == "土地信访工作通报"
    assert len(doc.inline_shapes) == 1  # the trend chart
    image = doc.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
    assert doc.part.related_parts[image].blob.startswith(b"\x89PNG")
    totals = doc.tables[0]
    assert [c.text for c in totals.rows[0].cells][:4] == ["项目", "本月", "去年同月", "同比"]
    row = next(r for r in totals.rows if r.cells[0].text == "合计")
    assert [c.text for c in row.cells][1:4] == ["2", "4", "下降50.0%"]
    assert totals.rows[0]._tr.trPr.xml.count("tblHeader") == 1  # header row repeats on each page
    footer = doc.sections[0].footer._element.xml
    assert "PAGE" in footer and "NUMPAGES" in footer and "第 " in footer
    text = " ".join(p.text for p in doc.paragraphs) + " ".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert VALID_ID not in text and "李四" not in text


def test_terminal_report_is_tables_and_md_only_when_asked(cli, office):
    md = cli("report", "--month", "2026-10", "--format", "md").out
    assert md.startswith("# 土地信访工作通报") and "| 项目 |" in md
    assert cli("report", "--month", "2026-10", "--format", "pdf").code == 1


def test_html_bulletin_prints_page_numbers_and_one_cut_off_date(cli, office, tmp_path):
    page = tmp_path / "b.html"
    assert cli("report", "--month", "2026-10", "-o", page).code == 0
    html = page.read_text(encoding="utf-8")
    assert "@bottom-right" in html and "counter(pages)" in html
    assert html.count("数据截至") == 1 and "截至2026年11月26日" not in html
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not (browser and shutil.which("pdfinfo") and shutil.which("pdftotext")):
        pytest.skip("no chromium or poppler here to print and read the PDF")
    pdf = tmp_path / "b.pdf"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    f"--user-data-dir={tmp_path / 'profile'}", "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
                    page.as_uri()], capture_output=True, timeout=120)
    if not pdf.exists():
        pytest.skip("chromium could not print here")
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout)[1])
    text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True).stdout
    assert 2 <= pages <= 6
    assert re.sub(r"\s", "", text).count(f"共{pages}页") == pages  # 第 N 页 共 M 页 on every page
    assert "file://" not in text


def test_handling_sheet_names_the_office_dates_steps_and_has_tick_boxes(cli, office, tmp_path):
    case = office["first"]
    cli.ok("reply", case, "--on", "2026-10-24", "--summary", "已答复")
    cli.ok("resolve", case, "--on", "2026-10-25", "--outcome", "explain", "--summary", "已解释")
    cli.ok("review", case, "--on", "2026-11-01", "--reason", "不服")  # entered on 26 November
    out = tmp_path / "h.html"
    assert cli("form", case, "--kind", "handling", "-o", out).code == 0
    html = out.read_text(encoding="utf-8")
    assert '<p class="issuer">区国土资源局信访室</p>' in html
    assert re.search(r"<td>2026-11-01</td><td>申请复查</td>", html)
    # Resolved without the petitioner's signature: 否 ticked, 是 left to tick; open: both empty.
    assert '<span class="check">☐</span>是　<span class="check">☑</span>否' in html and "☐ 无" not in html
    assert VALID_ID not in html and "110105********002X" in html


def test_a_form_names_every_kind_of_handling_step_in_both_languages():
    # 受理, 不予受理, 签收书面意见 … as a form's 办理经过 lists them, never the history's code
    from xinfang.messages import action_names
    from xinfang.render.text import step_action

    for action in action_names():
        zh, en = step_action(action, "zh"), step_action(action, "en")
        assert zh != action and not re.search(r"[a-z]", zh) and en, action


def test_supervision_letters_one_page_per_unit(cli, office, tmp_path):
    import docx

    out = tmp_path / "督办单.html"
    res = cli("overdue", "--letter", "-o", out)
    assert res.code == 0, res.err
    html = out.read_text(encoding="utf-8")
    letters = html.split('<section class="letter">')[1:]
    assert len(letters) == 2 and "车桥镇：" in letters[0] and "泾口镇：" in letters[1]
    assert ".letter + .letter { break-before: page" in html and "督办回执" in letters[1]
    soon = re.search(rf"<tr><td>{office['soon']}</td>(.*?)</tr>", letters[1]).group(1)
    assert re.findall(r"<td[^>]*>(.*?)</td>", soon)[3] == ""  # not late: no days-late figure
    late = re.search(rf"<tr><td>{office['first']}</td>(.*?)</tr>", letters[0]).group(1)
    assert int(re.findall(r"<td[^>]*>(.*?)</td>", late)[3]) > 0
    assert "自交办之日起5日" in letters[0] and VALID_ID not in html and "李四" not in html
    word = tmp_path / "督办单.docx"
    assert cli("overdue", "--letter", "-o", word).code == 0
    doc = docx.Document(word)
    assert sum(1 for p in doc.paragraphs if p.paragraph_format.page_break_before) == 1
    assert [p.text for p in doc.paragraphs].count("土地信访事项督办单") == 2
    assert cli("overdue", "--letter").code == 1 and cli("overdue", "--letter", "-o", tmp_path / "x.txt").code == 1


def test_chinese_views_in_datasette(cli, office, tmp_path):
    datasette = pytest.importorskip("datasette.app")
    import yaml

    noted = cli.register(received="2026-10-14", summary=f"来访人留电话{PHONE}，身份证{VALID_ID}，2026年10月反映")["case"]
    meta = tmp_path / "metadata.yml"
    assert cli("db", "metadata", "-o", meta).code == 0
    metadata = yaml.safe_load(meta.read_text(encoding="utf-8"))
    db_name = cli.db.stem
    assert metadata["databases"][db_name]["tables"]["案件"]["title"] == "信访事项"

    def datasette_app():
        # The ledger opened as the README opens it: not immutable (read as it changes, no download).
        return datasette.Datasette([str(cli.db)], metadata=metadata, settings={"num_sql_threads": 1})

    def read(table: str | None, query: str = ""):
        async def go():
            ds = datasette_app()
            path = ds.urls.table(db_name, table, format="json") if table else ds.urls.database(db_name, format="json")
            response = await ds.client.get(f"{path}?{query}", follow_redirects=True)
            assert response.status_code == 200, response.text[:500]
            return response.json()

        return asyncio.run(go())

    data = read("案件", f"_shape=objects&案号={office['first']}")
    row = data["rows"][0]
    assert row["身份证号"] == "110105********002X" and row["联系电话"] == "138****5678"
    assert row["信访形式"] == "来信" and row["类别"] == "申诉求决类" and row["办理状态"] == "交办"
    assert row["集体访"] == "否" and row["内容分类"] == "征地补偿"
    # A number written into a summary is not read there either: the text's digits are starred.
    summary = read("案件", f"_shape=objects&案号={noted}")["rows"][0]["内容摘要"]
    assert summary == "来访人留电话***********，身份证*****************X，****年**月反映"
    views = read(None)
    names = {v["name"] for v in views["views"]}
    assert {"案件", "时限", "排名", "保证金", "官员", "办理记录"} <= names
    clocks = read("时限", f"_shape=objects&案号={office['first']}")
    assert {r["时限"] for r in clocks["rows"]} >= {"受理告知", "一般事项答复"}
    history = read("办理记录", "_shape=objects&_size=max")
    assert history["rows"] and all(VALID_ID not in str(r) and PHONE not in str(r) for r in history["rows"])
    assert not re.search(r"\.\d{6}", str([r["记录时间"] for r in history["rows"]]))  # no microseconds

    # What holds the whole numbers cannot be reached from the browser: not the raw tables, not a
    # query of one's own, not a filter written in SQL, not the file.
    async def refused():
        ds = datasette_app()
        codes = {}
        for name, path in (("cases", ds.urls.table(db_name, "cases", format="json")),
                           ("events", ds.urls.table(db_name, "events", format="json")),
                           ("evaluations", ds.urls.table(db_name, "evaluations", format="json")),
                           ("sql", ds.urls.database(db_name, format="json") + "?sql=select+id_number,phone+from+cases"),
                           ("where", ds.urls.table(db_name, "案件", format="json") + "?_where=1"),
                           ("file", f"/{db_name}.db")):
            response = await ds.client.get(path, follow_redirects=True)
            codes[name] = (response.status_code, VALID_ID in response.text or PHONE in response.text)
        return codes

    codes = asyncio.run(refused())
    assert all(code == 403 and not leaked for code, leaked in codes.values()), codes
