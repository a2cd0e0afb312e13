"""A published month's townships as rows of their own (``published_scores``): written with the
publication, built for the months a ledger published before it had them, held by the audit to the
published rankings."""

from __future__ import annotations

import sqlite3

from xinfang.ledger import schema


def _publish(cli, month: str, today: str) -> dict:
    return cli.ok("rank", "--month", month, "--publish", "--yes", today=today)


def _row(doc: dict, township: str) -> dict:
    return next(r for r in doc["rows"] if r["township"] == township)


def _scores(db) -> dict:
    with sqlite3.connect(db) as conn:
        return {(m, t): (s, b) for m, t, s, b in conn.execute("SELECT month, township, score, bottom FROM published_scores")}


def test_a_publication_writes_each_township_s_score_and_bottom_mark(cli):
    cli.register(received="2026-07-20", township="车桥镇", level="city")
    doc = _publish(cli, "2026-07", today="2026-08-05")
    scores = _scores(cli.db)
    assert scores == {("2026-07", r["township"]): (r["score"], int(r["bottom"])) for r in doc["rows"]}
    assert scores[("2026-07", "车桥镇")] == (2, 1) and len(scores) == len(doc["rows"])


def test_a_ledger_published_before_the_scores_were_kept_compares_and_sanctions_as_before(cli):
    numbers = [cli.register(received=f"2026-{month}-10", township="车桥镇", level="city")["case"]
               for month in ("06", "07", "08")]
    for month, today in (("06", "2026-07-05"), ("07", "2026-08-05"), ("08", "2026-09-05")):
        _publish(cli, f"2026-{month}", today=today)
    cli.ok("correct", numbers[-1], "--level", "district", "--reason", "登记层级有误")
    with sqlite3.connect(cli.db) as conn:  # as the ledger was before migration 0016
        conn.executescript("DROP TRIGGER published_months_scores; DROP TABLE published_scores;"
                           "DELETE FROM _sqlite_migrations WHERE name = '0016_published_scores';"
                           f"PRAGMA user_version = {schema.MIGRATION_COUNT - 1};")
    september = cli.ok("rank", "--month", "2026-09", today="2026-10-02")  # opening it upgrades it
    assert _row(september, "车桥镇")["prev_score"] == 2  # the frozen August, not the corrected 1
    assert len(_scores(cli.db)) == 3 * len(september["rows"])
    listed = cli.ok("sanctions", today="2026-09-10")
    veto = next(s for s in listed if s["id"] == "veto:车桥镇")  # three published months in the bottom group
    assert veto["months"] == ["2026-06", "2026-07", "2026-08"] and veto["status"] == "in_force"
    audit = cli("audit", "verify", "--json")
    assert audit.code == 0 and audit.json()["checked"]["published_scores"] == 3 * len(september["rows"])


def test_a_published_score_changed_behind_the_ledger_s_back_is_named_by_the_audit(cli):
    cli.register(received="2026-07-20", township="车桥镇", level="city")
    _publish(cli, "2026-07", today="2026-08-05")
    with sqlite3.connect(cli.db) as conn:
        conn.execute("UPDATE published_scores SET score = 0, bottom = 0 WHERE township = '车桥镇'")
    res = cli("audit", "verify")
    assert res.code == 1
    assert "已公布得分" in res.out and "得分 0、后位标记 0，但公布的排名为 2、1" in res.out


def test_a_decimal_published_score_is_compared_as_published(blank_cli, tmp_path):
    """Scores per 10,000 residents are decimals, a whole one too (0.0): a later month compares
    with each exactly as the ranking published it."""
    import json

    from xinfang.policy import default_rules_text

    rules = tmp_path / "rules.toml"
    rules.write_text(default_rules_text().replace("per_10k_residents = false", "per_10k_residents = true"),
                     encoding="utf-8")
    blank_cli.ok("init", "--rules", rules)
    blank_cli.register(received="2026-07-20", township="车桥镇", level="city")
    july = _publish(blank_cli, "2026-07", today="2026-08-05")
    august = blank_cli.ok("rank", "--month", "2026-08", today="2026-09-02")
    published = {r["township"]: json.dumps(r["score"]) for r in july["rows"]}
    assert {r["township"]: json.dumps(r["prev_score"]) for r in august["rows"]} == published
    assert published["车桥镇"] != "0.0" and "0.0" in published.values()
