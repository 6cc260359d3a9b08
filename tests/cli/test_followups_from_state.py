"""`ic followups` needs only the incident's state: its items are the follow-up entries of the log
book, and their due date is the postmortem's, by the most severe level the incident reached,
which the state keeps (`severity_history`). It reads the state snapshot and the log's tail, as
the CSV export does, and never every event again (issue 13: on 100,000 events it took 2.4 s
and 195 MB for `--format json`, 0.8 s and 124 MB now)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ic_console.domain import events as ev
from ic_console.review import digest, parts, source
from ic_console.review.command_figures import highest_severity_of
from ic_console.review.duedate import DuePolicy, due_date
from ic_console.review.source import open_for_review
from ic_console.store.incident import IncidentStore
from ic_console.store.lazylog import LazyLog
from ic_console.store.snapshot import SNAPSHOT_FILE
from ic_console.synthetic import write_busy_incident

from .conftest import START, Run, ok

FORMATS = ("md", "json", "github", "jira-csv")


@pytest.mark.parametrize(
    ("declared", "changes", "highest"),
    [("2", ["1", "3"], 1), ("3", ["2", "4"], 2), ("4", [], 4), ("1", ["5"], 1)],
)
def test_the_due_date_is_by_the_most_severe_level_reached(
    ic: Run, home: Path, declared: str, changes: list[str], highest: int
) -> None:
    incident = ok(ic("new", "Checkout down", "--sev", declared)).out.strip()
    for level in changes:
        ok(ic("sev", level))
    ok(ic("log", "--kind", "followup", "Add an alert on checkout 5xx"))
    ok(ic("resolve"))
    source = open_for_review(home, incident)
    events, state = list(source.events), source.state
    # The state's answer is the events' answer (what the figures read before).
    # The events' answer, which the figures used before: the most severe level declared or set.
    levels = [
        e.data.severity
        for e in events
        if isinstance(e.data, ev.IncidentDeclared | ev.SeverityChanged)
    ]
    assert highest_severity_of(state) == min(levels) == highest
    expected = due_date(state.resolved_at, highest, DuePolicy())
    # SEV-1 and SEV-2 have a due date (a lower level reached counts), others none.
    assert isinstance(expected, date) == (highest <= 2)
    due = expected.isoformat() if expected else None
    (item,) = json.loads(ok(ic("followups", incident, "--format", "json")).out)
    assert item["due"] == due
    exported = json.loads(ok(ic("export", incident, "--format", "json")).out)
    assert exported["postmortem_due"] == due
    assert exported["metrics"]["highest_severity"] == highest


def test_followups_read_the_snapshot_not_every_event(
    ic: Run, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = write_busy_incident(home, "long-one", 900, start=START, resolve=True)
    store = IncidentStore.open(home, "long-one", actor="Alex")
    assert store.write_snapshot()
    assert (directory / SNAPSHOT_FILE).exists() or any(directory.rglob(SNAPSHOT_FILE))
    whole = {}
    for snapshot in list(directory.rglob(SNAPSHOT_FILE)):
        kept = snapshot.read_bytes()
        snapshot.unlink()  # without it the whole log is read: the answer to compare with
        whole = {
            fmt: ok(ic("followups", "long-one", "--format", fmt, "--all")).out for fmt in FORMATS
        }
        snapshot.write_bytes(kept)
    assert whole and json.loads(whole["json"])

    def no_event_read(*args: object, **kwargs: object) -> object:
        raise AssertionError("the events were read again")

    opened: list[source.ReviewSource] = []
    real_open = source.open_for_review

    def spied(*args: Any, **kwargs: Any) -> source.ReviewSource:
        opened.append(real_open(*args, **kwargs))
        return opened[-1]

    monkeypatch.setattr(source, "open_for_review", spied)
    monkeypatch.setattr(digest, "iter_span", no_event_read)
    monkeypatch.setattr(parts, "compute_metrics", no_event_read)
    for fmt in FORMATS:
        assert ok(ic("followups", "long-one", "--format", fmt, "--all")).out == whole[fmt]
    # Each started from the snapshot: its log book is the snapshot's, read when asked.
    assert len(opened) == len(FORMATS)
    assert all(isinstance(each.state.log, LazyLog) for each in opened)
