"""The scribe log held compactly: columns of numbers and one buffer of text, not one object per
entry.

A list of `LogEntry` costs ~360 bytes an entry (the record, two datetimes, two strings, an int):
350 MB for a bot that logged a million alerts. A `LogBook` keeps each field in a column (`array`)
and every text as UTF-8 in one `bytearray`, ~40 bytes an entry plus the text, and builds the
`LogEntry` records when they are asked for (indexing, slicing, iterating). It behaves as the list
did: `append`, `len`, indexing, slicing, iteration both ways, equality with a list of entries.

A book may start with its first `covered` entries not read yet (a state snapshot's, `loader`):
`len()` and `append` never read them, anything that looks at an entry does (once).

Times are kept as microseconds since the epoch (exact: a datetime holds no finer); an instant
whose zone is not UTC (a local offset given with `--at`, or no zone at all) keeps its offset in a
small side table, so every entry comes back as it went in.

One module, though long: the columns, the packed text blocks, the deferred start and the
list protocol all read and write the same private arrays; split, each part would reach into
the others' fields.
"""

from __future__ import annotations

import zlib
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, MutableSequence, Sequence
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from heapq import nlargest
from itertools import accumulate, pairwise, repeat
from typing import Any, SupportsIndex, overload

from ic_console.domain.model import LogKind
from ic_console.domain.records import LogEntry

#: The columns' array type codes, in the order a snapshot stores them (`LogColumns.arrays`):
#: seq, recorded_at, occurred_at (empty while no entry has one), author, kind, where each text
#: ends in the text, the first entry of each packed block of text, each packed block's length.
TYPECODES = ("q", "q", "q", "I", "B", "q", "q", "q")
#: `occurred_at` is None.
NO_TIME = -(1 << 63)
#: The texts are kept in blocks of about this many bytes, each packed (zlib) once full; the
#: block being filled is kept as it is. A scribe log's texts pack to a third or less.
BLOCK = 1 << 16
#: Entries built at a time while iterating.
RUN = 1024
#: A book of at most this many entries keeps them once built (~360 bytes each); a longer one
#: builds them again on every pass, so a million entries never sit in memory as objects.
KEEP_BUILT = 200_000
#: ... and only while their texts come to at most this many bytes: a log of long entries (an
#: export of 10,000 entries of 20 kB) would otherwise hold every text unpacked as well.
KEEP_BUILT_TEXT = 8 << 20
KINDS: tuple[LogKind, ...] = tuple(LogKind)
_KIND_INDEX = {kind: index for index, kind in enumerate(KINDS)}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NAIVE_EPOCH = datetime(1970, 1, 1)
_MICRO = timedelta(microseconds=1)
_ZERO = timedelta(0)


def _is_utc(moment: datetime) -> bool:
    return moment.utcoffset() == _ZERO and moment.tzname() == "UTC"


def _unpack(block: bytes | bytearray | memoryview) -> bytes:
    try:
        return zlib.decompress(block)
    except zlib.error:  # only a snapshot made by hand holds a bad block: its texts read empty
        return b""


def _decoded(raw: bytes | bytearray) -> str:
    try:
        return raw.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:  # only a snapshot made by hand cuts a character in two
        return raw.decode("utf-8", "replace")


class LogColumns:
    """A book's storage, as a snapshot writes and reads it: the columns (`TYPECODES`), the
    packed blocks of text, the block being filled and its first entry, the authors named by the
    author column, and the zones of the instants not in UTC (key `2 * index` for `recorded_at`,
    `2 * index + 1` for `occurred_at`; None for no zone)."""

    __slots__ = ("arrays", "authors", "blocks", "open", "open_first", "zones")

    def __init__(
        self,
        arrays: tuple[array[int], ...],
        blocks: list[bytes | memoryview],
        open_block: bytearray,
        open_first: int,
        authors: list[str],
        zones: dict[int, tzinfo | None],
    ) -> None:
        self.arrays = arrays
        self.blocks = blocks
        self.open = open_block
        self.open_first = open_first
        self.authors = authors
        self.zones = zones


class LogBook(MutableSequence[LogEntry]):
    """The scribe log: a sequence of `LogEntry` kept as columns (see the module)."""

    __slots__ = (
        "_author",
        "_author_index",
        "_authors",
        "_blocks",
        "_built",
        "_cached",
        "_ends",
        "_firsts",
        "_kind",
        "_load",
        "_occurred",
        "_open",
        "_open_first",
        "_packed",
        "_recorded",
        "_seq",
        "_utc",
        "_zones",
        "covered",
        "covered_followups",
        "covered_recent",
    )

    __hash__ = None  # type: ignore[assignment]  # mutable, like the list it replaces

    def __init__(self, entries: Iterable[LogEntry] = ()) -> None:
        self._clear()
        self._load: Callable[[], Iterable[LogEntry]] | None = None
        #: Entries at the start not read yet (0 once read), with their follow-ups counted and
        #: the latest of them by when they happened (with their index), known beforehand.
        self.covered = 0
        self.covered_followups = 0
        self.covered_recent: list[tuple[int, LogEntry]] = []
        for entry in entries:
            self.append(entry)

    def _clear(self) -> None:
        self._seq: array[int] = array("q")
        self._recorded: array[int] = array("q")
        self._occurred: array[int] = array("q")
        self._author: array[int] = array("I")
        self._kind: array[int] = array("B")
        self._ends: array[int] = array("q")
        #: The first entry of each packed block, and each block's packed length.
        self._firsts: array[int] = array("q")
        self._packed: array[int] = array("q")
        self._blocks: list[bytes | memoryview] = []
        self._open = bytearray()
        self._open_first = 0
        #: The last block unpacked: (its index, its bytes).
        self._cached: tuple[int, bytes] = (-1, b"")
        #: Every entry built, once something went through them all, while the book holds at
        #: most `KEEP_BUILT` entries: a review goes through the log several times.
        self._built: list[LogEntry] | None = None
        self._authors: list[str] = []
        self._author_index: dict[str, int] = {}
        self._zones: dict[int, tzinfo | None] = {}
        #: The last zone object seen to be UTC (the reader's parser shares one).
        self._utc: object = UTC

    # -- a book whose first entries are read later ---------------------------------------------

    def _defer(
        self,
        load: Callable[[], Iterable[LogEntry]],
        covered: int,
        followups: int,
        recent: list[tuple[int, LogEntry]],
    ) -> None:
        self._load = load
        self.covered = covered
        self.covered_followups = followups
        self.covered_recent = recent

    @property
    def loaded(self) -> bool:
        """True once every entry is held (always, for a book not started from a snapshot)."""
        return self._load is None

    def _materialise(self) -> None:
        load = self._load
        if load is None:
            return
        self._load = None
        loaded = load()
        head = loaded if isinstance(loaded, LogBook) else LogBook(loaded)
        head._materialise()
        head._extend_book(self)
        self._adopt(head)

    def _adopt(self, other: LogBook) -> None:
        """Take over `other`'s storage (copies of its columns when `copy`)."""
        for name in _STORAGE:
            setattr(self, name, getattr(other, name))
        self._built = None

    def _copy_from(self, other: LogBook) -> None:
        self._adopt(other)
        for name in ("_seq", "_recorded", "_occurred", "_author", "_kind", "_ends", "_firsts"):
            setattr(self, name, array(getattr(other, name).typecode, getattr(other, name)))
        self._packed = array("q", other._packed)
        self._blocks = list(other._blocks)
        self._open = bytearray(other._open)
        self._authors = list(other._authors)
        self._author_index = dict(other._author_index)
        self._zones = dict(other._zones)

    def _extend_book(self, other: LogBook) -> None:
        """Append every entry `other` holds in its own columns (not those it has not read)."""
        for entry in other._entries(0, len(other._seq)):
            self.append(entry)

    def appended_since(self, start: int) -> Iterator[LogEntry]:
        """The entries from index `start` on, reading no covered entry when `start` is past them."""
        if self._load is not None and start >= self.covered:
            return self._entries(start - self.covered, len(self._seq))
        self._materialise()
        return self._entries(max(0, start), len(self._seq))

    def count_kind(self, kind: LogKind, start: int = 0) -> int:
        """How many entries from index `start` on are of `kind` (no entry built)."""
        if self._load is not None and start >= self.covered:
            start -= self.covered
        else:
            self._materialise()
        code = _KIND_INDEX[kind]
        return self._kind.count(code) if start <= 0 else self._kind[start:].count(code)

    def last_of_kind(self, kind: LogKind) -> LogEntry | None:
        """The last entry in log order of `kind` (None when there is none), found in the kind
        column: one entry built, however long the log (the glance's latest status)."""
        code = _KIND_INDEX[kind]
        if self._load is not None:
            at = self._kind.tobytes().rfind(bytes([code]))
            if at >= 0:
                return self._entry(at)
            self._materialise()
        at = self._kind.tobytes().rfind(bytes([code]))
        return self._entry(at) if at >= 0 else None

    def latest(self, count: int) -> list[tuple[int, LogEntry]]:
        """The `count` entries that happened last, with their index, in the order a stable sort
        by `when` puts them (ties in log order)."""
        if count <= 0:
            return []
        recent = self.covered_recent
        if self._load is not None and (count <= len(recent) or len(recent) == self.covered):
            covered = self.covered
            pool = sorted(self.covered_recent, key=lambda pair: pair[0])
            pool += ((covered + i, e) for i, e in enumerate(self.appended_since(covered)))
            ranked = nlargest(count, pool, key=lambda pair: (pair[1].when, pair[0]))
            ranked.reverse()
            return ranked
        self._materialise()
        occurred, recorded = self._occurred, self._recorded
        whens: Iterable[int] = (
            recorded
            if occurred.count(NO_TIME) == len(occurred)
            else (r if o == NO_TIME else o for o, r in zip(occurred, recorded, strict=True))
        )
        top = nlargest(count, zip(whens, range(len(recorded)), strict=False))
        top.reverse()
        return [(index, self._entry(index)) for _, index in top]

    # -- storing --------------------------------------------------------------------------------

    def _author_of(self, name: str) -> int:
        index = self._author_index.get(name)
        if index is None:
            index = self._author_index[name] = len(self._authors)
            self._authors.append(name)
        return index

    def _micros(self, moment: datetime, key: int) -> int:
        zone = moment.tzinfo
        if zone is self._utc or zone is UTC:
            return (moment - _EPOCH) // _MICRO
        if zone is None:
            self._zones[key] = None
            return (moment - _NAIVE_EPOCH) // _MICRO
        if _is_utc(moment):
            self._utc = zone
        else:
            self._zones[key] = timezone(moment.utcoffset() or _ZERO)
        return (moment - _EPOCH) // _MICRO

    def append(self, value: LogEntry) -> None:
        self.add(
            value.seq, value.recorded_at, value.author, value.kind, value.text, value.occurred_at
        )

    def add(
        self,
        seq: int,
        recorded_at: datetime,
        author: str,
        kind: LogKind,
        text: str,
        occurred_at: datetime | None = None,
    ) -> None:
        """Append the entry of these fields (no `LogEntry` built)."""
        index = len(self._seq)
        self._seq.append(seq)
        self._recorded.append(self._micros(recorded_at, 2 * index))
        occurred = self._occurred
        if occurred_at is not None:
            if len(occurred) < index:  # the first entry with one: the column starts now
                occurred.extend(array("q", [NO_TIME]) * (index - len(occurred)))
            occurred.append(self._micros(occurred_at, 2 * index + 1))
        elif occurred:
            occurred.append(NO_TIME)
        author_index = self._author_index.get(author)
        self._author.append(self._author_of(author) if author_index is None else author_index)
        self._kind.append(_KIND_INDEX[kind])
        encoded = text.encode("utf-8", "surrogatepass")
        self._open += encoded
        ends = self._ends
        ends.append((ends[-1] if index else 0) + len(encoded))
        if len(self._open) >= BLOCK:
            self._close_block(index + 1)
        built = self._built
        if built is not None:
            if index < KEEP_BUILT and ends[-1] <= KEEP_BUILT_TEXT:
                built.append(LogEntry(seq, recorded_at, author, kind, text, occurred_at))
            else:
                self._built = None

    def add_run(
        self,
        seqs: Sequence[int],
        recorded: Sequence[datetime],
        authors: Sequence[str],
        kinds: Sequence[LogKind],
        texts: Sequence[str],
        occurred: Sequence[datetime | None],
    ) -> None:
        """Append the entries of these columns (one per index), exactly as `add` one by one
        would: each column extended in one go, for the fold of a long log. A run with an
        instant not in UTC, or a book keeping built entries, goes one by one."""
        if not seqs:
            return
        zone = recorded[0].tzinfo
        if zone is not None and zone is not self._utc and _is_utc(recorded[0]):
            self._utc = zone  # the reader's parser shares one zone object a batch
        utc = self._utc
        if self._built is not None or not all(
            moment.tzinfo is utc or moment.tzinfo is UTC for moment in recorded
        ):
            for entry in zip(seqs, recorded, authors, kinds, texts, occurred, strict=True):
                self.add(*entry)
            return
        column = self._occurred
        has_occurred = occurred.count(None) != len(occurred)
        if has_occurred and not all(
            moment is None or moment.tzinfo is utc or moment.tzinfo is UTC for moment in occurred
        ):
            for entry in zip(seqs, recorded, authors, kinds, texts, occurred, strict=True):
                self.add(*entry)
            return
        start = len(self._seq)
        epoch, micro = _EPOCH, _MICRO
        self._seq.extend(seqs)
        self._recorded.extend([(moment - epoch) // micro for moment in recorded])
        if has_occurred:
            if len(column) < start:  # the first entry with one: the column starts now
                column.extend(array("q", [NO_TIME]) * (start - len(column)))
            column.extend(
                [NO_TIME if moment is None else (moment - epoch) // micro for moment in occurred]
            )
        elif column:
            column.extend(array("q", [NO_TIME]) * len(occurred))
        index = self._author_index
        for name in authors:
            if name not in index:
                self._author_of(name)
        self._author.extend([index[name] for name in authors])
        self._kind.extend([_KIND_INDEX[kind] for kind in kinds])
        encoded = [text.encode("utf-8", "surrogatepass") for text in texts]
        ends = self._ends
        ends.extend(accumulate(map(len, encoded), initial=ends[-1] if start else 0))
        del ends[start]  # the initial value
        # The blocks close where `add` would close them: after the entry that fills one.
        done = start
        stop = len(ends)
        while done < stop:
            first = self._open_first
            base = ends[first - 1] if first else 0
            full = bisect_left(ends, base + BLOCK, done, stop)
            if full == stop:
                self._open += b"".join(encoded[done - start :])
                break
            self._open += b"".join(encoded[done - start : full + 1 - start])
            self._close_block(full + 1)
            done = full + 1

    def _close_block(self, next_first: int) -> None:
        """Pack the open block (entries up to `next_first`) and open the next one."""
        self._blocks.append(zlib.compress(self._open, 1))
        self._packed.append(len(self._blocks[-1]))
        self._firsts.append(self._open_first)
        self._open = bytearray()
        self._open_first = next_first

    # -- reading --------------------------------------------------------------------------------

    def _time(self, micros: int, key: int) -> datetime:
        if key in self._zones:
            zone = self._zones[key]
            if zone is None:
                return _NAIVE_EPOCH + timedelta(microseconds=micros)
            return (_EPOCH + timedelta(microseconds=micros)).astimezone(zone)
        return _EPOCH + timedelta(microseconds=micros)

    def _entry(self, index: int) -> LogEntry:
        """The entry at `index` of the columns held (past any not read)."""
        occurred = self._occurred[index] if self._occurred else NO_TIME
        if self._zones:
            recorded_at = self._time(self._recorded[index], 2 * index)
            occurred_at = None if occurred == NO_TIME else self._time(occurred, 2 * index + 1)
        else:
            recorded_at = _EPOCH + timedelta(microseconds=self._recorded[index])
            occurred_at = None if occurred == NO_TIME else _EPOCH + timedelta(microseconds=occurred)
        text = _decoded(self._text_bytes(index))
        return LogEntry(
            self._seq[index],
            recorded_at,
            self._authors[self._author[index]],
            KINDS[self._kind[index]],
            text,
            occurred_at,
        )

    def _block_of(self, index: int) -> tuple[bytes | bytearray, int]:
        """The block of text holding entry `index`'s text (unpacked, the last one cached) and
        where it starts in the whole text."""
        ends = self._ends
        first = self._open_first
        if index >= first:
            return self._open, (ends[first - 1] if first else 0)
        number = bisect_right(self._firsts, index) - 1
        first = self._firsts[number]
        cached, block = self._cached
        if cached != number:
            block = _unpack(self._blocks[number])
            self._cached = (number, block)
        return block, (ends[first - 1] if first else 0)

    def _text_bytes(self, index: int) -> bytes | bytearray:
        """The UTF-8 of the text of the entry at `index`."""
        block, base = self._block_of(index)
        ends = self._ends
        start = ends[index - 1] if index else 0
        return block[start - base : ends[index] - base]

    def _entries(self, start: int, stop: int, step: int = 1) -> Iterator[LogEntry]:
        """The entries from `start` to `stop` (by `step`); forwards a block of text at a time."""
        if step != 1:
            entry = self._entry
            for index in range(start, stop, step):
                yield entry(index)
            return
        while start < stop:
            upto = min(stop, self._block_stop(start), start + RUN)
            yield from self._run(start, upto)
            start = upto

    def _backwards(self) -> Iterator[LogEntry]:
        stop = len(self._seq)
        while stop > 0:
            last = stop - 1
            if last >= self._open_first:
                start = self._open_first
            else:
                start = self._firsts[bisect_right(self._firsts, last) - 1]
            start = max(start, stop - RUN)
            yield from reversed(self._run(start, stop))
            stop = start

    def _block_stop(self, index: int) -> int:
        """The index after the last entry of the block of text that holds entry `index`."""
        if index >= self._open_first:
            return len(self._seq)
        number = bisect_right(self._firsts, index)
        return self._firsts[number] if number < len(self._firsts) else self._open_first

    def _run(self, start: int, stop: int) -> list[LogEntry]:
        """The entries from `start` to `stop`, all of one block of text, built in one go."""
        if self._zones:
            return [self._entry(index) for index in range(start, stop)]
        ends = self._ends
        block, block_base = self._block_of(start)
        base = ends[start - 1] if start else 0
        authors, kinds, epoch, span = self._authors, KINDS, _EPOCH, timedelta
        texts: Iterable[str]
        part = block[base - block_base : ends[stop - 1] - block_base]
        if part.isascii():  # sliced by byte offsets as they are
            whole = part.decode("ascii")
            texts = (
                whole[a - base : b - base]
                for a, b in zip(
                    array("q", [base]) + ends[start : stop - 1], ends[start:stop], strict=True
                )
            )
        else:
            texts = [_decoded(self._text_bytes(index)) for index in range(start, stop)]
        occurred: Iterable[int] = (
            self._occurred[start:stop] if self._occurred else repeat(NO_TIME, stop - start)
        )
        return [
            LogEntry(
                seq,
                epoch + span(microseconds=recorded),
                authors[author],
                kinds[kind],
                text,
                None if when == NO_TIME else epoch + span(microseconds=when),
            )
            for seq, recorded, author, kind, text, when in zip(
                self._seq[start:stop],
                self._recorded[start:stop],
                self._author[start:stop],
                self._kind[start:stop],
                texts,
                occurred,
                strict=True,
            )
        ]

    def text_at(self, index: int, seq: int) -> str | None:
        """The text of the entry at `index` when its seq is `seq` (None otherwise): a reader
        that keeps long texts by their place in the book, not as strings of its own."""
        self._materialise()
        if not 0 <= index < len(self._seq) or self._seq[index] != seq:
            return None
        return _decoded(self._text_bytes(index))

    def __len__(self) -> int:
        return len(self._seq) + (self.covered if self._load is not None else 0)

    def __bool__(self) -> bool:
        return len(self) > 0

    def __iter__(self) -> Iterator[LogEntry]:
        self._materialise()
        built = self._built
        if (
            built is None
            and len(self._seq) <= KEEP_BUILT
            and self._text_bytes_total() <= KEEP_BUILT_TEXT
        ):
            built = self._built = list(self._entries(0, len(self._seq)))
        return iter(built) if built is not None else self._entries(0, len(self._seq))

    def _text_bytes_total(self) -> int:
        return self._ends[-1] if self._ends else 0

    def __reversed__(self) -> Iterator[LogEntry]:
        self._materialise()
        return reversed(self._built) if self._built is not None else self._backwards()

    @overload
    def __getitem__(self, index: SupportsIndex) -> LogEntry: ...
    @overload
    def __getitem__(self, index: slice) -> list[LogEntry]: ...
    def __getitem__(self, index: SupportsIndex | slice) -> LogEntry | list[LogEntry]:
        self._materialise()
        if self._built is not None:
            return self._built[index]
        if isinstance(index, slice):
            return list(self._entries(*index.indices(len(self._seq))))
        position = index.__index__()
        size = len(self._seq)
        if position < 0:
            position += size
        if not 0 <= position < size:
            raise IndexError("log index out of range")
        return self._entry(position)

    def _rebuild(self, entries: list[LogEntry]) -> None:
        self._clear()
        for entry in entries:
            self.append(entry)

    @overload
    def __setitem__(self, index: SupportsIndex, value: LogEntry) -> None: ...
    @overload
    def __setitem__(self, index: slice, value: Iterable[LogEntry]) -> None: ...
    def __setitem__(self, index: Any, value: Any) -> None:
        entries = list(self)
        entries[index] = value
        self._rebuild(entries)

    def __delitem__(self, index: SupportsIndex | slice) -> None:
        entries = list(self)
        del entries[index]
        self._rebuild(entries)

    def insert(self, index: int, value: LogEntry) -> None:
        if index >= len(self) and self._load is None:
            self.append(value)
            return
        entries = list(self)
        entries.insert(index, value)
        self._rebuild(entries)

    def truncate(self, size: int) -> None:
        """Keep the first `size` entries, building none: the same entries, and the same
        storage, as a book that had only those appended (a merged fold rewound to a mark that
        it took earlier: `store.reader`)."""
        if size < 0:
            raise ValueError("a log book cannot be cut to fewer than no entries")
        if size >= len(self):
            return
        self._materialise()
        ends = self._ends
        text_end = ends[size - 1] if size else 0
        first = self._open_first
        if size >= first:
            base = ends[first - 1] if first else 0
            del self._open[text_end - base :]
        else:
            # The cut falls in a packed block: it is open again, holding the texts kept.
            number = bisect_right(self._firsts, size) - 1
            first = self._firsts[number]
            base = ends[first - 1] if first else 0
            self._open = bytearray(_unpack(self._blocks[number])[: text_end - base])
            self._open_first = first
            del self._firsts[number:], self._packed[number:], self._blocks[number:]
        for column in (self._seq, self._recorded, self._author, self._kind, ends):
            del column[size:]
        occurred = self._occurred
        del occurred[size:]
        if occurred and occurred.count(NO_TIME) == len(occurred):
            del occurred[:]  # no entry kept has one: `add` had not started the column
        self._zones = {key: zone for key, zone in self._zones.items() if key < 2 * size}
        # Authors are numbered as they first appear: those of the entries kept come first.
        named = max(self._author) + 1 if size else 0
        if named < len(self._authors):
            del self._authors[named:]
            self._author_index = {name: index for index, name in enumerate(self._authors)}
        self._cached = (-1, b"")
        if self._built is not None:
            del self._built[size:]

    def clear(self) -> None:
        self._load = None
        self.covered = self.covered_followups = 0
        self.covered_recent = []
        self._clear()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LogBook | list | tuple):
            return NotImplemented
        if isinstance(other, tuple):
            return False  # as a list is never equal to a tuple
        if len(self) != len(other):
            return False
        return all(a == b for a, b in zip(self, other, strict=True))

    def __repr__(self) -> str:
        return f"LogBook({list(self)!r})"

    def __add__(self, other: Sequence[LogEntry]) -> list[LogEntry]:
        return [*self, *other]

    def __radd__(self, other: Sequence[LogEntry]) -> list[LogEntry]:
        return [*other, *self]

    def copy(self) -> LogBook:
        self._materialise()
        twin = LogBook()
        twin._copy_from(self)
        return twin

    def __copy__(self) -> LogBook:
        return self.copy()

    def __deepcopy__(self, memo: dict[int, Any]) -> LogBook:
        return self.copy()  # the entries are built afresh on every read: nothing is shared

    def __reduce__(self) -> tuple[Any, ...]:
        return (LogBook, (list(self),))

    # -- the raw columns, for the snapshot -------------------------------------------------------

    def columns(self) -> LogColumns:
        """The storage as it stands, every entry read (shared, not copied: do not change it)."""
        self._materialise()
        arrays = (
            self._seq,
            self._recorded,
            self._occurred,
            self._author,
            self._kind,
            self._ends,
            self._firsts,
            self._packed,
        )
        return LogColumns(
            arrays, self._blocks, self._open, self._open_first, self._authors, self._zones
        )

    @classmethod
    def from_columns(cls, columns: LogColumns) -> LogBook:
        """The book of `columns`, checked so that reading any entry cannot fail: the columns
        as long as each other, the indexes within their tables, the blocks where the texts'
        ends say. Raises `ValueError` otherwise (a packed block found bad later reads empty)."""
        arrays = columns.arrays
        if len(arrays) != len(TYPECODES) or any(
            a.typecode != code for a, code in zip(arrays, TYPECODES, strict=True)
        ):
            raise ValueError("the log's columns are not of the expected types")
        seq, recorded, occurred, author, kind, ends, firsts, packed = arrays
        size = len(seq)
        if any(len(a) != size for a in (recorded, author, kind, ends)) or len(occurred) not in (
            0,
            size,
        ):
            raise ValueError("the log's columns are not as long as each other")
        if size and (max(author) >= len(columns.authors) or max(kind) >= len(KINDS)):
            raise ValueError("the log names an author or a kind it does not hold")
        if len(firsts) != len(packed) or len(packed) != len(columns.blocks):
            raise ValueError("the log's blocks of text are not all listed")
        if any(len(b) != n for b, n in zip(columns.blocks, packed, strict=True)):
            raise ValueError("the log's blocks of text are not as long as listed")
        bounds = [*firsts, columns.open_first]
        if (firsts and firsts[0] != 0) or any(a >= b for a, b in pairwise(bounds)):
            raise ValueError("the log's blocks of text are not in order")
        first = columns.open_first
        if not 0 <= first <= size or (not firsts and first != 0):
            raise ValueError("the log's open block of text is out of place")
        base = ends[first - 1] if first else 0
        if len(columns.open) != (ends[-1] if size else 0) - base:
            raise ValueError("the log's texts do not end where its text does")
        columns.open.decode("utf-8", "surrogatepass")  # raises UnicodeDecodeError (a ValueError)
        for key in columns.zones:
            if not 0 <= key < 2 * size:
                raise ValueError("the log's zones name an entry it does not hold")
        book = cls()
        book._seq, book._recorded, book._occurred = seq, recorded, occurred
        book._author, book._kind, book._ends = author, kind, ends
        book._firsts, book._packed = firsts, packed
        book._blocks, book._open, book._open_first = columns.blocks, columns.open, first
        book._authors = list(columns.authors)
        book._author_index = {name: index for index, name in enumerate(book._authors)}
        book._zones = dict(columns.zones)
        return book

    def up_to_seq(self, seq: int) -> LogBook:
        """The entries whose seq is at most `seq`, as a new book."""
        return LogBook(entry for entry in self if entry.seq <= seq)


#: What a book's storage is made of (`LogBook._adopt`).
_STORAGE = (
    "_seq",
    "_recorded",
    "_occurred",
    "_author",
    "_kind",
    "_ends",
    "_firsts",
    "_packed",
    "_blocks",
    "_open",
    "_open_first",
    "_cached",
    "_authors",
    "_author_index",
    "_zones",
    "_utc",
)
