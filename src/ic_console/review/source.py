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

from ic_console.domain.errors import DomainError
from ic_console.domain.events import Event
from ic_console.domain.model import Status
from ic_console.domain.state import IncidentState, apply
from ic_console.review.digest import ReviewEvents, keep_as_json
from ic_console.review.metrics import MetricsFeed
from ic_console.review.timeline import TimelineBuilder
from ic_console.store.catalog import resolve_incident_id
from ic_console.store.errors import StoreError
from ic_console.store.eventlog import EventLog, LogDamaged
from ic_console.store.paths import EVENTS_FILE, check_incident_folder, incident_dir


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
    if not os.path.lexists(path):
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
    if result.tail and damage is None and not stopped:
        last = log.whole_event(result.tail)
        if last is not None and last.seq == state.last_seq + 1:
            # A whole event that lost only its line end (a crash just before it): kept, as
            # the next write will keep it.
            with gc_paused():
                take([last])
                events = ReviewEvents(arrays, counts, timeline.finish(), feed)
            notices.append(
                f"The last event in {path} lacks its line end; it is included (the next write "
                "from ic-console restores the line end)."
            )
        else:
            notices.append(
                f"{path} ends with an incomplete line ({len(result.tail)} bytes), perhaps still "
                "being written; it is left out."
            )
    if not state.declared:
        why = f" ({notices[0]})" if notices else ""
        raise StoreError(f"{path} holds no declared incident{why}.")
    return events, state, notices


def open_for_review(root: Path, given: str | None) -> ReviewSource:
    """The incident named by `given`: an incident id under `root`, or a path to a directory.

    With nothing given, the only active incident (as the other verbs do). A word is a path
    only when it has a slash (or is `.`, `..` or starts with `~`), or when no incident has that
    id and a folder of that name holding an events.jsonl is in the current directory; when
    both exist the incident wins, and a notice says which was used and how to get the other.
    """
    directory: Path
    notices: list[str] = []
    if given and _is_path(given):
        directory = Path(given).expanduser()
        if not directory.is_dir():
            raise StoreError(f"{given} is not a directory.")
    elif given and _is_folder_here(given) and not _is_incident(root, given):
        directory = Path(given)
        notices.append(
            f"There is no incident {given!r} in {root}; reading the folder ./{given} instead."
        )
    else:
        directory = incident_dir(root, resolve_incident_id(root, given))
        check_incident_folder(directory)
        if given and _is_folder_here(given):
            notices.append(
                f"Reading the incident {given} in {root}, not the folder ./{given} here; "
                f"to read that folder, write ./{given}."
            )
    events, state, loaded = load_events(directory)
    notices.extend(loaded)
    return ReviewSource(directory, events, state, notices, read_only_copy=_read_only(directory))


def _is_path(given: str) -> bool:
    return "/" in given or given in (".", "..") or given.startswith("~")


def _is_folder_here(given: str) -> bool:
    return os.path.lexists(Path(given) / EVENTS_FILE)


def _is_incident(root: Path, given: str) -> bool:
    try:
        return os.path.lexists(incident_dir(root, given) / EVENTS_FILE)
    except DomainError:
        return False


def _read_only(directory: Path) -> bool:
    """Whether the files cannot (or are not meant to) be written: no access, or no write bit
    (which also tells a read-only copy apart for root, who may write anyway)."""
    for path in (directory, directory / EVENTS_FILE):
        if not os.access(path, os.W_OK) or not path.stat().st_mode & stat.S_IWUSR:
            return True
    return False
