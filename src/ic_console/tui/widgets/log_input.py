"""The log line: type, press Enter, and it is in the scribe log. Checks what you type as you go.

On a closed incident (nothing more can be recorded on it) the line says so and is disabled,
instead of taking a line and refusing it at Enter. Text typed when another terminal closes the
incident stays in the line to be copied, with the reason it cannot be saved; the line is
disabled once it is empty and left.
"""

from __future__ import annotations

import time
from datetime import datetime, tzinfo
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, Label

from ic_console.domain.clock import Clock
from ic_console.domain.durations import describe_day
from ic_console.domain.errors import DomainError
from ic_console.domain.log_line import KIND_CYCLE, LogLine, parse_log_line
from ic_console.domain.model import LogKind, Status
from ic_console.domain.state import IncidentState
from ic_console.domain.zones import system_zone
from ic_console.tui.actions import bindings
from ic_console.tui.text import literal
from ic_console.tui.widgets.undoable_input import UndoableInput

PLACEHOLDER = "Log a line: Enter saves a note; a: action, s: status, f: follow-up, @14:05 when"
#: The line's placeholder on a closed incident (the hint under it says which and what to do).
CLOSED_PLACEHOLDER = "Closed: nothing more can be recorded here"


def closed_reason(state: IncidentState) -> str | None:
    """Why nothing typed in the log line can be saved, as the domain refuses it; None while
    the incident takes log lines (active or resolved: follow-ups come after the resolve)."""
    if state.status is not Status.CLOSED:
        return None
    return (
        f"Incident {state.incident_id} is closed: nothing more can be recorded on it. Declare "
        "a new incident (ic new) and mention this one."
    )


class LogInput(Vertical):
    """An input with a hint under it; posts `LogInput.Submitted` and waits to be told the result."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("log")

    kind: reactive[LogKind] = reactive(LogKind.NOTE)

    class Submitted(Message):
        """The person asked to record `line`."""

        def __init__(self, log_input: LogInput, line: LogLine) -> None:
            super().__init__()
            self.log_input = log_input
            self.line = line

    class Left(Message):
        """The person pressed Escape: focus should go back where it was."""

    def __init__(self, clock: Clock, zone: tzinfo | None = None, *, id: str | None = None) -> None:  # noqa: A002 (Textual's own name)
        super().__init__(id=id)
        #: How many times Enter was answered (saved, refused, or nothing to save): keys typed
        #: behind Enter wait for the answer, so they start the next line (`tui/keys.py`).
        self.answers = 0
        #: The text Enter sent to be saved, taken off the line once it is recorded.
        self._sent = ""
        self.clock = clock
        #: The zone "@14:05" is read in: with its daylight-saving rules, not today's offset.
        self.zone = zone or system_zone()
        #: Why nothing can be saved here (the incident is closed), else None (`follow`).
        self.closed: str | None = None
        self._closed_id = ""

    def compose(self) -> ComposeResult:
        yield UndoableInput(
            placeholder=PLACEHOLDER, id="log-text", select_on_focus=False, compact=True
        )
        yield Label(id="log-hint")

    def on_mount(self) -> None:
        self._hint()

    @property
    def input(self) -> UndoableInput:
        return self.query_one("#log-text", UndoableInput)

    @property
    def holds_kept_line(self) -> bool:
        """The incident is closed and the line still holds what was typed as it closed (kept
        for the IC to copy): `l` goes back to it."""
        return self.closed is not None and bool(self.input.value) and not self.input.disabled

    def focus_input(self, prefix: str = "") -> None:
        if self.closed is not None:
            self.app.notify(self.closed, severity="warning", title="Not recorded")
            if self.holds_kept_line:
                # The line typed as another terminal closed it, kept for the IC to copy: `l`
                # goes back to it (the hint says how to copy it), but puts no prefix in.
                self.screen.set_focus(self.input)
            return
        if prefix and not self.input.value:
            self.input.value = prefix
            self.input.cursor_position = len(prefix)
        # At once (not at the next refresh), so keys typed right after land in the line.
        self.screen.set_focus(self.input)

    def _parse(self, now: datetime, text: str | None = None) -> LogLine:
        text = self.input.value if text is None else text
        return parse_log_line(text, default=self.kind, now=now, zone=self.zone)

    def _hint(self, error: str | None = None) -> None:
        hint = self.query_one("#log-hint", Label)
        raw = self.input.value.strip()
        if error is None and self.closed is not None:
            # One line at 80 columns; `closed` is the whole sentence (the toast of `l`).
            error = (
                f"Not saved: {self._closed_id} is closed. Copy it: shift+home, ctrl+c."
                if raw
                else f"{self._closed_id} is closed: to record more, declare a new incident."
            )
        hint.set_class(error is not None, "-error")
        if error is not None:
            hint.update(Text(literal(error)))
            return
        if not raw:
            hint.update(
                Text(f"Kind: {self.kind.value} (ctrl+t changes it)  Esc leaves the log line")
            )
            return
        try:
            line = self._parse(self.clock.now())
        except DomainError as problem:
            hint.update(Text(literal(problem.message)))
            hint.set_class(True, "-error")
            return
        when = ""
        if line.occurred_at is not None:
            # Say the day too: "@23:59" typed at 16:32 means yesterday, and the hint says so.
            day = describe_day(line.occurred_at, self.clock.now(), self.zone)
            local = line.occurred_at.astimezone(self.zone)
            day = day if " " in day else f"at {day}"
            when = f", happened {day}:{local:%S %Z}".rstrip()
        hint.update(Text(f"Enter saves this as {line.kind.value}{when}"))

    def watch_kind(self) -> None:
        if self.is_mounted:
            self._hint()

    @on(Input.Changed, "#log-text")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self._hint()
        self._settle()

    def follow(self, state: IncidentState) -> None:
        """The incident as now recorded: closed, the line says why nothing can be saved."""
        reason = closed_reason(state)
        if reason == self.closed:
            return
        self.closed = reason
        self._closed_id = state.incident_id
        self.input.placeholder = PLACEHOLDER if reason is None else CLOSED_PLACEHOLDER
        self._settle()
        self._hint()

    def _settle(self) -> None:
        """Disabled on a closed incident, unless it holds text (kept to be copied) or is being
        typed in (the keys typed as the incident closed elsewhere land here, not on the
        task board's keys)."""
        field = self.input
        field.disabled = (
            self.closed is not None and not field.value.strip() and self.screen.focused is not field
        )

    def on_descendant_blur(self) -> None:
        self._settle()

    @on(Input.Submitted, "#log-text")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        # The line as it was when Enter was pressed: keys typed after it are the next line.
        if not event.value.strip() or self.closed is not None:
            self._hint()  # closed: says why it cannot be saved, and keeps the text
            self.answers += 1
            return
        try:
            line = self._parse(self.clock.now(), event.value)
        except DomainError as problem:
            self._hint(problem.message)
            self.answers += 1
            return
        self._sent = event.value
        self.post_message(self.Submitted(self, line))

    def saved(self) -> None:
        """The line was recorded: take it off for the next one, keeping the chosen kind and
        anything typed after its Enter."""
        value = self.input.value
        rest = value[len(self._sent) :] if self._sent and value.startswith(self._sent) else ""
        self._sent = ""
        self.input.value = rest
        self.input.cursor_position = len(rest)
        self.input.forget()  # the saved line is in the log: ctrl+z does not bring it back
        self._hint()
        self.answers += 1

    def refused(self, message: str) -> None:
        """The line was refused: keep what was typed and say why."""
        self._sent = ""
        self._hint(message)
        self.answers += 1

    def action_cycle_kind(self) -> None:
        self.kind = KIND_CYCLE[(KIND_CYCLE.index(self.kind) + 1) % len(KIND_CYCLE)]

    def action_leave(self) -> None:
        self.post_message(self.Left())

    def action_undo_typing(self) -> None:
        """ctrl+z in the line takes back its typing. On an empty line (unless this same held
        ctrl+z just emptied it) it goes on to the app's undo of the incident's last change."""
        at = float(getattr(self.app, "key_typed_at", 0.0)) or time.monotonic()
        if self.input.undo(at) or self.input.held(at):
            return
        raise SkipAction()
