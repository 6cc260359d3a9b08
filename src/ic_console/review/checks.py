"""Checks on the words of a postmortem draft: action items and blamelessness.

These are prompts for the writer, not gates: each finding says what caught our eye and what good
looks like, and the writer decides. They work on plain word lists, so they are predictable and
explainable ("it starts with 'investigate'"), at the price of missing some cases.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate

#: What makes an action item worth tracking, in our words (from the postmortem advice).
ACTIONABLE = (
    "Actionable: start with a verb that says what will be done, like "
    '"Add", "Remove", "Document" or "Automate".'
)
SPECIFIC = "Specific: name the outcome, the thing that will exist or be true once it is done."
BOUNDED = (
    "Bounded: make it finishable, so anyone can tell when it is done "
    "(a threshold, a named system, a number)."
)
ACTION_EXAMPLE = (
    'Instead of "Look into alerting for this", write "Add an alert that pages when checkout '
    'errors stay above 1% for 10 minutes".'
)
BLAMELESS_ADVICE = (
    "Blameless: describe what happened and how the system let it happen, not who did it. "
    "One person's action is never the root cause; ask what made the action easy to take."
)

#: Imperative verbs that commonly open a good action item.
_VERBS = """
    add adjust align allow alert apply archive assign audit automate backfill block build bump
    cache cap change clean clear close code configure consolidate convert create cut dashboard
    de-duplicate decommission define delete deploy deprecate describe disable document downgrade
    drain drop enable encrypt enforce extend extract fail failover file fix flag gate generate
    harden hire implement import increase index install instrument introduce isolate keep label
    limit link lock log lower mark measure merge migrate mirror move name notify page partition
    patch pin practise practice prevent provision publish purge put queue raise rate-limit
    rebuild record reduce refactor release remove rename repair replace replicate report require
    reroute reserve reset resize restore restrict retire retry return revert review revoke
    rewrite roll rotate route run scale schedule script separate set shard ship shorten show
    simplify snapshot split stage standardise standardize start stop store switch tag teach
    test throttle time-box timebox track train trigger tune turn unify update upgrade validate
    verify version warn write
"""
ACTION_VERBS = frozenset(_VERBS.split())

#: Words and phrases that make an item vague or open-ended, with why.
VAGUE_PHRASES: tuple[tuple[str, str], ...] = (
    ("investigate", "investigating has no end point"),
    ("look into", "looking into something has no end point"),
    ("look at", "looking at something has no end point"),
    ("make sure", "says what should be true but not what will be done"),
    ("ensure", "says what should be true but not what will be done"),
    ("improve", "says better, but not how much or when it is enough"),
    ("fix issues", "does not say which issues, or when they are fixed"),
    ("fix problems", "does not say which problems, or when they are fixed"),
    ("consider", "considering has no end point"),
    ("explore", "exploring has no end point"),
    ("think about", "thinking about something has no end point"),
    ("revisit", "revisiting has no end point"),
    ("discuss", "a discussion is not an outcome"),
    ("figure out", "has no clear outcome"),
    ("try to", "trying is not an outcome"),
    ("better", "says better, but not how much"),
    ("etc", "open lists cannot be finished"),
    ("as needed", "open-ended"),
)

#: Whether a text holds any of `VAGUE_PHRASES` as whole words. The phrases are grouped by
#: their first letter, which comes before the look back: the pattern is only tried where one of
#: those letters is (each phrase starts with a letter, so the word boundary before it is a
#: character before it that is not a word character).
_VAGUE_BY_LETTER: dict[str, list[str]] = {}
for _phrase, _ in VAGUE_PHRASES:
    _VAGUE_BY_LETTER.setdefault(_phrase[0], []).append(re.escape(_phrase[1:]))
_ANY_VAGUE = re.compile(
    "(?:"
    + "|".join(
        f"{letter}(?<!\\w.)(?:{'|'.join(rests)})"
        for letter, rests in sorted(_VAGUE_BY_LETTER.items())
    )
    + ")\\b"
)
_VAGUE_FIRST_WORDS = frozenset(phrase.split()[0] for phrase, _ in VAGUE_PHRASES)


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a check noticed: what, and the advice beside it."""

    problem: str
    advice: str


_WORD = re.compile(r"[a-z][a-z'-]*")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


#: Past this many characters a text is split into words from its bytes, and its words are
#: searched for each vague phrase as it is (a fast scan each) before any pattern; a short text
#: is split and searched by patterns.
_LONG_WORDS = 512
#: Every byte but the letters, the apostrophe and the hyphen (what `_WORD` is made of) as a
#: space.
_WORD_BYTES = bytes(
    byte if chr(byte) in "abcdefghijklmnopqrstuvwxyz'-" else 32 for byte in range(256)
)


def _word_line(text: str) -> tuple[str, int, str]:
    """The first of `_words(text)`, how many there are, and all of them joined by spaces.

    A word is a run of `_WORD`'s characters from its first letter to the run's end, so when no
    run starts with an apostrophe or a hyphen the words are the runs themselves: an ASCII text
    is split into them with every other character made a space, in a few passes over its bytes
    (a follow-up of 20,000 characters is thousands of words; a short one is quicker to search
    for them)."""
    folded = text.casefold()
    if len(folded) > _LONG_WORDS and folded.isascii():
        spaced = folded.encode("ascii").translate(_WORD_BYTES)
        if not (spaced.startswith((b"'", b"-")) or b" '" in spaced or b" -" in spaced):
            runs = spaced.split()
            first = runs[0].decode("ascii") if runs else ""
            return first, len(runs), b" ".join(runs).decode("ascii")
    words = _WORD.findall(folded)
    return (words[0] if words else ""), len(words), " ".join(words)


#: Each of `VAGUE_PHRASES` as a whole-words pattern.
_VAGUE_PATTERNS = tuple(
    (phrase, why, re.compile(rf"\b{re.escape(phrase)}\b")) for phrase, why in VAGUE_PHRASES
)


def _vague_phrases(joined: str) -> list[tuple[str, str]]:
    """The vague phrases (and why) that `joined`, words apart by spaces, holds as words."""
    if len(joined) > _LONG_WORDS:
        # A phrase that is not even in the text is not in it as words.
        return [
            (p, why)
            for p, why, pattern in _VAGUE_PATTERNS
            if p in joined and pattern.search(joined)
        ]
    if _ANY_VAGUE.search(joined) is None:
        return []
    return [(p, why) for p, why, pattern in _VAGUE_PATTERNS if pattern.search(joined)]


def check_action_item(text: str) -> list[Finding]:
    """Why `text` may not make a good action item; empty when nothing caught our eye."""
    findings: list[Finding] = []
    first, count, joined = _word_line(text)
    stripped = text.strip()
    if not stripped or not first or not stripped.casefold().startswith(first[:1]):
        findings.append(Finding("It does not start with a word (a verb).", ACTIONABLE))
    elif first not in ACTION_VERBS and first not in _VAGUE_FIRST_WORDS:
        findings.append(
            Finding(f'It starts with "{first}", which does not read as a verb.', ACTIONABLE)
        )
    for phrase, why in _vague_phrases(joined):
        findings.append(Finding(f'"{phrase}": {why}.', BOUNDED))
    if 0 < count < 4:
        findings.append(Finding(f"It is only {count} word(s) long.", SPECIFIC))
    return findings


#: Verbs and phrases that make a person the cause of something.
_CAUSE_AFTER_NAME = (
    r"caused|broke|forgot|missed|failed to|should have|shouldn't have|should not have|"
    r"didn't|did not|messed up|screwed up|made a mistake|made an error|fat[- ]fingered|"
    r"was careless|was negligent|neglected|ignored|is to blame|was to blame|'s fault|'s mistake|"
    r"'s error"
)
_CAUSE_BEFORE_NAME = (
    r"caused by|because of|due to|fault of|blame|blamed|blaming|mistake by|error by|"
    r"mistake of|thanks to"
)
_GENERIC = re.compile(
    r"\b(human error|operator error|user error|pilot error|human mistake|someone forgot|"
    r"somebody forgot|someone messed up|somebody messed up|someone broke|somebody broke)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class BlameFinding:
    sentence: str
    problem: str
    advice: str = BLAMELESS_ADVICE


def sentences(text: str) -> list[str]:
    """`text` split into sentences (on . ! ? and line breaks)."""
    parts = re.split(r"(?<=[.!?])\s+|\n+", text)
    return [part.strip() for part in parts if part.strip()]


#: Every blaming phrase above holds one of these words: a cheap test before the real one.
_TRIGGERS = """
    caused cause broke forgot missed failed should shouldn't didn't not messed screwed mistake
    error fingered careless negligent neglected ignored blame blamed blaming fault because due
    thanks
"""
_TRIGGER_WORDS = frozenset(_TRIGGERS.split())
_TOKEN = re.compile(r"[a-z']+")
#: Whether a lower-cased text holds one of `_TRIGGER_WORDS` as a whole token (a run of
#: `_TOKEN`'s characters): one search that stops at the first, not a list of every word.
#: The words are grouped by their first letter, which comes before the look back: a pattern
#: that starts with a letter is only tried where one of those letters is (twice as fast as
#: trying the look back at every character).
_BY_LETTER: dict[str, list[str]] = {}
for _word in sorted(_TRIGGER_WORDS, key=len, reverse=True):
    _BY_LETTER.setdefault(_word[0], []).append(re.escape(_word[1:]))
_ANY_TRIGGER = re.compile(
    "(?:"
    + "|".join(
        f"{letter}(?<![a-z'].)(?:{'|'.join(rests)})" for letter, rests in sorted(_BY_LETTER.items())
    )
    + ")(?![a-z'])"
)
#: `_ANY_TRIGGER` for an ASCII text whose every character but the letters and the apostrophe
#: was made a space (`_SPACED`), with a space before it: the same matches, a character earlier
#: (at the space before the word), found faster still.
_ANY_SPACED_TRIGGER = re.compile(
    (
        " (?:"
        + "|".join(f"{letter}(?:{'|'.join(rests)})" for letter, rests in sorted(_BY_LETTER.items()))
        + ")(?= )"
    ).encode()
)
_SPACED = bytes(byte if chr(byte) in "abcdefghijklmnopqrstuvwxyz'" else 32 for byte in range(256))


class BlameChecker:
    """The blameless check for the people of one incident, compiled once for many texts."""

    def __init__(self, people: Iterable[str] = ()) -> None:
        names = sorted({name for name in people if name.strip()}, key=len, reverse=True)
        pattern = "|".join(re.escape(name) for name in names)
        self._after = (
            re.compile(rf"\b({pattern})\b(?:\W+\w+){{0,3}}?\W*(?:{_CAUSE_AFTER_NAME})", re.I)
            if names
            else None
        )
        self._before = (
            re.compile(rf"(?:{_CAUSE_BEFORE_NAME})\s+(?:\w+\s+){{0,2}}?\b({pattern})\b", re.I)
            if names
            else None
        )

    def check(self, text: str) -> list[BlameFinding]:
        """Sentences of `text` that name a person as a cause, or say "human error"."""
        if _ANY_TRIGGER.search(text.lower()) is None:
            return []
        findings: list[BlameFinding] = []
        for sentence in sentences(text):
            generic = _GENERIC.search(sentence)
            if generic:
                findings.append(
                    BlameFinding(
                        sentence, f'It says "{generic.group(1)}", which puts a person as the cause.'
                    )
                )
                continue
            match = (self._after and self._after.search(sentence)) or (
                self._before and self._before.search(sentence)
            )
            if match:
                findings.append(
                    BlameFinding(
                        sentence, f"It names {match.group(1)} as a cause of what happened."
                    )
                )
        return findings

    def suspects(self, texts: Sequence[str]) -> list[int]:
        """The indexes of `texts` that `check` may find something in (any it would find
        something in, and perhaps a few more): those holding a trigger word. One search over
        them all together: most texts of a log hold none, and checking each one alone cost
        more than the search."""
        joined = _SEPARATOR.join(texts)
        lowered = joined.lower()
        if len(lowered) != len(joined):  # a letter grew when lowered ("İ"): each one alone
            return [index for index, text in enumerate(texts) if _ANY_TRIGGER.search(text.lower())]
        if lowered.isascii():
            spaced = b" " + lowered.encode("ascii").translate(_SPACED) + b" "
            places = [match.start() for match in _ANY_SPACED_TRIGGER.finditer(spaced)]
        else:
            places = [match.start() for match in _ANY_TRIGGER.finditer(lowered)]
        if not places:
            return []
        starts = list(accumulate((len(text) + 1 for text in texts), initial=0))
        found: list[int] = []
        for place in places:
            index = bisect_right(starts, place) - 1
            if not found or found[-1] != index:
                found.append(index)
        return found


#: What keeps texts apart while `BlameChecker.suspects` searches them together: a line break is
#: neither a letter nor an apostrophe, so no trigger word runs across it, and lower-casing a
#: text beside it gives what lower-casing the text alone gives.
_SEPARATOR = "\n"


def check_blameless(text: str, people: Iterable[str] = ()) -> list[BlameFinding]:
    """Sentences of `text` that name a person as a cause, or say "human error"."""
    return BlameChecker(people).check(text)
