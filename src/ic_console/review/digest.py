"""The events of an incident as the review keeps them: not as models.

A model per event costs about 2 kB, so a 100,000-event incident held as models takes ~200 MB.
The review needs far less: the timeline (one small entry per event), what the metrics read (a
short skeleton of events and a tally of the tasks) and, for the JSON export, each event as JSON.
`ReviewEvents` holds just those, gathered batch by batch while the log is read, each batch of
models dropped once it has been taken in: for each batch, where it lies in the log file (a
`Span`), from where it can be read again; for the JSON export, where its lines lie when they are
its JSON (`Lines`, below), else its JSON itself (compressed: JSON of many alike events shrinks
about tenfold).

It is still a sequence of events: indexing or iterating it validates the kept JSON again, or
reads that batch of the log file again, so anything written against `Sequence[Event]` keeps
working on it (more slowly); the timeline, the metrics and the JSON export use the parts kept
for them.

For the JSON export, a batch whose lines are already its events' JSON as pydantic dumps them
(every line `encode` wrote: the same bytes but for the checksum and the replication members left
out when unset) is not kept at all: it is a `Lines`, its place in the file and a digest of its
JSON, and the export reads the lines again and copies them (`Lines.array`). The digest makes
sure the bytes copied are the ones validated: a log changed since stops the export with one
clear line, never a mixed export. A batch written any other way (by hand, by another version)
is kept as JSON, dumped from its models as before.
"""

from __future__ import annotations

import hashlib
import os
import zlib
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, overload

from ic_console.domain.events import EVENT_LIST_ADAPTER, Event
from ic_console.store.errors import StoreError
from ic_console.store.eventlog import BATCH_LINES, EventLog, line_stems

if TYPE_CHECKING:
    from ic_console.review.metrics import MetricsFeed
    from ic_console.review.timeline import TimelineEntry


@dataclass(frozen=True, slots=True)
class Span:
    """Where one batch of events starts in a log file, as the reader stood there: read again
    from here, the file gives the batch back (the first `count` events of what it reads)."""

    path: Path
    offset: int
    lines: int
    last_seq: int


#: At most about this many events of a long span are held as models at once (a read's chunk
#: of the log holds about as many; stopping a read sooner would check the chunk again).
_HELD = 4 * BATCH_LINES


class _Enough(Exception):
    """Stops a read again once it has handed over the batch it was for."""


def read_span(span: Span, count: int) -> list[Event]:
    """The `count` events of the batch that starts at `span`, read and validated again."""
    return list(iter_span(span, count))


def iter_span(span: Span, count: int) -> Iterator[Event]:
    """`read_span`, one read batch at a time: a long span (the prefix of a log that a state
    snapshot covers) is never held as models all at once."""
    log = EventLog(span.path)
    log.offset, log.lines, log.last_seq = span.offset, span.lines, span.last_seq
    left = count
    got: list[Event] = []

    def take(batch: list[Event]) -> None:
        got.extend(batch)
        if len(got) >= min(left, _HELD):
            raise _Enough  # the reader has moved past this batch: the next read goes on there

    while left > 0:
        try:
            result = log.read_new(take)
        except _Enough:
            pass
        else:
            if result.damage is not None or not got:
                raise _changed(span.path)
        yield from got[:left]
        left -= len(got)
        got.clear()


#: The replication members of an event (`Event.origin`, `hlc`, `ref`, its last three) that a
#: log line leaves out when unset and its JSON export writes as null; keyed by which are unset.
_UNSET_TAILS: dict[tuple[bool, bool, bool], bytes] = {
    (True, True, True): b',"origin":null,"hlc":null,"ref":null}',
    (False, True, True): b',"hlc":null,"ref":null}',
    (False, False, True): b',"ref":null}',
    (False, False, False): b"}",
}
_NULLS = _UNSET_TAILS[True, True, True]


def _digest(data: bytes) -> bytes:
    return hashlib.sha1(data, usedforsecurity=False).digest()


def _joined(stems: Sequence[bytes], tails: Sequence[bytes] | None) -> bytes:
    """The JSON array of the events whose checked stems are `stems`, when each line is its
    event's JSON as dumped but for the members `tails` closes it with (all unset: None)."""
    if tails is None:
        return b"[" + (_NULLS + b",").join(stems) + _NULLS + b"]" if stems else b"[]"
    return b"[" + b",".join([stem + tail for stem, tail in zip(stems, tails, strict=True)]) + b"]"


@dataclass(frozen=True, slots=True)
class Lines:
    """A batch whose log lines, copied, are its events' JSON (see the module): where it lies,
    where it ends, the closing members of each line (None: every replication member unset) and
    a digest of the batch's JSON array, to check the lines read again are the lines read."""

    span: Span
    end: int
    tails: tuple[bytes, ...] | None
    digest: bytes

    @classmethod
    def of(
        cls, span: Span, end: int, stems: Sequence[bytes], events: Sequence[Event]
    ) -> Lines | None:
        """The batch of `events`, read from `stems` between `span` and `end`, when its lines
        copied are its events' JSON as pydantic dumps them; else None (keep it as JSON)."""
        dumped = EVENT_LIST_ADAPTER.dump_json(list(events))
        tails: tuple[bytes, ...] | None = None
        joined = _joined(stems, None)
        if joined != dumped:
            found = [
                _UNSET_TAILS.get((e.origin is None, e.hlc is None, e.ref is None)) for e in events
            ]
            if None in found:
                return None
            tails = tuple(tail for tail in found if tail is not None)
            joined = _joined(stems, tails)
            if joined != dumped:
                return None
        return cls(span, end, tails, _digest(joined))

    def array(self, count: int) -> bytes:
        """The batch's events as one compact JSON array, read again from the log: the same
        bytes as when it was read, or a `StoreError` saying the log changed."""
        span = self.span
        try:
            with open(span.path, "rb") as handle:
                handle.seek(span.offset)
                size = self.end - span.offset
                data = handle.read(size)
        except OSError as error:
            raise _changed(span.path, f" ({os.strerror(error.errno or 0)})") from None
        stems = line_stems(data) if len(data) == size else None
        joined = _joined(stems, self.tails) if stems is not None and len(stems) == count else b""
        if not joined or _digest(joined) != self.digest:
            raise _changed(span.path)
        return joined


def _changed(path: Path, why: str = "") -> StoreError:
    return StoreError(
        f"{path} changed under the review (it was replaced or cut short since it was "
        f"read){why}; run the command again."
    )


#: One batch as `ReviewEvents` keeps it: compressed JSON (`keep_as_json`), where it lies, or
#: where its lines lie that are its JSON (`Lines`).
Batch = bytes | Span | Lines


class ReviewEvents(Sequence[Event]):
    """An incident's events, kept as JSON arrays or as places in the log (one per batch) with
    the timeline and the metrics' feed that were built from them."""

    def __init__(
        self,
        batches: list[Batch],
        counts: list[int],
        timeline: list[TimelineEntry] | None,
        feed: MetricsFeed | None,
        as_of: datetime | None = None,
    ) -> None:
        #: Each batch of events as one compact JSON array, exactly as pydantic dumps them,
        #: compressed (see `keep_as_json`), or where to read it again.
        self._batches = batches
        self._counts = counts
        self._starts: list[int] = []
        total = 0
        for count in counts:
            self._starts.append(total)
            total += count
        self._total = total
        #: Every event as a timeline entry, worked forwards (None when it was not asked for:
        #: `build_timeline` then builds it from the events).
        self.timeline = timeline
        #: What the metrics read, gathered as the log was read (None when it was not asked
        #: for: the metrics then read the events again).
        self.feed = feed
        self._as_of = feed.as_of if feed is not None else as_of

    @property
    def as_of(self) -> datetime | None:
        """When the last event was recorded."""
        return self._as_of

    def __len__(self) -> int:
        return self._total

    def arrays(self) -> Iterator[bytes]:
        """Each batch of events as one compact JSON array, exactly as pydantic dumps them."""
        for index, kept in enumerate(self._batches):
            if isinstance(kept, bytes):
                yield zlib.decompress(kept)
            elif isinstance(kept, Lines):
                yield kept.array(self._counts[index])
            else:
                yield EVENT_LIST_ADAPTER.dump_json(self._batch(index))

    def _batch(self, index: int) -> list[Event]:
        kept = self._batches[index]
        if isinstance(kept, bytes):
            return EVENT_LIST_ADAPTER.validate_json(zlib.decompress(kept))
        return read_span(kept.span if isinstance(kept, Lines) else kept, self._counts[index])

    def __iter__(self) -> Iterator[Event]:
        for index, kept in enumerate(self._batches):
            if isinstance(kept, Span):
                yield from iter_span(kept, self._counts[index])
            else:
                yield from self._batch(index)

    @overload
    def __getitem__(self, index: int) -> Event: ...

    @overload
    def __getitem__(self, index: slice) -> list[Event]: ...

    def __getitem__(self, index: int | slice) -> Event | list[Event]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._total))]
        if index < 0:
            index += self._total
        if not 0 <= index < self._total:
            raise IndexError("event index out of range")
        batch = bisect_right(self._starts, index) - 1
        return self._batch(batch)[index - self._starts[batch]]


def keep_as_json(events: Sequence[Event]) -> bytes:
    """One batch of events as `ReviewEvents` keeps it: a compact JSON array, compressed."""
    return zlib.compress(EVENT_LIST_ADAPTER.dump_json(list(events)), 1)
