"""Opening a saved incident for review: read-only, never locking, never writing.

A review must work on a copy (a colleague's directory, a read-only mount, an archive), so it
reads `events.jsonl` directly instead of going through the store's writer path: no lock file,
no summary refresh, no torn-tail recovery. A damaged line stops the read there, with a notice.
"""

from __future__ import annotations

import gc
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ic_console.domain.events import Event
from ic_console.domain.model import Status
from ic_console.domain.state import IncidentState, apply
from ic_console.review.digest import ReviewEvents, keep_as_json
from ic_console.review.metrics import MetricsFeed
from ic_console.review.timeline import TimelineBuilder
from ic_console.store.eventlog import EventLog, LogDamaged
from ic_console.store.incident import EVENTS_FILE, StoreError, resolve_incident_id
from ic_console.store.paths import incident_dir


@contextmanager
def gc_paused() -> Iterator[None]:
    """Hold the cyclic garbage collector while building many small objects that form no
    cycles (events, timeline entries): on a 100,000-event log it would otherwise rescan them
    again and again, and take most of the time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass
class ReviewSource:
    """One incident as read for review: its events in log order and their fold."""

    directory: Path
    events: ReviewEvents
    state: IncidentState
    notices: list[str] = field(default_factory=list)
    #: True when the files cannot be written from here (a read-only copy).
    read_only_copy: bool = False

    @property
    def active(self) -> bool:
        return self.state.status is Status.ACTIVE

    @property
    def as_of(self) -> datetime | None:
        """The time of the last recorded event: the review's "now", so output is repeatable."""
        return self.events.as_of


def load_events(directory: Path) -> tuple[ReviewEvents, IncidentState, list[str]]:
    """Read and fold the log in `directory`; stop at the first damaged or ill-fitting event.

    One pass, batch by batch as the log validates them: each batch is folded into the state,
    added to the timeline and the metrics' feed and kept as JSON, then its models are dropped,
    so a long log is never held as events all at once.
    """
    path = directory / EVENTS_FILE
    if not path.is_file():
        raise StoreError(f"{directory} is not an incident directory: it has no {EVENTS_FILE}.")
    log = EventLog(path)
    notices: list[str] = []
    state = IncidentState()
    timeline = TimelineBuilder()
    feed = MetricsFeed()
    arrays: list[bytes] = []
    counts: list[int] = []
    stopped = False

    def take(batch: list[Event]) -> None:
        nonlocal stopped
        if stopped:
            return
        fitting = batch
        for index, event in enumerate(batch):
            try:
                apply(state, event)
            except (KeyError, ValueError, AttributeError, TypeError) as error:
                notices.append(
                    f"{path}: event {event.seq} ({event.type}) does not fit the incident "
                    f"({error!r}); showing the events before it."
                )
                fitting = batch[:index]
                stopped = True
                break
        if fitting:
            timeline.add(fitting)
            feed.add(fitting)
            arrays.append(keep_as_json(fitting))
            counts.append(len(fitting))

    with gc_paused():
        result = log.read_new(take)
        events = ReviewEvents(arrays, counts, timeline.finish(), feed)
    damage: LogDamaged | None = result.damage
    if damage is not None:
        notices.append(
            f"{damage.path}, line {damage.line}: {damage.reason}. "
            "Showing the events before that line."
        )
    if result.tail:
        notices.append(
            f"{path} ends with an incomplete line ({len(result.tail)} bytes), perhaps still "
            "being written; it is left out."
        )
    if not state.declared:
        raise StoreError(f"{path} holds no declared incident.")
    return events, state, notices


def open_for_review(root: Path, given: str | None) -> ReviewSource:
    """The incident named by `given`: an incident id under `root`, or a path to a directory.

    With nothing given, the only active incident (as the other verbs do).
    """
    directory: Path
    looks_like_path = given is not None and (
        "/" in given or given.startswith((".", "~")) or (Path(given) / EVENTS_FILE).is_file()
    )
    if given and looks_like_path:
        directory = Path(given).expanduser()
        if not directory.is_dir():
            raise StoreError(f"{given} is not a directory.")
    else:
        directory = incident_dir(root, resolve_incident_id(root, given))
    events, state, notices = load_events(directory)
    return ReviewSource(directory, events, state, notices, read_only_copy=_read_only(directory))


def _read_only(directory: Path) -> bool:
    """Whether the files cannot (or are not meant to) be written: no access, or no write bit
    (which also tells a read-only copy apart for root, who may write anyway)."""
    for path in (directory, directory / EVENTS_FILE):
        if not os.access(path, os.W_OK) or not path.stat().st_mode & stat.S_IWUSR:
            return True
    return False
