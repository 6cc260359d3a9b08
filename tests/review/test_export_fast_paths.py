"""The export's fast paths give what the plain ways give, and long follow-ups are not held twice
while an export is written (issue 13: memory of 10,000 entries of 20 kB)."""

from __future__ import annotations

import re
import tracemalloc
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st
from pydantic_core import to_json

from ic_console.domain import commands as c
from ic_console.domain.model import LogKind, Role
from ic_console.domain.records import LogEntry
from ic_console.domain.views import log_entry_view
from ic_console.review import checks
from ic_console.review.export import _log_item, _log_row, export_pieces
from ic_console.review.parts import action_items
from ic_console.review.source import open_for_review
from ic_console.review.text import utc
from ic_console.synthetic import ScriptedIncident

START = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


def _times() -> list[datetime | None]:
    plus_two = timezone(timedelta(hours=2))
    return [
        None,
        START,
        START + timedelta(microseconds=5),
        START.astimezone(plus_two),
        START.replace(tzinfo=None),
    ]


def test_log_item_is_log_entry_view() -> None:
    for recorded in _times()[1:]:
        for occurred in _times():
            assert recorded is not None
            entry = LogEntry(7, recorded, "Sam", LogKind.FOLLOWUP, "roll back", occurred)
            assert _log_item(entry) == log_entry_view(entry)


def test_log_row_is_written_as_log_item() -> None:
    """The batch serializer writes a scribe entry's UTC times itself: the same bytes."""
    for recorded in _times()[1:]:
        for occurred in _times():
            assert recorded is not None
            entry = LogEntry(7, recorded, "Sam", LogKind.FOLLOWUP, "roll back", occurred)
            assert to_json(_log_row(entry)) == to_json(_log_item(entry))


def _token_check(text: str) -> bool:
    """The blameless check's first test as it was written: any trigger word among the tokens."""
    return not checks._TRIGGER_WORDS.isdisjoint(re.findall(r"[a-z']+", text.lower()))


_WORDS = st.sampled_from(
    [*sorted(checks._TRIGGER_WORDS), "x", "'", "-", " ", "Caused", "blamed'", "causes", "İ"]
)


@given(st.lists(st.one_of(_WORDS, st.text(max_size=3)), max_size=8).map("".join))
def test_trigger_search_is_the_token_check(text: str) -> None:
    assert (checks._ANY_TRIGGER.search(text.lower()) is not None) is _token_check(text)


def _followups(root: Path, count: int, size: int, *, prefixed: bool = True) -> Path:
    script = ScriptedIncident(START)
    script.run(c.Declare(incident_id="long-followups", title="Long follow-ups", severity=2))
    script.run(c.AssignRole(role=Role.IC, name="Alex"))
    filler = "add a check for the shard lag " * (size // 30 + 1)
    for step in range(count):
        script.clock.advance(2)
        kind = LogKind.FOLLOWUP if step % 2 else LogKind.NOTE
        text = f"Entry {step}: {filler}"[: size - 6]
        todo = prefixed and step % 4 == 0
        script.run(c.AddLogEntry(text=f"todo: {text}" if todo else text, kind=kind))
    script.clock.advance(2)
    script.run(c.Resolve())
    return script.write(root)


def test_action_item_description_names_where_it_was_raised(tmp_path: Path) -> None:
    source = open_for_review(tmp_path, str(_followups(tmp_path, 8, 200)))
    items = action_items(source.state)
    # Follow-ups (odd steps) and the notes prefixed "todo:" (steps 0 and 4).
    assert [item.seq for item in items] == [4, 5, 7, 8, 9, 11]
    first = items[0]
    assert first.body.startswith("Entry 0: add a check")
    assert first.description == (
        f"{first.body}\n\nRaised during incident long-followups (Long follow-ups) "
        f"by {first.raised_by} at {utc(first.raised_at)}."
    )


def _export_peak(root: Path, count: int, fmt: str) -> int:
    """Peak bytes allocated while `fmt` of `count` entries of 20,000 characters is written."""
    directory = _followups(root / str(count), count, 20_000, prefixed=False)
    tracemalloc.start()
    try:
        source = open_for_review(root, str(directory), keep_json=fmt == "json")
        written = 0
        for piece in export_pieces(source.events, source.state, fmt):
            written += len(piece)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert written > count * 10_000  # at least the follow-ups
    return peak


def test_exports_do_not_hold_every_followup_twice(tmp_path: Path) -> None:
    """Three times the entries (600 more of 20,000 characters: 12 MB more text, half of it
    follow-ups) cost the whole review and export (the state's log book, the action items, the
    batch being written) well under three copies of the added text: it holds a batch at a time,
    never every entry or action item's description as well (which holds the entry's text)."""
    added = 600 * 20_000
    for fmt in ("json", "csv", "md"):
        small = _export_peak(tmp_path / fmt, 300, fmt)
        large = _export_peak(tmp_path / fmt, 900, fmt)
        assert large - small < 2.5 * added, (fmt, small, large)


def test_an_event_that_does_not_fit_stops_the_review_before_it(tmp_path: Path) -> None:
    """The fold takes a batch at a time; an event in the middle that does not fit still keeps
    every event before it, and the exports say so."""
    import json

    from ic_console.domain.events import EVENT_ADAPTER
    from ic_console.store.eventlog import decode_body, encode

    directory = _followups(tmp_path, 20, 100)
    path = directory / "events.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    body = json.loads(decode_body(lines[9].rstrip(b"\n"), path=path, number=10))
    body["data"] = {"type": "task.done", "number": 42}
    lines[9] = encode(EVENT_ADAPTER.validate_python(body))
    path.write_bytes(b"".join(lines))
    source = open_for_review(tmp_path, str(directory))
    assert source.state.last_seq == 9
    assert len(source.events) == 9
    assert any("event 10 (task.done) does not fit the incident" in n for n in source.notices)
    text = "".join(export_pieces(source.events, source.state, "md"))
    assert "Entry 4:" in text and "Entry 6:" not in text


@given(st.text(alphabet=st.sampled_from([*"\\`*_[]<>|", "a", " ", "-", "é", "\x1b", "\n"])))
def test_markdown_escapes_are_the_translation(text: str) -> None:
    from ic_console.review.text import MD_ESCAPES, md_cell, md_escape, one_line, printable

    assert md_escape(text) == printable(text).translate(MD_ESCAPES)
    assert md_cell(text) == (
        text.translate(MD_ESCAPES)
        if text.isprintable()
        else printable(one_line(text)).translate(MD_ESCAPES)
    )


@given(
    st.lists(
        st.sampled_from([*"ftax-_\t :\n\u00a0İſ", "todo", "TODO", "Follow", "up"]),
        max_size=8,
    ).map("".join)
)
def test_kind_prefix_folded_at_once_is_folded_a_character_at_a_time(text: str) -> None:
    """`split_kind_prefix` folds a prefix with one `translate`; `is_followup` turns most texts
    away with one match first: both give what folding a character at a time gives."""
    from ic_console.domain.model import LogKind
    from ic_console.domain.parse import KIND_PREFIXES, is_followup, split_kind_prefix

    def by_character(text: str) -> tuple[LogKind | None, str]:
        head, colon, rest = text.partition(":")
        if not colon or len(head.split()) > 2 or head != head.lstrip():
            return None, text
        folded = "".join(ch for ch in head.strip().lower() if ch not in " -_\t")
        kind = KIND_PREFIXES.get(folded)
        return (None, text) if kind is None else (kind, rest.strip())

    assert split_kind_prefix(text) == by_character(text)
    for kind in LogKind:
        expected = kind is LogKind.FOLLOWUP or by_character(text.lstrip())[0] is LogKind.FOLLOWUP
        assert is_followup(kind, text) is expected


def test_timeline_json_is_the_value_serializer() -> None:
    """The typed timeline serializer writes what pydantic's serializer of any value writes,
    whatever the times' zones, the role, or characters JSON must escape."""
    from pydantic_core import to_json

    from ic_console.domain.model import Role
    from ic_console.review.export import _timeline_serializer
    from ic_console.review.timeline import EntryKind, TimelineEntry

    entries = [
        TimelineEntry(
            seq,
            when,
            START,
            occurred,
            'Sam "Q" \u00e9',
            role,
            kind,
            "log.entry",
            'text "quoted" \\ \n\x1b é 😀\u2028',
            ("Sam", "Alex"),
        )
        for seq, (when, occurred, role, kind) in enumerate(
            [
                (START, None, None, EntryKind.NOTE),
                (START.replace(tzinfo=None), START, Role.IC, EntryKind.TASK),
                (
                    START.astimezone(timezone(timedelta(hours=-3))),
                    None,
                    Role.SCRIBE,
                    EntryKind.MERGE,
                ),
                (START + timedelta(microseconds=7), START, None, EntryKind.FOLLOWUP),
            ],
            start=1,
        )
    ]
    assert _timeline_serializer().to_json(entries) == to_json(entries)


def test_the_blame_check_reads_the_log_without_listing_it() -> None:
    """The log book builds each entry's text when asked: a check that listed every text first
    held the whole log a second time (an export of 10,000 entries of 20 kB peaked at 475 MB)."""
    from datetime import UTC, datetime

    from ic_console.domain.logbook import LogBook
    from ic_console.domain.model import LogKind
    from ic_console.domain.records import LogEntry
    from ic_console.domain.state import IncidentState
    from ic_console.review.parts import blame_notes

    at = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
    texts = 500 * 20_000  # over what a book keeps built (KEEP_BUILT_TEXT)
    book = LogBook(
        LogEntry(n, at, "Alex", LogKind.NOTE, f"{n:05d} " + "checked the dashboards " * 870)
        for n in range(500)
    )
    state = IncidentState(log=book)
    tracemalloc.start()
    try:
        assert blame_notes(state) == []
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < texts // 4, peak


@given(
    st.datetimes(
        min_value=datetime(1970, 1, 2),
        max_value=datetime(2200, 1, 1),
        timezones=st.sampled_from(
            [UTC, ZoneInfo("Europe/London"), timezone(timedelta(0)), timezone(timedelta(hours=-5))]
        )
        | st.none(),
    )
)
def test_iso_of_a_utc_time_is_the_converted_one(when: datetime) -> None:
    """`views.iso` skips the conversion for a time already at offset zero; same text."""
    from ic_console.domain.views import iso

    aware = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    assert iso(when) == aware.astimezone(UTC).isoformat().replace("+00:00", "Z")


def test_a_list_of_numbers_is_laid_out_as_pydantic_writes_each() -> None:
    from ic_console.review.export import _layout

    numbers = [1, -2, 30_000_000_000, 0]
    assert _layout({"n": numbers}) == b'{\n "n": [\n  1,\n  -2,\n  30000000000,\n  0\n ]\n}'
    assert _layout([True, 1]) == b"[\n true,\n 1\n]"  # a bool is not taken for a number
