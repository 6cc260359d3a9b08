"""The scribe log pane says the numbers the board says, after two laptops' tasks merged.

Laptop A's "task 2" (Sam's) became task 3 when B's task, recorded a minute earlier, arrived.
A had acknowledged it as task 2; the log pane kept the number as recorded: "#2 acknowledged",
beside B's own task 2, so the log said task 2 was acknowledged (Kim's: it was not) and never
that Sam's task 3 was.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from helpers.laptops import START, declared_on_a, exchange
from ic_console.content.phrasebook import shipped_phrasebook
from ic_console.domain import commands as cmd
from ic_console.domain.clock import FakeClock
from ic_console.live.incident import LiveIncident, LiveSettings
from ic_console.store.incident import IncidentStore
from ic_console.store.origin import forget_cached_origins

ID = "pay"


@pytest.fixture(autouse=True)
def _fresh_origins() -> Iterator[None]:
    forget_cached_origins()
    yield
    forget_cached_origins()


def test_rows_name_tasks_and_decisions_by_their_merged_numbers(tmp_path: Path) -> None:
    a, b, store = declared_on_a(tmp_path, ID)
    store.execute(cmd.AssignTask(owner="P1", text="page the DBA", timebox=timedelta(minutes=30)))
    exchange(a, b)
    on_b = IncidentStore.open(b, ID, clock=FakeClock(START + timedelta(minutes=1)))
    on_b.execute(cmd.AssignTask(owner="Kim", text="kim's task", timebox=timedelta(minutes=20)))
    on_b.execute(cmd.ProposeDecision(text="fail over"))

    clock = FakeClock(START + timedelta(minutes=2))
    settings = LiveSettings(actor="Alex", clock=clock)
    live = LiveIncident.open(a, ID, settings, shipped_phrasebook())
    assert live.execute(
        cmd.AssignTask(owner="Sam", text="sam's task", timebox=timedelta(minutes=5))
    ).ok
    assert live.execute(cmd.AcknowledgeTask(number=2)).ok
    assert live.execute(cmd.ProposeDecision(text="roll back")).ok
    assert live.execute(cmd.AcceptDecision(number=1)).ok
    exchange(b, a)
    live.poll()
    live.execute(cmd.AddLogEntry(text="after the merge"))

    state = live.state
    assert {t.number: t.owner for t in state.tasks.values()} == {1: "P1", 2: "Kim", 3: "Sam"}
    assert {d.number: d.text for d in state.decisions.values()} == {1: "fail over", 2: "roll back"}
    texts = [row.text for row in live.rows]
    assert "#3 acknowledged" in texts, texts
    assert "#2 acknowledged" not in texts, texts
    assert any(text.startswith("#3 Sam") for text in texts), texts
    assert any(text.startswith("D2 accepted") for text in texts), texts
    assert not any(text.startswith("D1 accepted") for text in texts), texts
    live.close()
    # A console opened after the merge (the Deputy's, or this one again) says the same.
    again = LiveIncident.open(a, ID, settings, shipped_phrasebook())
    assert [row.text for row in again.rows] == texts
    again.close()
    exchange(a, b)
    on_b_console = LiveIncident.open(
        b, ID, LiveSettings(actor="Priya", clock=clock), shipped_phrasebook()
    )
    assert [row.text for row in on_b_console.rows] == texts
    on_b_console.close()
