"""One incident directory: open it, follow it, and run commands against it.

`execute` is the single way anything is written: under the incident lock it first reads what
other terminals appended, validates the command against that fresh state, appends the events
with the next sequence numbers and fsyncs. So two terminals racing for the same task cannot
both succeed: the second sees the first's event and is refused with a clear message.

Files inside an incident folder are never opened through a symbolic link, and a folder that is
a link or someone else's is refused: an incident copied from another machine cannot point the
program at other files. Opening read-only (what `ic list`, `ic show` and the reviews do) never
changes a byte: a torn last line is reported there and repaired only by the next write.

One store may be shared between threads: its public methods take the store's own lock, so a
refresh in one thread never sees another's half-read log.
"""

from __future__ import annotations

import errno
import gc
import os
import shutil
import stat
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ic_console.domain.clock import Clock, SystemClock
from ic_console.domain.commands import Command, Declare, decide
from ic_console.domain.errors import DomainError
from ic_console.domain.events import Event, IncidentClosed, IncidentResolved, envelope
from ic_console.domain.model import Role, Status
from ic_console.domain.state import IncidentState, LogEntry, apply_all
from ic_console.domain.text import check_incident_id, clean_name, slugify
from ic_console.store.errors import StoreError
from ic_console.store.eventlog import EventLog, LogDamaged
from ic_console.store.lock import locked
from ic_console.store.paths import (
    DIR_MODE,
    FILE_MODE,
    check_incident_folder,
    check_not_world_writable,
    fsync_directory,
    incident_dir,
    incidents_dir,
    make_private_dir,
    open_private,
)
from ic_console.store.snapshot import SNAPSHOT_FILE, SnapshotUnusable, read_snapshot, write_snapshot
from ic_console.store.snapshot import TEMP_PREFIX as SNAPSHOT_TEMP_PREFIX
from ic_console.store.snapshot import TEMP_SUFFIX as SNAPSHOT_TEMP_SUFFIX
from ic_console.store.summary import (
    FollowupCount,
    read_summary,
    remove_stale_temps,
    summary_of,
    write_summary,
)

EVENTS_FILE = "events.jsonl"
SUMMARY_FILE = "incident.toml"
LOCK_FILE = ".lock"
#: `ic new` builds an incident in a folder named like this, then renames it into place.
NEW_PREFIX = ".new-"
#: A half-made incident folder older than this was left by a crashed `ic new`: removed.
STALE_NEW_SECONDS = 3600.0
#: A writer refreshes the state snapshot once it lags the log by this many events (and at
#: resolve and close); never on every command, so `ic log` stays one append.
SNAPSHOT_EVERY = 4096

__all__ = ["StoreError"]  # re-exported: it lived here first


class _DoesNotFit(Exception):
    """An event that parsed but cannot be folded into the state (internal to the reader)."""

    def __init__(self, damage: LogDamaged) -> None:
        super().__init__(str(damage))
        self.damage = damage


_fsync_directory = fsync_directory


@dataclass(frozen=True)
class Notice:
    """Something the person should be told about the files (recovery, read-only)."""

    message: str
    severe: bool = False


class IncidentStore:
    """An open incident: its directory, its log, its state."""

    def __init__(
        self,
        directory: Path,
        *,
        clock: Clock | None = None,
        actor: str = "unknown",
        role: Role | None = None,
        read_only: bool = False,
        on_events: Callable[[list[Event]], None] | None = None,
    ) -> None:
        self.directory = directory
        self.clock = clock or SystemClock()
        self.actor = actor
        self.role = role
        self.log = EventLog(directory / EVENTS_FILE)
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

    # -- paths ---------------------------------------------------------------------------------

    @property
    def events_path(self) -> Path:
        return self.directory / EVENTS_FILE

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

    # -- opening -------------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        root: Path,
        incident_id: str,
        *,
        clock: Clock | None = None,
        actor: str = "unknown",
        role: Role | None = None,
        read_only: bool = False,
        on_events: Callable[[list[Event]], None] | None = None,
    ) -> IncidentStore:
        """Open an existing incident, recovering a torn last line if a writer crashed.

        Read-only, nothing is changed: a torn line is reported and left for the next write.
        """
        directory = incident_dir(root, incident_id)
        if not os.path.lexists(directory / EVENTS_FILE):
            if os.path.lexists(directory) and not os.path.islink(directory):
                _check_half_made(directory, incident_id)
            raise StoreError(
                f"There is no incident {incident_id!r} in {incidents_dir(root)}. "
                "List them with `ic list --all`."
            )
        check_incident_folder(directory)
        check_not_world_writable(directory)
        store = cls(
            directory,
            clock=clock,
            actor=actor,
            role=role,
            read_only=read_only,
            on_events=on_events,
        )
        store.load()
        return store

    @classmethod
    def create(
        cls,
        root: Path,
        declare: Declare,
        *,
        clock: Clock | None = None,
        actor: str,
        role: Role | None = None,
    ) -> IncidentStore:
        """Declare a new incident in its own private directory.

        The declaration is checked before anything is created, so a refused one leaves no
        half-made directory behind.
        """
        incident_id = check_incident_id(declare.incident_id)
        decide(declare, IncidentState(), (clock or SystemClock()).now(), actor)
        base = incidents_dir(root)
        if base.is_dir():
            check_not_world_writable(base)  # before anything would make it private again
        make_private_dir(base)
        directory = incident_dir(root, incident_id)
        taken = StoreError(
            f"An incident with the id {incident_id!r} already exists: "
            "choose another id, or open it with `ic open`."
        )
        if os.path.lexists(directory):
            if not os.path.islink(directory):
                _check_half_made(directory, incident_id)
            raise taken
        _remove_stale_new_folders(base)
        # Built under a temporary name and renamed into place once its first event is durable,
        # so a crash part-way leaves no folder that blocks the id.
        temp = base / f"{NEW_PREFIX}{incident_id}-{os.urandom(4).hex()}"
        temp.mkdir(mode=DIR_MODE)
        store = cls(temp, clock=clock, actor=actor, role=role)
        try:
            fd = open_private(store.events_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
            os.close(fd)
            store.execute(declare)
            _fsync_directory(temp)
            if os.path.lexists(directory):
                raise taken
            try:
                os.rename(temp, directory)
            except OSError as error:
                if error.errno in (errno.EEXIST, errno.ENOTEMPTY, errno.EISDIR, errno.ENOTDIR):
                    raise taken from None
                raise
        except BaseException:
            shutil.rmtree(temp, ignore_errors=True)
            raise
        store.directory = directory
        store.log.path = directory / EVENTS_FILE
        _fsync_directory(base)
        return store

    def load(self, *, holding_lock: bool = False) -> None:
        """Read the whole log from the start (after recovering a torn tail when writable)."""
        with self._mutex:
            self._load(holding_lock=holding_lock)

    def _load(self, *, holding_lock: bool) -> None:
        self.log.reset()
        self.state = IncidentState()
        self.damaged = None
        self.blocked = None
        self._unterminated_at = None
        recovering = holding_lock or (
            not self._forced_read_only and os.access(self.directory, os.W_OK)
        )
        if holding_lock:
            self._recover_torn_tail()
        elif recovering:
            with locked(self.lock_path):
                self._recover_torn_tail()
        self._start_from_snapshot()
        self._read_and_apply(keep=False)
        if not recovering:
            self._report_tail()
        self._check_consistency()
        if not self.read_only:
            self._refresh_summary_if_stale()
            self._snapshot_if_due()

    # -- the state snapshot --------------------------------------------------------------------

    def _start_from_snapshot(self) -> None:
        """Start from the snapshot when it matches the log, so only the log's tail is read.

        Not when a listener wants every event (the console keeps its own view of the log): it
        replays the log from the start.
        """
        self._snapshot_seq = 0
        if self.on_events is not None:
            return
        try:
            snapshot = read_snapshot(
                self.directory, self.events_path, rebuild_log=self._scribe_log_up_to
            )
        except SnapshotUnusable as unusable:
            if unusable.damaged:
                self.notices.append(
                    Notice(
                        f"{self.snapshot_path} is damaged ({unusable}); it is ignored and the "
                        "incident read from its event log."
                    )
                )
            return
        except OSError:
            return  # the log itself cannot be read: the full read below says why
        if snapshot is None:
            return
        self.state = snapshot.state
        self.log.offset = snapshot.offset
        self.log.lines = snapshot.lines
        self.log.last_seq = snapshot.state.last_seq
        self._snapshot_seq = snapshot.state.last_seq

    def _scribe_log_up_to(self, seq: int) -> list[LogEntry]:
        """The scribe log up to `seq`, folded from the log itself (the snapshot's was bad)."""
        scratch = IncidentState()

        def fold(batch: list[Event]) -> None:
            apply_all(scratch, batch)

        EventLog(self.events_path).read_new(fold)
        return [entry for entry in scratch.log if entry.seq <= seq]

    @property
    def snapshot_path(self) -> Path:
        return self.directory / SNAPSHOT_FILE

    def write_snapshot(self) -> bool:
        """Write the state snapshot now (the console on exit); False when it may not be
        written (read-only, damaged, blocked) or could not be. Never raises for a failed write:
        the snapshot is a cache."""
        with self._mutex:
            return self._snapshot_if_due(force=True)

    def _snapshot_if_due(self, *, force: bool = False) -> bool:
        state = self.state
        if (
            self.read_only
            or not state.declared
            or self._unterminated_at is not None
            or (not force and state.last_seq - self._snapshot_seq < SNAPSHOT_EVERY)
            or state.last_seq == self._snapshot_seq
        ):
            return False
        try:
            remove_stale_temps(
                self.directory, prefix=SNAPSHOT_TEMP_PREFIX, suffix=SNAPSHOT_TEMP_SUFFIX
            )
            write_snapshot(
                self.directory,
                state,
                log_path=self.events_path,
                offset=self.log.offset,
                lines=self.log.lines,
            )
        except (OSError, StoreError, SnapshotUnusable):
            return False
        self._snapshot_seq = state.last_seq
        return True

    def _report_tail(self) -> None:
        """Read-only: say what the end of the log holds past its last line end; change nothing.

        A whole, checksummed event missing only its line end is shown (the next write restores
        the line end); anything else is left out and left in place.
        """
        end = self.log.torn_tail_at()
        if end is None:
            return
        tail = self._tail_bytes(end)
        event = self.log.whole_event(tail) if self.damaged is None else None
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

    def _tail_bytes(self, end: int) -> bytes:
        fd = open_private(self.events_path, os.O_RDONLY)
        with os.fdopen(fd, "rb") as handle:
            handle.seek(end)
            return handle.read()

    def _check_consistency(self) -> None:
        """Block writes to a log that the folder around it contradicts: a log cut back to a
        line end (the summary recorded more events), a folder that was copied or renamed (the
        log declares another id), or a log hard-linked into another folder."""
        if self.damaged is not None:
            return
        state = self.state
        if state.declared and state.incident_id != self.directory.name:
            self._block(
                f"{self.directory} holds the log of incident {state.incident_id!r}, but the "
                f"folder is named {self.directory.name!r} (a copy or a rename). It is open "
                f"read-only; rename the folder to {state.incident_id!r} to record in it, or "
                "keep it as a copy to read."
            )
            return
        try:
            links = os.lstat(self.events_path).st_nlink
        except OSError:
            links = 1
        if links > 1:
            self._block(
                f"{self.events_path} is hard-linked from {links - 1} other place(s); two folders "
                "writing one log would repeat sequence numbers. It is open read-only; replace "
                "the link with a copy (cp) to record in it."
            )
            return
        if self.log.size() > (self._unterminated_at or self.log.offset):
            return  # appended to since it was read: the summary may be newer than our read
        summary = read_summary(self.summary_path)
        recorded = summary.get("last_seq") if summary else None
        if isinstance(recorded, int) and recorded > state.last_seq:
            self._block(
                f"{self.summary_path} records {recorded} events but {self.events_path} holds "
                f"only {state.last_seq}: the log was cut short (restored from an older copy?). "
                "It is open read-only; put the full log back, or remove incident.toml to "
                f"accept the log as it is ({state.last_seq} events)."
            )

    def _block(self, message: str) -> None:
        if self.blocked is None:
            self.blocked = message
            self.notices.append(Notice(message, severe=True))

    def _recover_torn_tail(self) -> None:
        """Under the lock: repair the end of a log that a crash left without a line end.

        A whole, checksummed event missing only its line end gets it back (the event is kept);
        a partial line is moved aside into a sidecar file and the log cut back to whole lines.
        """
        path = self.events_path
        end = self.log.torn_tail_at()
        if end is None:
            return
        torn = self._tail_bytes(end)
        if self.log.whole_event(torn) is not None:
            fd = open_private(path, os.O_WRONLY | os.O_APPEND)
            try:
                os.write(fd, b"\n")
                os.fsync(fd)
            finally:
                os.close(fd)
            self.notices.append(
                Notice(
                    f"The last event in {path} lacked its line end (a crash just before it was "
                    "finished); the line end was restored and the event kept."
                )
            )
            return
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        sidecar = self.directory / f"events.torn-{stamp}.jsonl"
        fd = os.open(sidecar, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        try:
            os.write(fd, torn)
            os.fsync(fd)
        finally:
            os.close(fd)
        fd = open_private(path, os.O_WRONLY)
        try:
            os.ftruncate(fd, end)
            os.fsync(fd)
        finally:
            os.close(fd)
        _fsync_directory(self.directory)
        self.notices.append(
            Notice(
                f"The last line of {path} was incomplete (a crash while writing). "
                f"Its {len(torn)} bytes were moved to {sidecar.name}; every whole event is kept."
            )
        )

    def _read_and_apply(self, *, keep: bool = True) -> list[Event]:
        """Fold what was appended since the last read into the state.

        Returns the new events when `keep` (following another terminal); a full load passes
        `keep=False` so a long log is folded batch by batch and never held as events at once.
        """
        applied: list[Event] = []

        def fold(batch: list[Event]) -> None:
            state = self.state
            try:
                apply_all(state, batch)
            except (KeyError, ValueError, AttributeError, TypeError) as error:
                # The event after the last one applied is the one that does not fit.
                index = state.last_seq - batch[0].seq + 1
                event = batch[index]
                fitted = batch[:index]
                if keep:
                    applied.extend(fitted)
                if fitted and self.on_events is not None:
                    self.on_events(fitted)
                line = self.log.lines - len(batch) + index + 1
                raise _DoesNotFit(
                    LogDamaged(
                        self.events_path,
                        line,
                        f"event {event.seq} ({event.type}) does not fit the incident ({error!r})",
                    )
                ) from None
            if keep:
                applied.extend(batch)
            if self.on_events is not None:
                self.on_events(batch)

        # A long log creates many objects that all stay alive: the cyclic collector would
        # rescan them again and again while they are created, for nothing.
        collecting = gc.isenabled()
        gc.disable()
        try:
            result = self.log.read_new(fold)
        except _DoesNotFit as misfit:
            self._set_damaged(misfit.damage)
            return applied
        finally:
            if collecting:
                gc.enable()
        if result.replaced:
            # The file was swapped or cut under us: read it again from the start.
            self.log.reset()
            self.state = IncidentState()
            self.damaged = None
            self._read_and_apply(keep=False)
            return []
        if result.damage is not None:
            self._set_damaged(result.damage)
        return applied

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

    def _refresh_summary_if_stale(self) -> None:
        summary = read_summary(self.summary_path)
        if (
            summary is None
            or summary.get("last_seq") != self.state.last_seq
            or summary.get("log_bytes", self.log.offset) != self.log.offset
        ):
            if not os.access(self.directory, os.W_OK):
                return  # a read-only copy: show the truth, change nothing
            if summary is None and self.summary_path.exists():
                self.notices.append(
                    Notice(f"{self.summary_path} was damaged; it was rebuilt from the event log.")
                )
            self._write_summary()

    def _write_summary(self) -> None:
        """Rewrite incident.toml; a failure is told, never fatal (the log is the truth)."""
        if not self.state.declared:
            return
        try:
            write_summary(
                self.summary_path,
                self.state,
                log_bytes=self.log.offset,
                followups=self._followups(self.state),
            )
        except OSError as error:
            self.notices.append(
                Notice(
                    f"{self.summary_path} could not be rewritten ({error.strerror}); "
                    "it will be rebuilt from the event log next time."
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
                if self.log.replaced():
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
        if not self.events_path.is_file():
            raise StoreError(
                f"{self.events_path} was removed; nothing more can be read or written here. "
                "Restore it from a copy to continue."
            )

    def has_changes(self) -> bool:
        """Cheap check (one stat) whether the log grew or was replaced since the last read."""
        with self._mutex:
            if self._unterminated_at is not None:
                return self.log.replaced() or self.log.size() != self._unterminated_at
            return self.log.replaced() or self.log.size() != self.log.offset

    # -- writing -------------------------------------------------------------------------------

    def _role_of(self, actor: str) -> Role | None:
        """The role an event is stamped with: the actor's most senior role right now."""
        person = self.state.find_participant(actor)
        return self.state.primary_role(person.name if person else actor)

    def execute(self, command: Command, *, actor: str | None = None) -> list[Event]:
        """Validate and record `command`; return the events written.

        Raises DomainError when the command is refused (nothing is written) and StoreError
        when the incident cannot be written (read-only, damaged, removed).
        """
        if self._forced_read_only:
            raise StoreError("This console is read-only: nothing can be recorded from it.")
        who = clean_name(actor or self.actor, what="actor's name")
        with self._mutex:
            self._check_still_there()
            try:
                with locked(self.lock_path):
                    return self._execute_locked(command, who)
            except FileNotFoundError:
                self._check_still_there()
                raise

    def _execute_locked(self, command: Command, who: str) -> list[Event]:
        if self.log.replaced() or self._unterminated_at is not None:
            self._check_still_there()
            self._load(holding_lock=True)
        else:
            self._recover_torn_tail()
            self._read_and_apply()
        if self.damaged is not None:
            raise StoreError(
                f"{self.damaged.path}, line {self.damaged.line} is damaged, so nothing more "
                "can be recorded: repair or remove that line first."
            )
        if self.blocked is not None:
            raise StoreError(f"Nothing was recorded: {self.blocked}")
        now = self.clock.now()
        last = self.state.updated_at
        if last is not None and now < last and not self.clock_went_back:
            # The log keeps the event as recorded; durations shown never go negative.
            self.clock_went_back = True
            self.notices.append(
                Notice(
                    f"This computer's clock is behind the incident's last event "
                    f"({last:%Y-%m-%d %H:%M:%S} UTC): it went back, or another laptop's clock "
                    "is ahead. Events are still recorded in order; check the clock."
                )
            )
        payloads = decide(command, self.state, now, who)
        role = self.role if self.role is not None else self._role_of(who)
        events = envelope(
            payloads,
            after_seq=self.state.last_seq,
            at=now,
            actor=who,
            role=role,
            new_id=lambda: uuid.uuid4().hex,
        )
        self.log.append(events)
        # Our own lines are read back like anyone's: same validation, same offsets.
        self._read_and_apply()
        # Still under the lock, so summaries are written in log order and never go backwards.
        self._write_summary()
        ends = any(isinstance(e.data, IncidentResolved | IncidentClosed) for e in events)
        self._snapshot_if_due(force=ends)
        return events


# -- finding incidents -------------------------------------------------------------------------


@dataclass(frozen=True)
class IncidentInfo:
    """What `ic list` shows about an incident, from its summary file."""

    incident_id: str
    title: str
    severity: int
    status: str
    phase: str
    declared_at: datetime | None
    ic: str | None
    directory: Path
    #: Why the incident cannot be used as it is (damaged, a link, a copy...); None when fine.
    problem: str | None = None

    @property
    def candidate(self) -> bool:
        """Whether a verb without an id might mean this one: active, or unknown (damaged)."""
        return self.status == Status.ACTIVE.value or (
            self.problem is not None and self.status not in (Status.CLOSED.value,)
        )


#: The status shown for an incident whose log cannot be read far enough to know it.
DAMAGED = "damaged"


def list_incidents(
    root: Path, *, on_problem: Callable[[str], None] | None = None
) -> list[IncidentInfo]:
    """Every incident under `root`, newest first. Reads only: nothing on disk is changed.

    A folder that cannot be used (a damaged log, a link, a copy under another name) is listed
    all the same, with `problem` saying why, so it never silently disappears.
    """
    base = incidents_dir(root)
    if not base.is_dir():
        return []
    found: list[IncidentInfo] = []
    for directory in sorted(base.iterdir()):
        if directory.name.startswith("."):
            continue  # a half-made incident (`ic new` builds under a dot name) or a hidden file
        if not os.path.lexists(directory / EVENTS_FILE) and not directory.is_symlink():
            continue
        info = _info(root, directory, on_problem)
        if info is not None:
            found.append(info)
    found.sort(key=lambda info: info.declared_at or datetime.min.replace(tzinfo=UTC), reverse=True)
    return found


def _info(
    root: Path, directory: Path, on_problem: Callable[[str], None] | None
) -> IncidentInfo | None:
    name = directory.name

    def broken(reason: str, state: IncidentState | None = None) -> IncidentInfo:
        declared = state is not None and state.declared
        return IncidentInfo(
            incident_id=name,
            title=state.title if state is not None and declared else "",
            severity=state.severity if state is not None and declared else 0,
            status=state.status.value if state is not None and declared else DAMAGED,
            phase=state.phase.value if state is not None and declared else "",
            declared_at=state.declared_at if state is not None else None,
            ic=state.ic if state is not None else None,
            directory=directory,
            problem=reason,
        )

    try:
        check_incident_folder(directory)
        if not stat.S_ISREG(os.lstat(directory / EVENTS_FILE).st_mode):
            open_private(directory / EVENTS_FILE, os.O_RDONLY)  # raises with the reason
    except (StoreError, OSError) as error:
        return broken(str(error))
    summary = read_summary(directory / SUMMARY_FILE)
    if (
        summary is None
        or _summary_is_stale(summary, directory / EVENTS_FILE)
        or summary.get("id") != name
    ):
        try:
            store = IncidentStore.open(root, name, read_only=True)
        except (StoreError, DomainError, OSError) as error:
            return broken(str(error))
        for notice in store.notices:
            if on_problem and not notice.severe:
                on_problem(notice.message)
        if store.damaged is not None:
            damage = store.damaged
            return broken(f"{damage.path}, line {damage.line}: {damage.reason}", store.state)
        if store.blocked is not None:
            return broken(store.blocked, store.state)
        if not store.state.declared:
            return broken(f"{directory / EVENTS_FILE} holds no events")
        summary = summary_of(store.state)
    declared = summary.get("declared_at")
    roles = summary.get("roles", {})
    return IncidentInfo(
        incident_id=str(summary["id"]),
        title=str(summary["title"]),
        severity=int(summary["severity"]),
        status=str(summary["status"]),
        phase=str(summary.get("phase", "")),
        declared_at=declared if isinstance(declared, datetime) else None,
        ic=roles.get("ic") if isinstance(roles, dict) else None,
        directory=directory,
    )


def _summary_is_stale(summary: dict[str, object], events: Path) -> bool:
    """True when the log has grown (or shrunk) since the summary was written (one stat)."""
    recorded = summary.get("log_bytes")
    if not isinstance(recorded, int):
        return False  # an older summary without the size: trust its last_seq
    try:
        return os.lstat(events).st_size != recorded
    except OSError:
        return True


def _check_half_made(directory: Path, incident_id: str) -> None:
    """Name a folder that holds no incident (left by an older `ic new` that crashed)."""
    try:
        empty = os.lstat(directory / EVENTS_FILE).st_size == 0
    except FileNotFoundError:
        empty = True
    except OSError:
        return
    if empty:
        raise StoreError(
            f"{directory} holds no incident (an `ic new --id {incident_id}` that was "
            f"interrupted?). Remove it (rm -r '{directory}') and declare the incident again."
        )


def _remove_stale_new_folders(base: Path) -> None:
    """Remove incident folders that a crashed `ic new` left half-made under a temporary name."""
    cutoff = time.time() - STALE_NEW_SECONDS
    try:
        names = [name for name in os.listdir(base) if name.startswith(NEW_PREFIX)]
    except OSError:
        return
    for name in names:
        path = base / name
        try:
            st = os.lstat(path)
        except OSError:
            continue
        if stat.S_ISDIR(st.st_mode) and st.st_mtime < cutoff:
            shutil.rmtree(path, ignore_errors=True)


def resolve_incident_id(root: Path, given: str | None) -> str:
    """The incident to act on: the one given, else the only candidate (active, or damaged:
    a damaged incident might be the active one, so leaving the id out then asks which)."""
    if given:
        check_incident_id(given)
        if not os.path.lexists(incident_dir(root, given) / EVENTS_FILE):
            raise StoreError(
                f"There is no incident {given!r} in {incidents_dir(root)}. "
                "List them with `ic list --all`."
            )
        return given
    incidents = list_incidents(root)
    candidates = [info for info in incidents if info.candidate]
    if len(candidates) == 1:
        return candidates[0].incident_id  # if damaged, opening it says so (and refuses writes)
    if not candidates:
        resolved = [info for info in incidents if info.status == Status.RESOLVED.value]
        if resolved:
            # Follow-up after resolution (closing, finishing tasks) names the incident.
            names = ", ".join(info.incident_id for info in resolved[:5])
            raise StoreError(
                f"There is no active incident; resolved and still open for follow-up: {names}. "
                f"Name the one you mean, e.g. `ic close {resolved[0].incident_id}`."
            )
        raise StoreError(
            "There is no active incident: declare one with `ic new TITLE`, "
            "or name one (`ic list --all` shows them)."
        )
    if all(info.problem is None for info in candidates):
        names = ", ".join(f"{info.incident_id} ({info.title})" for info in candidates)
        raise StoreError(f"More than one incident is active; name one of: {names}.")
    names = "; ".join(_candidate_name(info) for info in candidates)
    raise StoreError(f"More than one incident could be meant; name one of: {names}.")


def _candidate_name(info: IncidentInfo) -> str:
    if info.problem is None:
        return f"{info.incident_id} ({info.title})"
    title = f"{info.title}, " if info.title else ""
    return f"{info.incident_id} ({title}damaged, in {info.directory}: {info.problem})"


def new_incident_id(root: Path, title: str, now: datetime) -> str:
    """A short, typable, unused id like `20261123-checkout-errors`."""
    base = f"{now:%Y%m%d}-{slugify(title)}"
    candidate = base
    number = 2
    while incident_dir(root, candidate).exists():
        candidate = f"{base}-{number}"
        number += 1
    return candidate
