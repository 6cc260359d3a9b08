"""The postmortem draft: the report sections of a widely used template, prefilled from the log.

Facts come from the events (times, people, decisions, figures); judgement is left to the
writer as prompts. Nothing depends on the wall clock, so the same incident always gives the
same draft.

One module, though long: the sections of one template, in the order they are read, each a
short function; the parts about command at scale (sub-teams, exit criteria) are in
`review/postmortem_scale.py`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from itertools import accumulate
from operator import attrgetter

from ic_console.domain.model import Status, severity_label
from ic_console.review import document
from ic_console.review import postmortem_scale as scale_parts
from ic_console.review.checks import ACTION_EXAMPLE, Finding
from ic_console.review.command_figures import DecisionFigures
from ic_console.review.document import (
    Block,
    Bullets,
    Document,
    Em,
    Fields,
    Heading,
    Item,
    LazyRows,
    Para,
    Parts,
    Prompt,
    Strong,
    Table,
    Url,
)
from ic_console.review.duedate import describe_policy
from ic_console.review.metrics import Metrics

# Imported from here by the exports and the review screen.
from ic_console.review.observations import observations as observations
from ic_console.review.observations import response_rows as response_rows
from ic_console.review.parts import Review as Review
from ic_console.review.parts import build_review as build_review
from ic_console.review.stamps import Stamps
from ic_console.review.text import duration, utc, utc_short
from ic_console.review.timeline import TimelineEntry


def _due_text(review: Review) -> Parts:
    m = review.metrics
    how = describe_policy(m.highest_severity, review.policy)
    if m.status is Status.ACTIVE:
        return (Em("not set: the incident is still active"), f" ({how})")
    if review.due is None:
        return (Em("none set"), f" ({how})")
    return (Strong(review.due.isoformat()), f" ({how})")


def build_postmortem(review: Review) -> Document:
    """The Markdown/HTML draft of the postmortem, in the template's order of sections."""
    doc = Document(f"Postmortem: {review.state.title}")
    for section in (
        _facts,
        _story,
        _responders,
        _figures,
        _decisions,
        _how_we_did,
        _action_items,
        _messaging,
        _blame,
    ):
        doc.add(*section(review))
    return doc


def _facts(review: Review) -> list[Block]:
    """The fields at the top: what, when, who, and when the postmortem is due."""
    m = review.metrics
    state = review.state
    status = m.status.value
    if m.status is Status.ACTIVE:
        status += f" (figures as of the last event, {utc(m.as_of)})"
    return [
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
        )
    ]


def _story(review: Review) -> list[Block]:
    """Summary, what happened, impact, contributing factors and resolution."""
    m = review.metrics
    return [
        Heading(2, "Summary"),
        Para(
            (
                f"{review.state.title}. The incident was declared at {utc(m.declared_at)} as "
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
    ]


def _responders(review: Review) -> list[Block]:
    """Who was on the call (and in which sub-team), and the timeline worked forwards."""
    scale = review.metrics.scale
    teams = scale.teams if scale is not None else ()
    blocks: list[Block] = [Heading(2, "Responders")]
    if teams:
        blocks += [
            Table(
                ("Name", "Roles", "Team", "Time on the call", "Longest stretch"),
                tuple(
                    (
                        p.name,
                        ", ".join(role.label for role in p.roles) or "-",
                        scale_parts.teams_of(p.name, teams),
                        duration(p.time_on_call),
                        duration(p.longest_stretch),
                    )
                    for p in review.metrics.people
                ),
            ),
            Heading(3, "Sub-teams"),
            Bullets(tuple(scale_parts.team_item(team) for team in teams)),
        ]
    else:
        blocks.append(
            Table(
                ("Name", "Roles", "Time on the call", "Longest stretch"),
                tuple(
                    (
                        p.name,
                        ", ".join(role.label for role in p.roles) or "-",
                        duration(p.time_on_call),
                        duration(p.longest_stretch),
                    )
                    for p in review.metrics.people
                ),
            )
        )
    return [
        *blocks,
        Heading(2, "Timeline (UTC)"),
        Para(
            (
                "Worked forwards by when things happened. Entries recorded later than they "
                "happened say when they were recorded.",
            )
        ),
        Table(("Time (UTC)", "Who", "What", "Recorded"), _timeline_table(review.timeline)),
    ]


def _figures(review: Review) -> list[Block]:
    """The response metrics, then the tasks, severity changes and handovers behind them."""
    m = review.metrics
    blocks: list[Block] = [
        Heading(2, "Response metrics"),
        Table(("Measure", "Value"), tuple(response_rows(m))),
    ]
    if m.tasks:
        blocks += [Heading(3, "Tasks"), _task_table(m)]
    if m.severity_changes or m.handovers:
        blocks += [Heading(3, "Severity changes and handovers"), _changes_of_hands(m)]
    if m.scale is not None and m.scale.exit_criteria:
        blocks += [Heading(3, "Exit criteria"), scale_parts.exit_criteria(m.scale)]
    return blocks


def _task_table(m: Metrics) -> Table:
    """Every task, as it went; with teams (command at scale), each task's team beside its
    number."""
    teams = m.scale.task_teams if m.scale is not None and m.scale.teams else None
    head = ("#", "Owner", "Task", "Timebox", "Extensions", "Overrun", "Acknowledged", "Outcome")
    rows = [
        (
            str(t.number),
            t.owner,
            t.text,
            duration(t.timebox),
            ", ".join(f"+{duration(x.timebox)}" for x in t.extensions) or "-",
            duration(t.overrun) if t.overrun else "-",
            duration(t.time_to_acknowledge, missing="never") if t.acknowledged_at else "never",
            t.status._value_,
        )
        for t in m.tasks
    ]
    if teams is None:
        return Table(head, tuple(rows))
    return Table(
        (head[0], "Team", *head[1:]),
        tuple(
            (row[0], teams.get(t.number, "-"), *row[1:])
            for t, row in zip(m.tasks, rows, strict=True)
        ),
    )


def _changes_of_hands(m: Metrics) -> Bullets:
    """Severity changes and command handovers, in the order they happened."""
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
                    + (f" after {duration(h.held_for)}" if h.held_for is not None else "")
                    + scale_parts.acknowledged(m, h.at),
                )
            ),
        )
        for h in m.handovers
    ]
    return Bullets(tuple(item for _, item in sorted(items, key=lambda pair: pair[0])))


def _decisions(review: Review) -> list[Block]:
    decisions = review.metrics.decisions
    if not decisions:
        return [Heading(2, "Decisions"), Para(("No decisions were recorded.",))]
    stamps = Stamps()
    return [
        Heading(2, "Decisions"),
        Bullets(tuple(_decision_item(d, stamps) for d in decisions)),
    ]


def _decision_item(d: DecisionFigures, stamps: Stamps) -> Item:
    taken = d.time_to_decide
    return Item(
        (
            Strong(f"Decision {d.number}"),
            f" ({d.status._value_}"
            + (f" after {duration(taken)}" if taken else "")
            + f", proposed by {d.proposed_by} at {stamps.short(d.proposed_at)}): ",
            d.text,
        ),
        tuple((f"Objection from {o.by}: ", o.text) for o in d.objections) if d.objections else (),
    )


def _how_we_did(review: Review) -> list[Block]:
    blocks: list[Block] = [
        Heading(2, "How did we do"),
        Heading(3, "What went well"),
        Prompt("What helped? Keep doing it."),
        Heading(3, "What went badly"),
        Prompt("What got in the way? Start from the observations below."),
    ]
    notes = observations(review.metrics)
    if notes:
        blocks.append(Bullets(tuple(Item((note,)) for note in notes)))
    return blocks


def _action_items(review: Review) -> list[Block]:
    blocks: list[Block] = [
        Heading(2, "Action items"),
        Para(
            (
                "Each item should be actionable (starts with a verb), specific (a clear "
                "outcome) and bounded (anyone can tell when it is done). ",
                ACTION_EXAMPLE,
            )
        ),
    ]
    if not review.action_items:
        blocks.append(Prompt("No follow-up items were logged during the incident; add them here."))
        return blocks
    stamps = Stamps()
    tracked = review.state.followups_tracked
    checks: dict[Finding, Parts] = {}
    blocks.append(
        Bullets(
            tuple(
                Item(
                    (
                        item.summary,
                        Em(f" (raised by {item.raised_by} at {stamps.short(item.raised_at)})"),
                    ),
                    tuple(_check(finding, checks) for finding in item.findings)
                    + _tracked(tracked, item.item),
                )
                for item in review.action_items
            ),
            checkboxes=True,
        )
    )
    return blocks


_CHECK = Strong("Check: ")


def _check(finding: Finding, made: dict[Finding, Parts]) -> Parts:
    """A finding on an action item in words; the same finding (most are) made once."""
    parts = made.get(finding)
    if parts is None:
        parts = made[finding] = (_CHECK, finding.problem, " ", Em(finding.advice))
    return parts


def _tracked(tracked: dict[str, str], item: str) -> tuple[Parts, ...]:
    """Where a follow-up item was filed (`ic followups mark`), when it was."""
    url = tracked.get(item)
    return ((Strong("Tracked: "), Url(url)),) if url else ()


def _messaging(review: Review) -> list[Block]:
    m = review.metrics
    return [
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
    ]


def _blame(review: Review) -> list[Block]:
    """Notes on sentences that name a person as a cause; none when there are none."""
    if not review.blame:
        return []
    return [
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
    ]


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


#: The timeline entry's fields its table shows.
_WHEN = attrgetter("when")
_ACTOR = attrgetter("actor")
_TEXT = attrgetter("text")
_OCCURRED = attrgetter("occurred_at")


def _timeline_table(entries: Sequence[TimelineEntry]) -> LazyRows:
    """The timeline's rows (time, who, what, when recorded), made a batch at a time as the
    table is written, a column at a time: most entries were recorded when they happened, and a
    batch of them has no "recorded" cell to work out."""

    def batches() -> Iterator[tuple[list[str], ...]]:
        stamps, recorded_stamps = Stamps(), Stamps()
        for batch, texts in _entry_batches(entries):
            count = len(batch)
            occurred = list(map(_OCCURRED, batch))
            recorded = (
                [""] * count
                if occurred.count(None) == count
                else [_recorded(entry, recorded_stamps) for entry in batch]
            )
            yield stamps.seconds(list(map(_WHEN, batch))), list(map(_ACTOR, batch)), texts, recorded

    return LazyRows(batches)


def _entry_batches(
    entries: Sequence[TimelineEntry],
) -> Iterator[tuple[Sequence[TimelineEntry], list[str]]]:
    """`entries` and their texts a batch at a time, as `batching.sized_batches` cuts them by
    their texts (each text taken once, for its length and its cell). The texts are taken
    `_TEXT_STEP` at a time until a batch is full: a long text is read from the log book when
    asked (`timeline._BookText`), and taking a whole batch's worth of rows to keep 50 of them
    read 10,000 entries of 20 kB twenty times over (10 s of a postmortem's 13)."""
    start, total = 0, len(entries)
    while start < total:
        stop = min(start + document.TABLE_ROWS, total)
        texts: list[str] = []
        reached = 0
        at = start
        while at < stop:
            step = list(map(_TEXT, entries[at : min(at + _TEXT_STEP, stop)]))
            sums = list(accumulate(map(len, step), initial=reached))
            if sums[-1] >= document.TABLE_CHARS:
                texts += step[: bisect_left(sums, document.TABLE_CHARS, 1)]
                break
            texts += step
            reached = sums[-1]
            at += len(step)
        batch = entries[start : start + len(texts)]
        start += len(texts)
        yield batch, texts


#: How many entries' texts `_entry_batches` takes at once while it fills a batch.
_TEXT_STEP = 64


def _recorded(entry: TimelineEntry, stamps: Stamps) -> str:
    """ "2026-11-24 22:20 (2m later)" for an entry recorded later (or earlier) than it
    happened, else nothing."""
    late = entry.recorded_late
    if late is None:
        return ""
    way = "later" if late >= timedelta(0) else "earlier"
    return f"{stamps.short(entry.recorded_at)} ({duration(abs(late))} {way})"
