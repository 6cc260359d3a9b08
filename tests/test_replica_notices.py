# ruff: noqa: F811  (the `two` fixture comes from the merge tests)
"""Merge notices are rows of the console's log pane and entries of the review's timeline, once
each, beside the event they are about; a laptop's fast clock is flagged in both."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from tests.test_replica_merge import ID, MIN5, Laptop, exchange, two  # noqa: F401

from ic_console.content.phrasebook import shipped_phrasebook
from ic_console.domain import commands as c
from ic_console.live.incident import LiveIncident, LiveSettings
from ic_console.review.document import render_markdown
from ic_console.review.parts import build_review
from ic_console.review.postmortem import build_postmortem
from ic_console.review.source import load_events
from ic_console.review.timeline import EntryKind, build_timeline

DONE_TWICE = "Priya's 'done' for task 1 arrived after Alex's 'done'; it changes nothing"
RENUMBERED = "Priya's task 'page network on-call' is now task 3"


def _console(laptop: Laptop) -> LiveIncident:
    settings = LiveSettings(actor=laptop.name, clock=laptop.clock)
    return LiveIncident.open(laptop.root, ID, settings, shipped_phrasebook())


def _offline_work(alex: Laptop, priya: Laptop) -> None:
    alex.clock.advance(10)
    alex.run(c.CompleteTask(number=1))
    alex.run(c.AssignTask(owner="Kim", text="roll back", timebox=MIN5))
    priya.clock.advance(20)
    priya.run(c.CompleteTask(number=1))
    priya.run(c.AssignTask(owner="Lee", text="page network on-call", timebox=MIN5))


def test_the_log_pane_shows_each_merge_notice_once_beside_its_event(
    two: tuple[Laptop, Laptop],
) -> None:
    alex, priya = two
    console = _console(alex)  # open before the merge: the notices arrive with a poll
    _offline_work(alex, priya)
    exchange(priya, alex)
    console.poll()
    console.poll()
    texts = [row.text for row in console.rows]
    assert texts.count(DONE_TWICE) == 1 and texts.count(RENUMBERED) == 1
    # Priya's file starts at seq 1: that is not the whole log again, the earlier rows stay.
    assert any("check the database" in text for text in texts)
    assert len(console.rows) == len(_console(alex).rows)
    assert all(row.kind == "system" for row in console.rows if row.text == DONE_TWICE)
    # Opened afterwards: the same rows, each beside (right after) its event.
    again = _console(alex)
    rows = [row.text for row in again.rows]
    assert rows.count(DONE_TWICE) == 1 and rows.count(RENUMBERED) == 1
    assert "page network on-call" in rows[rows.index(RENUMBERED) - 1]
    # Priya's own console says the same.
    exchange(alex, priya)
    hers = [row.text for row in _console(priya).rows]
    assert hers.count(DONE_TWICE) == 1 and hers.count(RENUMBERED) == 1


def test_the_review_timeline_shows_each_merge_notice_once(two: tuple[Laptop, Laptop]) -> None:
    alex, priya = two
    _offline_work(alex, priya)
    exchange(priya, alex)
    events = load_events(alex.root / "incidents" / ID)[0]
    merged = [e.text for e in build_timeline(events) if e.kind is EntryKind.MERGE]
    assert sorted(merged) == sorted([DONE_TWICE, RENUMBERED])


def test_a_fast_clock_is_flagged_in_the_log_pane_and_the_review(
    two: tuple[Laptop, Laptop],
) -> None:
    alex, priya = two
    priya.clock.advance(600)
    priya.run(c.AddLogEntry(text="from the future"))
    exchange(priya, alex)
    alex.clock.advance(5)
    alex.run(c.AddLogEntry(text="after"))
    pane = [row.text for row in _console(alex).rows]
    assert sum("Priya's clock is 10 minutes fast" in text for text in pane) == 1
    events = load_events(alex.root / "incidents" / ID)[0]
    flagged = [e.text for e in build_timeline(events) if e.kind is EntryKind.MERGE]
    assert len(flagged) == 1 and "Priya's clock was 10 minutes ahead of Alex's" in flagged[0]


def test_no_merge_rows_for_one_laptop(tmp_path: Path, two: tuple[Laptop, Laptop]) -> None:
    alex, _ = two
    alex.clock.advance(timedelta(minutes=1).total_seconds())
    alex.run(c.CompleteTask(number=1))
    assert not [row for row in _console(alex).rows if "arrived after" in row.text]
    events = load_events(alex.root / "incidents" / ID)[0]
    assert not [e for e in build_timeline(events) if e.kind is EntryKind.MERGE]


def test_review_durations_with_a_slow_peer_clock_are_never_negative(
    two: tuple[Laptop, Laptop],
) -> None:
    alex, priya = two
    priya.clock.advance(-600)  # Priya's clock runs 10 minutes slow
    priya.run(c.AcknowledgeTask(number=1))
    priya.run(c.CompleteTask(number=1))  # closed "before" it was assigned, by her clock
    priya.run(c.ProposeDecision(text="fail over"))
    exchange(priya, alex)
    alex.clock.advance(30)
    alex.run(c.AcceptDecision(number=1))
    alex.run(c.Resolve())
    directory = alex.root / "incidents" / ID
    events, state, _ = load_events(directory)
    task = state.tasks[1]
    assert task.closed_at is not None and task.closed_at < task.assigned_at  # as recorded
    review = build_review(events, state)
    durations = [
        value
        for figures in review.metrics.tasks
        for value in (figures.time_to_acknowledge, figures.overrun)
    ]
    durations += [d.time_to_decide for d in review.metrics.decisions]
    assert all(value is not None and value >= timedelta(0) for value in durations)
    text = render_markdown(build_postmortem(review))
    assert not re.search(r"(?<![\w-])-\d+\s?[smhd]\b", text), text


def test_the_review_figures_follow_a_renumbered_task(two: tuple[Laptop, Laptop]) -> None:
    alex, priya = two
    alex.clock.advance(5)
    alex.run(c.AssignTask(owner="Kim", text="roll back", timebox=MIN5))
    priya.clock.advance(7)
    priya.run(c.AssignTask(owner="Lee", text="page network on-call", timebox=MIN5 * 4))
    priya.clock.advance(400)  # past Alex's task 2 deadline, well within her own
    priya.run(c.CompleteTask(number=2))  # her task 2, task 3 once merged
    exchange(priya, alex)
    events, state, _ = load_events(alex.root / "incidents" / ID)
    figures = {t.number: t for t in build_review(events, state).metrics.tasks}
    assert (figures[2].text, figures[3].text) == ("roll back", "page network on-call")
    assert figures[3].timebox == MIN5 * 4 and figures[3].overrun == timedelta(0)
    assert figures[2].timebox == MIN5
