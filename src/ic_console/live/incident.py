"""A live incident: the store, the scribe log's rows, other terminals' changes and who is here.

The console and the Deputy's view both hold one `LiveIncident` while an incident is open. It is a
plain object (no Textual) so tests can drive it directly: `execute` runs a command and says what
happened, `poll` takes in other terminals' appends, `heartbeat` refreshes presence, and `alerts`
says what to interrupt the person with. It never calls up into a screen: every method returns
what changed and the face redraws from `state` afterwards. Not safe to share between threads:
the console opens it in a worker and then uses it only from the app's own thread.

Long (about 700 lines) because `LiveIncident` is the one object a terminal talks to (open, execute,
poll, undo, close); the rows it keeps are `LogRows`, beside it, since they follow the same reads.
"""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from ic_console.content.phrasebook import Phrasebook
from ic_console.domain.clock import Clock
from ic_console.domain.commands import Command, Declare
from ic_console.domain.describe import Narrator
from ic_console.domain.errors import DomainError
from ic_console.domain.events import Event
from ic_console.domain.hlc import wall_ms
from ic_console.domain.log_rows import LogRow, RowList, event_rows
from ic_console.domain.merge import notices_by_event
from ic_console.domain.model import Role
from ic_console.domain.state import IncidentState
from ic_console.live.alerts import AlertPolicy
from ic_console.live.drill import wall_clock
from ic_console.live.hooks import HookRunner, HookSettings, declared_events, fire_detached
from ic_console.live.numbering import Numbering
from ic_console.live.pinned import (
    PIN_ATTEMPTS,
    NumberMoved,
    Pinned,
    aimed_undo,
    gone,
    ref_of,
    undo_kind,
)
from ic_console.live.undo import (
    CONFIRMED_COMMANDS,
    UNDO_SECONDS,
    Confirmation,
    UndoUnlessChanged,
    confirm,
    mark,
    reverse,
)
from ic_console.live.writable import unwritable_notice
from ic_console.store.catalog import new_incident_id
from ic_console.store.errors import Notice, StoreError
from ic_console.store.follow import Follower
from ic_console.store.incident import IncidentStore
from ic_console.store.merged import clocks_ahead
from ic_console.store.origin import peek_origin
from ic_console.store.paths import event_files, incident_dir
from ic_console.store.prefix_rows import rows_of_prefix
from ic_console.store.presence import PresenceBoard
from ic_console.store.rows_cache import (
    ROWS_FILE,
    CachedRows,
    StoredRows,
    load_rows,
    write_rows,
)
from ic_console.store.snapshot import MergedSnapshot, SnapshotUnusable


@dataclass(frozen=True)
class LiveSettings:
    """Who is at this terminal, and how the incident is run from here."""

    actor: str
    clock: Clock
    cadence: dict[int, timedelta | None] | None = None
    #: The Deputy's view: alerts carry chase sentences and ten-minute call-outs.
    watch: bool = False
    #: Observe only: nothing is recorded, presence says so.
    read_only: bool = False


@dataclass(frozen=True)
class Outcome:
    """What running one command did. The state may have changed even when it was refused:
    the command is decided under the lock against the log as it is, which may hold another
    terminal's newer events."""

    recorded: list[Event] = field(default_factory=list)
    refused: str | None = None
    #: What was done, in one line, and how to take it back (task and decision changes).
    confirmation: Confirmation | None = None

    @property
    def ok(self) -> bool:
        return self.refused is None


@dataclass
class Change:
    """What a poll for other terminals' changes found."""

    events: int = 0
    #: The whole log was read again: the rows were rebuilt from the start.
    reloaded: bool = False
    notices: list[Notice] = field(default_factory=list)
    #: Following stopped for good (the incident vanished or became unreadable): why.
    failure: str | None = None

    @property
    def changed(self) -> bool:
        return bool(self.events) or self.reloaded


def _copied(narrator: Narrator) -> Narrator:
    """A narrator that remembers what `narrator` does, and goes on apart from it."""
    return Narrator(
        dict(narrator.tasks),
        {number: list(names) for number, names in narrator.objections.items()},
        dict(narrator.deadlines),
        narrator.ic,
    )


class LogRows:
    """The scribe log's rows, built batch by batch as the store reads the log.

    Merging laptops' files adds "system" rows: each merge notice beside the event it is about
    ("Priya's 'done' for task 3 arrived after Alex's 'done'"), and a peer's clock running fast
    or behind, once each (`domain.merge.notice_rows`, `store.merged.clocks_ahead`)."""

    def __init__(self, clock: Clock | None = None, *, mine: str | None = None) -> None:
        #: Kept as one object for the console's life (the pane holds it): changed in place.
        self.rows = RowList()
        #: This laptop's replica id: its own clock is never the one said to be off.
        self._mine = mine
        #: What the rows' words need to remember of earlier events (whose task, who objected).
        self.narrator = Narrator()
        self._clock = clock
        #: The folded state, once the store is open (`attach`); its merge notices become rows.
        self._state: Callable[[], IncidentState] | None = None
        #: Before `attach` (the first read): each row's event id, to place the notices then.
        self._ids: list[str] | None = []
        #: What has been shown as a row: (event id, text) of each notice, replicas flagged fast.
        self._shown: set[tuple[str, str]] = set()
        self._fast: set[str] = set()
        #: The last seq of the rows cache on disk (`store.rows_cache`) that matches these rows.
        self.cached_seq = 0
        #: A merged incident's: what of each file, and up to which merge key, the rows cache on
        #: disk that matches these rows covers (None: none known).
        self.cached_cover: object = None
        #: The merged fold's numbers of tasks, decisions and exit criteria, which the rows
        #: say (`live/numbering.py`); None after one log's rows cache (numbered as recorded).
        self.numbering: Numbering | None = Numbering()

    @property
    def fast_origins(self) -> list[str]:
        """The replicas whose fast clock has been told as a row (kept in the rows cache)."""
        return sorted(self._fast)

    def resume(self, cached: CachedRows, tail: list[Event]) -> None:
        """Start from the cached rows, and describe only the events after them. The cache is
        of one log (never a merge): its rows have no merge notices to place."""
        # The cached rows stay in the file's bytes, each decoded when the pane shows it.
        self.rows.base = cached.rows
        self.rows.added.clear()
        self.narrator = cached.narrator
        self._fast = set(cached.fast)
        self._ids = None
        self.cached_seq = cached.seq
        self.numbering = None  # one log: numbered as recorded (a merge reads all again)
        if tail:
            self.collect(tail)

    def resume_merged(
        self, cached: CachedRows, snapshot: MergedSnapshot, state: Callable[[], IncidentState]
    ) -> bool:
        """The store's question on a merged load (`IncidentReader.on_resume`): start from the
        cached rows when they cover exactly what the merged snapshot covers (each file's
        prefix, checked against the file by both, and the last merge key); the store then
        folds from the snapshot and hands over only the events after it. Notices about those
        are placed as they arrive, from `state`. A cache the snapshot has moved on from (a
        command or a sync folded events while no console was open) is carried on to it: the
        events between are read from the files and described (`CachedRows.merged_gap`) when
        they follow on from the cache. False (nothing changed): fold from the start."""
        if cached.files is None:
            return False
        covered = snapshot.state
        # The events after the snapshot are numbered on from its numbers, as the fold is.
        numbering = Numbering(
            (dict(covered.task_refs), dict(covered.decision_refs), dict(covered.exit_refs))
        )
        gap: list[Event] = []
        if cached.files != snapshot.covers or cached.last_key != snapshot.last_key:
            # The snapshot moved on while no console was open (commands, a sync): describe
            # what lies between the two when it follows on from the cache, else fold it all.
            found = cached.merged_gap(snapshot.covers, snapshot.last_key)
            if found is None:
                return False
            # Numbered on from where the cache ends, as the fold numbered them.
            numbering = numbering.before({event.id for event in found})
            gap = found
        self.rows.base = cached.rows
        self.rows.added.clear()
        self.narrator = cached.narrator
        self._fast = set(cached.fast)
        self._shown.clear()
        self._ids = None
        self.cached_seq = 0
        self.cached_cover = (dict(cached.files), cached.last_key)
        self.numbering = numbering
        if gap:
            # Their merge notices are those of the snapshot's state, as a full read places
            # its first read's (`attach`).
            self._state = lambda: covered
            self.collect(gap)
        self._state = state
        return True

    def collect(self, events: list[Event]) -> None:
        """The store's callback for each batch. The store says when the log comes again from
        the start (`rewind(None)`): a batch that starts at seq 1 is not that by itself (a peer's
        file starts at seq 1 later in a merged fold, and so does a second declaration of the
        incident from a laptop that declared it while apart)."""
        if self.numbering is not None:
            events = self.numbering.fold(events)
        fast = self._fast_rows(events)
        about = notices_by_event(self._state()) if self._state is not None else {}
        if not about and not fast:
            self.rows.extend(event_rows(events, self.narrator))
            if self._ids is not None:
                self._ids.extend(event.id for event in events)
            return
        for event in events:
            self.rows.extend(event_rows([event], self.narrator))
            if self._ids is not None:
                self._ids.append(event.id)
            self._add_notices(event.id, event, about.get(event.id, ()))
            for row in fast.get(event.id, ()):
                self.rows.append(row)
                if self._ids is not None:
                    self._ids.append("")

    def mark(self) -> object:
        """Where the rows stand, for the store's mark in a merged fold (`store.marks`)."""
        numbering = self.numbering.copy() if self.numbering is not None else None
        return (
            len(self.rows),
            _copied(self.narrator),
            set(self._shown),
            set(self._fast),
            numbering,
        )

    def rewind(self, mark: object) -> None:
        """Back to where the rows stood at `mark` (`mark`'s): the store folds again from
        there, handing over the events since, which come back as rows in their new order.
        None: back to nothing, the store hands over the whole log again."""
        if mark is None:
            self._restart()
            return
        assert isinstance(mark, tuple)
        size, narrator, shown, fast, numbering = mark
        self.numbering = numbering.copy() if numbering is not None else None
        self.rows.truncate(size)
        if self._ids is not None:
            del self._ids[size:]
        self.narrator = _copied(narrator)
        self._shown = set(shown)
        self._fast = set(fast)

    def _restart(self) -> None:
        self.rows.clear()
        self.narrator = Narrator()
        self._shown.clear()
        self._fast.clear()
        self.cached_seq = 0
        self.cached_cover = None
        self.numbering = Numbering()
        if self._ids is not None:
            self._ids.clear()

    def attach(self, state: Callable[[], IncidentState]) -> None:
        """The store is open: place the notices its first read made beside their events, and
        take later ones from `state` as batches arrive."""
        self._state = state
        ids, self._ids = self._ids, None
        about = notices_by_event(state())
        if not about or ids is None:
            return
        rows: list[LogRow] = []
        for row, event_id in zip(self.rows, ids, strict=True):
            rows.append(row)
            for text in about.get(event_id, ()):
                if (event_id, text) not in self._shown:
                    self._shown.add((event_id, text))
                    rows.append(LogRow(row.seq, row.recorded_at, row.author, "system", text))
        self.rows.reset(rows)

    def _add_notices(self, event_id: str, event: Event, texts: Iterable[str]) -> None:
        for text in texts:
            if (event_id, text) not in self._shown:
                self._shown.add((event_id, text))
                self.rows.append(LogRow(event.seq, event.at, event.actor, "system", text))
                if self._ids is not None:
                    self._ids.append("")

    def _fast_rows(self, events: list[Event]) -> dict[str, list[LogRow]]:
        """A row for each replica whose clock runs more than 5 minutes ahead of ours, beside
        its first such event (once per replica)."""
        if self._clock is None:
            return {}
        now = wall_ms(self._clock.now())
        rows: dict[str, list[LogRow]] = {}
        for event in events:
            said = clocks_ahead((event,), now, self._fast, mine=self._mine)
            for text in said:
                rows.setdefault(event.id, []).append(
                    LogRow(event.seq, event.at, event.actor, "system", text)
                )
        return rows


class LiveIncident:
    """One open incident as a terminal sees it."""

    def __init__(
        self,
        store: IncidentStore,
        settings: LiveSettings,
        phrasebook: Phrasebook,
        log: LogRows | None = None,
    ):
        self.store = store
        self.settings = settings
        #: The scribe log's rows, kept as the store reads batches.
        self.log = log or LogRows()
        self.policy = AlertPolicy(
            phrasebook, settings.actor, cadence=settings.cadence, watch=settings.watch
        )
        self.follower: Follower | None = None
        self.presence: PresenceBoard | None = None
        self._failed = False
        #: The last confirmed change and until when (monotonic seconds) it can be taken back.
        #: The last change to take back: what it was, until when, how its task looked right
        #: after it (`mark`), and the id of the event that created that task (`aimed_undo`).
        self._undo: tuple[Confirmation, float, tuple[object, ...] | None, str | None] | None = None
        self._monotonic = time.monotonic
        #: The user's hooks (config.toml), run after each of this terminal's writes.
        self.hooks: HookRunner | None = None

    @classmethod
    def open(
        cls, home: Path, incident_id: str, settings: LiveSettings, phrasebook: Phrasebook
    ) -> LiveIncident:
        """Open `incident_id`, building the log's rows batch by batch as the log is read.

        Raises StoreError, DomainError or OSError when the incident cannot be opened.
        """
        mine = peek_origin(home)
        log = LogRows(settings.clock, mine=mine)
        cached, notice = load_rows(incident_dir(home, incident_id))
        # A merged incident's rows cache is taken up by the store's load, from its snapshot.
        merged, cached = (cached, None) if cached and cached.files is not None else (None, cached)
        if cached is not None and len(event_files(incident_dir(home, incident_id))) > 1:
            cached = None  # one log's rows, and a peer's file arrived: read once, merged
        # No rows cache: the rows of what the state snapshot covers, from its lines without
        # checking them again (`store.prefix_rows`); then as after a cache of them.
        prefix = (
            rows_of_prefix(
                incident_dir(home, incident_id),
                mine,
                Narrator(),
                Numbering().fold,
            )
            if cached is None and merged is None
            else None
        )
        cached = cached or prefix
        store = IncidentStore.open(
            home,
            incident_id,
            clock=settings.clock,
            actor=settings.actor,
            # With the rows cached, the store starts from its snapshot and reads only the tail.
            on_events=None if cached is not None else log.collect,
            on_mark=log.mark,
            on_rewind=log.rewind,
            on_resume=None if merged is None else functools.partial(log.resume_merged, merged),
            read_only=settings.read_only,
        )
        store.on_resume = None  # a later reload folds from the start
        if notice is not None:
            store.notices.append(notice)
        if cached is not None and not _resume_rows(store, log, cached):
            # The cache does not lead to what the store read (another file, a merge, a line
            # the store showed past the last line end): build the rows from the whole log.
            log = LogRows(settings.clock, mine=mine)
            store.on_events = log.collect
            store.on_mark, store.on_rewind = log.mark, log.rewind
            store.load()
        elif prefix is not None:
            log.cached_seq = 0  # no rows cache on disk yet: written when the console closes
        # From now on the store hands each batch it reads to `log`, which keeps the rows:
        # nothing on a screen is touched while the store holds its lock.
        store.on_events = log.collect
        live = cls(store, settings, phrasebook, log)
        log.attach(lambda: store.state)
        live.follower = Follower(store)
        if not settings.read_only:
            live.hooks = HookRunner(HookSettings.configured(home), incident_id)
            # Files this terminal cannot write: said now, not at the first refused line.
            unwritable = unwritable_notice(store.directory, store.log.path, store.incident_id)
            if unwritable is not None:
                store.notices.append(unwritable)
        return live

    @property
    def rows(self) -> RowList:
        """The scribe log, one row per recorded line; grows as events arrive. The rows from
        the rows cache are decoded when asked for: index it, never copy it whole."""
        return self.log.rows

    @property
    def state(self) -> IncidentState:
        return self.store.state

    @property
    def incident_id(self) -> str:
        return self.store.incident_id

    def take_notices(self) -> list[Notice]:
        """What the store found while opening (recovery, read-only), once."""
        notices = list(self.store.notices)
        self.store.notices.clear()
        if self.follower is not None:
            self.follower = Follower(self.store)
        return notices

    # -- running commands ----------------------------------------------------------------------

    def execute(self, command: Command) -> Outcome:
        """Run `command`; a refusal is an outcome, never an exception. A change to a task or a
        decision is confirmed, and can be taken back with `undo` for `UNDO_SECONDS`. A command
        pinned to a task or decision (`live/pinned.py`) reaches that one under whatever number
        it has once the store has read what other laptops sent."""
        if not isinstance(command, Pinned):
            return self._execute(command, command)
        aimed: Pinned | None = command
        for _ in range(PIN_ATTEMPTS):
            aimed = aimed.aimed(self.state) if aimed is not None else None
            if aimed is None:
                return Outcome(refused=gone(command))
            try:
                return self._execute(aimed.command, aimed)
            except NumberMoved:
                continue  # the store read a renumbering in: aim at the number it has now
        return Outcome(refused=gone(command))

    def _execute(self, command: Command, recorded_as: Command) -> Outcome:
        """`command` as `execute` runs it, recorded through `recorded_as` (itself, or the
        `Pinned` that holds it to its task)."""
        narrator: Narrator | None = None
        reverse_command: Command | None = None
        if isinstance(command, CONFIRMED_COMMANDS):
            # The state is folded in place: what the words and the undo need, before it runs.
            narrator, reverse_command = (
                Narrator.from_state(self.state),
                reverse(command, self.state),
            )
        outcome = self._record(recorded_as)
        if not outcome.ok or narrator is None:
            return outcome
        confirmation = confirm(command, narrator, self.state, reverse_command, outcome.recorded)
        self._undo = None
        if confirmation is not None and confirmation.undo is not None:
            after = mark(confirmation.undo, self.state)
            undo = confirmation.undo
            kind = undo_kind(undo)
            # Its task found by the event that created it when taken back: another laptop's
            # task may take its number meanwhile (`aimed_undo`).
            number = getattr(undo, "number", 0)
            ref = ref_of(self.state, kind, number) if kind is not None else None
            self._undo = (confirmation, self._monotonic() + UNDO_SECONDS, after, ref)
        return Outcome(recorded=outcome.recorded, confirmation=confirmation)

    def undo(self) -> tuple[Confirmation, Outcome] | None:
        """Take back the last confirmed change, if it is recent enough: what was taken back and
        how that went. None when there is nothing to take back. Refused when what it changed
        was changed again in another terminal since (`UndoUnlessChanged`)."""
        last, self._undo = self._undo, None
        if last is None or self._monotonic() > last[1] or last[0].undo is None:
            return None
        confirmation, _until, after, ref = last
        assert confirmation.undo is not None
        undo, expect = aimed_undo(self.state, confirmation.undo, after, ref)
        return confirmation, self._record(UndoUnlessChanged(undo=undo, expect=expect))

    def _record(self, command: Command) -> Outcome:
        try:
            events = self.store.execute(command)
        except NumberMoved:
            raise
        except (DomainError, StoreError) as error:
            return Outcome(refused=str(error))
        except OSError as error:
            where = f" ({error.filename})" if error.filename else ""
            return Outcome(refused=f"Could not write the incident files{where}: {error.strerror}.")
        if self.hooks is not None:
            # The events are durable (fsynced) by now; the hooks run in the background.
            self.hooks.fire(self.incident_id, events)
        return Outcome(recorded=events)

    # -- other terminals -----------------------------------------------------------------------

    def poll(self) -> Change:
        """Take in what other terminals appended: one stat call, a read only when it grew."""
        follower = self.follower
        if follower is None or self._failed:
            return Change()
        try:
            result = follower.poll()
        except (StoreError, OSError) as error:
            self._failed = True
            self.leave()
            return Change(failure=str(error))
        notices = list(result.notices)
        if self.hooks is not None:
            notices += [Notice(failure) for failure in self.hooks.take_failures()]
        return Change(events=len(result.events), reloaded=result.reloaded, notices=notices)

    # -- presence ------------------------------------------------------------------------------

    def my_role(self) -> Role | None:
        roles = self.state.roles_of(self.settings.actor)
        return roles[0] if roles else None

    def join(self) -> None:
        """Tell other terminals this one is here (a heartbeat file in the incident folder)."""
        self.leave()
        self.presence = PresenceBoard(
            self.store.directory,
            # Heartbeats are compared across terminals in wall time, even in a fast drill.
            clock=wall_clock(self.settings.clock),
            actor=self.settings.actor,
            role=self.my_role(),
            read_only=self.settings.read_only,
        )

    def heartbeat(self) -> list[str]:
        """Refresh this terminal's heartbeat; the labels of the others, roles from the state.

        A heartbeat records the role its console had when it was written; the state is newer
        (a handover a second ago), so the label shows the role the log gives that person now.
        Never fatal: presence is a courtesy.
        """
        presence = self.presence
        if presence is None:
            return []
        presence.role = self.my_role()
        try:
            presence.beat()
            others = presence.others()
        except OSError:
            return []
        labels: list[str] = []
        for other in others:
            roles = self.state.roles_of(other.actor)
            role = roles[0].label if roles else "no role"
            mode = ", read-only" if other.read_only else ""
            labels.append(f"{other.actor} ({role}{mode})")
        return labels

    def leave(self) -> None:
        if self.presence is not None:
            self.presence.leave()
            self.presence = None

    def close(self) -> None:
        """The terminal closes the incident: leave, and save the state snapshot so the next
        command reads only what is appended after it (a cache: a failure is ignored)."""
        self.leave()
        if self.hooks is not None:
            self.hooks.close()
        if not self.settings.read_only:
            self.store.write_snapshot()
            self.save_rows()

    def save_rows(self) -> bool:
        """Write the rows cache (`store.rows_cache`) when it lags the rows, so the next console
        opens on them and describes only the tail; False when not written (a cache)."""
        store, log = self.store, self.log
        base = log.rows.base
        if isinstance(base, StoredRows) and base.faults and not store.read_only:
            # A row of the cache could not be read: the next console builds it from the log.
            with contextlib.suppress(OSError):
                (store.directory / ROWS_FILE).unlink()
            log.cached_seq = 0
            log.cached_cover = None
            return False
        if store.merged:
            return self._save_merged_rows()
        if (
            store.merged
            or store.read_only
            or not log.rows
            or log.rows[-1].seq != store.log.last_seq
            or log.cached_seq == store.log.last_seq
        ):
            return False
        if not write_rows(
            store.directory, log.rows, log.narrator, log=store.log, fast=log.fast_origins
        ):
            return False
        log.cached_seq = store.log.last_seq
        return True

    def _save_merged_rows(self) -> bool:
        """The rows cache of a merged incident: what each file was read up to and the last
        merge key folded, beside the rows (the next console starts from it when the merged
        snapshot covers the same)."""
        store, log = self.store, self.log
        cover = store.merged_cover()
        if store.read_only or cover is None or not log.rows:
            return False
        logs, last_key = cover
        at = ({each.path: (each.offset, each.lines, each.last_seq) for each in logs}, last_key)
        if log.cached_cover == at:
            return False
        if not write_rows(
            store.directory,
            log.rows,
            log.narrator,
            log=logs[0],
            fast=log.fast_origins,
            merged=cover,
        ):
            return False
        log.cached_cover = at
        return True

    # -- alerts --------------------------------------------------------------------------------

    def alerts(self, now: datetime) -> list[str]:
        """New alerts to raise now (each once); user text in them is raw."""
        return self.policy.fresh(self.state, now)


def rows_cached(home: Path, incident_id: str) -> bool:
    """Whether a console left the log's rows (`log.rows`) for this incident: without them the
    open describes every event of the log once (seconds at a million events), so say so."""
    try:
        return (incident_dir(home, incident_id) / ROWS_FILE).exists()
    except (DomainError, StoreError, OSError):
        return True  # not an incident it can open: the open says why, nothing more to add


def _resume_rows(store: IncidentStore, log: LogRows, cached: CachedRows) -> bool:
    """Give `log` the cached rows plus the rows of the events the store read after them; False
    when the cache does not lead to the store's state (then nothing is changed)."""
    if (
        store.merged
        or store.state.merge_notices
        or store.damaged is not None
        or store.log.path != cached.log_path
        or store.log.last_seq != store.state.last_seq
        or store.state.last_seq < cached.seq
    ):
        return False
    try:
        tail = cached.tail_events(store.state.last_seq)
    except (SnapshotUnusable, StoreError, OSError):
        return False
    log.resume(cached, tail)
    return True


@dataclass(frozen=True)
class Declared:
    """A new incident's id, or why it could not be declared."""

    incident_id: str = ""
    refused: str | None = None


def declare(home: Path, command: Declare, settings: LiveSettings) -> Declared:
    """Declare a new incident from the console's form: the id comes from the title."""
    try:
        incident_id = new_incident_id(home, command.title, settings.clock.now())
        store = IncidentStore.create(
            home,
            command.model_copy(update={"incident_id": incident_id}),
            clock=settings.clock,
            actor=settings.actor,
        )
        fire_detached(home, incident_id, declared_events(store))
    except (DomainError, StoreError) as error:
        return Declared(refused=str(error))
    except OSError as error:
        return Declared(refused=f"Could not create the incident files: {error.strerror}.")
    return Declared(incident_id=incident_id)
