"""One parser per thing people type: severity, phase, kind of log entry, audience, duration, time.

The CLI and the console's forms both read what people type through these, so `ic phase diag`
and the phase form agree, and the log line, `ic log --kind` and the postmortem know the same
kind prefixes. Each parser takes any string and returns a value or raises a `DomainError` whose
message says what was wrong and what to type instead: never another exception (a property
test feeds them arbitrary text).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ic_console.domain.durations import DURATION_HELP, parse_duration, parse_when
from ic_console.domain.errors import DomainError
from ic_console.domain.model import SEVERITIES, Audience, LogKind, Phase, configured_severity_names

__all__ = [
    "DURATION_HELP",
    "KIND_PREFIXES",
    "SEVERITY_HINTS",
    "may_be_prefixed",
    "parse_audience",
    "parse_duration",
    "parse_log_kind",
    "parse_phase",
    "parse_severity",
    "parse_when",
    "severity_help",
    "split_kind_prefix",
]

#: The words (and one-letter short forms) for each kind of log entry, folded: lower case,
#: without spaces, hyphens or underscores ("Follow-up", "follow up" and "followup" are one).
KIND_PREFIXES: Mapping[str, LogKind] = {
    "n": LogKind.NOTE,
    "note": LogKind.NOTE,
    "a": LogKind.ACTION,
    "action": LogKind.ACTION,
    "s": LogKind.STATUS,
    "status": LogKind.STATUS,
    "f": LogKind.FOLLOWUP,
    "todo": LogKind.FOLLOWUP,
    "follow": LogKind.FOLLOWUP,
    "followup": LogKind.FOLLOWUP,
}

_KIND_CHOICES = "note, action, status or followup (also n, a, s, f, todo)"


#: What folding takes out of a word: spaces, hyphens and underscores.
_FOLD_OUT = str.maketrans("", "", " -_\t")


def _fold(text: str) -> str:
    return text.strip().lower().translate(_FOLD_OUT)


#: What any text with a kind prefix starts with: perhaps spaces, hyphens and underscores
#: (folded out), then the first letter of one of `KIND_PREFIXES`. Most log entries start
#: otherwise, and this one match turns them away before the prefix is split and folded (a
#: long log asks it of every entry). No other character lower-cases to one of these letters.
_MAY_BE_PREFIXED = re.compile(
    r"[\s\-_]*[" + "".join(sorted({key[0] + key[0].upper() for key in KIND_PREFIXES})) + "]"
)


def may_be_prefixed(text: str) -> bool:
    """False when `text` cannot start with a kind prefix (`split_kind_prefix` would find none):
    it has no colon, or does not start with a prefix's first letter."""
    return ":" in text and _MAY_BE_PREFIXED.match(text) is not None


def parse_log_kind(text: str) -> LogKind:
    """`note`, `a`, `Follow-up`, `todo`...: one table for the log line, the CLI and the draft."""
    kind = KIND_PREFIXES.get(_fold(text))
    if kind is None:
        raise DomainError(f'"{text.strip()}" is not a kind of log entry: use {_KIND_CHOICES}.')
    return kind


def split_kind_prefix(text: str) -> tuple[LogKind | None, str]:
    """ "a: rolled back" -> (action, "rolled back"); text without a kind prefix is unchanged.

    A prefix is one of `KIND_PREFIXES` (at most two words, as in "follow up") before a colon.
    """
    head, colon, rest = text.partition(":")
    if not colon or len(head.split()) > 2 or head != head.lstrip():
        return None, text
    kind = KIND_PREFIXES.get(_fold(head))
    if kind is None:
        return None, text
    return kind, rest.strip()


def is_followup(kind: LogKind, text: str) -> bool:
    """A follow-up: a follow-up log entry, or one whose text starts with a follow-up prefix
    ("TODO: add an alert"), as the postmortem's action items, `ic followups`, `ic show --json`
    and the JSON export all count them."""
    if kind is LogKind.FOLLOWUP:
        return True
    return may_be_prefixed(text) and split_kind_prefix(text.lstrip())[0] is LogKind.FOLLOWUP


#: Each level in a few words, for the help under a severity field.
SEVERITY_HINTS: Mapping[int, str] = {
    1: "critical, many customers",
    2: "critical, a major feature",
    3: "minor impact, act now",
    4: "customers not affected",
    5: "cosmetic",
}


def severity_help(names: Mapping[int, str] | None = None) -> str:
    """Each level by its own name and in a few words: "SEV-1 critical, many customers; ...".

    A configured name that is not the default label is shown beside the number ("1 P1: ...")."""
    from ic_console.domain.model import severity_label

    parts = []
    for level in SEVERITIES:
        name = (names or {}).get(level) or severity_label(level)
        label = name if name == severity_label(level) else f"{level} {name}:"
        parts.append(f"{label} {SEVERITY_HINTS[level]}")
    return "; ".join(parts)


def parse_severity(text: str, names: Mapping[int, str] | None = None) -> int:
    """A severity: "1", "sev1", "SEV-1", "sev 1", or a configured level's name ("P1")."""
    raw = text.strip()
    folded = _fold(raw)
    if names is None:
        names = configured_severity_names()
    for level, name in (names or {}).items():
        if name and _fold(name) == folded:
            return level
    if folded.startswith("sev"):
        folded = folded[3:]
    if folded in {str(level) for level in SEVERITIES}:
        return int(folded)
    named = ""
    if names:
        shown = ", ".join(names[level] for level in sorted(names) if names[level])
        named = f" (or its name: {shown})" if shown else ""
    raise DomainError(
        f'"{raw}" is not a severity: give a severity from 1 (most severe) to 5{named}. '
        "When unsure, pick the higher severity and move on."
    )


def parse_phase(text: str) -> Phase:
    """A phase by its name or any unambiguous start of it ("diag" is diagnose)."""
    raw = text.strip().lower()
    if raw == "mobilise":
        raw = "mobilize"
    matches = [phase for phase in Phase if phase.value.startswith(raw)] if raw else []
    if len(matches) != 1:
        choices = ", ".join(phase.value for phase in Phase)
        raise DomainError(f'"{text.strip()}" is not a phase: use one of {choices}.')
    return matches[0]


def parse_audience(text: str) -> Audience:
    """Who an update is for: internal or external, or any start of either."""
    raw = text.strip().lower()
    for audience in Audience:
        if raw and audience.value.startswith(raw):
            return audience
    raise DomainError(f'"{text.strip()}" is not an audience: say internal or external.')
