"""Every parser of typed input: any string in, a value or the parser's own error out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ic_console.domain.durations import describe_day, parse_duration, parse_when
from ic_console.domain.errors import DomainError
from ic_console.domain.log_line import parse_log_line
from ic_console.domain.model import LogKind, Phase
from ic_console.domain.parse import (
    parse_audience,
    parse_log_kind,
    parse_phase,
    parse_severity,
    severity_help,
    split_kind_prefix,
)

NOW = datetime(2026, 11, 24, 16, 32, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")
#: Text people might type, and text nobody would: digits, signs, colons, "@", huge numbers.
typed = (
    st.text(alphabet=st.sampled_from("0123456789:-+@TZ .hmsdevSEV/x\t"), max_size=40) | st.text()
)
huge = st.integers(min_value=10**15, max_value=10**400).map(str)


def _value_or_own_error(parse, text):  # type: ignore[no-untyped-def]
    try:
        return parse(text)
    except DomainError as error:
        assert error.message  # echoed typed text is made literal by the face that shows it
        return None


@settings(max_examples=400)
@given(st.one_of(typed, huge, huge.map(lambda n: n + "m"), huge.map(lambda n: "-" + n + "h")))
def test_every_parser_takes_any_string(text: str) -> None:
    for parse in (
        parse_duration,
        parse_severity,
        parse_phase,
        parse_audience,
        parse_log_kind,
        lambda t: parse_when(t, now=NOW, local_zone=LONDON),
        lambda t: parse_when(t, now=NOW, local_zone=LONDON, within=None),
        lambda t: parse_log_line(t, default=LogKind.NOTE, now=NOW, zone=LONDON),
        lambda t: parse_log_line("@" + t + " x", default=LogKind.NOTE, now=NOW, zone=LONDON),
    ):
        _value_or_own_error(parse, text)


@pytest.mark.parametrize(
    "text",
    ["@0001-01-01T00:00+14:00 x", "@9999-12-31T23:59-14:00 x", "@9999-12-31 x", "@0001-01-01 x"],
)
def test_times_at_the_ends_of_the_calendar_are_refused_in_one_line(text: str) -> None:
    with pytest.raises(DomainError, match=r"too far from now|out of range"):
        parse_log_line(text, default=LogKind.NOTE, now=NOW, zone=LONDON)


def test_a_309_digit_timebox_is_refused_not_a_crash() -> None:
    with pytest.raises(DomainError, match="longer than"):
        parse_duration("9" * 309 + "m")
    with pytest.raises(DomainError, match="longer than"):
        parse_duration("9" * 400 + "m")


def test_severity_by_number_label_or_configured_name() -> None:
    assert [parse_severity(t) for t in ("1", "sev2", "SEV-3", "sev 4", " 5 ")] == [1, 2, 3, 4, 5]
    assert parse_severity("p1", {1: "P1", 2: "P2"}) == 1
    with pytest.raises(DomainError, match=r'"P1" is not a severity'):
        parse_severity("P1")
    with pytest.raises(DomainError, match="or its name: P1, P2"):
        parse_severity("P9", {1: "P1", 2: "P2"})


def test_severity_help_names_each_level() -> None:
    text = severity_help()
    assert text.startswith("SEV-1 critical, many customers; SEV-2 critical, a major feature")
    assert "1 P1: critical" in severity_help({1: "P1"})


def test_phase_by_word_or_unambiguous_start_as_forms_and_cli_share() -> None:
    assert parse_phase("diag") is Phase.DIAGNOSE
    assert parse_phase("Mobilise") is Phase.MOBILIZE
    with pytest.raises(DomainError, match="not a phase"):
        parse_phase("d")  # detect or diagnose


def test_one_table_of_log_kind_prefixes() -> None:
    for word in ("f", "todo", "TODO", "follow-up", "Follow up", "followup"):
        assert parse_log_kind(word) is LogKind.FOLLOWUP
        assert split_kind_prefix(f"{word}: add a canary") == (LogKind.FOLLOWUP, "add a canary")
    assert split_kind_prefix("Primary at 14:05 failed") == (None, "Primary at 14:05 failed")
    assert split_kind_prefix("the deploy: rolled back") == (None, "the deploy: rolled back")


# -- local times by the zone's rules (issue 12) ---------------------------------------------------


def test_a_local_time_across_the_spring_change_uses_that_days_offset() -> None:
    now = datetime(2026, 3, 29, 9, 0, tzinfo=UTC)  # 10:00 BST
    # 00:30 that morning was still GMT: 00:30Z, not 23:30Z the day before.
    assert parse_when("00:30", now=now, local_zone=LONDON) == datetime(
        2026, 3, 29, 0, 30, tzinfo=UTC
    )


def test_a_skipped_local_time_is_refused_with_both_candidates() -> None:
    now = datetime(2026, 3, 29, 9, 0, tzinfo=UTC)
    with pytest.raises(DomainError) as refused:
        parse_when("01:30", now=now, local_zone=LONDON)
    assert "does not exist" in refused.value.message
    assert "00:30 GMT" in refused.value.message and "02:30 BST" in refused.value.message


def test_a_repeated_local_time_is_refused_with_both_candidates() -> None:
    now = datetime(2026, 10, 25, 9, 0, tzinfo=UTC)
    with pytest.raises(DomainError) as refused:
        parse_when("01:30", now=now, local_zone=LONDON)
    message = refused.value.message
    assert "happens twice" in message
    assert "2026-10-25T00:30Z (01:30 BST)" in message and "2026-10-25T01:30Z (01:30 GMT)" in message
    # The instant itself, given with its zone, is taken.
    assert parse_when("2026-10-25T00:30Z", now=now, local_zone=LONDON).hour == 0


def test_a_later_clock_time_means_yesterday_and_says_so() -> None:
    now = datetime(2026, 11, 24, 16, 32, tzinfo=UTC)
    when = parse_when("23:59", now=now, local_zone=LONDON)
    assert when == datetime(2026, 11, 23, 23, 59, tzinfo=UTC)
    assert describe_day(when, now, LONDON) == "yesterday 23:59"
    assert describe_day(now - timedelta(minutes=5), now, LONDON) == "16:27"
