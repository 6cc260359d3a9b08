"""Second hostile-new-user hunt: swapping who holds a role from the command line. It failed
before its fix."""

from __future__ import annotations

from .conftest import Run, ok


def test_giving_a_held_role_to_someone_else_says_who_was_stood_down(ic: Run) -> None:
    """`ic role deputy Kim` while Mei was the Deputy said only "Kim is now the Deputy": Mei,
    stood down, was named nowhere, and went on chasing as the Deputy. The confirmation now
    names her."""
    ok(ic("new", "Checkout errors", "--id", "checkout"))
    ok(ic("role", "ic", "Alex"))
    ok(ic("role", "deputy", "Mei"))
    said = ok(ic("role", "deputy", "Kim")).out
    assert "Kim is now the Deputy" in said and "Mei" in said, said
    assert "Mei" not in ok(ic("role", "scribe", "Sam")).out  # a seat nobody held
