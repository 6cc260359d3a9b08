"""Command at scale (issue 15): sub-teams, exit criteria, the handover's acknowledgement and the
state at a glance, in the domain and through the store (log and snapshot)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from conftest import START, Runner
from ic_console.domain import commands as c
from ic_console.domain import events as ev
from ic_console.domain import glance, handover_ack
from ic_console.domain import scale as s
from ic_console.domain.clock import FakeClock
from ic_console.domain.describe import describe
from ic_console.domain.exit_criteria import progress_label
from ic_console.domain.model import LogKind, Role, Status
from ic_console.domain.situations import current_situations
from ic_console.domain.state import replay
from ic_console.domain.teams import active_teams, direct_reports, next_team_name, team_of
from ic_console.store.incident import IncidentStore
from ic_console.store.lazylog import LazyLog
from ic_console.store.snapshot import SNAPSHOT_FILE


def _commanded(runner: Runner) -> Runner:
    runner.run(c.AssignRole(role=Role.IC, name="Alex"))
    return runner


# -- teams -------------------------------------------------------------------------------------


def test_a_team_is_formed_with_the_next_radio_name_and_its_lead_first(runner: Runner) -> None:
    _commanded(runner)
    written = runner.run(s.FormTeam(lead="Sam", members=("Kim", "sam"), goal="restore replica"))
    assert [type(p) for p in written] == [ev.ParticipantJoined] * 2 + [ev.TeamFormed]
    team = runner.state.teams["Alpha"]
    assert (team.lead, team.members, team.goal) == ("Sam", ["Sam", "Kim"], "restore replica")
    assert next_team_name(runner.state) == "Bravo"
    runner.run(s.FormTeam(name="Database", lead="Priya"))
    assert [t.name for t in active_teams(runner.state)] == ["Alpha", "Database"]


def test_forming_refuses_a_taken_name_the_commander_and_another_teams_lead(
    runner: Runner,
) -> None:
    _commanded(runner)
    runner.run(s.FormTeam(name="Bravo", lead="Sam"))
    runner.refused(s.FormTeam(name="bravo", lead="Kim"), "There is already a team Bravo")
    runner.refused(s.FormTeam(lead="Alex"), "Alex is the Incident Commander")
    runner.refused(s.FormTeam(lead="Kim", members=("Sam",)), "Sam leads team Bravo")
    runner.refused(s.FormTeam(name="  ", lead="Kim"), "The team name is empty")
    runner.refused(s.FormTeam(lead="the team"), "is a group, not a person")


def test_adding_someone_moves_them_out_of_their_team(runner: Runner) -> None:
    _commanded(runner)
    runner.run(s.FormTeam(lead="Sam", members=("Kim",)))
    runner.run(s.FormTeam(lead="Priya"))
    written = runner.run(s.AddTeamMember(team="bravo", name="kim"))
    assert written == [
        ev.TeamMemberRemoved(team="Alpha", name="Kim"),
        ev.TeamMemberAdded(team="Bravo", name="Kim"),
    ]
    assert team_of(runner.state, "Kim").name == "Bravo"  # type: ignore[union-attr]
    assert runner.state.teams["Alpha"].ever == ["Sam", "Kim"]
    runner.refused(s.AddTeamMember(team="Bravo", name="Kim"), "already in team Bravo")
    runner.refused(s.AddTeamMember(team="Charlie", name="Kim"), 'no team "Charlie"')
    runner.refused(s.RemoveTeamMember(team="Bravo", name="Priya"), "Priya leads team Bravo")
    runner.run(s.RemoveTeamMember(team="Bravo", name="Kim"))
    assert team_of(runner.state, "Kim") is None


def test_disbanding_frees_the_name_and_the_people(runner: Runner) -> None:
    _commanded(runner)
    runner.run(s.FormTeam(lead="Sam", members=("Kim",)))
    runner.run(s.DisbandTeam(name="ALPHA"))
    assert active_teams(runner.state) == []
    assert runner.state.teams["Alpha"].disbanded_at == START
    runner.refused(s.DisbandTeam(name="Alpha"), 'no team "Alpha"')
    runner.run(s.FormTeam(lead="Kim"))
    assert runner.state.teams["Alpha"].lead == "Kim"


def test_a_lead_cannot_be_released_and_a_member_leaves_the_team(runner: Runner) -> None:
    _commanded(runner)
    runner.run(s.FormTeam(lead="Sam", members=("Kim",)))
    runner.refused(c.Release(name="Sam"), "Sam leads team Alpha: disband Alpha")
    written = runner.run(c.Release(name="Kim"))
    assert ev.TeamMemberRemoved(team="Alpha", name="Kim") in written
    assert runner.state.teams["Alpha"].members == ["Sam"]


def test_the_teams_task_goes_to_its_lead(runner: Runner) -> None:
    _commanded(runner)
    runner.run(s.FormTeam(name="Bravo", lead="Sam"))
    written = runner.run(
        s.AssignTeamTask(team="bravo", text="restore the replica", timebox=timedelta(minutes=20))
    )
    assert isinstance(written[-1], ev.TaskAssigned) and written[-1].owner == "Sam"
    task = runner.state.tasks[1]
    assert glance.owner_label(runner.state, task) == "Bravo (Sam)"


def test_direct_reports_count_leads_but_not_their_members(runner: Runner) -> None:
    _commanded(runner)
    for name in ("A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8"):
        runner.run(c.Join(name=name))
    assert len(direct_reports(runner.state)) == 8
    ids = [x.id for x in current_situations(runner.state, runner.clock.now())]
    assert "span-of-control" in ids
    runner.run(s.FormTeam(lead="A1", members=("A2", "A3", "A4")))
    assert direct_reports(runner.state) == ["A1", "A5", "A6", "A7", "A8"]
    ids = [x.id for x in current_situations(runner.state, runner.clock.now())]
    assert "span-of-control" not in ids


# -- exit criteria -----------------------------------------------------------------------------


def test_exit_criteria_are_numbered_met_and_unmet(runner: Runner) -> None:
    _commanded(runner)
    runner.run(s.AddExitCriterion(text="errors below 1% for 10 minutes"))
    runner.run(s.AddExitCriterion(text="queue drained"))
    runner.refused(s.AddExitCriterion(text="Queue drained"), "already exit criterion 2")
    runner.run(s.MeetExitCriterion(number=2))
    assert progress_label(runner.state) == "exit 1/2 met"
    runner.refused(s.MeetExitCriterion(number=2), "already met")
    runner.refused(s.MeetExitCriterion(number=3), "no exit criterion 3")
    runner.run(s.UnmeetExitCriterion(number=2))
    runner.refused(s.UnmeetExitCriterion(number=2), "not met")
    assert progress_label(runner.state) == "exit 0/2 met"


def test_resolving_with_criteria_unmet_is_refused_unless_overridden(runner: Runner) -> None:
    _commanded(runner)
    runner.run(s.AddExitCriterion(text="errors below 1%"))
    runner.run(s.AddExitCriterion(text="queue drained"))
    runner.run(s.MeetExitCriterion(number=1))
    runner.refused(c.Resolve(), "Exit criteria not met: 2 (queue drained)")
    written = runner.run(c.Resolve(override_exit_criteria=True))
    assert written == [ev.ExitCriteriaOverridden(numbers=(2,)), ev.IncidentResolved()]
    assert runner.state.status is Status.RESOLVED
    assert runner.state.exit_overridden == (2,)


def test_resolving_with_every_criterion_met_records_no_override(runner: Runner) -> None:
    _commanded(runner)
    runner.run(s.AddExitCriterion(text="errors below 1%"))
    runner.run(s.MeetExitCriterion(number=1))
    assert runner.run(c.Resolve(override_exit_criteria=True)) == [ev.IncidentResolved()]
    assert runner.state.exit_overridden == ()


def test_the_first_minutes_ask_for_exit_criteria_until_there_are_some(runner: Runner) -> None:
    _commanded(runner)
    ids = [x.id for x in current_situations(runner.state, runner.clock.now())]
    assert "exit-criteria" in ids
    runner.run(s.AddExitCriterion(text="errors below 1%"))
    ids = [x.id for x in current_situations(runner.state, runner.clock.now())]
    assert "exit-criteria" not in ids
    runner.run(s.DropExitCriterion(number=1))  # every criterion dropped: ask again
    ids = [x.id for x in current_situations(runner.state, runner.clock.now())]
    assert "exit-criteria" in ids


# -- the handover's acknowledgement ------------------------------------------------------------


def test_the_handover_waits_for_the_new_commanders_yes(runner: Runner, clock: FakeClock) -> None:
    _commanded(runner)
    runner.refused(s.AcknowledgeHandover(), "Command has not been handed over")
    runner.run(c.Handover(name="Tatiana"))
    assert handover_ack.awaiting_acknowledgement(runner.state)
    clock.advance(45)
    assert runner.run(s.AcknowledgeHandover()) == [ev.HandoverAcknowledged(name="Tatiana")]
    assert handover_ack.acknowledged_at(runner.state) == START + timedelta(seconds=45)
    runner.refused(s.AcknowledgeHandover(), "already acknowledged")
    # The next handover needs its own yes; --acknowledged records both at once.
    runner.run(s.HandoverAcknowledgedNow(name="Alex"))
    assert not handover_ack.awaiting_acknowledgement(runner.state)
    assert runner.state.ic == "Alex"


# -- words, glance, store ----------------------------------------------------------------------


def test_the_new_events_have_words() -> None:
    formed = describe(ev.TeamFormed(name="Bravo", lead="Sam", members=("Sam", "Kim"), goal="db"))
    assert formed.long == "Team Bravo formed, led by Sam with Kim: db"
    assert formed.people == ("Sam", "Kim")
    overridden = describe(ev.ExitCriteriaOverridden(numbers=(2, 3)))
    assert overridden.long == "Resolved with exit criteria 2, 3 unmet (overridden)"
    assert describe(ev.HandoverAcknowledged(name="Tatiana")).category == "role"


def test_the_glance_follows_the_methods_order(runner: Runner, clock: FakeClock) -> None:
    _commanded(runner)
    runner.run(c.AssignRole(role=Role.DEPUTY, name="Sam"))
    runner.run(s.FormTeam(name="Bravo", lead="Kim", members=("Jo",), goal="restore replica"))
    runner.run(s.AssignTeamTask(team="Bravo", text="fail over", timebox=timedelta(minutes=20)))
    runner.run(c.ProposeDecision(text="roll back"))
    runner.run(c.AcceptDecision(number=1))
    runner.run(c.AddLogEntry(text="5% of checkouts fail", kind=LogKind.STATUS))
    runner.run(s.AddExitCriterion(text="errors below 1%"))
    clock.advance(300)
    sections = glance.build(runner.state, clock.now())
    assert [x.title for x in sections] == list(glance.SECTIONS)
    text = "\n".join(glance.lines(sections))
    for expected in (
        "Latest status (14:00 UTC, Alex): 5% of checkouts fail",
        "Severity and phase: SEV-2 · Detect · active · 5m elapsed (declared 14:00 UTC by Alex)",
        "Incident Commander      Alex (since 14:00 UTC)",
        "Deputy                  Sam",
        "Team Bravo              lead Kim; with Jo; goal: restore replica",
        "1. Bravo (Kim): fail over - due in 15m (14:20 UTC), not acknowledged",
        "1. roll back (accepted 14:00 UTC)",
        "exit 0/1 met",
        "[ ] 1. errors below 1%",
        "Next update: due in 15m (14:20 UTC)",
    ):
        assert expected in text, text
    order = [text.index(title) for title in glance.SECTIONS]
    assert order == sorted(order)
    copied = glance.plain_text(runner.state, clock.now())
    assert copied.startswith("Checkout errors  [inc-1] as of 14:05 UTC\nWhat is happening:")


def test_the_store_and_its_snapshot_keep_teams_criteria_and_acknowledgements(
    home: Path, clock: FakeClock
) -> None:
    store = IncidentStore.create(
        home, c.Declare(incident_id="scale", title="Big one"), clock=clock, actor="Alex"
    )
    for command in (
        c.AssignRole(role=Role.IC, name="Alex"),
        s.FormTeam(name="Bravo", lead="Sam", members=("Kim",), goal="replica"),
        s.AddExitCriterion(text="errors below 1%"),
        s.MeetExitCriterion(number=1),
        s.AddExitCriterion(text="queue drained"),
        c.Handover(name="Tatiana"),
        s.AcknowledgeHandover(),
        s.DisbandTeam(name="Bravo"),
        c.Resolve(override_exit_criteria=True),
    ):
        clock.advance(10)
        store.execute(command)
    store.write_snapshot()  # unless resolving wrote it already
    assert (store.directory / SNAPSHOT_FILE).exists()
    again = IncidentStore.open(home, "scale", actor="Alex")
    assert isinstance(again.state.log, LazyLog)  # read from the snapshot, not the log
    assert again.state == store.state
    assert again.state.teams["Bravo"].ever == ["Sam", "Kim"]
    assert again.state.exit_overridden == (2,)
    assert again.state.handover_acks == [("Tatiana", START + timedelta(seconds=70))]
    events = []
    from ic_console.store.eventlog import EventLog

    EventLog(store.events_path).read_new(events.extend)
    assert replay(events) == store.state
