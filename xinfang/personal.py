"""Personal data (resident ID numbers, phones): masked in every output unless the clerk asks."""

from __future__ import annotations


def mask_id(value: str | None) -> str | None:
    """320803********123X: region and last four stay, birth date and sequence hidden."""
    if not value:
        return value
    return value[:6] + "*" * (len(value) - 10) + value[-4:] if len(value) > 10 else "*" * len(value)


def mask_phone(value: str | None) -> str | None:
    if not value:
        return value
    return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) > 7 else "*" * len(value)


# A resident ID number or a telephone written into free text (a summary, a name, an address, a
# reply, a note): the same numbers the ID and phone fields hold, written as clerks write them — a
# mobile (1[3-9] and nine digits; with +86 or 86 before it, in groups of 3-4-4 with spaces or
# dashes), a landline with its area code (0517-85912345, (0517)85912345), an ID number (seventeen
# digits and a digit or X, with a space after the region and the birth date or not); in ASCII or
# full-width digits (１３８…); never a part of a longer run of digits.
_NUMBERS = None
# The free texts of a case row typed by hand: the petitioner's name, summary and address, and the
# names an official writes (the accused, the leader, the review body), where a number may be typed too.
TEXT_FIELDS = ("name", "summary", "address", "accused", "unit", "leader", "review_body")  # unit: a transfer's body
# Full-width ASCII (！ to ～: digits, letters, ＋, （ ）) read as ASCII, character for character.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def _numbers():
    global _NUMBERS
    if _NUMBERS is None:
        import re

        _NUMBERS = re.compile(
            r"(?<![0-9])(?:([0-9]{6} ?[0-9]{8} ?[0-9]{3}[0-9Xx])(?![0-9Xx])"
            r"|((?:\+?86[- ]?)?1[3-9][0-9](?:[- ]?[0-9]{4}){2}|(?:0[0-9]{2,3}|\(0[0-9]{2,3}\))[- ]?[0-9]{7,8})(?![0-9]))")
    return _NUMBERS


def mask_text(value):
    """Free text with every ID number and telephone in it masked as ``mask_id`` and ``mask_phone``
    mask the fields, however it is written (the region and the last four kept of an ID number, the
    first three characters and the last four of a telephone)."""
    if not value or not isinstance(value, str) or sum(c.isdigit() for c in value) < 7:
        return value
    plain = value.translate(_HALF_WIDTH)  # the same length: positions in it are positions in value
    out, last = [], 0
    for found in _numbers().finditer(plain):
        written = value[found.start():found.end()]
        out += [value[last:found.start()], mask_id(written) if found.group(1) else mask_phone(written)]
        last = found.end()
    return "".join(out) + value[last:] if out else value


def masked(field: str | None, value):
    """``value`` of the column ``field`` as shown without --reveal: an ID number and a phone masked,
    and the numbers written into any text (a name, a summary, a reply, a reason)."""
    if field == "id_number":
        return mask_id(value)
    if field == "phone":
        return mask_phone(value)
    return mask_text(value)


def mask_note(note):
    """A history note as shown without --reveal: the numbers written into it masked, and into each
    text of a note the program wrote as JSON (which stays JSON)."""
    if not note or not isinstance(note, str) or sum(c.isdigit() for c in note) < 7:
        return note
    if note.startswith("{"):
        import json

        try:
            parsed = json.loads(note)
        except ValueError:
            return mask_text(note)
        if isinstance(parsed, dict):
            hidden = {k: mask_text(v) for k, v in parsed.items()}
            return note if hidden == parsed else json.dumps(hidden, ensure_ascii=False, separators=(",", ":"))
    return mask_text(note)


def mask(row: dict, reveal: bool) -> dict:
    """Personal data masked unless the clerk asked for it: the ID number and the telephone, and any
    written into a free text of the case (``TEXT_FIELDS``)."""
    if reveal:
        return row
    out = dict(row)
    for key in ("id_number", "phone", *TEXT_FIELDS):
        if out.get(key):
            out[key] = masked(key, out[key])
    return out

