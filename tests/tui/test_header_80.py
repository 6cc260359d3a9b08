"""The header at 80x24 with everything to say: late tasks and an overdue update always stay on
screen whole, then the title (cut with an ellipsis, never to nothing), then the rest as room
allows. Before, the parts ran off the right edge: the update that was due, the sync words, and
the title shrank to a few letters."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.pilot import Pilot
from textual.widgets import Label

from ic_console.domain import commands as cmd
from ic_console.domain.clock import FakeClock
from ic_console.domain.model import Phase, Role
from ic_console.domain.scale import AddExitCriterion, MeetExitCriterion
from ic_console.store.incident import IncidentStore
from ic_console.tui.widgets.incident_header import TITLE_MIN, IncidentHeader, Part, fit_header

from .conftest import console, drive

LONG_TITLE = "Checkout errors for EU card payments after the 3DS provider's change"
ONLINE = ("synced 3s ago · 2 peers", "synced 3s", False)
OFFLINE = ("offline since 14:02 · 12 events to send", "offline 14:02 · 12 to send", True)


def everything_at_once(incident: IncidentStore, clock: FakeClock, ic: str) -> None:
    """Exit criteria half met, two timeboxes run out, the stakeholder update long overdue."""
    run = incident.execute
    run(cmd.ChangePhase(phase=Phase.DIAGNOSE))
    run(cmd.AssignRole(role=Role.IC, name=ic))
    run(AddExitCriterion(text="error rate under 1%"))
    run(AddExitCriterion(text="no queue backlog"))
    run(MeetExitCriterion(number=1))
    run(cmd.AssignTask(owner="Sam", text="check replica lag", timebox=timedelta(minutes=5)))
    run(cmd.AssignTask(owner="Priya", text="page network", timebox=timedelta(minutes=5)))
    clock.advance(100 * 60)


def _natural(label: Label) -> int:
    return cell_len(str(label.render())) + label.styles.gutter.width


def _seen(header: IncidentHeader, width: int) -> dict[str, Label]:
    """The labels a person can read: displayed and inside the screen."""
    return {
        label.id or "": label
        for label in header.query(Label)
        if label.display and label.region.width > 0 and label.region.right <= width
    }


@pytest.fixture
def long_incident(home: Path, clock: FakeClock) -> IncidentStore:
    return IncidentStore.create(
        home,
        cmd.Declare(incident_id="checkout-eu", title=LONG_TITLE, severity=2),
        clock=clock,
        actor="Alex",
    )


@pytest.mark.parametrize("sync", [ONLINE, OFFLINE], ids=["online", "offline"])
@pytest.mark.parametrize("ic", ["Alex", "Alexandra Okonkwo-Hughes"])
def test_at_80_columns_what_is_late_stays_whole_and_the_title_stays_readable(
    home: Path,
    clock: FakeClock,
    long_incident: IncidentStore,
    ic: str,
    sync: tuple[str, str, bool],
) -> None:
    everything_at_once(long_incident, clock, ic)

    async def scenario(pilot: Pilot[int]) -> None:
        header = pilot.app.screen.query_one(IncidentHeader)
        header.show_sync(*sync)
        await pilot.pause()
        seen = _seen(header, 80)
        assert str(seen["header-late"].render()) == "2 LATE"
        update = seen["header-update"]
        assert str(update.render()).startswith("update due +1:")
        for name in ("header-late", "header-update"):
            assert seen[name].region.width == _natural(seen[name]), name  # not cut
        title = seen["header-title"]
        assert title.region.width >= TITLE_MIN
        assert str(title.render_line(0).text).rstrip().endswith("…")
        assert "header-severity" in seen
        for label in header.query(Label):  # nothing half off the edge
            assert not label.display or label.region.right <= 80, label.id
        if sync[2]:  # offline: what is typed here reaches nobody else, said before the rest
            assert str(seen["header-sync"].render()) == sync[1]
        else:  # all is well: the sync words give way to the exit criteria
            assert "header-exit" in seen

    drive(console(home, clock, "checkout-eu"), scenario, size=(80, 24))


def test_at_120_columns_only_the_id_and_the_long_sync_words_give_way(
    home: Path, clock: FakeClock, long_incident: IncidentStore
) -> None:
    everything_at_once(long_incident, clock, "Alex")

    async def scenario(pilot: Pilot[int]) -> None:
        header = pilot.app.screen.query_one(IncidentHeader)
        header.show_sync(*ONLINE)
        await pilot.pause()
        seen = _seen(header, 120)
        for name in ("late", "update", "title", "severity", "phase", "elapsed", "ic", "exit"):
            assert f"header-{name}" in seen, name
        assert "header-id" not in seen
        assert seen["header-title"].region.width >= TITLE_MIN
        assert str(seen["header-sync"].render()) == ONLINE[1]
        assert str(seen["header-elapsed"].render()) == "1h 40m (UTC)"
        for label in header.query(Label):
            assert not label.display or label.region.right <= 120, label.id
        # Wider still, the id comes back; narrower again, it goes.
        await pilot.resize_terminal(200, 40)
        await pilot.pause()
        assert "header-id" in _seen(header, 200)
        assert str(header.query_one("#header-sync", Label).render()) == ONLINE[0]
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        seen = _seen(header, 80)
        assert "header-id" not in seen and "header-late" in seen and "header-update" in seen

    drive(console(home, clock, "checkout-eu"), scenario, size=(120, 40))


def test_the_header_keeps_its_badges_even_when_nothing_else_fits(
    home: Path, clock: FakeClock, long_incident: IncidentStore
) -> None:
    everything_at_once(long_incident, clock, "Alex")

    async def scenario(pilot: Pilot[int]) -> None:
        header = pilot.app.screen.query_one(IncidentHeader)
        await pilot.pause()
        seen = _seen(header, 30)
        assert set(seen) >= {"header-late", "header-update"}
        assert "header-severity" not in seen

    drive(console(home, clock, "checkout-eu"), scenario, size=(30, 24))


def test_fit_keeps_parts_in_their_order_of_importance() -> None:
    parts = [
        Part("late", 8, 0),
        Part("title", 40, 1, least=20),
        Part("severity", 8, 2),
        Part("exit", 13, 6),
        Part("phase", 9, 8),
        Part("elapsed", 30, 9),
    ]
    assert fit_header(200, parts) == {"late", "title", "severity", "exit", "phase", "elapsed"}
    # The title gives room down to its least width before anything goes.
    assert fit_header(58, parts) == {"late", "title", "severity", "exit", "phase"}
    assert fit_header(49, parts) == {"late", "title", "severity", "exit"}
    # A narrow part of less importance still shows when a wider one does not fit.
    assert fit_header(48, parts) == {"late", "title", "severity", "phase"}
    assert fit_header(36, parts) == {"late", "title", "severity"}
    assert fit_header(35, parts) == {"late", "title"}  # the rest goes before the title
    assert fit_header(27, parts) == {"late", "title"}  # which is cut below its least width
    assert fit_header(10, parts) == {"late"}  # the title goes before what is late
    assert fit_header(3, parts) == {"late"}  # what is late never goes
