"""`--json` output is written as it is encoded (issue 13's bounded memory): the same text as
`json.dumps(indent=2)`, without every piece of it held in a list and joined first (`ic show
--json` of a 100,000-event incident peaked at 267 MB, 152 MB now)."""

from __future__ import annotations

import io
import json
import tracemalloc
from pathlib import Path

from ic_console.cli import Context
from ic_console.cli.common import say_json


def _context(out: io.TextIOBase) -> Context:
    return Context(home=Path("/nonexistent"), actor_given="Alex", out=out, err=io.StringIO())


def _data(entries: int) -> dict[str, object]:
    return {
        "id": "checkout",
        "title": "Checkout \u201cerrors\u201d \u2014 EU \x07",
        "log": [
            {"seq": n, "text": f"entry {n} \u00e9\n", "kind": "note", "occurred_at": None}
            for n in range(entries)
        ],
        "empty": [],
        "nested": {"a": [1, 2.5, True, None], "b": {}},
    }


def test_the_text_is_json_dumps_with_an_indent() -> None:
    for entries in (0, 1, 3, 5000):  # across several writes of pieces
        data = _data(entries)
        out = io.StringIO()
        say_json(_context(out), data)
        assert out.getvalue() == json.dumps(data, indent=2, ensure_ascii=False) + "\n"


class _Counting(io.TextIOBase):
    """A stream that keeps only how much was written (as a pipe or a file would)."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, text: str) -> int:
        self.size += len(text)
        return len(text)


def test_a_long_output_is_not_held_whole() -> None:
    data = _data(40_000)
    out = _Counting()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        say_json(_context(out), data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert out.size > 4_000_000
    # Held at once: a few thousand pieces, never the text (let alone its pieces) whole.
    assert peak < out.size / 4, (peak, out.size)
