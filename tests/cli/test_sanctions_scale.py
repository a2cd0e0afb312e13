"""The ledger counts the summons rate in SQL; the result must be what the rules make of every record.

``xinfang.ledger.sanctions.findings`` hands the rules only the cases they read and the per-month
results SQLite counted (``_month_results``). The reference here is the plain path: every case
and every clock result as records, counted by ``xinfang.rules.sanctions.month_results``. Both must
give the same findings on the demo ledger (22 months, 26 townships, summons among them), for
several days and for policies that move the summons thresholds.
"""

from __future__ import annotations

import datetime as dt

import pytest

from xinfang.cli import run
from xinfang.ledger.cases import as_case
from xinfang.ledger.db import open_ledger
from xinfang.ledger.ranking import published_months
from xinfang.ledger.sanctions import CASE_COLUMNS, _overdue, clock_results, findings
from xinfang.model import SanctionKind
from xinfang.rules.sanctions import derive_sanctions


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    assert run(["--db", str(db), "--user", "tester", "demo"]) == 0
    ledger = open_ledger(db, "tester")
    yield ledger
    ledger.conn.close()


def every_record(ledger, today: dt.date) -> list:
    """The plain path: every case and every clock result, counted by the rules."""
    cases = [as_case(r) for r in ledger.rows(f"SELECT {CASE_COLUMNS} FROM cases")]
    return derive_sanctions(published_months(ledger), cases, _overdue(ledger, today), clock_results(ledger, today),
                            ledger.policy, today)


@pytest.mark.parametrize("policy_change", [
    {},
    {"summons_on_time_rate": 0.95},  # most months below the line
    {"summons_on_time_rate": 1.5},  # every month with a result
    {"summons_on_time_rate": 0.0},  # none
    {"summons_min_cases": 0},
    {"summons_min_cases": 40},
    {"summons_on_time_rate": 2 / 3, "summons_min_cases": 3},  # a rate no float states exactly
])
@pytest.mark.parametrize("today", ["2026-11-26", "2026-03-15", "2025-07-31"])
def test_summons_counted_in_sql_equal_the_rules_over_every_record(demo, policy_change, today):
    day = dt.date.fromisoformat(today)
    demo._policy = None
    demo._policy = demo.policy._replace(**policy_change)
    try:
        mine, reference = findings(demo, day), every_record(demo, day)
    finally:
        demo._policy = None
    assert mine == reference
    if not policy_change and today == "2026-11-26":
        assert any(f.kind == SanctionKind.summons for f in mine)  # the comparison covers summons at all


@pytest.mark.parametrize("today", ["2026-11-26", "2026-03-15"])
def test_one_townships_findings_are_its_share_of_all_findings(demo, today):
    """``sanctions check`` and ``confirm``/``dismiss`` derive one township's findings from its records
    only; they must be exactly that township's part of the whole."""
    day = dt.date.fromisoformat(today)
    everything = findings(demo, day)
    townships = [t for (t,) in demo.conn.execute("SELECT name FROM townships ORDER BY ord")]
    assert len({f.township for f in everything}) > 1  # several townships have findings
    for township in townships:
        assert findings(demo, day, township=township) == [f for f in everything if f.township == township]


def test_a_sanction_of_a_township_whose_name_holds_a_colon_can_be_confirmed(blank_cli, tmp_path):
    """Decisions look up a key's township from the key (kind:township:…) to derive its findings only;
    a roster name with a ':' in it must still be found."""
    roster = tmp_path / "roster.csv"
    roster.write_text("township,area,population\n开发区:东片,东,1000\n车桥镇,西,2000\n", encoding="utf-8")
    assert blank_cli("init", "--roster", str(roster)).code == 0
    blank_cli.register(township="开发区:东片", level="city", people=6)  # collective and skip-level
    listed = blank_cli.ok("sanctions")
    key = next(s["triggers"][0]["id"] for s in listed if s["sanction"] == "admonishment")
    assert key.startswith("admonishment:开发区:东片:")
    decided = blank_cli.ok("sanctions", "confirm", "--yes", key)
    assert decided["status"] == "confirmed" and decided["township"] == "开发区:东片"


@pytest.mark.parametrize("month", ["2025-03", "2025-10", "2026-06", "2026-10", "2026-11"])
def test_one_months_findings_counted_in_sql_equal_the_rules_over_every_record(demo, month):
    """``sanctions --month`` and the bulletin count only the month's summons groups in SQL; the
    findings must be those the rules make of every record for that month."""
    day = dt.date(2026, 11, 26)
    cases = [as_case(r) for r in demo.rows(f"SELECT {CASE_COLUMNS} FROM cases")]
    reference = derive_sanctions(published_months(demo), cases, _overdue(demo, day), clock_results(demo, day),
                                 demo.policy, day, month)
    assert findings(demo, day, month) == reference
    if month == "2026-10":
        assert any(f.kind == SanctionKind.summons for f in reference)
