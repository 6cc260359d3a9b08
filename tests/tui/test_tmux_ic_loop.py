"""The IC's loop in a real terminal at 80x24, keys sent in bursts as a person types on a call.

Declare, staff the roles, assign three tasks, acknowledge one by number, see an expired timebox
from another tab, extend it, decide over an objection, hand over command and resolve. After
each step the screen is read back (tmux capture-pane) and the log on disk is checked.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers.console import wait_for
from ic_console.domain import events as ev
from ic_console.domain.model import Role, TaskStatus
from ic_console.store.catalog import list_incidents
from ic_console.store.incident import IncidentStore

pytestmark = [pytest.mark.tmux, pytest.mark.slow]

IC = Path(sys.executable).parent / "ic"

#: The keys of each step, as they are sent (one burst each); their count goes in the report.
STEPS: dict[str, list[list[str]]] = {}


def test_the_ic_loop_at_80x24_in_bursts(
    tmux: Callable[..., str], home: Path, tmp_path: Path
) -> None:
    assert IC.exists(), f"{IC} is missing: install the project into this environment"
    environment = {
        "IC_CONSOLE_HOME": str(home),
        "IC_CONSOLE_USER": "Alex",
        "IC_CONSOLE_CONFIG": str(tmp_path / "no-config.toml"),
        "TERM": "xterm-256color",
        "TZ": "UTC",
    }
    exports = [f"-e{key}={value}" for key, value in environment.items()]
    tmux("new-session", "-d", "-s", "ic", "-x", "80", "-y", "24", *exports, str(IC))

    def screen() -> str:
        return tmux("capture-pane", "-p", "-t", "ic")

    def see(*texts: str, timeout: float = 15.0) -> None:
        try:
            wait_for(lambda: all(text in screen() for text in texts), timeout=timeout, every=0.1)
        except AssertionError:
            raise AssertionError(
                f"never saw {texts} on:\n{screen()}\nthe log's last events:\n{last_events()}"
            ) from None

    def last_events() -> str:
        """What reached the log, to tell a lost key from a screen not redrawn."""
        if not list_incidents(home):
            return "(no incident)"
        return "\n".join(f"  {e.data!r}" for e in stored_events(home)[-8:])

    def burst(step: str, *keys: str) -> None:
        """One write of all the keys' bytes to the terminal, as fast typing delivers them."""
        STEPS.setdefault(step, []).append(list(keys))
        data = b"".join(NAMED.get(key, key.encode()) for key in keys)
        tmux("send-keys", "-t", "ic", "-H", *(f"{byte:02x}" for byte in data))

    def state() -> IncidentStore:
        [info] = list_incidents(home)
        return IncidentStore.open(home, info.incident_id, read_only=True)

    see("There is no active incident")
    burst("declare", "n", "Checkout errors in EU", "Enter", "BSpace", "1", "Enter")
    see("Checkout errors in EU", "SEV-1")

    burst("roles", "g", "ic", "Enter", "Alex", "Enter")
    see("IC Alex")
    burst("roles", "g", "deputy", "Enter", "Priya", "Enter")
    wait_for(lambda: state().state.holder(Role.DEPUTY) == "Priya", timeout=10)

    for owner, text, box in [
        ("Sam", "check the pool", "5s"),
        ("Priya", "read the dashboards", "10m"),
        ("Jordan", "replica lag", "15m"),
    ]:
        burst("three tasks", "t", owner, "Enter", text, "Enter", box, "Enter")
    see("#3", "Jordan", "replica lag")
    assert [t.owner for t in state().state.open_tasks()] == ["Sam", "Priya", "Jordan"]

    burst("acknowledge by number", "2", "a")
    see("Task 2 (Priya: read the")  # the confirmation toast (it wraps at 80 columns)
    assert state().state.tasks[2].acknowledged_at is not None
    assert state().state.tasks[1].acknowledged_at is None

    burst("expired timebox seen off-tab", "2")  # the scribe log tab; task 1 runs out
    see("1 late", timeout=20)

    burst("extend", "1", "x", "10m", "Enter")
    see("Task 1 (Sam: check the")
    wait_for(lambda: "1 late" not in screen(), timeout=10)

    burst("decision with objection", "p", "roll back the deploy", "Enter")
    see("D1 proposed")
    burst("decision with objection", "o", "Dana", "Enter", "the rollback drops sessions", "Enter")
    see("objection from Dana")
    burst("decision with objection", "1", "y", "Enter")
    see("accepted over 1 objection")

    burst("handover", "i", "Priya", "Enter")
    see("IC Priya")

    burst("resolve", "1", "d", "2", "d", "3", "d", "R", "Enter")
    see("RESOLVED")
    final = state().state
    assert all(task.status is TaskStatus.DONE for task in final.tasks.values())
    types = [event.data for event in stored_events(home)]
    assert any(isinstance(data, ev.IncidentResolved) for data in types)
    assert not any(isinstance(data, ev.TaskCancelled) for data in types)

    report = {
        step: sum(_count(k) for keys in bursts for k in keys) for step, bursts in STEPS.items()
    }
    print("keys per step:", report)
    tmux("send-keys", "-t", "ic", "C-q")


#: The bytes a terminal sends for the named keys used here.
NAMED = {"Enter": b"\r", "BSpace": b"\x7f", "Escape": b"\x1b", "C-z": b"\x1a", "C-q": b"\x11"}


def _count(key: str) -> int:
    """Key presses in one argument of `burst`: a named key is one, text one per character."""
    return 1 if key in NAMED else len(key)


def stored_events(home: Path) -> list[ev.Event]:
    [info] = list_incidents(home)
    events: list[ev.Event] = []
    IncidentStore.open(home, info.incident_id, read_only=True, on_events=events.extend)
    return events
