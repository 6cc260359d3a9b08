"""One loaded configuration, used by every face (issue 18: "It must not mislead")."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from textual.widgets import Label

from ic_console.cli import Context
from ic_console.cli.console import build_app
from ic_console.domain.clock import FakeClock
from ic_console.domain.model import severity_label

from .conftest import Run, ok, refused

P_SCALE = """
[[severity]]
level = 1
name = "P1"
update_every = "5m"

[[severity]]
level = 2
name = "P2"
"""


def test_custom_severity_names_are_shown_and_accepted(
    ic: Run, config: Callable[[str], Path]
) -> None:
    config(P_SCALE)
    declared = ok(ic("new", "Checkout down", "--sev", "P2"))
    incident = declared.out.strip()
    assert f"Declared P2 incident {incident}" in declared.err
    assert _severity_line(ok(ic("show")).out).startswith("P2 · Detect")
    assert ok(ic("sev", "P1")).out.startswith("Severity changed from P2 to P1.")
    assert ok(ic("sev", "p2")).out.startswith("Severity changed from P1 to P2.")
    # Numbers and SEV-N keep working beside the names.
    assert ok(ic("sev", "1")).out.startswith("Severity changed from P2 to P1.")
    listed = ok(ic("list")).out.splitlines()[1].split()
    assert listed[1:3] == [incident, "P1"]
    assert ok(ic("show", "--json")).json()["severity_label"] == "P1"  # type: ignore[index]
    refused(ic("sev", "P9"), '"P9" is not a severity', "P1, P2")
    # The names hold for the run that loaded them only.
    assert severity_label(1) == "SEV-1"


def test_the_cli_honours_update_every(
    ic: Run, config: Callable[[str], Path], clock: FakeClock
) -> None:
    config(P_SCALE)
    ok(ic("new", "Checkout down", "--sev", "1"))
    clock.advance(delta=timedelta(minutes=2))
    assert "Next update: due in 3m (14:05 UTC)" in ok(ic("show")).out
    assert ok(ic("list")).out.splitlines()[1].split()[8:11] == ["0", "in", "3m"]
    out = ok(ic("update", "internal", "investigating")).out
    assert "Next update: due in 5m (14:07 UTC)" in out
    assert ok(ic("show", "--json")).json()["next_update"]["cadence_seconds"] == 300  # type: ignore[index]


def test_the_console_is_given_the_same_configuration(
    ic: Run, config: Callable[[str], Path], home: Path, clock: FakeClock
) -> None:
    """`ic show` and the console agree: both take the cadence from the one loaded config."""
    config(P_SCALE)
    incident = ok(ic("new", "Checkout down", "--sev", "1")).out.strip()
    ctx = Context(home=home, actor_given=None, clock=clock)
    app = build_app(ctx, incident)
    assert app.settings.cadence == ctx.config.cadence()
    assert app.settings.cadence[1] == timedelta(minutes=5)
    assert app.settings.cadence[2] == timedelta(minutes=20)  # no update_every: the default
    clock.advance(delta=timedelta(minutes=2))
    assert "Next update: due in 3m" in ok(ic("show")).out
    ctx = Context(home=home, actor_given=None, clock=clock)
    app = build_app(ctx, incident)

    async def header() -> tuple[str, str]:
        async with app.run_test(size=(140, 40)) as pilot:
            await pilot.pause()
            severity = app.screen.query_one("#header-severity", Label)
            update = app.screen.query_one("#header-update", Label)
            return str(severity.render()), str(update.render())

    severity, update = asyncio.run(header())
    assert severity.strip() == "P1"  # the console shows the configured name too
    assert "03:00" in update or "3m" in update, update


def test_missing_keys_get_the_documented_defaults(ic: Run, config: Callable[[str], Path]) -> None:
    """An entry without update_every keeps its level's cadence; one without name is SEV-N."""
    config('[[severity]]\nlevel = 1\ndescription = "Everything is down"\n')
    ok(ic("new", "Checkout down", "--sev", "1"))
    out = ok(ic("show")).out
    assert _severity_line(out).startswith("SEV-1 · ")
    assert "Next update: due in 20m" in out
    shown = ok(ic("config", "show")).out
    assert 'description = "Everything is down"' in shown
    assert 'update_every = "20m"' in shown


def test_update_every_never_turns_updates_off_only_when_said(
    ic: Run, config: Callable[[str], Path]
) -> None:
    config('[[severity]]\nlevel = 1\nupdate_every = "never"\n')
    ok(ic("new", "Checkout down", "--sev", "1"))
    assert "Next update: none scheduled at SEV-1" in ok(ic("show")).out


def test_a_broken_config_stops_every_verb_that_reads_it(
    ic: Run, config: Callable[[str], Path]
) -> None:
    ok(ic("new", "Checkout down"))
    path = config('name = "Alex"\nbell = "loud"\n\n[[severity]]\nlevel = 9\n')
    for argv in (
        ("show",),
        ("list",),
        ("log", "a line"),
        ("sev", "1"),
        ("new", "Another"),
        ("log", "x", "--as", "Sam"),
        ("search", "x"),
        ("open",),
    ):
        line = refused(ic(*argv), f"{path}:2: bell:", "(2 problems)", "`ic config check`")
        assert "nothing was done" in line
    # Nothing was recorded under any name.
    config("")
    assert "Recent log: empty" in ok(ic("show")).out
    # `ic config check` lists every problem, one per line.
    config('name = "Alex"\nbell = "loud"\n\n[[severity]]\nlevel = 9\n')
    result = ic("config", "check")
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert [line.split(": ")[0] for line in lines] == [f"{path}:2", f"{path}:5"]


def test_a_config_that_is_not_toml_names_its_line(ic: Run, config: Callable[[str], Path]) -> None:
    path = config('name = "Alex"\nbell = \n')
    refused(ic("list"), f"{path}:2:", "not valid TOML")


def test_config_show_and_content_list_speak_json(ic: Run, config: Callable[[str], Path]) -> None:
    path = config('name = "Alex"\n' + P_SCALE)
    data = ok(ic("config", "show", "--json")).json()
    assert isinstance(data, dict)
    assert data["name"] == "Alex" and data["source"] == str(path)
    assert [s["name"] for s in data["severity"]] == ["P1", "P2", "SEV-3", "SEV-4", "SEV-5"]
    assert [s["update_every"] for s in data["severity"]][:2] == ["5m", "20m"]
    listed = ok(ic("content", "list", "--json")).json()
    assert isinstance(listed, dict)
    assert {"checklists", "runbooks", "phrasebook", "directory"} <= set(listed)
    assert all(item["source"] == "shipped" for item in listed["runbooks"])
    assert listed["checklists"] and listed["phrasebook"]


def _severity_line(shown: str) -> str:
    """The severity and phase line of `ic show` (the state at a glance), without its title."""
    prefix = "Severity and phase: "
    return next(line for line in shown.splitlines() if line.startswith(prefix))[len(prefix) :]
