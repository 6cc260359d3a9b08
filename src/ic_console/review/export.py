"""Exports of one incident: Markdown and HTML postmortem drafts, JSON for tools, CSV of actions.

Every export is a pure function of the events (and the due-date policy and cadence), so the same
incident always gives byte-identical output: no "generated at" stamp, no local time zone, no
dictionary-order surprises. The only times are the incident's own.

One module, though long: the four formats share the batching and streaming helpers, and the
JSON export's sections are written by the same pieces.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, fields, is_dataclass, replace
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from functools import cache
from operator import attrgetter
from typing import Any, TypeVar

from pydantic_core import SchemaSerializer
from pydantic_core import core_schema as cs
from pydantic_core import to_json as _to_json

from ic_console.domain.events import EVENT_LIST_ADAPTER, Event
from ic_console.domain.model import TaskStatus
from ic_console.domain.parse import is_followup
from ic_console.domain.records import Decision, Task
from ic_console.domain.state import IncidentState, LogEntry
from ic_console.domain.views import incident_view, iso, next_update_view, seconds, summary_view
from ic_console.review.batching import text_batches
from ic_console.review.command_figures import DecisionFigures
from ic_console.review.digest import ReviewEvents
from ic_console.review.document import html_pieces, markdown_pieces, render_html, render_markdown
from ic_console.review.duedate import DuePolicy
from ic_console.review.metrics import Cadence, Metrics
from ic_console.review.parts import ActionItem
from ic_console.review.postmortem import Review, build_postmortem, build_review, response_rows
from ic_console.review.task_figures import TaskFigures
from ic_console.review.text import printable
from ic_console.review.timeline import TimelineEntry
from ic_console.store.replay import gc_paused

FORMATS = ("md", "html", "json", "csv")
#: The layout version of the JSON export; fields are only added, never change meaning.
EXPORT_VERSION = 1
CSV_HEADER = ("Summary", "Description", "Owner", "Due date", "Labels")
#: Timeline entries or events written per serializer call in the JSON export.
JSON_BATCH = 4096
#: ...and at most about this many characters of their text.
JSON_CHARS = 1 << 20


_T = TypeVar("_T")

#: What `_batches` measures: an entry's text; an action item's body (most of its description).
_TEXT: Callable[[Any], str] = attrgetter("text")
_BODY: Callable[[Any], str] = attrgetter("body")


def to_markdown(review: Review) -> str:
    return render_markdown(build_postmortem(review))


def to_html(review: Review) -> str:
    return render_html(build_postmortem(review))


#: Values `_plain` gives back as they are.
_AS_IS = frozenset({str, int, bool, float, type(None)})


#: Each dataclass's field names, None for any other class (asked once per class).
_FIELD_NAMES: dict[type, tuple[str, ...] | None] = {}


def _field_names(cls: type) -> tuple[str, ...] | None:
    try:
        return _FIELD_NAMES[cls]
    except KeyError:
        names = tuple(f.name for f in fields(cls)) if is_dataclass(cls) else None
        _FIELD_NAMES[cls] = names
        return names


def _plain(value: Any) -> Any:
    """Dataclasses, enums, times and durations as JSON values (durations in seconds)."""
    kind = type(value)
    if kind in _AS_IS:
        return value
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
        return int(seconds) if seconds == int(seconds) else seconds
    if isinstance(value, Enum):
        return value._value_
    as_is = _AS_IS
    names = _field_names(kind)
    if names is not None:
        # Most fields are plain values already: taken as they are, without a call each.
        out = {}
        for name in names:
            item = getattr(value, name)
            out[name] = item if type(item) in as_is else _plain(item)
        return out
    if isinstance(value, dict):
        return {str(k): v if type(v) in as_is else _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [v if type(v) in as_is else _plain(v) for v in value]
    return value


def _span_seconds(delta: timedelta | None) -> int | float | None:
    """`_plain` of a duration (or None), without its walk: seconds, whole when they are."""
    if delta is None:
        return None
    seconds = delta.total_seconds()
    return int(seconds) if seconds == int(seconds) else seconds


#: How a writer gives a time: as text (`iso`), or as `_stamp` leaves it for the serializer.
Stamp = Callable[[datetime | None], Any]


def _stamp(when: datetime | None) -> datetime | str | None:
    """`when` for pydantic's serializer, which writes it as `iso` does: an aware time at offset
    zero (every stored time) as it is, written in one call for a whole batch; any other as
    `iso` gives it. Only for values that go straight to the serializer."""
    if when is None:
        return None
    offset = when.utcoffset()
    return when if offset is not None and not offset else iso(when)


def _task_json(task: TaskFigures, stamp: Stamp = iso) -> dict[str, Any]:
    """`_plain(task)`, field by field (the tasks are most of a long incident's figures), and
    the time it took to acknowledge it."""
    extensions = task.extensions
    return {
        "number": task.number,
        "owner": task.owner,
        "text": task.text,
        "assigned_at": stamp(task.assigned_at),
        "timebox": _span_seconds(task.timebox),
        "extensions": [
            {
                "at": stamp(x.at),
                "timebox": _span_seconds(x.timebox),
                "deadline": stamp(x.deadline),
            }
            for x in extensions
        ]
        if extensions
        else [],
        "reassignments": task.reassignments,
        "acknowledged_at": stamp(task.acknowledged_at),
        "status": task.status._value_,
        "closed_at": stamp(task.closed_at),
        "overrun": _span_seconds(task.overrun),
        "time_to_acknowledge": _span_seconds(task.time_to_acknowledge),
    }


def _decision_json(decision: DecisionFigures, stamp: Stamp = iso) -> dict[str, Any]:
    """`_plain(decision)`, field by field."""
    objections = decision.objections
    return {
        "number": decision.number,
        "text": decision.text,
        "proposed_by": decision.proposed_by,
        "proposed_at": stamp(decision.proposed_at),
        "status": decision.status._value_,
        "closed_at": stamp(decision.closed_at),
        "objections": [{"by": o.by, "text": o.text, "at": stamp(o.at)} for o in objections]
        if objections
        else [],
    }


#: The figures written by a typed writer of their own rather than by `_plain`'s walk.
_TYPED: dict[str, Callable[[Any, Stamp], Any]] = {
    "tasks": lambda tasks, stamp: [_task_json(task, stamp) for task in tasks],
    "decisions": lambda decisions, stamp: [_decision_json(d, stamp) for d in decisions],
}


def metrics_json(m: Metrics, stamp: Stamp = iso) -> dict[str, Any]:
    """The figures as the JSON export writes them: `_plain(m)` (with a typed writer for the
    long lists, giving their times by `stamp`) and the derived figures beside them."""
    data: dict[str, Any] = {}
    typed = _TYPED
    for name in _field_names(Metrics) or ():
        value = getattr(m, name)
        writer = typed.get(name)
        data[name] = writer(value, stamp) if writer is not None else _plain(value)
    data["time_at_severity"] = {
        f"SEV-{level}": _plain(span) for level, span in m.time_at_severity.items()
    }
    data["unacknowledged_tasks"] = [t.number for t in m.unacknowledged]
    data["objections_total"] = m.objections
    for gap, raw in zip(m.update_gaps, data["update_gaps"], strict=True):
        raw["length"] = _plain(gap.length)
        raw["over_by"] = _plain(gap.over_by)
    for person, raw in zip(m.people, data["people"], strict=True):
        raw["past_rotation_point"] = person.past_rotation_point
    data["summary"] = [{"measure": k, "value": v} for k, v in response_rows(m)]
    return data


def _timeline_item(e: TimelineEntry) -> dict[str, Any]:
    when = iso(e.when)
    return {
        "seq": e.seq,
        "when": when,
        "recorded_at": when if e.recorded_at is e.when else iso(e.recorded_at),
        "occurred_at": when if e.occurred_at is e.when else iso(e.occurred_at),
        "actor": e.actor,
        "role": e.role,
        "kind": e.kind,
        "type": e.type,
        "text": e.text,
        "people": list(e.people),
    }


def _action_item(item: ActionItem, stamp: Stamp = iso) -> dict[str, Any]:
    return {
        "summary": item.summary,
        "description": item.description,
        "owner": item.owner or None,
        "due": item.due.isoformat() if item.due else None,
        "raised_by": item.raised_by,
        "raised_at": stamp(item.raised_at),
        "log_seq": item.seq,
        "findings": [{"problem": f.problem, "advice": f.advice} for f in item.findings],
    }


def _action_arrays(items: Sequence[ActionItem]) -> Iterator[bytes]:
    """Action items as `_action_item` shows them, as compact JSON arrays, a batch at a time
    (each one holds its entry's whole text, twice)."""
    for batch in _batches(list(items), _BODY):  # measured by the body: most of the description
        yield _to_json([_action_item(item, _stamp) for item in batch])


def _task_row(task: Task, now: datetime) -> dict[str, Any]:
    """`task_view(task, now)`, its times as `_stamp` gives them (the same JSON)."""
    is_open = task.status is TaskStatus.OPEN
    deadline = task.deadline
    return {
        "number": task.number,
        "owner": task.owner,
        "text": task.text,
        "status": task.status._value_,
        "assigned_at": _stamp(task.assigned_at),
        "assigned_by": task.assigned_by,
        "timebox_seconds": seconds(task.timebox),
        "deadline": _stamp(deadline),
        "remaining_seconds": seconds(deadline - now) if is_open else None,
        "overdue": is_open and now >= deadline,
        "acknowledged": task.acknowledged_at is not None,
        "acknowledged_at": _stamp(task.acknowledged_at),
        "closed_at": _stamp(task.closed_at),
        "extensions": task.extensions,
        "reassignments": task.reassignments,
    }


def _decision_row(decision: Decision) -> dict[str, Any]:
    """`decision_view(decision)`, its times as `_stamp` gives them (the same JSON)."""
    objections = decision.objections
    return {
        "number": decision.number,
        "text": decision.text,
        "status": decision.status._value_,
        "proposed_by": decision.proposed_by,
        "proposed_at": _stamp(decision.proposed_at),
        "closed_at": _stamp(decision.closed_at),
        "objections": [{"by": o.by, "text": o.text, "at": _stamp(o.at)} for o in objections]
        if objections
        else [],
    }


def _incident_rows(state: IncidentState, now: datetime) -> dict[str, Any]:
    """`incident_view(state, now)` but for its scribe log and follow-ups (left empty, for the
    export to write a batch at a time), with its long lists (tasks, decisions, updates) made
    by the writers above: the same JSON. The rest is `incident_view`'s own, of the state
    without those lists; the parts made from them (the summary, the next update) are asked
    of the whole state."""
    lean = replace(state, log=[], tasks={}, decisions={}, updates=[])
    whole = replace(state, log=[])
    view = incident_view(lean, now)
    view.update(summary_view(whole, now))  # the first keys: their order stays
    tasks, decisions = state.tasks, state.decisions
    view["tasks"] = [_task_row(tasks[n], now) for n in sorted(tasks)]
    view["decisions"] = [_decision_row(decisions[n]) for n in sorted(decisions)]
    view["updates"] = [
        {"audience": u.audience._value_, "text": u.text, "at": _stamp(u.at), "by": u.by}
        for u in state.updates
    ]
    view["next_update"] = next_update_view(whole, now)
    return view


def _json_data(
    review: Review, incident: dict[str, Any], action_items: Any = None, stamp: Stamp = iso
) -> dict[str, Any]:
    """Everything in the JSON export but the timeline and the events (the action items as
    `action_items` gives them, else made here; the figures' times as `stamp` gives them)."""
    return {
        "format": "ic-console.review",
        "version": EXPORT_VERSION,
        "incident": incident,
        "postmortem_due": review.due.isoformat() if review.due else None,
        "metrics": metrics_json(review.metrics, stamp),
        "action_items": (
            [_action_item(item) for item in review.action_items]
            if action_items is None
            else action_items
        ),
        "blameless_findings": [
            {"where": n.where, "sentence": n.finding.sentence, "problem": n.finding.problem}
            for n in review.blame
        ],
    }


def to_json_data(review: Review, *, events: bool = True, timeline: bool = True) -> dict[str, Any]:
    """The full state, the figures, the timeline and every event, for tools (as `to_json`
    writes them; the long lists may be left out)."""
    data = _json_data(review, incident_view(review.state, review.metrics.as_of))
    if timeline:
        data["timeline"] = [_timeline_item(e) for e in review.timeline]
    if events:
        data["events"] = EVENT_LIST_ADAPTER.dump_python(list(review.events), mode="json")
    return data


def _lines(blob: bytes, key: bytes, pad: bytes) -> bytes:
    """A compact JSON array of objects that all start with `key`, one object per line.

    Splitting on `},{"key":` is safe: inside a JSON string every quote is escaped, so that
    sequence, with its bare quote, only ever occurs between two objects of the array.
    """
    parts = blob[1:-1].split(b"},{" + key + b":")
    return b"[\n" + pad + (b"},\n" + pad + b"{" + key + b":").join(parts) + b"\n" + pad[1:] + b"]"


def _array_lines(arrays: Iterable[bytes], key: bytes, pad: bytes) -> Iterator[bytes]:
    """A long array laid out as `_lines` lays it out, written piece by piece from compact arrays
    that together hold its objects in order (the same bytes as `_lines` of them all at once)."""
    split = b"},{" + key + b":"
    joined = b"},\n" + pad + b"{" + key + b":"
    started = False
    for blob in arrays:
        if len(blob) > 2:  # not "[]"
            yield (b",\n" if started else b"[\n") + pad + blob[1:-1].replace(split, joined)
            started = True
    yield b"\n" + pad[1:] + b"]" if started else b"[]"


@dataclass(frozen=True, slots=True)
class _Long:
    """A long list of objects that all start with `key`, given as compact JSON arrays that are
    made one at a time while the export is written."""

    key: bytes
    arrays: Iterator[bytes]


def _batches(entries: Iterable[_T], text: Callable[[_T], str] = _TEXT) -> Iterator[list[_T]]:
    """`entries` a batch at a time: at most `JSON_BATCH` of them, and about `JSON_CHARS`
    characters of `text` (of each entry: its `text` unless told), so entries of 20,000
    characters are never written 4,096 at once (`batching.text_batches`)."""
    return text_batches(entries, text, JSON_BATCH, JSON_CHARS)


def _log_item(entry: LogEntry) -> dict[str, Any]:
    """`log_entry_view` of `entry` (the same dictionary), made faster: stored times are UTC
    already, and `when` is one of the other two times, written once."""
    recorded = entry.recorded_at
    occurred = entry.occurred_at
    recorded_text = iso(recorded)
    occurred_text = iso(occurred)
    when = entry.when
    return {
        "seq": entry.seq,
        "kind": entry.kind._value_,
        "text": entry.text,
        "author": entry.author,
        "recorded_at": recorded_text,
        "occurred_at": occurred_text,
        "when": recorded_text
        if when is recorded
        else occurred_text
        if when is occurred
        else iso(when),
    }


def _log_row(entry: LogEntry) -> dict[str, Any]:
    """`_log_item` of `entry` as the serializer writes it (the same JSON): a time in UTC is
    left to pydantic's serializer, which writes it as `iso` does, in one call for a batch."""
    recorded = entry.recorded_at
    occurred = entry.occurred_at
    if recorded.tzinfo is not UTC or (occurred is not None and occurred.tzinfo is not UTC):
        return _log_item(entry)
    return {
        "seq": entry.seq,
        "kind": entry.kind._value_,
        "text": entry.text,
        "author": entry.author,
        "recorded_at": recorded,
        "occurred_at": occurred,
        "when": recorded if occurred is None else occurred,
    }


def _log_arrays(entries: Iterable[LogEntry]) -> Iterator[bytes]:
    """Scribe entries as `incident_view` shows them (`log_entry_view`), as compact JSON arrays,
    a batch at a time."""
    for batch in _batches(entries):
        yield _to_json([_log_row(e) for e in batch])


@cache
def _timeline_serializer() -> SchemaSerializer:
    """Pydantic's serializer for a list of timeline entries, built from their fields' types
    (once, when a JSON export first asks): twice as fast as the serializer that looks at each
    value, and the same bytes. The kind and the role (string enums) are written as the strings
    they are, without a call of the enum's `value` property for each (a fifth faster again)."""
    when = cs.datetime_schema()
    text = cs.str_schema()
    fields = (
        ("seq", cs.int_schema()),
        ("when", when),
        ("recorded_at", when),
        ("occurred_at", cs.nullable_schema(when)),
        ("actor", text),
        ("role", cs.nullable_schema(text)),
        ("kind", text),
        ("type", text),
        ("text", text),
        ("people", cs.tuple_schema([text], variadic_item_index=0)),
    )
    entry = cs.dataclass_schema(
        TimelineEntry,
        cs.dataclass_args_schema(
            "TimelineEntry", [cs.dataclass_field(name, schema) for name, schema in fields]
        ),
        [name for name, _ in fields],
        slots=True,
    )
    return SchemaSerializer(cs.list_schema(entry))


def _timeline_arrays(entries: Sequence[TimelineEntry]) -> Iterator[bytes]:
    """Timeline entries as compact JSON arrays, a batch at a time, by pydantic's dataclass
    serializer (the same fields as `_timeline_item`)."""
    dump = _timeline_serializer().to_json
    for batch in _batches(entries):
        yield dump(list(batch))


def _event_arrays(events: Sequence[Event]) -> Iterator[bytes]:
    """Events as compact JSON arrays, a batch at a time: as the review kept them, or dumped."""
    if isinstance(events, ReviewEvents):
        yield from events.arrays()
        return
    for start in range(0, len(events), JSON_BATCH):
        yield EVENT_LIST_ADAPTER.dump_json(list(events[start : start + JSON_BATCH]))


def _layout(value: Any, depth: int = 0) -> bytes:
    """JSON that diffs well and writes fast: objects open up two levels deep, and every item of
    a list sits on a line of its own (written compactly by pydantic's serializer)."""
    pad = b" " * (depth + 1)
    if isinstance(value, dict) and value and depth < 2:
        inner = b",\n".join(
            pad + _to_json(key) + b": " + _layout(item, depth + 1) for key, item in value.items()
        )
        return b"{\n" + inner + b"\n" + b" " * depth + b"}"
    if isinstance(value, list) and value:
        first = value[0]
        if isinstance(first, dict) and first:
            key = next(iter(first))
            if all(isinstance(item, dict) and next(iter(item), None) == key for item in value):
                return _lines(_to_json(value), _to_json(key), pad)
        if all(type(item) is int for item in value):  # numbers: one conversion each, no call
            items = b",\n".join([pad + b"%d" % item for item in value])
        else:
            items = b",\n".join([pad + _to_json(item) for item in value])
        return b"[\n" + items + b"\n" + b" " * depth + b"]"
    return _to_json(value)


def _pieces(value: Any, depth: int = 0) -> Iterator[bytes]:
    """`_layout` of `value` piece by piece, with each `_Long` list written a batch at a time."""
    if isinstance(value, _Long):
        yield from _array_lines(value.arrays, value.key, b" " * (depth + 1))
    elif isinstance(value, dict) and value and depth < 2:
        pad = b" " * (depth + 1)
        lead = b"{\n"
        for key, item in value.items():
            yield lead + pad + _to_json(key) + b": "
            yield from _pieces(item, depth + 1)
            lead = b",\n"
        yield b"\n" + b" " * depth + b"}"
    else:
        yield _layout(value, depth)


def json_pieces(review: Review) -> Iterator[bytes]:
    """The JSON export as UTF-8 pieces, in order, none longer than a batch of its long lists:
    the scribe log (and its follow-ups), the timeline (by pydantic's dataclass serializer, the
    same fields as `_timeline_item`) and the events (as the review kept them, or dumped from
    their models). The same bytes as `_layout(to_json_data(review))`."""
    state = review.state
    incident = _incident_rows(state, review.metrics.as_of)
    incident["log"] = _Long(b'"seq"', _log_arrays(state.log))
    followups = (entry for entry in state.log if is_followup(entry.kind, entry.text))
    incident["followups"] = _Long(b'"seq"', _log_arrays(followups))
    # Made a batch at a time as they are written: each holds its entry's text, twice.
    actions = _Long(b'"summary"', _action_arrays(review.action_items))
    data = _json_data(review, incident, actions, _stamp)
    data["timeline"] = _Long(b'"seq"', _timeline_arrays(review.timeline))
    data["events"] = _Long(b'"v"', _event_arrays(review.events))
    yield from _pieces(data)
    yield b"\n"


def _grown(pieces: Iterable[bytes]) -> str:
    """UTF-8 pieces as one string, grown in place: CPython extends a string that nothing else
    holds without copying it, so a large export is never held twice (as its parts and their
    join, or as bytes and their decoding). Each piece ends between two characters."""
    text = ""
    for piece in pieces:
        text += piece.decode("utf-8")
    return text


def to_json(review: Review) -> str:
    """The JSON export."""
    return _grown(json_pieces(review))


def _cell(text: str) -> str:
    """Control characters made visible, and a spreadsheet never runs a cell as a formula: a
    leading = + - @ gets a quote."""
    text = printable(text, keep_newlines=True)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def to_csv(review: Review) -> str:
    """Action items in columns a tracker import understands."""
    return "".join(csv_pieces(review))


def csv_pieces(review: Review) -> Iterator[str]:
    """`to_csv` a batch of rows at a time (each action item holds its entry's text twice)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    label = f"postmortem,{review.state.incident_id}"
    for batch in _batches(review.action_items, _BODY):
        for item in batch:
            writer.writerow(
                (
                    _cell(item.summary),
                    _cell(item.description),
                    _cell(item.owner),
                    item.due.isoformat() if item.due else "",
                    label,
                )
            )
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    if out.tell():
        yield out.getvalue()


def _text_pieces(review: Review) -> Iterator[str]:
    """The JSON export's pieces as text (each piece ends between two characters)."""
    for piece in json_pieces(review):
        yield piece.decode("utf-8")


#: Each format as pieces of text, in order, written as they are made.
STREAMERS: dict[str, Callable[[Review], Iterable[str]]] = {
    "md": lambda review: markdown_pieces(build_postmortem(review)),
    "html": lambda review: html_pieces(build_postmortem(review)),
    "json": _text_pieces,
    "csv": csv_pieces,
}


@dataclass(frozen=True, slots=True)
class Needs:
    """What a format reads of the incident beyond its state, so the review loads only that:
    the timeline, every event as JSON, the figures (the metrics' feed)."""

    timeline: bool
    events_json: bool
    metrics: bool = True


NEEDS: dict[str, Needs] = {
    "md": Needs(timeline=True, events_json=False),
    "html": Needs(timeline=True, events_json=False),
    "json": Needs(timeline=True, events_json=True),
    "csv": Needs(timeline=False, events_json=False, metrics=False),
}


RENDERERS: dict[str, Callable[[Review], str]] = {
    "md": to_markdown,
    "html": to_html,
    "json": to_json,
    "csv": to_csv,
}


def export(
    events: Sequence[Event],
    state: IncidentState,
    fmt: str,
    *,
    policy: DuePolicy | None = None,
    cadence: Cadence | None = None,
) -> str:
    """The incident in `fmt` (one of FORMATS)."""
    if fmt not in RENDERERS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    with gc_paused():
        return RENDERERS[fmt](build_review(events, state, policy=policy, cadence=cadence))


def export_pieces(
    events: Sequence[Event],
    state: IncidentState,
    fmt: str,
    *,
    policy: DuePolicy | None = None,
    cadence: Cadence | None = None,
) -> Iterator[str]:
    """`export` as pieces of text, in order, each made as it is asked for: a long export is
    written as it is rendered, never held whole (the same text as `export`, joined)."""
    if fmt not in STREAMERS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    with gc_paused():
        yield from STREAMERS[fmt](build_review(events, state, policy=policy, cadence=cadence))


def export_bytes(
    events: Sequence[Event],
    state: IncidentState,
    fmt: str,
    *,
    policy: DuePolicy | None = None,
    cadence: Cadence | None = None,
) -> Iterator[bytes]:
    """`export_pieces` as UTF-8, for a file: the JSON export as its serializer writes it, never
    decoded to text and encoded back (80 MB of each at 100,000 events). Each piece ends between
    two characters."""
    if fmt not in STREAMERS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    with gc_paused():
        # The review goes straight to the writer, never into a name here: the writer lets go
        # of what it has written (10,000 entries of 20 kB peaked 22 MB higher with it kept).
        if fmt == "json":
            yield from json_pieces(build_review(events, state, policy=policy, cadence=cadence))
        else:
            pieces = STREAMERS[fmt](build_review(events, state, policy=policy, cadence=cadence))
            for piece in pieces:
                yield piece.encode("utf-8")
