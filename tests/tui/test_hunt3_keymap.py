"""A keymap in config.toml that gives one key to two bindings live on the same screen.

Textual kept one of the two and dropped the other without a word: `done = "l"` made `l`, the key
every scribe presses to log, close the task under the cursor (seen at 80x24 in tmux: task 1
closed); `log = "ctrl+q"` took the quit key away; `done = "escape"` closed a task on Esc. The
console now refuses such a keymap before it starts, and `ic config check` says so too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ic_console.content.config import Config
from ic_console.content.phrasebook import shipped_phrasebook
from ic_console.domain.clock import FakeClock
from ic_console.tui.config import ConfigError, check_keymap
from ic_console.tui.factory import make_app


@pytest.mark.parametrize(
    ("keymap", "words"),
    [
        ({"done": "l"}, '"l" to done, but log'),
        ({"log": "ctrl+q"}, '"ctrl+q" to log, but quit'),
        ({"done": "escape"}, '"escape" to done'),
        ({"accept": "1"}, '"1" to accept, but pane-tasks'),
        ({"followup": "d"}, '"d" to followup, but done'),  # the Deputy's view
        ({"glance.copy": "q"}, '"q" to glance.copy, but glance.close'),
    ],
)
def test_a_key_given_to_two_live_bindings_is_refused_before_the_console_starts(
    home: Path, clock: FakeClock, keymap: dict[str, str], words: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        make_app(
            home, "Alex", clock=clock, config=Config(keymap=keymap), phrasebook=shipped_phrasebook()
        )
    message = str(refused.value)
    assert words in message, message
    assert "a key of its own" in message, message
    assert "\n" not in message


@pytest.mark.parametrize(
    "keymap",
    [
        {"log": "d", "done": "l"},  # a swap: each key still has one binding
        {"glance.copy": "y"},  # `y` is the console's, not the glance screen's
        {"log": "f5", "log.leave": "f6"},
    ],
)
def test_keys_swapped_or_used_on_other_screens_are_kept(keymap: dict[str, str]) -> None:
    assert check_keymap(Config(keymap=keymap)) == keymap


@pytest.mark.parametrize(
    ("keys", "words"),
    [
        (
            "F5",
            'the key "F5", which no keyboard sends (the keymap replaces log\'s own key): '
            'did you mean "f5"?',
        ),
        ("ctl+l", '"ctl+l", which no keyboard sends'),
        ("Escape", 'did you mean "escape"?'),
        ("f5,foo", '"foo", which no keyboard sends'),
    ],
)
def test_a_key_name_no_terminal_sends_is_refused(keys: str, words: str) -> None:
    """`log = "F5"` was accepted: F5 then did nothing (Textual names it "f5") and `l` no longer
    started a log line, so the console had no log key at all."""
    with pytest.raises(ConfigError) as refused:
        check_keymap(Config(keymap={"log": keys}))
    assert words in str(refused.value), str(refused.value)


def test_key_names_terminals_send_are_kept() -> None:
    keymap = {"log": "f5,ctrl+l", "help": "question_mark", "ack": "A", "join": "shift+f2"}
    assert check_keymap(Config(keymap=keymap)) == keymap
