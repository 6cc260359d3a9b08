"""Full-text search across incidents."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from ic_console.domain.clock import FakeClock
from ic_console.domain.commands import AddLogEntry, AssignTask, Declare, PostUpdate
from ic_console.domain.model import Audience
from ic_console.review.search import search
from ic_console.store.incident import IncidentStore

from .fixture import GOLDEN_ID, build


def make(root: Path, incident_id: str, title: str, *lines: str) -> IncidentStore:
    clock = FakeClock(datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
    store = IncidentStore.create(
        root, Declare(incident_id=incident_id, title=title), clock=clock, actor="Alex"
    )
    for line in lines:
        clock.advance(60)
        store.execute(AddLogEntry(text=line))
    return store


def test_finds_titles_and_log_entries_in_any_case(tmp_path: Path) -> None:
    make(tmp_path, "a-db", "Database failover", "Replica lag at 40s")
    make(tmp_path, "b-cdn", "CDN errors", "Purged the cache", "replica count fine")
    result = search(tmp_path, "REPLICA")
    assert result.incidents_searched == 2
    assert sorted((h.incident_id, h.where, h.text) for h in result.hits) == [
        ("a-db", "log", "Replica lag at 40s"),
        ("b-cdn", "log", "replica count fine"),
    ]
    (title,) = search(tmp_path, "failover").hits
    assert (title.incident_id, title.where) == ("a-db", "title")


def test_finds_tasks_updates_and_decisions(golden_root: Path) -> None:
    kinds = {h.where for h in search(golden_root, "roll back").hits}
    assert kinds == {"task", "decision"}
    (update,) = search(golden_root, "next update in").hits
    assert update.where == "update" and update.incident_id == GOLDEN_ID


def test_text_with_json_escaped_characters_is_found(tmp_path: Path) -> None:
    make(tmp_path, "quotes", "Quoting", 'The flag "checkout_v2" was on', "a\\b path")
    assert len(search(tmp_path, '"checkout_v2"').hits) == 1
    assert len(search(tmp_path, "a\\b").hits) == 1


def test_non_ascii_text_is_found(tmp_path: Path) -> None:
    make(tmp_path, "umlaut", "Zahlungsfehler", "Überlastung im Rechenzentrum")
    assert len(search(tmp_path, "überlastung").hits) == 1


def test_no_match_and_a_damaged_line_is_skipped_not_trusted(tmp_path: Path) -> None:
    store = make(tmp_path, "x", "Something", "needle here", "another needle")
    assert search(tmp_path, "haystack").hits == []
    lines = store.events_path.read_bytes().splitlines(keepends=True)
    lines[-1] = lines[-1].replace(b"another needle", b"altered needle")
    store.events_path.write_bytes(b"".join(lines))
    result = search(tmp_path, "needle")
    assert [h.text for h in result.hits] == ["needle here"]
    assert result.damaged_lines == 1


def test_occurred_at_is_the_time_of_a_hit(tmp_path: Path) -> None:
    store = make(tmp_path, "late", "Late entry")
    happened = store.clock.now() - timedelta(minutes=30)
    store.execute(AddLogEntry(text="noticed late", occurred_at=happened))
    store.execute(AssignTask(owner="Sam", text="unrelated", timebox=timedelta(minutes=5)))
    store.execute(PostUpdate(audience=Audience.INTERNAL, text="unrelated"))
    (hit,) = search(tmp_path, "noticed").hits
    assert hit.at == happened


def test_an_empty_root_has_nothing(tmp_path: Path) -> None:
    assert search(tmp_path / "nothing", "x").incidents_searched == 0


def test_golden_build_is_searchable(tmp_path: Path) -> None:
    build(tmp_path)
    assert {h.actor for h in search(tmp_path, "cache").hits} == {"Priya"}
