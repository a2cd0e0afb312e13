"""Loading policy and reference data from ``data/`` (the only module besides the ledger that reads disk)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from xinfang.errors import Refusal
from xinfang.model import Policy, Township

if TYPE_CHECKING:
    from pathlib import Path


@cache
def data_dir() -> Path:
    """The bundled data folder: inside the installed package, or the repository's ``data/``."""
    from pathlib import Path  # lazily: a command that reads only the ledger never needs it

    here = Path(__file__).resolve().parent
    for candidate in (here / "_data", here.parent / "data"):
        if (candidate / "rules.toml").exists():
            return candidate
    raise Refusal("policy.no_data")


def load_policy_text(text: str, source: str = "rules.toml") -> Policy:
    """Parse and validate a rules document."""
    return _validated(parse_rules(text, source), source)


def parse_rules(text: str, source: str = "rules.toml") -> dict:
    """The rules document as TOML reads it; a file that is no TOML is refused naming the problem."""
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        from xinfang.errors import toml_problem

        raise Refusal("policy.toml", source=source, detail=toml_problem(exc)) from None


def _validated(raw: dict, source: str) -> Policy:
    try:
        return Policy.from_dict(raw)
    except (KeyError, ValueError, TypeError) as exc:
        raise Refusal("policy.value", source=source, detail=str(exc)) from None


# A ledger keeps its rules file as written (meta ``rules``) and, beside it, the document TOML reads
# from it as JSON (meta ``rules_parsed``, written in the same transaction at init and sealed with
# the rest of meta): a command then reads its policy without loading a TOML parser. A ledger made
# before that, or rules JSON cannot hold (a TOML date), has the text alone and is parsed from it.
PARSED_KEY = "rules_parsed"


def parsed_rules_json(text: str) -> str | None:
    """The JSON ``load_ledger_policy`` reads instead of ``text``; None when JSON would not give back
    the same document."""
    import json

    raw = parse_rules(text)
    try:
        # keys in the file's order, not sorted: a case's clocks are listed in it
        stored = json.dumps(raw, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError):
        return None
    return stored if json.loads(stored) == raw else None


def load_ledger_policy(text: str, parsed: str | None) -> Policy:
    """A ledger's policy: from its parsed rules when it has them, else from the rules text."""
    source = "ledger rules"
    if parsed is None:
        return load_policy_text(text, source=source)
    import json

    return _validated(json.loads(parsed), source)


def default_rules_text() -> str:
    return (data_dir() / "rules.toml").read_text(encoding="utf-8")


# No township or street has this many residents: a larger figure is a typing or unit mistake.
MAX_POPULATION = 10_000_000


def read_roster(path: Path | None = None) -> list[Township]:
    """Read a roster CSV (township, area, population), UTF-8 or GB18030 (GBK) as Excel saves it on
    a Chinese Windows. Raises XinfangError naming the bad row."""
    import csv
    import io

    from xinfang.errors import Refusal

    path = path or data_dir() / "roster.csv"
    try:
        raw = open(path, "rb").read()
    except OSError as exc:
        from xinfang.errors import os_problem

        raise Refusal("roster.cannot_read", path=str(path), detail=os_problem(exc)) from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            body = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise Refusal("roster.encoding", path=str(path))
    try:
        rows = list(csv.DictReader(io.StringIO(body, newline="")))
    except csv.Error as exc:
        from xinfang.errors import csv_problem

        raise Refusal("roster.unreadable", path=str(path), detail=csv_problem(exc)) from None
    townships = []
    seen: dict[str, int] = {}
    for i, row in enumerate(rows, start=2):
        try:
            name = row["township"].strip()
        except (KeyError, AttributeError):
            raise Refusal("roster.columns", row=i) from None
        written = (row.get("population") or "").strip().replace(",", "")  # 12,345 as Excel writes it
        if written and not written.isdigit():
            raise Refusal("roster.population_not_number", row=i, township=name, value=written)
        population = int(written or 0)
        if not name or population < 0:
            raise Refusal("roster.empty_row", row=i)
        if population > MAX_POPULATION:
            raise Refusal("roster.population", row=i, township=name, population=population, most=MAX_POPULATION)
        if name in seen:
            raise Refusal("roster.duplicate", row=i, township=name, first=seen[name])
        seen[name] = i
        townships.append(Township(name, (row.get("area") or "").strip(), population))
    if not townships:
        raise Refusal("roster.no_township", path=str(path))
    return townships


def read_csv_data(name: str) -> list[dict]:
    import csv

    with open(data_dir() / name, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))
