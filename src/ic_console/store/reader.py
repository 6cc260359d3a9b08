"""An incident folder read into a state and kept up to date, writing nothing.

The full load starts from the state snapshot when it matches the log and folds the log's tail;
`refresh` folds what other terminals appended. A damaged line, a log cut short or a copied
folder make it read-only with a notice saying why. `IncidentStore` (`store.incident`) is this
plus the writes: it repairs a crash's leftovers when it loads and records commands.

Opening read-only (what `ic list`, `ic show` and the reviews do) never changes a byte: a torn
last line is reported here and repaired only by the next write.

One store may be shared between threads: its public methods take the store's own lock, so a
refresh in one thread never sees another's half-read log.

One module, at about 660 lines: loading (snapshot or not, one file or a merge), following, the
merged fold (read from the start as the files are merged, going back to a mark when a peer's
lines arrive late) and the read-only rules all change the same few fields under the one lock,
and are read together when any of them changes; the log's lines (`store.eventlog`), the fold
(`store.replay`), the merge order (`store.merged`) and the marks (`store.marks`) have modules
of their own.
"""

from __future__ import annotations

import heapq
import threading
from collections.abc import Callable
from itertools import islice
from pathlib import Path

from ic_console.domain.clock import Clock, SystemClock
from ic_console.domain.events import Event
from ic_console.domain.hlc import MergeKey, merge_key, wall_ms
from ic_console.domain.merge import apply_merged
from ic_console.domain.model import Role
from ic_console.domain.state import IncidentState, apply_all
from ic_console.store.errors import Notice, StoreError
from ic_console.store.eventlog import BATCH_LINES, EventLog, LogDamaged
from ic_console.store.marks import FoldMarks
from ic_console.store.merged import clocks_ahead, dedup, read_logs, stream_logs
from ic_console.store.paths import (
    EVENTS_FILE,
    LOCK_FILE,
    SUMMARY_FILE,
    event_files,
    file_origin,
    has_events,
    primary_log_path,
)
from ic_console.store.recovery import folder_contradiction, tail_bytes
from ic_console.store.replay import fold_new, gc_paused
from ic_console.store.snapshot import (
    SNAPSHOT_FILE,
    MergedSnapshot,
    load_merged_snapshot,
    load_snapshot,
)
from ic_console.store.summary import FollowupCount


class IncidentReader:
    """An incident folder's log folded into its state; the base of `IncidentStore`."""

    def __init__(
        self,
        directory: Path,
        *,
        clock: Clock | None = None,
        actor: str = "unknown",
        role: Role | None = None,
        read_only: bool = False,
        on_events: Callable[[list[Event]], None] | None = None,
        origin: str | None = None,
        on_mark: Callable[[], object] | None = None,
        on_rewind: Callable[[object], None] | None = None,
        on_resume: Callable[[MergedSnapshot, Callable[[], IncidentState]], bool] | None = None,
    ) -> None:
        self.directory = directory
        #: This data root's replica id (None: read-only and the root has none yet).
        self.origin = origin
        self.clock = clock or SystemClock()
        self.actor = actor
        self.role = role
        self.log = EventLog(primary_log_path(directory, origin))
        self.state = IncidentState()
        self.notices: list[Notice] = []
        self._forced_read_only = read_only
        self.damaged: LogDamaged | None = None
        #: Called with every batch of events applied (a batch starting at seq 1 is a full
        #: reload), so a screen can keep its own view of the log without reading it twice.
        self.on_events = on_events
        self._followups = FollowupCount()
        #: Why nothing may be written, besides a damaged line (a cut log, a copied folder...).
        self.blocked: str | None = None
        #: The log's size when its last event was shown without its line end (read-only).
        self._unterminated_at: int | None = None
        #: Set once the clock was seen going back between two recorded events.
        self.clock_went_back = False
        self._mutex = threading.RLock()
        #: The last sequence number covered by the state snapshot on disk (0: none known).
        self._snapshot_seq = 0
        #: The next read hands events up to this seq to `on_events` without folding them: the
        #: state started from a snapshot of them (a load with a listener; 0: fold every one).
        self._folded_up_to = 0
        # -- several replicas' files (`store.merged`) --
        #: True when the state is the merged fold of several files (or of a peer's file alone);
        #: False for this laptop's own log (or a pre-replication one) read alone, as before.
        self.merged = False
        #: The logs other than `self.log`, by path.
        self._peers: dict[Path, EventLog] = {}
        #: The files read, to notice a new one (a peer's file arrived).
        self._files: tuple[Path, ...] = ()
        #: Merged mode: every event id folded (with its contents' hash, `merged.dedup`),
        #: and the fold order key of the last one.
        self._ids: dict[str, int] = {}
        self._last_key: MergeKey | None = None
        #: Merged mode: events folded since the snapshot was written or read.
        self._merged_since_snapshot = 0
        #: Merged mode: where the fold can go back to when a peer's events arrive late
        #: (`store.marks`), and how a listener finds its own place there: `on_mark` gives
        #: what `on_rewind` takes back. A listener without them is given the whole log again;
        #: `on_rewind(None)` says the log comes again from the start (`_restarting`).
        self._marks = FoldMarks()
        self.on_mark = on_mark
        self.on_rewind = on_rewind
        #: Merged mode, a load with a listener: asked whether the listener already holds its
        #: view of what the merged snapshot covers (the console's rows cache); if so the fold
        #: starts from the snapshot and the listener is handed only the events after it. It is
        #: given the snapshot and how to read the state (which a refold replaces).
        self.on_resume = on_resume
        #: Set while a refold runs: what it changes is told once when it is done.
        self._quiet = False
        #: Origins whose clock was said to be fast.
        self._clocks_told: set[str] = set()
        #: Counts full reads (a load, or a refold when a peer's older events arrived), so a
        #: follower can tell the whole state is new.
        self.reloads = 0

    # -- paths ---------------------------------------------------------------------------------

    @property
    def events_path(self) -> Path:
        """The log this store appends to (its replica's file) or reads first."""
        return self.log.path

    @property
    def summary_path(self) -> Path:
        return self.directory / SUMMARY_FILE

    @property
    def lock_path(self) -> Path:
        return self.directory / LOCK_FILE

    @property
    def incident_id(self) -> str:
        return self.state.incident_id or self.directory.name

    @property
    def read_only(self) -> bool:
        return self._forced_read_only or self.damaged is not None or self.blocked is not None

    @property
    def snapshot_path(self) -> Path:
        return self.directory / SNAPSHOT_FILE

    # -- reading ------------------------------------------------------------------------------

    def load(self, *, holding_lock: bool = False) -> None:
        """Read the whole log from the start (after recovering a torn tail when writable)."""
        with self._mutex:
            self._load(holding_lock=holding_lock)

    def _load(self, *, holding_lock: bool) -> None:
        self.reloads += 1
        previous = self.state
        self.log.reset()
        self.log.path = primary_log_path(self.directory, self.origin)
        self.state = IncidentState()
        self._restarting()
        self.damaged = None
        self.blocked = None
        self._unterminated_at = None
        repaired = self._repair_before_load(holding_lock=holding_lock)
        self._files = tuple(event_files(self.directory))
        self.merged = self._needs_merge(self._files)
        if self.merged:
            # What a merge changed is in the state; told when it happens, not at every open.
            self._refold(quiet=not previous.declared, previous=previous, use_snapshot=True)
        else:
            self._peers = {}
            self._start_from_snapshot()
            self._read_and_apply(keep=False)
        if not repaired:
            self._report_tail()
        self._check_consistency()
        if not self.read_only:
            self._after_load()

    def _needs_merge(self, files: tuple[Path, ...]) -> bool:
        """Several files, or a file that is not this laptop's own (nor a pre-replication log)
        read alone: fold them as a merge, which never fails."""
        if len(files) != 1:
            return len(files) > 1
        only = files[0]
        return only.name != EVENTS_FILE and (
            self.origin is None or file_origin(only) != self.origin
        )

    def _primary_is_peer(self) -> bool:
        """Merged mode, on a laptop that has not written here: the log read first is another
        replica's file, which `accept_peer_file` replaces (prefix checked) as it grows."""
        owner = file_origin(self.log.path)
        return self.merged and owner is not None and owner != self.origin

    def _swappable(self) -> set[Path]:
        """The files `accept_peer_file` may have renamed into place since the last read."""
        swappable = set(self._peers)
        if self._primary_is_peer():
            swappable.add(self.log.path)
        return swappable

    def _all_logs(self) -> list[EventLog]:
        return [self.log, *self._peers.values()]

    def _refold(
        self,
        *,
        quiet: bool = False,
        previous: IncidentState | None = None,
        use_snapshot: bool = False,
    ) -> None:
        """Merged mode: fold every file from the start, in merge order. What the merge changed
        that the state before did not hold yet is told once (unless `quiet`: a first load)."""
        self.reloads += 1
        before = {(n.event_id, n.text) for n in (previous or self.state).merge_notices}
        self._quiet = True
        self.log.reset()
        self._peers = {path: EventLog(path) for path in self._files if path != self.log.path}
        self._ids = {}
        self._last_key = None
        self._marks.clear()
        self.state = IncidentState()
        self._restarting()
        self._merged_since_snapshot = 0
        if use_snapshot:
            self._start_from_merged_snapshot()
        try:
            late = self._read_all_merged()
        finally:
            self._quiet = False
        if late:  # sorting before what the snapshot covers, or a file went: from the start
            self._refold(quiet=quiet, previous=previous)
            return
        if not quiet:
            for notice in self.state.merge_notices:
                if (notice.event_id, notice.text) not in before:
                    self._tell(notice.text + ".")

    def _read_all_merged(self) -> bool:
        """Merged mode, from the start or the snapshot: every file's events merged as they are
        read and folded a batch at a time (`merged.stream_logs`), never all held at once; True
        when the first sorts before what the snapshot covers, or a file went since the files
        were listed (nothing is folded then: fold from the start with the files there are)."""
        if self._note_new_files():
            return True
        read = stream_logs(self._all_logs(), peers_may_be_swapped=self._swappable())
        from_snapshot = self._last_key is not None
        # The last two batches are folded together at the end, with the marks due in them:
        # the marks of a long read are its last two, not one every `MARK_EVERY` events.
        held: list[list[Event]] = []
        with gc_paused():  # many small objects that all stay alive (as `fold_new` does)
            while batch := list(islice(read.events, BATCH_LINES)):
                fresh = self._dedup(batch)
                if not fresh:
                    continue
                if from_snapshot:
                    from_snapshot = False
                    if self._last_key is not None and merge_key(fresh[0]) <= self._last_key:
                        return True
                held.append(fresh)
                if len(held) > 2:
                    self._fold_fresh(held.pop(0), marks=False)
            self._fold_fresh([event for fresh in held for event in fresh])
        if read.replaced:
            self._refold()
            return False
        if read.damage is not None:
            self._set_damaged(read.damage)
        return False

    def _fold_fresh(self, fresh: list[Event], *, marks: bool = True) -> None:
        """Fold events read in a merged read from the start (what `_apply_merged_read` does
        with a batch that sorts after what is folded); without `marks`, none is taken."""
        if not fresh:
            return
        self._merged_since_snapshot += len(fresh)
        if marks:
            self._fold_merged(fresh)
        else:
            self._fold_part(fresh)
        for sentence in clocks_ahead(
            fresh, wall_ms(self.clock.now()), self._clocks_told, mine=self.origin
        ):
            self._tell(sentence)

    def _note_new_files(self) -> bool:
        """Merged mode: read a replica's file that appeared since the last read with the
        others; True when one went (what was folded from it must go too)."""
        current = tuple(event_files(self.directory))
        if current == self._files:
            return False
        gone = set(self._files) - set(current)
        self._files = current
        if gone:
            return True
        for path in current:
            if path != self.log.path and path not in self._peers:
                self._peers[path] = EventLog(path)
        return False

    def _apply_merged_read(self, *, keep: bool) -> list[Event]:
        """Merged mode: fold what every file gained since it was last read; refold from the
        start when something arrived that sorts before what is already folded."""
        if self._note_new_files():  # a replica's file was removed: what was folded from it
            self._refold()  # must go too
            return []
        with gc_paused():  # many small objects that all stay alive (as `fold_new` does)
            read = read_logs(self._all_logs(), peers_may_be_swapped=self._swappable())
        if read.replaced:
            self._refold()
            return []
        fresh = self._dedup(read.events)
        if read.damage is not None:
            self._set_damaged(read.damage)
        if not fresh:
            return []
        if self._last_key is not None and merge_key(fresh[0]) <= self._last_key:
            # Something arrived that happened before what is folded: fold again from the
            # last mark before it (`store.marks`), or from the start, so every replica folds
            # the same events in the same order (never from the snapshot, which holds the
            # fold without it).
            if not self._go_back(read.events, fresh):
                self._refold()
            return []
        told = len(self.state.merge_notices)
        self._merged_since_snapshot += len(fresh)
        self._fold_merged(fresh)
        if not self._quiet:
            for notice in self.state.merge_notices[told:]:
                # Said once on every console (the state keeps them for the log and review).
                self._tell(notice.text + ".")
        for sentence in clocks_ahead(
            fresh, wall_ms(self.clock.now()), self._clocks_told, mine=self.origin
        ):
            self._tell(sentence)
        return fresh if keep else []

    def _dedup(self, events: list[Event]) -> list[Event]:
        """`events` less those already folded (by id); an id seen with other contents is told."""
        conflicts: list[str] = []
        fresh = dedup(events, self._ids, conflicts)
        for ident in conflicts:
            self._tell(
                f"Event {ident} is in two replicas' files with different contents; the first "
                "copy is kept. A file was changed after it was written.",
                severe=True,
            )
        return fresh

    def _restarting(self) -> None:
        """The fold starts again from nothing: a listener that is handed the events (and can
        take back what it was handed) is told so, `on_rewind(None)`, before the log comes again
        from its first event. Said, not guessed from the events: in a merged fold a second
        declaration of the incident (two laptops declared it while apart, `domain.merge`)
        arrives as a seq 1 in the middle of the fold."""
        if self.on_events is not None and self.on_rewind is not None:
            self.on_rewind(None)

    def _fold_merged(self, fresh: list[Event]) -> None:
        """Fold `fresh` (in merge order), taking the marks due on the way; the listener is
        handed each part as it is folded, so its own mark is taken at the same place."""
        done = 0
        for cut in self._marks.cuts(len(fresh)):
            self._fold_part(fresh[done:cut])
            done = cut
            listener = self.on_mark() if self.on_mark is not None else None
            assert self._last_key is not None  # an event was folded before any cut
            self._marks.take(self.state, self._last_key, listener)
        if done < len(fresh):
            self._fold_part(fresh[done:])

    def _fold_part(self, events: list[Event]) -> None:
        with gc_paused():  # many small objects that all stay alive (as `fold_new` does)
            apply_merged(self.state, events)
            self._marks.folded_now(events)
            self._last_key = merge_key(events[-1])
            if self.on_events is not None:
                self.on_events(events)

    def _go_back(self, read: list[Event], fresh: list[Event]) -> bool:
        """Fold again from the last mark before the first of `fresh` (which sorts before what
        is folded): the events folded since the mark and those `read` now, merged. False when
        there is no such mark, or a listener that cannot find its place again (the caller
        then folds everything again)."""
        if self.on_events is not None and (self.on_mark is None or self.on_rewind is None):
            return False
        found = self._marks.before(merge_key(fresh[0]))
        if found is None or (self.on_events is not None and found[0].listener is None):
            return False
        mark, since = found
        self.reloads += 1
        before = {(n.event_id, n.text) for n in self.state.merge_notices}
        for event in (*since, *fresh):  # what this read and the mark's events put there
            self._ids.pop(event.id, None)
        self.state = self._marks.back_to(mark, self.state)
        self._last_key = mark.last_key
        self._followups = FollowupCount()  # the log was cut and grows again in a new order
        if self.on_rewind is not None:
            self.on_rewind(mark.listener)
        again = self._dedup(list(heapq.merge(since, read, key=merge_key)))
        self._merged_since_snapshot += len(fresh)
        self._quiet = True
        try:
            self._fold_merged(again)
        finally:
            self._quiet = False
        for notice in self.state.merge_notices:
            if (notice.event_id, notice.text) not in before:
                self._tell(notice.text + ".")
        for sentence in clocks_ahead(
            fresh, wall_ms(self.clock.now()), self._clocks_told, mine=self.origin
        ):
            self._tell(sentence)
        return True

    def _start_from_merged_snapshot(self) -> None:
        """Merged mode: start from the snapshot when it matches every file's covered prefix
        (not when a listener wants every event, unless `on_resume` says it holds its view of
        what the snapshot covers). A file it does not cover is read whole."""
        self._snapshot_seq = 0
        if self.on_events is not None and self.on_resume is None:
            return
        snapshot, notice = load_merged_snapshot(self.directory, self._files)
        if notice is not None:
            self.notices.append(notice)
        if snapshot is None:
            return
        if self.on_events is not None and not (
            self.on_resume is not None and self.on_resume(snapshot, lambda: self.state)
        ):
            return
        self.state = snapshot.state
        for log in self._all_logs():
            covered = snapshot.covers.get(log.path)
            if covered is not None:
                log.offset, log.lines, log.last_seq = covered
        self._last_key = snapshot.last_key
        self._snapshot_seq = -1  # a snapshot is there: written again only when due
        if self.on_events is not None:
            # A mark where the listener took over, so a peer's line that arrives late but
            # sorts after what the snapshot covers folds again from here, not from the start.
            listener = self.on_mark() if self.on_mark is not None else None
            self._marks.take(self.state, snapshot.last_key, listener)

    def merged_cover(self) -> tuple[list[EventLog], MergeKey] | None:
        """Merged mode: the logs as read (each one's offset, lines and last seq) and the merge
        key of the last event folded, which the state is the fold of; None otherwise (one log
        read alone, or nothing folded yet)."""
        with self._mutex:
            if not self.merged or self._last_key is None:
                return None
            return self._all_logs(), self._last_key

    def _tell(self, message: str, *, severe: bool = False) -> None:
        if not any(n.message == message for n in self.notices):
            self.notices.append(Notice(message, severe=severe))

    def _files_changed(self) -> bool:
        """A replica's file appeared or went since the last read (one `listdir`)."""
        return tuple(event_files(self.directory)) != self._files

    def log_bytes(self) -> int:
        """Bytes of all the logs read (what the summary records to tell it is stale)."""
        return sum(log.offset for log in self._all_logs())

    def _repair_before_load(self, *, holding_lock: bool) -> bool:
        """Repair what a crash left before the log is read; True when it was looked at (then
        the end of the log is not reported). Reading only: nothing is repaired."""
        return False

    def _after_load(self) -> None:
        """Bring the derived files up to date after a full load. Reading only: nothing."""

    def _start_from_snapshot(self) -> None:
        """Start from the snapshot when it matches the log, so only the log's tail is read.

        Not when a listener wants every event (the console keeps its own view of the log): it
        replays the log from the start.
        """
        self._snapshot_seq = 0
        self._folded_up_to = 0
        snapshot, notice = load_snapshot(self.directory, self.events_path)
        if notice is not None:
            self.notices.append(notice)
        if snapshot is None:
            return
        if self.on_events is not None:
            # A listener wants every event (the console builds its log pane from them): the log
            # is read from the start and handed over, but what the snapshot covers is not
            # folded again (a third of a 100,000-event console's first open).
            self.state = snapshot.state
            self._snapshot_seq = self._folded_up_to = snapshot.state.last_seq
            return
        self.state = snapshot.state
        self.log.offset = snapshot.offset
        self.log.lines = snapshot.lines
        self.log.last_seq = snapshot.state.last_seq
        self._snapshot_seq = snapshot.state.last_seq

    def _report_tail(self) -> None:
        """Read-only: say what the end of the log holds past its last line end; change nothing.

        A whole, checksummed event missing only its line end is shown (the next write restores
        the line end); anything else is left out and left in place.
        """
        end = self.log.torn_tail_at()
        if end is None:
            return
        tail = tail_bytes(self.events_path, end)
        event = self.log.whole_event(tail) if self.damaged is None and not self.merged else None
        if event is not None and event.seq == self.state.last_seq + 1:
            try:
                apply_all(self.state, [event])
            except (KeyError, ValueError, AttributeError, TypeError):
                event = None
            else:
                if self.on_events is not None:
                    self.on_events([event])
                self._unterminated_at = end + len(tail)
                self.notices.append(
                    Notice(
                        f"The last event in {self.events_path} is whole but lacks its line end "
                        "(a crash just before it was finished); it is shown, and the next "
                        "write restores the line end."
                    )
                )
                return
        self.notices.append(
            Notice(
                f"{self.events_path} ends with an incomplete line ({len(tail)} bytes: a crash "
                "while writing, or a line still being written); it is left out and left in "
                "place. The next write from ic-console moves it aside."
            )
        )

    def _check_consistency(self) -> None:
        """Block writes to a log that the folder around it contradicts (`folder_contradiction`)."""
        if self.damaged is not None:
            return
        reason = folder_contradiction(
            self.directory,
            self.state,
            self.log,
            read_to=self._unterminated_at or self.log.offset,
            check_summary=not self.merged,
        )
        if reason is not None:
            self._block(reason)

    def _block(self, message: str) -> None:
        if self.blocked is None:
            self.blocked = message
            self.notices.append(Notice(message, severe=True))

    def _read_and_apply(self, *, keep: bool = True) -> list[Event]:
        """Fold what was appended since the last read into the state (`fold_new`); return the
        new events when `keep`."""
        if self.merged:
            return self._apply_merged_read(keep=keep)
        up_to, self._folded_up_to = self._folded_up_to, 0
        folded = fold_new(
            self.log, self.state, keep=keep, on_events=self.on_events, folded_up_to=up_to
        )
        if folded.replaced:
            # The file was swapped or cut under us: read it again from the start.
            self.log.reset()
            self.state = IncidentState()
            self._restarting()
            self.damaged = None
            self._read_and_apply(keep=False)
            return []
        if folded.damage is not None:
            self._set_damaged(folded.damage)
        return folded.applied

    def _set_damaged(self, damage: LogDamaged) -> None:
        if self.damaged is not None:
            return
        self.damaged = damage
        self.notices.append(
            Notice(
                f"{damage.path}, line {damage.line}: {damage.reason}. The incident is open "
                "read-only, showing the events before that line; nothing was changed. "
                "Keep a copy of the file and repair or remove that line to continue.",
                severe=True,
            )
        )

    # -- following -----------------------------------------------------------------------------

    def refresh(self) -> list[Event]:
        """Apply what other terminals appended since the last read; return those events.

        A replaced or truncated log is read again from the start (and the events returned are
        then empty: the whole state is new).
        """
        with self._mutex:
            try:
                if (self.log.replaced() and not self._primary_is_peer()) or (
                    not self.merged and self._files_changed()
                ):
                    self._check_still_there()
                    self._load(holding_lock=False)
                    return []
                if self._unterminated_at is not None:
                    if self.log.size() == self._unterminated_at:
                        return []
                    # The line end came back, and maybe more: read it all again.
                    self._load(holding_lock=False)
                    return []
                if self.damaged is not None:
                    return []
                return self._read_and_apply()
            except FileNotFoundError:
                self._check_still_there()
                raise

    def _check_still_there(self) -> None:
        """Raise a StoreError that says what is gone, when the directory or log is gone."""
        if not self.directory.is_dir():
            raise StoreError(
                f"The incident directory {self.directory} was removed or renamed; nothing more "
                "can be read or written here. Reopen the incident from where it now lives."
            )
        if not has_events(self.directory):
            raise StoreError(
                f"{self.events_path} was removed; nothing more can be read or written here. "
                "Restore it from a copy to continue."
            )

    def has_changes(self) -> bool:
        """Cheap check (one stat) whether the log grew or was replaced since the last read."""
        with self._mutex:
            if self._unterminated_at is not None:
                return self.log.replaced() or self.log.size() != self._unterminated_at
            if self.log.replaced() or self.log.size() != self.log.offset:
                return True
            if any(log.size() != log.offset for log in self._peers.values()):
                return True
            return self._files_changed()
