"""A laptop's first receive of an incident (issue 13: a second laptop's first `ic sync` of a long
incident). The peer's file is folded while `accept_peer_file` checks it (`store.peer_fold`), so
the snapshot is written from that fold and the first open reads no event again. What it leaves
must be what a fold from scratch leaves, byte for byte, and every check must still refuse what
it refused, with the same words, leaving nothing behind."""

from __future__ import annotations

import os
import tracemalloc
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ic_console.domain import events as ev
from ic_console.domain.hlc import wall_ms
from ic_console.domain.merge import apply_merged
from ic_console.domain.model import LogKind
from ic_console.domain.state import IncidentState
from ic_console.store import reader as reader_module
from ic_console.store import replica
from ic_console.store.eventlog import EventLog, decode_body, encode
from ic_console.store.incident import IncidentStore
from ic_console.store.paths import SUMMARY_FILE, replica_file
from ic_console.store.replica import PeerRefused, accept_peer_file, refresh_derived
from ic_console.store.snapshot import SNAPSHOT_FILE
from ic_console.store.state_codec import state_body
from test_properties import PAYLOADS, payloads

PEER = "0123456789ab"
#: The id the payload strategy's declaration carries.
INCIDENT = "inc-1"
#: Two days ago: every clock drawn stays well behind this laptop's (none is refused as ahead).
BASE = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)


def _file(items: list[tuple[ev.Payload, int, int]], origin: str = PEER) -> bytes:
    """The peer's file: one line per (payload, clock wall offset in ms, clock counter)."""
    return b"".join(
        encode(
            ev.Event(
                v=2,
                seq=seq,
                id=uuid.uuid4().hex,
                at=BASE + timedelta(seconds=seq),
                actor="Priya",
                data=data,
                origin=origin,
                hlc=(wall_ms(BASE) + wall, counter),
            )
        )
        for seq, (data, wall, counter) in enumerate(items, start=1)
    )


def _root(tmp_path: Path, name: str) -> Path:
    root = tmp_path / name
    root.mkdir(mode=0o700)
    return root


def _from_scratch(root: Path, data: bytes) -> Path:
    """The same file put in place by hand (no check, no fold while checking), then the derived
    files made by the store's own full fold: what a first open always did."""
    target = replica_file(root / "incidents" / INCIDENT, PEER)
    target.parent.mkdir(mode=0o700, parents=True)
    for folder in (root / "incidents", root / "incidents" / INCIDENT):
        folder.chmod(0o700)
    target.write_bytes(data)
    target.chmod(0o600)
    refresh_derived(root, INCIDENT)
    return target.parent.parent


def _derived(directory: Path) -> dict[str, bytes | None]:
    return {
        name: (directory / name).read_bytes() if (directory / name).exists() else None
        for name in (SNAPSHOT_FILE, SUMMARY_FILE)
    }


def _scratch_fold(data: bytes, path: Path) -> IncidentState:
    path.write_bytes(data)
    read = EventLog(path).read_new()
    assert read.damage is None
    return apply_merged(IncidentState(), read.events)


def _same_state(one: IncidentState, other: IncidentState) -> None:
    assert state_body(one) == state_body(other)
    assert list(one.log) == list(other.log)


@st.composite
def _peer_items(draw: st.DrawFn) -> list[tuple[ev.Payload, int, int]]:
    """A declaration (or not), then any events; clocks that mostly go forward, sometimes not."""
    body = draw(st.lists(payloads, max_size=25))
    if draw(st.booleans()):
        body.insert(0, draw(PAYLOADS[ev.IncidentDeclared]))
    if not body:
        body = [draw(PAYLOADS[ev.IncidentDeclared])]
    wall, items = 0, []
    for data in body:
        wall += draw(st.integers(-2_000, 60_000))
        items.append((data, wall, draw(st.integers(0, 2))))
    return items


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(items=_peer_items())
def test_a_first_receive_leaves_what_a_fold_from_scratch_leaves(
    tmp_path_factory: pytest.TempPathFactory, items: list[tuple[ev.Payload, int, int]]
) -> None:
    tmp = tmp_path_factory.mktemp("first")
    data = _file(items)
    received = _root(tmp, "priya")
    accepted = accept_peer_file(received, INCIDENT, PEER, data)
    assert (accepted.status, accepted.added) == ("new", len(items))
    refresh_derived(received, INCIDENT)
    directory = received / "incidents" / INCIDENT
    scratch = _from_scratch(_root(tmp, "scratch"), data)
    # The snapshot (state, scribe log, what of the file it covers) and the summary, byte for
    # byte; none of either when the store would write none (an undeclared incident).
    assert _derived(directory) == _derived(scratch)
    expected = _scratch_fold(data, tmp / "copy.jsonl")
    opened = IncidentStore.open(received, INCIDENT, read_only=True)
    _same_state(opened.state, expected)
    assert not [n for n in opened.notices if n.severe]


def test_the_first_open_after_a_first_receive_folds_no_event_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = [(PAYLOADS_DECLARE, 0, 0)] + [
        (_entry(f"p99 at {n} ms"), n * 1000, 0) for n in range(1, 9_000)
    ]
    data = _file(items)
    root = _root(tmp_path, "priya")
    accept_peer_file(root, INCIDENT, PEER, data)
    folded: list[int] = []
    real = reader_module.apply_merged

    def counted(state: IncidentState, events: list[ev.Event]) -> IncidentState:
        folded.append(len(events))
        return real(state, events)

    monkeypatch.setattr(reader_module, "apply_merged", counted)
    refresh_derived(root, INCIDENT)
    opened = IncidentStore.open(root, INCIDENT, read_only=True)
    assert sum(folded) == 0  # the snapshot covers the whole file: nothing read as the tail
    assert len(opened.state.log) == 8_999 and opened.state.last_seq == 9_000
    monkeypatch.undo()
    _same_state(opened.state, _scratch_fold(data, tmp_path / "copy.jsonl"))


def _entry(text: str) -> ev.LogEntryAdded:
    return ev.LogEntryAdded(kind=LogKind.NOTE, text=text)


PAYLOADS_DECLARE = ev.IncidentDeclared(incident_id=INCIDENT, title="Checkout errors", severity=2)


def test_a_peer_file_declaring_another_incident_gets_no_snapshot(tmp_path: Path) -> None:
    """The store opens such a folder read-only (a copy or a rename) and writes nothing derived:
    the fold made while checking does not either."""
    other = ev.IncidentDeclared(incident_id="elsewhere", title="Other", severity=2)
    root = _root(tmp_path, "priya")
    accept_peer_file(root, INCIDENT, PEER, _file([(other, 0, 0)]))
    refresh_derived(root, INCIDENT)
    assert _derived(root / "incidents" / INCIDENT) == {SNAPSHOT_FILE: None, SUMMARY_FILE: None}


def test_beside_another_file_the_store_folds_the_union_as_before(tmp_path: Path) -> None:
    """A first copy into a folder that already holds a log is not folded while checked (the
    union interleaves them by clock): the snapshot is the store's fold of both."""
    sam = "fedcba987654"
    first = _file([(PAYLOADS_DECLARE, 0, 0), (_entry("one"), 5_000, 0)])
    second = _file([(_entry("two"), 2_000, 0)], origin=sam)
    root = _root(tmp_path, "priya")
    accept_peer_file(root, INCIDENT, PEER, first)
    accept_peer_file(root, INCIDENT, sam, second)
    refresh_derived(root, INCIDENT)
    opened = IncidentStore.open(root, INCIDENT, read_only=True)
    assert [entry.text for entry in opened.state.log] == ["two", "one"]


# -- what is refused is refused as before -------------------------------------------------------


def _long(n: int = 9_000) -> list[bytes]:
    """A declared incident's lines: more than two of the reader's batches."""
    items = [(PAYLOADS_DECLARE, 0, 0)] + [(_entry(f"entry {k}"), k * 1000, 0) for k in range(1, n)]
    return _file(items).splitlines(keepends=True)


def _changed_byte(lines: list[bytes]) -> list[bytes]:
    lines[-2] = lines[-2].replace(b"entry", b"Entry")
    return lines


def _seq_gap(lines: list[bytes]) -> list[bytes]:
    del lines[5_000]
    return lines


def _event(line: bytes) -> ev.Event:
    return ev.EVENT_ADAPTER.validate_json(decode_body(line[:-1], path=Path("x"), number=1))


def _other_origin(lines: list[bytes]) -> list[bytes]:
    event = _event(lines[-1])
    lines[-1] = encode(event.model_copy(update={"origin": "fedcba987654"}))
    return lines


def _twice(lines: list[bytes]) -> list[bytes]:
    first, last = _event(lines[1]), _event(lines[-1])
    lines[-1] = encode(last.model_copy(update={"id": first.id}))
    return lines


def _clock_ahead(lines: list[bytes]) -> list[bytes]:
    last = _event(lines[-1])
    lines[-1] = encode(last.model_copy(update={"hlc": (wall_ms(BASE) + 10**12, 0)}))
    return lines


def _not_json(lines: list[bytes]) -> list[bytes]:
    lines[7_000] = b"not an event at all\n"
    return lines


@pytest.mark.parametrize(
    ("damage", "says"),
    [
        (_changed_byte, "line 8999 is damaged"),
        (_seq_gap, "line 5001 is damaged"),
        (_other_origin, "line 9000 says it was written by replica fedcba987654"),
        (_twice, "is already in its own file with different contents"),
        (_clock_ahead, "line 9000 carries a clock"),
        (_not_json, "line 7001 is damaged"),
    ],
)
def test_a_damaged_or_hostile_first_copy_is_refused_as_before_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: object, says: str
) -> None:
    assert callable(damage)
    data = b"".join(damage(_long()))
    root = _root(tmp_path, "priya")
    with pytest.raises(PeerRefused) as folding:
        accept_peer_file(root, INCIDENT, PEER, data)
    assert says in str(folding.value)
    assert not (root / "incidents" / INCIDENT).exists()  # no folder, no snapshot, no summary
    # The same refusal, word for word, with no fold while checking (the checks before it).
    monkeypatch.setattr(replica, "wanted", lambda *_: False)
    with pytest.raises(PeerRefused) as plain:
        accept_peer_file(_root(tmp_path, "sam"), INCIDENT, PEER, data)
    assert str(plain.value) == str(folding.value)


# -- memory ------------------------------------------------------------------------------------


def _entries(count: int) -> Iterator[tuple[ev.Payload, int, int]]:
    yield PAYLOADS_DECLARE, 0, 0
    for n in range(1, count):
        yield _entry(f"Observation {n}: p99 latency at {n % 900} ms"), n * 1000, 0


@pytest.mark.slow
def test_a_first_receive_folds_without_holding_the_events(tmp_path: Path) -> None:
    """The fold made while checking keeps the state (the scribe log packed, ~40 bytes an
    entry), never the events: a batch of models at a time, as the check alone did."""
    data = _file(list(_entries(40_000)))
    root = _root(tmp_path, "priya")
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        accepted = accept_peer_file(root, INCIDENT, PEER, data)
        refresh_derived(root, INCIDENT)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert accepted.added == 40_000
    assert os.path.exists(root / "incidents" / INCIDENT / SNAPSHOT_FILE)
    # 2.4 times the file here (11.7 MB), the check's own peak; when the first open folded the
    # file again from scratch instead, that fold peaked at 4.3 times it.
    assert peak < 3 * len(data), (peak, len(data))
