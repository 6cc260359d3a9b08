"""Sub-teams: when more people report to the Incident Commander than one person can direct
(about seven), the IC forms teams, each with one lead who reports for it.

The record, its fold and the questions the faces ask. The commands that form, grow and disband
teams are in `domain/scale.py`; this module imports no command, so the state can fold with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ic_console.domain import events as ev
from ic_console.domain.errors import DomainError
from ic_console.domain.text import MAX_NAME, literal

if TYPE_CHECKING:
    from ic_console.domain.state import IncidentState

#: More people than this reporting straight to the Incident Commander is too many to direct.
SPAN_OF_CONTROL = 7
#: The names offered for a new team, in order (the radio alphabet, as the method suggests).
DEFAULT_NAMES = (
    "Alpha",
    "Bravo",
    "Charlie",
    "Delta",
    "Echo",
    "Foxtrot",
    "Golf",
    "Hotel",
    "India",
    "Juliett",
    "Kilo",
    "Lima",
)


@dataclass(slots=True)
class Team:
    name: str
    lead: str
    #: Everyone in the team, the lead first.
    members: list[str]
    goal: str
    formed_at: datetime
    formed_by: str
    disbanded_at: datetime | None = None
    #: Who was in it at some point (members leave when moved or released): for the review.
    ever: list[str] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return self.disbanded_at is None


# -- the questions -----------------------------------------------------------------------------


def active_teams(state: IncidentState) -> list[Team]:
    """The teams in being, in the order they were formed."""
    return [team for team in state.teams.values() if team.active]


def find_team(state: IncidentState, name: str) -> Team:
    """The active team called `name` (in any case), or a refusal that lists the teams."""
    folded = " ".join(name.split()).casefold()
    for team in active_teams(state):
        if team.name.casefold() == folded:
            return team
    known = ", ".join(team.name for team in active_teams(state)) or "none yet"
    raise DomainError(f'There is no team "{literal(name)}". Teams: {known}.')


def team_of(state: IncidentState, name: str) -> Team | None:
    """The active team `name` is in, if any."""
    for team in active_teams(state):
        if name in team.members:
            return team
    return None


def led_by(state: IncidentState, name: str) -> Team | None:
    """The active team `name` leads, if any."""
    for team in active_teams(state):
        if team.lead == name:
            return team
    return None


def direct_reports(state: IncidentState) -> list[str]:
    """Who reports straight to the Incident Commander: everyone on the call but the IC and
    the members of a team (who report to their lead; the lead reports for them)."""
    in_teams = {
        member for team in active_teams(state) for member in team.members if member != team.lead
    }
    return [
        person.name
        for person in state.on_call()
        if person.name != state.ic and person.name not in in_teams
    ]


def next_team_name(state: IncidentState) -> str:
    """The first of Alpha, Bravo... that no team in being is called."""
    taken = {team.name.casefold() for team in active_teams(state)}
    for name in DEFAULT_NAMES:
        if name.casefold() not in taken:
            return name
    return f"Team {len(taken) + 1}"


def clean_team_name(name: str) -> str:
    """A team's name: one printable line, short enough to show in a column."""
    value = " ".join(name.split())
    if not value:
        raise DomainError('The team name is empty: give one, like "Bravo" or "Database".')
    if len(value) > MAX_NAME:
        raise DomainError(f"The team name is longer than {MAX_NAME} characters: shorten it.")
    if literal(value) != value:
        raise DomainError("The team name contains control characters: use letters and digits.")
    return value


def team_label(state: IncidentState, owner: str) -> str | None:
    """ "Bravo" when `owner` leads team Bravo: their tasks are the team's tasks."""
    team = led_by(state, owner)
    return team.name if team is not None else None


def release_from_teams(state: IncidentState, name: str) -> list[ev._Payload]:
    """Releasing someone takes them out of their team; a lead is refused (disband first)."""
    leads = led_by(state, name)
    if leads is not None:
        raise DomainError(
            f"{name} leads team {leads.name}: disband {leads.name} before releasing them."
        )
    team = team_of(state, name)
    return [ev.TeamMemberRemoved(team=team.name, name=name)] if team is not None else []


def refuse_command_to_a_lead(state: IncidentState, name: str) -> None:
    """The Incident Commander directs the teams and their leads report to them: someone who
    leads a team gets command only once the team has another lead."""
    team = led_by(state, name)
    if team is None:
        return
    others = [m for m in team.members if m != name]
    who = f" ({', '.join(others)})" if others else ""
    raise DomainError(
        f"{name} leads team {team.name}, and the Incident Commander directs the teams rather "
        f"than leading one: first name a new lead for {team.name}{who} with "
        f"`ic team lead {team.name} PERSON` (or the palette: Change the lead of team "
        f'{team.name}); ask: "Who will lead {team.name} while {name} takes command?". '
        "Then give them command."
    )


def leave_team_for_command(state: IncidentState, name: str) -> list[ev._Payload]:
    """A team member who takes command leaves the team: the IC reports to nobody's lead."""
    team = team_of(state, name)
    if team is None or team.lead == name:
        return []
    return [ev.TeamMemberRemoved(team=team.name, name=name)]


# -- across laptops ----------------------------------------------------------------------------


def merge_conflict(state: IncidentState, data: Any, event: ev.Event) -> str | None:
    """Why a merged team formation no longer applies: two laptops formed a team of the same
    name at once; the first in fold order stands and the second changes nothing."""
    folded = data.name.casefold()
    for team in active_teams(state):
        if team.name.casefold() == folded:
            members = ", ".join(data.members)
            return (
                f"{event.actor}'s team {data.name} (lead {data.lead}: {members}) arrived after "
                f"{team.formed_by}'s team {team.name}; it changes nothing. Add the people to "
                "a team again"
            )
    return None


# -- the fold ----------------------------------------------------------------------------------


def _formed(state: IncidentState, data: ev.TeamFormed, event: ev.Event) -> None:
    members = list(dict.fromkeys(data.members))
    state.teams[data.name] = Team(
        data.name, data.lead, members, data.goal, event.at, event.actor, ever=list(members)
    )


def _added(state: IncidentState, data: ev.TeamMemberAdded, event: ev.Event) -> None:
    team = state.teams[data.team]
    if data.name not in team.members:
        team.members.append(data.name)
    if data.name not in team.ever:
        team.ever.append(data.name)


def _removed(state: IncidentState, data: ev.TeamMemberRemoved, event: ev.Event) -> None:
    team = state.teams[data.team]
    if data.name in team.members:
        team.members.remove(data.name)


def _lead_changed(state: IncidentState, data: ev.TeamLeadChanged, event: ev.Event) -> None:
    team = state.teams[data.team]
    team.lead = data.lead
    # Everyone in the team, the lead first.
    team.members = [data.lead, *(m for m in team.members if m != data.lead)]
    if data.lead not in team.ever:
        team.ever.append(data.lead)


def _disbanded(state: IncidentState, data: ev.TeamDisbanded, event: ev.Event) -> None:
    state.teams[data.name].disbanded_at = event.at


HANDLERS: dict[type[Any], Callable[[IncidentState, Any, ev.Event], None]] = {
    ev.TeamFormed: _formed,
    ev.TeamMemberAdded: _added,
    ev.TeamMemberRemoved: _removed,
    ev.TeamDisbanded: _disbanded,
    ev.TeamLeadChanged: _lead_changed,
}
