"""重复访: the repeat link and the initial flag, from the latest earlier case of the same matter."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from xinfang.rules.repeats import repeat_link

D = dt.date


def test_a_case_within_the_window_repeats_the_latest_earlier_one():
    assert repeat_link(D(2026, 11, 2), ("2026-00001", D(2025, 11, 2)), 365) == ("2026-00001", False)


def test_after_the_window_it_is_no_repeat_and_still_not_initial():
    assert repeat_link(D(2026, 11, 3), ("2025-00001", D(2025, 11, 2)), 365) == (None, False)


def test_the_first_case_of_a_matter_is_initial():
    assert repeat_link(D(2026, 11, 3), None, 365) == (None, True)


@given(gap=st.integers(0, 1000), window=st.integers(0, 800))
def test_a_repeat_link_exists_exactly_within_the_window(gap, window):
    received = D(2026, 6, 1)
    link, initial = repeat_link(received, ("2024-00007", received - dt.timedelta(days=gap)), window)
    assert initial is False
    assert (link == "2024-00007") == (gap <= window)
