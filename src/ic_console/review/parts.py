"""The parts every export of a reviewed incident is made of: the metrics, the timeline, the
action items drafted from follow-ups and the notes on blaming wording, each computed once and
only when asked for.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from itertools import chain

from ic_console.domain.events import Event
from ic_console.domain.followup_ids import followup_id
from ic_console.domain.model import LogKind, Status
from ic_console.domain.parse import KIND_PREFIXES
from ic_console.domain.state import IncidentState
from ic_console.review.checks import BlameChecker, BlameFinding, Finding, check_action_item
from ic_console.review.duedate import DuePolicy, due_date
from ic_console.review.metrics import Cadence, Metrics, compute_metrics
from ic_console.review.text import one_line, utc
from ic_console.review.timeline import TimelineEntry, build_timeline


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
        return action_items(self.state)

    @cached_property
    def blame(self) -> list[BlameNote]:
        return blame_notes(self.state)

    @cached_property
    def due(self) -> date | None:
        """The postmortem due date, by the highest severity reached; None while active."""
        if self.state.status is Status.ACTIVE:
            return None
        return due_date(self.state.resolved_at, self.metrics.highest_severity, self.policy)


#: What `domain.parse` folds out of a kind prefix ("Follow-up", "follow up"), for `translate`.
_FOLD_OUT = str.maketrans("", "", " -_\t")


def kind_prefix(text: str) -> tuple[LogKind | None, str]:
    """`split_kind_prefix(text)`, the same answer, made faster for a long log: the prefix is
    folded by one `translate` instead of a character at a time."""
    head, colon, rest = text.partition(":")
    if not colon or len(head.split()) > 2 or head != head.lstrip():
        return None, text
    kind = KIND_PREFIXES.get(head.strip().lower().translate(_FOLD_OUT))
    if kind is None:
        return None, text
    return kind, rest.strip()


def action_items(state: IncidentState) -> list[ActionItem]:
    """Follow-up log entries, and any entry that starts with a follow-up prefix ("TODO:",
    "f:", "follow-up:", the log line's own), as draft action items."""
    items: list[ActionItem] = []
    incident = f"{state.incident_id} ({state.title})"
    followup = LogKind.FOLLOWUP
    origins = state.log_origins
    for index, entry in enumerate(state.log):
        text = entry.text
        if entry.kind is not followup and ":" not in text:
            continue  # neither a follow-up nor prefixed as one (a prefix ends with a colon)
        prefixed, rest = kind_prefix(text.lstrip())
        if entry.kind is not followup and prefixed is not followup:
            continue
        body = (rest if prefixed is followup else text).strip() or text
        summary = one_line(body, 120)
        items.append(
            ActionItem(
                summary=summary,
                body=body,
                incident=incident,
                owner="",
                due=None,
                raised_by=entry.author,
                raised_at=entry.when,
                seq=entry.seq,
                findings=tuple(check_action_item(body)),
                item=followup_id(entry.seq, origins.get(index)),
            )
        )
    return items


def blame_notes(state: IncidentState) -> list[BlameNote]:
    """Sentences anywhere in the record that name a person as a cause. The texts are checked
    as they are read, never listed whole: the log book builds each entry's text when asked, and
    a list of every one would hold the whole log a second time."""
    checker = BlameChecker(state.participants)
    sources: Iterable[tuple[str, str]] = chain(
        ((f"log entry {e.seq} ({e.kind.value}, {e.author})", e.text) for e in state.log),
        ((f"decision {d.number}", d.text) for d in state.decisions.values()),
        (
            (f"objection to decision {d.number} by {o.by}", o.text)
            for d in state.decisions.values()
            for o in d.objections
        ),
        ((f"task {t.number}", t.text) for t in state.tasks.values()),
        ((f"{u.audience.value} update by {u.by}", u.text) for u in state.updates),
    )
    return [BlameNote(where, finding) for where, text in sources for finding in checker.check(text)]


def build_review(
    events: Sequence[Event],
    state: IncidentState,
    *,
    policy: DuePolicy | None = None,
    cadence: Cadence | None = None,
) -> Review:
    return Review(events, state, policy=policy, cadence=cadence)
