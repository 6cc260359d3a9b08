"""The `ic` verbs given hostile input: one line on stderr and exit 2, never a traceback. Each
test here printed a traceback before its fix."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import Run, ok, refused, run_ic

DEEP_JSON = "[" * 100_000 + "]" * 100_000
DEEP_TOML = "x = " + "[" * 5_000 + "]" * 5_000 + "\n"


def test_a_deeply_nested_alert_payload_is_refused_in_one_line(env: dict[str, str]) -> None:
    """A webhook body of 100,000 brackets inside each other: the JSON reader gave up with a
    RecursionError and `ic new --from` printed its traceback."""
    for source in ("alertmanager", "pagerduty"):
        result = run_ic(env, "new", "--from", source, stdin=DEEP_JSON)
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr
        assert result.stderr.startswith(f"ic: the {source} payload is nested too deeply")
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_a_deeply_nested_config_file_is_refused_in_one_line(
    ic: Run, config: Callable[[str], Path]
) -> None:
    """A config.toml with 5,000 brackets inside each other: every verb printed tomllib's
    RecursionError traceback."""
    path = config(DEEP_TOML)
    line = refused(ic("list"), "nested too deeply")
    assert "config.toml" in line, line
    assert str(path) in line or "ic config path" in line, line


def test_a_time_zone_a_day_off_utc_does_not_break_the_confirmation(
    ic: Run, monkeypatch: pytest.MonkeyPatch, home: Path
) -> None:
    """TZ="UTC+99" (the C library reads it as a whole day behind UTC, which Python's
    `astimezone()` refuses): every verb that says a time printed a traceback with exit 1, after
    recording (`ic task assign` had assigned the task: run again, it was assigned twice).
    Times are then said in UTC."""
    import time

    ok(ic("new", "Checkout errors", "--id", "tz"))
    monkeypatch.setenv("TZ", "UTC+99")
    time.tzset()
    result = ok(ic("task", "tz", "assign", "Sam", "check lag", "--in", "5m"))
    assert "UTC" in result.out, result.out
    ok(ic("show", "tz"))
    ok(ic("list"))
    ok(ic("log", "tz", "rolled back", "--at", "-5m"))


def test_a_terminal_that_cannot_show_the_text_gets_it_escaped_not_a_traceback(
    env: dict[str, str],
) -> None:
    """A terminal whose encoding has no room for the incident's text (PYTHONIOENCODING=ascii,
    or a Latin-1 locale, with a title in Chinese or a name with an emoji): `ic show`, `list`,
    `tail`, `search`, `export` and `followups` printed UnicodeEncodeError's traceback. The
    characters it cannot show are written as escapes; everything else reads as usual."""
    made = run_ic(env, "new", "支付系统故障 🔥", "--id", "pay")
    assert made.returncode == 0, made.stderr
    for argv in (["show", "pay"], ["list"], ["tail", "pay"], ["search", "支付"]):
        result = run_ic(env, *argv, PYTHONIOENCODING="ascii")
        assert result.returncode == 0, (argv, result.stderr)
        assert "Traceback" not in result.stderr
        assert "\\u652f" in result.stdout, (argv, result.stdout)
    shown = run_ic(env, "show", "pay", "--json", PYTHONIOENCODING="ascii")
    assert json.loads(shown.stdout)["title"] == "支付系统故障 🔥"  # still valid JSON
    refusal = run_ic(env, "show", "支付", PYTHONIOENCODING="ascii")
    assert refusal.returncode == 2 and "Traceback" not in refusal.stderr, refusal.stderr


def test_a_task_without_an_owner_says_so_before_the_timebox(ic: Run) -> None:
    ok(ic("new", "Checkout errors", "--id", "own"))
    refused(ic("task", "own", "assign", " ", "check lag"), "Name the one person")
    line = refused(ic("task", "own", "assign", "Priya S", "check lag"), "timebox")
    assert "assign 'Priya S' " in line, line
