"""1,000,000 events: a bot that logs every alert into one incident for days (issue 13, item 7).

The incident is generated once with `ic_console.synthetic.ScriptedIncident` (alerts logged as
entries, a task handed out and done every 100 events), streamed to its file and cached under the
temp dir (`ic-bench-million`), since writing it takes minutes; a 1,000-event incident beside it
is the floor of a command. Figures:
`ic log` as a whole process (floor: the same on 1,000 events), replay from scratch with no
snapshot (floor: `json.loads` of every line) and the console opened to its last screen, each
with its peak memory. Every figure and its floor run in turn, RUNS rounds; median and min.
Set IC_BENCH_QUICK=1 to skip this module (the console alone takes many seconds per run), or
IC_BENCH_MILLION_ONLY=log to run only the `ic log` rows (no replay from scratch, no console).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ic_console.domain import commands as c
from ic_console.domain.model import LogKind, Role
from ic_console.store.paths import (
    EVENTS_FILE,
    FILE_MODE,
    event_files,
    incident_dir,
    make_private_dir,
)
from ic_console.store.snapshot import SNAPSHOT_FILE
from ic_console.synthetic import ScriptedIncident

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

from common import RUNS, Figure, Run, cpu, figure, peak, print_figures, run_child  # noqa: E402

EVENTS = 1_000_000
BIG_ID = "bot-1m"
SMALL_ID = "bot-1k"
CACHE = Path(tempfile.gettempdir()) / "ic-bench-million"
MEASURE = REPO / "tests" / "load" / "measure.py"
#: Written last, once both incidents are whole: a half-built cache is built again.
DONE = CACHE / "built"
START = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
TIMEBOX = timedelta(minutes=30)


def _write_bot_incident(home: Path, incident_id: str, events: int) -> None:
    """A bot's incident of `events` events, written as it goes (never all in memory): declared,
    a few people, then alerts logged as entries with a task handed out and done now and then."""
    script = ScriptedIncident(START)
    run, state = script.run, script.state
    people = [f"Responder {n}" for n in range(12)]
    run(c.Declare(incident_id=incident_id, title="Alerts from the bot", severity=2))
    run(c.AssignRole(role=Role.IC, name="Alex"))
    for person in people:
        run(c.Join(name=person))
    path = incident_dir(home, incident_id) / EVENTS_FILE
    make_private_dir(path.parent)
    kinds = (LogKind.NOTE, LogKind.STATUS, LogKind.ACTION, LogKind.FOLLOWUP)
    with path.open("wb") as out:
        step = 0
        while state.last_seq < events:
            step += 1
            script.clock.advance(1)
            owner = people[step % len(people)]
            if step % 100 == 50:
                run(c.AssignTask(owner=owner, text=f"Check alert {step}", timebox=TIMEBOX))
            elif step % 100 == 60:
                run(c.CompleteTask(number=len(state.tasks)))  # numbered from 1, never removed
            else:
                text = f"Alert {step}: p99 latency on eu-west at {step % 900}ms"
                run(c.AddLogEntry(text=text, kind=kinds[step % 4]), actor=owner)
            if len(script.lines) >= 10_000:
                out.writelines(script.lines)
                script.lines.clear()
                state.log.clear()  # the builder never reads it; the bench's memory stays small
        out.writelines(script.lines)
    path.chmod(FILE_MODE)


def _home() -> Path:
    home = CACHE / "home"
    if DONE.exists():
        return home
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    _write_bot_incident(home, BIG_ID, EVENTS)
    _write_bot_incident(home, SMALL_ID, 1000)
    for path in (home, home / "incidents", *(home / "incidents").iterdir()):
        path.chmod(0o700)
    DONE.write_text("1\n")
    return home


def _last_at(home: Path) -> datetime:
    """When the big incident's last event was recorded (the console's clock), from its last line."""
    path = event_files(home / "incidents" / BIG_ID)[-1]  # the first write made it a replica's
    with path.open("rb") as handle:
        handle.seek(max(0, path.stat().st_size - 4096))
        last = handle.read().splitlines()[-1]
    return datetime.fromisoformat(json.loads(last)["at"]) + timedelta(seconds=1)


def _env(home: Path, incident: str = BIG_ID) -> dict[str, str]:
    return dict(
        os.environ,
        TZ="UTC",
        IC_CONSOLE_HOME=str(home),
        IC_CONSOLE_USER="bench",
        IC_CONSOLE_CONFIG=os.devnull + ".absent.toml",
        IC_MEASURE_INCIDENT=incident,
    )


def run() -> list[Figure]:
    if os.environ.get("IC_BENCH_QUICK") == "1":
        print("bench_million skipped (IC_BENCH_QUICK=1)", file=sys.stderr)
        return []
    home = _home()
    snapshot = home / "incidents" / BIG_ID / SNAPSHOT_FILE
    ic = [sys.executable, "-m", "ic_console", "--home", str(home), "log"]
    log_big = [*ic, BIG_ID, "an alert from the bot"]
    log_small = [*ic, SMALL_ID, "an alert from the bot"]
    measure = [sys.executable, str(MEASURE)]
    last_at = _last_at(home).isoformat()
    env = _env(home)
    # Warm-up: the page cache, and the snapshot the first writer leaves; one console open and
    # close writes the rows cache (`log.rows`), as any console does: the console figures are of
    # an incident a console has opened before (the ic log calls between leave a short tail).
    run_child(log_big, env=env)
    run_child(log_small, env=env)
    log_only = os.environ.get("IC_BENCH_MILLION_ONLY") == "log"
    if not log_only:
        run_child([*measure, "console", str(home), last_at], env=env)
    runs: dict[str, list[Run]] = {}
    for _ in range(RUNS):
        runs.setdefault("log_big", []).append(run_child(log_big, env=env))
        runs.setdefault("log_small", []).append(run_child(log_small, env=env))
        if log_only:
            continue
        runs.setdefault("console", []).append(
            run_child([*measure, "console", str(home), last_at], env=env)
        )
        snapshot.unlink(missing_ok=True)  # from scratch: the whole log is folded
        runs.setdefault("replay", []).append(run_child([*measure, "replay", str(home)], env=env))
        runs.setdefault("floor_replay", []).append(
            run_child([*measure, "floor-replay", str(home)], env=env)
        )
    label = f"{EVENTS // 1_000_000}M events"
    log_figures = [
        figure(
            f"{label}: ic log (floor: on 1k)", runs["log_big"], runs["log_small"], target="< 0.5"
        ),
        figure(
            f"{label}: ic log, CPU (floor: on 1k)",
            runs["log_big"],
            runs["log_small"],
            target="< 0.5",
            measure=cpu,
        ),
    ]
    if log_only:
        return log_figures
    consoles = [json.loads(run.stdout.strip().splitlines()[-1]) for run in runs["console"]]
    opened = [
        Run(report["open"], run.cpu, run.peak_mb, "")
        for report, run in zip(consoles, runs["console"], strict=True)
    ]
    return [
        *log_figures,
        figure(
            f"{label}: replay from scratch (floor: json.loads)",
            runs["replay"],
            runs["floor_replay"],
            target="-",
        ),
        figure(
            f"{label}: replay from scratch peak memory",
            runs["replay"],
            runs["floor_replay"],
            target="< 150",
            measure=peak,
            unit="MB",
        ),
        figure(
            f"{label}: console open -> last screen (rows cache warmed by one open)",
            opened,
            None,
            target="< 1",
        ),
        figure(
            f"{label}: console peak memory (rows cache warmed)",
            opened,
            None,
            target="-",
            measure=peak,
            unit="MB",
        ),
    ]


if __name__ == "__main__":
    print_figures(run())
