"""Folding the event log into a state, batch by batch, and finding the event that does not fit.

The log's reader checks each line (checksum, schema); an event that passes but cannot be
folded (a task that does not exist, a role nobody holds...) is damage all the same: the fold
stops before it and says at which line.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ic_console.domain.events import Event
from ic_console.domain.logbook import LogBook
from ic_console.domain.state import IncidentState, apply_all
from ic_console.store.eventlog import EventLog, LogDamaged


@contextmanager
def gc_paused() -> Iterator[None]:
    """Hold the cyclic garbage collector while building many small objects that all stay alive
    (events, timeline entries): on a 100,000-event log it would otherwise rescan them again and
    again while they are created, for nothing, and take most of the time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _DoesNotFit(Exception):
    """An event that parsed but cannot be folded into the state (internal to the fold)."""

    def __init__(self, damage: LogDamaged) -> None:
        super().__init__(str(damage))
        self.damage = damage


@dataclass(frozen=True)
class Folded:
    """What one read of the log's new lines did to the state."""

    #: The events folded, when asked to keep them.
    applied: list[Event]
    #: The line where the fold stopped, if it did.
    damage: LogDamaged | None = None
    #: The file was swapped or cut under the reader: nothing was folded, read it from the start.
    replaced: bool = False


def fold_new(
    log: EventLog,
    state: IncidentState,
    *,
    keep: bool,
    on_events: Callable[[list[Event]], None] | None,
    folded_up_to: int = 0,
) -> Folded:
    """Fold what was appended to `log` since its last read into `state`.

    Keeps the new events in the result when `keep` (following another terminal); a full load
    passes `keep=False` so a long log is folded batch by batch and never held as events at once.
    `on_events` is called with every batch folded (and with the part of a batch that fitted).
    Events up to seq `folded_up_to` are in `state` already (a snapshot of them): they are read
    and handed to `on_events`, not folded again.
    """
    applied: list[Event] = []

    def fold(batch: list[Event]) -> None:
        if batch[0].seq <= folded_up_to:
            # Read from the start for `on_events`, the state started from the snapshot.
            cut = next((i for i, event in enumerate(batch) if event.seq > folded_up_to), None)
            known = batch if cut is None else batch[:cut]
            if keep:
                applied.extend(known)
            if on_events is not None:
                on_events(known)
            if cut is None:
                return
            batch = batch[cut:]
        try:
            apply_all(state, batch)
        except (KeyError, ValueError, AttributeError, TypeError) as error:
            # The event after the last one applied is the one that does not fit.
            index = state.last_seq - batch[0].seq + 1
            event = batch[index]
            fitted = batch[:index]
            if keep:
                applied.extend(fitted)
            if fitted and on_events is not None:
                on_events(fitted)
            line = log.lines - len(batch) + index + 1
            raise _DoesNotFit(
                LogDamaged(
                    log.path,
                    line,
                    f"event {event.seq} ({event.type}) does not fit the incident ({error!r})",
                )
            ) from None
        if keep:
            applied.extend(batch)
        if on_events is not None:
            on_events(batch)

    try:
        with gc_paused():
            result = log.read_new(fold)
    except _DoesNotFit as misfit:
        return Folded(applied, misfit.damage)
    if result.replaced:
        return Folded([], replaced=True)
    return Folded(applied, result.damage)


def scribe_log_up_to(events_path: Path, seq: int) -> LogBook:
    """The scribe log up to `seq`, folded from the log itself (a snapshot's was bad)."""
    scratch = IncidentState()

    def fold(batch: list[Event]) -> None:
        apply_all(scratch, [event for event in batch if event.seq <= seq])

    EventLog(events_path).read_new(fold)
    log = scratch.log
    return log if isinstance(log, LogBook) else LogBook(log)
