"""Hunt 6: one long name on the call never hides who holds each role (80x24).

A name is up to 64 characters, and 64 CJK characters take 128 cells. The roster's first
column (role names, then the names of the people on the call) grew to hold it whole, and the
second column, where the role holders are, was cut to nothing: "Deputy" with no name beside
it, at the moment the IC looks for whom to hand over to.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from ic_console.domain import commands as cmd
from ic_console.domain.clock import FakeClock
from ic_console.domain.model import Role
from ic_console.store.incident import IncidentStore
from ic_console.tui.widgets.roster import Roster

from .conftest import INCIDENT, drive, until
from .conftest import console as open_console

LONG = "長" * 64


def _lines(roster: Roster) -> list[str]:
    return [
        "".join(segment.text for segment in roster.render_line(y))
        for y in range(roster.size.height)
    ]


def test_role_holders_stay_in_view_beside_a_64_character_wide_name(
    home: Path, clock: FakeClock
) -> None:
    store = IncidentStore.create(
        home, cmd.Declare(incident_id=INCIDENT, title="Wide names"), clock=clock, actor="Alex"
    )
    store.execute(cmd.AssignRole(role=Role.IC, name=LONG))
    store.execute(cmd.AssignRole(role=Role.DEPUTY, name="Priya"))
    store.execute(cmd.AssignRole(role=Role.SCRIBE, name="Sam"))
    app = open_console(home, clock)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("3")
        roster = app.screen.query_one(Roster)
        await until(pilot, lambda: roster.size.height > 0 and any(_lines(roster)))
        await pilot.pause()
        lines = _lines(roster)
        rows = {line.split()[0]: line for line in lines if line.strip()}
        assert "Priya" in rows["Deputy"], lines
        assert "Sam" in rows["Scribe"], lines
        assert "長長長" in rows["Incident"], lines
        # The long name on the call is cut, and its role still shows beside it.
        mine = next(line for line in lines if line.startswith("長"))
        assert "…" in mine and "Incident Commander" in mine, lines

    drive(app, scenario, size=(80, 24))
