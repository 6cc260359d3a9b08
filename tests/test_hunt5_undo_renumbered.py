"""ctrl+z takes back this console's change to its task even when a task from another laptop
took that task's number meanwhile (Sam's task 2 is task 3 once Kim's, recorded earlier on the
other laptop, arrives). It was refused, saying task 2 "changed in another terminal since (now
Kim's)": nothing had changed it, and the IC's own change could no longer be taken back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from helpers.laptops import START, declared_on_a, exchange
from ic_console.content.phrasebook import shipped_phrasebook
from ic_console.domain import commands as cmd
from ic_console.domain.clock import FakeClock
from ic_console.domain.model import TaskStatus
from ic_console.live.incident import LiveIncident, LiveSettings
from ic_console.store.incident import IncidentStore
from ic_console.store.origin import forget_cached_origins

ID = "pay"


@pytest.fixture(autouse=True)
def _fresh_origins() -> Iterator[None]:
    forget_cached_origins()
    yield
    forget_cached_origins()


@pytest.mark.parametrize(
    ("change", "undone"),
    [
        (cmd.AcknowledgeTask(number=2), lambda task: task.acknowledged_at is None),
        (cmd.CompleteTask(number=2), lambda task: task.status is TaskStatus.OPEN),
        (cmd.ExtendTask(number=2, timebox=timedelta(minutes=30)), lambda t: t.extensions == 0),
    ],
)
def test_undo_reaches_this_consoles_task_under_its_new_number(
    tmp_path: Path, change: cmd.Command, undone: object
) -> None:
    a, b, store = declared_on_a(tmp_path, ID)
    store.execute(cmd.AssignTask(owner="P1", text="page the DBA", timebox=timedelta(minutes=30)))
    exchange(a, b)
    on_b = IncidentStore.open(b, ID, clock=FakeClock(START + timedelta(minutes=1)))
    on_b.execute(cmd.AssignTask(owner="Kim", text="kim's task", timebox=timedelta(minutes=20)))

    clock = FakeClock(START + timedelta(minutes=2))
    live = LiveIncident.open(a, ID, LiveSettings(actor="Alex", clock=clock), shipped_phrasebook())
    assert live.execute(
        cmd.AssignTask(owner="Sam", text="sam's task", timebox=timedelta(minutes=5))
    ).ok
    kim_before = IncidentStore.open(b, ID, read_only=True).state.tasks[2]
    assert live.execute(change).ok
    exchange(b, a)
    live.poll()
    assert live.state.tasks[3].owner == "Sam"
    taken = live.undo()
    assert taken is not None
    _confirmation, outcome = taken
    assert outcome.ok, outcome.refused
    state = IncidentStore.open(a, ID, read_only=True).state
    sam, kim = state.tasks[3], state.tasks[2]
    assert undone(sam)  # type: ignore[operator]
    assert (kim.owner, kim.status, kim.acknowledged_at, kim.deadline) == (
        "Kim",
        kim_before.status,
        kim_before.acknowledged_at,
        kim_before.deadline,
    )
    live.close()
