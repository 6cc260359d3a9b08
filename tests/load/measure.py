"""One part of the load workload in a fresh process, reported as one line of JSON.

    python tests/load/measure.py PART HOME [LAST_AT]

PART is `replay` (open the store), `console` (open it in the console, scroll to the top and
back), `review` (open it for review and export it in the formats named after HOME, every format
when none is named), or a floor for one of them:
`floor-replay` (json.loads of every line) and `floor-console` (Textual's Log widget given the
same number of lines). Every report carries the process's peak resident memory (VmHWM), which
belongs to this process alone, unlike ru_maxrss, which a child inherits from its parent.

Used by `tests/load/test_load.py` (memory ceiling) and `bench/bench_load.py` (figures).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

#: The incident measured: the load incident, or another one the bench names (1M events).
INCIDENT_ID = os.environ.get("IC_MEASURE_INCIDENT", "load-100k")
SIZE = (160, 48)
#: Page-down presses in the scroll figure (Textual's Log, the floor, takes ~1 s for each).
PAGES = 5


def peak_kb() -> int:
    """VmHWM of this process in kB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def replay(home: Path) -> dict[str, Any]:
    from ic_console.store.incident import IncidentStore

    started = time.perf_counter()
    store = IncidentStore.open(home, INCIDENT_ID, actor="Alex")
    seconds = time.perf_counter() - started
    state = store.state
    return {
        "seconds": seconds,
        "events": state.last_seq,
        "participants": len(state.participants),
        "tasks": len(state.tasks),
        "read_only": store.read_only,
    }


def floor_replay(home: Path) -> dict[str, Any]:
    folder = home / "incidents" / INCIDENT_ID
    # events.jsonl, or this laptop's file once something was recorded (no import: a floor)
    path = folder / "events.jsonl"
    if not path.exists():
        (path,) = folder.glob("events/*.jsonl")
    started = time.perf_counter()
    with open(path, "rb") as handle:
        kept = [json.loads(line) for line in handle]
    return {"seconds": time.perf_counter() - started, "events": len(kept)}


def visible_text(widget: Any) -> str:
    """The text of every line the widget draws right now."""
    height = widget.scrollable_content_region.height
    return "\n".join(widget.render_line(y).text for y in range(height))


async def _settle(pilot: Any, until: Any, *, limit: float = 60.0) -> None:
    started = time.perf_counter()
    while not until():
        if pilot.app.return_code is not None:
            raise RuntimeError(f"the app exited with {pilot.app.return_code}")
        if time.perf_counter() - started > limit:
            raise TimeoutError("the console did not get there")
        await pilot.pause(0.01)


def console(home: Path, last_at: datetime) -> dict[str, Any]:
    from ic_console.domain.clock import FakeClock
    from ic_console.tui.factory import make_app
    from ic_console.tui.screens.console import ConsoleScreen

    report: dict[str, Any] = {}
    started = time.perf_counter()
    app = make_app(
        home,
        "Alex",
        incident_id=INCIDENT_ID,
        clock=FakeClock(last_at),
        zone=UTC,
        background_load=False,
    )

    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            report["first_frame"] = time.perf_counter() - started

            def ready() -> bool:
                # Ask for widgets only once the screen has composed them all.
                screen = app.screen
                return (
                    isinstance(screen, ConsoleScreen)
                    and screen.composed.is_set()
                    and screen.scribe.row_count > 0
                )

            await _settle(pilot, ready)
            await pilot.pause()
            report["open"] = time.perf_counter() - started
            screen = app.screen
            assert isinstance(screen, ConsoleScreen)
            scribe = screen.scribe
            report["rows"] = scribe.row_count
            report["open_tasks"] = screen.tasks.row_count
            report["cursor_at_open"] = scribe.cursor
            report["end_visible_at_open"] = visible_text(scribe)
            scribe.focus()
            await pilot.pause()
            mark = time.perf_counter()
            await pilot.press("home")
            await pilot.pause()
            report["top_visible"] = visible_text(scribe)
            report["cursor_at_top"] = scribe.cursor
            report["scroll_top"] = time.perf_counter() - mark
            mark, cpu = time.perf_counter(), time.process_time()
            for _ in range(PAGES):
                await pilot.press("pagedown")
            await pilot.pause()
            report["cursor_after_pages"] = scribe.cursor
            report["page_down"] = (time.perf_counter() - mark) / PAGES
            # The work a key costs (key to frame), without the pilot's waits for idle timers.
            report["page_down_cpu"] = (time.process_time() - cpu) / PAGES
            mark = time.perf_counter()
            await pilot.press("end")
            await pilot.pause()
            report["end_visible"] = visible_text(scribe)
            report["cursor_at_end"] = scribe.cursor
            report["scroll_end"] = time.perf_counter() - mark
            report["page_height"] = scribe.scrollable_content_region.height

    asyncio.run(main())
    return report


def floor_console(home: Path, rows: int) -> dict[str, Any]:
    """Textual's Log given `rows` lines like the console's, shown and scrolled the same way."""
    from textual.app import App, ComposeResult
    from textual.widgets import Log

    lines = [f"14:00:00 Responder {n % 499:03d}  note  Observation {n}" for n in range(rows)]
    report: dict[str, Any] = {}
    started = time.perf_counter()

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Log()

        def on_mount(self) -> None:
            self.query_one(Log).write_lines(lines)

    async def main() -> None:
        async with Bare().run_test(size=SIZE) as pilot:
            report["first_frame"] = time.perf_counter() - started
            log = pilot.app.query_one(Log)
            await _settle(pilot, lambda: log.line_count >= rows)
            await pilot.pause()
            report["open"] = time.perf_counter() - started
            log.focus()
            mark = time.perf_counter()
            await pilot.press("home")
            await pilot.pause()
            report["scroll_top"] = time.perf_counter() - mark
            mark, cpu = time.perf_counter(), time.process_time()
            for _ in range(PAGES):
                await pilot.press("pagedown")
            await pilot.pause()
            report["page_down"] = (time.perf_counter() - mark) / PAGES
            report["page_down_cpu"] = (time.process_time() - cpu) / PAGES
            mark = time.perf_counter()
            await pilot.press("end")
            await pilot.pause()
            report["scroll_end"] = time.perf_counter() - mark

    asyncio.run(main())
    return report


def review(home: Path, formats: list[str]) -> dict[str, Any]:
    """Open for review, then export in each of `formats` (all of them when none is given), as
    `ic export` does: loading what the formats need, writing the pieces as they come."""
    from ic_console.review.export import FORMATS, NEEDS, export_pieces
    from ic_console.review.source import open_for_review

    report: dict[str, Any] = {}
    wanted = formats or list(FORMATS)
    started = time.perf_counter()
    source = open_for_review(
        home,
        INCIDENT_ID,
        keep_json=any(NEEDS[fmt].events_json for fmt in wanted),
        timeline=any(NEEDS[fmt].timeline for fmt in wanted),
    )
    report["open"] = time.perf_counter() - started
    report["events"] = len(source.events)
    report["open_peak_mb"] = peak_kb() / 1024
    for fmt in wanted:
        mark = time.perf_counter()
        size = 0
        with open(os.devnull, "w", encoding="utf-8") as sink:
            for piece in export_pieces(source.events, source.state, fmt):
                sink.write(piece)
                size += len(piece)
        report[f"export_{fmt}"] = time.perf_counter() - mark
        report[f"size_{fmt}"] = size
    return report


def toolong(home: Path, lines: int) -> dict[str, Any]:
    """toolong (run by the bench in its own environment) opening the same events.jsonl: until
    every line is scanned and can be scrolled to. The comparison row for the console."""
    from toolong.ui import UI  # type: ignore[import-not-found]

    path = home / "incidents" / INCIDENT_ID / "events.jsonl"
    report: dict[str, Any] = {}
    started = time.perf_counter()
    app = UI([str(path)])

    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            report["first_frame"] = time.perf_counter() - started

            def scanned() -> bool:
                found = app.screen.query("LogLines")
                return bool(found) and found.first().line_count >= lines

            await _settle(pilot, scanned)
            await pilot.pause()
            report["open"] = time.perf_counter() - started

    asyncio.run(main())
    return report


def main(argv: list[str]) -> int:
    part, home = argv[0], Path(argv[1])
    base = peak_kb()
    if part == "replay":
        report = replay(home)
    elif part == "floor-replay":
        report = floor_replay(home)
    elif part == "console":
        report = console(home, datetime.fromisoformat(argv[2]))
    elif part == "floor-console":
        report = floor_console(home, int(argv[2]))
    elif part == "review":
        report = review(home, argv[2:])
    elif part == "toolong":
        report = toolong(home, int(argv[2]))
    else:
        raise SystemExit(f"unknown part {part!r}")
    report["peak_mb"] = peak_kb() / 1024
    report["base_mb"] = base / 1024
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
