"""User text in every output: never markup, never a control sequence (property-based)."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from ic_console.review.document import Document, Table, render_html, render_markdown
from ic_console.review.text import md_cell, printable

CONTROL = {"Cc", "Cf", "Zl", "Zp"}


@given(st.text())
def test_printable_leaves_no_control_characters(text: str) -> None:
    out = printable(text)
    assert not any(unicodedata.category(ch) in CONTROL for ch in out)
    kept = printable(text, keep_newlines=True)
    assert all(unicodedata.category(ch) not in CONTROL or ch == "\n" for ch in kept)


@given(st.text())
def test_a_markdown_cell_is_one_line_with_no_bare_pipe(text: str) -> None:
    cell = md_cell(text)
    assert "\n" not in cell and "\r" not in cell
    assert "|" not in re.sub(r"\\.", "", cell)  # every pipe is escaped


@given(st.lists(st.text(), min_size=3, max_size=3))
def test_tables_keep_their_shape_and_escape_html(cells: list[str]) -> None:
    document = Document("t", [Table(("a", "b", "c"), (tuple(cells),))])
    row = render_markdown(document).splitlines()[-1]
    unescaped = re.sub(r"\\.", "", row)
    assert unescaped.count("|") == 4
    page = render_html(document)
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert re.sub(r"</?(tr|td)>|<br>", "", body).count("<") == 0
