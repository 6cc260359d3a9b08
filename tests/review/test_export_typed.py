"""The JSON export's typed writers give what the generic walk (`_plain`) gives (issue 13: the
figures of a 100,000-event incident were a third of a second of `_plain`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st
from pydantic_core import TzInfo

from ic_console.domain.model import DecisionStatus, TaskStatus
from ic_console.review.command_figures import DecisionFigures, ObjectionFigures
from ic_console.review.export import _decision_json, _plain, _task_json, metrics_json
from ic_console.review.parts import Review
from ic_console.review.task_figures import Extension, TaskFigures

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
