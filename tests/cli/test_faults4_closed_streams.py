"""`ic VERB >&-` (stdout closed, so Python's sys.stdout is None) printed AttributeError's
traceback ("'NoneType' object has no attribute 'write'") for every verb. A closed stdout is now
an output that cannot be written, as `> /dev/full` is: the verb's work is done or refused as
there, one line "ic: could not write the output: ...", exit 1.

`ic VERB 2>&-` (stderr closed) printed its messages on stdout instead, where a `--json` reader
got a stray line: they are now dropped (stderr is os.devnull), and stdout holds only output."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable

import pytest

from .conftest import DEV_FULL, IC, Run, ok, to_dev_full


def _closing(fd: int) -> Callable[[], None]:
    def close() -> None:  # in the child, before `ic` starts: as the shell's `>&-`
        os.close(fd)

    return close


def _with_closed(fd: int, env: dict[str, str], *argv: str) -> tuple[int, str]:
    """`ic argv` with descriptor `fd` (1 or 2) closed, as the shell's `>&-` or `2>&-`; its exit
    status and what it wrote on the other of the two."""
    kept = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    kept["stderr" if fd == 1 else "stdout"] = subprocess.PIPE
    done = subprocess.run(
        [str(IC), *argv],
        stdin=subprocess.DEVNULL,
        text=True,
        timeout=60,
        env={**os.environ, **env},
        preexec_fn=_closing(fd),
        **kept,
    )
    return done.returncode, done.stderr if fd == 1 else done.stdout


def _with_stdout_closed(env: dict[str, str], *argv: str) -> tuple[int, str]:
    return _with_closed(1, env, *argv)


def _with_stderr_closed(env: dict[str, str], *argv: str) -> tuple[int, str]:
    return _with_closed(2, env, *argv)


def _says_the_output_is_closed(code: int, err: str) -> None:
    assert code == 1, err
    assert "Traceback" not in err and "Exception ignored" not in err, err
    last = err.strip().splitlines()[-1]  # after what the verb warns of (`ic export`)
    assert last == "ic: could not write the output: standard output is closed.", err


@pytest.mark.parametrize(
    "argv",
    [
        ("show",),
        ("show", "--json"),
        ("log", "Replica lag is 30s"),
        ("list",),
        ("tail",),
        ("export", "-o", "-"),
        ("--help",),
        ("completion", "bash"),
    ],
    ids=" ".join,
)
def test_a_closed_stdout_is_an_output_that_cannot_be_written(
    ic: Run, env: dict[str, str], argv: tuple[str, ...]
) -> None:
    ok(ic("new", "Checkout down"))
    code, err = _with_stdout_closed(env, *argv)
    _says_the_output_is_closed(code, err)
    if DEV_FULL.exists():  # the same end as `> /dev/full`, but for the reason
        full = to_dev_full(env, *argv)
        assert (code, err.replace("standard output is closed", "No space left on device")) == full


def test_a_recording_verb_keeps_what_it_recorded_with_stdout_closed(
    ic: Run, env: dict[str, str]
) -> None:
    """As with /dev/full: the entry is durable before the confirmation would be printed."""
    ok(ic("new", "Checkout down"))
    _says_the_output_is_closed(*_with_stdout_closed(env, "log", "Replica lag is 30s"))
    assert "Replica lag is 30s" in ok(ic("show")).out


def test_a_refused_verb_says_why_with_stdout_closed(ic: Run, env: dict[str, str]) -> None:
    """A refusal is said on stderr as ever (exit 2): stdout is not needed to say it."""
    ok(ic("new", "Checkout down"))
    code, err = _with_stdout_closed(env, "show", "nosuch")
    assert code == 2, err
    assert err.startswith("ic: There is no incident 'nosuch'"), err
    assert len(err.strip().splitlines()) == 1


def test_a_closed_stderr_leaves_json_output_alone(ic: Run, env: dict[str, str]) -> None:
    """A refusal on stderr is dropped with stderr closed, not written where a script reads
    JSON."""
    ok(ic("new", "Checkout down"))
    code, out = _with_stderr_closed(env, "show", "nosuch", "--json")
    assert code == 2
    assert out == ""
    code, out = _with_stderr_closed(env, "show", "--json")
    assert code == 0
    assert json.loads(out)["title"] == "Checkout down"


def test_a_closed_stderr_keeps_the_verbs_output(ic: Run, env: dict[str, str]) -> None:
    """`ic new` prints the new id on stdout (for a script) and its confirmation on stderr."""
    code, out = _with_stderr_closed(env, "new", "Checkout down")
    assert code == 0
    assert len(out.splitlines()) == 1, out
    assert out.strip().endswith("-checkout-down"), out
    code, out = _with_stderr_closed(env, "bogus-verb")  # argparse's usage error: dropped
    assert code == 2
    assert out == ""
