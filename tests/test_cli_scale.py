"""`ic team`, `ic exit`, `ic resolve` over unmet exit criteria, the handover's yes and `ic show`
as the state at a glance (issue 15): exit codes, stdout and stderr, as a script sees them."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest

from ic_console.cli import command_scale
from ic_console.domain.clock import FakeClock
from ic_console.domain.model import Status
from test_cli import Run, clock, home, ic, incident, ok, refused, state_of, zone

__all__ = ["clock", "home", "ic", "incident", "zone"]  # fixtures used by name


def test_team_form_add_task_and_disband(ic: Run, home: Path, incident: str) -> None:
    out = ok(ic("team", "form", "--lead", "Sam", "--member", "Kim", "--goal", "restore replica"))
    assert out.out == (
        "Sam joined the call. Kim joined the call. Team Alpha formed, led by Sam with Kim. "
        'Say: "Sam, you lead team Alpha. Your goal: restore replica. Report back to me for the '
        'team. Understood?"\n'
    )
    assert out.err == ""
    ok(ic("team", incident, "form", "Database", "--lead", "Priya"))
    moved = ok(ic("team", "add", "database", "kim")).out
    assert moved == "Kim left team Alpha.\nKim is now in team Database.\n"
    task = ok(ic("team", "task", "Alpha", "fail over the replica", "--in", "20m")).out
    assert task == "Task 1 assigned to Sam (lead of Alpha), due in 20m (14:20 UTC).\n"
    shown = ok(ic("show")).out
    assert "Team Alpha              lead Sam; goal: restore replica" in shown
    assert "Team Database           lead Priya; with Kim" in shown
    assert "1. Alpha (Sam): fail over the replica - due in 20m (14:20 UTC)" in shown
    ok(ic("team", "remove", "Database", "Kim"))
    assert ok(ic("team", "disband", "Database")).out == (
        "Team Database disbanded: its people report to the Incident Commander.\n"
    )
    store = state_of(home, incident)
    assert [t.name for t in store.state.teams.values() if t.active] == ["Alpha"]


def test_team_refusals_are_one_line_and_write_nothing(ic: Run, home: Path, incident: str) -> None:
    ok(ic("team", "form", "Bravo", "--lead", "Sam"))
    before = b"".join(
        p.read_bytes() for p in (home / "incidents" / incident).glob("events/*.jsonl")
    )
    refused(ic("team", "form", "Charlie"), "Name the team's lead with --lead")
    refused(ic("team", "form", "bravo", "--lead", "Kim"), "There is already a team Bravo")
    refused(ic("team", "form", "--lead", "Alex"), "Alex is the Incident Commander")
    refused(ic("team", "add", "Zulu", "Kim"), 'There is no team "Zulu". Teams: Bravo.')
    refused(ic("team", "add", "Bravo"), "Something is missing. Usage: ic team [ID] add TEAM")
    refused(ic("team", "disband", "Bravo", "--lead", "Sam"), "--lead, --member and --goal go")
    refused(ic("team", "task", "Bravo", "restore"), "Give the team's task a timebox with --in")
    refused(ic("team", "rename", "Bravo"), "Say what to do with the team: one of form")
    refused(ic("release", "Sam"), "Sam leads team Bravo: disband Bravo before releasing them")
    assert (
        b"".join(p.read_bytes() for p in (home / "incidents" / incident).glob("events/*.jsonl"))
        == before
    )


def test_exit_criteria_and_the_override_on_resolve(ic: Run, home: Path, incident: str) -> None:
    assert ok(ic("exit", "add", "errors below 1% for 10 minutes")).out == (
        "Exit criterion 1 recorded: errors below 1% for 10 minutes.\nNow exit 0/1 met.\n"
    )
    ok(ic("exit", incident, "add", "queue drained"))
    assert ok(ic("exit", "met", "1")).out == "Exit criterion 1 met.\nNow exit 1/2 met.\n"
    refused(ic("exit", "met", "7"), "There is no exit criterion 7. Exit criteria: 1, 2.")
    refused(ic("exit", "met", "one"), '"one" is not an exit criterion number')
    refused(
        ic("resolve"),
        "Exit criteria not met: 2. queue drained.",
        "--override-exit-criteria",
    )
    assert state_of(home, incident).state.status is Status.ACTIVE
    done = ok(ic("resolve", "--override-exit-criteria")).out
    assert done.startswith(f"Incident {incident} resolved after")
    state = state_of(home, incident).state
    assert state.status is Status.RESOLVED and state.exit_overridden == (2,)
    assert "Resolved with exit criteria 2 unmet (overridden)." in ok(ic("show", incident)).out


def test_resolve_asks_on_a_terminal(
    ic: Run, home: Path, incident: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ok(ic("exit", "add", "queue drained"))
    monkeypatch.setattr(command_scale, "_interactive", lambda: True)
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    declined = ic("resolve")
    assert declined.code == 2 and declined.out == ""
    assert declined.err.endswith("[y/N] ic: Not resolved: the exit criteria stay as they are.\n")
    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))
    result = ok(ic("resolve"))
    assert "Exit criteria not met: 1. queue drained. Resolve anyway? [y/N]" in result.err
    assert state_of(home, incident).state.exit_overridden == (1,)


def test_handover_acknowledged_later_or_at_once(
    ic: Run, home: Path, clock: FakeClock, incident: str
) -> None:
    refused(ic("handover", "ack"), "Command has not been handed over")
    ok(ic("handover", "Tatiana"))
    assert "Tatiana (since 14:00 UTC) - handover not yet acknowledged" in ok(ic("show")).out
    clock.advance(delta=timedelta(seconds=40))
    assert ok(ic("handover", "ack")).out == (
        "Tatiana acknowledged: they are the Incident Commander. Announce the change to the call.\n"
    )
    refused(ic("handover", incident, "ack"), "Tatiana already acknowledged taking command")
    both = ok(ic("handover", "Alex", "--acknowledged")).out
    assert both == (
        "Alex is now the Incident Commander, taking over from Tatiana. Alex acknowledged: they "
        "are the Incident Commander. Announce it to the call.\n"
    )
    view = ok(ic("show", "--json")).json()
    assert view["awaiting_handover_acknowledgement"] is False  # type: ignore[index]
    assert view["handover_acknowledged_at"] == "2026-11-23T14:00:40Z"  # type: ignore[index]


def test_show_is_the_state_at_a_glance_in_the_methods_order(
    ic: Run, clock: FakeClock, incident: str
) -> None:
    ok(ic("log", "5% of checkouts fail in the EU", "--kind", "status"))
    ok(ic("decide", "propose", "roll back the deploy"))
    ok(ic("decide", "accept", "1"))
    clock.advance(delta=timedelta(minutes=3))
    out = ok(ic("show")).out
    titles = [
        "What is happening:",
        "Severity and phase: SEV-1",
        "Command and roles:",
        "Open tasks: none",
        "Decisions taken:",
        "Exit criteria:",
        "Next update: due in 17m (14:20 UTC)",
    ]
    positions = [out.index(title) for title in titles]
    assert positions == sorted(positions), out
    assert "Latest status (14:00 UTC, Alex): 5% of checkouts fail in the EU" in out
    assert "1. roll back the deploy (accepted 14:00 UTC)" in out
    assert "none yet. Ask: what must be true for us to call this resolved?" in out
    view = ok(ic("show", "--json")).json()
    assert view["exit_criteria"] == [] and view["teams"] == []  # type: ignore[index]
