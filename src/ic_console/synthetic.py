"""Made-up incidents built through the real domain, for the demo, the tests and the benchmarks.

Every event comes from a domain command (`decide`), is put together by `envelope` and folded into
the state, exactly as the store does it. A `ScriptedIncident` records in one of two ways:
`in_store` runs each command through `IncidentStore.execute` (lock, fsync, summary), for the demo
and the golden incident; otherwise the events are encoded in memory and `write` puts them on disk
in one write, byte for byte what the store would have written, without the per-event fsync
(100,000 fsyncs would test the disk, not the incident): the load incident and the benchmarks.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ic_console.domain import commands as c
from ic_console.domain.clock import FakeClock
from ic_console.domain.events import Event, envelope
from ic_console.domain.model import Audience, LogKind, Phase, Role
from ic_console.domain.state import IncidentState, apply
from ic_console.store.eventlog import encode
from ic_console.store.incident import IncidentStore
from ic_console.store.paths import EVENTS_FILE, FILE_MODE, incident_dir, make_private_dir

#: The scribe entry kinds, taken in turn by the made-up incidents.
_KINDS = (LogKind.NOTE, LogKind.ACTION, LogKind.STATUS, LogKind.FOLLOWUP)


class ScriptedIncident:
    """An incident driven by a script of commands on a fake clock that starts at `start`."""

    def __init__(self, start: datetime, *, new_id: Callable[[], str] | None = None) -> None:
        self.start = start
        self.clock = FakeClock(start)
        self.store: IncidentStore | None = None
        #: The encoded log lines, in memory mode (see `write`).
        self.lines: list[bytes] = []
        #: Called with every event recorded in memory mode (a test counting what it needs).
        self.on_event: Callable[[Event], None] | None = None
        self._state = IncidentState()
        counter = itertools.count(1)
        #: Ids from a counter by default, so two builds write the same bytes.
        self._new_id = new_id or (lambda: f"{next(counter):032x}")

    @classmethod
    def in_store(
        cls, root: Path, declare: c.Declare, *, start: datetime, actor: str
    ) -> ScriptedIncident:
        """An incident created under `root` whose every command goes through the real store."""
        script = cls(start)
        script.store = IncidentStore.create(root, declare, clock=script.clock, actor=actor)
        return script

    @property
    def state(self) -> IncidentState:
        return self.store.state if self.store is not None else self._state

    def run(self, command: c.Command, actor: str = "Alex") -> None:
        """Record `command` by `actor` now; a refused command raises `DomainError`."""
        if self.store is not None:
            self.store.execute(command, actor=actor)
            return
        state = self._state
        now = self.clock.now()
        person = state.find_participant(actor)
        role = state.primary_role(person.name if person else actor)  # as the store stamps it
        payloads = c.decide(command, state, now, actor)
        for event in envelope(
            payloads, after_seq=state.last_seq, at=now, actor=actor, role=role, new_id=self._new_id
        ):
            apply(state, event)
            self.lines.append(encode(event))
            if self.on_event is not None:
                self.on_event(event)

    def at(self, minute: float, command: c.Command, actor: str = "Alex") -> None:
        """Record `command` at `minute` minutes after the start."""
        self.clock.set(self.start + timedelta(minutes=minute))
        self.run(command, actor)

    def write_log(self, path: Path) -> Path:
        """Write the recorded lines to `path` in one write, private to the user."""
        make_private_dir(path.parent)
        path.write_bytes(b"".join(self.lines))
        path.chmod(FILE_MODE)
        return path

    def write(self, root: Path) -> Path:
        """Write the incident's `events.jsonl` in its directory under `root`; the directory."""
        directory = incident_dir(root, self.state.incident_id)
        self.write_log(directory / EVENTS_FILE)
        return directory


# -- the benchmarks' incidents -------------------------------------------------------------------


def write_busy_incident(
    root: Path,
    incident_id: str,
    count: int,
    *,
    rare: str | None = None,
    resolve: bool = False,
    start: datetime | None = None,
) -> Path:
    """An incident of exactly `count` events of every kind (entries, tasks, decisions, updates);
    its directory. `rare` is a word written exactly once (for search); `resolve` ends it
    resolved."""
    script = ScriptedIncident(start or datetime(2026, 11, 23, 14, 0, tzinfo=UTC))
    run, state = script.run, script.state
    people = [f"Responder {n}" for n in range(12)]
    run(c.Declare(incident_id=incident_id, title=f"Checkout errors {incident_id}", severity=1))
    run(c.AssignRole(role=Role.IC, name="Alex"))
    for person in people:
        run(c.Join(name=person))
    step = 0
    while state.last_seq < count - (1 if resolve else 0):
        step += 1
        script.clock.advance(2)
        owner = people[step % len(people)]
        phase = step % 10
        if phase < 5:
            kind = _KINDS[step % 4]
            text = f"Observation {step}: p99 latency on eu-west at {step % 900}ms"
            if rare and step == 50:
                text += f" ({rare})"
            run(c.AddLogEntry(text=text, kind=kind), actor=owner)
        elif phase == 5:
            run(c.AssignTask(owner=owner, text=f"Check shard {step}", timebox=timedelta(minutes=5)))
        elif phase == 6:
            open_tasks = state.open_tasks()
            if open_tasks:
                run(c.CompleteTask(number=open_tasks[0].number))
        elif phase == 7:
            run(c.ProposeDecision(text=f"Fail over shard {step} to the standby"))
        elif phase == 8:
            open_decisions = state.open_decisions()
            if open_decisions:
                run(c.AcceptDecision(number=open_decisions[0].number))
        else:
            run(c.PostUpdate(audience=Audience.INTERNAL, text=f"Update {step}: still diagnosing"))
    del script.lines[count - (1 if resolve else 0) :]
    if resolve:
        script.run(c.Resolve())
    return script.write(root)


def write_scribe_incident(
    root: Path, incident_id: str, *, log_entries: int, tasks: int, start: datetime
) -> Path:
    """Declared, Alex in command, `tasks` open tasks, then `log_entries` scribe entries, all at
    `start`; its directory (the console benchmarks)."""
    script = ScriptedIncident(start)
    run = script.run
    run(c.Declare(incident_id=incident_id, title="Checkout errors in EU", severity=1))
    run(c.AssignRole(role=Role.IC, name="Alex"))
    for number in range(tasks):
        run(
            c.AssignTask(
                owner=f"Responder {number % 40}",
                text=f"check shard {number}",
                timebox=timedelta(minutes=31 + number % 60),
            )
        )
    for step in range(log_entries):
        run(
            c.AddLogEntry(
                text=f"Observation {step}: p99 latency on eu-west at {step % 900}ms",
                kind=_KINDS[step % 4],
            ),
            actor=f"Responder {step % 40}",
        )
    return script.write(root)


# -- the load incident ---------------------------------------------------------------------------

LOAD_EVENTS = 100_000
LOAD_PARTICIPANTS = 500
LOAD_TASKS = 2_000
#: Everyone on the call: Alex (the IC) and 499 responders.
LOAD_RESPONDERS = LOAD_PARTICIPANTS - 1
#: Tasks left open at the end (the rest are done or cancelled).
LOAD_OPEN_TASKS = 200
LOAD_ID = "load-100k"
LOAD_START = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
#: A word written exactly once, for search.
LOAD_RARE = "zebra-crossing"
#: A word in every status entry, for search and filters.
LOAD_COMMON = "replica"


@dataclass
class LoadFacts:
    """What the load-incident builder wrote, counted as it went, for tests to check against."""

    path: Path
    events: int = 0
    log_entries: int = 0
    followups: int = 0
    status_entries: int = 0
    #: Status entries that mention LOAD_COMMON.
    status_common: int = 0
    #: Someone on the call, and how many scribe entries they wrote.
    sample_person: str = ""
    sample_person_entries: int = 0
    participants: int = 0
    tasks: int = 0
    open_tasks: int = 0
    decisions: int = 0
    last_text: str = ""
    last_at: datetime = LOAD_START
    people: list[str] = field(default_factory=list)


def load_person(n: int) -> str:
    return f"Responder {n:03d}"


def build_load_incident(
    path: Path, *, on_event: Callable[[Event], None] | None = None
) -> LoadFacts:
    """Write the load incident's `events.jsonl` at `path` (100,000 events, 500 participants,
    2,000 tasks, one write) and say what is in it."""
    script = ScriptedIncident(LOAD_START)
    script.on_event = on_event
    run, state, clock = script.run, script.state, script.clock
    people = _load_cast(script)
    step = 0
    # Room for the tasks' own events and the closing entries, kept out of the main loop.
    while state.last_seq < LOAD_EVENTS - 3:
        step += 1
        clock.advance(1)
        _load_step(script, people, step)
    clock.advance(1)
    run(c.AddLogEntry(text="Load incident: the last entry", kind=LogKind.STATUS))
    while state.last_seq < LOAD_EVENTS:
        clock.advance(1)
        run(c.AddLogEntry(text=f"Status {state.last_seq}: still watching", kind=LogKind.STATUS))
    facts = _load_facts(path, state, people, clock.now())
    script.write_log(path)
    return facts


def _load_cast(script: ScriptedIncident) -> list[str]:
    """Declare the load incident, call in everyone, hand out the roles; the responders."""
    run, clock = script.run, script.clock
    run(c.Declare(incident_id=LOAD_ID, title="Checkout errors in EU", severity=2))
    run(c.AssignRole(role=Role.IC, name="Alex"))
    people = [load_person(n) for n in range(LOAD_RESPONDERS)]
    for name in people:
        clock.advance(1)
        run(c.Join(name=name))
    run(c.AssignRole(role=Role.DEPUTY, name=people[0]))
    run(c.AssignRole(role=Role.SCRIBE, name=people[1]))
    run(c.AssignRole(role=Role.INTERNAL_LIAISON, name=people[2]))
    run(c.AssignRole(role=Role.CUSTOMER_LIAISON, name=people[3]))
    for n in range(4, 24):
        run(c.AssignRole(role=Role.SME, name=people[n]))
    run(c.ChangeSeverity(severity=1))
    run(c.ChangePhase(phase=Phase.MOBILIZE))
    run(c.ChangePhase(phase=Phase.DIAGNOSE))
    return people


def _load_step(script: ScriptedIncident, people: list[str], step: int) -> None:
    """One step of the load incident's main loop: a task, a decision, an update, a release or
    (most often) a scribe entry, by the step's number."""
    run, state = script.run, script.state
    owner = people[step % LOAD_RESPONDERS]
    slot = step % 40
    assigned = len(state.tasks)  # every task of the load incident is assigned here
    if slot == 7 and assigned < LOAD_TASKS:
        run(
            c.AssignTask(
                owner=owner,
                text=f"check {LOAD_COMMON} lag on shard {assigned + 1}",
                timebox=timedelta(minutes=5 + (assigned + 1) % 40),
            )
        )
    elif slot in (9, 19, 29) and len(state.open_tasks()) > LOAD_OPEN_TASKS:
        _load_work_oldest_task(script, people)
    elif slot == 23:
        _load_decide(script, step, owner)
    elif step % 1200 == 0:
        audience = (Audience.INTERNAL, Audience.EXTERNAL)[step // 1200 % 2]
        run(c.PostUpdate(audience=audience, text=f"Update {step}: still diagnosing"))
    elif step % 2500 == 0 and _owns_nothing(state, people[400 + step // 2500 % 99]):
        run(c.Release(name=people[400 + step // 2500 % 99]))
    else:
        _load_entry(script, step, owner)


def _load_work_oldest_task(script: ScriptedIncident, people: list[str]) -> None:
    """Move the oldest open task on: acknowledge, extend, reassign, cancel or complete it."""
    run = script.run
    oldest = min(script.state.open_tasks(), key=lambda t: t.number)
    if oldest.acknowledged_at is None:
        run(c.AcknowledgeTask(number=oldest.number), actor=oldest.owner)
    elif oldest.number % 7 == 0 and oldest.extensions == 0:
        run(c.ExtendTask(number=oldest.number, timebox=timedelta(minutes=10)))
    elif oldest.number % 11 == 0 and oldest.reassignments == 0:
        pick = (oldest.number * 3) % LOAD_RESPONDERS
        if people[pick] == oldest.owner:
            pick = (pick + 1) % LOAD_RESPONDERS
        run(c.ReassignTask(number=oldest.number, owner=people[pick]))
    elif oldest.number % 13 == 0:
        run(c.CancelTask(number=oldest.number))
    else:
        run(c.CompleteTask(number=oldest.number))


def _load_decide(script: ScriptedIncident, step: int, owner: str) -> None:
    """Object to or accept the first open decision, or propose a new one."""
    run = script.run
    open_decisions = script.state.open_decisions()
    if open_decisions and step % 3:
        decision = open_decisions[0]
        if not decision.objections and step % 2:
            run(
                c.RaiseObjection(
                    number=decision.number, text="the standby is a version behind", by=owner
                )
            )
        else:
            run(c.AcceptDecision(number=decision.number))
    else:
        run(c.ProposeDecision(text=f"Fail over shard {step} to the standby"))


_LOAD_VERBS = ("Add", "Alert on", "Document", "Automate")


def _load_entry(script: ScriptedIncident, step: int, owner: str) -> None:
    """A scribe entry of the step's kind (one in 97 backdated three minutes)."""
    kind = _KINDS[step % 4]
    if kind is LogKind.FOLLOWUP:
        text = f"{_LOAD_VERBS[step % 4]} a check for shard {step} before the next release"
    elif kind is LogKind.STATUS:
        text = f"Status {step}: {LOAD_COMMON} lag at {step % 900} ms on eu-west"
    else:
        text = f"Observation {step}: p99 latency on eu-west at {step % 900}ms"
    if step == 5_001:
        text += f" (the {LOAD_RARE} dashboard)"
    occurred = script.clock.now() - timedelta(minutes=3) if step % 97 == 0 else None
    script.run(c.AddLogEntry(text=text, kind=kind, occurred_at=occurred), actor=owner)


def _load_facts(path: Path, state: IncidentState, people: list[str], now: datetime) -> LoadFacts:
    """What the load incident holds, counted from its state."""
    log = state.log
    return LoadFacts(
        path=path,
        events=state.last_seq,
        log_entries=len(log),
        followups=sum(1 for e in log if e.kind is LogKind.FOLLOWUP),
        status_entries=sum(1 for e in log if e.kind is LogKind.STATUS),
        status_common=sum(1 for e in log if e.kind is LogKind.STATUS and LOAD_COMMON in e.text),
        sample_person=people[7],
        sample_person_entries=sum(1 for e in log if e.author == people[7]),
        participants=len(state.participants),
        tasks=len(state.tasks),
        open_tasks=len(state.open_tasks()),
        decisions=len(state.decisions),
        last_text=log[-1].text,
        last_at=now,
        people=people,
    )


def _owns_nothing(state: IncidentState, name: str) -> bool:
    """Whether `name` owns no open task (only then may they be released)."""
    return not any(task.owner == name for task in state.open_tasks())
