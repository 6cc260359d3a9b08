"""Second hostile-new-user hunt: opening the console under a name that can record nothing.
It failed before its fix."""

from __future__ import annotations

import pytest

from .conftest import Run, ok, refused


@pytest.mark.parametrize("verb", [["open"], ["watch"], []])
def test_the_console_under_a_name_no_entry_can_be_recorded_for_stops_before_it_opens(
    ic: Run, monkeypatch: pytest.MonkeyPatch, verb: list[str]
) -> None:
    """On a shared on-call account (login "oncall", no name configured) every `ic` verb said
    '"oncall" is a group, not a person', but the console and the Deputy's view opened, and
    every line and key was refused after it was typed. They now stop first, in one line that
    says how to give a name (exit 2), before any screen (or the wait for a terminal)."""
    ok(ic("new", "Checkout errors", "--id", "checkout"))
    monkeypatch.setenv("IC_CONSOLE_USER", "oncall")
    line = refused(ic(*verb), "group")
    assert "--as" in line, line


def test_an_observer_needs_no_name(ic: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """A read-only console records nothing: it opens (here: stops only for want of a
    terminal) whatever the login name."""
    ok(ic("new", "Checkout errors", "--id", "checkout"))
    monkeypatch.setenv("IC_CONSOLE_USER", "oncall")
    result = ic("open", "checkout", "--read-only")
    assert result.code == 1 and "terminal" in result.err, result
