"""A review loaded for one format gathers only what that format reads (issue 13): the CSV of
action items skips the metrics' feed, and anything that asks for figures anyway still gets the
same ones, by reading the events again."""

from __future__ import annotations

from pathlib import Path

import pytest

from ic_console.review.export import FORMATS, NEEDS, export
from ic_console.review.parts import build_review
from ic_console.review.source import open_for_review

from .fixture import GOLDEN_ID


def test_the_csv_loads_without_the_metrics_feed(golden_root: Path) -> None:
    needs = NEEDS["csv"]
    lean = open_for_review(golden_root, GOLDEN_ID, timeline=needs.timeline, metrics=needs.metrics)
    assert lean.events.feed is None
    whole = open_for_review(golden_root, GOLDEN_ID)
    assert whole.events.feed is not None
    assert lean.as_of == whole.as_of is not None


def test_figures_of_a_review_without_its_feed_are_the_same(golden_root: Path) -> None:
    lean = open_for_review(golden_root, GOLDEN_ID, metrics=False)
    whole = open_for_review(golden_root, GOLDEN_ID)
    assert build_review(lean.events, lean.state).metrics == (
        build_review(whole.events, whole.state).metrics
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_loaded_as_it_needs_is_the_whole_export(golden_root: Path, fmt: str) -> None:
    needs = NEEDS[fmt]
    lean = open_for_review(
        golden_root,
        GOLDEN_ID,
        keep_json=needs.events_json,
        timeline=needs.timeline,
        metrics=needs.metrics,
    )
    whole = open_for_review(golden_root, GOLDEN_ID, keep_json=True)
    assert export(lean.events, lean.state, fmt) == export(whole.events, whole.state, fmt)
