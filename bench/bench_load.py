"""The load incident's figures: 100,000 events, 500 participants, 2,000 tasks (issue 7).

Opening it in the store and in the console, scrolling the scribe log, exporting it in every
format, and each process's peak memory. Every part runs in a fresh process
(`tests/load/measure.py`, shared with the load test) on the incident the load test builds
(`ic_console.synthetic.build_load_incident`), once after a warm-up of the page cache. Floors:
`json.loads` of the same file for opening and exporting; Textual's `Log` given as many lines for
the console.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from ic_console.domain.events import Event
from ic_console.synthetic import LOAD_EVENTS as EVENTS
from ic_console.synthetic import LOAD_ID as INCIDENT_ID
from ic_console.synthetic import LOAD_PARTICIPANTS as PARTICIPANTS
from ic_console.synthetic import LOAD_TASKS as TASKS
from ic_console.synthetic import LoadFacts, build_load_incident

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

from common import Figure, print_figures  # noqa: E402

MEASURE = REPO / "tests" / "load" / "measure.py"
LABEL = f"load {EVENTS // 1000}k/{PARTICIPANTS}/{TASKS:,}"


def _build(path: Path) -> tuple[LoadFacts, int]:
    """The load incident at `path`, and the scribe-log rows the console will show for it."""
    from ic_console.domain.log_rows import describe

    rows = 0

    def count_row(event: Event) -> None:
        nonlocal rows
        rows += describe(event.data) is not None

    return build_load_incident(path, on_event=count_row), rows


def _measure(*args: str) -> dict[str, Any]:
    env = dict(os.environ, TZ="UTC", IC_CONSOLE_CONFIG=os.devnull + ".absent.toml")
    done = subprocess.run(
        [sys.executable, str(MEASURE), *args], capture_output=True, text=True, env=env
    )
    if done.returncode != 0:  # say why, instead of a bare CalledProcessError
        print(f"measure.py {' '.join(args)} failed:\n{done.stderr}", file=sys.stderr)
        raise RuntimeError(f"measure.py {args[0]} exited {done.returncode}")
    out = done.stdout
    report: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return report


def run() -> list[Figure]:
    root = Path(tempfile.mkdtemp(prefix="ic-bench-load-"))
    try:
        home = root / "home"
        built, rows = _build(home / "incidents" / INCIDENT_ID / "events.jsonl")
        home.chmod(0o700)
        (home / "incidents").chmod(0o700)
        _measure("replay", str(home))  # writes the summary, warms the page cache
        replay = _measure("replay", str(home))
        floor_replay = _measure("floor-replay", str(home))
        assert replay["events"] == EVENTS == floor_replay["events"], replay
        console = _measure("console", str(home), built.last_at.isoformat())
        floor_console = _measure("floor-console", str(home), str(rows))
        assert console["rows"] == rows and built.last_text in console["end_visible"]
        exports = {fmt: _measure("review", str(home), fmt) for fmt in ("md", "html", "json", "csv")}
        figures = [
            Figure(
                f"{LABEL}: store replay", replay["seconds"], "s", "< 0.5", floor_replay["seconds"]
            ),
            Figure(
                f"{LABEL}: store replay peak memory",
                replay["peak_mb"],
                "MB",
                "< 150",
                floor_replay["peak_mb"],
            ),
            Figure(
                f"{LABEL}: console open -> whole log on screen",
                console["open"],
                "s",
                "< 1",
                floor_console["open"],
            ),
            Figure(
                f"{LABEL}: console scroll to first entry (Home)",
                console["scroll_top"] * 1000,
                "ms",
                "< 50",
                floor_console["scroll_top"] * 1000,
            ),
            Figure(
                f"{LABEL}: console one page down",
                console["page_down"] * 1000,
                "ms",
                "< 50",
                floor_console["page_down"] * 1000,
            ),
            Figure(
                f"{LABEL}: console scroll to last entry (End)",
                console["scroll_end"] * 1000,
                "ms",
                "< 50",
                floor_console["scroll_end"] * 1000,
            ),
            Figure(
                f"{LABEL}: console peak memory",
                console["peak_mb"],
                "MB",
                "< 300",
                floor_console["peak_mb"],
            ),
        ]
        for fmt, report in exports.items():
            figures.append(
                Figure(
                    f"{LABEL}: export {fmt} (open + render)",
                    report["open"] + report[f"export_{fmt}"],
                    "s",
                    "< 2",
                    floor_replay["seconds"],
                )
            )
        for fmt, report in exports.items():
            figures.append(
                Figure(
                    f"{LABEL}: export {fmt} peak memory",
                    report["peak_mb"],
                    "MB",
                    "< 300",
                    floor_replay["peak_mb"],
                )
            )
        return figures
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    print_figures(run())
