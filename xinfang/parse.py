"""Parsing and validating what a clerk types. Every failure is a one-line refusal that names the
option and the fix, worded from the catalogue (``parse.*`` in ``xinfang.messages``)."""

from __future__ import annotations

import datetime as dt
from operator import mul
import re
import unicodedata
from enum import Enum
from typing import TypeVar

from xinfang.errors import Refusal

E = TypeVar("E", bound=Enum)

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)
DATE_FORMATS = "2026-11-26, 2026/11/26, 20261126 or 2026年11月26日"
_FORMATS = ("2026-11-26、2026/11/26、20261126 或 2026年11月26日", DATE_FORMATS)
MIN_YEAR, MAX_YEAR = 1990, 2100


def parse_date(text: str, option: str = "--on") -> dt.date:
    """Parse one of the four accepted date spellings; refuse impossible and far-off dates."""
    value = (text or "").strip()
    for pattern in _DATE_PATTERNS:
        m = pattern.match(value)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            try:
                day = dt.date(y, mo, d)
            except ValueError:
                raise Refusal("parse.unreal_date", option, value=repr(text), formats=_formats()) from None
            if not MIN_YEAR <= y <= MAX_YEAR:
                raise Refusal("parse.year_out_of_range", option, value=y, low=MIN_YEAR, high=MAX_YEAR)
            return day
    raise Refusal("parse.not_date", option, value=_show(text), formats=_formats())


def _formats():
    from xinfang.messages import Words

    return Words(*_FORMATS)


def parse_month(text: str, option: str = "--month") -> str:
    """Parse YYYY-MM (also YYYY/MM, YYYYMM, YYYY年MM月) to the canonical 'YYYY-MM'."""
    value = (text or "").strip()
    m = re.match(r"^(\d{4})(?:-|/|年)?(\d{1,2})月?$", value)
    if not m or not 1 <= int(m.group(2)) <= 12 or not MIN_YEAR <= int(m.group(1)) <= MAX_YEAR:
        raise Refusal("parse.not_month", option, value=_show(text))
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"


# Dashes an input method may type for the hyphen of a case number (full-width, en/em dash, minus …).
_DASHES = re.compile(r"[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")


def case_number_parts(text: str | None) -> tuple[int | None, int] | None:
    """A case number as typed: (year, sequence) of '2026-00042', '2026-42', '2026－42' (a full-width
    hyphen), full-width digits '２０２６－４２'; (None, sequence) of a bare '42'. None when it is
    not a case number."""
    import unicodedata

    value = _DASHES.sub("-", unicodedata.normalize("NFKC", text or "")).strip()
    m = re.fullmatch(r"(?:(\d{4})\s*-\s*)?(\d{1,9})", value)
    if not m or int(m.group(2)) == 0:
        return None
    return (int(m.group(1)) if m.group(1) else None), int(m.group(2))


def parse_year(value: int, option: str = "--year") -> int:
    if not MIN_YEAR <= value <= MAX_YEAR:
        raise Refusal("parse.year_out_of_range", option, value=value, low=MIN_YEAR, high=MAX_YEAR)
    return value


def begun_year(value: int, today: dt.date, option: str = "--year", ahead: int = 0) -> int:
    """A year that has begun by ``today`` (or begins within ``ahead`` years: a deposit paid ahead)."""
    value = parse_year(value, option)
    if value > today.year + ahead:
        raise Refusal("parse.year_not_begun", option, year=value, today=today, last=today.year + ahead)
    return value


def begun_month(value: str, today: dt.date, option: str = "--month") -> str:
    """A month (YYYY-MM) that has begun by ``today``."""
    if value > f"{today:%Y-%m}":
        raise Refusal("parse.month_not_begun", option, month=value, today=today)
    return value


def choice(enum: type[E], text: str, option: str) -> E:
    """Accept the English key or the Chinese label of an enumeration member."""
    value = (text or "").strip()
    for member in enum:
        if value.lower() in (member.value.lower(), getattr(member, "zh", None), str(getattr(member, "en", "")).lower()):
            return member
    raise Refusal("parse.unknown_value", option, value=_show(text), valid=tuple(_key_and_label(m) for m in enum))


def _key_and_label(member):
    from xinfang.messages import Words

    zh = getattr(member, "zh", member.value)
    return Words(f"{member.value}（{zh}）", f"{member.value} ({zh})")


def closest(value: str, names: list[str], option: str, what: str) -> str:
    """Find ``value`` among ``names``; accept a unique prefix (车桥 → 车桥镇); else say the nearest names."""
    import difflib

    value = (value or "").strip()
    if value in names:
        return value
    prefixed = [n for n in names if value and n.startswith(value)]
    if len(prefixed) == 1:
        return prefixed[0]
    from xinfang.model import Message

    near = difflib.get_close_matches(value, names, n=3, cutoff=0.3) or prefixed[:3]
    hint = Message.of("parse.did_you_mean", near=tuple(near)) if near else Message.of("parse.see_list", command=what)
    raise Refusal(f"parse.unknown.{what}", option, value=_show(value), hint=hint)


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_digit(first17: str) -> str:
    """GB 11643-1999 check character for the first 17 digits of a resident ID number."""
    return _ID_CHECK[sum(map(mul, map(int, first17), _ID_WEIGHTS)) % 11]


# The first digit of a resident ID number's region code (GB/T 2260): 1 to 8 (北京 11 … 台湾 71, 香港 81,
# 澳门 82); no region begins with 0 or 9.
ID_REGION_FIRST = "12345678"


def parse_id_number(text: str, option: str = "--id-number", today: dt.date | None = None) -> str:
    """Validate an 18-character resident ID number (身份证号): digits, a region, a birth date neither
    before 1890 nor after ``today`` (default: the computer's date), the check character."""
    # full-width digits (３２０８…, as a Chinese input method types them) read as the digits they are
    value = unicodedata.normalize("NFKC", text or "").strip().upper()
    if not re.fullmatch(r"[0-9]{17}[0-9X]", value):
        raise Refusal("parse.id_length", option)
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise Refusal("parse.id_birth_date", option) from None
    if birth.year < 1890:
        raise Refusal("parse.id_birth_year", option, year=birth.year)
    if birth > (today or dt.date.today()):
        raise Refusal("parse.id_birth_future", option, birth=birth)
    if value[0] not in ID_REGION_FIRST:
        raise Refusal("parse.id_region", option, region=value[:6])
    expected = id_check_digit(value[:17])
    if value[17] != expected:
        raise Refusal("parse.id_check_digit", option, digit=value[17], expected=expected)
    return value


def parse_phone(text: str, option: str = "--phone") -> str:
    value = re.sub(r"[\s\-()]", "", unicodedata.normalize("NFKC", text or "").strip())
    if value.startswith("+86"):
        value = value[3:]
    if not re.fullmatch(r"[0-9]{7,12}", value):
        from xinfang.personal import mask_phone

        typed = (text or "").strip()
        # a number long enough to be someone's is masked in the message; a slip of the keys is shown
        shown = mask_phone(typed) if sum(c.isdigit() for c in typed) >= 7 else typed
        raise Refusal("parse.not_phone", option, value=_show(shown))
    return value


# A name's middle dot as input methods and fonts type it (・ katakana, ･ half-width, • bullet, ‧ hyphenation
# point, ⋅ dot operator, ∙ bullet operator) is the one dot of Chinese typesetting, 间隔号 ·.
NAME_DOTS = str.maketrans({c: "\u00b7" for c in "\u30fb\uff65\u2022\u2027\u22c5\u2219"})
_CJK_SPACE = re.compile(r"(?<=[\u3400-\u9fff\U00020000-\U0003ffff\u00b7])[ \u3000]+(?=[\u3400-\u9fff\U00020000-\U0003ffff\u00b7])")


def name_key(text: str) -> str:
    """A petitioner's name as the ledger stores and finds it: every middle dot the one 间隔号 ·, and no
    space between Chinese characters (王　堃 is 王堃); a name in Latin letters keeps its spaces."""
    return _CJK_SPACE.sub("", text.translate(NAME_DOTS))


def parse_name(text: str | None, option: str = "--name") -> str:
    """A petitioner's name: free text of at most 50 characters, as ``name_key`` writes it."""
    return name_key(parse_text(text, option, 50))


def parse_text(text: str | None, option: str, max_len: int, required: bool = True) -> str | None:
    """Free text: trimmed, no control characters, bounded length."""
    if text is None or not text.strip():
        if required:
            raise Refusal("parse.empty", option, option=option)
        return None
    value = text.strip()
    if any(ord(c) < 32 and c not in "\n\t" or ord(c) == 127 for c in value):
        raise Refusal("parse.control", option)
    if len(value) > max_len:
        raise Refusal("parse.too_long", option, length=len(value), most=max_len)
    return value


def parse_count(value: int, option: str, low: int = 1, high: int = 100_000) -> int:
    if not low <= value <= high:
        raise Refusal("parse.count_out_of_range", option, value=value, low=low, high=high)
    return value


def parse_amount_fen(text: str, option: str = "--amount") -> int:
    """A positive yuan amount with at most two decimals, as integer fen."""
    from xinfang.model import fen

    value = (text or "").strip().replace(",", "").replace("，", "").removesuffix("元")
    if not re.fullmatch(r"\d+(\.\d+)?", value):
        raise Refusal("parse.not_amount", option, value=_show(text))
    try:
        amount = fen(value)
    except ValueError:
        raise Refusal("parse.not_amount", option, value=_show(text)) from None
    if amount <= 0:
        raise Refusal("parse.amount_not_positive", option)
    if amount > 100_000_000_00:
        raise Refusal("parse.amount_too_large", option, value=_show(text))
    return amount


def _show(text) -> str:
    """Quote user input for an error line: one line, bounded."""
    s = repr(text)
    return s if len(s) <= 40 else s[:37] + "…'"
