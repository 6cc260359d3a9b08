"""Following an incident written by another terminal: by offset, torn lines, replaced files."""

from __future__ import annotations

import os
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from ic_console.domain import commands as c
from ic_console.domain.clock import FakeClock
from ic_console.domain.errors import DomainError
from ic_console.store.errors import StoreError
from ic_console.store.follow import Follower
from ic_console.store.incident import IncidentStore


class Ticker:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def pair(tmp_path: Path) -> tuple[IncidentStore, IncidentStore]:
    clock = FakeClock()
    ic = IncidentStore.create(
        tmp_path, c.Declare(incident_id="inc-1", title="Checkout errors"), clock=clock, actor="Alex"
    )
    deputy = IncidentStore.open(tmp_path, "inc-1", clock=clock, actor="Dana")
    return ic, deputy


def test_follower_sees_only_new_events(pair: tuple[IncidentStore, IncidentStore]) -> None:
    ic, deputy = pair
    follower = Follower(deputy)
    assert follower.poll().events == []
    ic.execute(c.AddLogEntry(text="Error rate at 12%"))
    ic.execute(c.AssignTask(owner="Sam", text="Check the database", timebox=timedelta(minutes=5)))
    offset_before = deputy.log.offset
    result = follower.poll()
    assert [e.type for e in result.events] == ["log.added", "participant.joined", "task.assigned"]
    assert deputy.log.offset > offset_before
    assert deputy.state.tasks[1].owner == "Sam"
    assert follower.poll().events == []


def test_both_terminals_act_and_the_loser_of_a_race_is_refused(
    pair: tuple[IncidentStore, IncidentStore],
) -> None:
    ic, deputy = pair
    ic.execute(c.AssignTask(owner="Sam", text="Check the database", timebox=timedelta(minutes=5)))
    Follower(deputy).poll()
    deputy.execute(c.CompleteTask(number=1))
    with pytest.raises(DomainError, match="already done"):
        ic.execute(c.CompleteTask(number=1))
    done = [e for e in deputy.log.path.read_text().splitlines() if '"task.done"' in e]
    assert len(done) == 1
    assert ic.state.tasks[1].status.value == "done"  # the loser caught up while refusing


def test_partial_line_waits_for_the_writer_then_is_recovered(
    pair: tuple[IncidentStore, IncidentStore],
) -> None:
    ic, deputy = pair
    ticker = Ticker()
    follower = Follower(deputy, grace=2.0, monotonic=ticker)
    with open(ic.events_path, "ab") as handle:
        handle.write(b'{"v":1,"seq":3,"id":"half-writ')
    assert follower.poll().events == []
    ticker.now = 1.0
    assert not follower.poll().reloaded
    assert not list(ic.directory.glob("events.torn-*"))
    ticker.now = 2.5
    result = follower.poll()
    assert result.reloaded
    assert any("incomplete" in notice.message for notice in result.notices)
    assert len(list(ic.directory.glob("events.torn-*"))) == 1
    assert ic.events_path.read_bytes().endswith(b"\n")
    # and the writer carries on where the whole lines end
    ic.execute(c.AddLogEntry(text="still here"))
    assert [e.type for e in follower.poll().events] == ["log.added"]


def test_replaced_log_is_read_again_from_the_start(
    pair: tuple[IncidentStore, IncidentStore],
) -> None:
    ic, deputy = pair
    ic.execute(c.AddLogEntry(text="one"))
    follower = Follower(deputy)
    follower.poll()
    copy = ic.events_path.with_name("copy.jsonl")
    shutil.copy(ic.events_path, copy)
    os.replace(copy, ic.events_path)
    result = follower.poll()
    assert result.reloaded
    assert [entry.text for entry in deputy.state.log] == ["one"]


def test_removed_directory_is_a_clear_error(
    pair: tuple[IncidentStore, IncidentStore], tmp_path: Path
) -> None:
    ic, deputy = pair
    follower = Follower(deputy)
    ic.directory.rename(tmp_path / "elsewhere")
    with pytest.raises(StoreError, match="removed or renamed"):
        follower.poll()
    with pytest.raises(StoreError, match="removed or renamed"):
        deputy.execute(c.AddLogEntry(text="lost?"))
    assert not ic.directory.exists()
