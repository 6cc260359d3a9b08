"""The review's figures: exporting a 100,000-event incident, and searching 200 incidents.

Run standalone (`python bench/bench_review.py`) or through `bench/run_all.py`. Each timed part
runs in a fresh subprocess (best of three), after one warm-up run, so the page cache is warm and
no import or cache of one part colours another. Figures only; nothing here passes or fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

from common import Figure, print_figures  # noqa: E402

EXPORT_EVENTS = 100_000
SEARCH_INCIDENTS = 200
EVENTS_PER_SEARCHED_INCIDENT = 500
RUNS = 3


def write_incident(root: Path, incident_id: str, count: int, *, rare: str | None = None) -> None:
    """An incident of `count` realistic events, written straight to disk (one write)."""
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
    while state.last_seq < count:
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
    run(c.Resolve())
    del lines[count:]
    directory = incident_dir(root, incident_id)
    make_private_dir(directory)
    (directory / EVENTS_FILE).write_bytes(b"".join(lines))


_EXPORT_CHILD = r"""
import json, sys, time
from pathlib import Path
root, fmt = Path(sys.argv[1]), sys.argv[2]
started = time.perf_counter()
from ic_console.review.export import export
from ic_console.review.source import open_for_review
imported = time.perf_counter()
if fmt == "floor":
    path = root / "incidents" / "bench-export" / "events.jsonl"
    with open(path, "rb") as handle:
        size = len([json.loads(line) for line in handle])
    opened = imported
else:
    source = open_for_review(root, "bench-export")
    opened = time.perf_counter()
    size = len(export(source.events, source.state, fmt)) if fmt != "open" else 0
done = time.perf_counter()
print(json.dumps({"seconds": done - imported, "open": opened - imported,
                  "import": imported - started, "size": size}))
"""

_SEARCH_CHILD = r"""
import json, sys, time
from pathlib import Path
root, needle = Path(sys.argv[1]), sys.argv[2]
started = time.perf_counter()
if needle == "floor":
    hits = 0
    for path in sorted((root / "incidents").glob("*/events.jsonl")):
        hits += "needle" in path.read_bytes().decode("utf-8").casefold()
else:
    from ic_console.review.search import search
    hits = len(search(root, needle).hits)
print(json.dumps({"seconds": time.perf_counter() - started, "hits": hits}))
"""


def _best(code: str, *args: str) -> dict[str, float]:
    """Best of RUNS fresh subprocesses, after one warm-up."""
    results = []
    for _ in range(RUNS + 1):
        out = subprocess.run(
            [sys.executable, "-c", code, *args], check=True, capture_output=True, text=True
        ).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
    return min(results[1:], key=lambda r: float(r["seconds"]))


def export_figures(root: Path) -> list[Figure]:
    write_incident(root, "bench-export", EXPORT_EVENTS)
    floor = _best(_EXPORT_CHILD, str(root), "floor")["seconds"]
    opened = _best(_EXPORT_CHILD, str(root), "open")
    figures = [
        Figure("import the review modules", opened["import"], "s", "-"),
        Figure(
            f"open {EXPORT_EVENTS:,} events for review (read, check, fold)",
            opened["open"],
            "s",
            "-",
            floor,
        ),
    ]
    for fmt in ("md", "html", "json", "csv"):
        best = _best(_EXPORT_CHILD, str(root), fmt)
        figures.append(
            Figure(
                f"export {EXPORT_EVENTS:,} events as {fmt} (open + render)",
                best["seconds"],
                "s",
                "< 2",
                floor,
            )
        )
    return figures


def search_figures(root: Path) -> list[Figure]:
    for n in range(SEARCH_INCIDENTS):
        rare = "zebra-crossing" if n % 50 == 7 else None
        write_incident(root, f"inc-{n:03d}", EVENTS_PER_SEARCHED_INCIDENT, rare=rare)
    floor = _best(_SEARCH_CHILD, str(root), "floor")["seconds"]
    rare = _best(_SEARCH_CHILD, str(root), "zebra-crossing")
    common = _best(_SEARCH_CHILD, str(root), "standby")
    label = f"{SEARCH_INCIDENTS} incidents x {EVENTS_PER_SEARCHED_INCIDENT} events"
    return [
        Figure(
            f"search {label}, rare word ({rare['hits']:.0f} hits)",
            rare["seconds"],
            "s",
            "< 1",
            floor,
        ),
        Figure(
            f"search {label}, common word ({common['hits']:.0f} hits)",
            common["seconds"],
            "s",
            "< 1",
            floor,
        ),
    ]


def run() -> list[Figure]:
    root = Path(tempfile.mkdtemp(prefix="ic-bench-review-"))
    old_home = os.environ.get("IC_CONSOLE_HOME")
    try:
        return export_figures(root / "export") + search_figures(root / "search")
    finally:
        if old_home is not None:
            os.environ["IC_CONSOLE_HOME"] = old_home
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    print_figures(run())
