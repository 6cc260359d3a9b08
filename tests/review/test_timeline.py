"""The timeline: worked forwards by when things happened, with both times kept."""

from __future__ import annotations

from itertools import pairwise

from ic_console.domain import commands as c
from ic_console.domain.model import LogKind, Role
from ic_console.review.timeline import (
    EntryKind,
    build_timeline,
    filter_timeline,
    next_marker,
    people_in,
)

from .helpers import Recorder, minutes


def sample() -> Recorder:
    r = Recorder()
    r.do(1, c.AssignRole(role=Role.IC, name="Alex"))
    r.do(2, c.AssignTask(owner="Sam", text="Check the deploy", timebox=minutes(5)))
    r.do(3, c.AcknowledgeTask(number=1), "Sam")
    r.do(4, c.ChangeSeverity(severity=1))
    r.do(10, c.AddLogEntry(text="Alert fired at 13:50", occurred_at=r.at(-10)), "Priya")
    r.do(12, c.AddLogEntry(text="TODO: add a canary", kind=LogKind.FOLLOWUP), "Priya")
    r.do(15, c.Handover(name="Tatiana"))
    return r


def test_sorted_by_when_it_happened_with_both_times_kept() -> None:
    entries = build_timeline(sample().events)
    first = entries[0]
    assert first.text == "Alert fired at 13:50"
    assert first.occurred_at == first.when
    assert first.recorded_late == minutes(20)
    assert all(a.when <= b.when for a, b in pairwise(entries))
    assert all(e.occurred_at is None for e in entries[1:])


def test_entries_describe_events_in_words() -> None:
    texts = [e.text for e in build_timeline(sample().events)]
    assert "Task 1 assigned to Sam (5m): Check the deploy" in texts
    assert "Sam acknowledged task 1" in texts
    assert "Severity raised from SEV-2 to SEV-1" in texts
    assert "Alex handed over command to Tatiana" in texts


def test_filter_by_kind_person_and_text() -> None:
    entries = build_timeline(sample().events)
    assert {e.kind for e in filter_timeline(entries, kinds=[EntryKind.TASK])} == {EntryKind.TASK}
    sam = filter_timeline(entries, person="sam")
    assert sam and all("Sam" in e.people for e in sam)
    assert [e.text for e in filter_timeline(entries, text="CANARY")] == ["TODO: add a canary"]
    assert filter_timeline(entries, kinds=[EntryKind.UPDATE]) == []


def test_people_in_order_of_appearance() -> None:
    assert people_in(build_timeline(sample().events))[:3] == ["Priya", "Alex", "Sam"]


def test_jumping_between_turning_points() -> None:
    entries = build_timeline(sample().events)
    severity = next_marker(entries, -1, EntryKind.SEVERITY)
    assert severity is not None and entries[severity].kind is EntryKind.SEVERITY
    assert next_marker(entries, severity, EntryKind.SEVERITY) is None
    role = next_marker(entries, len(entries), EntryKind.ROLE, backwards=True)
    assert role is not None and "handed over" in entries[role].text
