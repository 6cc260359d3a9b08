"""Screens as SVG snapshots, rendered with a FakeClock in UTC so no wall-clock text enters them.

Regenerate with `pytest tests/tui/test_snapshots.py --snapshot-update` and review the SVGs.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from ic_console.content.phrasebook import shipped_phrasebook
from ic_console.demo import build_demo
from ic_console.domain import commands as cmd
from ic_console.domain.clock import FakeClock
from ic_console.domain.model import Role
from ic_console.store.incident import IncidentStore
from ic_console.tui.app import ConsoleApp
from ic_console.tui.factory import make_app

from .conftest import INCIDENT, START, console, type_text

DEMO_END = datetime(2026, 11, 23, 15, 40, tzinfo=UTC)


def demo_app(home: Path) -> ConsoleApp:
    incident_id = build_demo(home, end=DEMO_END)
    return make_app(
        home,
        "Alex",
        incident_id=incident_id,
        clock=FakeClock(DEMO_END),
        phrasebook=shipped_phrasebook(),
        background_load=False,
    )


def busy_incident(incident: IncidentStore, clock: FakeClock) -> None:
    """Running, overdue and acknowledged tasks, an open decision, a late log entry."""
    run = incident.execute
    run(cmd.AssignRole(role=Role.DEPUTY, name="Priya"))
    run(cmd.AssignRole(role=Role.SME, name="Jordan"))
    run(cmd.AssignTask(owner="Jordan", text="check replica lag", timebox=timedelta(minutes=5)))
    run(cmd.AcknowledgeTask(number=1))
    clock.advance(60)
    run(cmd.AssignTask(owner="Mei", text="read the 3DS error codes", timebox=timedelta(minutes=15)))
    run(cmd.AcknowledgeTask(number=2))
    clock.advance(60)
    run(
        cmd.AssignTask(
            owner="Priya", text="page the network on-call", timebox=timedelta(minutes=10)
        )
    )
    run(
        cmd.AddLogEntry(
            text="Pager fired for checkout 5xx", occurred_at=START - timedelta(minutes=4)
        )
    )
    run(cmd.AddLogEntry(text="Rolled back deploy 4411", kind=cmd.LogKind.ACTION))
    run(cmd.ChangeSeverity(severity=1))
    clock.advance(5 * 60 + 30)


async def settle(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await pilot.pause()


def test_demo_wide(snap_compare: Any, home: Path) -> None:
    assert snap_compare(demo_app(home), terminal_size=(160, 48), run_before=settle)


def test_demo_small(snap_compare: Any, home: Path) -> None:
    assert snap_compare(demo_app(home), terminal_size=(80, 24), run_before=settle)


def test_tasks_small(snap_compare: Any, home: Path, clock: FakeClock, incident) -> None:
    busy_incident(incident, clock)
    assert snap_compare(console(home, clock), terminal_size=(80, 24), run_before=settle)


def test_tasks_large(snap_compare: Any, home: Path, clock: FakeClock, incident) -> None:
    busy_incident(incident, clock)
    assert snap_compare(console(home, clock), terminal_size=(160, 48), run_before=settle)


def test_scribe_log_small(snap_compare: Any, home: Path, clock: FakeClock, incident) -> None:
    busy_incident(incident, clock)
    incident.execute(cmd.AddLogEntry(text="[b]not markup[/b] and \x1b[31m no escapes"))

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("l")
        await type_text(pilot, "s: @13:58 errors began")

    assert snap_compare(console(home, clock), terminal_size=(80, 24), run_before=run_before)


def test_assign_form_explains_a_bad_timebox(
    snap_compare: Any, home: Path, clock: FakeClock, incident
) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("t")
        await type_text(pilot, "Sam")
        await pilot.press("enter")
        await type_text(pilot, "investigate the latency")
        await pilot.press("enter", "backspace", "backspace", "9", "0")

    assert snap_compare(console(home, clock), terminal_size=(80, 24), run_before=run_before)


def test_decision_flow(snap_compare: Any, home: Path, clock: FakeClock, incident) -> None:
    incident.execute(cmd.ProposeDecision(text="Roll back checkout-api deploy 4411"))
    incident.execute(
        cmd.RaiseObjection(number=1, by="Jordan", text="The rollback drops the schema change")
    )

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("y")

    assert snap_compare(console(home, clock), terminal_size=(120, 36), run_before=run_before)


def test_phrasebook_no_ic(snap_compare: Any, home: Path, clock: FakeClock) -> None:
    IncidentStore.create(
        home,
        cmd.Declare(incident_id=INCIDENT, title="Search is down", severity=2),
        clock=clock,
        actor="Alex",
    )
    assert snap_compare(console(home, clock), terminal_size=(120, 36), run_before=settle)


def test_phrasebook_task_expired(snap_compare: Any, home: Path, clock: FakeClock, incident):
    incident.execute(cmd.AssignTask(owner="Sam", text="the latency", timebox=timedelta(minutes=5)))
    clock.advance(5 * 60 + 5)
    assert snap_compare(console(home, clock), terminal_size=(120, 36), run_before=settle)


def test_phrasebook_executive_takeover(snap_compare: Any, home: Path, clock: FakeClock, incident):
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("v")
        await pilot.pause()
        situations = pilot.app.screen.situations  # type: ignore[attr-defined]
        index = [s.id for s in situations].index("executive-takeover")
        pilot.app.screen.query_one("#responses-list").highlighted = index  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(console(home, clock), terminal_size=(120, 36), run_before=run_before)


def deputy_view(home: Path, clock: FakeClock, *, read_only: bool = False) -> ConsoleApp:
    return make_app(
        home,
        "Priya",
        incident_id=INCIDENT,
        clock=clock,
        phrasebook=shipped_phrasebook(),
        background_load=False,
        watch=True,
        read_only=read_only,
    )


def test_deputy_view_at_a_mark(snap_compare: Any, home: Path, clock: FakeClock, incident) -> None:
    """`ic watch`: clock with the 10-minute call-out, an expired timebox to chase, the log tail."""
    busy_incident(incident, clock)
    clock.set(START + timedelta(minutes=10, seconds=20))
    assert snap_compare(deputy_view(home, clock), terminal_size=(100, 30), run_before=settle)


def test_deputy_view_read_only_small(
    snap_compare: Any, home: Path, clock: FakeClock, incident
) -> None:
    """An observer at 80x24: everything visible, no log line, no recording keys in the footer."""
    busy_incident(incident, clock)
    assert snap_compare(
        deputy_view(home, clock, read_only=True), terminal_size=(80, 24), run_before=settle
    )
