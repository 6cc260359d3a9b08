"""One incident directory: open it, follow it, and run commands against it.

`execute` is the single way anything is written: under the incident lock it first reads what
other terminals appended, validates the command against that fresh state, appends the events
with the next sequence numbers and fsyncs. So two terminals racing for the same task cannot
both succeed: the second sees the first's event and is refused with a clear message.
"""

from __future__ import annotations

import gc
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ic_console.domain.clock import Clock, SystemClock
from ic_console.domain.commands import Command, Declare, decide
from ic_console.domain.errors import DomainError
from ic_console.domain.events import Event, envelope
from ic_console.domain.model import Role, Status
from ic_console.domain.state import IncidentState, apply_all
from ic_console.domain.text import check_incident_id, clean_name, slugify
from ic_console.store.eventlog import EventLog, LogDamaged
from ic_console.store.lock import locked
from ic_console.store.paths import (
    DIR_MODE,
    FILE_MODE,
    check_not_world_writable,
    incident_dir,
    incidents_dir,
    make_private_dir,
)
from ic_console.store.summary import FollowupCount, read_summary, write_summary

EVENTS_FILE = "events.jsonl"
SUMMARY_FILE = "incident.toml"
LOCK_FILE = ".lock"


class StoreError(Exception):
    """The incident files cannot be used as asked; the message says why and what to do."""


class _DoesNotFit(Exception):
    """An event that parsed but cannot be folded into the state (internal to the reader)."""

    def __init__(self, damage: LogDamaged) -> None:
        super().__init__(str(damage))
        self.damage = damage


def _fsync_directory(directory: Path) -> None:
    """Make a rename, a new file or a truncation in `directory` durable."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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
        return self._forced_read_only or self.damaged is not None

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
        """Open an existing incident, recovering a torn last line if a writer crashed."""
        directory = incident_dir(root, incident_id)
        if not (directory / EVENTS_FILE).is_file():
            raise StoreError(
                f"There is no incident {incident_id!r} in {incidents_dir(root)}. "
                "List them with `ic list --all`."
            )
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
        try:
            directory.mkdir(mode=DIR_MODE)
        except FileExistsError:
            raise StoreError(
                f"An incident with the id {incident_id!r} already exists: "
                "choose another id, or open it with `ic open`."
            ) from None
        store = cls(directory, clock=clock, actor=actor, role=role)
        try:
            fd = os.open(store.events_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
            os.close(fd)
            store.execute(declare)
        except BaseException:
            if store.log.size() == 0:
                shutil.rmtree(directory, ignore_errors=True)
            raise
        _fsync_directory(base)
        return store

    def load(self, *, holding_lock: bool = False) -> None:
        """Read the whole log from the start (after recovering a torn tail)."""
        self.log.reset()
        self.state = IncidentState()
        self.damaged = None
        recovering = holding_lock or (
            not self._forced_read_only and os.access(self.directory, os.W_OK)
        )
        if holding_lock:
            self._recover_torn_tail()
        elif recovering:
            with locked(self.lock_path):
                self._recover_torn_tail()
        self._read_and_apply(keep=False)
        if not recovering and self.log.torn_tail_at() is not None:
            # Not ours to repair from here; say so rather than drop it silently.
            self.notices.append(
                Notice(
                    f"{self.events_path} ends with an incomplete line (a crash while writing, "
                    "or a line still being written); it is left out and left in place."
                )
            )
        if not self.read_only:
            self._refresh_summary_if_stale()

    def _recover_torn_tail(self) -> None:
        """Under the lock: move a partial last line aside and cut the log back to whole lines."""
        path = self.events_path
        end = self.log.torn_tail_at()
        if end is None:
            return
        with open(path, "rb") as handle:
            handle.seek(end)
            torn = handle.read()
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        sidecar = self.directory / f"events.torn-{stamp}.jsonl"
        fd = os.open(sidecar, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        try:
            os.write(fd, torn)
            os.fsync(fd)
        finally:
            os.close(fd)
        with open(path, "r+b") as handle:
            handle.truncate(end)
            handle.flush()
            os.fsync(handle.fileno())
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
        try:
            if self.log.replaced():
                self._check_still_there()
                self.load()
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
        self._check_still_there()
        try:
            with locked(self.lock_path):
                return self._execute_locked(command, who)
        except FileNotFoundError:
            self._check_still_there()
            raise

    def _execute_locked(self, command: Command, who: str) -> list[Event]:
        if self.log.replaced():
            self._check_still_there()
            self.load(holding_lock=True)
        else:
            self._recover_torn_tail()
            self._read_and_apply()
        if self.damaged is not None:
            raise StoreError(
                f"{self.damaged.path}, line {self.damaged.line} is damaged, so nothing more "
                "can be recorded: repair or remove that line first."
            )
        now = self.clock.now()
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


def list_incidents(
    root: Path, *, on_problem: Callable[[str], None] | None = None
) -> list[IncidentInfo]:
    """Every incident under `root`, newest first; summaries are rebuilt when missing or stale."""
    base = incidents_dir(root)
    if not base.is_dir():
        return []
    found: list[IncidentInfo] = []
    for directory in sorted(base.iterdir()):
        if not (directory / EVENTS_FILE).is_file():
            continue
        summary = read_summary(directory / SUMMARY_FILE)
        if summary is None or _summary_is_stale(summary, directory / EVENTS_FILE):
            try:
                store = IncidentStore.open(root, directory.name)
            except (StoreError, DomainError, OSError) as error:
                if on_problem:
                    on_problem(f"{directory}: skipped ({error})")
                continue
            if not store.state.declared:
                continue
            from ic_console.store.summary import summary_of

            summary = summary_of(store.state)
        declared = summary.get("declared_at")
        roles = summary.get("roles", {})
        found.append(
            IncidentInfo(
                incident_id=str(summary["id"]),
                title=str(summary["title"]),
                severity=int(summary["severity"]),
                status=str(summary["status"]),
                phase=str(summary.get("phase", "")),
                declared_at=declared if isinstance(declared, datetime) else None,
                ic=roles.get("ic") if isinstance(roles, dict) else None,
                directory=directory,
            )
        )
    found.sort(key=lambda info: info.declared_at or datetime.min.replace(tzinfo=UTC), reverse=True)
    return found


def _summary_is_stale(summary: dict[str, object], events: Path) -> bool:
    """True when the log has grown (or shrunk) since the summary was written (one stat)."""
    recorded = summary.get("log_bytes")
    if not isinstance(recorded, int):
        return False  # an older summary without the size: trust its last_seq
    try:
        return events.stat().st_size != recorded
    except OSError:
        return True


def resolve_incident_id(root: Path, given: str | None) -> str:
    """The incident to act on: the one given, else the only active one."""
    if given:
        check_incident_id(given)
        if not (incident_dir(root, given) / EVENTS_FILE).is_file():
            raise StoreError(
                f"There is no incident {given!r} in {incidents_dir(root)}. "
                "List them with `ic list --all`."
            )
        return given
    incidents = list_incidents(root)
    active = [info for info in incidents if info.status == Status.ACTIVE.value]
    if len(active) == 1:
        return active[0].incident_id
    if not active:
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
    names = ", ".join(f"{info.incident_id} ({info.title})" for info in active)
    raise StoreError(f"More than one incident is active; name one of: {names}.")


def new_incident_id(root: Path, title: str, now: datetime) -> str:
    """A short, typable, unused id like `20261123-checkout-errors`."""
    base = f"{now:%Y%m%d}-{slugify(title)}"
    candidate = base
    number = 2
    while incident_dir(root, candidate).exists():
        candidate = f"{base}-{number}"
        number += 1
    return candidate
