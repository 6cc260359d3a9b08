"""`ic sync init URL`, `ic sync [ID]`, `ic sync status`: what a person reads, and exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from ic_console.cli import main
from ic_console.domain import commands as c
from ic_console.store.paths import replica_file

from .conftest import INCIDENT, Laptop


def _ic(capsys: pytest.CaptureFixture[str], laptop: Laptop, *words: str) -> tuple[int, str, str]:
    code = main(["--home", str(laptop.root), "--as", laptop.name, *words])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    path.write_text('name = "Alex"  # my name\n')
    monkeypatch.setenv("IC_CONSOLE_CONFIG", str(path))
    return path


def test_init_round_and_status(
    laptops: list[Laptop], config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    alex, priya, _sam = laptops
    code, _out, err = _ic(capsys, alex, "sync")
    assert code == 2 and "ic sync init URL" in err

    code, _out, err = _ic(capsys, alex, "sync", "init", str(alex.root / "nowhere.git"))
    assert code == 1 and err.count("\n") == 1 and "git ls-remote failed" in err
    assert "[sync]" not in config.read_text()
    code, _out, err = _ic(capsys, alex, "sync", "init", "--upload-pack=evil")
    assert code == 2

    code, out, _err = _ic(capsys, alex, "sync", "init", alex.remote)
    assert code == 0 and alex.remote in out
    assert config.read_text() == f'name = "Alex"  # my name\n\n[sync]\nremote = "{alex.remote}"\n'

    store = alex.declare()
    store.execute(c.AddLogEntry(text="first"))
    lines = len(replica_file(store.directory, alex.origin).read_bytes().splitlines())
    code, out, _err = _ic(capsys, alex, "sync", "status")
    assert f"events waiting to be sent: {lines}" in out
    assert "last successful sync: never" in out
    code, out, _err = _ic(capsys, alex, "sync")
    assert code == 0 and out.splitlines()[0] == f"Sent {lines} events of {INCIDENT}."

    code, out, _err = _ic(capsys, priya, "sync", INCIDENT)
    assert code == 0
    assert out.splitlines()[0] == (
        f"Received {lines} events of {INCIDENT} from Alex (an incident new to this laptop)."
    )
    assert out.splitlines()[1].startswith("Peers: Alex (")
    code, out, _err = _ic(capsys, priya, "sync")
    assert out.splitlines()[0] == "Up to date: nothing to send or receive."
    code, out, _err = _ic(capsys, priya, "sync", "status")
    assert "events waiting to be sent: 0" in out
    assert f"peer Alex (replica {alex.origin}): last pushed" in out


def test_an_unreachable_remote_is_one_line_and_exit_1(
    laptops: list[Laptop], config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    alex = laptops[0]
    config.write_text(f'[sync]\nremote = "{alex.root / "gone.git"}"\n')
    alex.declare()
    code, out, err = _ic(capsys, alex, "sync")
    assert code == 1
    assert out == "" and err.count("\n") == 1 and err.startswith("ic: sync: git fetch failed")
    code, out, _err = _ic(capsys, alex, "sync", "status")
    assert code == 0 and "offline since" in out
    code, _out, err = _ic(capsys, alex, "sync", "Not An Id")
    assert code == 2 and "not a valid incident id" in err


def test_init_save_anyway_keeps_a_remote_that_cannot_be_reached_now(
    laptops: list[Laptop], config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    alex = laptops[0]
    away = str(alex.root / "not-yet.git")
    code, _out, err = _ic(capsys, alex, "sync", "init", away)
    assert code == 1 and "--save-anyway" in err and err.count("\n") == 1
    assert "[sync]" not in config.read_text()
    code, out, err = _ic(capsys, alex, "sync", "init", away, "--save-anyway")
    assert code == 0 and away in out and "cannot be reached now" in err
    assert f'remote = "{away}"' in config.read_text()
    code, _out, err = _ic(capsys, alex, "sync")  # offline: one line, exit 1, nothing lost
    assert code == 1 and err.count("\n") == 1
    code, _out, err = _ic(capsys, alex, "sync", "--save-anyway")
    assert code == 2 and "goes with init" in err
