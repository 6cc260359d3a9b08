"""A merged fold that goes back to a mark when a peer's events arrive late (`store.marks`)
ends exactly where a fold from the start ends: the state, the scribe log and the console's log
rows, after every exchange of files, in any interleaving of three laptops' commands."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from tests.test_replica_merge import (
    ID,
    MIN5,
    START,
    Laptop,
    _command,
    _fingerprint,
    exchange,
    steps,
    three_laptops,
)

from ic_console.domain import commands as c
from ic_console.domain.clock import FakeClock
from ic_console.domain.model import LogKind
from ic_console.live.incident import LogRows
from ic_console.store import marks
from ic_console.store.incident import IncidentStore
from ic_console.store.marks import FoldMarks
from ic_console.store.summary import read_summary


class Console:
    """A laptop's console as it follows the incident: the store with its log pane's rows."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.rows = LogRows()
        self.store = IncidentStore.open(
            root,
            ID,
            read_only=True,
            on_events=self.rows.collect,
            on_mark=self.rows.mark,
            on_rewind=self.rows.rewind,
        )
        self.rows.attach(lambda: self.store.state)

    def matches_a_fold_from_the_start(self) -> None:
        self.store.refresh()
        rows = LogRows()
        scratch = IncidentStore.open(self.root, ID, read_only=True, on_events=rows.collect)
        rows.attach(lambda: scratch.state)
        assert _fingerprint(self.store) == _fingerprint(scratch), "went back != from the start"
        assert list(self.rows.rows) == list(rows.rows), "log rows differ"


@pytest.fixture
def went_back(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Marks every two events, and each going back counted (how many events it folded again)."""
    monkeypatch.setattr(marks, "MARK_EVERY", 2)
    counted: list[int] = []
    real = FoldMarks.before

    def before(self: FoldMarks, key: object) -> object:
        found = real(self, key)  # type: ignore[arg-type]
        if found is not None:
            counted.append(len(found[1]))
        return found

    monkeypatch.setattr(FoldMarks, "before", before)
    return counted


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(steps)
def test_going_back_to_a_mark_folds_as_from_the_start(
    went_back: list[int], script: list[tuple[int, int, int, str, int, str, int]]
) -> None:
    went_back.clear()
    with tempfile.TemporaryDirectory() as scratch:
        laptops = three_laptops(Path(scratch))
        first = laptops[0]
        first.run(c.Join(name="Kim"))
        first.run(c.AssignTask(owner="Kim", text="check db", timebox=MIN5))
        for other in laptops[1:]:
            exchange(first, other)
        consoles = [Console(laptop.root) for laptop in laptops]
        for what, who, other, kind, number, text, seconds in script:
            if what <= 5:
                laptops[who].run(_command(kind, number, text))
            elif what <= 8:
                if who != other:
                    exchange(laptops[who], laptops[other])
                    consoles[other].matches_a_fold_from_the_start()
            else:
                laptops[who].clock.advance(seconds)
        for source in laptops:
            for target, console in zip(laptops, consoles, strict=True):
                if source is not target:
                    exchange(source, target)
                    console.matches_a_fold_from_the_start()
    event(f"went back: {min(len(went_back), 3)} times")


def _two_laptops(tmp_path: Path, *, lines: int) -> tuple[Laptop, Laptop]:
    """Alex declared and wrote `lines` lines a second apart; Priya has them and wrote one: both
    laptops' files are on each (a console folds them merged)."""
    alex, priya = (Laptop(tmp_path / n, n, FakeClock(START)) for n in ("Alex", "Priya"))
    for laptop in (alex, priya):
        laptop.root.mkdir(mode=0o700)
    alex.store = IncidentStore.create(
        alex.root,
        c.Declare(incident_id=ID, title="Checkout errors", severity=2),
        clock=alex.clock,
        actor="Alex",
    )
    for n in range(lines):
        alex.run(c.AddLogEntry(text=f"line {n}"))
        alex.clock.advance(1)
    exchange(alex, priya)
    priya.run(c.AddLogEntry(text="Priya: on the bridge"))
    exchange(priya, alex)
    return alex, priya


def test_a_late_line_folds_again_only_the_events_after_the_mark_before_it(
    tmp_path: Path, went_back: list[int]
) -> None:
    """Priya's line, recorded before Alex's last two, arrives after them: Alex's console
    goes back to the mark before it and folds a few events again, not the whole incident."""
    alex, priya = _two_laptops(tmp_path, lines=10)
    console = Console(alex.root)
    priya.clock.advance(20)
    priya.run(c.AddLogEntry(text="Priya: rolled back"))
    alex.clock.advance(30)
    alex.run(c.AddLogEntry(text="Alex: error rate falling"))
    alex.run(c.AddLogEntry(text="Alex: closing the bridge soon"))
    console.store.refresh()
    reloads = console.store.reloads
    exchange(priya, alex)
    console.matches_a_fold_from_the_start()
    assert console.store.reloads == reloads + 1
    # Once, from the mark before Priya's line: the few events since it, not the incident's 15.
    assert len(went_back) == 1 and went_back[0] <= 2 * marks.MARK_EVERY
    texts = [row.text for row in console.rows.rows][-3:]
    assert texts == [
        "Priya: rolled back",
        "Alex: error rate falling",
        "Alex: closing the bridge soon",
    ]


def test_the_summary_counts_follow_ups_right_after_going_back(
    tmp_path: Path, went_back: list[int]
) -> None:
    """The summary's follow-up count goes on from where it last counted: after the log was cut
    back to a mark and grew again in a new order, it counts again from the start."""
    alex, priya = _two_laptops(tmp_path, lines=6)
    alex.store.refresh()
    priya.clock.advance(20)
    priya.run(c.AddLogEntry(text="Priya: error rate falling"))  # a note, recorded first
    alex.clock.advance(30)
    alex.run(c.AddLogEntry(text="Add an alert on pool exhaustion", kind=LogKind.FOLLOWUP))
    exchange(priya, alex)
    alex.store.refresh()
    assert went_back  # the note folded in before the follow-up
    alex.run(c.AddLogEntry(text="Rolled back"))  # writes the summary
    summary = read_summary(alex.store.summary_path)
    assert summary is not None and summary["counts"]["followups"] == 1
