"""Where `ic` used to mislead (issue 18): each refusal is one precise line, each confirmation
says what really happened and for whom."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from ic_console.domain import events as ev
from ic_console.domain.clock import FakeClock
from ic_console.store.incident import IncidentStore

from .conftest import Run, ok, refused


@pytest.fixture
def incident(ic: Run) -> str:
    incident_id = ok(ic("new", "Checkout errors in EU", "--sev", "1")).out.strip()
    ok(ic("role", "ic", "Alex"))
    return incident_id


def events_of(home: Path, incident_id: str) -> list[ev.Event]:
    from ic_console.review.source import load_events

    store = IncidentStore.open(home, incident_id, read_only=True)
    events, _state, _notices = load_events(store.directory)
    return list(events)


# -- who is acting -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["", "   ", "\t"])
def test_an_empty_as_is_refused(ic: Run, incident: str, name: str) -> None:
    refused(ic("log", "checked", "--as", name), "--as is empty", "--as Alex")
    refused(ic("--as", name, "new", "Another"), "--as is empty")


def test_a_blank_user_variable_is_refused(
    ic: Run, incident: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IC_CONSOLE_USER", "  ")
    refused(ic("log", "checked"), "$IC_CONSOLE_USER is only spaces", "--as NAME")
    assert ok(ic("log", "checked", "--as", "Kim")).out.endswith("Recorded for Kim.\n")


def test_confirmations_name_the_actor(
    ic: Run, incident: str, config: Callable[[str], Path]
) -> None:
    assert ok(ic("log", "checked the dashboards")).out.endswith(" Recorded for Alex.\n")
    assert ok(ic("log", "paged db", "--as", "Priya")).out.endswith(" Recorded for Priya.\n")
    config('name = "Morgan"\n')
    assert ok(ic("join", "Sam")).out == "Sam joined the call. Recorded for Morgan.\n"
    assert "Recorded for Alex." in ok(ic("new", "Other", "--as", "Alex")).err


# -- decisions ---------------------------------------------------------------------------------


def test_accepting_over_objections_names_them(ic: Run, incident: str) -> None:
    ok(ic("decide", "propose", "roll back"))
    ok(ic("decide", "object", "1", "we lose the fix", "--as", "Dana"))
    ok(ic("decide", "object", "1", "needs a DBA", "--as", "Kim"))
    out = ok(ic("decide", "accept", "1")).out
    assert "accepted over the objections of Dana, Kim" in out
    assert "the Incident Commander (Alex) decided to go ahead" in out
    assert "Hearing none" not in out


# -- --at --------------------------------------------------------------------------------------


def test_a_future_clock_time_is_refused_not_moved_to_yesterday(ic: Run, incident: str) -> None:
    line = refused(ic("log", "db restarted", "--at", "15:30"), '"15:30" is later than now (14:00)')
    assert "2026-11-22T15:30" in line
    ok(ic("log", "db restarted", "--at", "13:55"))


def test_at_errors_speak_of_times(ic: Run, incident: str) -> None:
    line = refused(ic("log", "x", "--at", "-100000h"), "more than 7 days ago")
    assert "timebox" not in line and "split the work" not in line
    line = refused(ic("log", "x", "--at", "-5"), '"-5" has no unit', '"-10m"')
    assert "timebox" not in line


def test_minus_two_days_is_accepted_within_the_limits(
    ic: Run, clock: FakeClock, home: Path
) -> None:
    incident = ok(ic("new", "Slow burn")).out.strip()
    # Two days before the declaration is further back than the 24 hours allowed.
    refused(ic("log", "first alert", "--at", "-2d"), "before the incident was declared", "24 hours")
    clock.advance(delta=timedelta(days=3))
    out = ok(ic("log", "first alert", "--at", "-2d")).out
    assert out == "Logged note for 2026-11-24 14:00 UTC (recorded 14:00 UTC). Recorded for Alex.\n"
    entry = [e.data for e in events_of(home, incident) if isinstance(e.data, ev.LogEntryAdded)]
    assert entry[-1].occurred_at is not None and entry[-1].occurred_at.day == 24


def test_an_iso_time_long_before_the_declaration_is_refused(ic: Run, incident: str) -> None:
    refused(ic("log", "x", "--at", "2026-11-21T12:00Z"), "2d 2h before the incident was declared")
    ok(ic("log", "x", "--at", "2026-11-22T15:00Z"))  # 23 hours before: allowed


# -- extensions --------------------------------------------------------------------------------


def test_an_extension_says_the_new_deadline_and_how_far_it_moved(
    ic: Run, incident: str, clock: FakeClock
) -> None:
    ok(ic("task", "assign", "Sam", "check the replica", "--in", "10m"))
    clock.advance(delta=timedelta(minutes=5))
    out = ok(ic("task", "extend", "1", "--in", "10m")).out
    assert "Sam is now due in 10m (14:15 UTC), 5m later than before." in out
    clock.advance(delta=timedelta(minutes=1))
    out = ok(ic("task", "extend", "1", "--in", "2m")).out
    assert "(14:08 UTC), 7m earlier than before." in out
    draft = ok(ic("postmortem")).out
    assert "Task 1 (Sam: check the replica) now due 14:15 UTC (5m later)" in draft
    assert "now due 14:08 UTC (7m earlier)" in draft
    assert "given 10m more" not in draft


# -- precise refusals --------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["Nobody", "everyone", "ALL"])
def test_release_of_a_group_word(ic: Run, incident: str, word: str) -> None:
    ok(ic("join", "Sam"))
    line = refused(ic("release", word), f'"{word}" names no one', "On the call: Alex, Sam")
    assert "is a group" not in line


def test_new_with_an_empty_id(ic: Run, home: Path) -> None:
    refused(ic("new", "Outage", "--id", ""), "--id is empty")
    refused(ic("new", "Outage", "--id", "  "), "--id is empty")
    assert not (home / "incidents").exists()


def test_home_empty_or_a_file(ic: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    refused(ic("list", "--home", ""), "--home is empty")
    refused(ic("--home", " ", "list"), "--home is empty")
    refused(ic("list", "--home", "/etc/passwd"), "--home /etc/passwd is a file, not a directory")
    monkeypatch.setenv("IC_CONSOLE_HOME", "/etc/passwd")
    refused(ic("list"), "$IC_CONSOLE_HOME /etc/passwd is a file")


# -- what a command leaves behind --------------------------------------------------------------


def test_handing_command_to_the_deputy_says_the_seat_is_empty(ic: Run, incident: str) -> None:
    ok(ic("role", "deputy", "Priya"))
    out = ok(ic("handover", "Priya")).out.splitlines()
    assert out[0].startswith("Priya is now the Incident Commander, taking over from Alex.")
    assert out[1].startswith("Priya was the Deputy, so the Deputy seat is now empty.")
    assert '"I need a Deputy. Who can take it?" Then: ic role deputy NAME.' in out[1]
    assert out[1].endswith("Recorded for Alex.")


def test_handing_command_to_someone_without_a_role_says_nothing_more(
    ic: Run, incident: str
) -> None:
    out = ok(ic("handover", "Sam")).out.splitlines()
    assert len(out) == 1 and "seat" not in out[0]


def test_new_with_the_title_of_an_active_incident_warns(ic: Run, incident: str) -> None:
    result = ok(ic("new", "checkout  errors in eu"))
    second = result.out.strip()
    assert second == f"{incident}-2"
    warning = result.err.splitlines()[0]
    assert warning.startswith(f"ic: incident {incident} is already active with this title")
    assert f"`ic show {incident}`" in warning
    # A resolved one with the same title is no reason to warn.
    ok(ic("resolve", second))
    ok(ic("resolve", incident))
    assert "already active" not in ok(ic("new", "Checkout errors in EU")).err


def test_resolve_says_what_stays_open(ic: Run, incident: str) -> None:
    ok(ic("task", "assign", "Sam", "check", "--in", "5m"))
    refused(ic("resolve"), "1 task still open (#1)", "--keep-open", "--cancel-open")
    result = ok(ic("resolve", "--keep-open"))
    assert result.err == (
        "ic: still open, kept as follow-ups: #1. Finish them with `ic task done N` or "
        "`ic decide accept|withdraw N`.\n"
    )
    assert result.out.startswith(f"Incident {incident} resolved after 0s.")


def test_reopen_a_resolved_incident(ic: Run, incident: str, home: Path, clock: FakeClock) -> None:
    refused(ic("reopen", incident), "still active")
    ok(ic("resolve"))
    clock.advance(delta=timedelta(minutes=10))
    out = ok(ic("reopen")).out
    assert out.startswith(f"{incident}: Incident reopened: it is active again, in the Diagnose")
    assert "next update: due in" in out and out.endswith("Recorded for Alex.\n")
    shown = _severity_line(ok(ic("show")).out)
    assert "Diagnose · active" in shown
    reopened = [e for e in events_of(home, incident) if isinstance(e.data, ev.IncidentReopened)]
    assert len(reopened) == 1 and reopened[0].actor == "Alex"
    assert "Incident reopened, back to Diagnose" in ok(ic("postmortem", incident)).out
    ok(ic("resolve"))
    ok(ic("close", incident))
    refused(ic("reopen", incident), "closed")
    refused(ic("reopen"), "No incident is resolved")


def test_search_without_a_match_exits_zero(ic: Run, incident: str) -> None:
    result = ok(ic("search", "zebra"))
    assert result.out == 'No matches for "zebra" in 1 incident(s).\n' and result.err == ""
    result = ok(ic("search", "--json", "zebra"))
    assert json.loads(result.out) == []


def _severity_line(shown: str) -> str:
    """The severity and phase line of `ic show` (the state at a glance), without its title."""
    prefix = "Severity and phase: "
    return next(line for line in shown.splitlines() if line.startswith(prefix))[len(prefix) :]
