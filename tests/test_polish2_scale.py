"""Changing a large incident's set-up (issue 15): a team's new lead, command and the teams
(the Incident Commander directs the teams and leads none), dropped exit criteria."""

from __future__ import annotations

from pathlib import Path

from conftest import Runner
from ic_console.domain import commands as c
from ic_console.domain import events as ev
from ic_console.domain import scale as s
from ic_console.domain.clock import FakeClock
from ic_console.domain.describe import Narrator, describe
from ic_console.domain.exit_criteria import criteria, dropped, progress_label
from ic_console.domain.model import Role
from ic_console.domain.state import replay
from ic_console.domain.teams import led_by, team_of
from ic_console.review.scale_figures import scale_figures
from ic_console.store.incident import IncidentStore
from ic_console.store.lazylog import LazyLog


def _with_bravo(runner: Runner) -> Runner:
    runner.run(c.AssignRole(role=Role.IC, name="Alex"))
    runner.run(s.FormTeam(name="Bravo", lead="Nina", members=("Sam", "Kim"), goal="replica"))
    return runner


def test_a_new_lead_takes_the_team_and_the_old_one_stays_a_member(runner: Runner) -> None:
    _with_bravo(runner)
    written = runner.run(s.ChangeTeamLead(team="bravo", lead="sam"))
    assert written == [ev.TeamLeadChanged(team="Bravo", lead="Sam", previous="Nina")]
    team = runner.state.teams["Bravo"]
    assert (team.lead, team.members) == ("Sam", ["Sam", "Nina", "Kim"])
    assert describe(written[0]).said == "Sam now leads team Bravo; Nina stays in the team."


def test_a_new_lead_from_outside_joins_the_team_and_leaves_their_own(runner: Runner) -> None:
    _with_bravo(runner)
    runner.run(s.FormTeam(name="Delta", lead="Jo", members=("Lee",)))
    written = runner.run(s.ChangeTeamLead(team="Bravo", lead="Lee"))
    assert written == [
        ev.TeamMemberRemoved(team="Delta", name="Lee"),
        ev.TeamMemberAdded(team="Bravo", name="Lee"),
        ev.TeamLeadChanged(team="Bravo", lead="Lee", previous="Nina"),
    ]
    assert team_of(runner.state, "Lee") is runner.state.teams["Bravo"]


def test_changing_the_lead_is_refused_when_it_cannot_hold(runner: Runner) -> None:
    _with_bravo(runner)
    runner.run(s.FormTeam(name="Delta", lead="Jo"))
    runner.refused(s.ChangeTeamLead(team="Bravo", lead="Nina"), "Nina already leads team Bravo")
    runner.refused(s.ChangeTeamLead(team="Bravo", lead="Jo"), "Jo leads team Delta")
    runner.refused(s.ChangeTeamLead(team="Bravo", lead="Alex"), "is the Incident Commander")
    runner.refused(s.ChangeTeamLead(team="Echo", lead="Sam"), 'There is no team "Echo"')


def test_command_goes_to_a_lead_only_once_the_team_has_another(runner: Runner) -> None:
    _with_bravo(runner)
    error = runner.refused(c.Handover(name="Nina"), "Nina leads team Bravo")
    assert "ic team lead Bravo PERSON" in str(error)
    assert "Who will lead Bravo while Nina takes command?" in str(error)
    runner.refused(s.HandoverAcknowledgedNow(name="Nina"), "Nina leads team Bravo")
    runner.run(s.ChangeTeamLead(team="Bravo", lead="Sam"))
    written = runner.run(c.Handover(name="Nina"))
    assert written == [
        ev.TeamMemberRemoved(team="Bravo", name="Nina"),
        ev.CommandHandedOver(previous="Alex", name="Nina"),
    ]
    assert runner.state.ic == "Nina" and team_of(runner.state, "Nina") is None
    assert led_by(runner.state, "Sam") is runner.state.teams["Bravo"]


def test_a_dropped_criterion_no_longer_counts_nor_takes_a_number_again(runner: Runner) -> None:
    runner.run(c.AssignRole(role=Role.IC, name="Alex"))
    runner.run(s.AddExitCriterion(text="errors below 1%"))
    runner.run(s.AddExitCriterion(text="queue drained"))
    written = runner.run(s.DropExitCriterion(number=1))
    assert written == [ev.ExitCriterionDropped(number=1, text="errors below 1%")]
    assert describe(written[0]).said == "Exit criterion 1 dropped: errors below 1%."
    assert [x.number for x in criteria(runner.state)] == [2]
    assert [x.number for x in dropped(runner.state)] == [1]
    assert progress_label(runner.state) == "exit 0/1 met"
    runner.refused(s.MeetExitCriterion(number=1), "There is no exit criterion 1 (it was dropped)")
    runner.refused(s.DropExitCriterion(number=1), "(it was dropped)")
    # Reworded: dropped, then written again, under a new number.
    assert runner.run(s.AddExitCriterion(text="Errors below 0.5%")) == [
        ev.ExitCriterionAdded(number=3, text="Errors below 0.5%")
    ]
    runner.run(s.AddExitCriterion(text="errors below 1%"))  # a dropped text may come back
    runner.run(s.MeetExitCriterion(number=2))
    runner.run(s.MeetExitCriterion(number=3))
    runner.run(s.MeetExitCriterion(number=4))
    runner.run(c.Resolve())  # the dropped one does not hold the resolution up
    figures = scale_figures(runner.state)
    assert [(x.number, x.dropped_at is not None) for x in figures.exit_criteria] == [
        (1, True),
        (2, False),
        (3, False),
        (4, False),
    ]


def test_the_narrator_names_the_commander_who_decided_over_an_objection(runner: Runner) -> None:
    runner.run(c.AssignRole(role=Role.IC, name="Alex"))
    runner.run(c.ProposeDecision(text="roll back"))
    runner.run(c.RaiseObjection(number=1, by="Dana", text="one-way migration"))
    runner.run(c.Handover(name="Priya"))
    written = runner.run(c.AcceptDecision(number=1), actor="Priya")
    said = Narrator.from_state(runner.state).describe(written[0]).said
    assert said == (
        "Decision 1 accepted over the objection of Dana: the Incident Commander (Priya) "
        "decided to go ahead."
    )
    narrator = Narrator()
    lines = [narrator.describe(event.data).said for event in runner.events]
    assert lines[-1] == said  # told in log order, the narrator follows the handover


def test_the_snapshot_keeps_new_leads_and_dropped_criteria(home: Path, clock: FakeClock) -> None:
    store = IncidentStore.create(
        home, c.Declare(incident_id="scale", title="Big one"), clock=clock, actor="Alex"
    )
    for command in (
        c.AssignRole(role=Role.IC, name="Alex"),
        s.FormTeam(name="Bravo", lead="Sam", members=("Kim",)),
        s.ChangeTeamLead(team="Bravo", lead="Kim"),
        s.AddExitCriterion(text="errors below 1%"),
        s.AddExitCriterion(text="queue drained"),
        s.DropExitCriterion(number=1),
    ):
        clock.advance(10)
        store.execute(command)
    assert store.write_snapshot()
    again = IncidentStore.open(home, "scale", actor="Alex")
    assert isinstance(again.state.log, LazyLog)  # read from the snapshot, not the log
    assert again.state == store.state
    assert again.state.exit_criteria[1].dropped_at is not None
    assert again.state.teams["Bravo"].lead == "Kim"
    from ic_console.store.eventlog import EventLog
    from ic_console.store.paths import event_files

    events: list[ev.Event] = []
    (log_file,) = event_files(store.directory)  # this laptop's file: events/<origin>.jsonl
    EventLog(log_file).read_new(events.extend)
    assert replay(events) == store.state


def test_the_first_commander_named_is_held_to_the_same_rule(runner: Runner) -> None:
    runner.run(s.FormTeam(name="Bravo", lead="Nina", members=("Sam",)))
    runner.refused(c.AssignRole(role=Role.IC, name="Nina"), "Nina leads team Bravo")
    written = runner.run(c.AssignRole(role=Role.IC, name="Sam"))
    assert written == [
        ev.TeamMemberRemoved(team="Bravo", name="Sam"),
        ev.RoleAssigned(role=Role.IC, name="Sam"),
    ]
