"""The monthly bulletin (report) and the printable case forms (form), end to end through the CLI.

The test ledger is registered through the real commands with known counts, so the year-on-year
figures are checked against numbers worked out by hand.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import pytest

VALID_ID = "11010519491231002X"
PHONE = "13812345678"
ACCUSED = "区公安局"  # an accused department: it must never appear in a published bulletin


def _register_many(cli, n: int, **fields) -> list[str]:
    return [cli.register(**fields)["case"] for _ in range(n)]


@pytest.fixture
def office(cli):
    """October 2025 against October 2026, with known counts by channel.

    2025-10: letters 5, visits 1 + outreach 1, online 1                      = 8
    2026-10: letters 3 (one an accusation), visits 1 + outreach 2, phone 1    = 7
      letters 5 → 3: down 40.0%; visits (incl. outreach) 2 → 3: up 50.0%; online 1 → 0: down 100.0%;
      phone 0 → 1: no comparison; total 8 → 7: down 12.5%.
    """
    cli("officials", "add", "--township", "车桥镇", "--role", "secretary", "--name", "钱书记", "--from", "2025-01-01",
        "--json", today="2025-01-01")
    cli("officials", "add", "--township", "车桥镇", "--role", "head", "--name", "孙镇长", "--from", "2025-01-01",
        "--json", today="2025-01-01")
    for name in ("钱书记", "孙镇长"):
        assert cli("deposits", "pay", "--official", name, "--amount", "10000", "--on", "2026-01-15", "--year",
                   "2026", "--json").code == 0
    last = dict(received="2025-10-09")
    _register_many(cli, 5, channel="letter", **last)
    cli.register(channel="visit", **last)
    cli.register(channel="outreach", point="车桥", **last)
    cli.register(channel="online", township="泾口镇", **last)
    now = dict(received="2026-10-12")
    first = cli.register(channel="letter", id_number=VALID_ID, phone=PHONE, name="李四", address="车桥镇东3组",
                         summary="征地补偿款未足额到位，要求补足", **now)["case"]
    cli.register(channel="letter", kind="accusation", accused=ACCUSED, township="泾口镇", category="illegal_use",
                 summary="反映违法占地", **now)
    cli.register(channel="letter", level="city", people=6, **now)  # skip-level and collective: 车桥镇 charged
    cli.register(channel="visit", township="泾口镇", **now)
    cli.register(channel="outreach", point="车桥", **now)
    cli.register(channel="outreach", point="林集", township="林集镇", **now)
    cli.register(channel="phone", township="林集镇", **now)
    # Assigned on 20 October, general matter: reply due in 5 days, not replied by 31 October.
    cli.ok("accept", first, "--told", "written", "--on", "2026-10-20")
    cli.ok("assign", first, "--unit", "车桥镇", "--leader", "陈书记", "--on", "2026-10-20")
    return {"first": first}


def _bulletin_md(cli, month="2026-10", **kw) -> str:
    res = cli("report", "--month", month, **kw)
    assert res.code == 0, res.err
    return res.out


def _section(md: str, heading: str) -> str:
    return md.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]


def _row(md: str, label: str) -> list[str]:
    for line in md.splitlines():
        cells = [c.strip().strip("*") for c in line.strip().strip("|").split("|")]
        if cells and cells[0] == label:
            return cells
    raise AssertionError(f"no row {label!r}")


def test_markdown_totals_and_year_on_year_change(cli, office):
    md = _bulletin_md(cli)
    assert md.startswith("# 土地信访工作通报")
    assert _row(md, "来信")[1:4] == ["3", "5", "下降40.0%"]
    assert _row(md, "来访（含下乡接访）")[1:4] == ["3", "2", "上升50.0%"]
    assert _row(md, "其中：下乡接访")[1:4] == ["2", "1", "上升100.0%"]
    assert _row(md, "网上信访")[1:4] == ["0", "1", "下降100.0%"]
    assert _row(md, "电话")[1:4] == ["1", "0", "无可比"]
    assert _row(md, "合计")[1:4] == ["7", "8", "下降12.5%"]
    assert "全区共登记土地信访事项7件，同比下降12.5%；其中来信3件，同比下降40.0%" in md
    assert _row(md, "10月")[1:] == ["7", "8"] and _row(md, "11月")[1:] == ["", "0"]
    for heading in ("一、信访总量", "二、乡镇信访排名", "三、排名后十位", "四、制裁与责任追究", "五、考核指标",
                    "六、超期未办结事项", "七、信访保证金扣缴", "八、说明"):
        assert f"## {heading}" in md
    assert "暂定" in md and "区1、市2、省3、国家5" in md  # method: weights and status


def test_a_corrected_or_voided_case_moves_in_the_totals_and_an_upgraded_ledger_counts_as_before(cli, office):
    """The totals are read from the channel tally (migration 0018): a case corrected to another
    channel or day, or voided, moves in the bulletin at once; a ledger made before the tally counts
    the same once opened, and its audit holds the tally to the cases."""
    import sqlite3

    from xinfang.ledger import schema

    visit = cli.register(channel="phone", township="林集镇", received="2026-10-12")["case"]
    mistaken = cli.register(channel="letter", received="2026-10-13")["case"]
    md = _bulletin_md(cli)
    assert _row(md, "电话")[1:3] == ["2", "0"] and _row(md, "来信")[1:3] == ["4", "5"]
    cli.ok("correct", visit, "--channel", "visit", "--reason", "登记渠道有误")
    cli.ok("void", mistaken, "--reason", "重复登记", "--yes")
    md = _bulletin_md(cli)
    assert _row(md, "来访（含下乡接访）")[1:3] == ["4", "2"] and _row(md, "电话")[1:3] == ["1", "0"]
    assert _row(md, "来信")[1:3] == ["3", "5"] and _row(md, "合计")[1:3] == ["8", "8"]
    cli.ok("correct", visit, "--received", "2026-09-30", "--reason", "收件日期有误")
    md = _bulletin_md(cli)
    assert _row(md, "合计")[1:3] == ["7", "8"] and _row(md, "合计")[4] == "8"  # still in the year so far
    before = _bulletin_md(cli)
    with sqlite3.connect(cli.db) as conn:  # as the ledger was before migration 0018
        conn.executescript("".join(f"DROP TRIGGER {name};" for name in schema.CHANNEL_TRIGGERS)
                           + "DROP TABLE channel_tally;"
                           "DELETE FROM _sqlite_migrations WHERE name = '0018_channel_tally';"
                           f"PRAGMA user_version = {schema.MIGRATION_COUNT - 1};")
    assert _bulletin_md(cli) == before  # opening it upgrades it
    audit = cli("audit", "verify", "--json")
    assert audit.code == 0 and audit.json()["checked"]["channel_tally"] > 0


def test_bulletin_never_shows_personal_data_or_the_accused(cli, office, tmp_path):
    md = _bulletin_md(cli)
    assert cli("report", "--month", "2026-10", "-o", tmp_path / "b.html").code == 0
    assert cli("report", "--month", "2026-10", "-o", tmp_path / "b.xlsx").code == 0
    html = (tmp_path / "b.html").read_text(encoding="utf-8")
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "b.xlsx")
    cells = " ".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None)
    for doc in (md, html, cells):
        for secret in (VALID_ID, VALID_ID[-4:] + "", PHONE, PHONE[-4:], "李四", "车桥镇东3组", ACCUSED):
            assert secret not in doc, secret


def test_html_bulletin_structure(cli, office, tmp_path):
    out = tmp_path / "bulletin.html"
    res = cli("report", "--month", "2026-10", "--format", "html", "-o", out)
    assert res.code == 0, res.err
    html = out.read_text(encoding="utf-8")
    # Two charts: the cases per month, and the district's indicators over twelve months
    assert html.count("<svg") == 2 and html.count("</svg>") == 2
    assert "全区考核指标近12个月（2025-11至2026-10）" in html and "<circle" in html
    # The chart: twelve months of last year and the ten months of this year reached so far.
    assert len(re.findall(r'<rect class="last"', html)) == 12
    assert len(re.findall(r'<rect class="this"', html)) == 10
    assert "<script" not in html and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html
    assert "@media print" in html and "size: A4" in html and "break-before: page" in html
    assert '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "SimSun", sans-serif' in html
    # Totals with the year-on-year percent.
    total = re.search(r'<tr class="total">(.*?)</tr>', html).group(1)
    assert re.findall(r"<td[^>]*>(.*?)</td>", total)[:4] == ["合计", "7", "8", "下降12.5%"]
    # The ranking table holds the rows of `rank --json`, in order.
    rank = cli.ok("rank", "--month", "2026-10")
    table = re.search(r'<table class="ranking">(.*?)</table>', html, re.S).group(1)
    body = re.findall(r"<tr[^>]*>(.*?)</tr>", table.split("<tbody>")[1], re.S)
    got = [re.findall(r"<td[^>]*>(.*?)</td>", r)[:4] for r in body]
    assert got == [[str(r["position"]), r["township"], str(r["score"]), str(r["cases"])] for r in rank["rows"]]
    bottom = [r["township"] for r in rank["rows"] if r["bottom"]]
    assert bottom == ["车桥镇", "泾口镇", "林集镇"]
    assert len(re.findall(r'<tr class="mark">', table)) == len(bottom)


def test_xlsx_bulletin_sheets_and_ranking(cli, office, tmp_path):
    from openpyxl import load_workbook

    from xinfang.render.text import display_width

    out = tmp_path / "bulletin.xlsx"
    res = cli("report", "--month", "2026-10", "--format", "xlsx", "-o", out)
    assert res.code == 0, res.err
    wb = load_workbook(out)
    assert wb.sheetnames == ["概况", "排名", "后十位", "制裁", "指标", "超期", "保证金"]
    ws = wb["排名"]
    # Row 1 the title, row 2 the issuer and cut-off date, row 4 the header.
    assert ws["A1"].value == "土地信访工作通报　2026年第10期　二、乡镇信访排名"
    header = [c.value for c in ws[4]]
    assert header[:8] == ["名次", "乡镇", "得分", "件数", "越级", "集体访", "重复访", "后十位"]
    assert all(c.font.bold for c in ws[4]) and ws.freeze_panes == "A5"
    rank = cli.ok("rank", "--month", "2026-10")
    rows = [[c.value for c in r[:4]] + [r[7].value] for r in ws.iter_rows(min_row=5, max_row=4 + len(rank["rows"]))]
    assert rows == [[r["position"], r["township"], r["score"], r["cases"], "是" if r["bottom"] else "否"]
                    for r in rank["rows"]]
    widest = max(display_width(r["township"]) for r in rank["rows"])
    assert ws.column_dimensions["B"].width >= widest + 1
    summary = wb["概况"]
    assert [c.value for c in summary[4]][:4] == ["项目", "本月", "去年同月", "同比"]
    by_label = {r[0].value: [c.value for c in r] for r in summary.iter_rows(min_row=5) if r[0].value}
    assert by_label["合计"][1:4] == [7, 8, -0.125] and by_label["电话"][1:4] == [1, 0, "无可比"]
    assert summary.freeze_panes == "A5"
    deposits = wb["保证金"]
    charged = {r[2].value: (r[3].value, r[4].value, r[6].value) for r in deposits.iter_rows(min_row=5) if r[2].value}
    assert charged == {"钱书记": (1, 500, 9500), "孙镇长": (1, 500, 9500)}
    res = cli("report", "--month", "2026-10", "--format", "xlsx")
    assert res.code == 1 and res.err.count("\n") == 1 and "-o" in res.err


def _gathered(cli):
    """October 2026's bulletin as gathered from the test's ledger on 20 November, to render with
    changed parts."""
    import datetime as dt

    from xinfang.ledger.db import open_ledger
    from xinfang.ledger.report import gather_bulletin

    ledger = open_ledger(cli.db, "tester")
    try:
        return gather_bulletin(ledger, "2026-10", dt.date(2026, 11, 20))
    finally:
        ledger.conn.close()


def test_a_unit_with_more_overdue_cases_than_an_excel_cell_holds_says_how_many_are_left_out(cli, office, tmp_path):
    """At a province's scale one unit's overdue case numbers outgrow an Excel cell (32,767
    characters): the workbook lists the whole numbers that fit and how many more there are, and
    never a number cut in two; the HTML bulletin lists them all."""
    import io

    from openpyxl import load_workbook

    from xinfang.render.bulletin import CELL_LIMIT, to_html, to_xlsx

    b = _gathered(cli)
    numbers = [f"2026-{n:07d}" for n in range(1, 4001)]  # 4,000 numbers: 51,999 characters listed
    b = b._replace(overdue=[{"unit": "车桥镇", "overdue": 4003, "seriously_overdue": 12, "worst_days_late": 40,
                             "cases": numbers, "withheld": 3}])
    sheet = load_workbook(io.BytesIO(to_xlsx(b)))["超期"]
    cell = next(c.value for row in sheet.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("2026-0000001、"))
    assert len(cell) <= CELL_LIMIT
    shown, rest = cell.split("……另", 1)
    listed = shown.split("、")
    assert listed == numbers[:len(listed)] and len(listed) > 2000  # whole numbers, in order
    assert rest.startswith(f"{4000 - len(listed)}件未列出") and cell.endswith("；检举控告类3件不列案号")
    assert "、".join(numbers) in to_html(b)


def test_a_workbook_cell_past_excel_s_limit_is_cut_and_says_so_in_the_reader_s_language():
    """In English the note says so in English; a text that is no list of numbers (a summary, say)
    is cut, room left for the quote that keeps a formula-like text from running, and says so."""
    from xinfang.escape import cell as safe_cell
    from xinfang.render.bulletin import CELL_LIMIT, Numbers, _within

    numbers = tuple(f"2026-{n:07d}" for n in range(1, 4001))
    text = Numbers(numbers, "", "en").within(CELL_LIMIT - 1)
    shown, rest = text.split("… and ", 1)
    assert shown.split(", ") == list(numbers[:len(shown.split(", "))]) and rest.startswith(
        f"{4000 - len(shown.split(', '))} more not listed")
    long_text = "=" + "征地补偿" * 9000
    cut = safe_cell(_within(long_text, "zh"))
    assert len(cut) <= CELL_LIMIT and cut.startswith("'=征地补偿") and cut.endswith("全文见HTML、Markdown、Word版通报）")
    assert _within("短文本", "zh") == "短文本" and _within(7, "zh") == 7


def test_a_text_of_rare_characters_is_cut_as_excel_counts_it_and_still_says_so(cli, office):
    """Excel counts a cell's characters in UTF-16: a character beyond the Basic Multilingual Plane
    (𠮷, in names) counts two. A unit's name of such characters longer than a cell holds is cut
    before the limit Excel counts, and the note saying so is kept whole."""
    import io

    from openpyxl import load_workbook

    from xinfang.render.bulletin import CELL_LIMIT, cell_units, to_xlsx

    b = _gathered(cli)
    for name in ("𠮷" * 20000 + "村", "𠮷" * 40000 + "村"):  # 40,001 and 80,001 units
        b = b._replace(overdue=[{"unit": name, "overdue": 1, "seriously_overdue": 0, "worst_days_late": 3,
                                 "cases": ["2026-00001"], "withheld": 0}])
        sheet = load_workbook(io.BytesIO(to_xlsx(b)))["超期"]
        cell = next(c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and "𠮷" in c.value)
        assert cell_units(cell) <= CELL_LIMIT and cell.endswith("全文见HTML、Markdown、Word版通报）")
        assert set(cell.split("（", 1)[0].split("…", 1)[0]) == {"𠮷"}  # never half a character
    assert cell_units("𠮷村") == 3 and cell_units("abc") == 3


def test_control_and_direction_characters_in_a_workbook_cell_are_shown_not_obeyed(cli, office):
    """A unit's name with a control character or a right-to-left override reaches the workbook
    made visible, as on the terminal: nothing in a cell reorders or hides the text around it."""
    import io

    from openpyxl import load_workbook

    from xinfang.render.bulletin import to_xlsx

    b = _gathered(cli)._replace(overdue=[{"unit": "车桥\x01镇\u202e局", "overdue": 1, "seriously_overdue": 0,
                                           "worst_days_late": 3, "cases": ["2026-00001"], "withheld": 0}])
    sheet = load_workbook(io.BytesIO(to_xlsx(b, issuer="区信访局\u202e")))["超期"]
    cells = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert "车桥\u2401镇\\u202e局" in cells
    assert not any(ch in value for value in cells for ch in ("\x01", "\u202e"))
    assert "\u202e" not in sheet.oddFooter.left.text and "区信访局" in sheet.oddFooter.left.text


def test_the_workbook_footer_prints_the_issuer_as_written_with_the_page_numbers(cli, office):
    """The issuer's name goes into every sheet's footer as the office wrote it: an ``&`` (or an
    ``&G`` that a spreadsheet would read as a picture's code), a leading digit and an overlong
    name never lose the footer or its page numbers."""
    import io
    import warnings
    import zipfile

    from openpyxl import load_workbook

    from xinfang.render.bulletin import FOOTER_LIMIT, to_xlsx

    b = _gathered(cli)
    for issuer in ("R&G办公室", "区信访局&[Picture]", "2号信访接待室", "信访局" * 120):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a footer the writer refuses would only warn
            data = to_xlsx(b, issuer=issuer)
        book = load_workbook(io.BytesIO(data))
        for sheet in book:
            footer = sheet.oddFooter
            assert footer.right.text == "第 &P 页 共 &N 页" and footer.left.size == 8, sheet.title
        xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
        text = re.search(r"<oddFooter>(.*?)</oddFooter>", xml).group(1)
        assert len(text.replace("&amp;", "&")) <= FOOTER_LIMIT
        left = book["概况"].oddFooter.left.text
        if len(issuer) < 100:
            assert left.replace("&&", "&").replace('&"-,Regular"', "").startswith(issuer)
        else:
            assert left.startswith("信访局信访局") and len(left) < len(issuer)


def test_overdue_section_is_as_of_the_months_end(cli, office):
    section = _section(_bulletin_md(cli), "六、超期未办结事项")
    assert _row(section, "车桥镇")[1:5] == ["1", "0", "5", office["first"]]  # reply due 26 October: 5 days late
    # Never assigned: six of October 2026 (15-day notice due 27 October, 4 days late) and the eight of
    # October 2025 (notice due 24 October 2025, 372 days late, seriously overdue).
    unassigned = _row(section, "未交办")
    assert unassigned[1:4] == ["14", "8", "372"] and unassigned[4].endswith("检举控告类1件不列案号")
    # Replied in November: no longer on the supervision list, still overdue at October's end.
    cli.ok("reply", office["first"], "--on", "2026-11-10", "--summary", "已答复")
    assert office["first"] in _section(_bulletin_md(cli), "六、超期未办结事项")
    assert office["first"] not in _section(_bulletin_md(cli, month="2026-11"), "六、超期未办结事项")


def test_current_month_is_as_of_today_and_matches_the_supervision_list(cli, office):
    md = _bulletin_md(cli, month="2026-11")
    assert "截至2026年11月26日" in md and "本月（截至26日）" in md
    listed = {(r["case"], r["unit"]) for r in cli.ok("overdue") if r["tier"] in ("overdue", "seriously_overdue")}
    section = _section(md, "六、超期未办结事项")
    cases = {case for case, _ in listed}
    assert f"共有{len(cases)}件事项超过办理时限" in section
    accusation = "2026-00002"  # counted, its number withheld
    assert accusation in cases and set(re.findall(r"\d{4}-\d{5}", section)) == cases - {accusation}


def test_month_not_begun_and_english(cli, office):
    res = cli("report", "--month", "2026-12")
    assert res.code == 1 and "尚未开始" in res.err and res.out == ""
    md = cli("report", "--month", "2026-10", lang="en").out
    assert "# Land Petition Bulletin" in md and "## 1. Letters and visits" in md
    assert _row(md, "total")[1:4] == ["7", "8", "down 12.5%"]


def test_assignment_form_shows_the_case_with_the_id_masked(cli, office, tmp_path):
    out = tmp_path / "form.html"
    res = cli("form", office["first"], "--kind", "assignment", "-o", out)
    assert res.code == 0, res.err
    html = out.read_text(encoding="utf-8")
    assert "土地矛盾人民来信呈阅交办单" in html and office["first"] in html
    assert "李四" in html and "车桥镇东3组" in html and "征地补偿款未足额到位，要求补足" in html
    assert VALID_ID not in html and "110105********002X" in html
    assert PHONE not in html and "138****5678" in html
    assert "领导阅示" in html and "陈书记" in html and "2026年10月26日" in html  # reply due
    assert "size: A4" in html and "<script" not in html
    revealed = tmp_path / "revealed.html"
    assert cli("form", office["first"], "-o", revealed, "--reveal").code == 0
    assert VALID_ID in revealed.read_text(encoding="utf-8")


def test_handling_sheet_shows_clocks_steps_and_result(cli, office, tmp_path):
    case = office["first"]
    cli.ok("reply", case, "--on", "2026-10-28", "--summary", "已当面答复补偿标准")
    cli.ok("resolve", case, "--on", "2026-11-05", "--outcome", "support", "--summary", "补足补偿款，信访人签字",
           "--signed", "--satisfaction", "satisfied", "--cease-agreement")
    out = tmp_path / "sheet.html"
    assert cli("form", case, "--kind", "handling", "-o", out).code == 0
    html = out.read_text(encoding="utf-8")
    assert "土地信访矛盾化解包案处理表" in html and VALID_ID not in html
    for text in ("一般事项答复", "2026-10-26", "办理期限", "已当面答复补偿标准", "补足补偿款，信访人签字", "满意",
                 "停访协议", "信访人签字", "交办车桥镇，包案领导陈书记"):
        assert text in html, text
    clocks = re.search(r'<table class="list clocks">(.*?)</table>', html, re.S).group(1)
    assert re.search(r"<td>一般事项答复</td><td>2026-10-20</td><td>2026-10-26</td><td>2026-10-28</td><td>否</td>", clocks)


def test_accusation_forms_are_never_for_the_accused(cli, tmp_path):
    case = cli.register(kind="accusation", accused="泾口镇", township="泾口镇", major=True)["case"]
    cli.ok("assign", case, "--unit", "区监察局", "--leader", "赵六", "--joint", "区国土局")
    out = tmp_path / "f.html"
    res = cli("form", case, "--for", "泾口", "-o", out)
    assert res.code == 1 and "检举控告" in res.err and not out.exists()
    assert cli("form", case, "-o", out).code == 0
    html = out.read_text(encoding="utf-8")
    recipients = re.search(r'<p class="recipients">(.*?)</p>', html).group(1)
    assert recipients == "送：区监察局、区国土局、区督查办" and "泾口镇" not in recipients


def test_report_on_the_demo_ledger(tmp_path, capsys):
    from openpyxl import load_workbook

    from xinfang.cli import run

    db = tmp_path / "demo.db"
    code = run(["--db", str(db), "demo"])
    out, err = capsys.readouterr()
    if code != 0:
        pytest.skip(f"xinfang demo does not build in this tree yet: {err.strip()}")
    base = ["--db", str(db), "--today", "2026-11-26"]
    assert run(base + ["report", "--month", "2026-10", "-o", str(tmp_path / "demo.xlsx")]) == 0
    assert run(base + ["report", "--month", "2026-10", "-o", str(tmp_path / "demo.html")]) == 0
    assert run(base + ["rank", "--month", "2026-10", "--json"]) == 0
    import json

    rank = json.loads(capsys.readouterr().out)
    ws = load_workbook(tmp_path / "demo.xlsx")["排名"]
    rows = [[c.value for c in r[:4]] for r in ws.iter_rows(min_row=5, max_row=4 + len(rank["rows"]))]
    assert rows == [[r["position"], r["township"], r["score"], r["cases"]] for r in rank["rows"]]
    html = (tmp_path / "demo.html").read_text(encoding="utf-8")
    assert "<svg" in html and "正式" in html  # the demo publishes its months
    assert len(re.findall(r'<rect class="this"', html)) == 10
    # The trend's monthly counts (whole months from the case tally) are the cases received, for a
    # year up to a day inside a month and for whole years.
    from xinfang.ledger.db import open_ledger
    from xinfang.ledger.report import monthly_counts

    ledger = open_ledger(db, "tester")
    for year, until in ((2026, dt.date(2026, 10, 17)), (2026, dt.date(2026, 11, 26)), (2025, None)):
        last = until or dt.date(year, 12, 31)
        direct = dict(ledger.conn.execute(
            "SELECT CAST(substr(month, 6) AS INTEGER), count(*) FROM cases WHERE year = ? AND received <= ?"
            " AND status != 'voided' GROUP BY month", (year, last.isoformat())).fetchall())
        assert monthly_counts(ledger, year, until) == [
            None if dt.date(year, m, 1) > last else direct.get(m, 0) for m in range(1, 13)]


def test_html_bulletin_renders_in_chromium(cli, office, tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not browser:
        pytest.skip("no chromium on this machine; the structure checks above are the test")
    page = tmp_path / "b.html"
    assert cli("report", "--month", "2026-10", "-o", page).code == 0
    pdf = tmp_path / "b.pdf"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run",
                    f"--user-data-dir={tmp_path / 'profile'}", "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
                    page.as_uri()], capture_output=True, timeout=120)
    data = pdf.read_bytes() if pdf.exists() else b""
    if not data:
        pytest.skip("chromium could not print here")
    # The sections flow on from one another (the ranking starts a page): at least two A4 pages.
    assert data.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", data)) >= 2


def test_a_form_masks_id_and_phone_in_the_case_and_in_its_corrections_unless_revealed():
    from xinfang.render.forms import masked

    data = {"revealed": False, "case": {"number": "2026-00001", "id_number": "11010519800101002X", "phone": "13812345678"},
            "steps": [{"action": "correct", "changes": {"id_number": ["11010519800101002X", "110105198001010031"],
                                                        "phone": [None, "13812345678"], "unit": ["A", "B"]}}]}
    hidden = masked(data)
    assert hidden["case"]["id_number"] == "110105********002X" and hidden["case"]["phone"] == "138****5678"
    assert hidden["steps"][0]["changes"] == {"id_number": ["110105********002X", "110105********0031"],
                                             "phone": [None, "138****5678"], "unit": ["A", "B"]}
    assert data["case"]["id_number"] == "11010519800101002X"  # the facts themselves are left as they are
    assert masked({**data, "revealed": True}) == {**data, "revealed": True}
