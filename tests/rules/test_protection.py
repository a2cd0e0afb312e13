"""The rule every handler of an accusation passes (``rules.protection.handled_by_accused``): a
handler who is, or whose name holds, a protected name never handles the case."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from xinfang.rules.protection import handled_by_accused, names_protected, normalise

HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
NAMES = st.text(HAN, min_size=2, max_size=8)
AROUND = st.text(st.one_of(HAN, st.sampled_from("（）() \u200b\u3000同志书记")), max_size=6)


@given(NAMES, AROUND, AROUND)
def test_a_handler_whose_name_holds_the_accused_is_the_accused(name, before, after):
    protected = frozenset({normalise(name)})
    handler = before + name + after
    assert names_protected(protected, handler)
    assert handled_by_accused(protected, leader=handler) == "--leader"
    assert handled_by_accused(protected, unit="区监察局", to=handler) == "--to"


@given(st.sets(NAMES, min_size=1, max_size=4), NAMES)
def test_a_handler_holding_no_protected_name_handles_the_case(names, handler):
    protected = frozenset(map(normalise, names))
    holds = any(p in normalise(handler) for p in protected)
    assert names_protected(protected, handler) == holds
    assert (handled_by_accused(protected, unit=handler) is None) == (not holds)


def test_an_office_of_the_accused_township_and_a_title_are_the_accused():
    protected = frozenset({"车桥镇", "袁小文"})
    for handler in ("车桥镇党委", "中共车桥镇委员会", "车桥镇纪委", "袁小文同志", "袁小文（镇长）", "车桥镇人民政府"):
        assert names_protected(protected, handler), handler
    for handler in ("区纪委", "泾口镇", "袁小"):
        assert not names_protected(protected, handler), handler
