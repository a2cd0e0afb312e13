"""The Chinese views' masking of free text: the SQL twin of ``personal.mask_text``."""

from __future__ import annotations

import re
import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

from xinfang import personal
from xinfang.ledger.views import _masked_text

_CONN = sqlite3.connect(":memory:")
_SQL = f"SELECT {_masked_text('?1')}"

# Texts a clerk writes: Chinese words, dates, amounts, and the numbers the listings mask.
_PIECES = st.one_of(
    st.text(alphabet="来访人电话身份证征地补偿款元年月日，。、 -Xx+()　－０１３８９", max_size=6),
    st.integers(min_value=0, max_value=10**9).map(str),
    st.sampled_from(["13812345678", "19900001111", "0517-85912345", "051785912345", "11010519491231002X",
                     "320803199001011234", "2026-10-14", "12345678901234567890", "+86 138 1234 5678",
                     "138-1234-5678", "(0517)85912345", "１３８１２３４５６７８", "320803 19900101 1237"]),
)
_TEXTS = st.lists(_PIECES, max_size=8).map("".join)


def view(text: str) -> str:
    return _CONN.execute(_SQL, (text,)).fetchone()[0]


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
def test_no_number_the_listings_mask_is_readable_in_the_views(text):
    shown = view(text)
    plain = text.translate(personal._HALF_WIDTH)
    for found in personal._numbers().finditer(plain):
        assert text[found.start():found.end()] not in shown
    if personal.mask_text(text) != text:
        assert not re.search(r"[0-9０-９]", shown)


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
def test_a_text_without_a_long_number_is_shown_as_written(text):
    plain = re.sub(r"[ \u3000]", "", text).translate(personal._HALF_WIDTH)
    if not re.search(r"[0-9]{7}|[0-9]{3}-[0-9]{4}-[0-9]{4}", plain):
        assert view(text) == text
    assert len(view(text)) == len(text)  # starred digit for digit: the text keeps its shape


def test_a_summary_with_a_phone_keeps_its_words():
    assert view("2026年10月来电13812345678反映补偿") == "****年**月来电***********反映补偿"
    assert view("电话 138 1234 5678") == "电话 *** **** ****"
    assert view("１３８１２３４５６７８") == "＊" * 11
    assert view(None) is None and view("") == ""


def test_dates_stay_readable_beside_a_dashed_mobile():
    """A history row is full of dates (2026-10-14) and a summary often names one: they are no number
    to star, while a mobile written 138-1234-5678 is."""
    assert view("2026-10-14 交办，2026-11-02 答复") == "2026-10-14 交办，2026-11-02 答复"
    assert view("5 calendar days from 2026-11-24") == "5 calendar days from 2026-11-24"
    assert view("电话138-1234-5678") == "电话***-****-****"
    assert view("电话１３８－１２３４－５６７８") == "电话＊＊＊－＊＊＊＊－＊＊＊＊"
