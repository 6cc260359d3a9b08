"""The scribe log of a state snapshot, whose covered entries are read only when first needed."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, SupportsIndex, overload

from ic_console.domain.state import LogEntry


class LazyLog(list[LogEntry]):
    """The scribe log of a snapshot: entries appended after it are kept at once, the entries
    it covers are read only when something looks at them (iterating, indexing, sorting...).

    `len()` and `append` never read them: `ic log` folds its event and rewrites the summary
    (which counts entries and follow-ups) without building every entry of a long incident.
    """

    def __init__(
        self,
        load: Callable[[], list[LogEntry]],
        covered: int,
        followups: int,
        recent: list[tuple[int, LogEntry]],
    ) -> None:
        super().__init__()
        self._load: Callable[[], list[LogEntry]] | None = load
        self.covered = covered
        self.covered_followups = followups
        #: The covered entries latest by the time they happened, with their index.
        self.covered_recent = recent

    @property
    def loaded(self) -> bool:
        return self._load is None

    def _materialise(self) -> None:
        load = self._load
        if load is not None:
            self._load = None
            super().__setitem__(slice(0, 0), load())

    def appended_since(self, start: int) -> Iterator[LogEntry]:
        """The entries from index `start` on, reading no covered entry when `start` is past them."""
        if self._load is not None and start >= self.covered:
            return iter(super().__getitem__(slice(start - self.covered, None)))
        self._materialise()
        return iter(super().__getitem__(slice(start, None)))

    def __len__(self) -> int:
        return super().__len__() + (self.covered if self._load is not None else 0)

    def __bool__(self) -> bool:
        return len(self) > 0

    def __iter__(self) -> Iterator[LogEntry]:
        self._materialise()
        return super().__iter__()

    def __reversed__(self) -> Iterator[LogEntry]:
        self._materialise()
        return super().__reversed__()

    def __contains__(self, item: object) -> bool:
        self._materialise()
        return super().__contains__(item)

    @overload
    def __getitem__(self, index: SupportsIndex) -> LogEntry: ...
    @overload
    def __getitem__(self, index: slice) -> list[LogEntry]: ...
    def __getitem__(self, index: SupportsIndex | slice) -> LogEntry | list[LogEntry]:
        self._materialise()
        return super().__getitem__(index)

    def __setitem__(self, index: Any, value: Any) -> None:
        self._materialise()
        super().__setitem__(index, value)

    def __delitem__(self, index: SupportsIndex | slice) -> None:
        self._materialise()
        super().__delitem__(index)

    def __eq__(self, other: object) -> bool:
        self._materialise()
        return super().__eq__(other)

    def __repr__(self) -> str:
        self._materialise()
        return super().__repr__()

    def __add__(self, other: Any) -> Any:
        self._materialise()
        return list(super().__iter__()) + list(other)

    def __iadd__(self, other: Iterable[LogEntry]) -> Any:  # type: ignore[misc,override]
        super().extend(other)
        return self

    def copy(self) -> list[LogEntry]:
        self._materialise()
        return super().copy()

    def insert(self, index: SupportsIndex, value: LogEntry) -> None:
        self._materialise()
        super().insert(index, value)

    def pop(self, index: SupportsIndex = -1) -> LogEntry:
        self._materialise()
        return super().pop(index)

    def remove(self, value: LogEntry) -> None:
        self._materialise()
        super().remove(value)

    def index(self, value: LogEntry, *args: Any) -> int:
        self._materialise()
        return super().index(value, *args)

    def count(self, value: LogEntry) -> int:
        self._materialise()
        return super().count(value)

    def sort(self, *args: Any, **kwargs: Any) -> None:
        self._materialise()
        super().sort(*args, **kwargs)

    def reverse(self) -> None:
        self._materialise()
        super().reverse()

    def clear(self) -> None:
        self._load = None
        super().clear()

    def __reduce_ex__(self, protocol: SupportsIndex) -> Any:
        self._materialise()
        return (list, (list(super().__iter__()),))
