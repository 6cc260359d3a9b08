"""Long lists cut into batches by count and by size, for the exports and the checks.

Every writer that handles many entries (the JSON export's arrays, the tables of md and html,
the blameless check's searches) takes them a batch at a time: at most `most` of them, and the
batch ends with the entry whose size takes it to `chars`, so entries of 20 kB are never held
thousands at once and entries of a few bytes are not handled one call each.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import accumulate
from typing import TypeVar, cast

_T = TypeVar("_T")


def sized_batches(
    items: Sequence[_T], sizes: Iterable[int], most: int, chars: int
) -> Iterator[Sequence[_T]]:
    """`items` a batch at a time, `sizes` giving each item's size in order. The running sums
    are made once, in C, and each cut found by bisection (not a step of Python per item)."""
    ends = list(accumulate(sizes))
    last = len(items) - 1
    start = 0
    base = 0
    while start <= last:
        # The first item whose batch reaches `chars`, or the `most`-th, or the last.
        end = min(bisect_left(ends, base + chars, start), start + most - 1, last)
        yield items[start : end + 1]
        base = ends[end]
        start = end + 1


def text_batches(
    items: Iterable[_T], text: Callable[[_T], str], most: int, chars: int
) -> Iterator[list[_T]]:
    """`items` a batch at a time, sized by the length of `text` of each. Any iterable: a log
    book builds its entries as they are asked for, and none is held after its batch."""
    if isinstance(items, list):
        # A list's slices are lists: no copy.
        yield from cast(
            Iterator[list[_T]], sized_batches(items, map(len, map(text, items)), most, chars)
        )
        return
    batch: list[_T] = []
    size = 0
    for item in items:
        batch.append(item)
        size += len(text(item))
        if len(batch) >= most or size >= chars:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch
