"""A drill as it runs: its clock, its injects, and starting one.

A drill is a real incident folder (id `drill-…`, a `drill.started` event after the
declaration) run on a `DrillClock`: drill time moves `speed` times as fast as the clock under
it, and every event, countdown and cadence of the drill is in drill time, so a 5-minute timebox
at speed 10 runs out after 30 seconds and the scorecard reads the same minutes a real call
would have taken.

`DrillRunner` delivers the scenario's injects: each is armed by its trigger (the start, or an
action of the trainee found in the state) and delivered `at` later, recorded by the simulated
person through the store like any other command. Nothing here knows Textual; the console ticks
the runner and rings the bell for what it delivered, tests tick it with a fake clock.

About 510 lines: the clock, the runner, starting a drill and making a past incident a
scenario are read together whenever a drill's time or people change (the trainee's name and
the scenario's people are checked by the same `name_key` in all four).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from ic_console.content.scenarios import Inject, Person, Scenario
from ic_console.domain import commands as cmd
from ic_console.domain.clock import Clock
from ic_console.domain.drill import DRILL_PREFIX, StartDrill, StartDrillClock, is_drill_id
from ic_console.domain.errors import DomainError
from ic_console.domain.events import Event, LogEntryAdded, ParticipantJoined, event_time
from ic_console.domain.model import DecisionStatus, LogKind, Role
from ic_console.domain.state import IncidentState
from ic_console.domain.text import MAX_TITLE, check_incident_id, clean_name, name_key
from ic_console.store.errors import FilesUnwritable, StoreError
from ic_console.store.incident import IncidentStore
from ic_console.store.paths import incident_dir


class DrillClock:
    """Drill time: `speed` times as fast as `base`, equal to it at `start`.

    It can be held (while the trainee reads the briefing): drill time stands still, and moves
    on from where it stood once resumed, so nothing is missed while reading.
    """

    def __init__(
        self,
        base: Clock,
        speed: float = 1.0,
        start: datetime | None = None,
        held: timedelta = timedelta(0),
    ) -> None:
        if not 0 < speed <= 1000:
            raise DomainError(f"The speed {speed:g} is out of range: give one from 0.1 to 1000.")
        self.base = base
        self.speed = speed
        self.start = start if start is not None else base.now()
        #: Time of the clock underneath spent held, which drill time skips.
        self._held = held
        #: Rebuilt from the log by another terminal (`drill_clock_of`): it starts when the log
        #: says so (`follow`), not when a briefing on this screen closes.
        self.follows_log = False
        self._held_since: datetime | None = None

    def now(self) -> datetime:
        base = self._held_since if self._held_since is not None else self.base.now()
        return self.start + (base - self.start - self._held) * self.speed

    def hold(self, since: datetime | None = None) -> None:
        """Stand still from now (or from `since`, a time of the clock underneath)."""
        if self._held_since is None:
            self._held_since = since if since is not None else self.base.now()

    def resume(self) -> None:
        if self._held_since is not None:
            self._held += self.base.now() - self._held_since
            self._held_since = None

    @property
    def held(self) -> bool:
        return self._held_since is not None

    @property
    def held_for(self) -> timedelta:
        """How long the clock underneath has run while this one was held."""
        ongoing = self.base.now() - self._held_since if self._held_since is not None else None
        return self._held + (ongoing or timedelta(0))

    def follow(self, state: IncidentState) -> None:
        """Start when the log says the drill clock started, held as long as the trainee's was:
        for a terminal that rebuilt the clock from the log (`drill_clock_of`) while the
        briefing was still open. A clock that runs, or whose drill has not started, is left."""
        if self.follows_log and self._held_since is not None and state.drill_clock_started:
            self._held = timedelta(seconds=state.drill_held)
            self._held_since = None

    def base_time(self, drill_time: datetime) -> datetime:
        """When the clock underneath reads `drill_time` on this clock (unless held again)."""
        return self.start + self._held + (drill_time - self.start) / self.speed


def wall_clock(clock: Clock) -> Clock:
    """The clock under any drill clock: for what other terminals compare across processes
    (presence heartbeats), which must not run `speed` times as fast, nor stand still while a
    briefing holds the drill clock."""
    while isinstance(clock, DrillClock):
        clock = clock.base
    return clock


def drill_clock_of(
    state: IncidentState, base: Clock, *, briefing_open: bool = True
) -> DrillClock | None:
    """The clock a drill runs on, for another terminal opening it (`ic watch`, `ic open`): its
    speed from the log, anchored at the declaration, less the time held for the briefing. While
    the briefing is open (no `drill.clock_started` yet, and `briefing_open`: a trainee's console
    is there to close it) it stands still at the declaration, as the trainee's does, until
    `DrillClock.follow` sees the clock start. A briefing left open by a console that is gone
    holds nothing: the clock runs from the declaration, so what is recorded later is not all
    stamped at the declaration. None for a real incident."""
    if not state.drill or state.declared_at is None or state.drill_speed <= 0:
        return None
    clock = DrillClock(
        base,
        state.drill_speed,
        start=state.declared_at,
        held=timedelta(seconds=state.drill_held),
    )
    clock.follows_log = True
    if not state.drill_clock_started and briefing_open:
        clock.hold(since=state.declared_at)
    return clock


def briefing_may_be_open(home: Path, incident_id: str, state: IncidentState, base: Clock) -> bool:
    """Whether a drill's briefing may still be open: its clock has not started and a console
    has the drill open (a fresh presence heartbeat, `store.presence`). A trainee who quit during
    the briefing left no console: then nothing will ever start the clock."""
    if state.drill_clock_started:
        return False
    from ic_console.store.presence import read_presence

    try:
        return bool(read_presence(incident_dir(home, incident_id), wall_clock(base)))
    except (StoreError, DomainError, OSError):
        return False


#: The log kind each speaking inject is recorded as.
_LOG_KIND = {
    "report": LogKind.STATUS,
    "ask": LogKind.NOTE,
    "escalation": LogKind.NOTE,
    "note": LogKind.NOTE,
}


@dataclass(frozen=True)
class Delivery:
    """One inject delivered: when it was due, what was recorded, and its line for a toast."""

    index: int
    inject: Inject
    due: datetime
    events: list[Event]
    line: str


@dataclass
class DrillRunner:
    """Delivers a scenario's injects on the drill clock as the trainee acts."""

    store: IncidentStore
    scenario: Scenario
    clock: Clock
    #: Injects not yet delivered, by their index in the scenario.
    pending: dict[int, Inject] = field(init=False, default_factory=dict)
    #: When each pending inject's trigger happened.
    armed: dict[int, datetime] = field(init=False, default_factory=dict)
    #: People gone quiet, with the follow-ups on their tasks when they did.
    silent: dict[str, int] = field(init=False, default_factory=dict)
    delivered: list[Delivery] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self.pending = dict(enumerate(self.scenario.injects))

    @property
    def finished(self) -> bool:
        return not self.pending

    def tick(self) -> list[Delivery]:
        """Deliver every inject due by now, earliest first; what was delivered."""
        now = self.clock.now()
        out: list[Delivery] = []
        while True:
            state = self.store.state
            self._arm(state, now)
            due = [
                (self.armed[i] + inject.at, i)
                for i, inject in self.pending.items()
                if i in self.armed and not self._held(inject, state)
            ]
            ready = sorted(item for item in due if item[0] <= now)
            if not ready:
                return out
            when, index = ready[0]
            out.append(self._deliver(index, self.pending.pop(index), when, state))
            self.armed.pop(index, None)

    def next_due(self) -> datetime | None:
        """The drill time of the next inject already armed (None: waiting for the trainee)."""
        state = self.store.state
        times = [
            self.armed[i] + inject.at
            for i, inject in self.pending.items()
            if i in self.armed and not self._held(inject, state)
        ]
        return min(times, default=None)

    # -- triggers -------------------------------------------------------------------------------

    def _arm(self, state: IncidentState, now: datetime) -> None:
        for index, inject in self.pending.items():
            if index not in self.armed:
                at = self._trigger(inject, state, now)
                if at is not None:
                    self.armed[index] = at

    def _trigger(self, inject: Inject, state: IncidentState, now: datetime) -> datetime | None:
        start = state.declared_at or now
        who = name_key(inject.by)
        if inject.when == "start":
            return start
        if inject.when == "assigned":
            times = [t.assigned_at for t in state.tasks.values() if name_key(t.owner) == who]
            return min(times, default=None)
        if inject.when == "decision":
            return min((d.proposed_at for d in state.decisions.values()), default=None)
        if inject.when == "update":
            return state.updates[0].at if state.updates else None
        if inject.when == "ic":
            stints = [s.start for s in state.role_history if s.role is Role.IC]
            return min(stints, default=None)
        # followup: the trainee dealt with the person's task (after they went quiet, if they did)
        baseline = self.silent.get(inject.by, 0)
        return now if followups(state, inject.by) > baseline else None

    def _held(self, inject: Inject, state: IncidentState) -> bool:
        """A quiet person says nothing more until someone follows up on their task."""
        if inject.by not in self.silent or inject.when == "followup":
            return False
        if followups(state, inject.by) > self.silent[inject.by]:
            del self.silent[inject.by]
            return False
        return True

    # -- delivering -----------------------------------------------------------------------------

    def _deliver(self, index: int, inject: Inject, due: datetime, state: IncidentState) -> Delivery:
        command = self._command(inject, state)
        events: list[Event] = []
        line = ""
        if command is not None:
            try:
                events = self.store.execute(command, actor=inject.by)
            except DomainError:
                events = []  # already on the call, the task is gone: the inject has no effect
            except (StoreError, OSError) as error:
                # The drill goes on without it; the trainee is told why it did not come.
                reason = error.strerror if isinstance(error, OSError) else str(error)
                line = f"{inject.by}'s inject could not be recorded: {reason}"
        delivery = Delivery(index, inject, due, events, line or _line(inject, events))
        self.delivered.append(delivery)
        return delivery

    def _command(self, inject: Inject, state: IncidentState) -> cmd.Command | None:
        kind = inject.kind
        if kind == "join":
            return cmd.Join(name=inject.by)
        if kind in _LOG_KIND:
            return cmd.AddLogEntry(text=inject.text, kind=_LOG_KIND[kind])
        if kind == "ack":
            mine = sorted(
                t.number
                for t in state.open_tasks()
                if name_key(t.owner) == name_key(inject.by) and t.acknowledged_at is None
            )
            return cmd.AcknowledgeTask(number=mine[0]) if mine else None
        if kind == "object":
            open_ = [d.number for d in state.decisions.values() if d.status is DecisionStatus.OPEN]
            if not open_:
                return None
            return cmd.RaiseObjection(number=max(open_), text=inject.text, by=inject.by)
        # silence: nothing is said; the person's later injects wait for a follow-up
        self.silent[inject.by] = followups(state, inject.by)
        return None


def followups(state: IncidentState, name: str) -> int:
    """How often someone dealt with `name`'s tasks: extended, reassigned, finished."""
    key = name_key(name)
    count = 0
    for task in state.tasks.values():
        if name_key(task.owner) == key:
            count += task.extensions + task.reassignments + (0 if task.is_open else 1)
    return count


def _line(inject: Inject, events: list[Event]) -> str:
    if inject.kind == "silence":
        return f"{inject.by} has gone quiet."
    if not events:
        return ""
    if inject.kind == "join":
        return f"{inject.by} joined the call."
    if inject.kind == "ack":
        return f"{inject.by}: acknowledged."
    return f"{inject.by}: {inject.text}"


def clock_for(home: Path, incident_id: str, base: Clock) -> Clock:
    """The clock to open `incident_id` on: a drill's own clock, else `base` unchanged."""
    if not is_drill_id(incident_id) or isinstance(base, DrillClock):
        return base
    try:
        store = IncidentStore.open(home, incident_id, read_only=True)
    except (StoreError, DomainError, OSError):
        return base  # opening it properly will say what is wrong
    state = store.state
    open_briefing = briefing_may_be_open(home, incident_id, state, base)
    return drill_clock_of(state, base, briefing_open=open_briefing) or base


# -- starting a drill ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StartedDrill:
    incident_id: str
    clock: DrillClock
    scenario: Scenario


def new_drill_id(home: Path, scenario_id: str, now: datetime) -> str:
    """`drill-20261123-db-failover-stall`, numbered when taken; within the id's 48 characters."""
    slug = scenario_id[:28].strip("-") or "scenario"
    base = f"{DRILL_PREFIX}{now:%Y%m%d}-{slug}"
    candidate, number = base, 2
    while incident_dir(home, candidate).exists():
        candidate = f"{base}-{number}"
        number += 1
    return check_incident_id(candidate)


def trainee_name(scenario: Scenario, trainee: str) -> str:
    """`trainee` as the drill records it; DomainError when it is empty or one of the
    scenario's people (checked before a drill is made, and before its screen is asked for)."""
    trainee = clean_name(trainee, what="trainee's name")
    taken = {name_key(name) for name in [*scenario.names(), scenario.paged_by]}
    if name_key(trainee) in taken:
        raise DomainError(
            f"{trainee} is one of the scenario's people: practise under another name with --as."
        )
    return trainee


def start_drill(
    home: Path,
    scenario: Scenario,
    *,
    trainee: str,
    speed: float,
    base_clock: Clock,
    replay_of: str | None = None,
    held: bool = False,
) -> StartedDrill:
    """Declare the drill's incident (by the scenario's `paged_by`) and mark it as a drill.
    With `held`, the drill clock stands still from the declaration until resumed (the console
    resumes it when the trainee has read the briefing), so a slow start costs no drill time.

    Raises DomainError when the trainee is one of the scenario's people, StoreError when the
    folder cannot be made.
    """
    trainee = trainee_name(scenario, trainee)
    clock = DrillClock(base_clock, speed)
    incident_id = new_drill_id(home, scenario.id, clock.now())
    title = _within_title(f"Drill: {scenario.title}")
    try:
        store = IncidentStore.create(
            home,
            cmd.Declare(incident_id=incident_id, title=title, severity=scenario.severity),
            clock=clock,
            actor=scenario.paged_by,
        )
        store.execute(
            StartDrill(scenario=scenario.title, trainee=trainee, speed=speed, replay_of=replay_of),
            actor=scenario.paged_by,
        )
        if not held:
            # Its clock runs from the declaration: said in the log, so that every terminal
            # following it runs it too (`drill_clock_of` holds a clock that has not started).
            store.execute(StartDrillClock(held_seconds=0), actor=scenario.paged_by)
    except OSError as error:
        raise FilesUnwritable(f"Could not create the drill's files: {error.strerror}.") from None
    if held:
        clock.hold()
    return StartedDrill(incident_id, clock, scenario)


# -- a past incident as a scenario -----------------------------------------------------------------


def replay_scenario(
    incident_id: str, events: Iterable[Event], state: IncidentState, *, trainee: str
) -> Scenario:
    """A past incident as a scenario: its people (but its commanders and the trainee) join when
    they joined, and their status reports and notes come at their recorded offsets. What its
    commanders did is left out: it is the answer key, shown beside the trainee's figures."""
    start = state.declared_at
    if start is None:
        raise DomainError(f"{incident_id} was never declared: there is nothing to replay.")
    commanders = {stint.name for stint in state.role_history if stint.role is Role.IC}
    left_out = commanders | {trainee}
    paged_by = state.declared_by if state.declared_by not in left_out else "Alerting"
    paged_by = _scenario_name(paged_by) or "Alerting"
    people: dict[str, Person] = {}
    injects: list[Inject] = []

    def person(name: str) -> str | None:
        """The name `name` speaks under in the replay (adding them to its people), or None.
        A name a scenario cannot hold (control characters, a group word, as another laptop
        may have written it) is left out with what they said: the replay must not stop on
        it."""
        cleaned = _scenario_name(name) if name not in left_out else None
        if cleaned is None or cleaned in left_out:
            return None
        if cleaned != paged_by and cleaned not in people:
            people[cleaned] = Person(name=cleaned, about=_about(state, name))
        return cleaned

    for event in events:
        data = event.data
        offset = max(timedelta(0), event_time(event) - start)
        if isinstance(data, ParticipantJoined):
            joined = person(data.name)
            if joined is not None and joined != paged_by:
                injects.append(Inject(by=joined, kind="join", at=offset))
        elif isinstance(data, LogEntryAdded) and data.kind in _REPLAYED:
            speaker = person(event.actor)
            if speaker is not None:
                kind = "report" if data.kind is LogKind.STATUS else "note"
                injects.append(Inject(by=speaker, kind=kind, text=data.text, at=offset))
    injects.sort(key=lambda inject: inject.at)
    if not injects:
        raise DomainError(
            f"{incident_id} has no status reports or notes from anyone but its commanders: "
            "there is nothing to replay as injects."
        )
    if not people:
        people[paged_by] = Person(name=paged_by, about="raised the incident")
    return Scenario(
        id=_replay_id(incident_id),
        title=_within_title(f"Replay of {state.title}"),
        severity=state.severity,
        briefing=f"A replay of {incident_id}: {state.title}",
        paged_by=paged_by,
        people=list(people.values()),
        injects=injects,
    )


_REPLAYED = frozenset({LogKind.STATUS, LogKind.NOTE, LogKind.ACTION})


def _scenario_name(name: str) -> str | None:
    """`name` as a scenario's person may be called (`clean_name`), or None if it cannot be."""
    try:
        return clean_name(name)
    except DomainError:
        return None


def _about(state: IncidentState, name: str) -> str:
    roles = [stint.role.label for stint in state.role_history if stint.name == name]
    return ", ".join(dict.fromkeys(roles)) or "on the call"


def _replay_id(incident_id: str) -> str:
    slug = "".join(c if c.isalnum() else "-" for c in incident_id.lower()).strip("-")
    return ("replay-" + slug)[:40].strip("-")


#: For the CLI's "speed" option: a number above zero, up to 1000.
def parse_speed(text: str, error: Callable[[str], Exception]) -> float:
    try:
        speed = float(text)
    except ValueError:
        raise error(f'--speed "{text}" is not a number: give one like 2 or 10.') from None
    if not 0.1 <= speed <= 1000:
        raise error(f"--speed {text} is out of range: give a number from 0.1 to 1000.")
    return speed


def _within_title(title: str) -> str:
    """A drill's title made from another (the scenario's, the replayed incident's) with words
    in front: cut with an ellipsis to the longest title, so a real incident of a long title can
    still be practised (it was refused with advice the trainee could not follow)."""
    return title if len(title) <= MAX_TITLE else title[: MAX_TITLE - 1] + "…"
