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
