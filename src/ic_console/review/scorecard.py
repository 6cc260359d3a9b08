"""The drill's scorecard: the method measured from the log, nothing else.

Pure and deterministic: the same events give the same card (golden-tested). Every figure is in
the log's own time, which for a drill is drill time (see `live.drill.DrillClock`), so a drill
run at speed 10 is scored in the minutes the call would have taken.

What it measures, as the method teaches it:
- how long until someone was named Incident Commander, and until the first timeboxed task;
- tasks without an owner or a timebox (zero is possible, and the aim);
- timeboxes followed up on time: when a task's timebox runs out, someone extends it, reassigns
  it or closes it within `FOLLOW_UP_GRACE`;
- decisions polled for objections: accepted at least `POLL_WAIT` after being proposed (the IC
  asked "any strong objections?" and waited), or over an objection heard;
- stakeholder updates on the cadence for the severity;
- roles filled (Deputy, Scribe, and the liaisons at SEV-1 and SEV-2);
- handovers acknowledged: command handed over, and the new commander's "yes" to "okay?"
  recorded (`ic handover NAME --acknowledged`, `ic handover ack`, the console's handover form),
  with how long the yes took.

A drill still in progress is scored as of its last event, and the card says it is unfinished.

One module (about 450 lines): the figures, how the log gives them and the card's renderings are
read together whenever a measure changes, and the golden tests pin them as one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from heapq import heappop, heappush
from typing import Any

from ic_console.domain import events as ev
from ic_console.domain.durations import format_duration
from ic_console.domain.model import DEFAULT_CADENCE, Role, severity_label

#: A timebox is followed up on time when dealt with this soon after it runs out.
FOLLOW_UP_GRACE = timedelta(minutes=1)
#: A decision accepted this soon after it was proposed was not polled for objections.
POLL_WAIT = timedelta(seconds=10)
#: What "soon" means for naming a commander and for the first timeboxed task.
IC_TARGET = timedelta(minutes=5)
FIRST_TASK_TARGET = timedelta(minutes=10)
#: The roles a call needs besides its commander; the liaisons only at these severities.
CORE_ROLES = (Role.IC, Role.DEPUTY, Role.SCRIBE)
LIAISON_ROLES = (Role.INTERNAL_LIAISON, Role.CUSTOMER_LIAISON)
LIAISON_SEVERITIES = frozenset({1, 2})

UNFINISHED_NOTE = (
    "the drill is not over (not resolved yet): it is scored as of its last event, and the "
    "figures can still change"
)


@dataclass(frozen=True)
class Figures:
    """One response measured: the drill's, or the original incident's in a replay."""

    severity: int
    duration: timedelta
    to_ic: timedelta | None
    to_first_task: timedelta | None
    tasks: int
    tasks_without_owner_or_timebox: int
    timeboxes_run_out: int
    followed_up_on_time: int
    decisions_accepted: int
    decisions_polled: int
    updates_due: int
    updates_on_cadence: int
    cadence: timedelta | None
    roles_needed: tuple[Role, ...]
    roles_filled: tuple[Role, ...]
    handovers: int
    #: For each handover in order: how long until the new commander's acknowledgement was
    #: recorded (None: never, before command moved on or the call ended).
    handover_acks: tuple[timedelta | None, ...]
    #: Resolved or closed; False for a response still in progress (scored as of its last event).
    ended: bool

    @property
    def handovers_acknowledged(self) -> int:
        return sum(1 for ack in self.handover_acks if ack is not None)

    @property
    def roles_missing(self) -> tuple[Role, ...]:
        return tuple(role for role in self.roles_needed if role not in self.roles_filled)

    def checks(self) -> list[tuple[str, bool | None]]:
        """Each part of the method, met or not (None: nothing to measure)."""
        return [
            ("ic", self._soon(self.to_ic, IC_TARGET)),
            ("first-task", self._soon(self.to_first_task, FIRST_TASK_TARGET)),
            ("owned", None if not self.tasks else self.tasks_without_owner_or_timebox == 0),
            (
                "follow-up",
                None
                if not self.timeboxes_run_out
                else self.followed_up_on_time == self.timeboxes_run_out,
            ),
            (
                "polled",
                None
                if not self.decisions_accepted
                else self.decisions_polled == self.decisions_accepted,
            ),
            (
                "cadence",
                None if not self.updates_due else self.updates_on_cadence == self.updates_due,
            ),
            ("roles", not self.roles_missing),
            (
                "handover",
                None if not self.handovers else self.handovers_acknowledged == self.handovers,
            ),
        ]

    def _soon(self, took: timedelta | None, target: timedelta) -> bool | None:
        """Whether it happened within `target`. Never: missed once the response outlasted
        the target; nothing to measure while it ended (or stands, unfinished) sooner."""
        if took is None:
            return None if self.duration <= target else False
        return took <= target

    @property
    def met(self) -> tuple[int, int]:
        results = [ok for _name, ok in self.checks() if ok is not None]
        return sum(results), len(results)


@dataclass(frozen=True)
class Scorecard:
    incident_id: str
    scenario: str
    trainee: str
    speed: float
    drill: Figures
    replay_of: str | None = None
    original: Figures | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def finished(self) -> bool:
        """The drill was resolved: its figures are final."""
        return self.drill.ended


def measure(
    events: Iterable[ev.Event], cadence: dict[int, timedelta | None] | None = None
) -> Figures:
    """The figures of one response from its events, in log order."""
    table = cadence or DEFAULT_CADENCE
    declared_at: datetime | None = None
    severity = 0
    end: datetime | None = None
    last: datetime | None = None
    to_ic: timedelta | None = None
    to_first_task: timedelta | None = None
    tasks = without = 0
    #: Per open task: its deadline, and whether that deadline has run out unanswered.
    deadlines: dict[int, datetime] = {}
    #: The same deadlines by when they run out (with ones since moved or dealt with, skipped
    #: when they come up): each event looks only at those that ran out, not at every open task.
    by_time: list[tuple[datetime, int]] = []
    run_out = on_time = 0
    proposed: dict[int, datetime] = {}
    objected: set[int] = set()
    accepted = polled = 0
    updates: list[datetime] = []
    filled: list[Role] = []
    handovers = 0
    #: Per handover: when it happened, to whom, and how long the acknowledgement took.
    handed: list[tuple[datetime, str]] = []
    acks: list[timedelta | None] = []

    def expire(until: datetime) -> None:
        """Timeboxes that ran out before `until` and were not dealt with: counted once."""
        nonlocal run_out
        while by_time and by_time[0][0] + FOLLOW_UP_GRACE < until:
            deadline, number = heappop(by_time)
            if deadlines.get(number) == deadline:
                run_out += 1
                del deadlines[number]

    def set_deadline(number: int, deadline: datetime) -> None:
        deadlines[number] = deadline
        heappush(by_time, (deadline, number))

    def touch(number: int, at: datetime, new_deadline: datetime | None) -> None:
        """Someone dealt with task `number` at `at`: on time within the grace of its deadline."""
        nonlocal run_out, on_time
        deadline = deadlines.pop(number, None)
        if deadline is not None and at >= deadline:
            run_out += 1
            on_time += 1
        if new_deadline is not None:
            set_deadline(number, new_deadline)

    for event in events:
        data = event.data
        at = event.at
        last = at
        if end is None:
            expire(at)
        if isinstance(data, ev.IncidentDeclared):
            declared_at, severity = at, data.severity
        elif isinstance(data, ev.SeverityChanged):
            severity = data.severity
        elif declared_at is None or end is not None:
            continue
        elif isinstance(data, ev.RoleAssigned | ev.CommandHandedOver):
            role = data.role if isinstance(data, ev.RoleAssigned) else Role.IC
            if isinstance(data, ev.CommandHandedOver):
                handovers += 1
                handed.append((at, data.name.casefold()))
                acks.append(None)
            if role is Role.IC and to_ic is None:
                to_ic = at - declared_at
            if role not in filled:
                filled.append(role)
        elif isinstance(data, ev.TaskAssigned):
            tasks += 1
            if not data.owner.strip() or data.timebox_seconds <= 0:
                without += 1
            if to_first_task is None and data.timebox_seconds > 0:
                to_first_task = at - declared_at
            set_deadline(data.number, data.deadline)
        elif isinstance(data, ev.TaskExtended | ev.TaskReassigned):
            touch(data.number, at, data.deadline)
        elif isinstance(data, ev.TaskDone | ev.TaskCancelled):
            touch(data.number, at, None)
        elif isinstance(data, ev.DecisionProposed):
            proposed[data.number] = at
        elif isinstance(data, ev.ObjectionRaised):
            objected.add(data.number)
        elif isinstance(data, ev.DecisionAccepted):
            accepted += 1
            since = proposed.get(data.number)
            if data.number in objected or (since is not None and at - since >= POLL_WAIT):
                polled += 1
        elif isinstance(data, ev.HandoverAcknowledged):
            # Only the latest handover can be acknowledged: once command moved on, an earlier
            # commander's yes no longer answers anything.
            if handed and acks[-1] is None and handed[-1][1] == data.name.casefold():
                acks[-1] = at - handed[-1][0]
        elif isinstance(data, ev.UpdatePosted):
            updates.append(at)
        elif isinstance(data, ev.IncidentResolved | ev.IncidentClosed):
            end = at
    if declared_at is None:
        raise ValueError("the log holds no declaration")
    finish = end or last or declared_at
    expire(finish)
    every = table.get(severity)
    due, on_cadence = _cadence(declared_at, finish, updates, every)
    needed = CORE_ROLES + (LIAISON_ROLES if severity in LIAISON_SEVERITIES else ())
    return Figures(
        severity=severity,
        duration=finish - declared_at,
        to_ic=to_ic,
        to_first_task=to_first_task,
        tasks=tasks,
        tasks_without_owner_or_timebox=without,
        timeboxes_run_out=run_out,
        followed_up_on_time=on_time,
        decisions_accepted=accepted,
        decisions_polled=polled,
        updates_due=due,
        updates_on_cadence=on_cadence,
        cadence=every,
        roles_needed=needed,
        roles_filled=tuple(role for role in needed if role in filled),
        handovers=handovers,
        handover_acks=tuple(acks),
        ended=end is not None,
    )


def _cadence(
    start: datetime, end: datetime, updates: Sequence[datetime], every: timedelta | None
) -> tuple[int, int]:
    """(updates that were due, those posted on time): each update is due `every` after the
    last one (or the declaration); one still owed at the end counts as due and missed."""
    if every is None:
        return 0, 0
    due_at = start + every
    due = on_time = 0
    for at in updates:
        due += 1
        if at <= due_at:
            on_time += 1
        due_at = at + every
    if end > due_at:
        due += 1
    return due, on_time


def scorecard(
    events: Sequence[ev.Event],
    *,
    cadence: dict[int, timedelta | None] | None = None,
    original: Sequence[ev.Event] | None = None,
) -> Scorecard:
    """The drill's card; with `original`, the replayed incident's figures beside it."""
    marker = next((e for e in events if isinstance(e.data, ev.DrillStarted)), None)
    if marker is None or not isinstance(marker.data, ev.DrillStarted):
        raise ValueError("this incident is not a drill")
    drill = marker.data
    declared = next(e for e in events if isinstance(e.data, ev.IncidentDeclared))
    assert isinstance(declared.data, ev.IncidentDeclared)
    figures = measure(events, cadence)
    return Scorecard(
        incident_id=declared.data.incident_id,
        scenario=drill.scenario,
        trainee=drill.trainee,
        speed=drill.speed,
        drill=figures,
        replay_of=drill.replay_of,
        original=measure(original, cadence) if original else None,
        notes=() if figures.ended else (UNFINISHED_NOTE,),
    )


# -- as text -------------------------------------------------------------------------------------


def _span(value: timedelta | None) -> str:
    return "never" if value is None else format_duration(value)


def _of(part: int, whole: int) -> str:
    return f"{part} of {whole}" if whole else "none due"


def _acknowledged(figures: Figures) -> str:
    """`1 of 2 (yes after 30s; no yes)`: each handover's time to its acknowledgement."""
    if not figures.handovers:
        return "no handover"
    times = "; ".join(
        "no yes" if ack is None else f"yes after {format_duration(ack)}"
        for ack in figures.handover_acks
    )
    return f"{figures.handovers_acknowledged} of {figures.handovers} ({times})"


def rows(figures: Figures) -> list[tuple[str, str, bool | None]]:
    """(what, the figure in words, met) for each line of the card."""
    checks = dict(figures.checks())
    filled = ", ".join(role.label for role in figures.roles_filled) or "none"
    missing = ", ".join(role.label for role in figures.roles_missing)
    cadence = format_duration(figures.cadence) if figures.cadence else "none at this severity"
    return [
        ("Time to name an Incident Commander", _span(figures.to_ic), checks["ic"]),
        ("Time to the first timeboxed task", _span(figures.to_first_task), checks["first-task"]),
        (
            "Tasks without an owner or a timebox",
            f"{figures.tasks_without_owner_or_timebox} of {figures.tasks}",
            checks["owned"],
        ),
        (
            "Timeboxes followed up on time",
            _of(figures.followed_up_on_time, figures.timeboxes_run_out),
            checks["follow-up"],
        ),
        (
            "Decisions polled for objections",
            _of(figures.decisions_polled, figures.decisions_accepted),
            checks["polled"],
        ),
        (
            f"Updates on cadence (every {cadence})",
            _of(figures.updates_on_cadence, figures.updates_due),
            checks["cadence"],
        ),
        (
            "Roles filled",
            filled + (f"; missing {missing}" if missing else ""),
            checks["roles"],
        ),
        (
            "Handovers acknowledged (time to the yes)",
            _acknowledged(figures),
            checks["handover"],
        ),
    ]


def _mark(ok: bool | None) -> str:
    return "-" if ok is None else ("yes" if ok else "NO")


def render_markdown(card: Scorecard) -> str:
    """The card as Markdown: one row per part of the method, the original beside it."""
    drill = card.drill
    met, of = drill.met
    lines = [
        f"# Drill scorecard: {card.scenario}",
        "",
        f"- Drill: {card.incident_id} ({severity_label(drill.severity)}), "
        f"practised by {card.trainee} at {card.speed:g}x",
        f"- Length: {format_duration(drill.duration)} of drill time"
        + ("" if card.finished else " so far (UNFINISHED: not resolved yet)"),
        f"- Method met: {met} of {of}",
    ]
    if card.replay_of:
        seen = "beside the original response" if card.original else "original not found"
        lines.append(f"- Replay of {card.replay_of} ({seen})")
    lines.append("")
    mine = rows(drill)
    if card.original is not None:
        theirs = rows(card.original)
        lines += ["| Measure | Drill | Met | Original | Met |", "| --- | --- | --- | --- | --- |"]
        for (what, value, ok), (_w, other, other_ok) in zip(mine, theirs, strict=True):
            lines.append(f"| {what} | {value} | {_mark(ok)} | {other} | {_mark(other_ok)} |")
    else:
        lines += ["| Measure | Drill | Met |", "| --- | --- | --- |"]
        lines += [f"| {what} | {value} | {_mark(ok)} |" for what, value, ok in mine]
    if card.notes:
        lines += ["", *(f"Note: {note}." for note in card.notes)]
    lines.append("")
    return "\n".join(lines)


def _seconds(value: timedelta | None) -> int | None:
    return None if value is None else int(value.total_seconds())


def figures_json(figures: Figures) -> dict[str, Any]:
    met, of = figures.met
    return {
        "severity": figures.severity,
        "duration_seconds": _seconds(figures.duration),
        "to_ic_seconds": _seconds(figures.to_ic),
        "to_first_task_seconds": _seconds(figures.to_first_task),
        "tasks": figures.tasks,
        "tasks_without_owner_or_timebox": figures.tasks_without_owner_or_timebox,
        "timeboxes_run_out": figures.timeboxes_run_out,
        "followed_up_on_time": figures.followed_up_on_time,
        "decisions_accepted": figures.decisions_accepted,
        "decisions_polled": figures.decisions_polled,
        "updates_due": figures.updates_due,
        "updates_on_cadence": figures.updates_on_cadence,
        "cadence_seconds": _seconds(figures.cadence),
        "roles_needed": [role.value for role in figures.roles_needed],
        "roles_filled": [role.value for role in figures.roles_filled],
        "handovers": figures.handovers,
        "handovers_acknowledged": figures.handovers_acknowledged,
        "handover_ack_seconds": [_seconds(ack) for ack in figures.handover_acks],
        "ended": figures.ended,
        "checks": {name: ok for name, ok in figures.checks()},
        "met": met,
        "measured": of,
    }


def render_json(card: Scorecard) -> str:
    body = {
        "incident_id": card.incident_id,
        "scenario": card.scenario,
        "trainee": card.trainee,
        "speed": card.speed,
        "replay_of": card.replay_of,
        "finished": card.finished,
        "drill": figures_json(card.drill),
        "original": figures_json(card.original) if card.original else None,
        "notes": list(card.notes),
    }
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"
