"""The console's second: what runs every tick on an incident with many open tasks (issue 13).

Two views of it, at 200 and 2,000 open tasks (a third acknowledged, assigned at scattered
instants, most timeboxes run out):

- the situations (what the IC needs to say, `domain.situations`) asked once a second for two
  minutes: worked out from scratch each time as the console did before (the tests' oracle,
  `tests/helpers/situations_oracle.py`), and kept current by a `SituationTracker`;
- the whole tick of a headless console (Textual's `run_test`): the IC's console and the Deputy's
  view, `app.tick()` alone (screen, header, task board, alerts) and with the redraw it causes.

Run standalone (`python bench/bench_tick.py`) or through `bench/run_all.py`. It reports; it never
fails on timing. Figures are the median over the ticks, with the fastest as "min". The from-scratch
figure reads the oracle from tests/; the console figures run whatever `ic_console` is importable,
so `PYTHONPATH=<other checkout>/src python bench/bench_tick.py` measures another version.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
for path in (BENCH_DIR, BENCH_DIR.parent / "tests"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from common import Figure, print_figures  # noqa: E402

SIZES = (200, 2_000)
#: Ticks of the situations measured, one second apart (two minutes: two minute roll-overs).
TICKS = 120
#: Console ticks measured per view.
CONSOLE_TICKS = 15


def build(tasks: int, start: datetime) -> Any:
    """An incident with `tasks` open tasks, assigned over the first minutes after `start`."""
    from ic_console.domain import commands as c
    from ic_console.domain.model import Role
    from ic_console.synthetic import ScriptedIncident

    rng = random.Random(tasks)
    script = ScriptedIncident(start)
    script.run(c.Declare(incident_id=f"tick-{tasks}", title="Checkout errors", severity=1))
    script.run(c.AssignRole(role=Role.IC, name="Alex"))
    script.run(c.AssignRole(role=Role.DEPUTY, name="Priya"))
    for person in range(40):
        script.run(c.Join(name=f"Responder {person}"))
    when = start
    for number in range(1, tasks + 1):
        when += timedelta(microseconds=rng.randrange(2 * 60_000_000 // max(1, tasks // 100)))
        script.clock.set(when)
        owner = f"Responder {number % 40}"
        script.run(
            c.AssignTask(
                owner=owner,
                text=f"check shard {number}",
                timebox=timedelta(minutes=rng.choice([5, 10, 15, 30, 45, 90])),
            )
        )
        if number % 3 == 0:
            script.run(c.AcknowledgeTask(number=number), actor=owner)
    return script


def _per_tick(ask: Callable[[datetime], object], now: datetime) -> list[float]:
    """Seconds per call of `ask` at each tick, one second (and a little) apart."""
    ask(now)  # the first look works everything out
    times: list[float] = []
    for tick in range(1, TICKS + 1):
        at = now + timedelta(seconds=tick, microseconds=tick * 7919 % 1_000_000)
        started = time.perf_counter()
        ask(at)
        times.append(time.perf_counter() - started)
    return times


def _after_changes(script: Any, tracker: Any, now: datetime) -> list[float]:
    """Seconds for the first look after each of 20 scribe entries (the state changed: the
    tracker rebuilds its indexes, reusing what still holds)."""
    from ic_console.domain import commands as c

    times: list[float] = []
    for entry in range(20):
        at = now + timedelta(milliseconds=100 * entry)
        script.clock.set(at)
        script.run(c.AddLogEntry(text=f"still looking {entry}"))
        started = time.perf_counter()
        tracker.situations(script.state, at)
        times.append(time.perf_counter() - started)
    return times


def _figure(name: str, times: list[float], target: str) -> Figure:
    return Figure(name, statistics.median(times) * 1000, "ms", target, low=min(times) * 1000)


def situation_figures() -> list[Figure]:
    from ic_console.domain import situations

    start = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
    figures: list[Figure] = []
    for size in SIZES:
        script = build(size, start)
        state, now = script.state, start + timedelta(minutes=40)
        late = len(state.overdue_tasks(now))
        label = f"situations, {size:,} open tasks ({late:,} late)"
        try:
            from helpers.situations_oracle import oracle_situations
        except ImportError:
            print("bench_tick: tests/helpers not found, no from-scratch figure", file=sys.stderr)
        else:
            figures.append(
                _figure(
                    f"{label}: from scratch each tick (before)",
                    _per_tick(lambda at, state=state: oracle_situations(state, at), now),
                    "-",
                )
            )
        tracker_class = getattr(situations, "SituationTracker", None)
        if tracker_class is None:
            print("bench_tick: no SituationTracker in this version", file=sys.stderr)
            continue
        tracker = tracker_class()
        times = _per_tick(lambda at, t=tracker, s=state: t.situations(s, at), now)
        figures.append(_figure(f"{label}: kept current, per tick", times, "< 1"))
        figures.append(
            Figure(
                f"{label}: kept current, slowest tick (the minute rolls over)",
                max(times) * 1000,
                "ms",
                "-",
            )
        )
        figures.append(
            _figure(
                f"{label}: kept current, after a log line",
                _after_changes(script, tracker, now + timedelta(seconds=TICKS + 5)),
                "-",
            )
        )
    return figures


def redraw_floor() -> float:
    """Median seconds for plain Textual to redraw one changed line and settle (`pilot.pause`):
    the floor of "tick and the redraw it causes"."""
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Ticking(App[None]):
        def compose(self) -> ComposeResult:
            yield Static()

    times: list[float] = []

    async def main() -> None:
        app = Ticking()
        async with app.run_test(size=(200, 50)) as pilot:
            await pilot.pause(0.2)
            for tick in range(CONSOLE_TICKS):
                started = time.perf_counter()
                app.query_one(Static).update(f"tick {tick}")
                await pilot.pause()
                times.append(time.perf_counter() - started)
                await asyncio.sleep(0.3)

    asyncio.run(main())
    return statistics.median(times)


def console_figures(root: Path) -> list[Figure]:
    from ic_console.domain.clock import SystemClock
    from ic_console.tui.factory import make_app
    from ic_console.tui.screens.incident import IncidentScreen

    floor = redraw_floor() * 1000
    figures: list[Figure] = []
    for size in SIZES:
        script = build(size, SystemClock().now() - timedelta(minutes=40))
        script.write(root)
        late = len(script.state.overdue_tasks(SystemClock().now()))
        for watch in (False, True):
            ticks: list[float] = []
            redraws: list[float] = []

            async def main(
                size: int = size,
                watch: bool = watch,
                ticks: list[float] = ticks,
                redraws: list[float] = redraws,
            ) -> None:
                app = make_app(
                    root, "Priya" if watch else "Alex", incident_id=f"tick-{size}", watch=watch
                )
                async with app.run_test(size=(200, 50)) as pilot:
                    while not (
                        isinstance(app.screen, IncidentScreen) and app.screen.composed.is_set()
                    ):
                        await pilot.pause(0.05)
                    await pilot.pause(0.5)
                    app._stop_timers()  # the ticks below are the only ones
                    await pilot.pause(0.2)
                    for _ in range(CONSOLE_TICKS):
                        started = time.perf_counter()
                        app.tick()
                        ticked = time.perf_counter()
                        await pilot.pause()
                        ticks.append(ticked - started)
                        redraws.append(time.perf_counter() - started)
                        await asyncio.sleep(0.3)

            asyncio.run(main())
            view = "Deputy's view" if watch else "IC's console"
            label = f"console tick, {view}, {size:,} open tasks ({late:,} late)"
            figures.append(_figure(f"{label}: app.tick()", ticks, "< 5"))
            figures.append(
                Figure(
                    f"{label}: tick and the redraw it causes",
                    statistics.median(redraws) * 1000,
                    "ms",
                    "-",
                    floor,
                    min(redraws) * 1000,
                )
            )
    return figures


def run() -> list[Figure]:
    # The user's own config (keymap, theme) must not change what is measured.
    os.environ.setdefault("IC_CONSOLE_CONFIG", os.devnull + ".absent.toml")
    figures = situation_figures()
    with tempfile.TemporaryDirectory(prefix="ic-bench-tick-") as temp:
        figures.extend(console_figures(Path(temp)))
    return figures


if __name__ == "__main__":
    print_figures(run())
