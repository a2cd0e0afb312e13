"""Access to personal data: every ``--reveal`` is an event of the hash-chained history.

Who revealed, when (the event's ``who`` and ``at``), with which command (``note``) and whose data:
one case in ``case_number``, or several as a JSON list of case numbers in ``new`` (field
``cases``), so a listing or an export of many cases is one row. ``show CASE`` lists the reveals of
its case, ``audit reveals`` all of them.
"""

from __future__ import annotations

import json

REVEAL_ACTION = "reveal"


def record_reveal(ledger, command: str, cases: list[str]) -> None:
    """Record that ``command`` showed the personal data of ``cases`` (inside the caller's write).
    Nothing is recorded when no case was shown."""
    numbers = list(dict.fromkeys(cases))
    if len(numbers) == 1:
        ledger.event(REVEAL_ACTION, numbers[0], None, None, None, command)
    elif numbers:
        ledger.event(REVEAL_ACTION, None, "cases", None, json.dumps(numbers, ensure_ascii=False), command)


def reveals(ledger, case: str | None = None) -> list[dict]:
    """The reveals recorded, oldest first, each ``{id, at, who, command, cases}``; only those that
    showed ``case`` when it is given."""
    sql = ("SELECT id, at, who, case_number, new, note FROM events WHERE action = ?"
           + (" AND (case_number = ? OR (case_number IS NULL AND EXISTS"
              " (SELECT 1 FROM json_each(CASE WHEN json_valid(events.new) THEN events.new ELSE '[]' END)"
              " WHERE value = ?)))" if case else "")
           + " ORDER BY id")
    params = (REVEAL_ACTION, case, case) if case else (REVEAL_ACTION,)
    return [{"id": r["id"], "at": r["at"], "who": r["who"], "command": r["note"],
             "cases": [r["case_number"]] if r["case_number"] else json.loads(r["new"] or "[]")}
            for r in ledger.rows(sql, params)]


def reveal_events(ledger, case: str) -> list[dict]:
    """The reveals of several cases that showed ``case``, as rows of its history (the reveals of
    ``case`` alone already are)."""
    return [{"id": r["id"], "at": r["at"], "who": r["who"], "action": REVEAL_ACTION, "field": None, "old": None,
             "new": None, "note": r["command"]}
            for r in reveals(ledger, case) if r["cases"] != [case]]
