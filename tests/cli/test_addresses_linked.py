"""Web addresses people write in the log (a dashboard, the tracker's item in the timeline's
"tracked at" line) stay links in the Markdown postmortem: escaped as text, an address with an
underscore rendered as a link to a page that does not exist."""

from __future__ import annotations

import json

from markdown_it import MarkdownIt

from .conftest import Run, ok


def test_web_addresses_in_the_log_stay_links_in_the_postmortem(ic: Run) -> None:
    board = "https://grafana.example.com/d/api_errors?panel=2_b"
    tracker = "https://tracker.example.com/browse/OPS_88"
    ok(ic("new", "Checkout errors", "--id", "lnk"))
    ok(ic("log", f"Error rate on the dashboard ({board}). Rolled back *now*"))
    ok(ic("log", "Add an alert on pool exhaustion", "--kind", "followup"))
    (item,) = json.loads(ok(ic("followups", "lnk", "--format", "json")).out)
    ok(ic("followups", "mark", "lnk", item["id"], "--tracked", tracker))
    draft = ok(ic("postmortem", "lnk")).out
    rendered = MarkdownIt("gfm-like").render(draft).replace("&amp;", "&")
    assert f'<a href="{board}">{board}</a>)' in rendered  # the ")." after it is the sentence's
    assert rendered.count(f'<a href="{tracker}">{tracker}</a>') >= 2  # the timeline, the item
    assert "Rolled back *now*" in rendered  # the rest is still plain text, never emphasis
