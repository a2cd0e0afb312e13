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


# A resident ID number or a telephone written into free text (a summary, a name, an address): the
# same numbers the ID and phone fields hold, masked as those are. A mobile (1[3-9] and nine digits), a
# landline with its area code (0517-85912345), an ID number (seventeen digits and a digit or X); never
# a part of a longer run of digits.
_NUMBERS = None
TEXT_FIELDS = ("name", "summary", "address")


def _numbers():
    global _NUMBERS
    if _NUMBERS is None:
        import re

        _NUMBERS = re.compile(r"(?<![0-9])(?:([0-9]{17}[0-9Xx])|(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8}))(?![0-9Xx])")
    return _NUMBERS


def mask_text(value):
    """Free text with every ID number and telephone in it masked (``mask_id``, ``mask_phone``)."""
    if not value or not isinstance(value, str) or sum(c.isdigit() for c in value) < 7:
        return value
    return _numbers().sub(lambda m: mask_id(m.group(1)) if m.group(1) else mask_phone(m.group(2)), value)


def mask(row: dict, reveal: bool) -> dict:
    """Personal data masked unless the clerk asked for it: the ID number and the telephone, and any
    written into the name, the summary or the address."""
    if reveal:
        return row
    out = dict(row)
    if out.get("id_number"):
        out["id_number"] = mask_id(out["id_number"])
    if out.get("phone"):
        out["phone"] = mask_phone(out["phone"])
    for key in TEXT_FIELDS:
        if out.get(key):
            out[key] = mask_text(out[key])
    return out


def masked(field: str | None, value):
    """``value`` of the case column ``field`` as shown without --reveal (other fields as they are,
    but the numbers written into a free-text field)."""
    if field == "id_number":
        return mask_id(value)
    if field == "phone":
        return mask_phone(value)
    if field in TEXT_FIELDS:
        return mask_text(value)
    return value
