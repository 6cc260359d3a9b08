"""The postmortem draft: the report sections of a widely used template, prefilled from the log.

Facts come from the events (times, people, decisions, figures); judgement is left to the
writer as prompts. Nothing depends on the wall clock, so the same incident always gives the
same draft.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cached_property

from ic_console.domain.events import Event
from ic_console.domain.model import ROTATE_AFTER, LogKind, Status, severity_label
from ic_console.domain.parse import split_kind_prefix
from ic_console.domain.state import IncidentState
from ic_console.review.checks import (
    ACTION_EXAMPLE,
    BlameChecker,
    BlameFinding,
    Finding,
    check_action_item,
)
from ic_console.review.document import (
    Bullets,
    Document,
    Em,
    Fields,
    Heading,
    Item,
    Para,
    Parts,
    Prompt,
    Strong,
    Table,
)
from ic_console.review.duedate import DuePolicy, describe_policy, due_date
from ic_console.review.metrics import Cadence, Metrics, compute_metrics
from ic_console.review.text import duration, one_line, utc, utc_short
from ic_console.review.timeline import TimelineEntry, build_timeline


@dataclass(frozen=True, slots=True)
class ActionItem:
    """A follow-up raised during the incident, drafted as an action item."""

    summary: str
    description: str
    owner: str
    due: date | None
    raised_by: str
    raised_at: datetime
    seq: int
    findings: tuple[Finding, ...]


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
        return build_timeline(self.events)

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


def action_items(state: IncidentState) -> list[ActionItem]:
    """Follow-up log entries, and any entry that starts with a follow-up prefix ("TODO:",
    "f:", "follow-up:", the log line's own), as draft action items."""
    items: list[ActionItem] = []
    for entry in state.log:
        prefixed, rest = split_kind_prefix(entry.text.lstrip())
        if entry.kind is not LogKind.FOLLOWUP and prefixed is not LogKind.FOLLOWUP:
            continue
        body = (rest if prefixed is LogKind.FOLLOWUP else entry.text).strip() or entry.text
        summary = one_line(body, 120)
        description = (
            f"{body}\n\nRaised during incident {state.incident_id} ({state.title}) "
            f"by {entry.author} at {utc(entry.when)}."
        )
        items.append(
            ActionItem(
                summary=summary,
                description=description,
                owner="",
                due=None,
                raised_by=entry.author,
                raised_at=entry.when,
                seq=entry.seq,
                findings=tuple(check_action_item(body)),
            )
        )
    return items


def blame_notes(state: IncidentState) -> list[BlameNote]:
    """Sentences anywhere in the record that name a person as a cause."""
    checker = BlameChecker(state.participants)
    sources: list[tuple[str, str]] = [
        (f"log entry {e.seq} ({e.kind.value}, {e.author})", e.text) for e in state.log
    ]
    sources += [(f"decision {d.number}", d.text) for d in state.decisions.values()]
    sources += [
        (f"objection to decision {d.number} by {o.by}", o.text)
        for d in state.decisions.values()
        for o in d.objections
    ]
    sources += [(f"task {t.number}", t.text) for t in state.tasks.values()]
    sources += [(f"{u.audience.value} update by {u.by}", u.text) for u in state.updates]
    return [BlameNote(where, finding) for where, text in sources for finding in checker.check(text)]


def build_review(
    events: Sequence[Event],
    state: IncidentState,
    *,
    policy: DuePolicy | None = None,
    cadence: Cadence | None = None,
) -> Review:
    return Review(events, state, policy=policy, cadence=cadence)


# -- the draft ---------------------------------------------------------------------------------


def _due_text(review: Review) -> Parts:
    m = review.metrics
    how = describe_policy(m.highest_severity, review.policy)
    if m.status is Status.ACTIVE:
        return (Em("not set: the incident is still active"), f" ({how})")
    if review.due is None:
        return (Em("none set"), f" ({how})")
    return (Strong(review.due.isoformat()), f" ({how})")


def response_rows(m: Metrics) -> list[tuple[str, str]]:
    """The headline response figures as (measure, value) rows."""
    rows = [
        ("Declaration to an Incident Commander", duration(m.to_ic, missing="never named")),
        ("Declaration to a Deputy", duration(m.to_deputy, missing="never named")),
        ("Declaration to a Scribe", duration(m.to_scribe, missing="never named")),
        (
            "Declaration to the first stakeholder update",
            duration(m.to_first_update, missing="none"),
        ),
        ("Declaration to mitigation (resolve phase)", duration(m.to_mitigation)),
        ("Declaration to resolution", duration(m.to_resolution, missing="not yet resolved")),
        ("Total duration (first known sign to resolution)", duration(m.total_duration)),
    ]
    if m.detection_lag is not None:
        rows.append(("First known sign before the declaration", duration(m.detection_lag)))
    rows += [
        ("Tasks assigned", str(len(m.tasks))),
        ("Tasks never acknowledged", str(len(m.unacknowledged))),
        ("Tasks that ran past their timebox", str(len(m.overrun_tasks))),
        ("Decisions taken (accepted / proposed)", _decisions_count(m)),
        ("Objections raised", str(m.objections)),
        ("Severity changes", str(len(m.severity_changes))),
        ("Command handovers", str(len(m.handovers))),
        ("Stakeholder updates posted", str(m.updates_posted)),
        ("Gaps between updates longer than the cadence", str(len(m.update_gaps))),
    ]
    return rows


def _decisions_count(m: Metrics) -> str:
    accepted = sum(d.status.value == "accepted" for d in m.decisions)
    return f"{accepted} / {len(m.decisions)}"


def observations(m: Metrics) -> list[str]:
    """Facts about the response worth discussing, in plain sentences."""
    notes: list[str] = []
    for label, value in (("Incident Commander", m.to_ic), ("Deputy", m.to_deputy)):
        if value is None:
            notes.append(f"No {label} was named.")
    if m.to_scribe is None:
        notes.append("No Scribe was named; the timeline may have gaps.")
    if m.to_first_update is None:
        notes.append("No stakeholder update was posted.")
    for task in m.overrun_tasks:
        notes.append(
            f"Task {task.number} ({task.owner}) spent {duration(task.overrun)} past its timebox "
            "before a follow-up."
        )
    for task in m.unacknowledged:
        notes.append(f"Task {task.number} ({task.owner}) was never acknowledged.")
    for gap in m.update_gaps:
        start = (
            "the declaration" if gap.from_declaration else f"the update at {utc_short(gap.start)}"
        )
        notes.append(
            f"{duration(gap.length)} without a stakeholder update after {start} "
            f"(cadence {duration(gap.cadence)})."
        )
    for person in m.people:
        if person.past_rotation_point:
            notes.append(
                f"{person.name} was on the call for {duration(person.longest_stretch)} without "
                f"rotating out (rotation is advised after about {duration(ROTATE_AFTER)})."
            )
    return notes


def build_postmortem(review: Review) -> Document:
    """The Markdown/HTML draft of the postmortem."""
    m = review.metrics
    state = review.state
    doc = Document(f"Postmortem: {state.title}")
    status = m.status.value
    if m.status is Status.ACTIVE:
        status += f" (figures as of the last event, {utc(m.as_of)})"
    doc.add(
        Fields(
            (
                ("Incident", (state.incident_id,)),
                ("Severity", _severity_text(m)),
                ("Status", (status,)),
                ("Declared", (f"{utc(m.declared_at)} by {state.declared_by}",)),
                ("Resolved", (utc(m.resolved_at) if m.resolved_at else "not yet",)),
                ("Duration", (duration(m.total_duration),)),
                ("Incident Commander", (_commanders(review),)),
                ("Postmortem owner", (Em("to be named by the Incident Commander"),)),
                ("Postmortem due", _due_text(review)),
                ("Meeting date", (Em("to be set (30 to 60 minutes, with a facilitator)"),)),
                ("Call recording", (Em("link"),)),
            )
        ),
        Heading(2, "Summary"),
        Para(
            (
                f"{state.title}. The incident was declared at {utc(m.declared_at)} as "
                f"{severity_label(_declared_severity(review))}",
                f", reached {severity_label(m.highest_severity)}"
                if m.highest_severity != _declared_severity(review)
                else "",
                f", and was resolved {duration(m.to_resolution)} later."
                if m.to_resolution is not None
                else ", and is not yet resolved.",
            )
        ),
        Prompt("In two or three sentences: what happened, who was affected, how it was fixed."),
        Heading(2, "What happened"),
        Prompt(
            "Tell the story from the timeline below, forwards, including what the team did "
            "not know at the time. Ask what and how, not who and why."
        ),
        Heading(2, "Impact"),
        Bullets(tuple(_severity_spans(m))),
        Prompt("How long were customers affected, and which functionality?"),
        Prompt(
            "How many customers and users, and what share of requests failed or were out of SLA?"
        ),
        Prompt("How many support tickets or contacts were there?"),
        Heading(2, "Contributing factors"),
        Prompt("What conditions made this possible? Complex systems fail for several reasons."),
        Prompt("What made it hard to detect, diagnose or fix? What surprised us?"),
        Prompt("What would have made the right action easy to take?"),
        Heading(2, "Resolution"),
        Para(
            (
                "Mitigation (resolve phase) began ",
                _after(m.to_mitigation),
                "; the incident was resolved ",
                _after(m.to_resolution),
                ".",
            )
        ),
        Prompt("What fixed it, and how was the fix verified?"),
        Heading(2, "Responders"),
        Table(
            ("Name", "Roles", "Time on the call", "Longest stretch"),
            tuple(
                (
                    p.name,
                    ", ".join(role.label for role in p.roles) or "-",
                    duration(p.time_on_call),
                    duration(p.longest_stretch),
                )
                for p in m.people
            ),
        ),
        Heading(2, "Timeline (UTC)"),
        Para(
            (
                "Worked forwards by when things happened. Entries recorded later than they "
                "happened say when they were recorded.",
            )
        ),
        Table(("Time (UTC)", "Who", "What", "Recorded"), tuple(_timeline_rows(review.timeline))),
        Heading(2, "Response metrics"),
        Table(("Measure", "Value"), tuple(response_rows(m))),
    )
    if m.tasks:
        doc.add(
            Heading(3, "Tasks"),
            Table(
                (
                    "#",
                    "Owner",
                    "Task",
                    "Timebox",
                    "Extensions",
                    "Overrun",
                    "Acknowledged",
                    "Outcome",
                ),
                tuple(
                    (
                        str(t.number),
                        t.owner,
                        t.text,
                        duration(t.timebox),
                        ", ".join(f"+{duration(x.timebox)}" for x in t.extensions) or "-",
                        duration(t.overrun) if t.overrun else "-",
                        duration(t.time_to_acknowledge, missing="never")
                        if t.acknowledged_at
                        else "never",
                        t.status.value,
                    )
                    for t in m.tasks
                ),
            ),
        )
    if m.severity_changes or m.handovers:
        doc.add(Heading(3, "Severity changes and handovers"))
        items: list[tuple[datetime, Item]] = [
            (
                c.at,
                Item(
                    (
                        f"{utc_short(c.at)}: {severity_label(c.previous)} to "
                        f"{severity_label(c.severity)} by {c.by}",
                    )
                ),
            )
            for c in m.severity_changes
        ]
        items += [
            (
                h.at,
                Item(
                    (
                        f"{utc_short(h.at)}: command handed over from {h.previous} to {h.name}"
                        + (f" after {duration(h.held_for)}" if h.held_for is not None else ""),
                    )
                ),
            )
            for h in m.handovers
        ]
        doc.add(Bullets(tuple(item for _, item in sorted(items, key=lambda pair: pair[0]))))
    doc.add(Heading(2, "Decisions"))
    if m.decisions:
        doc.add(
            Bullets(
                tuple(
                    Item(
                        (
                            Strong(f"Decision {d.number}"),
                            f" ({d.status.value}"
                            + (f" after {duration(d.time_to_decide)}" if d.time_to_decide else "")
                            + f", proposed by {d.proposed_by} at {utc_short(d.proposed_at)}): ",
                            d.text,
                        ),
                        tuple((f"Objection from {o.by}: ", o.text) for o in d.objections),
                    )
                    for d in m.decisions
                )
            )
        )
    else:
        doc.add(Para(("No decisions were recorded.",)))
    doc.add(
        Heading(2, "How did we do"),
        Heading(3, "What went well"),
        Prompt("What helped? Keep doing it."),
        Heading(3, "What went badly"),
        Prompt("What got in the way? Start from the observations below."),
    )
    notes = observations(m)
    if notes:
        doc.add(Bullets(tuple(Item((note,)) for note in notes)))
    doc.add(
        Heading(2, "Action items"),
        Para(
            (
                "Each item should be actionable (starts with a verb), specific (a clear "
                "outcome) and bounded (anyone can tell when it is done). ",
                ACTION_EXAMPLE,
            )
        ),
    )
    if review.action_items:
        doc.add(
            Bullets(
                tuple(
                    Item(
                        (
                            item.summary,
                            Em(f" (raised by {item.raised_by} at {utc_short(item.raised_at)})"),
                        ),
                        tuple(
                            (Strong("Check: "), f.problem, " ", Em(f.advice)) for f in item.findings
                        ),
                    )
                    for item in review.action_items
                ),
                checkboxes=True,
            )
        )
    else:
        doc.add(Prompt("No follow-up items were logged during the incident; add them here."))
    doc.add(
        Heading(2, "Messaging"),
        Heading(3, "Internal note"),
        Prompt("A short summary for the company: what happened, the impact, what we are doing."),
        Heading(3, "External message"),
        Para(
            (
                Strong("Summary: "),
                f"Between {utc_short(m.declared_at)} UTC and "
                + (f"{utc_short(m.resolved_at)} UTC" if m.resolved_at else "(not yet resolved)")
                + ", some customers experienced a service disruption.",
            )
        ),
        Prompt("Two or three sentences in plain language; say service disruption, not outage."),
        Para((Strong("What happened: "), Em("what customers saw, and for how long."))),
        Para((Strong("What we are doing: "), Em("the changes that stop it happening again."))),
    )
    if review.blame:
        doc.add(
            Heading(2, "Review notes: blameless wording"),
            Para(
                (
                    "These sentences in the record name a person as a cause. Where they reach "
                    "the postmortem, rewrite them to say what happened and how the system "
                    "allowed it.",
                )
            ),
            Bullets(
                tuple(
                    Item(
                        (Strong(f"{note.where}: "), f'"{note.finding.sentence}"'),
                        ((note.finding.problem,),),
                    )
                    for note in review.blame
                )
            ),
        )
    return doc


def _declared_severity(review: Review) -> int:
    return review.state.severity_history[0][1] if review.state.severity_history else 0


def _severity_text(m: Metrics) -> Parts:
    text = severity_label(m.severity)
    if m.highest_severity != m.severity:
        text += f" (highest reached: {severity_label(m.highest_severity)})"
    return (text,)


def _severity_spans(m: Metrics) -> list[Item]:
    return [
        Item((f"Time at {severity_label(level)}: {duration(span)}",))
        for level, span in m.time_at_severity.items()
    ]


def _after(delta: timedelta | None) -> str:
    return f"{duration(delta)} after the declaration" if delta is not None else "(not recorded)"


def _commanders(review: Review) -> str:
    names = [s.name for s in review.state.role_history if s.role.value == "ic"]
    return " then ".join(dict.fromkeys(names)) or "never named"


def _stamp(when: datetime) -> str:
    """ "2026-11-24 22:18:00" for a UTC time; stored times are UTC, so this is the fast way."""
    text = when.isoformat(sep=" ", timespec="seconds")
    if text.endswith("+00:00"):
        return text[:-6]
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _timeline_rows(entries: Sequence[TimelineEntry]) -> list[tuple[str, str, str, str]]:
    rows = []
    for entry in entries:
        recorded = ""
        late = entry.recorded_late
        if late is not None:
            way = "later" if late >= timedelta(0) else "earlier"
            recorded = f"{utc_short(entry.recorded_at)} ({duration(abs(late))} {way})"
        rows.append(
            (
                _stamp(entry.when),
                entry.actor,
                entry.text,
                recorded,
            )
        )
    return rows
