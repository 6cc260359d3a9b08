"""The one vocabulary of events: complete, and what every face shows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import get_args

from hypothesis import given, settings
from hypothesis import strategies as st

from ic_console.domain import events as ev
from ic_console.domain.describe import (
    VOCABULARY,
    Narrator,
    describe,
    go_ahead_sentence,
    payload_types,
    searchable_fields,
    types_in,
)
from ic_console.domain.log_rows import event_rows
from ic_console.domain.model import LogKind
from ic_console.review.timeline import EntryKind, build_timeline
from test_properties import PAYLOADS

AT = datetime(2026, 11, 24, 22, 0, tzinfo=UTC)


def _event(seq: int, data: ev._Payload, actor: str = "Alex") -> ev.Event:
    return ev.Event(
        seq=seq, id=f"{seq:032x}", at=AT + timedelta(minutes=seq), actor=actor, data=data
    )  # type: ignore[arg-type]


def test_every_payload_type_of_the_union_is_described() -> None:
    """Adding a payload to the event union without describing it fails here."""
    union = set(get_args(get_args(ev.Payload)[0]))
    assert union == set(payload_types())
    missing = sorted(cls.__name__ for cls in union - set(VOCABULARY))
    assert not missing, f"describe these payload types in domain/describe.py: {missing}"
    assert set(VOCABULARY) <= union


def test_searchable_fields_name_text_fields_of_their_payload() -> None:
    by_type = {cls.model_fields["type"].default: cls for cls in payload_types()}
    fields = searchable_fields()
    assert fields["log.added"] == (("text", "log"),)
    assert fields["incident.declared"] == (("title", "title"),)
    for type_name, pairs in fields.items():
        for name, _where in pairs:
            assert by_type[type_name].model_fields[name].annotation is str


def test_categories_are_the_timelines_kinds_and_metrics_asks_by_them() -> None:
    for entry in VOCABULARY.values():
        assert entry.category is None or EntryKind(entry.category)
    assert types_in("task") == {
        ev.TaskAssigned,
        ev.TaskAcknowledged,
        ev.TaskExtended,
        ev.TaskReassigned,
        ev.TaskDone,
        ev.TaskCancelled,
        ev.TaskReopened,
        ev.TaskUnacknowledged,
        ev.TaskExtensionUndone,
    }
    assert ev.LogEntryAdded not in types_in("note", "action", "status", "followup")


@settings(max_examples=300)
@given(st.one_of(*PAYLOADS.values()))
def test_any_payload_has_all_its_words(data: ev._Payload) -> None:
    words = describe(data)  # type: ignore[arg-type]
    declared = VOCABULARY[type(data)].category
    assert words.category == (declared or data.kind.value)  # type: ignore[attr-defined]
    assert words.short and words.long and words.said
    assert words.log_kind in {
        "note", "action", "status", "followup", "decision", "task", "role",
        "severity", "phase", "update", "system",
    }  # fmt: skip


def test_the_three_forms_of_one_event() -> None:
    narrator = Narrator()
    narrator.describe(ev.TaskAssigned(number=3, owner="Jordan", text="check replica lag",
                                      timebox_seconds=300, deadline=AT))  # fmt: skip
    words = narrator.describe(ev.TaskDone(number=3))
    assert words.short == "#3 done"
    assert words.long == "Task 3 (Jordan: check replica lag) done"
    assert words.said == "Task 3 done."
    assert words.people == ("Jordan",)


def test_accepting_over_objections_says_so_in_the_log_pane() -> None:
    events = [
        _event(1, ev.DecisionProposed(number=1, text="roll back")),
        _event(2, ev.ObjectionRaised(number=1, by="Dana", text="drops carts")),
        _event(3, ev.DecisionAccepted(number=1)),
        _event(4, ev.DecisionProposed(number=2, text="page the database team")),
        _event(5, ev.DecisionAccepted(number=2)),
    ]
    rows = event_rows(events)
    assert rows[2].text == "D1 accepted over 1 objection (Dana)"
    assert rows[4].text == "D2 accepted: hearing no strong objections"
    # The same narrator carries the past from one batch to the next, as the console reads them.
    narrator = Narrator()
    event_rows(events[:2], narrator)
    assert event_rows(events[2:3], narrator)[0].text == "D1 accepted over 1 objection (Dana)"
    # The timeline keeps its wording (the goldens hold it).
    assert build_timeline(events)[2].text == "Decision 1 accepted"


def test_the_go_ahead_sentence_never_says_hearing_none_over_an_objection() -> None:
    assert go_ahead_sentence([]) == "Hearing none, let's proceed."
    assert go_ahead_sentence(["Dana"]) == "I have heard the objection from Dana. We go ahead."
    assert go_ahead_sentence(["Dana", "Kim", "Dana"]) == (
        "I have heard the objections from Dana and Kim. We go ahead."
    )


def test_log_rows_and_timeline_agree_on_scribe_entries() -> None:
    entry = ev.LogEntryAdded(kind=LogKind.ACTION, text="rolled back", occurred_at=AT)
    (row,) = event_rows([_event(1, entry)])
    (line,) = build_timeline([_event(1, entry)])
    assert (row.kind, row.text, row.occurred_at) == ("action", "rolled back", AT)
    assert (line.kind, line.text) == (EntryKind.ACTION, "rolled back")
