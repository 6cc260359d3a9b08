"""The load incident's figures: 100,000 events, 500 participants, 2,000 tasks (issue 7).

Opening it in the store and in the console, scrolling the scribe log, exporting it in every
format, and each process's peak memory. Every part runs in a fresh process
(`tests/load/measure.py`, shared with the load test) on the incident the load test builds
(`tests/load/big_incident.py`), once after a warm-up of the page cache. Floors: `json.loads` of
the same file for opening and exporting; Textual's `Log` given as many lines for the console.
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

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
for entry in (BENCH_DIR, REPO / "tests"):
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))

from common import Figure, print_figures  # noqa: E402
from load.big_incident import EVENTS, INCIDENT_ID, PARTICIPANTS, TASKS, build  # noqa: E402

MEASURE = REPO / "tests" / "load" / "measure.py"
LABEL = f"load {EVENTS // 1000}k/{PARTICIPANTS}/{TASKS:,}"


def _measure(*args: str) -> dict[str, Any]:
    env = dict(os.environ, TZ="UTC", IC_CONSOLE_CONFIG=os.devnull + ".absent.toml")
    out = subprocess.run(
        [sys.executable, str(MEASURE), *args], check=True, capture_output=True, text=True, env=env
    ).stdout
    report: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return report


def run() -> list[Figure]:
    root = Path(tempfile.mkdtemp(prefix="ic-bench-load-"))
    try:
        home = root / "home"
        built = build(home / "incidents" / INCIDENT_ID / "events.jsonl")
        home.chmod(0o700)
        (home / "incidents").chmod(0o700)
        _measure("replay", str(home))  # writes the summary, warms the page cache
        replay = _measure("replay", str(home))
        floor_replay = _measure("floor-replay", str(home))
        assert replay["events"] == EVENTS == floor_replay["events"], replay
        console = _measure("console", str(home), built.last_at.isoformat())
        floor_console = _measure("floor-console", str(home), str(built.rows))
        assert console["rows"] == built.rows and built.last_text in console["end_visible"]
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
