"""Figures of command at scale (issue 15): the sub-teams and their tasks, the exit criteria,
and how long each new Incident Commander took to acknowledge a handover.

Computed from the folded state alone (teams keep who was ever in them, criteria when they were
met, the state every acknowledgement), so a long log read in batches needs nothing more.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta

from ic_console.domain.model import Role
from ic_console.domain.state import IncidentState
from ic_console.review.text import duration

#: The name of the group of tasks whose owner was in no team.
NO_TEAM = "no team"


@dataclass(frozen=True, slots=True)
class TeamFigures:
    name: str
    lead: str
    #: Everyone who was in the team at some point, the lead first.
    members: tuple[str, ...]
    goal: str
    formed_at: datetime
    disbanded_at: datetime | None
    #: Tasks whose owner was in the team when they were assigned.
    tasks: int


@dataclass(frozen=True, slots=True)
class CriterionFigures:
    number: int
    text: str
    added_at: datetime
    met_at: datetime | None
    #: Still unmet when the incident was resolved, on purpose.
    overridden: bool
    #: Dropped along the way (`ic exit drop`): shown struck, not counted.
    dropped_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class AcknowledgementFigures:
    handed_over_at: datetime
    previous: str
    name: str
    acknowledged_at: datetime | None

    @property
    def delay(self) -> timedelta | None:
        if self.acknowledged_at is None:
            return None
        return max(timedelta(0), self.acknowledged_at - self.handed_over_at)


@dataclass(frozen=True, slots=True)
class ScaleFigures:
    teams: tuple[TeamFigures, ...]
    #: The team of each task (number -> team name), for tasks assigned to someone in a team.
    task_teams: dict[int, str]
    #: (team, tasks) in the order the teams were formed, then the tasks of nobody's team.
    tasks_per_team: tuple[tuple[str, int], ...]
    exit_criteria: tuple[CriterionFigures, ...]
    acknowledgements: tuple[AcknowledgementFigures, ...]

    @property
    def empty(self) -> bool:
        return not (self.teams or self.exit_criteria or self.acknowledgements)


def _team_at(state: IncidentState, name: str, when: datetime) -> str | None:
    """The team `name` was in at `when`, as far as the state knows (teams keep who was ever
    in them and when they were formed and disbanded)."""
    for team in state.teams.values():
        if name not in team.ever or when < team.formed_at:
            continue
        if team.disbanded_at is None or when < team.disbanded_at:
            return team.name
    return None


def scale_figures(state: IncidentState) -> ScaleFigures:
    task_teams: dict[int, str] = {}
    for number, task in sorted(state.tasks.items()):
        team = _team_at(state, task.owner, task.assigned_at)
        if team is not None:
            task_teams[number] = team
    counts = {name: 0 for name in state.teams}
    for team_name in task_teams.values():
        counts[team_name] += 1
    teams = tuple(
        TeamFigures(
            team.name,
            team.lead,
            tuple(team.ever),
            team.goal,
            team.formed_at,
            team.disbanded_at,
            counts[team.name],
        )
        for team in state.teams.values()
    )
    per_team = [(name, count) for name, count in counts.items()]
    if teams:
        per_team.append((NO_TEAM, len(state.tasks) - len(task_teams)))
    criteria = tuple(
        CriterionFigures(
            c.number, c.text, c.added_at, c.met_at, c.number in state.exit_overridden, c.dropped_at
        )
        for _, c in sorted(state.exit_criteria.items())
    )
    return ScaleFigures(
        teams, task_teams, tuple(per_team), criteria, tuple(_acknowledgements(state))
    )


def _acknowledgements(state: IncidentState) -> list[AcknowledgementFigures]:
    """Each handover (every command stint but the first) and its yes, if one was recorded."""
    stints = [s for s in state.role_history if s.role is Role.IC]
    found: list[AcknowledgementFigures] = []
    for before, stint in itertools.pairwise(stints):
        end = stint.end
        yes = next(
            (
                at
                for name, at in state.handover_acks
                if name == stint.name and at >= stint.start and (end is None or at <= end)
            ),
            None,
        )
        found.append(AcknowledgementFigures(stint.start, before.name, stint.name, yes))
    return found


def scale_rows(figures: ScaleFigures | None) -> list[tuple[str, str]]:
    """Rows for the response metrics table; none for what the incident did not use."""
    if figures is None:
        return []
    rows: list[tuple[str, str]] = []
    if figures.teams:
        rows.append(("Sub-teams formed", str(len(figures.teams))))
        rows.append(
            (
                "Tasks per team",
                ", ".join(f"{name} {count}" for name, count in figures.tasks_per_team),
            )
        )
    in_force = [c for c in figures.exit_criteria if c.dropped_at is None]
    if in_force:
        met = sum(c.met_at is not None for c in in_force)
        overridden = sum(c.overridden for c in in_force)
        value = f"{met} / {len(in_force)}"
        if overridden:
            value += f" ({overridden} overridden on resolving)"
        rows.append(("Exit criteria met", value))
    for ack in figures.acknowledgements:
        rows.append(
            (
                f"Handover to {ack.name}: time to acknowledgement",
                duration(ack.delay, missing="never acknowledged"),
            )
        )
    return rows
