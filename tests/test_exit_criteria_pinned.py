"""A change to an exit criterion acts on the criterion the person chose, even when one added
earlier on another laptop arrives and takes its number between the screen and the record (as
tasks and decisions do, `live/pinned.py`; found by hunt5).

Laptop B added "no 5xx for 10 minutes" a minute before laptop A added "error rate under 1%".
A's console showed its own as exit criterion 1; once B's file arrives, the merged fold numbers
B's first: A's becomes criterion 2. "Drop exit criterion 1", "met" and "not met", chosen on
A's screen before the sync, must still reach A's criterion, never B's."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from helpers.laptops import START, declared_on_a, exchange
from ic_console.content.phrasebook import shipped_phrasebook
from ic_console.domain import scale
from ic_console.domain.clock import FakeClock
from ic_console.domain.exit_criteria import ExitCriterion
from ic_console.live.incident import LiveIncident, LiveSettings
from ic_console.live.pinned import pin
from ic_console.store.incident import IncidentStore
from ic_console.store.origin import forget_cached_origins

ID = "pay"
OURS, THEIRS = "error rate under 1%", "no 5xx for 10 minutes"


@pytest.fixture(autouse=True)
def _fresh_origins() -> Iterator[None]:
    forget_cached_origins()
    yield
    forget_cached_origins()


def by_text(criteria: dict[int, ExitCriterion], text: str) -> ExitCriterion:
    return next(c for c in criteria.values() if c.text == text)


@pytest.mark.parametrize(
    ("change", "done"),
    [
        (scale.DropExitCriterion, lambda c: c.dropped_at is not None),
        (scale.MeetExitCriterion, lambda c: c.met_at is not None),
    ],
)
def test_a_criterion_chosen_before_a_renumber_is_the_one_changed(
    tmp_path: Path,
    change: type[scale.DropExitCriterion | scale.MeetExitCriterion],
    done: Callable[[ExitCriterion], bool],
) -> None:
    a, b, _store = declared_on_a(tmp_path, ID)
    exchange(a, b)
    on_b = IncidentStore.open(b, ID, clock=FakeClock(START + timedelta(minutes=1)))
    on_b.execute(scale.AddExitCriterion(text=THEIRS))

    clock = FakeClock(START + timedelta(minutes=2))
    live = LiveIncident.open(a, ID, LiveSettings(actor="Alex", clock=clock), shipped_phrasebook())
    assert live.execute(scale.AddExitCriterion(text=OURS)).ok
    shown = live.state  # what the screen drew: ours is criterion 1
    assert shown.exit_criteria[1].text == OURS
    chosen = pin(shown, change(number=1))
    exchange(b, a)
    live.poll()
    assert live.state.exit_criteria[1].text == THEIRS  # the merged fold numbers B's first
    outcome = live.execute(chosen)
    assert outcome.ok, outcome.refused
    state = IncidentStore.open(a, ID, read_only=True).state
    assert done(by_text(state.exit_criteria, OURS))
    theirs = by_text(state.exit_criteria, THEIRS)
    assert theirs.dropped_at is None and theirs.met_at is None
    live.close()


@pytest.mark.parametrize(
    ("typed", "done"),
    [
        ("exit criterion met", lambda c: c.met_at is not None),
        ("drop exit criterion 1", lambda c: c.dropped_at is not None),
    ],
)
def test_a_palette_entry_acts_on_the_criterion_it_names_after_a_renumber(
    tmp_path: Path, typed: str, done: Callable[[ExitCriterion], bool]
) -> None:
    """The palette lists A's criterion as number 1; B's, added earlier, arrives while the
    palette is open and takes number 1. Enter (and Enter again on the drop's confirmation)
    changes A's criterion, never B's."""
    import asyncio

    from textual.pilot import Pilot

    from helpers.console import type_text
    from ic_console.tui.factory import make_app

    a, b, store = declared_on_a(tmp_path, ID)
    exchange(a, b)
    on_b = IncidentStore.open(b, ID, clock=FakeClock(START + timedelta(minutes=1)))
    on_b.execute(scale.AddExitCriterion(text=THEIRS))
    store = IncidentStore.open(a, ID, clock=FakeClock(START + timedelta(minutes=2)))
    store.execute(scale.AddExitCriterion(text=OURS))
    app = make_app(
        a,
        "Alex",
        incident_id=ID,
        clock=FakeClock(START + timedelta(minutes=3)),
        phrasebook=shipped_phrasebook(),
        background_load=False,
        sync=False,
    )
    app.settings.poll_seconds = 3600  # the merge is taken in when the test says

    async def main() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await scenario(pilot)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, typed)
        await pilot.pause(0.5)
        exchange(b, a)
        app.poll()  # the console takes the merge in while the palette is open
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause(0.3)
        if "drop" in typed:
            await pilot.press("enter")  # the confirmation
            await pilot.pause(0.3)

    asyncio.run(main())
    state = IncidentStore.open(a, ID, read_only=True).state
    assert state.exit_criteria[1].text == THEIRS  # the merge numbered B's first
    assert done(by_text(state.exit_criteria, OURS))
    theirs = by_text(state.exit_criteria, THEIRS)
    assert theirs.dropped_at is None and theirs.met_at is None
