"""The console's first open without a rows cache (`store.prefix_rows`): the rows of what the state
snapshot covers come from its lines without checking them again, and equal, row for row, the
rows of the full read (every line checked and every event described by the pane's `LogRows`),
whatever the lines hold: every kind of event, times in other shapes, lines only the full schema
reads, a tail after the snapshot, a replica's clock far ahead."""

from __future__ import annotations

import contextlib
import json
import os
import zlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ic_console.content.phrasebook import shipped_phrasebook
from ic_console.domain import commands as c
from ic_console.domain.clock import FakeClock
from ic_console.domain.errors import DomainError
from ic_console.domain.log_rows import LogRow
from ic_console.domain.model import LogKind
from ic_console.domain.state import IncidentState
from ic_console.live import incident as live_incident
from ic_console.live.incident import LiveIncident, LiveSettings, LogRows
from ic_console.store import prefix_rows, rows_cache
from ic_console.store.incident import IncidentStore
from ic_console.store.origin import peek_origin
from ic_console.store.paths import event_files
from ic_console.synthetic import write_busy_incident

ID = "prefix"
START = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
#: The console's clock: a day after the incident began.
NOW = START + timedelta(days=1)


def _full_read(home: Path) -> list[LogRow]:
    """The rows as the console built them before: the store hands every event of the log to
    the pane's `LogRows` (every line checked, every event described, numbered, clocks told)."""
    log = LogRows(FakeClock(NOW), mine=peek_origin(home))
    store = IncidentStore.open(home, ID, actor="Alex", read_only=True, on_events=log.collect)
    log.attach(lambda: store.state)
    return list(log.rows)


def _console(home: Path) -> LiveIncident:
    settings = LiveSettings(actor="Alex", clock=FakeClock(NOW), read_only=True)
    return LiveIncident.open(home, ID, settings, shipped_phrasebook())


def _rewrite(line: bytes, change: dict[str, Any]) -> bytes:
    """`line` with members of its payload (`data`) or envelope changed, checksummed again as the
    writer does, so the log reads as valid."""
    event = json.loads(line)
    del event["crc"]
    for key, value in change.items():
        if key.startswith("data."):
            event["data"][key[5:]] = value
        else:
            event[key] = value
    body = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()
    return body[:-1] + b',"crc":"%08x"}\n' % zlib.crc32(body)


#: Scribe lines in shapes other than the writer's, each as valid to the schema: the same instant
#: written with an offset, seven digits of a second, a time given as a Unix number.
SHAPES: dict[str, dict[str, Any]] = {
    "offset": {"at": "2026-11-23T15:00:07+01:00"},
    "seven digits": {"at": "2026-11-23T14:00:07.1234567Z"},
    "unix number": {"data.occurred_at": 1795437600},
    "zone in the past": {"data.occurred_at": "2026-11-23T09:30:00-04:30"},
}


def _reshape(directory: Path, picks: list[tuple[int, str]]) -> None:
    (path,) = event_files(directory)
    lines = path.read_bytes().splitlines(keepends=True)
    scribe = [i for i, line in enumerate(lines) if b'"type":"log.added"' in line]
    for pick, shape in picks:
        at = scribe[pick % len(scribe)]
        lines[at] = _rewrite(lines[at], SHAPES[shape])
    path.write_bytes(b"".join(lines))


@pytest.fixture
def taken(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each console open took its rows from the prefix (True) or read all (False)."""
    seen: list[bool] = []
    original = live_incident.rows_of_prefix

    def spy(*args: Any) -> Any:
        result = original(*args)
        seen.append(result is not None)
        return result

    monkeypatch.setattr(live_incident, "rows_of_prefix", spy)
    return seen


Step = Callable[[IncidentState], c.Command]


def _newest(state: IncidentState) -> int:
    return max(state.tasks, default=1)


def _commands(count: int, step: int) -> list[Step]:
    """Log lines (some noticed late), tasks given, extended and done, a decision: events whose
    words depend on earlier ones (the narrator's memory) as well as plain entries. Each is made
    from the state it runs on (the newest task)."""
    out: list[Step] = []
    for n in range(count):
        late = START + timedelta(hours=1, minutes=n)
        box = timedelta(minutes=n + 1)
        match (n + step) % 6:
            case 0:
                out.append(
                    lambda _s, n=n: c.AssignTask(
                        owner="Responder 1", text=f"check {n}", timebox=timedelta(minutes=5)
                    )
                )
            case 1:  # a plain entry between a task and its change of deadline
                out.append(lambda _s, n=n: c.AddLogEntry(text=f"note {n} ✓ «quoted»"))
            case 2:  # its words say how far the deadline moved: the narrator's memory
                out.append(lambda s, box=box: c.ExtendTask(number=_newest(s), timebox=box))
            case 3:
                out.append(
                    lambda _s, n=n, late=late: c.AddLogEntry(
                        text=f"late {n}", kind=LogKind.ACTION, occurred_at=late
                    )
                )
            case 4:
                out.append(lambda s: c.CompleteTask(number=_newest(s)))
            case _:
                out.append(lambda _s, n=n: c.ProposeDecision(text=f"roll back {n}"))
    return out


def _run(home: Path, steps: list[Step], at: datetime) -> None:
    store = IncidentStore.open(home, ID, actor="Alex", clock=FakeClock(at))
    for make in steps:
        with contextlib.suppress(DomainError):  # a task already done, say
            store.execute(make(store.state))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    events=st.integers(min_value=20, max_value=300),
    picks=st.lists(
        st.tuples(st.integers(min_value=0, max_value=10_000), st.sampled_from(sorted(SHAPES))),
        max_size=6,
    ),
    before=st.integers(min_value=0, max_value=12),
    after=st.integers(min_value=0, max_value=12),
    step=st.integers(min_value=0, max_value=4),
)
def test_rows_of_the_prefix_equal_the_full_read(
    tmp_path_factory: pytest.TempPathFactory,
    taken: list[bool],
    events: int,
    picks: list[tuple[int, str]],
    before: int,
    after: int,
    step: int,
) -> None:
    taken.clear()  # one fixture for every example
    home = tmp_path_factory.mktemp("home")
    directory = write_busy_incident(home, ID, events, start=START)
    _reshape(directory, picks)
    _run(home, _commands(before, step), START + timedelta(hours=2))
    assert IncidentStore.open(home, ID, actor="Alex").write_snapshot()
    _run(home, _commands(after, step + 1), START + timedelta(hours=3))  # the tail
    assert not (directory / rows_cache.ROWS_FILE).exists()

    live = _console(home)
    assert taken == [True]
    assert isinstance(live.rows.base, list)  # not a rows cache: the prefix's rows
    assert list(live.rows) == _full_read(home)


def test_lines_another_replica_wrote_are_left_to_the_full_read(
    home: Path, tmp_path: Path, taken: list[bool]
) -> None:
    """The full read tells another replica's clock running fast (or behind) as a row, once
    (`merged.clocks_ahead`). A single log holding another replica's lines (a folder copied from
    another laptop under the log's name from before replication) is read whole, and its rows
    are the full read's, that row included."""
    other = tmp_path / "other"
    other.mkdir(mode=0o700)
    write_busy_incident(other, ID, 60, start=START)
    _run(other, _commands(6, 0), NOW + timedelta(hours=1))  # an hour ahead of this console
    (written,) = event_files(other / "incidents" / ID)
    directory = home / "incidents" / ID
    directory.mkdir(mode=0o700, parents=True)
    (directory / "events.jsonl").write_bytes(written.read_bytes())
    os.chmod(directory / "events.jsonl", 0o600)
    assert IncidentStore.open(home, ID, actor="Alex").write_snapshot()
    rows = _full_read(home)
    assert any("clock is" in row.text and "fast" in row.text for row in rows)
    live = _console(home)
    assert taken == [False]
    assert list(live.rows) == rows
    assert not (directory / rows_cache.ROWS_FILE).exists()


def test_without_a_snapshot_or_with_a_stale_one_the_log_is_read_whole(
    home: Path, taken: list[bool]
) -> None:
    directory = write_busy_incident(home, ID, 80, start=START)
    assert prefix_rows.rows_of_prefix(directory, None, live_incident.Narrator(), list) is None
    assert IncidentStore.open(home, ID, actor="Alex").write_snapshot()
    (path,) = event_files(directory)
    lines = path.read_bytes().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if b'"type":"log.added"' in line)
    lines[at] = _rewrite(lines[at], {"data.text": "changed after the snapshot"})
    path.write_bytes(b"".join(lines))
    live = _console(home)
    assert taken == [False]
    assert list(live.rows) == _full_read(home)
    assert any(row.text == "changed after the snapshot" for row in live.rows)


def test_the_rows_cache_is_written_when_the_console_closes(home: Path, taken: list[bool]) -> None:
    """The prefix's rows are not a cache on disk: the first console to close writes one."""
    directory = write_busy_incident(home, ID, 120, start=START)
    assert IncidentStore.open(home, ID, actor="Alex").write_snapshot()
    settings = LiveSettings(actor="Alex", clock=FakeClock(NOW))
    live = LiveIncident.open(home, ID, settings, shipped_phrasebook())
    assert taken == [True]
    live.close()
    cached = rows_cache.read_rows(directory)
    assert cached is not None and list(cached.rows) == _full_read(home)
