"""One line with the sentence to say now, on screen on every tab and at every size.

At 80x24 the phrasebook is one tab among four; the IC on a call must still see what to say the
moment a timebox runs out. The line shows the first sentence of the most pressing situation,
literally (what people typed is never interpreted), cut with "…" only at its end.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from ic_console.content.phrasebook import Phrasebook
from ic_console.domain.situations import Situation
from ic_console.tui.text import one_line

PREFIX = "Say: "


def say_sentence(phrasebook: Phrasebook, situations: list[Situation]) -> str:
    """The first sentence of the most pressing situation, on one safe line ("" if none)."""
    for situation in situations[:1]:
        for sentence in phrasebook.render(situation):
            line = one_line(sentence)
            if line:
                return line
    return ""


class SayLine(Widget):
    """`Say: “…”` for the most pressing situation (situations come most pressing first)."""

    DEFAULT_CSS = """
    SayLine {
        height: 1;
        width: 1fr;
        padding: 0 1;
    }
    SayLine.-urgent {
        text-style: bold;
    }
    """

    def __init__(self, phrasebook: Phrasebook, *, id: str | None = None) -> None:  # noqa: A002 (Textual's own name)
        super().__init__(id=id)
        self.phrasebook = phrasebook
        #: The whole sentence shown (before any cut to the width).
        self.sentence = ""
        self.situation: Situation | None = None

    def show(self, situations: list[Situation]) -> None:
        """The live situations, most pressing first; redraws only when the sentence changed."""
        situation = situations[0] if situations else None
        sentence = say_sentence(self.phrasebook, situations)
        urgent = situation is not None and situation.urgent
        if sentence == self.sentence and urgent == self.has_class("-urgent"):
            return
        self.situation = situation
        self.sentence = sentence
        self.set_class(urgent, "-urgent")
        self.refresh()

    def render(self) -> Text:
        width = self.content_size.width
        if not self.sentence:
            line = Text(PREFIX + "nothing yet", style="dim")
        else:
            line = Text.assemble((PREFIX, "bold"), f"“{self.sentence}”")
        line.no_wrap = True
        line.truncate(max(0, width), overflow="ellipsis")
        return line
