"""Tamper evidence: rows edited, deleted or forged behind the tool's back are named by 'audit verify'.

Each test changes a real ledger file with the sqlite3 module, as someone with the file (and no
xinfang) could, dropping the append-only triggers first where needed.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from xinfang.ledger.db import open_ledger
from xinfang.ledger.history import canonical, row_hash


def tamper(db, script: str) -> None:
    conn = sqlite3.connect(db)
    try:
        conn.executescript(script)
    finally:
        conn.close()


def scalar(db, sql: str, params=()):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchone()[0]
    finally:
        conn.close()


def verify(cli, *extra):
    """Run 'audit verify --json'; return (exit code, report)."""
    res = cli("audit", "verify", "--json", *extra)
    assert "Traceback" not in res.err
    return res.code, json.loads(res.out)


def messages(report) -> list[str]:
    return [p["message"] for p in report["problems"]]


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A ledger with cases in several states (registered, assigned, replied, closed, corrected),
    built once through the command line; each test tampers with its own copy."""
    import contextlib
    import io

    from xinfang.cli import run

    db = tmp_path_factory.mktemp("template") / "ledger.db"
    base = ["--db", str(db), "--today", "2026-11-26", "--user", "tester"]
    steps = [["init"]] + [["register", "--again", "--received", "2026-11-02", "--channel", "letter", "--township", "车桥镇",
                           "--name", "张三", "--category", "compensation", "--summary", "征地补偿款未足额到位"]] * 4 + [
        ["accept", "2026-1", "--told", "written", "--on", "2026-11-03"],
        ["assign", "2026-1", "--unit", "车桥镇", "--leader", "李四", "--on", "2026-11-03"],
        ["accept", "2026-2", "--told", "written", "--on", "2026-11-03"],
        ["assign", "2026-2", "--unit", "车桥镇", "--leader", "李四", "--on", "2026-11-03"],
        ["reply", "2026-2", "--on", "2026-11-05", "--summary", "已告知"],
        ["resolve", "2026-2", "--on", "2026-11-10", "--outcome", "support", "--summary", "已解决", "--signed"],
        ["correct", "2026-3", "--level", "city", "--people", "6", "--reason", "登记有误"],
    ]
    for step in steps:
        err = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            assert run(base + step) == 0, err.getvalue()
    return db


@pytest.fixture
def office(template, blank_cli):
    copy_ledger(template, blank_cli.db)
    return blank_cli


def copy_ledger(source, target) -> None:
    """A whole copy, the write-ahead log included (a plain file copy could miss the latest commits)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def test_verify_passes_on_an_untouched_ledger(office):
    code, report = verify(office)
    assert code == 0
    assert report["ok"] is True and report["problems"] == []
    assert report["events"] == scalar(office.db, "SELECT count(*) FROM events") > 10
    assert report["checked"]["cases"] == 4
    assert len(report["heads"]["events"]) == 64


def test_text_report_names_the_row_and_exits_1(office):
    register_id = scalar(office.db, "SELECT id FROM events WHERE case_number = '2026-00001' AND action = 'register'")
    tamper(office.db, f"DROP TRIGGER events_no_update; UPDATE events SET new = replace(new, '张三', '李五') WHERE id = {register_id};")
    res = office("audit", "verify")
    assert res.code == 1
    assert f"办理记录 编号 {register_id}：哈希值与内容不符" in res.out
    assert res.err.startswith("错误：台账未通过审计") and res.err.count("\n") == 1


def test_edited_event_is_named(office):
    eid = scalar(office.db, "SELECT id FROM events WHERE case_number = '2026-00002' AND field = 'status'"
                            " AND new = 'closed'")
    tamper(office.db, f"DROP TRIGGER events_no_update; UPDATE events SET new = 'replied' WHERE id = {eid};")
    code, report = verify(office)
    assert code == 1 and report["ok"] is False
    found = messages(report)
    assert "events: trigger events_no_update is missing: the table can be edited in place" in found
    first_row = next(p for p in report["problems"] if p["id"])
    assert first_row == {"table": "events", "id": f"id {eid}", "problem": "hash does not match its content",
                         "message": f"events id {eid}: hash does not match its content"}
    # the case row no longer agrees with its (edited) history either
    assert "cases 2026-00002: status is 'closed' but its history says 'replied'" in found


def test_event_edited_with_its_hash_recomputed_breaks_the_next_link(office):
    """A forger who knows the hash rule and rewrites one row still breaks the row after it."""
    conn = sqlite3.connect(office.db)
    row = conn.execute("SELECT * FROM events WHERE case_number = '2026-00004' AND action = 'register'").fetchone()
    names = [d[0] for d in conn.execute("SELECT * FROM events").description]
    event = dict(zip(names, row))
    conn.close()
    values = {k: v for k, v in event.items() if k not in ("id", "prev_hash", "hash")}
    values["who"] = "someone else"
    forged = row_hash(event["prev_hash"], values)
    tamper(office.db, "DROP TRIGGER events_no_update;"
                      f"UPDATE events SET who = 'someone else', hash = '{forged}' WHERE id = {event['id']};")
    code, report = verify(office)
    assert code == 1
    assert f"events id {event['id'] + 1}: prev_hash does not link to id {event['id']}" in messages(report)
    assert f"events id {event['id']}: hash does not match its content" not in messages(report)


def test_deleted_event_is_named_by_the_next_row(office):
    eid = scalar(office.db, "SELECT id FROM events WHERE case_number = '2026-00001' AND field = 'leader'")
    tamper(office.db, f"DROP TRIGGER events_no_delete; DELETE FROM events WHERE id = {eid};")
    code, report = verify(office)
    assert code == 1
    assert f"events id {eid + 1}: prev_hash does not link to id {eid - 1}" in messages(report)
    assert "cases 2026-00001: leader is '李四' but its history says None" in messages(report)


def test_forged_event_row_is_named(office):
    last = scalar(office.db, "SELECT max(id) FROM events")
    tamper(office.db, "INSERT INTO events (at, who, case_number, action, field, old, new, note, prev_hash, hash)"
                      " VALUES ('2026-11-20T00:00:00+00:00', 'x', '2026-00003', 'correct', 'level', 'city',"
                      f" 'district', 'forged', (SELECT hash FROM events WHERE id = {last}), '{'ab' * 32}');")
    code, report = verify(office)
    assert code == 1
    assert messages(report)[0] == f"events id {last + 1}: hash does not match its content"


def test_deleted_case_row_is_named(office):
    tamper(office.db, "PRAGMA foreign_keys = OFF; DELETE FROM cases WHERE number = '2026-00004';")
    code, report = verify(office)
    assert code == 1
    assert messages(report) == ["cases 2026-00004: has a history but no case row: deleted"]


def test_forged_case_row_is_named(office):
    tamper(office.db, "INSERT INTO cases SELECT '2026-00099', year, 99, received, month, channel, point, township,"
                      " name, id_number, phone, address, people, level, kind, category, major, summary, accused,"
                      " collective, skip_level, repeat_of, initial, status, unit, joint, leader, assigned_on,"
                      " replied_on, closed_on, outcome, satisfaction, signed, cease_agreement, accepted_on, told,"
                      " decline_ground, written_on, opinion_received_on, review_body, final_case FROM cases"
                      " WHERE number = '2026-00001';")
    code, report = verify(office)
    assert code == 1
    found = messages(report)
    assert "cases 2026-00099: no register record in the history: inserted behind the ledger's back" in found
    assert "counters 2026: last is 4 but case 2026-00099 exists" in found


@pytest.mark.parametrize("column, value, shown", [
    ("status", "'closed'", "status is 'closed' but its history says 'assigned'"),
    ("township", "'席桥镇'", "township is '席桥镇' but its history says '车桥镇'"),
    ("level", "'national'", "level is 'national' but its history says 'district'"),
    ("leader", "'王五'", "leader is '王五' but its history says '李四'"),
    ("unit", "NULL", "unit is None but its history says '车桥镇'"),
])
def test_edited_case_row_disagrees_with_its_history(office, column, value, shown):
    tamper(office.db, f"UPDATE cases SET {column} = {value} WHERE number = '2026-00001';")
    code, report = verify(office)
    assert code == 1
    assert messages(report) == [f"cases 2026-00001: {shown}"]


def test_corrected_fields_are_replayed_from_the_history(office):
    """A correction is history, not tampering: the corrected values are what the row must hold."""
    assert verify(office)[0] == 0
    tamper(office.db, "UPDATE cases SET level = 'district', people = 1 WHERE number = '2026-00003';")
    code, report = verify(office)
    assert code == 1
    assert set(messages(report)) == {"cases 2026-00003: level is 'district' but its history says 'city'",
                                     "cases 2026-00003: people is 1 but its history says '6'"}


def test_dropped_and_altered_triggers_are_problems_of_their_own(office):
    tamper(office.db, "DROP TRIGGER deposit_entries_no_delete;"
                      "DROP TRIGGER published_months_no_update;"
                      "CREATE TRIGGER published_months_no_update BEFORE UPDATE ON published_months"
                      " BEGIN SELECT 1; END;")
    code, report = verify(office)
    assert code == 1
    assert messages(report) == [
        "deposit_entries: trigger deposit_entries_no_delete is missing: the table can be edited in place",
        "published_months: trigger published_months_no_update was altered",
    ]


def _deposits(cli, n: int) -> None:
    ledger = open_ledger(cli.db, "tester")
    with ledger.write():
        for i in range(n):
            ledger.deposit_entry("王镇长", "pay", 1_000_000 + i, "2026-01-05", year=2026, note=f"第{i + 1}笔")
    ledger.conn.close()


def test_deposit_entries_chain_names_an_edited_amount(office):
    _deposits(office, 3)
    assert verify(office)[0] == 0
    tamper(office.db, "DROP TRIGGER deposit_entries_no_update; UPDATE deposit_entries SET amount_fen = 1 WHERE seq = 2;")
    code, report = verify(office)
    assert code == 1
    assert "deposit_entries id 2: hash does not match its content" in messages(report)


def test_deposit_entry_deleted_from_the_middle_is_named(office):
    _deposits(office, 3)
    tamper(office.db, "DROP TRIGGER deposit_entries_no_delete; DELETE FROM deposit_entries WHERE seq = 2;")
    code, report = verify(office)
    assert "deposit_entries id 3: prev_hash does not link to id 1" in messages(report)


def _protected_rows(cli) -> None:
    """Rows written the ledger's way: inside Ledger.write(), so they are sealed in the history."""
    ledger = open_ledger(cli.db, "tester")
    with ledger.write():
        ledger.conn.execute("INSERT INTO published_months (month, published_on, at, who, method, rows) VALUES"
                            " ('2026-10', '2026-11-05', '2026-11-05T08:00:00+00:00', 'tester', 'm', ?)",
                            (canonical([{"township": "车桥镇", "score": 95.5, "position": 1}]),))
        ledger.conn.execute("INSERT INTO sanction_decisions (key, status, reason, on_date, at, who) VALUES"
                            " ('2026-10:车桥镇:warning', 'confirmed', NULL, '2026-11-06', 'x', 'tester')")
        ledger.conn.execute("INSERT INTO calendar_years (year, source, body, at, who) VALUES"
                            " (2027, 'gov', '2027-01-01 holiday', 'x', 'tester')")
    ledger.conn.close()


def test_rows_of_protected_tables_are_sealed_in_the_history(office):
    _protected_rows(office)
    code, report = verify(office)
    assert code == 0, report
    assert report["checked"] | {"published_months": 1, "sanction_decisions": 1, "calendar_years": 1} == report["checked"]
    assert scalar(office.db, "SELECT count(*) FROM events WHERE action = 'seal'") == 3


@pytest.mark.parametrize("script, expected", [
    ("DROP TRIGGER published_months_no_update;"
     "UPDATE published_months SET rows = replace(rows, '95.5', '59.5') WHERE month = '2026-10';",
     "published_months 2026-10: differs from what the history recorded: edited in place"),
    ("DROP TRIGGER sanction_decisions_no_update; UPDATE sanction_decisions SET status = 'dismissed';",
     "sanction_decisions id 1: differs from what the history recorded: edited in place"),
    ("DROP TRIGGER calendar_years_no_delete; DELETE FROM calendar_years;",
     "calendar_years id 1: recorded in the history but missing: deleted"),
    ("INSERT INTO sanction_decisions (key, status, reason, on_date, at, who) VALUES"
     " ('2026-10:席桥镇:warning', 'dismissed', 'forged', '2026-11-06', 'x', 'y');",
     "sanction_decisions id 2: not recorded in the history: inserted behind the ledger's back"),
])
def test_protected_tables_show_edits_deletions_and_forgeries(office, script, expected):
    _protected_rows(office)
    tamper(office.db, script)
    code, report = verify(office)
    assert code == 1
    assert expected in messages(report)


def test_a_forged_protected_row_is_not_sealed_by_a_later_write(office):
    """Later commands seal only their own rows: a forged row stays unsealed and named."""
    tamper(office.db, "INSERT INTO published_months (month, published_on, at, who, method, rows) VALUES"
                      " ('2026-09', '2026-10-05', 'x', 'y', 'm', '[]');")
    office.register()
    code, report = verify(office)
    assert messages(report) == ["published_months 2026-09: not recorded in the history: inserted behind the ledger's back"]


def test_tail_cut_off_a_chain_is_found_against_a_backup(office, tmp_path):
    office.register()  # the last event is now a clock of that case: not part of any case's replay
    copy = tmp_path / "before.db"
    assert office("db", "backup", str(copy)).code == 0
    last = scalar(office.db, "SELECT max(id) FROM events")
    tamper(office.db, f"DROP TRIGGER events_no_delete; DELETE FROM events WHERE id = {last};"
                      "CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT"
                      " RAISE(ABORT, 'events is append-only: record a reversing entry instead'); END;")
    # a shorter chain is still a valid chain, but the clock it recorded is now unaccounted for ...
    assert messages(verify(office)[1]) == ["clocks 2026-00005 notice: not in the clock history: inserted behind "
                                           "the ledger's back"]
    # ... and it is not a prefix-keeping continuation of the backup
    code, report = verify(office, "--against", str(copy))
    assert code == 1
    assert f"events id {last}: in the older copy but missing here: removed" in messages(report)


def test_backup_refuses_to_overwrite_and_the_copy_verifies(office, tmp_path):
    target = tmp_path / "copy.db"
    out = office.ok("db", "backup", str(target))
    assert out["integrity"] == "ok" and out["audit_ok"] is True and out["cases"] == 4
    copy = office.__class__(target, office.capsys)
    assert verify(copy) == verify(office)
    size = target.stat().st_size
    res = office("db", "backup", str(target))
    assert res.code == 1 and "路径: " in res.err and "已存在" in res.err and target.stat().st_size == size
    res = office("db", "backup", str(tmp_path / "no-such-folder" / "x.db"))
    assert res.code == 1 and "不存在" in res.err
    res = office("db", "backup", str(office.db))
    assert res.code == 1 and "已存在" in res.err
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_db_check_reports_integrity_foreign_keys_and_audit(office):
    out = office.ok("db", "check")
    assert out["ok"] is True and out["integrity"] == ["ok"] and out["foreign_keys"] == []
    assert out["audit"]["ok"] is True and out["journal_mode"] == "wal"
    tamper(office.db, "PRAGMA foreign_keys = OFF; DELETE FROM cases WHERE number = '2026-00004';")
    res = office("db", "check", "--json")
    assert res.code == 1
    doc = res.json()
    assert doc["ok"] is False and doc["integrity"] == ["ok"]
    assert {p["table"] for p in doc["foreign_keys"]} == {"clocks"}
    assert [p["message"] for p in doc["audit"]["problems"]] == ["cases 2026-00004: has a history but no case row: deleted"]
    text = office("db", "check")
    assert text.code == 1 and "外键：时限 4：引用的案件行不存在" in text.out and text.err.startswith("错误：")


def damage_pages(db, first=None) -> None:
    """Overwrite part of every page from ``first`` (default: the third) to the end of the file."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    with open(db, "r+b") as f:
        for page in range(2 if first is None else first(pages), pages):
            f.seek(page * page_size + 100)
            f.write(b"\xff" * 200)


def test_damaged_file_is_one_line_error_not_a_traceback(office):
    damage_pages(office.db)
    for args in (["audit", "verify"], ["db", "check"], ["cases"]):
        res = office(*args)
        assert res.code == 1, args
        assert "Traceback" not in res.err and res.err.count("\n") >= 1


@pytest.mark.parametrize("command", [["audit"], ["audit", "verify"], ["db"], ["db", "backup"], ["db", "check"]])
def test_every_audit_and_db_command_and_option_has_help(command, blank_cli):
    import typer

    from xinfang.cli import _register_commands, app

    from xinfang.cli.localize import localize

    _register_commands()
    cmd = typer.main.get_command(app)
    localize(cmd, "zh")
    for name in command:
        cmd = cmd.commands[name]
    assert (cmd.help or "").strip()
    for param in cmd.params:
        assert (getattr(param, "help", None) or "").strip(), (command, param.name)
    res = blank_cli(*command, "--help")
    assert res.code == 0 and "用法：xinfang" in res.out
    res = blank_cli(*command, "--help", lang="en")
    assert res.code == 0 and "Usage: xinfang" in res.out
