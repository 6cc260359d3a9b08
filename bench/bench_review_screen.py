"""`ic review`'s peak memory as a whole process on a terminal (issue 13: every verb under 200 MB
on the 100,000-event incidents).

The bench plays the terminal: `ic review` runs in a child on a pseudo-terminal (120x40), and the
bench waits for the timeline's header, presses `m` and waits for the metrics tab's first table,
presses End (the last observation), `t` and `q`. The figure is the process's own peak resident
memory (from `wait4`, started from a small launcher so the bench's own memory is not counted),
on the 100,000-event incident the export figures use (10,000 tasks) and on the load incident
(500 people, 2,000 tasks). Floor: a process that builds the same review (the source, the
timeline and the figures) without the screen, so the table shows what the screen adds. The
seconds to the timeline and to the metrics tab are printed beside (what a person waits for).

Two rounds of the screen, then one of the floor (a peak of memory moves by under 1 MB from run
to run, and building the 100,000-event incident already takes half a minute: the module stays
near a minute); IC_BENCH_QUICK=1 runs one round. Figures only; nothing here passes or fails.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

from common import _LAUNCH, Figure, ic_env, peak, print_figures, run_child  # noqa: E402
from ic_console.store.incident import IncidentStore  # noqa: E402
from ic_console.synthetic import LOAD_ID, build_load_incident, write_busy_incident  # noqa: E402
from scroll_latency import KEY_BYTES, _set_size, plain  # noqa: E402

BUSY_EVENTS = 100_000
BUSY_ID = "bench-export"
SIZE = (120, 40)
#: Any step taking longer than this has failed, not merely been slow.
LIMIT = 120.0
#: Rounds of the screen (see above).
ROUNDS = 2
#: Output silent this long: the screen has settled.
QUIET = 0.3

#: The floor: the review the screen is given, built without the screen.
_FLOOR = r"""
import sys
from pathlib import Path
from ic_console.review.parts import build_review
from ic_console.review.observations import observations
from ic_console.review.source import open_for_review
source = open_for_review(Path(sys.argv[1]), sys.argv[2])
review = build_review(source.events, source.state)
len(review.timeline), observations(review.metrics), review.due
"""


@dataclass(frozen=True)
class Session:
    """One `ic review`, driven to its end."""

    peak_mb: float
    #: Seconds from the start to the timeline's header on the terminal.
    to_timeline: float
    #: Seconds from pressing `m` to the metrics tab's first table on the terminal.
    to_metrics: float


class _Screen:
    """What the child wrote to the terminal, as plain text, read as it comes."""

    def __init__(self, master: int, process: subprocess.Popen[bytes]) -> None:
        self.master = master
        self.process = process
        self.text = ""
        self.tail = b""

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self.master, 65536)
        except OSError:  # the child has gone and closed the terminal
            data = b""
        if not data:
            return False
        self.tail = (self.tail + data)[-4000:]
        self.text += plain(data.decode(errors="replace"))
        return True

    def wait_for(self, words: str) -> float:
        """Seconds until `words` are on the terminal (RuntimeError when they never come)."""
        started = time.perf_counter()
        while words not in self.text:
            if time.perf_counter() - started > LIMIT or (
                self.process.poll() is not None and not self._read(0.1)
            ):
                print(self.tail.decode(errors="replace"), file=sys.stderr)
                raise RuntimeError(f"`ic review` never showed {words!r}")
            self._read(0.05)
        return time.perf_counter() - started

    def settle(self) -> None:
        while self._read(QUIET):
            pass

    def press(self, key: bytes) -> None:
        self.text = ""
        os.write(self.master, key)

    def drain_until_exit(self) -> None:
        started = time.perf_counter()
        while self.process.poll() is None and time.perf_counter() - started < LIMIT:
            self._read(0.05)
        if self.process.poll() is None:
            self.process.kill()
            raise RuntimeError("`ic review` did not quit on q")


def review_session(home: Path, incident_id: str) -> Session:
    """`ic review` on a pseudo-terminal: timeline, metrics, End, timeline, quit."""
    master, slave = os.openpty()
    _set_size(slave, *SIZE)
    env = dict(ic_env(home), TERM="xterm-256color", COLORTERM="truecolor")
    argv = [sys.executable, "-m", "ic_console", "--home", str(home), "review", incident_id]
    with tempfile.NamedTemporaryFile("r", suffix=".json") as result:
        process = subprocess.Popen(
            [sys.executable, "-c", _LAUNCH, result.name, *argv],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        screen = _Screen(master, process)
        try:
            to_timeline = screen.wait_for("When (")
            screen.settle()
            screen.press(b"m")
            to_metrics = screen.wait_for("Measure")
            screen.settle()
            for key in (KEY_BYTES["end"], b"t", b"q"):
                screen.press(key)
                screen.settle()
            screen.drain_until_exit()
        finally:
            if process.poll() is None:
                process.kill()
            process.wait()
            os.close(master)
        text = result.read()
    report = json.loads(text) if text else {"code": -1}
    if report["code"] != 0:
        print(screen.tail.decode(errors="replace"), file=sys.stderr)
        raise RuntimeError(f"`ic review {incident_id}` exited {report['code']}")
    return Session(report["maxrss_kb"] / 1024, to_timeline, to_metrics)


def _incidents(root: Path) -> dict[str, tuple[Path, str]]:
    """The two incidents, with the derived files a store leaves beside each log."""
    busy = root / "busy"
    write_busy_incident(busy, BUSY_ID, BUSY_EVENTS, resolve=True)
    load = root / "load"
    log = load / "incidents" / LOAD_ID / "events.jsonl"
    log.parent.mkdir(parents=True)
    build_load_incident(log)
    for home in (load, load / "incidents", log.parent):
        home.chmod(0o700)
    IncidentStore.open(busy, BUSY_ID, actor="bench")
    IncidentStore.open(load, LOAD_ID, actor="bench")
    return {
        f"{BUSY_EVENTS:,} events, 10,000 tasks": (busy, BUSY_ID),
        "load 100k/500/2,000": (load, LOAD_ID),
    }


def _compiled() -> None:
    """The package compiled, as an install leaves it (see `bench_review._compiled`)."""
    import compileall

    import ic_console

    compileall.compile_dir(Path(ic_console.__file__).parent, quiet=1)


def run() -> list[Figure]:
    root = Path(tempfile.mkdtemp(prefix="ic-bench-review-screen-"))
    runs = 1 if os.environ.get("IC_BENCH_QUICK") == "1" else ROUNDS
    figures: list[Figure] = []
    try:
        _compiled()
        for label, (home, incident_id) in _incidents(root).items():
            sessions: list[Session] = []
            try:
                for _ in range(runs):
                    sessions.append(review_session(home, incident_id))
                floor_run = run_child(
                    [sys.executable, "-c", _FLOOR, str(home), incident_id], env=ic_env(home)
                )
            except RuntimeError as error:
                print(f"ic review, {label}, not measured: {error}", file=sys.stderr)
                continue
            floor = peak(floor_run)
            values = [s.peak_mb for s in sessions]
            figures.append(
                Figure(
                    f"ic review, {label}, every tab, peak memory "
                    "(floor: the same review built without the screen)",
                    statistics.median(values),
                    "MB",
                    "< 200",
                    floor,
                    low=min(values) if runs > 1 else None,
                )
            )
            for name, seconds in (
                ("timeline on the terminal", [s.to_timeline for s in sessions]),
                ("metrics tab on the terminal after m", [s.to_metrics for s in sessions]),
            ):
                figures.append(
                    Figure(
                        f"ic review, {label}, {name}",
                        statistics.median(seconds),
                        "s",
                        "-",
                        low=min(seconds) if runs > 1 else None,
                    )
                )
        return figures
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    print_figures(run())
