"""Several laptops' files (issue 14, storage half): what the union costs on a 100,000-event
incident beside the same incident read as one file (the floor).

- taking in another laptop's whole file (`accept_peer_file`, first copy and a copy grown by
  one line);
- opening the union of two files from scratch and from the merged snapshot;
- a console following a peer file that grew by one line.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ic_console.domain import commands as c
from ic_console.store.incident import IncidentStore
from ic_console.store.replica import accept_peer_file, adopt_legacy_log, list_local_files
from ic_console.synthetic import LOAD_ID, build_load_incident

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

from common import Figure, print_figures  # noqa: E402


def _seconds(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def run() -> list[Figure]:
    scratch = Path(tempfile.mkdtemp(prefix="ic-bench-replica-"))
    try:
        alex, priya = scratch / "alex", scratch / "priya"
        folder = alex / "incidents" / LOAD_ID
        folder.mkdir(parents=True)
        build_load_incident(folder / "events.jsonl")
        for path in (alex, alex / "incidents", folder):
            path.chmod(0o700)
        priya.mkdir(mode=0o700)
        adopt_legacy_log(alex, LOAD_ID)
        (mine,) = list_local_files(alex)
        one_file = _seconds(lambda: IncidentStore.open(alex, LOAD_ID, read_only=True))
        first = _seconds(
            lambda: accept_peer_file(priya, LOAD_ID, mine.origin, mine.path.read_bytes())
        )
        store = IncidentStore.open(priya, LOAD_ID, actor="Priya")
        store.execute(c.AddLogEntry(text="Priya's own line"))  # now two files
        store.write_snapshot()
        from_snapshot = _seconds(lambda: IncidentStore.open(priya, LOAD_ID, read_only=True))
        from_scratch = _seconds(
            lambda: IncidentStore.open(priya, LOAD_ID, read_only=True, on_events=lambda e: None)
        )
        writer = IncidentStore.open(alex, LOAD_ID, actor="Alex")
        writer.execute(c.AddLogEntry(text="one more"))
        grown = _seconds(
            lambda: accept_peer_file(priya, LOAD_ID, mine.origin, mine.path.read_bytes())
        )
        follow = _seconds(store.refresh)
        return [
            Figure("accept a peer's 100k-event file (first copy)", first, "s", "-", one_file),
            Figure("accept a peer's file grown by one line", grown, "s", "< 1", None),
            Figure("open 2 files, 100k events, from scratch", from_scratch, "s", "-", one_file),
            Figure("open 2 files, 100k events, from the snapshot", from_snapshot, "s", "< 0.5"),
            Figure("follow: a peer file grew by one line", follow, "s", "< 0.1"),
        ]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    print_figures(run())
