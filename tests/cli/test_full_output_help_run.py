"""`ic run > /dev/full` and `ic --help > /dev/full` say, as every other verb does, that the
output could not be written: one line on stderr, exit 1. argparse dropped the help's write
error (it catches OSError when it prints) and exited 0; `ic run` dropped the copy's write error
and exited with the command's status, so a script read "0" for output nobody saw."""

from __future__ import annotations

import os
import subprocess

import pytest

from .conftest import DEV_FULL, IC, Run, ok, to_dev_full

pytestmark = pytest.mark.skipif(not DEV_FULL.exists(), reason="no /dev/full here")


FAILED = "ic: could not write the output: No space left on device."


@pytest.mark.parametrize(
    "argv",
    [("--help",), ("-h",), ("list", "--help"), ("run", "--help"), ("--version",)],
    ids=" ".join,
)
def test_help_and_version_on_a_full_stdout_say_so(env: dict[str, str], argv: tuple[str]) -> None:
    code, err = to_dev_full(env, *argv)
    assert (code, err.strip().splitlines()) == (1, [FAILED])


def test_help_on_a_working_stdout_is_unchanged(env: dict[str, str]) -> None:
    done = subprocess.run(
        [str(IC), "--help"], capture_output=True, text=True, env={**os.environ, **env}
    )
    assert done.returncode == 0 and done.stdout.startswith("usage: ic") and done.stderr == ""


def test_run_on_a_full_stdout_logs_the_command_and_says_the_output_failed(
    ic: Run, env: dict[str, str]
) -> None:
    incident = ok(ic("new", "Checkout down")).out.strip()
    code, err = to_dev_full(env, "run", "--", "echo", "restarting the pool")
    lines = err.strip().splitlines()
    assert code == 1, err
    assert lines == [f"ic: logged the command as an action on {incident}.", FAILED], err
    # What ran is still logged, with its output (only the copy to the terminal failed).
    shown = ok(ic("show")).out
    assert "Ran `echo 'restarting the pool'`: exit status 0" in shown
    assert "restarting the pool" in shown


def test_run_without_output_on_a_full_stdout_keeps_the_commands_status(
    ic: Run, env: dict[str, str]
) -> None:
    """Nothing was to be written, so nothing failed: the command's own status."""
    ok(ic("new", "Checkout down"))
    code, err = to_dev_full(env, "run", "--", "sh", "-c", "exit 3")
    assert code == 3, err
    assert FAILED not in err


def test_run_failing_command_on_a_full_stdout_still_says_the_output_failed(
    ic: Run, env: dict[str, str]
) -> None:
    ok(ic("new", "Checkout down"))
    code, err = to_dev_full(env, "run", "--", "sh", "-c", "echo half; exit 3")
    assert code == 1 and err.strip().splitlines()[-1] == FAILED, err
    assert "exit status 3" in ok(ic("show")).out
