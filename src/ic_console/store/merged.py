"""Reading an incident that is the union of several replicas' files.

Each `events/<origin>.jsonl` (and a pre-replication `events.jsonl`) is read by its own
`EventLog`, so each keeps its own offset and checks its own lines; the events are merged in the
order of `domain.hlc.merge_key` and deduplicated by id (the same pre-replication event may sit
in two files). Everything that reads an incident's events outside the store (the review, search,
the lazy scribe log) goes through `iter_event_batches`, one function for one file or many.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator, MutableSequence
from dataclasses import dataclass, field
from pathlib import Path

from ic_console.domain.events import Event
from ic_console.domain.hlc import MergeKey, merge_key, wall_ms
from ic_console.domain.merge import apply_merged
from ic_console.domain.state import IncidentState, LogEntry
from ic_console.store.errors import StoreError
from ic_console.store.eventlog import BATCH_LINES, EventLog, LogDamaged, ReadResult
from ic_console.store.paths import EVENTS_FILE, event_files, file_origin

#: A peer's clock this far ahead of ours (ms) is flagged.
CLOCK_AHEAD_MS = 5 * 60 * 1000


@dataclass
class MergedRead:
    """Events merged from several logs, each read from where it stopped last time."""

    events: list[Event] = field(default_factory=list)
    damage: LogDamaged | None = None
    #: A file was replaced or cut under the reader (not a peer file that only grew): start over.
    replaced: bool = False
    #: Ids seen twice with different contents (the first copy, in merge order, is kept).
    conflicts: list[str] = field(default_factory=list)


def read_logs(logs: Iterable[EventLog], *, peers_may_be_swapped: set[Path]) -> MergedRead:
    """The new events of every log, merged and deduplicated among themselves.

    A file in `peers_may_be_swapped` was replaced by `accept_peer_file`, which checked that the
    old bytes are a prefix of the new: it is read on from the same offset.
    """
    result = MergedRead()
    lists: list[list[Event]] = []
    for log in logs:
        if _replaced(log, peers_may_be_swapped):
            result.replaced = True
            return result
        read = log.read_new()
        if read.replaced:
            result.replaced = True
            return result
        if read.damage is not None and result.damage is None:
            result.damage = read.damage
        if read.events:
            lists.append(read.events)
    if len(lists) == 1:
        result.events = lists[0]
    elif lists:
        result.events = list(heapq.merge(*lists, key=merge_key))
    return result


def _replaced(log: EventLog, swappable: set[Path]) -> bool:
    """Whether `log` was replaced or cut since it was read (read it all again), but for a file
    in `swappable` that `accept_peer_file` renamed into place, prefix checked: read on. A log
    not read yet (its offset from a snapshot) is checked by its first read."""
    if log._inode is None or not log.replaced():
        return False
    if log.path in swappable and log.size() >= log.offset:
        log._inode = None
        return False
    return True


def stream_logs(logs: Iterable[EventLog], *, peers_may_be_swapped: set[Path]) -> StreamedRead:
    """Every log's new events, merged in `merge_key` order as they are read (not deduplicated):
    each file is pulled a batch at a time, so a long incident is never held as events all at
    once. What `read_logs` tells (damage, a replaced file) is on the result once its
    `events` are used up."""
    result = StreamedRead()
    streams = [_pulled(log, result, peers_may_be_swapped) for log in logs]
    result.events = heapq.merge(*streams, key=merge_key)
    return result


@dataclass
class StreamedRead:
    """`MergedRead`, its events given as they are read."""

    events: Iterator[Event] = field(default_factory=lambda: iter(()))
    damage: LogDamaged | None = None
    replaced: bool = False


def _pulled(log: EventLog, result: StreamedRead, swappable: set[Path]) -> Iterator[Event]:
    """`log`'s new events in order, pulled a validated batch at a time (`read_batches`)."""
    if _replaced(log, swappable):
        result.replaced = True
        return
    batches = log.read_batches()
    try:
        while True:
            try:
                events = next(batches)
            except StopIteration as stop:
                read: ReadResult = stop.value
                break
            yield from events
            del events  # not held while the next batch is read
    finally:
        batches.close()
    if read.replaced:
        result.replaced = True
    elif read.damage is not None and result.damage is None:
        result.damage = read.damage


def dedup(events: list[Event], seen: dict[str, int], conflicts: list[str]) -> list[Event]:
    """`events` without those whose id is in `seen` (or earlier in `events`); an id seen with
    other contents is noted in `conflicts`. `seen` is updated.

    `seen` keeps each id's hash of its event's contents, not the event: a console following a
    100,000-event merged incident held every event as a model for this (about 150 MB). Two
    copies that differ but hash the same (one chance in 2**64) would go unreported; the first
    copy is kept either way."""
    kept: list[Event] = []
    for event in events:
        before = seen.get(event.id)
        if before is None:
            seen[event.id] = hash(event)
            kept.append(event)
        elif before != hash(event):
            conflicts.append(event.id)
    return kept


def merged_events(directory: Path) -> tuple[list[Event], LogDamaged | None]:
    """Every event of the incident folder in fold order, once each; the first damage met."""
    logs = [EventLog(path) for path in event_files(directory)]
    read = read_logs(logs, peers_may_be_swapped=set())
    return dedup(read.events, {}, []), read.damage


def iter_event_batches(
    directory: Path, *, on_damage: Callable[[LogDamaged], None] | None = None
) -> Iterator[list[Event]]:
    """The incident's events in fold order, in batches: one file is streamed batch by batch as
    its log reader validates them (the common case, never all in memory); several are merged."""
    files = event_files(directory)
    if len(files) == 1:
        batches: list[list[Event]] = []
        result = EventLog(files[0]).read_new(batches.append)
        yield from batches
        if result.damage is not None and on_damage is not None:
            on_damage(result.damage)
        return
    events, damage = merged_events(directory)
    if events:
        yield events
    if damage is not None and on_damage is not None:
        on_damage(damage)


class UnionLog:
    """An incident folder's logs read as one, for readers outside the store (the review):
    `read_new` and `whole_event` as `EventLog` has them. One file is that file's `EventLog`
    (streamed, a torn tail reported as before); several are merged (`merged` is then True and
    the events must be folded with `domain.merge.apply_merged`)."""

    def __init__(self, directory: Path) -> None:
        files = event_files(directory)
        if not files:
            raise StoreError(f"{directory} is not an incident directory: it has no event log.")
        self.directory = directory
        self.files = files
        self.path = files[0]
        self.merged = len(files) > 1 or files[0].name != EVENTS_FILE
        self._single = EventLog(files[0]) if len(files) == 1 else None

    @property
    def single(self) -> EventLog | None:
        """The one file's log when there is one file (read streamed, batches findable again by
        their place in it); None when several files are read merged."""
        return self._single

    def read_new(self, consume: Callable[[list[Event]], None]) -> ReadResult:
        if self._single is not None:
            return self._single.read_new(consume)
        events, damage = merged_events(self.directory)
        for start in range(0, len(events), BATCH_LINES):
            consume(events[start : start + BATCH_LINES])
        return ReadResult(events=[], offset=0, lines=len(events), damage=damage)

    def whole_event(self, tail: bytes) -> Event | None:
        return self._single.whole_event(tail) if self._single is not None else None


def scribe_log_until(directory: Path, last_key: MergeKey) -> MutableSequence[LogEntry]:
    """The scribe log of the merged fold up to `last_key` (a merged snapshot's was bad)."""
    events, _ = merged_events(directory)
    scratch = apply_merged(IncidentState(), (e for e in events if merge_key(e) <= last_key))
    return scratch.log


def apply_merged_one(state: IncidentState, event: Event) -> IncidentState:
    """Fold one merged event (`domain.merge.apply_merged`), for readers that fold one by one."""
    return apply_merged(state, (event,))


def clocks_ahead(
    events: Iterable[Event], now_ms: int, told: set[str], *, mine: str | None = None
) -> list[str]:
    """A sentence for each replica whose clock runs more than 5 minutes ahead of ours, or
    behind it (once per origin): "Priya's clock is 7 minutes fast". The events are kept as
    recorded.

    A clock behind is seen in an event whose own time is far before the clock it carries
    (`hlc`, at least every clock its writer had seen) while that clock agrees with ours: its
    writer had seen our events and stamped its own earlier. Its tasks then counted from its
    clock and showed "late +40:00" the moment they arrived, with no word why. Our own
    replica (`mine`) is never the one told about."""
    said: list[str] = []
    for event in events:
        if event.hlc is None or event.origin is None or event.origin in told:
            continue
        if event.origin == mine:
            continue
        ahead = event.hlc[0] - now_ms
        if ahead > CLOCK_AHEAD_MS:
            told.add(event.origin)
            minutes = round(ahead / 60_000)
            said.append(
                f"{event.actor}'s clock is {minutes} minutes fast (replica {event.origin}); "
                "their events are kept in the order recorded. Ask them to set their clock."
            )
            continue
        behind = event.hlc[0] - wall_ms(event.at)
        if behind > CLOCK_AHEAD_MS and ahead > -CLOCK_AHEAD_MS:
            told.add(event.origin)
            minutes = round(behind / 60_000)
            said.append(
                f"{event.actor}'s clock is {minutes} minutes behind (replica {event.origin}); "
                "their events are kept in the order recorded, and the timeboxes they set count "
                "from their clock. Ask them to set their clock."
            )
    return said


def last_key(events: list[Event]) -> MergeKey | None:
    return merge_key(events[-1]) if events else None


__all__ = [
    "CLOCK_AHEAD_MS",
    "MergedRead",
    "UnionLog",
    "apply_merged_one",
    "clocks_ahead",
    "dedup",
    "event_files",
    "file_origin",
    "iter_event_batches",
    "last_key",
    "merged_events",
    "read_logs",
    "wall_ms",
]
