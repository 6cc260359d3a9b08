"""Faults 4: the state at a glance (`=`, and the text `c` copies) dates a time not of today.

An incident declared at 01:30 EDT on 1 November and glanced at a month later said "declared
01:30 EDT", as if it were this morning (`ic show` gives the date). The glance now dates every
time that is not today in the shown zone, the console's way ("11-01 01:30 EDT"); today's times
keep the short form.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from textual.pilot import Pilot

from ic_console.content.phrasebook import shipped_phrasebook
from ic_console.domain import commands as cmd
from ic_console.domain.clock import FakeClock
from ic_console.domain.model import Role
from ic_console.store.incident import IncidentStore
from ic_console.tui.app import ConsoleApp
from ic_console.tui.factory import make_app
from ic_console.tui.screens.glance import GlanceScreen

from .conftest import INCIDENT, drive, until

NEW_YORK = ZoneInfo("America/New_York")
DECLARED = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT


def _console(home: Path, clock: FakeClock) -> ConsoleApp:
    return make_app(
        home,
        "Alex",
        incident_id=INCIDENT,
        clock=clock,
        phrasebook=shipped_phrasebook(),
        zone=NEW_YORK,
        background_load=False,
    )


def _declare(home: Path, clock: FakeClock) -> IncidentStore:
    store = IncidentStore.create(
        home,
        cmd.Declare(incident_id=INCIDENT, title="Checkout errors", severity=2),
        clock=clock,
        actor="Alex",
    )
    store.execute(cmd.AssignRole(role=Role.IC, name="Alex"))
    return store


async def _glance(pilot: Pilot[int]) -> GlanceScreen:
    await pilot.press("equals_sign")
    await until(pilot, lambda: isinstance(pilot.app.screen, GlanceScreen))
    glance = pilot.app.screen
    assert isinstance(glance, GlanceScreen)
    await until(pilot, lambda: bool(glance.text))
    return glance


def test_a_month_on_the_glance_dates_the_declaration(home: Path) -> None:
    clock = FakeClock(DECLARED)
    store = _declare(home, clock)
    clock.set(DECLARED + timedelta(days=30, hours=9))  # 2026-12-01 14:30 UTC: 09:30 EST
    store.execute(
        cmd.AssignTask(owner="Jordan", text="check replica lag", timebox=timedelta(hours=1))
    )

    async def scenario(pilot: Pilot[int]) -> None:
        glance = await _glance(pilot)
        assert "(declared 11-01 01:30 EDT by Alex)" in glance.text, glance.text
        # Today's times (the task's deadline, the heading's "as of") stay short.
        assert "due in 1h (10:30 EST)" in glance.text, glance.text
        assert glance.text.splitlines()[0].endswith("as of 09:30 EST"), glance.text
        await pilot.press("c")
        assert "(declared 11-01 01:30 EDT by Alex)" in str(pilot.app.clipboard)

    drive(_console(home, clock), scenario, size=(80, 24))


def test_the_same_day_the_glance_keeps_the_short_time(home: Path) -> None:
    clock = FakeClock(DECLARED)
    _declare(home, clock)
    clock.advance(3600)

    async def scenario(pilot: Pilot[int]) -> None:
        glance = await _glance(pilot)
        assert "(declared 01:30 EDT by Alex)" in glance.text, glance.text

    drive(_console(home, clock), scenario, size=(80, 24))


def test_past_midnight_the_glance_dates_yesterdays_declaration(home: Path) -> None:
    """Declared at 23:50 and glanced at ten past midnight: the declaration is yesterday's."""
    declared = datetime(2026, 11, 24, 4, 50, tzinfo=UTC)  # 23:50 EST on 11-23
    clock = FakeClock(declared)
    _declare(home, clock)
    clock.advance(20 * 60)

    async def scenario(pilot: Pilot[int]) -> None:
        glance = await _glance(pilot)
        assert "(declared 11-23 23:50 EST by Alex)" in glance.text, glance.text

    drive(_console(home, clock), scenario, size=(80, 24))
