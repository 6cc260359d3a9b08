"""Fixtures for the `ic` command line as a shell user drives it (issue 18).

`ic` runs `main()` in this process with a private data root, config file and user, a fake clock
and UTC, and returns the exit code, stdout and stderr. `run_ic` runs the installed `ic` as a real
process, for what only a process shows: terminals, signals, pipes and shell completion.
"""

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

START = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
#: The `ic` of this virtual environment, as a user's shell would find it on PATH.
IC = Path(sys.executable).with_name("ic")
#: A device whose every write fails with ENOSPC (a full disk), for the tests of a failed stdout.
DEV_FULL = Path("/dev/full")


def to_dev_full(env: dict[str, str], *argv: str) -> tuple[int, str]:
    """Run the real `ic` with stdout on /dev/full: its exit code and its stderr."""
    with DEV_FULL.open("wb") as full:
        done = subprocess.run(
            [str(IC), *argv],
            stdin=subprocess.DEVNULL,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            env={**os.environ, **env},
        )
    return done.returncode, done.stderr


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> object:
        return json.loads(self.out)


Run = Callable[..., Result]


@pytest.fixture(autouse=True)
def _plain_severity_names() -> Iterator[None]:
    """A test that loads a config outside `main()` must not leave its names to the next one."""
    from ic_console.domain.model import use_severity_names

    yield
    use_severity_names({})


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A private data root, config path and user; returned for processes too."""
    values = {
        "IC_CONSOLE_HOME": str(tmp_path / "data"),
        "IC_CONSOLE_CONFIG": str(tmp_path / "config.toml"),
        "IC_CONSOLE_USER": "Alex",
        "TZ": "UTC",
    }
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("NO_COLOR", raising=False)
    time.tzset()
    return values


@pytest.fixture
def config(env: dict[str, str]) -> Callable[[str], Path]:
    """Write config.toml (the one every verb reads)."""

    def write(text: str) -> Path:
        path = Path(env["IC_CONSOLE_CONFIG"])
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """Every verb sees this clock instead of the wall clock."""
    return fake_cli_clock(monkeypatch, START)


@pytest.fixture
def ic(env: dict[str, str], clock: FakeClock, capsys: pytest.CaptureFixture[str]) -> Iterator[Run]:
    def run(*argv: str) -> Result:
        capsys.readouterr()
        code = main(list(argv))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    yield run
    time.tzset()


@pytest.fixture
def home(env: dict[str, str]) -> Path:
    return Path(env["IC_CONSOLE_HOME"])


def ok(result: Result) -> Result:
    assert result.code == 0, (result.out, result.err)
    assert "Traceback" not in result.err
    return result


def refused(result: Result, *needles: str, code: int = 2) -> str:
    """Exit `code`, nothing on stdout, one line on stderr saying what was wrong."""
    assert result.code == code, (result.out, result.err)
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("ic: ")
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def run_ic(
    env: dict[str, str], *argv: str, stdin: str | None = None, timeout: float = 60, **extra: str
) -> subprocess.CompletedProcess[str]:
    """The real `ic` in a process; stdin is a pipe (or nothing) and stdout a pipe."""
    return subprocess.run(
        [str(IC), *argv],
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **env, **extra},
    )
