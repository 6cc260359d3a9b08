"""The review of command at scale (issue 15): teams in the responders and tasks sections,
tasks per team in the metrics, exit criteria and the time from handover to acknowledgement."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from ic_console.domain import commands as c
from ic_console.domain import scale as s
from ic_console.domain.model import Role
from ic_console.review.document import render_markdown
from ic_console.review.postmortem import Review, build_postmortem, response_rows
from ic_console.review.scale_figures import scale_figures, scale_rows

if TYPE_CHECKING:
    from conftest import Runner


def test_the_golden_review_shows_teams_criteria_and_the_acknowledgement(
    golden_review: Review,
) -> None:
    scale = golden_review.metrics.scale
    assert scale is not None
    (bravo,) = scale.teams
    assert (bravo.name, bravo.lead, bravo.members, bravo.tasks) == (
        "Bravo",
        "Kim",
        ("Kim", "Sam"),
        1,
    )
    assert scale.task_teams == {2: "Bravo"}
    assert scale.tasks_per_team == (("Bravo", 1), ("no team", 1))
    assert [(x.number, x.met_at is not None, x.overridden) for x in scale.exit_criteria] == [
        (1, True, False),
        (2, False, True),
    ]
    (ack,) = scale.acknowledgements
    assert (ack.previous, ack.name, ack.delay) == ("Alex", "Jordan", timedelta(minutes=1))
    rows = dict(response_rows(golden_review.metrics))
    assert rows["Tasks per team"] == "Bravo 1, no team 1"
    assert rows["Handover to Jordan: time to acknowledgement"] == "1m"
    markdown = render_markdown(build_postmortem(golden_review))
    assert "| Kim | - | Bravo (lead) |" in markdown
    assert "| 2 | Bravo | Sam | Roll back config flag" in markdown
    assert "command handed over from Alex to Jordan after 34m; acknowledged 1m later" in markdown


def test_an_incident_without_teams_or_criteria_adds_no_rows(runner: Runner) -> None:
    run = runner
    run.run(c.AssignRole(role=Role.IC, name="Alex"))
    figures = scale_figures(run.state)
    assert figures.empty and scale_rows(figures) == []


def test_a_handover_never_acknowledged_says_so(runner: Runner) -> None:
    run = runner
    run.run(c.AssignRole(role=Role.IC, name="Alex"))
    run.run(c.Handover(name="Tatiana"))
    run.clock.advance(60)
    run.run(s.HandoverAcknowledgedNow(name="Alex"))
    rows = dict(scale_rows(scale_figures(run.state)))
    assert rows["Handover to Tatiana: time to acknowledgement"] == "never acknowledged"
    assert rows["Handover to Alex: time to acknowledgement"] == "0s"
