"""Hunt 6: a typed local time is read in the zone the screen shows times in.

`TZ` may be a POSIX rule rather than a zone name (`EST5EDT,M3.2.0,M11.1.0`, as set on some
servers and containers). The C library shows every time in that zone; a typed "08:30" was read
in `/etc/localtime` instead (UTC here), so `ic log --at 08:30` at 09:00 EST was recorded five
hours early and said back as "03:30 EST".
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from helpers.cli_clock import fake_cli_clock
from ic_console.cli import main
from ic_console.domain.zones import system_zone
from ic_console.store.incident import IncidentStore

START = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # 09:00 in New York (EST, UTC-5)
POSIX_RULE = "EST5EDT,M3.2.0,M11.1.0"


@pytest.fixture
def posix_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", POSIX_RULE)
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 1, 15, 14, 0, tzinfo=UTC),  # EST
        datetime(2026, 7, 1, 13, 0, tzinfo=UTC),  # EDT: today's offset was an hour off
        datetime(2026, 3, 8, 6, 59, tzinfo=UTC),  # a minute before the clocks go forward
        datetime(2026, 3, 8, 7, 0, tzinfo=UTC),  # the change
        datetime(2026, 11, 1, 5, 30, tzinfo=UTC),  # 01:30 EDT, the first of two 01:30s
        datetime(2026, 11, 1, 6, 30, tzinfo=UTC),  # 01:30 EST, the second
    ],
)
def test_a_posix_tz_rule_gives_the_offset_the_screen_shows(
    posix_zone: None, moment: datetime
) -> None:
    """Every instant in the zone the C library (the screen) shows it in, across the rule's
    daylight-saving changes; and a wall time typed in it back to that instant."""
    shown = datetime.fromtimestamp(moment.timestamp()).astimezone()
    local = moment.astimezone(system_zone())
    assert local.utcoffset() == shown.utcoffset()
    assert local.replace(tzinfo=None) == shown.replace(tzinfo=None)
    assert local.tzname() == shown.tzname()
    if moment.day != 1 or moment.month != 11:  # 01:30 on the day the clocks go back is two
        typed = shown.replace(tzinfo=system_zone())
        assert typed.astimezone(UTC) == moment


def test_log_at_a_local_time_under_a_posix_tz_rule_is_that_local_time(
    posix_zone: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake_cli_clock(monkeypatch, START)
    home = tmp_path / "data"
    monkeypatch.setenv("IC_CONSOLE_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("IC_CONSOLE_USER", "Alex")
    assert main(["new", "Checkout errors", "--id", "tz", "--home", str(home)]) == 0
    capsys.readouterr()
    assert main(["log", "tz", "pool at 85%", "--at", "08:30", "--home", str(home)]) == 0
    said = capsys.readouterr().out
    assert "08:30 EST" in said, said
    state = IncidentStore.open(home, "tz", read_only=True).state
    entry = state.log[-1]
    assert entry.text == "pool at 85%"
    assert entry.occurred_at == datetime(2026, 11, 23, 13, 30, tzinfo=UTC)
