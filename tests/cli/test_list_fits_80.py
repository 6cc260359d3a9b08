"""`ic list` at an 80-column terminal: every row on one line.

Incidents declared on another day showed LONG_DATE in DECLARED, and with the
id and the other columns each row was 110 cells wide: at 80 columns every row wrapped, and the
title, cut to a floor of 10 cells, landed on the next line. At a terminal the table now fits:
the date is said short, a column every row shares is left out, the id is cut to a start that
still names it, and then the least needed columns go. A pipe and `--json` are unchanged.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rich.cells import cell_len

from helpers.console import wait_for
from ic_console.domain.clock import FakeClock

from .conftest import Run, ok, run_ic
from .test_shell_fit import _at_terminal

ANSI = re.compile(r"\x1b\[[0-9;]*m")
IC = Path(sys.executable).with_name("ic")


#: When the incidents of these tests were declared: three days before the wall clock that
#: `ic list` (a real process) reads, to the minute, so every row's width is the same whenever
#: the test runs ("late 2d 23h" in UPDATE).
DECLARED = (datetime.now(UTC) - timedelta(days=3)).replace(second=0, microsecond=0)
DAY = DECLARED.strftime("%Y-%m-%d")
LONG_DATE = f"{DAY} {DECLARED:%H:%M} UTC"


@pytest.fixture
def older(ic: Run, clock: FakeClock) -> list[str]:
    """Three incidents declared days before today (the wall clock runs `ic list` here)."""
    clock.set(DECLARED)
    ids = [
        ok(ic("new", "Checkout down for EU customers", "--sev", "1")).out.strip(),
        ok(ic("new", "Checkout latency in the US region", "--sev", "2")).out.strip(),
        ok(ic("new", "Payments latency on card authorisation", "--sev", "3")).out.strip(),
    ]
    ok(ic("role", ids[0], "ic", "Priya Raman"))
    ok(ic("task", ids[0], "assign", "Sam", "check the replica lag", "--in", "5m"))
    return ids


def _shown(env: dict[str, str], columns: int, *argv: str) -> list[str]:
    out = _at_terminal(env, "list", *argv, COLUMNS=str(columns), NO_COLOR="1")
    return [ANSI.sub("", line) for line in out.splitlines() if line.strip()]


@pytest.mark.parametrize("columns", [80, 72])
def test_every_row_fits_the_terminal(env: dict[str, str], older: list[str], columns: int) -> None:
    lines = _shown(env, columns)
    assert len(lines) == 4, lines  # the header and three rows, none wrapped
    assert all(cell_len(line) <= columns for line in lines), [cell_len(x) for x in lines]
    header, *rows = lines
    assert header.split()[0] == "#"
    assert sorted(row.split()[0] for row in rows) == ["1", "2", "3"]
    # Each row still says which incident it is: a start of its id that names it alone.
    for row in rows:
        shown_id = row.split()[1]
        matches = [i for i in older if i.startswith(shown_id)]
        assert len(matches) == 1, (shown_id, row)
        assert ok_show(env, shown_id) == matches[0]
    # Severity and a start of each title are on the row.
    assert any("SEV-1" in row and "Checkout d" in row for row in rows), rows


def ok_show(env: dict[str, str], given: str) -> str:
    """The id `ic show GIVEN --json` names (what a person types from the table)."""
    done = run_ic(env, "show", given, "--json")
    assert done.returncode == 0, done.stderr
    incident_id: str = json.loads(done.stdout)["id"]
    return incident_id


NARROW_HEADER = ("#", "ID", "SEV", "PHASE", "DECLARED", "IC", "OVERDUE", "UPDATE", "TITLE")


def test_the_date_is_said_short_before_a_column_goes(env: dict[str, str], older: list[str]) -> None:
    """At 110 columns the short date is enough: the columns stay, the day in DECLARED."""
    header, *rows = _shown(env, 110)
    # STATUS, "active" on every row, is left out first.
    assert header.split() == [*NARROW_HEADER]
    assert all(f" {DAY} " in row and f"{DECLARED:%H:%M}" not in row for row in rows), rows
    assert all(cell_len(line) <= 110 for line in (header, *rows))
    # At 80 the long form never appears either.
    assert LONG_DATE not in "\n".join(_shown(env, 80))


def test_a_wide_terminal_keeps_every_column(env: dict[str, str], older: list[str]) -> None:
    lines = _shown(env, 200)
    assert lines[0].split() == [
        "#",
        "ID",
        "SEV",
        "STATUS",
        "PHASE",
        "DECLARED",
        "IC",
        "OVERDUE",
        "UPDATE",
        "TITLE",
    ]
    assert all(i in "\n".join(lines) for i in older)
    assert any(LONG_DATE in row for row in lines[1:])


def test_a_pipe_and_json_are_unchanged(ic: Run, env: dict[str, str], older: list[str]) -> None:
    piped = run_ic(env, "list", COLUMNS="80").stdout.splitlines()
    assert piped[0].split()[:10] == [
        "#",
        "ID",
        "SEV",
        "STATUS",
        "PHASE",
        "DECLARED",
        "IC",
        "OVERDUE",
        "UPDATE",
        "TITLE",
    ]
    assert all(i in "\n".join(piped) for i in older)
    assert "Payments latency on card authorisation" in "\n".join(piped)
    at_terminal = json.loads(_at_terminal(env, "list", "--json", COLUMNS="80", NO_COLOR="1"))
    piped_json = json.loads(run_ic(env, "list", "--json").stdout)
    for row in (*at_terminal, *piped_json):
        row.pop("elapsed_seconds")  # the wall clock moved between the two runs
    assert at_terminal == piped_json
    assert sorted(row["id"] for row in at_terminal) == sorted(older)
    assert all(row["declared_at"].startswith(f"{DAY}T{DECLARED:%H:%M}") for row in at_terminal)


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Callable[..., str]]:
    """tmux commands on a private server, killed afterwards."""
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (apt-get install tmux): the real-terminal test needs it")
    socket = f"ic-list-{os.getpid()}-{tmp_path.name}"

    def run(*args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", socket, *args], capture_output=True, text=True, check=True, timeout=20
        )
        return done.stdout

    yield run
    subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, check=False)


@pytest.mark.tmux
def test_list_in_a_real_80x24_terminal(
    tmux: Callable[..., str], env: dict[str, str], older: list[str]
) -> None:
    """What a person sees in an 80x24 terminal: one line per incident, nothing wrapped (the
    pane is read without joining wrapped lines, so a wrapped row shows as two)."""
    exports = [f"-e{key}={value}" for key, value in env.items()]
    tmux(
        "new-session",
        "-d",
        "-s",
        "ls",
        "-x",
        "80",
        "-y",
        "24",
        *exports,
        "-eTERM=xterm",
        "sh",
    )
    tmux("send-keys", "-t", "ls", f"clear; {IC} list; echo END-OF-$((6*7))", "Enter")

    def screen() -> str:
        return tmux("capture-pane", "-p", "-t", "ls")

    wait_for(lambda: "\nEND-OF-42" in screen(), timeout=20)
    text = screen()
    lines = text.split("\n")
    assert any(line.startswith("#  ") for line in lines), text
    start = next(n for n, line in enumerate(lines) if line.startswith("#  "))
    end = lines.index("END-OF-42")
    table = lines[start:end]
    assert len(table) == 4, text
    assert all(cell_len(line.rstrip()) <= 80 for line in table), text
    assert sorted(row.split()[0] for row in table[1:]) == ["1", "2", "3"], text


def test_a_drill_id_is_never_cut_shorter_than_a_verb_finds_it(tmp_path: Path) -> None:
    """A verb finds a drill by a start of its id only when the start says "drill-" (its id's
    prefix and one more character): a drill shown as "d" could not be named (found in review)."""
    from ic_console.cli.ids import expand_id
    from ic_console.cli.listing import _unique_start
    from ic_console.domain import commands as c
    from ic_console.domain.clock import FakeClock
    from ic_console.store.incident import IncidentStore

    drill = "drill-20261123-db-failover-stall"
    for incident_id in (drill, "checkout-eu"):
        IncidentStore.create(
            tmp_path,
            c.Declare(incident_id=incident_id, title="Checkout errors", severity=2),
            clock=FakeClock(datetime(2026, 11, 23, 14, 0, tzinfo=UTC)),
            actor="Alex",
        )
    every = [drill, "checkout-eu"]
    cut = _unique_start(drill, every)
    assert expand_id(tmp_path, drill[:cut]) == drill
    assert cut > len("drill-")
    assert expand_id(tmp_path, "d") != drill  # what it was cut to: no verb found the drill
    assert _unique_start("checkout-eu", every) == 1
