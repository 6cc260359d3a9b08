"""The postmortem draft's parts about command at scale (issue 15): who was in which sub-team,
the teams themselves, the exit criteria and whether each handover was acknowledged. Used by
`review/postmortem.py` only when the incident had them (the task table's team column is
there, in the one task table)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from ic_console.review.document import Bullets, Em, Item, Strong
from ic_console.review.metrics import Metrics
from ic_console.review.scale_figures import ScaleFigures, TeamFigures
from ic_console.review.text import duration, utc_short


def teams_of(name: str, teams: Sequence[TeamFigures]) -> str:
    """ "Bravo (lead)", or "-" for someone in no team."""
    held = [f"{t.name} (lead)" if t.lead == name else t.name for t in teams if name in t.members]
    return ", ".join(held) or "-"


def team_item(team: TeamFigures) -> Item:
    others = [m for m in team.members if m != team.lead]
    ended = f", disbanded {utc_short(team.disbanded_at)}" if team.disbanded_at else ""
    return Item(
        (
            Strong(f"Team {team.name}"),
            f" (formed {utc_short(team.formed_at)}{ended}): lead {team.lead}",
            f"; with {', '.join(others)}" if others else "",
            f"; goal: {team.goal}" if team.goal else "",
            f"; {team.tasks} task{'' if team.tasks == 1 else 's'}.",
        )
    )


def acknowledged(m: Metrics, at: datetime) -> str:
    """ ", acknowledged 1m later" for a handover whose yes was recorded."""
    if m.scale is None:
        return ""
    for ack in m.scale.acknowledgements:
        if ack.handed_over_at == at:
            if ack.delay is None:
                return "; the acknowledgement was never recorded"
            return f"; acknowledged {duration(ack.delay)} later"
    return ""


def exit_criteria(scale: ScaleFigures) -> Bullets:
    return Bullets(
        tuple(
            Item(
                (
                    Strong("Dropped: "),
                    f"{c.number}. {c.text}",
                    Em(f" (set {utc_short(c.added_at)}; dropped {utc_short(c.dropped_at)})"),
                )
            )
            if c.dropped_at is not None
            else Item(
                (
                    Strong("Met: " if c.met_at is not None else "Not met: "),
                    f"{c.number}. {c.text}",
                    Em(
                        f" (set {utc_short(c.added_at)}; met {utc_short(c.met_at)})"
                        if c.met_at is not None
                        else f" (set {utc_short(c.added_at)}; "
                        + ("not met: overridden on resolving)" if c.overridden else "not met)")
                    ),
                )
            )
            for c in scale.exit_criteria
        )
    )
