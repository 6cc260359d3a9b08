"""A long configured severity name (24 CJK characters: 48 cells) is cut in the header, by
cell width and with an ellipsis, rather than dropped: at 80 columns with an update due, the
badge that says how bad it is (and its colour) vanished from the console. It is shown whole
when there is room."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.pilot import Pilot
from textual.widgets import Label

from ic_console.domain import commands as cmd
from ic_console.domain.clock import FakeClock
from ic_console.domain.model import use_severity_names
from ic_console.store.incident import IncidentStore
from ic_console.tui.widgets.incident_header import (
    SEVERITY_LEAST,
    TITLE_MIN,
    IncidentHeader,
    cut_to_cells,
)

from .conftest import console, drive
from .test_header_80 import LONG_TITLE, OFFLINE, ONLINE, _natural, _seen, everything_at_once

#: 24 characters, the most config.toml takes, each two cells wide.
CJK_NAME = "決済全面停止顧客影響大規模障害緊急対応要経営層報"


@pytest.fixture
def cjk_severity() -> Iterator[str]:
    use_severity_names({2: CJK_NAME})
    yield CJK_NAME
    use_severity_names({})


@pytest.fixture
def incident(home: Path, clock: FakeClock, cjk_severity: str) -> IncidentStore:
    return IncidentStore.create(
        home,
        cmd.Declare(incident_id="checkout-eu", title=LONG_TITLE, severity=2),
        clock=clock,
        actor="Alex",
    )


def _severity_text(header: IncidentHeader) -> str:
    return str(header.query_one("#header-severity", Label).render()).strip()


@pytest.mark.parametrize("sync", [None, ONLINE, OFFLINE], ids=["alone", "online", "offline"])
@pytest.mark.parametrize("ic", ["Alex", "Alexandra Okonkwo-Hughes"])
def test_at_80_columns_a_long_severity_name_is_cut_not_dropped(
    home: Path,
    clock: FakeClock,
    incident: IncidentStore,
    ic: str,
    sync: tuple[str, str, bool] | None,
) -> None:
    assert len(CJK_NAME) == 24 and cell_len(CJK_NAME) == 48
    everything_at_once(incident, clock, ic)

    async def scenario(pilot: Pilot[int]) -> None:
        header = pilot.app.screen.query_one(IncidentHeader)
        if sync is not None:
            header.show_sync(*sync)
        await pilot.pause()
        seen = _seen(header, 80)
        assert "header-severity" in seen, sorted(seen)  # the level is still on screen
        severity = seen["header-severity"]
        said = _severity_text(header)
        assert said == "決済全…"  # cut between characters, no space before the ellipsis
        assert severity.region.width == _natural(severity) <= SEVERITY_LEAST
        assert severity.has_class("-sev2")  # and its colour
        # What was there before stays: what is late and the due update whole, the title.
        for name in ("header-late", "header-update"):
            assert seen[name].region.width == _natural(seen[name]), name
        assert seen["header-title"].region.width >= TITLE_MIN
        for label in header.query(Label):  # nothing half off the edge
            assert not label.display or label.region.right <= 80, label.id

    drive(console(home, clock, "checkout-eu"), scenario, size=(80, 24))


def test_with_room_the_severity_name_is_whole_and_cut_again_when_narrow(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    everything_at_once(incident, clock, "Alex")

    async def scenario(pilot: Pilot[int]) -> None:
        header = pilot.app.screen.query_one(IncidentHeader)
        await pilot.pause()
        assert _severity_text(header) == CJK_NAME
        assert "header-severity" in _seen(header, 200)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert _severity_text(header).endswith("…")
        await pilot.resize_terminal(200, 40)
        await pilot.pause()
        assert _severity_text(header) == CJK_NAME

    drive(console(home, clock, "checkout-eu"), scenario, size=(200, 40))


def test_a_short_severity_name_is_never_cut(home: Path, clock: FakeClock) -> None:
    IncidentStore.create(
        home,
        cmd.Declare(incident_id="checkout-eu", title=LONG_TITLE, severity=2),
        clock=clock,
        actor="Alex",
    )
    store = IncidentStore.open(home, "checkout-eu", clock=clock, actor="Alex")
    everything_at_once(store, clock, "Alex")

    async def scenario(pilot: Pilot[int]) -> None:
        header = pilot.app.screen.query_one(IncidentHeader)
        await pilot.pause()
        # As it always was, spaces inside the badge and all (the snapshots hold it so).
        assert str(header.query_one("#header-severity", Label).render()) == " SEV-2 "

    drive(console(home, clock, "checkout-eu"), scenario, size=(80, 24))


def test_cut_to_cells_cuts_between_characters() -> None:
    assert cut_to_cells("SEV-2", 7) == "SEV-2"
    assert cut_to_cells("決済全面停止", 8) == "決済全…"  # 7 cells: a half character is no use
    assert cut_to_cells("決済全面停止", 7) == "決済全…"
    assert cut_to_cells("P1 - Critical", 7) == "P1 - C…"
    assert cut_to_cells("P1 Critical", 4) == "P1…"  # no space left before the ellipsis
    assert cut_to_cells("決済", 1) == "…"
