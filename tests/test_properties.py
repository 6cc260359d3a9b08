"""Properties of the core: events round-trip, replay equals folding, and no sequence of
commands, accepted or refused, ever breaks the incident's invariants."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from conftest import START, Runner
from ic_console.domain import commands as c
from ic_console.domain import events as ev
from ic_console.domain.clock import FakeClock
from ic_console.domain.errors import DomainError
from ic_console.domain.model import SINGLE_ROLES, Audience, LogKind, Phase, Role, Status
from ic_console.domain.state import IncidentState, apply, replay
from ic_console.store.eventlog import EventLog, ReadResult, decode_body, encode

PATH = Path("events.jsonl")


@contextmanager
def log_holding(data: bytes) -> Iterator[Path]:
    """A real `events.jsonl` holding exactly `data`, in a directory removed afterwards.

    Hypothesis runs a test body many times per call, so each example gets its own directory
    instead of a function-scoped `tmp_path`.
    """
    with tempfile.TemporaryDirectory(prefix="ic-prop-") as directory:
        path = Path(directory) / "events.jsonl"
        path.write_bytes(data)
        yield path


def read_through_store(data: bytes) -> ReadResult:
    """What the store's own reader (`EventLog.read_new`, as `IncidentStore` opens a log) makes
    of a file holding `data`."""
    with log_holding(data) as path:
        return EventLog(path).read_new()


# -- strategies --------------------------------------------------------------------------------

texts = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=40)
names = st.sampled_from(["Alex", "Sam", "Kim", "Tatiana", "José", "lee"])
numbers = st.integers(min_value=1, max_value=50)
severities = st.integers(min_value=1, max_value=5)
instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)

#: One strategy per payload type (a test checks that none is missing).
PAYLOADS: dict[type[ev._Payload], st.SearchStrategy[ev._Payload]] = {
    ev.IncidentDeclared: st.builds(
        ev.IncidentDeclared, incident_id=st.just("inc-1"), title=texts, severity=severities
    ),
    ev.SeverityChanged: st.builds(ev.SeverityChanged, previous=severities, severity=severities),
    ev.PhaseChanged: st.builds(
        ev.PhaseChanged, previous=st.sampled_from(Phase), phase=st.sampled_from(Phase)
    ),
    ev.IncidentResolved: st.builds(ev.IncidentResolved),
    ev.IncidentClosed: st.builds(ev.IncidentClosed),
    ev.IncidentReopened: st.builds(ev.IncidentReopened, phase=st.sampled_from(Phase)),
    ev.ParticipantJoined: st.builds(ev.ParticipantJoined, name=names),
    ev.ParticipantReleased: st.builds(ev.ParticipantReleased, name=names),
    ev.RoleAssigned: st.builds(ev.RoleAssigned, role=st.sampled_from(Role), name=names),
    ev.RoleVacated: st.builds(ev.RoleVacated, role=st.sampled_from(Role), name=names),
    ev.CommandHandedOver: st.builds(ev.CommandHandedOver, previous=names, name=names),
    ev.TaskAssigned: st.builds(
        ev.TaskAssigned,
        number=numbers,
        owner=names,
        text=texts,
        timebox_seconds=st.integers(1, 43200),
        deadline=instants,
    ),
    ev.TaskAcknowledged: st.builds(ev.TaskAcknowledged, number=numbers),
    ev.TaskExtended: st.builds(
        ev.TaskExtended, number=numbers, timebox_seconds=st.integers(1), deadline=instants
    ),
    ev.TaskReassigned: st.builds(
        ev.TaskReassigned,
        number=numbers,
        previous=names,
        owner=names,
        timebox_seconds=st.integers(1),
        deadline=instants,
    ),
    ev.TaskDone: st.builds(ev.TaskDone, number=numbers),
    ev.TaskCancelled: st.builds(ev.TaskCancelled, number=numbers),
    ev.TaskReopened: st.builds(ev.TaskReopened, number=numbers),
    ev.TaskUnacknowledged: st.builds(ev.TaskUnacknowledged, number=numbers),
    ev.TaskExtensionUndone: st.builds(
        ev.TaskExtensionUndone, number=numbers, timebox_seconds=st.integers(1), deadline=instants
    ),
    ev.DecisionReopened: st.builds(ev.DecisionReopened, number=numbers),
    ev.DecisionProposed: st.builds(ev.DecisionProposed, number=numbers, text=texts),
    ev.ObjectionRaised: st.builds(ev.ObjectionRaised, number=numbers, by=names, text=texts),
    ev.DecisionAccepted: st.builds(ev.DecisionAccepted, number=numbers),
    ev.DecisionWithdrawn: st.builds(ev.DecisionWithdrawn, number=numbers),
    ev.LogEntryAdded: st.builds(
        ev.LogEntryAdded,
        kind=st.sampled_from(LogKind),
        text=texts,
        occurred_at=st.none() | instants,
    ),
    ev.UpdatePosted: st.builds(ev.UpdatePosted, audience=st.sampled_from(Audience), text=texts),
    ev.ChecklistItemTicked: st.builds(ev.ChecklistItemTicked, checklist=texts, item=texts),
    ev.ChecklistItemUnticked: st.builds(ev.ChecklistItemUnticked, checklist=texts, item=texts),
    ev.AlertReceived: st.builds(
        ev.AlertReceived,
        source=st.sampled_from(["alertmanager", "pagerduty"]),
        status=st.sampled_from(["firing", "resolved", "triggered"]),
        fingerprints=st.lists(texts, min_size=1, max_size=3).map(tuple),
        summary=texts,
    ),
    ev.FollowupTracked: st.builds(
        ev.FollowupTracked, seq=numbers, item=texts, url=st.just("https://example.com/1")
    ),
    ev.DrillStarted: st.builds(
        ev.DrillStarted,
        scenario=texts,
        trainee=names,
        speed=st.floats(min_value=0.1, max_value=1000),
        replay_of=st.none() | texts,
    ),
    ev.DrillClockStarted: st.builds(
        ev.DrillClockStarted, held_seconds=st.floats(min_value=0, max_value=1e6)
    ),
    # Command at scale (issue 15).
    ev.TeamFormed: st.builds(
        ev.TeamFormed,
        name=texts,
        lead=names,
        members=st.lists(names, max_size=4).map(tuple),
        goal=st.just("") | texts,
    ),
    ev.TeamMemberAdded: st.builds(ev.TeamMemberAdded, team=texts, name=names),
    ev.TeamMemberRemoved: st.builds(ev.TeamMemberRemoved, team=texts, name=names),
    ev.TeamDisbanded: st.builds(ev.TeamDisbanded, name=texts),
    ev.ExitCriterionAdded: st.builds(ev.ExitCriterionAdded, number=numbers, text=texts),
    ev.ExitCriterionMet: st.builds(ev.ExitCriterionMet, number=numbers),
    ev.ExitCriterionUnmet: st.builds(ev.ExitCriterionUnmet, number=numbers),
    ev.ExitCriteriaOverridden: st.builds(
        ev.ExitCriteriaOverridden, numbers=st.lists(numbers, max_size=3).map(tuple)
    ),
    ev.HandoverAcknowledged: st.builds(ev.HandoverAcknowledged, name=names),
    ev.TeamLeadChanged: st.builds(ev.TeamLeadChanged, team=texts, lead=names, previous=names),
    ev.ExitCriterionDropped: st.builds(ev.ExitCriterionDropped, number=numbers, text=texts),
}
payloads = st.one_of(*PAYLOADS.values())


@st.composite
def events(draw: st.DrawFn, seq: int = 1) -> ev.Event:
    return ev.Event(
        seq=seq,
        id=draw(st.uuids()).hex,
        at=draw(instants),
        actor=draw(names),
        role=draw(st.none() | st.sampled_from(Role)),
        data=draw(payloads),
    )


# -- round trips -------------------------------------------------------------------------------


def test_every_payload_type_has_a_strategy() -> None:
    assert {cls.model_fields["type"].default for cls in PAYLOADS} == set(ev.EVENT_TYPES)


@settings(max_examples=300)
@given(events())
def test_every_event_round_trips_through_a_checksummed_line(event: ev.Event) -> None:
    line = encode(event)
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    body = decode_body(line[:-1], path=PATH, number=1)
    assert ev.EVENT_ADAPTER.validate_json(body) == event
    read = read_through_store(line)
    assert read.damage is None and read.tail == b""
    assert read.events == [event]


@settings(max_examples=200)
@given(events(), st.data())
def test_any_changed_byte_is_noticed(event: ev.Event, data: st.DataObject) -> None:
    line = bytearray(encode(event)[:-1])
    index = data.draw(st.integers(0, len(line) - 1))
    replacement = data.draw(st.integers(0x20, 0x7E).filter(lambda b: b != line[index]))
    line[index] = replacement
    read = read_through_store(bytes(line) + b"\n")
    if read.damage is not None:
        assert read.events == [] and read.damage.line == 1
        return
    # A change that still validates must be one that does not change the event's meaning
    # (e.g. a hex digit's case in the checksum); never a different event.
    assert read.events == [event]


# -- random command sequences: command at scale (issue 15) -------------------------------------

team_names = st.sampled_from(["Alpha", "bravo", "Bravo", "Database", " ", None])


def _scale_commands() -> list[st.SearchStrategy[c.Command]]:
    from ic_console.domain import scale as s

    crew = st.sampled_from(["Alex", "Sam", "kim", "Tatiana", "Jo", "someone", ""])
    return [
        st.builds(
            s.FormTeam,
            lead=crew,
            name=team_names,
            members=st.lists(crew, max_size=3).map(tuple),
            goal=st.sampled_from(["", "restore the replica"]),
        ),
        st.builds(s.AddTeamMember, team=team_names.map(str), name=crew),
        st.builds(s.RemoveTeamMember, team=team_names.map(str), name=crew),
        st.builds(s.DisbandTeam, name=team_names.map(str)),
        st.builds(
            s.AssignTeamTask,
            team=team_names.map(str),
            text=st.just("restore"),
            timebox=st.just(timedelta(minutes=5)),
        ),
        st.builds(s.AddExitCriterion, text=st.sampled_from(["errors below 1%", "queue drained"])),
        st.builds(s.MeetExitCriterion, number=st.integers(0, 3)),
        st.builds(s.UnmeetExitCriterion, number=st.integers(0, 3)),
        st.builds(s.AcknowledgeHandover),
        st.builds(s.HandoverAcknowledgedNow, name=crew),
        st.builds(c.Resolve, override_exit_criteria=st.booleans()),
        st.builds(s.ChangeTeamLead, team=team_names.map(str), lead=crew),
        st.builds(s.DropExitCriterion, number=st.integers(0, 3)),
        st.builds(c.Handover, name=crew),
        st.builds(c.AssignRole, role=st.just(Role.IC), name=crew),
        st.builds(c.VacateRole, role=st.just(Role.IC), name=st.none()),
    ]


def check_scale_invariants(state: IncidentState) -> None:
    """A person leads at most one team and is in at most one; a team's lead is one of its
    members; members are people on the call; exit criteria are numbered 1, 2, 3..."""
    from ic_console.domain.teams import active_teams

    on_call = {p.name for p in state.on_call()}
    teams = active_teams(state)
    leads = [team.lead for team in teams]
    assert len(leads) == len(set(leads)), leads
    seen: set[str] = set()
    for team in teams:
        assert team.lead in team.members, team
        assert set(team.members) <= set(state.participants), team
        assert set(team.members) <= on_call, (team, on_call)
        assert not seen & set(team.members), (team, seen)
        seen |= set(team.members)
    assert sorted(state.exit_criteria) == list(range(1, len(state.exit_criteria) + 1))
    if state.exit_overridden:
        assert state.status is not Status.ACTIVE
    # The Incident Commander directs the teams: they lead none and are in none.
    assert state.ic is None or state.ic not in seen, (state.ic, teams)


# -- random command sequences ------------------------------------------------------------------

# Mostly valid choices, with a few that must be refused (groups, empty names, bad timeboxes).
people = st.sampled_from(["Alex", "Sam", "kim", "Tatiana", "Sam", "kim", "someone", "the team", ""])
timeboxes = st.sampled_from(
    [timedelta(seconds=30), timedelta(minutes=5), timedelta(minutes=20)] * 3
    + [timedelta(0), timedelta(hours=13)]
)
command_numbers = st.integers(min_value=0, max_value=5)

commands: st.SearchStrategy[c.Command] = st.one_of(
    st.builds(c.Join, name=people),
    st.builds(c.Release, name=people),
    st.builds(c.AssignRole, role=st.sampled_from(Role), name=people),
    st.builds(c.VacateRole, role=st.sampled_from(Role), name=st.none() | people),
    st.builds(c.Handover, name=people),
    st.builds(
        c.AssignTask, owner=people, text=st.sampled_from(["look", "ask", " "]), timebox=timeboxes
    ),
    st.builds(c.AcknowledgeTask, number=command_numbers),
    st.builds(c.ExtendTask, number=command_numbers, timebox=timeboxes),
    st.builds(c.ReassignTask, number=command_numbers, owner=people, timebox=st.none() | timeboxes),
    st.builds(c.CompleteTask, number=command_numbers),
    st.builds(c.CancelTask, number=command_numbers),
    st.builds(c.ProposeDecision, text=st.sampled_from(["roll back", ""])),
    st.builds(c.RaiseObjection, number=command_numbers, text=st.just("no"), by=st.none() | people),
    st.builds(c.AcceptDecision, number=command_numbers),
    st.builds(c.WithdrawDecision, number=command_numbers),
    st.builds(c.ChangeSeverity, severity=st.integers(0, 6)),
    st.builds(c.ChangePhase, phase=st.sampled_from(Phase)),
    st.builds(
        c.AddLogEntry,
        text=st.sampled_from(["note", "later", ""]),
        kind=st.sampled_from(LogKind),
        occurred_at=st.none()
        | st.sampled_from([START - timedelta(minutes=10), START + timedelta(days=1)]),
    ),
    st.builds(c.PostUpdate, audience=st.sampled_from(Audience), text=st.just("update")),
    st.builds(
        c.TickChecklistItem, checklist=st.just("joining"), item=st.just("a"), ticked=st.booleans()
    ),
    # Command at scale (issue 15): teams, exit criteria, the handover's acknowledgement.
    *_scale_commands(),
)
#: Ending the incident: drawn rarely, so most sequences keep working on an active incident.
endings: st.SearchStrategy[c.Command] = st.sampled_from([c.Resolve(), c.Close()])


def check_invariants(state: IncidentState) -> None:
    on_call = {p.name for p in state.on_call()}
    # One holder per single role, matching the one open stint in the history.
    for role in SINGLE_ROLES:
        open_stints = [s.name for s in state.role_history if s.role is role and s.end is None]
        holder = state.holder(role)
        assert open_stints == ([holder] if holder else []), (role, open_stints, holder)
        if holder is not None:
            assert holder in on_call, (role, holder)
    assert len(set(state.smes)) == len(state.smes)
    assert set(state.smes) <= on_call
    if state.ic is not None:
        assert state.holder(Role.DEPUTY) != state.ic
    # Every open task has exactly one owner, a named person on the call.
    for task in state.open_tasks():
        assert isinstance(task.owner, str) and task.owner in on_call, task
        assert task.deadline > task.assigned_at or task.extensions or task.reassignments
    # Numbers are 1, 2, 3... with no gaps or repeats.
    assert sorted(state.tasks) == list(range(1, len(state.tasks) + 1))
    assert sorted(state.decisions) == list(range(1, len(state.decisions) + 1))
    assert all(number == task.number for number, task in state.tasks.items())
    assert 1 <= state.severity <= 5
    if state.status is not Status.ACTIVE:
        assert state.phase is Phase.LEARN and state.resolved_at is not None
    check_scale_invariants(state)


class IncidentMachine(RuleBasedStateMachine):
    """Drives an in-memory incident with random commands, as several people at once would."""

    def __init__(self) -> None:
        super().__init__()
        self.run = Runner(FakeClock(START))
        self.run.run(c.Declare(incident_id="inc-1", title="Random", severity=2))
        self.refusals = 0

    @rule(command=commands, actor=st.sampled_from(["Alex", "Sam", "Dana"]))
    def execute(self, command: c.Command, actor: str) -> None:
        before_events = list(self.run.events)
        before_state = replay(before_events)
        try:
            self.run.run(command, actor)
            event(f"accepted {type(command).__name__}")
        except DomainError as refusal:
            event(f"refused {type(command).__name__}")
            self.refusals += 1
            assert refusal.message.strip()
            # A refused command writes nothing and changes nothing.
            assert self.run.events == before_events
            assert self.run.state == before_state

    @precondition(lambda self: len(self.run.events) > 30)
    @rule(command=endings)
    def end(self, command: c.Command) -> None:
        self.execute(command, "Alex")

    @rule(seconds=st.integers(0, 3600))
    def time_passes(self, seconds: int) -> None:
        self.run.clock.advance(seconds)

    @precondition(lambda self: self.run.state.ic is None and self.run.state.status is Status.ACTIVE)
    @rule(name=st.sampled_from(["Alex", "Tatiana"]))
    def someone_takes_command(self, name: str) -> None:
        from ic_console.domain.teams import led_by

        if led_by(self.run.state, name) is not None:
            # A team's lead gets command only once the team has another lead (issue 15).
            with pytest.raises(DomainError, match="Incident Commander directs the teams"):
                self.run.run(c.AssignRole(role=Role.IC, name=name))
            return
        self.run.run(c.AssignRole(role=Role.IC, name=name))

    @invariant()
    def holds(self) -> None:
        check_invariants(self.run.state)

    @invariant()
    def replay_equals_folding(self) -> None:
        assert replay(self.run.events) == self.run.state

    def teardown(self) -> None:
        # The log written to disk reads back as the same events and the same state.
        result = read_through_store(b"".join(encode(e) for e in self.run.events))
        assert result.damage is None
        assert result.events == self.run.events
        state = IncidentState()
        for one in result.events:
            apply(state, one)
        assert state == self.run.state


IncidentMachine.TestCase.settings = settings(
    max_examples=150,
    stateful_step_count=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestIncidentMachine = IncidentMachine.TestCase


@settings(max_examples=150, deadline=None)
@given(
    st.lists(commands, max_size=40).flatmap(
        lambda cs: st.just(cs) | st.lists(endings, max_size=2).map(lambda e: cs + e)
    ),
    st.lists(st.integers(0, 900), min_size=42, max_size=42),
)
def test_random_command_lists_keep_invariants(
    commands_: list[c.Command], pauses: list[int]
) -> None:
    run = Runner(FakeClock(START))
    run.run(c.Declare(incident_id="inc-1", title="Random", severity=1))
    run.run(c.AssignRole(role=Role.IC, name="Alex"))
    for command, pause in zip(commands_, pauses, strict=False):
        run.clock.advance(pause)
        written = len(run.events)
        try:
            run.run(command)
        except DomainError:
            assert len(run.events) == written
        check_invariants(run.state)
    assert [e.seq for e in run.events] == list(range(1, len(run.events) + 1))
    assert replay(run.events) == run.state


# -- teams under churn: people join, move, leave and take command (issue 15) --------------------

_crew = st.sampled_from(["Sam", "kim", "Jo", "Tatiana"])
team_churn: st.SearchStrategy[c.Command] = st.one_of(
    st.builds(c.Join, name=_crew),
    st.builds(c.Release, name=_crew),
    st.builds(c.Handover, name=_crew | st.just("Alex")),
    *_scale_commands(),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(team_churn, min_size=5, max_size=30))
def test_team_churn_keeps_invariants(commands_: list[c.Command]) -> None:
    run = Runner(FakeClock(START))
    run.run(c.Declare(incident_id="inc-1", title="Random", severity=1))
    run.run(c.AssignRole(role=Role.IC, name="Alex"))
    for command in commands_:
        run.clock.advance(30)
        with suppress(DomainError):
            run.run(command)
        check_invariants(run.state)
    assert replay(run.events) == run.state
