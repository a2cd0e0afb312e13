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
    """2026年10月 / October 2026."""
    year, mon = int(month[:4]), int(month[5:7])
    return t("month_title", lang, year=year, name=t(f"month.{mon}", lang))


def month_abbr(mon: int, lang: str) -> str:
    """10月 / Oct."""
    return t(f"month_abbr.{mon}", lang)


def day_text(value, lang: str) -> str:
    """2026年10月31日 / 2026-10-31."""
    if value is None or value == "":
        return ""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return t("day", lang, year=day.year, month=day.month, day=day.day)


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
    if ch["trend"] in ("none", "flat"):
        return t(f"change.{ch['trend']}", lang)
    return t(f"change.{'down' if ch['trend'] == 'down' else 'up'}", lang, pct=f"{abs(ch['pct']):.1f}%")


def change_phrase(ch: dict, lang: str = "zh") -> str:
    """The change for a sentence: 同比下降15.8% / 与去年同期持平 / 去年同期为0."""
    if ch["trend"] in ("none", "flat"):
        return t(f"phrase.{ch['trend']}", lang)
    return t("phrase.change", lang, change=change_text(ch, lang))
