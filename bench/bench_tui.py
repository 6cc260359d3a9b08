"""The console's figures: a log line from keypress to disk and screen, opening a 100,000-event
incident, and the CPU cost of 200 live countdowns.

Run standalone (`python bench/bench_tui.py`) or through `bench/run_all.py`. The console runs
headless (Textual's `run_test`), which renders every frame exactly as in a terminal but does
not write it to one. Each figure has a floor measured in the same run: plain Textual doing the
same visible work with no incident logic, so a slow machine can be told from slow code.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

from common import Figure, print_figures  # noqa: E402

BIG = 100_000
KEYPRESSES = 30
COUNTDOWNS = 200
CPU_SECONDS = 10.0
SIZE = (200, 50)


def _write_incident(root: Path, incident_id: str, log_entries: int, tasks: int) -> None:
    """An incident straight onto disk, half an hour old, so the countdowns are live."""
    from ic_console.domain.clock import SystemClock
    from ic_console.synthetic import write_scribe_incident

    start = SystemClock().now() - timedelta(minutes=30)
    write_scribe_incident(root, incident_id, log_entries=log_entries, tasks=tasks, start=start)


def _console(root: Path, incident_id: str, *, background: bool = True) -> Any:
    from ic_console.tui.factory import make_app

    return make_app(root, "Alex", incident_id=incident_id, background_load=background)


def _run(app: Any, scenario: Callable[[Any], Awaitable[None]]) -> None:
    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await scenario(pilot)

    asyncio.run(main())


# -- keypress to disk and screen -----------------------------------------------------------------


def keypress_figures(root: Path) -> list[Figure]:
    """Enter in the log line until the entry is fsynced, and until its row is rendered.

    The times are taken inside the app: when `store.execute` returns (the line is on disk) and
    when the scribe log renders the new row for the frame. Pilot's own waiting is not counted.
    """
    from textual.app import App, ComposeResult
    from textual.widgets import Input, Log

    from ic_console.tui.screens.console import ConsoleScreen

    _write_incident(root, "keys", log_entries=BIG, tasks=20)
    to_disk: list[float] = []
    to_screen: list[float] = []

    async def scenario(pilot: Any) -> None:
        app = pilot.app
        # Ask the screen for widgets only once it has composed them all.
        while not (isinstance(app.screen, ConsoleScreen) and app.screen.composed.is_set()):
            await pilot.pause(0.05)
        await pilot.pause()
        await pilot.press("l")
        scribe = app.screen.scribe
        store = app.store
        marks: dict[str, float] = {}
        target = {"row": -1}
        render_row, execute = scribe.render_row, store.execute

        def spy_render(index: int, width: int, selected: bool) -> Any:
            if index == target["row"] and "screen" not in marks:
                marks["screen"] = time.perf_counter()
            return render_row(index, width, selected)

        def spy_execute(command: Any, **kwargs: Any) -> Any:
            result = execute(command, **kwargs)
            marks["disk"] = time.perf_counter()
            return result

        scribe.render_row = spy_render
        store.execute = spy_execute
        log_input = app.screen.log_input.input
        for n in range(KEYPRESSES):
            log_input.value = f"bench line {n}"
            marks.clear()
            target["row"] = len(scribe.rows)
            started = time.perf_counter()
            await pilot.press("enter")
            while "screen" not in marks:
                await asyncio.sleep(0.001)
            to_disk.append(marks["disk"] - started)
            to_screen.append(marks["screen"] - started)
            assert scribe.rows[-1].text == f"bench line {n}"

    _run(_console(root, "keys"), scenario)

    floor: list[float] = []
    floor_disk: list[float] = []
    floor_marks: dict[str, float] = {}
    raw = os.open(root / "floor.jsonl", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    class Bare(App[None]):
        """The floor: Textual's Log and an Input; Enter writes the line to a file with one
        os.write and fsync, then appends it to the Log. No domain, no checks, no store."""

        def compose(self) -> ComposeResult:
            yield Log()
            yield Input()

        def on_input_submitted(self, event: Input.Submitted) -> None:
            os.write(raw, b'{"v":1,"text":"' + event.value.encode() + b'"}\n')
            os.fsync(raw)
            floor_marks["disk"] = time.perf_counter()
            self.query_one(Log).write_line(event.value)
            event.input.value = ""

    async def bare(pilot: Any) -> None:
        log = pilot.app.query_one(Log)
        log.write_lines(f"line {n}" for n in range(BIG))
        await pilot.pause()
        marks: dict[str, float] = {}
        target = {"row": -1}
        render = log._render_line_strip

        def spy(y: int, style: Any) -> Any:
            if y == target["row"] and "screen" not in marks:
                marks["screen"] = time.perf_counter()
            return render(y, style)

        log._render_line_strip = spy
        field = pilot.app.query_one(Input)
        field.focus()
        for n in range(KEYPRESSES):
            field.value = f"bench line {n}"
            marks.clear()
            target["row"] = log.line_count
            started = time.perf_counter()
            await pilot.press("enter")
            while "screen" not in marks:
                await asyncio.sleep(0.001)
            floor.append(marks["screen"] - started)
            floor_disk.append(floor_marks["disk"] - started)

    try:
        _run(Bare(), bare)
    finally:
        os.close(raw)
    return [
        Figure(
            "tui: keypress -> log line fsynced (median)",
            statistics.median(to_disk) * 1000,
            "ms",
            "< 50",
            statistics.median(floor_disk) * 1000,
        ),
        Figure(
            "tui: keypress -> log line on disk and on screen (median)",
            statistics.median(to_screen) * 1000,
            "ms",
            "< 50",
            statistics.median(floor) * 1000,
        ),
        Figure(
            "tui: keypress -> log line on disk and on screen (worst)",
            max(to_screen) * 1000,
            "ms",
            "< 50",
            max(floor) * 1000,
        ),
    ]


# -- opening a big incident ------------------------------------------------------------------------


def open_figures(root: Path) -> list[Figure]:
    """From starting the app to its first frame, and to the console showing all 100,000 entries.

    A first open: the incident has a state snapshot (commands wrote it) but no rows cache, as
    when only commands and bots wrote to it. The store's replay of the log is measured alone
    too, and toolong opening the same file (the target: no slower than it).
    """
    from textual.app import App, ComposeResult
    from textual.widgets import Log

    from ic_console.store.incident import IncidentStore
    from ic_console.tui.screens.console import ConsoleScreen

    _write_incident(root, "big", log_entries=BIG, tasks=20)
    IncidentStore.open(root, "big", actor="Alex")  # writes the summary, warms the page cache
    replay_started = time.perf_counter()
    IncidentStore.open(root, "big", actor="Alex")
    replay = time.perf_counter() - replay_started
    floor_started = time.perf_counter()
    with open(root / "incidents" / "big" / "events.jsonl", "rb") as handle:
        parsed = [json.loads(line) for line in handle]
    replay_floor = time.perf_counter() - floor_started
    assert len(parsed) > BIG, len(parsed)
    del parsed
    marks: dict[str, float] = {}

    async def scenario(pilot: Any) -> None:
        marks["first"] = time.perf_counter()
        app = pilot.app
        while not (
            isinstance(app.screen, ConsoleScreen)
            and app.screen.composed.is_set()
            and len(app.rows) >= BIG
        ):
            await pilot.pause(0.01)
        await pilot.pause()
        marks["ready"] = time.perf_counter()

    started = time.perf_counter()
    _run(_console(root, "big"), scenario)

    lines = [f"14:00:00 Responder {n % 40}  note  Observation {n}" for n in range(BIG)]

    class Bare(App[None]):
        """The floor: Textual's Log given the same number of lines."""

        def compose(self) -> ComposeResult:
            yield Log()

        def on_mount(self) -> None:
            self.query_one(Log).write_lines(lines)

    floor: dict[str, float] = {}

    async def bare(pilot: Any) -> None:
        floor["first"] = time.perf_counter()
        await pilot.pause()
        floor["ready"] = time.perf_counter()

    floor_started = time.perf_counter()
    _run(Bare(), bare)
    toolong = _toolong_open(root / "incidents" / "big" / "events.jsonl")
    return [
        Figure(
            "tui: open 100,000 events -> first frame",
            marks["first"] - started,
            "s",
            "< 1",
            floor["first"] - floor_started,
        ),
        Figure(
            "tui: open 100,000 events -> whole log on screen",
            marks["ready"] - started,
            "s",
            "< 1",
            floor["ready"] - floor_started,
        ),
        *(
            []
            if toolong is None
            else [
                Figure(
                    "tui: open 100,000 events -> whole log on screen (floor: toolong, same file)",
                    marks["ready"] - started,
                    "s",
                    "<= toolong",
                    toolong,
                )
            ]
        ),
        Figure("tui: open 100,000 events: store replay alone", replay, "s", "-", replay_floor),
    ]


def _toolong_open(events: Path) -> float | None:
    """toolong opening the same events.jsonl until every line can be scrolled to (its own
    throwaway environment, as in `bench_load.py`); None, said, when it cannot be had."""
    from bench_load import MEASURE, toolong_python
    from ic_console.synthetic import LOAD_ID

    python = toolong_python()
    if python is None:
        return None
    with open(events, "rb") as handle:
        lines = sum(1 for _ in handle)
    with tempfile.TemporaryDirectory(prefix="ic-bench-tui-toolong-") as temp:
        place = Path(temp) / "incidents" / LOAD_ID  # where measure.py's toolong part looks
        place.mkdir(parents=True)
        os.link(events, place / "events.jsonl")
        done = subprocess.run(
            [python, str(MEASURE), "toolong", temp, str(lines)], capture_output=True, text=True
        )
    if done.returncode != 0:
        print(f"toolong row skipped: {done.stderr.strip()[-300:]}", file=sys.stderr)
        return None
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return float(report["open"])


# -- live countdowns -------------------------------------------------------------------------------


def countdown_figures(root: Path) -> list[Figure]:
    """CPU used while 200 countdowns refresh every second (share of one core)."""
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    from ic_console.tui.screens.console import ConsoleScreen

    _write_incident(root, "timers", log_entries=200, tasks=COUNTDOWNS)
    usage: dict[str, float] = {}

    async def measure(pilot: Any, key: str) -> None:
        await pilot.pause(1.0)
        cpu, wall = time.process_time(), time.perf_counter()
        await asyncio.sleep(CPU_SECONDS)
        usage[key] = (time.process_time() - cpu) / (time.perf_counter() - wall) * 100

    async def scenario(pilot: Any) -> None:
        while not (
            isinstance(pilot.app.screen, ConsoleScreen) and pilot.app.screen.composed.is_set()
        ):
            await pilot.pause(0.05)
        assert len(pilot.app.store.state.open_tasks()) == COUNTDOWNS
        await measure(pilot, "console")

    _run(_console(root, "timers"), scenario)

    class Ticking(App[None]):
        """The floor: one Static redrawn every second, nothing else."""

        def compose(self) -> ComposeResult:
            yield Static()

        def on_mount(self) -> None:
            self.set_interval(1.0, lambda: self.query_one(Static).update(f"{time.time():.0f}"))

    async def bare(pilot: Any) -> None:
        await measure(pilot, "floor")

    _run(Ticking(), bare)
    return [
        Figure(
            f"tui: {COUNTDOWNS} live countdowns, CPU",
            usage["console"],
            "% core",
            "< 10",
            usage["floor"],
        )
    ]


def run() -> list[Figure]:
    # The user's own config (keymap, theme) must not change what is measured.
    os.environ.setdefault("IC_CONSOLE_CONFIG", os.devnull + ".absent.toml")
    figures: list[Figure] = []
    parts = (keypress_figures, open_figures, countdown_figures)
    # IC_BENCH_TUI_ONLY=open (or keypress, countdown) runs that part alone.
    only = os.environ.get("IC_BENCH_TUI_ONLY")
    for part in parts:
        if only and part.__name__ != f"{only}_figures":
            continue
        with tempfile.TemporaryDirectory(prefix="ic-bench-tui-") as temp:
            figures.extend(part(Path(temp)))
    return figures


if __name__ == "__main__":
    print_figures(run())
