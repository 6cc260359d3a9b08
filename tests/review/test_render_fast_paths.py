"""The Markdown and HTML exports' fast paths write what the plain renderer wrote, byte for byte.

`render_fixture` makes an incident of text that needs escaping, entries within the same second,
times in other zones and recorded late or early, follow-ups and blaming sentences, long enough
that every long table is written in several batches. Its exports were written by the renderer
as it was before the fast paths (the `render-tricky.*.gz` golden files), so any fast path that
takes a different turn from the plain one fails here.

Regenerate the golden files only after an intended change of the output, with
`UPDATE_GOLDEN=1 .venv/bin/pytest tests/review/test_render_fast_paths.py`, and review the diff.
"""

from __future__ import annotations

import difflib
import gzip
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ic_console.review.export import export, export_pieces
from ic_console.review.source import ReviewSource, open_for_review

from .render_fixture import TRICKY_ID, write

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module", params=[True, False], ids=["resolved", "active"])
def tricky(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tricky")
    write(root, resolve=request.param)
    return root


@pytest.fixture(params=["UTC", "America/St_Johns"])
def local_zone(request: pytest.FixtureRequest) -> Iterator[str]:
    """The exports say every time in UTC, whatever the machine's zone."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    yield request.param
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


def _source(root: Path) -> ReviewSource:
    return open_for_review(root, TRICKY_ID)


def _golden(name: str, text: str) -> None:
    path = GOLDEN / f"{name}.gz"
    data = text.encode("utf-8")
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_bytes(gzip.compress(data, mtime=0))
    expected = gzip.decompress(path.read_bytes())
    if data != expected:
        diff = difflib.unified_diff(
            expected.decode("utf-8").splitlines(), text.splitlines(), lineterm="", n=1
        )
        pytest.fail(f"{name} differs from its golden file:\n" + "\n".join(list(diff)[:40]))


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_export_is_the_plain_renderers(tricky: Path, fmt: str, local_zone: str) -> None:
    source = _source(tricky)
    state = "resolved" if source.state.resolved_at else "active"
    _golden(f"render-tricky-{state}.{fmt}", export(source.events, source.state, fmt))


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_streamed_export_is_the_whole_one(tricky: Path, fmt: str) -> None:
    source = _source(tricky)
    pieces = list(export_pieces(source.events, source.state, fmt))
    assert "".join(pieces) == export(_source(tricky).events, source.state, fmt)
