"""Golden test: a fixed script of ``xinfang`` commands must keep producing exactly today's outcome.

``tests/golden/script.py`` holds the script (two scenarios: a fresh ledger from ``xinfang init``, and
the demo ledger from ``xinfang demo``). Each command runs as its own subprocess (``python -m xinfang``,
so the console entry point itself is under test) in a scratch folder, with a fixed ``--today``,
``--user tester`` and a clean environment (``LANG=C.UTF-8``, ``COLUMNS=100``, ``TZ=UTC``; output is a
pipe, where xinfang draws its tables 200 columns wide). What each command did — exit code, stdout,
stderr, every file it wrote (xlsx as sheet names and cell values) — is compared with
``tests/golden/expected/<scenario>/NN-<step>.txt``; ``zz-ledgers.txt`` holds what the ledgers contain
at the end. Only the run-to-run noise is normalised: history timestamps, the 64-hex hashes built on
them, and the scratch folder's path (see ``tests.golden.script.normalise``).

A mismatch fails on the first differing command, with a unified diff (one-line JSON documents are
also shown indented, to make the diff readable; the comparison itself is exact).

To record new expected outcomes::

    XINFANG_GOLDEN_UPDATE=1 python -m pytest tests/test_golden.py

This rewrites the expected files (and removes those of steps no longer in the script). A change that
is meant to leave behaviour alone must leave them untouched; a change of behaviour updates them on
purpose, and its diff of ``tests/golden/expected/`` shows exactly what users will see differently.
"""

from __future__ import annotations

import difflib
import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.golden.script import SCENARIOS, run_scenario

EXPECTED = Path(__file__).parent / "golden" / "expected"
UPDATE = os.environ.get("XINFANG_GOLDEN_UPDATE") == "1"


@pytest.fixture(scope="session")
def golden_records(tmp_path_factory) -> dict[str, list[tuple[str, str]]]:
    """Both scenarios, run once per session, side by side (each is a sequence of subprocesses)."""
    dirs = {name: tmp_path_factory.mktemp(f"golden-{name}") for name in SCENARIOS}
    with ThreadPoolExecutor(max_workers=len(SCENARIOS)) as pool:
        futures = {name: pool.submit(run_scenario, name, d) for name, d in dirs.items()}
        return {name: f.result() for name, f in futures.items()}


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_golden_script(golden_records, scenario):
    records = golden_records[scenario]
    folder = EXPECTED / scenario
    if UPDATE:
        _write(folder, records)
        return
    expected_names = sorted(p.stem for p in folder.glob("*.txt"))
    names = [n for n, _ in records]
    assert expected_names == sorted(names), (
        f"the steps of scenario {scenario!r} and the files in {folder} differ: "
        f"missing {sorted(set(names) - set(expected_names))}, stale {sorted(set(expected_names) - set(names))}; "
        "run with XINFANG_GOLDEN_UPDATE=1 to record them")
    for name, record in records:
        want = (folder / f"{name}.txt").read_bytes().decode("utf-8")
        got = record + "\n"
        if got != want:
            pytest.fail(f"{scenario}/{name}: the outcome differs from {folder / name}.txt\n"
                        f"{record.splitlines()[0]}\n{_diff(want, got, name)}", pytrace=False)


def _write(folder: Path, records: list[tuple[str, str]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    keep = {f"{name}.txt" for name, _ in records}
    for stale in folder.glob("*.txt"):
        if stale.name not in keep:
            stale.unlink()
    for name, record in records:
        (folder / f"{name}.txt").write_bytes((record + "\n").encode("utf-8"))


def _diff(want: str, got: str, name: str, limit: int = 200) -> str:
    lines = list(difflib.unified_diff(_readable(want), _readable(got), f"expected/{name}", f"now/{name}", lineterm=""))
    if not lines:  # the texts differ where lines cannot show it (a line ending): show the place
        at = next(i for i, (a, b) in enumerate(zip(want + "\0", got + "\0")) if a != b)
        lines = [f"first difference at character {at}: expected {want[at - 40:at + 40]!r}, now {got[at - 40:at + 40]!r}"]
    if len(lines) > limit:
        lines = lines[:limit] + [f"... ({len(lines) - limit} more diff lines)"]
    return "\n".join(lines)


def _readable(text: str) -> list[str]:
    """Lines for the diff: a line that is one JSON document is shown indented, so a change inside a
    long document is a small diff (only for display; the test compares the exact text)."""
    out = []
    for line in text.splitlines():
        if line[:1] in "{[" and len(line) > 100:
            try:
                out += json.dumps(json.loads(line), ensure_ascii=False, indent=1).splitlines()
                continue
            except ValueError:
                pass
        out.append(line)
    return out
