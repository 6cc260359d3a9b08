"""The action-item and blameless checks on the words of a draft."""

from __future__ import annotations

import pytest

from ic_console.review.checks import (
    ACTIONABLE,
    BOUNDED,
    SPECIFIC,
    check_action_item,
    check_blameless,
    sentences,
)


def test_a_good_action_item_passes() -> None:
    good = "Add alerting for all cases where the service returns over 1% errors for 10 minutes"
    assert check_action_item(good) == []
    assert check_action_item("Document the rollback steps for the payment service") == []


@pytest.mark.parametrize(
    "vague",
    [
        "Investigate monitoring for this",
        "Look into the cache settings next week",
        "Make sure backups are restorable",
        "Improve the deploy pipeline checks",
        "Fix issues with the checkout service",
    ],
)
def test_vague_or_unbounded_items_are_flagged_with_advice(vague: str) -> None:
    findings = check_action_item(vague)
    assert findings
    assert any(f.advice == BOUNDED for f in findings)


def test_an_item_that_does_not_start_with_a_verb_is_flagged() -> None:
    findings = check_action_item("The alert threshold for checkout errors in the EU region")
    assert [f.advice for f in findings] == [ACTIONABLE]
    assert '"the"' in findings[0].problem


def test_a_very_short_item_is_not_specific() -> None:
    assert any(f.advice == SPECIFIC for f in check_action_item("Add alerts"))


def test_an_item_that_starts_with_a_number_is_flagged() -> None:
    assert any(f.advice == ACTIONABLE for f in check_action_item("1. Add an alert for checkout"))


def test_blame_by_name_is_flagged() -> None:
    people = ["Sam", "Kim"]
    for text in [
        "Sam caused the outage.",
        "The outage was caused by Sam.",
        "Kim forgot to warm the cache.",
        "It was Sam's fault.",
        "Because of Kim the database fell over.",
    ]:
        (finding,) = check_blameless(text, people)
        assert finding.problem.startswith("It names")


def test_human_error_is_flagged_without_a_name() -> None:
    (finding,) = check_blameless("Root cause: human error. The cache expired.", [])
    assert finding.sentence == "Root cause: human error."
    assert "human error" in finding.problem


def test_neutral_sentences_naming_people_pass() -> None:
    people = ["Sam", "Kim"]
    assert check_blameless("Sam rolled back the deploy. Kim verified checkout.", people) == []
    assert check_blameless("The deploy changed the cache keys.", people) == []


def test_only_the_blaming_sentence_is_reported() -> None:
    findings = check_blameless(
        "Latency rose at 14:05. Sam broke the config! Then it recovered.", ["Sam"]
    )
    assert [f.sentence for f in findings] == ["Sam broke the config!"]


def test_sentences_split_on_stops_and_lines() -> None:
    assert sentences("One. Two!\nThree") == ["One.", "Two!", "Three"]
