"""Shared pieces of the benchmark scripts: the figure every benchmark reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path


@dataclass(frozen=True)
class Figure:
    """One measured figure.

    ``target`` is the goal as people say it (``"< 0.5"``); ``floor`` is a baseline measured in the
    same run on the same machine (e.g. ``json.loads`` of the same file), so a reader can tell a slow
    machine from slow code. ``None`` when there is no meaningful baseline.
    """

    name: str
    value: float
    unit: str
    target: str
    floor: float | None = None

    @property
    def ratio(self) -> float | None:
        """How many times the floor the figure is (``None`` without a usable floor)."""
        if self.floor is None or self.floor <= 0:
            return None
        return self.value / self.floor


def format_table(figures: list[Figure]) -> str:
    """Render figures as one plain-text table (figure, value, unit, target, floor, ratio)."""
    header = ("figure", "value", "unit", "target", "floor", "ratio")
    rows = [header]
    for fig in figures:
        ratio = fig.ratio
        rows.append(
            (
                fig.name,
                _num(fig.value),
                fig.unit,
                fig.target,
                "-" if fig.floor is None else _num(fig.floor),
                "-" if ratio is None else f"{ratio:.1f}x",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = []
    for n, row in enumerate(rows):
        cells = [
            cell.ljust(widths[i]) if i in (0, 2, 3) else cell.rjust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def print_figures(figures: list[Figure]) -> None:
    """Print a module's figures when it runs standalone."""
    print(format_table(figures))


def _num(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def write_incident(
    root: Path, incident_id: str, count: int, *, rare: str | None = None, resolve: bool = False
) -> Path:
    """An incident of `count` realistic events made by the real domain, written with the
    store's encoder in one write (no fsync per event).

    `rare` is a word written exactly once (for search); `resolve` ends the incident resolved.
    """
    import uuid

    from ic_console.domain import commands as c
    from ic_console.domain.clock import FakeClock
    from ic_console.domain.events import Event
    from ic_console.domain.model import Audience, LogKind, Role
    from ic_console.domain.state import IncidentState, apply
    from ic_console.store.eventlog import encode
    from ic_console.store.incident import EVENTS_FILE
    from ic_console.store.paths import incident_dir, make_private_dir

    clock = FakeClock()
    state = IncidentState()
    lines: list[bytes] = []
    people = [f"Responder {n}" for n in range(12)]

    def run(command: c.Command, actor: str = "Alex") -> None:
        for payload in c.decide(command, state, clock.now(), actor):
            event = Event(
                seq=state.last_seq + 1,
                id=uuid.uuid4().hex,
                at=clock.now(),
                actor=actor,
                data=payload,
            )
            apply(state, event)
            lines.append(encode(event))

    run(c.Declare(incident_id=incident_id, title=f"Checkout errors {incident_id}", severity=1))
    run(c.AssignRole(role=Role.IC, name="Alex"))
    for person in people:
        run(c.Join(name=person))
    step = 0
    while state.last_seq < count - (1 if resolve else 0):
        step += 1
        clock.advance(2)
        owner = people[step % len(people)]
        phase = step % 10
        if phase < 5:
            kind = (LogKind.NOTE, LogKind.ACTION, LogKind.STATUS, LogKind.FOLLOWUP)[step % 4]
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
    del lines[count - (1 if resolve else 0) :]
    if resolve:
        run(c.Resolve())
    directory = incident_dir(root, incident_id)
    make_private_dir(directory)
    (directory / EVENTS_FILE).write_bytes(b"".join(lines))
    return directory
