"""The `ic review` app: one read-only screen over a saved incident."""

from __future__ import annotations

from datetime import tzinfo
from typing import ClassVar

from textual.app import App
from textual.binding import BindingType
from textual.screen import Screen

from ic_console.domain.clock import Clock, SystemClock
from ic_console.review.duedate import DuePolicy
from ic_console.review.metrics import Cadence
from ic_console.review.postmortem import Review, build_review
from ic_console.review.source import ReviewSource
from ic_console.tui.actions import bindings
from ic_console.tui.keys import KeyBurstApp
from ic_console.tui.review.commands import ReviewCommands
from ic_console.tui.review.screen import ReviewScreen


class ReviewApp(KeyBurstApp):
    """Looking back at one incident; nothing here can change it. Keys typed in a burst are
    taken one after the other, as in the console (`tui.keys`): "/" and a word typed at once
    search for the word."""

    CSS_PATH = "review.tcss"
    TITLE = "ic review"
    COMMANDS = App.COMMANDS | {ReviewCommands}
    BINDINGS: ClassVar[list[BindingType]] = bindings("review-app")

    def __init__(
        self,
        review: Review,
        *,
        notices: list[str] | None = None,
        read_only_copy: bool = False,
        zone: tzinfo | None = None,
        clock: Clock | None = None,
        keymap: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.review = review
        #: The user's keys (binding id -> key), checked against the registry by the caller.
        self.user_keymap = keymap or {}
        self.notices = notices or []
        self.read_only_copy = read_only_copy
        self.zone = zone
        #: Kept for the screens that may show "now"; the review itself never reads it.
        self.clock = clock or SystemClock()
        self.sub_title = review.state.incident_id

    def on_mount(self) -> None:
        if self.user_keymap:
            self.set_keymap(self.user_keymap)

    def get_default_screen(self) -> Screen[None]:
        return ReviewScreen(
            self.review,
            notices=self.notices,
            read_only_copy=self.read_only_copy,
            zone=self.zone,
        )


def make_review_app(
    source: ReviewSource,
    *,
    policy: DuePolicy | None = None,
    cadence: Cadence | None = None,
    zone: tzinfo | None = None,
    clock: Clock | None = None,
    keymap: dict[str, str] | None = None,
) -> ReviewApp:
    """The review app for an opened incident: shared by `ic review` and the tests."""
    review = build_review(source.events, source.state, policy=policy, cadence=cadence)
    return ReviewApp(
        review,
        notices=source.notices,
        read_only_copy=source.read_only_copy,
        zone=zone,
        clock=clock,
        keymap=keymap,
    )
