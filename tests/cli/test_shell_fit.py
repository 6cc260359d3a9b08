"""`ic` as a shell user expects a well-kept command line to behave (issue 18, "It fits the
shell")."""

from __future__ import annotations

import argparse
import os
import pty
import re
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from ic_console import __version__
from ic_console.cli import build_parser
from ic_console.cli.common import ARGUMENTS
from ic_console.domain.clock import FakeClock

from .conftest import IC, Run, ok, refused, run_ic

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def three(ic: Run, clock: FakeClock) -> list[str]:
    """Three incidents declared a minute apart: numbers 1, 2, 3 in `ic list`."""
    ids = []
    for title in ("Checkout errors", "Checkout latency", "Search down"):
        ids.append(ok(ic("new", title, "--sev", "1")).out.strip())
        clock.advance(delta=timedelta(minutes=1))
    return ids


# -- naming an incident ------------------------------------------------------------------------


def test_an_incident_by_unique_prefix_or_list_number(ic: Run, three: list[str]) -> None:
    assert ok(ic("show", "20261123-se")).out.startswith(f"Search down  [{three[2]}]")
    assert ok(ic("show", "2")).out.startswith(f"Checkout latency  [{three[1]}]")
    assert ok(ic("show", "#1")).out.startswith(f"Checkout errors  [{three[0]}]")
    ok(ic("log", "20261123-checkout-l", "a line for the latency one"))
    assert "a line for the latency one" in ok(ic("show", three[1])).out
    rows = ok(ic("list")).out.splitlines()[1:]
    assert [(row.split()[0], row.split()[1]) for row in rows] == [
        ("3", three[2]),
        ("2", three[1]),
        ("1", three[0]),
    ]


def test_an_ambiguous_prefix_lists_the_candidates(ic: Run, three: list[str]) -> None:
    line = refused(ic("show", "20261123-checkout"), "is the start of 2 incident ids")
    assert three[0] in line and three[1] in line and three[2] not in line
    refused(ic("show", "9"), "There is no incident '9'")


def test_version(ic: Run) -> None:
    for flag in ("-V", "--version"):
        assert ok(ic(flag)).out == f"ic-console {__version__}\n"


# -- ic list -----------------------------------------------------------------------------------


def test_list_shows_overdue_tasks_and_when_the_update_is_due(
    ic: Run, three: list[str], clock: FakeClock
) -> None:
    ok(ic("task", three[0], "assign", "Sam", "check", "--in", "5m"))
    ok(ic("task", three[0], "assign", "Kim", "look", "--in", "1h"))
    clock.advance(delta=timedelta(minutes=30))
    header, *rows = ok(ic("list")).out.splitlines()
    assert header.split()[7:9] == ["OVERDUE", "UPDATE"]
    first = next(row for row in rows if three[0] in row).split()
    assert first[8:11] == ["1", "late", "13m"]  # declared 14:00, SEV-1 updates every 20m
    latest = next(row for row in rows if three[2] in row).split()
    assert latest[8:11] == ["0", "late", "11m"]  # declared 14:02
    ok(ic("update", three[2], "internal", "still down"))
    row = next(row for row in ok(ic("list")).out.splitlines() if three[2] in row).split()
    assert row[8:11] == ["0", "in", "20m"]


def test_an_empty_list_names_the_folder_it_searched(ic: Run, home: Path) -> None:
    out = ok(ic("list")).out
    assert out.startswith(f"No active incidents in {home / 'incidents'}.")
    assert "--home" in out and "$IC_CONSOLE_HOME" in out
    assert ok(ic("list", "--all")).out == f"No incidents match in {home / 'incidents'}.\n"


def _at_terminal(env: dict[str, str], *argv: str, **extra: str) -> str:
    """Run `ic` with stdout on a pseudo-terminal; what the terminal showed."""
    leader, follower = pty.openpty()
    try:
        process = subprocess.run(
            [str(IC), *argv],
            stdin=subprocess.DEVNULL,
            stdout=follower,
            stderr=subprocess.PIPE,
            env={**os.environ, **env, "TERM": "xterm-256color", **extra},
            timeout=60,
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the pseudo-terminal is closed once read to the end
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(leader)
    assert process.returncode == 0, process.stderr
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


LONG = "Checkout errors for every card payment in the European Union since the deploy"


def test_list_colours_and_fits_a_terminal(ic: Run, env: dict[str, str]) -> None:
    env = {key: value for key, value in env.items() if key != "NO_COLOR"}
    ok(ic("new", LONG, "--sev", "1"))
    ok(ic("new", "Minor glitch", "--sev", "3"))
    shown = _at_terminal(env, "list", COLUMNS="120")
    lines = shown.splitlines()
    assert "\x1b[31mSEV-1\x1b[0m" in shown  # severity 1 in red
    assert "SEV-3" in shown and "\x1b[31mSEV-3" not in shown
    plain = [ANSI.sub("", line) for line in lines]
    assert all(len(line) <= 120 for line in plain), plain
    assert any(line.endswith("…") and "Checkout e" in line for line in plain), plain
    # Piped, the title is whole and there is no colour at all.
    piped = run_ic(env, "list")
    assert LONG in piped.stdout and "\x1b" not in piped.stdout
    # NO_COLOR: still cut to the terminal, never coloured.
    no_colour = _at_terminal(env, "list", COLUMNS="120", NO_COLOR="1")
    assert "\x1b[" not in no_colour and "…" in no_colour


def test_list_fits_wide_characters_by_cells(ic: Run, env: dict[str, str]) -> None:
    """A commander's name and a title in Japanese: columns line up and the title is
    cut to the terminal by cells (characters let it run past the edge and wrap)."""
    from rich.cells import cell_len

    first = ok(ic("new", "決済エラー " * 12, "--sev", "1")).out.strip()
    ok(ic("role", first, "ic", "田中太郎"))
    ok(ic("new", "Minor glitch", "--sev", "3"))
    ok(ic("role", "2", "ic", "Sam"))
    shown = _at_terminal(env, "list", COLUMNS="120", NO_COLOR="1")
    lines = [line for line in shown.splitlines() if line.strip()]
    assert all(cell_len(line) <= 120 for line in lines), lines
    assert any("…" in line and "決済" in line for line in lines), lines
    starts = {cell_len(line[: line.index("SEV-")]) for line in lines[1:]}
    titles = [line for line in lines[1:] if "田中太郎" in line or " Sam " in line]
    columns = {
        cell_len(line[: line.index(word)])
        for line in titles
        for word in ("決済", "Minor")
        if word in line
    }
    assert len(starts) == 1 and len(columns) == 1, lines


def test_show_colours_overdue_at_a_terminal_only(ic: Run, env: dict[str, str]) -> None:
    ok(ic("new", "Checkout down", "--sev", "1"))
    ok(ic("task", "assign", "Sam", "check", "--in", "1s"))
    shown = _at_terminal(env, "show")
    assert re.search(r"\x1b\[31m  1\. Sam: check - overdue by", shown), shown
    assert "\x1b[31mSEV-1\x1b[0m · Detect" in shown
    assert "\x1b" not in run_ic(env, "show").stdout


def test_show_colours_a_late_update_at_a_terminal(ic: Run, env: dict[str, str]) -> None:
    Path(env["IC_CONSOLE_CONFIG"]).write_text(
        '[[severity]]\nlevel = 1\nupdate_every = "1m"\n', encoding="utf-8"
    )
    ok(ic("new", "Checkout down", "--sev", "1"))  # at the tests' clock, days before the show
    shown = _at_terminal(env, "show")
    assert re.search(r"\x1b\[31mNext update: overdue by", shown), shown


# -- ic log - ----------------------------------------------------------------------------------


def test_log_reads_the_entry_from_stdin(ic: Run, env: dict[str, str]) -> None:
    incident = ok(ic("new", "Checkout down")).out.strip()
    text = "line one\nline two with a $dollar and `ticks`"
    done = run_ic(env, "log", "-", stdin=text + "\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Logged note at ") and "Recorded for Alex." in done.stdout
    done = run_ic(env, "log", incident, "-", "--kind", "action", stdin="rolled back\n")
    assert done.returncode == 0, done.stderr
    shown = ok(ic("show", "--json")).json()
    assert isinstance(shown, dict)
    assert [entry["text"] for entry in shown["log"]] == [text, "rolled back"]
    empty = run_ic(env, "log", "-", stdin="  \n")
    assert empty.returncode == 2 and empty.stderr == (
        "ic: Standard input was empty: nothing was logged.\n"
    )


# -- help --------------------------------------------------------------------------------------


def _verbs() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_verb_describes_every_argument() -> None:
    verbs = _verbs()
    assert {"reopen", "completion"} <= set(verbs)
    for name, parser in verbs.items():
        for action in parser._actions:
            if action.help == argparse.SUPPRESS:
                # A verb whose words arrive as one list: its usage words are described below.
                usage = parser.usage or ""
                listed = parser.epilog or ""
                for word in re.findall(r"[A-Z]{2,}|\bN\b", usage):
                    assert word in ARGUMENTS, (name, word)
                    assert re.search(rf"^  {word}\s", listed, re.M), (name, word, listed)
                continue
            assert action.help, (name, action.dest)
    for name in ("show", "resolve", "close", "open", "watch", "review", "reopen"):
        helped = verbs[name].format_help()
        assert re.search(r"^  ID\s+\S", helped, re.M), (name, helped)


def test_top_level_help_ends_with_environment_and_exit_codes(ic: Run) -> None:
    out = ok(ic("--help")).out
    tail = out[out.index("environment variables:") :]
    for word in ("IC_CONSOLE_HOME", "IC_CONSOLE_USER", "IC_CONSOLE_CONFIG", "NO_COLOR"):
        assert word in tail
    codes = tail[tail.index("exit codes:") :]
    assert re.search(r"^  0 ", codes, re.M) and re.search(r"^  1 ", codes, re.M)
    assert re.search(r"^  2 ", codes, re.M)
    assert out.rstrip().endswith(codes.rstrip())
