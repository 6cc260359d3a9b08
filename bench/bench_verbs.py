"""Per-command cost that does not grow with the incident (issue 13).

`ic log`, `ic task assign`, `ic show` and `ic show --all` (every person and decision, the
glance uncut) as whole processes on a 1,000-event incident (the floor) and on the 100,000-event
load incident, run in turn (1k, 100k, 1k, 100k...) so a machine that speeds up or slows down
colours both alike. CPU seconds of each child (user + system, from the operating system's
accounting); median and min of RUNS runs. A child that fails has its error output printed,
never hidden. Target: at most 1.3x the 1k figure.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from ic_console.synthetic import LOAD_ID, build_load_incident, write_busy_incident

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

from common import Figure, print_figures  # noqa: E402

RUNS = 5
SMALL_ID = "small-1k"
IC = [sys.executable, "-m", "ic_console"]


def _verb(verb: str, home: Path, incident: str) -> list[str]:
    base = [*IC, "--home", str(home)]
    if verb == "log":
        return [*base, "log", incident, "a note from the bench"]
    if verb == "task":
        return [*base, "task", incident, "assign", "Alex", "check the bench", "--in", "5m"]
    if verb == "show --all":
        return [*base, "show", incident, "--all"]  # every person and decision: the whole glance
    return [*base, "show", incident]


def _run(argv: list[str]) -> float:
    """CPU seconds of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    env = dict(os.environ, TZ="UTC", IC_CONSOLE_USER="bench")
    done = subprocess.run(argv, capture_output=True, text=True, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        print(f"bench child failed ({' '.join(argv)}):\n{done.stderr}", file=sys.stderr)
        raise RuntimeError(f"{argv[3:5]} exited {done.returncode}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu


def run() -> list[Figure]:
    root = Path(tempfile.mkdtemp(prefix="ic-bench-verbs-"))
    try:
        home = root / "home"
        (home / "incidents" / LOAD_ID).mkdir(parents=True)
        build_load_incident(home / "incidents" / LOAD_ID / "events.jsonl")
        write_busy_incident(home, SMALL_ID, 1000)
        for path in (home, home / "incidents", *(home / "incidents").iterdir()):
            path.chmod(0o700)
        # Warm-up: the page cache, and the first writer's snapshot of each incident.
        for incident in (SMALL_ID, LOAD_ID):
            _run(_verb("log", home, incident))
        figures: list[Figure] = []
        for verb in ("log", "task", "show", "show --all"):
            small: list[float] = []
            large: list[float] = []
            for _ in range(RUNS):
                small.append(_run(_verb(verb, home, SMALL_ID)))
                large.append(_run(_verb(verb, home, LOAD_ID)))
            figures.append(
                Figure(
                    f"ic {verb} on 100k events (floor: on 1k), CPU",
                    statistics.median(large),
                    "s",
                    "<= 1.3x floor",
                    statistics.median(small),
                    low=min(large),
                )
            )
        return figures
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    print_figures(run())
