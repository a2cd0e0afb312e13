"""The ledger's schema, as named migrations (sqlite-utils ``Migrations``).

The pending migrations run in one transaction, each with its record (``db.migrate``): a ledger
several migrations behind is upgraded whole or not at all. ``PRAGMA user_version`` mirrors
the number of applied migrations so that an up-to-date ledger opens without importing
sqlite-utils at all (start-up stays light for ``register``).
"""

from __future__ import annotations

from xinfang.model import Clock, Status
from xinfang.rules.indicators import EXCLUDED_STATUSES

# The append-only tables of 0001, guarded by 0002; a later table gets its guards with its migration.
INITIAL_APPEND_ONLY = ("events", "deposit_entries", "published_months", "sanction_decisions", "calendar_years")
APPEND_ONLY = INITIAL_APPEND_ONLY + ("evaluations",)

INITIAL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE townships (name TEXT PRIMARY KEY, area TEXT NOT NULL, population INTEGER NOT NULL, ord INTEGER NOT NULL);
CREATE TABLE units (name TEXT PRIMARY KEY, kind TEXT NOT NULL);
CREATE TABLE categories (key TEXT PRIMARY KEY, zh TEXT NOT NULL, en TEXT NOT NULL);
CREATE TABLE points (point TEXT PRIMARY KEY, area TEXT NOT NULL, township TEXT NOT NULL, weekdays TEXT NOT NULL);
CREATE TABLE counters (year INTEGER PRIMARY KEY, last INTEGER NOT NULL);

-- Current state of each case: a projection of its events (the events are the record).
CREATE TABLE cases (
    number TEXT PRIMARY KEY,
    year INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    received TEXT NOT NULL,
    month TEXT NOT NULL,
    channel TEXT NOT NULL,
    point TEXT,
    township TEXT NOT NULL,
    name TEXT NOT NULL,
    id_number TEXT,
    phone TEXT,
    address TEXT,
    people INTEGER NOT NULL,
    level TEXT NOT NULL,
    kind TEXT NOT NULL,
    category TEXT NOT NULL,
    major INTEGER NOT NULL,
    summary TEXT NOT NULL,
    accused TEXT,
    collective INTEGER NOT NULL,
    skip_level INTEGER NOT NULL,
    repeat_of TEXT,
    initial INTEGER,
    status TEXT NOT NULL,
    unit TEXT,
    joint TEXT,
    leader TEXT,
    assigned_on TEXT,
    replied_on TEXT,
    closed_on TEXT,
    outcome TEXT,
    satisfaction TEXT,
    signed INTEGER,
    cease_agreement INTEGER,
    UNIQUE (year, seq)
);
CREATE INDEX cases_month ON cases (month, township, level, people, repeat_of);
CREATE INDEX cases_petitioner ON cases (id_number, township, category, received);
CREATE INDEX cases_status ON cases (status);

-- Deadline clocks of each case; derived values (tier, days late) are computed, never stored.
CREATE TABLE clocks (
    id INTEGER PRIMARY KEY,
    case_number TEXT NOT NULL REFERENCES cases(number),
    clock TEXT NOT NULL,
    start TEXT NOT NULL,
    days INTEGER NOT NULL,
    extension_days INTEGER NOT NULL DEFAULT 0,
    counting TEXT NOT NULL,
    due TEXT NOT NULL,
    provisional INTEGER NOT NULL,
    calendar_version TEXT NOT NULL,
    done_on TEXT,
    met INTEGER,
    UNIQUE (case_number, clock)
);
CREATE INDEX clocks_open ON clocks (done_on, due);

-- Append-only history: one row per change (who, when, what, old -> new), chained by hash.
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    case_number TEXT,
    action TEXT NOT NULL,
    field TEXT,
    old TEXT,
    new TEXT,
    note TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX events_case ON events (case_number);

CREATE TABLE officials (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    township TEXT NOT NULL,
    role TEXT NOT NULL,
    start TEXT NOT NULL,
    end TEXT
);
CREATE INDEX officials_township ON officials (township, role, start);

CREATE TABLE deposit_entries (
    seq INTEGER PRIMARY KEY,
    official TEXT NOT NULL,
    kind TEXT NOT NULL,
    amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
    on_date TEXT NOT NULL,
    case_number TEXT,
    year INTEGER,
    note TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX deposit_entries_official ON deposit_entries (official);
CREATE INDEX deposit_entries_case ON deposit_entries (case_number);

CREATE TABLE published_months (
    month TEXT PRIMARY KEY,
    published_on TEXT NOT NULL,
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    method TEXT NOT NULL,
    rows TEXT NOT NULL
);

CREATE TABLE sanction_decisions (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    on_date TEXT NOT NULL,
    at TEXT NOT NULL,
    who TEXT NOT NULL
);
CREATE INDEX sanction_decisions_key ON sanction_decisions (key);

CREATE TABLE calendar_years (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    source TEXT NOT NULL,
    body TEXT NOT NULL,
    at TEXT NOT NULL,
    who TEXT NOT NULL
);
"""


def _guards(table: str) -> str:
    return f"""
CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
BEGIN SELECT RAISE(ABORT, '{table} is append-only: record a correcting entry instead'); END;
CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
BEGIN SELECT RAISE(ABORT, '{table} is append-only: record a reversing entry instead'); END;
"""



def _split(sql: str) -> list[str]:
    """Split a script into statements, keeping trigger bodies (``BEGIN … END;``) whole."""
    import sqlite3

    statements, current = [], ""
    for line in sql.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return [s for s in statements if s]


def _script(db, sql: str) -> None:
    """Run each statement of a script (a migration's SQL) on ``db``."""
    for statement in _split(sql):
        db.execute(statement)


def migrations(seal=None):
    """The ledger's migration set, in order. Imported only when a ledger needs migrating.
    ``seal(conn)`` records the state of an upgraded ledger in its history (0006)."""
    from sqlite_utils import Migrations

    m = Migrations("xinfang")

    @m(name="0001_initial")
    def initial(db):
        _script(db, INITIAL)

    @m(name="0002_append_only_guards")
    def guards(db):
        for table in INITIAL_APPEND_ONLY:
            _script(db, _guards(table))

    @m(name="0003_open_duty_clocks")
    def open_duty_clocks(db):
        # The supervision list reads only the office's open clocks; the petitioners' review-request
        # windows stay open on every answered case and would otherwise fill the open-clock index.
        db.execute(OPEN_DUTY_INDEX)

    @m(name="0004_case_tally")
    def case_tally(db):
        # The monthly ranking reads these counts instead of every case of the month.
        _script(db, CASE_TALLY)
        db.execute(CASE_TALLY_BUILD)

    @m(name="0005_application_id")
    def application_id(db):
        # Marks the file as a ledger: a SQLite file without it is refused before anything is written.
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")

    @m(name="0006_state_seals")
    def state_seals(db):
        # Tamper evidence for the tables changed in place, and for the end of the deposit chain:
        # the state they are in at the upgrade is the state later changes are checked against
        # (``history.seal_upgrade``, passed in by the ledger: the history's rows are its own).
        if seal is not None:
            seal(db.conn)

    @m(name="0007_lifecycle_facts")
    def lifecycle_facts(db):
        # 受理 and 不予受理, the written opinion and its receipt, the body that reviews, the final case
        # a 不再受理 registration refers to; per clock, the body it is chased against and an
        # extension's approver and notice. Cases recorded before keep their facts as recorded then
        # (acceptance was taken at assignment, the review window opened at the reply).
        for column in CASE_COLUMNS_0007:
            db.execute(f"ALTER TABLE cases ADD COLUMN {column} TEXT")
        for column in CLOCK_COLUMNS_0007:
            db.execute(f"ALTER TABLE clocks ADD COLUMN {column} TEXT")
        # The unit's objection window is not a duty either: the open-duty index leaves it out too.
        db.execute("DROP INDEX IF EXISTS clocks_open_duty")
        db.execute(OPEN_DUTY_INDEX)

    @m(name="0008_tally_by_status")
    def tally_by_status(db):
        # The ranking leaves out statuses the policy names (不予受理, 不再受理): the tally counts per status.
        for name in TALLY_TRIGGERS:
            db.execute(f"DROP TRIGGER IF EXISTS {name}")
        db.execute("DROP TABLE case_tally")
        _script(db, CASE_TALLY)
        db.execute(CASE_TALLY_BUILD)

    @m(name="0009_chinese_views")
    def chinese_views(db):
        # Read-only views with Chinese names, labels, yuan and masked ID/phone, for Datasette.
        from xinfang.ledger.views import VIEW_SQL

        for statement in VIEW_SQL:
            db.execute(statement)

    @m(name="0010_tally_by_kind")
    def tally_by_kind(db):
        # The ranking policy may leave kinds out (建议意见类 by default, 条例 art. 29): the tally counts per kind.
        tally_by_status(db)

    @m(name="0011_evaluations")
    def evaluations(db):
        # The petitioner's own evaluation (满意度评价) of acceptance and of handling, and what the
        # indicators (考核指标) read: cases by closing day, repeats by the case they repeat, clocks by
        # kind and due day.
        _script(db, EVALUATIONS)
        _script(db, _guards("evaluations"))

    @m(name="0012_indicator_covering_indexes")
    def indicator_covering_indexes(db):
        # The indicators read a case's township and status for every clock that ended in a period,
        # and the closed cases' township, status and initial flag: from compact indexes, not the rows.
        _script(db, INDICATOR_INDEXES)

    @m(name="0013_indicator_tally")
    def indicator_tally(db):
        # The rates the ranking shows and ``stats`` prints are read from a tally kept by triggers
        # (``INDICATOR_TALLY`` below; ``ledger.indicators`` reads it), not from every clock of the period.
        # The triggers made here are today's, which also keep the summons tally 0015 creates and
        # read the views 0017 creates: no migration between 0013 and 0017 may write cases, clocks or
        # evaluations, or rename a table (SQLite refuses while a trigger names a missing view); 0015
        # and 0017 make them again, in the same transaction as this one (``db.migrate``).
        _script(db, INDICATOR_TALLY + INDICATOR_TRIGGERS_SQL)
        db.execute(INDICATOR_TALLY_BUILD)

    @m(name="0014_unread_indicator_indexes")
    def unread_indicator_indexes(db):
        # The rates are read from the indicator tally (0013): the covering indexes 0011 and 0012 made
        # for counting them from the clocks, cases and evaluations are read by no query any more,
        # and every write and import paid for them.
        for name in UNREAD_INDEXES:
            db.execute(f"DROP INDEX IF EXISTS {name}")

    @m(name="0015_summons_tally")
    def summons_tally(db):
        # The summons (召见谈话) of a month reads its on-time results by the month the cases were
        # received from a tally kept by the same triggers as the indicator tally (``SUMMONS_TALLY``),
        # not from every clock of the month's cases. The triggers are made again: a case's received
        # month is now one of the facts they watch.
        _script(db, SUMMONS_TALLY)
        db.execute(SUMMONS_TALLY_BUILD)
        _remake_indicator_triggers(db)

    @m(name="0016_published_scores")
    def published_scores(db):
        # A month compared with a published one (环比/同比) and the sanctions' key-management months
        # read each township's frozen score and bottom-group mark from rows of their own
        # (``PUBLISHED_SCORES``), kept by a trigger on every publication, instead of decoding the
        # published rankings: about 370 KB of JSON a month for 1,200 townships.
        _script(db, PUBLISHED_SCORES)
        db.execute(PUBLISHED_SCORES_BUILD)

    @m(name="0017_contribution_views")
    def contribution_views(db):
        # The indicator and summons tallies' triggers take a case's contribution from a view of
        # every case's (``CONTRIBUTION_VIEWS``) instead of each holding the whole statement: the same
        # rows, and a fifth of the schema text SQLite parses when a command opens the ledger.
        _script(db, CONTRIBUTION_VIEWS)
        _remake_indicator_triggers(db)

    @m(name="0018_channel_tally")
    def channel_tally(db):
        # The bulletin's counts of a period by channel and indicator (this month, a year earlier,
        # the years so far) are sums over the days of a tally kept by triggers (``CHANNEL_TALLY``),
        # not a pass over every case received in the two years.
        _script(db, CHANNEL_TALLY)
        db.execute(CHANNEL_TALLY_BUILD)

    @m(name="0019_open_duty_start")
    def open_duty_start(db):
        # A past month's bulletin asks which open duty clocks had started by the month's end: the
        # open-duty index holds each clock's start too, so that its tens of thousands of clocks are
        # answered from the index instead of each read from the table.
        db.execute("DROP INDEX IF EXISTS clocks_open_duty")
        db.execute(OPEN_DUTY_INDEX)

    @m(name="0020_open_accusations")
    def open_accusations(db):
        # After an official is recorded or a leader assigned, the open accusations are checked for
        # one the accused now handles (``ledger.protection.now_handled_by_accused``): a small index
        # of the accusations that name someone, instead of every open case read.
        db.execute(ACCUSATIONS_INDEX)

    @m(name="0021_chinese_views_again")
    def chinese_views_again(db):
        # The Chinese views word the history's fields from the catalogue's labels: a label added
        # (交办异议日期, objected_on) changes them, and a ledger made before must get them as a new one
        # does, or its audit would find them altered. (VIEWS_DIGEST below names the views' text.)
        remake_chinese_views(db)

    @m(name="0022_chinese_views_extension_labels")
    def chinese_views_extension_labels(db):
        # The labels of an export's extension columns (延期批准日期 …) join the catalogue: the views
        # are made again as a new ledger makes them (as 0021).
        remake_chinese_views(db)

    @m(name="0023_chinese_views_masked_text")
    def chinese_views_masked_text(db):
        # The views star the digits of a free text (a name, a summary, an address, a history note)
        # that holds a run of seven digits, as every ID number and telephone does: made again (as
        # 0021).
        remake_chinese_views(db)

    @m(name="0024_chinese_views_spaced_numbers")
    def chinese_views_spaced_numbers(db):
        # A number written with spaces or dashes between its digits, or in full-width digits, is
        # starred in the views too, as every listing masks it: made again (as 0021).
        remake_chinese_views(db)

    @m(name="0025_chinese_views_masked_leader")
    def chinese_views_masked_leader(db):
        # A number typed into the leader's name (包案领导) is starred as in the case's other free
        # texts: made again (as 0021).
        remake_chinese_views(db)

    @m(name="0026_chinese_views_dates_readable")
    def chinese_views_dates_readable(db):
        # A date in a free text or a history row (2026-10-14) is no longer read as a number to star
        # (0024 joined dashes, which made every date a run of eight digits); a mobile written 3-4-4
        # with dashes is found by its shape instead; the unit a case was transferred to is masked
        # as the other free texts: made again (as 0021).
        remake_chinese_views(db)

    return m


def remake_chinese_views(db) -> None:
    """Drop the read-only Chinese views and make them as the code writes them today."""
    from xinfang.ledger.views import VIEW_SQL, VIEWS

    for name in VIEWS:
        db.execute(f'DROP VIEW IF EXISTS "{name}"')
    for statement in VIEW_SQL:
        db.execute(statement)


# The SHA-256 of the Chinese views' text (``views.VIEW_SQL``) as the last migration that makes them
# writes it: a test holds it equal to the text, so that a change to the views (a label added to the
# catalogue changes 办理记录) comes with a migration that makes them again and a new digest here.
VIEWS_DIGEST = "d51d7a6ae8a7407b8e6956aa69c5499303b0f8da62089fd6b060db2fa9307167"


ACCUSATIONS_INDEX = ("CREATE INDEX cases_accusations ON cases (status)"
                     " WHERE kind = 'accusation' AND accused IS NOT NULL")


def _remake_indicator_triggers(db) -> None:
    """Drop the indicator and summons tallies' triggers and make them as they are today (a migration
    that changes what they watch or read)."""
    for name in INDICATOR_TRIGGERS:
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
    _script(db, INDICATOR_TRIGGERS_SQL)


UNREAD_INDEXES = ("clocks_ended", "cases_owner", "cases_closed", "evaluations_on")


# What the indicators read without the case rows (replacing 0011's narrower indexes).
INDICATOR_INDEXES = """
CREATE INDEX cases_owner ON cases (number, township, status);
DROP INDEX cases_closed;
CREATE INDEX cases_closed ON cases (closed_on, township, status, initial, number) WHERE closed_on IS NOT NULL;
DROP INDEX cases_repeat_of;
CREATE INDEX cases_repeat_of ON cases (repeat_of, status) WHERE repeat_of IS NOT NULL;
"""


# The petitioner's evaluation: append-only (a later evaluation of the same stage supersedes an
# earlier one; nothing is edited).
EVALUATIONS = """
CREATE TABLE evaluations (
    id INTEGER PRIMARY KEY,
    case_number TEXT NOT NULL REFERENCES cases(number),
    stage TEXT NOT NULL,
    result TEXT NOT NULL,
    on_date TEXT NOT NULL,
    via TEXT,
    at TEXT NOT NULL,
    who TEXT NOT NULL
);
CREATE INDEX evaluations_case ON evaluations (case_number, stage, on_date);
CREATE INDEX evaluations_on ON evaluations (on_date, case_number);
CREATE INDEX cases_closed ON cases (closed_on, township) WHERE closed_on IS NOT NULL;
CREATE INDEX cases_repeat_of ON cases (repeat_of, received) WHERE repeat_of IS NOT NULL;
CREATE INDEX clocks_ended ON clocks (clock, due, done_on, met, case_number);
"""


# PRAGMA application_id of every ledger: "XFLG".
APPLICATION_ID = 0x58464C47


CASE_COLUMNS_0007 = ("accepted_on", "told", "decline_ground", "written_on", "opinion_received_on", "review_body",
                     "final_case")
CLOCK_COLUMNS_0007 = ("body", "approved_by", "told_on")

# The SQL twin of ``model.WINDOWS``: a clock row that is a duty of the office.
NOT_A_WINDOW = "clock NOT IN ('objection', 'review_request')"
OPEN_DUTY_INDEX = (
    "CREATE INDEX clocks_open_duty ON clocks (due, case_number, clock, provisional, start)"
    f" WHERE done_on IS NULL AND {NOT_A_WINDOW}"
)

# Cases counted per (month, township, level, people): the number of cases and how many of them are
# repeats. Kept exact by triggers on every insert, update and delete of a case row, whichever
# command (register, correct, import, review) writes it. The count per exact number of people,
# rather than a collective flag, keeps the tally independent of the policy: the ranking decides
# "collective" at query time with the ledger's own ``collective_people``, whatever it is, and a
# change of policy needs no rebuild. The key is the primary key of a table without rowids, so a
# month's rows are one contiguous range.
TALLY_COLUMNS = ("month", "township", "level", "people", "status", "kind")  # the tally's key
TALLY_KEY = ("month = {r}.month AND township = {r}.township AND level = {r}.level AND people = {r}.people"
             " AND status = {r}.status AND kind = {r}.kind")
_TALLY_ADD = """
    INSERT INTO case_tally (month, township, level, people, status, kind, n, repeats)
    VALUES (NEW.month, NEW.township, NEW.level, NEW.people, NEW.status, NEW.kind, 1, NEW.repeat_of IS NOT NULL)
    ON CONFLICT (month, township, level, people, status, kind)
    DO UPDATE SET n = n + 1, repeats = repeats + excluded.repeats;"""
_TALLY_REMOVE = f"""
    UPDATE case_tally SET n = n - 1, repeats = repeats - (OLD.repeat_of IS NOT NULL)
    WHERE {TALLY_KEY.format(r="OLD")};
    DELETE FROM case_tally WHERE {TALLY_KEY.format(r="OLD")} AND n <= 0;"""
CASE_TALLY = f"""
CREATE TABLE case_tally (
    month TEXT NOT NULL,
    township TEXT NOT NULL,
    level TEXT NOT NULL,
    people INTEGER NOT NULL,
    status TEXT NOT NULL,
    kind TEXT NOT NULL,
    n INTEGER NOT NULL,
    repeats INTEGER NOT NULL,
    PRIMARY KEY (month, township, level, people, status, kind)
) WITHOUT ROWID;
CREATE TRIGGER cases_tally_insert AFTER INSERT ON cases
BEGIN{_TALLY_ADD}
END;
CREATE TRIGGER cases_tally_update AFTER UPDATE OF month, township, level, people, status, kind, repeat_of ON cases
WHEN OLD.month IS NOT NEW.month OR OLD.township IS NOT NEW.township OR OLD.level IS NOT NEW.level
     OR OLD.people IS NOT NEW.people OR OLD.status IS NOT NEW.status OR OLD.kind IS NOT NEW.kind
     OR (OLD.repeat_of IS NULL) != (NEW.repeat_of IS NULL)
BEGIN{_TALLY_REMOVE}{_TALLY_ADD}
END;
CREATE TRIGGER cases_tally_delete AFTER DELETE ON cases
BEGIN{_TALLY_REMOVE}
END;
"""
# From the existing cases, in the order of the covering index cases_month: no sort, no table read.
CASE_TALLY_BUILD = (
    "INSERT INTO case_tally (month, township, level, people, status, kind, n, repeats)"
    " SELECT month, township, level, people, status, kind, COUNT(*), COUNT(repeat_of) FROM cases"
    " GROUP BY month, township, level, people, status, kind"
)

# Cases counted per day received and channel (``channel_tally``): how many, and how many of them
# are skip-level, collective, major matters and repeats, as each case's own flags say; a voided case
# (作废) counts nowhere. The bulletin's totals of any period are sums over its days (its periods
# overlap and end on any day: a month so far, the same days a year earlier), a few thousand rows
# for two years however many cases they hold. Kept by triggers on every write of a case row,
# suspended and counted like the case tally in a bulk load, held equal to its definition by the audit.
CHANNEL_TALLY_KEY = ("received", "channel")
CHANNEL_TALLY_COUNTS = ("n", "skip_level", "collective", "major", "repeats")
_CHANNEL_FACTS = ("received", "channel", "skip_level", "collective", "major", "repeat_of", "status")
_CHANNEL_ADD = """
    INSERT INTO channel_tally (received, channel, n, skip_level, collective, major, repeats)
    SELECT NEW.received, NEW.channel, 1, NEW.skip_level, NEW.collective, NEW.major, NEW.repeat_of IS NOT NULL
    WHERE NEW.status != 'voided'
    ON CONFLICT (received, channel) DO UPDATE SET n = n + 1, skip_level = skip_level + excluded.skip_level,
        collective = collective + excluded.collective, major = major + excluded.major,
        repeats = repeats + excluded.repeats;"""
_CHANNEL_REMOVE = """
    UPDATE channel_tally SET n = n - 1, skip_level = skip_level - OLD.skip_level,
        collective = collective - OLD.collective, major = major - OLD.major,
        repeats = repeats - (OLD.repeat_of IS NOT NULL)
    WHERE received = OLD.received AND channel = OLD.channel AND OLD.status != 'voided';
    DELETE FROM channel_tally WHERE received = OLD.received AND channel = OLD.channel AND n <= 0;"""
CHANNEL_TALLY = f"""
CREATE TABLE channel_tally (
    received TEXT NOT NULL,
    channel TEXT NOT NULL,
    n INTEGER NOT NULL,
    skip_level INTEGER NOT NULL,
    collective INTEGER NOT NULL,
    major INTEGER NOT NULL,
    repeats INTEGER NOT NULL,
    PRIMARY KEY (received, channel)
) WITHOUT ROWID;
CREATE TRIGGER cases_channels_insert AFTER INSERT ON cases
BEGIN{_CHANNEL_ADD}
END;
CREATE TRIGGER cases_channels_update AFTER UPDATE OF {', '.join(_CHANNEL_FACTS)} ON cases
WHEN {" OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in _CHANNEL_FACTS[:-2])}
     OR (OLD.repeat_of IS NULL) != (NEW.repeat_of IS NULL) OR (OLD.status = 'voided') != (NEW.status = 'voided')
BEGIN{_CHANNEL_REMOVE}{_CHANNEL_ADD}
END;
CREATE TRIGGER cases_channels_delete AFTER DELETE ON cases
BEGIN{_CHANNEL_REMOVE}
END;
"""
# Every case's count, from scratch: what the triggers keep (the audit compares the two).
CHANNEL_TALLY_COUNT = (
    "SELECT received, channel, COUNT(*), SUM(skip_level), SUM(collective), SUM(major), COUNT(repeat_of)"
    " FROM cases WHERE status != 'voided' GROUP BY received, channel")
CHANNEL_TALLY_BUILD = (f"INSERT INTO channel_tally ({', '.join(CHANNEL_TALLY_KEY + CHANNEL_TALLY_COUNTS)}) "
                       + CHANNEL_TALLY_COUNT)
CHANNEL_TRIGGERS = ("cases_channels_insert", "cases_channels_update", "cases_channels_delete")
TALLY_TRIGGERS = ("cases_tally_insert", "cases_tally_update", "cases_tally_delete")


def suspend_tally(conn) -> None:
    """Drop the triggers of both tallies (cases per month; the indicators) for a bulk load of cases
    (inside the caller's transaction): each trigger makes every inserted row pay for a statement
    journal. ``restore_tally`` must follow in the same transaction; a rollback brings the triggers
    back by itself."""
    for name in TALLY_TRIGGERS + CHANNEL_TRIGGERS + INDICATOR_TRIGGERS:
        # the ledger's own: with another ledger attached (a copy between two), an unqualified name
        # would go on to drop that one's once these are gone
        conn.execute(f"DROP TRIGGER IF EXISTS main.{name}")


def restore_tally(conn, months=None) -> None:
    """Recount the case and channel tallies from the cases — of ``months`` (none for a bulk load
    that counted its own cases, ``BulkCounts``), or of every month and the indicator and
    summons tallies too when ``None`` — then (re)create the tallies' triggers, exactly as the
    migrations made them."""
    channels = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'channel_tally'").fetchone() is not None
    if months is None:
        conn.execute("DELETE FROM case_tally")
        conn.execute(CASE_TALLY_BUILD)
        if channels:
            conn.execute("DELETE FROM channel_tally")
            conn.execute(CHANNEL_TALLY_BUILD)
    else:
        for month in sorted(set(months)):
            conn.execute("DELETE FROM case_tally WHERE month = ?", (month,))
            conn.execute(CASE_TALLY_BUILD.replace(" GROUP BY", " WHERE month = ? GROUP BY"), (month,))
            if channels:  # a month's days: received in it (received and month agree on every case row)
                days = {"first": f"{month}-01", "last": f"{month}-31"}
                conn.execute("DELETE FROM channel_tally WHERE received BETWEEN :first AND :last", days)
                conn.execute(CHANNEL_TALLY_BUILD.replace(" GROUP BY", " AND received BETWEEN :first AND :last"
                                                                      " GROUP BY"), days)
    rated = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'indicator_tally'").fetchone() is not None
    if rated and months is None:
        conn.execute("DELETE FROM indicator_tally")
        conn.execute(INDICATOR_TALLY_BUILD)
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'summons_tally'").fetchone() is not None:
            conn.execute("DELETE FROM summons_tally")
            conn.execute(SUMMONS_TALLY_BUILD)
    suspend_tally(conn)  # whether or not they were suspended: made again from their one definition
    for statement in (_split(CASE_TALLY)[1:] + (_split(CHANNEL_TALLY)[1:] if channels else [])
                      + (_split(INDICATOR_TRIGGERS_SQL) if rated else [])):
        conn.execute(statement)


def suspend_indexes(conn, tables: tuple[str, ...], kept: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """Drop the secondary indexes of ``tables`` (all but ``kept``) for a bulk load, to build them
    again by sorting (``restore_indexes``): for a load as large as the table, much cheaper than
    inserting every row into each of them at a random place. Inside the caller's transaction: a
    rollback brings them back. Returns (name, CREATE statement) of each index dropped."""
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        f" AND tbl_name IN ({', '.join('?' * len(tables))}) AND name NOT IN ({', '.join('?' * len(kept))})"
        " ORDER BY name", (*tables, *kept)).fetchall()
    for name, _ in rows:
        conn.execute(f'DROP INDEX "{name}"')
    return rows


def restore_indexes(conn, suspended: list[tuple[str, str]]) -> None:
    """Build again the indexes ``suspend_indexes`` dropped."""
    for _, sql in suspended:
        conn.execute(sql)


MIGRATION_COUNT = 26

# Each published month's townships (``published_scores``): the score and the bottom-group mark of
# every row of its ranking as published (``published_months.rows``), one row per township, written
# by the publication's own insert. Derived, like the tallies: ``audit verify`` holds it equal to
# the published rows, which are sealed in the history.
PUBLISHED_SCORES_KEY = ("month", "township")
_PUBLISHED_ROW = ("json_extract(r.value, '$.township'), json_extract(r.value, '$.score'),"
                  " coalesce(json_extract(r.value, '$.bottom'), 0)")
# Every published month's rows, from scratch: what the trigger keeps (the audit compares the two).
PUBLISHED_SCORES_COUNT = f"SELECT p.month, {_PUBLISHED_ROW} FROM published_months p, json_each(p.rows) r"
PUBLISHED_SCORES = f"""
CREATE TABLE published_scores (
    month TEXT NOT NULL,
    township TEXT NOT NULL,
    score NOT NULL,  -- as published: a whole number, or a decimal under a per-10,000 or composite policy
    bottom INTEGER NOT NULL,
    PRIMARY KEY (month, township)
) WITHOUT ROWID;
CREATE TRIGGER published_months_scores AFTER INSERT ON published_months
BEGIN
    INSERT INTO published_scores (month, township, score, bottom)
    SELECT NEW.month, {_PUBLISHED_ROW} FROM json_each(NEW.rows) r;
END;
"""
PUBLISHED_SCORES_BUILD = "INSERT INTO published_scores (month, township, score, bottom) " + PUBLISHED_SCORES_COUNT


# The clocks and statuses the indicators read (``rules.indicators``): the notice clock, the local
# limits, the cases no rate counts.
NOTICE_CLOCK = Clock.notice.value
ON_TIME_CLOCKS = (Clock.reply.value, Clock.conclude.value)  # the local limits, as the summons reads them
_INDICATOR_EXCLUDED = ", ".join(f"'{s}'" for s in EXCLUDED_STATUSES)
# The indicator tally (``indicator_tally``): per month, township and measure, what each case
# contributes to the assessment rates (``rules.indicators``), kept exact by triggers on every write
# of a case, a clock or an evaluation, so that the rates of a month are read from a few thousand
# tally rows instead of every clock of the period. Nothing in it depends on the policy or on
# "today": where they decide, the tally keeps the fact they decide on, and the query applies them.
#
# A case's contribution (``CONTRIBUTION``) is one statement over the case, its clocks, its
# evaluations and its repeats; every trigger takes out the contribution of the cases a write
# touches before it and puts it back after it, so the tally holds whatever the write was. Measures:
#   notice, on_time   clocks judged (met 1 or 0), in the month they ended; hit = met
#   notice_open,      clocks still running, in the month they fall due; lag = the due day of that
#   on_time_open      month: one missed once that day has passed ("today" decides, at query time)
#   satisfaction      evaluations, in the month given; hit = 满意 or 基本满意
#   closed            cases closed, in the closing month; lag = days from the closing to the first
#                     evaluation of the handling (0 when before it; -1 when none): 参评率 counts the
#                     lags within the policy's window
#   first_contact     initial cases closed, in the closing month; hit = no later non-void case repeats it
# The case is read first (CROSS JOIN keeps that order), then its own clocks and evaluations by
# their case index: a trigger reads its cases' rows only. (The ``AND 1`` after the repeats' test is
# part of the views' text as migration 0017 made them.)
_COUNTED = f"c.status NOT IN ({_INDICATOR_EXCLUDED})"
_SATISFIED = "('satisfied', 'basic')"
_RATED = f"('{NOTICE_CLOCK}', {', '.join(repr(c) for c in ON_TIME_CLOCKS)})"
CONTRIBUTION_ROWS = f"""
  SELECT c.number AS case_number,
         substr(CASE WHEN k.met = 1 THEN k.done_on ELSE k.due END, 1, 7) AS month, c.township AS township,
         CASE WHEN k.clock = '{NOTICE_CLOCK}' THEN 'notice' ELSE 'on_time' END
           || CASE WHEN k.met IS NULL THEN '_open' ELSE '' END AS measure,
         CASE WHEN k.met IS NULL THEN CAST(substr(k.due, 9, 2) AS INTEGER) ELSE 0 END AS lag,
         k.met IS 1 AS hit
  FROM cases c CROSS JOIN clocks k ON k.case_number = c.number
  WHERE {{case}} AND {_COUNTED} AND k.clock IN {_RATED}
    AND (k.met = 0 OR (k.met = 1 AND k.done_on IS NOT NULL) OR (k.met IS NULL AND k.done_on IS NULL))
  UNION ALL
  SELECT c.number, substr(e.on_date, 1, 7), c.township, 'satisfaction', 0, e.result IN {_SATISFIED}
  FROM cases c CROSS JOIN evaluations e ON e.case_number = c.number
  WHERE {{case}} AND {_COUNTED}
  UNION ALL
  SELECT c.number, substr(c.closed_on, 1, 7), c.township, 'closed',
         coalesce((SELECT max(0, CAST(julianday(min(e.on_date)) - julianday(c.closed_on) AS INTEGER))
                   FROM evaluations e WHERE e.case_number = c.number AND e.stage = 'handling'), -1), 0
  FROM cases c WHERE {{case}} AND {_COUNTED} AND c.closed_on IS NOT NULL
  UNION ALL{{first_contact}}"""
# The only measure a case's repeats decide: the first-contact resolution of an initial case, which
# a later case repeating it (not voided) undoes. A bulk load moves it alone in the earlier cases
# its cases repeat (``BulkCounts``): their clocks, evaluations and closing are not its to change.
FIRST_CONTACT = f"""
  SELECT c.number, substr(c.closed_on, 1, 7), c.township, 'first_contact', 0,
         NOT EXISTS (SELECT 1 FROM cases r WHERE r.repeat_of = c.number AND r.status != 'voided' AND 1)
  FROM cases c WHERE {{case}} AND {_COUNTED} AND c.closed_on IS NOT NULL AND c.initial = 1"""
CONTRIBUTION_ROWS = CONTRIBUTION_ROWS.replace("{first_contact}", FIRST_CONTACT)
CONTRIBUTION = f"""
SELECT month, township, measure, lag, SUM(hit) AS hit, COUNT(*) AS n FROM ({CONTRIBUTION_ROWS}
) GROUP BY month, township, measure, lag
"""
INDICATOR_TALLY_KEY = ("month", "township", "measure", "lag")
INDICATOR_TALLY = """
CREATE TABLE indicator_tally (
    month TEXT NOT NULL,
    township TEXT NOT NULL,
    measure TEXT NOT NULL,
    lag INTEGER NOT NULL,
    hit INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (month, township, measure, lag)
) WITHOUT ROWID;
"""
# Every case's contribution, from scratch: what the triggers keep (the audit compares the two).
INDICATOR_TALLY_BUILD = (f"INSERT INTO indicator_tally ({', '.join(INDICATOR_TALLY_KEY)}, hit, n) "
                         + CONTRIBUTION.format(case="1").strip())

# The summons tally (``summons_tally``): per month a case was received in and township, the on-time
# results of its local time limits (限时办结: the reply and conclude clocks) that the summons rate
# reads (``rules.sanctions.month_results`` over ``ledger.sanctions.clock_results``): judged clocks
# (``lag`` -1; hit = met), and clocks still running by the day they fall due (``lag`` = days from
# the month's first day, at least 0: one missed once that day has passed, "today" decides at query
# time). A voided case (作废) counts nowhere; a clock stopped unjudged (a transfer) is no result.
# Kept by the indicator tally's triggers (``_apply``), counted by ``BulkCounts`` in a bulk
# load, compared with this definition by the audit.
SUMMONS_TALLY_KEY = ("month", "township", "lag")
SUMMONS_ROWS = f"""
SELECT c.number AS case_number, c.month AS month, c.township AS township,
       CASE WHEN k.met IS NULL THEN max(0, CAST(julianday(k.due) - julianday(c.month || '-01') AS INTEGER))
            ELSE -1 END AS lag,
       k.met IS 1 AS hit
FROM cases c CROSS JOIN clocks k ON k.case_number = c.number
WHERE {{case}} AND c.status != 'voided' AND k.clock IN ({', '.join(repr(c) for c in ON_TIME_CLOCKS)})
  AND (k.met IS NOT NULL OR k.done_on IS NULL)"""
SUMMONS_CONTRIBUTION = f"""
SELECT month, township, lag, SUM(hit) AS hit, COUNT(*) AS n FROM ({SUMMONS_ROWS}
) GROUP BY month, township, lag
"""
SUMMONS_TALLY = """
CREATE TABLE summons_tally (
    month TEXT NOT NULL,
    township TEXT NOT NULL,
    lag INTEGER NOT NULL,
    hit INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (month, township, lag)
) WITHOUT ROWID;
"""
SUMMONS_TALLY_BUILD = (f"INSERT INTO summons_tally ({', '.join(SUMMONS_TALLY_KEY)}, hit, n) "
                       + SUMMONS_CONTRIBUTION.format(case="1").strip())
# Every case's contribution rows to each tally the triggers keep, as views: a trigger takes a case's
# rows out of its view (SQLite pushes the case's number down into each part of it), so the
# statement is written once here instead of in each of the triggers' bodies, which SQLite would
# otherwise parse on every command that opens the ledger (68 KB of trigger text: 3 ms).
CONTRIBUTION_VIEWS = f"""
CREATE VIEW indicator_contributions AS{CONTRIBUTION_ROWS.format(case="1")};
CREATE VIEW summons_contributions AS{SUMMONS_ROWS.format(case="1")};
"""
# The views are part of the ledger's file, as made by 0017: a change to CONTRIBUTION_ROWS or
# SUMMONS_ROWS (which the bulk load and the audit read from here) needs a migration that makes them again.
CONTRIBUTION_VIEW_NAMES = ("indicator_contributions", "summons_contributions")
# Each tally the triggers keep: (table, key, the view of its contributions).
_TRIGGER_TALLIES = (("indicator_tally", INDICATOR_TALLY_KEY, "indicator_contributions"),
                    ("summons_tally", SUMMONS_TALLY_KEY, "summons_contributions"))


def _upsert(body: str, sign: str, table: str = "indicator_tally", key: tuple[str, ...] = INDICATOR_TALLY_KEY) -> str:
    """Add (``+``) or subtract (``-``) the contributions a ``CONTRIBUTION`` (or
    ``SUMMONS_CONTRIBUTION``) statement selects into its tally. Emptied rows stay at 0 (they count
    nothing; a rebuild drops them)."""
    return (f"INSERT INTO {table} ({', '.join(key)}, hit, n)"
            f" SELECT {', '.join(key)}, {sign}hit, {sign}n FROM ({body.strip()}) WHERE true"
            f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET hit = hit + excluded.hit, n = n + excluded.n")


def _apply(case: str, sign: str, before: tuple[str, ...] = ()) -> str:
    """Add or subtract the contribution of the case numbered ``case`` (an SQL expression such as
    ``NEW.number``) to each tally; nothing when it is NULL or one of ``before`` (already counted by
    the same trigger: a case is taken out and put back once)."""
    other = "".join(f" AND {case} IS NOT {b}" for b in before)
    return "".join(
        "\n    " + _upsert(f"SELECT {', '.join(key)}, SUM(hit) AS hit, COUNT(*) AS n FROM {view}"
                          f" WHERE case_number = {case}{other} GROUP BY {', '.join(key)}", sign, table, key) + ";"
        for table, key, view in _TRIGGER_TALLIES)


_VOIDED = Status.voided.value
_NOT_COUNTED = frozenset(EXCLUDED_STATUSES)  # what ``_COUNTED`` leaves out of the indicator tally
_ON_TIME = frozenset(ON_TIME_CLOCKS)
# The facts of a case the bulk counts read, by name (the loader's columns give their positions).
BULK_CASE_FACTS = ("number", "month", "township", "level", "people", "status", "kind", "received", "channel",
                   "skip_level", "collective", "major", "initial", "closed_on")
# A clock row as a bulk load writes it (``INSERT INTO clocks (…)``), the rows ``BulkCounts`` reads.
BULK_CLOCK_ROW = ("case_number", "clock", "start", "days", "counting", "due", "provisional", "calendar_version",
                  "done_on", "met")
# A clock's measure in the indicator tally: judged (met 1 or 0), or still running.
_MEASURES = {NOTICE_CLOCK: ("notice", "notice_open"), **{c: ("on_time", "on_time_open") for c in ON_TIME_CLOCKS}}


class BulkCounts:
    """The four tallies' counts of the cases a bulk load (an import) adds, with the tallies'
    triggers suspended: the twin, in Python, of what the triggers would have counted one row at a
    time (``CASE_TALLY``, ``CHANNEL_TALLY``, ``CONTRIBUTION_ROWS``, ``SUMMONS_ROWS``), counted from
    the rows the load writes instead of read back from them — an import holds each case's clocks as
    it writes them, and SQL reading them back for the counts cost it about as much as storing them.

    ``add`` takes each batch as written: the case rows (``columns`` name their values), the clock
    rows (``BULK_CLOCK_ROW``), the repeats the load linked (case -> the case it repeats; None: the
    same matter outside the look-back window, no link but no longer initial) and the rowid of the
    batch's first case. An added case has no evaluation (an import records none): its closing
    counts with lag -1 (no evaluation), and no satisfaction. Of the earlier cases it repeats, only
    the first-contact resolution changes (a later non-void case undoes it), as ``FIRST_CONTACT``
    states. ``flush`` adds what is counted so far to the tallies (upserts; emptied rows stay at 0 as
    the triggers leave them). The audit holds the tallies equal to their SQL definitions;
    tests/ledger/test_indicators.py and test_period_counts.py hold this count equal to them for any load."""

    FLUSH_KEYS = 40_000  # counted keys held between two flushes, at most (memory stays flat)

    def __init__(self, conn, columns):
        from operator import itemgetter

        self.conn = conn
        self.case_facts = itemgetter(*(columns.index(c) for c in BULK_CASE_FACTS))
        self.cases: dict[tuple, list[int]] = {}  # case tally key -> [n, repeats]
        self.channels: dict[tuple, list[int]] = {}  # (received, channel) -> [n, skip_level, collective, major, repeats]
        self.indicators: dict[tuple, list[int]] = {}  # (month, township, measure, lag) -> [hit, n]
        self.summons: dict[tuple, list[int]] = {}  # (month, township, lag) -> [hit, n]
        self.month_start: dict[str, int] = {}  # month -> the ordinal of its first day
        self.due_day: dict[str, int] = {}  # a due date -> its ordinal

    def add(self, cases, clocks, repeats, first: int) -> None:
        """Count one written batch (its repeats already linked in the ledger; its first case's rowid ``first``)."""
        cases_t, channels, indicators, summons = self.cases, self.channels, self.indicators, self.summons
        facts: dict[str, tuple] = {}
        children: set[str] = set()
        for row in cases:
            (number, month, township, level, people, status, kind, received, channel, skip_level, collective,
             major, initial, closed_on) = self.case_facts(row)
            repeat = 0
            if number in repeats:
                parent = repeats[number]
                initial = 0
                if parent is not None:
                    repeat = 1
                    if status != _VOIDED:
                        children.add(parent)
            key = (month, township, level, people, status, kind)
            got = cases_t.get(key)
            if got is None:
                cases_t[key] = [1, repeat]
            else:
                got[0] += 1
                got[1] += repeat
            if status == _VOIDED:
                continue  # counted in the case tally alone
            key = (received, channel)
            got = channels.get(key)
            if got is None:
                channels[key] = [1, skip_level, collective, major, repeat]
            else:
                got[0] += 1
                got[1] += skip_level
                got[2] += collective
                got[3] += major
                got[4] += repeat
            counted = status not in _NOT_COUNTED
            facts[number] = (month, township, counted)
            if counted and closed_on is not None:
                closed = closed_on[:7]
                _count(indicators, (closed, township, "closed", -1), 0)
                if initial == 1:
                    _count(indicators, (closed, township, "first_contact", 0), 1)
        measures, on_time = _MEASURES, _ON_TIME
        for number, clock, _, _, _, due, _, _, done_on, met in clocks:
            measure = measures.get(clock)
            if measure is None:
                continue
            case = facts.get(number)
            if case is None:
                continue  # voided: counted nowhere
            month, township, counted = case
            if met is None:
                if done_on is not None:
                    continue  # stopped unjudged (a transfer): no result
                if counted:
                    _count(indicators, (due[:7], township, measure[1], int(due[8:10])), 0)
                if clock in on_time:
                    _count(summons, (month, township, max(0, self._days_into(month, due))), 0)
                continue
            hit = 1 if met else 0
            if counted and (done_on is not None or not hit):
                _count(indicators, ((done_on if hit else due)[:7], township, measure[0], 0), hit)
            if clock in on_time:
                _count(summons, (month, township, -1), hit)
        if children:
            self._undo_first_contact(sorted(children), first)
        if len(cases_t) + len(indicators) + len(summons) + len(channels) >= self.FLUSH_KEYS:
            self.flush()

    def _days_into(self, month: str, due: str) -> int:
        """Whole days from the first of ``month`` to ``due`` (their ``julianday`` difference)."""
        import datetime as dt

        first = self.month_start.get(month)
        if first is None:
            first = self.month_start[month] = dt.date.fromisoformat(month + "-01").toordinal()
        day = self.due_day.get(due)
        if day is None:
            day = dt.date.fromisoformat(due).toordinal()
            if len(self.due_day) < 20_000:
                self.due_day[due] = day
        return day - first

    def _undo_first_contact(self, parents: list[str], first: int) -> None:
        """The first-contact resolution a batch's cases undo in the cases they repeat: a closed
        initial case counts as resolved at first contact until a later non-void case repeats it, so
        it is undone unless a non-void case before the batch (stored, or of the load) already did."""
        marks = ", ".join("?" * len(parents))
        for township, closed_on in self.conn.execute(
                f"SELECT c.township, c.closed_on FROM cases c WHERE c.number IN ({marks}) AND {_COUNTED}"
                " AND c.closed_on IS NOT NULL AND c.initial = 1 AND NOT EXISTS"
                " (SELECT 1 FROM cases r WHERE r.repeat_of = c.number AND r.status != 'voided' AND r.rowid < ?)",
                (*parents, first)):
            _count(self.indicators, (closed_on[:7], township, "first_contact", 0), -1, 0)

    def flush(self) -> None:
        """Add the counts so far to the four tallies."""
        conn = self.conn
        if self.cases:
            conn.executemany(
                f"INSERT INTO case_tally ({', '.join(TALLY_COLUMNS)}, n, repeats) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                f" ON CONFLICT ({', '.join(TALLY_COLUMNS)}) DO UPDATE SET n = n + excluded.n,"
                " repeats = repeats + excluded.repeats", [(*k, *v) for k, v in self.cases.items()])
        if self.channels:
            conn.executemany(
                f"INSERT INTO channel_tally ({', '.join(CHANNEL_TALLY_KEY + CHANNEL_TALLY_COUNTS)})"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (received, channel) DO UPDATE SET "
                + ", ".join(f"{c} = {c} + excluded.{c}" for c in CHANNEL_TALLY_COUNTS),
                [(*k, *v) for k, v in self.channels.items()])
        for table, key, counts in (("indicator_tally", INDICATOR_TALLY_KEY, self.indicators),
                                   ("summons_tally", SUMMONS_TALLY_KEY, self.summons)):
            if counts:
                conn.executemany(
                    f"INSERT INTO {table} ({', '.join(key)}, hit, n) VALUES ({', '.join('?' * (len(key) + 2))})"
                    f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET hit = hit + excluded.hit, n = n + excluded.n",
                    [(*k, *v) for k, v in counts.items()])
        self.cases, self.channels, self.indicators, self.summons = {}, {}, {}, {}


def _count(counts: dict[tuple, list[int]], key: tuple, hit: int, n: int = 1) -> None:
    got = counts.get(key)
    if got is None:
        counts[key] = [hit, n]
    else:
        got[0] += hit
        got[1] += n


def _pair(name: str, event: str, when: str, cases: tuple[str, ...]) -> str:
    """The two triggers of one kind of write: the contributions of ``cases`` out before it, in after it."""
    where = f"\nWHEN {when}" if when else ""
    out = "".join(_apply(c, "-", cases[:i]) for i, c in enumerate(cases))
    back = "".join(_apply(c, "+", cases[:i]) for i, c in enumerate(cases))
    return (f"CREATE TRIGGER {name}_before BEFORE {event}{where}\nBEGIN{out}\nEND;\n"
            f"CREATE TRIGGER {name}_after AFTER {event}{where}\nBEGIN{back}\nEND;\n")


_CASE_FACTS = ("township", "status", "closed_on", "initial", "repeat_of", "month")
_CLOCK_FACTS = ("clock", "due", "done_on", "met", "case_number")


def _changed(columns) -> str:
    return " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)


# The triggers that keep the tally: a case's own facts and its repeats' (whose status and link decide
# its first-contact resolution), its judged clocks, its evaluations.
INDICATOR_TRIGGERS_SQL = "".join((
    _pair("cases_indicators_insert", "INSERT ON cases", "", ("NEW.number", "NEW.repeat_of")),
    _pair("cases_indicators_update", f"UPDATE OF {', '.join(_CASE_FACTS)} ON cases", _changed(_CASE_FACTS),
          ("OLD.number", "OLD.repeat_of", "NEW.repeat_of")),
    _pair("cases_indicators_delete", "DELETE ON cases", "", ("OLD.number", "OLD.repeat_of")),
    _pair("clocks_indicators_insert", "INSERT ON clocks", f"NEW.clock IN {_RATED}",
          ("NEW.case_number",)),
    _pair("clocks_indicators_update", f"UPDATE OF {', '.join(_CLOCK_FACTS)} ON clocks",
          f"(OLD.clock IN {_RATED} OR NEW.clock IN {_RATED}) AND ({_changed(_CLOCK_FACTS)})",
          ("OLD.case_number", "NEW.case_number")),
    _pair("clocks_indicators_delete", "DELETE ON clocks", f"OLD.clock IN {_RATED}",
          ("OLD.case_number",)),
    _pair("evaluations_indicators_insert", "INSERT ON evaluations", "", ("NEW.case_number",)),
))
INDICATOR_TRIGGERS = tuple(f"{name}_{side}" for name in (
    "cases_indicators_insert", "cases_indicators_update", "cases_indicators_delete", "clocks_indicators_insert",
    "clocks_indicators_update", "clocks_indicators_delete", "evaluations_indicators_insert")
    for side in ("before", "after"))
