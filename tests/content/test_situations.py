"""Which situations apply, in which order, and with which values."""

from __future__ import annotations

from datetime import timedelta

from ic_console.domain.commands import (
    AcknowledgeTask,
    AssignRole,
    AssignTask,
    ChangeSeverity,
    Join,
    PostUpdate,
    ProposeDecision,
    RaiseObjection,
    Resolve,
)
from ic_console.domain.model import Audience, Role
from ic_console.domain.situation_ids import ALWAYS_AVAILABLE, COMMON_PLACEHOLDERS, PLACEHOLDERS
from ic_console.domain.situations import (
    Situation,
    available_situations,
    current_situations,
    spoken_duration,
)
from ic_console.domain.state import IncidentState

from .helpers import START, Scenario


def ids(situations: list[Situation]) -> list[str]:
    return [s.id for s in situations]


def commanded() -> Scenario:
    """A SEV-2 incident (20-minute update cadence) with an IC, a Deputy and an exit criterion
    (so its first ten minutes do not ask for one: see tests/test_scale.py)."""
    from ic_console.domain.scale import AddExitCriterion

    scenario = Scenario(severity=2)
    scenario.run(AssignRole(role=Role.IC, name="Alex"))
    scenario.run(AssignRole(role=Role.DEPUTY, name="Tatiana"))
    scenario.run(AddExitCriterion(text="checkout errors below 1% for 10 minutes"))
    return scenario


def test_an_undeclared_incident_needs_a_commander() -> None:
    situations = current_situations(IncidentState(), START, me="Alex")
    assert ids(situations) == ["no-ic"]
    assert situations[0].urgent
    assert situations[0].values["me"] == "Alex"


def test_no_commander_comes_first_and_is_urgent() -> None:
    scenario = Scenario()
    situations = current_situations(scenario.state, scenario.now)
    assert ids(situations) == ["no-ic", "calm"]
    assert situations[0].urgent and not situations[1].urgent
    assert situations[0].values["me"] == "Alex"  # the declarer speaks when nobody else is named


def test_a_quiet_incident_offers_only_the_calm_default() -> None:
    scenario = commanded().at(2)
    situations = current_situations(scenario.state, scenario.now)
    assert ids(situations) == ["calm"]
    values = situations[0].values
    assert values["ic"] == "Alex"
    assert values["deputy"] == "Tatiana"
    assert values["scribe"] == "Scribe"  # nobody holds it: the role's name stands in
    assert values["severity"] == "SEV-2"
    assert values["elapsed_minutes"] == "2"
    assert set(values) == COMMON_PLACEHOLDERS


def test_an_expired_timebox_is_urgent_with_the_owner_and_task() -> None:
    scenario = commanded()
    scenario.run(AssignTask(owner="Sam", text="the latency", timebox=timedelta(minutes=5)))
    scenario.run(AcknowledgeTask(number=1))
    scenario.at(6.5)
    situations = current_situations(scenario.state, scenario.now)
    assert ids(situations) == ["task-expired", "calm"]
    expired = situations[0]
    assert expired.urgent
    assert expired.values["owner"] == "Sam"
    assert expired.values["task"] == "the latency"
    assert expired.values["task_number"] == "1"
    assert expired.values["minutes"] == "5"
    assert expired.values["timebox"] == "5 minutes"
    assert expired.values["overdue_minutes"] == "1"
    assert expired.values["overdue"] == "2 minutes"  # 1.5 minutes said aloud, rounded


def test_the_most_overdue_task_comes_first() -> None:
    scenario = commanded()
    scenario.run(AssignTask(owner="Sam", text="latency", timebox=timedelta(minutes=10)))
    scenario.run(AssignTask(owner="Kim", text="rollback", timebox=timedelta(minutes=3)))
    scenario.at(11)
    expired = [s for s in current_situations(scenario.state, scenario.now) if s.urgent]
    assert [s.values["owner"] for s in expired] == ["Kim", "Sam"]


def test_an_unacknowledged_task_becomes_urgent_after_a_minute() -> None:
    scenario = commanded()
    scenario.run(AssignTask(owner="Sam", text="latency", timebox=timedelta(minutes=5)))
    fresh = current_situations(scenario.state, scenario.now)
    assert ids(fresh) == ["task-unacknowledged", "calm"]
    assert not fresh[0].urgent
    assert fresh[0].values["remaining_minutes"] == "5"
    scenario.at(1)
    stale = current_situations(scenario.state, scenario.now)
    assert stale[0].id == "task-unacknowledged" and stale[0].urgent
    scenario.run(AcknowledgeTask(number=1))
    assert ids(current_situations(scenario.state, scenario.now)) == ["calm"]


def test_open_decisions_with_and_without_objections() -> None:
    scenario = commanded().at(3)
    scenario.run(ProposeDecision(text="roll back the deploy"))
    situations = current_situations(scenario.state, scenario.now)
    assert ids(situations) == ["decision-open", "calm"]
    assert situations[0].values["decision"] == "roll back the deploy"
    assert situations[0].values["proposer"] == "Alex"
    scenario.run(RaiseObjection(number=1, text="the migration ran", by="Kim"))
    objected = current_situations(scenario.state, scenario.now)[0]
    assert objected.id == "decision-objected"
    assert objected.values["objector"] == "Kim"
    assert objected.values["objection"] == "the migration ran"
    assert objected.values["objections"] == "1"


def test_a_stakeholder_update_is_announced_then_due() -> None:
    scenario = commanded()
    scenario.at(16)
    soon = current_situations(scenario.state, scenario.now)
    assert ids(soon) == ["update-soon", "calm"]
    assert soon[0].values["minutes"] == "4"
    assert soon[0].values["due_at"] == "14:20 UTC"
    assert soon[0].values["liaison"] == "Alex"  # no Internal Liaison yet: the IC
    scenario.at(22)
    due = current_situations(scenario.state, scenario.now)
    assert due[0].id == "update-due" and due[0].urgent
    assert due[0].values["minutes"] == "2"
    assert due[0].values["cadence_minutes"] == "20"
    assert due[0].values["next_update"] == "14:42 UTC"
    scenario.run(PostUpdate(audience=Audience.INTERNAL, text="Rolling back."))
    assert "update-due" not in ids(current_situations(scenario.state, scenario.now))


def test_the_cadence_can_be_configured() -> None:
    scenario = commanded().at(6)
    table = {2: timedelta(minutes=10)}
    assert ids(current_situations(scenario.state, scenario.now, cadence=table))[0] == "update-soon"
    scenario.run(ChangeSeverity(severity=4))  # no scheduled updates at SEV-4
    assert ids(current_situations(scenario.state, scenario.now)) == ["calm"]


def test_the_ten_minute_mark_is_called_out_for_one_minute() -> None:
    scenario = commanded()
    table = {2: None}
    assert "clock-mark" not in ids(current_situations(scenario.state, scenario.now))
    scenario.at(30.5)
    marks = [s for s in current_situations(scenario.state, scenario.now, cadence=table)]
    assert ids(marks) == ["clock-mark", "calm"]
    assert marks[0].values["mark"] == "30"
    scenario.at(31)
    assert ids(current_situations(scenario.state, scenario.now, cadence=table)) == ["calm"]


def test_people_long_on_the_call_are_told_to_rotate() -> None:
    scenario = commanded()
    scenario.at(30).run(Join(name="Kim"))
    scenario.at(95)
    table = {2: None}
    situations = current_situations(scenario.state, scenario.now, cadence=table)
    assert ids(situations) == ["rotate-ic", "rotate", "calm"]
    assert situations[0].values["person"] == "Alex"
    assert situations[0].values["successor"] == "Tatiana"
    assert situations[0].values["time_on_call"] == "1 hour and 35 minutes"
    assert situations[1].values["person"] == "Tatiana"
    assert situations[1].values["roles"] == "Deputy"
    assert situations[1].values["minutes"] == "95"


def test_the_order_puts_urgent_things_first() -> None:
    scenario = commanded()
    scenario.run(AssignTask(owner="Sam", text="latency", timebox=timedelta(minutes=5)))
    scenario.at(1).run(ProposeDecision(text="fail over"))
    scenario.at(30.2)
    situations = current_situations(scenario.state, scenario.now)
    assert ids(situations) == ["task-expired", "update-due", "decision-open", "clock-mark", "calm"]
    assert [s.urgent for s in situations] == [True, True, False, False, False]


def test_a_resolved_incident_ends_the_call() -> None:
    scenario = commanded().at(40)
    scenario.run(Resolve(override_exit_criteria=True))
    assert ids(current_situations(scenario.state, scenario.now)) == ["resolved"]


def test_every_live_situation_fills_exactly_its_placeholders() -> None:
    scenario = commanded()
    scenario.run(AssignTask(owner="Sam", text="latency", timebox=timedelta(minutes=5)))
    scenario.run(AssignTask(owner="Kim", text="logs", timebox=timedelta(minutes=50)))
    scenario.run(ProposeDecision(text="fail over"))
    scenario.run(ProposeDecision(text="page the vendor"))
    scenario.run(RaiseObjection(number=2, text="too early", by="Sam"))
    scenario.at(100)
    seen = current_situations(scenario.state, scenario.now)
    assert {"task-expired", "decision-objected", "decision-open", "rotate-ic"} <= set(ids(seen))
    for situation in seen:
        assert set(situation.values) == PLACEHOLDERS[situation.id], situation.id


def test_always_available_situations_use_live_values_or_visible_blanks() -> None:
    empty = commanded()
    situations = available_situations(empty.state, empty.now)
    assert ids(situations) == list(ALWAYS_AVAILABLE)
    for situation in situations:
        assert set(situation.values) == PLACEHOLDERS[situation.id], situation.id
    by_id = {s.id: s for s in situations}
    assert by_id["assignment"].values["owner"] == "[name]"
    assert by_id["handover"].values["successor"] == "Tatiana"

    busy = commanded()
    busy.run(AssignTask(owner="Sam", text="latency", timebox=timedelta(minutes=5)))
    busy.at(1).run(AssignTask(owner="Kim", text="logs", timebox=timedelta(minutes=20)))
    busy.at(7)
    by_id = {s.id: s for s in available_situations(busy.state, busy.now)}
    assert by_id["assignment"].values["owner"] == "Kim"  # the latest task
    assert by_id["more-time"].values["owner"] == "Sam"  # the overdue one
    assert by_id["more-time"].values["timebox"] == "5 minutes"


def test_situations_are_hashable_values() -> None:
    one = Situation("calm", {"ic": "Alex"})
    assert one == Situation("calm", {"ic": "Alex"})
    assert hash(one) == hash(Situation("calm", {"ic": "Bo"}))


def test_spoken_durations() -> None:
    assert spoken_duration(timedelta(seconds=20)) == "1 minute"
    assert spoken_duration(timedelta(minutes=5)) == "5 minutes"
    assert spoken_duration(timedelta(minutes=60)) == "1 hour"
    assert spoken_duration(timedelta(minutes=121)) == "2 hours and 1 minute"
