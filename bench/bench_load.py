"""The load incident's figures: 100,000 events, 500 participants, 2,000 tasks (issue 7).

Opening it in the store and in the console, scrolling the scribe log, exporting it in every
format, and each process's peak memory. Every part runs in a fresh process
(`tests/load/measure.py`, shared with the load test) on the incident the load test builds
(`ic_console.synthetic.build_load_incident`), after a warm-up of the page cache. Floors:
`json.loads` of the same file for opening and exporting; Textual's `Log` given as many lines, and
toolong opening the same file (in its own throwaway environment), for the console. Every figure
and its floors run in turn, RUNS rounds; the figure is the median, with the min beside it.

Scrolling keys are measured twice, and the two say different things:
- on a terminal (`scroll_latency.py`): the console in a child on a pseudo-terminal, the key's
  bytes written to it, the time until the frame that shows the key's rows has been read back.
  This is what a person waits for, Textual's wait for its next frame included;
- with Textual's Pilot (`tests/load/measure.py`): `press` then `pause`, which wait for the app
  to look idle in 20 ms steps; on an empty app that alone is about 60 ms a key (measured in the
  same run as the floor of those rows). Kept to compare with earlier tables.

IC_BENCH_LOAD_ONLY=console measures only the console's rows (no store, export or toolong rows).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
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

import scroll_latency  # noqa: E402
from common import RUNS, Figure, print_figures  # noqa: E402

MEASURE = REPO / "tests" / "load" / "measure.py"
LABEL = f"load {EVENTS // 1000}k/{PARTICIPANTS}/{TASKS:,}"
#: The console's rows alone (`IC_BENCH_LOAD_ONLY=console`).
CONSOLE_ONLY = os.environ.get("IC_BENCH_LOAD_ONLY") == "console"
#: The keys measured on a terminal, as the figures name them.
TERMINAL_KEYS = (
    ("home", "scroll to first entry (Home)"),
    ("pagedown", "one page down"),
    ("end", "scroll to last entry (End)"),
)


def _build(path: Path) -> tuple[LoadFacts, int]:
    """The load incident at `path`, and the scribe-log rows the console will show for it."""
    from ic_console.domain.log_rows import describe

    rows = 0

    def count_row(event: Event) -> None:
        nonlocal rows
        rows += describe(event.data) is not None

    return build_load_incident(path, on_event=count_row), rows


def _measure(*args: str, python: str = sys.executable) -> dict[str, Any]:
    env = dict(os.environ, TZ="UTC", IC_CONSOLE_CONFIG=os.devnull + ".absent.toml")
    done = subprocess.run([python, str(MEASURE), *args], capture_output=True, text=True, env=env)
    if done.returncode != 0:  # say why, instead of a bare CalledProcessError
        print(f"measure.py {' '.join(args)} failed:\n{done.stderr}", file=sys.stderr)
        raise RuntimeError(f"measure.py {args[0]} exited {done.returncode}")
    out = done.stdout
    report: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return report


#: toolong's own environment: it pins an older Textual than the console's.
TOOLONG_VENV = Path(tempfile.gettempdir()) / "ic-bench-toolong"


def toolong_python() -> str | None:
    """The Python of a throwaway environment with toolong installed (made on first use); None,
    with a message saying why, when it cannot be had (no network, no package)."""
    python = TOOLONG_VENV / "bin" / "python"
    probe = [str(python), "-c", "import toolong.ui"]
    if python.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
        return str(python)
    steps = (
        [sys.executable, "-m", "venv", "--clear", str(TOOLONG_VENV)],
        [str(python), "-m", "pip", "install", "--quiet", "toolong"],
        probe,
    )
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True)
        if done.returncode != 0:
            why = (done.stderr.strip().splitlines() or ["no error output"])[-1]
            print(f"toolong row skipped: {' '.join(step[:4])} failed: {why}", file=sys.stderr)
            return None
    return str(python)


def _median(reports: list[dict[str, Any]], key: str, scale: float = 1.0) -> tuple[float, float]:
    values = [report[key] * scale for report in reports]
    return statistics.median(values), min(values)


def _fig(
    name: str,
    reports: list[dict[str, Any]],
    key: str,
    unit: str,
    target: str,
    floors: list[dict[str, Any]] | None,
    floor_key: str | None = None,
    scale: float = 1.0,
) -> Figure:
    value, low = _median(reports, key, scale)
    floor = _median(floors, floor_key or key, scale)[0] if floors else None
    return Figure(name, value, unit, target, floor, low=low)


def _terminal_figures(runs: list[dict[str, Any]]) -> list[Figure]:
    """Scrolling keys on a terminal: per key, the median over the runs of each run's median
    press (min beside it), then the slowest press of all, and where the median time goes."""
    figures = []
    for key, what in TERMINAL_KEYS:
        figures.append(
            _fig(
                f"{LABEL}: console {what}, key to frame on a terminal",
                runs,
                f"{key}_seen",
                "ms",
                "< 50",
                None,
                scale=1000,
            )
        )
    worst = max(run[f"{key}_seen_worst"] for run in runs for key, _ in TERMINAL_KEYS)
    presses = sum(run[f"{key}_presses"] for run in runs for key, _ in TERMINAL_KEYS)
    figures.append(
        Figure(
            f"{LABEL}: console scrolling keys on a terminal, slowest of {presses}",
            worst * 1000,
            "ms",
            "-",
        )
    )
    for stage, what in (("handled", "key read and handled"), ("written", "frame to the driver")):
        figures.append(
            _fig(
                f"{LABEL}: console one page down on a terminal: {what}",
                runs,
                f"pagedown_{stage}",
                "ms",
                "-",
                None,
                scale=1000,
            )
        )
    return figures


def run() -> list[Figure]:
    root = Path(tempfile.mkdtemp(prefix="ic-bench-load-"))
    try:
        home = root / "home"
        built, rows = _build(home / "incidents" / INCIDENT_ID / "events.jsonl")
        home.chmod(0o700)
        (home / "incidents").chmod(0o700)
        _measure("replay", str(home))  # writes the summary, warms the page cache
        # One console open and close writes the rows cache (`log.rows`), as any console does:
        # the console figures are of an incident a console has opened before.
        _measure("console", str(home), built.last_at.isoformat())
        toolong = None if CONSOLE_ONLY else toolong_python()
        parts: dict[str, list[dict[str, Any]]] = {}
        # Each figure and its floor in turn, RUNS rounds: a machine that drifts colours both.
        for _ in range(RUNS):
            for name, args, python in (
                ("replay", ("replay", str(home)), sys.executable),
                ("floor_replay", ("floor-replay", str(home)), sys.executable),
                ("console", ("console", str(home), built.last_at.isoformat()), sys.executable),
                ("floor_console", ("floor-console", str(home), str(rows)), sys.executable),
                ("toolong", ("toolong", str(home), str(EVENTS)), toolong),
                *(
                    (f"export_{fmt}", ("review", str(home), fmt), sys.executable)
                    for fmt in ("md", "html", "json", "csv")
                ),
            ):
                if python is not None and not (CONSOLE_ONLY and name.startswith("export")):
                    parts.setdefault(name, []).append(_measure(*args, python=python))
            parts.setdefault("terminal", []).append(
                scroll_latency.measure(home, INCIDENT_ID, built.last_at.isoformat())
            )
            parts.setdefault("pilot_floor", []).append(scroll_latency.pilot_floor())
        replay, floor_replay = parts["replay"], parts["floor_replay"]
        console, floor_console = parts["console"], parts["floor_console"]
        assert replay[0]["events"] == EVENTS == floor_replay[0]["events"], replay
        assert console[0]["rows"] == rows and built.last_text in console[0]["end_visible"]
        figures = (
            []
            if CONSOLE_ONLY
            else [
                _fig(
                    f"{LABEL}: store open (snapshot + tail)",
                    replay,
                    "seconds",
                    "s",
                    "< 0.5",
                    floor_replay,
                ),
                _fig(
                    f"{LABEL}: store open peak memory",
                    replay,
                    "peak_mb",
                    "MB",
                    "< 150",
                    floor_replay,
                ),
            ]
        )
        figures += [
            _fig(
                f"{LABEL}: console open -> last screen (rows cache warmed by one open)",
                console,
                "open",
                "s",
                "< 0.3",
                None,
            ),
            _fig(
                f"{LABEL}: console open -> whole log on screen (floor: Textual Log)",
                console,
                "open",
                "s",
                "< 1",
                floor_console,
            ),
        ]
        if "toolong" in parts:
            figures += [
                _fig(
                    f"{LABEL}: console open -> whole log on screen (floor: toolong)",
                    console,
                    "open",
                    "s",
                    "<= toolong",
                    parts["toolong"],
                ),
                _fig(
                    f"{LABEL}: toolong open -> whole file scrollable",
                    parts["toolong"],
                    "open",
                    "s",
                    "-",
                    None,
                ),
            ]
        figures += _terminal_figures(parts["terminal"])
        pilot_floor = parts["pilot_floor"]
        for key, what in (
            ("scroll_top", "scroll to first entry (Home)"),
            ("page_down", "one page down"),
            ("scroll_end", "scroll to last entry (End)"),
        ):
            figures.append(
                _fig(
                    f"{LABEL}: console {what}, Pilot press+pause (floor: same on an empty app)",
                    console,
                    key,
                    "ms",
                    "-",
                    pilot_floor,
                    "press_pause",
                    1000,
                )
            )
        figures.append(
            _fig(
                f"{LABEL}: console one page down, CPU (Pilot; floor: Textual Log)",
                console,
                "page_down_cpu",
                "ms",
                "-",
                floor_console,
                None,
                1000,
            )
        )
        figures.append(
            _fig(f"{LABEL}: console peak memory", console, "peak_mb", "MB", "< 300", floor_console)
        )
        for fmt in () if CONSOLE_ONLY else ("md", "html", "json", "csv"):
            reports = parts[f"export_{fmt}"]
            for report in reports:
                report["whole"] = report["open"] + report[f"export_{fmt}"]
            figures.append(
                _fig(
                    f"{LABEL}: export {fmt} (open + render, in process)",
                    reports,
                    "whole",
                    "s",
                    "< 2",
                    floor_replay,
                    "seconds",
                )
            )
            figures.append(
                _fig(
                    f"{LABEL}: export {fmt} peak memory",
                    reports,
                    "peak_mb",
                    "MB",
                    "< 200",
                    floor_replay,
                )
            )
        return figures
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    print_figures(run())
