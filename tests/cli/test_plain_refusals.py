"""Refusals a clerk meets by a slip of the hand: each is one line in Chinese naming the field in the
words the help uses, says what to do instead, and writes nothing (no ledger row, no file)."""

from __future__ import annotations


def _one_line(res) -> str:
    assert res.code == 1, res.out + res.err
    assert res.err.startswith("错误：") and res.err.count("\n") == 1 and "Traceback" not in res.err
    return res.err


def test_an_argument_is_named_as_the_help_names_it(cli):
    err = _one_line(cli("calendar", "show", "3000"))
    assert err.startswith("错误：年份") and "YEAR" not in err
    assert cli("calendar", "show", "3000", lang="en").err.startswith("Error: YEAR")


def test_a_voided_case_is_named_voided_in_chinese_when_it_cannot_be_evaluated(cli):
    case = cli.register()["case"]
    cli.ok("void", case, "--reason", "登记错误", "--yes")
    before = cli.counts()
    err = _one_line(cli("evaluate", case, "--stage", "acceptance", "--result", "satisfied"))
    assert "已作废" in err and "voided" not in err and err.startswith("错误：案号")
    assert cli.counts() == before


def test_a_corrected_received_date_is_checked_against_today_and_the_first_handling(cli):
    case = cli.register(received="2026-11-02")["case"]
    cli.ok("accept", case, "--told", "written", "--on", "2026-11-05")
    before = cli.counts()
    err = _one_line(cli("correct", case, "--received", "2026-12-05", "--reason", "登记日期有误"))
    assert "--received" in err and "晚于今天（2026-11-26）" in err
    err = _one_line(cli("correct", case, "--received", "2026-11-10", "--reason", "登记日期有误"))
    # the date that is too late is the corrected one, and the fix points before the acceptance
    assert "更正后的登记日期 2026-11-10 晚于本案已有的办理日期（2026-11-05）" in err
    assert "登记日期应在 2026-11-05 当天或之前" in err
    assert cli.counts() == before
    assert cli.ok("correct", case, "--received", "2026-11-04", "--reason", "登记日期有误")["case"] == case


def test_a_rules_file_that_is_not_text_is_refused_without_an_internal_error(tmp_path, capsys):
    from tests.conftest import CLI

    other = CLI(tmp_path / "new.db", capsys)
    binary = tmp_path / "rules.toml"
    binary.write_bytes(b"SQLite format 3\x00\x96\xff\xfe" * 10)
    err = _one_line(other("init", "--rules", binary))
    assert "--rules" in err and "UTF-8" in err and "内部错误" not in err
    assert not (tmp_path / "new.db").exists()


def test_a_bulletin_is_not_written_under_a_name_that_promises_another_format(cli, tmp_path):
    cli.register(received="2026-10-02")
    for name in ("通报.pdf", "通报.xls"):
        err = _one_line(cli("report", "--month", "2026-10", "-o", tmp_path / name))
        assert name in err and "--format" in err
        assert not (tmp_path / name).exists()
    assert cli("report", "--month", "2026-10", "-o", tmp_path / "通报.txt").code == 0
    assert (tmp_path / "通报.txt").read_text(encoding="utf-8").startswith("# ")


def test_export_to_dash_is_standard_output_as_for_report_and_form(cli, tmp_path, monkeypatch):
    cli.register(name="李四")
    monkeypatch.chdir(tmp_path)
    res = cli("export", "-o", "-")
    assert res.code == 0 and "李四" in res.out
    assert not (tmp_path / "-").exists()
    assert _one_line(cli("export", "--format", "xlsx", "-o", "-"))


def test_a_bad_today_from_the_environment_is_named_as_the_variable(cli, monkeypatch):
    from tests.conftest import Result
    from xinfang.cli import run

    monkeypatch.setenv("XINFANG_TODAY", "明天")
    cli.capsys.readouterr()
    code = run(["--db", str(cli.db), "cases"])
    out, err = cli.capsys.readouterr()
    err = _one_line(Result(code, out, err))
    assert err.startswith("错误：XINFANG_TODAY") and "--today" not in err
