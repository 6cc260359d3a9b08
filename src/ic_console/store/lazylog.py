"""The scribe log of a state snapshot, whose covered entries are read only when first needed."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ic_console.domain.logbook import LogBook
from ic_console.domain.state import LogEntry


class LazyLog(LogBook):
    """The scribe log of a snapshot: entries appended after it are kept at once, the entries
    it covers are read only when something looks at them (iterating, indexing, slicing...).

    `len()` and `append` never read them: `ic log` folds its event and rewrites the summary
    (which counts entries and follow-ups) without reading every entry of a long incident.
    """

    __slots__ = ()

    def __init__(
        self,
        load: Callable[[], Iterable[LogEntry]],
        covered: int,
        followups: int,
        recent: list[tuple[int, LogEntry]],
    ) -> None:
        super().__init__()
        self._defer(load, covered, followups, recent)
