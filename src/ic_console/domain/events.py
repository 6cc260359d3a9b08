"""Events: the facts written to the log. One discriminated union; the state is their fold.

Every stored line is an `Event` envelope (schema version, sequence number, id, recorded time,
actor and role) around one payload. Payloads only say what happened; deriving what it means
(overdue, next update due) is the state's job.

One module, at about 480 lines, on purpose: this file is the log's format. Every payload sits
beside the union that reads it, so a change to what is written is one diff to review here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter

from ic_console.domain.model import Audience, LogKind, Phase, Role

#: The newest schema version this code reads. Version 2 lines carry `origin` and `hlc` (the
#: replica that wrote them and its hybrid logical clock); version 1 lines (written before
#: replication) stay valid and are still written when no origin is given (synthetic incidents).
SCHEMA_VERSION = 2
#: The schema of a line without replication fields.
LEGACY_SCHEMA_VERSION = 1


class _Payload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class IncidentDeclared(_Payload):
    type: Literal["incident.declared"] = "incident.declared"
    incident_id: str
    title: str
    severity: Annotated[int, Field(ge=1, le=5)]


class SeverityChanged(_Payload):
    type: Literal["severity.changed"] = "severity.changed"
    previous: Annotated[int, Field(ge=1, le=5)]
    severity: Annotated[int, Field(ge=1, le=5)]


class PhaseChanged(_Payload):
    type: Literal["phase.changed"] = "phase.changed"
    previous: Phase
    phase: Phase


class IncidentResolved(_Payload):
    type: Literal["incident.resolved"] = "incident.resolved"


class IncidentClosed(_Payload):
    type: Literal["incident.closed"] = "incident.closed"


class IncidentReopened(_Payload):
    """A resolved incident is active again (`ic reopen`): the impact came back."""

    type: Literal["incident.reopened"] = "incident.reopened"
    #: The phase work resumes in.
    phase: Phase = Phase.DIAGNOSE


class ParticipantJoined(_Payload):
    type: Literal["participant.joined"] = "participant.joined"
    name: str


class ParticipantReleased(_Payload):
    type: Literal["participant.released"] = "participant.released"
    name: str


class RoleAssigned(_Payload):
    type: Literal["role.assigned"] = "role.assigned"
    role: Role
    name: str


class RoleVacated(_Payload):
    type: Literal["role.vacated"] = "role.vacated"
    role: Role
    name: str


class CommandHandedOver(_Payload):
    type: Literal["command.handed_over"] = "command.handed_over"
    previous: str
    name: str


class TaskAssigned(_Payload):
    type: Literal["task.assigned"] = "task.assigned"
    number: int
    owner: str
    text: str
    timebox_seconds: int
    deadline: AwareDatetime


class TaskAcknowledged(_Payload):
    type: Literal["task.acknowledged"] = "task.acknowledged"
    number: int


class TaskExtended(_Payload):
    type: Literal["task.extended"] = "task.extended"
    number: int
    timebox_seconds: int
    deadline: AwareDatetime


class TaskReassigned(_Payload):
    type: Literal["task.reassigned"] = "task.reassigned"
    number: int
    previous: str
    owner: str
    timebox_seconds: int
    deadline: AwareDatetime


class TaskDone(_Payload):
    type: Literal["task.done"] = "task.done"
    number: int


class TaskCancelled(_Payload):
    type: Literal["task.cancelled"] = "task.cancelled"
    number: int


class TaskReopened(_Payload):
    """A task closed by mistake is open again (the undo of done or cancelled)."""

    type: Literal["task.reopened"] = "task.reopened"
    number: int


class TaskUnacknowledged(_Payload):
    """An acknowledgement recorded by mistake is taken back."""

    type: Literal["task.unacknowledged"] = "task.unacknowledged"
    number: int


class TaskExtensionUndone(_Payload):
    """An extension recorded by mistake is taken back: the earlier timebox and deadline hold."""

    type: Literal["task.extension_undone"] = "task.extension_undone"
    number: int
    timebox_seconds: int
    deadline: AwareDatetime


class DecisionProposed(_Payload):
    type: Literal["decision.proposed"] = "decision.proposed"
    number: int
    text: str


class ObjectionRaised(_Payload):
    type: Literal["decision.objection"] = "decision.objection"
    number: int
    by: str
    text: str


class DecisionAccepted(_Payload):
    type: Literal["decision.accepted"] = "decision.accepted"
    number: int


class DecisionWithdrawn(_Payload):
    type: Literal["decision.withdrawn"] = "decision.withdrawn"
    number: int


class DecisionReopened(_Payload):
    """A decision accepted or withdrawn by mistake is open again."""

    type: Literal["decision.reopened"] = "decision.reopened"
    number: int


class LogEntryAdded(_Payload):
    type: Literal["log.added"] = "log.added"
    kind: LogKind
    text: str
    occurred_at: AwareDatetime | None = None


class UpdatePosted(_Payload):
    type: Literal["update.posted"] = "update.posted"
    audience: Audience
    text: str


class ChecklistItemTicked(_Payload):
    type: Literal["checklist.ticked"] = "checklist.ticked"
    checklist: str
    item: str


class ChecklistItemUnticked(_Payload):
    type: Literal["checklist.unticked"] = "checklist.unticked"
    checklist: str
    item: str


class AlertReceived(_Payload):
    """An alert from monitoring reached the incident (`ic new --from`): the fingerprints let a
    repeat of the same alert find this incident instead of declaring another."""

    type: Literal["alert.received"] = "alert.received"
    #: The tool it came from: "alertmanager" or "pagerduty".
    source: str
    #: As the tool said it: "firing", "resolved", "triggered", "acknowledged"...
    status: str
    fingerprints: tuple[str, ...]
    summary: str


class FollowupTracked(_Payload):
    """A follow-up item went to the team's tracker: where it lives now."""

    type: Literal["followup.tracked"] = "followup.tracked"
    #: The sequence number of the log entry that raised the item.
    seq: int
    #: The item's stable id, as `ic followups` prints it ("F12").
    item: str
    url: str


class DrillStarted(_Payload):
    """This incident is a drill: practice on a scenario or a replayed past incident, kept out of
    the real incidents' lists, searches and figures. `trainee` is the person practising; every
    other actor in the log is simulated (or, in a replay, the answer key's people)."""

    type: Literal["drill.started"] = "drill.started"
    scenario: str
    trainee: str
    speed: Annotated[float, Field(gt=0, le=1000)] = 1.0
    #: The past incident replayed, when the drill is a replay.
    replay_of: str | None = None


class DrillClockStarted(_Payload):
    """The trainee closed the briefing and the drill clock started. Drill time stood still
    for `held_seconds` of wall time before it, which another terminal (`ic watch`) needs to
    follow the drill on the same clock."""

    type: Literal["drill.clock_started"] = "drill.clock_started"
    held_seconds: Annotated[float, Field(ge=0)]


# -- command at scale: sub-teams, exit criteria, the handover's acknowledgement (issue 15) --------


class TeamFormed(_Payload):
    """A sub-team under one lead, who reports for it to the Incident Commander."""

    type: Literal["team.formed"] = "team.formed"
    name: str
    lead: str
    #: Everyone in the team, the lead first.
    members: tuple[str, ...]
    goal: str = ""


class TeamMemberAdded(_Payload):
    type: Literal["team.member_added"] = "team.member_added"
    team: str
    name: str


class TeamMemberRemoved(_Payload):
    """A member left the team (moved to another one, or released from the call)."""

    type: Literal["team.member_removed"] = "team.member_removed"
    team: str
    name: str


class TeamDisbanded(_Payload):
    type: Literal["team.disbanded"] = "team.disbanded"
    name: str


class ExitCriterionAdded(_Payload):
    """What must be true to call the incident resolved, one criterion at a time."""

    type: Literal["exit.added"] = "exit.added"
    number: int
    text: str


class ExitCriterionMet(_Payload):
    type: Literal["exit.met"] = "exit.met"
    number: int


class ExitCriterionUnmet(_Payload):
    type: Literal["exit.unmet"] = "exit.unmet"
    number: int


class ExitCriteriaOverridden(_Payload):
    """Resolved with these exit criteria still unmet, on purpose (written just before the
    resolution, so the resolution's own line stays as it always was)."""

    type: Literal["exit.overridden"] = "exit.overridden"
    numbers: tuple[int, ...]


class TeamLeadChanged(_Payload):
    """Someone else now leads the team and reports for it (the previous lead stays a member)."""

    type: Literal["team.lead_changed"] = "team.lead_changed"
    team: str
    lead: str
    previous: str


class ExitCriterionDropped(_Payload):
    """An exit criterion that no longer says what must be true (kept in the record, struck)."""

    type: Literal["exit.dropped"] = "exit.dropped"
    number: int
    text: str


class HandoverAcknowledged(_Payload):
    """The new Incident Commander answered "okay?" with a clear yes."""

    type: Literal["command.acknowledged"] = "command.acknowledged"
    name: str


Payload = Annotated[
    IncidentDeclared
    | SeverityChanged
    | PhaseChanged
    | IncidentResolved
    | IncidentClosed
    | IncidentReopened
    | ParticipantJoined
    | ParticipantReleased
    | RoleAssigned
    | RoleVacated
    | CommandHandedOver
    | TaskAssigned
    | TaskAcknowledged
    | TaskExtended
    | TaskReassigned
    | TaskDone
    | TaskCancelled
    | TaskReopened
    | TaskUnacknowledged
    | TaskExtensionUndone
    | DecisionProposed
    | ObjectionRaised
    | DecisionAccepted
    | DecisionWithdrawn
    | DecisionReopened
    | LogEntryAdded
    | UpdatePosted
    | ChecklistItemTicked
    | ChecklistItemUnticked
    | AlertReceived
    | FollowupTracked
    | DrillStarted
    | DrillClockStarted
    | TeamFormed
    | TeamMemberAdded
    | TeamMemberRemoved
    | TeamDisbanded
    | ExitCriterionAdded
    | ExitCriterionMet
    | ExitCriterionUnmet
    | ExitCriteriaOverridden
    | HandoverAcknowledged
    | TeamLeadChanged
    | ExitCriterionDropped,
    Field(discriminator="type"),
]

EVENT_TYPES: tuple[str, ...] = tuple(
    cls.model_fields["type"].default
    for cls in _Payload.__subclasses__()  # every payload class above
)


class Event(BaseModel):
    """One line of `events.jsonl`: who did what, when, as which role."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: Events from a newer schema are refused, never half-read.
    v: Annotated[int, Field(ge=1, le=SCHEMA_VERSION)] = LEGACY_SCHEMA_VERSION
    seq: Annotated[int, Field(ge=1)]
    id: str
    at: AwareDatetime
    actor: str
    role: Role | None = None
    data: Payload
    #: The replica (data root) that wrote the line: 12 lowercase hex digits (`store.origin`).
    #: None on lines written before replication.
    origin: Annotated[str, Field(pattern=r"^[0-9a-f]{12}$")] | None = None
    #: Hybrid logical clock (wall milliseconds, counter) when the line was written; the merge
    #: order of the incident's files (`domain.hlc`). None on lines written before replication.
    hlc: tuple[Annotated[int, Field(ge=0)], Annotated[int, Field(ge=0)]] | None = None
    #: The id of the event that created the task or decision this event refers to, so a merge
    #: that renumbers tasks still finds the right one. None: refer by the payload's number.
    ref: str | None = None

    @property
    def type(self) -> str:
        return self.data.type


EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)
#: Reading a long log: ids are unique, so caching parsed strings would only cost time.
EVENT_LIST_ADAPTER: TypeAdapter[list[Event]] = TypeAdapter(
    list[Event], config=ConfigDict(cache_strings=False)
)


def event_time(event: Event) -> datetime:
    """When the fact happened: a log entry's `occurred_at`, else the recorded time."""
    data = event.data
    if isinstance(data, LogEntryAdded) and data.occurred_at is not None:
        return data.occurred_at
    return event.at


def envelope(
    payloads: Sequence[_Payload],
    *,
    after_seq: int,
    at: datetime,
    actor: str,
    role: Role | None,
    new_id: Callable[[], str],
    origin: str | None = None,
    hlcs: Sequence[tuple[int, int]] | None = None,
    refs: Sequence[str | None] | None = None,
) -> list[Event]:
    """The events recording what one command decided: contiguous sequence numbers after
    `after_seq`, one time, actor and role. The one place an event is put together: the store,
    the synthetic incidents and the tests all call it. Ids come from `new_id` because the
    domain draws no randomness of its own (the store passes uuid4).

    With `origin` (a replicated store), each event also carries its clock from `hlcs` and the
    creating event's id of what it refers to from `refs` (one of each per payload), and is
    written as schema version 2."""
    if origin is None:
        return [
            Event(seq=after_seq + i, id=new_id(), at=at, actor=actor, role=role, data=payload)
            for i, payload in enumerate(payloads, start=1)
        ]
    clocks = list(hlcs or [])
    links = list(refs or [None] * len(payloads))
    if len(clocks) != len(payloads) or len(links) != len(payloads):
        raise ValueError("envelope: one clock and one ref per payload")
    return [
        Event(
            v=SCHEMA_VERSION,
            seq=after_seq + i,
            id=new_id(),
            at=at,
            actor=actor,
            role=role,
            data=payload,
            origin=origin,
            hlc=clocks[i - 1],
            ref=links[i - 1],
        )
        for i, payload in enumerate(payloads, start=1)
    ]
