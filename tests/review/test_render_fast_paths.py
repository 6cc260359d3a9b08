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
import html
import os
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic_core import TzInfo

from ic_console.domain.parse import may_be_prefixed, split_kind_prefix
from ic_console.review import checks
from ic_console.review.document import (
    Document,
    Table,
    _html_column,
    _md_column,
    render_html,
    render_markdown,
)
from ic_console.review.export import export, export_pieces
from ic_console.review.source import ReviewSource, open_for_review
from ic_console.review.stamps import Stamps, stamp
from ic_console.review.text import md_escape, one_line, utc_short

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


_ZONES = st.sampled_from(
    [
        UTC,
        timezone(timedelta(0), "Z"),
        TzInfo(0),
        TzInfo(3600),
        timezone(timedelta(hours=-5, minutes=-30)),
        ZoneInfo("Europe/London"),
        ZoneInfo("UTC"),
        None,
    ]
)
_TIMES = st.builds(
    lambda base, zone: base.replace(tzinfo=zone),
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    _ZONES,
)


@given(st.lists(_TIMES, max_size=12), st.booleans())
def test_stamps_are_the_plain_ones(times: list[datetime], in_order: bool) -> None:
    """Each minute's text made once gives what `isoformat`/`strftime` give each time, in any
    zone (or none), with the times in order (the timeline) or not, within a second or apart."""
    if in_order:
        times = sorted(times, key=lambda t: t.replace(tzinfo=None))
    times += [t + timedelta(microseconds=300) for t in times[:3]]  # within the same second
    stamps = Stamps()
    assert stamps.seconds(times) == [stamp(t) for t in times]
    assert [stamps.short(t) for t in times] == [utc_short(t) for t in times]
    assert stamps.seconds(times) == [stamp(t) for t in times]  # after `short` moved on


def test_plain_stamp_is_the_utc_time() -> None:
    when = datetime(2026, 11, 24, 23, 59, 59, 999_999, tzinfo=timezone(timedelta(hours=2)))
    assert stamp(when) == "2026-11-24 21:59:59"
    assert stamp(when.astimezone(UTC)) == "2026-11-24 21:59:59"


_BLAME_WORDS = st.sampled_from(
    [*sorted(checks._TRIGGER_WORDS), "Sam", "x", "'", " ", ".", "\n", "İ", "ΣΑΣ", "Caused", "ﬀ"]
)


@given(st.lists(st.lists(_BLAME_WORDS, max_size=6).map("".join), max_size=10))
def test_blame_suspects_hold_every_text_the_check_finds_something_in(texts: list[str]) -> None:
    checker = checks.BlameChecker(["Sam"])
    suspects = checker.suspects(texts)
    assert suspects == sorted(set(suspects))
    for index, text in enumerate(texts):
        if checks._ANY_TRIGGER.search(text.lower()) is not None:
            assert index in suspects, (index, text)
        if checker.check(text):
            assert index in suspects


@given(
    st.lists(
        st.sampled_from(
            ["f", "todo", "Follow", "up", "-", "_", "\t", " ", "\u00a0", ":", "a", "N", "x", "İ"]
        ),
        max_size=8,
    ).map("".join)
)
def test_a_prefixed_text_is_never_turned_away(text: str) -> None:
    if split_kind_prefix(text.lstrip())[0] is not None:
        assert may_be_prefixed(text)


_CELL_TEXT = st.text(alphabet=st.sampled_from([*"ab|*_<&\"'\\\n\r\t\x1b\x00\x7f\u2028\u00a0 é"]))


@given(st.lists(_CELL_TEXT, max_size=6))
@example(["a\x00b", "c"])  # the separator itself in a cell: made visible, never a split
@example(["a\x00b|", "c"])
@example(["tab\there", "ok"])
def test_a_column_escaped_at_once_is_each_cell_escaped(column: list[str]) -> None:
    assert list(_md_column(column)) == [md_escape(one_line(cell)) for cell in column]
    assert list(_html_column(column)) == [html.escape(one_line(cell)) for cell in column]


@given(st.lists(st.tuples(_CELL_TEXT, _CELL_TEXT, _CELL_TEXT), max_size=5))
def test_a_table_is_written_row_by_row(rows: list[tuple[str, str, str]]) -> None:
    """A table written a batch of columns at a time reads as one line per row."""
    table = Document("t", [Table(("A", "B", "C"), tuple(rows))])
    lines = ["| " + " | ".join(md_escape(one_line(cell)) for cell in row) + " |" for row in rows]
    assert render_markdown(table) == (
        "# t\n\n| A | B | C |\n| --- | --- | --- |" + "".join("\n" + line for line in lines) + "\n"
    )
    cells = ["".join(f"<td>{html.escape(one_line(cell))}</td>" for cell in row) for row in rows]
    body = "\n".join(f"<tr>{row}</tr>" for row in cells)
    assert "<tbody>\n" + body + "\n</tbody>" in render_html(table)


def test_blame_suspects_side_by_side() -> None:
    """Texts searched together: a trigger word at the end of one and the start of the next, in
    ASCII text and not, each text found; none runs across the texts."""
    checker = checks.BlameChecker(["Sam"])
    for texts in (
        ["it was not", "not me", "nothing", "Sam forgot"],
        ["é was not", "not me", "nothing", "Sam forgot"],
        ["İ was not", "not me", "nothing", "Sam forgot"],
    ):
        assert checker.suspects(texts) == [0, 1, 3]
    assert checker.suspects(["it was no", "t me", "cause", "d"]) == [2]


_VAGUE_WORDS = st.sampled_from(
    [phrase for phrase, _ in checks.VAGUE_PHRASES]
    + ["x", "_", "-", " ", "'", "é", "sure", "look", "fix", "2", "\n"]
)


@given(st.lists(_VAGUE_WORDS, max_size=6).map("".join))
def test_vague_search_is_each_phrase_searched(text: str) -> None:
    each = any(re.search(rf"\b{re.escape(phrase)}\b", text) for phrase, _ in checks.VAGUE_PHRASES)
    assert (checks._ANY_VAGUE.search(text) is not None) is bool(each)


_WORDY = st.sampled_from(
    ["add", "Look", "into", "-", "'", "--x", "'s", " ", "  ", ".", "2", "_", "é", "ß", "İ", "\n"]
)


@given(st.lists(_WORDY, max_size=10).map("".join), st.sampled_from([1, 60]))
@example("-add it", 1)
@example("it's a 'quoted' -dash", 1)
@example("add it's ", 100)  # long: split from bytes
@example("add -it ", 100)  # long, a word after a hyphen: by the pattern
def test_word_line_is_the_words(text: str, times: int) -> None:
    text *= times
    """The action-item check's words, split from bytes for an ASCII text, are the pattern's."""
    words = checks._words(text)
    assert checks._word_line(text) == (words[0] if words else "", len(words), " ".join(words))


def _plain_check(text: str) -> list[checks.Finding]:
    """`check_action_item` as it was written before its fast paths."""
    findings: list[checks.Finding] = []
    words = re.findall(r"[a-z][a-z'-]*", text.casefold())
    stripped = text.strip()
    first = words[0] if words else ""
    if not stripped or not first or not stripped.casefold().startswith(first[:1]):
        findings.append(
            checks.Finding("It does not start with a word (a verb).", checks.ACTIONABLE)
        )
    elif first not in checks.ACTION_VERBS and first not in checks._VAGUE_FIRST_WORDS:
        findings.append(
            checks.Finding(
                f'It starts with "{first}", which does not read as a verb.', checks.ACTIONABLE
            )
        )
    joined = " ".join(words)
    for phrase, why in checks.VAGUE_PHRASES:
        if re.search(rf"\b{re.escape(phrase)}\b", joined):
            findings.append(checks.Finding(f'"{phrase}": {why}.', checks.BOUNDED))
    if 0 < len(words) < 4:
        findings.append(checks.Finding(f"It is only {len(words)} word(s) long.", checks.SPECIFIC))
    return findings


_ITEM_WORDS = st.sampled_from(
    [phrase for phrase, _ in checks.VAGUE_PHRASES]
    + ["Add", "the", "alert", " ", ", ", "-", "'", "2", "é", "ß", "\n", "lorem ipsum " * 30]
)


@given(st.lists(_ITEM_WORDS, max_size=12).map("".join))
@example("Add an alert " + "and look into it " * 40)  # long: each phrase searched as it is
@example("Add an alert " + "and look-into it " * 40)
@example("Look into it. " * 50)
def test_action_item_check_is_the_plain_one(text: str) -> None:
    assert checks.check_action_item(text) == _plain_check(text)
