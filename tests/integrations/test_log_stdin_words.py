"""`ic log --stdin` stopped by a bad line says how many lines before it were kept, in English:
"1 entry ... was logged", "2 entries ... were logged", and no count when there were none."""

from __future__ import annotations

import pytest

from .conftest import Ic, ok, refused


@pytest.mark.parametrize(
    ("good", "said"),
    [
        (b"", "Nothing was logged."),
        (b"fine\n", "The 1 entry before it was logged; nothing after it."),
        (b"fine\nalso fine\n", "The 2 entries before it were logged; nothing after it."),
    ],
)
def test_a_bad_line_says_what_was_kept_in_words_that_agree(ic: Ic, good: bytes, said: str) -> None:
    incident_id = ok(ic("new", "Checkout errors")).out.strip()
    before = len(ic.store(incident_id).state.log)
    result = refused(ic("log", "--stdin", stdin=good + b"bad\x00line\nafter\n"), "stdin line")
    assert result.err.rstrip("\n").endswith(said), result.err
    assert len(ic.store(incident_id).state.log) - before == good.count(b"\n")
