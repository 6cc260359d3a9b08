"""Two terminals on one incident: how fast a change in one shows in the other.

A writer (this process) records log lines through the store; a follower in a second process
polls with `Follower` exactly as the console does and notes when each event arrives. Latency
is arrival minus the moment the writer started its command. Also: the follower's CPU use while
nothing changes. The floor is the same measurement with a follower that polls every 1 ms.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Figure, print_figures
from ic_console.domain import commands as c
from ic_console.store.follow import FOLLOW_EVERY
from ic_console.store.incident import IncidentStore

APPENDS = 300

FOLLOWER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from ic_console.store.incident import IncidentStore
    from ic_console.store.follow import Follower
    root, count = Path(sys.argv[1]), int(sys.argv[2])
    every, idle = float(sys.argv[3]), float(sys.argv[4])
    store = IncidentStore.open(root, "bench", actor="Deputy")
    follower = Follower(store)
    # Idle first: poll for `idle` seconds with nothing changing and measure our CPU.
    cpu0, wall0 = time.process_time(), time.perf_counter()
    while time.perf_counter() - wall0 < idle:
        follower.poll()
        time.sleep(every)
    idle_cpu = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
    print("ready", flush=True)
    seen = {}
    while len(seen) < count:
        for event in follower.poll().events:
            if event.type == "log.added":
                seen[event.seq] = time.time()
        time.sleep(every)
    print(json.dumps({"idle_cpu": idle_cpu, "seen": seen}), flush=True)
    """
)


def measure(every: float, idle: float) -> tuple[list[float], float]:
    """Latencies in ms for APPENDS appends, and the follower's idle CPU share."""
    with tempfile.TemporaryDirectory() as home:
        root = Path(home)
        store = IncidentStore.create(
            root, c.Declare(incident_id="bench", title="Bench", severity=2), actor="IC"
        )
        child = subprocess.Popen(
            [sys.executable, "-c", FOLLOWER, home, str(APPENDS), str(every), str(idle)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        sent: dict[int, float] = {}
        rng = random.Random(7)
        for i in range(APPENDS):
            started = time.time()
            events = store.execute(c.AddLogEntry(text=f"line {i}"))
            sent[events[0].seq] = started
            time.sleep(rng.uniform(0.002, 0.02))
        report = json.loads(child.stdout.readline())
        child.wait(timeout=30)
    latencies = sorted((report["seen"][str(seq)] - at) * 1000 for seq, at in sent.items())
    return latencies, float(report["idle_cpu"])


def percentile(values: list[float], share: float) -> float:
    return values[min(len(values) - 1, int(share * len(values)))]


def run() -> list[Figure]:
    latencies, idle_cpu = measure(FOLLOW_EVERY, idle=5.0)
    floor, floor_cpu = measure(0.001, idle=2.0)
    return [
        Figure(
            "follow: change visible in 2nd terminal p50",
            percentile(latencies, 0.5),
            "ms",
            "-",
            percentile(floor, 0.5),
        ),
        Figure(
            "follow: change visible in 2nd terminal p95",
            percentile(latencies, 0.95),
            "ms",
            "< 500",
            percentile(floor, 0.95),
        ),
        Figure(
            "follow: idle follower CPU (one core)", idle_cpu * 100, "%", "< 10", floor_cpu * 100
        ),
    ]


if __name__ == "__main__":
    print_figures(run())
