"""The JSON export's typed writers give what the generic ways give: the figures what `_plain`
walks out of them, the incident's lists what `incident_view` makes, times left to the
serializer what `iso` writes (issue 13: a third of a second of a 100,000-event export)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter
from pydantic_core import TzInfo, to_json

from ic_console.cli import main
from ic_console.domain import commands as c
from ic_console.domain.model import Audience, DecisionStatus, LogKind, Role, TaskStatus
from ic_console.domain.records import Decision, Objection, Task
from ic_console.domain.state import IncidentState
from ic_console.domain.views import decision_view, incident_view, iso, log_entry_view, task_view
from ic_console.review import export
from ic_console.review.command_figures import DecisionFigures, ObjectionFigures
from ic_console.review.export import (
    FORMATS,
    NEEDS,
    _decision_json,
    _decision_row,
    _incident_rows,
    _plain,
    _stamp,
    _task_json,
    _task_row,
    _timeline_serializer,
    export_bytes,
    export_pieces,
    metrics_json,
)
from ic_console.review.parts import Review
from ic_console.review.source import open_for_review
from ic_console.review.task_figures import Extension, TaskFigures
from ic_console.review.timeline import TimelineEntry
from ic_console.synthetic import ScriptedIncident

from .fixture import GOLDEN_ID, build
from .render_fixture import TRICKY_ID, write

#: Times as the log stores them: aware, in UTC or (written by hand) another offset.
_ZONES = st.sampled_from(
    [UTC, TzInfo(0), ZoneInfo("Europe/London"), timezone(timedelta(hours=-3, minutes=-30))]
)
_TIMES = st.builds(
    lambda when, zone: when.replace(tzinfo=zone),
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)),
    _ZONES,
)
_SPANS = st.one_of(
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=30)),
    st.integers(0, 10**6).map(lambda s: timedelta(seconds=s)),
)
_TEXT = st.text(max_size=12)

_TASKS = st.builds(
    TaskFigures,
    number=st.integers(1, 10**6),
    owner=_TEXT,
    text=_TEXT,
    assigned_at=_TIMES,
    timebox=_SPANS,
    extensions=st.lists(st.builds(Extension, _TIMES, _SPANS, _TIMES), max_size=3).map(tuple),
    reassignments=st.integers(0, 5),
    acknowledged_at=st.none() | _TIMES,
    status=st.sampled_from(TaskStatus),
    closed_at=st.none() | _TIMES,
    overrun=_SPANS,
)
_DECISIONS = st.builds(
    DecisionFigures,
    number=st.integers(1, 10**6),
    text=_TEXT,
    proposed_by=_TEXT,
    proposed_at=_TIMES,
    status=st.sampled_from(DecisionStatus),
    closed_at=st.none() | _TIMES,
    objections=st.lists(st.builds(ObjectionFigures, _TEXT, _TEXT, _TIMES), max_size=3).map(tuple),
)


def _walked_task(task: TaskFigures) -> dict[str, Any]:
    """A task as the export wrote it with the generic walk."""
    data: dict[str, Any] = _plain(task)
    data["time_to_acknowledge"] = _plain(task.time_to_acknowledge)
    return data


@given(_TASKS)
def test_task_writer_is_the_walk(task: TaskFigures) -> None:
    typed = _task_json(task)
    walked = _walked_task(task)
    assert typed == walked
    assert list(typed) == list(walked)  # the same order of keys: the same bytes
    assert [type(v) for v in typed.values()] == [type(v) for v in walked.values()]


@given(_DECISIONS)
def test_decision_writer_is_the_walk(decision: DecisionFigures) -> None:
    typed = _decision_json(decision)
    walked = _plain(decision)
    assert typed == walked
    assert list(typed) == list(walked)
    assert [type(v) for v in typed.values()] == [type(v) for v in walked.values()]


def test_metrics_of_the_golden_incident_are_the_walk(golden_review: Review) -> None:
    m = golden_review.metrics
    assert m.tasks and m.decisions
    assert any(t.extensions for t in m.tasks) and any(d.objections for d in m.decisions)
    data = metrics_json(m)
    walked: dict[str, Any] = _plain(m)
    assert list(data)[: len(walked)] == list(walked)
    assert data["tasks"] == [_walked_task(task) for task in m.tasks]
    assert data["decisions"] == walked["decisions"]


# -- times left to the serializer, and the incident's view -------------------------------------


@given(st.datetimes(timezones=st.sampled_from([UTC, TzInfo(0), ZoneInfo("Europe/London")])))
def test_a_stamp_left_to_the_serializer_is_written_as_iso(when: datetime) -> None:
    assert to_json(_stamp(when)) == to_json(iso(when))


@given(_TIMES)
def test_any_stamp_is_written_as_iso(when: datetime) -> None:
    assert to_json(_stamp(when)) == to_json(iso(when))
    assert _stamp(None) is None


_RECORD_TASKS = st.builds(
    Task,
    number=st.integers(1, 10**6),
    owner=_TEXT,
    text=_TEXT,
    assigned_at=_TIMES,
    assigned_by=_TEXT,
    timebox=_SPANS,
    deadline=_TIMES,
    status=st.sampled_from(TaskStatus),
    acknowledged_at=st.none() | _TIMES,
    closed_at=st.none() | _TIMES,
    extensions=st.integers(0, 3),
    reassignments=st.integers(0, 3),
)
_RECORD_DECISIONS = st.builds(
    Decision,
    number=st.integers(1, 10**6),
    text=_TEXT,
    proposed_by=_TEXT,
    proposed_at=_TIMES,
    status=st.sampled_from(DecisionStatus),
    objections=st.lists(st.builds(Objection, _TEXT, _TEXT, _TIMES), max_size=3),
    closed_at=st.none() | _TIMES,
)


@given(_RECORD_TASKS, _TIMES)
def test_task_row_is_task_view(task: Task, now: datetime) -> None:
    assert to_json(_task_row(task, now)) == to_json(task_view(task, now))


@given(_RECORD_DECISIONS)
def test_decision_row_is_decision_view(decision: Decision) -> None:
    assert to_json(_decision_row(decision)) == to_json(decision_view(decision))


def _incident_json(state: IncidentState, now: datetime) -> bytes:
    view = _incident_rows(state, now)
    view["log"] = [log_entry_view(entry) for entry in state.log]
    view["followups"] = [log_entry_view(entry) for entry in state.followups()]
    return to_json(view)


def test_incident_rows_are_incident_view(golden_review: Review) -> None:
    """The golden incident has tasks of every status, decisions with objections, updates."""
    state = golden_review.state
    assert state.tasks and state.decisions and state.updates
    for now in (golden_review.metrics.as_of, datetime(2030, 1, 1, tzinfo=UTC)):
        assert _incident_json(state, now) == to_json(incident_view(state, now))


def test_incident_rows_of_an_active_incident_are_incident_view() -> None:
    """Open tasks (their countdowns, one overdue), an open decision, an update still due."""
    start = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
    script = ScriptedIncident(start)
    script.run(c.Declare(incident_id="open-one", title="Open", severity=2))
    script.run(c.AssignRole(role=Role.IC, name="Alex"))
    script.run(c.AssignTask(owner="Sam", text="look", timebox=timedelta(minutes=5)))
    script.clock.advance(600)
    script.run(c.AssignTask(owner="Kim", text="roll back", timebox=timedelta(minutes=30)))
    script.run(c.PostUpdate(audience=Audience.INTERNAL, text="looking"))
    script.run(c.ProposeDecision(text="fail over"))
    state = script.state
    assert len(state.open_tasks()) == 2 and state.open_decisions()
    for now in (start + timedelta(minutes=11), start + timedelta(hours=5, microseconds=3)):
        assert _incident_json(state, now) == to_json(incident_view(state, now))


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_bytes_are_the_pieces_in_utf8(tmp_path: Path, fmt: str) -> None:
    """What `ic export -o FILE` writes: the text of `export_pieces`, in UTF-8 (non-ASCII
    names and texts, entries in several batches)."""
    write(tmp_path, count=300)
    source = open_for_review(tmp_path, TRICKY_ID, keep_json=NEEDS[fmt].events_json)
    text = "".join(export_pieces(source.events, source.state, fmt))
    assert "Zoë" in text
    data = b"".join(export_bytes(source.events, source.state, fmt))
    assert data == text.encode("utf-8")


def test_timeline_serializer_is_the_dataclass_serializer(tmp_path: Path) -> None:
    """The export's timeline serializer, written field by field, writes what pydantic's own
    serializer of `TimelineEntry` writes: every field (one added to the entry and not to the
    serializer fails here), long texts read from the log book, roles and kinds as strings."""
    script = ScriptedIncident(datetime(2026, 11, 23, 14, 0, tzinfo=UTC))
    script.run(c.Declare(incident_id="long-one", title="Long", severity=2))
    script.run(c.AssignRole(role=Role.IC, name="Alex"))
    script.run(c.AddLogEntry(text="é " * 1500, kind=LogKind.NOTE), actor="Zoë")
    script.run(c.AssignTask(owner="Sam", text="look", timebox=timedelta(minutes=5)))
    script.write(tmp_path)
    timeline = open_for_review(tmp_path, "long-one").events.timeline
    assert timeline is not None
    assert any(type(entry) is not TimelineEntry for entry in timeline)  # a long text, by book
    assert any(entry.role is not None for entry in timeline)
    reference = TypeAdapter(list[TimelineEntry]).dump_json(timeline)
    assert _timeline_serializer().to_json(timeline) == reference


@dataclass(frozen=True)
class _Texted:
    text: str


@given(
    st.lists(st.integers(0, 40), max_size=40),
    st.integers(1, 6),
    st.integers(0, 60),
)
def test_batches_of_a_list_are_the_batches_of_any_iterable(
    lengths: list[int], most: int, chars: int
) -> None:
    """The list's batches (cut by running sums) are the one-by-one loop's batches, for any
    limits: by count, by characters, an entry longer than the limit, empty texts."""
    entries = [_Texted("x" * n) for n in lengths]
    before = export.JSON_BATCH, export.JSON_CHARS
    export.JSON_BATCH, export.JSON_CHARS = most, chars
    try:
        by_list = list(export._batches(entries))
        one_by_one = list(export._batches(iter(entries)))
    finally:
        export.JSON_BATCH, export.JSON_CHARS = before
    assert by_list == one_by_one
    assert [e for batch in by_list for e in batch] == entries


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_to_a_file_is_the_golden_export(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    """`ic export -o FILE` writes its UTF-8 pieces as they are made: the golden bytes, and the
    same text as the export to stdout."""
    build(home)
    target = tmp_path / f"export.{fmt}"
    assert main(["export", GOLDEN_ID, "-f", fmt, "-o", str(target)]) == 0
    golden = Path(__file__).parent / "golden" / f"{GOLDEN_ID}.{fmt}"
    assert target.read_bytes() == golden.read_bytes()
    capsys.readouterr()
    assert main(["export", GOLDEN_ID, "-f", fmt]) == 0
    assert capsys.readouterr().out.encode("utf-8") == golden.read_bytes()
