"""The console verbs of `ic`: registered, friendly on mistakes, and Textual-free until opened."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ic_console.cli import main


def test_open_and_demo_are_verbs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "open" in out and "demo" in out


def test_open_an_unknown_incident_is_one_line(home: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["open", "no-such-incident"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no-such-incident" in err[0]


def test_bad_config_is_one_line_before_any_screen(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('theme = "no-such-theme"\n')
    monkeypatch.setenv("IC_CONSOLE_CONFIG", str(config))
    assert main(["open"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no-such-theme" in err[0]


def test_help_does_not_load_textual() -> None:
    code = (
        "import sys\n"
        "from ic_console.cli import build_parser\n"
        "build_parser().format_help()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
