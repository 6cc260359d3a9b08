"""An input whose ctrl+z takes back its own typing, so ctrl+z while typing never reaches the
incident's undo (Textual's Input has no undo: the key went on to the app, which reopened the
task just marked done while the IC was fixing a typo).

The app's one `undo` key asks the focused input first (`ConsoleApp.action_undo`).
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Input

#: Steps kept: more than anyone takes back in one line.
MAX_STEPS = 200
#: A ctrl+z this soon after the one that emptied the line belongs to the same press (a held
#: key repeats every ~30 ms): it does not go on to undo the incident's last change.
HELD_SECONDS = 1.0


def _edit(old: str, new: str) -> tuple[str, str] | None:
    """("insert", the character) or ("delete", "") for a one-character edit, else None."""
    if len(new) == len(old) + 1:
        cut = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), len(old))
        if new[:cut] + new[cut + 1 :] == old:
            return "insert", new[cut]
    if len(new) == len(old) - 1:
        cut = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), len(new))
        if old[:cut] + old[cut + 1 :] == new:
            return "delete", ""
    return None


class UndoableInput(Input):
    """An Input with `undo()`: a run of typing goes back a word at a time, a run of deletions
    at once, a paste or a cut word in one step. (A paste of several lines is joined into one
    for every Input of the console: `tui/paste.py`.)"""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Set before Input's own: a `value` given there is set (and watched) inside it.
        self._steps: list[str] = []
        #: What the last edit was ("insert", "delete"), None after anything else.
        self._run: str | None = None
        self._restoring = False
        #: When (on Textual's clock) an undo last left the line empty.
        self.emptied_at: float | None = None
        super().__init__(*args, **kwargs)
        self._steps.clear()  # the value it starts with is not typing to take back

    def watch_value(self, old: str, new: str) -> None:
        if self._restoring or old == new:
            return
        kind, typed = _edit(old, new) or (None, "")
        # A new step at each edit of another kind, and when typing starts a new word.
        word_starts = kind == "insert" and not typed.isspace() and old[-1:].isspace()
        if kind is None or kind != self._run or word_starts:
            self._steps.append(old)
            del self._steps[:-MAX_STEPS]
        self._run = kind
        self.emptied_at = None

    def undo(self, at: float) -> bool:
        """Take back the last step of typing; False when there is none. `at` is when the key
        was typed, to tell a held ctrl+z from a fresh one (`held`)."""
        if not self._steps:
            return False
        text = self._steps.pop()
        current = self.value
        prefix = 0
        while prefix < min(len(text), len(current)) and text[prefix] == current[prefix]:
            prefix += 1
        suffix = 0
        while (
            suffix < min(len(text), len(current)) - prefix
            and text[-1 - suffix] == current[-1 - suffix]
        ):
            suffix += 1
        self._restoring = True
        try:
            self.value = text
        finally:
            self._restoring = False
        self.cursor_position = len(text) - suffix  # where the edit taken back ended
        self._run = None
        self.emptied_at = at if not text else None
        return True

    def held(self, at: float) -> bool:
        """Whether a ctrl+z typed at `at` is part of the press that emptied the line; if so it
        keeps the line's claim on the key a little longer (the key is still held)."""
        if self.emptied_at is None or at - self.emptied_at > HELD_SECONDS:
            return False
        self.emptied_at = at
        return True

    def forget(self) -> None:
        """The text was used (a log line saved): ctrl+z no longer brings it back."""
        self._steps.clear()
        self._run = None
