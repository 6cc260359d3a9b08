"""One incident directory: open or declare it, and run commands against it.

`execute` is the single way anything is written: under the incident lock it first reads what
other terminals appended, validates the command against that fresh state, appends the events
with the next sequence numbers and fsyncs. So two terminals racing for the same task cannot
both succeed: the second sees the first's event and is refused with a clear message.

Files inside an incident folder are never opened through a symbolic link, and a folder that is
a link or someone else's is refused: an incident copied from another machine cannot point the
program at other files. Reading and following the log is `IncidentReader` (`store.reader`);
what a crash or a copy leaves behind is `store.recovery`; finding incidents is `store.catalog`.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable
from pathlib import Path

from ic_console.domain.clock import Clock, SystemClock
from ic_console.domain.commands import Command, Declare, decide
from ic_console.domain.events import Event, IncidentClosed, IncidentResolved, envelope
from ic_console.domain.hlc import next_hlcs, wall_ms
from ic_console.domain.merge import refs_for
from ic_console.domain.model import Role
from ic_console.domain.state import IncidentState
from ic_console.domain.text import check_incident_id, clean_name
from ic_console.store.errors import Notice, StoreError
from ic_console.store.eventlog import EventLog
from ic_console.store.lock import locked
from ic_console.store.origin import local_origin, peek_origin
from ic_console.store.paths import (
    EVENTS_FILE,
    FILE_MODE,
    check_events_folder,
    check_incident_folder,
    check_not_world_writable,
    event_files,
    fsync_directory,
    has_events,
    incident_dir,
    incidents_dir,
    make_private_dir,
    no_such_incident,
    open_private,
    replica_file,
)
from ic_console.store.reader import IncidentReader
from ic_console.store.recovery import (
    built_aside,
    check_half_made,
    recover_torn_tail,
)
from ic_console.store.replica import migrate_legacy_log
from ic_console.store.snapshot import MergedSnapshot, save_snapshot, write_merged_snapshot
from ic_console.store.summary import (
    read_summary,
    write_summary,
)

#: A writer refreshes the state snapshot once it lags the log by this many events (and at
#: resolve and close); never on every command, so `ic log` stays one append.
SNAPSHOT_EVERY = 4096


class IncidentStore(IncidentReader):
    """An open incident: its directory, its log, its state, and the one way to write to it."""

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
        on_mark: Callable[[], object] | None = None,
        on_rewind: Callable[[object], None] | None = None,
        on_resume: Callable[[MergedSnapshot, Callable[[], IncidentState]], bool] | None = None,
    ) -> IncidentStore:
        """Open an existing incident, recovering a torn last line if a writer crashed.

        Read-only, nothing is changed: a torn line is reported and left for the next write.
        `on_events` is handed every batch folded; a listener that can find its place again
        when a merged fold goes back to a mark (`store.marks`) gives `on_mark` and
        `on_rewind`, else it is handed the whole log again. `on_resume` lets a merged load
        with a listener start from the merged snapshot (`IncidentReader.on_resume`).
        """
        directory = incident_dir(root, incident_id)
        if not os.path.islink(directory) and not has_events(directory):
            if os.path.lexists(directory) and not os.path.islink(directory):
                check_half_made(directory, incident_id)
            raise no_such_incident(root, incident_id)
        check_incident_folder(directory)
        check_not_world_writable(directory)
        store = cls(
            directory,
            clock=clock,
            actor=actor,
            role=role,
            read_only=read_only,
            on_events=on_events,
            origin=peek_origin(root) if read_only else local_origin(root),
            on_mark=on_mark,
            on_rewind=on_rewind,
            on_resume=on_resume,
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
                check_half_made(directory, incident_id)
            raise taken
        origin = local_origin(root)
        with built_aside(base, directory, incident_id, taken) as temp:
            store = cls(temp, clock=clock, actor=actor, role=role, origin=origin)
            make_private_dir(store.events_path.parent)
            fd = open_private(store.events_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
            os.close(fd)
            store.execute(declare)
            fsync_directory(store.events_path.parent)
        store.directory = directory
        store.log.path = replica_file(directory, origin)
        return store

    # -- loading, when it may write -------------------------------------------------------------

    def _repair_before_load(self, *, holding_lock: bool) -> bool:
        """Under the lock: repair a torn last line when the folder may be written."""
        if holding_lock:
            self._recover_torn_tail()
            return True
        if self._forced_read_only or not os.access(self.directory, os.W_OK):
            return False
        with locked(self.lock_path):
            self._recover_torn_tail()
        return True

    def _after_load(self) -> None:
        """Rewrite the summary when stale, and the snapshot when due."""
        self._refresh_summary_if_stale()
        self._snapshot_if_due()

    def _recover_torn_tail(self) -> None:
        """Under the lock: repair a torn last line (`recover_torn_tail`) and say so."""
        notice = recover_torn_tail(self.log, self.directory)
        if notice is not None:
            self.notices.append(notice)

    # -- derived files --------------------------------------------------------------------------

    def write_snapshot(self) -> bool:
        """Write the state snapshot now (the console on exit); False when it may not be
        written (read-only, damaged, blocked) or could not be. Never raises for a failed write:
        the snapshot is a cache."""
        with self._mutex:
            return self._snapshot_if_due(force=True)

    def _snapshot_if_due(self, *, force: bool = False) -> bool:
        state = self.state
        if self.merged:
            return self._merged_snapshot_if_due(force=force)
        if (
            self.read_only
            or not state.declared
            or self._unterminated_at is not None
            or (not force and state.last_seq - self._snapshot_seq < SNAPSHOT_EVERY)
            or state.last_seq == self._snapshot_seq
        ):
            return False
        if not save_snapshot(self.directory, state, self.log):
            return False
        self._snapshot_seq = state.last_seq
        return True

    def _merged_snapshot_if_due(self, *, force: bool) -> bool:
        """The snapshot of the merged fold: every file's covered prefix and the last key."""
        if (
            self.read_only
            or not self.state.declared
            or self._last_key is None
            or self._merged_since_snapshot == 0
            or (not force and self._merged_since_snapshot < SNAPSHOT_EVERY)
        ):
            return False
        if not write_merged_snapshot(self.directory, self.state, self._all_logs(), self._last_key):
            return False
        self._merged_since_snapshot = 0
        return True

    def _refresh_summary_if_stale(self) -> None:
        summary = read_summary(self.summary_path)
        if (
            summary is None
            or summary.get("last_seq") != self.state.last_seq
            or summary.get("log_bytes", self.log_bytes()) != self.log_bytes()
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
                log_bytes=self.log_bytes(),
                followups=self._followups(self.state),
            )
        except OSError as error:
            self.notices.append(
                Notice(
                    f"{self.summary_path} could not be rewritten ({error.strerror}); "
                    "it will be rebuilt from the event log next time."
                )
            )

    # -- writing -------------------------------------------------------------------------------

    def _own_file(self) -> str:
        """Under the lock: make sure the log appended to is this replica's own file; its origin.

        A pre-replication `events.jsonl` becomes it by one rename (nothing rewritten; the
        offsets read so far stay valid, the inode is the same).
        """
        if self.origin is None:
            self.origin = local_origin(self.directory.parent.parent)
        own = replica_file(self.directory, self.origin)
        if self.log.path == own:
            return self.origin
        if self.log.path == self.directory / EVENTS_FILE:
            moved = migrate_legacy_log(self.directory, self.origin)
            if moved is not None:
                self.log.path = moved
        if self.log.path != own:
            # Only other replicas' files here: this laptop starts its own beside them.
            check_events_folder(self.directory)
            make_private_dir(own.parent)
            with contextlib.suppress(FileExistsError):
                os.close(open_private(own, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
            fsync_directory(own.parent)
            self._peers[self.log.path] = self.log
            self.log = EventLog(own)
            self.merged = True
            if self._last_key is None:  # it was read alone, strictly: fold it as a merge
                self._files = tuple(event_files(self.directory))
                self._refold()
        self._files = tuple(event_files(self.directory))
        return self.origin

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
        if (
            self.log.replaced()
            or self._unterminated_at is not None
            or (not self.merged and self._files_changed())
        ):
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
        origin = self._own_file()
        seen = self.state.hlc
        if self.state.updated_at is not None:
            seen = max(seen, (wall_ms(self.state.updated_at), 0))
        events = envelope(
            payloads,
            after_seq=self.log.last_seq,
            at=now,
            actor=who,
            role=role,
            new_id=lambda: uuid.uuid4().hex,
            origin=origin,
            hlcs=next_hlcs(seen, now, len(payloads)),
            refs=refs_for(self.state, payloads),
        )
        self.log.append(events)
        # Our own lines are read back like anyone's: same validation, same offsets.
        self._read_and_apply()
        # Still under the lock, so summaries are written in log order and never go backwards.
        self._write_summary()
        ends = any(isinstance(e.data, IncidentResolved | IncidentClosed) for e in events)
        self._snapshot_if_due(force=ends)
        return events
