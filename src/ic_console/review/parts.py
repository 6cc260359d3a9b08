"""The parts every export of a reviewed incident is made of: the metrics, the timeline, the
action items drafted from follow-ups and the notes on blaming wording, each computed once and
only when asked for.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from operator import attrgetter
from typing import Any, TypeVar, cast

from ic_console.domain.events import Event
from ic_console.domain.followup_ids import followup_id
from ic_console.domain.model import LogKind, Status
from ic_console.domain.parse import may_be_prefixed, split_kind_prefix
from ic_console.domain.state import IncidentState
from ic_console.review.batching import text_batches
from ic_console.review.checks import BlameChecker, BlameFinding, Finding, check_action_item
from ic_console.review.command_figures import highest_severity_of
from ic_console.review.duedate import DuePolicy, due_date
from ic_console.review.metrics import Cadence, Metrics, compute_metrics
from ic_console.review.text import one_line, utc
from ic_console.review.timeline import TimelineEntry, build_timeline

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class ActionItem:
    """A follow-up raised during the incident, drafted as an action item."""

    summary: str
    #: What was raised (the entry's text without its follow-up prefix).
    body: str
    #: The incident as the description names it: "ID (title)".
    incident: str
    owner: str
    due: date | None
    raised_by: str
    raised_at: datetime
    seq: int
    findings: tuple[Finding, ...]
    #: Its id ("F12"; "F12.3fa9c1" when another laptop wrote the entry: `domain.followup_ids`).
    item: str = ""

    @property
    def description(self) -> str:
        """The body and where it was raised. Made when asked for, not kept: an incident of
        long follow-ups would otherwise hold every one of them twice."""
        return (
            f"{self.body}\n\nRaised during incident {self.incident} "
            f"by {self.raised_by} at {utc(self.raised_at)}."
        )


@dataclass(frozen=True, slots=True)
class BlameNote:
    where: str
    finding: BlameFinding


class Review:
    """Everything the exports are made of, each part computed once and only when asked for
    (the CSV of action items needs neither the timeline nor the metrics)."""

    def __init__(
        self,
        events: Sequence[Event],
        state: IncidentState,
        *,
        policy: DuePolicy | None = None,
        cadence: Cadence | None = None,
    ) -> None:
        self.events = events
        self.state = state
        self.policy = policy or DuePolicy()
        self.cadence = cadence

    @cached_property
    def metrics(self) -> Metrics:
        return compute_metrics(self.events, cadence=self.cadence, state=self.state)

    @cached_property
    def timeline(self) -> list[TimelineEntry]:
        return build_timeline(self.events, self.state)

    @cached_property
    def action_items(self) -> list[ActionItem]:
        """The follow-ups as action items, each with its owner (`@name` in it) and the
        postmortem's due date, as `ic followups` gives them: the exports' Owner and Due date."""
        return action_items(self.state, due=self.due)

    @cached_property
    def blame(self) -> list[BlameNote]:
        return blame_notes(self.state)

    @cached_property
    def due(self) -> date | None:
        """The postmortem due date, by the highest severity reached; None while active. From
        the state alone: a verb that lists follow-ups reads no event for it."""
        if self.state.status is Status.ACTIVE:
            return None
        return due_date(self.state.resolved_at, highest_severity_of(self.state), self.policy)


#: A follow-up's owner: the first `@name` in it (a GitHub or Jira user name).
_OWNER = re.compile(r"(?:^|[\s(,;])@([A-Za-z0-9][A-Za-z0-9_.-]{0,38})")


def owner_in(text: str) -> str:
    """The first `@name` in `text`, without the "@"."""
    if "@" not in text:  # most texts: no pattern tried at each of 20,000 characters
        return ""
    match = _OWNER.search(text)
    return match.group(1) if match else ""


def action_items(state: IncidentState, *, due: date | None = None) -> list[ActionItem]:
    """Follow-up log entries, and any entry that starts with a follow-up prefix ("TODO:",
    "f:", "follow-up:", the log line's own), as draft action items."""
    items: list[ActionItem] = []
    incident = f"{state.incident_id} ({state.title})"
    followup = LogKind.FOLLOWUP
    origins = state.log_origins
    for index, entry in enumerate(state.log):
        text = entry.text
        if may_be_prefixed(text):
            prefixed, rest = split_kind_prefix(text.lstrip())
        elif entry.kind is followup:
            prefixed, rest = None, text
        else:
            continue  # neither a follow-up nor prefixed as one (a prefix ends with a colon)
        if entry.kind is not followup and prefixed is not followup:
            continue
        body = (rest if prefixed is followup else text).strip() or text
        summary = one_line(body, 120)
        items.append(
            ActionItem(
                summary=summary,
                body=body,
                incident=incident,
                owner=owner_in(body),
                due=due,
                raised_by=entry.author,
                raised_at=entry.when,
                seq=entry.seq,
                findings=tuple(check_action_item(body)),
                item=followup_id(entry.seq, origins.get(index)),
            )
        )
    return items


#: Texts the blameless check searches together (`BlameChecker.suspects`), at most...
BLAME_BATCH = 512
#: ...and about this many characters of them (a quarter of a megabyte; the batch, joined and
#: lower-cased): a log of 20 kB entries is not held 512 at once.
BLAME_CHARS = 1 << 18


def _text_batches(items: Iterable[_T], text: Callable[[_T], str]) -> Iterator[list[_T]]:
    """`items` a batch at a time, `BLAME_BATCH` of them or about `BLAME_CHARS` characters of
    their `text` (`batching.text_batches`)."""
    return text_batches(items, text, BLAME_BATCH, BLAME_CHARS)


def blame_notes(state: IncidentState) -> list[BlameNote]:
    """Sentences anywhere in the record that name a person as a cause. The texts are checked
    as they are read, never listed whole: the log book builds each entry's text when asked, and
    a list of every one would hold the whole log a second time. They are searched a batch at a
    time for the words a blaming sentence needs, and only the few that hold one are checked
    (and named: "log entry 12 (note, Sam)")."""
    checker = BlameChecker(state.participants)
    decisions = state.decisions.values()
    sources: tuple[tuple[Iterable[Any], Callable[[Any], str], Callable[[Any], str]], ...] = (
        (state.log, _TEXT, lambda e: f"log entry {e.seq} ({e.kind.value}, {e.author})"),
        (decisions, _TEXT, lambda d: f"decision {d.number}"),
        (
            ((d, o) for d in decisions for o in d.objections),
            _second_text,
            lambda pair: f"objection to decision {pair[0].number} by {pair[1].by}",
        ),
        (state.tasks.values(), _TEXT, lambda t: f"task {t.number}"),
        (state.updates, _TEXT, lambda u: f"{u.audience.value} update by {u.by}"),
    )
    notes: list[BlameNote] = []
    for items, text_of, where in sources:
        for batch in _text_batches(items, text_of):
            texts = list(map(text_of, batch))
            for index in checker.suspects(texts):
                place = None
                for finding in checker.check(texts[index]):
                    place = place or where(batch[index])
                    notes.append(BlameNote(place, finding))
    return notes


_TEXT = attrgetter("text")


def _second_text(pair: tuple[Any, Any]) -> str:
    return cast(str, pair[1].text)


def build_review(
    events: Sequence[Event],
    state: IncidentState,
    *,
    policy: DuePolicy | None = None,
    cadence: Cadence | None = None,
) -> Review:
    return Review(events, state, policy=policy, cadence=cadence)
