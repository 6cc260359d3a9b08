"""A scrolling key on a real terminal: from the key's bytes to the frame that shows its rows.

The bench plays the terminal. It starts the console in a child process on a pseudo-terminal
(Textual's own Linux driver, its input thread, parser, compositor, frame rate and writer
thread: nothing of the test harness), writes a key's bytes (`ESC [ H` for Home) to it at t0,
and reads what the console writes back. The figure is t0 to the moment the bench has read the
bytes of the frame that shows the key's result: the row the cursor moved to, drawn highlighted.
Textual's wait for its next frame (it paints at most `TEXTUAL_FPS`, 60 by default, times a
second, on the next idle) is part of it, as it is of what a person sees.

The console says, on a side pipe, when it handled the key (the cursor moved) and when its
driver was given the frame, so each figure splits into key -> handled -> frame written ->
frame read. Between keys the bench waits for the screen to be quiet, as a person reading
would, and then a random part of a second, so the keys land at any moment of the console's
own once-a-second redraw, as a person's do.

    python bench/scroll_latency.py child HOME INCIDENT LAST_AT SIDE_FD   (the console side)
    python bench/scroll_latency.py pilot-floor   (Pilot's press+pause on an empty app)

`measure(...)` is the bench side; `bench_load.py` reports its figures.
"""

from __future__ import annotations

import fcntl
import json
import os
import random
import re
import select
import statistics
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

#: The bytes a terminal (xterm, and tmux with its default keys) sends for each key.
KEY_BYTES = {"home": b"\x1b[H", "end": b"\x1b[F", "pagedown": b"\x1b[6~", "pageup": b"\x1b[5~"}
#: One round of keys: to the top, five pages down, to the end.
ROUND = ("home", *("pagedown",) * 5, "end")
#: Output silent this long: the screen has settled (a person reads before the next key).
QUIET = 0.25
#: Any key taking longer than this has failed, not merely been slow.
LIMIT = 10.0

#: A terminal's control sequences: CSI (cursor moves, colours), OSC and DCS strings, and the
#: short ESC ones.
_ESCAPE = re.compile(
    r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|P[^\x1b]*\x1b\\|[()][0-9A-Za-z]|[=>78])"
)


def plain(data: str) -> str:
    """The characters a terminal would show for `data`, its control sequences removed."""
    return _ESCAPE.sub("", data)


@dataclass
class Press:
    """One key, timed: every figure is seconds after `sent` (None when it never happened)."""

    key: str
    sent: float
    #: The console's cursor moved (the key was read, parsed, dispatched and handled).
    handled: float | None = None
    #: The console's driver was given the frame that shows the cursor row.
    written: float | None = None
    #: The bench had read that frame's bytes from the terminal.
    seen: float | None = None
    cursor: int | None = None
    output: list[tuple[float, bytes]] = field(default_factory=list)
    #: What the console said about it (for the error when a stage never came).
    reports: list[dict[str, Any]] = field(default_factory=list)

    def after(self, moment: float | None) -> float | None:
        return None if moment is None else moment - self.sent


def _set_size(fd: int, columns: int, lines: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))


class Terminal:
    """The console in a child process on a pseudo-terminal, and the pipe it reports on."""

    def __init__(self, home: Path, incident_id: str, last_at: str, size: tuple[int, int]) -> None:
        self.master, slave = os.openpty()
        _set_size(slave, *size)
        side_read, side_write = os.pipe()
        self.side = side_read
        #: The end of what the console wrote: Textual draws on stderr, so its errors land here.
        self.tail = b""
        env = dict(
            os.environ,
            TERM="xterm-256color",
            COLORTERM="truecolor",
            TZ="UTC",
            IC_CONSOLE_CONFIG=os.devnull + ".absent.toml",
        )
        argv = [sys.executable, __file__, "child", str(home), incident_id, last_at, str(side_write)]
        self.process = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            pass_fds=(side_write,),
            start_new_session=True,
        )
        os.close(slave)
        os.close(side_write)
        self._side_buffer = b""
        #: What the console said on the side pipe, in order.
        self.reports: list[dict[str, Any]] = []
        #: Everything read from the terminal, each read stamped with when.
        self.output: list[tuple[float, bytes]] = []

    def pump(self, timeout: float) -> list[tuple[float, bytes]]:
        """Screen output read within `timeout` (stamped as read); side reports are kept."""
        chunks: list[tuple[float, bytes]] = []
        ready, _, _ = select.select([self.master, self.side], [], [], timeout)
        for fd in ready:
            try:
                data = os.read(fd, 65536)
            except OSError:  # the child closed the terminal
                data = b""
            now = time.perf_counter()
            if not data:
                if self.process.poll() is not None:
                    raise RuntimeError(self.failure("the console exited"))
                continue
            if fd == self.master:
                chunks.append((now, data))
                self.output.append((now, data))
                self.tail = (self.tail + data)[-4000:]
            else:
                self._side_buffer += data
                *lines, self._side_buffer = self._side_buffer.split(b"\n")
                self.reports += [json.loads(line) for line in lines]
        return chunks

    def settle(self, *, first: float = LIMIT) -> list[tuple[float, bytes]]:
        """Everything written until the screen has been quiet for `QUIET` (within `first`
        seconds of asking, something must come)."""
        chunks: list[tuple[float, bytes]] = []
        started = last = time.perf_counter()
        while True:
            # Only the screen counts: the side pipe's reports say nothing about quiet.
            got = self.pump(max(0.0, last + QUIET - time.perf_counter()))
            now = time.perf_counter()
            if got:
                chunks += got
                last = now
            elif now - last >= QUIET and (chunks or now - started > first):
                return chunks
            if now - started > LIMIT * 3:
                raise RuntimeError(self.failure("the screen never settled"))

    @property
    def focus(self) -> str | None:
        """The id of the widget with the focus, as of the console's last frame."""
        said = [report["focus"] for report in self.reports if "focus" in report]
        return said[-1] if said else None

    def until(self, done: Callable[[], bool], failure: str) -> None:
        """Read until `done()`; RuntimeError saying `failure` after `LIMIT` seconds."""
        started = time.perf_counter()
        while not done():
            self.pump(0.05)
            if time.perf_counter() - started > LIMIT:
                raise RuntimeError(self.failure(failure))

    def wait(self, seconds: float) -> None:
        """Read whatever comes for `seconds` (the console must never block on a full terminal)."""
        until = time.perf_counter() + seconds
        while (left := until - time.perf_counter()) > 0:
            self.pump(left)

    def send(self, data: bytes) -> float:
        sent = time.perf_counter()
        os.write(self.master, data)
        return sent

    def failure(self, what: str) -> str:
        error = plain(self.tail.decode(errors="replace")).strip()
        return f"{what}; the terminal's last output:\n{error or '(none)'}"

    def close(self) -> None:
        """Quit the console as a person does (ctrl+q, and again to confirm with open tasks)."""
        for _ in range(2):
            if self.process.poll() is None:
                os.write(self.master, b"\x11")
                self._drain(1.0)
        self._drain(LIMIT)
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for fd in (self.master, self.side):
            os.close(fd)

    def _drain(self, seconds: float) -> None:
        """Read (and drop) the terminal's output until the console has exited or `seconds`."""
        until = time.perf_counter() + seconds
        while self.process.poll() is None and time.perf_counter() < until:
            try:
                self.pump(0.05)
            except RuntimeError:  # it exited
                return


def measure(
    home: Path,
    incident_id: str,
    last_at: str,
    *,
    size: tuple[int, int] = (160, 48),
    rounds: int = 2,
) -> dict[str, Any]:
    """Each key of `ROUND`, `rounds` times, on the console showing `incident_id`: per key, the
    median and worst seconds from its bytes to its frame on the terminal, and the split."""
    terminal = Terminal(home, incident_id, last_at, size)
    try:
        _open(terminal)
        # Key 2 shows the log pane and gives it the focus (the task board has it at first).
        terminal.send(b"2")
        terminal.until(lambda: terminal.focus == "log", "key 2 never gave the log the focus")
        terminal.settle(first=0)
        presses: list[Press] = []
        # A person's keys come at any moment of the console's own second (its tick redraws the
        # header, the tasks and the phrasebook): a random pause after the screen went quiet
        # keeps the keys from falling in step with it. Seeded: the same moments every run.
        moments = random.Random(13)
        for _ in range(rounds):
            for key in ROUND:
                terminal.wait(moments.uniform(0, 1.0))
                before, read = len(terminal.reports), len(terminal.output)
                press = Press(key, terminal.send(KEY_BYTES[key]))
                terminal.until(partial(_framed, terminal, before), f"{key} never showed a frame")
                terminal.settle(first=0)
                press.output = terminal.output[read:]
                _attribute(press, terminal.reports[before:])
                presses.append(press)
    finally:
        terminal.close()
    return summarise(presses)


def _open(terminal: Terminal) -> None:
    """Until the console shows its log, has raised its first alerts (at its first tick, a
    second in) and seen their toasts go (the load incident has 200 late tasks: 200 "timebox is
    up" toasts for 8 s, each leaving lays the screen out again), and is quiet."""
    opened = time.perf_counter()
    shown: float | None = None
    while True:
        terminal.pump(0.1)
        now = time.perf_counter()
        if shown is None and any(report.get("ready") for report in terminal.reports):
            shown = now
        toasts = [report["toasts"] for report in terminal.reports if "toasts" in report]
        if shown is not None and now - shown > 2.0 and toasts and toasts[-1] == 0:
            terminal.settle(first=0)
            return
        if now - opened > LIMIT * 3:
            raise RuntimeError(terminal.failure("the console never settled"))


def _framed(terminal: Terminal, since: int) -> bool:
    """Whether, in its reports from `since` on, the console moved its cursor and then wrote a
    frame with the cursor row."""
    moved = False
    for report in terminal.reports[since:]:
        moved = moved or "cursor" in report
        if moved and report.get("shown"):
            return True
    return False


def _attribute(press: Press, reports: list[dict[str, Any]]) -> None:
    """Times of the key's handling and frame from the console's reports, and when the bench
    read that frame's bytes."""
    press.reports = reports
    for report in reports:
        if "cursor" in report and press.handled is None:
            press.handled = report["t"]
            press.cursor = report["cursor"]
        if report.get("shown") and press.written is None and press.handled is not None:
            press.written = report["t"]
            expected = report["text"]
            seen = ""
            for moment, chunk in press.output:
                # Decoded as one: a character may straddle two reads.
                seen += chunk.decode("utf-8", errors="replace")
                if expected in plain(seen):
                    press.seen = moment
                    break


def summarise(presses: list[Press]) -> dict[str, Any]:
    """Per key: the presses' median and worst seconds to each stage (None where a stage never
    came, which the bench reports as a failure)."""
    summary: dict[str, Any] = {}
    for key in dict.fromkeys(press.key for press in presses):
        mine = [press for press in presses if press.key == key]
        missing = [p for p in mine if p.seen is None or p.handled is None or p.written is None]
        if missing:
            said = [
                {name: value - p.sent if name == "t" else value for name, value in report.items()}
                for p in missing
                for report in p.reports
            ]
            raise RuntimeError(
                f"{len(missing)} of {len(mine)} {key} presses never showed a frame: {said}"
            )
        for stage in ("handled", "written", "seen"):
            values = [press.after(getattr(press, stage)) or 0.0 for press in mine]
            summary[f"{key}_{stage}"] = statistics.median(values)
            summary[f"{key}_{stage}_worst"] = max(values)
        summary[f"{key}_presses"] = len(mine)
    return summary


# -- the floor of the Pilot figures -------------------------------------------------------------

#: Keys pressed on the empty app, each followed by a pause, as `tests/load/measure.py` does.
PILOT_PRESSES = 12


def pilot_floor() -> dict[str, Any]:
    """Seconds Textual's Pilot takes for `press` then `pause` on an app that does nothing with
    the key (median, in a fresh process): the part of a Pilot figure that is Pilot's own
    waiting for the app to look idle, not the app's work."""
    done = subprocess.run(
        [sys.executable, __file__, "pilot-floor"], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        print(f"scroll_latency.py pilot-floor failed:\n{done.stderr}", file=sys.stderr)
        raise RuntimeError(f"pilot-floor exited {done.returncode}")
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


def _pilot_floor_child() -> int:
    import asyncio

    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Empty(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("nothing to scroll")

    times: list[float] = []

    async def main() -> None:
        async with Empty().run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            for n in range(PILOT_PRESSES):
                mark = time.perf_counter()
                await pilot.press(("home", "pagedown", "end")[n % 3])
                await pilot.pause()
                times.append(time.perf_counter() - mark)

    asyncio.run(main())
    print(json.dumps({"press_pause": statistics.median(times)}))
    return 0


# -- the console side ------------------------------------------------------------------------


def child(home: Path, incident_id: str, last_at: str, side_fd: int) -> int:
    """Run the console on this terminal, reporting on `side_fd`: one JSON line when its cursor
    moves (the key handled) and one for each frame its driver writes, saying whether that frame
    has the cursor row in it (and the row's text, for the bench to find in what it reads)."""
    from datetime import UTC, datetime

    from textual.app import ScreenStackError
    from textual.drivers.linux_driver import LinuxDriver
    from textual.widgets._toast import Toast

    from ic_console.domain.clock import FakeClock
    from ic_console.tui.factory import make_app
    from ic_console.tui.widgets.scribe_log import ScribeLog

    side = os.fdopen(side_fd, "w", buffering=1)

    def report(**fields: Any) -> None:
        side.write(json.dumps(fields) + "\n")

    watch_cursor = ScribeLog.watch_cursor

    def watched(self: ScribeLog, old: int, new: int) -> None:
        report(t=time.perf_counter(), cursor=new)
        watch_cursor(self, old, new)

    ScribeLog.watch_cursor = watched  # type: ignore[method-assign]

    app = make_app(
        home,
        "Alex",
        incident_id=incident_id,
        clock=FakeClock(datetime.fromisoformat(last_at)),
        zone=UTC,
        sync=False,
    )
    write = LinuxDriver.write
    ready = False
    last_toasts = [-1]
    # IC_SCROLL_PROFILE=FILE: where the console's time goes during the keys (read it with
    # pstats), for whoever cuts it.
    profiler = None
    if os.environ.get("IC_SCROLL_PROFILE"):
        import cProfile

        profiler = cProfile.Profile()

    def written(driver: LinuxDriver, data: str) -> None:
        nonlocal ready
        write(driver, data)
        moment = time.perf_counter()
        # After the frame went to the writer thread: what follows costs the frame nothing.
        try:
            scribes = list(app.screen.query(ScribeLog))
        except ScreenStackError:  # starting, or closing
            return
        if not scribes or scribes[0].row_count == 0:
            return
        scribe = scribes[0]
        # Notifications not yet timed out, and toasts still on screen (each one leaving lays
        # the screen out again: 200 toasts go one by one after their notifications end).
        toasts = len(app._notifications) + len(app.screen.query(Toast))
        if not ready or toasts != last_toasts[0]:
            ready = True
            last_toasts[0] = toasts
            report(ready=True, toasts=toasts)
        line = scribe.cursor - int(scribe.scroll_y)
        focus = app.focused and app.focused.id
        if focus == "log" and profiler is not None:
            profiler.enable()  # from the first frame with the log focused: the keys alone
        if not 0 <= line < scribe.scrollable_content_region.height:
            report(t=moment, shown=False, focus=focus)
            return
        text = scribe.render_line(line).text.rstrip()
        report(t=moment, shown=bool(text) and text in plain(data), text=text, focus=focus)

    LinuxDriver.write = written  # type: ignore[method-assign,assignment]
    app.run()
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(os.environ["IC_SCROLL_PROFILE"])
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "child":
        _, _, home, incident, last_at, fd = sys.argv
        raise SystemExit(child(Path(home), incident, last_at, int(fd)))
    if sys.argv[1:] == ["pilot-floor"]:
        raise SystemExit(_pilot_floor_child())
    raise SystemExit("usage: scroll_latency.py child HOME INCIDENT LAST_AT SIDE_FD | pilot-floor")
