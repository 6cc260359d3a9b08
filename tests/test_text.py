"""The words people type: names, titles, free text, incident ids and slugs."""

from __future__ import annotations

import pytest

from ic_console.domain.errors import DomainError
from ic_console.domain.text import (
    MAX_TEXT,
    check_incident_id,
    clean_name,
    clean_text,
    clean_title,
    slugify,
)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Sam", "Sam"),
        ("  Tatiana   Ivanova ", "Tatiana Ivanova"),
        ("José", "José"),
        ("x" * 64, "x" * 64),
    ],
)
def test_clean_name(raw: str, clean: str) -> None:
    assert clean_name(raw) == clean


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "The name is empty"),
        ("   ", "The name is empty"),
        ("x" * 65, "longer than 64 characters"),
        ("Sam\x1b[31m", "contains control characters"),
        ("Sam\u202e", "contains control characters"),
        ("someone", '"someone" is a group, not a person'),
        ("The Team", '"The Team" is a group'),
        ("EVERYONE", "is a group"),
        ("on-call", "is a group"),
    ],
)
def test_clean_name_refuses(raw: str, message: str) -> None:
    with pytest.raises(DomainError) as caught:
        clean_name(raw)
    assert message in str(caught.value)


def test_clean_name_says_what_it_was_checking() -> None:
    with pytest.raises(DomainError, match="The objector's name is empty"):
        clean_name("", what="objector's name")


def test_a_newline_in_a_name_is_folded_to_a_space() -> None:
    assert clean_name("Sam\nLee") == "Sam Lee"


def test_clean_title() -> None:
    assert clean_title("  Checkout   errors\nin EU ") == "Checkout errors in EU"
    for raw, message in (
        ("", "The title is empty"),
        ("x" * 201, "longer than 200"),
        ("bell\x07", "control characters"),
    ):
        with pytest.raises(DomainError) as caught:
            clean_title(raw)
        assert message in str(caught.value)


def test_clean_text_keeps_what_was_typed() -> None:
    text = "  line one\n\tline two with [markup] and *stars*  "
    assert clean_text(text) == text.strip()
    assert clean_text("x" * MAX_TEXT) == "x" * MAX_TEXT


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (" \n\t ", "The text is empty"),
        ("x" * (MAX_TEXT + 1), "the limit is 20,000"),
        ("a\x00b", "contains a NUL character"),
    ],
)
def test_clean_text_refuses(raw: str, message: str) -> None:
    with pytest.raises(DomainError) as caught:
        clean_text(raw)
    assert message in str(caught.value)


@pytest.mark.parametrize("good", ["a", "2026-11-23-checkout", "inc-1", "x" * 48, "0abc"])
def test_incident_ids_accepted(good: str) -> None:
    assert check_incident_id(good) == good


@pytest.mark.parametrize(
    "bad", ["", "-lead", "Upper", "a/b", "..", "../x", "a.b", "a b", "x" * 49, "é", "a\n"]
)
def test_incident_ids_refused(bad: str) -> None:
    with pytest.raises(DomainError, match="is not a valid incident id"):
        check_incident_id(bad)


def test_long_bad_ids_are_shortened_in_the_message() -> None:
    with pytest.raises(DomainError) as caught:
        check_incident_id("X" * 500)
    assert len(str(caught.value)) < 300


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Checkout 500s in EU!", "checkout-500s-in-eu"),
        ("Ça coûte cher", "ca-coute-cher"),
        ("!!!", "incident"),
        ("Database replication lag on the primary cluster", "database-replication-lag"),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug
    assert check_incident_id(slug) == slug


def test_literal_keeps_joined_emoji_but_shows_direction_overrides() -> None:
    from ic_console.domain.text import literal

    firefighter = "\U0001f469\U0001f3fd\u200d\U0001f692"
    assert literal(f"{firefighter} on call") == f"{firefighter} on call"
    assert literal("abc\u202edef") == "abc\ufffddef"
    assert literal("red\x1b[31m") == "red\u241b[31m"
