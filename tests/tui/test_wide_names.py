"""Names in CJK or with emoji take two cells a character: the task board pads its columns by
cells, so every row's countdown and state stay in one column (they were pushed right by one
cell per wide character: `str.ljust` counts characters)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from rich.cells import cell_len
from textual.pilot import Pilot

from ic_console.domain import commands as cmd
from ic_console.domain.clock import FakeClock
from ic_console.store.incident import IncidentStore
from ic_console.tui.text import fit

from .conftest import console, drive, until
from .test_widgets_pressure import screen_lines


def test_fit_pads_and_cuts_by_cells() -> None:
    assert fit("Sam", 6) == "Sam   "
    assert fit("李小龍", 8) == "李小龍  "
    assert cell_len(fit("李小龍 👩‍🚒 Tanaka", 12)) == 12
    assert fit("李小龍 👩‍🚒 Tanaka", 12).endswith("…")


def test_wide_owner_names_keep_the_board_in_columns(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    owners = ["Sam", "李小龍", "Zoë 🔥", "김민준 민준"]
    for owner in owners:
        incident.execute(
            cmd.AssignTask(owner=owner, text="check it", timebox=timedelta(minutes=10))
        )

    async def scenario(pilot: Pilot[int]) -> None:
        def rows() -> list[str]:
            return [line for line in screen_lines(pilot.app) if "not ack" in line]

        await until(pilot, lambda: len(rows()) == len(owners))
        columns = {cell_len(row[: row.index("not ack")]) for row in rows()}
        assert len(columns) == 1, rows()

    drive(console(home, clock), scenario, size=(80, 24))


def test_four_digit_task_numbers_keep_a_space_before_the_owner(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    """At a thousand tasks "#1001Sam" ran the number into the name; the number column widens
    for every row alike."""
    for number in range(1, 1003):
        minutes = 1 if number >= 1000 else 60
        incident.execute(
            cmd.AssignTask(owner="Sam", text=f"check {number}", timebox=timedelta(minutes=minutes))
        )

    async def scenario(pilot: Pilot[int]) -> None:
        def rows() -> list[str]:
            return [line for line in screen_lines(pilot.app) if "not ack" in line]

        await until(pilot, lambda: len(rows()) >= 4)
        assert rows()[0].startswith("#1000 Sam "), rows()
        assert len({row.index("Sam") for row in rows()}) == 1, rows()

    drive(console(home, clock), scenario, size=(80, 24))
