"""Crashes and concurrency with real processes: a writer killed at random moments never loses
an event whose append had returned, and two writers never tear or duplicate each other's lines."""

from __future__ import annotations

import json
import os
import random
import select
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from ic_console.domain import commands as c
from ic_console.store.incident import IncidentStore

pytestmark = pytest.mark.slow

TRIALS = 50


def _writer(root: Path, write_fd: int, seed: int) -> None:
    """The child: append log entries as fast as it can, reporting each seq once it returned."""
    rng = random.Random(seed)
    store = IncidentStore.open(root, "crash", actor="Writer")
    n = 0
    while True:
        n += 1
        # Some entries span several pages, so a kill can land in the middle of one write.
        size = rng.choice([10, 200, 3000, 15_000])
        store.execute(c.AddLogEntry(text=f"entry {seed}-{n} " + "x" * size))
        os.write(write_fd, b"%d\n" % store.state.last_seq)


def _read_reported(read_fd: int) -> list[int]:
    chunks = []
    while True:
        chunk = os.read(read_fd, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    return [int(line) for line in b"".join(chunks).split()]


def test_a_writer_killed_at_random_moments_never_loses_a_returned_append(tmp_path: Path) -> None:
    root = tmp_path / "home"
    IncidentStore.create(root, c.Declare(incident_id="crash", title="Crash test"), actor="Alex")
    rng = random.Random(20261123)
    recovered = 0
    reported_total = 0
    started = time.monotonic()
    for trial in range(TRIALS):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child never returns
            try:
                os.close(read_fd)
                _writer(root, write_fd, trial)
            except BaseException:
                import traceback

                traceback.print_exc()
            finally:
                os._exit(1)
        os.close(write_fd)
        # Let it start appending, then kill it without warning at a random moment.
        ready, _, _ = select.select([read_fd], [], [], 10)
        assert ready, "the writer never appended anything"
        time.sleep(rng.uniform(0, 0.03))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        reported = _read_reported(read_fd)
        os.close(read_fd)
        assert reported, "nothing was reported before the kill"
        reported_total += len(reported)

        store = IncidentStore.open(root, "crash", actor="Checker")
        assert not store.read_only, [n.message for n in store.notices]
        recovered += sum("was incomplete" in n.message for n in store.notices)
        # Every append that returned is in the log, and the log is whole and contiguous.
        assert store.state.last_seq >= max(reported)
        seqs = [json.loads(line)["seq"] for line in store.events_path.read_bytes().splitlines()]
        assert seqs == list(range(1, len(seqs) + 1))
        assert set(reported) <= set(seqs)
    assert reported_total >= TRIALS
    # Torn tails are recovered when they happen; how often depends on the kernel and timing.
    print(
        f"{TRIALS} kills, {reported_total} appends, {recovered} torn tails recovered, "
        f"{time.monotonic() - started:.1f} s"
    )


APPENDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from ic_console.domain.commands import AddLogEntry
    from ic_console.store.incident import IncidentStore

    root, tag, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    store = IncidentStore.open(root, "race", actor=tag)
    print("ready", flush=True)
    sys.stdin.readline()  # start together
    for n in range(count):
        store.execute(AddLogEntry(text=f"{tag} {n}"))
    print("done", flush=True)
    """
)


def test_two_processes_appending_to_one_incident(tmp_path: Path) -> None:
    root = tmp_path / "home"
    count = 2000
    IncidentStore.create(root, c.Declare(incident_id="race", title="Race"), actor="Alex")
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", APPENDER, str(root), tag, str(count)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for tag in ("Ann", "Bob")
    ]
    for writer in writers:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
    for writer in writers:
        assert writer.stdin is not None
        writer.stdin.write("go\n")
        writer.stdin.flush()
    for writer in writers:
        out, _ = writer.communicate(timeout=120)
        assert writer.returncode == 0 and out.strip() == "done"

    raw = IncidentStore.open(root, "race").events_path.read_bytes()
    assert raw.endswith(b"\n")
    lines = [json.loads(line) for line in raw.splitlines()]
    # The declaration (declared + declarer joined), then 4,000 whole lines.
    assert len(lines) == 2 + 2 * count
    assert [line["seq"] for line in lines] == list(range(1, len(lines) + 1))
    assert len({line["id"] for line in lines}) == len(lines)
    for tag in ("Ann", "Bob"):
        texts = [line["data"]["text"] for line in lines if line["actor"] == tag]
        assert texts == [f"{tag} {n}" for n in range(count)]  # each writer's own order kept
    store = IncidentStore.open(root, "race")
    assert not store.read_only and len(store.state.log) == 2 * count
