"""The words of the bulletin, the forms and the letters: their texts from the catalogue
(``xinfang.messages``, codes ``doc.*``), and the dates, amounts and numbers as a document prints them."""

from __future__ import annotations

import datetime as dt

from xinfang.messages import action_name, catalogue, template, text


def t(key: str, lang: str, **values) -> str:
    """The document text ``key`` (catalogue code ``doc.<key>``) in ``lang``, filled from ``values``;
    without values, the template as it is (a page's script fills ``{n}`` and ``{m}`` itself)."""
    return text(f"doc.{key}", lang, **values) if values else template(f"doc.{key}", lang)


def has_text(key: str) -> bool:
    """Whether the catalogue has a document text ``key``."""
    return f"doc.{key}" in catalogue()


def step_action(action: str, lang: str) -> str:
    """A history action as a document's handling steps (办理经过) name it: a form's own word for a
    step where it has one (申请复查 for a review asked for), else the history's name of the action."""
    return t(f"step.{action}", lang) if has_text(f"step.{action}") else action_name(action, lang)


def month_title(month: str, lang: str) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    if lang == "zh":
        return f"{year}年{mon}月"
    return dt.date(year, mon, 1).strftime("%B %Y")


def day_text(value, lang: str) -> str:
    """2026年10月31日 / 2026-10-31."""
    if value is None or value == "":
        return ""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return f"{day.year}年{day.month}月{day.day}日" if lang == "zh" else day.isoformat()


def yes_no(value, lang: str) -> str:
    if value is None:
        return ""
    return t("yes" if value else "no", lang)


def yuan_text(amount_fen: int) -> str:
    """Integer fen as yuan with two decimals and thousands separators: 1,500.00."""
    sign = "-" if amount_fen < 0 else ""
    whole, cents = divmod(abs(int(amount_fen)), 100)
    return f"{sign}{whole:,}.{cents:02d}"


def number_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    return str(value)


def display_width(text: str) -> int:
    """Columns a string takes in a fixed-width view: CJK and full-width characters count 2."""
    text = str(text)
    if text.isascii():
        return len(text)
    # each character as wide as it prints (a wide one doubled), by ``str.translate`` in C: a
    # bulletin's sheets measure hundreds of thousands of characters
    return len(text.translate(_AS_WIDE))


class _AsWide(dict):
    """Code point → its character, twice over when it is wide (East Asian Width W or F); filled as
    characters are first met."""

    def __missing__(self, code: int) -> str:
        import unicodedata

        ch = chr(code)
        self[code] = shown = ch * 2 if unicodedata.east_asian_width(ch) in ("W", "F") else ch
        return shown


_AS_WIDE = _AsWide()


def change_text(ch: dict, lang: str = "zh") -> str:
    """下降15.8% / 上升4.0% / 持平 / 无可比 — the wording of the bureau's report, for a table cell."""
    zh = lang == "zh"
    if ch["trend"] == "none":
        return "无可比" if zh else "no comparison"
    if ch["trend"] == "flat":
        return "持平" if zh else "unchanged"
    pct = f"{abs(ch['pct']):.1f}%"
    if ch["trend"] == "down":
        return f"下降{pct}" if zh else f"down {pct}"
    return f"上升{pct}" if zh else f"up {pct}"


def change_phrase(ch: dict, lang: str = "zh") -> str:
    """The change for a sentence: 同比下降15.8% / 与去年同期持平 / 去年同期为0."""
    zh = lang == "zh"
    if ch["trend"] == "none":
        return "去年同期为0" if zh else "none in the same period last year"
    if ch["trend"] == "flat":
        return "与去年同期持平" if zh else "the same as a year earlier"
    return ("同比" if zh else "") + change_text(ch, lang) + ("" if zh else " on a year earlier")
