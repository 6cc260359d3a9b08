"""Opening a saved incident for review: read-only, never locking, never writing.

A review must work on a copy (a colleague's directory, a read-only mount, an archive), so it
reads `events.jsonl` directly instead of going through the store's writer path: no lock file,
no summary refresh, no torn-tail recovery. A damaged line stops the read there, with a notice.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ic_console.domain.errors import DomainError
from ic_console.domain.events import Event
from ic_console.domain.model import Status
from ic_console.domain.state import IncidentState, apply, apply_all
from ic_console.review.digest import Batch, Lines, ReviewEvents, Span, keep_as_json
from ic_console.review.metrics import MetricsFeed
from ic_console.review.timeline import TimelineBuilder
from ic_console.store.catalog import resolve_incident_id
from ic_console.store.errors import StoreError
from ic_console.store.eventlog import LINE_EXTRA, EventLog, LogDamaged
from ic_console.store.logfiles import has_log, log_files
from ic_console.store.merged import UnionLog, apply_merged_one
from ic_console.store.paths import check_incident_folder, incident_dir
from ic_console.store.replay import gc_paused
from ic_console.store.snapshot import load_snapshot


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


def load_events(
    directory: Path, *, keep_json: bool = False, timeline: bool = True, metrics: bool = True
) -> tuple[ReviewEvents, IncidentState, list[str]]:
    """Read and fold the log in `directory`; stop at the first damaged or ill-fitting event.

    One pass, batch by batch as the log validates them: each batch is folded into the state,
    added to the metrics' feed and (with `timeline`) to the timeline, and kept as its place in
    the file (with `keep_json`, for the JSON export: the place of lines that are its JSON,
    `digest.Lines`, or its JSON when they are not); then its models are dropped,
    so a long log is never held as events all at once, and no work is done for a part that
    will not be used (without `metrics`, the metrics' feed is not gathered: figures asked
    of the events then read them again). Several replicas' files (two laptops) are read
    merged in fold order (`store.merged`); their batches are kept as JSON, as there is no one
    place to re-read.
    """
    if not has_log(directory):
        raise StoreError(f"{directory} is not an incident directory: it has no event log.")
    log = UnionLog(directory)
    path = log.path
    fold = _ReviewFold(log.single, path, keep_json=keep_json, timeline=timeline, metrics=metrics)
    fold.apply = apply_merged_one if log.merged else apply
    if not (keep_json or timeline or metrics):
        # Only the state is asked for (the CSV of action items): the state snapshot the store
        # keeps beside the log gives what its prefix folds to, so only the tail is read.
        fold.start_from_snapshot(directory)
    with gc_paused():
        result = log.read_new(fold.take)
        events = fold.events()
    damage: LogDamaged | None = result.damage
    if damage is not None:
        fold.notices.append(
            f"{damage.path}, line {damage.line}: {damage.reason}. "
            "Showing the events before that line."
        )
    elif result.tail and not fold.stopped:
        with_last = _take_unterminated(log, result.tail, fold)
        if with_last is not None:
            events = with_last
    if not fold.state.declared:
        why = f" ({fold.notices[0]})" if fold.notices else ""
        raise StoreError(f"{path} holds no declared incident{why}.")
    return events, fold.state, fold.notices


class _ReviewFold:
    """What one read for review builds: the state, the timeline, the metrics' feed and the
    events kept as JSON; it stops at the first event that does not fit."""

    def __init__(
        self,
        log: EventLog | None,
        path: Path,
        *,
        keep_json: bool,
        timeline: bool,
        metrics: bool = True,
    ) -> None:
        #: The one file read, whose batches can be found again by their place; None when
        #: several replicas' files are read merged (every batch is then kept as JSON).
        self.log = log
        self.path = path
        self.apply = apply
        self.notices: list[str] = []
        self.state = IncidentState()
        self.timeline = TimelineBuilder() if timeline else None
        self.feed = MetricsFeed() if metrics else None
        #: When the last event taken in was recorded.
        self.as_of: datetime | None = None
        self.keep_json = keep_json or log is None
        self.batches: list[Batch] = []
        self.counts: list[int] = []
        self.stopped = False
        #: Where the next batch starts: the reader has moved past a batch when it hands it over.
        self._start = self._here()

    def start_from_snapshot(self, directory: Path) -> None:
        """Start from `state.snapshot` when it matches the log (checked against every byte
        of the prefix it covers, never trusted over the log): its state, and the prefix kept
        as one place in the file, read again only if the events themselves are asked for.
        Without one (missing, stale, damaged: a notice), the whole log is read as before.

        The store keeps one file's snapshot (`events.jsonl`, or the one replica's file that
        the review reads merged) as a single one: folded in the file's order, as the review
        folds it. Several replicas' files are read whole."""
        log = self.log
        if log is None or log.offset:
            return
        snapshot, notice = load_snapshot(directory, log.path)
        if notice is not None:
            self.notices.append(notice.message)
        if snapshot is None or not snapshot.state.declared:
            return
        state = snapshot.state
        self.state = state
        self.as_of = state.updated_at
        self.batches.append(Span(log.path, 0, 0, 0))
        self.counts.append(snapshot.lines)  # a log's lines are its events, one each
        log.offset, log.lines, log.last_seq = snapshot.offset, snapshot.lines, state.last_seq
        self._start = self._here()

    def _here(self) -> Span | None:
        log = self.log
        return Span(log.path, log.offset, log.lines, log.last_seq) if log is not None else None

    def take(self, batch: list[Event], *, whole_lines: bool = True) -> None:
        start = self._start
        self._start = self._here()
        if self.stopped:
            return
        fitting = batch
        if self.apply is apply:
            # One call for the batch (`apply_all` folds them exactly as one by one); the
            # events folded before one that does not fit are the ones up to the state's seq.
            before = self.state.last_seq
            try:
                apply_all(self.state, batch)
            except (KeyError, ValueError, AttributeError, TypeError) as error:
                done = self.state.last_seq
                index = next((i + 1 for i, e in enumerate(batch) if e.seq == done), 0)
                fitting = self._not_fitting(batch, 0 if done == before else index, error)
        else:
            for index, event in enumerate(batch):
                try:
                    self.apply(self.state, event)
                except (KeyError, ValueError, AttributeError, TypeError) as error:
                    fitting = self._not_fitting(batch, index, error)
                    break
        if fitting:
            if self.timeline is not None:
                self.timeline.add(fitting, self.state)
            if self.feed is not None:
                self.feed.add(fitting)
            self.as_of = fitting[-1].at
            self.batches.append(self._kept(fitting, start, whole_lines=whole_lines))
            self.counts.append(len(fitting))

    def _kept(self, fitting: list[Event], start: Span | None, *, whole_lines: bool) -> Batch:
        """How the batch is kept: where it lies in the file; for the JSON export, where its
        lines lie when they are its JSON (`Lines`), else its JSON. A line without its line end
        cannot be found again by reading whole lines: it is kept as JSON."""
        log = self.log
        if log is None or start is None or not whole_lines:
            return keep_as_json(fitting)
        if not self.keep_json:
            return start
        stems = log.stems[: len(fitting)]
        # Where the fitting events' lines end: past the whole batch's lines, less any not fitting.
        end = (
            log.offset
            - sum(map(len, log.stems[len(fitting) :]))
            - LINE_EXTRA * (len(log.stems) - len(fitting))
        )
        lines = Lines.of(start, end, stems, fitting) if len(stems) == len(fitting) else None
        return keep_as_json(fitting) if lines is None else lines

    def _not_fitting(self, batch: list[Event], index: int, error: Exception) -> list[Event]:
        """The events of `batch` before `batch[index]`, which does not fit; the read stops."""
        event = batch[index]
        self.notices.append(
            f"{self.path}: event {event.seq} ({event.type}) does not fit the incident "
            f"({error!r}); showing the events before it."
        )
        self.stopped = True
        return batch[:index]

    def events(self) -> ReviewEvents:
        timeline = self.timeline.finish() if self.timeline is not None else None
        return ReviewEvents(self.batches, self.counts, timeline, self.feed, self.as_of)


def _take_unterminated(log: UnionLog, tail: bytes, fold: _ReviewFold) -> ReviewEvents | None:
    """The events with the log's last line when it is a whole event that lost only its line
    end (a crash just before it: kept, as the next write will keep it); None when it is left
    out. Either way a notice says so."""
    last = log.whole_event(tail)
    if last is None or last.seq != fold.state.last_seq + 1:
        fold.notices.append(
            f"{fold.path} ends with an incomplete line ({len(tail)} bytes), perhaps still "
            "being written; it is left out."
        )
        return None
    with gc_paused():
        fold.take([last], whole_lines=False)
        events = fold.events()
    fold.notices.append(
        f"The last event in {fold.path} lacks its line end; it is included (the next write "
        "from ic-console restores the line end)."
    )
    return events


def open_for_review(
    root: Path,
    given: str | None,
    *,
    keep_json: bool = False,
    timeline: bool = True,
    metrics: bool = True,
) -> ReviewSource:
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
    events, state, loaded = load_events(
        directory, keep_json=keep_json, timeline=timeline, metrics=metrics
    )
    notices.extend(loaded)
    return ReviewSource(directory, events, state, notices, read_only_copy=_read_only(directory))


def _is_path(given: str) -> bool:
    return "/" in given or given in (".", "..") or given.startswith("~")


def _is_folder_here(given: str) -> bool:
    return has_log(Path(given))


def _is_incident(root: Path, given: str) -> bool:
    try:
        return has_log(incident_dir(root, given))
    except DomainError:
        return False


def _read_only(directory: Path) -> bool:
    """Whether the files cannot (or are not meant to) be written: no access, or no write bit
    (which also tells a read-only copy apart for root, who may write anyway)."""
    for path in (directory, *log_files(directory)):
        if not os.access(path, os.W_OK) or not path.stat().st_mode & stat.S_IWUSR:
            return True
    return False
