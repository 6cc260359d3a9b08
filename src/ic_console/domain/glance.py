"""The state of the incident at a glance: what a newcomer to the call, an executive or the
incoming Incident Commander needs, in the order the method gives it.

1. what is happening and the impact; 2. the severity and phase; 3. who is in command and in
each role (teams with their leads); 4. the open tasks with owners and times; 5. the decisions
taken; 6. the exit criteria; 7. when the next update is due.

One builder for every face: `ic show`, the console's `=` screen, the handover form and the
text the Internal Liaison copies. Times are shown through a function the face passes in (its
zone); the default writes UTC, which is unambiguous in a message pasted elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from ic_console.domain import exit_criteria, handover_ack
from ic_console.domain.durations import format_duration
from ic_console.domain.logbook import LogBook
from ic_console.domain.model import (
    ROLE_LABELS,
    DecisionStatus,
    LogKind,
    Role,
    Status,
    severity_label,
)
from ic_console.domain.state import IncidentState, Task
from ic_console.domain.teams import SPAN_OF_CONTROL, active_teams, direct_reports, team_of

#: When: a moment as the face shows it ("14:05 UTC").
TimeText = Callable[[datetime], str]

#: The section headings, in the method's order.
SECTIONS = (
    "What is happening",
    "Severity and phase",
    "Command and roles",
    "Open tasks",
    "Decisions taken",
    "Exit criteria",
    "Next update",
)


#: Sections that are one line by nature, written on their title's line.
_INLINE = frozenset({"Severity and phase", "Next update"})


@dataclass(frozen=True)
class Section:
    title: str
    lines: tuple[str, ...]


def utc_time(now: datetime) -> TimeText:
    """Times in UTC, with the date when it is not `now`'s day."""

    def text(when: datetime) -> str:
        from datetime import UTC

        moment, today = when.astimezone(UTC), now.astimezone(UTC)
        if moment.date() == today.date():
            return f"{moment:%H:%M} UTC"
        return f"{moment:%Y-%m-%d %H:%M} UTC"

    return text


def _due(deadline: datetime, now: datetime, at: TimeText) -> str:
    if now >= deadline:
        return f"overdue by {format_duration(now - deadline)} (was due {at(deadline)})"
    return f"due in {format_duration(deadline - now)} ({at(deadline)})"


def owner_label(state: IncidentState, task: Task) -> str:
    """ "Bravo (Sam)" for a team lead's task: the team's task; else the owner's name."""
    team = team_of(state, task.owner)
    if team is not None and team.lead == task.owner:
        return f"{team.name} ({task.owner})"
    return task.owner


def build(
    state: IncidentState,
    now: datetime,
    *,
    at: TimeText | None = None,
    cadence: Mapping[int, timedelta | None] | None = None,
    most: int | None = None,
    see_all: str = "",
) -> list[Section]:
    """The seven sections, each with its lines (never empty: "none" says so).

    `most`: name at most this many of the people on the call and of the decisions taken (the
    latest), and count the rest, so that a long incident's glance still reads in a minute;
    `see_all` ends the line that counts them (how this face shows every one). None: all of
    them. Open tasks and open decisions are always listed whole: they are the work in hand,
    and their numbers are what the Incident Commander says aloud.
    """
    at = at or utc_time(now)
    return [
        Section(SECTIONS[0], tuple(_happening(state, at))),
        Section(SECTIONS[1], tuple(_severity(state, now, at))),
        Section(SECTIONS[2], tuple(_command(state, now, at, most, see_all))),
        Section(SECTIONS[3], tuple(_tasks(state, now, at))),
        Section(SECTIONS[4], tuple(_decisions(state, at, most, see_all))),
        Section(SECTIONS[5], tuple(_exit(state, at))),
        Section(SECTIONS[6], tuple(_next_update(state, now, at, cadence))),
    ]


def lines(sections: list[Section]) -> list[str]:
    """The sections as plain text: "Title: line" for a one-line section, else the title and
    its lines indented below it."""
    out: list[str] = []
    for section in sections:
        if len(section.lines) == 1 and (section.title in _INLINE or section.lines[0] == "none"):
            out.append(f"{section.title}: {section.lines[0]}")
            continue
        out.append(f"{section.title}:")
        out.extend(f"  {line}" for line in section.lines)
    return out


def header(state: IncidentState) -> str:
    return f"{state.title}  [{state.incident_id}]"


def plain_text(
    state: IncidentState,
    now: datetime,
    *,
    at: TimeText | None = None,
    cadence: Mapping[int, timedelta | None] | None = None,
) -> str:
    """What the Internal Liaison pastes into a stakeholder update: a heading and the sections."""
    at = at or utc_time(now)
    head = f"{header(state)} as of {at(now)}"
    return "\n".join([head, *lines(build(state, now, at=at, cadence=cadence))])


# -- the sections ------------------------------------------------------------------------------


def _happening(state: IncidentState, at: TimeText) -> list[str]:
    out = [state.title]
    log = state.log
    status = (
        log.last_of_kind(LogKind.STATUS)
        if isinstance(log, LogBook)
        else next((e for e in reversed(log) if e.kind is LogKind.STATUS), None)
    )
    if status is not None:
        out.append(f"Latest status ({at(status.when)}, {status.author}): {status.text}")
    update = state.last_update()
    if update is not None:
        out.append(
            f"Last {update.audience.value} update ({at(update.at)}, {update.by}): {update.text}"
        )
    if status is None and update is None:
        out.append("No status or update recorded yet: ask for one.")
    return out


def _severity(state: IncidentState, now: datetime, at: TimeText) -> list[str]:
    declared = (
        f"declared {at(state.declared_at)} by {state.declared_by}"
        if state.declared_at
        else "not declared"
    )
    line = (
        f"{severity_label(state.severity)} · {state.phase.label} · {state.status.value} · "
        f"{format_duration(state.elapsed(now))} elapsed ({declared})"
    )
    out = [line]
    if state.status is not Status.ACTIVE and state.exit_overridden:
        numbers = ", ".join(str(n) for n in state.exit_overridden)
        out.append(f"Resolved with exit criteria {numbers} unmet (overridden).")
    return out


def _command(
    state: IncidentState, now: datetime, at: TimeText, most: int | None = None, see_all: str = ""
) -> list[str]:
    out: list[str] = []
    ic = state.ic
    if ic is None:
        out.append(f"{'Incident Commander':<24}nobody yet")
    else:
        since = handover_ack.command_since(state)
        note = f" (since {at(since)})" if since else ""
        if handover_ack.awaiting_acknowledgement(state):
            note += " - handover not yet acknowledged"
        out.append(f"{'Incident Commander':<24}{ic}{note}")
    for role in (Role.DEPUTY, Role.SCRIBE, Role.INTERNAL_LIAISON, Role.CUSTOMER_LIAISON):
        out.append(f"{ROLE_LABELS[role]:<24}{state.holder(role) or '-'}")
    out.append(f"{'Subject Matter Experts':<24}{', '.join(state.smes) or '-'}")
    for team in active_teams(state):
        others = [m for m in team.members if m != team.lead]
        members = f"; with {', '.join(others)}" if others else ""
        goal = f"; goal: {team.goal}" if team.goal else ""
        out.append(f"{'Team ' + team.name:<24}lead {team.lead}{members}{goal}")
    on_call = state.on_call()
    named = on_call if most is None else on_call[:most]
    people = []
    for person in named:
        note = f"{person.name} ({format_duration(person.time_on_call(now))}"
        note += ", time to rotate)" if person.should_rotate(now) else ")"
        people.append(note)
    line = f"On the call: {', '.join(people) or 'nobody'}"
    if len(named) < len(on_call):
        rest = on_call[len(named) :]
        tired = sum(person.should_rotate(now) for person in rest)
        line += f"; and {len(rest)} more"
        line += f" ({tired} of them with time to rotate)" if tired else ""
        line += see_all
    out.append(line)
    reports = direct_reports(state)
    if active_teams(state) or len(reports) > SPAN_OF_CONTROL:
        out.append(f"Reporting to the Incident Commander directly: {len(reports)}")
    return out


def _tasks(state: IncidentState, now: datetime, at: TimeText) -> list[str]:
    tasks = state.open_tasks()
    if not tasks:
        return ["none"]
    out = []
    for task in tasks:
        acknowledged = "acknowledged" if task.acknowledged_at else "not acknowledged"
        out.append(
            f"{task.number}. {owner_label(state, task)}: {task.text} - "
            f"{_due(task.deadline, now, at)}, {acknowledged}"
        )
    return out


def _decisions(
    state: IncidentState, at: TimeText, most: int | None = None, see_all: str = ""
) -> list[str]:
    taken = [d for d in state.decisions.values() if d.status is DecisionStatus.ACCEPTED]
    out = []
    if most is not None and len(taken) > most:
        earlier = len(taken) - most
        out.append(
            f"{earlier} earlier decision{'' if earlier == 1 else 's'} taken, not listed{see_all}"
        )
        taken = taken[earlier:]
    out += [
        f"{d.number}. {d.text} (accepted {at(d.closed_at)})" if d.closed_at else d.text
        for d in taken
    ]
    for d in state.open_decisions():
        objections = len(d.objections)
        out.append(
            f"Open: {d.number}. {d.text} (proposed by {d.proposed_by} at {at(d.proposed_at)}; "
            f"{objections} objection{'' if objections == 1 else 's'})"
        )
    return out or ["none"]


def _exit(state: IncidentState, at: TimeText) -> list[str]:
    every = exit_criteria.criteria(state)
    if not every:
        return ["none yet. Ask: what must be true for us to call this resolved?"]
    out = [exit_criteria.progress_label(state)]
    for criterion in every:
        mark = "[x]" if criterion.met else "[ ]"
        when = f" (met {at(criterion.met_at)})" if criterion.met_at else ""
        out.append(f"{mark} {criterion.number}. {criterion.text}{when}")
    return out


def _next_update(
    state: IncidentState,
    now: datetime,
    at: TimeText,
    cadence: Mapping[int, timedelta | None] | None,
) -> list[str]:
    due = state.next_update_due(dict(cadence) if cadence is not None else None)
    if due is None:
        if state.status is not Status.ACTIVE:
            return [f"none (the incident is {state.status.value})"]
        return [f"none scheduled at {severity_label(state.severity)}"]
    return [_due(due, now, at)]


def brief(
    state: IncidentState,
    now: datetime,
    *,
    at: TimeText | None = None,
    cadence: Mapping[int, timedelta | None] | None = None,
) -> list[str]:
    """The glance in five lines, for a form that has little room (the handover's)."""
    at = at or utc_time(now)
    tasks = state.open_tasks()
    late = sum(task.is_overdue(now) for task in tasks)
    unacked = sum(task.acknowledged_at is None for task in tasks)
    taken = sum(d.status is DecisionStatus.ACCEPTED for d in state.decisions.values())
    details = [f"{late} late" if late else "", f"{unacked} not acknowledged" if unacked else ""]
    detail = ", ".join(x for x in details if x)
    teams = ", ".join(f"{t.name} (lead {t.lead})" for t in active_teams(state)) or "none"
    return [
        f"{state.title}: {severity_label(state.severity)} · {state.phase.label} · "
        f"{format_duration(state.elapsed(now))} elapsed",
        f"Open tasks: {len(tasks)}{f' ({detail})' if detail else ''}; decisions taken: {taken}",
        f"Teams: {teams}",
        f"Exit criteria: {exit_criteria.progress_label(state) or 'none yet'}",
        f"Next update: {_next_update(state, now, at, cadence)[0]}",
    ]
