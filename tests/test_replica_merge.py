"""Three laptops, one incident: any interleaving of commands and file exchanges ends, after a
final exchange, with the same events and the same folded state everywhere.

Files move the way the transport moves them (`accept_peer_file`, whole files), without git.
Each laptop keeps its store open like a console, so the incremental fold (new lines, new files,
refolds when older events arrive) is checked against a fresh fold from scratch.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ic_console.domain import commands as c
from ic_console.domain import scale
from ic_console.domain.clock import FakeClock
from ic_console.domain.errors import DomainError
from ic_console.domain.model import TaskStatus
from ic_console.store.follow import Follower
from ic_console.store.incident import IncidentStore
from ic_console.store.merged import merged_events
from ic_console.store.paths import event_files
from ic_console.store.replica import accept_peer_file, list_local_files
from ic_console.store.state_codec import log_rows, state_body

ID = "inc-1"
NAMES = ("Alex", "Priya", "Sam")
START = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
MIN5 = timedelta(minutes=5)


class Laptop:
    def __init__(self, root: Path, name: str, clock: FakeClock) -> None:
        self.root = root
        self.name = name
        self.clock = clock
        self.store: IncidentStore | None = None
        self.written: list[str] = []

    def open(self) -> IncidentStore | None:
        if self.store is None and (self.root / "incidents" / ID).is_dir():
            self.store = IncidentStore.open(self.root, ID, clock=self.clock, actor=self.name)
        return self.store

    def run(self, command: c.Command) -> None:
        store = self.open()
        if store is None:
            return
        try:
            events = store.execute(command)
        except DomainError:
            return
        self.written += [event.id for event in events]


def exchange(source: Laptop, target: Laptop) -> None:
    for found in list_local_files(source.root):
        accept_peer_file(target.root, found.incident_id, found.origin, found.path.read_bytes())


def _command(kind: str, number: int, text: str) -> c.Command:
    match kind:
        case "task":
            return c.AssignTask(owner="Kim", text=text, timebox=MIN5)
        case "done":
            return c.CompleteTask(number=number)
        case "cancel":
            return c.CancelTask(number=number)
        case "reopen":
            return c.ReopenTask(number=number)
        case "ack":
            return c.AcknowledgeTask(number=number)
        case "propose":
            return c.ProposeDecision(text=text)
        case "object":
            return c.RaiseObjection(number=number, text=text)
        case "accept":
            return c.AcceptDecision(number=number)
        case "withdraw":
            return c.WithdrawDecision(number=number)
        case "release":
            return c.Release(name="Kim")
        case "criterion":
            return scale.AddExitCriterion(text=text)
        case "met":
            return scale.MeetExitCriterion(number=number)
        case "unmet":
            return scale.UnmeetExitCriterion(number=number)
        case "team":
            return scale.FormTeam(lead="Lee", name="Alpha")
        case "disband":
            return scale.DisbandTeam(name="Alpha")
        case _:
            return c.AddLogEntry(text=text)


KINDS = (
    "task",
    "done",
    "cancel",
    "reopen",
    "ack",
    "propose",
    "object",
    "accept",
    "withdraw",
    "release",
    "criterion",
    "met",
    "unmet",
    "team",
    "disband",
    "log",
)
#: (what, laptop, other laptop, command kind, number, text, seconds): what 0-5 runs a command
#: on a laptop, 6-7 sends its files to the other laptop, 8-9 moves its clock (forward, or back:
#: the hlc keeps its file in order), 10 writes its state snapshot.
steps = st.lists(
    st.tuples(
        st.integers(0, 10),
        st.integers(0, 2),
        st.integers(0, 2),
        st.sampled_from(KINDS),
        st.integers(1, 3),
        st.sampled_from(["page network on-call", "check db", "roll back"]),
        st.integers(-90, 400),
    ),
    min_size=8,
    max_size=50,
)


def three_laptops(scratch: Path) -> list[Laptop]:
    """Alex's, Priya's and Sam's laptops under `scratch`, a second apart; Alex has declared
    the incident (nobody else has it yet)."""
    laptops = []
    for i, name in enumerate(NAMES):
        root = scratch / name
        root.mkdir(mode=0o700)
        laptops.append(Laptop(root, name, FakeClock(START + timedelta(seconds=i))))
    first = laptops[0]
    first.store = IncidentStore.create(
        first.root,
        c.Declare(incident_id=ID, title="Checkout errors", severity=2),
        clock=first.clock,
        actor=first.name,
    )
    return laptops


def _fingerprint(store: IncidentStore) -> tuple[object, ...]:
    state = store.state
    return (state_body(state), log_rows(state.log))


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(steps)
def test_any_interleaving_ends_identical_with_no_event_lost_or_repeated(
    script: list[tuple[int, int, int, str, int, str, int]],
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        laptops = three_laptops(Path(scratch))
        first = laptops[0]
        assert first.store is not None
        first.written += [e.id for e in merged_events(first.store.directory)[0]]
        first.run(c.Join(name="Kim"))
        first.run(c.AssignTask(owner="Kim", text="check db", timebox=MIN5))
        first.run(c.ProposeDecision(text="roll back"))
        for other in laptops[1:]:  # everyone has the declaration, then goes offline at will
            exchange(first, other)
        for what, who, other, kind, number, text, seconds in script:
            if what <= 5:
                laptops[who].run(_command(kind, number, text))
            elif what <= 7:
                if who != other:
                    exchange(laptops[who], laptops[other])
            elif what <= 9:
                laptops[who].clock.advance(seconds)
            elif (store := laptops[who].open()) is not None:
                store.write_snapshot()  # later opens start from it and read the tails
        for _ in range(2):  # the final round: everyone sends everything to everyone
            for source in laptops:
                for target in laptops:
                    if source is not target:
                        exchange(source, target)
        written = [ident for laptop in laptops for ident in laptop.written]
        prints = []
        for laptop in laptops:
            store = laptop.open()
            assert store is not None
            store.refresh()
            events, damage = merged_events(store.directory)
            assert damage is None
            ids = [event.id for event in events]
            assert len(ids) == len(set(ids))  # nothing twice
            assert sorted(ids) == sorted(written)  # nothing lost
            fresh = IncidentStore.open(laptop.root, ID, read_only=True)
            assert fresh.damaged is None and fresh.blocked is None
            assert _fingerprint(fresh) == _fingerprint(store), "incremental fold != refold"
            scratch = IncidentStore.open(laptop.root, ID, read_only=True, on_events=list)
            assert _fingerprint(scratch) == _fingerprint(store), "fold from snapshot != scratch"
            prints.append(_fingerprint(store))
        assert prints[0] == prints[1] == prints[2]
        store = laptops[0].open()
        assert store is not None
        event(f"merge notices: {min(len(store.state.merge_notices), 3)}")
        event(f"events: {min(len(written) // 10 * 10, 30)}+")


# -- the two stories of the issue ----------------------------------------------------------------


@pytest.fixture
def two(tmp_path: Path) -> tuple[Laptop, Laptop]:
    alex = Laptop(tmp_path / "alex", "Alex", FakeClock(START))
    priya = Laptop(tmp_path / "priya", "Priya", FakeClock(START))
    for laptop in (alex, priya):
        laptop.root.mkdir(mode=0o700)
    alex.store = IncidentStore.create(
        alex.root,
        c.Declare(incident_id=ID, title="Checkout errors", severity=2),
        clock=alex.clock,
        actor="Alex",
    )
    alex.run(c.AssignTask(owner="Sam", text="check the database", timebox=MIN5))
    exchange(alex, priya)
    return alex, priya


def test_both_laptops_mark_the_same_task_done_offline(two: tuple[Laptop, Laptop]) -> None:
    alex, priya = two
    alex.clock.advance(10)
    alex.run(c.CompleteTask(number=1))
    priya.clock.advance(20)
    priya.run(c.CompleteTask(number=1))
    exchange(alex, priya)
    exchange(priya, alex)
    for laptop in (alex, priya):
        store = laptop.open()
        assert store is not None
        store.refresh()
        assert store.state.tasks[1].status is TaskStatus.DONE
        assert store.state.tasks[1].closed_at == START + timedelta(seconds=10)
        assert [n.text for n in store.state.merge_notices] == [
            "Priya's 'done' for task 1 arrived after Alex's 'done'; it changes nothing"
        ]
        events, _ = merged_events(store.directory)
        assert [e.type for e in events].count("task.done") == 2  # kept in the log
        # Each open console is told once; a later open shows it in the state, untold.
        store.refresh()
        assert [n.message for n in store.notices if "arrived after" in n.message] == [
            "Priya's 'done' for task 1 arrived after Alex's 'done'; it changes nothing."
        ]
        reopened = IncidentStore.open(laptop.root, ID, read_only=True)
        assert reopened.notices == [] and len(reopened.state.merge_notices) == 1


def test_concurrent_creation_renumbers_once_with_the_notice(two: tuple[Laptop, Laptop]) -> None:
    alex, priya = two
    alex.clock.advance(5)
    alex.run(c.AssignTask(owner="Kim", text="roll back", timebox=MIN5))
    priya.clock.advance(7)
    priya.run(c.AssignTask(owner="Lee", text="page network on-call", timebox=MIN5))
    priya.run(c.AcknowledgeTask(number=2))  # Priya's own task 2, soon task 3
    exchange(alex, priya)
    exchange(priya, alex)
    for laptop in (alex, priya):
        store = laptop.open()
        assert store is not None
        store.refresh()
        tasks = store.state.tasks
        assert (tasks[2].text, tasks[3].text) == ("roll back", "page network on-call")
        assert tasks[3].acknowledged_at is not None and tasks[2].acknowledged_at is None
        assert [n.text for n in store.state.merge_notices] == [
            "Priya's task 'page network on-call' is now task 3"
        ]
        assert [n.message for n in store.notices if "is now task" in n.message] == [
            "Priya's task 'page network on-call' is now task 3."
        ]
    # Priya now speaks of task 3, and it is hers everywhere.
    priya.run(c.CompleteTask(number=3))
    exchange(priya, alex)
    store = alex.open()
    assert store is not None
    store.refresh()
    assert store.state.tasks[3].status is TaskStatus.DONE
    assert store.state.tasks[2].status is TaskStatus.OPEN


def test_a_clock_ten_minutes_fast_is_kept_and_flagged(two: tuple[Laptop, Laptop]) -> None:
    alex, priya = two
    priya.clock.advance(600)
    priya.run(c.AddLogEntry(text="from the future"))
    exchange(priya, alex)
    store = alex.open()
    assert store is not None
    store.refresh()
    assert [e.text for e in store.state.log] == ["from the future"]
    assert any("Priya's clock is 10 minutes fast" in n.message for n in store.notices)
    # Alex writes after it: his clock orders his event after hers, never before.
    alex.run(c.AddLogEntry(text="after"))
    assert [e.text for e in store.state.log] == ["from the future", "after"]


def test_a_console_following_notices_a_peer_file_and_refolds(two: tuple[Laptop, Laptop]) -> None:
    alex, priya = two
    store = alex.open()
    assert store is not None
    follower = Follower(store)
    assert not follower.poll().reloaded
    priya.clock.advance(-30)  # Priya's note sorts before what Alex has already folded
    priya.run(c.AddLogEntry(text="seen earlier on Priya's laptop"))
    alex.clock.advance(60)
    alex.run(c.AddLogEntry(text="Alex's later note"))
    exchange(priya, alex)
    polled = follower.poll()
    assert polled.reloaded  # refolded, not appended out of order
    assert [e.text for e in store.state.log] == [
        "seen earlier on Priya's laptop",
        "Alex's later note",
    ]
    priya.clock.advance(120)
    priya.run(c.AddLogEntry(text="and later still"))
    exchange(priya, alex)
    polled = follower.poll()
    assert not polled.reloaded and [e.type for e in polled.events] == ["log.added"]


def test_the_snapshot_of_several_files_is_dropped_when_any_file_changes(
    two: tuple[Laptop, Laptop],
) -> None:
    alex, priya = two
    priya.run(c.AddLogEntry(text="one"))
    priya.run(c.AddLogEntry(text="two"))
    exchange(priya, alex)
    store = alex.open()
    assert store is not None
    store.refresh()
    assert store.merged and store.write_snapshot()
    assert IncidentStore.open(alex.root, ID, read_only=True)._snapshot_seq == -1  # used
    (peer,) = [p for p in event_files(store.directory) if p != store.events_path]
    lines = peer.read_bytes().splitlines(keepends=True)
    peer.write_bytes(b"".join(lines[:-1]))  # a covered line is gone
    again = IncidentStore.open(alex.root, ID, read_only=True)
    assert again._snapshot_seq == 0  # not used: read from the logs
    assert [e.text for e in again.state.log] == ["one"]


def test_a_laptop_that_only_watches_follows_a_growing_peer_file_without_reloading(
    two: tuple[Laptop, Laptop],
) -> None:
    alex, priya = two
    store = priya.open()
    assert store is not None and store.merged
    follower = Follower(store)
    for text in ("one", "two"):
        alex.run(c.AddLogEntry(text=text))
        exchange(alex, priya)  # the file is replaced by a longer copy
        polled = follower.poll()
        assert not polled.reloaded and [e.type for e in polled.events] == ["log.added"]
    assert [e.text for e in store.state.log] == ["one", "two"]


@pytest.mark.parametrize("fmt", ["md", "html", "json", "csv"])
def test_both_laptops_export_the_merged_incident_the_same(
    two: tuple[Laptop, Laptop], fmt: str
) -> None:
    """The review reads every replica's file in fold order: both laptops export the same
    bytes, with both laptops' entries, in every format (each format reads what it needs)."""
    from ic_console.review.export import NEEDS, export_pieces
    from ic_console.review.source import open_for_review

    alex, priya = two
    alex.clock.advance(10)
    alex.run(c.AddLogEntry(text="alex-entry: cache keys changed"))
    priya.clock.advance(20)
    priya.run(c.AddLogEntry(text="priya-entry: replica lag 40 s"))
    exchange(alex, priya)
    exchange(priya, alex)
    exported = []
    for laptop in (alex, priya):
        needs = NEEDS[fmt]
        source = open_for_review(
            laptop.root, ID, keep_json=needs.events_json, timeline=needs.timeline
        )
        assert len(event_files(source.directory)) == 2
        pieces = export_pieces(source.events, source.state, fmt)
        exported.append(b"".join(p if isinstance(p, bytes) else p.encode() for p in pieces))
    assert exported[0] == exported[1]
    if fmt != "csv":  # the csv is the figures, not the log
        assert exported[0].index(b"alex-entry") < exported[0].index(b"priya-entry")
