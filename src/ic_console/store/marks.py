"""Marks in a merged fold: the places it can go back to when a peer's events arrive late.

Two laptops fold the union of their files in one order (`domain.hlc.merge_key`), so an event
that arrives after newer ones were folded (the other laptop's line, recorded a second before
this one's and synced a second after) has to be folded in its place: everything after it is
folded again. From the start, that took two seconds on a 100,000-event incident, in the
console's poll, each time two people typed at once on two laptops.

So the fold keeps marks: every `MARK_EVERY` events folded, the state as it stood (encoded as the
snapshot encodes it, its scribe log aside: only the log's length is kept, and the log is cut
back to it), the merge key of the last event folded, and what a listener (the console's log
pane) gave to find its own place again. The events folded since the older mark are kept too.
An event that sorts after a mark is folded again from that mark, with the events kept since:
about as many events as two marks apart, whatever the incident's length. Only the last two
marks are kept; an event older than both (a laptop back after a long time offline) folds
everything again, as before.

Going back from a mark gives the same state as folding from the start (property-tested against
it, `tests/test_merge_marks.py`): the events folded before a mark all sort before its key, each
file's events come in order, and an event is folded again only after the mark whose key it
sorts after.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ic_console.domain.events import Event
from ic_console.domain.hlc import MergeKey
from ic_console.domain.state import IncidentState
from ic_console.store.state_codec import state_body, state_from

#: Events folded between two marks: what going back folds again, at most about twice this.
MARK_EVERY = 1024
#: Marks kept: an event that sorts before the newest mark but after the one before it (it
#: arrived just after a mark was taken) still goes back only that far.
KEPT = 2


@dataclass(frozen=True, slots=True, eq=False)
class Mark:
    """The fold as it stood after `folded` events (compared by identity: its state is large)."""

    #: The state, as `state_codec.state_body` encodes it (its scribe log aside).
    body: dict[str, Any]
    #: How many scribe log entries the state held.
    log_size: int
    #: The merge key of the last event folded: an event sorting after it can go back here.
    last_key: MergeKey
    folded: int
    #: What the listener's `mark` gave (None without one), handed back to its `rewind`.
    listener: object


class FoldMarks:
    """The marks of one merged fold and the events folded since the oldest of them."""

    def __init__(self) -> None:
        self._marks: list[Mark] = []
        #: The events folded after the oldest mark, in fold order.
        self._since: list[Event] = []
        #: Events folded since the fold started (from nothing, or from a snapshot).
        self.folded = 0

    def clear(self) -> None:
        """A new fold starts: no mark is of use any more."""
        self._marks.clear()
        self._since.clear()
        self.folded = 0

    def cuts(self, count: int) -> list[int]:
        """Where in a batch of `count` events to take marks: after each event that brings the
        count folded to a multiple of `MARK_EVERY`, the last `KEPT` of them only (a long first
        read takes two marks, not a hundred)."""
        first = (self.folded // MARK_EVERY + 1) * MARK_EVERY
        return [due - self.folded for due in range(first, self.folded + count + 1, MARK_EVERY)][
            -KEPT:
        ]

    def folded_now(self, events: list[Event]) -> None:
        """`events` were folded (kept when there is a mark to go back to)."""
        self.folded += len(events)
        if self._marks:
            self._since.extend(events)

    def take(self, state: IncidentState, last_key: MergeKey, listener: object) -> None:
        """A mark of the fold as it stands now."""
        self._marks.append(Mark(state_body(state), len(state.log), last_key, self.folded, listener))
        if len(self._marks) > KEPT:
            dropped = self._marks.pop(0)
            del self._since[: self._marks[0].folded - dropped.folded]

    def before(self, key: MergeKey) -> tuple[Mark, list[Event]] | None:
        """The newest mark whose last event sorts before `key`, and the events folded since
        it; None when there is none (fold from the start)."""
        if not self._marks:
            return None
        oldest = self._marks[0].folded
        for mark in reversed(self._marks):
            if mark.last_key < key:
                return mark, self._since[mark.folded - oldest :]
        return None

    def back_to(self, mark: Mark, state: IncidentState) -> IncidentState:
        """The state as it stood at `mark`, made from it and from `state` (the fold now,
        whose scribe log is cut back and kept: it is not copied); the marks after it and the
        events folded since it are forgotten, as they will be folded again."""
        oldest = self._marks[0].folded
        del self._marks[self._marks.index(mark) + 1 :]
        del self._since[mark.folded - oldest :]
        self.folded = mark.folded
        restored = state_from(mark.body)
        log = state.log
        truncate = getattr(log, "truncate", None)
        if truncate is not None:
            truncate(mark.log_size)
        else:  # a plain list (a state made by hand)
            del log[mark.log_size :]
        restored.log = log
        return restored
