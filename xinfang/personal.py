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


def mask(row: dict, reveal: bool) -> dict:
    """Personal data masked unless the clerk asked for it."""
    if reveal:
        return row
    out = dict(row)
    if out.get("id_number"):
        out["id_number"] = mask_id(out["id_number"])
    if out.get("phone"):
        out["phone"] = mask_phone(out["phone"])
    return out


def masked(field: str | None, value):
    """``value`` of the case column ``field`` as shown without --reveal (other fields as they are)."""
    if field == "id_number":
        return mask_id(value)
    if field == "phone":
        return mask_phone(value)
    return value
