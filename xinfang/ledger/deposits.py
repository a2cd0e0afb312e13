"""信访保证金 in the ledger: deposit entries, and deductions kept in step with cases and terms.

The rules (``xinfang.rules.deposits``) decide what is owed and what to append; this module reads
the rows they need, writes what they return, and refuses what must not happen (a payment into a
settled year, a correction that would reopen a settled year). Officials' terms live in
``xinfang.ledger.officials``.

Reads are scoped: a deduction concerns one township's officials and one deposit year, so every
loader takes the townships and years it needs and asks SQLite only for those rows. Official
names are unique in a ledger and all terms of one name belong to one township, which is what
lets a township be reconciled (and settled) on its own.

Deposit entries are appended in batches by the history's ``ChainWriter``, hash-chained exactly
as ``Ledger.deposit_entry`` chains them. Each appended entry's note ends with the official's
balance for its deposit year after the entry (``…; balance 2026: 9500.00``): a balance assertion
recorded with the money, which ``check_deposits`` compares with the replayed amounts,
beancount-style.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from contextlib import contextmanager

from xinfang.errors import Refusal
from xinfang.ledger.officials import describe_terms, find_official, load_officials, term_dates
from xinfang.model import Case, Kind, Level, Message, Status, fen, yuan

CASE_COLUMNS = "number, received, township, level, status, kind"
ENTRY_COLUMNS = "seq, official, kind, amount_fen, on_date, case_number, year, note"
_ENTRY_ROW = ("official", "kind", "amount_fen", "on_date", "case_number", "year", "note")
# Relevant to deposits: fields that decide whether, when and where a case is charged.
CHARGE_FIELDS = frozenset({"level", "township", "received", "status", "kind"})  # kind: accusation_deducts
_BALANCE_NOTE = re.compile(r"; balance (\d{4}): (-?\d+\.\d{2})$")
_LEVELS = {level.value: level for level in Level}
_STATUSES = {status.value: status for status in Status}


# ---------------------------------------------------------------------------------------------
# Reading


def _marks(values: Sequence) -> str:
    return ", ".join("?" * len(values))


def _months(years: Iterable[int]) -> list[str]:
    # ``month IN (…)`` lets SQLite seek the cases_month index (month, township, level, …).
    return [f"{y:04d}-{m:02d}" for y in sorted(years) for m in range(1, 13)]


def load_entries(ledger, officials: Sequence[str] | None = None, years: Iterable[int] | None = None):
    """Deposit entries (rules ``Entry`` rows, in ``seq`` order) of these officials and deposit years."""
    from xinfang.rules.deposits import Entry

    where, params = [], []
    if officials is not None:
        if not officials:
            return []
        where.append(f"official IN ({_marks(officials)})")
        params += list(officials)
    if years is not None:
        years = sorted(set(years))
        if not years:
            return []
        where.append(f"coalesce(year, CAST(substr(on_date, 1, 4) AS INTEGER)) IN ({_marks(years)})")
        params += years
    sql = f"SELECT {ENTRY_COLUMNS} FROM deposit_entries"
    if where:
        sql += " WHERE " + " AND ".join(where)
    cur = ledger.conn.execute(sql + " ORDER BY seq", params)
    fromiso = dt.date.fromisoformat
    return [Entry(seq, official, kind, amount, fromiso(on), case, year, note or "")
            for seq, official, kind, amount, on, case, year, note in cur]


def load_cases(ledger, levels: Iterable[Level], townships: Sequence[str] | None = None,
               years: Iterable[int] | None = None) -> list[Case]:
    """Cases at these levels received in these years, with only the columns deposits need."""
    levels = [lv.value for lv in levels]
    where, params = [f"level IN ({_marks(levels)})"], list(levels)
    if years is not None and townships is not None:
        months = _months(years)
        if not months:
            return []
        where.insert(0, f"month IN ({_marks(months)})")
        params = months + params
    elif years is not None:
        # Every township: one pass over the table costs less than a seek per matching row.
        years = sorted(set(years))
        if not years:
            return []
        # The level first: it drops most rows before their date is read.
        where.append("(" + " OR ".join(["received BETWEEN ? AND ?"] * len(years)) + ")")
        params += [d for y in years for d in (f"{y:04d}-01-01", f"{y:04d}-12-31")]
    if townships is not None:
        if not townships:
            return []
        where.append(f"township IN ({_marks(townships)})")
        params += list(townships)
    cur = ledger.conn.execute(f"SELECT {CASE_COLUMNS} FROM cases WHERE {' AND '.join(where)}", params)
    fromiso, lv, st = dt.date.fromisoformat, _LEVELS, _STATUSES
    kinds = {k.value: k for k in Kind}
    return [Case(number, fromiso(received), township, lv[level], kind=kinds[kind], status=st[status])
            for number, received, township, level, status, kind in cur]


def charge_levels(policy) -> list[Level]:
    """Levels whose cases cost the officials a deduction (at or above ``deduction_min_level``)."""
    return [lv for lv in Level if lv.rank >= policy.deduction_min_level.rank]


def settlement_levels(policy) -> list[Level]:
    """Levels settlement reads: charged levels and skip levels (which cost the reward)."""
    wanted = set(charge_levels(policy)) | set(policy.skip_levels)
    return [lv for lv in Level if lv in wanted]


def load_settled_years(ledger) -> frozenset[int]:
    """Deposit years already settled (with refund or reward entries): rules ``settled_years`` of the
    whole ledger, answered by SQL."""
    rows = ledger.conn.execute(
        "SELECT DISTINCT coalesce(year, CAST(substr(on_date, 1, 4) AS INTEGER)) FROM deposit_entries"
        " WHERE kind IN ('refund', 'reward')")
    return frozenset(r[0] for r in rows)


def years_with_cases(ledger) -> list[int]:
    """Years that have cases (the case number counters)."""
    return [r[0] for r in ledger.conn.execute("SELECT year FROM counters ORDER BY year")]


def _group(items, key) -> dict:
    out = defaultdict(list)
    for item in items:
        out[key(item)].append(item)
    return out


# ---------------------------------------------------------------------------------------------
# Writing entries


def _append(ledger, new: Sequence, prior: Iterable, report: bool = True) -> list[dict]:
    """Append rules entries to ``deposit_entries`` in one batch, hash-chained by the history's
    ``ChainWriter``; each note states the official's balance for the year after it.

    ``prior`` must hold every earlier entry of the (official, year) pairs in ``new``. Returns the
    appended entries as JSON objects (``report=False``: an empty list)."""
    if not new:
        return []
    from xinfang.ledger.history import ChainWriter, now_stamp
    from xinfang.rules.deposits import KINDS, Entry, balance

    # Each kind's effect on the balance, as the rules define it.
    sign = {k: balance((Entry(None, "", k, 1, dt.date.min),), "") for k in KINDS}
    keys = {(e.official, e.deposit_year) for e in new}
    running: dict[tuple[str, int], int] = defaultdict(int)
    for e in prior:
        key = (e.official, e.deposit_year)
        if key in keys:
            running[key] += sign.get(e.kind, 0) * e.amount_fen
    # Kinds are the rules' names and dates ISO text: written as they are.
    writer = ChainWriter(ledger.conn, "deposit_entries", _ENTRY_ROW, {"at": now_stamp()}, plain=("kind", "on_date"))
    seq = writer.last
    rows, out = [], []
    days: dict[dt.date, str] = {}
    for _, official, kind, amount, day, case, year, text in new:
        amount = int(amount)
        if year is None:
            year = day.year
        key = (official, year)
        left = running[key] = running[key] + sign[kind] * amount
        note = f"{text}; balance {year}: {left // 100}.{left % 100:02d}" if left >= 0 else \
            f"{text}; balance {year}: {_money(left)}"
        on = days.get(day)
        if on is None:
            on = days[day] = day.isoformat()
        rows.append((official, kind, amount, on, case, year, note))
        if report:
            seq += 1
            out.append(entry_json(seq, official, kind, amount, on, case, year, note))
    writer.append(rows)
    return out


def entry_json(seq, official, kind, amount_fen, on, case, year, note) -> dict:
    return {"entry": seq, "official": official, "kind": kind, "amount": yuan(amount_fen),
            "on": on.isoformat() if isinstance(on, dt.date) else on, "case": case, "year": year, "note": note}


def _money(amount_fen: int) -> str:
    sign = "-" if amount_fen < 0 else ""
    whole, cents = divmod(abs(amount_fen), 100)
    return f"{sign}{whole}.{cents:02d}"


# ---------------------------------------------------------------------------------------------
# Reconcile: deductions follow the cases


def reconcile_deposits(ledger, today: dt.date, township=None, year: int | None = None) -> list[dict]:
    """Post the deductions the cases call for and reverse the ones they no longer do.

    ``township`` (a name or a list of names) and ``year`` limit the cases, officials and entries
    read; both ``None`` reconciles the whole ledger. Settled years are never touched. Called
    inside the caller's write transaction; returns the appended entries.
    """
    from xinfang.rules.deposits import case_deposit_years, expected_charges, reconcile, settled_years

    towns = [township] if isinstance(township, str) else (list(township) if township is not None else None)
    officials = load_officials(ledger, towns)
    if not officials:
        return []
    names = sorted({o.name for o in officials}) if towns is not None else None
    if year is not None:
        entries = load_entries(ledger, names, [year])
        # Every official in post in a settled year carries a settlement entry of it.
        if year in settled_years(entries):
            record_adjustments(ledger, officials, entries, towns, year)
            return []
        years = [year]
    else:
        settled = load_settled_years(ledger)
        with_cases = years_with_cases(ledger)
        for settled_year in sorted(settled & set(with_cases)):
            # A settled year stays as settled; cases added to it since (an import) are adjustments.
            record_adjustments(ledger, officials, load_entries(ledger, names, [settled_year]), towns, settled_year)
        years = [y for y in with_cases if y not in settled]
        entries = load_entries(ledger, names, years)
    if not entries:
        return []  # no money and nothing booked: nothing to take or to reverse
    policy = ledger.policy
    cases = load_cases(ledger, charge_levels(policy), towns, years)
    by_town = _group(officials, lambda o: o.township)
    expected: dict[tuple[str, str], int] = {}
    for town, town_cases in _group(cases, lambda c: c.township).items():
        if town in by_town:  # charges only reach a township's own officials: group to stay linear
            expected.update(expected_charges(town_cases, by_town[town], policy))
    new = reconcile(entries, expected, today, case_deposit_years(cases))
    return _append(ledger, new, entries)


# ---------------------------------------------------------------------------------------------
# Post-settlement adjustments: a settled year is closed, but a late fact about it is shown

ADJUST_ACTION = "deposits-adjust"


def _expected_by_town(officials, cases, policy) -> dict[tuple[str, str], int]:
    from xinfang.rules.deposits import expected_charges

    by_town = _group(officials, lambda o: o.township)
    expected: dict[tuple[str, str], int] = {}
    for town, town_cases in _group(cases, lambda c: c.township).items():
        if town in by_town:
            expected.update(expected_charges(town_cases, by_town[town], policy))
    return expected


def record_adjustments(ledger, officials, entries, towns, year: int) -> list[dict]:
    """Record each charge a settled ``year`` would now call for, for a case registered after the
    settlement, as a post-settlement adjustment (a ``deposits-adjust`` history row): nothing is
    deducted from the closed year; ``deposits statement`` shows it and the user is told."""
    from xinfang.rules.deposits import _Book

    settled_at = ledger.scalar("SELECT min(at) FROM deposit_entries WHERE kind IN ('refund', 'reward') AND year = ?",
                               (year,))
    cases = load_cases(ledger, charge_levels(ledger.policy), towns, [year])
    net = _Book(entries).net
    owed = {key: amount - net.get((*key, year), 0)
            for key, amount in _expected_by_town(officials, cases, ledger.policy).items()}
    owed = {key: amount for key, amount in owed.items() if amount > 0}
    if not owed or settled_at is None:
        return []
    recorded = recorded_adjustments(ledger, {case for case, _ in owed})
    posted = []
    for (case, official), amount in owed.items():
        if (case, official) in recorded:
            continue
        registered = ledger.scalar("SELECT min(at) FROM events WHERE case_number = ? AND action IN ('register', 'import')",
                                   (case,))
        if registered is None or registered <= settled_at:
            continue  # known at the settlement: a shortfall of the year, not a late fact
        adjustment = {"official": official, "year": year, "amount_fen": amount}
        ledger.event(ADJUST_ACTION, case, None, None, adjustment,
                     note=f"after the {year} settlement: {_money(amount)} not deducted from the settled year")
        ledger.notice("deposits_adjusted", case=case, year=year, official=official, amount=_money(amount))
        posted.append({"case": case, **adjustment})
    return posted


def recorded_adjustments(ledger, cases: Iterable[str]) -> dict[tuple[str, str], int]:
    """(case, official) -> amount of the post-settlement adjustments recorded for these cases."""
    import json

    cases = sorted(set(cases))
    found = {}
    for i in range(0, len(cases), 500):
        chunk = cases[i:i + 500]
        for case, new in ledger.conn.execute(
                f"SELECT case_number, new FROM events WHERE case_number IN ({_marks(chunk)}) AND action = ?"
                " ORDER BY id", (*chunk, ADJUST_ACTION)):
            value = json.loads(new)
            found[case, value["official"]] = value["amount_fen"]
    return found


def check_case_correction(ledger, row: dict, changed: dict) -> None:
    """Refuse a correction that would change the deposits of a settled year (called by correct)."""
    if not CHARGE_FIELDS & changed.keys():
        return
    policy = ledger.policy
    relevant = {lv.value for lv in settlement_levels(policy)}
    if row["level"] not in relevant and changed.get("level", row["level"]) not in relevant:
        return
    year = row["year"]
    if year in load_settled_years(ledger):
        fields = tuple(sorted(CHARGE_FIELDS & changed.keys()))
        raise Refusal("deposits.settled_case", year=year, fields=fields, case=row["number"])


# ---------------------------------------------------------------------------------------------
# Payments


def pay_deposit(ledger, name: str, amount_fen: int, on: dt.date, year: int | None, today: dt.date) -> dict:
    """Record a deposit payment for a deposit year (default: the year of ``on``); deductions
    the earlier balance could not cover are then taken."""
    from xinfang.rules.deposits import balance, payment

    terms = find_official(ledger, name)
    name, township = terms[0]["name"], terms[0]["township"]
    year = on.year if year is None else year
    if on > today:
        raise Refusal("deposits.pay_future", on=on, today=today)
    if year in load_settled_years(ledger):
        raise Refusal("deposits.pay_settled", year=year, next=year + 1)
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if not any(start <= last and (end is None or end >= first) for start, end in map(term_dates, terms)):
        raise Refusal("deposits.not_in_post", name=name, year=year, spans=describe_terms(terms))
    prior = load_entries(ledger, [name], [year])
    try:
        entry = payment(prior, name, amount_fen, on, year, note=f"deposit {year}")
    except ValueError as exc:
        raise Refusal("deposits.bad_amount", detail=str(exc)) from None
    [posted] = _append(ledger, [entry], prior)
    taken = reconcile_deposits(ledger, today, township, year)
    after = balance(load_entries(ledger, [name], [year]), name, year)
    return {"entry": posted, "balance": yuan(after), "year": year, "township": township, "posted": taken}


# ---------------------------------------------------------------------------------------------
# Statements, settlement, rewards


def _town_order(ledger, towns: Iterable[str]) -> list[str]:
    roster, wanted = ledger.ref.township_names, set(towns)
    return [t for t in roster if t in wanted] + sorted(wanted - set(roster))


def statement_rows(ledger, official: str | None = None, year: int | None = None) -> list[dict]:
    """Each official's account for ``year`` (all years when ``None``), township by township."""
    from xinfang.rules.deposits import case_deposit_years, expected_charges, statement

    policy = ledger.policy
    towns = None
    if official is not None:
        terms = find_official(ledger, official)
        official, towns = terms[0]["name"], [terms[0]["township"]]
    officials = load_officials(ledger, towns)
    township_of = {o.name: o.township for o in officials}
    years = [year] if year is not None else years_with_cases(ledger)
    entries = load_entries(ledger, [official] if official else None, [year] if year is not None else None)
    cases = load_cases(ledger, charge_levels(policy), towns, years)
    officials_by = _group(officials, lambda o: o.township)
    entries_by = _group(entries, lambda e: township_of.get(e.official, ""))
    cases_by = _group(cases, lambda c: c.township)
    roles = {o.name: o.role.value for o in officials}
    # Charges recorded after their year was settled are shown apart, not as the year's shortfall.
    adjusted = recorded_adjustments(ledger, [c.number for c in cases]) if load_settled_years(ledger) else {}
    adjustments = defaultdict(list)
    for (case, name), amount in adjusted.items():
        adjustments[name].append({"case": case, "amount": yuan(amount)})
    rows = []
    for town in _town_order(ledger, set(officials_by) | set(entries_by)):
        offs = officials_by.get(town, [])
        town_cases = cases_by.get(town, [])
        expected = {k: v for k, v in expected_charges(town_cases, offs, policy).items() if k not in adjusted}
        for r in statement(entries_by.get(town, []), offs, year, expected, case_deposit_years(town_cases)):
            if official is not None and r.official != official:
                continue
            rows.append({"official": r.official, "township": r.township, "role": roles.get(r.official),
                         "year": year, "paid": yuan(r.paid), "deducted": yuan(r.deducted),
                         "balance": yuan(r.balance), "refunded": yuan(r.refunded), "rewarded": yuan(r.rewarded),
                         "shortfall": yuan(r.shortfall), "exhausted": r.exhausted, "cases": list(r.cases),
                         "adjustments": adjustments.get(r.official, [])})
    return _withhold_accusations(ledger, rows)


def _withhold_accusations(ledger, rows: list[dict]) -> list[dict]:
    """An accusation (检举控告) behind an official's deduction is counted (``withheld``) but its
    number not shown when the official or their township is one it protects against."""
    from xinfang.ledger.protection import accused_of, hidden_from

    accused = accused_of(ledger, (c for r in rows for c in r["cases"]))
    for r in rows:
        hidden = [c for c in r["cases"] if c in accused and (hidden_from(ledger, accused[c], r["official"])
                                                              or hidden_from(ledger, accused[c], r["township"]))]
        r["withheld"] = len(hidden)
        if hidden:
            r["cases"] = [c for c in r["cases"] if c not in hidden]
    return rows


@contextmanager
def _bulk():
    """Bulk work (a whole year of cases, tens of thousands of entries) builds hundreds of thousands
    of tuples and no reference cycle: the cyclic garbage collector is paused meanwhile instead of
    re-scanning them again and again as they accumulate."""
    import gc

    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def settle_deposits(ledger, year: int, today: dt.date) -> dict:
    """Year-end settlement (年底结算) of every official in post in ``year``: catch-up deductions,
    refunds and rewards appended; a second settlement of the same year is refused."""
    with _bulk():
        return _settle_deposits(ledger, year, today)


def _settle_deposits(ledger, year: int, today: dt.date) -> dict:
    from xinfang.rules.deposits import SETTLEMENT_KINDS, settle_year

    if today <= dt.date(year, 12, 31):
        raise Refusal("deposits.settle_early", year=year, today=today)
    if year in load_settled_years(ledger):
        on = ledger.scalar("SELECT min(on_date) FROM deposit_entries WHERE kind IN ('refund', 'reward') AND year = ?",
                           (year,))
        raise Refusal("deposits.settled_twice", year=year, on=on)
    policy = ledger.policy
    officials = load_officials(ledger)
    township_of = {o.name: o.township for o in officials}
    entries = load_entries(ledger, None, [year])
    cases = load_cases(ledger, settlement_levels(policy), None, [year])
    officials_by = _group(officials, lambda o: o.township)
    entries_by = _group(entries, lambda e: township_of.get(e.official, ""))
    cases_by = _group(cases, lambda c: c.township)
    roles = {o.name: o.role.value for o in officials}
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    roster = set(ledger.ref.township_names)
    rows, new, without = [], [], []
    for town in _town_order(ledger, roster | set(officials_by) | set(entries_by)):
        offs = officials_by.get(town, [])
        if not any(o.start <= last and (o.end is None or o.end >= first) for o in offs):
            if town in roster:
                without.append(town)
            if not entries_by.get(town):
                continue
        try:
            town_rows, town_new = settle_year(year, entries_by.get(town, []), cases_by.get(town, []), offs, [town],
                                              policy, today)
        except ValueError as exc:
            raise Refusal("deposits.settle_terms", detail=str(exc)) from None
        rows += town_rows
        new += town_new
    # The whole year is caught up before the first settlement entry: replayed in order, nothing
    # lands in the year after it is closed.
    new = [e for e in new if e.kind not in SETTLEMENT_KINDS] + [e for e in new if e.kind in SETTLEMENT_KINDS]
    _append(ledger, new, entries, report=False)
    caught_up = sum(1 for e in new if e.kind == "deduct")
    totals = {k: sum(getattr(r, k) for r in rows) for k in ("paid", "deducted", "refund", "reward")}
    ledger.event("deposits-settle", None, "year", None, year,
                 note=f"{len(rows)} officials; refunds {_money(totals['refund'])}, rewards {_money(totals['reward'])}")
    return {
        "year": year,
        "rows": [{"official": r.official, "township": r.township, "role": roles.get(r.official),
                  "paid": yuan(r.paid), "deducted": yuan(r.deducted), "refund": yuan(r.refund),
                  "reward": yuan(r.reward), "exhausted": r.exhausted, "shortfall": yuan(r.shortfall)} for r in rows],
        "totals": {k: yuan(v) for k, v in totals.items()},
        "deductions_posted": caught_up,
        "townships_without_officials": without,
    }


def no_petition_rewards(ledger, year: int, today: dt.date) -> dict:
    """Townships with no land petition in ``year``: their share of the pool, the remainder, and
    the priority land-supply list. Counted in SQL (GROUP BY township), not case by case."""
    from xinfang.rules.deposits import no_petition_townships

    months = _months([year])
    params = months
    counts = dict(ledger.conn.execute(
        f"SELECT township, count(*) FROM cases WHERE month IN ({_marks(months)}) GROUP BY township", params))
    uncharged = sorted(s.value for s in ledger.policy.uncharged_statuses)
    moved = dict(ledger.conn.execute(
        f"SELECT township, count(*) FROM cases WHERE month IN ({_marks(months)})"
        f" AND status IN ({_marks(uncharged)}) GROUP BY township", [*params, *uncharged])) if uncharged else {}
    # One stand-in case per township that had a petition of its own (not transferred away):
    # the rule needs to know which townships had one, not every case.
    first = dt.date(year, 1, 1)
    had = [Case(f"{town}/{year}", first, town, Level.district) for town, n in counts.items() if n > moved.get(town, 0)]
    policy = ledger.policy
    clean, share, remainder = no_petition_townships(year, ledger.ref.township_names, had, policy)
    return {
        "year": year,
        "pool": yuan(policy.no_petition_pool_fen),
        "share": yuan(share),
        "remainder": yuan(remainder),
        "townships": [{"township": t, "share": yuan(share)} for t in clean],
        "priority_land_supply": clean,
        "provisional": today < dt.date(year + 1, 1, 1),
    }


# ---------------------------------------------------------------------------------------------
# Checks


def check_deposits(ledger) -> dict:
    """Balance assertions over the whole deposit ledger (rules ``check_balances``), against the
    balances recorded with the entries. The entries' hash chain and append-only guards are
    ``audit verify``'s."""
    from xinfang.rules.deposits import Entry, balance, check_balances

    problems: list[Message] = []
    entries = []
    for seq, official, kind, amount, on, case, year, note in ledger.conn.execute(
            f"SELECT {ENTRY_COLUMNS} FROM deposit_entries ORDER BY seq"):
        try:
            day = dt.date.fromisoformat(on)
        except (TypeError, ValueError):
            problems.append(Message.of("deposits.check.not_a_date", where=Message.of("deposits.check.entry", seq=seq),
                                       on=repr(on)))
            continue
        entries.append(Entry(seq, official, kind, amount, day, case, year, note or ""))

    # Asserted balance per official: per deposit year, the balance recorded on the year's last
    # entry that states one, plus what entries without a statement add after it.
    asserted: dict[str, int] = defaultdict(int)
    for (official, _year), group in _group(entries, lambda e: (e.official, e.deposit_year)).items():
        value = 0
        for e in group:
            m = _BALANCE_NOTE.search(e.note)
            if m and int(m.group(1)) == e.deposit_year:
                value = fen(m.group(2))
            else:
                value += balance((e,), e.official)
        asserted[official] += value
    problems += check_balances(entries, dict(asserted))
    from xinfang.messages import text

    # ``problems`` in English, the same in every report; ``findings`` the messages, for the reader's language
    return {"ok": not problems, "entries": len(entries), "officials": len(asserted),
            "problems": [text(p.code, "en", **p.args()) for p in problems], "findings": problems}


def list_entries(ledger, official: str | None = None, year: int | None = None, case: str | None = None) -> list[dict]:
    """Deposit entries in posting order, filtered."""
    where, params = [], []
    if official is not None:
        where.append("official = ?")
        params.append(official)
    if year is not None:
        where.append("coalesce(year, CAST(substr(on_date, 1, 4) AS INTEGER)) = ?")
        params.append(year)
    if case is not None:
        where.append("case_number = ?")
        params.append(case)
    sql = f"SELECT {ENTRY_COLUMNS} FROM deposit_entries" + (" WHERE " + " AND ".join(where) if where else "")
    return [entry_json(r["seq"], r["official"], r["kind"], r["amount_fen"], r["on_date"], r["case_number"], r["year"],
                       r["note"]) for r in ledger.rows(sql + " ORDER BY seq", params)]
