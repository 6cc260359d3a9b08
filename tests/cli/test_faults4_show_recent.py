"""`ic show` printed its "Recent log" entries whole: one 20,000-character entry made 38 kB of
output, and a pasted stack trace pages of it. Each recent entry is now one line at the
terminal's width (100 columns when the output is no terminal), ending with "…" when cut, and
the heading says that `ic tail` prints them whole; `ic show --json` stays whole."""

from __future__ import annotations

import json

from rich.cells import cell_len

from .conftest import Run, ok, run_ic
from .test_shell_fit import _at_terminal

HUGE = "Replica lag on db-3 " + "x" * 19_900
HINT = "Recent log (each entry cut to one line: `ic tail` prints them whole):"


def _recent(out: str) -> list[str]:
    """The lines after the "Recent log" heading."""
    lines = out.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("Recent log"))
    return lines[start:]


def test_a_huge_entry_is_one_line_of_100_columns(ic: Run) -> None:
    ok(ic("new", "Checkout down", "--sev", "2"))
    ok(ic("log", "short one"))
    ok(ic("log", HUGE))
    out = ok(ic("show")).out
    assert len(out.encode()) < 3_000, len(out.encode())
    heading, *entries = _recent(out)
    assert heading == HINT
    assert all(cell_len(line) <= 100 for line in entries), entries
    cut = [line for line in entries if "Replica lag" in line]
    assert len(cut) == 1 and cut[0].endswith("…") and cell_len(cut[0]) == 100, cut
    assert entries[-2].endswith("Alex: short one")  # a short entry is whole, with no "…"


def test_a_multi_line_entry_stays_on_one_line(ic: Run) -> None:
    ok(ic("new", "Checkout down", "--sev", "2"))
    ok(ic("log", "first line\nsecond line\n" + "trace frame\n" * 40))
    heading, *entries = _recent(ok(ic("show")).out)
    assert heading == HINT
    assert len(entries) == 1  # this entry, on one line
    assert entries[-1].endswith("…") and "first line" in entries[-1]


def test_no_hint_when_nothing_was_cut(ic: Run) -> None:
    ok(ic("new", "Checkout down", "--sev", "2"))
    ok(ic("log", "Replica lag is 30s"))
    heading, *entries = _recent(ok(ic("show")).out)
    assert heading == "Recent log:"
    assert entries[-1].endswith("Alex: Replica lag is 30s")


def test_the_whole_entry_is_where_the_hint_says_and_in_json(ic: Run, env: dict[str, str]) -> None:
    ok(ic("new", "Checkout down", "--sev", "2"))
    ok(ic("log", HUGE))
    assert HUGE in ok(ic("show", "--json")).out
    assert any(entry["text"] == HUGE for entry in json.loads(ok(ic("show", "--json")).out)["log"])
    tailed = run_ic(env, "tail")
    assert tailed.returncode == 0, tailed.stderr
    assert HUGE in tailed.stdout


def test_at_a_terminal_the_entry_fits_its_width(ic: Run, env: dict[str, str]) -> None:
    ok(ic("new", "Checkout down", "--sev", "2"))
    ok(ic("log", "Replica lag on db-3 " + "y" * 300))
    ok(ic("log", "乱码" * 100))  # wide characters: two cells each
    out = _at_terminal(env, "show", COLUMNS="60", NO_COLOR="1")
    heading, *entries = _recent(out)
    assert heading == HINT
    assert all(cell_len(line) <= 60 for line in entries), entries
    assert entries[-1].endswith("…") and entries[-2].endswith("…")
