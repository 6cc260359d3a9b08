"""The runbooks: a searchable list beside a Markdown viewer.

Typing in the search box keeps only the runbooks that contain every word (best match first)
and scrolls the open runbook to the section where the words first appear.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Markdown, OptionList
from textual.widgets.markdown import MarkdownBlock
from textual.widgets.option_list import Option

from ic_console.content.runbooks import Runbook, search_runbooks
from ic_console.review.text import md_escape
from ic_console.tui.actions import bindings
from ic_console.tui.text import literal
from ic_console.tui.widgets.late_banner import LateBanner

#: The most of a runbook's text the viewer builds at once. Textual's Markdown builds its blocks
#: in the console's one event loop, in time that grows faster than the text: a 3.6 MB runbook of
#: your own froze the console (clock, timers, keys) for over 20 seconds, 88 KB for 1.4 s.
PART_LIMIT = 16_000


def runbook_part(runbook: Runbook, query: str) -> tuple[int, str]:
    """The line the viewer starts at and the Markdown it builds: the whole of a short runbook;
    of a long one, up to about `PART_LIMIT` characters from the start, or from the heading of
    the section where the search first matches, with a line saying how to see the rest."""
    body = runbook.body
    if len(body) <= PART_LIMIT:
        return 0, body
    lines = body.splitlines()
    start = 0
    matches = runbook.matching_lines(query) if query else []
    if matches:
        heading = 0
        for index, line in enumerate(lines):
            if line.strip().startswith("#"):
                heading = index
            if line.strip() == matches[0]:
                start = heading
                break
    taken: list[str] = []
    size = 0
    for line in lines[start:]:
        if size >= PART_LIMIT and (not line.strip() or size >= PART_LIMIT * 5 // 4):
            break
        taken.append(line[:PART_LIMIT])
        size += len(taken[-1]) + 1
    where = (
        f" or read the whole file: `{str(runbook.source).replace('`', '')}`"
        if runbook.source
        else ""
    )
    note = (
        f"*This runbook is long ({len(body):,} characters): the console shows a part at a "
        f"time. Search (`/`) for a word to open its section,{where}.*"
    )
    before = "*(Earlier sections left out: clear the search to see the start.)*\n\n"
    shown = "\n".join(taken)
    if start + len(taken) < len(lines):
        shown += "\n\n---\n\n" + note
    return start, (before if start else "") + shown


class RunbookScreen(Screen[None]):
    """Runbooks: / searches, Up and Down pick one, Tab moves to the text to scroll it."""

    DEFAULT_CSS = """
    RunbookScreen #runbook-side {
        width: 32;
        max-width: 40%;
        border-right: vkey $foreground 20%;
    }
    RunbookScreen #runbook-search {
        margin: 0 0 0 0;
    }
    RunbookScreen #runbook-list {
        height: 1fr;
        border: none;
    }
    RunbookScreen #runbook-count {
        padding: 0 1;
        color: $text-muted;
    }
    RunbookScreen #runbook-view {
        width: 1fr;
        padding: 0 1;
    }
    RunbookScreen #runbook-text {
        margin: 0;
    }
    """

    class Built(Message):
        """The Markdown of `runbook` is on screen."""

        def __init__(self, runbook: Runbook) -> None:
            super().__init__()
            self.runbook = runbook

    BINDINGS: ClassVar[list[BindingType]] = bindings("runbooks")

    def __init__(
        self,
        runbooks: Iterable[Runbook],
        *,
        initial: str | None = None,
        name: str | None = None,
        id: str | None = "runbooks",  # noqa: A002 (Textual's own name)
    ) -> None:
        super().__init__(name=name, id=id)
        self.runbooks = list(runbooks)
        #: The runbook id to open first (else the first in the list).
        self.initial = initial
        self.query_text = ""
        self.shown: list[Runbook] = list(self.runbooks)
        self.current: Runbook | None = None
        #: The runbook whose Markdown is being built (None once it is on screen).
        self._building: Runbook | None = None
        #: Where the part of the current runbook on screen starts (see `runbook_part`).
        self._part_start = 0
        #: The Markdown given to the viewer for the current runbook.
        self._shown_text = ""

    def compose(self) -> ComposeResult:
        self.late_banner = LateBanner()  # this screen covers the console's header and LATE
        yield self.late_banner
        with Horizontal():
            with Vertical(id="runbook-side"):
                yield Input(placeholder="Search the runbooks", id="runbook-search")
                yield OptionList(id="runbook-list")
                yield Label("", id="runbook-count")
            with VerticalScroll(id="runbook-view"):
                yield Markdown(id="runbook-text", open_links=False)
        yield Footer()

    def on_mount(self) -> None:
        self._fill_list()
        option_list = self.query_one("#runbook-list", OptionList)
        if self.initial is not None:
            for index, runbook in enumerate(self.shown):
                if runbook.id == self.initial:
                    option_list.highlighted = index
        option_list.focus()

    # -- the list -----------------------------------------------------------------------------

    def _fill_list(self) -> None:
        option_list = self.query_one("#runbook-list", OptionList)
        option_list.set_options(
            Option(Text(literal(runbook.title)), id=runbook.id) for runbook in self.shown
        )
        count = len(self.shown)
        if self.query_text:
            summary = f"{count} of {len(self.runbooks)} match"
        else:
            summary = f"{count} runbook" + ("" if count == 1 else "s")
        self.query_one("#runbook-count", Label).update(summary)
        if self.shown:
            option_list.highlighted = 0
            first = self.shown[0]
            if first is self.current and runbook_part(first, self.query_text)[0] == (
                self._part_start
            ):
                self.goto_match(first)
            else:
                self._open(self.shown[0])
        else:
            self.current = None
            self._building = None
            self.query_one("#runbook-text", Markdown).update(
                f"Nothing matches *{md_escape(self.query_text)}*."
            )

    @on(OptionList.OptionHighlighted, "#runbook-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        runbook = next((r for r in self.shown if r.id == event.option.id), None)
        if runbook is not None and runbook is not self.current:
            self._open(runbook)

    @on(OptionList.OptionSelected, "#runbook-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#runbook-view", VerticalScroll).focus()

    def _open(self, runbook: Runbook) -> None:
        self.current = runbook
        view = self.query_one("#runbook-view", VerticalScroll)
        view.scroll_home(animate=False)
        markdown = self.query_one("#runbook-text", Markdown)
        self._building = runbook
        self._part_start, text = runbook_part(runbook, self.query_text)
        self._shown_text = text
        # The Markdown builds its blocks in a task; a worker of the Markdown widget awaits it,
        # so the build stops when the widget goes (Esc during a build). The worker only posts
        # a message: the screen handles it in its own message loop, which never runs once the
        # screen is going, so nothing here touches widgets that are being removed.
        markdown.run_worker(self._build(markdown.update(text), runbook), group="build")

    async def _build(self, update: AwaitComplete, runbook: Runbook) -> None:
        await update
        self.post_message(self.Built(runbook))

    @on(Built)
    def _built(self, event: Built) -> None:
        """The runbook's blocks are all mounted: scroll to the search words."""
        if event.runbook is not self._building:
            return  # an earlier build: a later one is under way
        self._building = None
        if event.runbook is self.current and self.query_text:
            self.goto_match(event.runbook)

    def goto_match(self, runbook: Runbook) -> bool:
        """Scroll to the heading of the first section containing the search; True if found."""
        lines = runbook.matching_lines(self.query_text)
        if not lines or runbook is not self.current or self._building is not None:
            return False  # mid-build the blocks on screen are another text's: once built
        heading: int | None = None
        for index, line in enumerate(self._shown_text.splitlines()):
            stripped = line.strip()
            if stripped.startswith("#"):
                heading = index
            if stripped == lines[0]:
                break
        else:
            return False
        if heading is None:
            return False
        # By the heading's line in the text shown, not by Textual's table of contents: two
        # builds in a row (a runbook opened at "en", another a key later) left it listing the
        # first one's headings, and the viewer never scrolled.
        markdown = self.query_one("#runbook-text", Markdown)
        for block in markdown.children:
            if isinstance(block, MarkdownBlock) and block.source_range[0] == heading:
                block.scroll_visible(top=True, animate=False)
                return True
        return False

    # -- search -------------------------------------------------------------------------------

    @on(Input.Changed, "#runbook-search")
    def _search(self, event: Input.Changed) -> None:
        self.query_text = event.value.strip()
        self.shown = search_runbooks(self.runbooks, self.query_text)
        self._fill_list()

    @on(Input.Submitted, "#runbook-search")
    def _search_done(self, event: Input.Submitted) -> None:
        self.query_one("#runbook-list", OptionList).focus()

    def action_search(self) -> None:
        self.query_one("#runbook-search", Input).focus()

    def action_close(self) -> None:
        search = self.query_one("#runbook-search", Input)
        if search.has_focus and search.value:
            search.value = ""
            return
        self.dismiss(None)
