"""Hybrid logical clocks: the order in which replicas' events are merged.

Every line written by a replicated store carries `hlc = (wall ms, counter)`. On append the
writer takes `wall = max(now, largest seen)` and `counter = previous + 1` when the wall did not
move, else 0, so a laptop's clock never orders its event before one it has already seen, and
each file's clocks only grow. The incident folds the union of its files in the order of
`merge_key`: (hlc wall, hlc counter, origin, seq). Lines written before replication have no
clock: their recorded time stands for the wall (counter 0, origin ""), which keeps them in the
order they were written.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ic_console.domain.events import Event

#: (wall ms, counter)
Hlc = tuple[int, int]
#: (wall ms, counter, origin, seq): the fold order of the union of an incident's files.
MergeKey = tuple[int, int, str, int]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def wall_ms(when: datetime) -> int:
    """Milliseconds since the epoch of an aware datetime (exact, no float rounding)."""
    delta = when - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def next_hlc(seen: Hlc, now: datetime) -> Hlc:
    """The clock of the next event written after seeing clocks up to `seen`."""
    wall = max(wall_ms(now), seen[0])
    return (wall, seen[1] + 1) if wall == seen[0] else (wall, 0)


def next_hlcs(seen: Hlc, now: datetime, count: int) -> list[Hlc]:
    """Clocks for `count` events written together (one command), each after the one before."""
    clocks: list[Hlc] = []
    for _ in range(count):
        seen = next_hlc(seen, now)
        clocks.append(seen)
    return clocks


def event_hlc(event: Event) -> Hlc:
    """The event's clock; the recorded time for a line written before replication."""
    if event.hlc is not None:
        return event.hlc
    return (wall_ms(event.at), 0)


def merge_key(event: Event) -> MergeKey:
    if event.hlc is not None:
        return (event.hlc[0], event.hlc[1], event.origin or "", event.seq)
    return (wall_ms(event.at), 0, event.origin or "", event.seq)
