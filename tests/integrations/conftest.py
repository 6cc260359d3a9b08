"""Running `ic` as a monitor, a bot or a shell script would: stdin from a file, stdout and stderr
captured, a fake clock, a private data root and a config file the test writes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from helpers.cli_clock import fake_cli_clock
from ic_console.cli import main
from ic_console.domain.clock import FakeClock
from ic_console.store.incident import IncidentStore

START = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class Result:
    code: int
    out: str
    err: str


class Ic:
    """`ic` in this process, with stdin from bytes or a fixture file."""

    def __init__(
        self, home: Path, tmp: Path, capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch
    ) -> None:
        self.home = home
        self.tmp = tmp
        self.capsys = capsys
        self.mp = mp

    def __call__(self, *argv: str, stdin: bytes | Path | None = None) -> Result:
        self.capsys.readouterr()
        handle = None
        if stdin is not None:
            path = stdin if isinstance(stdin, Path) else self.tmp / "stdin.bin"
            if not isinstance(stdin, Path):
                path.write_bytes(stdin)
            handle = open(path, encoding="utf-8")  # noqa: SIM115 - closed below
            self.mp.setattr(sys, "stdin", handle)
        try:
            code = main(["--home", str(self.home), *argv])
        finally:
            if handle is not None:
                handle.close()
        captured = self.capsys.readouterr()
        return Result(code, captured.out, captured.err)

    def store(self, incident_id: str) -> IncidentStore:
        return IncidentStore.open(self.home, incident_id, read_only=True)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """Every verb sees this clock instead of the wall clock."""
    return fake_cli_clock(monkeypatch, START)


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Path]:
    """Write config.toml for the test (none until called)."""
    path = tmp_path / "config.toml"
    monkeypatch.setenv("IC_CONSOLE_CONFIG", str(path))

    def write(text: str) -> Path:
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def ic(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    clock: FakeClock,
    config: Callable[[str], Path],
) -> Iterator[Ic]:
    home = tmp_path / "data"
    monkeypatch.setenv("IC_CONSOLE_HOME", str(tmp_path / "from-env"))
    monkeypatch.setenv("IC_CONSOLE_USER", "Alex")
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield Ic(home, tmp_path, capsys, monkeypatch)
    monkeypatch.undo()
    time.tzset()


def ok(result: Result) -> Result:
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    return result


def refused(result: Result, *needles: str) -> Result:
    """Exit 2, one line on stderr, nothing on stdout, and the line says what was wrong."""
    assert result.code == 2, (result.out, result.err)
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("ic: ")
    for needle in needles:
        assert needle in lines[0], lines[0]
    return result


def fixture(name: str) -> Path:
    return FIXTURES / name


def ic_process(
    home: Path, *argv: str, env: dict[str, str] | None = None, **kwargs: object
) -> subprocess.Popen[bytes]:
    """`ic` as its own process (for a real terminal's streams and for following)."""
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "ic_console", "--home", str(home), *argv],
        env={**os.environ, **(env or {})},
        **kwargs,
    )


def wait_for(check: Callable[[], bool], timeout: float = 15.0) -> bool:
    """Poll `check` until it holds (detached hooks run in their own processes)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def json_lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]
