"""The petitioner's evaluation (evaluate), the indicators (stats) and the rates beside the ranking."""

from __future__ import annotations

RATE_KEYS = {"timely_acceptance_rate", "on_time_rate", "satisfaction_rate", "evaluation_rate", "repeat_rate"}


def _handled(cli, received: str, accept_on: str, reply_on: str, close_on: str, **fields) -> str:
    number = cli.register(received=received, **fields)["case"]
    cli.ok("accept", number, "--told", "written", "--on", accept_on, today=accept_on)
    cli.ok("assign", number, "--unit", "车桥镇", "--leader", "李四", "--on", accept_on, today=accept_on)
    cli.ok("reply", number, "--on", reply_on, "--summary", "已答复", today=reply_on)
    cli.ok("resolve", number, "--on", close_on, "--outcome", "explain", "--summary", "已办结", today=close_on)
    return number


def test_the_petitioners_evaluation_is_its_own_record_and_event(cli):
    number = _handled(cli, "2026-10-08", "2026-10-09", "2026-10-12", "2026-10-20")
    counts = cli.counts()
    done = cli.ok("evaluate", number, "--stage", "办理", "--result", "基本满意", "--on", "2026-10-25", "--via", "电话",
                  today="2026-10-26")
    assert done == {"case": number, "stage": "handling", "result": "basic", "on": "2026-10-25", "via": "phone"}
    after = cli.counts()
    assert after["evaluations"] == counts["evaluations"] + 1 and after["events"] > counts["events"]
    history = cli.ok("show", number, today="2026-10-26")["history"]
    assert any(e["action"] == "evaluate" and e["new"] == "basic" for e in history)
    # once per stage; never before the stage nor after today; nothing written when refused
    counts = cli.counts()
    for args, field in ((["--stage", "handling", "--result", "satisfied"], "--stage"),
                        (["--stage", "acceptance", "--result", "satisfied", "--on", "2026-10-01"], "--on"),
                        (["--stage", "acceptance", "--result", "satisfied", "--on", "2026-10-30"], "--on"),
                        (["--stage", "acceptance", "--result", "很好"], "--result")):
        res = cli("evaluate", number, *args, today="2026-10-26")
        assert res.code == 1 and field in res.err and "Traceback" not in res.err
    assert cli.counts() == counts
    fresh = cli.register(received="2026-10-20")["case"]
    res = cli("evaluate", fresh, "--stage", "handling", "--result", "satisfied", today="2026-10-26")
    assert res.code == 1 and "--stage" in res.err


def test_stats_gives_each_rate_with_numerator_denominator_and_dash_when_empty(cli):
    a = _handled(cli, "2026-10-08", "2026-10-09", "2026-10-12", "2026-10-20")
    _handled(cli, "2026-10-10", "2026-10-27", "2026-11-02", "2026-11-05")  # accepted after the 15 days
    cli.ok("evaluate", a, "--stage", "handling", "--result", "unsatisfied", "--on", "2026-10-21", today="2026-11-26")
    doc = cli.ok("stats", "--month", "2026-10", "--township", "车桥", today="2026-11-26")
    assert doc["period"] == "2026-10" and [r["township"] for r in doc["rows"]] == ["车桥镇"]
    row = doc["rows"][0]
    assert row["timely_acceptance_rate"] == {"value": 0.5, "numerator": 1, "denominator": 2, "change_prev": None,
                                             "change_last_year": None}
    assert row["satisfaction_rate"]["value"] == 0.0 and row["satisfaction_rate"]["denominator"] == 1
    assert row["evaluation_rate"] == {"value": 1.0, "numerator": 1, "denominator": 1, "change_prev": None,
                                      "change_last_year": None}
    assert row["repeat_rate"]["denominator"] == 2
    assert doc["district"]["timely_acceptance_rate"]["numerator"] == 1
    empty = cli.ok("stats", "--month", "2026-09", today="2026-11-26")
    assert all(r[k]["value"] is None and r[k]["denominator"] == 0 for r in empty["rows"] for k in RATE_KEYS)
    table = cli("stats", "--month", "2026-10", today="2026-11-26")
    assert table.code == 0 and "及时受理率" in table.out and "50.0% (1/2)" in table.out and "— (0/0)" in table.out
    year = cli.ok("stats", "--year", "2026", today="2026-11-26")
    assert year["period"] == "2026" and year["district"]["timely_acceptance_rate"]["denominator"] == 2
    assert cli("stats", today="2026-11-26").code == 1
    assert cli("stats", "--month", "2026-10", "--year", "2026", today="2026-11-26").code == 1


def test_rank_rows_carry_the_five_rates_beside_the_score(cli):
    _handled(cli, "2026-10-08", "2026-10-09", "2026-10-12", "2026-10-20", level="city")
    doc = cli.ok("rank", "--month", "2026-10", today="2026-11-26")
    rows = {r["township"]: r for r in doc["rows"]}
    assert RATE_KEYS <= set(rows["车桥镇"])
    assert rows["车桥镇"]["timely_acceptance_rate"] == 1.0 and rows["车桥镇"]["satisfaction_rate"] is None
    assert rows["林集镇"]["on_time_rate"] is None  # no case: no rate, never 0 or 100%
    assert doc["method"]["uncounted_kinds"] == ["suggestion"]
    table = cli("rank", "--month", "2026-10", today="2026-11-26")
    assert "按期办结率" in table.out and "—" in table.out


def test_suggestions_and_transferred_cases_score_no_ranking_points(cli):
    cli.register(received="2026-10-03", township="林集镇", level="city", kind="suggestion")
    moved = cli.register(received="2026-10-04", township="林集镇", level="province")["case"]
    cli.ok("transfer", moved, "--to", "市住建局", "--reason", "属住建部门职责", "--on", "2026-10-05", today="2026-10-05")
    cli.register(received="2026-10-05", township="车桥镇")
    rows = {r["township"]: r for r in cli.ok("rank", "--month", "2026-10", today="2026-11-26")["rows"]}
    assert rows["林集镇"]["score"] == 0 and rows["林集镇"]["cases"] == 0 and not rows["林集镇"]["bottom"]
    assert rows["车桥镇"]["score"] == 1 and rows["车桥镇"]["bottom"]


def test_the_bulletin_gives_each_townships_indicators_and_the_districts_twelve_months(cli, tmp_path):
    a = _handled(cli, "2026-10-08", "2026-10-09", "2026-10-12", "2026-10-20")
    _handled(cli, "2026-09-08", "2026-09-09", "2026-09-12", "2026-09-20")
    cli.ok("evaluate", a, "--stage", "handling", "--result", "satisfied", "--on", "2026-10-22", today="2026-11-26")
    res = cli("report", "--month", "2026-10", today="2026-11-26")
    assert res.code == 0, res.err
    md = res.out.split("## 五、考核指标", 1)[1].split("## 六、", 1)[0]
    row = next(line for line in md.splitlines() if line.startswith("| 车桥镇 |")).split(" | ")
    assert row[1] == "100.0%（1/1）" and row[3] == "100.0%（1/1）"  # timely acceptance, satisfaction
    assert next(line for line in md.splitlines() if line.startswith("| 林集镇 |")).count("—（0/0）") == 6
    assert "·" * 10 in row[-1] and "█" in row[-1]  # twelve months of the on-time rate, two with a value
    assert "全区考核指标近12个月（2025-11至2026-10）" in md
    out = tmp_path / "b.xlsx"
    assert cli("report", "--month", "2026-10", "--format", "xlsx", "-o", out, today="2026-11-26").code == 0
    from openpyxl import load_workbook

    sheet = load_workbook(out)["指标"]
    assert len(sheet._charts) == 1  # the district's twelve months as a line chart
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert 1 in values and "按期办结率" in values  # rates are numbers (percent format), not text


def test_a_declined_case_is_evaluated_on_its_acceptance_only(cli):
    case = cli.register(received="2026-11-02")["case"]
    cli.ok("decline", case, "--ground", "litigation", "--reason", "属于人民法院受理范围", "--on", "2026-11-05")
    before = cli.counts()
    res = cli("evaluate", case, "--stage", "handling", "--result", "satisfied", "--on", "2026-11-10")
    assert res.code == 1 and res.err.startswith("错误：--stage") and "不予受理" in res.err
    assert cli.counts() == before
    done = cli.ok("evaluate", case, "--stage", "acceptance", "--result", "satisfied", "--on", "2026-11-10")
    assert done["stage"] == "acceptance"
