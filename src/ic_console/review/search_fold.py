"""How `ic search` compares text (`fold`: Unicode's compatibility caseless form) and which
lines of a log it decodes at all (`Prefilter`, decided on their bytes where that is exact).

Apart from `review.search` (the reading, the listing and the results) because the two are
checked against each other by property tests: the prefilter must never turn away a line that
the fold would match. Standard library only, as the search is (issue 13: no pydantic, no event
models on its start-up path).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

#: Characters JSON writes escaped; with any of them the raw-text shortcut is not safe.
_ESCAPED = frozenset('"\\') | frozenset(chr(c) for c in range(0x20))

#: Full-width ASCII (U+FF01-U+FF5E): NFKC makes each the ASCII character 0xFEE0 below it.
_FULL_WIDTH = re.compile("[\uff01-\uff5e]+")
_ASCII_OF_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


def _said_in_ascii(found: re.Match[str]) -> str:
    return found.group().translate(_ASCII_OF_FULL_WIDTH)


def fold(text: str) -> str:
    """`text` as a search compares it: Unicode NFKC and case folding (the "compatibility
    caseless" form), so "abc" finds "ＡＢＣ" typed on a Japanese keyboard, "config" finds a
    pasted ligature ("conﬁg") and "STRASSE" finds "Straße". NFKC once more after folding, as
    Unicode's NFKC_Casefold does, so that folding twice changes nothing. ASCII text is only
    lowered (its NFKC is itself, its case fold its lower case); text already in NFKC (most of
    it) is only checked, which costs a sixth of normalizing it."""
    if text.isascii():
        return text.lower()
    if not unicodedata.is_normalized("NFKC", text):
        # Full-width letters and digits ("ＤＢ") are most of what is not NFKC in a log: said in
        # ASCII (their NFKC, so the result is the same) the rest is often NFKC already, and
        # composing, which costs ten times as much as checking, is left out.
        text = _FULL_WIDTH.sub(_said_in_ascii, text)
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
    text = text.casefold()
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


class Prefilter:
    """Which lines of a chunk of the log may hold the (folded) needle, decided on their bytes
    where that is exact.

    An ASCII line lowered byte by byte is its `fold`, so an ASCII needle is looked for in the
    bytes directly, and a needle that folds to other characters cannot be in it. The lines
    with other characters may spell the needle in compatibility forms ("ＡＢＣ"): they are
    decoded together and folded in NFKD first (NFKC's composing costs five times as much), a
    superset of the exact fold's matches once the needle's combining marks at either end are
    left out; only when the needle is there is each of them folded exactly. A line never holds
    the needle's line break (JSON escapes it). A needle with characters JSON writes escaped (a
    quote, a backslash, a control character) cannot be looked for in the raw text at all.
    """

    def __init__(self, needle: str) -> None:
        self.raw = not (_ESCAPED & set(needle))
        self.needle = needle
        self.ascii = needle.encode("utf-8") if needle.isascii() else None
        decomposed = unicodedata.normalize("NFKD", needle)
        start, end = 0, len(decomposed)
        while start < end and unicodedata.combining(decomposed[start]):
            start += 1
        while end > start and unicodedata.combining(decomposed[end - 1]):
            end -= 1
        #: What the NFKD fold of a line holds wherever the exact fold holds the needle.
        self.decomposed = decomposed[start:end]

    def may_hold(self, chunk: bytes) -> bool:
        return any(True for _ in self.lines(chunk))

    def _decomposed_may_hold(self, lines: list[bytes]) -> bool:
        """Whether some of `lines` (not ASCII) may hold the needle: False only when none does.

        A Greek iota subscript (U+0345 once decomposed) folds to a letter that decomposed text
        orders otherwise: such lines are left to the exact fold."""
        if not self.decomposed or not lines:
            return bool(lines)
        text = unicodedata.normalize("NFKD", b"\n".join(lines).decode("utf-8", errors="replace"))
        if self.ascii is not None and "ß" not in text and "ẞ" not in text:
            # Decomposed, only ß and ẞ fold to ASCII letters ("ss"): the ASCII of the fold is
            # the ASCII lowered, byte by byte, at a third of the cost of folding it all.
            return self.ascii in text.encode("utf-8").lower()
        if "\u0345" in text:
            return True
        text = text.casefold()
        if not unicodedata.is_normalized("NFKD", text):
            text = unicodedata.normalize("NFKD", text)
        return self.decomposed in text

    def lines(self, chunk: bytes) -> Iterator[bytes]:
        """The lines of a chunk of whole lines that may hold the needle.

        Where the chunk's bytes hold an ASCII needle, its ASCII lines are found where the
        needle is; in a chunk that is not all ASCII, the lines that are not are looked at too.
        """
        if not self.raw:
            yield from (line for line in chunk.split(b"\n") if line)
            return
        if chunk.isascii():
            if self.ascii is not None:
                yield from _lines_at(chunk, self.ascii)
            return
        hit = self.ascii is not None and self.ascii in chunk.lower()
        lines = [line for line in chunk.split(b"\n") if line]
        wide = [line for line in lines if not line.isascii()]
        check = self._decomposed_may_hold(wide)
        for line in lines:
            if line.isascii():
                if hit and self.ascii is not None and self.ascii in line.lower():
                    yield line
            elif check:
                yield line  # its values are folded exactly (`_scan_lines`)


def _lines_at(chunk: bytes, needle: bytes) -> Iterator[bytes]:
    """The lines of an ASCII chunk that hold `needle` in any case, found where it is."""
    lowered = chunk.lower()
    at = lowered.find(needle)
    while at != -1:
        start = chunk.rfind(b"\n", 0, at) + 1
        end = chunk.find(b"\n", at)
        if end == -1:
            end = len(chunk)
        yield chunk[start:end]
        at = lowered.find(needle, end)
