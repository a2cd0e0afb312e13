"""The ledger-layer tests' shared fixture: a freshly initialised ledger, opened as the commands open it."""

from __future__ import annotations

import pytest


@pytest.fixture
def ledger(tmp_path, capsys):
    """A ledger made by ``xinfang init`` (bundled roster and policy), open for the test."""
    from tests.conftest import CLI
    from xinfang.ledger.db import open_ledger

    cli = CLI(tmp_path / "ledger.db", capsys)
    assert cli("init").code == 0
    led = open_ledger(cli.db, "tester")
    yield led
    led.conn.close()
