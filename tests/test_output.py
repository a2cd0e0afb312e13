"""A listing on a console of any width: no line wider than the console, and every value of a column
that does not fold (case numbers, dates, names, amounts) on one line, whole."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console

from xinfang.output import Listing

WORDS = st.sampled_from(["", "1", "12", "马甸镇", "河下街道", "2026-10", "是", "否", "district", "a b", "－3", "区国土局",
                         "2026-00042", "征地补偿款未足额发放，要求依法核查", "key_management:淮城镇:2025-03"])
TEXT = st.lists(WORDS, min_size=1, max_size=4).map(" ".join).map(str.strip)


def printed(renderable, width: int) -> str:
    out = io.StringIO()
    Console(file=out, width=width, highlight=False, soft_wrap=False, color_system=None).print(renderable)
    return out.getvalue()


@settings(max_examples=150, deadline=None)
@given(data=st.data(), ncols=st.integers(1, 5), nrows=st.integers(0, 12), width=st.integers(20, 300),
       title=st.none() | TEXT, caption=st.none() | TEXT | st.just("得分 = Σ 层级权重(区1、市2、省3、国家5) × 集体访 + 重复访 +1"))
def test_a_listing_fits_its_console_and_keeps_whole_what_does_not_fold(data, ncols, nrows, width, title, caption):
    headers = data.draw(st.lists(TEXT.filter(bool), min_size=ncols, max_size=ncols))
    cells = data.draw(st.lists(st.lists(TEXT, min_size=ncols, max_size=ncols), min_size=nrows, max_size=nrows))
    numeric = data.draw(st.lists(st.booleans(), min_size=ncols, max_size=ncols))
    folding = data.draw(st.lists(st.booleans(), min_size=ncols, max_size=ncols))
    listing = Listing(headers, cells, "zh", folding, numeric, title or None, caption or None)

    lines = printed(listing, width).split("\n")
    assert all(cell_len(line) <= width for line in lines)
    table = listing.layout(width) is not None
    for row in cells:
        for head, value, folds in zip(headers, row, folding):
            pair = f"{head}：{value}"
            if value and not folds and (table or cell_len(pair) + 2 <= width):
                assert any(value in line for line in lines), (value, width)
