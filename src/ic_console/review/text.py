"""Showing user text safely and times consistently, in every output of the review."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from ic_console.domain.durations import format_duration

_CONTROL_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
#: Markdown's special characters, the backslash first; each is escaped with a backslash.
#: The tilde too: GitHub strikes through ~text~ and ~~text~~.
MD_SPECIAL = "\\`*_[]<>|~"
#: The same escapes for `str.translate`.
MD_ESCAPES = str.maketrans({ch: "\\" + ch for ch in MD_SPECIAL})
#: An ampersand that starts a character reference ("&amp;", "&#169;"), which Markdown would
#: show as the character it names: escaped too. Any other "&" is shown as it is, unescaped.
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
#: Whether a text holds any of them (or an "&"): most texts hold none, and a search is ten
#: times faster than `translate`, which looks every character up.
_ANY_MD_SPECIAL = re.compile("[" + re.escape(MD_SPECIAL + "&") + "]")


def md_specials(text: str) -> str:
    """The Markdown specials of `text` escaped (`MD_SPECIAL`, and an "&" that starts a
    character reference)."""
    text = text.translate(MD_ESCAPES)
    return md_references(text) if "&" in text else text


def md_references(text: str) -> str:
    """Each "&" of `text` that starts a character reference escaped, so it shows as typed."""
    return _ENTITY.sub(r"\\&", text)


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """`text` with every control or format character made visible, so a log entry can never
    move the cursor, change colours or clear a terminal: ESC becomes "\\x1b", and so on."""
    if text.isprintable():
        return text
    if keep_newlines and "\n" in text and text.replace("\n", " ").isprintable():
        return text  # printable lines: the common case of a written paragraph
    out: list[str] = []
    for ch in text:
        if keep_newlines and ch == "\n":
            out.append(ch)
        elif ch == "\t":
            out.append("    ")
        elif unicodedata.category(ch) in _CONTROL_CATEGORIES:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


def one_line(text: str, limit: int | None = None) -> str:
    """Printable text on one line (newlines become " / "), cut to `limit` characters."""
    if "\n" in text or "\r" in text:
        text = " / ".join(part.strip() for part in text.splitlines() if part.strip())
    flat = printable(text)
    if limit is not None and len(flat) > limit:
        return flat[: max(0, limit - 1)] + "…"
    return flat


def md_escape(text: str) -> str:
    """User text for Markdown: shown literally, never read as markup or raw HTML."""
    text = printable(text)
    return md_specials(text) if _ANY_MD_SPECIAL.search(text) else text


def md_cell(text: str) -> str:
    """User text on one line of Markdown (a table cell, a list item's words): `md_escape` of
    `one_line(text)`, pipes escaped."""
    if text.isprintable():  # no line breaks, no control characters: the common case
        return md_specials(text) if _ANY_MD_SPECIAL.search(text) else text
    return md_escape(one_line(text))


def utc(when: datetime) -> str:
    """A stored instant as an unambiguous UTC stamp with its date: "2026-11-23 14:05:09 UTC"."""
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def utc_short(when: datetime) -> str:
    """ "2026-11-23 14:05": for tables that say their zone in the heading."""
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


def duration(delta: timedelta | None, *, missing: str = "not recorded") -> str:
    """A duration for a report, or `missing` when the thing never happened."""
    if delta is None:
        return missing
    return _duration(delta)


@lru_cache(maxsize=4096)
def _duration(delta: timedelta) -> str:
    """`duration` of a time, each one worked out once: a long incident's tables say the same
    few durations (a 5m timebox, "decided 20s later") thousands of times."""
    text = format_duration(delta)
    return f"-{text}" if delta < timedelta(0) else text
