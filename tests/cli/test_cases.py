"""The case ledger: derived values, history, protections, and every refusal writing nothing."""

from __future__ import annotations

import pytest

VALID_ID = "11010519491231002X"


def test_register_derives_collective_skip_level_and_sequential_numbers(cli):
    a = cli.register(people=4, level="district")
    b = cli.register(people=5, level="市")
    c = cli.register(received="2025-12-31")
    assert (a["case"], b["case"]) == ("2026-00001", "2026-00002")
    assert c["case"] == "2025-00001"  # numbers run per year
    assert (a["collective"], a["skip_level"]) == (False, False)
    assert (b["collective"], b["skip_level"]) == (True, True)


def test_repeat_links_same_petitioner_township_and_category_within_window(cli):
    first = cli.register(id_number=VALID_ID, received="2025-12-01")
    again = cli.register(id_number=VALID_ID, received="2026-11-02")
    other_matter = cli.register(id_number=VALID_ID, category="homestead")
    other_place = cli.register(id_number=VALID_ID, township="泾口镇")
    assert again["repeat_of"] == first["case"] and again["initial"] is False
    assert other_matter["repeat_of"] is None and other_matter["initial"] is True
    assert other_place["repeat_of"] is None
    far = cli.register(id_number="110105194912310021"[:17] + "X", received="2024-01-05")
    assert far["repeat_of"] is None


def test_repeat_window_is_policy_not_code(cli):
    cli.register(id_number=VALID_ID, received="2024-11-01")
    late = cli.register(id_number=VALID_ID, received="2026-01-05")  # 430 days later: outside 365
    assert late["repeat_of"] is None and late["initial"] is False


def test_correction_is_a_new_event_and_rederives(cli):
    case = cli.register(level="city")["case"]
    before = cli.ok("show", case)
    fixed = cli.ok("correct", case, "--level", "district", "--reason", "登记层级有误")
    assert fixed["changed"]["level"] == ["city", "district"]
    after = cli.ok("show", case)
    assert after["level"] == "district" and after["skip_level"] is False
    assert after["history"][: len(before["history"])] == before["history"]  # nothing rewritten
    level_events = [e for e in after["history"] if e["field"] == "level"]
    assert level_events[-1]["old"] == "city" and level_events[-1]["note"] == "登记层级有误"


def test_a_corrections_table_words_fields_and_values_as_show_does(cli):
    case = cli.register()["case"]
    res = cli("correct", case, "--people", "6", "--category", "ownership", "--reason", "人数录错")
    assert res.code == 0, res.err
    lines = res.out.splitlines()
    assert any(line.split() == ["人数", "1", "6"] for line in lines), res.out
    assert any(line.split() == ["集体访", "否", "是"] for line in lines), res.out
    assert any(line.split() == ["内容分类", "征地补偿", "土地权属"] for line in lines), res.out
    assert "people" not in res.out and "collective" not in res.out
    assert cli.ok("correct", case, "--people", "2", "--reason", "再改")["changed"]["people"] == [6, 2]  # JSON: keys


def test_accusation_never_assigned_to_or_listed_for_the_accused(cli):
    case = cli.register(kind="accusation", accused="泾口镇", township="泾口镇")["case"]
    before = cli.counts()
    res = cli("assign", case, "--unit", "泾口镇", "--leader", "王五")
    assert res.code == 1 and "被检举控告人" in res.err and cli.counts() == before
    assert cli.ok("cases", "--township", "泾口镇") == []
    cli.ok("assign", case, "--unit", "区监察局", "--leader", "赵六")
    assert [c["case"] for c in cli.ok("cases", "--unit", "区监察局")] == [case]
    assert cli.ok("cases", "--unit", "泾口镇") == []


def test_personal_data_masked_unless_revealed(cli):
    cli.register(id_number=VALID_ID, phone="13812345678")
    masked = cli.ok("cases")[0]
    assert masked["id_number"] == "110105********002X" and masked["phone"] == "138****5678"
    shown = cli.ok("cases", "--reveal")[0]
    assert shown["id_number"] == VALID_ID and shown["phone"] == "13812345678"
    csv = cli("cases", "--csv")
    assert VALID_ID not in csv.out and "13812345678" not in csv.out


def test_labels_chinese_by_default_english_on_request(cli):
    cli.register(channel="visit", level="province")
    zh = cli("cases")
    en = cli("cases", lang="en")
    assert "来访" in zh.out and "省" in zh.out and "征地补偿" in zh.out
    assert "visit" in en.out and "province" in en.out


@pytest.mark.parametrize("spelling", ["2026-11-02", "2026/11/02", "20261102", "2026年11月2日"])
def test_four_date_spellings_accepted(cli, spelling):
    case = cli.register(received=spelling)["case"]
    assert cli.ok("show", case)["received"] == "2026-11-02"


REFUSALS = [
    (dict(received="2026-02-30"), "--received", "not a real date"),
    (dict(received="next week"), "--received", "is not a date"),
    (dict(received="2026-12-01"), "--received", "after today"),
    (dict(township="火星镇"), "--township", "unknown township"),
    (dict(township="车乔"), "--township", "车桥镇"),
    (dict(category="噪音"), "--category", "unknown category"),
    (dict(channel="pigeon"), "--channel", "unknown value"),
    (dict(level="county"), "--level", "unknown value"),
    (dict(id_number="110105194912310021"), "--id-number", "check digit"),
    (dict(id_number="11010519491331002X"), "--id-number", "birth date"),
    (dict(id_number="12345"), "--id-number", "18 characters"),
    (dict(id_number="320803202612010027"), "--id-number", "is after today"),  # born 12-01, today 11-26
    (dict(id_number="000000198001010021"), "--id-number", "region code 000000"),
    (dict(people=0), "--people", "out of range"),
    (dict(channel="outreach"), "--point", "reception point"),
    (dict(point="车桥"), "--point", "only outreach"),
    (dict(accused="泾口镇"), "--accused", "only an accusation"),
    (dict(name="   "), "--name", "must not be empty"),
    (dict(phone="call me"), "--phone", "'call me' is not a phone number"),  # a slip is shown as typed
    (dict(phone="1381234567890123"), "--phone", "'138*********0123' is not"),  # a number is masked
    (dict(phone="１３８１２３"), "--phone", "not a phone number"),
    (dict(id_number="١١٠١٠٥١٩٤٩١٢٣١٠٠٢X"), "--id-number", "18 characters"),  # digits, not ASCII ones
]


def test_full_width_digits_are_the_digits_they_show(cli):
    """A Chinese input method types ３２０８…: the ID number and the telephone are stored as digits."""
    case = cli.register(id_number="１１０１０５１９４９１２３１００２Ｘ", phone="１３８ １２３４ ５６７８")["case"]
    shown = cli.ok("show", case, "--reveal")
    assert (shown["id_number"], shown["phone"]) == ("11010519491231002X", "13812345678")


@pytest.mark.parametrize("fields,option,words", REFUSALS)
def test_register_refusals_name_the_field_and_write_nothing(cli, fields, option, words):
    before = cli.counts()
    values = {"received": "2026-11-02", "channel": "letter", "township": "车桥镇", "name": "张三",
              "category": "compensation", "summary": "x", **fields}
    args = ["register", "--again"]
    for k, v in values.items():
        args += ["--" + k.replace("_", "-"), str(v)]
    res = cli(*args, lang="en")
    assert res.code == 1
    assert res.err.startswith("Error: " + option) and words in res.err
    assert res.err.count("\n") == 1 and "Traceback" not in res.err
    assert cli.counts() == before


def test_state_machine_refusals_write_nothing(cli):
    case = cli.register()["case"]
    checks = [
        (("resolve", case, "--outcome", "support", "--summary", "x"), "不能办结", "先用 xinfang assign 交办"),
        (("reply", case, "--summary", "x"), "不能记录答复", "先用 xinfang assign 交办"),
    ]
    for args, words, fix in checks:
        before = cli.counts()
        res = cli(*args)
        assert res.code == 1 and words in res.err and fix in res.err
        assert cli.counts() == before
    cli.ok("assign", case, "--unit", "车桥镇", "--leader", "李四", "--on", "2026-11-03")
    before = cli.counts()
    res = cli("reply", case, "--on", "2026-11-01", "--summary", "x")
    assert res.code == 1 and "早于本案的交办日期" in res.err and cli.counts() == before
    cli.ok("resolve", case, "--on", "2026-11-10", "--outcome", "explain", "--summary", "已解释", "--signed")
    for args in (("resolve", case, "--outcome", "support", "--summary", "x"), ("reply", case, "--summary", "x"),
                 ("assign", case, "--unit", "车桥镇", "--leader", "李四")):
        before = cli.counts()
        res = cli(*args)
        assert res.code == 1 and "为办结状态" in res.err and cli.counts() == before


def test_unknown_case_and_bad_options(cli):
    before = cli.counts()
    assert "no case" in cli("show", "2026-99999", lang="en").err
    res = cli("assign", "2026-00001", "--unit", "车桥镇")  # --leader missing: a usage error
    assert res.code == 2
    res = cli("cases", "--month", "2026-13")
    assert res.code == 1 and "--month" in res.err
    assert cli.counts() == before


def test_missing_ledger_is_an_error_and_creates_nothing(blank_cli):
    res = blank_cli("cases")
    assert res.code == 1 and "没有台账" in res.err and "xinfang init" in res.err
    assert not blank_cli.db.exists()


def test_init_refuses_an_existing_ledger(cli):
    before = cli.counts()
    res = cli("init")
    assert res.code == 1 and "已存在" in res.err and cli.counts() == before


def test_init_with_a_bad_roster_leaves_no_file(blank_cli, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("township,area,population\n车桥镇,渠南,many\n", encoding="utf-8")
    res = blank_cli("init", "--roster", roster)
    assert res.code == 1 and "第 2 行" in res.err and not blank_cli.db.exists()
    assert "（车桥镇）的人口 many 不是整数" in res.err  # the cell that is wrong, not "needs three columns"
    roster.write_text('township,area,population\n车桥镇,渠南,"45,210"\n', encoding="utf-8")  # as Excel writes it
    assert blank_cli("init", "--roster", roster).code == 0
    assert blank_cli.ok("townships")[0]["population"] == 45210


def test_init_with_own_roster_and_rules(blank_cli, tmp_path):
    from xinfang.policy import default_rules_text

    roster = tmp_path / "roster.csv"
    roster.write_text("\ufefftownship,area,population\n甲镇,东片,1000\n乙镇,西片,2000\n", encoding="utf-8")
    rules = tmp_path / "rules.toml"
    rules.write_text(default_rules_text().replace("collective_people = 5", "collective_people = 3"), encoding="utf-8")
    out = blank_cli.ok("init", "--roster", roster, "--rules", rules)
    assert out["townships"] == 2
    assert [t["township"] for t in blank_cli.ok("townships")] == ["甲镇", "乙镇"]
    assert blank_cli.register(township="甲镇", people=3)["collective"] is True


def test_an_accused_person_never_leads_the_case_and_can_be_named_later(cli):
    case = cli.register(kind="accusation", township="泾口镇")["case"]
    before = cli.counts()
    res = cli("correct", case, "--accused", "王镇长", "--reason", "补记被控告人")
    assert res.code == 0 and "按个人姓名记录" in res.err
    assert cli.ok("show", case)["accused"] == "王镇长"
    before = cli.counts()
    res = cli("assign", case, "--unit", "区监察局", "--leader", "王镇长")
    assert res.code == 1 and res.err.startswith("错误：--leader") and cli.counts() == before
    res = cli("assign", case, "--unit", "泾口镇", "--leader", "赵六")
    assert res.code == 0  # the accused is a person, not the township


def test_joint_handling_by_the_accused_unit_names_the_joint_option(cli):
    case = cli.register(kind="accusation", accused="车桥镇", major=True)["case"]
    before = cli.counts()
    res = cli("assign", case, "--unit", "区国土局", "--leader", "赵六", "--joint", "车桥镇")
    assert res.code == 1 and res.err.startswith("错误：--joint") and cli.counts() == before


def test_a_case_no_longer_an_accusation_accuses_no_one(cli):
    case = cli.register(kind="accusation", accused="车桥镇")["case"]
    cli.ok("correct", case, "--kind", "grievance", "--reason", "实为申诉求决")
    shown = cli.ok("show", case)
    assert shown["kind"] == "grievance" and shown["accused"] is None
    assert [c["case"] for c in cli.ok("cases", "--township", "车桥镇")] == [case]


def test_outreach_on_a_day_the_point_is_not_staffed_is_registered_with_a_warning(cli):
    res = cli("register", "--again", "--received", "2026-11-24", "--channel", "outreach", "--point", "车桥", "--township", "车桥镇",
              "--name", "张三", "--category", "other", "--summary", "x", "--json")
    assert res.code == 0 and "接待日为周一、周三、周五" in res.err and "周二" in res.err
    res = cli("register", "--again", "--received", "2026-11-25", "--channel", "outreach", "--point", "车桥", "--township", "车桥镇",
              "--name", "张三", "--category", "other", "--summary", "x", "--json")
    assert res.code == 0 and res.err == ""


def test_a_reassignment_records_its_day_and_is_not_a_silent_repeat(cli, tmp_path):
    """改交办 keeps the first assignment's day (its clocks count from it) and records its own; it
    cannot come before the first assignment, and giving the same unit and leader again is refused
    instead of reported as done."""
    case = cli.register(received="2026-11-20")["case"]
    cli.ok("accept", case, "--told", "written", "--on", "2026-11-20")
    cli.ok("assign", case, "--unit", "车桥镇", "--leader", "李四", "--on", "2026-11-24")
    before = cli.counts()
    early = cli("assign", case, "--unit", "泾口镇", "--leader", "王五", "--on", "2026-11-22")
    assert early.code == 1 and early.err.startswith("错误：--on") and "交办日期（2026-11-24）" in early.err
    same = cli("assign", case, "--unit", "车桥镇", "--leader", "李四", "--on", "2026-11-25")
    assert same.code == 1 and "与本次相同" in same.err and same.err.count("\n") == 1
    assert cli.counts() == before
    cli.ok("assign", case, "--unit", "泾口镇", "--leader", "王五", "--on", "2026-11-25")
    shown = cli.ok("show", case)
    assert shown["unit"] == "泾口镇" and shown["assigned_on"] == "2026-11-24"
    assert "改交办日期 2026-11-25" in cli("show", case).out
    form = tmp_path / "办理单.html"
    assert cli("form", case, "--kind", "handling", "-o", form).code == 0
    assert "2026-11-25" in form.read_text(encoding="utf-8")


def test_an_assignment_after_an_objection_is_not_dated_before_it(cli):
    """The unit objected on 11-18 (交办异议): the case is assigned again from that day on, never
    backdated before it (which would have shortened the new unit's own objection window)."""
    case = cli.register(received="2026-11-10")["case"]
    cli.ok("accept", case, "--told", "written", "--on", "2026-11-10")
    cli.ok("assign", case, "--unit", "车桥镇", "--leader", "李四", "--on", "2026-11-16")
    cli.ok("object", case, "--on", "2026-11-18", "--reason", "不属本镇")
    before = cli.counts()
    res = cli("assign", case, "--unit", "泾口镇", "--leader", "王五", "--on", "2026-11-12")
    assert res.code == 1 and "交办异议日期（2026-11-18）" in res.err and cli.counts() == before
    assert cli.ok("assign", case, "--unit", "泾口镇", "--leader", "王五", "--on", "2026-11-19")["unit"] == "泾口镇"


def test_joint_units_are_each_named_once_and_their_order_is_no_reassignment(cli):
    case = cli.register(received="2026-11-10", major=True)["case"]
    cli.ok("accept", case, "--told", "written", "--on", "2026-11-10")
    done = cli.ok("assign", case, "--unit", "车桥镇", "--leader", "李四", "--joint", "区国土局", "--joint", "区公安局",
                  "--joint", "区国土局", "--on", "2026-11-12")
    assert done["joint"] == ["区国土局", "区公安局"]
    again = cli("assign", case, "--unit", "车桥镇", "--leader", "李四", "--joint", "区公安局", "--joint", "区国土局",
                "--on", "2026-11-13")
    assert again.code == 1 and "与本次相同" in again.err


def test_a_reassignment_is_not_dated_before_the_one_it_follows(cli):
    case = cli.register(received="2026-11-10")["case"]
    cli.ok("accept", case, "--told", "written", "--on", "2026-11-10")
    cli.ok("assign", case, "--unit", "车桥镇", "--leader", "李四", "--on", "2026-11-14")
    cli.ok("assign", case, "--unit", "泾口镇", "--leader", "王五", "--on", "2026-11-20")
    before = cli.counts()
    res = cli("assign", case, "--unit", "车桥镇", "--leader", "赵六", "--on", "2026-11-15")
    assert res.code == 1 and "上次改交办日期（2026-11-20）" in res.err and cli.counts() == before
    assert cli.ok("assign", case, "--unit", "车桥镇", "--leader", "赵六", "--on", "2026-11-21")["unit"] == "车桥镇"
