"""Long scribe entries (up to 20,000 characters) on the review's paths (issue 13's incident of
10,000 entries of 20 kB): the postmortem's timeline takes each entry's text about once (it is
read from the log book each time it is asked for), and `ic followups` writes an item at a time,
never the whole list as one text."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import cast

from ic_console.review import document
from ic_console.review import followups as fu
from ic_console.review.postmortem import _entry_batches
from ic_console.review.timeline import EntryKind, TimelineEntry

START = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


class _Counted(TimelineEntry):
    """A timeline entry that counts how often its text is asked for."""

    __slots__ = ("_text", "asked")

    @property
    def text(self) -> str:
        self.asked += 1
        return self._text

    @text.setter
    def text(self, value: str) -> None:
        self._text = value
        self.asked = 0

    _text: str
    asked: int


def _entries(count: int, size: int) -> list[_Counted]:
    return [
        _Counted(
            n,
            START + timedelta(seconds=n),
            START + timedelta(seconds=n),
            None,
            "Sam",
            None,
            EntryKind.NOTE,
            "log.added",
            f"entry {n} " + "x" * size,
            ("Sam",),
        )
        for n in range(count)
    ]


def test_the_timeline_takes_each_long_text_about_once() -> None:
    entries = _entries(3000, 20_000)
    batches = list(_entry_batches(entries))
    # Cut as before: each batch ends with the entry that takes it to the size, or at the row cap.
    flat = [entry for batch, _ in batches for entry in batch]
    assert flat == entries
    for batch, texts in batches:
        assert texts == [cast(_Counted, entry)._text for entry in batch]
        size = sum(map(len, texts))
        assert (
            size >= document.TABLE_CHARS
            or len(batch) == document.TABLE_ROWS
            or batch[-1] is entries[-1]
        )
        assert size - len(texts[-1]) < document.TABLE_CHARS
    asked = sum(entry.asked for entry in entries)
    assert asked <= 1.5 * len(entries), asked  # it was about 20 times over


def test_short_texts_still_come_in_batches_of_the_row_cap() -> None:
    entries = _entries(2500, 10)
    batches = list(_entry_batches(entries))
    assert [len(batch) for batch, _ in batches] == [document.TABLE_ROWS] * 2 + [452]
    assert sum(entry.asked for entry in entries) == len(entries)


def _items(count: int) -> list[fu.FollowupItem]:
    return [
        fu.FollowupItem(
            id=f"F{n}",
            key=f"ic:wide/F{n}",
            incident="wide",
            summary=f"Add an alert {n}",
            description=f"Add an alert {n} " + "lorem ipsum " * 1700,
            owner="sam" if n % 2 else "",
            due=date(2026, 11, 30),
            raised_by="Sam",
            raised_at=START,
            link="file:///incidents/wide",
            tracked=None,
            warnings=("It is long.",) if n % 3 else (),
        )
        for n in range(count)
    ]


class _Sink:
    def __init__(self) -> None:
        self.size = 0
        self.largest = 0

    def write(self, text: str) -> None:
        self.size += len(text)
        self.largest = max(self.largest, len(text))


def test_followups_are_written_an_item_at_a_time() -> None:
    items = _items(300)
    assert json.loads(fu.to_json(items)) == [item.as_json() for item in items]
    assert (
        fu.to_json(items)
        == json.dumps([i.as_json() for i in items], indent=2, ensure_ascii=False) + "\n"
    )
    assert fu.to_json([]) == "[]\n"
    makers: list[Callable[[], Iterator[str]]] = [
        lambda: fu.json_pieces(items),
        lambda: fu.github_pieces(items, repo="acme/ops"),
        lambda: fu.jira_csv_pieces(items),
        lambda: fu.markdown_pieces(items, "Wide"),
    ]
    for pieces in makers:
        sink = _Sink()
        tracemalloc.start()
        try:
            for piece in pieces():
                sink.write(piece)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert sink.largest < 100_000  # one item's text, not the list's
        assert peak < max(sink.size / 4, 1_000_000), (peak, sink.size)
