"""Golden files of every export of the fixed incident, and what each format promises.

Regenerate the golden files after an intended change with
`UPDATE_GOLDEN=1 .venv/bin/pytest tests/review/test_exports.py`, then review the diff.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path

import pytest

from ic_console.review.export import CSV_HEADER, FORMATS, export, to_json, to_json_data
from ic_console.review.parts import Review, build_review
from ic_console.review.source import ReviewSource, open_for_review

from .fixture import GOLDEN_ID, TRICKY, build

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_matches_its_golden_file(golden_source: ReviewSource, fmt: str) -> None:
    text = export(golden_source.events, golden_source.state, fmt)
    path = GOLDEN / f"{GOLDEN_ID}.{fmt}"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_bytes(text.encode("utf-8"))
    assert text.encode("utf-8") == path.read_bytes(), f"{path.name} differs; see the docstring"


@pytest.mark.parametrize("fmt", FORMATS)
def test_exports_are_identical_for_two_builds_of_the_same_incident(
    tmp_path: Path, fmt: str
) -> None:
    outputs = []
    for name in ("one", "two"):
        build(tmp_path / name)
        source = open_for_review(tmp_path / name, GOLDEN_ID)
        outputs.append(export(source.events, source.state, fmt))
    assert outputs[0] == outputs[1]


def test_markdown_has_the_postmortem_sections(golden_source: ReviewSource) -> None:
    md = export(golden_source.events, golden_source.state, "md")
    headings = re.findall(r"^##+ (.+)$", md, flags=re.MULTILINE)
    for section in (
        "Summary",
        "What happened",
        "Impact",
        "Contributing factors",
        "Resolution",
        "Responders",
        "Timeline (UTC)",
        "Response metrics",
        "Decisions",
        "How did we do",
        "Action items",
        "Messaging",
        "External message",
    ):
        assert section in headings
    assert "**Postmortem due:** **2026-11-30**" in md
    assert "Postmortem owner" in md


def test_markdown_shows_user_text_literally(golden_source: ReviewSource) -> None:
    md = export(golden_source.events, golden_source.state, "md")
    assert "\x1b" not in md
    (row,) = [line for line in md.splitlines() if "Rolled back to v41" in line]
    # Pipes cannot break the table; markup and HTML are escaped, never live.
    assert len(re.split(r"(?<!\\)\|", row)) == 6  # four cells between five pipes
    assert "\\<b\\>ok\\</b\\>" in row and "\\*\\*fast\\*\\*" in row


def test_markdown_flags_vague_action_items_and_blame(golden_source: ReviewSource) -> None:
    md = export(golden_source.events, golden_source.state, "md")
    assert "- [ ] Add an alert when checkout errors stay above 1% for 10 minutes" in md
    investigate = md.split("- [ ] Investigate monitoring for this", 1)[1].split("- [ ]", 1)[0]
    assert '"investigate"' in investigate and "Bounded:" in investigate
    assert "It names Sam as a cause" in md


def test_html_is_self_contained_escaped_and_printable(golden_source: ReviewSource) -> None:
    page = export(golden_source.events, golden_source.state, "html")
    assert page.startswith("<!DOCTYPE html>")
    for external in ("<link", "<script", "src=", "@import", "http://", "https://"):
        assert external not in page
    assert "@media print" in page
    assert "<b>ok</b>" not in page
    assert "&lt;b&gt;ok&lt;/b&gt;" in page
    assert "\x1b" not in page
    assert "&lt;checkout_v2&gt;" in page


def test_json_holds_state_timeline_metrics_and_every_event(golden_review: Review) -> None:
    source_events = golden_review.events
    data = json.loads(export(source_events, golden_review.state, "json"))
    assert data["format"] == "ic-console.review"
    assert data["incident"]["id"] == GOLDEN_ID
    assert data["incident"]["status"] == "closed"
    assert len(data["events"]) == len(source_events)
    assert len(data["timeline"]) == len(source_events)
    first = data["timeline"][0]
    assert first["occurred_at"] == "2026-11-24T22:18:00Z"
    assert first["recorded_at"] == "2026-11-24T22:33:00Z"
    assert data["metrics"]["to_ic"] == 60
    assert data["metrics"]["unacknowledged_tasks"] == [2]
    assert data["postmortem_due"] == "2026-11-30"
    assert any(item["text"] == TRICKY for item in data["timeline"])


def test_csv_has_tracker_columns_and_guards_formulas(golden_source: ReviewSource) -> None:
    rows = list(csv.reader(io.StringIO(export(golden_source.events, golden_source.state, "csv"))))
    assert tuple(rows[0]) == CSV_HEADER
    summaries = [row[0] for row in rows[1:]]
    assert summaries == [
        "Add an alert when checkout errors stay above 1% for 10 minutes",
        "Investigate monitoring for this",
        "better dashboards",
    ]
    assert all("Raised during incident" in row[1] for row in rows[1:])


def test_csv_cell_never_starts_a_formula(tmp_path: Path) -> None:
    from ic_console.domain import commands as c
    from ic_console.domain.model import LogKind

    from .helpers import Recorder

    r = Recorder()
    r.do(1, c.AddLogEntry(text='=HYPERLINK("http://x")', kind=LogKind.FOLLOWUP))
    rows = list(csv.reader(io.StringIO(export(r.events, r.state, "csv"))))
    assert rows[1][0].startswith("'=")


def test_unknown_format_is_refused(golden_source: ReviewSource) -> None:
    with pytest.raises(ValueError, match="unknown export format"):
        export(golden_source.events, golden_source.state, "pdf")


def test_json_lines_survive_text_that_looks_like_a_boundary() -> None:
    from ic_console.domain import commands as c

    from .helpers import Recorder

    r = Recorder()
    for text in ['a},{"seq":9', 'b},{"v":1', '"},{"when":', "back\\slash\\"]:
        r.do(1, c.AddLogEntry(text=text))
    review = build_review(r.events, r.state)
    assert json.loads(to_json(review)) == to_json_data(review)
