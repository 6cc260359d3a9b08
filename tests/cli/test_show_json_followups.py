"""`ic show --json`'s `followups` are the follow-ups `ic followups` lists: follow-up entries and
lines starting "TODO:"."""

from __future__ import annotations

import json

from .conftest import Run, ok


def test_show_json_lists_the_follow_ups_ic_followups_lists(ic: Run) -> None:
    """A line starting "TODO:" is a follow-up for `ic followups` and the postmortem; `ic show
    --json` left it out of `followups` while `followups_tracked` named it."""
    ok(ic("new", "Checkout errors", "--id", "todo"))
    ok(ic("log", "TODO: add an alert on pool exhaustion"))
    ok(ic("log", "Rolled back the deploy"))
    (item,) = json.loads(ok(ic("followups", "todo", "--format", "json")).out)
    ok(ic("followups", "mark", "todo", item["id"], "--tracked", "https://tracker.example/OPS-1"))
    shown = json.loads(ok(ic("show", "todo", "--json")).out)
    assert [entry["text"] for entry in shown["followups"]] == [
        "TODO: add an alert on pool exhaustion"
    ]
    assert [tracked["item"] for tracked in shown["followups_tracked"]] == [item["id"]]
