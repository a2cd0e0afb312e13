"""Finding a petitioner's cases (name, ID number, phone, words of the summary or the reply) and case
numbers as a clerk types them (a bare number, a full-width hyphen, full-width digits)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

ID = "11010519491231002X"
PHONE = "13812345678"


@pytest.fixture
def office(cli):
    """Four petitions: two of 姜林永 (one with ID and phone, replied), one of 林秀英, and an accusation
    against 车桥镇 whose summary names the township."""
    cli.register(name="姜林永", id_number=ID, phone=PHONE, summary="征地补偿款未足额发放", received="2026-11-02")
    cli.register(name="林秀英", township="平桥镇", category="homestead", summary="宅基地被占用", received="2026-11-03")
    cli.register(name="姜林永", summary="复垦土地权属不清", category="ownership", received="2026-11-04")
    cli.register(name="赵六", kind="accusation", accused="车桥镇", summary="车桥镇违规占地 100% 未批", received="2026-11-05")
    cli.ok("assign", "2026-1", "--unit", "车桥镇", "--leader", "陈山", "--on", "2026-11-03")
    cli.ok("reply", "2026-1", "--on", "2026-11-05", "--summary", "补偿款已于本月拨付到村")
    return cli


def numbers(cli, *args, **kw) -> list[str]:
    return [r["case"] for r in cli.ok("cases", *args, **kw)]


def test_find_by_name_id_number_and_phone(office):
    assert numbers(office, "--name", "姜林永") == ["2026-00001", "2026-00003"]
    assert numbers(office, "--name", "林") == ["2026-00001", "2026-00002", "2026-00003"]
    assert numbers(office, "--id-number", ID.lower()) == ["2026-00001"]
    assert numbers(office, "--phone", "138-1234-5678") == ["2026-00001"]
    assert numbers(office, "--name", "姜林永", "--month", "2026-11", "--status", "registered") == ["2026-00003"]
    assert numbers(office, "--name", "王二") == []


@pytest.mark.parametrize("typed", ["买买提·艾力", "买买提・艾力", "买买提•艾力", "买买提艾力", "买买提 艾力", "艾力"])
def test_a_name_with_a_middle_dot_is_found_however_the_dot_is_typed(cli, typed):
    case = cli.register(name="买买提・艾力")["case"]  # the katakana dot an input method gives
    assert cli.ok("show", case)["name"] == "买买提·艾力"  # stored with the one 间隔号
    assert numbers(cli, "--name", typed) == [case]


@pytest.mark.parametrize("first, again", [("阿依古丽•买买提", "阿依古丽·买买提"), ("王　堃", "王堃")])
def test_the_same_name_typed_another_way_is_a_probable_duplicate(cli, first, again):
    cli.register(name=first, again=False)
    res = cli("register", "--received", "2026-11-03", "--channel", "letter", "--township", "车桥镇", "--name", again,
              "--category", "compensation", "--summary", "再次来信")
    assert res.code == 1 and "疑似重复登记" in res.err


def test_a_latin_name_keeps_its_spaces(cli):
    case = cli.register(name="John Smith")["case"]
    assert cli.ok("show", case)["name"] == "John Smith"


def test_find_by_words_of_the_summary_and_of_what_the_petitioner_was_told(office):
    assert numbers(office, "--text", "补偿") == ["2026-00001"]
    assert numbers(office, "--text", "拨付 到村") == ["2026-00001"]  # the reply's words
    assert numbers(office, "--text", "补偿　土地") == []  # every word must be found (a full-width space too)
    assert numbers(office, "--text", "100%") == ["2026-00004"]  # a LIKE wildcard is a plain character
    assert numbers(office, "--text", "_") == []


def test_found_personal_data_is_masked_unless_revealed_and_the_reveal_is_recorded(office):
    row, = office.ok("cases", "--id-number", ID)
    assert ID not in str(row) and PHONE not in str(row) and row["phone"].startswith("138")
    row, = office.ok("cases", "--phone", PHONE, "--reveal")
    assert row["id_number"] == ID and row["phone"] == PHONE
    last = office.ok("audit", "reveals")[-1]
    assert last["command"] == "cases" and "2026-00001" in str(last["cases"])


def test_an_accused_never_finds_the_accusation_against_them(office):
    # by the words of its summary, nor by a name, filtered by the accused township or not
    assert "2026-00004" not in numbers(office, "--text", "车桥镇")
    assert "2026-00004" not in numbers(office, "--text", "违规占地", "--township", "车桥镇")
    assert "2026-00004" not in numbers(office, "--name", "赵六", "--unit", "车桥镇")
    assert numbers(office, "--text", "违规占地") == ["2026-00004"]  # the office finds it by other words


def test_bad_search_values_are_refused_naming_the_option(office):
    for args, option in ((("--id-number", "12345"), "--id-number"), (("--phone", "abc"), "--phone"),
                         (("--text", "  "), "--text"), (("--name", "x" * 51), "--name")):
        res = office("cases", *args)
        assert res.code == 1 and option in res.err and res.err.count("\n") == 1


@pytest.mark.parametrize("typed", ["1", "2026-1", "2026-00001", "2026－1", "２０２６－１", "２０２６-０００１", " 2026—1 "])
def test_case_numbers_as_an_input_method_types_them(office, typed):
    assert office.ok("show", typed)["case"] == "2026-00001"


def test_every_command_takes_the_typed_number(office):
    assert office.ok("assign", "２０２６－２", "--unit", "平桥镇", "--leader", "李四", "--on", "2026-11-04")["case"] == "2026-00002"
    assert office.ok("resolve", "1", "--outcome", "support", "--summary", "已办结", "--on", "2026-11-20")["case"] == "2026-00001"


def test_a_bare_number_is_the_latest_years(office):
    office.register(name="钱七", received="2025-12-30")
    assert office.ok("show", "1")["case"] == "2026-00001"
    assert office.ok("show", "2025-1")["case"] == "2025-00001"


def test_a_missing_number_suggests_the_nearest_in_both_languages(office):
    before = office.counts()
    res = office("show", "2026-9")
    assert res.code == 1 and "2026-00004" in res.err and "您要找的是不是" in res.err
    res = office("assign", "8", "--unit", "车桥镇", "--leader", "陈山", lang="en")
    assert res.code == 1 and "did you mean 2026-00004?" in res.err
    res = office("show", "2030-2", lang="en")
    assert "did you mean 2026-00002?" in res.err
    res = office("show", "abc", lang="en")
    assert res.code == 1 and "not a case number" in res.err
    assert office.counts() == before


def test_an_empty_ledger_says_so(cli):
    res = cli("show", "1", lang="en")
    assert res.code == 1 and "no cases yet" in res.err


@given(st.text(st.sampled_from("王堃买提艾力·・•‧ 　Ab"), max_size=12))
def test_a_name_is_written_one_way_once(text):
    from xinfang.parse import NAME_DOTS, name_key

    key = name_key(text)
    assert name_key(key) == key  # written once, the same again
    assert not set(key) & {chr(c) for c in NAME_DOTS}  # one dot only
    assert key.replace("·", "").replace(" ", "").replace("\u3000", "") == \
        text.translate(NAME_DOTS).replace("·", "").replace(" ", "").replace("\u3000", "")  # nothing else changed
