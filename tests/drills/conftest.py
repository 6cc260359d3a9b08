"""Fixtures for the drill tests: a private world (no user config, content or data), UTC, a still
cursor, and a small scenario whose figures are computed by hand in the tests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ic_console.content.scenarios import Scenario, parse_scenario

#: Where every fake clock of these tests starts.
START = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)

#: A short scenario: Jordan joins and reports, acknowledges a task once given one and reports
#: back three minutes later; Morgan (an executive) asks for an ETA at six minutes.
SCENARIO = """\
id = "small-failover"
title = "Small failover"
severity = 2
briefing = "The database failover stalled."

[[people]]
name = "Jordan"
about = "database on-call"

[[people]]
name = "Morgan"
about = "VP of engineering"

[[injects]]
at = "1m"
by = "Jordan"
kind = "join"

[[injects]]
at = "2m"
by = "Jordan"
kind = "report"
text = "Replica lag is 40 s and growing."

[[injects]]
when = "assigned"
at = "30s"
by = "Jordan"
kind = "ack"

[[injects]]
when = "assigned"
at = "3m"
by = "Jordan"
kind = "report"
text = "Lag is down to 8 s."

[[injects]]
at = "6m"
by = "Morgan"
kind = "ask"
text = "What's the ETA?"
"""


@pytest.fixture(autouse=True)
def _private_world(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, utc: None, still_cursor: None
) -> Iterator[None]:
    monkeypatch.setenv("IC_CONSOLE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("IC_CONSOLE_CONFIG", str(tmp_path / "config" / "config.toml"))
    monkeypatch.setenv("IC_CONSOLE_USER", "Alex")
    yield


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


@pytest.fixture
def scenario(tmp_path: Path) -> Scenario:
    path = tmp_path / "small.toml"
    path.write_text(SCENARIO)
    return parse_scenario(path)
