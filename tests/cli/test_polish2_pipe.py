"""A closed stdout (`ic show | head -1`) ends any verb quietly, as a well-kept CLI does: no
"could not use the incident files: Broken pipe", no traceback, exit 141 (128 + SIGPIPE)."""

from __future__ import annotations

import os
import subprocess

import pytest

from .conftest import IC, Run, ok


def _with_stdout_closed(env: dict[str, str], *argv: str) -> tuple[int, str]:
    """Run the real `ic` writing to a pipe whose reader has already gone."""
    reader, writer = os.pipe()
    os.close(reader)  # every write to `writer` now fails with EPIPE
    try:
        done = subprocess.run(
            [str(IC), *argv],
            stdin=subprocess.DEVNULL,
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            env={**os.environ, **env},
        )
    finally:
        os.close(writer)
    return done.returncode, done.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ("show",),
        ("show", "--json"),
        ("list",),
        ("--help",),
        ("log", "Replica lag is 30s"),
        ("completion", "bash"),
    ],
    ids=" ".join,
)
def test_a_closed_stdout_ends_every_verb_quietly(
    ic: Run, env: dict[str, str], argv: tuple[str, ...]
) -> None:
    ok(ic("new", "Checkout down"))
    code, err = _with_stdout_closed(env, *argv)
    assert err == ""
    # The help too: argparse dropped its write error (exit 0) until `HelpParser` raised it.
    assert code == 141


def test_the_help_documents_the_closed_pipe_status(ic: Run) -> None:
    assert "141" in ok(ic("--help")).out
