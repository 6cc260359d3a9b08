"""`ic show --json` says where follow-up items were tracked (issue 17's `ic followups mark`)."""

from __future__ import annotations

import json

from .conftest import Run, ok


def test_show_json_lists_where_followups_were_tracked(ic: Run) -> None:
    incident = ok(ic("new", "Checkout down")).out.strip()
    ok(ic("log", "--kind", "followup", "Add an alert on checkout 5xx"))
    ok(ic("log", "--kind", "followup", "Investigate monitoring"))
    assert ok(ic("show", "--json")).json()["followups_tracked"] == []  # type: ignore[index]
    items = json.loads(ok(ic("followups", incident, "--format", "json")).out)
    first, second = (item["id"] for item in items)
    url = "https://github.com/acme/ops/issues/17"
    ok(ic("followups", "mark", incident, second, "--tracked", url))
    shown = ok(ic("show", "--json")).json()
    assert shown["followups_tracked"] == [{"item": second, "url": url}]  # type: ignore[index]
    assert first != second
