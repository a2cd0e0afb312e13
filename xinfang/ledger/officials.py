"""Officials' terms in the ledger: who held which post (党委书记, 乡镇长) of which township, when.

Official names are unique in a ledger and all terms of one name belong to one township. A term
change moves the deposit deductions of the cases it touches: the caller passes the settled deposit
years (``xinfang.ledger.deposits.load_settled_years``), which no term change may reach, and
reconciles the deposits after it (``reconcile_deposits``) in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence

from xinfang.errors import Refusal
from xinfang.model import Message, Official, Role


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def term_dates(term: dict) -> tuple[dt.date, dt.date | None]:
    """A term row's first and last day in post (None: still in post)."""
    return _date(term["start"]), _date(term["end"])


def term_official(term: dict) -> Official:
    """A term row as the rules' ``Official``."""
    return Official(term["name"], term["township"], Role(term["role"]), *term_dates(term))


def official_rows(ledger, townships: Sequence[str] | None = None, name: str | None = None) -> list[dict]:
    """Terms (officials rows) of these townships (all when ``None``), or of one name."""
    sql = "SELECT id, name, township, role, start, \"end\" FROM officials"
    where, params = [], []
    if townships is not None:
        where.append(f"township IN ({', '.join('?' * len(townships))})")
        params += list(townships)
    if name is not None:
        where.append("name = ?")
        params.append(name)
    if where:
        sql += " WHERE " + " AND ".join(where)
    return ledger.rows(sql + " ORDER BY start, id", params)


def load_officials(ledger, townships: Sequence[str] | None = None) -> list[Official]:
    """The terms of these townships' officials (every township when ``None``)."""
    return [term_official(r) for r in official_rows(ledger, townships)]


def official_names(ledger) -> list[str]:
    return [r[0] for r in ledger.conn.execute("SELECT DISTINCT name FROM officials ORDER BY name")]


def find_official(ledger, text: str, option: str = "--official") -> list[dict]:
    """The terms of the official named ``text`` (exactly); else a refusal naming the nearest names."""
    name = (text or "").strip()
    terms = official_rows(ledger, name=name) if name else []
    if terms:
        return terms
    import difflib

    names = official_names(ledger)
    near = difflib.get_close_matches(name, names, n=3, cutoff=0.3) or [n for n in names if name and name[0] in n][:3]
    if option == "NAME":
        from xinfang.messages import Words

        option = Words("姓名", "NAME")
    if near:
        raise Refusal("official.unknown", option=option, name=repr(name), near=tuple(near))
    raise Refusal("official.unknown_none", option=option, name=repr(name))


def _overlaps(term: dict, start: dt.date, end: dt.date | None) -> bool:
    t_start, t_end = term_dates(term)
    return t_start <= (end or dt.date.max) and start <= (t_end or dt.date.max)


def term_json(term: dict, today: dt.date | None = None) -> dict:
    out = {"id": term["id"], "name": term["name"], "township": term["township"], "role": term["role"],
           "from": term["start"], "to": term["end"]}
    if today is not None:
        out["in_post"] = term_official(term).in_post(today)
    return out


def describe_term(term: dict) -> Message:
    """A term as a refusal names it: '张三 (车桥镇 secretary 党委书记, from 2024-01-01)'."""
    span = (Message.of("official.term.from_to", start=term["start"], end=term["end"]) if term["end"] else
            Message.of("official.term.from", start=term["start"]))
    return Message.of("official.term", name=term["name"], township=term["township"], role=Role(term["role"]), span=span)


def describe_terms(terms: Sequence[dict]):
    """Several terms as a refusal lists them, one after the other ('；' or '; ' between)."""
    from xinfang.messages import Words, wording

    return Words(*(("；" if lang == "zh" else "; ").join(wording(describe_term(t), lang) for t in terms)
                   for lang in ("zh", "en")))


def _refuse_settled(settled: Collection[int], start: dt.date, end: dt.date | None, what: str) -> None:
    hit = sorted(y for y in settled if start.year <= y <= (end or dt.date.max).year)
    if hit:
        raise Refusal("official.settled", option=what, years=tuple(hit))


def add_official(ledger, township: str, role: Role, name: str, start: dt.date, end: dt.date | None,
                 today: dt.date, settled: Collection[int]) -> dict:
    """Record who holds a post from when (to when). A holder of the same post whose open term began
    earlier is closed the day before; any other overlap is refused, and so is a term reaching a
    ``settled`` deposit year. The caller reconciles the township's deposits after it."""
    if end is not None and end < start:
        raise Refusal("official.to_before_from", end=end, start=start)
    own = official_rows(ledger, name=name)
    elsewhere = sorted({t["township"] for t in own if t["township"] != township})
    if elsewhere:
        raise Refusal("official.name_taken", name=name, township=elsewhere[0], new=township)
    to_close = []
    holders = ledger.rows(
        "SELECT id, name, township, role, start, \"end\" FROM officials WHERE township = ? AND role = ?"
        " ORDER BY start", (township, role.value))
    for term in own + [h for h in holders if h["name"] != name]:
        if not _overlaps(term, start, end):
            continue
        if term["name"] == name and term["role"] == role.value and term["end"] is None:
            raise Refusal("official.already", name=name, role=role, township=township, start=term["start"])
        if term["end"] is None and _date(term["start"]) < start:
            to_close.append(term)  # replaced (or moved to the other post) from ``start``
            continue
        raise Refusal("official.overlap", term=describe_term(term), name=term["name"])
    closes = start - dt.timedelta(days=1)
    _refuse_settled(settled, start, end, "--from")
    closed = []
    for term in to_close:
        ledger.conn.execute("UPDATE officials SET \"end\" = ? WHERE id = ?", (closes.isoformat(), term["id"]))
        ledger.event("official-end", None, "end", None, closes.isoformat(),
                     note=f"official #{term['id']} {term['name']}, {township} {term['role']}: replaced by {name} "
                          f"from {start}")
        closed.append(term_json({**term, "end": closes.isoformat()}, today))
    cur = ledger.conn.execute(
        "INSERT INTO officials (name, township, role, start, \"end\") VALUES (?, ?, ?, ?, ?)",
        (name, township, role.value, start.isoformat(), end.isoformat() if end else None))
    term = {"id": cur.lastrowid, "name": name, "township": township, "role": role.value,
            "start": start.isoformat(), "end": end.isoformat() if end else None}
    ledger.event("official-add", None, None, None, {k: v for k, v in term.items()})
    ledger.touch("officials")
    return {"official": term_json(term, today), "closed": closed}


def end_official(ledger, name: str, on: dt.date, today: dt.date, settled: Collection[int],
                 reason: str | None = None) -> dict:
    """End the term of ``name`` that is in post on ``on``: ``on`` is the last day in post. Refused
    when the days it takes off the term reach a ``settled`` deposit year; the caller reconciles
    the township's deposits after it."""
    terms = find_official(ledger, name, "NAME")
    name = terms[0]["name"]
    current = [t for t in terms if term_official(t).in_post(on)]
    if not current:
        raise Refusal("official.not_in_post", name=name, on=on, spans=describe_terms(terms))
    term = current[-1]
    if term["end"] == on.isoformat():
        raise Refusal("official.already_ends", name=name, on=on)
    _refuse_settled(settled, on + dt.timedelta(days=1), _date(term["end"]), "--on")
    ledger.conn.execute("UPDATE officials SET \"end\" = ? WHERE id = ?", (on.isoformat(), term["id"]))
    ledger.event("official-end", None, "end", term["end"], on.isoformat(),
                 note=f"official #{term['id']} {name}, {term['township']} {term['role']}" + (f": {reason}" if reason else ""))
    ledger.touch("officials")
    return {"official": term_json({**term, "end": on.isoformat()}, today)}


def list_officials(ledger, township: str | None = None, today: dt.date | None = None) -> list[dict]:
    """Terms in roster order, secretary before head, then by start."""
    order = {t: i for i, t in enumerate(ledger.ref.township_names)}
    roles = {Role.secretary.value: 0, Role.head.value: 1}
    rows = official_rows(ledger, [township] if township else None)
    rows.sort(key=lambda t: (order.get(t["township"], len(order)), t["township"], roles.get(t["role"], 2),
                             t["start"], t["name"]))
    return [term_json(t, today) for t in rows]
