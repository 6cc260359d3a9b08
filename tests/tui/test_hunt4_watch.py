"""The fourth hunt's faults in the Deputy's view (`ic watch`), found in real terminals: keys in
bursts, as a terminal delivers them."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from ic_console.domain import events as ev
from ic_console.domain.clock import FakeClock
from ic_console.domain.model import LogKind

from .conftest import INCIDENT, drive, stored, until
from .test_watch import staffed, watch_app  # noqa: F401  (staffed: a fixture used below)


def _entries(home: Path) -> list[tuple[LogKind, str]]:
    return [
        (e.data.kind, e.data.text)
        for e in stored(home, INCIDENT)
        if isinstance(e.data, ev.LogEntryAdded)
    ]


def test_esc_then_f_or_b_is_esc_and_that_key(home: Path, clock: FakeClock) -> None:
    """In tmux the Deputy left the log line and pressed f (follow-up) at once: tmux sent
    ESC f as one pair, which Textual reads as ctrl+right (an iTerm "natural editing" key), and
    ESC b as ctrl+left. The Esc and the f were both lost."""
    from .test_hunt2_escape import parsed

    watch_app(home, clock)  # the console sets up how the terminal is read
    assert [k.key for k in parsed("\x1bfsecond")][:2] == ["escape", "f"]
    assert [k.key for k in parsed("\x1bb")] == ["escape", "b"]
    assert [k.key for k in parsed("\x1b[1;5C")] == ["ctrl+right"]  # the real key stays


@pytest.mark.usefixtures("staffed")
def test_esc_f_and_a_word_in_the_deputys_view_never_closes_a_task(
    home: Path, clock: FakeClock
) -> None:
    """The Deputy typed Esc, f and "second" within tmux's escape time: ESC f was ctrl+right,
    no follow-up line opened, and the word's letters went to the task board as keys: its d
    marked Sam's task done. Now the f opens the follow-up line and the word is typed in it."""
    from .test_hunt2_escape import parsed

    app = watch_app(home, clock)

    async def scenario(pilot: Pilot[int]) -> None:
        for key in parsed("\x1bfsecond\r"):
            app.post_message(key)
        await until(pilot, lambda: len(_entries(home)) >= 1, timeout=10)

    drive(app, scenario)
    assert _entries(home) == [(LogKind.FOLLOWUP, "second")]
    assert not [e for e in stored(home, INCIDENT) if isinstance(e.data, ev.TaskDone)]
