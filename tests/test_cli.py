"""The scriptable `ic` verbs, driven through `main()` as a bot or a shell script would.

Every test runs with its own data root, config path and user, a fake clock and a fixed time zone,
so the developer's real incidents are never touched and no wall-clock time leaks into output.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import ic_console.cli as cli
from helpers.cli_clock import fake_cli_clock
from ic_console.cli import main
from ic_console.domain.clock import FakeClock
from ic_console.domain.model import Role
from ic_console.store.incident import IncidentStore
from ic_console.store.paths import event_files

START = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> object:
        return json.loads(self.out)


Run = Callable[..., Result]


@pytest.fixture
def zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Set the local time zone for the test (UTC unless a test picks another)."""

    def set_zone(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    set_zone("UTC")
    yield set_zone
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """Every verb sees this clock instead of the wall clock."""
    return fake_cli_clock(monkeypatch, START)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private data root; the environment points elsewhere so --home must be what is used."""
    monkeypatch.setenv("IC_CONSOLE_HOME", str(tmp_path / "from-env"))
    monkeypatch.setenv("IC_CONSOLE_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("IC_CONSOLE_USER", "Alex")
    return tmp_path / "data"


@pytest.fixture
def ic(
    home: Path, clock: FakeClock, zone: Callable[[str], None], capsys: pytest.CaptureFixture[str]
) -> Run:
    def run(*argv: str) -> Result:
        capsys.readouterr()
        code = main([*argv, "--home", str(home)])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def ok(result: Result) -> Result:
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    return result


def refused(result: Result, *needles: str) -> Result:
    """Exit 2, one line on stderr, nothing on stdout, and the line says what was wrong."""
    assert result.code == 2, (result.out, result.err)
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("ic: ")
    for needle in needles:
        assert needle in lines[0], lines[0]
    return result


def state_of(home: Path, incident_id: str) -> IncidentStore:
    return IncidentStore.open(home, incident_id, read_only=True)


@pytest.fixture
def incident(ic: Run) -> str:
    """One active SEV-1 incident, with Alex as Incident Commander."""
    incident_id = ok(ic("new", "Checkout errors in EU", "--sev", "1")).out.strip()
    ok(ic("role", "ic", "Alex"))
    return incident_id


# -- new -------------------------------------------------------------------------------------------


def test_new_prints_only_the_id_and_declares_the_incident(ic: Run, home: Path) -> None:
    result = ok(ic("new", "Checkout errors in EU", "--sev", "1", "--as", "Tatiana"))
    assert result.out == "20261123-checkout-errors-in-eu\n"
    assert "SEV-1" in result.err
    state = state_of(home, "20261123-checkout-errors-in-eu").state
    assert (state.title, state.severity, state.declared_by) == (
        "Checkout errors in EU",
        1,
        "Tatiana",
    )
    assert [p.name for p in state.on_call()] == ["Tatiana"]
    assert not (home.parent / "from-env").exists()


def test_new_defaults_to_sev_2_and_takes_a_chosen_id(ic: Run, home: Path) -> None:
    assert ok(ic("new", "Slow search", "--id", "search-1")).out.strip() == "search-1"
    assert state_of(home, "search-1").state.severity == 2
    assert state_of(home, "search-1").state.declared_by == "Alex"


def test_new_gives_a_fresh_id_for_the_same_title(ic: Run) -> None:
    first = ok(ic("new", "Checkout errors")).out.strip()
    second = ok(ic("new", "Checkout errors")).out.strip()
    assert first != second
    assert second == f"{first}-2"


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (("new", "Outage", "--sev", "9"), "not a severity"),
        (("new", "Outage", "--sev", "high"), "not a severity"),
        (("new", "   "), "title is empty"),
        (("new", "Outage", "--id", "../etc"), "not a valid incident id"),
        (("new", "Outage", "--as", "everyone"), "group, not a person"),
    ],
)
def test_new_refuses_bad_input_and_leaves_nothing_behind(
    ic: Run, home: Path, argv: tuple[str, ...], needle: str
) -> None:
    refused(ic(*argv), needle)
    incidents = home / "incidents"
    assert not incidents.exists() or list(incidents.iterdir()) == []


def test_new_refuses_an_id_that_exists(ic: Run) -> None:
    ok(ic("new", "Outage", "--id", "outage"))
    refused(ic("new", "Another", "--id", "outage"), "already exists")


def test_new_open_hands_over_to_the_console(ic: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    console = types.ModuleType("ic_console.cli.console")

    def open_incident(ctx: cli.Context, incident_id: str) -> int:
        opened.append(incident_id)
        return 0

    console.open_incident = open_incident  # type: ignore[attr-defined]
    console.register = lambda sub: None  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "ic_console.cli.console", console)
    monkeypatch.setattr("ic_console.cli.declare.needs_terminal", lambda verb_name="": None)
    result = ok(ic("new", "Outage", "--id", "outage", "--open"))
    assert result.out.strip() == "outage"
    assert opened == ["outage"]


# -- choosing the incident -------------------------------------------------------------------------


def test_id_may_be_left_out_with_one_active_incident(ic: Run, home: Path, incident: str) -> None:
    ok(ic("join", "Sam"))
    ok(ic("join", incident, "Priya"))
    names = [p.name for p in state_of(home, incident).state.on_call()]
    assert names == ["Alex", "Sam", "Priya"]


def test_no_active_incident_is_a_clear_error(ic: Run) -> None:
    refused(ic("join", "Sam"), "no active incident", "ic new")
    refused(ic("show"), "no active incident")


def test_two_active_incidents_need_an_id_and_the_error_lists_them(ic: Run) -> None:
    ok(ic("new", "Checkout errors", "--id", "checkout"))
    ok(ic("new", "Search is slow", "--id", "search"))
    refused(ic("log", "hello"), "More than one incident", "checkout", "search")
    ok(ic("log", "search", "hello"))


def test_an_unknown_id_is_refused(ic: Run, incident: str) -> None:
    refused(ic("show", "nope"), "no incident 'nope'", "ic list --all")


def test_a_resolved_incident_is_not_chosen_by_default(ic: Run, incident: str) -> None:
    ok(ic("resolve"))
    refused(ic("join", "Sam"), "no active incident", "resolved", f"ic close {incident}")
    ok(ic("show", incident))


def test_unquoted_words_get_a_hint_to_quote_them(ic: Run, incident: str) -> None:
    refused(ic("join", "Sam", "Smith"), 'quote it: ic join "Sam Smith"')
    refused(ic("log", "the", "deploy", "failed"), "Too many words", "quotes")


# -- list ------------------------------------------------------------------------------------------


@pytest.fixture
def three(ic: Run, clock: FakeClock) -> None:
    """Three incidents on three days: one closed (SEV-3), one resolved, one active (SEV-1)."""
    ok(ic("new", "Old one", "--id", "old", "--sev", "3"))
    ok(ic("resolve", "old"))
    ok(ic("close", "old"))
    clock.advance(delta=timedelta(days=1))
    ok(ic("new", "Middle one", "--id", "middle"))
    ok(ic("resolve", "middle"))
    clock.advance(delta=timedelta(days=1))
    ok(ic("new", "New one", "--id", "new", "--sev", "1"))


def listed(result: Result) -> list[str]:
    return [line.split()[1] for line in ok(result).out.splitlines()[1:]]


def test_list_shows_active_incidents_by_default(ic: Run, three: None) -> None:
    result = ic("list")
    assert listed(result) == ["new"]
    header = result.out.splitlines()[0].split()
    assert header == [
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


def test_list_filters(ic: Run, three: None) -> None:
    assert listed(ic("list", "--all")) == ["new", "middle", "old"]
    assert listed(ic("list", "--status", "resolved")) == ["middle"]
    assert listed(ic("list", "--all", "--sev", "3")) == ["old"]
    assert listed(ic("list", "--all", "--since", "2026-11-24")) == ["new", "middle"]
    assert listed(ic("list", "--all", "--until", "2026-11-24")) == ["middle", "old"]
    assert listed(ic("list", "--all", "--since", "2026-11-24T00:00Z", "--until", "2026-11-25")) == [
        "new",
        "middle",
    ]


def test_list_json_parses_and_carries_the_summary(ic: Run, three: None) -> None:
    rows = ok(ic("list", "--all", "--json")).json()
    assert isinstance(rows, list)
    assert [row["id"] for row in rows] == ["new", "middle", "old"]
    newest = rows[0]
    assert newest["severity"] == 1
    assert newest["status"] == "active"
    assert newest["declared_at"] == "2026-11-25T14:00:00Z"
    assert newest["next_update_due"] == "2026-11-25T14:20:00Z"
    assert rows[2]["closed_at"] == "2026-11-23T14:00:00Z"


def test_list_with_nothing_says_how_to_start(ic: Run) -> None:
    assert "ic new" in ok(ic("list")).out
    assert ok(ic("list", "--json")).json() == []


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (("list", "--status", "open"), "not a status"),
        (("list", "--sev", "0"), "not a severity"),
        (("list", "--since", "yesterday"), "--since"),
        (("list", "--until", "2026-13-45"), "not a date"),
    ],
)
def test_list_refuses_bad_filters(ic: Run, argv: tuple[str, ...], needle: str) -> None:
    refused(ic(*argv), needle)


# -- show ------------------------------------------------------------------------------------------


def test_show_summarises_the_incident(ic: Run, clock: FakeClock, incident: str) -> None:
    ok(ic("role", "deputy", "Sam"))
    ok(ic("role", "sme", "Priya"))
    ok(ic("task", "assign", "Sam", "check the latency", "--in", "5m"))
    ok(ic("task", "assign", "Priya", "look at the database", "--in", "20m"))
    ok(ic("decide", "propose", "roll back the deploy"))
    ok(ic("log", "errors started", "--at", "13:55"))
    clock.advance(delta=timedelta(minutes=7))
    out = ok(ic("show")).out
    assert "Checkout errors in EU  [20261123-checkout-errors-in-eu]" in out
    assert "SEV-1 · Detect · active · 7m elapsed (declared 14:00 UTC by Alex)" in out
    assert "Deputy                  Sam" in out
    assert "Subject Matter Experts  Priya" in out
    assert "On the call: Alex (7m), Sam (7m), Priya (7m)" in out
    assert "1. Sam: check the latency - overdue by 2m (was due 14:05 UTC)" in out
    assert "2. Priya: look at the database - due in 13m (14:20 UTC)" in out
    assert "1. roll back the deploy (proposed by Alex at 14:00 UTC; 0 objections)" in out
    assert "Next update: due in 13m (14:20 UTC)" in out
    assert "13:55 UTC  note     Alex: errors started" in out


def test_show_uses_the_local_zone_and_dates_past_midnight(
    ic: Run, clock: FakeClock, zone: Callable[[str], None]
) -> None:
    zone("Europe/Paris")
    ok(ic("new", "Night outage", "--id", "night"))
    clock.advance(delta=timedelta(hours=10))
    out = ok(ic("show")).out
    assert "declared 2026-11-23 15:00 CET by Alex" in out


def test_show_json_is_complete_and_derives_countdowns(
    ic: Run, clock: FakeClock, incident: str
) -> None:
    ok(ic("task", "assign", "Sam", "check the latency", "--in", "5m"))
    ok(ic("task", "assign", "Priya", "look at the database", "--in", "20m"))
    ok(ic("task", "ack", "2"))
    ok(ic("decide", "propose", "roll back"))
    ok(ic("decide", "object", "1", "schema change", "--as", "Priya"))
    ok(ic("log", "todo: alert on 1% errors", "--kind", "followup"))
    ok(ic("update", "internal", "we are on it"))
    clock.advance(delta=timedelta(minutes=6))
    view = ok(ic("show", "--json")).json()
    assert isinstance(view, dict)
    assert view["id"] == incident
    assert view["now"] == "2026-11-23T14:06:00Z"
    assert view["elapsed_seconds"] == 360
    assert view["roles"]["ic"] == "Alex"
    assert view["roles"]["sme"] == []
    first, second = view["tasks"]
    assert (first["owner"], first["overdue"], first["remaining_seconds"]) == ("Sam", True, -60)
    assert (second["acknowledged"], second["overdue"], second["remaining_seconds"]) == (
        True,
        False,
        840,
    )
    assert view["overdue_tasks"] == 1
    assert view["decisions"][0]["objections"][0]["by"] == "Priya"
    assert [entry["kind"] for entry in view["followups"]] == ["followup"]
    assert view["next_update"] == {
        "cadence_seconds": 1200,
        "due": "2026-11-23T14:20:00Z",
        "in_seconds": 840,
        "overdue": False,
        "last_at": "2026-11-23T14:00:00Z",
    }
    assert view["severity_history"][0]["severity"] == 1
    assert {person["name"] for person in view["people"]} == {"Alex", "Sam", "Priya"}


# -- people and roles ------------------------------------------------------------------------------


def test_join_and_release(ic: Run, home: Path, incident: str) -> None:
    assert ok(ic("join", "Sam")).out == "Sam joined the call. Recorded for Alex.\n"
    refused(ic("join", "sam"), "already on the call")
    ok(ic("role", "scribe", "Sam"))
    assert "Sam was released from the call (no longer Scribe)" in ok(ic("release", "Sam")).out
    refused(ic("release", "Sam"), "not on the call")
    assert not state_of(home, incident).state.participants["Sam"].on_call


def test_release_refuses_the_commander_and_task_owners(ic: Run, incident: str) -> None:
    refused(ic("release", "Alex"), "hand over command")
    ok(ic("task", "assign", "Sam", "check", "--in", "5m"))
    refused(ic("release", "Sam"), "still owns open task 1")


def test_role(ic: Run, home: Path, incident: str) -> None:
    out = ok(ic("role", "deputy", "Sam")).out
    assert out == "Sam joined the call. Sam is now the Deputy. Recorded for Alex.\n"
    assert ok(ic("role", incident, "customer", "Jo")).out.endswith(
        "Jo is now the Customer Liaison. Recorded for Alex.\n"
    )
    assert "Priya is now a Subject Matter Expert" in ok(ic("role", "sme", "Priya")).out
    state = state_of(home, incident).state
    assert state.roles_of("Sam")[0].value == "deputy"
    refused(ic("role", "boss", "Sam"), "not a role", "internal-liaison")
    refused(ic("role", "ic", "Sam"), "handover")
    refused(ic("role", "sme", "nobody"), "group, not a person")


def test_role_vacate(ic: Run, home: Path, incident: str) -> None:
    ok(ic("role", "scribe", "Sam"))
    ok(ic("role", "sme", "Priya"))
    assert (
        ok(ic("role", "scribe", "--vacate")).out == "Sam stood down as Scribe. Recorded for Alex.\n"
    )
    state = state_of(home, incident).state
    assert state.holder(Role.SCRIBE) is None
    assert state.participants["Sam"].on_call  # stood down, not released
    refused(ic("role", "scribe", "--vacate"), "Nobody is the Scribe", "no one to stand down")
    assert ok(ic("role", incident, "sme", "Priya", "--vacate")).out.startswith("Priya stood down")
    assert state_of(home, incident).state.smes == []
    refused(ic("role", "sme", "--vacate"), "Name the Subject Matter Expert")
    refused(ic("role", "ic", "--vacate"), "hand over instead")
    ok(ic("role", "deputy", "Jo"))
    refused(ic("role", "deputy", "Sam", "--vacate"), "Sam is not the Deputy; Jo is")
    refused(ic("role", incident, "deputy", "Jo", "x", "--vacate"), "Too many words")


def test_handover(ic: Run, home: Path, incident: str) -> None:
    out = ok(ic("handover", "Tatiana")).out
    assert "Tatiana is now the Incident Commander, taking over from Alex" in out
    assert state_of(home, incident).state.ic == "Tatiana"
    refused(ic("handover", "Tatiana"), "already the Incident Commander")


def test_handover_needs_a_commander(ic: Run) -> None:
    ok(ic("new", "Outage"))
    refused(ic("handover", "Sam"), "no Incident Commander to hand over from")


# -- tasks -----------------------------------------------------------------------------------------


def test_task_lifecycle(ic: Run, home: Path, clock: FakeClock, incident: str) -> None:
    out = ok(ic("task", "assign", "Sam", "check the latency", "--in", "5m")).out
    assert (
        out == "Sam joined the call. Task 1 assigned to Sam, due in 5m (14:05 UTC). "
        "Recorded for Alex.\n"
    )
    # Options may sit between the words, and the id may lead.
    out = ok(ic("task", incident, "assign", "Priya", "--in", "1h30m", "check the database")).out
    assert "Task 2 assigned to Priya, due in 1h 30m (15:30 UTC)" in out
    assert ok(ic("task", "ack", "1")).out == "Task 1 acknowledged by Sam. Recorded for Alex.\n"
    clock.advance(delta=timedelta(minutes=5))
    assert ok(ic("task", "extend", "#1", "--in", "20m")).out == (
        "Task 1 extended: Sam is now due in 20m (14:25 UTC), 20m later than before. "
        "Recorded for Alex.\n"
    )
    out = ok(ic("task", "reassign", "1", "Jo")).out
    assert "Task 1 reassigned from Sam to Jo, due in 20m (14:25 UTC)" in out
    assert ok(ic("task", "done", "1")).out == "Task 1 done. Recorded for Alex.\n"
    assert ok(ic("task", "cancel", "2")).out == "Task 2 cancelled. Recorded for Alex.\n"
    tasks = state_of(home, incident).state.tasks
    assert [t.status.value for t in tasks.values()] == ["done", "cancelled"]
    assert tasks[1].owner == "Jo"


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (("task", "assign", "Sam", "check"), "timebox with --in"),
        (("task", "assign", "Sam", "check", "--in", "5"), 'no unit: did you mean "5m"'),
        (("task", "assign", "Sam", "check", "--in", "-5m"), "negative"),
        (("task", "assign", "Sam", "check", "--in", "0m"), "zero"),
        (("task", "assign", "Sam", "check", "--in", "3d"), "longer than 12h"),
        (("task", "assign", "the team", "check", "--in", "5m"), "group, not a person"),
        (("task", "assign", "Sam"), "missing"),
        (("task", "ack", "one"), "not a task number"),
        (("task", "ack", "7"), "There is no task 7"),
        (("task", "ack", "1", "--in", "5m"), "--in goes with"),
        (("task", "extend", "1"), "How much time do they need"),
        (("task", "finish", "1"), "one of assign, ack"),
        (("task",), "one of assign"),
        (("task", "1", "done"), "number after the verb: ic task done 1"),
    ],
)
def test_task_refusals(ic: Run, incident: str, argv: tuple[str, ...], needle: str) -> None:
    refused(ic(*argv), needle)


def test_task_refuses_to_change_a_finished_task(ic: Run, incident: str) -> None:
    ok(ic("task", "assign", "Sam", "check", "--in", "5m"))
    ok(ic("task", "done", "1"))
    refused(ic("task", "done", "1"), "already done")
    refused(ic("task", "reassign", "1", "Jo"), "already done")


# -- decisions -------------------------------------------------------------------------------------


def test_decision_lifecycle(ic: Run, home: Path, incident: str) -> None:
    out = ok(ic("decide", "propose", "roll back the deploy")).out
    assert out.startswith("Decision 1 proposed.")
    assert "Are there any strong objections?" in out
    out = ok(ic("decide", incident, "object", "1", "it drops the schema change", "--as", "Sam")).out
    assert out == "Objection to decision 1 recorded from Sam. Recorded for Sam.\n"
    # Accepting over an objection says so, never "hearing none" (issue 11, section 5).
    assert ok(ic("decide", "accept", "1")).out == (
        "Decision 1 accepted over the objection of Sam: the Incident Commander (Alex) decided "
        'to go ahead. Say: "I have heard the objection from Sam. We go ahead." '
        "Recorded for Alex.\n"
    )
    ok(ic("decide", "propose", "page the database team"))
    assert ok(ic("decide", "withdraw", "2")).out == "Decision 2 withdrawn. Recorded for Alex.\n"
    decisions = state_of(home, incident).state.decisions
    assert [d.status.value for d in decisions.values()] == ["accepted", "withdrawn"]
    assert decisions[1].objections[0].by == "Sam"
    ok(ic("decide", "propose", "drain the queue"))
    assert ok(ic("decide", "accept", "3")).out == (
        'Decision 3 accepted. Say: "Hearing none, let\'s proceed." Recorded for Alex.\n'
    )
    refused(ic("decide", "accept", "1"), "already accepted")
    refused(ic("decide", "accept", "9"), "There is no decision 9")
    refused(ic("decide", "object", "first", "no"), "not a decision number")
    refused(ic("decide", "vote", "1"), "one of propose, object")
    refused(ic("decide", "2", "accept"), "number after the verb: ic decide accept 2")
    refused(ic("decide", "propose", " "), "proposal is empty")


# -- the log ---------------------------------------------------------------------------------------


def test_log_entries(ic: Run, home: Path, clock: FakeClock, incident: str) -> None:
    clock.advance(delta=timedelta(minutes=30))
    assert (
        ok(ic("log", "checked the dashboards")).out
        == "Logged note at 14:30 UTC. Recorded for Alex.\n"
    )
    out = ok(ic("log", "rolled back", "--kind", "action", "--at", "-10m")).out
    assert out == "Logged action for 14:20 UTC (recorded 14:30 UTC). Recorded for Alex.\n"
    ok(ic("log", incident, "errors began", "--kind", "status", "--at", "14:02", "--as", "Sam"))
    ok(ic("log", "add an alert", "--kind", "followup", "--at", "2026-11-23T14:25:00Z"))
    log = state_of(home, incident).state.log
    assert [entry.kind.value for entry in log] == ["note", "action", "status", "followup"]
    assert log[1].occurred_at == datetime(2026, 11, 23, 14, 20, tzinfo=UTC)
    assert log[2].author == "Sam"
    assert log[2].occurred_at == datetime(2026, 11, 23, 14, 2, tzinfo=UTC)


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (("log", "x", "--kind", "rumour"), "not a kind of log entry"),
        (("log", "x", "--at", "25:00"), "not a time of day"),
        (("log", "x", "--at", "soon"), "not a time"),
        (("log", "x", "--at", "2026-11-24T14:00Z"), "in the future"),
        (("log", "x", "--at", "-30d"), "more than 7 days ago"),
        (("log", "  "), "log entry is empty"),
    ],
)
def test_log_refusals(ic: Run, incident: str, argv: tuple[str, ...], needle: str) -> None:
    refused(ic(*argv), needle)


# -- severity, phase, updates, the end -------------------------------------------------------------


def test_severity(ic: Run, home: Path, incident: str) -> None:
    assert ok(ic("sev", "2")).out == "Severity changed from SEV-1 to SEV-2. Recorded for Alex.\n"
    assert (
        ok(ic("sev", incident, "SEV-1")).out
        == "Severity changed from SEV-2 to SEV-1. Recorded for Alex.\n"
    )
    refused(ic("sev", "1"), "already SEV-1")
    refused(ic("sev", "6"), "not a severity", "1 (most severe) to 5")
    assert [level for _, level, _ in state_of(home, incident).state.severity_history] == [1, 2, 1]


def test_phase(ic: Run, incident: str) -> None:
    assert (
        ok(ic("phase", "diagnose")).out
        == "Phase changed from Detect to Diagnose. Recorded for Alex.\n"
    )
    refused(ic("phase", "panic"), "not a phase", "mobilize")
    refused(ic("phase", "learn"), "resolve it instead")


def test_updates(ic: Run, clock: FakeClock, incident: str) -> None:
    clock.advance(delta=timedelta(minutes=3))
    out = ok(ic("update", "internal", "We are investigating checkout errors")).out
    assert (
        out == "Internal update recorded. Next update: due in 20m (14:23 UTC). Recorded for Alex.\n"
    )
    ok(ic("update", incident, "external", "Some payments may fail; next update in 20 minutes"))
    refused(ic("update", "everyone", "hello"), "not an audience")
    ok(ic("sev", "4"))
    assert "none scheduled at SEV-4" in ok(ic("update", "internal", "quiet now")).out


def test_resolve_and_close(ic: Run, clock: FakeClock, incident: str) -> None:
    refused(ic("close"), "still active")
    clock.advance(delta=timedelta(minutes=45))
    assert ok(ic("resolve")).out.startswith(f"Incident {incident} resolved after 45m.")
    refused(ic("resolve", incident), "already resolved")
    assert ok(ic("close", incident)).out.startswith(f"Incident {incident} closed.")
    refused(ic("log", incident, "one more thing"), "is closed")
    assert ok(ic("show", incident, "--json")).json()["status"] == "closed"  # type: ignore[index]


# -- damaged files ---------------------------------------------------------------------------------


def test_a_damaged_log_opens_read_only_and_refuses_writes(
    ic: Run, home: Path, incident: str
) -> None:
    ok(ic("log", "first"))
    (events,) = event_files(home / "incidents" / incident)
    lines = events.read_bytes().splitlines(keepends=True)
    lines[1] = lines[1].replace(b"Alex", b"Mallory")
    events.write_bytes(b"".join(lines))
    shown = ok(ic("show"))
    assert f"{events}, line 2" in shown.err
    assert "read-only" in shown.err
    result = ic("log", "second")
    assert result.code == 2
    assert f"{events}, line 2 is damaged" in result.err
    assert "Traceback" not in result.err


def test_a_torn_last_line_is_recovered_with_a_notice(ic: Run, home: Path, incident: str) -> None:
    (events,) = event_files(home / "incidents" / incident)
    with events.open("ab") as handle:
        handle.write(b'{"v":1,"seq":')
    result = ok(ic("log", incident, "after the crash"))
    assert "was incomplete" in result.err
    assert result.out.startswith("Logged note")


def test_show_refuses_an_incident_with_no_readable_events(
    ic: Run, home: Path, incident: str
) -> None:
    (events,) = event_files(home / "incidents" / incident)
    lines = events.read_bytes().splitlines(keepends=True)
    lines[0] = lines[0].replace(b"Checkout", b"Checkin")
    events.write_bytes(b"".join(lines))
    result = ic("show", incident)
    assert result.code == 2
    assert f"{events}, line 1" in result.err
    assert "no readable events" in result.err
    assert "Traceback" not in result.err


# -- the real program ------------------------------------------------------------------------------


def run_ic(*argv: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "IC_CONSOLE_HOME": str(home),
        "IC_CONSOLE_USER": "Alex",
        "IC_CONSOLE_CONFIG": str(home / "no-config.toml"),
        "TZ": "UTC",
    }
    return subprocess.run(
        [sys.executable, "-m", "ic_console", *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_program_exit_codes_and_no_tracebacks(tmp_path: Path) -> None:
    declared = run_ic("new", "Checkout errors", "--id", "checkout", home=tmp_path)
    assert declared.returncode == 0, declared.stderr
    assert declared.stdout == "checkout\n"
    assigned = run_ic(
        "task", "assign", "Sam", "--in", "5m", "check the latency", "--as", "Alex", home=tmp_path
    )
    assert assigned.returncode == 0, assigned.stderr
    assert "Task 1 assigned to Sam" in assigned.stdout
    for argv in (
        ("task", "ack", "abc"),
        ("task", "assign", "Sam", "x", "--in", "5"),
        ("sev", "9"),
        ("show", "no-such-incident"),
        ("log", "x", "--at", "-10m", "--kind", "bogus"),
        ("frobnicate",),
    ):
        result = run_ic(*argv, home=tmp_path)
        assert result.returncode == 2, (argv, result.stderr)
        assert "Traceback" not in result.stderr
        assert result.stderr.strip(), argv


def test_program_show_json_parses(tmp_path: Path) -> None:
    assert run_ic("new", "Checkout errors", home=tmp_path).returncode == 0
    shown = run_ic("show", "--json", home=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["title"] == "Checkout errors"
