"""Hunt 6: `ic config check` checks the theme as the console does.

A theme Textual does not have ("solarised-dark") was "valid." to `ic config check`, and then
`ic open` refused to start with it: found on the bridge call, not when the file was checked.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_config_cli import run


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    monkeypatch.setenv("IC_CONSOLE_CONFIG", str(path))
    return path


def test_config_check_refuses_a_theme_the_console_refuses(config_file: Path) -> None:
    config_file.write_text('name = "Alex"\ntheme = "solarised-dark"\n')
    code, out, err = run("config", "check")
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1, err
    assert 'the theme "solarised-dark" in config.toml does not exist' in err
    assert "solarized-dark" in err  # the list to choose from


def test_config_check_takes_a_theme_textual_has(config_file: Path) -> None:
    config_file.write_text('name = "Alex"\ntheme = "solarized-dark"\n')
    assert run("config", "check") == (0, f"{config_file}: valid.\n", "")
