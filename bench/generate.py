"""Synthetic provincial-scale ledgers for the benchmark: real xinfang files, filled in bulk.

``xinfang init --roster`` creates the file (schema, migrations, policy, reference tables) from a
generated roster of 1,200 townships; cases, deadline clocks, officials and deposit payments are
then inserted directly with ``executemany`` in large transactions, with the secondary indexes
dropped during the load and rebuilt from their own ``CREATE INDEX`` text afterwards.

What the rows look like (deterministic for a given seed):

* cases from 2025-01-01 up to the day before ``TODAY``, with seasonal months (spring and autumn
  peaks, the Spring Festival trough) and quieter weekends; townships weighted by population and
  a log-normal "land conflict" factor, so a few townships carry many cases and some very few;
* about 10% lodged at city level or above, about 4% collective (5+ people), about 8% repeats
  (same resident ID, township and category within the policy's 365 days, linked to the latest
  earlier case exactly as ``register`` would link it), accusations with an accused unit, major
  matters, outreach visits at the bundled reception points, about 2% transferred;
* about 10% of cases open (most of them recent), each with its running clocks and due dates
  computed by ``xinfang.rules.deadlines`` over the real working calendar; closed cases carry
  their finished clocks too (optional, off by default for 10M); every replied or closed case
  has its petitioner's review-request window (``review_request``), open as ``reply`` leaves it;
* two officials per township (party secretary and township head) and their 2025 and 2026
  deposit payments, hash-chained exactly as ``Ledger.deposit_entry`` chains them;
* the monthly rankings of 2025-01 … 2025-11 published with ``xinfang rank --publish`` (as the
  office publishes each month early in the next), so ranking 2025-12 compares with frozen months.

The case history (``events``) of bulk rows is omitted: only ``init`` and the publications write
events. Every command
the benchmark times reads case rows, clocks, officials and deposit entries, never the history,
and every row is one the commands accept (numbers, counters, statuses, links and dates agree).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

GENERATOR_VERSION = 4
TODAY = dt.date(2026, 1, 20)
FIRST_DAY = dt.date(2025, 1, 1)
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000, "10m": 10_000_000}
TOWNSHIPS = 1_200
OUT = Path(__file__).resolve().parent / "out"
SEED = 20260120

# Month weights: spring land works (Mar-Apr) and autumn acquisitions (Sep-Oct) bring more
# petitions; the Spring Festival month (Feb) and midsummer fewer.
SEASON = [0.85, 0.55, 1.25, 1.3, 1.1, 1.0, 0.85, 0.8, 1.1, 1.25, 1.05, 1.0]
WEEKEND = 0.35

GIVEN = "建国华秀英桂兰志强永红海燕德胜玉春梅立新小明文杰学军凤亮金山长林冬生兴旺福民宝珍"
PLACE = "东西南北中新老大小上下前后高长平安康宁丰和顺兴隆福泰永宝金石桥河湖塘庄集港沟岗坝营圩湾洲"
AREAS = ["城区", "渠南", "渠北", "运西", "湖东", "湖西", "岭北", "岭南", "滨江", "河口", "山前", "沿海"]
from xinfang.ledger import schema  # noqa: E402
from xinfang.ledger.demo import SUMMARIES, SURNAMES  # noqa: E402  (the same words as the demo)
CATEGORY_WEIGHTS = [30, 22, 14, 12, 14, 8]
CHANNELS = (["letter", "visit", "online", "phone", "outreach"], [24, 34, 30, 10, 2])
LEVELS = (["district", "city", "province", "national"], [90, 7, 2.5, 0.5])
KINDS = (["grievance", "suggestion", "accusation"], [86, 7, 7])
DEPARTMENTS = ["区国土局", "区监察局", "区督查办"]
TRANSFER_TO = "市自然资源和规划局"
OUTCOMES = (["support", "explain", "reject"], [35, 45, 20])
SATISFACTION = (["satisfied", "basic", "unsatisfied", None], [55, 25, 12, 8])


# ---------------------------------------------------------------------------------------------
# Roster


def roster(n: int = TOWNSHIPS, seed: int = SEED) -> list[tuple[str, str, int]]:
    """``n`` townships: the bundled district roster first (so the reception points exist), then
    generated towns and streets with unique two-character names."""
    from xinfang.policy import read_roster

    rng = random.Random(seed)
    out = [(t.name, t.area, t.population) for t in read_roster(None)]
    names = {t[0] for t in out}
    while len(out) < n:
        stem = rng.choice(PLACE) + rng.choice(PLACE)
        suffix = "街道" if rng.random() < 0.12 else ("乡" if rng.random() < 0.2 else "镇")
        name = stem + suffix
        if name in names or stem[0] == stem[1]:
            continue
        names.add(name)
        population = int(rng.lognormvariate(math.log(45_000), 0.5))
        out.append((name, rng.choice(AREAS), max(3_000, population)))
    return out[:n]


def write_roster(path: Path, towns: list[tuple[str, str, int]]) -> None:
    import csv

    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["township", "area", "population"])
        w.writerows(towns)


# ---------------------------------------------------------------------------------------------
# People


def _id_number(serial: int, region: str) -> str:
    """A valid (GB 11643) resident ID, unique per ``serial``: the serial is spread over birth
    dates 1940-1999 and the three-digit order code by a multiplicative bijection."""
    from xinfang.parse import id_check_digit

    span = 21_900 * 1000
    k = (serial * 7_919_017 + 12_345) % span
    birth = dt.date(1940, 1, 1) + dt.timedelta(days=k // 1000)
    first17 = f"{region}{birth:%Y%m%d}{k % 1000:03d}"
    return first17 + id_check_digit(first17)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2, 2))))


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"


# ---------------------------------------------------------------------------------------------
# Calendar and clocks


class Clocks:
    """Due dates by (clock, start), computed once per distinct start day with the real rules."""

    def __init__(self, policy):
        from xinfang.calendar_source import build_calendar
        from xinfang.model import Clock

        self.policy = policy
        self.cal = build_calendar({})
        self.version = self.cal.version
        self.Clock = Clock
        self._memo: dict[tuple[str, dt.date], tuple[str, int]] = {}

    def due(self, clock: str, start: dt.date) -> tuple[str, int]:
        key = (clock, start)
        hit = self._memo.get(key)
        if hit is None:
            from xinfang.rules.deadlines import deadline_for

            c = self.Clock(clock)
            d = deadline_for(c, start, self.policy.clocks[c], self.cal)
            hit = self._memo[key] = (d.due.isoformat(), int(d.provisional))
        return hit

    def row(self, number: str, clock: str, start: dt.date, done_on: dt.date | None) -> tuple:
        rule = self.policy.clocks[self.Clock(clock)]
        due, provisional = self.due(clock, start)
        met = None if done_on is None else int(done_on.isoformat() <= due)
        return (number, clock, start.isoformat(), rule.days, rule.counting, due, provisional, self.version,
                done_on.isoformat() if done_on else None, met)


# ---------------------------------------------------------------------------------------------
# Days


def day_counts(n: int, first: dt.date, last: dt.date, rng: random.Random) -> list[tuple[dt.date, int]]:
    """Exactly ``n`` cases spread over [first, last] by season and weekday (largest remainder)."""
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    weights = [SEASON[d.month - 1] * (WEEKEND if d.weekday() >= 5 else 1.0) * rng.uniform(0.85, 1.15) for d in days]
    total = sum(weights)
    exact = [n * w / total for w in weights]
    counts = [int(x) for x in exact]
    short = n - sum(counts)
    order = sorted(range(len(days)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in order[:short]:
        counts[i] += 1
    return list(zip(days, counts))


# ---------------------------------------------------------------------------------------------
# The ledger


CASE_COLUMNS = (
    "number", "year", "seq", "received", "month", "channel", "point", "township", "name", "id_number", "phone",
    "address", "people", "level", "kind", "category", "major", "summary", "accused", "collective", "skip_level",
    "repeat_of", "initial", "status", "unit", "joint", "leader", "assigned_on", "replied_on", "closed_on",
    "outcome", "satisfaction", "signed", "cease_agreement",
)
CLOCK_COLUMNS = ("case_number", "clock", "start", "days", "counting", "due", "provisional", "calendar_version",
                 "done_on", "met")
BULK_INDEXED = ("cases", "clocks", "deposit_entries", "officials")


def xinfang_exe() -> str:
    """The ``xinfang`` console script of the running interpreter's environment."""
    here = Path(sys.executable).parent / "xinfang"
    return str(here) if here.exists() else (shutil.which("xinfang") or "xinfang")


def _open_probability(age: int) -> float:
    if age < 15:
        return 0.95
    if age < 60:
        return 0.40
    if age < 180:
        return 0.06
    return 0.008


def generate(path: Path, size: int, *, seed: int = SEED, townships: int = TOWNSHIPS,
             closed_clocks: bool = True, progress=None) -> dict:
    """Create the ledger ``path`` with ``size`` cases; returns the manifest (also written beside it).

    ``progress(done, total)`` is called as cases are inserted.
    """
    from xinfang.policy import load_policy_text

    path = Path(path)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    towns = roster(townships, seed)
    roster_csv = path.with_name(path.stem + "-roster.csv")
    write_roster(roster_csv, towns)
    subprocess.run([xinfang_exe(), "--db", str(path), "--user", "bench", "init", "--roster", str(roster_csv),
                    "--json"], check=True, capture_output=True)

    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -1000000")
    conn.execute("PRAGMA temp_store = MEMORY")
    policy = load_policy_text(conn.execute("SELECT value FROM meta WHERE key = 'rules'").fetchone()[0])
    points = [(r[0], r[1]) for r in conn.execute("SELECT point, township FROM points ORDER BY point")]
    indexes = conn.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        f" AND tbl_name IN ({', '.join('?' * len(BULK_INDEXED))})", BULK_INDEXED).fetchall()

    rng = random.Random(seed)
    conn.execute("BEGIN")
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    # The tallies are counted once at the end, as an import counts them (the indicator tally's
    # triggers would make every row pay for a statement journal).
    schema.suspend_tally(conn)
    officials = _insert_officials(conn, rng, towns)
    deposits = _insert_payments(conn, rng, officials)
    conn.execute("COMMIT")

    stats = _insert_cases(conn, rng, towns, points, policy, size, closed_clocks, progress)

    conn.execute("BEGIN")
    for _, sql in indexes:
        conn.execute(sql)
    schema.restore_tally(conn)
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()

    manifest = {
        "generator": GENERATOR_VERSION, "seed": seed, "size": size, "townships": townships,
        "officials": len(officials), "deposit_entries": deposits, "today": TODAY.isoformat(),
        "first_day": FIRST_DAY.isoformat(), "closed_clocks": closed_clocks, **stats,
        "seconds": round(time.perf_counter() - started, 1),
        "bytes": path.stat().st_size,
    }
    manifest_path(path).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


PUBLISH_THROUGH = "2025-11"


def publish_months(path: Path, manifest: dict, through: str = PUBLISH_THROUGH) -> dict:
    """Publish (公布) every month from the first case up to ``through`` with the real
    ``xinfang rank --publish``, as the office does early each following month; the ranking of the
    next month then compares with the frozen published scores instead of rescoring them."""
    if manifest.get("published_through") == through:
        return manifest
    conn = sqlite3.connect(str(path))
    try:
        done = {r[0] for r in conn.execute("SELECT month FROM published_months")}
    finally:
        conn.close()
    month = FIRST_DAY.strftime("%Y-%m")
    while month <= through:
        if month not in done:
            subprocess.run([xinfang_exe(), "--db", str(path), "--today", TODAY.isoformat(), "--user", "bench", "rank",
                            "--month", month, "--publish", "--yes", "--json"], check=True, capture_output=True)
        year, mon = int(month[:4]), int(month[5:])
        month = f"{year + mon // 12}-{mon % 12 + 1:02d}"
    manifest = {**manifest, "published_through": through}
    manifest_path(path).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def manifest_path(path: Path) -> Path:
    return Path(path).with_suffix(".json")


def _insert_officials(conn, rng, towns) -> list[tuple[str, str, str]]:
    used: set[str] = set()
    out = []
    for township, _, _ in towns:
        for role in ("secretary", "head"):
            name = _name(rng)
            while name in used:
                name = _name(rng) + rng.choice(GIVEN)
            used.add(name)
            out.append((name, township, role))
    conn.executemany("INSERT INTO officials (name, township, role, start, end) VALUES (?, ?, ?, '2020-01-01', NULL)",
                     out)
    return out


def _insert_payments(conn, rng, officials) -> int:
    """Deposit payments for 2025 (everyone; some in two instalments) and 2026 (most, in January),
    chained like ``Ledger.deposit_entry``."""
    from xinfang.ledger.history import GENESIS, row_hash

    plan = []
    for name, _, _ in officials:
        if rng.random() < 0.15:
            plan.append((dt.date(2025, 1, rng.randint(2, 20)), name, 500_000, 2025))
            plan.append((dt.date(2025, 7, rng.randint(1, 20)), name, 500_000, 2025))
        else:
            plan.append((dt.date(2025, 1, rng.randint(2, 20)), name, 1_000_000, 2025))
        if rng.random() < 0.7:
            plan.append((dt.date(2026, 1, rng.randint(5, TODAY.day - 1)), name, 1_000_000, 2026))
    plan.sort(key=lambda p: p[0])
    prev, rows = GENESIS, []
    for on, name, amount, year in plan:
        values = {"official": name, "kind": "pay", "amount_fen": amount, "on_date": on.isoformat(),
                  "case_number": None, "year": year, "note": "", "at": f"{on.isoformat()}T01:00:00.000000+00:00"}
        h = row_hash(prev, values)
        rows.append((*values.values(), prev, h))
        prev = h
    conn.executemany("INSERT INTO deposit_entries (official, kind, amount_fen, on_date, case_number, year, note, at,"
                     " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return len(rows)


class _Person:
    __slots__ = ("name", "id_number", "phone", "address", "township", "category", "last", "last_day")

    def __init__(self, name, id_number, phone, address, township, category):
        self.name, self.id_number, self.phone, self.address = name, id_number, phone, address
        self.township, self.category = township, category
        self.last: str | None = None  # latest non-transferred case: what register would link to
        self.last_day = 0


def _insert_cases(conn, rng, towns, points, policy, size, closed_clocks, progress) -> dict:
    names = [t[0] for t in towns]
    weights = [t[2] * rng.lognormvariate(0, 0.8) for t in towns]
    region = {t[0]: f"32{(i // 90) % 90 + 10:02d}{i % 90 + 10:02d}" for i, t in enumerate(towns)}
    categories = list(SUMMARIES)
    clocks = Clocks(policy)
    window = policy.repeat_window_days
    today_ord = TODAY.toordinal()
    last = TODAY - dt.timedelta(days=1)
    counters: dict[int, int] = {}
    persons: list[_Person] = []  # recent petitioners who may come again
    person_from = 0  # persons before this index came more than 300 days ago
    serial = 0
    stats = dict.fromkeys(("cases", "open", "clocks", "open_clocks", "city_plus", "collective", "repeats",
                           "transferred", "open_windows"), 0)
    case_sql = (f"INSERT INTO cases ({', '.join(CASE_COLUMNS)}) VALUES ({', '.join('?' * len(CASE_COLUMNS))})")
    clock_sql = f"INSERT INTO clocks ({', '.join(CLOCK_COLUMNS)}) VALUES ({', '.join('?' * len(CLOCK_COLUMNS))})"
    case_rows: list[tuple] = []
    clock_rows: list[tuple] = []
    batch = 50_000
    conn.execute("BEGIN")

    def flush():
        conn.executemany(case_sql, case_rows)
        conn.executemany(clock_sql, clock_rows)
        case_rows.clear()
        clock_rows.clear()

    choices, random_, randint = rng.choices, rng.random, rng.randint
    for day, n in day_counts(size, FIRST_DAY, last, rng):
        if not n:
            continue
        day_ord = day.toordinal()
        age = today_ord - day_ord
        iso = day.isoformat()
        month = iso[:7]
        year = day.year
        while person_from < len(persons) and day_ord - persons[person_from].last_day > 300:
            person_from += 1
        if person_from > 200_000 and person_from > len(persons) // 2:
            persons = persons[person_from:]
            person_from = 0
        town_pick = choices(names, weights, k=n)
        channel_pick = choices(*CHANNELS, k=n)
        level_pick = choices(*LEVELS, k=n)
        kind_pick = choices(*KINDS, k=n)
        cat_pick = choices(categories, CATEGORY_WEIGHTS, k=n)
        p_open = _open_probability(age)
        for i in range(n):
            seq = counters.get(year, 0) + 1
            counters[year] = seq
            number = f"{year}-{seq:05d}"
            channel, level, kind = channel_pick[i], level_pick[i], kind_pick[i]
            point = None
            person = None
            repeat_of, initial = None, None
            if len(persons) > person_from and random_() < 0.09:
                p = persons[randint(person_from, len(persons) - 1)]
                if p.last is not None and day_ord - p.last_day <= window:
                    person, repeat_of, initial = p, p.last, 0
            if person is None:
                township, category = town_pick[i], cat_pick[i]
                if channel == "outreach":
                    point, township = points[randint(0, len(points) - 1)] if points else (None, township)
                    if point is None:
                        channel = "visit"
                serial += 1
                has_id = random_() < 0.72
                person = _Person(_name(rng), _id_number(serial, region[township]) if has_id else None,
                                 _phone(rng) if random_() < 0.6 else None,
                                 f"{township}{rng.choice(PLACE)}{rng.choice(PLACE)}村{randint(1, 12)}组",
                                 township, category)
                if has_id:
                    persons.append(person)
                    initial = 1
            elif channel == "outreach":
                channel = "visit"
            township, category = person.township, person.category
            people = 1 if random_() < 0.93 else (randint(2, 4) if random_() < 0.4 else randint(5, 60))
            major = int(random_() < 0.03 or (people >= 20 and random_() < 0.5))
            accused = None
            if kind == "accusation":
                accused = township if random_() < 0.5 else DEPARTMENTS[randint(0, len(DEPARTMENTS) - 1)]
            collective = int(people >= policy.collective_people)
            skip = int(level != "district")
            # Handling: how far this case has gone by TODAY.
            status = "closed"
            unit = leader = assigned_on = replied_on = closed_on = None
            outcome = satisfaction = signed = cease = None
            r = random_()
            if r < 0.02:
                status = "transferred"
                closed_on = day + dt.timedelta(days=min(age - 1, randint(0, 3)))
                unit = TRANSFER_TO
            elif random_() < p_open:
                if age <= 2 or (age < 15 and random_() < 0.25) or random_() < 0.05:
                    status = "registered"
                else:
                    status = "assigned"
            if status in ("assigned", "closed"):
                assigned_on = day + dt.timedelta(days=min(age - 1, randint(0, 4)))
                unit = "区监察局" if accused == township else township
                if accused == unit:
                    unit = "区督查办" if accused != "区督查办" else "区国土局"
                leader = person_leader(rng, unit)
                done_by = age - (assigned_on - day).days
                if status == "assigned" and done_by > 3 and random_() < 0.45:
                    status = "replied"
                    replied_on = assigned_on + dt.timedelta(days=min(done_by - 1, randint(1, 12)))
                elif status == "closed":
                    replied_on = assigned_on + dt.timedelta(days=min(done_by - 1, randint(1, 8)))
                    closed_on = replied_on + dt.timedelta(days=min(done_by - 1 - (replied_on - assigned_on).days,
                                                                   randint(0, 45)))
                    outcome = choices(*OUTCOMES)[0]
                    satisfaction = choices(*SATISFACTION)[0]
                    signed = int(random_() < 0.8)
                    cease = int(random_() < 0.3)
            if status == "transferred":
                stats["transferred"] += 1
            else:
                person.last, person.last_day = number, day_ord
            summary = SUMMARIES[category][randint(0, 2)]
            case_rows.append((
                number, year, seq, iso, month, channel, point, township, person.name, person.id_number,
                person.phone, person.address, people, level, kind, category, major, summary, accused, collective,
                skip, repeat_of, initial, status, unit, None, leader,
                assigned_on.isoformat() if assigned_on else None, replied_on.isoformat() if replied_on else None,
                closed_on.isoformat() if closed_on else None, outcome, satisfaction, signed, cease,
            ))
            is_open = status in ("registered", "assigned", "replied")
            stats["open"] += is_open
            stats["city_plus"] += skip
            stats["collective"] += collective
            stats["repeats"] += repeat_of is not None
            if status == "transferred" or (not is_open and not closed_clocks):
                continue
            before = len(clock_rows)
            if status == "registered":
                clock_rows.append(clocks.row(number, "notice", day, None))
            else:
                clock_rows.append(clocks.row(number, "notice", day, assigned_on))
                first = "conclude" if major else "reply"
                first_done = closed_on if major else replied_on
                clock_rows.append(clocks.row(number, first, assigned_on, first_done))
                clock_rows.append(clocks.row(number, "handling", assigned_on, closed_on))
                if replied_on:
                    # The reply opens the petitioner's review-request window; it stays open (not
                    # done) unless a review is asked for, as 'reply' and 'resolve' leave it.
                    clock_rows.append(clocks.row(number, "review_request", replied_on, None))
                    stats["open_windows"] += 1
            stats["clocks"] += len(clock_rows) - before
            if is_open:
                stats["open_clocks"] += sum(1 for row in clock_rows[before:] if row[8] is None and row[1] != "review_request")
        stats["cases"] += n
        if len(case_rows) >= batch:
            flush()
            if progress:
                progress(stats["cases"], size)
    flush()
    conn.executemany("INSERT INTO counters (year, last) VALUES (?, ?)"
                     " ON CONFLICT(year) DO UPDATE SET last = excluded.last", sorted(counters.items()))
    conn.execute("COMMIT")
    if progress:
        progress(size, size)
    return stats


_LEADERS: dict[str, str] = {}


def person_leader(rng: random.Random, unit: str) -> str:
    """The leader (包案领导) a unit usually names: one per unit, drawn once."""
    leader = _LEADERS.get(unit)
    if leader is None:
        leader = _LEADERS[unit] = _name(rng)
    return leader


# ---------------------------------------------------------------------------------------------
# Cache


def ledger_for(size_key: str, *, seed: int = SEED, out: Path = OUT, closed_clocks: bool | None = None,
               progress=None, log=print) -> tuple[Path, dict]:
    """The cached ledger for a size key (``100k``, ``1m``, …), generated when missing or stale."""
    size = SIZES[size_key]
    closed = size <= 1_000_000 if closed_clocks is None else closed_clocks
    path = Path(out) / f"ledger-{size_key}.db"
    mpath = manifest_path(path)
    if path.exists() and mpath.exists():
        manifest = json.loads(mpath.read_text(encoding="utf-8"))
        if (manifest.get("generator"), manifest.get("seed"), manifest.get("size"), manifest.get("closed_clocks")) \
                == (GENERATOR_VERSION, seed, size, closed):
            return path, publish_months(path, manifest)
    if log:
        log(f"generating {path.name} ({size:,} cases)…")
    _LEADERS.clear()
    manifest = generate(path, size, seed=seed, closed_clocks=closed, progress=progress)
    return path, publish_months(path, manifest)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate a synthetic xinfang ledger for the benchmark.")
    parser.add_argument("--size", choices=list(SIZES), default="100k")
    parser.add_argument("--out", type=Path, help="ledger path (default: bench/out/ledger-SIZE.db, cached)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--no-closed-clocks", action="store_true", help="store clocks of open cases only")
    args = parser.parse_args(argv)
    if args.out:
        _LEADERS.clear()
        manifest = publish_months(args.out, generate(args.out, SIZES[args.size], seed=args.seed,
                                                     closed_clocks=not args.no_closed_clocks))
    else:
        _, manifest = ledger_for(args.size, seed=args.seed,
                                 closed_clocks=False if args.no_closed_clocks else None)
    print(json.dumps(manifest, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
