"""Kill -9 of a console at random moments, 200 times.

Why a forked child and not the real app: every change the console makes goes through
`ConsoleApp.execute` -> `IncidentStore.execute` (validate under the lock, one `os.write`,
`fsync`, read back); the screen adds nothing between "the command returned" and "the event is
on disk". A forked child running that same call costs about a millisecond to start, where a
headless Textual app costs about a second, so 200 kills fit in well under a minute on two cores.
The child runs a scripted IC session (people join, tasks are assigned, acknowledged and
extended, decisions proposed and accepted, updates posted, log lines of up to 19 kB so a kill
can land in the middle of a multi-page write) and reports the seq and id of each command's last
event once `execute` has returned. In every third trial the child's disk is slow (each append
reaches the file in two halves, 3 ms apart), so kills also land in the middle of a line.

After each kill: the incident reopens writable, every reported event is there with the same
id, seqs are contiguous, and a torn last line was moved into a sidecar file byte for byte.
"""

from __future__ import annotations

import os
import random
import select
import signal
import time
from datetime import timedelta
from functools import partial
from pathlib import Path

import pytest

from ic_console.domain import commands as cmd
from ic_console.domain.errors import DomainError
from ic_console.domain.events import Event
from ic_console.domain.state import IncidentState
from ic_console.store.incident import IncidentStore
from ic_console.store.paths import event_files

pytestmark = pytest.mark.slow

TRIALS = 200
SIZES = (20, 400, 5_000, 19_000)


def _next_command(state: IncidentState, rng: random.Random, n: int) -> cmd.Command:
    """One step of a plausible IC session, valid for `state`."""
    text = f"step {n} " + "x" * rng.choice(SIZES)
    unacked = [t for t in state.open_tasks() if t.acknowledged_at is None]
    open_tasks = state.open_tasks()
    decisions = state.open_decisions()
    choice = rng.randrange(8)
    if choice == 0 and unacked:
        return cmd.AcknowledgeTask(number=unacked[0].number)
    if choice == 1 and open_tasks:
        return cmd.ExtendTask(number=open_tasks[-1].number, timebox=timedelta(minutes=20))
    if choice == 2 and len(open_tasks) > 3:
        return cmd.CompleteTask(number=open_tasks[0].number)
    if choice == 3 and decisions:
        return cmd.AcceptDecision(number=decisions[0].number)
    if choice == 4:
        return cmd.ProposeDecision(text=text)
    if choice == 5:
        return cmd.AssignTask(owner=f"Responder {n % 7}", text=text, timebox=timedelta(minutes=5))
    if choice == 6:
        from ic_console.domain.model import Audience

        return cmd.PostUpdate(audience=Audience.INTERNAL, text=text)
    return cmd.AddLogEntry(text=text)


def _console(root: Path, report: int, seed: int, *, slow_disk: bool) -> None:
    """The child: a scripted session, reporting "seq id" after each command returned."""
    rng = random.Random(seed)
    store = IncidentStore.open(root, "kill", actor=f"IC {seed}")
    if slow_disk:
        _slow_disk(store.events_path.resolve())
    n = 0
    while True:
        n += 1
        try:
            events = store.execute(_next_command(store.state, rng, n))
        except DomainError:
            continue
        os.write(report, b"%d %s\n" % (events[-1].seq, events[-1].id.encode()))


def _collect(into: dict[int, str], events: list[Event]) -> None:
    into.update({event.seq: event.id for event in events})


def _slow_disk(monkeypatch_target: Path) -> None:
    """In the child: each log append reaches the disk in two halves, 3 ms apart.

    A kill landing inside one `os.write` of a local file is rare (microseconds), so without this
    the torn-tail recovery would almost never run; a slow or networked disk makes it common.
    """
    real_write = os.write

    def write(fd: int, data: bytes) -> int:
        if os.readlink(f"/proc/self/fd/{fd}") != str(monkeypatch_target) or len(data) < 2:
            return real_write(fd, data)
        half = len(data) // 2
        done = real_write(fd, data[:half])
        time.sleep(0.003)
        return done + real_write(fd, data[half:])

    os.write = write  # type: ignore[assignment]  # in the forked child only


def _reported(read_fd: int) -> list[tuple[int, str]]:
    chunks = []
    while chunk := os.read(read_fd, 65536):
        chunks.append(chunk)
    pairs = []
    for line in b"".join(chunks).splitlines():
        seq, event_id = line.split()
        pairs.append((int(seq), event_id.decode()))
    return pairs


def test_a_console_killed_at_random_moments_loses_nothing_it_returned(tmp_path: Path) -> None:
    root = tmp_path / "home"
    IncidentStore.create(root, cmd.Declare(incident_id="kill", title="Kill -9"), actor="Alex")
    rng = random.Random(20261123)
    checked = torn = 0
    started = time.monotonic()
    for trial in range(TRIALS):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child never returns
            try:
                os.close(read_fd)
                _console(root, write_fd, trial, slow_disk=trial % 3 == 0)
            finally:
                os._exit(1)
        os.close(write_fd)
        ready, _, _ = select.select([read_fd], [], [], 20)
        assert ready, f"trial {trial}: the console never recorded anything"
        time.sleep(rng.uniform(0, 0.02))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        reported = _reported(read_fd)
        os.close(read_fd)
        assert reported

        (events_path,) = event_files(root / "incidents" / "kill")
        raw = events_path.read_bytes()
        tail = raw[raw.rfind(b"\n") + 1 :]
        folder = root / "incidents" / "kill"
        sidecars_before = set(folder.glob("events.torn-*.jsonl"))
        by_seq: dict[int, str] = {}
        store = IncidentStore.open(root, "kill", on_events=partial(_collect, by_seq))
        assert not store.read_only, [n.message for n in store.notices]
        assert sorted(by_seq) == list(range(1, store.state.last_seq + 1))
        for seq, event_id in reported:
            assert by_seq.get(seq) == event_id, f"trial {trial}: event {seq} was lost"
        checked += len(reported)
        new_sidecars = set(events_path.parent.glob("events.torn-*.jsonl")) - sidecars_before
        if tail:
            torn += 1
            assert len(new_sidecars) == 1, f"trial {trial}: torn tail not moved aside"
            assert new_sidecars.pop().read_bytes() == tail
            assert events_path.read_bytes() == raw[: len(raw) - len(tail)]
            assert any("was incomplete" in n.message for n in store.notices)
        else:
            assert not new_sidecars and events_path.read_bytes() == raw
        assert (events_path.parent / "incident.toml").is_file()
    elapsed = time.monotonic() - started
    print(
        f"{TRIALS} kills, {checked} returned commands checked, {torn} torn tails, {elapsed:.1f} s"
    )
    assert checked >= TRIALS
    assert torn >= TRIALS // 20, "the torn-tail recovery was hardly exercised"
