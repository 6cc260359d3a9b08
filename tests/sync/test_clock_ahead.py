"""A peer's event clock far ahead of this laptop's is refused (the hunt's forged `hlc`): every
event written after seeing a clock carries at least that clock, so one line with a clock of
10**18 ms, by a broken clock or by hand, was carried by every laptop's events from then on, and
the review blamed an honest laptop ("Alex's clock is 16666636731330 minutes fast")."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from helpers.peer_files import PEER, local_incident, peer_file
from ic_console.domain import commands as cmd
from ic_console.domain.hlc import wall_ms
from ic_console.domain.model import LogKind
from ic_console.store.incident import IncidentStore
from ic_console.store.paths import event_files
from ic_console.store.replica import MAX_CLOCK_AHEAD_MS, PeerRefused, accept_peer_file


@pytest.fixture
def store(tmp_path: Path) -> IncidentStore:
    return local_incident(tmp_path, datetime.now(UTC).replace(microsecond=0))


@pytest.mark.parametrize("ahead", [10**18, None])
def test_a_clock_far_ahead_is_refused_and_nothing_is_taken(
    store: IncidentStore, tmp_path: Path, ahead: int | None
) -> None:
    now = datetime.now(UTC)
    honest = wall_ms(now)
    forged = ahead if ahead is not None else honest + MAX_CLOCK_AHEAD_MS + 3_600_000 * 5
    before = [path.read_bytes() for path in event_files(store.directory)]
    with pytest.raises(PeerRefused) as refused:
        accept_peer_file(
            tmp_path, "checkout", PEER, peer_file([(now, honest), (now, forged)], LogKind.STATUS)
        )
    message = str(refused.value)
    assert "line 2 carries a clock" in message and "hours ahead of this laptop's" in message
    assert "Nothing was changed" in message
    assert [path.read_bytes() for path in event_files(store.directory)] == before
    # This laptop's next event carries its own clock, not the forged one.
    again = IncidentStore.open(tmp_path, "checkout", actor="Alex")
    again.execute(cmd.AddLogEntry(text="still here"))
    assert again.state.hlc[0] < honest + MAX_CLOCK_AHEAD_MS


def test_a_clock_a_little_ahead_is_taken(store: IncidentStore, tmp_path: Path) -> None:
    """A laptop whose clock runs an hour fast still syncs (the review says its clock is fast)."""
    now = datetime.now(UTC)
    fast = wall_ms(now + timedelta(hours=1))
    accepted = accept_peer_file(
        tmp_path, "checkout", PEER, peer_file([(now, fast)], LogKind.STATUS)
    )
    assert accepted.added == 1
    assert time.time() * 1000 < fast
