"""The checklist and runbook screens: behaviour with the Pilot, and snapshots at a fixed size."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from datetime import UTC
from typing import Any

import pytest
from textual.app import App
from textual.reactive import reactive
from textual.widgets import Input, Label, Markdown, OptionList

from ic_console.content.library import load_checklists, load_runbooks
from ic_console.domain.commands import AssignRole, ChangePhase, TickChecklistItem
from ic_console.domain.model import Phase, Role
from ic_console.tui.screens.checklists import ChecklistScreen
from ic_console.tui.screens.runbooks import RunbookScreen

from .helpers import Scenario

SIZE = (80, 24)


@pytest.fixture(autouse=True)
def _no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """A blinking cursor would make a screenshot depend on the moment it is taken."""
    still = reactive(False, init=False)
    still.__set_name__(Input, "cursor_blink")
    monkeypatch.setattr(Input, "cursor_blink", still)


def synchronously(test: Callable[[], Coroutine[Any, Any, None]]) -> Callable[[], None]:
    """Run an async Pilot test with asyncio (the suite has no async plugin)."""

    @functools.wraps(test)
    def run() -> None:
        asyncio.run(test())

    return run


def incident() -> Scenario:
    scenario = Scenario(severity=1)
    scenario.run(AssignRole(role=Role.IC, name="Alex"))
    scenario.run(AssignRole(role=Role.DEPUTY, name="Tatiana"))
    scenario.run(ChangePhase(phase=Phase.DIAGNOSE))
    return scenario


class ChecklistHost(App[None]):
    """Plays the console's part: records each tick as a domain command, pushes the state back."""

    def __init__(self, scenario: Scenario, me: str | None = "Alex") -> None:
        super().__init__()
        self.scenario = scenario
        self.me = me
        self.toggled: list[tuple[str, str, bool]] = []
        checklists, problems = load_checklists([])
        assert problems == []
        self.checklist_screen = ChecklistScreen(
            checklists.values(), scenario.state, me=me, zone=UTC
        )

    def on_mount(self) -> None:
        self.push_screen(self.checklist_screen)

    def on_checklist_screen_toggled(self, message: ChecklistScreen.Toggled) -> None:
        self.toggled.append((message.checklist_id, message.item_id, message.ticked))
        self.scenario.run(
            TickChecklistItem(
                checklist=message.checklist_id, item=message.item_id, ticked=message.ticked
            )
        )
        self.checklist_screen.show_state(self.scenario.state)


class RunbookHost(App[None]):
    def __init__(self, initial: str | None = None) -> None:
        super().__init__()
        runbooks, problems = load_runbooks([])
        assert problems == []
        self.runbook_screen = RunbookScreen(runbooks.values(), initial=initial)

    def on_mount(self) -> None:
        self.push_screen(self.runbook_screen)


def option_texts(screen: Any, selector: str) -> list[str]:
    option_list = screen.query_one(selector, OptionList)
    return [str(option_list.get_option_at_index(i).prompt) for i in range(option_list.option_count)]


# -- checklists --------------------------------------------------------------------------------


@synchronously
async def test_checklists_show_what_applies_to_the_commander_now() -> None:
    app = ChecklistHost(incident())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        texts = option_texts(app.checklist_screen, "#checklist-items")
        assert texts[0] == "Incident Commander: declaring or taking command  0/10"
        assert "Incident Commander: handing over command  0/7" in texts
        assert not any("Deputy" in t and "right hand" in t for t in texts)
        scope = app.checklist_screen.query_one("#checklist-scope", Label)
        assert str(scope.render()) == "SEV-1 · Diagnose · Alex: Incident Commander"


@synchronously
async def test_ticking_posts_a_message_and_shows_the_tick_once_recorded() -> None:
    scenario = incident()
    app = ChecklistHost(scenario)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        scenario.at(3)
        await pilot.press("space")
        await pilot.pause()
        assert app.toggled == [("ic-taking-command", "ask-for-commander", True)]
        assert scenario.state.checklist_ticks == {
            ("ic-taking-command", "ask-for-commander"): scenario.now
        }
        texts = option_texts(app.checklist_screen, "#checklist-items")
        assert texts[0] == "Incident Commander: declaring or taking command  1/10"
        assert texts[1].startswith("[x] Ask whether there is already an Incident Commander")
        assert texts[1].endswith("  ticked 14:03 UTC")
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.toggled[-1] == ("ic-taking-command", "introduce", True)
        await pilot.press("up", "space")  # unticks: the highlight stayed on its item
        await pilot.pause()
        assert app.toggled[-1] == ("ic-taking-command", "ask-for-commander", False)
        assert ("ic-taking-command", "ask-for-commander") not in scenario.state.checklist_ticks


@synchronously
async def test_show_all_and_a_viewer_without_a_role() -> None:
    app = ChecklistHost(incident(), me="Kim")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        texts = option_texts(app.checklist_screen, "#checklist-items")
        assert texts[0] == "Subject Matter Expert: joining the call  0/7"
        await pilot.press("a")
        await pilot.pause()
        headings = [t for t in option_texts(app.checklist_screen, "#checklist-items") if "/" in t]
        assert len(headings) == 9
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ChecklistScreen)


@synchronously
async def test_nothing_applies_says_so() -> None:
    scenario = incident()
    app = ChecklistHost(scenario, me="Kim")
    app.checklist_screen.checklists = [
        c for c in app.checklist_screen.checklists if c.id != "sme-joining"
    ]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.checklist_screen.query_one("#checklist-empty", Label).display
        assert not app.checklist_screen.query_one("#checklist-items", OptionList).display


def test_checklist_screen_snapshot(snap_compare: Any) -> None:
    scenario = incident()
    scenario.at(2).run(TickChecklistItem(checklist="ic-taking-command", item="introduce"))
    scenario.at(4).run(TickChecklistItem(checklist="ic-taking-command", item="confirm-severity"))
    assert snap_compare(ChecklistHost(scenario), terminal_size=SIZE)


# -- runbooks ----------------------------------------------------------------------------------


@pytest.mark.slow  # several seconds: left out of make test-fast
@synchronously
async def test_runbooks_list_open_and_search() -> None:
    app = RunbookHost()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.runbook_screen
        assert option_texts(screen, "#runbook-list")[0] == (
            "The first ten minutes of a major incident"
        )
        assert screen.current is not None and screen.current.id == "first-ten-minutes"
        await pilot.press("down")
        await pilot.pause()
        assert screen.current.id == "running-the-bridge"
        await pilot.press("slash")
        await pilot.press(*"plain words")
        await pilot.pause()
        assert option_texts(screen, "#runbook-list") == ["Writing stakeholder updates"]
        assert str(screen.query_one("#runbook-count", Label).render()) == "1 of 6 match"
        assert screen.current.id == "stakeholder-updates"
        await pilot.press("escape")  # clears the search first
        await pilot.pause()
        assert len(option_texts(screen, "#runbook-list")) == 6
        await pilot.press(*"zzzz")
        await pilot.pause()
        assert option_texts(screen, "#runbook-list") == []
        assert screen.query_one("#runbook-text", Markdown).source == "Nothing matches *zzzz*."


@synchronously
async def test_runbook_search_scrolls_to_the_matching_section() -> None:
    app = RunbookHost(initial="running-the-bridge")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.runbook_screen
        assert screen.current is not None and screen.current.id == "running-the-bridge"
        await pilot.press("slash", *"ending")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.current.id == "running-the-bridge"
        assert screen.goto_match(screen.current)
        assert screen.query_one("#runbook-view").scroll_y > 0


def test_runbook_screen_snapshot(snap_compare: Any) -> None:
    assert snap_compare(RunbookHost(), terminal_size=SIZE)


def test_runbook_screen_search_snapshot(snap_compare: Any) -> None:
    async def search(pilot: Any) -> None:
        await pilot.press("slash", *"executive")
        await pilot.pause()

    assert snap_compare(RunbookHost(), terminal_size=SIZE, run_before=search)
