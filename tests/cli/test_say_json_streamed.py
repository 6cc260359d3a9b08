"""`--json` output is written as it is encoded (issue 13's bounded memory): the same text as
`json.dumps(indent=2)`, without every piece of it held in a list and joined first (`ic show
--json` of a 100,000-event incident peaked at 267 MB, 90 MB now; of 10,000 entries of 20 kB,
297 MB, 54 MB now: its scribe log's rows are made as they are written)."""

from __future__ import annotations

import io
import json
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ic_console.cli import Context
from ic_console.cli.common import say_json
from ic_console.domain import commands as c
from ic_console.domain import views
from ic_console.domain.clock import FakeClock
from ic_console.domain.events import envelope
from ic_console.domain.model import LogKind, Role
from ic_console.domain.state import IncidentState, apply, replay

START = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


def _context(out: io.TextIOBase) -> Context:
    return Context(home=Path("/nonexistent"), actor_given="Alex", out=out, err=io.StringIO())


def _data(entries: int) -> dict[str, object]:
    return {
        "id": "checkout",
        "title": "Checkout \u201cerrors\u201d \u2014 EU \x07",
        "log": [
            {"seq": n, "text": f"entry {n} \u00e9\n", "kind": "note", "occurred_at": None}
            for n in range(entries)
        ],
        "empty": [],
        "nested": {"a": [1, 2.5, True, None], "b": {}},
    }


def test_the_text_is_json_dumps_with_an_indent() -> None:
    for entries in (0, 1, 3, 5000):  # across several writes of pieces
        data = _data(entries)
        out = io.StringIO()
        say_json(_context(out), data)
        assert out.getvalue() == json.dumps(data, indent=2, ensure_ascii=False) + "\n"


class _Counting(io.TextIOBase):
    """A stream that keeps only how much was written (as a pipe or a file would)."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, text: str) -> int:
        self.size += len(text)
        return len(text)


def test_a_long_output_is_not_held_whole() -> None:
    data = _data(40_000)
    out = _Counting()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        say_json(_context(out), data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert out.size > 4_000_000
    # Held at once: a few thousand pieces, never the text (let alone its pieces) whole.
    assert peak < out.size / 4, (peak, out.size)


def _long_log_state(entries: int, size: int) -> IncidentState:
    state = replay([])
    clock = FakeClock(START)
    for command in (
        c.Declare(incident_id="wide", title="Wide entries", severity=2),
        c.AssignRole(role=Role.IC, name="Alex"),
    ):
        _fold(state, command, clock)
    kinds = (LogKind.NOTE, LogKind.FOLLOWUP, LogKind.STATUS)
    for n in range(entries):
        clock.advance(2)
        text = f"Entry {n}: " + "lorem ipsum " * (size // 12)
        _fold(state, c.AddLogEntry(text=text, kind=kinds[n % 3]), clock)
    return state


def _fold(state: IncidentState, command: c.Command, clock: FakeClock) -> None:
    now = clock.now()
    for event in envelope(
        c.decide(command, state, now, "Alex"),
        after_seq=state.last_seq,
        at=now,
        actor="Alex",
        role=None,
        new_id=lambda: f"e{state.last_seq + 1}",
    ):
        apply(state, event)


def test_show_json_writes_the_log_as_it_goes_and_says_the_same() -> None:
    # Texts past what a log book keeps built once iterated (`logbook.KEEP_BUILT_TEXT`).
    state = _long_log_state(2100, 5000)
    now = START + timedelta(hours=2)
    whole = views.incident_view(state, now)
    assert len(whole["log"]) == 2100 and len(whole["followups"]) == 700
    out = io.StringIO()
    say_json(_context(out), views.incident_view(state, now, rows_as_made=True))
    assert out.getvalue() == json.dumps(whole, indent=2, ensure_ascii=False) + "\n"
    del whole
    sink = _Counting()
    view = views.incident_view(state, now, rows_as_made=True)
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        say_json(_context(sink), view)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sink.size > 10_000_000
    assert peak < sink.size / 4, (peak, sink.size)


def test_a_log_without_follow_ups_is_an_empty_list() -> None:
    state = replay([])
    clock = FakeClock(START)
    _fold(state, c.Declare(incident_id="quiet", title="Quiet", severity=3), clock)
    _fold(state, c.AddLogEntry(text="a note", kind=LogKind.NOTE), clock)
    now = START + timedelta(minutes=5)
    out = io.StringIO()
    say_json(_context(out), views.incident_view(state, now, rows_as_made=True))
    whole = views.incident_view(state, now)
    assert whole["followups"] == []
    assert out.getvalue() == json.dumps(whole, indent=2, ensure_ascii=False) + "\n"
