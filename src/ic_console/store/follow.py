"""Following an incident that another terminal is writing to.

The follower polls cheaply: one `stat` per poll, and when the log grew, it reads only the new
bytes from the offset it reached (`IncidentStore.refresh`). A partial last line is usually a
writer in the middle of its append, so it is left alone; if it is still there after a grace
period, the writer died mid-line and the store's recovery (move the bytes aside, truncate) runs
through a full, locked reload.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ic_console.domain.events import Event
from ic_console.store.errors import Notice
from ic_console.store.incident import IncidentStore

#: Seconds between polls of the log: well inside the 500 ms the other terminal may take to show
#: a change, and cheap (one stat) when nothing changed.
FOLLOW_EVERY = 0.1
#: How long a partial last line may stay before it is taken for a crashed writer's.
TORN_GRACE = 2.0


@dataclass
class FollowResult:
    events: list[Event] = field(default_factory=list)
    #: True when the whole log was read again (replaced, truncated or a torn line recovered).
    reloaded: bool = False
    notices: list[Notice] = field(default_factory=list)


class Follower:
    """Polls one open incident for changes made by other terminals."""

    def __init__(
        self,
        store: IncidentStore,
        *,
        grace: float = TORN_GRACE,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.grace = grace
        self._monotonic = monotonic
        self._tail_since: float | None = None
        self._notices_seen = len(store.notices)

    def poll(self) -> FollowResult:
        """Apply what arrived since the last poll; StoreError if the incident vanished."""
        store = self.store
        result = FollowResult()
        if store.has_changes():
            reloads = store.reloads
            result.events = store.refresh()
            # A replaced log, a new replica's file, or older events from a peer: all read again.
            result.reloaded = store.reloads != reloads
        if store.log.size() > store.log.offset and store.damaged is None:
            now = self._monotonic()
            if self._tail_since is None:
                self._tail_since = now
            elif now - self._tail_since >= self.grace and not store.read_only:
                store.load()
                result.reloaded = True
                self._tail_since = None
        else:
            self._tail_since = None
        if len(store.notices) > self._notices_seen:
            result.notices = store.notices[self._notices_seen :]
            self._notices_seen = len(store.notices)
        return result
