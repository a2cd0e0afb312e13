"""Whom a case's accusation protects against (检举控告): the names ``rules.protection`` compares."""

from __future__ import annotations

from xinfang.rules.protection import protected_names


def protected_for(ledger, accused: str | None) -> frozenset[str]:
    """The normalised names that may never handle an accusation against ``accused``."""
    if not accused:
        return frozenset()
    return protected_names(accused)
