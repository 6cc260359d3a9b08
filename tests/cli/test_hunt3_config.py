"""`ic config check` against the keymap: it said "valid." for a keymap the console then refused
to open with (an unknown binding id), and for one giving a key to two bindings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import Run, ok, refused


@pytest.mark.parametrize(
    ("toml", "words"),
    [
        ('[keymap]\nno-such-binding = "f5"\n', "unknown binding ids: no-such-binding"),
        ('[keymap]\ndone = "l"\n', '"l" to done, but log'),
    ],
)
def test_config_check_refuses_the_keymap_the_console_would_refuse(
    ic: Run, config: Callable[[str], Path], toml: str, words: str
) -> None:
    path = config(toml)
    line = refused(ic("config", "check"), words)
    assert str(path) in line, line


def test_config_check_still_passes_a_good_keymap(ic: Run, config: Callable[[str], Path]) -> None:
    config('[keymap]\nlog = "f5"\n')
    assert "valid." in ok(ic("config", "check")).out


@pytest.mark.parametrize(
    ("toml", "words"),
    [
        # Names are read before numbers: `ic sev 4` set level 3.
        ('[[severity]]\nlevel = 3\nname = "4"\n', 'level 3 is named "4", which reads as level 4'),
        ('[[severity]]\nlevel = 1\nname = "SEV-2"\n', "reads as level 2"),
        # `ic sev major` picked one of the two.
        (
            '[[severity]]\nlevel = 4\nname = "major"\n[[severity]]\nlevel = 5\nname = "Major"\n',
            'levels 4 and 5 are both named "Major"',
        ),
        # `ic sev ""` set the level named "--".
        ('[[severity]]\nlevel = 2\nname = "--"\n', "no letter or digit"),
    ],
)
def test_a_severity_name_that_reads_as_another_level_is_refused(
    ic: Run, config: Callable[[str], Path], toml: str, words: str
) -> None:
    config(toml)
    checked = ic("config", "check")
    assert checked.code == 2 and words in checked.err, checked.err
    refused(ic("new", "Checkout errors", "--id", "c"), words)


def test_a_level_may_be_named_by_its_own_number_or_a_word(
    ic: Run, config: Callable[[str], Path]
) -> None:
    config('[[severity]]\nlevel = 1\nname = "SEV 1"\n[[severity]]\nlevel = 3\nname = "P3"\n')
    ok(ic("new", "Checkout errors", "--id", "c"))
    ok(ic("sev", "c", "4"))
    assert '"severity": 4' in ok(ic("show", "c", "--json")).out.replace(": 4,", ": 4")


def test_a_severity_name_holding_an_escape_is_refused(
    ic: Run, config: Callable[[str], Path]
) -> None:
    """`ic list` and the console's header printed the name as it was: the escape garbled the
    header and wrote the terminal's clipboard (OSC 52)."""
    config('[[severity]]\nlevel = 2\nname = "P2\\u001b]52;c;aGk=\\u0007"\n')
    checked = ic("config", "check")
    assert checked.code == 2 and "holds a control character" in checked.err, checked.err
    refused(ic("list"), "holds a control character")


def test_an_update_cadence_under_a_minute_is_refused(
    ic: Run, config: Callable[[str], Path]
) -> None:
    """`update_every = "1s"` made an update due a second after each one was posted: the console
    toasted "A stakeholder update is due" on every post until the toasts covered the board."""
    config('[[severity]]\nlevel = 2\nupdate_every = "30s"\n')
    checked = ic("config", "check")
    assert checked.code == 2 and '"30s" is shorter than a minute' in checked.err, checked.err
    config('[[severity]]\nlevel = 2\nupdate_every = "1m"\n')
    ok(ic("config", "check"))
