"""Commands: what a person asks for. Each is validated against the current state and `now`,
and either returns the events to record or raises a `DomainError` saying what to do instead.

Commands never write anything; the store appends what they return. The TUI, the CLI and any
bot build the same command objects, so every face of the product obeys the same rules.

Why it is one long module (about 600 lines): one short class per command, side by side, is the whole
list of what a person can ask for; each class is a few lines of rules read next to its neighbours'
rules. The commands of running a large incident are in `domain/scale.py` (issue 15), and those that
carry what another tool said (an alert, a tracker link) in `domain/tool_commands.py` (issue 17).
"""

from __future__ import annotations

from abc import abstractmethod
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from ic_console.domain import events as ev
from ic_console.domain import teams as _teams  # the handover and the teams (issue 15)
from ic_console.domain.durations import MAX_TIMEBOX, format_duration
from ic_console.domain.errors import DomainError
from ic_console.domain.exit_criteria import unmet_on_resolve
from ic_console.domain.model import (
    Audience,
    DecisionStatus,
    LogKind,
    Phase,
    Role,
    Status,
    severity_label,
)
from ic_console.domain.state import Decision, IncidentState, Task
from ic_console.domain.teams import release_from_teams
from ic_console.domain.text import (
    check_incident_id,
    clean_name,
    clean_text,
    clean_title,
    name_key,
    one_person,
)

#: How far in the future an `occurred_at` may be (clock skew between terminals).
FUTURE_SKEW = timedelta(minutes=2)
#: How far back an `occurred_at` may reach.
PAST_LIMIT = timedelta(days=7)

Events = list[ev._Payload]


class Command(BaseModel):
    """Base of every command. `decide` validates and returns events; it never mutates state."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @abstractmethod
    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        """The events that carry out this command in `state` at `now`, or a DomainError."""

    # -- helpers shared by the commands ------------------------------------------------------

    @staticmethod
    def _person_events(state: IncidentState, name: str) -> tuple[str, Events]:
        """The canonical name for `name`, joining them to the call first if needed."""
        name = clean_name(name)
        existing = state.find_participant(name)
        if existing is None:
            one_person(name)
            return name, [ev.ParticipantJoined(name=name)]
        if not existing.on_call:
            return existing.name, [ev.ParticipantJoined(name=existing.name)]
        return existing.name, []

    @staticmethod
    def _on_call(state: IncidentState, name: str) -> str:
        existing = state.find_participant(clean_name(name))
        if existing is None or not existing.on_call:
            on_call = ", ".join(p.name for p in state.on_call()) or "nobody yet"
            raise DomainError(f"{name} is not on the call. On the call: {on_call}.")
        return existing.name

    @staticmethod
    def _task(state: IncidentState, number: int, *, open_only: bool = True) -> Task:
        task = state.tasks.get(number)
        if task is None:
            known = ", ".join(str(n) for n in sorted(state.tasks)) or "none yet"
            raise DomainError(f"There is no task {number}. Tasks: {known}.")
        if open_only and not task.is_open:
            raise DomainError(f"Task {number} is already {task.status.value}; nothing to change.")
        return task

    @staticmethod
    def _decision(state: IncidentState, number: int) -> Decision:
        decision = state.decisions.get(number)
        if decision is None:
            known = ", ".join(str(n) for n in sorted(state.decisions)) or "none yet"
            raise DomainError(f"There is no decision {number}. Decisions: {known}.")
        if decision.status is not DecisionStatus.OPEN:
            raise DomainError(
                f"Decision {number} is already {decision.status.value}; propose a new one instead."
            )
        return decision


def _timebox_seconds(timebox: timedelta) -> int:
    """Whole seconds of a timebox, refusing zero, negative and absurdly long ones."""
    seconds = int(timebox.total_seconds())
    if seconds <= 0:
        raise DomainError('The timebox must be longer than zero: give one like "5m".')
    if timebox > MAX_TIMEBOX:
        raise DomainError(
            f"A timebox longer than {format_duration(MAX_TIMEBOX)} is not a task on the call: "
            "split the work, or log it as a follow-up item instead."
        )
    return seconds


# -- the incident ------------------------------------------------------------------------------


class Declare(Command):
    incident_id: str
    title: str
    severity: Annotated[int, Field(ge=1, le=5)] = 2

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        if state.declared:
            raise DomainError(f"Incident {state.incident_id} is already declared.")
        incident_id = check_incident_id(self.incident_id)
        declarer = clean_name(actor, what="declarer's name")
        return [
            ev.IncidentDeclared(
                incident_id=incident_id, title=clean_title(self.title), severity=self.severity
            ),
            ev.ParticipantJoined(name=declarer),
        ]


class ChangeSeverity(Command):
    severity: int

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        if self.severity not in range(1, 6):
            raise DomainError(
                f"Severity {self.severity} does not exist: use 1 (most severe) to 5. "
                "When unsure, pick the higher severity and move on."
            )
        if self.severity == state.severity:
            raise DomainError(f"The incident is already {severity_label(self.severity)}.")
        return [ev.SeverityChanged(previous=state.severity, severity=self.severity)]


class ChangePhase(Command):
    phase: Phase

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        if self.phase is state.phase:
            raise DomainError(f"The incident is already in the {self.phase.value} phase.")
        if self.phase is Phase.LEARN and state.status is Status.ACTIVE:
            raise DomainError(
                "The learn phase starts when the incident is resolved: resolve it instead."
            )
        if state.status is not Status.ACTIVE and self.phase is not Phase.LEARN:
            raise DomainError(f"The incident is {state.status.value}; its phase stays learn.")
        return [ev.PhaseChanged(previous=state.phase, phase=self.phase)]


class OpenWork(StrEnum):
    """What resolving does with the tasks and decisions still open."""

    #: They stay open, as follow-ups for after the call (and no longer raise alerts).
    KEEP = "keep"
    #: The open tasks are cancelled and the open decisions withdrawn, then it is resolved.
    CANCEL = "cancel"


class Resolve(Command):
    open_work: OpenWork = OpenWork.KEEP
    #: Resolve even with exit criteria unmet; which ones is recorded (issue 15).
    override_exit_criteria: bool = False

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        if state.status is Status.RESOLVED:
            raise DomainError("The incident is already resolved; close it when follow-up is done.")
        events: Events = []
        if self.open_work is OpenWork.CANCEL:
            events += [ev.TaskCancelled(number=t.number) for t in state.open_tasks()]
            events += [ev.DecisionWithdrawn(number=d.number) for d in state.open_decisions()]
        events = unmet_on_resolve(state, self.override_exit_criteria) + events
        return [*events, ev.IncidentResolved()]


class Close(Command):
    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        if state.status is Status.ACTIVE:
            raise DomainError("The incident is still active: resolve it before closing it.")
        return [ev.IncidentClosed()]


class Reopen(Command):
    """Make a resolved incident active again: the impact came back before it was closed."""

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        if state.status is Status.ACTIVE:
            raise DomainError("The incident is still active: there is nothing to reopen.")
        if state.status is Status.CLOSED:
            raise DomainError(
                "The incident is closed, so nothing more can be recorded on it: declare a new "
                "incident and mention this one in its title or log."
            )
        return [ev.IncidentReopened()]


# -- people and roles --------------------------------------------------------------------------


class Join(Command):
    name: str

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        name, events = self._person_events(state, self.name)
        if not events:
            raise DomainError(f"{name} is already on the call.")
        return events


class Release(Command):
    name: str

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        name = self._on_call(state, self.name)
        if state.ic == name:
            raise DomainError(
                f"{name} is the Incident Commander: hand over command before releasing them."
            )
        owned = [t.number for t in state.open_tasks() if t.owner == name]
        if owned:
            numbers = ", ".join(str(n) for n in owned)
            raise DomainError(
                f"{name} still owns open task {numbers}: reassign, finish or cancel it first."
            )
        events: Events = [ev.RoleVacated(role=role, name=name) for role in state.roles_of(name)]
        events += release_from_teams(state, name)
        events.append(ev.ParticipantReleased(name=name))
        return events


class AssignRole(Command):
    role: Role
    name: str

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        name, events = self._person_events(state, self.name)
        if self.role is Role.IC and state.ic is not None:
            if state.ic == name:
                raise DomainError(f"{name} is already the Incident Commander.")
            raise DomainError(
                f"{state.ic} is the Incident Commander: command changes hands only by a handover "
                f'("ic handover {name}").'
            )
        if self.role.single and state.holder(self.role) == name:
            raise DomainError(f"{name} is already the {self.role.label}.")
        if self.role is Role.DEPUTY and state.ic == name:
            raise DomainError(
                f"{name} is the Incident Commander; the Deputy is someone else, "
                "ready to take over command."
            )
        if self.role is Role.SME and name in state.smes:
            raise DomainError(f"{name} is already a Subject Matter Expert.")
        if self.role is Role.IC:
            # As in a handover, the IC leads no team and is in none (issue 15).
            _teams.refuse_command_to_a_lead(state, name)
            events.extend(_teams.leave_team_for_command(state, name))
            # As in a handover, the commander gives up any other single role.
            events.extend(
                ev.RoleVacated(role=role, name=name)
                for role in state.roles_of(name)
                if role.single and role is not Role.IC
            )
        events.append(ev.RoleAssigned(role=self.role, name=name))
        return events


class VacateRole(Command):
    role: Role
    name: str | None = None

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        if self.role is Role.IC:
            raise DomainError(
                "The Incident Commander's role is never left empty: hand over instead."
            )
        if self.role.single:
            holder = state.holder(self.role)
            if holder is None:
                raise DomainError(
                    f"Nobody is the {self.role.label}: there is no one to stand down."
                )
            if self.name is not None and name_key(clean_name(self.name)) != name_key(holder):
                raise DomainError(f"{self.name} is not the {self.role.label}; {holder} is.")
            return [ev.RoleVacated(role=self.role, name=holder)]
        if self.name is None:
            raise DomainError("Name the Subject Matter Expert to stand down.")
        name = self._on_call(state, self.name)
        if name not in state.smes:
            raise DomainError(f"{name} is not a Subject Matter Expert.")
        return [ev.RoleVacated(role=Role.SME, name=name)]


class Handover(Command):
    name: str

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        current = state.ic
        if current is None:
            raise DomainError(
                "There is no Incident Commander to hand over from: assign one with the ic role."
            )
        name, events = self._person_events(state, self.name)
        if name == current:
            raise DomainError(f"{name} is already the Incident Commander.")
        # The IC directs the teams (issue 15): a lead hands the team on first; a member leaves it.
        _teams.refuse_command_to_a_lead(state, name)
        events.extend(_teams.leave_team_for_command(state, name))
        events.extend(
            ev.RoleVacated(role=role, name=name)
            for role in state.roles_of(name)
            if role.single and role is not Role.IC
        )
        events.append(ev.CommandHandedOver(previous=current, name=name))
        return events


# -- tasks -------------------------------------------------------------------------------------


class AssignTask(Command):
    owner: str
    text: str
    timebox: timedelta

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        text = clean_text(self.text, what="task")
        owner, events = self._person_events(state, self.owner)
        seconds = _timebox_seconds(self.timebox)
        number = max(state.tasks, default=0) + 1
        events.append(
            ev.TaskAssigned(
                number=number,
                owner=owner,
                text=text,
                timebox_seconds=seconds,
                deadline=now + timedelta(seconds=seconds),
            )
        )
        return events


class AcknowledgeTask(Command):
    number: int

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        task = self._task(state, self.number)
        if task.acknowledged_at is not None:
            raise DomainError(f"Task {self.number} was already acknowledged by {task.owner}.")
        return [ev.TaskAcknowledged(number=task.number)]


class ExtendTask(Command):
    number: int
    timebox: timedelta

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        task = self._task(state, self.number)
        seconds = _timebox_seconds(self.timebox)
        return [
            ev.TaskExtended(
                number=task.number,
                timebox_seconds=seconds,
                deadline=now + timedelta(seconds=seconds),
            )
        ]


class ReassignTask(Command):
    number: int
    owner: str
    timebox: timedelta | None = None

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        task = self._task(state, self.number)
        owner, events = self._person_events(state, self.owner)
        if owner == task.owner:
            raise DomainError(f"Task {task.number} already belongs to {owner}.")
        seconds = _timebox_seconds(task.timebox if self.timebox is None else self.timebox)
        events.append(
            ev.TaskReassigned(
                number=task.number,
                previous=task.owner,
                owner=owner,
                timebox_seconds=seconds,
                deadline=now + timedelta(seconds=seconds),
            )
        )
        return events


class CompleteTask(Command):
    number: int

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        return [ev.TaskDone(number=self._task(state, self.number).number)]


class CancelTask(Command):
    number: int

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        return [ev.TaskCancelled(number=self._task(state, self.number).number)]


class ReopenTask(Command):
    """Undo done or cancelled: the task is open again, with its deadline as it was."""

    number: int

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        task = self._task(state, self.number, open_only=False)
        if task.is_open:
            raise DomainError(f"Task {self.number} is open already; nothing to undo.")
        return [ev.TaskReopened(number=task.number)]


class UnacknowledgeTask(Command):
    """Undo an acknowledgement recorded by mistake."""

    number: int

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        task = self._task(state, self.number)
        if task.acknowledged_at is None:
            raise DomainError(f"Task {self.number} is not acknowledged; nothing to undo.")
        return [ev.TaskUnacknowledged(number=task.number)]


class UndoExtension(Command):
    """Undo an extension: the timebox and deadline it replaced hold again."""

    number: int
    timebox: timedelta
    deadline: datetime

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        task = self._task(state, self.number)
        if task.extensions == 0:
            raise DomainError(f"Task {self.number} was never extended; nothing to undo.")
        return [
            ev.TaskExtensionUndone(
                number=task.number,
                timebox_seconds=_timebox_seconds(self.timebox),
                deadline=self.deadline,
            )
        ]


# -- decisions ---------------------------------------------------------------------------------


class ProposeDecision(Command):
    text: str

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        text = clean_text(self.text, what="proposal")
        return [ev.DecisionProposed(number=max(state.decisions, default=0) + 1, text=text)]


class RaiseObjection(Command):
    number: int
    text: str
    by: str | None = None

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        decision = self._decision(state, self.number)
        by = clean_name(self.by or actor, what="objector's name")
        on_call = state.find_participant(by)  # "sam" objects as the Sam on the call
        by = on_call.name if on_call is not None else by
        return [
            ev.ObjectionRaised(
                number=decision.number, by=by, text=clean_text(self.text, what="objection")
            )
        ]


class AcceptDecision(Command):
    number: int

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        return [ev.DecisionAccepted(number=self._decision(state, self.number).number)]


class WithdrawDecision(Command):
    number: int

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        return [ev.DecisionWithdrawn(number=self._decision(state, self.number).number)]


class ReopenDecision(Command):
    """Undo accept or withdraw: the decision is open again for objections."""

    number: int

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        decision = state.decisions.get(self.number)
        if decision is None:
            raise DomainError(f"There is no decision {self.number}.")
        if decision.status is DecisionStatus.OPEN:
            raise DomainError(f"Decision {self.number} is open already; nothing to undo.")
        return [ev.DecisionReopened(number=decision.number)]


# -- the scribe log, updates, checklists -------------------------------------------------------


class AddLogEntry(Command):
    text: str
    kind: LogKind = LogKind.NOTE
    occurred_at: datetime | None = None

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        text = clean_text(self.text, what="log entry")
        occurred = self.occurred_at
        if occurred is not None:
            if occurred.tzinfo is None:
                raise DomainError("The time the thing happened needs a time zone.")
            if occurred > now + FUTURE_SKEW:
                raise DomainError(
                    "That time is in the future: log what has happened, with the time it happened."
                )
            if occurred < now - PAST_LIMIT:
                raise DomainError(
                    f"That time is more than {format_duration(PAST_LIMIT)} ago: check the date."
                )
            if abs((now - occurred).total_seconds()) < 1:
                occurred = None
        return [ev.LogEntryAdded(kind=self.kind, text=text, occurred_at=occurred)]


class PostUpdate(Command):
    audience: Audience
    text: str

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        return [ev.UpdatePosted(audience=self.audience, text=clean_text(self.text, what="update"))]


class TickChecklistItem(Command):
    checklist: str
    item: str
    ticked: bool = True

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        for value, what in ((self.checklist, "checklist"), (self.item, "checklist item")):
            if not value.strip():
                raise DomainError(f"The {what} is empty: name the {what} to tick.")
        key = (self.checklist, self.item)
        if self.ticked:
            if key in state.checklist_ticks:
                raise DomainError("That checklist item is already ticked.")
            return [ev.ChecklistItemTicked(checklist=self.checklist, item=self.item)]
        if key not in state.checklist_ticks:
            raise DomainError("That checklist item is not ticked.")
        return [ev.ChecklistItemUnticked(checklist=self.checklist, item=self.item)]


class AddLogEntries(Command):
    """Several scribe entries at once (`ic log --stdin`): one append, one fsync."""

    entries: tuple[AddLogEntry, ...]

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        if not self.entries:
            raise DomainError("There is nothing to log: give at least one line of text.")
        events: Events = []
        for entry in self.entries:
            events += entry.decide(state, now, actor)
        return events


def decide(command: Command, state: IncidentState, now: datetime, actor: str) -> Events:
    """Validate `command` against `state` at `now`; the events to record, or a DomainError."""
    if not isinstance(command, Declare):
        if not state.declared:
            raise DomainError("The incident has not been declared yet.")
        if state.status is Status.CLOSED:
            raise DomainError(
                f"Incident {state.incident_id} is closed: nothing more can be recorded on it."
            )
    clean_name(actor, what="actor's name")
    return command.decide(state, now, actor)
