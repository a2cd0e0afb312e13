"""Withholding accusations from a published trigger: the listing walks each message once, keeping
every part that holds no accusation as it is; the result must be the plain recursive definition."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from xinfang.ledger.sanctions import withhold_accusations
from xinfang.model import Clock, Level, Message

NUMBERS = ["2026-1", "2026-2", "2026-3", "2026-4"]
ACCUSED = frozenset(NUMBERS[:2])


def plainly(value, accusations):
    """The definition, part by part: a listed message naming an accusation (``number`` or ``case``)
    is dropped and counted, a number alone becomes the count, everything else is walked."""
    def describes(item) -> bool:
        return isinstance(item, Message) and any(v in accusations for k, v in item.params if k in ("number", "case"))

    if isinstance(value, Message):
        return Message(value.code, tuple((k, plainly(v, accusations)) for k, v in value.params))
    if isinstance(value, (tuple, list)):
        hidden = sum(map(describes, value))
        kept = tuple(plainly(v, accusations) for v in value if not describes(v))
        return kept + ((Message.of("protection.withheld", n=hidden),) if hidden else ())
    if isinstance(value, str) and value in accusations:
        return Message.of("protection.withheld", n=1)
    return value


_LEAF = st.one_of(st.sampled_from(NUMBERS), st.text(max_size=3), st.integers(0, 9), st.dates(),
                  st.sampled_from([Level.city, Clock.handling]))
_TREE = st.recursive(_LEAF, lambda inner: st.one_of(
    st.lists(inner, max_size=4).map(tuple),
    st.lists(inner, max_size=3),
    # a message naming a case (by a number, as the rules do) and holding anything else
    st.builds(lambda key, n, w: Message("m", ((key, n), ("other", w))),
              st.sampled_from(["number", "case", "previous"]), st.sampled_from(NUMBERS), inner),
    st.builds(lambda v, w: Message("m", (("cases", v), ("other", w))), inner, inner)), max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(_TREE)
def test_withholding_equals_the_plain_definition(value):
    assert withhold_accusations(value, ACCUSED) == plainly(value, ACCUSED)


def test_a_chronic_trigger_counts_its_accusations_and_keeps_the_rest():
    due = dt.date(2026, 1, 5)
    parts = tuple(Message.of("sanction.overdue_case", case=n, clock=Clock.handling, due=due) for n in NUMBERS)
    trigger = Message.of("sanction.chronic", n=4, cases=parts)
    assert withhold_accusations(trigger, ACCUSED) == Message.of(
        "sanction.chronic", n=4, cases=parts[2:] + (Message.of("protection.withheld", n=2),))


def test_an_accusation_named_by_one_of_two_findings_with_the_same_id_is_withheld():
    """Two findings may share an id (a township named like another's key, say): what each names
    counts, not only the last one's."""
    from xinfang.ledger.sanctions import _accusations_named, _named
    from xinfang.model import SanctionKind, SanctionStatus
    from xinfang.rules.sanctions import Finding

    day = dt.date(2026, 1, 5)
    naming = Finding("key_management:T:2026-01", "T", SanctionKind.key_management,
                     Message.of("x", ground=Message.of("y", previous=NUMBERS[0])), ("2026-01",), (NUMBERS[2],),
                     SanctionStatus.in_force, (), day, None)
    other = naming._replace(trigger=Message.of("z"), cases=(), start=day + dt.timedelta(days=1))
    found = [naming, other]
    kinds = {n: n in ACCUSED for n in NUMBERS}  # every number known: the ledger is not asked
    assert _accusations_named(None, found, kinds, [_named(f.trigger) for f in found]) == {NUMBERS[0]}
