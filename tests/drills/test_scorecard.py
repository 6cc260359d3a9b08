"""The scorecard: figures computed by hand for a known log, and the same card every time
(golden files for Markdown and JSON, the original response beside the drill in a replay).

Regenerate the golden files after an intended change with
`IC_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/drills/test_scorecard.py`, and read the diff.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import pytest

from ic_console.domain import commands as c
from ic_console.domain import scale
from ic_console.domain.model import Audience, Role
from ic_console.review.scorecard import (
    UNFINISHED_NOTE,
    measure,
    render_json,
    render_markdown,
    scorecard,
)

from .conftest import START
from .helpers import Log

GOLDEN = Path(__file__).parent / "golden"


def drill_log() -> Log:
    """A SEV-2 drill: IC at 3m, tasks at 4m (5m box) and 6m (10m box), one decision accepted
    at once and one polled, updates at 15m and 50m, a handover at 40m acknowledged at 41m,
    resolved at 55m."""
    log = Log(START, "drill-golden", "Drill: Stalled failover").drill("Stalled failover")
    log.at(3).run(c.AssignRole(role=Role.IC, name="Alex"))
    log.at(4).run(c.AssignTask(owner="Jordan", text="fence", timebox=timedelta(minutes=5)))
    log.at(6).run(c.AssignTask(owner="Priya", text="pool", timebox=timedelta(minutes=10)))
    log.at(7).run(c.AssignRole(role=Role.SCRIBE, name="Sam"))
    log.at(9.5).run(c.ExtendTask(number=1, timebox=timedelta(minutes=5)))  # 30 s late: on time
    log.at(10).run(c.ProposeDecision(text="fail over by hand"))
    log.at(10).run(c.AcceptDecision(number=1))  # not polled: accepted at once
    log.at(12).run(c.ProposeDecision(text="raise pool limits"))
    log.at(12.5).run(c.AcceptDecision(number=2))  # polled: 30 s of "any strong objections?"
    log.at(14).run(c.CompleteTask(number=1))  # before its new deadline (14:30): not run out
    log.at(15).run(c.PostUpdate(audience=Audience.INTERNAL, text="failing over"))
    log.at(19).run(c.ExtendTask(number=2, timebox=timedelta(minutes=10)))  # 3 min late
    log.at(40).run(c.Handover(name="Priya"))
    log.at(41).run(scale.AcknowledgeHandover(), "Priya")  # "okay?" "yes", a minute later
    log.at(50).run(c.PostUpdate(audience=Audience.EXTERNAL, text="recovering"))  # 15 min late
    log.at(55).run(c.Resolve(), "Priya")  # task 2 ran out at 29:00 and nobody followed up
    return log


def test_figures_match_the_hand_computed_ones() -> None:
    figures = measure(drill_log().events)
    assert figures.to_ic == timedelta(minutes=3)
    assert figures.to_first_task == timedelta(minutes=4)
    assert (figures.tasks, figures.tasks_without_owner_or_timebox) == (2, 0)
    # Task 1 ran out at 9:00, extended at 9:30 (on time); task 2 ran out at 16:00, extended at
    # 19:00 (late), ran out again at 29:00 and was never followed up.
    assert (figures.timeboxes_run_out, figures.followed_up_on_time) == (3, 1)
    assert (figures.decisions_accepted, figures.decisions_polled) == (2, 1)
    # Every 20 min: due by 20:00 (posted 15:00, on time), by 35:00 (posted 50:00, late), and by
    # 70:00, after the end at 55:00: two were due.
    assert (figures.updates_due, figures.updates_on_cadence) == (2, 1)
    assert figures.roles_filled == (Role.IC, Role.SCRIBE)
    assert figures.roles_missing == (Role.DEPUTY, Role.INTERNAL_LIAISON, Role.CUSTOMER_LIAISON)
    assert figures.handovers == 1
    assert figures.handover_acks == (timedelta(minutes=1),)
    assert figures.ended
    assert figures.duration == timedelta(minutes=55)
    assert figures.met == (4, 8)


def test_no_deadline_and_no_commander_is_measured_as_never() -> None:
    log = Log(START, "drill-quiet", "Drill: quiet").drill("quiet")
    log.at(30).run(c.AddLogEntry(text="nothing happened"))
    figures = measure(log.events)
    assert figures.to_ic is None and figures.to_first_task is None
    assert (figures.updates_due, figures.updates_on_cadence) == (1, 0)
    # 30 minutes without a commander: the 5-minute target was missed (not "nothing to
    # measure", which a dash says).
    assert dict(figures.checks())["ic"] is False


def test_a_handover_counts_only_when_its_acknowledgement_was_recorded() -> None:
    """Alex hands to Priya (no yes), Priya to Sam (yes after 45 s), Sam to Jordan (both at
    once, `ic handover Jordan --acknowledged`): 2 of 3, and the handover check not met."""
    log = Log(START, "drill-acks", "Drill: acks").drill("acks")
    log.at(1).run(c.AssignRole(role=Role.IC, name="Alex"))
    log.at(10).run(c.Handover(name="Priya"))
    log.at(20).run(c.Handover(name="Sam"), "Priya")
    log.at(20.75).run(scale.AcknowledgeHandover(), "Sam")
    log.at(30).run(scale.HandoverAcknowledgedNow(name="Jordan"), "Sam")
    log.at(40).run(c.Resolve(), "Jordan")
    figures = measure(log.events)
    assert figures.handovers == 3 and figures.handovers_acknowledged == 2
    assert figures.handover_acks == (None, timedelta(seconds=45), timedelta(0))
    assert dict(figures.checks())["handover"] is False
    card = scorecard(log.events)
    assert "| Handovers acknowledged (time to the yes) | 2 of 3 (no yes; yes after 45s; yes " in (
        render_markdown(card)
    )
    body = json.loads(render_json(card))["drill"]
    assert body["handover_ack_seconds"] == [None, 45, 0]
    assert (body["handovers"], body["handovers_acknowledged"]) == (3, 2)
    # Without any acknowledgement a lone handover is not met (it used to count as recorded).
    bare = Log(START, "drill-bare", "Drill: bare").drill("bare")
    bare.at(1).run(c.AssignRole(role=Role.IC, name="Alex"))
    bare.at(5).run(c.Handover(name="Priya"))
    assert dict(measure(bare.events).checks())["handover"] is False


def test_a_drill_in_progress_is_scored_as_unfinished() -> None:
    log = Log(START, "drill-going", "Drill: going").drill("going")
    log.at(3).run(c.AssignRole(role=Role.IC, name="Alex"))
    log.at(12).run(c.AddLogEntry(text="still looking"))
    card = scorecard(log.events)
    assert not card.finished and card.notes == (UNFINISHED_NOTE,)
    md = render_markdown(card)
    assert "- Length: 12m of drill time so far (UNFINISHED: not resolved yet)\n" in md
    assert f"Note: {UNFINISHED_NOTE}." in md
    body = json.loads(render_json(card))
    assert body["finished"] is False and body["drill"]["ended"] is False
    assert body["notes"] == [UNFINISHED_NOTE]
    log.at(20).run(c.Resolve())
    done = scorecard(log.events)
    assert done.finished and done.notes == ()
    assert "UNFINISHED" not in render_markdown(done)
    assert json.loads(render_json(done))["finished"] is True


def original_log() -> Log:
    """The response the replay was made from: IC at 1m, a task at 2m, updates on time."""
    log = Log(START, "20261120-checkout", "Checkout errors")
    log.at(1).run(c.AssignRole(role=Role.IC, name="Riley"))
    log.at(2).run(c.AssignTask(owner="Jordan", text="look", timebox=timedelta(minutes=5)))
    log.at(6).run(c.CompleteTask(number=1), "Riley")
    log.at(10).run(c.PostUpdate(audience=Audience.INTERNAL, text="found it"), "Riley")
    log.at(12).run(c.Resolve(), "Riley")
    return log


def _check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("IC_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["md", "json"])
def test_scorecard_matches_its_golden_file(fmt: str) -> None:
    render = render_markdown if fmt == "md" else render_json
    text = render(scorecard(drill_log().events))
    assert text == render(scorecard(drill_log().events))  # deterministic: no clock, no order
    _check_golden(f"scorecard.{fmt}", text)


@pytest.mark.parametrize("fmt", ["md", "json"])
def test_replay_scorecard_puts_the_original_beside_the_drill(fmt: str) -> None:
    drill = Log(START, "drill-replay", "Drill: Replay of Checkout errors")
    drill.drill("Replay of Checkout errors", replay_of="20261120-checkout")
    drill.at(4).run(c.AssignRole(role=Role.IC, name="Alex"))
    drill.at(20).run(c.Resolve())
    card = scorecard(drill.events, original=original_log().events)
    assert card.original is not None and card.original.to_ic == timedelta(minutes=1)
    text = render_markdown(card) if fmt == "md" else render_json(card)
    _check_golden(f"replay-scorecard.{fmt}", text)


def test_a_real_incident_has_no_scorecard() -> None:
    with pytest.raises(ValueError, match="not a drill"):
        scorecard(original_log().events)


def test_a_commander_never_named_past_the_target_is_a_miss_not_a_dash() -> None:
    """A replay run for 15 minutes of drill time without ever naming a commander or giving a
    task scored "never | -" on both lines ("Method met: 0 of 1"), as if there had been nothing
    to measure: README says a dash means exactly that. Past the 5 (10) minutes the target is
    missed; a drill resolved before them still has nothing to measure there."""
    log = Log(START, "drill-none", "Drill: none").drill("none")
    log.at(15).run(c.Resolve(), "Alerting")
    figures = measure(log.events)
    checks = dict(figures.checks())
    assert (checks["ic"], checks["first-task"]) == (False, False)
    assert "| Time to name an Incident Commander | never | NO |" in render_markdown(
        scorecard(log.events)
    )
    early = Log(START, "drill-early", "Drill: early").drill("early")
    early.at(4).run(c.Resolve(), "Alerting")
    checks = dict(measure(early.events).checks())
    assert (checks["ic"], checks["first-task"]) == (None, None)
    between = Log(START, "drill-mid", "Drill: mid").drill("mid")
    between.at(7).run(c.Resolve(), "Alerting")
    checks = dict(measure(between.events).checks())
    assert (checks["ic"], checks["first-task"]) == (False, None)
