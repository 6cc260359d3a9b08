"""The timeline worked forwards: every event in words, ordered by when it happened.

A scribe entry may carry an `occurred_at` earlier than the moment it was recorded (something
noticed late). The timeline sorts by when things happened and keeps both times, so the
postmortem can say what the team did not know at the time.

An entry holds its text, except a long scribe text (`LONG_TEXT`), which it reads from the log
book of the fold that took its event in when asked: the book keeps every text packed, and a
review of long entries would otherwise hold each of them twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from operator import attrgetter

from ic_console.domain import events as ev
from ic_console.domain.describe import Narrator
from ic_console.domain.logbook import LogBook
from ic_console.domain.merge import FastClocks, notices_by_event
from ic_console.domain.model import LogKind, Role
from ic_console.domain.state import IncidentState
from ic_console.review.digest import ReviewEvents


class EntryKind(StrEnum):
    """What an entry is about; the review filters on these."""

    INCIDENT = "incident"
    SEVERITY = "severity"
    PHASE = "phase"
    PEOPLE = "people"
    ROLE = "role"
    TASK = "task"
    DECISION = "decision"
    NOTE = "note"
    ACTION = "action"
    STATUS = "status"
    FOLLOWUP = "followup"
    UPDATE = "update"
    CHECKLIST = "checklist"
    TEAM = "team"
    EXIT = "exit"
    #: What merging two laptops' logs changed: an event kept that changed nothing, a task
    #: renumbered, a laptop's clock running fast (`domain.merge`).
    MERGE = "merge"


_LOG_KINDS = {
    LogKind.NOTE: EntryKind.NOTE,
    LogKind.ACTION: EntryKind.ACTION,
    LogKind.STATUS: EntryKind.STATUS,
    LogKind.FOLLOWUP: EntryKind.FOLLOWUP,
}

#: Each kind by its name (a describer's category), looked up without the enum's call.
_CATEGORIES: dict[str, EntryKind] = {kind.value: kind for kind in EntryKind}

#: The kinds a reader can jump between: the turning points of an incident.
MARKER_KINDS = (EntryKind.SEVERITY, EntryKind.PHASE, EntryKind.ROLE)


@dataclass(slots=True, eq=False)
class TimelineEntry:
    seq: int
    #: When it happened: the log entry's occurred_at, else when it was recorded.
    when: datetime
    recorded_at: datetime
    #: Set only when the entry was recorded at a different time than it happened.
    occurred_at: datetime | None
    actor: str
    role: Role | None
    kind: EntryKind
    type: str
    text: str
    #: Everyone the entry concerns: who recorded it and who it names.
    people: tuple[str, ...]

    @property
    def recorded_late(self) -> timedelta | None:
        """How long after it happened this was recorded, when that differs."""
        if self.occurred_at is None:
            return None
        return self.recorded_at - self.occurred_at

    def _fields(self) -> tuple[object, ...]:
        return (
            self.seq,
            self.when,
            self.recorded_at,
            self.occurred_at,
            self.actor,
            self.role,
            self.kind,
            self.type,
            self.text,
            self.people,
        )

    def __eq__(self, other: object) -> bool:
        # Field by field, whether the text is held or read from the log (`_BookText`).
        if not isinstance(other, TimelineEntry):
            return NotImplemented
        return self._fields() == other._fields()


#: A scribe entry's text at least this long is read from the log book when asked, not held by
#: the timeline as well: 10,000 entries of 20 kB held twice pushed a review past 300 MB.
LONG_TEXT = 1024


class _BookText(TimelineEntry):
    """A timeline entry whose (long) text is the scribe log's, read from the log book each time
    it is asked for (the book packs its texts; the state the review folded never changes)."""

    __slots__ = ("_at", "_book")

    _book: LogBook | None
    _at: int | str

    @property
    def text(self) -> str:
        book, at = self._book, self._at
        if book is None or isinstance(at, str):
            return str(at)
        text = book.text_at(at, self.seq)
        return "" if text is None else text  # only a book changed since (never in a review)

    @text.setter
    def text(self, value: str) -> None:
        self._book = None
        self._at = value


class TimelineBuilder:
    """Builds the timeline batch by batch, so a long log never has to be held as events: each
    batch can be dropped once it is added. The entries share their strings and times with the
    events; an actor's one-name `people` tuple is made once and shared."""

    def __init__(self) -> None:
        self._narrator = Narrator()
        self._entries: list[TimelineEntry] = []
        self._alone: dict[str, tuple[str, ...]] = {}
        self._fast = FastClocks()
        self._noticed: set[tuple[str, str]] = set()
        #: Scribe entries seen so far: the index in the fold's log book of the next one.
        self._logged = 0
        #: Everyone an entry concerns, by its actor and the people its words name: made once.
        self._together: dict[tuple[str, tuple[str, ...]], tuple[str, ...]] = {}

    def add(self, events: Iterable[ev.Event], state: IncidentState | None = None) -> None:
        """Add a batch; `state` is the fold that has taken it in, whose merge notices about
        these events become entries beside them (once each), and whose log book holds the
        long texts the entries read when asked (`_BookText`)."""
        batch = events if isinstance(events, list) else list(events)
        log = state.log if state is not None else None
        self._add(batch, log if isinstance(log, LogBook) and log.loaded else None)
        self._add_merge(batch, state)

    def _add_merge(self, events: list[ev.Event], state: IncidentState | None) -> None:
        about = notices_by_event(state) if state is not None and state.merge_notices else {}
        see = self._fast.see
        for event in events:
            if event.hlc is None and not about:
                continue
            texts = list(about.get(event.id, ()))
            fast = see(event)
            if fast is not None:
                texts.append(fast)
            for text in texts:
                if (event.id, text) in self._noticed:
                    continue
                self._noticed.add((event.id, text))
                self._entries.append(
                    TimelineEntry(
                        event.seq,
                        event.at,
                        event.at,
                        None,
                        event.actor,
                        event.role,
                        EntryKind.MERGE,
                        "merge.notice",
                        text,
                        (event.actor,),
                    )
                )

    def _add(self, events: Iterable[ev.Event], book: LogBook | None) -> None:
        describe = self._narrator.describe
        alone = self._alone
        append = self._entries.append
        log_kinds = _LOG_KINDS
        categories = _CATEGORIES
        together = self._together
        logged = self._logged
        for event in events:
            data = event.data
            actor = event.actor
            recorded = event.at
            people = alone.get(actor)
            if people is None:
                people = alone[actor] = (actor,)
            actor = people[0]  # one string per name, shared by its entries (each event has its own)
            if type(data) is ev.LogEntryAdded:  # most of any log: the short way
                occurred = data.occurred_at
                if occurred == recorded:
                    occurred = None
                text = data.text
                entry = TimelineEntry(
                    event.seq,
                    occurred or recorded,
                    recorded,
                    occurred,
                    actor,
                    event.role,
                    log_kinds[data.kind],
                    data.type,
                    text,
                    people,
                )
                if len(text) >= LONG_TEXT and book is not None:
                    entry = _by_book(entry, book, logged)
                logged += 1
                append(entry)
                continue
            words = describe(data)
            named = words.people
            if named:
                key = (actor, named)
                people = together.get(key) or together.setdefault(
                    key, tuple(dict.fromkeys((actor, *filter(None, named))))
                )
            append(
                TimelineEntry(
                    event.seq,
                    recorded,
                    recorded,
                    None,
                    actor,
                    event.role,
                    categories[words.category],
                    data.type,
                    words.long,
                    people,
                )
            )

        self._logged = logged

    def finish(self) -> list[TimelineEntry]:
        """The entries ordered by when they happened (log order breaks ties)."""
        entries = self._entries
        entries.sort(key=attrgetter("when"))  # stable: log order breaks ties
        return entries


def _by_book(entry: TimelineEntry, book: LogBook, index: int) -> TimelineEntry:
    """`entry` reading its text from `book` (at `index`), when the book holds that very text
    there; else `entry` as it is."""
    if book.text_at(index, entry.seq) != entry.text:
        return entry
    lazy = _BookText(
        entry.seq,
        entry.when,
        entry.recorded_at,
        entry.occurred_at,
        entry.actor,
        entry.role,
        entry.kind,
        entry.type,
        "",
        entry.people,
    )
    lazy._book = book
    lazy._at = index
    return lazy


def build_timeline(
    events: Iterable[ev.Event], state: IncidentState | None = None
) -> list[TimelineEntry]:
    """Every event as a timeline entry, ordered by when it happened (log order breaks ties),
    with the merge notices of `state` (the fold of these events) beside their events."""
    if isinstance(events, ReviewEvents) and events.timeline is not None:
        return events.timeline  # built as the log was read (the review never changes it)
    builder = TimelineBuilder()
    builder.add(events, state)
    return builder.finish()


def filter_timeline(
    entries: Sequence[TimelineEntry],
    *,
    kinds: Iterable[EntryKind] | None = None,
    person: str | None = None,
    text: str | None = None,
) -> list[TimelineEntry]:
    """The entries of the given kinds, concerning `person`, containing `text` (any case)."""
    wanted = frozenset(kinds) if kinds is not None else None
    who = person.casefold() if person else None
    needle = text.casefold() if text else None
    return [
        entry
        for entry in entries
        if (wanted is None or entry.kind in wanted)
        and (who is None or any(name.casefold() == who for name in entry.people))
        and (needle is None or needle in entry.text.casefold() or needle in entry.actor.casefold())
    ]


def people_in(entries: Iterable[TimelineEntry]) -> list[str]:
    """Everyone named in the timeline, in order of first appearance."""
    seen: dict[str, None] = {}
    for entry in entries:
        for name in entry.people:
            seen.setdefault(name, None)
    return list(seen)


def next_marker(
    entries: Sequence[TimelineEntry], position: int, kind: EntryKind, *, backwards: bool = False
) -> int | None:
    """The index of the next (or previous) entry of `kind` after `position`, or None."""
    indices = range(position - 1, -1, -1) if backwards else range(position + 1, len(entries))
    for index in indices:
        if entries[index].kind is kind:
            return index
    return None
