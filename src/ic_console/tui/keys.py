"""Keys in a burst go where the person meant them, one after the other.

A terminal delivers a burst of keys at once. Textual hands each key to the widget that has the
focus when the app reads it, and runs a key's binding only when the key bubbles back up to the
app: by then the keys behind it were already handed out. In a burst that put a digit typed after
Backspace before the Backspace, ran the letters typed after `l` as commands instead of typing
them, and sent the word typed after Enter into the previous field.

So the app sends one key at a time: the next key waits until the one before has been handled by
every widget it reached, and until any focus move or new screen it started has happened.

How long a wait may last depends on what it waits for. A form answers every Enter (next field,
a field or command refused, or saved and closed) and a new screen always gets drawn: those waits
last as long as a loaded machine takes, since giving up sends the keys behind to the wrong place
(a burst typed behind a form's last Enter went into the closing form and was lost, when the
save took over a second on a busy machine). A focus move that may never come (Esc or Tab in a
field that keeps the focus) is given a second.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any, cast

from textual import events
from textual._ansi_sequences import ANSI_SEQUENCES_KEYS
from textual._xterm_parser import XTermParser
from textual.app import App
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Input

from ic_console.tui.paste import clean_pastes

#: Keys that move the focus out of a text field: the keys behind them wait for the move.
FOCUS_MOVERS = frozenset({"escape", "tab", "shift+tab"})
#: Seconds to wait for a focus move that may not come (a refused field keeps the focus).
MOVE_PATIENCE = 1.0
#: Seconds to wait for what always comes (a form's answer to Enter, a new screen drawn, a key
#: handled by the widgets it reached) before letting the next key through: on a starved machine
#: these take seconds, and keys are still never held for good.
ANSWER_PATIENCE = 10.0
#: A key not handled within this many seconds (a widget that stopped answering) lets the next
#: one through.
STUCK_SECONDS = ANSWER_PATIENCE


#: ESC and one of these, which Textual reads as a character (WezTerm on macOS sends them for
#: Option and the top row), are Esc and that key here, like ESC and any other key.
_OPTION_ROW = ("\x1b§", *(f"\x1b{digit}" for digit in "1234567890"), "\x1b-", "\x1b=")
#: ESC and a letter that Textual reads as a word jump (iTerm's "natural editing" Option+arrow
#: keys), though they are also Esc and a key typed within tmux's escape time: ESC f was
#: ctrl+right, and the f (the Deputy's follow-up key) was lost with the Esc, and the word typed
#: next went to the task board as keys. Here they are Esc and that letter, like ESC and any
#: other key (ctrl+arrows, the terminals' own word jumps, are unchanged).
_WORD_JUMPS = ("\x1bf", "\x1bb")
#: What follows ESC in the terminal's own sequences (arrows, function keys): never split.
_SEQUENCE_STARTS = frozenset({"[", "O"})


def read_esc_then_key_as_typed() -> None:
    """Read ESC followed at once by a key as Esc, then that key.

    A terminal sends the same bytes for Alt+key and for Esc typed just before the key: Textual
    takes ESC and a key arriving within 0.1 s as Alt+key, and tmux sends Esc and a key typed
    within its `escape-time` (500 ms by default) as one such pair. Taken as Alt, the Esc was
    lost: Esc and "3d" typed quickly to leave the log line and close task 3 typed "£d" into
    the line instead. The console binds no Alt key, so the pair is always the Esc the person
    typed and then their key. Set once for the process (the terminal reader is Textual's)."""
    if getattr(XTermParser, "_ic_esc_then_key", False):
        return
    keys = cast(dict[str, Any], ANSI_SEQUENCES_KEYS)
    for sequence in _OPTION_ROW:
        if isinstance(keys.get(sequence), str):
            del keys[sequence]
    for sequence in _WORD_JUMPS:
        keys.pop(sequence, None)
    read_keys = XTermParser._sequence_to_key_events

    def esc_then_key(parser: XTermParser, sequence: str, alt: bool = False) -> Iterable[events.Key]:
        if alt and sequence not in _SEQUENCE_STARTS:
            yield events.Key("escape", "\x1b")
            yield from read_keys(parser, sequence, False)
            return
        if (
            len(sequence) == 2
            and sequence[0] == "\x1b"
            and sequence[1] not in _SEQUENCE_STARTS
            and sequence[1] != "\x1b"
            and sequence not in keys
        ):
            # ESC and a key read together: Esc and that key now. Held as the start of a longer
            # sequence, the pair was handed out as the characters "^" and the key when another
            # ESC followed at once (an arrow, Esc again): "^x" typed and the Esc lost.
            yield events.Key("escape", "\x1b")
            yield from read_keys(parser, sequence[1], False)
            return
        yield from read_keys(parser, sequence, alt)

    XTermParser._sequence_to_key_events = esc_then_key  # type: ignore[method-assign,assignment]
    XTermParser._ic_esc_then_key = True  # type: ignore[attr-defined]


class KeyBurstApp(App[int]):
    """An app that handles the keys of a burst strictly in the order typed."""

    def __init__(self) -> None:
        super().__init__()
        read_esc_then_key_as_typed()
        clean_pastes()
        #: Keys from the terminal not yet sent.
        self._queued: list[events.Key | events.Paste] = []  # a paste waits its turn too
        #: Why the next key must wait: a key in flight, a focus move, a screen opening.
        self._waits = 0
        self._in_flight: events.Key | None = None
        #: When the key being handled was typed (read from the terminal), on Textual's clock:
        #: keys wait their turn here, so the time they are handled says nothing of the pauses
        #: between them.
        self.key_typed_at = 0.0
        #: What the key being handled is called on the keyboard ("d", "escape").
        self.key_in_hand = ""

    def holds_keys(self) -> bool:
        """Whether keys are sent one at a time (always here; a subclass may turn it off)."""
        return True

    def push_screen(self, screen: Any, *args: Any, **kwargs: Any) -> Any:
        result = super().push_screen(screen, *args, **kwargs)
        if isinstance(screen, Screen) and self.holds_keys():
            self._wait_until(lambda: _ready(self, screen), ANSWER_PATIENCE)
        return result

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            if self.holds_keys():
                self._queued.append(event)
                await self._send_next()
                return
            self._hand(event)
        if (
            isinstance(event, events.Paste)
            and not event.is_forwarded
            and (self._queued or self._waits)
        ):
            # A paste right behind a key that moves the focus ("/" then a paste, ctrl+p then a
            # paste) goes where the key took the focus, in turn: it went at once to the field
            # focused before (the search's paste into the log line, or dropped by a list).
            self._queued.append(event)
            return
        await super().on_event(event)

    async def _send_next(self) -> None:
        while not self._waits and self._queued and isinstance(self._queued[0], events.Paste):
            await super().on_event(self._queued.pop(0))  # to the focused field, as it came
        if self._waits or not self._queued:
            return
        key = self._queued.pop(0)
        assert isinstance(key, events.Key)
        focused = self.focused
        # Counted before the key is handed over: the line may answer before the key has landed.
        answers = _line_answers(focused) if key.key == "enter" else None
        self._waits += 1
        self._in_flight = key
        self._hand(key)
        self.set_timer(STUCK_SECONDS, lambda: self._landed(key, focused, answers))
        await super().on_event(key)
        if key.is_forwarded:
            # Handed to a widget: done once it and every widget it bubbles to have seen it.
            self._after_bubbling(
                self.focused or self.screen, lambda: self._landed(key, focused, answers)
            )
        else:
            self._landed(key, focused, answers)

    def _hand(self, key: events.Key) -> None:
        self.key_typed_at = key.time
        self.key_in_hand = key.character if key.is_printable and key.character else key.key

    def _after_bubbling(self, node: DOMNode, done: Callable[[], None]) -> None:
        """Call `done` in the app once `node` and each of its ancestors in turn has handled
        what was queued to it before (a key bubbles up one queue at a time)."""
        if node is self:
            self.call_later(done)  # after callbacks queued by the key's action (a focus move)
            return
        parent = node.parent
        step = self._after_bubbling
        if parent is None or not node.call_later(step, parent, done):
            self.call_later(done)

    def _landed(self, key: events.Key, focused: object, answers: int | None = None) -> None:
        if self._in_flight is not key:
            return  # already landed (or given up on)
        self._in_flight = None
        if answers is not None:
            # Enter in the log line: the keys behind are the next line, so they wait until the
            # line was saved (and cleared) or refused. Read at the save, they joined the line
            # being saved ("alpha oneb", then "ravo two").
            line = focused
            self._wait_until(lambda: _line_answers(line) != answers, ANSWER_PATIENCE)
        elif _moves_focus(focused, key) and self.focused is focused:
            # Enter to a form's next field, Esc out of the log line: the keys behind wait for
            # the move, or for the form to answer without one (a field or command refused).
            screen = self.screen
            answered = getattr(screen, "answers", None)
            # A form answers every Enter and closes on Esc, however long the save takes; Tab
            # may find no other field to go to.
            definite = answered is not None and key.key in ("enter", "escape")
            patience = ANSWER_PATIENCE if definite else MOVE_PATIENCE
            self._wait_until(
                lambda: self.focused is not focused or getattr(screen, "answers", None) != answered,
                patience,
            )
        self._done_waiting()

    def _wait_until(self, moved: Callable[[], bool], patience: float = MOVE_PATIENCE) -> None:
        """Hold the keys behind until `moved()`, or for `patience` seconds."""
        self._waits += 1
        self.call_after_refresh(self._check_moved, moved, time.monotonic() + patience)

    def _check_moved(self, moved: Callable[[], bool], give_up_at: float) -> None:
        if not self._screen_stack:
            return  # the console is closing (its screens are gone): nothing waits any more
        if moved() or time.monotonic() >= give_up_at:
            self._done_waiting()
        else:
            # Each frame, and at least every 50 ms when nothing is drawn.
            self.set_timer(0.05, lambda: self._check_moved(moved, give_up_at))

    def _done_waiting(self) -> None:
        self._waits = max(0, self._waits - 1)
        if not self._waits:
            self.call_later(self._send_next)


def _ready(app: App[Any], screen: Screen[Any]) -> bool:
    """A new screen takes keys once it is on top, drawn, and has focused what it focuses."""
    if app.screen is not screen or not screen.is_mounted:
        return False
    return screen.focused is not None or not screen.focus_chain


def _line_answers(focused: object) -> int | None:
    """How many times the line `focused` belongs to has answered Enter (saved, refused or
    found nothing to save), for a field in a container that counts them (the log line)."""
    if not isinstance(focused, Input) or isinstance(focused.screen, ModalScreen):
        return None
    answers = getattr(focused.parent, "answers", None)
    return answers if isinstance(answers, int) else None


def _moves_focus(focused: object, key: events.Key) -> bool:
    """Whether `key` in the field `focused` is about to move the focus: Esc and Tab do; Enter
    does in a form (next field, or the form closes), not in the log line (it stays there)."""
    if not isinstance(focused, Input):
        return False
    if key.key == "enter":
        return isinstance(focused.screen, ModalScreen)
    return key.key in FOCUS_MOVERS
