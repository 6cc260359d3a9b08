"""Shared pieces of the benchmark scripts: the figure every benchmark reports."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Figure:
    """One measured figure.

    ``target`` is the goal as people say it (``"< 0.5"``); ``floor`` is a baseline measured in the
    same run on the same machine (e.g. ``json.loads`` of the same file), so a reader can tell a slow
    machine from slow code. ``None`` when there is no meaningful baseline.
    """

    name: str
    value: float
    unit: str
    target: str
    floor: float | None = None
    #: The smallest of the runs when ``value`` is their median (``None`` for one run).
    low: float | None = None

    @property
    def ratio(self) -> float | None:
        """How many times the floor the figure is (``None`` without a usable floor)."""
        if self.floor is None or self.floor <= 0:
            return None
        return self.value / self.floor


def format_table(figures: list[Figure]) -> str:
    """Render figures as one plain-text table (figure, value, unit, target, floor, ratio)."""
    header = ("figure", "value", "min", "unit", "target", "floor", "ratio")
    rows = [header]
    for fig in figures:
        ratio = fig.ratio
        rows.append(
            (
                fig.name,
                _num(fig.value),
                "-" if fig.low is None else _num(fig.low),
                fig.unit,
                fig.target,
                "-" if fig.floor is None else _num(fig.floor),
                "-" if ratio is None else f"{ratio:.1f}x",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = []
    for n, row in enumerate(rows):
        cells = [
            cell.ljust(widths[i]) if i in (0, 3, 4) else cell.rjust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def print_figures(figures: list[Figure]) -> None:
    """Print a module's figures when it runs standalone."""
    print(format_table(figures))


def _num(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def write_wide_incident(root: Path, incident_id: str, entries: int, size: int = 20_000) -> Path:
    """An incident of `entries` scribe entries of `size` characters each (the text limit is
    20,000): the case where a path holding every entry at once, or twice, shows at once."""
    from datetime import UTC, datetime

    from ic_console.domain import commands as c
    from ic_console.domain.model import LogKind, Role
    from ic_console.synthetic import ScriptedIncident

    script = ScriptedIncident(datetime(2026, 11, 23, 14, 0, tzinfo=UTC))
    script.run(c.Declare(incident_id=incident_id, title="Wide entries", severity=2))
    script.run(c.AssignRole(role=Role.IC, name="Alex"))
    filler = "lorem ipsum dolor sit amet " * (size // 27 + 1)
    kinds = (LogKind.NOTE, LogKind.ACTION, LogKind.STATUS, LogKind.FOLLOWUP)
    for step in range(entries):
        script.clock.advance(2)
        text = f"Entry {step}: " + filler
        script.run(c.AddLogEntry(text=text[:size], kind=kinds[step % 4]))
    script.clock.advance(2)
    script.run(c.Resolve())
    return script.write(root)


# -- whole processes, measured in turn --------------------------------------------------------

#: Counted runs of each command (after one warm-up): the figure is their median, `low` the min.
RUNS = 3


@dataclass(frozen=True)
class Run:
    """One finished child process, by the operating system's own accounting."""

    wall: float
    cpu: float
    peak_mb: float
    stdout: str


#: Starts the measured command from a small process: Linux keeps a process's peak memory
#: across `exec`, so a child forked straight from the bench (which may hold a large incident it
#: just built) would report the bench's peak as its own. Prints wall seconds, exit status and
#: the child's rusage as one JSON line to the file named first.
_LAUNCH = r"""
import json, os, sys, time
result, argv = sys.argv[1], sys.argv[2:]
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(argv[0], argv)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
with open(result, "w") as out:
    json.dump({"wall": time.perf_counter() - started, "code": os.waitstatus_to_exitcode(status),
               "cpu": usage.ru_utime + usage.ru_stime, "maxrss_kb": usage.ru_maxrss}, out)
"""


def ic_env(home: Path) -> dict[str, str]:
    """The environment of an `ic` child: data root `home`, UTC, the user "bench" and no
    config.toml (a machine's own settings never colour a figure)."""
    return dict(
        os.environ,
        TZ="UTC",
        IC_CONSOLE_HOME=str(home),
        IC_CONSOLE_USER="bench",
        IC_CONSOLE_CONFIG=os.devnull + ".absent.toml",
    )


def run_child(
    argv: Sequence[str], *, env: Mapping[str, str] | None = None, ok: Sequence[int] = (0,)
) -> Run:
    """Run `argv` to its end; its wall and CPU seconds and peak memory (its own, from
    `wait4`). A child that fails (an exit status not in `ok`: `ic search` and `grep` say "no
    match" with 1) has its error output printed, then RuntimeError."""
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile("r", suffix=".json") as result,
    ):
        launcher = [sys.executable, "-c", _LAUNCH, result.name, *argv]
        subprocess.run(launcher, stdout=out, stderr=err, env=env, check=False)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
        text = result.read()
    report = json.loads(text) if text else {"code": -1}
    if report["code"] not in ok:
        print(f"bench child failed ({' '.join(argv)}), exit {report['code']}:", file=sys.stderr)
        print(stderr or "(no error output)", file=sys.stderr)
        raise RuntimeError(f"{argv[0]} exited {report['code']}")
    # ru_maxrss is in kilobytes on Linux.
    return Run(report["wall"], report["cpu"], report["maxrss_kb"] / 1024, stdout)


def interleaved(
    commands: Mapping[str, Sequence[str]],
    *,
    runs: int = RUNS,
    warmup: int = 1,
    env: Mapping[str, str] | None = None,
    ok: Mapping[str, Sequence[int]] | None = None,
) -> dict[str, list[Run]]:
    """Each command `runs` times, in turn (A B C A B C ...) after `warmup` rounds, so a
    machine that speeds up or slows down part-way colours every figure and its floor alike."""
    results: dict[str, list[Run]] = {name: [] for name in commands}
    for round_ in range(warmup + runs):
        for name, argv in commands.items():
            done = run_child(argv, env=env, ok=(ok or {}).get(name, (0,)))
            if round_ >= warmup:
                results[name].append(done)
    return results


def figure(
    name: str,
    runs: list[Run],
    floor: list[Run] | None,
    *,
    target: str,
    measure: Callable[[Run], float] = lambda run: run.wall,
    unit: str = "s",
) -> Figure:
    """The median of `runs` (and their min) beside the median of `floor`'s."""
    values = [measure(run) for run in runs]
    return Figure(
        name,
        statistics.median(values),
        unit,
        target,
        statistics.median(measure(run) for run in floor) if floor else None,
        low=min(values),
    )


def peak(run: Run) -> float:
    return run.peak_mb


def cpu(run: Run) -> float:
    return run.cpu
