"""A listing printed without styles (piped, or a terminal without colour) is written as plain text
rather than laid out cell by cell by Rich; it must be exactly the text the Rich table prints."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from xinfang.output import Listing

WORDS = st.sampled_from(["", "1", "12", "马甸镇", "河下街道", "2026-10", "是", "否", "district", "a b", "－3", "区国土局"])
TEXT = st.lists(WORDS, min_size=1, max_size=4).map(" ".join).map(str.strip)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), ncols=st.integers(1, 5), nrows=st.integers(0, 12), width=st.integers(20, 300),
       title=st.none() | TEXT, caption=st.none() | TEXT | st.just("得分 = Σ 层级权重(区1、市2、省3、国家5) × 集体访 + 重复访 +1"))
def test_a_plain_listing_is_the_text_its_table_prints(data, ncols, nrows, width, title, caption):
    headers = data.draw(st.lists(TEXT.filter(bool), min_size=ncols, max_size=ncols))
    cells = data.draw(st.lists(st.lists(TEXT, min_size=ncols, max_size=ncols), min_size=nrows, max_size=nrows))
    numeric = data.draw(st.lists(st.booleans(), min_size=ncols, max_size=ncols))
    folding = data.draw(st.lists(st.booleans(), min_size=ncols, max_size=ncols))
    listing = Listing(headers, cells, "zh", folding, numeric, title or None, caption or None)

    def printed(renderable) -> str:
        out = io.StringIO()
        Console(file=out, width=width, highlight=False, soft_wrap=False, color_system=None).print(renderable)
        return out.getvalue()

    widths = listing.layout(width)
    if widths is None:
        return  # records, not a table
    assert printed(listing) == printed(listing._table(widths))
