"""The rule every handler of an accusation passes (``rules.protection.handled_by_accused``): a
handler who is, or is written as, a protected name never handles the case; one whose name merely
begins like a two-character protected name (邵春玉 and 邵春) does."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from xinfang.rules.protection import TITLES, handled_by_accused, names_in, names_protected, normalise

HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
LONG_NAMES = st.text(HAN, min_size=3, max_size=8)
SHORT_NAMES = st.text(HAN, min_size=2, max_size=2)
AROUND = st.text(st.one_of(HAN, st.sampled_from("（）() \u200b\u3000")), max_size=6)
TITLED = st.lists(st.sampled_from(TITLES + ("（", "）", "(", ")")), max_size=3).map("".join)


@given(LONG_NAMES, AROUND, AROUND)
def test_a_handler_whose_name_holds_a_long_protected_name_is_the_accused(name, before, after):
    protected = frozenset({normalise(name)})
    handler = before + name + after
    assert names_protected(protected, handler)
    assert handled_by_accused(protected, leader=handler) == "--leader"
    assert handled_by_accused(protected, unit="区监察局", to=handler) == "--to"


@given(SHORT_NAMES, TITLED, TITLED)
def test_a_two_character_name_with_posts_and_offices_is_the_accused(name, before, after):
    assert names_protected(frozenset({name}), before + name + after)


@given(SHORT_NAMES, HAN)
def test_a_longer_name_that_begins_like_a_two_character_one_is_another_person(name, more):
    handler = name + more
    if not any(t in handler for t in TITLES) and handler not in TITLES:
        assert not names_protected(frozenset({name}), handler)
        assert handled_by_accused(frozenset({name}), leader=handler) is None


def test_an_office_of_the_accused_township_and_a_title_are_the_accused():
    protected = frozenset({"车桥镇", "袁小文", "邵春"})
    for handler in ("车桥镇党委", "中共车桥镇委员会", "车桥镇纪委", "袁小文同志", "袁小文（镇长）", "车桥镇人民政府",
                    "车桥镇袁小文", "邵春同志"):
        assert names_protected(protected, handler), handler
    for handler in ("区纪委", "泾口镇", "袁小", "邵春玉", "汤文福"):
        assert not names_protected(protected, handler), handler


def test_an_accused_text_names_whole_names_only():
    units, people = {"车桥镇", "复兴镇"}, {"袁小文", "袁小", "张志", "李四"}
    assert names_in("车桥镇镇长袁小文", units, people) == ({"车桥镇"}, {"袁小文"})
    assert names_in("王复兴", units, people) == (set(), set())  # 复兴 is no 复兴镇
    assert names_in("张志强", units, people) == (set(), set())  # nor 张志强 the 张志 of the roster
    assert names_in("车桥镇党委书记李四", units, people) == ({"车桥镇"}, {"李四"})
