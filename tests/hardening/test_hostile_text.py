"""Hostile text in every text field: stored exactly, shown literally and safely, or refused.

"Safely" means no character a person typed can act on a terminal: no Rich or Textual markup is
interpreted (`[@click=app.quit]` must not quit), no ESC, OSC or other control character reaches
the screen or `ic show`'s output, and nothing longer than the documented limit is stored.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Label

from ic_console.domain import commands as cmd
from ic_console.domain import events as ev
from ic_console.domain.clock import FakeClock
from ic_console.domain.errors import DomainError
from ic_console.domain.model import Audience
from ic_console.domain.text import MAX_TEXT, literal
from ic_console.store.incident import IncidentStore

from .conftest import INCIDENT, console, drive, run_ic, screen_text, stored

#: Free text a hostile or careless paste could carry; each must round-trip byte for byte.
HOSTILE = {
    "markup": "[bold]loud[/bold] [@click=app.quit]quit[/] [link=https://evil]x[/link]",
    "ansi": "red \x1b[31mALERT\x1b[0m clear \x1b[2J\x1b[H home",
    "osc": "title \x1b]0;pwned\x07 link \x1b]8;;https://evil\x1b\\click\x1b]8;;\x1b\\",
    "controls": "bell\x07 backspace\x08 cr\rtab\tdel\x7f vt\x0b ff\x0c",
    "bidi": "\u202egnp.exe\u202c and \u2066isolate\u2069 שלום עולם مرحبا",
    "combining": "Z\u0351\u0352\u0353a\u0300\u0301\u0302l\u0303g\u0304o\u0305",
    "emoji": "🔥🚒 👩🏽‍🚒 🏳️‍🌈 1️⃣",
    "multiline": "first line\nsecond line\r\nthird",
}
#: Characters that must never reach a terminal raw.
RAW_CONTROLS = {chr(c) for c in range(0x20)} | {"\x7f"} | {chr(c) for c in range(0x80, 0xA0)}


def _no_raw_controls(text: str) -> bool:
    return not any(ch in RAW_CONTROLS for ch in text.replace("\n", ""))


def _fill(store: IncidentStore, clock: FakeClock) -> None:
    """Put every hostile text into every free-text field of the incident."""
    for label, text in HOSTILE.items():
        store.execute(cmd.AddLogEntry(text=text))
        store.execute(
            cmd.AssignTask(owner="Sam", text=f"{label}: {text}", timebox=timedelta(minutes=5))
        )
        store.execute(cmd.ProposeDecision(text=f"{label}: {text}"))
        store.execute(cmd.PostUpdate(audience=Audience.INTERNAL, text=text))
        clock.advance(1)


def test_free_text_is_stored_exactly_and_survives_reopening(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    _fill(incident, clock)
    raw = (incident.events_path).read_bytes()
    assert b"\x1b" not in raw  # JSON escapes every control character
    texts = [getattr(e.data, "text", None) for e in stored(home)]
    for text in HOSTILE.values():
        stripped = text.strip()
        assert texts.count(stripped) == 2  # the log entry and the update
    reopened = IncidentStore.open(home, INCIDENT)
    assert not reopened.read_only
    assert [entry.text for entry in reopened.state.log] == [t.strip() for t in HOSTILE.values()]
    assert [d.text for d in reopened.state.decisions.values()] == [
        f"{label}: {text}".strip() for label, text in HOSTILE.items()
    ]


def test_text_at_the_limit_is_kept_and_above_it_is_refused(
    home: Path, incident: IncidentStore
) -> None:
    exactly = "é" * MAX_TEXT
    incident.execute(cmd.AddLogEntry(text=exactly))
    assert incident.state.log[-1].text == exactly
    before = incident.events_path.read_bytes()
    paste = "x" * 100_000
    for command in (
        cmd.AddLogEntry(text=paste),
        cmd.AssignTask(owner="Sam", text=paste, timebox=timedelta(minutes=5)),
        cmd.ProposeDecision(text=paste),
        cmd.PostUpdate(audience=Audience.EXTERNAL, text=paste),
    ):
        with pytest.raises(DomainError, match=f"the limit is {MAX_TEXT:,}"):
            incident.execute(command)
    assert incident.events_path.read_bytes() == before


@pytest.mark.parametrize(
    ("field", "make"),
    [
        ("name", lambda bad: cmd.Join(name=bad)),
        ("owner", lambda bad: cmd.AssignTask(owner=bad, text="t", timebox=timedelta(minutes=5))),
        ("title", lambda bad: cmd.Declare(incident_id="x", title=bad)),
    ],
)
@pytest.mark.parametrize("bad", ["a\x1b[2Jb", "tab\there", "new\nline", "\u202eevil", "x" * 300])
def test_names_and_titles_refuse_control_characters_and_long_strings(
    home: Path, incident: IncidentStore, field: str, make: object, bad: str
) -> None:
    before = incident.events_path.read_bytes()
    command = make(bad)  # type: ignore[operator]
    if bad in {"tab\there", "new\nline"}:
        # Whitespace in a name or a title is folded to one space: one line, nothing hidden.
        if isinstance(command, cmd.Declare):
            created = IncidentStore.create(home, command, actor="Alex")
            assert created.state.title == " ".join(bad.split())
            return
        incident.execute(command)
        assert all(_no_raw_controls(p.name) for p in incident.state.participants.values())
        return
    if isinstance(command, cmd.Declare):
        with pytest.raises(DomainError):
            IncidentStore.create(home, command, actor="Alex")
        assert not (home / "incidents" / "x").exists()
        return
    with pytest.raises(DomainError):
        incident.execute(command)
    assert incident.events_path.read_bytes() == before


def test_markup_and_emoji_names_are_kept_literally(home: Path, incident: IncidentStore) -> None:
    for name in ("[bold]Sam[/]", "[@click=app.quit]Kim", "Zoë 🔥", "שרה", "Ṩ̃am"):
        incident.execute(cmd.Join(name=name))
        assert incident.state.find_participant(name) is not None
    assert {p.name for p in IncidentStore.open(home, INCIDENT).state.participants.values()} >= {
        "[bold]Sam[/]",
        "[@click=app.quit]Kim",
        "Zoë 🔥",
    }


def test_ic_show_prints_hostile_text_without_control_characters(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    for text in HOSTILE.values():
        incident.execute(cmd.AddLogEntry(text=text))
    incident.execute(
        cmd.AssignTask(owner="[bold]Sam[/]", text=HOSTILE["osc"], timebox=timedelta(minutes=5))
    )
    incident.execute(cmd.ProposeDecision(text=HOSTILE["ansi"]))
    shown = run_ic(home, ["show", INCIDENT])
    assert shown.returncode == 0, shown.stderr
    assert _no_raw_controls(shown.stdout), repr(shown.stdout)
    assert "Traceback" not in shown.stderr
    assert "[bold]Sam[/]" in shown.stdout
    assert literal(HOSTILE["osc"]) in shown.stdout
    assert literal(HOSTILE["emoji"]) in shown.stdout
    # The JSON face is for programs: it carries the text exactly (escaped by JSON itself).
    as_json = run_ic(home, ["show", INCIDENT, "--json"])
    assert as_json.returncode == 0, as_json.stderr
    assert "\x1b" not in as_json.stdout
    assert json.loads(as_json.stdout)["tasks"][0]["text"] == HOSTILE["osc"]


def test_ic_log_with_a_100kb_paste_is_one_clear_line(home: Path, incident: IncidentStore) -> None:
    before = incident.events_path.read_bytes()
    result = run_ic(home, ["log", INCIDENT, "y" * 100_000])
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and f"the limit is {MAX_TEXT:,}" in result.stderr
    assert "Traceback" not in result.stderr
    assert incident.events_path.read_bytes() == before


@pytest.mark.slow  # several seconds: left out of make test-fast
def test_the_console_shows_hostile_text_literally(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    incident.execute(cmd.Join(name="[@click=app.quit]Kim"))
    _fill(incident, clock)
    incident.execute(cmd.AddLogEntry(text="[@click=app.quit]click me[/]"))
    app = console(home, clock)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.pause()
        text = screen_text(pilot.app)  # type: ignore[arg-type]
        assert _no_raw_controls(text), repr(text)
        assert "[@click=app.quit]click me[/]" in text
        # The name on the roster too, as written: cut to the roster's first column at 80x24
        # ("[@click=app.quit]…"), its markup never read as a link.
        assert text.count("[@click=app.quit]") >= 2, text
        # Clicking where the text is does nothing but select: the markup is not a link.
        log = pilot.app.screen.query_one("ScribeLog")
        await pilot.click(log, offset=(40, log.size.height - 1))
        await pilot.pause()
        assert pilot.app.is_running
        # Walk the cursor over every row, so every entry is drawn in full below the list.
        log.focus()
        for _ in range(len(HOSTILE) * 4 + 2):
            await pilot.press("up")
            assert _no_raw_controls(screen_text(pilot.app))  # type: ignore[arg-type]
        assert pilot.app.is_running

    drive(app, scenario)
    assert app.return_code is None  # nobody quit it


def test_the_log_line_refuses_a_100kb_paste_and_keeps_it(
    home: Path, clock: FakeClock, incident: IncidentStore
) -> None:
    paste = "z" * 100_000

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("l")
        field = pilot.app.screen.query_one("#log-text", Input)
        field.value = paste
        await pilot.press("enter")
        await pilot.pause()
        assert field.value == paste  # kept, to be cut down and retried
        hint = str(pilot.app.screen.query_one("#log-hint", Label).render())
        assert f"the limit is {MAX_TEXT:,}" in hint
        field.value = "[bold]\x1b[31mliteral\x1b[0m[/]"
        await pilot.press("enter")
        await pilot.pause()
        assert field.value == ""

    drive(console(home, clock), scenario)
    entries = [e.data for e in stored(home) if isinstance(e.data, ev.LogEntryAdded)]
    assert [e.text for e in entries] == ["[bold]\x1b[31mliteral\x1b[0m[/]"]
