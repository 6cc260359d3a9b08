"""Each response metric on small incidents built from real commands."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ic_console.domain import commands as c
from ic_console.domain.model import Audience, DecisionStatus, LogKind, Phase, Role, Status
from ic_console.domain.state import replay
from ic_console.review import command_figures as cf
from ic_console.review import metrics as mx
from ic_console.review import people_figures as pf
from ic_console.review import response_times as rt
from ic_console.review import task_figures as tf
from ic_console.review import update_figures as uf

from .helpers import Recorder, minutes


def test_time_to_roles_counts_from_the_declaration() -> None:
    r = Recorder()
    r.do(3, c.AssignRole(role=Role.IC, name="Alex"))
    r.do(7, c.AssignRole(role=Role.SCRIBE, name="Priya"))
    assert rt.time_to_role(r.events, Role.IC) == minutes(3)
    assert rt.time_to_role(r.events, Role.SCRIBE) == minutes(7)
    assert rt.time_to_role(r.events, Role.DEPUTY) is None
    r.do(12, c.AssignRole(role=Role.DEPUTY, name="Jordan"))
    assert rt.time_to_role(r.events, Role.DEPUTY) == minutes(12)


def test_first_role_holder_is_kept_after_the_role_changes_hands() -> None:
    r = Recorder()
    r.do(2, c.AssignRole(role=Role.SCRIBE, name="Priya"))
    r.do(9, c.AssignRole(role=Role.SCRIBE, name="Kim"))
    assert rt.time_to_role(r.events, Role.SCRIBE) == minutes(2)


def test_time_to_first_update_is_either_audience() -> None:
    r = Recorder()
    assert rt.time_to_first_update(r.events) is None
    r.do(6, c.PostUpdate(audience=Audience.EXTERNAL, text="Investigating"))
    r.do(9, c.PostUpdate(audience=Audience.INTERNAL, text="Still investigating"))
    assert rt.time_to_first_update(r.events) == minutes(6)


def test_mitigation_is_the_resolve_phase_and_resolution_is_resolve() -> None:
    r = Recorder()
    r.do(5, c.ChangePhase(phase=Phase.DIAGNOSE))
    assert rt.time_to_mitigation(r.events) is None
    r.do(25, c.ChangePhase(phase=Phase.RESOLVE))
    assert rt.time_to_mitigation(r.events) == minutes(25)
    assert rt.time_to_resolution(r.events) is None
    r.do(40, c.Resolve())
    r.do(90, c.Close())
    assert rt.time_to_resolution(r.events) == minutes(40)


def test_total_duration_starts_at_the_first_known_sign() -> None:
    r = Recorder()
    r.do(2, c.AddLogEntry(text="Alert fired", occurred_at=r.at(-15)))
    r.do(30, c.Resolve())
    assert rt.total_duration(r.events) == minutes(45)
    assert rt.detection_lag(r.events) == minutes(15)


def test_total_duration_of_an_active_incident_runs_to_its_last_event() -> None:
    r = Recorder()
    r.do(20, c.AddLogEntry(text="Still broken"))
    assert rt.total_duration(r.events) == minutes(20)
    assert rt.detection_lag(r.events) is None
    metrics = mx.compute_metrics(r.events)
    assert metrics.status is Status.ACTIVE
    assert metrics.as_of == r.at(20)


def test_task_overrun_counts_time_past_each_deadline() -> None:
    r = Recorder()
    r.do(0, c.AssignTask(owner="Sam", text="Check the deploy", timebox=minutes(5)))
    r.do(1, c.AcknowledgeTask(number=1), "Sam")
    r.do(8, c.ExtendTask(number=1, timebox=minutes(10)))  # 3m past the first deadline
    r.do(20, c.CompleteTask(number=1))  # 2m past the second (8 + 10 = 18)
    (task,) = tf.task_figures(r.events)
    assert task.timebox == minutes(5)
    assert [x.timebox for x in task.extensions] == [minutes(10)]
    assert task.overrun == minutes(5)
    assert task.time_to_acknowledge == minutes(1)
    assert not task.never_acknowledged


def test_task_extended_in_time_and_closed_in_time_has_no_overrun() -> None:
    r = Recorder()
    r.do(0, c.AssignTask(owner="Sam", text="Check the deploy", timebox=minutes(5)))
    r.do(4, c.ExtendTask(number=1, timebox=minutes(5)))
    r.do(8, c.CancelTask(number=1))
    (task,) = tf.task_figures(r.events)
    assert task.overrun == timedelta(0)
    assert len(task.extensions) == 1


def test_open_task_overruns_until_the_end_of_the_call() -> None:
    r = Recorder()
    r.do(0, c.AssignTask(owner="Sam", text="Check the deploy", timebox=minutes(5)))
    r.do(30, c.Resolve())
    (task,) = tf.task_figures(r.events)
    assert task.overrun == minutes(25)


def test_reassignment_resets_acknowledgement_and_counts_as_a_new_deadline() -> None:
    r = Recorder()
    r.do(0, c.AssignTask(owner="Sam", text="Roll back", timebox=minutes(5)))
    r.do(1, c.AcknowledgeTask(number=1), "Sam")
    r.do(7, c.ReassignTask(number=1, owner="Kim"))
    r.do(10, c.CompleteTask(number=1))
    (task,) = tf.task_figures(r.events)
    assert task.owner == "Kim"
    assert task.reassignments == 1
    assert task.overrun == minutes(2)
    assert task.never_acknowledged
    assert [t.number for t in tf.unacknowledged_tasks(r.events)] == [1]


def test_decisions_and_objections() -> None:
    r = Recorder()
    r.do(1, c.ProposeDecision(text="Roll back"))
    r.do(2, c.RaiseObjection(number=1, by="Kim", text="Drops carts"))
    r.do(3, c.RaiseObjection(number=1, by="Sam", text="Takes an hour"))
    r.do(5, c.AcceptDecision(number=1))
    r.do(6, c.ProposeDecision(text="Fail over"))
    r.do(7, c.WithdrawDecision(number=2))
    first, second = cf.decision_figures(r.events)
    assert first.status is DecisionStatus.ACCEPTED
    assert [o.by for o in first.objections] == ["Kim", "Sam"]
    assert first.time_to_decide == minutes(4)
    assert second.status is DecisionStatus.WITHDRAWN
    assert mx.compute_metrics(r.events).objections == 2


def test_severity_changes_and_time_at_each_severity() -> None:
    r = Recorder(severity=3)
    r.do(10, c.ChangeSeverity(severity=1))
    r.do(40, c.ChangeSeverity(severity=2), "Jordan")
    r.do(60, c.Resolve())
    r.do(70, c.ChangeSeverity(severity=3))  # after resolution: not time at a severity
    changes = cf.severity_changes(r.events)
    assert [(x.previous, x.severity, x.by) for x in changes][:2] == [
        (3, 1, "Alex"),
        (1, 2, "Jordan"),
    ]
    assert cf.time_at_severity(r.events) == {1: minutes(30), 2: minutes(20), 3: minutes(10)}
    assert cf.highest_severity_of(replay(r.events)) == 1


def test_handovers_say_how_long_command_was_held() -> None:
    r = Recorder()
    r.do(2, c.AssignRole(role=Role.IC, name="Alex"))
    r.do(50, c.Handover(name="Tatiana"))
    r.do(80, c.Handover(name="Alex"), "Tatiana")
    first, second = cf.handovers(r.events)
    assert (first.previous, first.name, first.held_for) == ("Alex", "Tatiana", minutes(48))
    assert (second.previous, second.name, second.held_for) == ("Tatiana", "Alex", minutes(30))
    assert rt.time_to_role(r.events, Role.IC) == minutes(2)


def test_people_time_on_call_over_stints_and_longest_stretch() -> None:
    r = Recorder()
    r.do(0, c.Join(name="Sam"))
    r.do(30, c.Release(name="Sam"))
    r.do(40, c.Join(name="Sam"))
    r.do(100, c.Resolve())
    people = {p.name: p for p in pf.people_figures(r.events)}
    sam = people["Sam"]
    assert sam.stints == 2
    assert sam.time_on_call == minutes(90)
    assert sam.longest_stretch == minutes(60)
    assert not sam.past_rotation_point
    alex = people["Alex"]
    assert alex.longest_stretch == minutes(100)
    assert alex.past_rotation_point


def test_people_roles_include_command_taken_by_handover() -> None:
    r = Recorder()
    r.do(1, c.AssignRole(role=Role.IC, name="Alex"))
    r.do(5, c.AssignRole(role=Role.DEPUTY, name="Jordan"))
    r.do(9, c.Handover(name="Jordan"))
    people = {p.name: p for p in pf.people_figures(r.events)}
    assert people["Jordan"].roles == (Role.DEPUTY, Role.IC)


def test_update_gaps_longer_than_the_cadence() -> None:
    r = Recorder(severity=2)  # 20 minutes by default
    r.do(15, c.PostUpdate(audience=Audience.INTERNAL, text="First"))
    r.do(50, c.PostUpdate(audience=Audience.INTERNAL, text="Second"))
    r.do(60, c.Resolve())
    (gap,) = uf.update_gaps(r.events)
    assert (gap.start, gap.end) == (r.at(15), r.at(50))
    assert gap.over_by == minutes(15)
    assert not gap.from_declaration


def test_update_gap_from_the_declaration_and_to_the_end() -> None:
    r = Recorder(severity=1)
    r.do(45, c.Resolve())
    (gap,) = uf.update_gaps(r.events)
    assert gap.from_declaration and gap.to_end
    assert gap.length == minutes(45)


def test_update_gaps_use_the_strictest_cadence_in_force_and_a_custom_table() -> None:
    r = Recorder(severity=4)  # no scheduled updates at SEV-4
    r.do(10, c.ChangeSeverity(severity=2))
    r.do(29, c.Resolve())
    assert len(uf.update_gaps(r.events)) == 1  # raised to SEV-2 mid-gap: 20m applies
    assert uf.update_gaps(r.events, {2: minutes(30), 4: None}) == []
    quiet = Recorder(severity=4)
    quiet.do(120, c.Resolve())
    assert uf.update_gaps(quiet.events) == []


def test_compute_metrics_gathers_every_figure() -> None:
    r = Recorder()
    r.do(1, c.AssignRole(role=Role.IC, name="Alex"))
    r.do(2, c.AssignTask(owner="Sam", text="Look", timebox=minutes(5)))
    r.do(3, c.AddLogEntry(text="Add an alert", kind=LogKind.FOLLOWUP))
    r.do(30, c.Resolve())
    m = mx.compute_metrics(r.events)
    assert m.to_ic == minutes(1)
    assert m.to_resolution == minutes(30)
    assert [t.number for t in m.unacknowledged] == [1]
    assert [t.number for t in m.overrun_tasks] == [1]
    assert m.updates_posted == 0


def test_metrics_refuse_an_undeclared_incident() -> None:
    with pytest.raises(ValueError):
        mx.compute_metrics([])
