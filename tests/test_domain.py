"""Every command of the domain, and every refusal, against an in-memory incident."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from conftest import START, Runner
from ic_console.domain import commands as c
from ic_console.domain import events as ev
from ic_console.domain.clock import FakeClock
from ic_console.domain.model import (
    DecisionStatus,
    LogKind,
    Phase,
    Role,
    Status,
    TaskStatus,
)
from ic_console.domain.state import replay

MIN5 = timedelta(minutes=5)


# -- declaring ---------------------------------------------------------------------------------


def test_declare_records_the_incident_and_the_declarer(runner: Runner) -> None:
    state = runner.state
    assert (state.incident_id, state.title, state.severity) == ("inc-1", "Checkout errors", 2)
    assert state.status is Status.ACTIVE and state.phase is Phase.DETECT
    assert state.declared_by == "Alex" and state.declared_at == START
    assert [p.name for p in state.on_call()] == ["Alex"]
    assert state.ic is None  # someone who declares is not IC until they take command
    assert state.severity_history == [(START, 2, "Alex")]


def test_declare_twice_is_refused(runner: Runner) -> None:
    runner.refused(c.Declare(incident_id="inc-2", title="Again"), "already declared")


@pytest.mark.parametrize(
    ("incident_id", "title", "match"),
    [
        ("../etc", "Title", "not a valid incident id"),
        ("UPPER", "Title", "not a valid incident id"),
        ("a/b", "Title", "not a valid incident id"),
        ("ok-id", "   ", "title is empty"),
        ("ok-id", "x" * 201, "longer than 200"),
    ],
)
def test_declare_refuses_bad_ids_and_titles(
    clock: FakeClock, incident_id: str, title: str, match: str
) -> None:
    Runner(clock).refused(c.Declare(incident_id=incident_id, title=title), match)


def test_commands_before_declaration_are_refused(clock: FakeClock) -> None:
    Runner(clock).refused(c.Join(name="Sam"), "not been declared")


def test_group_actor_is_refused(runner: Runner) -> None:
    runner.refused(c.AddLogEntry(text="hello"), "is a group", actor="the team")


# -- severity and phase ------------------------------------------------------------------------


def test_severity_changes_are_logged_with_who_and_when(runner: Runner) -> None:
    runner.clock.advance(60)
    runner.run(c.ChangeSeverity(severity=1), actor="Sam")
    assert runner.state.severity == 1
    assert runner.state.severity_history[-1] == (START + timedelta(minutes=1), 1, "Sam")
    assert runner.events[-1].data == ev.SeverityChanged(previous=2, severity=1)


@pytest.mark.parametrize(
    ("severity", "match"), [(0, "does not exist"), (6, "does not exist"), (2, "already SEV-2")]
)
def test_severity_refusals(runner: Runner, severity: int, match: str) -> None:
    runner.refused(c.ChangeSeverity(severity=severity), match)


def test_phase_moves_and_is_logged(runner: Runner) -> None:
    runner.run(c.ChangePhase(phase=Phase.DIAGNOSE))
    assert runner.state.phase is Phase.DIAGNOSE
    assert runner.state.phase_history[-1][1:] == (Phase.DIAGNOSE, "Alex")


def test_phase_refusals(runner: Runner) -> None:
    runner.refused(c.ChangePhase(phase=Phase.DETECT), "already in the detect phase")
    runner.refused(c.ChangePhase(phase=Phase.LEARN), "resolve it instead")
    runner.run(c.Resolve())
    assert runner.state.phase is Phase.LEARN
    runner.refused(c.ChangePhase(phase=Phase.DIAGNOSE), "its phase stays learn")


def test_resolve_then_close(runner: Runner) -> None:
    runner.refused(c.Close(), "still active")
    runner.clock.advance(600)
    runner.run(c.Resolve())
    assert runner.state.status is Status.RESOLVED
    assert runner.state.resolved_at == START + timedelta(minutes=10)
    runner.refused(c.Resolve(), "already resolved")
    runner.run(c.Close())
    assert runner.state.status is Status.CLOSED


def test_a_closed_incident_refuses_everything(runner: Runner) -> None:
    runner.run(c.Resolve())
    runner.run(c.Close())
    for command in (
        c.Join(name="Sam"),
        c.AddLogEntry(text="late note"),
        c.Resolve(),
        c.Close(),
        c.ChangeSeverity(severity=1),
        c.PostUpdate(audience=ev.Audience.INTERNAL, text="x"),
    ):
        runner.refused(command, "is closed")


# -- people and roles --------------------------------------------------------------------------


def test_join_and_release(runner: Runner) -> None:
    runner.run(c.Join(name="  Sam  "))
    assert runner.state.find_participant("sam") is not None
    runner.refused(c.Join(name="SAM"), "already on the call")
    runner.run(c.Release(name="sam"))
    assert not runner.state.participants["Sam"].on_call
    runner.refused(c.Release(name="Sam"), "not on the call")
    runner.clock.advance(60)
    runner.run(c.Join(name="Sam"))
    sam = runner.state.participants["Sam"]
    assert sam.on_call and len(sam.earlier) == 1


@pytest.mark.parametrize("group", ["someone", "the team", "Everyone", "  we ", "on-call"])
def test_groups_are_never_people(runner: Runner, group: str) -> None:
    runner.refused(c.Join(name=group), "is a group")
    runner.refused(c.AssignTask(owner=group, text="look", timebox=MIN5), "is a group")
    runner.refused(c.AssignRole(role=Role.SCRIBE, name=group), "is a group")


@pytest.mark.parametrize(("name", "match"), [("", "is empty"), ("x" * 65, "longer than 64")])
def test_bad_names_are_refused(runner: Runner, name: str, match: str) -> None:
    runner.refused(c.Join(name=name), match)


def test_first_ic_by_assignment_then_only_by_handover(runner: Runner) -> None:
    runner.run(c.AssignRole(role=Role.IC, name="Alex"))
    assert runner.state.ic == "Alex"
    runner.refused(c.AssignRole(role=Role.IC, name="Tatiana"), "only by a handover")
    runner.refused(c.AssignRole(role=Role.IC, name="alex"), "already the Incident Commander")
    runner.clock.advance(90 * 60)
    runner.run(c.Handover(name="Tatiana"))
    assert runner.state.ic == "Tatiana"
    stints = [(s.name, s.end) for s in runner.state.role_history if s.role is Role.IC]
    assert stints == [("Alex", START + timedelta(minutes=90)), ("Tatiana", None)]
    runner.refused(c.Handover(name="Tatiana"), "already the Incident Commander")


def test_handover_needs_a_commander(runner: Runner) -> None:
    runner.refused(c.Handover(name="Sam"), "no Incident Commander to hand over from")


def test_handover_to_the_deputy_vacates_the_deputy_role(runner: Runner) -> None:
    runner.run(c.AssignRole(role=Role.IC, name="Alex"))
    runner.run(c.AssignRole(role=Role.DEPUTY, name="Tatiana"))
    runner.run(c.Handover(name="Tatiana"))
    assert runner.state.ic == "Tatiana"
    assert runner.state.holder(Role.DEPUTY) is None


def test_taking_command_gives_up_other_single_roles(runner: Runner) -> None:
    runner.run(c.AssignRole(role=Role.SCRIBE, name="Alex"))
    runner.run(c.AssignRole(role=Role.IC, name="Alex"))
    assert runner.state.roles_of("Alex") == [Role.IC]


def test_the_commander_is_not_their_own_deputy(runner: Runner) -> None:
    runner.run(c.AssignRole(role=Role.IC, name="Alex"))
    runner.refused(c.AssignRole(role=Role.DEPUTY, name="Alex"), "the Deputy is someone else")


def test_single_roles_point_to_one_person_and_keep_history(runner: Runner) -> None:
    runner.run(c.AssignRole(role=Role.SCRIBE, name="Sam"))
    runner.refused(c.AssignRole(role=Role.SCRIBE, name="Sam"), "already the Scribe")
    runner.clock.advance(60)
    runner.run(c.AssignRole(role=Role.SCRIBE, name="Kim"))
    assert runner.state.holder(Role.SCRIBE) == "Kim"
    scribes = [(s.name, s.end is None) for s in runner.state.role_history]
    assert scribes == [("Sam", False), ("Kim", True)]
    assert "Kim" in runner.state.participants  # assigning a role brings them onto the call


def test_smes_are_many(runner: Runner) -> None:
    runner.run(c.AssignRole(role=Role.SME, name="Sam"))
    runner.run(c.AssignRole(role=Role.SME, name="Kim"))
    runner.refused(c.AssignRole(role=Role.SME, name="sam"), "already a Subject Matter Expert")
    assert runner.state.smes == ["Sam", "Kim"]
    runner.run(c.VacateRole(role=Role.SME, name="Sam"))
    assert runner.state.smes == ["Kim"]
    runner.refused(c.VacateRole(role=Role.SME, name="Sam"), "not a Subject Matter Expert")
    runner.refused(c.VacateRole(role=Role.SME), "Name the Subject Matter Expert")


def test_vacating_roles(runner: Runner) -> None:
    runner.refused(c.VacateRole(role=Role.SCRIBE), "Nobody is the Scribe")
    runner.run(c.AssignRole(role=Role.SCRIBE, name="Sam"))
    runner.refused(c.VacateRole(role=Role.SCRIBE, name="Kim"), "Kim is not the Scribe")
    runner.run(c.VacateRole(role=Role.SCRIBE, name="sam"))
    assert runner.state.holder(Role.SCRIBE) is None
    runner.run(c.AssignRole(role=Role.IC, name="Alex"))
    runner.refused(c.VacateRole(role=Role.IC), "hand over instead")


def test_release_refuses_the_commander_and_task_owners(runner: Runner) -> None:
    runner.run(c.AssignRole(role=Role.IC, name="Alex"))
    runner.refused(c.Release(name="Alex"), "hand over command before releasing")
    runner.run(c.AssignTask(owner="Sam", text="look at the graphs", timebox=MIN5))
    runner.refused(c.Release(name="Sam"), "still owns open task 1")
    runner.run(c.CompleteTask(number=1))
    runner.run(c.Release(name="Sam"))


def test_release_vacates_the_roles_held(runner: Runner) -> None:
    runner.run(c.AssignRole(role=Role.SCRIBE, name="Sam"))
    runner.run(c.AssignRole(role=Role.SME, name="Sam"))
    runner.run(c.Release(name="Sam"))
    assert runner.state.roles_of("Sam") == []
    assert all(stint.end is not None for stint in runner.state.role_history)


def test_role_names_parse_with_aliases() -> None:
    assert Role.parse("Incident Commander") is Role.IC
    assert Role.parse("internal") is Role.INTERNAL_LIAISON
    assert Role.parse("customer_liaison") is Role.CUSTOMER_LIAISON
    with pytest.raises(c.DomainError, match="is not a role"):
        Role.parse("boss")
    assert LogKind.parse("TODO") is LogKind.FOLLOWUP
    with pytest.raises(c.DomainError, match="is not a kind of log entry"):
        LogKind.parse("rumour")


# -- tasks -------------------------------------------------------------------------------------


def test_task_lifecycle(runner: Runner) -> None:
    runner.run(c.AssignTask(owner="Sam", text="Investigate the latency", timebox=MIN5))
    task = runner.state.tasks[1]
    assert (task.owner, task.deadline, task.status) == ("Sam", START + MIN5, TaskStatus.OPEN)
    assert not task.is_overdue(runner.clock.now())
    runner.run(c.AcknowledgeTask(number=1), actor="Sam")
    runner.refused(c.AcknowledgeTask(number=1), "already acknowledged")
    runner.clock.advance(300)
    assert task.is_overdue(runner.clock.now())  # derived from the clock, not stored
    runner.run(c.ExtendTask(number=1, timebox=timedelta(minutes=20)))
    assert task.deadline == runner.clock.now() + timedelta(minutes=20) and task.extensions == 1
    runner.run(c.ReassignTask(number=1, owner="Kim"))
    assert task.owner == "Kim" and task.acknowledged_at is None
    assert task.timebox == timedelta(minutes=20)  # keeps its timebox unless given a new one
    runner.refused(c.ReassignTask(number=1, owner="kim"), "already belongs to Kim")
    runner.run(c.CompleteTask(number=1))
    assert task.status is TaskStatus.DONE
    for command in (
        c.CompleteTask(number=1),
        c.CancelTask(number=1),
        c.ExtendTask(number=1, timebox=MIN5),
        c.AcknowledgeTask(number=1),
        c.ReassignTask(number=1, owner="Sam"),
    ):
        runner.refused(command, "already done")


def test_tasks_are_numbered_one_two_three(runner: Runner) -> None:
    for owner in ("Sam", "Kim", "Lee"):
        runner.run(c.AssignTask(owner=owner, text=f"ask {owner}", timebox=MIN5))
    runner.run(c.CancelTask(number=2))
    runner.run(c.AssignTask(owner="Sam", text="again", timebox=MIN5))
    assert sorted(runner.state.tasks) == [1, 2, 3, 4]
    assert runner.state.tasks[2].status is TaskStatus.CANCELLED


@pytest.mark.parametrize(
    "command",
    [
        c.AcknowledgeTask(number=7),
        c.CompleteTask(number=7),
        c.CancelTask(number=7),
        c.ExtendTask(number=7, timebox=MIN5),
        c.ReassignTask(number=7, owner="Sam"),
    ],
)
def test_unknown_task_is_refused(runner: Runner, command: c.Command) -> None:
    runner.refused(command, "There is no task 7")


@pytest.mark.parametrize(
    ("timebox", "match"),
    [
        (timedelta(0), "longer than zero"),
        (timedelta(minutes=-5), "longer than zero"),
        (timedelta(hours=13), "not a task on the call"),
    ],
)
def test_timebox_bounds(runner: Runner, timebox: timedelta, match: str) -> None:
    runner.refused(c.AssignTask(owner="Sam", text="look", timebox=timebox), match)
    runner.run(c.AssignTask(owner="Sam", text="look", timebox=MIN5))
    runner.refused(c.ExtendTask(number=1, timebox=timebox), match)
    runner.refused(c.ReassignTask(number=1, owner="Kim", timebox=timebox), match)


def test_task_needs_text(runner: Runner) -> None:
    runner.refused(c.AssignTask(owner="Sam", text="  ", timebox=MIN5), "task is empty")


def test_assigning_to_a_released_person_brings_them_back(runner: Runner) -> None:
    runner.run(c.Join(name="Sam"))
    runner.run(c.Release(name="Sam"))
    runner.run(c.AssignTask(owner="sam", text="look", timebox=MIN5))
    assert runner.state.participants["Sam"].on_call
    assert runner.state.tasks[1].owner == "Sam"


def test_open_and_overdue_tasks_sorted_by_deadline(runner: Runner) -> None:
    runner.run(c.AssignTask(owner="Sam", text="long", timebox=timedelta(minutes=30)))
    runner.run(c.AssignTask(owner="Kim", text="short", timebox=MIN5))
    assert [t.number for t in runner.state.open_tasks()] == [2, 1]
    assert [t.number for t in runner.state.overdue_tasks(START + MIN5)] == [2]


# -- decisions ---------------------------------------------------------------------------------


def test_decision_lifecycle(runner: Runner) -> None:
    runner.run(c.ProposeDecision(text="Fail over to the standby"))
    runner.run(c.RaiseObjection(number=1, text="Standby is stale", by="Sam"))
    runner.run(c.RaiseObjection(number=1, text="Too risky"), actor="Kim")
    decision = runner.state.decisions[1]
    assert [(o.by, o.text) for o in decision.objections] == [
        ("Sam", "Standby is stale"),
        ("Kim", "Too risky"),
    ]
    runner.run(c.WithdrawDecision(number=1))
    assert decision.status is DecisionStatus.WITHDRAWN
    runner.refused(c.AcceptDecision(number=1), "already withdrawn")
    runner.run(c.ProposeDecision(text="Roll back the deploy"))
    runner.run(c.AcceptDecision(number=2))
    assert runner.state.decisions[2].status is DecisionStatus.ACCEPTED
    assert runner.state.open_decisions() == []


@pytest.mark.parametrize(
    "command",
    [
        c.AcceptDecision(number=3),
        c.WithdrawDecision(number=3),
        c.RaiseObjection(number=3, text="no"),
    ],
)
def test_unknown_decision_is_refused(runner: Runner, command: c.Command) -> None:
    runner.refused(command, "There is no decision 3")


def test_objection_by_a_group_is_refused(runner: Runner) -> None:
    runner.run(c.ProposeDecision(text="Roll back"))
    runner.refused(c.RaiseObjection(number=1, text="no", by="everyone"), "is a group")


# -- the scribe log, updates, checklists -------------------------------------------------------


def test_log_entries_with_and_without_occurred_at(runner: Runner) -> None:
    runner.clock.advance(600)
    runner.run(c.AddLogEntry(text="Error rate up", kind=LogKind.STATUS))
    earlier = START + timedelta(minutes=2)
    runner.run(c.AddLogEntry(text="Deploy started", kind=LogKind.ACTION, occurred_at=earlier))
    runner.run(c.AddLogEntry(text="Add alerting", kind=LogKind.FOLLOWUP))
    log = runner.state.log
    assert log[0].occurred_at is None and log[0].when == START + timedelta(minutes=10)
    assert log[1].occurred_at == earlier and log[1].recorded_at == START + timedelta(minutes=10)
    assert ev.event_time(runner.events[-2]) == earlier
    assert [e.text for e in runner.state.followups()] == ["Add alerting"]


def test_occurred_at_now_is_stored_as_plain_recorded_time(runner: Runner) -> None:
    runner.run(c.AddLogEntry(text="now", occurred_at=runner.clock.now()))
    assert runner.state.log[0].occurred_at is None


@pytest.mark.parametrize(
    ("occurred", "match"),
    [
        (START + timedelta(minutes=5), "in the future"),
        (START - timedelta(days=8), "ago: check the date"),
        (datetime(2026, 11, 23, 13, 0), "needs a time zone"),
    ],
)
def test_occurred_at_limits(runner: Runner, occurred: datetime, match: str) -> None:
    runner.refused(c.AddLogEntry(text="x", occurred_at=occurred), match)


def test_small_clock_skew_is_accepted(runner: Runner) -> None:
    runner.run(c.AddLogEntry(text="x", occurred_at=START + timedelta(minutes=1)))
    assert runner.state.log[0].occurred_at == START + timedelta(minutes=1)


def test_empty_log_entry_is_refused(runner: Runner) -> None:
    runner.refused(c.AddLogEntry(text=" \n "), "log entry is empty")


def test_stakeholder_updates_and_cadence(runner: Runner) -> None:
    assert runner.state.next_update_due() == START + timedelta(minutes=20)  # SEV-2
    runner.clock.advance(15 * 60)
    runner.run(c.PostUpdate(audience=ev.Audience.EXTERNAL, text="Investigating"))
    assert runner.state.next_update_due() == START + timedelta(minutes=35)
    assert runner.state.last_update(ev.Audience.INTERNAL) is None
    runner.run(c.ChangeSeverity(severity=3))
    assert runner.state.next_update_due() == START + timedelta(minutes=45)
    runner.run(c.ChangeSeverity(severity=4))
    assert runner.state.next_update_due() is None
    runner.refused(c.PostUpdate(audience=ev.Audience.INTERNAL, text=""), "update is empty")


def test_no_updates_due_once_resolved(runner: Runner) -> None:
    runner.run(c.Resolve())
    assert runner.state.next_update_due() is None


def test_checklist_ticks(runner: Runner) -> None:
    runner.run(c.TickChecklistItem(checklist="ic-joining", item="introduce yourself"))
    assert ("ic-joining", "introduce yourself") in runner.state.checklist_ticks
    runner.refused(
        c.TickChecklistItem(checklist="ic-joining", item="introduce yourself"), "already ticked"
    )
    runner.run(c.TickChecklistItem(checklist="ic-joining", item="introduce yourself", ticked=False))
    runner.refused(
        c.TickChecklistItem(checklist="ic-joining", item="introduce yourself", ticked=False),
        "not ticked",
    )
    runner.refused(c.TickChecklistItem(checklist=" ", item="x"), "checklist is empty")


# -- derived views -----------------------------------------------------------------------------


def test_rotation_and_elapsed_time(runner: Runner) -> None:
    alex = runner.state.participants["Alex"]
    assert not alex.should_rotate(START + timedelta(minutes=89))
    assert alex.should_rotate(START + timedelta(minutes=90))
    assert runner.state.elapsed(START + timedelta(hours=2)) == timedelta(hours=2)
    runner.clock.advance(3600)
    runner.run(c.Resolve())
    assert runner.state.elapsed(START + timedelta(hours=5)) == timedelta(hours=1)


def test_replay_gives_the_same_state(runner: Runner) -> None:
    runner.run(c.AssignRole(role=Role.IC, name="Alex"))
    runner.run(c.AssignTask(owner="Sam", text="look", timebox=MIN5))
    runner.run(c.AddLogEntry(text="note"))
    assert replay(runner.events) == runner.state


def test_commands_are_immutable_and_strict() -> None:
    with pytest.raises(ValueError, match="Extra inputs"):
        c.Join(name="Sam", extra="x")  # type: ignore[call-arg]
    join = c.Join(name="Sam")
    with pytest.raises(ValueError, match="frozen"):
        join.name = "Kim"  # type: ignore[misc]


def test_events_refuse_a_naive_deadline() -> None:
    with pytest.raises(ValueError, match="timezone"):
        ev.TaskAssigned(
            number=1,
            owner="Sam",
            text="x",
            timebox_seconds=60,
            deadline=datetime(2026, 1, 1),
        )
    assert ev.TaskAssigned(
        number=1,
        owner="Sam",
        text="x",
        timebox_seconds=60,
        deadline=datetime(2026, 1, 1, tzinfo=UTC),
    )
