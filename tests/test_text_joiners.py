"""Titles and names with joiners and soft hyphens (found by the second hunt): "🧑‍🚒 fire"
(an emoji joined by U+200D) and a Persian name written with a zero-width non-joiner were refused
as "control characters", which the person cannot see; a pasted soft hyphen in "Ca­fé" too. The
joiners are kept (the screens show them, `text.literal`), the soft hyphen and other invisible
characters are left out, and what can hide or reorder text is still refused."""

from __future__ import annotations

import pytest

from ic_console.domain.errors import DomainError
from ic_console.domain.text import clean_name, clean_title, literal, name_key

FIREFIGHTER = "\U0001f9d1\u200d\U0001f692"


def test_a_joined_emoji_and_a_soft_hyphen_make_a_title() -> None:
    assert (
        clean_title(f"{FIREFIGHTER} fire in the EU region")
        == f"{FIREFIGHTER} fire in the EU region"
    )
    assert clean_title("Ca\u00adf\u00e9 payments down") == "Caf\u00e9 payments down"
    assert literal(clean_title(f"{FIREFIGHTER} fire")) == f"{FIREFIGHTER} fire"


def test_a_name_with_a_non_joiner_is_one_person() -> None:
    name = clean_name("Mehr\u200cdad")
    assert name == "Mehr\u200cdad"
    assert name_key(name) == name_key("Mehrdad")


@pytest.mark.parametrize(
    "title",
    ["a\u202eb", "right\u2066to\u2069left", "nul\x00", "esc\x1b[2J"],
)
def test_what_can_hide_or_reorder_text_is_still_refused(title: str) -> None:
    with pytest.raises(DomainError, match="control characters"):
        clean_title(f"Checkout {title}")


@pytest.mark.parametrize("invisible", ["\u200d", "\u200c \u200d", "\u00ad", "\u200b\u00ad"])
def test_nothing_visible_is_empty(invisible: str) -> None:
    with pytest.raises(DomainError, match="empty"):
        clean_title(invisible)
    with pytest.raises(DomainError, match="empty"):
        clean_name(invisible)
