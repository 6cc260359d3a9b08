"""The log pane's rows cache: the console opens on it and describes only the tail (issue 13.5)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ic_console.content.phrasebook import shipped_phrasebook
from ic_console.domain import commands as c
from ic_console.domain.clock import FakeClock
from ic_console.domain.events import Event
from ic_console.domain.log_rows import LogRow, event_rows
from ic_console.live.incident import LiveIncident, LiveSettings
from ic_console.store import rows_cache
from ic_console.store.eventlog import EventLog
from ic_console.store.paths import event_files
from ic_console.synthetic import write_busy_incident

ID = "rows"
START = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


def _replayed_rows(directory: Path) -> list[LogRow]:
    """The pane's rows built from the whole log, as a console without the cache builds them."""
    events: list[Event] = []
    (path,) = event_files(directory)
    EventLog(path).read_new(events.extend)
    return event_rows(events)


def _open(home: Path, *, read_only: bool = False) -> LiveIncident:
    # A day after the incident: no event is ahead of this clock (no "clock is fast" rows).
    settings = LiveSettings(
        actor="Alex", clock=FakeClock(START + timedelta(days=1)), read_only=read_only
    )
    return LiveIncident.open(home, ID, settings, shipped_phrasebook())


@pytest.fixture
def incident(home: Path) -> Path:
    """A 600-event incident of every kind; a console opened and closed it (the cache written)."""
    directory = write_busy_incident(home, ID, 600, start=START)
    live = _open(home)
    assert not (directory / rows_cache.ROWS_FILE).exists()
    live.close()
    assert (directory / rows_cache.ROWS_FILE).exists()
    return directory


def _append_tail(home: Path) -> int:
    """Events whose words need the past, across the cache's end: an objection before it and the
    acceptance after it, a task's deadline before it and its extension after it. The seq the
    cache covers."""
    live = _open(home)
    assert live.execute(c.ProposeDecision(text="Roll back the deploy")).ok
    decision = live.state.open_decisions()[0].number
    assert live.execute(c.RaiseObjection(number=decision, text="too risky", by="Responder 4")).ok
    live.close()  # the cache now ends with the objection
    covered = live.state.last_seq
    live = _open(home)
    assert live.log.cached_seq == covered
    task = live.state.open_tasks()[0].number
    for command in (
        c.AddLogEntry(text="tail entry one"),
        c.ExtendTask(number=task, timebox=timedelta(minutes=10)),
        c.AcceptDecision(number=decision),
        c.ReassignTask(number=task, owner="Responder 3"),
        c.Join(name="Late Joiner"),
        c.Handover(name="Responder 5"),
        c.AddLogEntry(text="tail entry two"),
    ):
        assert live.execute(command).ok, command
    # Leave without closing: the cache stays as it was, behind the log.
    live.leave()
    return covered


def test_rows_from_the_cache_equal_a_full_replay_with_a_tail(home: Path, incident: Path) -> None:
    cached = rows_cache.read_rows(incident)
    assert cached is not None and cached.seq == 600
    covered = _append_tail(home)
    live = _open(home, read_only=True)
    assert live.store.state.last_seq == covered + 7
    assert live.log.cached_seq == covered  # opened on the cache, not by a replay
    replayed = _replayed_rows(incident)
    assert live.rows == replayed
    # The tail's words need the past (who objected, the old deadline): described without the
    # cached narrator's memory they would differ, so the comparison above can fail.
    events: list[Event] = []
    (path,) = event_files(incident)
    EventLog(path).read_new(events.extend)
    assert event_rows(events[covered:]) != replayed[covered:]
    assert not live.take_notices()


def test_rows_stay_right_as_the_log_grows_after_a_cached_open(home: Path, incident: Path) -> None:
    live = _open(home)
    assert live.log.cached_seq == 600
    assert live.execute(c.AddLogEntry(text="after the open")).ok
    live.poll()
    assert live.rows == _replayed_rows(incident)
    live.close()  # the cache is written again, covering the new entry
    cached = rows_cache.read_rows(incident)
    assert cached is not None and cached.rows == _replayed_rows(incident)


@pytest.mark.parametrize("where", ["header", "rows"])
def test_a_damaged_cache_is_ignored_with_a_notice(home: Path, incident: Path, where: str) -> None:
    path = incident / rows_cache.ROWS_FILE
    data = bytearray(path.read_bytes())
    at = 20 if where == "header" else data.index(b"\n") + 40
    data[at] ^= 0x01
    path.write_bytes(bytes(data))
    live = _open(home, read_only=True)
    assert live.log.cached_seq == 0  # rebuilt from the whole log
    assert live.rows == _replayed_rows(incident)
    notices = [n.message for n in live.take_notices()]
    assert any("log.rows is damaged" in n for n in notices), notices


def _write_lie(incident: Path, lie: str, at: int) -> None:
    """Rewrite the cache with row `at` lying, its checksums right (written by anyone)."""
    cached = rows_cache.read_rows(incident)
    assert cached is not None
    bad = [*cached.rows]
    row = bad[at]
    if lie == "kind":
        bad[at] = LogRow(row.seq, row.recorded_at, row.author, "nonsense", "x")
    elif lie == "naive time":
        bad[at] = LogRow(row.seq, row.recorded_at.replace(tzinfo=None), row.author, row.kind, "x")
    else:
        bad[at], bad[at + 1] = bad[at + 1], bad[at]
    store_log = EventLog(cached.log_path)
    store_log.offset, store_log.lines, store_log.last_seq = cached.offset, cached.lines, cached.seq
    assert rows_cache.write_rows(incident, bad, cached.narrator, log=store_log)


@pytest.mark.parametrize(
    ("lie", "why"),
    [
        ("kind", "not a row of the log"),
        ("naive time", "timezone"),
        ("order", "not in the log's order"),
    ],
)
def test_rows_that_lie_at_the_end_are_refused(
    home: Path, incident: Path, lie: str, why: str
) -> None:
    """The last rows (the screen the console opens on) are checked when the cache is read."""
    _write_lie(incident, lie, -4)
    with pytest.raises(rows_cache.SnapshotUnusable, match=why):
        rows_cache.read_rows(incident)
    live = _open(home, read_only=True)
    assert live.rows == _replayed_rows(incident)
    assert any("damaged" in n.message for n in live.take_notices())


@pytest.mark.parametrize("lie", ["kind", "naive time"])
def test_a_row_that_lies_further_up_is_shown_as_unreadable_and_the_cache_dropped(
    home: Path, incident: Path, lie: str
) -> None:
    """Rows above the checked tail are checked when decoded: a row that fails is a row saying
    so (never a crash), and closing the console drops the cache, so the next one rebuilds it."""
    assert len(_replayed_rows(incident)) > rows_cache.CHECKED_TAIL + 10
    _write_lie(incident, lie, 3)
    live = _open(home)
    assert live.log.cached_seq == 600  # opened on the cache
    assert "could not be read" in live.rows[3].text
    assert live.rows[4] == _replayed_rows(incident)[4]
    live.close()
    assert not (incident / rows_cache.ROWS_FILE).exists()
    again = _open(home)
    assert again.log.cached_seq == 0
    assert again.rows == _replayed_rows(incident)
    again.close()
    assert rows_cache.read_rows(incident) is not None


def test_a_stale_cache_is_ignored_quietly(home: Path, incident: Path) -> None:
    """The log cut back below what the cache covers: stale, ignored without a notice."""
    (log_path,) = event_files(incident)
    data = log_path.read_bytes()
    cut = data.rindex(b"\n", 0, len(data) - 1) + 1
    os.truncate(log_path, cut)
    with pytest.raises(rows_cache.SnapshotUnusable) as raised:
        rows_cache.read_rows(incident)
    assert not raised.value.damaged
    live = _open(home, read_only=True)
    assert live.log.cached_seq == 0
    assert live.rows == _replayed_rows(incident)
    assert not any("log.rows" in n.message for n in live.take_notices())


def test_a_cache_of_another_log_is_not_used(home: Path, incident: Path) -> None:
    """The log replaced by another incident's of the same length: stale, never trusted."""
    (log_path,) = event_files(incident)
    other = write_busy_incident(home / "other", ID, 600, start=START + timedelta(hours=1))
    (other_log,) = event_files(other)
    log_path.write_bytes(other_log.read_bytes())
    with pytest.raises(rows_cache.SnapshotUnusable):
        rows_cache.read_rows(incident)
    live = _open(home, read_only=True)
    assert live.log.cached_seq == 0
    assert live.rows == _replayed_rows(incident)


def test_rows_beside_events_survive_the_cache(home: Path) -> None:
    """A console whose clock is behind the log shows "clock is fast" once, beside its event; a
    console opened on the cache shows the same rows, and does not say it again."""
    write_busy_incident(home, ID, 300, start=START)
    settings = LiveSettings(actor="Alex", clock=FakeClock(START), read_only=False)
    first = LiveIncident.open(home, ID, settings, shipped_phrasebook())
    assert first.execute(c.AddLogEntry(text="stamped ahead of this clock")).ok
    first.poll()
    shown = list(first.rows)
    assert sum("clock is" in row.text for row in shown) == 1
    first.close()
    again = LiveIncident.open(home, ID, settings, shipped_phrasebook())
    assert again.log.cached_seq == 301
    assert again.rows == shown
    assert again.execute(c.AddLogEntry(text="after the open")).ok
    again.poll()
    assert sum("clock is" in row.text for row in again.rows) == 1
    again.leave()
