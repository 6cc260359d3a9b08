"""The load incident: 100,000 events, 500 participants and 2,000 tasks, made by the real domain.

Every event comes from a domain command (`decide`) folded into the state (`apply`) and is written
with the store's own encoder (`encode`), so the file is exactly what the store would have written.
Only the per-event fsync of `IncidentStore.execute` is skipped: 100,000 fsyncs would take minutes
and test the disk, not the incident. Shared by `tests/load/` and `bench/bench_load.py`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

EVENTS = 100_000
PARTICIPANTS = 500
TASKS = 2_000
#: Everyone on the call: Alex (the IC) and 499 responders.
RESPONDERS = PARTICIPANTS - 1
#: Tasks left open at the end (the rest are done or cancelled).
OPEN_TASKS = 200
INCIDENT_ID = "load-100k"
START = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
#: A word written exactly once, for search.
RARE = "zebra-crossing"
#: A word in every status entry, for search and filters.
COMMON = "replica"


@dataclass
class Built:
    """What the generator wrote, counted as it went, for the tests to check against."""

    path: Path
    events: int = 0
    log_entries: int = 0
    followups: int = 0
    status_entries: int = 0
    #: Status entries that mention COMMON.
    status_common: int = 0
    #: Someone on the call, and how many scribe entries they wrote.
    sample_person: str = ""
    sample_person_entries: int = 0
    participants: int = 0
    tasks: int = 0
    open_tasks: int = 0
    decisions: int = 0
    #: The scribe-log rows the console shows (log entries and system lines).
    rows: int = 0
    last_text: str = ""
    last_at: datetime = START
    people: list[str] = field(default_factory=list)


def person(n: int) -> str:
    return f"Responder {n:03d}"


def build(path: Path) -> Built:
    """Write the load incident's `events.jsonl` at `path` (one write) and say what is in it."""
    from ic_console.domain import commands as c
    from ic_console.domain.clock import FakeClock
    from ic_console.domain.events import Event
    from ic_console.domain.log_rows import describe
    from ic_console.domain.model import Audience, LogKind, Phase, Role
    from ic_console.domain.state import IncidentState, apply
    from ic_console.store.eventlog import encode

    clock = FakeClock(START)
    state = IncidentState()
    lines: list[bytes] = []
    built = Built(path)
    ids = uuid.UUID(int=0).int

    def run(command: c.Command, actor: str = "Alex") -> None:
        nonlocal ids
        for payload in c.decide(command, state, clock.now(), actor):
            ids += 1
            event = Event(
                seq=state.last_seq + 1,
                id=f"{ids:032x}",
                at=clock.now(),
                actor=actor,
                role=state.primary_role(actor),
                data=payload,
            )
            apply(state, event)
            lines.append(encode(event))
            if describe(payload) is not None:
                built.rows += 1

    run(c.Declare(incident_id=INCIDENT_ID, title="Checkout errors in EU", severity=2))
    run(c.AssignRole(role=Role.IC, name="Alex"))
    people = [person(n) for n in range(RESPONDERS)]
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

    kinds = (LogKind.NOTE, LogKind.ACTION, LogKind.STATUS, LogKind.FOLLOWUP)
    verbs = ("Add", "Alert on", "Document", "Automate")
    step = 0
    tasks = 0
    # Room for the tasks' own events and the closing entries, kept out of the main loop.
    while state.last_seq < EVENTS - 3:
        step += 1
        clock.advance(1)
        owner = people[step % RESPONDERS]
        slot = step % 40
        if slot == 7 and tasks < TASKS:
            tasks += 1
            run(
                c.AssignTask(
                    owner=owner,
                    text=f"check {COMMON} lag on shard {tasks}",
                    timebox=timedelta(minutes=5 + tasks % 40),
                )
            )
        elif slot in (9, 19, 29) and len(state.open_tasks()) > OPEN_TASKS:
            oldest = min(state.open_tasks(), key=lambda t: t.number)
            if oldest.acknowledged_at is None:
                run(c.AcknowledgeTask(number=oldest.number), actor=oldest.owner)
            elif oldest.number % 7 == 0 and oldest.extensions == 0:
                run(c.ExtendTask(number=oldest.number, timebox=timedelta(minutes=10)))
            elif oldest.number % 11 == 0 and oldest.reassignments == 0:
                pick = (oldest.number * 3) % RESPONDERS
                if people[pick] == oldest.owner:
                    pick = (pick + 1) % RESPONDERS
                run(c.ReassignTask(number=oldest.number, owner=people[pick]))
            elif oldest.number % 13 == 0:
                run(c.CancelTask(number=oldest.number))
            else:
                run(c.CompleteTask(number=oldest.number))
        elif slot == 23:
            open_decisions = state.open_decisions()
            if open_decisions and step % 3:
                decision = open_decisions[0]
                if not decision.objections and step % 2:
                    run(
                        c.RaiseObjection(
                            number=decision.number,
                            text="the standby is a version behind",
                            by=owner,
                        )
                    )
                else:
                    run(c.AcceptDecision(number=decision.number))
            else:
                run(c.ProposeDecision(text=f"Fail over shard {step} to the standby"))
        elif step % 1200 == 0:
            audience = (Audience.INTERNAL, Audience.EXTERNAL)[step // 1200 % 2]
            run(c.PostUpdate(audience=audience, text=f"Update {step}: still diagnosing"))
        elif step % 2500 == 0 and _owns_nothing(state, people[400 + step // 2500 % 99]):
            run(c.Release(name=people[400 + step // 2500 % 99]))
        else:
            kind = kinds[step % 4]
            if kind is LogKind.FOLLOWUP:
                text = f"{verbs[step % 4]} a check for shard {step} before the next release"
            elif kind is LogKind.STATUS:
                text = f"Status {step}: {COMMON} lag at {step % 900} ms on eu-west"
            else:
                text = f"Observation {step}: p99 latency on eu-west at {step % 900}ms"
            if step == 5_001:
                text += f" (the {RARE} dashboard)"
            occurred = clock.now() - timedelta(minutes=3) if step % 97 == 0 else None
            run(c.AddLogEntry(text=text, kind=kind, occurred_at=occurred), actor=owner)
    clock.advance(1)
    run(c.AddLogEntry(text="Load incident: the last entry", kind=LogKind.STATUS))
    while state.last_seq < EVENTS:
        clock.advance(1)
        run(c.AddLogEntry(text=f"Status {state.last_seq}: still watching", kind=LogKind.STATUS))

    built.events = state.last_seq
    built.log_entries = len(state.log)
    built.followups = sum(1 for e in state.log if e.kind is LogKind.FOLLOWUP)
    built.status_entries = sum(1 for e in state.log if e.kind is LogKind.STATUS)
    built.status_common = sum(1 for e in state.log if e.kind is LogKind.STATUS and COMMON in e.text)
    built.sample_person = people[7]
    built.sample_person_entries = sum(1 for e in state.log if e.author == people[7])
    built.participants = len(state.participants)
    built.tasks = len(state.tasks)
    built.open_tasks = len(state.open_tasks())
    built.decisions = len(state.decisions)
    built.last_text = state.log[-1].text
    built.last_at = clock.now()
    built.people = people
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.write_bytes(b"".join(lines))
    path.chmod(0o600)
    return built


def _owns_nothing(state: object, name: str) -> bool:
    """Whether `name` owns no open task (only then may they be released)."""
    from ic_console.domain.state import IncidentState

    assert isinstance(state, IncidentState)
    return not any(task.owner == name for task in state.open_tasks())
