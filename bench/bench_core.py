"""The incident core's figures: replay of a large incident, append latency, `ic --help` start-up.

Run standalone (`python bench/bench_core.py`) or through `bench/run_all.py`. Each timed part runs
in a fresh subprocess so imports, caches and memory of one part do not colour another.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

from common import Figure, print_figures  # noqa: E402
from ic_console.synthetic import write_busy_incident as write_incident  # noqa: E402

REPLAY_EVENTS = 100_000
APPENDS = 500
HELP_RUNS = 7


_REPLAY_CHILD = r"""
import json, sys, time
from pathlib import Path
def hwm():
    # VmHWM belongs to this process's own memory map; ru_maxrss would include the parent's
    # peak, which a child inherits across fork and exec.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
root, which = Path(sys.argv[1]), sys.argv[2]
from ic_console.store.incident import IncidentStore
from ic_console.store.paths import EVENTS_FILE, incident_dir
path = incident_dir(root, "bench") / EVENTS_FILE
base = hwm()
started = time.perf_counter()
if which == "floor":
    with open(path, "rb") as handle:
        kept = [json.loads(line) for line in handle]
    count = len(kept)
else:
    store = IncidentStore.open(root, "bench", actor="bench")
    count = store.state.last_seq
elapsed = time.perf_counter() - started
peak = hwm()
print(json.dumps({"seconds": elapsed, "count": count, "peak_kb": peak, "base_kb": base}))
"""


def _child(code: str, *args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", code, *args], check=True, capture_output=True, text=True
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def replay_figures(root: Path) -> list[Figure]:
    write_incident(root, "bench", REPLAY_EVENTS)
    # Warm the summary (the first open writes it) and the page cache, then measure.
    _child(_REPLAY_CHILD, str(root), "store")
    runs = [_child(_REPLAY_CHILD, str(root), "store") for _ in range(3)]
    floors = [_child(_REPLAY_CHILD, str(root), "floor") for _ in range(3)]
    best = min(runs, key=lambda r: r["seconds"])
    floor = min(floors, key=lambda r: r["seconds"])
    assert best["count"] == REPLAY_EVENTS, best
    return [
        Figure(
            f"replay {REPLAY_EVENTS:,} events (open)",
            best["seconds"],
            "s",
            "< 0.5",
            floor["seconds"],
        ),
        Figure(
            "replay peak memory (process RSS)",
            best["peak_kb"] / 1024,
            "MB",
            "< 150",
            floor["peak_kb"] / 1024,
        ),
        Figure(
            "replay memory above import baseline",
            (best["peak_kb"] - best["base_kb"]) / 1024,
            "MB",
            "-",
            (floor["peak_kb"] - floor["base_kb"]) / 1024,
        ),
    ]


_APPEND_CHILD = r"""
import json, os, sys, time
from pathlib import Path
root, count = Path(sys.argv[1]), int(sys.argv[2])
from ic_console.domain.commands import AddLogEntry, Declare
from ic_console.store.incident import IncidentStore
store = IncidentStore.create(root, Declare(incident_id="append", title="Append latency"),
                             actor="Alex")
times = []
for n in range(count):
    command = AddLogEntry(text=f"Observation {n}: error rate at {n % 100}% on eu-west")
    started = time.perf_counter()
    store.execute(command)
    times.append(time.perf_counter() - started)
floor = []
line = b'{"v":1,"seq":1,"note":"' + b"x" * 200 + b'"}\n'
fd = os.open(root / "floor.jsonl", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
for n in range(count):
    started = time.perf_counter()
    os.write(fd, line)
    os.fsync(fd)
    floor.append(time.perf_counter() - started)
os.close(fd)
print(json.dumps({"times": times, "floor": floor}))
"""


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def append_figures(root: Path) -> list[Figure]:
    out = subprocess.run(
        [sys.executable, "-c", _APPEND_CHILD, str(root), str(APPENDS)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result = json.loads(out)
    times = [t * 1000 for t in result["times"]]
    floor = [t * 1000 for t in result["floor"]]
    return [
        Figure(
            f"append + fsync p50 ({APPENDS} appends)",
            statistics.median(times),
            "ms",
            "-",
            statistics.median(floor),
        ),
        Figure(
            f"append + fsync p99 ({APPENDS} appends)",
            _percentile(times, 0.99),
            "ms",
            "< 5",
            _percentile(floor, 0.99),
        ),
    ]


def help_figures() -> list[Figure]:
    ic = Path(sys.executable).with_name("ic")
    command = [str(ic), "--help"] if ic.exists() else [sys.executable, "-m", "ic_console", "--help"]

    def median_run(argv: list[str]) -> float:
        samples = []
        subprocess.run(argv, check=True, capture_output=True)  # warm the disk cache
        for _ in range(HELP_RUNS):
            started = time.perf_counter()
            subprocess.run(argv, check=True, capture_output=True)
            samples.append(time.perf_counter() - started)
        return statistics.median(samples) * 1000

    return [
        Figure(
            "`ic --help` start-up (median)",
            median_run(command),
            "ms",
            "< 150",
            median_run([sys.executable, "-c", "pass"]),
        )
    ]


def run() -> list[Figure]:
    root = Path(tempfile.mkdtemp(prefix="ic-bench-"))
    old_home = os.environ.get("IC_CONSOLE_HOME")
    try:
        figures = replay_figures(root / "replay")
        figures += append_figures(root / "append")
        figures += help_figures()
        return figures
    finally:
        if old_home is not None:
            os.environ["IC_CONSOLE_HOME"] = old_home
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    print_figures(run())
