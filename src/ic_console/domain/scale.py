"""Commands for running a large incident: sub-teams, exit criteria, the handover's "yes".

Like every command (`domain/commands.py`), each validates against the state and returns the
events to record, or raises a `DomainError` that says what to do instead.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ic_console.domain import events as ev
from ic_console.domain import handover_ack
from ic_console.domain.commands import AssignTask, Command, Events, Handover
from ic_console.domain.errors import DomainError
from ic_console.domain.exit_criteria import criteria, find_criterion
from ic_console.domain.model import Status
from ic_console.domain.state import IncidentState
from ic_console.domain.teams import (
    clean_team_name,
    find_team,
    led_by,
    next_team_name,
    team_of,
)
from ic_console.domain.text import clean_text, literal, name_key


def _joinable(state: IncidentState, name: str, team: str) -> tuple[str, Events]:
    """The person's canonical name (joined to the call on the way), if they may be in `team`."""
    person, events = Command._person_events(state, name)
    if person == state.ic:
        raise DomainError(
            f"{person} is the Incident Commander, who coordinates the teams: "
            "put someone else in the team."
        )
    leads = led_by(state, person)
    if leads is not None and leads.name != team:
        raise DomainError(
            f"{person} leads team {leads.name}: disband {leads.name} first, "
            "or put someone else in the team."
        )
    return person, events


def _leave_other_team(state: IncidentState, person: str, team: str) -> Events:
    """Someone moved into `team` leaves the team they were in."""
    current = team_of(state, person)
    if current is None or current.name == team:
        return []
    return [ev.TeamMemberRemoved(team=current.name, name=person)]


class FormTeam(Command):
    """A sub-team with one lead, its members and a goal. No name: the next of Alpha, Bravo..."""

    lead: str
    name: str | None = None
    members: tuple[str, ...] = ()
    goal: str = ""

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        name = clean_team_name(self.name) if self.name is not None else next_team_name(state)
        for team in state.teams.values():
            if team.active and team.name.casefold() == name.casefold():
                raise DomainError(
                    f"There is already a team {team.name} (led by {team.lead}): "
                    "choose another name, or add people to it."
                )
        goal = clean_text(self.goal, what="goal") if self.goal.strip() else ""
        events: Events = []
        lead, joined = _joinable(state, self.lead, name)
        events += joined
        members = [lead]
        for given in self.members:
            # Someone named twice, or joined a moment ago by this same command, joins once.
            key = name_key(given)
            if any(name_key(member) == key for member in members):
                continue
            person, joined = _joinable(state, given, name)
            events += joined
            members.append(person)
        for person in members:
            events += _leave_other_team(state, person, name)
        events.append(ev.TeamFormed(name=name, lead=lead, members=tuple(members), goal=goal))
        return events


class AddTeamMember(Command):
    team: str
    name: str

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        team = find_team(state, self.team)
        person, events = _joinable(state, self.name, team.name)
        if person in team.members:
            raise DomainError(f"{person} is already in team {team.name}.")
        events += _leave_other_team(state, person, team.name)
        events.append(ev.TeamMemberAdded(team=team.name, name=person))
        return events


class RemoveTeamMember(Command):
    team: str
    name: str

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        team = find_team(state, self.team)
        person = self._on_call(state, self.name)
        if person not in team.members:
            raise DomainError(f"{person} is not in team {team.name}.")
        if person == team.lead:
            raise DomainError(
                f"{person} leads team {team.name}: disband the team instead "
                "(its members then report to the Incident Commander)."
            )
        return [ev.TeamMemberRemoved(team=team.name, name=person)]


class DisbandTeam(Command):
    name: str

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        return [ev.TeamDisbanded(name=find_team(state, self.name).name)]


class AssignTeamTask(Command):
    """The team's task ("Bravo: restore the replica"): owned by its lead, who reports for it."""

    team: str
    text: str
    timebox: timedelta

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        team = find_team(state, self.team)
        return AssignTask(owner=team.lead, text=self.text, timebox=self.timebox).decide(
            state, now, actor
        )


class ChangeTeamLead(Command):
    """Someone else leads the team and reports for it; the previous lead stays a member (so a
    lead can take command, or rest, without the team losing its lead)."""

    team: str
    lead: str

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        team = find_team(state, self.team)
        person, events = _joinable(state, self.lead, team.name)
        if person == team.lead:
            raise DomainError(f"{person} already leads team {team.name}.")
        events += _leave_other_team(state, person, team.name)
        if person not in team.members:
            events.append(ev.TeamMemberAdded(team=team.name, name=person))
        events.append(ev.TeamLeadChanged(team=team.name, lead=person, previous=team.lead))
        return events


# -- exit criteria -----------------------------------------------------------------------------


class AddExitCriterion(Command):
    """What must be true to call the incident resolved. Refused once it is resolved: the call
    was made, so a criterion would steer nothing (a log that holds one still replays: only
    the command refuses, never the fold)."""

    text: str

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        if state.status is Status.RESOLVED:
            raise DomainError(
                f"Incident {state.incident_id} is resolved: exit criteria say what must be true "
                "to resolve it, so one added now would change nothing. If the impact is back, "
                "reopen it first (`ic reopen`); work left to do is a follow-up "
                "(`ic log --kind followup TEXT`)."
            )
        text = clean_text(self.text, what="exit criterion")
        for criterion in criteria(state):  # a dropped criterion may be written again
            if criterion.text.casefold() == text.casefold():
                raise DomainError(f"That is already exit criterion {criterion.number}.")
        number = max(state.exit_criteria, default=0) + 1
        return [ev.ExitCriterionAdded(number=number, text=text)]


class MeetExitCriterion(Command):
    number: int

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        criterion = find_criterion(state, self.number)
        if criterion.met:
            raise DomainError(f"Exit criterion {criterion.number} is already met.")
        return [ev.ExitCriterionMet(number=criterion.number)]


class UnmeetExitCriterion(Command):
    """It turned out not to be true after all (the error rate came back)."""

    number: int

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        criterion = find_criterion(state, self.number)
        if not criterion.met:
            raise DomainError(f"Exit criterion {criterion.number} is not met; nothing to change.")
        return [ev.ExitCriterionUnmet(number=criterion.number)]


class DropExitCriterion(Command):
    """A criterion that no longer says what must be true: struck, kept for the review."""

    number: int

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        criterion = find_criterion(state, self.number)
        return [ev.ExitCriterionDropped(number=criterion.number, text=criterion.text)]


# -- the handover's acknowledgement ------------------------------------------------------------


class AcknowledgeHandover(Command):
    """The new Incident Commander said yes to "okay?"."""

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        if state.ic is None or not handover_ack.took_over_by_handover(state):
            raise DomainError(
                "Command has not been handed over: there is no acknowledgement to record."
            )
        if handover_ack.acknowledged_at(state) is not None:
            raise DomainError(f"{state.ic} already acknowledged taking command.")
        return [ev.HandoverAcknowledged(name=state.ic)]


class HandoverAcknowledgedNow(Command):
    """Hand over command to someone who has already said yes: both facts, at one instant."""

    name: str

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        events = Handover(name=self.name).decide(state, now, actor)
        handed = events[-1]
        if not isinstance(handed, ev.CommandHandedOver):  # pragma: no cover - Handover's shape
            raise DomainError(f"Could not hand over to {literal(self.name)}.")
        return [*events, ev.HandoverAcknowledged(name=handed.name)]
