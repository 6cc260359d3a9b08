"""The checklists that matter now: for the incident's phase and severity and the viewer's roles.

The screen never writes anything. Ticking an item posts `ChecklistScreen.Toggled`; the App runs
the domain command (so the tick is an event the review can show) and pushes the new state back
with `show_state`, which is when the tick appears here, with the time it was made.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import tzinfo
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Label, OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from ic_console.content.checklists import Checklist, applicable_checklists
from ic_console.domain.model import ROLE_LABELS, Role, severity_label
from ic_console.domain.state import IncidentState
from ic_console.tui.actions import bindings
from ic_console.tui.text import TimeFormat, literal
from ic_console.tui.widgets.late_banner import LateBanner

_SEPARATOR = "\x1f"  # between checklist id and item id in an option id; never in an id


class ChecklistScreen(Screen[None]):
    """Checklists for now; Space or Enter ticks (or unticks) the highlighted item."""

    DEFAULT_CSS = """
    ChecklistScreen {
        layout: vertical;
    }
    ChecklistScreen #checklist-title {
        width: 1fr;
        padding: 0 1;
        background: $panel;
        color: $text;
        text-style: bold;
    }
    ChecklistScreen #checklist-scope {
        width: 1fr;
        padding: 0 1;
        color: $text-muted;
    }
    ChecklistScreen #checklist-items {
        height: 1fr;
        border: none;
        padding: 0 1;
    }
    ChecklistScreen #checklist-empty {
        padding: 1 2;
        color: $text-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("checklists")

    class Toggled(Message):
        """The viewer asked to tick (or untick) one item; the App records it."""

        def __init__(self, checklist_id: str, item_id: str, ticked: bool) -> None:
            super().__init__()
            self.checklist_id = checklist_id
            self.item_id = item_id
            self.ticked = ticked

    def __init__(
        self,
        checklists: Iterable[Checklist],
        state: IncidentState,
        *,
        me: str | None = None,
        zone: tzinfo | None = None,
        name: str | None = None,
        id: str | None = "checklists",  # noqa: A002 (Textual's own name)
        read_only: bool = False,
    ) -> None:
        super().__init__(name=name, id=id)
        #: An observer's console: the lists are shown, nothing is ticked (nor offered).
        self.read_only = read_only
        self.checklists = list(checklists)
        self.state = state
        self.me = me
        self.times = TimeFormat(zone)
        #: Show every checklist instead of those for this phase, severity and role.
        self.show_all = False
        #: The item that left from under the cursor (the checklists changed with a role or the
        #: phase, in another terminal) and the one the cursor was moved to in its place: the
        #: next tick may have been meant for the one that left, so it ticks nothing and says
        #: so. None once the viewer moves the cursor, or has been told.
        self.moved: tuple[str, str] | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            self.late_banner = LateBanner()  # this screen covers the console's header and LATE
            yield self.late_banner
            yield Label("Checklists", id="checklist-title")
            yield Label("", id="checklist-scope")
            yield OptionList(id="checklist-items")
            yield Label(
                "No checklist applies right now. Press a to see them all.", id="checklist-empty"
            )
        yield Footer()

    def on_mount(self) -> None:
        self._refresh()

    # -- what the App calls ------------------------------------------------------------------

    def show_state(self, state: IncidentState) -> None:
        """The incident changed (a tick was recorded, the phase moved on): show it."""
        self.state = state
        if self.is_mounted:
            self._refresh()

    # -- what is shown -------------------------------------------------------------------------

    def roles(self) -> set[str] | None:
        """The viewer's roles as checklist audiences; None (every role) when we do not know who."""
        if self.me is None:
            return None
        return {role.value for role in self.state.roles_of(self.me)}

    def shown_checklists(self) -> list[Checklist]:
        if self.show_all:
            return list(self.checklists)
        return applicable_checklists(
            self.checklists,
            phase=self.state.phase,
            severity=self.state.severity,
            roles=self.roles(),
        )

    def _scope(self) -> str:
        if self.show_all:
            return "All checklists (press a for those that apply now)"
        parts = [severity_label(self.state.severity), self.state.phase.label]
        roles = self.roles()
        if roles is None:
            parts.append("every role")
        else:
            held = [ROLE_LABELS[Role(value)] for value in sorted(roles)]
            parts.append(f"{literal(self.me or '')}: " + (", ".join(held) or "on the call"))
        return " · ".join(parts)

    def _refresh(self) -> None:
        option_list = self.query_one("#checklist-items", OptionList)
        highlighted = option_list.highlighted
        highlighted_id = (
            option_list.get_option_at_index(highlighted).id if highlighted is not None else None
        )
        options: list[Option | None] = []
        ticks = self.state.checklist_ticks
        severity = self.state.severity
        visible = self.shown_checklists()
        for checklist in visible:
            if options:
                options.append(None)
            items = checklist.items_for(severity) if not self.show_all else checklist.items
            done = sum(1 for item in items if (checklist.id, item.id) in ticks)
            heading = Text(literal(checklist.title), style="bold")
            heading.append(f"  {done}/{len(items)}", style="dim")
            options.append(Option(heading, id=f"heading{_SEPARATOR}{checklist.id}", disabled=True))
            for item in items:
                at = ticks.get((checklist.id, item.id))
                line = Text("[x] " if at else "[ ] ", style="bold green" if at else "")
                line.append(literal(item.text), style="dim" if at else "")
                if at is not None:
                    line.append(
                        f"  ticked {self.times.clock(at, seconds=False)} "
                        f"{self.times.zone_name(at)}",
                        style="italic green",
                    )
                options.append(Option(line, id=f"{checklist.id}{_SEPARATOR}{item.id}"))
        option_list.set_options(options)
        scope = self._scope() + (" · read-only: nothing is ticked here" if self.read_only else "")
        self.query_one("#checklist-scope", Label).update(Text(scope))
        self.query_one("#checklist-empty", Label).display = not visible
        option_list.display = bool(visible)
        left = self._item_text(highlighted_id)
        placed = self._restore_highlight(option_list, highlighted_id)
        if left is not None and placed is not None and placed != highlighted_id:
            self.moved = (left, placed)

    def _item_text(self, option_id: str | None) -> str | None:
        """The text of checklist item `option_id` ("checklist<sep>item"), None for a heading."""
        if option_id is None or _SEPARATOR not in option_id:
            return None
        checklist_id, item_id = option_id.split(_SEPARATOR, 1)
        for checklist in self.checklists:
            if checklist.id == checklist_id:
                for item in checklist.items:
                    if item.id == item_id:
                        return item.text
        return None

    @staticmethod
    def _restore_highlight(option_list: OptionList, option_id: str | None) -> str | None:
        """Put the cursor back on `option_id`, else on the first item; the id it is on."""
        if option_id is not None:
            try:
                option_list.highlighted = option_list.get_option_index(option_id)
                return option_id
            except OptionDoesNotExist:  # the item is no longer shown
                pass
        for index in range(option_list.option_count):
            option = option_list.get_option_at_index(index)
            if not option.disabled:
                option_list.highlighted = index
                return option.id
        return None

    @on(OptionList.OptionHighlighted, "#checklist-items")
    def _moved_by_viewer(self, event: OptionList.OptionHighlighted) -> None:
        if self.moved is None:
            return
        option_list = event.option_list
        index = option_list.highlighted
        now = option_list.get_option_at_index(index).id if index is not None else None
        if now != self.moved[1]:
            self.moved = None  # the viewer chose another item: ticks go where they point

    # -- actions -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A read-only console neither offers nor runs a tick (it would record)."""
        return not (self.read_only and action == "tick")

    def _post_toggle(self, option: Option) -> None:
        if self.read_only:
            return
        if option.disabled or option.id is None or _SEPARATOR not in option.id:
            return
        if self.moved is not None:
            left, self.moved = self.moved[0], None
            self.notify(
                f"Not ticked: the item you were on ({literal(left)}) is no longer shown here "
                "(a role or the phase changed), and the cursor moved. Press again to tick the "
                "item under the cursor now.",
                severity="warning",
                timeout=8,
            )
            return
        checklist_id, item_id = option.id.split(_SEPARATOR, 1)
        ticked = (checklist_id, item_id) in self.state.checklist_ticks
        self.post_message(self.Toggled(checklist_id, item_id, not ticked))

    def action_tick(self) -> None:
        option_list = self.query_one("#checklist-items", OptionList)
        if option_list.highlighted is not None:
            self._post_toggle(option_list.get_option_at_index(option_list.highlighted))

    @on(OptionList.OptionSelected, "#checklist-items")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._post_toggle(event.option)

    def action_show_all(self) -> None:
        self.show_all = not self.show_all
        self._refresh()

    def action_close(self) -> None:
        self.dismiss(None)
