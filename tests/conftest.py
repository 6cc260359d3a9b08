"""Fixtures shared by the whole suite: a private data root, a fake clock, a domain runner.

Keep each fixture small and say why it exists; area-specific fixtures live beside their tests.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ic_console.domain import events as ev
from ic_console.domain.clock import FakeClock
from ic_console.domain.commands import Command, Declare, decide
from ic_console.domain.errors import DomainError
from ic_console.domain.state import IncidentState, apply

#: Fixtures shared by several areas (`utc`, `still_cursor`), loaded the same way on every worker.
pytest_plugins = ["helpers.console"]

#: The instant every fake clock starts at: a Monday afternoon, UTC.
START = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh data root used through $IC_CONSOLE_HOME, acting as "Alex"; the user's own data
    and config are never touched."""
    root = tmp_path / "ic-home"
    monkeypatch.setenv("IC_CONSOLE_HOME", str(root))
    monkeypatch.setenv("IC_CONSOLE_USER", "Alex")
    monkeypatch.setenv("IC_CONSOLE_CONFIG", str(tmp_path / "no-config.toml"))
    yield root


@pytest.fixture
def clock() -> FakeClock:
    """A clock that moves only when a test says so."""
    return FakeClock(START)


class Runner:
    """Runs commands against an in-memory incident, as the store would, without any files.

    `run` returns the payloads written; `refused` asserts a DomainError whose message contains
    `match` and that nothing was written.
    """

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.state = IncidentState()
        self.events: list[ev.Event] = []

    def run(self, command: Command, actor: str = "Alex") -> list[ev._Payload]:
        payloads = decide(command, self.state, self.clock.now(), actor)
        ids = itertools.count(self.state.last_seq + 1)  # "e<seq>": readable in a failure
        for event in ev.envelope(
            payloads,
            after_seq=self.state.last_seq,
            at=self.clock.now(),
            actor=actor,
            role=None,
            new_id=lambda: f"e{next(ids)}",
        ):
            apply(self.state, event)
            self.events.append(event)
        return payloads

    def refused(self, command: Command, match: str, actor: str = "Alex") -> DomainError:
        before = len(self.events)
        with pytest.raises(DomainError) as caught:
            self.run(command, actor)
        assert match in caught.value.message, caught.value.message
        assert len(self.events) == before
        return caught.value


@pytest.fixture
def runner(clock: FakeClock) -> Runner:
    """A declared SEV-2 incident "inc-1" titled "Checkout errors", declared by Alex."""
    run = Runner(clock)
    run.run(Declare(incident_id="inc-1", title="Checkout errors", severity=2))
    return run
