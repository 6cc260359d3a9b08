"""What the Incident Commander needs to say now: situations derived from the state and `now`.

A situation is an id (which the phrasebook maps to sentences) and the live values its sentences
may use (names, tasks, minutes); the ids, and the values each one fills, are listed in
`situation_ids`. `current_situations` answers "what is pressing right now?", most pressing
first; `available_situations` gives the pitfall responses the IC may need at any moment (an
executive barging in, an argument about severity), filled with what the state knows.

Pure functions over an `IncidentState` and a `now`: no clock, no I/O, no Textual. The console,
which asks every second, keeps a `SituationTracker` (`live_situations`): the same list, worked
out again only where something changed (issue 13, "kept current" below).

One module, though long (about 800 lines): the tracker is not a second implementation beside
`current_situations` but the one it runs (a one-off tracker), so the situations' values, their
order and the instants their words can next change are written once, here, and a split would
cut that one computation across two files that import each other's private helpers.
"""

from __future__ import annotations

import functools
import itertools
import threading
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from heapq import heappop, heappush

from ic_console.domain.exit_criteria import criteria as criteria_in_force
from ic_console.domain.model import ROLE_LABELS, ROTATE_AFTER, Role, Status, severity_label
from ic_console.domain.situation_ids import ALWAYS_AVAILABLE
from ic_console.domain.state import Decision, IncidentState, Participant, Task
from ic_console.domain.teams import (
    SPAN_OF_CONTROL,
    active_teams,
    direct_reports,
    led_by,
    next_team_name,
)

#: An open task that nobody has acknowledged for this long becomes urgent.
ACK_GRACE = timedelta(minutes=1)
#: How long after each 10-minute mark of the incident clock the Deputy's call-out stays up.
MARK_WINDOW = timedelta(minutes=1)
#: Every how many minutes the Deputy calls out the incident clock.
MARK_EVERY_MINUTES = 10
#: A stakeholder update due within this long is mentioned ahead of time.
UPDATE_SOON = timedelta(minutes=5)

#: Shown where the state does not know a value; the IC fills it in aloud.
BLANK_NAME = "[name]"
BLANK_TASK = "[the task]"
BLANK_MINUTES = "[minutes]"
BLANK_PROPOSAL = "[the proposal]"


@dataclass(frozen=True)
class Situation:
    """One thing the IC may need to say, with the values to fill its sentences.

    `urgent` marks what must be said now (a timebox ran out, nobody is in command).
    """

    id: str
    values: Mapping[str, str] = field(default_factory=dict, hash=False)
    urgent: bool = False


# -- what is pressing now ----------------------------------------------------------------------


def current_situations(
    state: IncidentState,
    now: datetime,
    *,
    cadence: Mapping[int, timedelta | None] | None = None,
    me: str | None = None,
) -> list[Situation]:
    """The situations that apply at `now`, most pressing first; never empty.

    `cadence` is the stakeholder-update cadence by severity (the default scale when None);
    `me` is the person at this terminal, who speaks when nobody is in command yet.
    The last item is always a calm one (a status check), so there is always something to say.

    In order: nobody in command; each expired timebox (earliest deadline first); an update due;
    each task nobody acknowledged for a minute; open decisions; the Deputy's ten-minute mark;
    people to rotate; command at scale; then an update due soon, newly assigned tasks, calm.
    Computed from scratch; a console asking every second keeps a `SituationTracker` instead
    (`live_situations`), which gives the same list for a fraction of the work.
    """
    return SituationTracker(cadence=cadence, me=me).situations(state, now)


def available_situations(
    state: IncidentState, now: datetime, *, me: str | None = None
) -> list[Situation]:
    """The always-available responses, in `ALWAYS_AVAILABLE` order, filled from the state.

    Where the state cannot know a value (whom the IC is about to task), a visible blank such as
    "[name]" stands in, for the IC to fill in aloud.
    """
    common = _common_values(state, now, me)
    open_tasks = state.open_tasks()
    latest = max(open_tasks, key=lambda t: t.assigned_at, default=None)
    overdue = state.overdue_tasks(now)
    late = overdue[0] if overdue else latest
    decisions = state.open_decisions()
    sme = state.smes[-1] if state.smes else None
    extra: dict[str, dict[str, str]] = {
        "assignment": _task_or_blank(latest),
        "more-time": _task_or_blank(late),
        "propose-decision": {"decision": decisions[-1].text if decisions else BLANK_PROPOSAL},
        "status-report": {"person": sme or BLANK_NAME},
        "handover": {"successor": state.holder(Role.DEPUTY) or BLANK_NAME},
        "form-team": _new_team_values(state),
        "team-status": _team_status_values(state),
    }
    return [Situation(key, {**common, **extra.get(key, {})}) for key in ALWAYS_AVAILABLE]


def spoken_duration(delta: timedelta) -> str:
    """A duration as said aloud: "1 minute", "5 minutes", "1 hour and 35 minutes"."""
    return _said_minutes(_whole_minutes(delta))


@functools.lru_cache(maxsize=4096)
def _said_minutes(minutes: int) -> str:
    """`spoken_duration` of a whole number of minutes (said again and again each second)."""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(_plural(hours, "hour"))
    if rest or not hours:
        parts.append(_plural(rest, "minute"))
    return " and ".join(parts)


# -- helpers -----------------------------------------------------------------------------------


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _whole_minutes(delta: timedelta) -> int:
    """Minutes rounded to the nearest, never below one: what a person says."""
    return max(1, round(delta.total_seconds() / 60))


def _floor_minutes(delta: timedelta) -> int:
    return max(0, int(delta.total_seconds() // 60))


def _common_values(
    state: IncidentState, now: datetime, me: str | None, open_count: int | None = None
) -> dict[str, str]:
    """The values every situation carries; `open_count` is the number of open tasks when the
    caller already knows it (counting them means looking at every task)."""

    def holder(role: Role) -> str:
        return state.holder(role) or ROLE_LABELS[role]

    speaker = me or state.ic or state.declared_by or BLANK_NAME
    return {
        "me": speaker,
        "ic": state.ic or speaker,
        "deputy": holder(Role.DEPUTY),
        "scribe": holder(Role.SCRIBE),
        "internal_liaison": holder(Role.INTERNAL_LIAISON),
        "customer_liaison": holder(Role.CUSTOMER_LIAISON),
        "severity": severity_label(state.severity) if state.severity else "SEV-1",
        "title": state.title,
        "phase": state.phase.label,
        "elapsed_minutes": str(_floor_minutes(state.elapsed(now))),
        "open_tasks": str(len(state.open_tasks()) if open_count is None else open_count),
    }


def _task_values(task: Task) -> dict[str, str]:
    return {
        "owner": task.owner,
        "task": task.text,
        "task_number": str(task.number),
        "minutes": str(_whole_minutes(task.timebox)),
        "timebox": spoken_duration(task.timebox),
    }


def _task_or_blank(task: Task | None) -> dict[str, str]:
    if task is None:
        return {
            "owner": BLANK_NAME,
            "task": BLANK_TASK,
            "minutes": BLANK_MINUTES,
            "timebox": f"{BLANK_MINUTES} minutes",
        }
    values = _task_values(task)
    del values["task_number"]
    return values


def _update_values(
    state: IncidentState,
    now: datetime,
    due: datetime,
    cadence: Mapping[int, timedelta | None] | None,
    common: Mapping[str, str],
) -> dict[str, str]:
    every = state.cadence(dict(cadence) if cadence is not None else None) or timedelta(0)
    return {
        **common,
        "minutes": str(_whole_minutes(abs(due - now))),
        "cadence_minutes": str(_whole_minutes(every)),
        "liaison": state.holder(Role.INTERNAL_LIAISON) or common["ic"],
        "due_at": f"{due:%H:%M} UTC",
        "next_update": f"{max(due, now) + every:%H:%M} UTC",
    }


def _clock_mark(state: IncidentState, now: datetime) -> int | None:
    """The 10-minute mark just passed, while its call-out is fresh; else None."""
    if state.declared_at is None:
        return None
    elapsed = now - state.declared_at
    minutes = _floor_minutes(elapsed)
    mark = minutes - minutes % MARK_EVERY_MINUTES
    if mark <= 0:
        return None
    since = elapsed - timedelta(minutes=mark)
    return mark if since < MARK_WINDOW else None


def _rotation(
    state: IncidentState, person: Participant, now: datetime
) -> tuple[str, dict[str, str]]:
    """The id of the rotation situation for `person` and its values, the common ones aside."""
    on_call = person.time_on_call(now)
    values = {
        "person": person.name,
        "minutes": str(_floor_minutes(on_call)),
        "time_on_call": spoken_duration(on_call),
    }
    if person.name == state.ic:
        deputy = state.holder(Role.DEPUTY)
        return "rotate-ic", {**values, "successor": deputy or BLANK_NAME}
    roles = state.roles_of(person.name)
    label = ", ".join(ROLE_LABELS[r] for r in roles) if roles else "responder"
    return "rotate", {**values, "roles": label}


# -- command at scale (issue 15): span of control, exit criteria, teams ------------------------

#: The first minutes of an incident, when the Incident Commander agrees the exit criteria.
EXIT_CRITERIA_WINDOW = timedelta(minutes=10)
BLANK_TEAM = "[team]"
BLANK_GOAL = "[the goal]"

_NUMBER_WORDS = [
    "Zero",
    "One",
    "Two",
    "Three",
    "Four",
    "Five",
    "Six",
    "Seven",
    "Eight",
    "Nine",
    "Ten",
    "Eleven",
    "Twelve",
    "Thirteen",
    "Fourteen",
    "Fifteen",
    "Sixteen",
    "Seventeen",
    "Eighteen",
    "Nineteen",
    "Twenty",
]


def _count_words(count: int) -> str:
    """ "Eight", as said aloud at the start of a sentence."""
    return _NUMBER_WORDS[count] if count < len(_NUMBER_WORDS) else str(count)


def _span_of_control(state: IncidentState) -> dict[str, str] | None:
    """The values of "span-of-control" (the common ones aside) when too many people report to
    the commander; else None. Depends on the state only, not on the time."""
    reports = direct_reports(state)
    if state.ic is None or len(reports) <= SPAN_OF_CONTROL:
        return None
    return {
        **_new_team_values(state),
        "reports": str(len(reports)),
        "reports_words": _count_words(len(reports)),
    }


def _wants_exit_criteria(state: IncidentState) -> bool:
    """No exit criteria agreed yet, with someone in command: asked for in the first minutes."""
    return state.ic is not None and not criteria_in_force(state) and state.declared_at is not None


def _new_team_values(state: IncidentState) -> dict[str, str]:
    """The next team's name, and who could lead it: the expert who joined first among those
    reporting to the commander directly, else the first of them."""
    reports = [name for name in direct_reports(state) if led_by(state, name) is None]
    experts = [name for name in reports if name in state.smes]
    lead = (experts or reports or [BLANK_NAME])[0]
    return {"team": next_team_name(state), "lead": lead, "goal": BLANK_GOAL}


def _team_status_values(state: IncidentState) -> dict[str, str]:
    """The team whose lead to ask: the one formed last."""
    teams = active_teams(state)
    if not teams:
        return {"team": BLANK_TEAM, "lead": BLANK_NAME, "goal": BLANK_GOAL}
    team = teams[-1]
    return {"team": team.name, "lead": team.lead, "goal": team.goal or BLANK_GOAL}


# -- kept current from one second to the next (issue 13) ---------------------------------------
#
# The console asks for the situations every second, and its alerts ask again. On an incident with
# 2,000 open tasks, working them out from scratch (sort every task, say every duration) cost
# about 8 ms a tick, and a key pressed during the tick waited for it. A `SituationTracker` gives
# the same list, in the same order, but works out again only what changed:
#
# - the state's indexes (open tasks by deadline, people by the time they joined) are rebuilt only
#   when the state changed (its fold moved on: `state_fingerprint`), or the time went backwards;
# - the expired tasks are the open tasks whose deadline has passed: a prefix of the tasks sorted
#   by deadline, found by bisection; likewise the people due a rotation;
# - each task's (or person's) situation is kept with the instant its values can next change
#   (`_next_change`), in a heap: each second only those whose instant came are worked out again;
# - the values every situation carries (`_common_values`) change once a minute (the incident's
#   elapsed minutes) or with the state; then the kept situations are rebuilt from their own
#   values, without saying their durations again.
#
# What is left each second is building the list itself (copying references) and the few
# situations there can be only one of (an update due, a ten-minute mark, calm).

#: Every minute count a situation carries ("5 minutes", "overdue_minutes") is a whole number of
#: minutes, floored or rounded, of the time since (or until) an instant of the state. Floored, it
#: changes when that time is a whole number of minutes; rounded, at each half minute between, or
#: one microsecond after it (rounding half to even keeps 2.5 at 2 until just after the half).
_MINUTE = timedelta(minutes=1)
_HALF_MINUTE = timedelta(seconds=30)
_MICROSECOND = timedelta(microseconds=1)

_EXPIRED, _UNACKNOWLEDGED, _ROTATION = 0, 1, 2

#: Every rebuild of a tracker's indexes, in any tracker, gets the next number (`generation`).
_GENERATIONS = itertools.count(1)


def _floored_and_rounded(anchor: datetime) -> tuple[datetime, timedelta]:
    """When minutes since `anchor`, floored and rounded, can change: every half minute."""
    return anchor, _HALF_MINUTE


def _rounded(anchor: datetime) -> tuple[datetime, timedelta]:
    """When minutes since (or until) `anchor`, rounded, can change: each half minute past."""
    return anchor + _HALF_MINUTE, _MINUTE


def _next_change(
    now: datetime, lattices: tuple[tuple[datetime, timedelta], ...], *instants: datetime
) -> datetime:
    """The first instant after `now` when a minute count can change (each lattice is an instant
    and a period: at each whole number of periods from that instant, or a microsecond after),
    or one of `instants` comes."""
    soonest: datetime | None = None
    for origin, period in lattices:
        base = origin + (now - origin) // period * period
        candidate = base + _MICROSECOND if now == base else base + period
        if soonest is None or candidate < soonest:
            soonest = candidate
    for instant in instants:
        if instant > now and (soonest is None or instant < soonest):
            soonest = instant
    assert soonest is not None
    return soonest


def state_fingerprint(state: IncidentState) -> tuple[object, ...]:
    """What moves whenever the fold changes the state: the last event folded, when, its clock,
    and the sizes of what events add to. A state changes only through its fold."""
    return (
        state.last_seq,
        state.updated_at,
        state.hlc,
        state.status,
        state.severity,
        state.phase,
        state.declared_at,
        len(state.tasks),
        len(state.decisions),
        len(state.participants),
        len(state.roles),
        len(state.smes),
        len(state.log),
        len(state.updates),
        len(state.teams),
        len(state.exit_criteria),
        len(state.merge_notices),
    )


def _cadence_key(
    cadence: Mapping[int, timedelta | None] | None,
) -> tuple[tuple[int, timedelta | None], ...] | None:
    return None if cadence is None else tuple(sorted(cadence.items()))


@dataclass(slots=True)
class _Kept:
    """One task's or person's situation, the values that are its own (not the common ones), and
    until when they hold."""

    situation: Situation
    own: dict[str, str]
    #: The common values the situation carries (the tracker's, when it is up to date).
    common: dict[str, str]
    #: The task's own values that do not depend on the time (`_task_values`).
    task: dict[str, str]
    #: The values hold from `since` (when they were worked out) until just before `until`.
    since: datetime
    until: datetime
    #: What these values were worked out from (the task's or person's fields that they use).
    source: tuple[object, ...]


class SituationTracker:
    """`current_situations` for one incident asked again and again as time passes: the same
    list, working out again only what changed since the last call (see above).

    Give it the same state each time (the console's live state, changed only by its fold); a
    different state, a changed one, or an earlier `now` is taken in from scratch.
    """

    def __init__(
        self,
        *,
        cadence: Mapping[int, timedelta | None] | None = None,
        me: str | None = None,
    ) -> None:
        self.cadence = dict(cadence) if cadence is not None else None
        self.me = me
        #: Changes whenever the indexes are rebuilt (a new state, a changed one, time going back).
        self.generation = 0
        self._state: IncidentState | None = None
        self._fingerprint: tuple[object, ...] | None = None
        self._now: datetime | None = None
        self._common: dict[str, str] = {}
        self._open: list[Task] = []
        self._deadlines: list[datetime] = []
        self._unacked: list[Task] = []
        self._unacked_deadlines: list[datetime] = []
        self._people: list[Participant] = []
        self._rotate_from: list[datetime] = []
        # Per kind (_EXPIRED, _UNACKNOWLEDGED, _ROTATION): the kept situations, and the same
        # situations alone (sliced into the list each call), in index order.
        self._kept: tuple[list[_Kept | None], list[_Kept | None], list[_Kept | None]] = ([], [], [])
        self._shown: tuple[list[Situation], list[Situation], list[Situation]] = ([], [], [])
        #: (until, kind, index) for every kept situation, soonest first.
        self._heap: list[tuple[datetime, int, int]] = []
        #: How many open tasks have expired, unacknowledged ones expired, people to rotate.
        self._expired = self._gone = self._rotating = 0
        #: Unacknowledged tasks (by index) assigned less than `ACK_GRACE` ago.
        self._young: set[int] = set()
        #: Kept situations by (kind, task number or name), reused across rebuilds when their
        #: source is unchanged and they still hold.
        self._memo: dict[tuple[int, int | str], _Kept] = {}
        self._decisions: list[tuple[str, dict[str, str]]] = []
        self._decision_situations: list[Situation] = []
        self._due: datetime | None = None
        self._span: dict[str, str] | None = None
        self._wants_criteria = False
        #: The unacknowledged tasks' situations are to be worked out from the start.
        self._unacked_pending = False

    # -- what callers ask ----------------------------------------------------------------------

    def situations(self, state: IncidentState, now: datetime) -> list[Situation]:
        """`current_situations(state, now, cadence=..., me=...)`, kept current."""
        self._refresh(state, now)
        common = self._common
        if not state.declared or state.ic is None:
            first = [Situation("no-ic", common, urgent=True)]
            if not state.declared:
                return first
        else:
            first = []
        if state.status is not Status.ACTIVE:
            return [*first, Situation("resolved", common)]

        update_due: list[Situation] = []
        update_soon: list[Situation] = []
        due = self._due
        if due is not None:
            values = _update_values(state, now, due, self.cadence, common)
            if now >= due:
                update_due.append(Situation("update-due", values, urgent=True))
            elif due - now <= UPDATE_SOON:
                update_soon.append(Situation("update-soon", values))

        unacked = self._shown[_UNACKNOWLEDGED]
        if self._young:
            young = self._young
            start = self._gone
            pressing = [s for j, s in enumerate(unacked[start:], start) if j not in young]
            fresh = [s for j, s in enumerate(unacked[start:], start) if j in young]
        else:
            pressing, fresh = unacked[self._gone :], []

        mark = _clock_mark(state, now)
        scale: list[Situation] = []
        if self._span is not None:
            scale.append(Situation("span-of-control", {**common, **self._span}))
        if (
            self._wants_criteria
            and state.declared_at is not None
            and now - state.declared_at < EXIT_CRITERIA_WINDOW
        ):
            scale.append(Situation("exit-criteria", common))

        return [
            *first,
            *self._shown[_EXPIRED][: self._expired],
            *update_due,
            *pressing,
            *self._decision_situations,
            *([Situation("clock-mark", {**common, "mark": str(mark)})] if mark else []),
            *self._shown[_ROTATION][: self._rotating],
            *scale,
            *update_soon,
            *fresh,
            Situation("calm", common),
        ]

    def overdue(self, state: IncidentState, now: datetime) -> list[Task]:
        """`state.overdue_tasks(now)`: the open tasks whose timebox ran out, earliest deadline
        first, without sorting every task again."""
        self._refresh(state, now)
        return self._open[: self._expired]

    # -- keeping current -----------------------------------------------------------------------

    def _refresh(self, state: IncidentState, now: datetime) -> None:
        fingerprint = state_fingerprint(state)
        if (
            state is not self._state
            or fingerprint != self._fingerprint
            or self._now is None
            or now < self._now
        ):
            self._index(state, fingerprint)
        self._now = now
        common = _common_values(state, now, self.me, len(self._open))
        if common != self._common:
            self._common = common
            self._merge_common()
        self._advance(state, now)

    def _index(self, state: IncidentState, fingerprint: tuple[object, ...]) -> None:
        """Take in a new or changed state: what does not depend on the time."""
        self._state, self._fingerprint = state, fingerprint
        self.generation = next(_GENERATIONS)
        self._open = state.open_tasks()
        self._deadlines = [task.deadline for task in self._open]
        self._unacked = [task for task in self._open if task.acknowledged_at is None]
        self._unacked_deadlines = [task.deadline for task in self._unacked]
        self._people = sorted(state.on_call(), key=lambda p: p.joined_at)
        self._rotate_from = [person.joined_at + ROTATE_AFTER for person in self._people]
        self._kept = ([], [None] * len(self._unacked), [])
        self._shown = ([], [Situation("calm")] * len(self._unacked), [])
        self._heap = []
        self._expired = self._gone = self._rotating = 0
        self._young = set()
        numbers = {task.number for task in self._open}
        names = {person.name for person in self._people}
        self._memo = {
            key: kept
            for key, kept in self._memo.items()
            if (key[1] in names if key[0] == _ROTATION else key[1] in numbers)
        }
        self._decisions = [_decision(decision) for decision in state.open_decisions()]
        self._decision_situations = [
            Situation(key, {**self._common, **values}) for key, values in self._decisions
        ]
        self._due = state.next_update_due(self.cadence)
        self._span = _span_of_control(state)
        self._wants_criteria = _wants_exit_criteria(state)
        self._unacked_pending = True

    def _merge_common(self) -> None:
        """The common values changed: every kept situation carries them."""
        common = self._common
        for kind in (_EXPIRED, _UNACKNOWLEDGED, _ROTATION):
            kept_list, said = self._kept[kind], self._shown[kind]
            for index, kept in enumerate(kept_list):
                if kept is not None:
                    old = kept.situation
                    kept.situation = Situation(old.id, {**common, **kept.own}, old.urgent)
                    kept.common = common
                    said[index] = kept.situation
        self._decision_situations = [
            Situation(key, {**common, **values}) for key, values in self._decisions
        ]

    def _advance(self, state: IncidentState, now: datetime) -> None:
        """Move the kept situations on to `now`: newly expired tasks, people due a rotation, and
        the situations whose values change by now."""
        if self._unacked_pending:
            # Every unacknowledged task not expired yet has its situation from the start.
            self._unacked_pending = False
            self._gone = bisect_right(self._unacked_deadlines, now)
            for index in range(self._gone, len(self._unacked)):
                self._keep(_UNACKNOWLEDGED, index, now)
        gone = bisect_right(self._unacked_deadlines, now)
        for index in range(self._gone, gone):
            self._kept[_UNACKNOWLEDGED][index] = None
            self._young.discard(index)
        self._gone = max(self._gone, gone)
        expired = bisect_right(self._deadlines, now)
        for index in range(self._expired, expired):
            self._kept[_EXPIRED].append(None)
            self._shown[_EXPIRED].append(Situation("calm"))
            self._keep(_EXPIRED, index, now)
        self._expired = max(self._expired, expired)
        rotating = bisect_right(self._rotate_from, now)
        for index in range(self._rotating, rotating):
            self._kept[_ROTATION].append(None)
            self._shown[_ROTATION].append(Situation("calm"))
            self._keep(_ROTATION, index, now)
        self._rotating = max(self._rotating, rotating)
        heap = self._heap
        while heap and heap[0][0] <= now:
            until, kind, index = heappop(heap)
            kept = self._kept[kind][index]
            if kept is not None and kept.until == until:
                self._keep(kind, index, now)

    def _keep(self, kind: int, index: int, now: datetime) -> None:
        """Work out (or reuse) the situation of one task or person at `now`, and when to look
        at it again."""
        key: tuple[int, int | str]
        if kind == _ROTATION:
            person = self._people[index]
            state = self._state
            assert state is not None
            source: tuple[object, ...] = (
                person.joined_at,
                person.released_at,
                state.ic,
                state.holder(Role.DEPUTY),
                tuple(state.roles_of(person.name)),
            )
            key = (kind, person.name)
        else:
            task = (self._open if kind == _EXPIRED else self._unacked)[index]
            source = (
                task.owner,
                task.text,
                task.timebox,
                task.deadline,
                task.assigned_at,
                task.acknowledged_at,
                task.status,
            )
            key = (kind, task.number)
        kept = self._memo.get(key)
        if kept is None or kept.source != source or not kept.since <= now < kept.until:
            kept = self._work_out(kind, index, now, source, kept)
            self._memo[key] = kept
        elif kept.common is not self._common:
            kept.situation = Situation(
                kept.situation.id, {**self._common, **kept.own}, kept.situation.urgent
            )
            kept.common = self._common
        self._kept[kind][index] = kept
        self._shown[kind][index] = kept.situation
        if kind == _UNACKNOWLEDGED:
            if kept.situation.urgent:
                self._young.discard(index)
            else:
                self._young.add(index)
        heappush(self._heap, (kept.until, kind, index))

    def _work_out(
        self,
        kind: int,
        index: int,
        now: datetime,
        source: tuple[object, ...],
        previous: _Kept | None,
    ) -> _Kept:
        urgent = True
        task_values: dict[str, str] = {}
        if kind == _ROTATION:
            person = self._people[index]
            assert self._state is not None
            key, own = _rotation(self._state, person, now)
            urgent = False
            until = _next_change(now, (_floored_and_rounded(person.joined_at),))
        elif kind == _EXPIRED:
            task = self._open[index]
            key = "task-expired"
            overdue = now - task.deadline
            start = task.deadline - task.timebox
            waited = now - start
            task_values = _task_values_again(task, source, previous)
            own = {
                **task_values,
                "overdue": spoken_duration(overdue),
                "overdue_minutes": str(_floor_minutes(overdue)),
                "waited": spoken_duration(waited),
                "waited_minutes": str(_whole_minutes(waited)),
            }
            until = _next_change(now, (_floored_and_rounded(task.deadline), _rounded(start)))
        else:
            task = self._unacked[index]
            key = "task-unacknowledged"
            task_values = _task_values_again(task, source, previous)
            own = {
                **task_values,
                "remaining_minutes": str(_whole_minutes(task.remaining(now))),
            }
            urgent = now - task.assigned_at >= ACK_GRACE
            # Expiring ends this situation (`_gone`); until then only the rounded minutes left
            # and the minute's grace running out change it.
            until = _next_change(now, (_rounded(task.deadline),), task.assigned_at + ACK_GRACE)
        if (
            previous is not None
            and previous.own == own
            and previous.situation.id == key
            and previous.situation.urgent == urgent
            and previous.common is self._common
        ):
            situation = previous.situation
        else:
            situation = Situation(key, {**self._common, **own}, urgent)
        return _Kept(situation, own, self._common, task_values, now, until, source)


def _task_values_again(
    task: Task, source: tuple[object, ...], previous: _Kept | None
) -> dict[str, str]:
    """`_task_values(task)`, taken from the situation kept for it when the task is unchanged."""
    if previous is not None and previous.source == source and previous.task:
        return previous.task
    return _task_values(task)


def _decision(decision: Decision) -> tuple[str, dict[str, str]]:
    """The situation id of an open decision and its own values."""
    values = {
        "decision": decision.text,
        "decision_number": str(decision.number),
        "proposer": decision.proposed_by,
    }
    if not decision.objections:
        return "decision-open", values
    last = decision.objections[-1]
    return "decision-objected", {
        **values,
        "objector": last.by,
        "objection": last.text,
        "objections": str(len(decision.objections)),
    }


#: The tracker the console's screen and its alerts share: both ask about the same live state
#: each second, and the second asks for nearly nothing. Only the last one is kept, so no state
#: the console let go of is held.
_SHARED: list[tuple[tuple[object, ...], SituationTracker]] = []
_SHARED_LOCK = threading.Lock()


def live_tracker(
    state: IncidentState,
    *,
    cadence: Mapping[int, timedelta | None] | None = None,
    me: str | None = None,
) -> SituationTracker:
    """The shared tracker for this state, cadence and person (a new one when another was
    asked for last)."""
    key = (id(state), _cadence_key(cadence), me)
    with _SHARED_LOCK:
        if _SHARED and _SHARED[0][0] == key:
            kept = _SHARED[0][1]._state  # by identity: comparing states would compare all
            if kept is state or kept is None:
                return _SHARED[0][1]
        tracker = SituationTracker(cadence=cadence, me=me)
        _SHARED[:] = [(key, tracker)]
        return tracker


def live_situations(
    state: IncidentState,
    now: datetime,
    *,
    cadence: Mapping[int, timedelta | None] | None = None,
    me: str | None = None,
) -> list[Situation]:
    """`current_situations` for the console, which asks every second about its live state:
    the same list, from the shared `SituationTracker`."""
    return live_tracker(state, cadence=cadence, me=me).situations(state, now)


def live_overdue(state: IncidentState, now: datetime) -> list[Task]:
    """`state.overdue_tasks(now)` (earliest deadline first), from the shared tracker when it
    follows this state (the console's header counts its late tasks each second), else sorted."""
    with _SHARED_LOCK:
        tracker = _SHARED[0][1] if _SHARED and _SHARED[0][1]._state is state else None
    return tracker.overdue(state, now) if tracker is not None else state.overdue_tasks(now)
