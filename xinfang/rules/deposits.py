"""信访保证金 — the petition deposit ledger, as pure rules over append-only entries.

The township party secretary and the township head each pay a personal deposit. Every case of
their township at city level or above costs each of them a deduction; at year end the remaining
balance is refunded, with a reward when the township had no skip-level case.

The ledger is a list of :class:`Entry` rows that are only ever appended. Nothing here edits an
entry: a correction (a case lowered to district level, moved to another township, an official's
term corrected) is answered by :func:`reconcile` with new ``reverse`` / ``deduct`` rows that bring
the ledger to what :func:`expected_charges` says is owed, whatever order the facts arrived in.

Every entry belongs to a *deposit year* (``Entry.year``): a payment to the year its deposit
covers, a deduction or reversal to the year its case was received, a refund or reward to the
settled year. A case is charged against the deposit of its own year, so an early payment for next
year never covers this year's cases, and a settled year is frozen: no rule posts into it again.

Money is integer fen throughout. A balance never goes below zero: what a deduction cannot take
is *shortfall*, reported (never posted) and taken by a later reconcile once money arrives.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from operator import attrgetter
from typing import NamedTuple

from xinfang.model import Case, Kind, Level, Message, Official, Policy, Role

PAY, DEDUCT, REVERSE, REFUND, REWARD = "pay", "deduct", "reverse", "refund", "reward"
KINDS = (PAY, DEDUCT, REVERSE, REFUND, REWARD)
CASE_KINDS = frozenset({DEDUCT, REVERSE})
SETTLEMENT_KINDS = frozenset({REFUND, REWARD})

# Effect of each kind on the deposit balance; a reward is paid beside the deposit, not out of it.
_SIGN = {PAY: 1, DEDUCT: -1, REVERSE: 1, REFUND: -1, REWARD: 0}
_ROLE_ORDER = {Role.secretary: 0, Role.head: 1}
_RECEIVED_NUMBER = attrgetter("received", "number")


class Entry(NamedTuple):
    """One posted deposit row. Rows are appended in ``seq`` order and never edited.

    ``amount_fen`` is a non-negative magnitude; ``kind`` gives the direction. ``case`` names the
    case of a ``deduct`` / ``reverse``. ``year`` is the deposit year (see the module docstring);
    when it is ``None`` the year of ``on`` is used. A ``refund`` of 0 is posted for an official
    whose deposit was exhausted, so that every settled official carries a settlement row.
    """

    seq: int | None
    official: str
    kind: str
    amount_fen: int
    on: dt.date
    case: str | None = None
    year: int | None = None
    note: str = ""

    @property
    def deposit_year(self) -> int:
        """The year whose deposit this entry moves."""
        return self.year if self.year is not None else self.on.year


class StatementRow(NamedTuple):
    """One official's deposit account over a year (or over all years)."""

    official: str
    township: str
    paid: int
    deducted: int  # net of reversals
    refunded: int
    rewarded: int
    balance: int
    shortfall: int  # owed but not recoverable from the balance
    exhausted: bool
    cases: tuple[str, ...]  # cases with a net deduction, in posting order


class SettlementRow(NamedTuple):
    """What year-end settlement gives one official (all amounts in fen)."""

    official: str
    township: str
    paid: int
    deducted: int
    refund: int
    reward: int
    exhausted: bool
    shortfall: int


# ---------------------------------------------------------------------------------------------
# What is owed


def charges_deposits(case: Case, policy: Policy) -> bool:
    """Whether the case's kind lets it cost a deposit: an accusation (检举控告) only when the policy's
    ``accusation_deducts`` says so."""
    return policy.accusation_deducts or case.kind != Kind.accusation


def expected_charges(
    cases: Iterable[Case], officials: Sequence[Official], policy: Policy
) -> dict[tuple[str, str], int]:
    """The deductions the ledger should hold: ``(case number, official name) -> fen``.

    Every case at ``policy.deduction_min_level`` or above that was not transferred (转送, it
    belongs to another body), and is not an accusation the policy spares (``charges_deposits``), costs ``policy.deduction_fen`` to each party secretary and township
    head of the case's township who was in post on the case's received date. The mapping lists
    cases by received date, then number: :func:`reconcile` covers them in that order when a
    balance cannot cover them all.
    """
    floor = policy.deduction_min_level.rank
    fee = policy.deduction_fen
    # The officials who can be charged, per township, in the given order.
    chargeable: dict[str, list[Official]] = defaultdict(list)
    for official in officials:
        if official.role in _ROLE_ORDER:
            chargeable[official.township].append(official)
    levels, uncharged = {lv for lv in Level if lv.rank >= floor}, policy.uncharged_statuses
    charged = [c for c in cases if c.level in levels and c.status not in uncharged and charges_deposits(c, policy)]
    owed: dict[tuple[str, str], int] = {}
    for case in sorted(charged, key=_RECEIVED_NUMBER):
        day = case.received
        for official in chargeable.get(case.township, ()):
            if official.start <= day and (official.end is None or day <= official.end):  # in post that day
                owed[(case.number, official.name)] = fee
    return owed


def case_deposit_years(cases: Iterable[Case]) -> dict[str, int]:
    """The deposit year of each case: the year it was received. Pass it to :func:`reconcile`."""
    return {case.number: case.received.year for case in cases}


# ---------------------------------------------------------------------------------------------
# Reading the ledger


def ordered(entries: Iterable[Entry]) -> list[Entry]:
    """Entries in posting order (``seq``; rows not yet numbered come last, in given order)."""
    return sorted(entries, key=lambda e: (e.seq is None, e.seq or 0))


def next_seq(entries: Iterable[Entry]) -> int:
    """The ``seq`` the next appended entry takes."""
    return max((e.seq for e in entries if e.seq is not None), default=0) + 1


def settled_years(entries: Iterable[Entry]) -> frozenset[int]:
    """Years already settled: those with a refund or reward entry. Their cases are frozen.

    The ledger layer refuses a payment into a settled year and a correction to a case whose old
    or new received date falls in one; :func:`reconcile` never posts into a settled year.
    """
    return frozenset(e.deposit_year for e in entries if e.kind in SETTLEMENT_KINDS)


class _Account:
    __slots__ = ("paid", "deducted", "reversed", "refunded", "rewarded")

    def __init__(self) -> None:
        self.paid = self.deducted = self.reversed = self.refunded = self.rewarded = 0

    @property
    def net_deducted(self) -> int:
        return self.deducted - self.reversed

    @property
    def balance(self) -> int:
        return self.paid - self.net_deducted - self.refunded


class _Book:
    """Totals per (official, year) and net deductions per (case, official, year)."""

    def __init__(self, entries: Iterable[Entry] = ()) -> None:
        self.accounts: dict[tuple[str, int], _Account] = defaultdict(_Account)
        self.net: dict[tuple[str, str, int], int] = {}
        self.case_year: dict[str, int] = {}
        for entry in entries:
            self.post(entry)

    def post(self, e: Entry) -> None:
        acct = self.accounts[(e.official, e.deposit_year)]
        if e.kind == PAY:
            acct.paid += e.amount_fen
        elif e.kind == REFUND:
            acct.refunded += e.amount_fen
        elif e.kind == REWARD:
            acct.rewarded += e.amount_fen
        elif e.kind == DEDUCT:
            self.deduct(e.official, e.case, e.deposit_year, e.amount_fen)
        elif e.kind == REVERSE:
            key = (e.case, e.official, e.deposit_year)
            acct.reversed += e.amount_fen
            self.net[key] = self.net.get(key, 0) - e.amount_fen
            self.case_year[e.case] = e.deposit_year

    def deduct(self, official: str, case: str, year: int, amount: int) -> None:
        """Post a deduction of ``case`` from the official's deposit of ``year``."""
        self.accounts[(official, year)].deducted += amount
        key = (case, official, year)
        self.net[key] = self.net.get(key, 0) + amount
        self.case_year[case] = year

    def available(self, official: str, year: int) -> int:
        acct = self.accounts.get((official, year))  # a look that opens no account
        return max(0, acct.balance) if acct is not None else 0

    def total(self, official: str, years: Iterable[int] | None = None) -> _Account:
        out = _Account()
        for (name, year), acct in self.accounts.items():
            if name == official and (years is None or year in years):
                for field in _Account.__slots__:
                    setattr(out, field, getattr(out, field) + getattr(acct, field))
        return out


def balance(entries: Iterable[Entry], official: str, year: int | None = None) -> int:
    """The official's deposit balance in fen: paid − net deducted − refunded (one year, or all)."""
    total = 0
    for e in entries:
        if e.official == official and (year is None or e.deposit_year == year):
            total += _SIGN.get(e.kind, 0) * e.amount_fen  # check_balances reports an unknown kind
    return total


# ---------------------------------------------------------------------------------------------
# Bringing the ledger to the expected state


def reconcile(
    entries: Sequence[Entry],
    expected: Mapping[tuple[str, str], int],
    on: dt.date,
    years: Mapping[str, int] | None = None,
) -> list[Entry]:
    """The entries to append so the ledger holds exactly the ``expected`` deductions.

    ``expected`` is :func:`expected_charges`; ``years`` is :func:`case_deposit_years` of the same cases
    (a case missing from it keeps the year of its earlier entries, else takes ``on.year``).
    First every booked deduction that is no longer owed, or owed in another year, is reversed by
    exactly the amount it still holds; then every missing deduction is posted, in the order of
    ``expected``, up to the official's available balance for the case's year. The rest is
    shortfall, left unposted: reconciling again after a payment posts what it now covers.

    The result is the same whatever order the facts arrived in, and a second call returns ``[]``.
    Cases of settled years are left alone. New entries are dated ``on`` and numbered after the
    last ``seq`` of ``entries``.
    """
    return _reconcile(ordered(entries), expected, on, years, only_year=None)[0]


def _reconcile(
    entries: list[Entry],
    expected: Mapping[tuple[str, str], int],
    on: dt.date,
    years: Mapping[str, int] | None,
    only_year: int | None,
    shortfall: dict[str, int] | None = None,
) -> tuple[list[Entry], _Book]:
    """The entries :func:`reconcile` appends, and the book of ``entries`` with them posted.

    ``shortfall`` (a ``defaultdict(int)``), when given, receives per official what the expected
    charges in scope (``only_year``) still lack after the new entries: the shortfall. It needs
    ``years`` to hold the year of every case in ``expected``."""
    book = _Book(entries)
    settled = settled_years(entries)
    seq = next_seq(entries)
    new: list[Entry] = []
    given = years if years is not None else {}
    case_year, default_year = book.case_year, on.year

    def year_of(case: str) -> int:
        year = given.get(case)
        return year if year is not None else case_year.get(case, default_year)

    frozen = set()
    if settled:
        frozen = {case for (case, _, year), net in book.net.items() if year in settled and net != 0}
        frozen |= {case for case, _ in expected if year_of(case) in settled}

    def post(official: str, kind: str, amount: int, case: str, year: int, note: str) -> None:
        nonlocal seq
        entry = Entry(seq, official, kind, amount, on, case, year, note)
        seq += 1
        book.post(entry)
        new.append(entry)

    for (case, official, year), net in list(book.net.items()):
        if case in frozen or net <= 0 or (only_year is not None and year != only_year):
            continue
        target = expected.get((case, official), 0) if year == year_of(case) else 0
        if net > target:
            why = "no longer charged" if target == 0 else f"charge lowered to {_money(target)}"
            post(official, REVERSE, net - target, case, year, f"case {case}: {why}")

    # What each (official, year) can still give: read from the book once, then lowered by each
    # deduction this loop posts (it posts nothing else), so an exhausted deposit costs a dict look.
    net, left = book.net, {}
    for (case, official), owed in expected.items():
        year = given.get(case)
        if year is None:
            year = case_year.get(case, default_year)
        if only_year is not None and year != only_year:
            continue
        missing = owed - net.get((case, official, year), 0)
        if missing <= 0:
            continue
        if case in frozen:
            if shortfall is not None:
                shortfall[official] += missing
            continue
        key = (official, year)
        available = left.get(key)
        if available is None:
            available = left[key] = book.available(official, year)
        take = 0
        if available > 0:
            take = missing if missing < available else available
            note = f"case {case}: deduction"
            if take < missing:
                note += f", shortfall {_money(missing - take)}"
            new.append(Entry(seq, official, DEDUCT, take, on, case, year, note))
            seq += 1
            book.deduct(official, case, year, take)
            left[key] = available - take
        if shortfall is not None and take < missing:
            shortfall[official] += missing - take
    return new, book


def payment(
    entries: Sequence[Entry], official: str, amount_fen: int, on: dt.date, year: int | None = None, note: str = ""
) -> Entry:
    """A ``pay`` entry numbered after ``entries``; refuses a non-positive amount or a settled year."""
    year = on.year if year is None else year
    if amount_fen <= 0:
        raise ValueError(f"payment must be positive, not {_money(amount_fen)}")
    if year in settled_years(entries):
        raise ValueError(f"year {year} already settled")
    return Entry(next_seq(entries), official, PAY, amount_fen, on, None, year, note)


# ---------------------------------------------------------------------------------------------
# Statements and settlement


def statement(
    entries: Sequence[Entry],
    officials: Sequence[Official],
    year: int | None = None,
    expected: Mapping[tuple[str, str], int] | None = None,
    years: Mapping[str, int] | None = None,
) -> list[StatementRow]:
    """Each official's account for ``year`` (or all years when ``None``).

    Lists every official in post during the year (every official when ``year`` is ``None``) and
    anyone with entries in it. ``shortfall`` needs ``expected`` (and ``years`` to pick the
    year's cases); without them it is 0.
    """
    entries = ordered(entries)
    book = _Book(entries)
    expected = expected or {}

    def in_scope(y: int) -> bool:
        return year is None or y == year

    def year_of(case: str) -> int | None:
        if years is not None and case in years:
            return years[case]
        return book.case_year.get(case)

    names = _officials_in(officials, year)
    latest = _officials_in(officials, None)
    for e in entries:
        if in_scope(e.deposit_year):
            names.setdefault(e.official, latest.get(e.official, ""))
    for case, name in expected:
        y = year_of(case)
        if y is not None and in_scope(y):
            names.setdefault(name, latest.get(name, ""))

    rows = []
    shortfalls = _shortfalls(book, expected, year_of, year)
    for name, township in _sorted_names(names, officials, None):
        acct = book.total(name, None if year is None else (year,))
        charged = tuple(
            dict.fromkeys(c for (c, o, y), net in book.net.items() if o == name and in_scope(y) and net > 0)
        )
        shortfall = shortfalls.get(name, 0)
        rows.append(
            StatementRow(
                official=name,
                township=township,
                paid=acct.paid,
                deducted=acct.net_deducted,
                refunded=acct.refunded,
                rewarded=acct.rewarded,
                balance=acct.balance,
                shortfall=shortfall,
                exhausted=shortfall > 0 or (acct.net_deducted > 0 and acct.net_deducted >= acct.paid),
                cases=charged,
            )
        )
    return rows


def settle_year(
    year: int,
    entries: Sequence[Entry],
    cases: Iterable[Case],
    officials: Sequence[Official],
    townships: Sequence[str],
    policy: Policy,
    on: dt.date,
) -> tuple[list[SettlementRow], list[Entry]]:
    """Year-end settlement (年底结算): the rows to report and the entries to append.

    Every official in post during ``year`` (and anyone holding money of that year) is settled.
    The year's deductions are first brought up to date (the catch-up entries lead
    ``new_entries``). Then the remaining balance of the year is refunded — a ``refund`` entry is
    posted even when it is 0 — and an official who paid a deposit for the year gets
    ``policy.reward_fen`` when no township they served had a skip-level case received that year.
    ``exhausted`` means the deposit could not cover the charges (shortfall) or was used up by them.

    Raises ``ValueError("year Y already settled")`` when the year has refund or reward entries,
    and ``ValueError`` when an official's township is not in ``townships``.
    """
    entries = ordered(entries)
    if year in settled_years(entries):
        raise ValueError(f"year {year} already settled")
    cases = list(cases)
    expected = expected_charges(cases, officials, policy)
    years = case_deposit_years(cases)
    shortfalls: dict[str, int] = defaultdict(int)
    new, book = _reconcile(entries, expected, on, years, year, shortfalls)  # the book holds ``new`` too
    roster = list(dict.fromkeys(townships))
    skip_levels, uncharged = policy.skip_levels, policy.uncharged_statuses
    skip_level = {
        c.township
        for c in cases
        if c.level in skip_levels and c.received.year == year and c.status not in uncharged
        and charges_deposits(c, policy)
    }

    names = _officials_in(officials, year)
    for name, township in names.items():
        if township not in roster:
            raise ValueError(f"official {name}: township {township} is not on the roster")
    latest = _officials_in(officials, None)
    for (name, y), _ in list(book.accounts.items()):
        if y == year:
            names.setdefault(name, latest.get(name, ""))
    served = defaultdict(set)
    for o in officials:
        if _serves_in(o, year):
            served[o.name].add(o.township)

    rows = []
    seq = new[-1].seq + 1 if new else next_seq(entries)
    for name, township in _sorted_names(names, officials, roster):
        acct = book.accounts[(name, year)]
        refund = max(0, acct.balance)
        clean = not (served[name] & skip_level)
        reward = policy.reward_fen if acct.paid > 0 and clean else 0
        shortfall = shortfalls.get(name, 0)
        exhausted = shortfall > 0 or (acct.net_deducted > 0 and refund == 0)
        note = f"year {year} settlement: " + ("deposit exhausted" if exhausted else "refund")
        new.append(Entry(seq, name, REFUND, refund, on, None, year, note))
        seq += 1
        if reward:
            new.append(Entry(seq, name, REWARD, reward, on, None, year, f"year {year} settlement: no skip-level case"))
            seq += 1
        rows.append(SettlementRow(name, township, acct.paid, acct.net_deducted, refund, reward, exhausted, shortfall))
    return rows, new


def no_petition_townships(
    year: int, townships: Sequence[str], cases: Iterable[Case], policy: Policy
) -> tuple[list[str], int, int]:
    """Townships with no case received in ``year``, each one's share of the pool, the remainder.

    The no-petition pool (``policy.no_petition_pool_fen``) is split equally in whole fen; what
    does not divide is returned as the remainder so that no fen is lost. Transferred cases
    belong to another body and do not count. With no such township the whole pool remains.
    """
    with_case = {c.township for c in cases if c.received.year == year and c.status not in policy.uncharged_statuses}
    clean = [t for t in dict.fromkeys(townships) if t not in with_case]
    pool = policy.no_petition_pool_fen
    if not clean:
        return [], 0, pool
    share = pool // len(clean)
    return clean, share, pool - share * len(clean)


# ---------------------------------------------------------------------------------------------
# Assertions


def check_balances(entries: Sequence[Entry], asserted: Mapping[str, int] | None = None) -> list[Message]:
    """Balance assertions over the ledger, as catalogue messages (empty when everything holds).

    Replays the entries in ``seq`` order and reports: a malformed entry, a running balance of
    an (official, year) going below zero, a case reversed beyond what was deducted for it, money
    posted into a year after it was settled, an official settled twice for a year, and, given
    ``asserted`` (the balances the ledger states), every official whose replayed balance differs
    from it, as ``official X: expected 9000.00, found 8500.00, difference 500.00``.
    """
    problems: list[Message] = []
    rows = ordered(entries)
    seen_seq: set[int] = set()
    running: dict[tuple[str, int], int] = defaultdict(int)
    net: dict[tuple[str, str, int], int] = defaultdict(int)
    settled: set[int] = set()
    refunded: set[tuple[str, int]] = set()
    replayed: dict[str, int] = defaultdict(int)

    for e in rows:
        where = Message.of("deposits.check.entry", seq=e.seq) if e.seq is not None else Message.of(
            "deposits.check.unnumbered", official=e.official)
        if e.seq is not None:
            if e.seq in seen_seq:
                problems.append(Message.of("deposits.check.seq_twice", where=where))
            seen_seq.add(e.seq)
        if e.kind not in _SIGN:
            problems.append(Message.of("deposits.check.unknown_kind", where=where, kind=repr(e.kind)))
            continue
        kind = Message.of(f"deposits.kind.{e.kind}")
        if not isinstance(e.amount_fen, int) or e.amount_fen < 0 or (e.amount_fen == 0 and e.kind != REFUND):
            problems.append(Message.of("deposits.check.bad_amount", where=where, amount=repr(e.amount_fen)))
            continue
        if e.kind in CASE_KINDS and not e.case:
            problems.append(Message.of("deposits.check.needs_case", where=where, kind=kind))
        year = e.deposit_year
        if e.kind in SETTLEMENT_KINDS:
            if e.year is None:
                problems.append(Message.of("deposits.check.needs_year", where=where, kind=kind))
            if e.kind == REFUND:
                if (e.official, year) in refunded:
                    problems.append(Message.of("deposits.check.settled_twice", official=e.official, year=year))
                refunded.add((e.official, year))
        elif year in settled:
            problems.append(Message.of("deposits.check.after_settlement", where=where, kind=kind, year=year))

        key = (e.official, year)
        running[key] += _SIGN[e.kind] * e.amount_fen
        replayed[e.official] += _SIGN[e.kind] * e.amount_fen
        if running[key] < 0:
            problems.append(Message.of("deposits.check.below_zero", official=e.official, where=where, year=year,
                                   balance=_money(running[key])))
        if e.kind in CASE_KINDS and e.case:
            held = net[(e.case, e.official, year)]
            net[(e.case, e.official, year)] += e.amount_fen if e.kind == DEDUCT else -e.amount_fen
            if e.kind == REVERSE and e.amount_fen > held:
                problems.append(Message.of("deposits.check.over_reversed", official=e.official, where=where,
                                       amount=_money(e.amount_fen), case=e.case, held=_money(held)))
        if e.kind in SETTLEMENT_KINDS:
            settled.add(year)

    for name, want in (asserted or {}).items():
        found = replayed.get(name, 0)
        if want != found:
            problems.append(Message.of("deposits.check.balance", official=name, expected=_money(want), found=_money(found),
                                   difference=_money(want - found)))
    return problems


# ---------------------------------------------------------------------------------------------
# Helpers


def _money(amount_fen: int) -> str:
    sign = "-" if amount_fen < 0 else ""
    whole, cents = divmod(abs(amount_fen), 100)
    return f"{sign}{whole}.{cents:02d}"


def _serves_in(official: Official, year: int | None) -> bool:
    if year is None:
        return True
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return official.start <= last and (official.end is None or official.end >= first)


def _officials_in(officials: Sequence[Official], year: int | None) -> dict[str, str]:
    """Name -> township of the latest term that overlaps ``year`` (all terms when ``None``)."""
    out: dict[str, str] = {}
    for o in sorted(officials, key=lambda o: o.start):
        if _serves_in(o, year):
            out[o.name] = o.township
    return out


def _sorted_names(
    names: dict[str, str], officials: Sequence[Official], roster: list[str] | None
) -> list[tuple[str, str]]:
    """Rows in township order (the roster's, else by name), secretary before head, then by start."""
    terms = {o.name: o for o in sorted(officials, key=lambda o: o.start)}

    def key(item: tuple[str, str]):
        name, township = item
        place = roster.index(township) if roster and township in roster else len(roster or ())
        term = terms.get(name)
        role = _ROLE_ORDER.get(term.role, 2) if term else 2
        start = term.start if term else dt.date.max
        return (place, township, role, start, name)

    return sorted(names.items(), key=key)


def _shortfalls(book: _Book, expected: Mapping[tuple[str, str], int], year_of, only_year: int | None
                ) -> dict[str, int]:
    """Official -> what is owed (for cases of ``only_year``, or of any year when ``None``) that the
    book has not deducted, in one pass over ``expected``."""
    totals: dict[str, int] = defaultdict(int)
    net = book.net
    for (case, name), owed in expected.items():
        year = year_of(case)
        if year is not None and (only_year is None or year == only_year):
            missing = owed - net.get((case, name, year), 0)
            if missing > 0:
                totals[name] += missing
    return totals
