"""The review's figures: exports of a 100,000-event incident and of 10,000 entries of 20 kB,
and searching 200 incidents (issue 13).

Run standalone (`python bench/bench_review.py`) or through `bench/run_all.py`. Every figure is
whole `ic` processes, as a person runs them, measured in turn with its floor (A B A B ...), RUNS
rounds after a warm-up: the median, the min beside it. Floors: a process that reads the same
log and `json.loads` every line (for the exports), and `grep -ri` over the same files (for the
search). Beside them, a bare script that writes only the md timeline table from the parsed
lines: what the exports' ratio target leaves room for. A child that fails has its error output
printed. Figures only; nothing here passes or
fails.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

from common import (  # noqa: E402
    Figure,
    cpu,
    figure,
    ic_env,
    interleaved,
    peak,
    print_figures,
    write_wide_incident,
)
from ic_console.store.incident import IncidentStore  # noqa: E402
from ic_console.synthetic import write_busy_incident as write_incident  # noqa: E402

EXPORT_EVENTS = 100_000
WIDE_ENTRIES = 10_000
SEARCH_INCIDENTS = 200
EVENTS_PER_SEARCHED_INCIDENT = 500
RARE = "zebra-crossing"
SEARCH_RUNS = 9
FORMATS = ("md", "html", "json", "csv")

#: The floor of an export: read the log and `json.loads` every line, as a whole process.
_FLOOR = r"""
import json, sys
with open(sys.argv[1], "rb") as handle:
    for line in handle:
        json.loads(line)
"""

#: What 2x the floor leaves room for: a bare script that writes only the postmortem's timeline
#: table, one row per event, from the parsed lines (no checks, no state, no figures, no other
#: section). An export does all that it skips; this row shows what the ratio target allows.
_BARE_TIMELINE = r"""
import json, sys
from datetime import datetime
with open(sys.argv[1], "rb") as handle, open(sys.argv[2], "w", encoding="utf-8") as out:
    write = out.write
    parse = datetime.fromisoformat
    for line in handle:
        event = json.loads(line)
        data = event["data"]
        when = parse(data.get("occurred_at") or event["at"]).strftime("%Y-%m-%d %H:%M:%S")
        text = (data.get("text") or data["type"]).replace("|", "\\|")
        write(f"| {when} | {event['actor']} | {text} |\n")
"""


def _ic(home: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "ic_console", "--home", str(home), *args]


def _export(home: Path, incident: str, fmt: str, out: Path) -> list[str]:
    return _ic(home, "export", incident, "--format", fmt, "-o", str(out / f"export.{fmt}"))


def _summaries(home: Path) -> None:
    """The derived files beside each log, as any `ic` command that opens the incident to write
    leaves them: `incident.toml`, and `state.snapshot` once the log is long enough to keep one
    (the store writes it every few thousand events and when the incident is resolved)."""
    for directory in sorted((home / "incidents").iterdir()):
        IncidentStore.open(home, directory.name, actor="bench")


def _compiled() -> None:
    """The package compiled, as `make .venv/.installed` and pip leave it: with
    PYTHONDONTWRITEBYTECODE set (as on the bench machine), each `ic` would otherwise compile
    whatever changed since, and the figure would include that compilation."""
    import compileall

    import ic_console

    compileall.compile_dir(Path(ic_console.__file__).parent, quiet=1)


def export_figures(root: Path) -> list[Figure]:
    _compiled()
    home = root / "home"
    directory = write_incident(home, "bench-export", EXPORT_EVENTS, resolve=True)
    _summaries(home)
    log = directory / "events.jsonl"
    commands = {fmt: _export(home, "bench-export", fmt, root) for fmt in FORMATS}
    commands["floor"] = [sys.executable, "-c", _FLOOR, str(log)]
    commands["bare"] = [sys.executable, "-c", _BARE_TIMELINE, str(log), str(root / "bare.md")]
    runs = interleaved(commands, env=ic_env(home))
    label = f"{EXPORT_EVENTS:,} events"
    figures = [
        figure(
            f"reference: a bare script writing only the md timeline table, {label} "
            "(floor: read + json.loads)",
            runs["bare"],
            runs["floor"],
            target="-",
        )
    ]
    for fmt in FORMATS:
        figures.append(
            figure(
                f"ic export {fmt}, {label} (floor: read + json.loads)",
                runs[fmt],
                runs["floor"],
                target="< 2 and <= 2x floor",
            )
        )
    for fmt in FORMATS:
        figures.append(
            figure(
                f"ic export {fmt}, {label}, CPU (floor: read + json.loads)",
                runs[fmt],
                runs["floor"],
                target="<= 2x floor",
                measure=cpu,
            )
        )
    for fmt in FORMATS:
        figures.append(
            figure(
                f"ic export {fmt}, {label}, peak memory",
                runs[fmt],
                runs["floor"],
                target="< 200",
                measure=peak,
                unit="MB",
            )
        )
    return figures


def wide_figures(root: Path) -> list[Figure]:
    """10,000 entries of 20,000 characters: every export and a search with no match."""
    _compiled()
    home = root / "home"
    directory = write_wide_incident(home, "wide", WIDE_ENTRIES)
    _summaries(home)
    commands = {fmt: _export(home, "wide", fmt, root) for fmt in FORMATS}
    commands["search"] = _ic(home, "search", "nothing-matches-this")
    commands["floor"] = [sys.executable, "-c", _FLOOR, str(directory / "events.jsonl")]
    runs = interleaved(commands, env=ic_env(home), warmup=0, ok={"search": (0, 1)})
    label = f"{WIDE_ENTRIES:,} entries of 20 kB"
    return [
        figure(
            f"ic {'export ' + name if name in FORMATS else name}, {label}, peak memory",
            runs[name],
            runs["floor"],
            target="< 300",
            measure=peak,
            unit="MB",
        )
        for name in (*FORMATS, "search")
    ]


def search_figures(root: Path) -> list[Figure]:
    """`ic search` over 200 incidents beside `grep -ri` over the same files (the package
    compiled first: `_compiled`)."""
    _compiled()
    home = root / "home"
    for n in range(SEARCH_INCIDENTS):
        rare = RARE if n % 50 == 7 else None
        write_incident(home, f"inc-{n:03d}", EVENTS_PER_SEARCHED_INCIDENT, rare=rare, resolve=True)
    _summaries(home)
    grep = shutil.which("grep") or "grep"
    # A team's config.toml, as every laptop that syncs has: checked in the warm-up round, then
    # taken from the stamp the check leaves in the data root (`content.config_stamp`).
    config = root / "config.toml"
    config.write_text(
        '[sync]\nremote = "git@git.example.com:sre/incidents.git"\n'
        '[[severity]]\nlevel = 1\nname = "Critical"\n',
        encoding="utf-8",
    )
    configured = ["env", f"IC_CONSOLE_CONFIG={config}", *_ic(home, "search", RARE)]
    commands = {
        "rare": _ic(home, "search", RARE),
        "configured": configured,
        "common": _ic(home, "search", "standby"),
        "grep": [grep, "-ri", RARE, str(home / "incidents")],
        # What the verb costs before it reads a log: the interpreter and its imports.
        "start": [
            sys.executable,
            "-c",
            "import ic_console.cli, ic_console.cli.search, ic_console.review.search",
        ],
    }
    # Nine rounds, not three: each takes a tenth of a second, and on a shared machine three
    # medians of so short a process moved the ratio by a whole 1x from run to run.
    runs = interleaved(commands, env=ic_env(home), ok={"grep": (0, 1)}, runs=SEARCH_RUNS)
    label = f"{SEARCH_INCIDENTS} incidents x {EVENTS_PER_SEARCHED_INCIDENT} events"
    return [
        figure(
            f"ic search, {label}, rare word (floor: grep -ri)",
            runs["rare"],
            runs["grep"],
            target="<= 5x floor",
        ),
        figure(
            f"ic search, {label}, rare word, CPU (floor: grep -ri)",
            runs["rare"],
            runs["grep"],
            target="<= 5x floor",
            measure=cpu,
        ),
        figure(
            f"ic search, {label}, rare word, with a config.toml (floor: grep -ri)",
            runs["configured"],
            runs["grep"],
            target="<= 5x floor",
        ),
        figure(
            f"ic search, {label}, common word (floor: grep -ri)",
            runs["common"],
            runs["grep"],
            target="-",
        ),
        figure(
            "python + imports of ic search alone (floor: grep -ri)",
            runs["start"],
            runs["grep"],
            target="-",
        ),
        figure(
            f"ic search, {label}, rare word, peak memory",
            runs["rare"],
            runs["grep"],
            target="bounded",
            measure=peak,
            unit="MB",
        ),
    ]


def run() -> list[Figure]:
    root = Path(tempfile.mkdtemp(prefix="ic-bench-review-"))
    parts = [export_figures, search_figures]
    if os.environ.get("IC_BENCH_QUICK") != "1":
        parts.append(wide_figures)
    if os.environ.get("IC_BENCH_REVIEW_ONLY"):  # one part by name, e.g. search_figures
        parts = [part for part in parts if part.__name__ == os.environ["IC_BENCH_REVIEW_ONLY"]]
    # IC_BENCH_REVIEW=export: only the export figures (100,000 events, and the wide entries).
    if os.environ.get("IC_BENCH_REVIEW") == "export":
        parts = [part for part in parts if part is not search_figures]
    figures: list[Figure] = []
    try:
        for part in parts:
            try:
                figures += part(root / part.__name__)
            except RuntimeError as error:  # the child's own error output is printed above
                print(f"{part.__name__} not measured: {error}", file=sys.stderr)
        return figures
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    print_figures(run())
