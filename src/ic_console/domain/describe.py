"""One vocabulary for events: every face (log pane, timeline, CLI, search, metrics) asks here.

For every payload type this module says, in one place:
- its *category* (what it is about: task, decision, role...), which the review filters on;
- a *short* form for the scribe log pane ("D1 proposed: roll back");
- a *long* form for the timeline ("Decision 1 proposed: roll back");
- a *confirmation*, the sentence the CLI prints once it is recorded ("Task 1 done.");
- which of its fields hold words people wrote, so search knows where to look.

Some words need the past: "Task 3 (Sam: check the replica) done" needs task 3's owner and text,
"accepted over 1 objection" needs the objections. A `Narrator` keeps that little history as it
describes events in log order. A payload type without an entry here fails a test.

Why it is one long module: one entry per event type, side by side, is the point of it; a new
event type is described here, next to the others, or a test fails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar, get_args

from ic_console.domain import events as ev
from ic_console.domain.durations import format_seconds
from ic_console.domain.model import Role, severity_label

if TYPE_CHECKING:
    from ic_console.domain.state import IncidentState

#: The categories of the log pane's kind column other than the scribe's own kinds.
_PANE_KINDS = frozenset({"decision", "task", "role", "severity", "phase", "update"})
#: Scribe entries are shown as typed; everything else is a "system" line in plain words.
SCRIBE_KINDS = frozenset({"note", "action", "status", "followup"})


@dataclass(frozen=True, slots=True)
class Words:
    """One event in words."""

    #: What it is about: incident, severity, phase, people, role, task, decision, note, action,
    #: status, followup, update or checklist.
    category: str
    #: The log pane's line.
    short: str
    #: The timeline's line.
    long: str
    #: Everyone it names (who recorded it is the caller's to add).
    people: tuple[str, ...] = ()
    #: The sentence said back once it is recorded; the long form unless it differs. For events
    #: with a deadline it is the sentence's start: the face adds when it is due, in its zone.
    confirmation: str = ""

    @property
    def log_kind(self) -> str:
        """The log pane's kind column: the scribe kinds and a few others, the rest "system"."""
        if self.category in SCRIBE_KINDS or self.category in _PANE_KINDS:
            return self.category
        return "system"

    @property
    def said(self) -> str:
        return self.confirmation or f"{self.long}."


@dataclass
class Narrator:
    """Describes events in log order, remembering the little of the past their words need."""

    #: Each task's owner and text so far.
    tasks: dict[int, tuple[str, str]] = field(default_factory=dict)
    #: Who objected to each decision so far.
    objections: dict[int, list[str]] = field(default_factory=dict)
    #: Each task's deadline so far, to say how far an extension moved it.
    deadlines: dict[int, datetime] = field(default_factory=dict)
    #: Who is the Incident Commander so far: who decides over an objection.
    ic: str | None = None

    @classmethod
    def from_state(cls, state: IncidentState) -> Narrator:
        """A narrator that knows the incident as `state` has folded it."""
        return cls(
            tasks={n: (t.owner, t.text) for n, t in state.tasks.items()},
            objections={n: [o.by for o in d.objections] for n, d in state.decisions.items()},
            deadlines={n: t.deadline for n, t in state.tasks.items()},
            ic=state.ic,
        )

    def describe(self, data: ev.Payload) -> Words:
        """The words for `data`, then remember what later words need from it (looked up by
        the payload's type: most events teach the narrator nothing, and a long log describes
        them by the thousand)."""
        kind = type(data)
        words = VOCABULARY[kind].words(data, self)
        learn = _LEARN.get(kind)
        if learn is not None:
            learn(self, data)
        return words

    def task_label(self, number: int) -> str:
        task = self.tasks.get(number)
        return f"task {number} ({task[0]}: {task[1]})" if task else f"task {number}"

    def owner(self, number: int) -> tuple[str, ...]:
        task = self.tasks.get(number)
        return (task[0],) if task and task[0] else ()


def _learn_assigned(n: Narrator, d: ev.TaskAssigned) -> None:
    n.tasks[d.number] = (d.owner, d.text)
    n.deadlines[d.number] = d.deadline


def _learn_reassigned(n: Narrator, d: ev.TaskReassigned) -> None:
    n.tasks[d.number] = (d.owner, n.tasks.get(d.number, ("", ""))[1])
    n.deadlines[d.number] = d.deadline


def _learn_extended(n: Narrator, d: ev.TaskExtended) -> None:
    n.deadlines[d.number] = d.deadline


def _learn_objection(n: Narrator, d: ev.ObjectionRaised) -> None:
    n.objections.setdefault(d.number, []).append(d.by)


def _learn_handover(n: Narrator, d: ev.CommandHandedOver) -> None:
    n.ic = d.name


def _learn_role(n: Narrator, d: ev.RoleAssigned) -> None:
    if d.role is Role.IC:
        n.ic = d.name


def _learn_vacated(n: Narrator, d: ev.RoleVacated) -> None:
    if d.role is Role.IC:
        n.ic = None


#: What a narrator remembers of each payload type that later words need (`Narrator.describe`).
_LEARN: dict[type, Callable[[Narrator, Any], None]] = {
    ev.TaskAssigned: _learn_assigned,
    ev.TaskReassigned: _learn_reassigned,
    ev.TaskExtended: _learn_extended,
    ev.ObjectionRaised: _learn_objection,
    ev.CommandHandedOver: _learn_handover,
    ev.RoleAssigned: _learn_role,
    ev.RoleVacated: _learn_vacated,
}


def describe(data: ev.Payload, narrator: Narrator | None = None) -> Words:
    """The words for one payload; without a narrator, as if nothing came before it."""
    return (narrator or Narrator()).describe(data)


@dataclass(frozen=True, slots=True)
class Entry:
    """What the vocabulary knows of one payload type."""

    words: Callable[[Any, Narrator], Words]
    #: What every event of this type is about; None for log entries (their kind says).
    category: str | None
    #: (field, where) pairs: payload fields holding words people wrote, and what to call them.
    searchable: tuple[tuple[str, str], ...] = ()


VOCABULARY: dict[type[ev._Payload], Entry] = {}

_P = TypeVar("_P", bound=ev._Payload)


def _entry(
    payload: type[_P], category: str | None, *, search: tuple[tuple[str, str], ...] = ()
) -> Callable[[Callable[[_P, Narrator], Words]], Callable[[_P, Narrator], Words]]:
    def register(words: Callable[[_P, Narrator], Words]) -> Callable[[_P, Narrator], Words]:
        VOCABULARY[payload] = Entry(words, category, search)
        return words

    return register


def payload_types() -> tuple[type[ev._Payload], ...]:
    """Every payload type of the event union."""
    union = get_args(ev.Payload)[0]
    return tuple(get_args(union))


def types_in(*categories: str) -> frozenset[type[ev._Payload]]:
    """The payload types whose events are about one of `categories`; log entries excluded."""
    return frozenset(
        payload
        for payload, entry in VOCABULARY.items()
        if entry.category is not None and entry.category in categories
    )


#: Payload fields that hold words people wrote, by event type ("log.added", ...).
def searchable_fields() -> dict[str, tuple[tuple[str, str], ...]]:
    return {
        payload.model_fields["type"].default: entry.searchable
        for payload, entry in VOCABULARY.items()
        if entry.searchable
    }


@lru_cache(maxsize=256)
def _box(seconds: int) -> str:
    """A timebox in words; the same few timeboxes come up again and again."""
    return format_seconds(seconds)


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


# -- the incident --------------------------------------------------------------------------------


@_entry(ev.IncidentDeclared, "incident", search=(("title", "title"),))
def _declared(d: ev.IncidentDeclared, _n: Narrator) -> Words:
    sev = severity_label(d.severity)
    return Words(
        "incident",
        f"Declared {d.incident_id} at {sev}: {d.title}",
        f"Incident declared as {sev}: {d.title}",
        confirmation=f"Declared {sev} incident {d.incident_id}: {d.title}.",
    )


@_entry(ev.SeverityChanged, "severity")
def _severity(d: ev.SeverityChanged, _n: Narrator) -> Words:
    before, after = severity_label(d.previous), severity_label(d.severity)
    way = "raised" if d.severity < d.previous else "lowered"
    return Words(
        "severity",
        f"{before} → {after}",
        f"Severity {way} from {before} to {after}",
        confirmation=f"Severity changed from {before} to {after}.",
    )


@_entry(ev.PhaseChanged, "phase")
def _phase(d: ev.PhaseChanged, _n: Narrator) -> Words:
    return Words(
        "phase",
        f"{d.previous.label} → {d.phase.label}",
        f"Phase changed from {d.previous.label} to {d.phase.label}",
    )


@_entry(ev.IncidentResolved, "incident")
def _resolved(_d: ev.IncidentResolved, _n: Narrator) -> Words:
    return Words("incident", "Incident resolved", "Incident resolved")


@_entry(ev.IncidentClosed, "incident")
def _closed(_d: ev.IncidentClosed, _n: Narrator) -> Words:
    return Words("incident", "Incident closed", "Incident closed")


@_entry(ev.IncidentReopened, "incident")
def _incident_reopened(d: ev.IncidentReopened, _n: Narrator) -> Words:
    return Words(
        "incident",
        "Incident reopened",
        f"Incident reopened, back to {d.phase.label}",
        confirmation=f"Incident reopened: it is active again, in the {d.phase.label} phase.",
    )


# -- people and roles ------------------------------------------------------------------------------


@_entry(ev.ParticipantJoined, "people")
def _joined(d: ev.ParticipantJoined, _n: Narrator) -> Words:
    text = f"{d.name} joined the call"
    return Words("people", text, text, (d.name,))


@_entry(ev.ParticipantReleased, "people")
def _released(d: ev.ParticipantReleased, _n: Narrator) -> Words:
    text = f"{d.name} was released from the call"
    return Words("people", text, text, (d.name,))


@_entry(ev.RoleAssigned, "role")
def _role(d: ev.RoleAssigned, _n: Narrator) -> Words:
    article = "a" if d.role is Role.SME else "the"
    return Words(
        "role",
        f"{d.name} is {d.role.label}",
        f"{d.name} became {d.role.label}",
        (d.name,),
        confirmation=f"{d.name} is now {article} {d.role.label}.",
    )


@_entry(ev.RoleVacated, "role")
def _vacated(d: ev.RoleVacated, _n: Narrator) -> Words:
    return Words(
        "role",
        f"{d.name} is no longer {d.role.label}",
        f"{d.name} stood down as {d.role.label}",
        (d.name,),
    )


@_entry(ev.CommandHandedOver, "role")
def _handover(d: ev.CommandHandedOver, _n: Narrator) -> Words:
    return Words(
        "role",
        f"{d.previous} handed command to {d.name}",
        f"{d.previous} handed over command to {d.name}",
        (d.previous, d.name),
        confirmation=f"{d.name} is now the Incident Commander, taking over from {d.previous}.",
    )


# -- tasks ---------------------------------------------------------------------------------------


@_entry(ev.TaskAssigned, "task", search=(("text", "task"),))
def _task(d: ev.TaskAssigned, _n: Narrator) -> Words:
    box = _box(d.timebox_seconds)
    return Words(
        "task",
        f"#{d.number} {d.owner}, {box}: {d.text}",
        f"Task {d.number} assigned to {d.owner} ({box}): {d.text}",
        (d.owner,),
        confirmation=f"Task {d.number} assigned to {d.owner}",
    )


@_entry(ev.TaskAcknowledged, "task")
def _ack(d: ev.TaskAcknowledged, n: Narrator) -> Words:
    owner = n.owner(d.number)
    who = owner[0] if owner else ""
    return Words(
        "task",
        f"#{d.number} acknowledged",
        f"{who or 'The owner'} acknowledged task {d.number}",
        owner,
        confirmation=f"Task {d.number} acknowledged by {who or 'its owner'}.",
    )


@_entry(ev.TaskExtended, "task")
def _extended(d: ev.TaskExtended, n: Narrator) -> Words:
    # The new deadline is now + the timebox, not the old deadline + it: say where it is now
    # and how far it moved, never "given 10m more" when it moved 5.
    new = f"{d.deadline.astimezone(UTC):%H:%M} UTC"
    previous = n.deadlines.get(d.number)
    if previous is None:
        moved = f"timebox {_box(d.timebox_seconds)}"
    elif previous == d.deadline:
        moved = "unchanged"
    else:
        shift = int((d.deadline - previous).total_seconds())
        moved = f"{format_seconds(shift)} {'later' if shift > 0 else 'earlier'}"
    return Words(
        "task",
        f"#{d.number} now due {new} ({moved})",
        _upper_first(f"{n.task_label(d.number)} now due {new} ({moved})"),
        n.owner(d.number),
        confirmation=f"Task {d.number} extended",
    )


@_entry(ev.TaskReassigned, "task")
def _reassigned(d: ev.TaskReassigned, _n: Narrator) -> Words:
    box = _box(d.timebox_seconds)
    return Words(
        "task",
        f"#{d.number} reassigned from {d.previous} to {d.owner}",
        f"Task {d.number} reassigned from {d.previous} to {d.owner} ({box})",
        (d.previous, d.owner),
        confirmation=f"Task {d.number} reassigned from {d.previous} to {d.owner}",
    )


@_entry(ev.TaskDone, "task")
def _done(d: ev.TaskDone, n: Narrator) -> Words:
    return Words(
        "task",
        f"#{d.number} done",
        _upper_first(f"{n.task_label(d.number)} done"),
        n.owner(d.number),
        confirmation=f"Task {d.number} done.",
    )


@_entry(ev.TaskCancelled, "task")
def _cancelled(d: ev.TaskCancelled, n: Narrator) -> Words:
    return Words(
        "task",
        f"#{d.number} cancelled",
        _upper_first(f"{n.task_label(d.number)} cancelled"),
        n.owner(d.number),
        confirmation=f"Task {d.number} cancelled.",
    )


@_entry(ev.TaskReopened, "task")
def _reopened(d: ev.TaskReopened, n: Narrator) -> Words:
    return Words(
        "task",
        f"#{d.number} reopened",
        _upper_first(f"{n.task_label(d.number)} reopened"),
        n.owner(d.number),
        confirmation=f"Task {d.number} is open again.",
    )


@_entry(ev.TaskUnacknowledged, "task")
def _unacknowledged(d: ev.TaskUnacknowledged, n: Narrator) -> Words:
    return Words(
        "task",
        f"#{d.number} acknowledgement taken back",
        _upper_first(f"acknowledgement of {n.task_label(d.number)} taken back"),
        n.owner(d.number),
        confirmation=f"Task {d.number} is no longer acknowledged.",
    )


@_entry(ev.TaskExtensionUndone, "task")
def _extension_undone(d: ev.TaskExtensionUndone, n: Narrator) -> Words:
    box = _box(d.timebox_seconds)
    return Words(
        "task",
        f"#{d.number} extension taken back ({box})",
        _upper_first(f"extension of {n.task_label(d.number)} taken back ({box})"),
        n.owner(d.number),
        confirmation=f"Task {d.number} extension taken back",
    )


# -- decisions -----------------------------------------------------------------------------------


@_entry(ev.DecisionProposed, "decision", search=(("text", "decision"),))
def _proposed(d: ev.DecisionProposed, _n: Narrator) -> Words:
    return Words(
        "decision",
        f"D{d.number} proposed: {d.text}",
        f"Decision {d.number} proposed: {d.text}",
        confirmation=f"Decision {d.number} proposed.",
    )


@_entry(ev.ObjectionRaised, "decision", search=(("text", "objection"),))
def _objection(d: ev.ObjectionRaised, _n: Narrator) -> Words:
    return Words(
        "decision",
        f"D{d.number} objection from {d.by}: {d.text}",
        f"{d.by} objected to decision {d.number}: {d.text}",
        (d.by,),
        confirmation=f"Objection to decision {d.number} recorded from {d.by}.",
    )


@_entry(ev.DecisionAccepted, "decision")
def _accepted(d: ev.DecisionAccepted, n: Narrator) -> Words:
    objectors = n.objections.get(d.number, [])
    if objectors:
        over = f"accepted over {plural(len(objectors), 'objection')}"
        short = f"D{d.number} {over} ({', '.join(dict.fromkeys(objectors))})"
        return Words(
            "decision",
            short,
            f"Decision {d.number} accepted",
            confirmation=decided_over_objections(d.number, objectors, n.ic),
        )
    else:
        over = "accepted"
        short = f"D{d.number} accepted: hearing no strong objections"
    return Words(
        "decision",
        short,
        f"Decision {d.number} accepted",
        confirmation=f"Decision {d.number} {over}.",
    )


@_entry(ev.DecisionWithdrawn, "decision")
def _withdrawn(d: ev.DecisionWithdrawn, _n: Narrator) -> Words:
    text = f"Decision {d.number} withdrawn"
    return Words("decision", f"D{d.number} withdrawn", text)


@_entry(ev.DecisionReopened, "decision")
def _decision_reopened(d: ev.DecisionReopened, _n: Narrator) -> Words:
    text = f"Decision {d.number} reopened"
    return Words("decision", f"D{d.number} reopened", text)


# -- the log, updates, checklists ----------------------------------------------------------------


@_entry(ev.LogEntryAdded, None, search=(("text", "log"),))
def _log(d: ev.LogEntryAdded, _n: Narrator) -> Words:
    return Words(d.kind.value, d.text, d.text, confirmation=f"Logged {d.kind.value}.")


@_entry(ev.UpdatePosted, "update", search=(("text", "update"),))
def _update(d: ev.UpdatePosted, _n: Narrator) -> Words:
    text = f"{d.audience.value.capitalize()} update: {d.text}"
    return Words(
        "update",
        text,
        text,
        confirmation=f"{d.audience.value.capitalize()} update recorded.",
    )


@_entry(ev.ChecklistItemTicked, "checklist")
def _ticked(d: ev.ChecklistItemTicked, _n: Narrator) -> Words:
    return Words(
        "checklist", f"Checklist {d.checklist}: ticked {d.item}", f"Ticked {d.checklist}: {d.item}"
    )


@_entry(ev.ChecklistItemUnticked, "checklist")
def _unticked(d: ev.ChecklistItemUnticked, _n: Narrator) -> Words:
    return Words(
        "checklist",
        f"Checklist {d.checklist}: unticked {d.item}",
        f"Unticked {d.checklist}: {d.item}",
    )


@_entry(ev.AlertReceived, "incident", search=(("summary", "alert"),))
def _alert(d: ev.AlertReceived, _n: Narrator) -> Words:
    text = f"Alert from {d.source} ({d.status}): {d.summary}"
    return Words("incident", text, text, confirmation=f"Alert from {d.source} logged.")


@_entry(ev.FollowupTracked, "followup", search=(("url", "tracker link"),))
def _followup_tracked(d: ev.FollowupTracked, _n: Narrator) -> Words:
    return Words(
        "followup",
        f"Follow-up {d.item} tracked at {d.url}",
        f"Follow-up item {d.item} tracked at {d.url}",
        confirmation=f"Follow-up {d.item} marked as tracked at {d.url}.",
    )


@_entry(ev.DrillStarted, "incident")
def _drill_started(d: ev.DrillStarted, _n: Narrator) -> Words:
    speed = f"{d.speed:g}x"
    return Words(
        "incident",
        f"DRILL: {d.scenario} for {d.trainee} at {speed}",
        f"Drill started: {d.scenario}, {d.trainee} practising at {speed} speed",
        (d.trainee,),
        confirmation=f"Drill started: {d.scenario}.",
    )


@_entry(ev.DrillClockStarted, "incident")
def _drill_clock(d: ev.DrillClockStarted, _n: Narrator) -> Words:
    text = "Drill clock started after the briefing"
    return Words("incident", text, text)


# -- asked by type ---------------------------------------------------------------------------------


def describe_all(events: Iterable[ev.Event]) -> list[Words]:
    """Every event in words, in log order."""
    narrator = Narrator()
    return [narrator.describe(event.data) for event in events]


def decided_over_objections(number: int, objectors: Iterable[str], ic: str | None) -> str:
    """What accepting a decision someone objected to confirms, on every face: who objected, and
    that the Incident Commander decided over it (never "hearing no strong objections")."""
    names = list(dict.fromkeys(objectors))
    who = ", ".join(names)
    commander = f"the Incident Commander ({ic})" if ic else "the Incident Commander"
    return (
        f"Decision {number} accepted over the objection{'s' * (len(names) > 1)} of {who}: "
        f"{commander} decided to go ahead."
    )


def accept_hint(objectors: Iterable[str]) -> str:
    """What accepting a decision will mean, said before it is done (the palette's hint)."""
    names = list(dict.fromkeys(objectors))
    if not names:
        return "Hearing no strong objections"
    return (
        f"Over the objection{'s' * (len(names) > 1)} of {', '.join(names)}: "
        "the Incident Commander decides to go ahead"
    )


def go_ahead_sentence(objectors: Iterable[str]) -> str:
    """What the IC says on accepting a decision: "hearing none" only when there were none."""
    names = list(dict.fromkeys(objectors))
    if not names:
        return "Hearing none, let's proceed."
    who = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    heard = "the objection" if len(names) == 1 else "the objections"
    return f"I have heard {heard} from {who}. We go ahead."


# -- command at scale: teams, exit criteria, the handover's acknowledgement (issue 15) -----------


@_entry(ev.TeamFormed, "team", search=(("goal", "team goal"), ("name", "team")))
def _team_formed(d: ev.TeamFormed, _n: Narrator) -> Words:
    others = [m for m in d.members if m != d.lead]
    with_ = f" with {', '.join(others)}" if others else ""
    goal = f": {d.goal}" if d.goal else ""
    return Words(
        "team",
        f"Team {d.name} formed, led by {d.lead}{goal}",
        f"Team {d.name} formed, led by {d.lead}{with_}{goal}",
        tuple(d.members),
        confirmation=f"Team {d.name} formed, led by {d.lead}{with_}.",
    )


@_entry(ev.TeamMemberAdded, "team")
def _team_member_added(d: ev.TeamMemberAdded, _n: Narrator) -> Words:
    text = f"{d.name} joined team {d.team}"
    return Words("team", text, text, (d.name,), confirmation=f"{d.name} is now in team {d.team}.")


@_entry(ev.TeamMemberRemoved, "team")
def _team_member_removed(d: ev.TeamMemberRemoved, _n: Narrator) -> Words:
    text = f"{d.name} left team {d.team}"
    return Words("team", text, text, (d.name,))


@_entry(ev.TeamDisbanded, "team")
def _team_disbanded(d: ev.TeamDisbanded, _n: Narrator) -> Words:
    return Words(
        "team",
        f"Team {d.name} disbanded",
        f"Team {d.name} disbanded",
        confirmation=f"Team {d.name} disbanded: its people report to the Incident Commander.",
    )


@_entry(ev.ExitCriterionAdded, "exit", search=(("text", "exit criterion"),))
def _exit_added(d: ev.ExitCriterionAdded, _n: Narrator) -> Words:
    return Words(
        "exit",
        f"Exit {d.number}: {d.text}",
        f"Exit criterion {d.number} set: {d.text}",
        confirmation=f"Exit criterion {d.number} recorded: {d.text}.",
    )


@_entry(ev.ExitCriterionMet, "exit")
def _exit_met(d: ev.ExitCriterionMet, _n: Narrator) -> Words:
    return Words("exit", f"Exit {d.number} met", f"Exit criterion {d.number} met")


@_entry(ev.ExitCriterionUnmet, "exit")
def _exit_unmet(d: ev.ExitCriterionUnmet, _n: Narrator) -> Words:
    return Words(
        "exit",
        f"Exit {d.number} no longer met",
        f"Exit criterion {d.number} no longer met",
        confirmation=f"Exit criterion {d.number} is not met after all.",
    )


@_entry(ev.ExitCriteriaOverridden, "exit")
def _exit_overridden(d: ev.ExitCriteriaOverridden, _n: Narrator) -> Words:
    numbers = ", ".join(str(n) for n in d.numbers)
    which = f"criterion {numbers}" if len(d.numbers) == 1 else f"criteria {numbers}"
    return Words(
        "exit",
        f"Resolving with exit {numbers} unmet",
        f"Resolved with exit {which} unmet (overridden)",
    )


@_entry(ev.HandoverAcknowledged, "role")
def _handover_acknowledged(d: ev.HandoverAcknowledged, _n: Narrator) -> Words:
    return Words(
        "role",
        f"{d.name} acknowledged taking command",
        f"{d.name} acknowledged taking command",
        (d.name,),
        confirmation=f"{d.name} acknowledged: they are the Incident Commander.",
    )


# -- a team's new lead, a dropped exit criterion (issue 15, polish) ------------------------------


@_entry(ev.TeamLeadChanged, "team")
def _team_lead_changed(d: ev.TeamLeadChanged, _n: Narrator) -> Words:
    return Words(
        "team",
        f"{d.lead} now leads team {d.team}",
        f"{d.lead} now leads team {d.team} (after {d.previous})",
        (d.lead, d.previous),
        confirmation=f"{d.lead} now leads team {d.team}; {d.previous} stays in the team.",
    )


@_entry(ev.ExitCriterionDropped, "exit")
def _exit_dropped(d: ev.ExitCriterionDropped, _n: Narrator) -> Words:
    return Words(
        "exit",
        f"Exit {d.number} dropped: {d.text}",
        f"Exit criterion {d.number} dropped: {d.text}",
        confirmation=f"Exit criterion {d.number} dropped: {d.text}.",
    )


def new_lead_sentence(team: str, lead: str, goal: str = "") -> str:
    """What the IC says to a team's new lead."""
    aim = f" Your goal: {goal}." if goal else ""
    return f"{lead}, you now lead team {team}.{aim} Report back to me for the team. Understood?"
