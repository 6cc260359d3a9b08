"""What people type on the command line is refused in one line, never a traceback, and local
times follow the zone's daylight-saving rules (issues 11 and 12)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ic_console.domain.clock import FakeClock
from test_cli import Run, clock, home, ic, incident, ok, refused, state_of, zone

__all__ = ["clock", "home", "ic", "incident", "zone"]  # fixtures used by name


@pytest.mark.parametrize(
    "argv",
    [
        ("list", "--until", "9999-12-31"),
        ("list", "--until", "9999-12-31T23:59-14:00"),
        ("list", "--since", "0001-01-01T00:00+14:00"),
    ],
)
def test_list_refuses_dates_at_the_ends_of_the_calendar(ic: Run, argv: tuple[str, ...]) -> None:
    refused(ic(*argv), "out of range")


@pytest.mark.parametrize(
    "argv",
    [
        ("log", "x", "--at", "0001-01-01T00:00+14:00"),
        ("log", "x", "--at", "9999-12-31"),
        ("log", "x", "--at", "-" + "9" * 309 + "m"),
        ("task", "assign", "Sam", "check", "--in", "9" * 309 + "m"),
        ("task", "assign", "Sam", "check", "--in", "9" * 400 + "h"),
    ],
)
def test_extreme_times_and_timeboxes_are_refused_in_one_line(
    ic: Run, incident: str, argv: tuple[str, ...]
) -> None:
    refused(ic(*argv))


def test_at_resolves_a_local_time_by_that_days_rules(
    ic: Run, home: Path, clock: FakeClock, zone: Callable[[str], None]
) -> None:
    zone("Europe/London")
    clock.set(datetime(2026, 3, 29, 9, 0, tzinfo=UTC))  # 10:00 BST; 00:30 was still GMT
    incident_id = ok(ic("new", "Checkout errors")).out.strip()
    ok(ic("log", "consumer lag alert", "--at", "00:30"))
    refused(ic("log", "x", "--at", "01:30"), "does not exist", "00:30 GMT", "02:30 BST")
    entries = state_of(home, incident_id).state.log
    assert entries[0].occurred_at == datetime(2026, 3, 29, 0, 30, tzinfo=UTC)


def test_at_refuses_a_time_that_happens_twice(
    ic: Run, clock: FakeClock, zone: Callable[[str], None]
) -> None:
    zone("Europe/London")
    clock.set(datetime(2026, 10, 25, 9, 0, tzinfo=UTC))
    ok(ic("new", "Checkout errors"))
    refused(ic("log", "x", "--at", "01:30"), "happens twice", "01:30 BST", "01:30 GMT")
