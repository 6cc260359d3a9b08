"""Background sync for the console and `ic watch`: a worker thread that runs a round every
`SYNC_EVERY` seconds while a remote is configured, and what the header says about it.

Recording never waits for it: the worker only touches git's repository and hands peers' files
to the store (which takes the incident lock for a rename, as any terminal's append does); the
console notices the new files at its next poll, like another terminal's appends. A round that
hangs is killed by the git call's timeout and the header turns to "offline since 14:02".

The interval: what is recorded here is sent at once (the worker looks at its own files' sizes
every 0.25 s, one stat each), so a change waits for the other laptop's next fetch: at most one
interval. With 2 s rounds the wait is under 1.9 s in 95 % of cases, plus the two rounds (about
0.1 s each on a local network, a few tenths over the internet) and the console's 0.25 s poll:
well inside the 5 s target, with room for a slow remote. An idle round is one `git fetch` and
one `git for-each-ref` (nothing else runs when nothing changed): under 1 % of a core at one
round every 2 s (`bench/bench_sync.py`); a shorter interval would cost more CPU for little.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ic_console.store.errors import StoreError
from ic_console.store.lock import LockBusy
from ic_console.sync.engine import Syncer
from ic_console.sync.git import SyncError
from ic_console.sync.report import Peer
from ic_console.sync.settings import configured_remote
from ic_console.sync.state import load_state

#: Seconds between rounds (see the module's docstring for why 2).
SYNC_EVERY = 2.0
#: How often the worker looks (one stat per incident) for something recorded here to send.
LOOK_EVERY = 0.25
#: A console with nothing to send still commits this often, so other laptops see it is there.
PRESENCE_EVERY = 60.0
#: Seconds a background round's git call may take before the remote counts as offline.
BACKGROUND_TIMEOUT = 10.0


def ago(seconds: float) -> str:
    """ "4s ago", "3m ago", "2h ago" (never negative: a peer's clock may be ahead)."""
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds}s ago"
    if seconds < 3600:
        return f"{seconds // 60}m ago"
    return f"{seconds // 3600}h ago"


@dataclass(frozen=True)
class SyncView:
    """A copy of the worker's state for the face to draw from (any thread)."""

    #: Unix time of the last round that reached the remote (None: none yet).
    last_success: float | None = None
    #: Unix time since when rounds fail (None: online).
    offline_since: float | None = None
    error: str | None = None
    #: This laptop's events the remote does not have yet.
    waiting: int = 0
    peers: tuple[Peer, ...] = ()
    #: The remote refuses this laptop's pushes (read access only): it follows only.
    read_only: bool = False

    def line(
        self, now: float, *, clock: Callable[[float], str] | None = None, short: bool = False
    ) -> str:
        """The header's words: "synced 3s ago · 2 peers", "offline since 14:02 · 12 events to
        send", or "syncing..." before the first round. `short`, for a narrow header, where the
        incident's title needs the room: "synced 3s", "offline 14:02 · 12 to send"."""
        if self.offline_since is not None:
            shown = (
                clock(self.offline_since)
                if clock
                else time.strftime("%H:%M", time.localtime(self.offline_since))
            )
            if short:
                return f"offline {shown}" + (f" · {self.waiting} to send" if self.waiting else "")
            waiting = f" · {self.waiting} event{'s' * (self.waiting != 1)} to send"
            return f"offline since {shown}{waiting if self.waiting else ''}"
        if self.last_success is None:
            return "syncing..."
        since = ago(now - self.last_success)
        if self.read_only:
            if short:
                return f"following only · {since.removesuffix(' ago')}"
            return f"read-only remote: following only · synced {since}"
        if short:
            return f"synced {since.removesuffix(' ago')}"
        count = len(self.peers)
        return f"synced {since} · {count} peer{'s' * (count != 1)}"

    @property
    def offline(self) -> bool:
        return self.offline_since is not None

    def peer_labels(self, now: float) -> list[str]:
        """Other laptops from their last pushed commit: "Priya (other laptop, 4s ago)"."""
        return [
            f"{peer.name or peer.origin} (other laptop, {ago(now - peer.at)})"
            for peer in self.peers
        ]


@dataclass
class _News:
    """What the face should say once (refused files, rounds that received events)."""

    messages: list[str] = field(default_factory=list)


class BackgroundSync:
    """Runs sync rounds in a daemon thread until `stop`."""

    def __init__(
        self,
        root: Path,
        remote: str,
        actor: str,
        *,
        every: float = SYNC_EVERY,
        presence_every: float = PRESENCE_EVERY,
        timeout: float = BACKGROUND_TIMEOUT,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.root = root
        self.every = every
        self.presence_every = presence_every
        self.wall = wall
        self.syncer = Syncer(root, remote, actor=actor, timeout=timeout, wall=wall)
        self._lock = threading.Lock()
        self._view = SyncView()
        self._news = _News()
        self._reported: set[str] = set()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_commit = 0.0
        #: Rounds completed (tests wait on it).
        self.rounds = 0

    @classmethod
    def from_config(cls, root: Path, actor: str) -> BackgroundSync | None:
        """The worker for the configured remote; None when sync is not set up."""
        remote = configured_remote()
        if remote is None:
            return None
        try:
            return cls(root, remote, actor)
        except SyncError:
            return None

    # -- the thread --------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="ic-sync", daemon=True)
        self._thread.start()

    def stop(self, wait: float = 1.0) -> None:
        """Stop rounds; a git call under way is killed (never waits for the network)."""
        self._stop.set()
        self.syncer.cancel()
        thread = self._thread
        if thread is not None:
            thread.join(wait)
        self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            self.run_round()
            due = time.monotonic() + self.every
            while not self._stop.wait(min(LOOK_EVERY, max(0.0, due - time.monotonic()))):
                if time.monotonic() >= due:
                    break
                # Something recorded here goes out at once (not after the next interval),
                # unless the remote is offline: then rounds keep their pace.
                if not self.view().offline and self._local_changes():
                    break

    def _local_changes(self) -> bool:
        try:
            return self.syncer.has_local_changes()
        except (StoreError, OSError):
            return False

    def run_round(self) -> None:
        """One round, its outcome kept for `view` and `take_news`. Never raises."""
        now = self.wall()
        heartbeat = now - self._last_commit >= self.presence_every
        try:
            report = self.syncer.round(wait=0.0, heartbeat=heartbeat)
        except LockBusy:
            self._from_disk()  # another process of this laptop is syncing: show its outcome
            return
        except SyncError as error:
            if self._stop.is_set():
                return
            self._failed(str(error))
            if error.answered:
                # The remote said no (moved, full, a key it does not take): the header says
                # "offline"; this says why and what to do, once per console.
                self._tell_once(str(error))
            return
        except (StoreError, OSError) as error:
            self._failed(f"sync could not use this laptop's files: {error}")
            return
        except Exception as error:  # the thread must live on: said, not raised
            if self._stop.is_set():
                return
            self._failed(f"sync round failed ({type(error).__name__}: {error})")
            self._tell_once(
                f"A sync round failed ({type(error).__name__}: {error}); the next round tries "
                "again."
            )
            return
        finally:
            self.rounds += 1
        if heartbeat or report.sent:
            self._last_commit = now
        with self._lock:
            self._view = SyncView(
                last_success=self.wall(),
                waiting=report.waiting,
                peers=tuple(report.peers),
                read_only=report.read_only is not None,
            )
        for message in report.refused:
            self._tell_once(message)

    def _tell_once(self, message: str) -> None:
        with self._lock:
            if message not in self._reported:
                self._reported.add(message)
                self._news.messages.append(message)

    def _failed(self, message: str) -> None:
        waiting = 0
        with contextlib.suppress(SyncError, StoreError, OSError):
            waiting = self.syncer.waiting()
        state = load_state(self.syncer.dir)
        with self._lock:
            before = self._view
            self._view = SyncView(
                last_success=before.last_success or state.last_success,
                offline_since=before.offline_since or state.offline_since or self.wall(),
                error=message,
                waiting=waiting,
                peers=before.peers,
            )

    def _from_disk(self) -> None:
        state = load_state(self.syncer.dir)
        with self._lock:
            self._view = SyncView(
                last_success=state.last_success,
                offline_since=state.offline_since,
                error=state.last_error,
                waiting=self._view.waiting,
                peers=self._view.peers,
                read_only=state.read_only is not None,
            )

    # -- what the face reads -------------------------------------------------------------------

    def view(self) -> SyncView:
        with self._lock:
            return self._view

    def take_news(self) -> list[str]:
        """Messages to show once (a peer's refused file, naming its origin)."""
        with self._lock:
            news, self._news.messages = self._news.messages, []
            return news
