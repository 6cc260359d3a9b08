"""Peak memory of every verb on the 100,000-event load incident (issue 13: under 200 MB).

Each `ic` verb that runs without a terminal, as a whole process, once on the load incident
(100,000 events, 500 people, 2,000 tasks), with its wall seconds beside its peak memory (the
child's own, from `wait4`); then the reading verbs, and `ic log`, on 10,000 entries of 20 kB
(under 300 MB). The reading verbs run on the incident as written; the writing verbs
on it too, in an order that keeps it active until the end (`resolve`, then `close`); then
`ic drill score` of a replay of it (the original's figures are measured again), and `ic sync`
sending it to a bare git remote and a second laptop receiving it. The screens
(`ic`, `ic watch`, `ic review`, `ic drill start`) need a terminal: the console's figures are
in `bench_tui.py`. A verb that fails has its error output printed. Figures only.

Run standalone (`python bench/bench_every_verb.py`) or through `bench/run_all.py`.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

from common import Figure, ic_env, run_child, write_wide_incident  # noqa: E402
from ic_console.store.incident import IncidentStore  # noqa: E402
from ic_console.synthetic import LOAD_ID, build_load_incident  # noqa: E402

#: Each verb's words after `ic --home HOME`, in the order they run ({id}: the load incident,
#: {out}: a scratch folder). Reading verbs first, then writing verbs, ending with close.
VERBS: tuple[str, ...] = (
    "list --all",
    "list --all --json",
    "show {id}",
    "show {id} --all",
    "show {id} --json",
    "search zebra-crossing",
    "search checkout",
    "postmortem {id} -o {out}/pm.md",
    "export {id} --format md -o {out}/x.md",
    "export {id} --format html -o {out}/x.html",
    "export {id} --format json -o {out}/x.json",
    "export {id} --format csv -o {out}/x.csv",
    "followups {id}",
    "followups {id} --format json",
    "followups {id} --format github --repo acme/ops",
    "followups {id} --format jira-csv",
    "status {id} -o {out}/status",
    "drill list",
    "config --help",
    "content list",
    "join {id} Zed",
    "log {id} 'a note from the bench'",
    "task {id} assign Zed 'check the bench' --in 5m",
    "decide {id} propose 'roll back the bench'",
    "sev {id} 2",
    "phase {id} resolve",
    "update {id} internal 'all good'",
    "role {id} scribe Zed",
    "exit {id} add 'errors below one percent'",
    "exit {id} met 1",
    "resolve {id} --keep-open",
    "close {id}",
)


#: The same reading verbs, and one writing one, on 10,000 entries of 20 kB (target 300 MB).
WIDE_VERBS: tuple[str, ...] = (
    *(words for words in VERBS[: VERBS.index("content list") + 1] if "drill" not in words),
    "log {id} 'a note from the bench'",
)
WIDE_ID = "wide"


def run() -> list[Figure]:
    root = Path(tempfile.mkdtemp(prefix="ic-bench-every-verb-"))
    try:
        home = root / "home"
        (home / "incidents" / LOAD_ID).mkdir(parents=True)
        build_load_incident(home / "incidents" / LOAD_ID / "events.jsonl")
        for path in (home, home / "incidents", home / "incidents" / LOAD_ID):
            path.chmod(0o700)
        # The derived files any writing `ic` command leaves beside the log.
        IncidentStore.open(home, LOAD_ID, actor="bench")
        out = root / "out"
        out.mkdir()
        figures = _sweep(home, LOAD_ID, VERBS, out, "load 100k", "< 200")
        figures += _drill_score(home, out)
        figures += _sync(root, home)
        wide = root / "wide"
        write_wide_incident(wide, WIDE_ID, 10_000)
        IncidentStore.open(wide, WIDE_ID, actor="bench")
        figures += _sweep(wide, WIDE_ID, WIDE_VERBS, out, "10,000 entries of 20 kB", "< 300")
        return figures
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _drill_score(home: Path, out: Path) -> list[Figure]:
    """`ic drill score` of a replay of the load incident: the drill's figures beside the
    original's, which are measured from the whole past incident again."""
    from ic_console.domain.clock import SystemClock
    from ic_console.live.drill import replay_scenario, start_drill
    from ic_console.review.source import open_for_review

    source = open_for_review(home, LOAD_ID, timeline=False, metrics=False)
    scenario = replay_scenario(LOAD_ID, source.events, source.state, trainee="Tess")
    drill = start_drill(
        home, scenario, trainee="Tess", speed=1, base_clock=SystemClock(), replay_of=LOAD_ID
    )
    return _sweep(
        home, drill.incident_id, ("drill score {id}",), out, "load 100k, replayed", "< 200"
    )


def _sync(root: Path, home: Path) -> list[Figure]:
    """`ic sync` sending the load incident (and the drill) to a bare git remote, then a second
    laptop's `ic sync` receiving it."""
    remote = root / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    config = root / "sync.toml"
    config.write_text(f'[sync]\nremote = "{remote}"\n', encoding="utf-8")
    peer = root / "peer"
    peer.mkdir(mode=0o700)
    figures: list[Figure] = []
    for label, data_root in (("send", home), ("receive on a second laptop", peer)):
        env = dict(ic_env(data_root), IC_CONSOLE_CONFIG=str(config))
        try:
            done = run_child([sys.executable, "-m", "ic_console", "sync"], env=env)
        except RuntimeError:  # its error output is printed above
            print(f"ic sync ({label}): not measured", file=sys.stderr)
            continue
        shown = f"load 100k: ic sync, {label}"
        figures.append(Figure(f"{shown}, peak memory", done.peak_mb, "MB", "< 200"))
        figures.append(Figure(f"{shown}, wall", done.wall, "s", "-"))
    return figures


def _sweep(
    home: Path, incident: str, verbs: tuple[str, ...], out: Path, label: str, target: str
) -> list[Figure]:
    """Each of `verbs` once on `incident`: its peak memory and its wall time."""
    figures: list[Figure] = []
    env = ic_env(home)
    for words in verbs:
        argv = shlex.split(words.format(id=incident, out=out))
        shown = words.format(id="ID", out="DIR")
        try:
            # `ic search` says "no match" with exit 1.
            done = run_child([sys.executable, "-m", "ic_console", *argv], env=env, ok=(0, 1))
        except RuntimeError:  # its error output is printed above; the others still run
            print(f"ic {shown}: not measured", file=sys.stderr)
            continue
        figures.append(Figure(f"{label}: ic {shown}, peak memory", done.peak_mb, "MB", target))
        figures.append(Figure(f"{label}: ic {shown}, wall", done.wall, "s", "-"))
    return figures


if __name__ == "__main__":
    from common import print_figures

    print_figures(run())
