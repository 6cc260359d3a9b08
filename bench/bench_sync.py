"""Two laptops through a local bare repository (issue 14): propagation, idle cost, a big round.

- Propagation: laptop A records log lines at random moments while both laptops run the
  console's background sync (`live.syncing.BackgroundSync`, default interval); laptop B follows
  its incident with `Follower` every 0.25 s as the console does. Latency is the moment B's
  follower sees the event minus the moment A started the command: p50 and p95.
- Idle CPU: one laptop's background sync with nothing to send or receive, as a share of one
  core (this process's CPU plus the git processes it ran, which are reaped into its children's
  times).
- One round of the 100,000-event load incident from scratch: sending (A commits and pushes)
  and receiving (B fetches, checks and stores the file); then one new line at a time, as
  the incident goes on: each round's wall time, and the receiving round's CPU.
- The second laptop's console on that incident (read merged, as two laptops' files are):
  opening it as a whole process (seconds, peak RSS) after one console opened and closed it
  (which leaves the state snapshot and the rows cache, as any console does), beside the first
  laptop's console opening its own copy the same way in the same rounds (the floor: one file,
  its rows cache); and its poll taking in a line from the first laptop that was recorded just
  before one of its own and arrived after it.

Figures only; nothing fails on timing. `python bench/bench_sync.py` prints them;
`IC_BENCH_SYNC_ONLY=console` measures only the big round and the consoles (no propagation,
idle CPU or one-line rounds).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Figure, print_figures, run_child
from ic_console.content.phrasebook import shipped_phrasebook
from ic_console.domain import commands as c
from ic_console.domain.clock import SystemClock
from ic_console.live.incident import LiveIncident, LiveSettings
from ic_console.live.syncing import SYNC_EVERY, BackgroundSync
from ic_console.store.follow import Follower
from ic_console.store.incident import IncidentStore
from ic_console.store.origin import local_origin
from ic_console.sync.engine import Syncer
from ic_console.synthetic import LOAD_ID, build_load_incident

APPENDS = int(os.environ.get("IC_BENCH_SYNC_APPENDS", "25"))
IDLE_SECONDS = float(os.environ.get("IC_BENCH_SYNC_IDLE", "20"))
INCIDENT = "bench-sync"
#: Rounds that each bring one new line of the load incident.
LINE_ROUNDS = 5
#: `IC_BENCH_SYNC_ONLY=console`: the big round and the consoles alone.
CONSOLE_ONLY = os.environ.get("IC_BENCH_SYNC_ONLY") == "console"


def _laptop(base: Path, name: str) -> Path:
    root = base / name
    root.mkdir(mode=0o700)
    local_origin(root)
    return root


def _bare(base: Path) -> str:
    path = base / "team.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(path)], check=True)
    return str(path)


def propagation(base: Path) -> list[float]:
    remote = _bare(base)
    a, b = _laptop(base, "a"), _laptop(base, "b")
    store = IncidentStore.create(
        a, c.Declare(incident_id=INCIDENT, title="Bench", severity=2), actor="Alex"
    )
    Syncer(a, remote, actor="Alex").round()
    Syncer(b, remote, actor="Priya").round()
    follower_store = IncidentStore.open(b, INCIDENT, actor="Priya", read_only=True)
    follower = Follower(follower_store)
    started: dict[str, float] = {}
    seen: dict[str, float] = {}
    done = threading.Event()

    def follow() -> None:
        while not done.is_set():
            result = follower.poll()
            if result.events or result.reloaded:
                now = time.monotonic()
                for entry in follower_store.state.log:
                    if entry.text in started and entry.text not in seen:
                        seen[entry.text] = now
            time.sleep(0.25)

    syncs = [BackgroundSync(a, remote, "Alex"), BackgroundSync(b, remote, "Priya")]
    rng = random.Random(14)
    syncs[0].start()
    time.sleep(rng.uniform(0, SYNC_EVERY))  # two laptops' rounds are not in step
    syncs[1].start()
    watcher = threading.Thread(target=follow, daemon=True)
    watcher.start()
    try:
        for n in range(APPENDS):
            time.sleep(rng.uniform(0.2, 2.5))
            text = f"bench line {n}"
            started[text] = time.monotonic()
            store.execute(c.AddLogEntry(text=text))
        deadline = time.monotonic() + 30
        while len(seen) < APPENDS and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        done.set()
        for sync in syncs:
            sync.stop(wait=5)
        watcher.join(2)
    return sorted(seen[text] - started[text] for text in seen)


def idle_cpu(base: Path) -> float:
    remote = _bare(base)
    a, b = _laptop(base, "idle-a"), _laptop(base, "idle-b")
    IncidentStore.create(a, c.Declare(incident_id=INCIDENT, title="Idle", severity=3), actor="A")
    Syncer(a, remote, actor="A").round()
    Syncer(b, remote, actor="B").round()
    sync = BackgroundSync(b, remote, "B")
    sync.start()
    time.sleep(SYNC_EVERY * 2)  # past the first rounds
    before, wall = os.times(), time.monotonic()
    time.sleep(IDLE_SECONDS)
    after, elapsed = os.times(), time.monotonic() - wall
    sync.stop(wait=5)
    used = (after.user + after.system + after.children_user + after.children_system) - (
        before.user + before.system + before.children_user + before.children_system
    )
    return used / elapsed


def _cpu() -> float:
    """This process's CPU seconds and its reaped children's (the git processes)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


@dataclass
class BigRounds:
    events: int
    send: float
    receive: float
    #: Wall and CPU seconds of the rounds that send and receive one new line, each round.
    line_send: list[float] = field(default_factory=list)
    line_receive: list[float] = field(default_factory=list)
    line_receive_cpu: list[float] = field(default_factory=list)
    #: The receiving laptop's console opening the incident (read merged), each round, and
    #: its peak RSS (MB); its poll taking in a line that sorts before one it folded, each round.
    console_open: list[float] = field(default_factory=list)
    console_peak: float = 0.0
    #: The first laptop's console opening its own copy (one file), in the same rounds.
    single_open: list[float] = field(default_factory=list)
    #: The whole console (the app) open to its last screen: the second laptop's, the first's.
    app_open: list[float] = field(default_factory=list)
    single_app_open: list[float] = field(default_factory=list)
    late_poll: list[float] = field(default_factory=list)


def big_round(base: Path) -> BigRounds:
    """The load incident sent and received from scratch, then one new line at a time: what
    each round costs on a long incident while it goes on."""
    remote = _bare(base)
    a, b = _laptop(base, "big-a"), _laptop(base, "big-b")
    folder = a / "incidents" / LOAD_ID
    folder.mkdir(parents=True, mode=0o700)
    os.chmod(a / "incidents", 0o700)
    facts = build_load_incident(folder / "events.jsonl")
    started = time.perf_counter()
    Syncer(a, remote, actor="Alex", timeout=300).round()
    send = time.perf_counter() - started
    started = time.perf_counter()
    Syncer(b, remote, actor="Priya", timeout=300).round()
    rounds = BigRounds(facts.events, send, time.perf_counter() - started)
    rounds.console_open, rounds.console_peak, rounds.single_open = _console_opens(a, b)
    rounds.app_open, rounds.single_app_open = _app_opens(a, b, facts.last_at.isoformat())
    store = IncidentStore.open(a, LOAD_ID, actor="Alex")
    for line in range(0 if CONSOLE_ONLY else LINE_ROUNDS):
        store.execute(c.AddLogEntry(text=f"one more line {line}"))
        started = time.perf_counter()
        Syncer(a, remote, actor="Alex", timeout=300).round()
        rounds.line_send.append(time.perf_counter() - started)
        started, cpu = time.perf_counter(), _cpu()
        Syncer(b, remote, actor="Priya", timeout=300).round()
        rounds.line_receive.append(time.perf_counter() - started)
        rounds.line_receive_cpu.append(_cpu() - cpu)
    rounds.late_poll = _late_lines(a, b, remote, store)
    return rounds


_OPEN = r"""
import sys, time
from pathlib import Path
from ic_console.content.phrasebook import shipped_phrasebook
from ic_console.domain.clock import SystemClock
from ic_console.live.incident import LiveIncident, LiveSettings
started = time.perf_counter()
live = LiveIncident.open(Path(sys.argv[1]), sys.argv[2], LiveSettings(sys.argv[3], SystemClock()),
                         shipped_phrasebook())
print(time.perf_counter() - started, len(live.rows), live.rows[-1].text if live.rows else "")
if len(sys.argv) > 4:  # the warming open: closing leaves the snapshot and the rows cache
    live.close()
"""


def _console_opens(a: Path, b: Path) -> tuple[list[float], float, list[float]]:
    """The second laptop's console opening the incident it received (read merged), and the
    first laptop's opening its own copy (one file: the floor), in turn, each as a whole
    process started from a small one (`common.run_child`: a child forked from this bench,
    which holds the incident it built, would report the bench's memory as its own). One open
    and close of each first, as any console leaves its rows cache and snapshot. The seconds to
    open, each round, and the second laptop's peak RSS in MB; the rows both show must agree."""
    for root, who in ((a, "Alex"), (b, "Priya")):
        run_child([sys.executable, "-c", _OPEN, str(root), LOAD_ID, who, "close"])
    merged, single, peaks = [], [], []
    for _ in range(3):
        run = run_child([sys.executable, "-c", _OPEN, str(b), LOAD_ID, "Priya"])
        seconds, rows, last = run.stdout.split(maxsplit=2)
        merged.append(float(seconds))
        peaks.append(run.peak_mb)
        floor = run_child([sys.executable, "-c", _OPEN, str(a), LOAD_ID, "Alex"])
        floor_seconds, floor_rows, floor_last = floor.stdout.split(maxsplit=2)
        single.append(float(floor_seconds))
        if (rows, last) != (floor_rows, floor_last):
            raise RuntimeError(
                f"the two consoles disagree: {rows} rows ({last!r}), "
                f"{floor_rows} rows ({floor_last!r})"
            )
    return merged, max(peaks), single


#: The load tests' measuring script: its `console` part opens the app to the last screen.
MEASURE = Path(__file__).resolve().parent.parent / "tests" / "load" / "measure.py"


def _app_opens(a: Path, b: Path, last_at: str) -> tuple[list[float], list[float]]:
    """The whole console (the Textual app, `tests/load/measure.py console`) from its start to
    the last screen of the log, on the second laptop and then the first, in turn: the figure
    the single-laptop bench calls "console open -> last screen". Seconds, each round."""
    env = dict(os.environ, TZ="UTC", IC_CONSOLE_CONFIG=os.devnull + ".absent.toml")
    opened: dict[Path, list[float]] = {b: [], a: []}
    for _ in range(3):
        for root, seconds in opened.items():
            run = run_child([sys.executable, str(MEASURE), "console", str(root), last_at], env=env)
            seconds.append(float(json.loads(run.stdout.strip().splitlines()[-1])["open"]))
    return opened[b], opened[a]


def _late_lines(a: Path, b: Path, remote: str, alex: IncidentStore) -> list[float]:
    """Priya's console open on the load incident while Alex and Priya both type: Alex's line,
    recorded just before Priya's, arrives after it, and her console folds it in its place.
    Each round, the seconds her console's poll takes to take it in."""
    live = LiveIncident.open(b, LOAD_ID, LiveSettings("Priya", SystemClock()), shipped_phrasebook())
    polls: list[float] = []
    for line in range(LINE_ROUNDS + 1):  # the first makes Priya's own file: read whole once
        alex.execute(c.AddLogEntry(text=f"Alex, line {line}"))
        live.store.execute(c.AddLogEntry(text=f"Priya, line {line}"))
        live.poll()
        Syncer(a, remote, actor="Alex", timeout=300).round()
        Syncer(b, remote, actor="Priya", timeout=300).round()
        started = time.perf_counter()
        live.poll()
        polls.append(time.perf_counter() - started)
    return polls[1:]


def _quantile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(q * 100) - 1]


def run() -> list[Figure]:
    base = Path(tempfile.mkdtemp(prefix="ic-bench-sync-"))
    try:
        latencies = [] if CONSOLE_ONLY else propagation(base)
        cpu = 0.0 if CONSOLE_ONLY else idle_cpu(base)
        big = big_round(base)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    every = f"every {SYNC_EVERY:g} s"
    consoles = [
        Figure(
            f"second laptop's console app, {big.events:,} events: open -> last screen "
            "(median of 3)",
            statistics.median(big.app_open),
            "s",
            "< 2x floor",
            floor=statistics.median(big.single_app_open),
            low=min(big.app_open),
        ),
        Figure(
            f"second laptop's console opens the {big.events:,} events (merged; median of 3)",
            statistics.median(big.console_open),
            "s",
            "< 2x floor",
            floor=statistics.median(big.single_open),
            low=min(big.console_open),
        ),
        Figure(
            f"second laptop's console, {big.events:,} events, peak memory (process RSS)",
            big.console_peak,
            "MB",
            "< 200",
        ),
        Figure(
            f"second laptop's console takes in a line that arrived late (median of {LINE_ROUNDS})",
            statistics.median(big.late_poll),
            "s",
            "-",
        ),
    ]
    if CONSOLE_ONLY:
        return consoles
    figures = [
        Figure(f"sync propagation p50 ({every})", _quantile(latencies, 0.5), "s", "-"),
        Figure(f"sync propagation p95 ({every})", _quantile(latencies, 0.95), "s", "< 5"),
        Figure("sync events arrived", len(latencies), "of", str(APPENDS)),
        Figure("sync idle worker CPU", cpu * 100, "% core", "< 1"),
        Figure(f"sync round, {big.events:,} events, send", big.send, "s", "-"),
        Figure(f"sync round, {big.events:,} events, receive", big.receive, "s", "-"),
        Figure(
            f"sync round, {big.events:,} events, one new line, send (median of {LINE_ROUNDS})",
            statistics.median(big.line_send),
            "s",
            "-",
        ),
        Figure(
            f"sync round, {big.events:,} events, one new line, receive (median of {LINE_ROUNDS})",
            statistics.median(big.line_receive),
            "s",
            "-",
        ),
        Figure(
            f"sync round, {big.events:,} events, one new line, receive, CPU",
            statistics.median(big.line_receive_cpu),
            "s",
            "-",
        ),
        *consoles,
    ]
    return figures


if __name__ == "__main__":
    print_figures(run())
