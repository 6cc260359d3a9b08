"""The phrasebook pane: the sentence the IC needs now, filled with live names, tasks and minutes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from rich.console import Group
from rich.text import Text
from textual.widgets import Static

from ic_console.content.phrasebook import Phrasebook
from ic_console.domain.situations import Situation
from ic_console.tui.text import literal_lines


class PhrasebookPane(Static):
    """Shows one situation at a time: the most pressing, another one (n), or a pitfall (v)."""

    def __init__(self, phrasebook: Phrasebook, *, id: str | None = None) -> None:  # noqa: A002 (Textual's own name)
        super().__init__(id=id)
        self.phrasebook = phrasebook
        self.situations: list[Situation] = []
        self.index = 0
        self.pinned: Situation | None = None
        #: What the pane shows now, to skip drawing the same again (None: nothing drawn yet).
        self._drawn: tuple[object, ...] | None = None

    @property
    def current(self) -> Situation | None:
        if self.pinned is not None:
            return self.pinned
        if not self.situations:
            return None
        return self.situations[min(self.index, len(self.situations) - 1)]

    @property
    def sentences(self) -> list[str]:
        situation = self.current
        return self.phrasebook.render(situation) if situation else []

    def show(self, situations: list[Situation]) -> None:
        """The live situations, most pressing first. A new most-pressing one takes the pane."""
        previous_first = self.situations[0].id if self.situations else None
        self.situations = situations
        if situations and situations[0].id != previous_first and situations[0].urgent:
            self.index = 0
            self.pinned = None
        self.index = min(self.index, max(0, len(situations) - 1))
        self._draw()

    def next(self) -> None:
        """The next live situation (and back to the live list from a pitfall)."""
        if self.pinned is not None:
            self.pinned = None
        elif self.situations:
            self.index = (self.index + 1) % len(self.situations)
        self._draw()

    def pin(self, situation: Situation) -> None:
        """Show a chosen response until `next` is pressed."""
        self.pinned = situation
        self._draw()

    def _draw(self) -> None:
        situation = self.current
        if situation is None:
            self._drawn = None
            self.update(Text("Nothing to say yet.", style="dim"))
            return
        phrase = self.phrasebook.phrases.get(situation.id)
        title = Text(self.phrasebook.title(situation), style="bold")
        if situation.urgent:
            title.append("  now", style="bold reverse")
        parts: list[Text] = [title]
        for sentence in self.phrasebook.render(situation):
            for line in literal_lines(sentence):
                parts.append(Text(f"“{line}”" if line else ""))
        if phrase is not None and phrase.note:
            parts.append(Text(phrase.note, style="dim italic"))
        if self.pinned is not None:
            where = "a response you chose: n returns to what is pressing"
        else:
            where = f"{self.index + 1} of {len(self.situations)}: n next"
            others = also(
                self.phrasebook.title(s)
                for i, s in enumerate(self.situations)
                if i != self.index and s.id != "calm"
            )
            if others:
                parts.append(Text("Also: " + "; ".join(others[:3]), style="dim"))
        parts.append(Text(f"{where} · v other responses · c copy", style="dim"))
        # The same words as a second ago (most ticks): nothing to draw, and no layout of the
        # screen that a key pressed now would wait for.
        drawn = tuple((part.plain, str(part.style), tuple(part.spans)) for part in parts)
        if drawn == self._drawn:
            return
        self._drawn = drawn
        self.update(Group(*parts))


def also(titles: Iterable[str]) -> list[str]:
    """The other situations' titles, each once, in order, with how many there are when more
    than one: two tasks not acknowledged read "A task has not been acknowledged (2)", not the
    same words twice."""
    counts = Counter(titles)
    return [f"{title} ({count})" if count > 1 else title for title, count in counts.items()]
