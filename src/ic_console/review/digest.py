"""The events of an incident as the review keeps them: not as models.

A model per event costs about 2 kB, so a 100,000-event incident held as models takes ~200 MB.
The review needs far less: the timeline (one small entry per event), what the metrics read (a
short skeleton of events and a tally of the tasks) and, for the JSON export, each event as JSON
(compressed: JSON of many alike events shrinks about tenfold, for a few hundredths of a second
per 100,000 events). `ReviewEvents` holds just those, gathered batch by batch while the log is
read, each batch of models dropped once it has been taken in.

It is still a sequence of events: indexing or iterating it validates the kept JSON again, so
anything written against `Sequence[Event]` keeps working on it (more slowly); the timeline, the
metrics and the JSON export use the parts kept for them.
"""

from __future__ import annotations

import zlib
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, overload

from ic_console.domain.events import EVENT_LIST_ADAPTER, Event

if TYPE_CHECKING:
    from ic_console.review.metrics import MetricsFeed
    from ic_console.review.timeline import TimelineEntry


class ReviewEvents(Sequence[Event]):
    """An incident's events, kept as JSON arrays (one per batch) with the timeline and the
    metrics' feed that were built from them."""

    def __init__(
        self,
        arrays: list[bytes],
        counts: list[int],
        timeline: list[TimelineEntry],
        feed: MetricsFeed,
    ) -> None:
        #: Each batch of events as one compact JSON array, exactly as pydantic dumps them,
        #: compressed (see `keep_as_json`).
        self._arrays = arrays
        self._counts = counts
        self._starts: list[int] = []
        total = 0
        for count in counts:
            self._starts.append(total)
            total += count
        self._total = total
        #: Every event as a timeline entry, worked forwards.
        self.timeline = timeline
        self.feed = feed

    @property
    def as_of(self) -> datetime | None:
        """When the last event was recorded."""
        return self.feed.as_of

    def __len__(self) -> int:
        return self._total

    def arrays(self) -> Iterator[bytes]:
        """Each batch of events as one compact JSON array, exactly as pydantic dumps them."""
        for packed in self._arrays:
            yield zlib.decompress(packed)

    def _batch(self, index: int) -> list[Event]:
        return EVENT_LIST_ADAPTER.validate_json(zlib.decompress(self._arrays[index]))

    def __iter__(self) -> Iterator[Event]:
        for index in range(len(self._arrays)):
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
