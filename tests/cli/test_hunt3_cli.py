"""The `ic` verbs in the third hunt: what they say when given something odd."""

from __future__ import annotations

from .conftest import Run, ok, refused


def test_a_bad_exit_criterion_number_is_refused_in_plain_words(ic: Run) -> None:
    """It said '"1.5" is not a exit criterion number'."""
    ok(ic("new", "Checkout errors", "--id", "c"))
    refused(ic("exit", "c", "met", "1.5"), '"1.5" is not an exit criterion number')
    refused(ic("task", "c", "done", "x"), '"x" is not a task number')
