"""Input nested too deeply to parse, and a time zone the C library cannot give an offset for,
are refused or worked around with a clear message, never a traceback (found in real
terminals: a config file or an alert payload of 5,000 brackets; `TZ=UTC+99`)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ic_console.content.problems import ContentError, read_toml
from ic_console.domain.alert_payloads import AlertPayloadError, parse_alert
from ic_console.domain.durations import parse_when
from ic_console.domain.zones import offset_zone


def test_a_toml_file_nested_too_deeply_is_a_content_problem(tmp_path: Path) -> None:
    path = tmp_path / "phrasebook.toml"
    with pytest.raises(ContentError) as raised:
        read_toml(path, "x = " + "[" * 5000 + "]" * 5000)
    assert "too deeply" in str(raised.value)


def test_an_alert_payload_nested_too_deeply_is_refused_in_one_line() -> None:
    with pytest.raises(AlertPayloadError) as raised:
        parse_alert("alertmanager", "[" * 100_000 + "]" * 100_000)
    assert "too deeply" in str(raised.value)


@pytest.fixture
def odd_tz(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TZ", "UTC+99")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("odd_tz")
def test_a_zone_without_an_offset_is_taken_as_utc() -> None:
    with pytest.raises(ValueError):
        datetime.now().astimezone()  # what the C library gives for TZ=UTC+99
    assert offset_zone() is UTC
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert parse_when("09:00", now=now) == now
    assert parse_when("-10m", now=now) == datetime(2026, 12, 1, 8, 50, tzinfo=UTC)
