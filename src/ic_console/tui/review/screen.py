"""The review screen: the timeline worked forwards, filters, jumps, and the response metrics.

Read-only by construction: it is given a finished `Review` (built by `ic_console.review`) and
never touches the store. Every piece of user text reaches the screen through `literal`, as a
Rich `Text`, so it is shown exactly as typed and never read as markup or control sequences.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import ClassVar

from rich.console import Console
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Input, Static, TabbedContent, TabPane

from ic_console.domain.model import ROTATE_AFTER, Status, severity_label
from ic_console.review.command_figures import DecisionFigures
from ic_console.review.duedate import describe_policy
from ic_console.review.people_figures import PersonFigures
from ic_console.review.postmortem import Review, observations, response_rows
from ic_console.review.task_figures import TaskFigures
from ic_console.review.text import duration
from ic_console.review.timeline import (
    MARKER_KINDS,
    EntryKind,
    TimelineEntry,
    filter_timeline,
    next_marker,
    people_in,
)
from ic_console.tui.actions import bindings
from ic_console.tui.review.commands import PaletteCommand
from ic_console.tui.review.metrics_view import (
    BulletSection,
    Cell,
    MetricsView,
    RenderedSection,
    Section,
    TableSection,
)
from ic_console.tui.review.timeline_list import TimelineList
from ic_console.tui.text import literal, local_time

_MARKER_NAMES = {
    EntryKind.SEVERITY: "severity change",
    EntryKind.PHASE: "phase change",
    EntryKind.ROLE: "role change",
}


class ReviewScreen(Screen[None]):
    """One incident, looked back on."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("review")

    def __init__(
        self,
        review: Review,
        *,
        notices: list[str] | None = None,
        read_only_copy: bool = False,
        zone: tzinfo | None = None,
    ) -> None:
        super().__init__()
        self.review = review
        self.notices = list(notices or [])
        self.read_only_copy = read_only_copy
        self.zone = zone
        self.kind_filter: EntryKind | None = None
        self.person_filter: str | None = None
        self.search_text = ""
        self.shown: list[TimelineEntry] = list(review.timeline)
        self._kinds = [k for k in EntryKind if any(e.kind is k for e in review.timeline)]
        self._people = people_in(review.timeline)

    # -- layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(self._banner(), id="banner")
        yield Static(Text("\n".join(literal(n) for n in self.notices)), id="notices")
        with TabbedContent(initial="timeline-tab", id="tabs"):
            with TabPane("Timeline", id="timeline-tab"):
                with Horizontal(id="filters"):
                    yield Input(placeholder="Search the timeline ( / )", id="search")
                    yield Static(id="filter-state")
                yield Static(id="timeline-header")
                yield TimelineList(
                    self._stamp,
                    id="timeline",
                    when_width=len(self._stamp(self.review.metrics.as_of)),
                )
                yield Static(id="detail")
            with TabPane("Metrics", id="metrics-tab"):
                yield MetricsView(self._metrics(), id="metrics-scroll")
        yield Footer()

    def on_resize(self) -> None:
        self.query_one("#banner", Static).update(self._banner())

    def on_mount(self) -> None:
        banner = self.query_one("#banner", Static)
        banner.set_class(self.review.state.status is Status.ACTIVE, "-active")
        self.query_one("#notices", Static).set_class(bool(self.notices), "-shown")
        header = TimelineList.header(self._zone_name(), len(self._stamp(self.review.metrics.as_of)))
        self.query_one("#timeline-header", Static).update(Text(header, style="bold"))
        self._refill()
        self.timeline.focus()

    @property
    def timeline(self) -> TimelineList:
        return self.query_one("#timeline", TimelineList)

    # -- what is shown -------------------------------------------------------------------------

    def _local(self, when: datetime) -> datetime:
        return local_time(when, self.zone)

    def _zone_name(self) -> str:
        first = self.review.metrics.declared_at
        if self._crosses_offset_change():
            last = self.review.metrics.as_of
            return f"{self._local(first).tzname()}/{self._local(last).tzname()}"
        return self._local(first).tzname() or "local"

    def _crosses_offset_change(self) -> bool:
        """Whether the clocks changed (daylight saving) between the declaration and the last
        event: then one zone name for the whole column was an hour wrong for part of it, and
        the hour after the clocks went back read as the hour before ("01:50", then "01:00")."""
        m = self.review.metrics
        return self._local(m.declared_at).utcoffset() != self._local(m.as_of).utcoffset()

    def _stamp(self, when: datetime) -> str:
        local = self._local(when)
        if self._crosses_offset_change():
            return local.strftime("%m-%d %H:%M:%S ") + (local.tzname() or local.strftime("%z"))
        return local.strftime("%m-%d %H:%M:%S")

    def _zone_of(self, when: datetime) -> str:
        """The zone's name at `when`: said once after a time the row does not already name."""
        if self._crosses_offset_change():
            return ""
        return " " + (self._local(when).tzname() or "local")

    def _banner(self) -> Text:
        m = self.review.metrics
        state = self.review.state
        text = Text()
        text.append(literal(state.incident_id), style="bold")
        text.append(f"  {severity_label(m.severity)}  ")
        text.append(literal(state.title))
        # One line for the title, whatever its length (up to 200 characters filled the screen
        # of a small terminal): the declaration's entry in the timeline has it whole.
        text.truncate(max(1, self.app.size.width - 2), overflow="ellipsis")
        text.append("\n")
        if m.status is Status.ACTIVE:
            text.append(
                f"Still active: figures run to its last event ({self._stamp(m.as_of)}).",
                style="bold",
            )
        else:
            text.append(
                f"{m.status.value.capitalize()}; resolved {duration(m.to_resolution)} "
                "after the declaration."
            )
        text.append(" Read-only copy." if self.read_only_copy else " Read-only.")
        return text

    def _refill(self, keep: int | None = None) -> None:
        """Apply the filters and redraw the table, keeping the cursor on entry `keep` if shown."""
        self.shown = filter_timeline(
            self.review.timeline,
            kinds=[self.kind_filter] if self.kind_filter else None,
            person=self.person_filter,
            text=self.search_text or None,
        )
        table = self.timeline
        table.show(self.shown)
        state = (
            f"kind: {self.kind_filter.value if self.kind_filter else 'all'} · "
            f"who: {self.person_filter or 'all'} · "
            f"{len(self.shown)} of {len(self.review.timeline)}"
        )
        self.query_one("#filter-state", Static).update(Text(literal(state)))
        if keep is not None:
            for index, entry in enumerate(self.shown):
                if entry.seq == keep:
                    table.cursor = index
                    break
        self._show_detail()

    def _current_index(self) -> int:
        return self.timeline.cursor if self.shown else -1

    def _show_detail(self) -> None:
        detail = self.query_one("#detail", Static)
        index = self._current_index()
        if not 0 <= index < len(self.shown):
            detail.update(Text("Nothing matches the filters. Press Escape to clear them."))
            return
        entry = self.shown[index]
        text = Text()
        text.append(f"#{entry.seq} {entry.kind.value}", style="bold")
        role = f" as {entry.role.label}" if entry.role else ""
        text.append(f" by {literal(entry.actor)}{role}. ")
        happened, recorded = entry.when, entry.recorded_at
        if entry.occurred_at is not None:
            text.append(
                f"Happened {self._stamp(happened)}{self._zone_of(happened)}, "
                f"recorded {self._stamp(recorded)}{self._zone_of(recorded)}."
            )
        else:
            text.append(f"Recorded {self._stamp(recorded)}{self._zone_of(recorded)}.")
        text.append("\n")
        text.append("\n".join(literal(line) for line in entry.text.splitlines()))
        detail.update(text)

    def _metrics(self) -> list[Section]:
        """The metrics tab: one table per group of figures, in the postmortem's order. The
        small ones are Rich tables; the long ones (a busy incident has thousands of tasks,
        decisions and observations) draw only their rows on screen (`MetricsView`)."""
        m = self.review.metrics
        console = self._rich_console
        sections: list[Section] = []

        def table(title: str, *columns: str) -> Table:
            grid = Table(title=Text(title, style="bold"), title_justify="left", min_width=40)
            for column in columns:
                grid.add_column(Text(column))
            sections.append(RenderedSection(grid, console))
            return grid

        response = table("Response", "Measure", "Value")
        for measure, value in response_rows(m):
            response.add_row(Text(measure), Text(value))
        due = self.review.due
        how = describe_policy(m.highest_severity, self.review.policy)
        due_text = (
            "not set while the incident is active"
            if m.status is Status.ACTIVE
            else (due.isoformat() if due else "none")
        )
        sections.append(RenderedSection(Text(f"Postmortem due: {due_text} ({how})"), console))
        if m.time_at_severity:
            spans = table("Time at each severity", "Severity", "Time")
            for level, span in m.time_at_severity.items():
                spans.add_row(Text(severity_label(level)), Text(duration(span)))
        if m.tasks:
            sections.append(
                TableSection(
                    "Tasks",
                    ("#", "Owner", "Timebox", "Ext.", "Overrun", "Ack", "Outcome"),
                    m.tasks,
                    _task_cells,
                    console,
                )
            )
        if m.decisions:
            sections.append(
                TableSection(
                    "Decisions",
                    ("#", "Status", "Objections", "Proposal"),
                    m.decisions,
                    _decision_cells,
                    console,
                )
            )
        sections.append(
            TableSection(
                "People",
                ("Name", "Time on call", "Longest stretch", "Roles"),
                m.people,
                _person_cells,
                console,
            )
        )
        notes = observations(m)
        if notes:
            sections.append(BulletSection("Observations", notes, literal, console))
        return sections

    def _rich_console(self) -> Console:
        return self.app.console

    # -- actions -------------------------------------------------------------------------------

    def action_show_tab(self, tab: str) -> None:
        self.query_one("#tabs", TabbedContent).active = f"{tab}-tab"
        if tab == "timeline":
            self.timeline.focus()
        else:
            self.query_one("#metrics-scroll", MetricsView).focus()

    def action_focus_search(self) -> None:
        self.action_show_tab("timeline")
        self.query_one("#search", Input).focus()

    def _keep(self) -> int | None:
        index = self._current_index()
        return self.shown[index].seq if 0 <= index < len(self.shown) else None

    def set_kind(self, kind: EntryKind | None) -> None:
        self.kind_filter = kind
        self._refill(self._keep())

    def set_person(self, person: str | None) -> None:
        self.person_filter = person
        self._refill(self._keep())

    def action_cycle_kind(self) -> None:
        choices: list[EntryKind | None] = [None, *self._kinds]
        self.set_kind(choices[(choices.index(self.kind_filter) + 1) % len(choices)])

    def action_cycle_person(self) -> None:
        choices: list[str | None] = [None, *self._people]
        self.set_person(choices[(choices.index(self.person_filter) + 1) % len(choices)])

    def action_clear_filters(self) -> None:
        keep = self._keep()
        self.kind_filter = None
        self.person_filter = None
        self.search_text = ""
        search = self.query_one("#search", Input)
        with search.prevent(Input.Changed):
            search.value = ""
        self._refill(keep)
        self.timeline.focus()

    def action_jump(self, kind: str, backwards: bool = False) -> None:
        """Move the cursor to the next (or previous) turning point of the given kind."""
        self.action_show_tab("timeline")
        wanted = EntryKind(kind)
        found = next_marker(self.shown, self._current_index(), wanted, backwards=backwards)
        if found is None:
            way = "earlier" if backwards else "later"
            self.notify(f"No {way} {_MARKER_NAMES[wanted]} in the timeline shown.", timeout=3)
            return
        self.timeline.cursor = found

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.search_text = event.value.strip()
        self._refill(self._keep())

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        self.timeline.focus()

    @on(TimelineList.Highlighted, "#timeline")
    def _row_highlighted(self) -> None:
        self._show_detail()

    def palette_commands(self) -> list[PaletteCommand]:
        commands = [
            PaletteCommand("Show the timeline", "the incident worked forwards", self._timeline),
            PaletteCommand(
                "Show the response metrics", "figures from the events", self._metrics_tab
            ),
            PaletteCommand("Clear the filters", "show every entry", self.action_clear_filters),
        ]
        for kind in MARKER_KINDS:
            name = _MARKER_NAMES[kind]
            commands.append(
                PaletteCommand(f"Jump to the next {name}", "", self._jump_cb(kind, False))
            )
            commands.append(
                PaletteCommand(f"Jump to the previous {name}", "", self._jump_cb(kind, True))
            )
        for kind in self._kinds:
            commands.append(
                PaletteCommand(f"Only {kind.value} entries", "filter by kind", self._kind_cb(kind))
            )
        for person in self._people:
            commands.append(
                PaletteCommand(
                    f"Only entries about {literal(person)}",
                    "filter by person",
                    self._person_cb(person),
                )
            )
        return commands

    def _timeline(self) -> None:
        self.action_show_tab("timeline")

    def _metrics_tab(self) -> None:
        self.action_show_tab("metrics")

    def _kind_cb(self, kind: EntryKind) -> Callable[[], None]:
        return lambda: self.set_kind(kind)

    def _person_cb(self, person: str) -> Callable[[], None]:
        return lambda: self.set_person(person)

    def _jump_cb(self, kind: EntryKind, backwards: bool) -> Callable[[], None]:
        return lambda: self.action_jump(kind.value, backwards)


def _task_cells(t: TaskFigures) -> tuple[Cell, ...]:
    return (
        str(t.number),
        literal(t.owner),
        duration(t.timebox),
        ", ".join(f"+{duration(x.timebox)}" for x in t.extensions) or "-",
        duration(t.overrun) if t.overrun else "-",
        duration(t.time_to_acknowledge) if t.acknowledged_at else "never",
        t.status.value,
    )


def _decision_cells(d: DecisionFigures) -> tuple[Cell, ...]:
    return (str(d.number), d.status.value, str(len(d.objections)), literal(d.text))


def _person_cells(p: PersonFigures) -> tuple[Cell, ...]:
    stretch: Cell = duration(p.longest_stretch)
    if p.longest_stretch >= ROTATE_AFTER:
        stretch = Text(duration(p.longest_stretch))
        stretch.append(" (rotate)", style="bold")
    return (
        literal(p.name),
        duration(p.time_on_call),
        stretch,
        ", ".join(r.label for r in p.roles) or "-",
    )
