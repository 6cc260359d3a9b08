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
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

from common import Figure, print_figures  # noqa: E402
from ic_console.synthetic import write_busy_incident as write_incident  # noqa: E402

EXPORT_EVENTS = 100_000
SEARCH_INCIDENTS = 200
EVENTS_PER_SEARCHED_INCIDENT = 500
RUNS = 3


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
    write_incident(root, "bench-export", EXPORT_EVENTS, resolve=True)
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
        write_incident(root, f"inc-{n:03d}", EVENTS_PER_SEARCHED_INCIDENT, rare=rare, resolve=True)
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
