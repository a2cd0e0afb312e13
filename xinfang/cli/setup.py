"""init and townships: creating a ledger and reading its roster."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from xinfang.cli import STATE, CsvOpt, JsonOpt, app, fmt
from xinfang.errors import Refusal


@app.command()
def init(
    roster: Annotated[Optional[Path], typer.Option("--roster")] = None,
    rules: Annotated[Optional[Path], typer.Option("--rules")] = None,
    json_: JsonOpt = False,
):
    """Create a new ledger (登记台账) with the roster and the policy. Refuses to touch an existing file."""
    from xinfang.ledger.db import ledger_path
    from xinfang.policy import default_rules_text, load_policy_text, read_roster

    path = ledger_path(STATE.db)
    if path.exists():
        raise Refusal("init.exists", "--db", path=str(path))
    townships = read_roster(roster)
    if rules is not None:
        try:
            rules_text = rules.read_text(encoding="utf-8")
        except OSError as exc:
            from xinfang.errors import os_problem

            raise Refusal("init.rules_unreadable", "--rules", rules=str(rules), problem=os_problem(exc)) from None
        except UnicodeDecodeError:  # not a text file (a ledger given by mistake), or not UTF-8
            from xinfang.model import Message

            raise Refusal("init.rules_unreadable", "--rules", rules=str(rules),
                          problem=Message.of("import.not_encoding", encoding="UTF-8")) from None
    else:
        rules_text = default_rules_text()
    load_policy_text(rules_text, source=str(rules or "rules.toml"))
    result = create_ledger(path, townships, rules_text)
    from xinfang.messages import text as words
    from xinfang.output import emit

    emit(result, fmt(json_), STATE.lang,
         message=words("init.done", STATE.lang, path=path, n=len(townships)))


def create_ledger(path: Path, townships, rules_text: str) -> dict:
    """Create, migrate and fill a ledger file; on any failure the half-made file is removed."""
    from xinfang.ledger.reference import load_reference_data
    from xinfang.policy import PARSED_KEY, parsed_rules_json

    try:
        ledger = STATE.open(create=True)
        with ledger.write():
            ledger.conn.execute("INSERT INTO meta (key, value) VALUES ('rules', ?)", (rules_text,))
            parsed = parsed_rules_json(rules_text)
            if parsed is not None:
                ledger.conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (PARSED_KEY, parsed))
            load_reference_data(ledger, townships)
            ledger.event("init", note=f"{len(townships)} townships")
            ledger.touch("meta", "townships", "units", "categories", "points")
        ledger.conn.close()
    except BaseException:
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        raise
    return {"db": str(path), "townships": len(townships)}


@app.command()
def townships(json_: JsonOpt = False, csv_: CsvOpt = False):
    """List the roster: townships and streets, their area (片区) and population."""
    from xinfang.output import emit

    ledger = STATE.open()
    rows = [{"township": t.name, "area": t.area, "population": t.population} for t in ledger.ref.townships]
    emit(rows, fmt(json_, csv_), STATE.lang, columns=["township", "area", "population"])


@app.command()
def units(json_: JsonOpt = False, csv_: CsvOpt = False):
    """List the units a case can be assigned to: the roster's townships and the departments."""
    from xinfang.output import emit

    ledger = STATE.open()
    from xinfang.messages import text

    township, department = text("unit.kind.township", STATE.lang), text("unit.kind.department", STATE.lang)
    rows = [{"unit": t, "kind": township} for t in ledger.ref.township_names]
    rows += [{"unit": u, "kind": department} for u in ledger.ref.units]
    emit(rows, fmt(json_, csv_), STATE.lang, columns=["unit", "kind"])
