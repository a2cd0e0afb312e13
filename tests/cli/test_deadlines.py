"""Deadlines through the real command: clocks per case, extension, review and re-review, the
supervision list (overdue), and provisional due dates recomputed when a year's schedule is loaded."""

from __future__ import annotations

import csv
import datetime as dt
import io
import sqlite3

import pytest


def register(cli, today: str, **fields) -> tuple[dict, str]:
    """Register with a chosen today; returns (JSON, stderr)."""
    values = {"channel": "letter", "township": "车桥镇", "name": "张三", "category": "compensation",
              "summary": "征地补偿款未足额到位", **fields}
    args = ["register", "--again"]
    for key, value in values.items():
        args += ["--" + key.replace("_", "-"), str(value)]
    res = cli(*args, "--json", today=today)
    assert res.code == 0, res.err
    return res.json(), res.err


def assign(cli, case: str, on: str, unit: str = "车桥镇", leader: str = "李四", today: str | None = None) -> dict:
    """Accept (受理, the petitioner told in writing) and assign on the same day: the office's usual
    day. Returns the assignment's JSON with the deadlines both started."""
    accepted = cli.ok("accept", case, "--told", "written", "--on", on, today=today or "2026-11-26")
    result = cli.ok("assign", case, "--unit", unit, "--leader", leader, "--on", on, today=today or "2026-11-26")
    return {**result, "deadlines": result["deadlines"] + accepted["deadlines"]}


def due_of(deadlines: list[dict], clock: str) -> dict:
    return next(d for d in deadlines if d["clock"] == clock)


def clock_row(cli, case: str, clock: str) -> dict:
    shown = cli.ok("show", case)
    return due_of(shown["deadlines"], clock)


def refused(cli, *args, today: str = "2026-11-26"):
    """Run a command that must be refused: exit 1, one line on stderr, nothing written."""
    before = cli.counts()
    res = cli(*args, today=today)
    assert res.code == 1, res.out + res.err
    assert res.err.startswith("错误：") and res.err.count("\n") == 1 and "Traceback" not in res.err
    assert cli.counts() == before
    return res.err


# -- clocks per case ---------------------------------------------------------------------------

@pytest.mark.parametrize(("assigned", "due"), [("2026-09-28", "2026-10-08"), ("2026-10-05", "2026-10-10")])
def test_general_case_reply_due_follows_the_2026_schedule(cli, assigned, due):
    case = cli.register(received=assigned)["case"]
    result = assign(cli, case, assigned)
    assert due_of(result["deadlines"], "reply") == {"clock": "reply", "due": due, "provisional": False}
    assert {d["clock"] for d in result["deadlines"]} == {"reply", "objection", "handling"}
    row = clock_row(cli, case, "reply")
    assert row["start"] == assigned and row["done_on"] is None


def test_major_case_gets_the_conclusion_clock_and_notice_runs_from_registration(cli):
    reg = cli.register(received="2026-09-22", major=True)
    assert reg["deadlines"] == [{"clock": "notice", "due": "2026-10-08", "provisional": False}]
    result = assign(cli, reg["case"], "2026-09-22")
    assert {d["clock"] for d in result["deadlines"]} == {"conclude", "objection", "handling"}
    assert due_of(result["deadlines"], "conclude")["due"] == "2026-10-12"  # day 20, a working Monday
    notice = clock_row(cli, reg["case"], "notice")
    assert notice["done_on"] == "2026-09-22" and notice["met"] is True


def test_reply_opens_the_review_request_window_and_resolve_records_on_time(cli):
    case = cli.register(received="2026-09-01")["case"]
    assign(cli, case, "2026-09-01")
    cli.ok("reply", case, "--on", "2026-09-10", "--summary", "已书面答复", "--written", "--received-on", "2026-09-10")
    window = clock_row(cli, case, "review_request")
    assert window == {**window, "start": "2026-09-10", "due": "2026-10-10", "done_on": None}
    resolved = cli.ok("resolve", case, "--on", "2026-09-15", "--outcome", "support", "--summary", "已解决", "--signed")
    assert resolved["on_time"] is True
    assert {c["clock"]: c["met"] for c in resolved["clocks"]} == {"handling": True}  # the objection window is not judged
    assert clock_row(cli, case, "review_request")["done_on"] is None  # the petitioner's window is not judged


# -- the supervision list ----------------------------------------------------------------------

@pytest.mark.parametrize(
    ("on", "tier", "days_late"),
    [
        ("2026-11-04", None, None),  # 3 working days left (11-05, 11-06, 11-09)
        ("2026-11-05", "due_soon", 0),  # 2 working days left
        ("2026-11-06", "due_soon", 0),
        ("2026-11-09", "due_soon", 0),  # due today
        ("2026-11-10", "overdue", 1),
        ("2026-11-18", "overdue", 9),
        ("2026-11-19", "seriously_overdue", 10),
        ("2026-11-26", "seriously_overdue", 17),
    ],
)
def test_overdue_tiers_at_their_boundaries(cli, on, tier, days_late):
    case = cli.register(received="2026-11-02")["case"]
    result = assign(cli, case, "2026-11-02")
    assert due_of(result["deadlines"], "reply")["due"] == "2026-11-09"  # day 5 is Saturday 11-07
    rows = [r for r in cli.ok("overdue", "--on", on) if r["clock"] == "reply"]
    if tier is None:
        assert rows == []
    else:
        assert rows == [{"case": case, "unit": "车桥镇", "leader": "李四", "township": "车桥镇", "clock": "reply",
                         "due": "2026-11-09", "days_late": days_late, "tier": tier, "provisional": False}]
        assert [r["case"] for r in cli.ok("overdue", "--on", on, "--tier", tier)] == [case]


def test_overdue_groups_by_unit_and_leader_worst_first_and_excludes_done_and_petitioner_windows(cli, monkeypatch):
    a = cli.register(received="2026-11-12")["case"]
    assign(cli, a, "2026-11-12", unit="泾口镇", leader="周一")  # reply due 11-17: 9 days late on 11-26
    b = cli.register(received="2026-11-02")["case"]
    assign(cli, b, "2026-11-02", unit="车桥镇", leader="李四")  # reply due 11-09: 17 days late
    c = cli.register(received="2026-11-10", township="泾口镇")["case"]  # never assigned: notice due 11-25
    d = cli.register(received="2026-11-02")["case"]
    assign(cli, d, "2026-11-02", unit="车桥镇", leader="李四")
    cli.ok("reply", d, "--on", "2026-11-05", "--summary", "已答复")  # done: reply clock stopped, window opened
    rows = cli.ok("overdue", "--on", "2026-11-26")
    assert [(r["case"], r["clock"], r["tier"], r["days_late"]) for r in rows] == [
        (b, "reply", "seriously_overdue", 17),
        (a, "reply", "overdue", 9),
        (c, "notice", "overdue", 1),
    ]
    assert rows[2]["unit"] is None and rows[2]["leader"] is None and rows[2]["township"] == "泾口镇"
    assert all(r["clock"] != "review_request" for r in cli.ok("overdue", "--on", "2026-12-20"))

    table = cli("overdue", "--on", "2026-11-26")
    assert table.code == 0 and "督办单" in table.out and "未交办" in table.out and "严重超期" in table.out
    assert table.out.index("车桥镇") < table.out.index("泾口镇") < table.out.index("未交办")
    english = cli("overdue", "--on", "2026-11-26", lang="en")
    assert "seriously overdue" in english.out and "not assigned" in english.out
    monkeypatch.setattr("xinfang.cli.deadlines.PLAIN_ABOVE", 2)  # long lists print as plain columns
    plain = cli("overdue", "--on", "2026-11-26")
    assert plain.code == 0 and "按简单列显示" in plain.err and "┃" not in plain.out
    assert plain.out.index(b) < plain.out.index(a) < plain.out.index("未交办") < plain.out.index(c)

    text = cli("overdue", "--on", "2026-11-26", "--csv", lang="en").out.removeprefix("\ufeff")
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert list(parsed[0]) == ["case", "unit", "leader", "township", "clock", "due", "days_late", "tier", "provisional"]
    assert [r["case"] for r in parsed] == [b, a, c] and parsed[2]["unit"] == ""


def test_overdue_refuses_unknown_values_with_the_option_named(cli):
    assert "--tier" in refused(cli, "overdue", "--tier", "late")
    assert "--unit" in refused(cli, "overdue", "--unit", "火星乡")
    assert "--on" in refused(cli, "overdue", "--on", "2026-13-01")


def test_overdue_by_unit_or_township_never_lists_an_accusation_against_it(cli):
    accusation = cli.register(received="2026-11-02", kind="accusation", accused="车桥镇", name="赵六",
                              summary="检举车桥镇违规征地")["case"]
    assign(cli, accusation, "2026-11-02", unit="区监察局", leader="钱七")
    ordinary = cli.register(received="2026-11-02")["case"]
    assign(cli, ordinary, "2026-11-02", unit="车桥镇", leader="李四")

    everything = {r["case"] for r in cli.ok("overdue")}
    assert {accusation, ordinary} <= everything
    assert {r["case"] for r in cli.ok("overdue", "--unit", "车桥镇")} == {ordinary}
    assert {r["case"] for r in cli.ok("overdue", "--township", "车桥")} == {ordinary}
    assert accusation not in cli("overdue", "--unit", "车桥镇", "--csv").out
    assert accusation not in cli("overdue", "--unit", "车桥镇").out
    assert {r["case"] for r in cli.ok("overdue", "--unit", "区监察局")} == {accusation}


# -- extension ---------------------------------------------------------------------------------

def test_extension_once_moves_the_handling_due_date_and_is_refused_a_second_time(cli):
    case = cli.register(received="2026-09-01")["case"]
    result = assign(cli, case, "2026-09-01")
    assert due_of(result["deadlines"], "handling")["due"] == "2026-11-02"  # day 60 is Saturday 10-31

    extended = cli.ok("extend", case, "--days", "30", "--reason", "涉及多部门，需补充调查", "--on", "2026-10-20",
                      "--approved-by", "王局长")
    assert extended == {**extended, "case": case, "clock": "handling", "days": 30, "old_due": "2026-11-02",
                        "due": "2026-11-30", "provisional": False}
    handling = clock_row(cli, case, "handling")
    assert handling["due"] == "2026-11-30" and handling["extension_days"] == 30
    events = [e for e in cli.ok("show", case)["history"] if e["action"] == "clock-extend"]
    assert [(e["field"], e["old"], e["new"]) for e in events] == [("handling", "2026-11-02", "2026-11-30")]
    assert "涉及多部门" in events[0]["note"]

    err = refused(cli, "extend", case, "--days", "5", "--reason", "再次延期", "--approved-by", "王局长")
    assert "--days" in err and "只能延期一次" in err
    assert clock_row(cli, case, "handling")["due"] == "2026-11-30"


@pytest.mark.parametrize(("args", "option"), [
    (["--days", "31"], "--days"),
    (["--days", "0"], "--days"),
    (["--days", "10", "--clock", "reply"], "--clock"),
    (["--days", "10", "--on", "2026-11-03"], "--on"),  # the deadline ran out on 11-02
    (["--days", "10", "--reason", "  "], "--reason"),
    (["--days", "10", "--approved-by", "  "], "--approved-by"),
])
def test_extension_refusals_write_nothing(cli, args, option):
    case = cli.register(received="2026-09-01")["case"]
    assign(cli, case, "2026-09-01")
    if "--reason" not in args:
        args = [*args, "--reason", "情况复杂"]
    if "--approved-by" not in args:
        args = [*args, "--approved-by", "王局长"]
    assert option in refused(cli, "extend", case, *args)
    assert clock_row(cli, case, "handling") == {**clock_row(cli, case, "handling"), "due": "2026-11-02",
                                                 "extension_days": 0}


def test_an_extension_names_who_approved_it(cli):
    """条例: an extension is approved by the office's head, and the record says who: without
    --approved-by the command is a usage mistake, and nothing is extended."""
    case = cli.register(received="2026-09-01")["case"]
    assign(cli, case, "2026-09-01")
    before = cli.counts()
    res = cli("extend", case, "--days", "10", "--reason", "情况复杂")
    assert res.code == 2 and "--approved-by" in res.err and res.err.count("\n") == 1
    assert cli.counts() == before and clock_row(cli, case, "handling")["extension_days"] == 0


def test_extension_needs_a_running_handling_deadline(cli):
    case = cli.register(received="2026-09-01")["case"]
    assert "assign" in refused(cli, "extend", case, "--days", "10", "--reason", "情况复杂", "--approved-by", "王局长")


# -- review and re-review ----------------------------------------------------------------------

def test_review_then_rereview_then_final(cli):
    case = cli.register(received="2026-09-01")["case"]
    assign(cli, case, "2026-09-01")
    cli.ok("reply", case, "--on", "2026-09-10", "--summary", "已书面答复", "--written", "--received-on", "2026-09-10")
    cli.ok("resolve", case, "--on", "2026-09-15", "--outcome", "reject", "--summary", "不予支持",
           "--satisfaction", "unsatisfied")

    # The window is 30 days from the receipt of the written opinion: 10-10 is a make-up workday (Saturday).
    err = refused(cli, "review", case, "--on", "2026-10-12", "--reason", "不服答复")
    assert "--on" in err and "2026-10-10" in err

    asked = cli.ok("review", case, "--on", "2026-10-10", "--reason", "不服答复")
    assert asked["status"] == "review" and asked["window_end"] == "2026-10-10"
    assert asked["deadlines"] == [{"clock": "review", "due": "2026-11-09", "provisional": False}]
    assert "已在复查中" in refused(cli, "review", case, "--on", "2026-10-11")
    assert "review" in refused(cli, "resolve", case, "--outcome", "support", "--summary", "x")

    answered = cli.ok("review", case, "--answer", "--on", "2026-10-30", "--summary", "复查维持原处理意见")
    assert answered == {**answered, "status": "closed", "on_time": True}
    assert answered["deadlines"] == [{"clock": "review_request", "due": "2026-11-30", "provisional": False}]
    assert clock_row(cli, case, "review") == {**clock_row(cli, case, "review"), "done_on": "2026-10-30", "met": True}

    re_asked = cli.ok("review", case, "--on", "2026-11-20")
    assert re_asked["status"] == "rereview"
    assert re_asked["deadlines"] == [{"clock": "rereview", "due": "2026-12-21", "provisional": False}]
    # The answer may also be recorded with 'reply'.
    final = cli.ok("reply", case, "--on", "2026-11-25", "--summary", "复核维持")
    assert final["status"] == "final"

    err = refused(cli, "review", case, "--on", "2026-11-26")
    assert "不再受理" in err and "2026-11-25" in err
    shown = cli.ok("show", case)
    assert shown["status"] == "final"
    statuses = [(e["old"], e["new"]) for e in shown["history"] if e["field"] == "status"]
    assert statuses[-4:] == [("closed", "review"), ("review", "closed"), ("closed", "rereview"), ("rereview", "final")]
    assert cli.ok("cases", "--status", "final")[0]["case"] == case


def test_review_of_a_replied_case_judges_its_duty_clocks_at_the_reply(cli):
    case = cli.register(received="2026-09-01")["case"]
    assign(cli, case, "2026-09-01")
    cli.ok("reply", case, "--on", "2026-09-10", "--summary", "已书面答复")
    assert cli.ok("review", case, "--on", "2026-09-20")["status"] == "review"
    assert clock_row(cli, case, "handling") == {**clock_row(cli, case, "handling"), "done_on": "2026-09-10",
                                                 "met": True}
    assert cli.ok("review", case, "--answer", "--on", "2026-09-30", "--summary", "维持")["status"] == "closed"
    assert cli.ok("show", case)["closed_on"] == "2026-09-30"


def test_review_refusals(cli):
    case = cli.register(received="2026-09-01")["case"]
    assert "答复" in refused(cli, "review", case, "--on", "2026-09-05")
    assign(cli, case, "2026-09-01")
    assert "答复" in refused(cli, "review", case, "--on", "2026-09-05")
    cli.ok("reply", case, "--on", "2026-09-10", "--summary", "已书面答复")
    assert "--answer" in refused(cli, "review", case, "--answer", "--on", "2026-09-12", "--summary", "x")
    assert "--on" in refused(cli, "review", case, "--on", "2026-09-09")  # before the reply
    assert "--on" in refused(cli, "review", case, "--on", "2026-11-27")  # after today
    assert "--summary" in refused(cli, "review", case, "--on", "2026-09-12", "--summary", "x")
    cli.ok("review", case, "--on", "2026-09-12")
    assert "--summary" in refused(cli, "review", case, "--answer", "--on", "2026-09-20")
    assert "--on" in refused(cli, "review", case, "--answer", "--on", "2026-09-11", "--summary", "x")


def test_rereview_request_after_its_window_is_refused(cli):
    case = cli.register(received="2026-08-03")["case"]
    assign(cli, case, "2026-08-03")
    cli.ok("reply", case, "--on", "2026-08-10", "--summary", "已书面答复")
    cli.ok("review", case, "--on", "2026-08-20")
    cli.ok("review", case, "--answer", "--on", "2026-09-01", "--summary", "维持")
    # The re-review window runs from the review answer: day 30 is 10-01, National Day, so it ends 10-08.
    err = refused(cli, "review", case, "--on", "2026-10-09")
    assert "--on" in err and "2026-10-08" in err and "复核申请期限" in err
    assert cli.ok("review", case, "--on", "2026-10-08")["status"] == "rereview"


# -- provisional deadlines and the calendar ----------------------------------------------------

YEAR_2027 = """
year = 2027

[[holidays]]
name = "元旦"
days = ["2027-01-01", "2027-01-02", "2027-01-03"]
workdays = ["2027-01-09"]

[[holidays]]
name = "劳动节"
days = [2027-05-01, 2027-05-02, 2027-05-03]
"""


def test_deadline_into_2027_is_provisional_until_the_2027_schedule_is_loaded(cli, tmp_path):
    today = "2026-12-28"
    shown = cli.ok("calendar", "show", "2027", today=today)
    assert shown == {**shown, "year": 2027, "source": "none", "holidays": [], "workdays": []}

    friday, err = register(cli, today, received="2026-12-17")  # day 15 is Friday 2027-01-01
    assert friday["deadlines"] == [{"clock": "notice", "due": "2027-01-01", "provisional": True}]
    assert "暂定" in err and "2027" in err
    saturday, _ = register(cli, today, received="2026-12-18")  # day 15 is Saturday 2027-01-02
    assert saturday["deadlines"] == [{"clock": "notice", "due": "2027-01-04", "provisional": True}]
    assert dt.date.fromisoformat(saturday["deadlines"][0]["due"]).weekday() < 5
    later, _ = register(cli, today, received="2026-12-25")  # day 15 is Saturday 2027-01-09
    assert later["deadlines"][0] == {"clock": "notice", "due": "2027-01-11", "provisional": True}
    in_2026, _ = register(cli, today, received="2026-12-01")
    assert in_2026["deadlines"][0] == {"clock": "notice", "due": "2026-12-16", "provisional": False}
    listed = cli.ok("overdue", "--on", "2026-12-31", today=today)
    assert {r["case"]: r["provisional"] for r in listed} == {
        friday["case"]: True, saturday["case"]: True, in_2026["case"]: False}

    bad = tmp_path / "2027-example.toml"
    bad.write_text("example = true\n" + YEAR_2027, encoding="utf-8")
    assert "example" in refused(cli, "calendar", "load", bad, today=today)
    assert "文件: " in refused(cli, "calendar", "load", tmp_path / "missing.toml", today=today)

    good = tmp_path / "2027.toml"
    good.write_text(YEAR_2027, encoding="utf-8")
    loaded = cli.ok("calendar", "load", good, today=today)
    assert loaded == {**loaded, "year": 2027, "recomputed": 3, "moved": 2, "superseded": False}
    assert {(c["case"], c["old_due"], c["due"], c["provisional"]) for c in loaded["clocks"]} == {
        (friday["case"], "2027-01-01", "2027-01-04", False),
        (saturday["case"], "2027-01-04", "2027-01-04", False),
        (later["case"], "2027-01-11", "2027-01-09", False),
    }
    notice = clock_row(cli, friday["case"], "notice")
    assert notice == {**notice, "due": "2027-01-04", "provisional": False}
    recomputed = [e for e in cli.ok("show", friday["case"])["history"] if e["action"] == "clock-recompute"]
    assert [(e["field"], e["old"], e["new"]) for e in recomputed] == [("notice", "2027-01-01", "2027-01-04")]
    conn = sqlite3.connect(cli.db)
    versions = {r[0] for r in conn.execute("SELECT calendar_version FROM clocks WHERE due >= '2027-01-01'")}
    conn.close()
    assert versions == {loaded["version"]}

    shown = cli.ok("calendar", "show", "2027", today=today)
    assert shown["source"] == "ledger" and "2027.toml" in shown["detail"]
    assert {"date": "2027-01-01", "name": "元旦"} in shown["holidays"]
    assert shown["workdays"] == [{"date": "2027-01-09", "name": "元旦"}]
    table = cli("calendar", "show", "2027", today=today)
    assert table.code == 0 and "调休上班" in table.out and "元旦" in table.out

    # A later assignment counts on the loaded year and is no longer provisional.
    assigned = assign(cli, saturday["case"], "2026-12-28", today=today)
    assert due_of(assigned["deadlines"], "reply") == {"clock": "reply", "due": "2027-01-04", "provisional": False}

    # Loading the year again stores a new row that supersedes; nothing left to move.
    before = cli.counts()["calendar_years"]
    again = cli.ok("calendar", "load", good, today=today)
    assert again == {**again, "superseded": True, "recomputed": 0, "moved": 0}
    assert cli.counts()["calendar_years"] == before + 1


def test_calendar_show_official_year(cli):
    shown = cli.ok("calendar", "show", "2026")
    assert shown["source"] == "official" and "chinesecalendar" in shown["detail"]
    assert {"date": "2026-10-10", "name": "国庆节"} in shown["workdays"]
    assert {"date": "2026-10-01", "name": "国庆节"} in shown["holidays"]
    text = cli("calendar", "show", "2026", "--csv", lang="en").out.removeprefix("\ufeff")
    assert text.splitlines()[0] == "date,weekday,day_type,holiday"


# -- help ----------------------------------------------------------------------------------------

def test_every_deadline_command_and_option_has_help():
    import typer.main

    from xinfang.cli import _register_commands, app

    from xinfang.cli.localize import localize

    _register_commands()
    root = typer.main.get_command(app)
    localize(root, "zh")
    commands = [root.commands["overdue"], root.commands["extend"], root.commands["review"],
                root.commands["calendar"].commands["load"], root.commands["calendar"].commands["show"]]
    for command in commands:
        assert command.help, command.name
        for param in command.params:
            assert getattr(param, "help", None), f"{command.name} {param.name}"
    assert root.commands["calendar"].help


def test_a_year_file_unlike_the_official_schedule_is_loaded_only_with_force(cli, tmp_path):
    """2026 has the State Council's schedule: a file holding only 元旦 would move every deadline
    through the Spring Festival and National Day, so it is refused unless --force says it is meant."""
    case = cli.register(received="2026-09-16")["case"]  # its notice falls due on 10-01, in National Day
    due = clock_row(cli, case, "notice")["due"]
    year = tmp_path / "2026.toml"
    year.write_text('year = 2026\n[[holidays]]\nname = "元旦"\ndays = ["2026-01-01"]\nworkdays = []\n',
                    encoding="utf-8")
    before = cli.counts()
    res = cli("calendar", "load", year)
    assert res.code == 1 and "国务院放假安排" in res.err and "--force" in res.err and res.err.count("\n") == 1
    assert cli.counts() == before and clock_row(cli, case, "notice")["due"] == due
    loaded = cli.ok("calendar", "load", year, "--force")
    assert loaded["official_overridden"] is True and loaded["moved"] >= 1
    assert due == "2026-10-08" and clock_row(cli, case, "notice")["due"] == "2026-10-01"  # no holiday moves it
