"""Standard output that cannot be written (`ic list > /dev/full`, an I/O error) is said to be
the output's failure, exit 1, one line and no traceback: it said "could not use the incident
files: No space left on device", which sends a person to check the wrong disk.

A closed pipe stays quiet with 141 (tests/cli/test_polish2_pipe.py)."""

from __future__ import annotations

import errno
import io
import os

import pytest

from .conftest import DEV_FULL, Run, ok, to_dev_full

needs_dev_full = pytest.mark.skipif(not DEV_FULL.exists(), reason="no /dev/full here")


def _says_the_output_failed(code: int, err: str) -> None:
    assert code == 1, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err  # no traceback, no "Exception ignored" at exit
    assert lines[0].startswith("ic: could not write the output"), lines[0]
    assert "No space left on device" in lines[0]
    assert "could not use the incident files" not in lines[0]


@needs_dev_full
@pytest.mark.parametrize(
    "argv",
    [("list",), ("list", "--json"), ("show",), ("show", "--json"), ("completion", "bash")],
    ids=" ".join,
)
def test_a_full_stdout_is_said_to_be_the_outputs_failure(
    ic: Run, env: dict[str, str], argv: tuple[str, ...]
) -> None:
    ok(ic("new", "Checkout down"))
    _says_the_output_failed(*to_dev_full(env, *argv))


@needs_dev_full
def test_a_long_output_failing_part_way_is_said_once(ic: Run, env: dict[str, str]) -> None:
    """Past the first buffer the write fails inside the verb, not at the final flush."""
    ok(ic("new", "Checkout down"))
    for n in range(60):
        ok(ic("log", f"entry {n} " + "x" * 2000))
    _says_the_output_failed(*to_dev_full(env, "show", "--json"))


@needs_dev_full
def test_a_recording_verb_keeps_what_it_recorded(ic: Run, env: dict[str, str]) -> None:
    """The event is durable before the confirmation is printed: it stays recorded."""
    ok(ic("new", "Checkout down"))
    _says_the_output_failed(*to_dev_full(env, "log", "Replica lag is 30s"))
    assert "Replica lag is 30s" in ok(ic("show")).out


class _FailingOutput(io.StringIO):
    """An output whose device fails (EIO) once `fail` is set."""

    fail = False

    def write(self, text: str) -> int:
        if self.fail:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        return super().write(text)


def test_an_output_error_in_process_is_the_outputs(
    ic: Run, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ok(ic("new", "Checkout down"))
    failing = _FailingOutput()
    failing.fail = True
    monkeypatch.setattr("sys.stdout", failing)
    from ic_console.cli import main

    code = main(["list"])
    err = capsys.readouterr().err
    assert code == 1
    assert err == f"ic: could not write the output: {os.strerror(errno.EIO)}.\n"


def test_the_incident_files_failing_are_still_the_files(
    ic: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only stdout's own errors are the output's: an OSError reading the incident is not."""
    ok(ic("new", "Checkout down"))
    from ic_console.store import catalog

    def broken(*_args: object, **_kwargs: object) -> object:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(catalog, "list_incidents", broken)
    result = ic("list")
    assert result.code == 1
    assert result.err.startswith("ic: could not use the incident files")


def test_the_help_documents_a_failing_output(ic: Run) -> None:
    assert "standard output could not be written" in ok(ic("--help")).out
