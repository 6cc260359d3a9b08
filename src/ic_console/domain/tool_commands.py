"""Commands that come from the team's other tools (issue 17): an alert from monitoring taken in
(`ic new --from`), a follow-up item filed in a tracker (`ic followups mark`).

Like every command (`domain/commands.py`), each validates against the state and returns the
events to record, or raises a `DomainError` that says what to do instead. Kept apart from the
commands a person gives on the call: these carry what another tool said, checked as input from
outside (a fingerprint to match repeats, a link).
"""

from __future__ import annotations

from datetime import datetime

from ic_console.domain import events as ev
from ic_console.domain.commands import Command, Events
from ic_console.domain.errors import DomainError
from ic_console.domain.model import LogKind
from ic_console.domain.state import IncidentState
from ic_console.domain.text import clean_text

#: The longest tracker link accepted: a URL, not a document.
MAX_URL = 2000


class ReceiveAlert(Command):
    """An alert from monitoring taken in: what it said, and its details as log entries."""

    source: str
    status: str
    fingerprints: tuple[str, ...]
    summary: str
    #: Labels, links and annotations, one log entry each (notes), in the order given.
    entries: tuple[str, ...] = ()

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        if not self.fingerprints or not all(f.strip() for f in self.fingerprints):
            raise DomainError("The alert has no fingerprint, so a repeat could not be matched.")
        summary = clean_text(self.summary, what="alert summary")
        events: Events = [
            ev.AlertReceived(
                source=self.source,
                status=self.status,
                fingerprints=self.fingerprints,
                summary=summary,
            )
        ]
        for entry in self.entries:
            if entry.strip():
                text = clean_text(entry, what="alert detail")
                events.append(ev.LogEntryAdded(kind=LogKind.NOTE, text=text))
        return events


class TrackFollowup(Command):
    """A follow-up item was filed in the team's tracker at `url`. `item` is its id as
    `ic followups` prints it ("F12", or "F12.3fa9c1" for an entry another laptop wrote)."""

    item: str
    url: str

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        from ic_console.domain.followup_ids import entry_id

        items = {
            entry_id(state, index, e.seq): e.seq
            for index, e in enumerate(state.log)
            if _is_followup(e.kind, e.text)
        }
        seq = items.get(self.item)
        if seq is None:
            known = ", ".join(items)
            raise DomainError(
                f"{self.item} is not a follow-up item of this incident. "
                f"Follow-up items: {known or 'none yet'} (`ic followups` lists them)."
            )
        url = self.url.strip()
        if (
            not url.lower().startswith(("https://", "http://"))
            or any(ch.isspace() for ch in url)
            or len(url) > MAX_URL
            or not url.isprintable()
        ):
            raise DomainError(
                f'"{url[:80]}" is not a link: give the tracker item\'s address, starting with '
                "https:// (one word, no spaces)."
            )
        if state.followups_tracked.get(self.item) == url:
            raise DomainError(f"{self.item} is already tracked at {url}; nothing to change.")
        return [ev.FollowupTracked(seq=seq, item=self.item, url=url)]


def _is_followup(kind: LogKind, text: str) -> bool:
    """`parse.is_followup` (imported when asked: parse builds on this layer's modules)."""
    from ic_console.domain.parse import is_followup

    return is_followup(kind, text)
