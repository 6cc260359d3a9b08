"""Faults 4: the scribe log pane across a daylight-saving change (80x24).

New York's clocks went back at 06:00 UTC on 2026-11-01 (01:59 EDT became 01:00 EST). The pane
said "01:50:00" then "01:00:00" with no zone, so the hour after the change read as the hour
before (at 80 columns the header has no room for its zone). When the clocks changed during the
incident each row now names its zone; an incident inside one offset is drawn as before.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual.pilot import Pilot

from helpers.dst import NEW_YORK, notes_every_ten_minutes
from ic_console.content.phrasebook import shipped_phrasebook
from ic_console.domain import commands as cmd
from ic_console.domain.clock import FakeClock
from ic_console.store.incident import IncidentStore
from ic_console.tui.app import ConsoleApp
from ic_console.tui.factory import make_app
from ic_console.tui.widgets.scribe_log import ScribeLog

from .conftest import INCIDENT, drive, until


def _incident(home: Path, start: datetime) -> FakeClock:
    return notes_every_ten_minutes(home, INCIDENT, start, late=timedelta(minutes=5))


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


def _rows(pilot: Pilot[int]) -> list[str]:
    log = pilot.app.screen.query_one(ScribeLog)
    return [
        "".join(segment.text for segment in log.render_row(index, 78, False))
        for index in range(len(log.rows))
    ]


def test_rows_at_the_other_offset_name_their_zone(home: Path) -> None:
    clock = _incident(home, datetime(2026, 11, 1, 5, 30, tzinfo=UTC))  # 01:30 EDT

    async def scenario(pilot: Pilot[int]) -> None:
        await until(pilot, lambda: "note 7" in "".join(_rows(pilot)))
        rows = _rows(pilot)
        before = next(row for row in rows if "note 1 at 05:50 UTC" in row)
        after = next(row for row in rows if "note 2 at 06:00 UTC" in row)
        assert before.startswith("01:50:00 EDT Alex"), before
        assert after.startswith("01:00:00 EST Alex"), after
        # When it happened, in the zone of its own moment: 05:45 UTC was 01:45 EDT.
        assert "(at 01:45 EDT) note 1" in before, before
        assert "(at 01:55 EDT) note 2" in after, after
        last = next(row for row in rows if "note 7" in row)
        assert "(at 01:45 EST) note 7" in last, last
        # The columns stay in line: the text starts at the same place on every note.
        assert len({row.index("(at ") for row in rows if "(at " in row}) == 1, rows
        assert all(len(row) <= 78 for row in rows)

    drive(_console(home, clock), scenario, size=(80, 24))


def test_the_zone_is_named_from_the_second_the_clocks_change(home: Path) -> None:
    """Open before the change, the pane names no zone; from 06:00 UTC its rows do, with no key
    pressed (the pane's kept rows are drawn anew)."""
    clock = FakeClock(datetime(2026, 11, 1, 5, 30, tzinfo=UTC))
    store = IncidentStore.create(
        home, cmd.Declare(incident_id=INCIDENT, title="Across"), clock=clock, actor="Alex"
    )
    clock.advance(1200)
    store.execute(cmd.AddLogEntry(text="before the change"))

    def shown(log: ScribeLog) -> str:
        """The pane as drawn (its kept rows), not as it would render a row now."""
        return "".join(s.text for line in range(log.size.height) for s in log.render_line(line))

    async def scenario(pilot: Pilot[int]) -> None:
        pilot.app.screen._show_pane("log")  # type: ignore[attr-defined]  # the log's tab
        log = pilot.app.screen.query_one(ScribeLog)
        await until(pilot, lambda: "01:50:00 Alex" in shown(log))
        assert "EDT" not in shown(log)
        clock.advance(900)  # 06:05 UTC: 01:05 EST
        await until(pilot, lambda: "01:50:00 EDT Alex" in shown(log))

    drive(_console(home, clock), scenario, size=(80, 24))


def test_an_incident_inside_one_offset_draws_its_rows_as_before(home: Path) -> None:
    clock = _incident(home, datetime(2026, 11, 23, 14, 0, tzinfo=UTC))

    async def scenario(pilot: Pilot[int]) -> None:
        await until(pilot, lambda: "note 7" in "".join(_rows(pilot)))
        rows = _rows(pilot)
        last = next(row for row in rows if "note 7" in row)
        assert last.startswith("10:20:00 Alex       note      (at 10:15) note 7"), last
        assert not any(" EST" in row for row in rows), rows

    drive(_console(home, clock), scenario, size=(80, 24))
