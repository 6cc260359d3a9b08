"""`ic search` folds compatibility forms as well as case, on both sides: "abc" finds "ＡＢＣ"
typed on a Japanese keyboard, "ＡＢＣ" finds "abc", "config" finds "conﬁg" pasted from a PDF
(a ligature), "kube" finds "ｋｕｂｅ". The text is shown as it was written.

It used `casefold()` alone, so full-width letters and ligatures were other words. Now both the
search text and what is searched are folded with Unicode NFKC and case folding (the
"compatibility caseless" match), and the byte-level look that skips chunks of the log before
anything is decoded (`review/search_fold.py` `Prefilter`) folds the same way, so it never skips a
chunk that holds a match.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ic_console.review import search as fast
from ic_console.review.search_fold import Prefilter

from .conftest import Run, ok


@pytest.fixture
def incident(ic: Run) -> str:
    incident_id = ok(ic("new", "ＡＰＩ gateway errors", "--sev", "2")).out.strip()
    ok(ic("log", incident_id, "ＡＢＣ outage on the ｋｕｂｅ cluster"))
    ok(ic("log", incident_id, "restarted abc-worker"))
    ok(ic("log", incident_id, "conﬁg drift on the edge"))
    ok(ic("log", incident_id, "Straße closed for maintenance"))
    ok(ic("log", incident_id, "the cafe\u0301 wifi is down"))  # typed with a combining accent
    return incident_id


def _texts(ic: Run, *words: str) -> list[str]:
    rows = ok(ic("search", "--json", *words)).json()
    assert isinstance(rows, list)
    return sorted(row["text"] for row in rows)


def test_ascii_finds_full_width_and_the_reverse(ic: Run, incident: str) -> None:
    both = ["restarted abc-worker", "ＡＢＣ outage on the ｋｕｂｅ cluster"]
    assert _texts(ic, "abc") == both
    assert _texts(ic, "ＡＢＣ") == both
    assert _texts(ic, "ａｂｃ") == both
    assert _texts(ic, "kube") == ["ＡＢＣ outage on the ｋｕｂｅ cluster"]
    assert _texts(ic, "ＫＵＢＥ cluster") == ["ＡＢＣ outage on the ｋｕｂｅ cluster"]


def test_ligatures_and_case_fold_too(ic: Run, incident: str) -> None:
    assert _texts(ic, "CONFIG drift") == ["conﬁg drift on the edge"]
    assert _texts(ic, "ｃｏｎﬁｇ") == ["conﬁg drift on the edge"]
    assert _texts(ic, "STRASSE") == ["Straße closed for maintenance"]


def test_titles_fold_and_lines_show_the_text_as_written(ic: Run, incident: str) -> None:
    rows = ok(ic("search", "--json", "api gateway")).json()
    assert isinstance(rows, list)
    assert [(row["where"], row["text"]) for row in rows] == [("title", "ＡＰＩ gateway errors")]
    shown = ok(ic("search", "kube")).out
    assert "ＡＢＣ outage on the ｋｕｂｅ cluster" in shown


def test_no_match_is_still_no_match(ic: Run, incident: str) -> None:
    assert _texts(ic, "ｘｙｚｚｙ") == []
    assert _texts(ic, "abd") == []
    # An accent still makes another word, typed either way.
    assert _texts(ic, "cafe wifi") == []
    assert _texts(ic, "café") == ["the cafe\u0301 wifi is down"]


def test_the_prefilter_never_skips_a_chunk_that_folds_to_a_match() -> None:
    """The byte-level look, on chunks as the log holds them: ASCII and not."""
    ascii_chunk = b'{"text":"restarted abc-worker"}\n'
    wide_chunk = '{"text":"ＡＢＣ outage"}\n'.encode()
    ligature = '{"text":"conﬁg drift"}\n'.encode()
    for needle in ("abc", "ＡＢＣ", "ａｂｃ"):
        look = Prefilter(fast.fold(needle))
        assert look.may_hold(ascii_chunk) and look.may_hold(wide_chunk), needle
        assert list(look.lines(wide_chunk)) == [wide_chunk.rstrip(b"\n")]
        assert not look.may_hold(ligature), needle
    look = Prefilter(fast.fold("CONFIG"))
    assert look.may_hold(ligature) and not look.may_hold(ascii_chunk)


def test_fold_is_compatibility_caseless() -> None:
    assert fast.fold("ＡＢＣ") == fast.fold("abc") == "abc"
    assert fast.fold("ﬁ") == "fi"
    assert fast.fold("Straße") == fast.fold("STRASSE")
    # Folding again changes nothing (a needle folded twice still matches itself).
    for text in ("İstanbul", "ǅ", "ＡＢＣ", "ﬃ", "ᾈ"):
        assert fast.fold(fast.fold(text)) == fast.fold(text), text


#: Letters of many scripts and forms: ASCII, Latin with accents, combining marks, Greek with
#: iota subscripts, letterlike symbols, full- and half-width forms, Hangul, kana, ligatures.
_ALPHABET = st.sampled_from(
    [
        chr(c)
        for c in [
            *range(0x41, 0x7B),
            *range(0xC0, 0x180),
            *range(0x300, 0x370),
            *range(0x370, 0x400),
            *range(0x1F00, 0x2000),
            *range(0x2100, 0x2190),
            *range(0x2460, 0x24FF),
            *range(0x3300, 0x3400),
            *range(0xFF01, 0xFFEF),
            *range(0x1100, 0x1200),
            *range(0xAC00, 0xAC40),
            *range(0x3040, 0x3100),
            *range(0xFB00, 0xFB50),
            0x20,
            0x2D,
            0x345,
            0x130,
            0xDF,
            0x1E9E,
        ]
        if chr(c) not in '"\\'
    ]
)


@settings(max_examples=400, deadline=None)
@given(
    values=st.lists(st.text(_ALPHABET, min_size=1, max_size=12), min_size=1, max_size=6),
    which=st.integers(min_value=0),
    cut=st.tuples(st.integers(min_value=0), st.integers(min_value=1)),
)
def test_the_prefilter_keeps_every_line_whose_fold_holds_the_needle(
    values: list[str], which: int, cut: tuple[int, int]
) -> None:
    """Against the exact fold of each value: a needle taken from one value's fold is never
    skipped in that value's line, whatever the other lines hold (the NFKD look at the lines
    together, and the byte-level look, only ever skip lines that cannot hold it)."""
    target = values[which % len(values)]
    folded = fast.fold(target)
    start = cut[0] % len(folded) if folded else 0
    needle = folded[start : start + cut[1]].strip()
    if not needle:
        return
    lines = [json.dumps({"text": value}, ensure_ascii=False).encode() for value in values]
    chunk = b"\n".join(lines) + b"\n"
    kept = list(Prefilter(fast.fold(needle)).lines(chunk))
    for value, line in zip(values, lines, strict=True):
        if fast.fold(needle) in fast.fold(value):
            assert line in kept, (needle, value)
