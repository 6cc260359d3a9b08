"""The response figures in words: the headline rows of the metrics table and the observations
worth discussing. The postmortem draft and the review screen both show them.
"""

from __future__ import annotations

from ic_console.domain.model import ROTATE_AFTER
from ic_console.review.metrics import Metrics
from ic_console.review.scale_figures import scale_rows
from ic_console.review.text import duration, utc_short


def response_rows(m: Metrics) -> list[tuple[str, str]]:
    """The headline response figures as (measure, value) rows."""
    rows = [
        ("Declaration to an Incident Commander", duration(m.to_ic, missing="never named")),
        ("Declaration to a Deputy", duration(m.to_deputy, missing="never named")),
        ("Declaration to a Scribe", duration(m.to_scribe, missing="never named")),
        (
            "Declaration to the first stakeholder update",
            duration(m.to_first_update, missing="none"),
        ),
        ("Declaration to mitigation (resolve phase)", duration(m.to_mitigation)),
        ("Declaration to resolution", duration(m.to_resolution, missing="not yet resolved")),
        ("Total duration (first known sign to resolution)", duration(m.total_duration)),
    ]
    if m.detection_lag is not None:
        rows.append(("First known sign before the declaration", duration(m.detection_lag)))
    rows += [
        ("Tasks assigned", str(len(m.tasks))),
        ("Tasks never acknowledged", str(len(m.unacknowledged))),
        ("Tasks that ran past their timebox", str(len(m.overrun_tasks))),
        ("Decisions taken (accepted / proposed)", _decisions_count(m)),
        ("Objections raised", str(m.objections)),
        ("Severity changes", str(len(m.severity_changes))),
        ("Command handovers", str(len(m.handovers))),
        ("Stakeholder updates posted", str(m.updates_posted)),
        ("Gaps between updates longer than the cadence", str(len(m.update_gaps))),
    ]
    rows += scale_rows(m.scale)  # teams, exit criteria, handover acknowledgements (issue 15)
    return rows


def _decisions_count(m: Metrics) -> str:
    accepted = sum(d.status.value == "accepted" for d in m.decisions)
    return f"{accepted} / {len(m.decisions)}"


def observations(m: Metrics) -> list[str]:
    """Facts about the response worth discussing, in plain sentences."""
    notes: list[str] = []
    for label, value in (("Incident Commander", m.to_ic), ("Deputy", m.to_deputy)):
        if value is None:
            notes.append(f"No {label} was named.")
    if m.to_scribe is None:
        notes.append("No Scribe was named; the timeline may have gaps.")
    if m.to_first_update is None:
        notes.append("No stakeholder update was posted.")
    for task in m.overrun_tasks:
        notes.append(
            f"Task {task.number} ({task.owner}) spent {duration(task.overrun)} past its timebox "
            "before a follow-up."
        )
    for task in m.unacknowledged:
        notes.append(f"Task {task.number} ({task.owner}) was never acknowledged.")
    for gap in m.update_gaps:
        start = (
            "the declaration" if gap.from_declaration else f"the update at {utc_short(gap.start)}"
        )
        notes.append(
            f"{duration(gap.length)} without a stakeholder update after {start} "
            f"(cadence {duration(gap.cadence)})."
        )
    for person in m.people:
        if person.past_rotation_point:
            notes.append(
                f"{person.name} was on the call for {duration(person.longest_stretch)} without "
                f"rotating out (rotation is advised after about {duration(ROTATE_AFTER)})."
            )
    return notes
