"""A ledger's rules as stored at init: the file as written, and beside it the document TOML reads
from it, which commands read their policy from (no TOML parser to load)."""

from __future__ import annotations

import sqlite3

from xinfang.ledger.db import open_ledger
from xinfang.policy import PARSED_KEY, default_rules_text, load_policy_text

# A district's own rules: a different collective size. Its clocks are in the file's order, which is
# not the alphabetical one, and a case's clocks are listed in it.
OWN_RULES = default_rules_text().replace("collective_people = 5", "collective_people = 3")


def _init(blank_cli, tmp_path, text: str):
    rules = tmp_path / "rules.toml"
    rules.write_text(text, encoding="utf-8")
    blank_cli.ok("init", "--rules", rules)
    return rules


def _meta(db) -> dict:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT key, value FROM meta"))


def test_the_policy_read_from_the_stored_rules_is_the_policy_of_the_rules_file(blank_cli, tmp_path):
    _init(blank_cli, tmp_path, OWN_RULES)
    meta = _meta(blank_cli.db)
    assert meta["rules"] == OWN_RULES and PARSED_KEY in meta
    policy = open_ledger(blank_cli.db, "tester").policy
    from_file = load_policy_text(OWN_RULES)
    assert policy == from_file and list(policy.clocks) == list(from_file.clocks)
    assert policy.collective_people == 3
    assert blank_cli.register(people=3)["collective"] is True


def test_a_ledger_without_the_parsed_rules_reads_its_rules_file(blank_cli, tmp_path):
    _init(blank_cli, tmp_path, OWN_RULES)
    with sqlite3.connect(blank_cli.db) as conn:  # as a ledger made before the parsed rules were kept
        conn.execute("DELETE FROM meta WHERE key = ?", (PARSED_KEY,))
    assert open_ledger(blank_cli.db, "tester").policy == load_policy_text(OWN_RULES)
    assert blank_cli.register(people=3)["collective"] is True


def test_rules_that_json_cannot_hold_are_kept_as_the_file_alone(blank_cli, tmp_path):
    text = OWN_RULES + "\n[about]\nadopted = 2026-01-01\n"  # a TOML date
    _init(blank_cli, tmp_path, text)
    assert PARSED_KEY not in _meta(blank_cli.db)
    assert blank_cli.register(people=3)["collective"] is True


def test_parsed_rules_edited_behind_the_ledger_s_back_are_named_by_the_audit(cli):
    with sqlite3.connect(cli.db) as conn:
        conn.execute("UPDATE meta SET value = replace(value, '\"collective_people\":5', '\"collective_people\":50')"
                     " WHERE key = ?", (PARSED_KEY,))
        assert conn.total_changes == 1
    res = cli("audit", "verify")
    assert res.code == 1 and "台账信息" in res.out + res.err
