"""Shared pieces of the benchmark scripts: the figure every benchmark reports."""

from __future__ import annotations

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
