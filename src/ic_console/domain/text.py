"""Validation of the words people type: names, titles, incident ids and free text."""

from __future__ import annotations

import re
import unicodedata

from ic_console.domain.errors import DomainError

MAX_NAME = 64
MAX_TITLE = 200
#: The largest free text (a log line, a task, an update) accepted, in characters.
MAX_TEXT = 20_000
INCIDENT_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,47}")

#: Words that name a group, never one person: "assign to a person, never to a group".
GROUP_WORDS = frozenset(
    {
        "all",
        "anybody",
        "anyone",
        "everybody",
        "everyone",
        "nobody",
        "none",
        "someone",
        "somebody",
        "team",
        "the team",
        "us",
        "we",
        "they",
        "ops",
        "oncall",
        "on-call",
    }
)


def _has_control(text: str) -> bool:
    """Whether `text` holds a character that would act on a terminal or hide text: a joiner
    (`_JOINERS`, as in "🧑‍🚒" or a Persian name) is not one."""
    return any(
        unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp"} and ch not in _JOINERS for ch in text
    )


#: Characters that show nothing and mean nothing in a name or a title, which a chat or a web
#: page pastes along with it (zero-width space, word joiner, byte-order mark, soft hyphen): left
#: out of a new name or title.
_INVISIBLE = str.maketrans("", "", "\u200b\u2060\ufeff\u00ad")


def name_key(name: str) -> str:
    """What every spelling of one person's name has in common, for matching names.

    NFKC folds compatibility forms ("Ｓａｍ" is "Sam") and joins combining accents to their
    letters, casefold ignores case, format characters (invisible) and extra spaces are left out.
    Names are stored as first written; only their keys are compared, so two spellings of one
    name find one person, and an accent still makes another name ("Sám" is not "Sam").
    """
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    if not folded.isprintable():
        folded = "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")
    return " ".join(folded.split())


def clean_name(name: str, *, what: str = "name") -> str:
    """A person's name: one line, printable, 1-64 characters, and one person, never a group."""
    value = " ".join(name.translate(_INVISIBLE).split())
    if not value.translate(_NO_JOINERS).strip():
        raise DomainError(f'The {what} is empty: give a person\'s name, like "Sam".')
    if len(value) > MAX_NAME:
        raise DomainError(f"The {what} is longer than {MAX_NAME} characters: use a shorter name.")
    if _has_control(value):
        raise DomainError(
            f"The {what} {value!r} contains control characters: use letters, digits and spaces."
        )
    if name_key(value) in GROUP_WORDS:
        raise DomainError(
            f'"{value}" is a group, not a person: give one named person, never a group.'
        )
    return value


#: How a name says it is more than one person: "Sam and Mei", "Sam & Mei", "Sam/Mei", "Sam +
#: Mei", or a chat mention of a group ("@here", "@db-team").
_SEVERAL = re.compile(r"\s(?:and|&|\+)\s|\w\s*[/&+]\s*\w|^@\w", re.IGNORECASE)


def one_person(name: str) -> str:
    """`name`, when it names one person: a task or a role given to "Sam and Mei" belonged to
    nobody in particular, though every task belongs to one named person. Only names new to
    the call are checked; someone already on it is found as they were first written."""
    if _SEVERAL.search(name):
        raise DomainError(
            f'"{name}" names more than one person, or a group: give one named person (a task '
            "each, or one who leads and reports back)."
        )
    return name


def clean_title(title: str) -> str:
    """An incident title: one printable line of 1-200 characters."""
    value = " ".join(title.translate(_INVISIBLE).split())
    if not value.translate(_NO_JOINERS).strip():
        raise DomainError('The title is empty: say what is wrong, like "Checkout errors in EU".')
    if len(value) > MAX_TITLE:
        raise DomainError(f"The title is longer than {MAX_TITLE} characters: shorten it.")
    if _has_control(value):
        raise DomainError("The title contains control characters: use one line of plain text.")
    return value


def clean_text(text: str, *, what: str = "text") -> str:
    """Free text is stored exactly as typed (only trimmed), up to MAX_TEXT characters.

    It may hold any printable characters; the screens show it literally.
    """
    value = text.strip()
    if not value:
        raise DomainError(f"The {what} is empty: type something to record.")
    if len(value) > MAX_TEXT:
        raise DomainError(
            f"The {what} is {len(value):,} characters; the limit is {MAX_TEXT:,}. "
            "Link to a document for long material."
        )
    if "\x00" in value:
        raise DomainError(f"The {what} contains a NUL character: remove it and try again.")
    return value


def check_incident_id(incident_id: str) -> str:
    """Incident ids are short, lower-case and safe as a directory name."""
    if not INCIDENT_ID.fullmatch(incident_id):
        shown = incident_id if len(incident_id) <= 60 else incident_id[:57] + "..."
        raise DomainError(
            f"{shown!r} is not a valid incident id: use 1-48 lower-case letters, digits and "
            'hyphens, starting with a letter or digit (like "2026-11-23-checkout").'
        )
    return incident_id


def slugify(title: str, *, limit: int = 24) -> str:
    """A short typable slug from a title: "Checkout 500s in EU!" -> "checkout-500s-in-eu"."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_title.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit:
            break
        slug = candidate
    return slug or "incident"


#: Characters that would act on a terminal (or be invisible) instead of being shown.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})
#: Format characters that only join what is around them ("👩🏽‍🚒" is one emoji, joined by
#: U+200D); they move no cursor and hide nothing, so they are kept. Bidirectional overrides,
#: which can make text read differently from how it is stored, are still made visible.
_JOINERS = frozenset({"\u200c", "\u200d"})
#: The joiners left out, to see whether a name or a title shows anything at all.
_NO_JOINERS = str.maketrans("", "", "".join(_JOINERS))


def _stand_in(ch: str) -> str:
    code = ord(ch)
    if ch in "\r\n":
        return "⏎"
    if ch == "\t":
        return " "
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode "control pictures": ␛ for ESC
    if code == 0x7F:
        return "␡"
    return "\ufffd"


def literal(text: str) -> str:
    """`text` as one line of safe, printable characters (control characters made visible).

    Every face that shows what people typed (the console, `ic show`) goes through this, so no
    stored text can move a terminal's cursor, set its title or hide the lines around it.
    """
    if text.isprintable():
        return text
    return "".join(
        _stand_in(ch)
        if unicodedata.category(ch) in _UNSAFE_CATEGORIES and ch not in _JOINERS
        else ch
        for ch in text
    )
