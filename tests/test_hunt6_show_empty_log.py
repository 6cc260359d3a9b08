"""Hunt 6: `ic show` on an incident whose log is empty says where to look.

A folder copied part-way (an empty events file) made `ic show` say "see the message above
about its log", with no message above: the one line pointed at nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ic_console.cli import main


def test_show_on_an_empty_log_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("IC_CONSOLE_CONFIG", str(tmp_path / "no-config.toml"))
    home = tmp_path / "data"
    events = home / "incidents" / "copied" / "events"
    events.mkdir(parents=True, mode=0o700)
    log = events / "0123456789ab.jsonl"
    log.write_bytes(b"")
    log.chmod(0o600)
    assert main(["show", "copied", "--home", str(home)]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert captured.out == "" and len(lines) == 1, captured.err
    assert "see the message above" not in lines[0]
    assert str(log) in lines[0] and "holds no declaration" in lines[0]
