"""Opening a ledger, and transactions; the history rows themselves are written by ``history``."""

from __future__ import annotations

import os
import sqlite3
import stat
from contextlib import contextmanager

from xinfang.errors import Refusal
from xinfang.ledger import schema

BUSY_TIMEOUT_MS = 60_000  # how long a command waits for another one's write, unless XINFANG_BUSY_TIMEOUT says
# Beside the ledger once a damaged page was met: writes are refused until 'db check' passes again.
DAMAGED_SUFFIX = ".damaged"


class Ledger:
    """One open ledger file. Reads go through ``rows``/``one``; every write inside ``write()``."""

    def __init__(self, conn: sqlite3.Connection, path, who: str):
        self.conn = conn
        self.path = path
        self.who = who
        self._policy = None
        # What a write has to tell the user besides its result (a provisional due date …), as
        # (code, parameters); ``on_notices`` (set by the command line) words them after the commit.
        self.notices: list[tuple[str, dict]] = []
        self.on_notices = None
        # Tables of ``history.STATE_TABLES`` this write changed: sealed whole when it commits.
        self.touched: set[str] = set()

    # -- reading --------------------------------------------------------------------------
    def rows(self, sql: str, params=()) -> list[dict]:
        cur = self.conn.execute(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    def one(self, sql: str, params=()) -> dict | None:
        cur = self.conn.execute(sql, params)
        row = cur.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cur.description], row))

    def scalar(self, sql: str, params=()):
        row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None

    @property
    def ref(self):
        """Roster, units, categories and reception points of this ledger."""
        if getattr(self, "_ref", None) is None:
            from xinfang.ledger.reference import Reference

            self._ref = Reference(self)
        return self._ref

    @property
    def policy(self):
        """The ledger's policy (the rules file stored at init), parsed once per process."""
        if self._policy is None:
            from xinfang.policy import PARSED_KEY, load_ledger_policy

            stored = dict(self.conn.execute("SELECT key, value FROM meta WHERE key IN ('rules', ?)", (PARSED_KEY,)))
            self._policy = load_ledger_policy(stored.get("rules") or "", stored.get(PARSED_KEY))
        return self._policy

    # -- writing --------------------------------------------------------------------------
    @contextmanager
    def write(self, exclusive: bool = False):
        """One command = one transaction. BEGIN IMMEDIATE takes the write lock up front, so
        concurrent clerks queue on the busy timeout instead of failing mid-command. ``exclusive``
        (a bulk load under the rollback journal, ``rollback_journal``): BEGIN EXCLUSIVE, every
        reader's lock too, once, so that a command reading beside the load can never stall it."""
        from xinfang.ledger import history  # the writers only: a reading command never loads it
        refuse_if_damaged(self.path)
        self.conn.execute("BEGIN EXCLUSIVE" if exclusive else "BEGIN IMMEDIATE")
        try:
            marks = history.seal_marks(self)
            deposits = history.deposit_mark(self.conn)
            yield self
            # Rows added to append-only tables without a chain of their own are sealed in the history.
            history.seal_new_rows(self, marks)
            # Tables changed in place are sealed whole; the deposit chain's new head is recorded.
            history.seal_state(self.conn, self.who, sorted(self.touched))
            if history.deposit_mark(self.conn) != deposits:
                history.record_deposit_head(self.conn, self.who)
        except BaseException:
            self.conn.execute("ROLLBACK")
            self.notices = []
            self.touched = set()
            raise
        else:
            self.conn.execute("COMMIT")
            self.touched = set()
            notices, self.notices = self.notices, []
            if notices and self.on_notices:
                self.on_notices(self, notices)

    @contextmanager
    def rollback_journal(self):
        """For a bulk load (an import about as large as the ledger or larger): the rollback journal
        instead of the write-ahead log for the length of the command, so that the pages it adds are
        written once, into the file, instead of into the log and then again into the file by the
        checkpoint that ends the command (at 1M cases: ≈ 10 s of a 110 s import). All-or-nothing
        holds the same: a command killed mid-way leaves a journal that the next one to open the
        ledger rolls back. Yields whether the ledger is on the rollback journal: then the load
        takes the exclusive lock at its start (``write(exclusive=True)``), and other commands,
        readers too, wait for it up to the busy timeout and are refused as busy after it, instead
        of reading beside it (a reader's lock, under this journal, would make every spill of the
        load's page cache wait). SQLite changes the mode only when no other connection has the
        ledger open; otherwise the load keeps the log. The log comes back after the command, or,
        if the command was killed or another held the ledger then, when the next command opens it
        (``open_ledger``)."""
        switched = _journal_mode(self.conn, "DELETE") == "delete"
        try:
            yield switched
        finally:
            if switched:
                _restore_wal(self.conn)

    def touch(self, *tables: str) -> None:
        """Say that this write changed ``tables`` (of ``history.STATE_TABLES``) in place."""
        self.touched.update(tables)

    def notice(self, code: str, **params) -> None:
        """Something the user is told once the write is committed (worded at the edge)."""
        self.notices.append((code, params))

    def event(self, action: str, case: str | None = None, field: str | None = None,
              old=None, new=None, note: str | None = None) -> int:
        """Append one history row (who, when, what, old -> new), chained to the previous one."""
        from xinfang.ledger import history  # the writers only: a reading command never loads it
        return history.append_event(self.conn, self.who, action, case, field, old, new, note)

    def changes(self, action: str, case: str | None, old: dict, new: dict, note: str | None = None) -> None:
        """One history row per field that changed, appended together."""
        from xinfang.ledger import history  # the writers only: a reading command never loads it
        history.append_rows(self.conn, "events", self.change_rows(action, case, old, new, note))

    def change_rows(self, action: str, case: str | None, old: dict, new: dict, note: str | None = None) -> list[dict]:
        """The history rows ``changes`` appends: one per field that changed."""
        from xinfang.ledger import history  # the writers only: a reading command never loads it
        text = history.history_text
        return [history.event_row(self.who, action, case, field, old.get(field), value, note)
                for field, value in new.items() if text(old.get(field)) != text(value)]

    def deposit_entry(self, official: str, kind: str, amount_fen: int, on_date: str,
                      case: str | None = None, year: int | None = None, note: str = "") -> int:
        """Append one deposit ledger entry, chained to the previous entry."""
        from xinfang.ledger import history  # the writers only: a reading command never loads it
        from xinfang.ledger.history import now_stamp
        return history.append_row(self.conn, "deposit_entries", {
            "official": official, "kind": kind, "amount_fen": int(amount_fen), "on_date": on_date,
            "case_number": case, "year": year, "note": note, "at": now_stamp(),
        })


def busy_timeout_ms() -> int:
    """How long (ms) a command waits for the write lock another one holds: ``XINFANG_BUSY_TIMEOUT``
    seconds when set (a slow network share may want longer), else ``BUSY_TIMEOUT_MS``."""
    given = os.environ.get("XINFANG_BUSY_TIMEOUT", "").strip()
    if not given:
        return BUSY_TIMEOUT_MS
    try:
        seconds = float(given)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 86_400:
        raise Refusal("db.busy_timeout", value=repr(given))
    return int(seconds * 1000)


def _journal_mode(conn: sqlite3.Connection, mode: str) -> str | None:
    """Ask SQLite to put the ledger on journal ``mode``; the mode it is on after (None: it could not
    be asked, the ledger being held by another connection or read-only here). Asked without waiting:
    SQLite changes a ledger's journal only when no other connection has it open."""
    wait = conn.execute("PRAGMA busy_timeout").fetchone()[0]
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        return conn.execute(f"PRAGMA journal_mode = {mode}").fetchone()[0]
    except sqlite3.OperationalError:
        return None
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(wait)}")


def _restore_wal(conn: sqlite3.Connection) -> None:
    """Put a ledger back on the write-ahead log (every ledger's mode, set by ``init``) after a bulk
    load's rollback journal (``Ledger.rollback_journal``). Best effort: a ledger held by another
    command, or read-only here, stays as it is until a later command can."""
    _journal_mode(conn, "WAL")


def _connect(path: str) -> sqlite3.Connection:
    # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE in Ledger.write).
    wait = busy_timeout_ms()
    conn = sqlite3.connect(path, timeout=wait / 1000, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {wait}")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def migrate(conn: sqlite3.Connection) -> None:
    """Apply pending migrations, each with its record, all in one transaction."""
    from xinfang.ledger import history  # the writers only: a reading command never loads it
    from sqlite_utils import Database

    wait = busy_timeout_ms()
    db = Database(sqlite3.connect(conn_path(conn), timeout=wait / 1000, isolation_level=None),
                  execute_plugins=False)
    try:
        db.execute(f"PRAGMA busy_timeout = {wait}")
        # The write lock first, then the look at what is pending: clerks who start together after an
        # upgrade wait for one another instead of applying the same migration twice. Inside this
        # transaction sqlite-utils wraps each migration in a savepoint.
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            schema.migrations(seal=history.seal_upgrade).apply(db)
            db.conn.execute(f"PRAGMA user_version = {schema.MIGRATION_COUNT}")
        except BaseException:
            db.conn.execute("ROLLBACK")
            raise
        db.conn.execute("COMMIT")
    finally:
        db.close()


def conn_path(conn: sqlite3.Connection) -> str:
    return conn.execute("PRAGMA database_list").fetchone()[2]


def ledger_file(db: str | None) -> str:
    """The ledger's file name: ``--db``, else $XINFANG_DB, else ./xinfang.db."""
    return db or os.environ.get("XINFANG_DB") or "xinfang.db"


def ledger_path(db: str | None):
    """The ledger's file name as a ``Path``."""
    from pathlib import Path

    return Path(ledger_file(db))


def open_ledger(path, who: str, create: bool = False) -> Ledger:
    """Open (and migrate) a ledger file (a name or a ``Path``). Only ``create=True`` (init, demo) may
    make a new file."""
    name = os.fspath(path)
    if create or not _plain_file(name):
        name = str(_checked_path(name, create))
    try:
        conn = _connect(name)
        if create:
            conn.execute("PRAGMA journal_mode = WAL")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        # Before anything is written: a file that is not a ledger is left exactly as it was.
        refuse_foreign(conn, name, create)
        if version == 0 and not create:
            raise Refusal("db.uninitialised", "--db", db=name)
        if version < schema.MIGRATION_COUNT:
            migrate(conn)
        elif version > schema.MIGRATION_COUNT:
            raise Refusal("db.newer", "--db", db=name, version=version)
        if not create and conn.execute("SELECT 1 FROM meta WHERE key = 'rules'").fetchone() is None:
            raise Refusal("db.uninitialised", "--db", db=name)
        if not create and conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete":
            _restore_wal(conn)  # a bulk load killed mid-way, or finished while another held the ledger
    except UnicodeDecodeError:  # a text cell of a damaged page
        raise sqlite3.DatabaseError("database disk image is malformed (undecodable text)") from None
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            raise
        from xinfang.errors import sqlite_problem

        problem = sqlite_problem(exc, name)
        if problem.code in ("sqlite.not_a_database", "os.other"):
            raise Refusal("db.unusable", "--db", db=name, detail=problem) from None
        raise Refusal(problem.code, "--db", **problem.args()) from None  # locked, disk full, read-only …
    return Ledger(conn, name, who)


def refuse_foreign(conn: sqlite3.Connection, name: str, create: bool) -> None:
    """Refuse a SQLite file that is not a ledger: it lacks the ledger's ``application_id`` and is
    neither an empty new file (init) nor a ledger written before the id existed (its migrations
    record is xinfang's). Reads only."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    if app_id == schema.APPLICATION_ID:
        return
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if create and not tables and app_id == 0:
        return
    if app_id == 0 and {"_sqlite_migrations", "meta"} <= tables and conn.execute(
            "SELECT 1 FROM _sqlite_migrations WHERE migration_set = 'xinfang' LIMIT 1").fetchone():
        return  # a ledger from before the id: its migration sets it
    raise Refusal("db.foreign", db=name, app_id=app_id)


def is_damage(exc: BaseException) -> bool:
    """Whether a SQLite error says the file itself is damaged (a malformed page)."""
    text = str(exc).lower()
    return isinstance(exc, sqlite3.DatabaseError) and ("malformed" in text or "disk image" in text)


def damaged_marker(path) -> str:
    return os.fspath(path) + DAMAGED_SUFFIX


def mark_damaged(path, detail: str) -> None:
    """Remember that ``path`` has a damaged page: writes are refused until 'db check' passes."""
    try:
        with open(damaged_marker(path), "w", encoding="utf-8") as fh:
            fh.write(detail.replace("\n", " ")[:500] + "\n")
    except OSError:
        pass  # a read-only folder: the error itself still reaches the user


def clear_damaged(path) -> bool:
    """Lift the write refusal (the file passed its checks); True when there was one."""
    try:
        os.unlink(damaged_marker(path))
        return True
    except OSError:
        return False


def refuse_if_damaged(path) -> None:
    """Refuse a write into a ledger known to have a damaged page."""
    marker = damaged_marker(path)
    if os.path.exists(marker):
        try:
            with open(marker, encoding="utf-8") as fh:
                detail = fh.read().strip()
        except OSError:
            detail = ""
        from xinfang.errors import damage_detail

        raise Refusal("db.damaged", db=os.fspath(path), detail=damage_detail(detail))


def _plain_file(name: str) -> bool:
    """Whether ``name`` is an existing file that pathlib would spell exactly as given: then it can
    be opened without importing pathlib (6 ms of a reading command's start-up). Every other name,
    and every refusal, goes through ``_checked_path``."""
    parts = name.split("/")
    if os.sep != "/" or not parts[-1] or any(p in ("", ".") for p in parts[1:]) or parts[0] == ".":
        return False
    try:
        return not stat.S_ISDIR(os.stat(name).st_mode)
    except (OSError, ValueError):
        return False


def _checked_path(name: str, create: bool):
    """The ledger's ``Path``, refused when missing (unless created), in a missing folder, or a folder."""
    from pathlib import Path

    path = Path(name)
    if not create and not path.exists():
        raise Refusal("db.missing", "--db", db=str(path))
    if create and not path.parent.exists():
        raise Refusal("db.no_folder", "--db", folder=str(path.parent))
    if path.exists() and path.is_dir():
        raise Refusal("db.folder", "--db", db=str(path))
    return path
