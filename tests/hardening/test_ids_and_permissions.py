"""Incident ids that try to leave the data directory, and files other users could touch.

Ids with `../`, `/`, NUL, dots or hundreds of characters are refused by every door: the store,
every CLI verb that takes an id, and the console. Incident files are private (0700 directories,
0600 files, whatever the umask), and a world-writable incident directory is refused with a
message that says how to fix it: anyone could have written its log.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Label

from ic_console.cli import main
from ic_console.domain import commands as cmd
from ic_console.domain.clock import FakeClock
from ic_console.domain.errors import DomainError
from ic_console.domain.text import INCIDENT_ID
from ic_console.store.catalog import resolve_incident_id
from ic_console.store.errors import StoreError
from ic_console.store.incident import IncidentStore
from ic_console.store.paths import incident_dir
from ic_console.store.presence import PresenceBoard
from ic_console.tui.factory import make_app

from .conftest import INCIDENT, drive, run_ic

BAD_IDS = [
    "../escape",
    "..",
    ".",
    "a/b",
    "/etc",
    "nul\x00byte",
    "x" * 49,
    "y" * 5000,
    "Upper",
    "-leading",
    "tab\there",
    "trailing\n",
    "",
]
VERBS_WITH_ID = [
    ["show", "{id}"],
    ["open", "{id}"],
    ["join", "{id}", "Kim"],
    ["task", "{id}", "assign", "Sam", "look", "--in", "5m"],
    ["log", "{id}", "a line"],
    ["resolve", "{id}"],
    ["new", "A title", "--id", "{id}"],
]


def _cli(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, err.getvalue()


def _tree(root: Path) -> set[Path]:
    return set(root.rglob("*")) if root.exists() else set()


@pytest.mark.parametrize("bad", BAD_IDS)
def test_the_store_refuses_bad_ids(home: Path, incident: IncidentStore, bad: str) -> None:
    before = _tree(home.parent)
    with pytest.raises(DomainError, match="not a valid incident id"):
        incident_dir(home, bad)
    with pytest.raises((DomainError, StoreError)):
        IncidentStore.open(home, bad)
    if bad:  # an empty id means "none given": the only active incident
        with pytest.raises((DomainError, StoreError)):
            resolve_incident_id(home, bad)
    with pytest.raises(DomainError):
        IncidentStore.create(home, cmd.Declare(incident_id=bad, title="Escape"), actor="Alex")
    assert _tree(home.parent) == before


@pytest.mark.parametrize("bad", [b for b in BAD_IDS if b])
@pytest.mark.parametrize("verb", VERBS_WITH_ID, ids=lambda v: v[0])
def test_every_cli_verb_refuses_bad_ids(
    home: Path, incident: IncidentStore, bad: str, verb: list[str]
) -> None:
    before = _tree(home.parent)
    code, err = _cli([word.replace("{id}", bad) for word in verb])
    assert code == 2, err
    if bad.startswith("-"):
        # An option to argparse, not an id: its usage line and one error line.
        assert "error: unrecognized arguments" in err or "expected one argument" in err, err
        assert _tree(home.parent) == before
        return
    assert err.startswith("ic: ") and err.count("\n") == 1, err
    assert "\x00" not in err and "\t" not in err  # the refusal itself is printable
    assert len(err) < 400, "a 5,000-character id is shortened in the message"
    assert _tree(home.parent) == before


def test_a_real_ic_process_refuses_a_traversal(home: Path, incident: IncidentStore) -> None:
    for argv in (["show", "../../etc"], ["new", "T", "--id", "../x"], ["open", "a/b"]):
        result = run_ic(home, argv)
        assert result.returncode == 2 and "not a valid incident id" in result.stderr
        assert "Traceback" not in result.stderr
    assert not (home / "x").exists() and not (home.parent / "x").exists()


def test_the_console_refuses_a_bad_id_and_makes_a_safe_one_from_any_title(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    app = make_app(home, "Alex", incident_id="../escape", clock=clock, background_load=False)

    async def refused(pilot: Pilot[int]) -> None:
        await pilot.pause()

    drive(app, refused)
    assert app.return_code == 2

    # Declaring from the console: the id comes from the title, and stays inside the home.
    IncidentStore.open(home, INCIDENT).execute(cmd.Resolve())
    app = make_app(home, "Alex", clock=clock, background_load=False)

    async def declare(pilot: Pilot[int]) -> None:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        form = pilot.app.screen
        title = form.query_one("#field-title", Input)
        title.value = "../../etc/passwd \x00"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is form  # refused: a NUL is a control character
        assert "control characters" in str(form.query_one("#error-title", Label).render())
        title.value = "../../etc/passwd " + "z" * 150
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is not form

    drive(app, declare)
    made = sorted(p.name for p in (home / "incidents").iterdir())
    assert all(p.parent == home / "incidents" for p in (home / "incidents").iterdir())
    assert not (home.parent / "etc").exists()
    assert len(made) == 2 and INCIDENT in made, made
    assert all(INCIDENT_ID.fullmatch(name) for name in made)


@pytest.fixture
def loose_umask() -> Iterator[None]:
    old = os.umask(0)
    yield
    os.umask(old)


def test_every_file_and_directory_is_private_whatever_the_umask(
    home: Path, clock: FakeClock, loose_umask: None
) -> None:
    store = IncidentStore.create(
        home, cmd.Declare(incident_id=INCIDENT, title="Private"), clock=clock, actor="Alex"
    )
    store.execute(cmd.AddLogEntry(text="secret customer detail"))
    with open(store.events_path, "ab") as handle:
        handle.write(b'{"torn')  # a crash mid-line: the sidecar must be private too
    IncidentStore.open(home, INCIDENT)
    board = PresenceBoard(store.directory, clock=clock, actor="Alex")
    board.beat()
    for path in [home, *home.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        if path.is_dir():
            assert mode == 0o700, (path, oct(mode))
        else:
            assert mode == 0o600, (path, oct(mode))
    assert list(store.directory.glob("events.torn-*.jsonl"))


def test_a_world_writable_incident_directory_is_refused_everywhere(
    home: Path, clock: FakeClock, incident: IncidentStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The console would refuse to start without a terminal; here it runs headless.
    monkeypatch.setattr("ic_console.cli.console.needs_terminal", lambda verb_name="": None)
    incident.directory.chmod(0o777)
    before = incident.events_path.read_bytes()
    with pytest.raises(DomainError, match="writable by every user") as caught:
        IncidentStore.open(home, INCIDENT)
    assert f"chmod 700 '{incident.directory}'" in str(caught.value)
    for argv in (["show", INCIDENT], ["log", INCIDENT, "x"]):
        code, err = _cli(argv)
        assert code == 2 and "writable by every user" in err and err.count("\n") == 1, err
    # `ic open` says it in one unbroken line once the console has closed.
    code, err = _cli(["open", INCIDENT])
    assert code == 2 and "writable by every user" in err and "chmod 700" in err, err
    assert [line for line in err.splitlines() if line.startswith("ic: ")] == [err.strip()], err
    assert "Traceback" not in err
    app = make_app(home, "Alex", incident_id=INCIDENT, clock=clock, background_load=False)

    async def opened(pilot: Pilot[int]) -> None:
        await pilot.pause()

    drive(app, opened)
    assert app.return_code == 2
    assert incident.events_path.read_bytes() == before
    assert stat.S_IMODE(incident.directory.stat().st_mode) == 0o777  # told, not silently changed


def test_a_world_writable_incidents_directory_is_refused_before_declaring(home: Path) -> None:
    (home / "incidents").mkdir(parents=True)
    (home / "incidents").chmod(0o777)
    code, err = _cli(["new", "Checkout down", "--id", "fresh"])
    assert code == 2 and "writable by every user" in err, err
    assert not (home / "incidents" / "fresh").exists()
