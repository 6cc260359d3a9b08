"""The IC and the Deputy in two real terminals at 80x24 on one incident, with a bot logging
from a script in between: each terminal's keys act on the task they name, and each screen shows
the other's changes without a key pressed.

The IC assigns two tasks in back-to-back bursts; a monitor logs an alert with `ic log`; the
Deputy acknowledges task 2 by number and writes a follow-up; the IC marks task 1 done. After
each step both screens are read back (tmux capture-pane) and the log on disk is checked.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers.console import wait_for
from ic_console.domain import commands as cmd
from ic_console.domain import events as ev
from ic_console.domain.model import LogKind, Role, TaskStatus
from ic_console.store.incident import IncidentStore

pytestmark = [pytest.mark.tmux, pytest.mark.slow]

IC = Path(sys.executable).parent / "ic"
INCIDENT = "two-terminals"


def test_ic_and_deputy_at_80x24_stay_in_step(
    tmux: Callable[..., str], home: Path, tmp_path: Path
) -> None:
    assert IC.exists(), f"{IC} is missing: install the project into this environment"
    store = IncidentStore.create(
        home, cmd.Declare(incident_id=INCIDENT, title="DB failover stuck", severity=1), actor="Alex"
    )
    store.execute(cmd.AssignRole(role=Role.IC, name="Alex"))
    store.execute(cmd.AssignRole(role=Role.DEPUTY, name="Priya"))
    environment = {
        "IC_CONSOLE_HOME": str(home),
        "IC_CONSOLE_CONFIG": str(tmp_path / "no-config.toml"),
        "TERM": "xterm-256color",
        "TZ": "UTC",
    }
    exports = [f"-e{key}={value}" for key, value in environment.items()]
    for session, command in [("ic", "open"), ("dep", "watch")]:
        person = "Alex" if session == "ic" else "Priya"
        tmux(
            "new-session", "-d", "-s", session, "-x", "80", "-y", "24", *exports,
            f"{IC} --as {person} {command} {INCIDENT}",
        )  # fmt: skip

    def screen(session: str) -> str:
        return tmux("capture-pane", "-p", "-t", session)

    def row(session: str, number: int) -> str:
        """The task board's row of task `number` on that screen ('' when not shown)."""
        return next((line for line in screen(session).splitlines() if f"#{number}  " in line), "")

    def see(session: str, check: Callable[[], bool], what: str) -> None:
        try:
            wait_for(check, timeout=20, every=0.1)
        except AssertionError:
            both = "\n".join(f"[{name}]\n{screen(name)}" for name in ("ic", "dep"))
            raise AssertionError(f"{session} never showed {what}:\n{both}") from None

    def acknowledged_row(line: str) -> bool:
        return " ack " in line and "not ack" not in line

    def keys(session: str, text: str) -> None:
        """One write of the bytes, as fast typing delivers them (\\r is Enter)."""
        tmux("send-keys", "-t", session, "-H", *(f"{b:02x}" for b in text.encode()))

    def on_disk() -> list[ev.Event]:
        events: list[ev.Event] = []
        IncidentStore.open(home, INCIDENT, read_only=True, on_events=events.extend)
        return events

    see("ic", lambda: "DB failover stuck" in screen("ic") and "IC Alex" in screen("ic"), "title")
    see("dep", lambda: "Chase now" in screen("dep"), "the Deputy's view")

    # The IC assigns two tasks, the second burst sent before the first form has closed.
    keys("ic", "tSam\rpromote the replica\r10m\r")
    keys("ic", "tJordan\rcheck the app pools\r5m\r")
    for session in ("ic", "dep"):
        see(session, lambda s=session: "Sam" in row(s, 1) and "Jordan" in row(s, 2), "both tasks")

    # A monitor logs from a script while both consoles are open.
    bot = subprocess.run(
        [str(IC), "--as", "alertbot", "log", INCIDENT, "alert 7 fired: replica lag 40s"],
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert bot.returncode == 0, bot.stderr
    see("dep", lambda: "alert 7 fired" in screen("dep"), "the bot's line")

    # The Deputy acknowledges task 2 by its number and writes a follow-up.
    keys("dep", "2a")
    keys("dep", "fcheck the failover runbook\r")
    for session in ("ic", "dep"):
        see(
            session,
            # "not ack" holds " ack " too: the acknowledged row is the one without "not".
            lambda s=session: acknowledged_row(row(s, 2)) and "not ack" in row(s, 1),
            "task 2 acknowledged, task 1 not",
        )
    acknowledged = [e for e in on_disk() if isinstance(e.data, ev.TaskAcknowledged)]
    assert [(e.data.number, e.actor) for e in acknowledged] == [(2, "Priya")]  # type: ignore[attr-defined]

    # The IC sees the bot's line and the Deputy's follow-up on the scribe log tab.
    keys("ic", "2")
    see(
        "ic",
        lambda: "alert 7 fired" in screen("ic") and "check the failover runbook" in screen("ic"),
        "the bot's line and the Deputy's follow-up",
    )

    # The IC reads the log, then names task 1 from there and marks it done (the "2" typed to
    # see the log is not the start of the number: it was task 21 here, "There is no task 21").
    time.sleep(1.5)
    keys("ic", "1d")
    see("dep", lambda: row("dep", 1) == "" and "Jordan" in row("dep", 2), "task 1 gone")
    state = IncidentStore.open(home, INCIDENT, read_only=True).state
    assert state.tasks[1].status is TaskStatus.DONE
    assert state.tasks[2].status is TaskStatus.OPEN
    followups = [entry for entry in state.log if entry.kind is LogKind.FOLLOWUP]
    assert [(f.text, f.author) for f in followups] == [("check the failover runbook", "Priya")]
    for session in ("ic", "dep"):
        tmux("send-keys", "-t", session, "C-q")
