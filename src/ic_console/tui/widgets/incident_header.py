"""The header line: which incident, how bad, which phase, how long, who leads, next update.

It is on screen at every size and on every tab, so what must never be missed lives here too:
how many timeboxes have run out ("2 LATE", until each task is dealt with) and whether this
console can record anything (READ-ONLY).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.css.scalar import Unit
from textual.reactive import reactive
from textual.widgets import Label

from ic_console.domain.durations import format_duration
from ic_console.domain.exit_criteria import met_count, progress_label
from ic_console.domain.model import Status, severity_label
from ic_console.domain.situations import live_overdue
from ic_console.domain.state import IncidentState
from ic_console.tui.text import TimeFormat, countdown, literal

#: Below this width the incident id is hidden (the title says which incident).
NARROW = 100
#: The title keeps at least this many cells (padding included) while anything but what is
#: late could go instead: "Checkout errors…" says which incident.
TITLE_MIN = 16
#: Below this the title says nothing ("C…"): it goes too, before what is late.
TITLE_TINY = 5
#: Beyond its least width, the title takes up to this many cells before the long sync words
#: and the id are shown; past it, it takes whatever room is left.
TITLE_WIDE = 40
#: A severity badge wider than this (padding included) is cut to it, with an ellipsis, when
#: the whole name does not fit: a configured name of 24 CJK characters (52 cells) dropped the
#: badge, and its colour, at 80 columns. The width of " SEV-2 ", so a cut name fits wherever
#: the default one does: "決済全…" or "P1 - C…" is left of a long name.
SEVERITY_LEAST = 9


@dataclass(frozen=True)
class Part:
    """One part of the header for `fit_header`: its width in cells (padding included) and how
    long it stays: 0 never goes, 1 is the title, higher goes sooner."""

    name: str
    width: int
    rank: int
    #: For the title: the width it is cut down to (with an ellipsis) before anything else goes.
    least: int = 0


def fit_header(width: int, parts: Sequence[Part]) -> set[str]:
    """The names of the parts shown in `width` cells. What is late (rank 0) always stays; the
    title keeps its least width while anything else could go; the rest follow by rank, each
    shown if it fits in what is left (a narrow part may show when a wider, more important one
    did not fit). The title takes the room nobody else does."""
    shown = {part.name for part in parts if part.rank == 0}
    left = width - sum(part.width for part in parts if part.rank == 0)
    rest = sorted((part for part in parts if part.rank > 0), key=lambda part: part.rank)
    for part in rest:
        need = min(part.width, part.least) if part.least else part.width
        if part.least and need > left:  # the title, cut below its least width: the rest goes
            if left >= min(part.width, TITLE_TINY):
                shown.add(part.name)
            return shown
        if need <= left:
            shown.add(part.name)
            left -= need
    return shown


def cut_to_cells(text: str, cells: int) -> str:
    """`text` in at most `cells` cells, ending in an ellipsis when cut, and cut between
    characters: a wide (CJK) character that would straddle the edge goes whole, where
    `set_cell_size` leaves a space in its place ("決済全 …")."""
    if cell_len(text) <= cells:
        return text
    kept: list[str] = []
    used = 0
    for character in text:
        used += cell_len(character)
        if used > cells - 1:
            break
        kept.append(character)
    return "".join(kept).rstrip() + "…"


def late_count(state: IncidentState, now: datetime) -> int:
    """How many open tasks are past their timebox at `now` (for the badge and the Tasks tab):
    from the situations' shared tracker, which keeps the console's late tasks each second.
    None once the incident is resolved or closed: tasks kept open then are follow-ups for after
    the call (`ic resolve --keep-open`), which raise no alert."""
    if state.status is not Status.ACTIVE:
        return 0
    return len(live_overdue(state, now))


def late_text(count: int) -> str:
    """The badge's words: "" when nothing is late, else "1 LATE", "3 LATE"."""
    return f"{count} LATE" if count else ""


class IncidentHeader(Horizontal):
    """One line at the top of the console; countdowns move on at each tick."""

    DEFAULT_CSS = """
    IncidentHeader #header-sync { padding: 0 1; color: $text-muted; }
    IncidentHeader #header-sync.-offline { color: $warning; text-style: bold; }
    """

    #: A read-only console (another terminal holds the incident) says so in the header.
    read_only: reactive[bool] = reactive(False, init=False)

    def __init__(
        self,
        times: TimeFormat,
        *,
        read_only: bool = False,
        id: str | None = None,  # noqa: A002 (Textual's own name)
    ) -> None:
        super().__init__(id=id)
        self.times = times
        self._state: IncidentState | None = None
        self._cadence: dict[int, timedelta | None] | None = None
        self.set_reactive(IncidentHeader.read_only, read_only)
        #: Open tasks past their timebox at the last tick.
        self.late = 0
        #: The time of the last tick, to draw again at once on a resize.
        self._now: datetime | None = None
        #: What each ticking label shows now (by id): its width decides on a layout.
        self._shown: dict[str, str] = {}
        #: The last sync words given (long, short, offline), to pick again on a resize.
        self._sync: tuple[str, str, bool] | None = None
        #: What each label says now (by id), to measure the parts that must fit.
        self._texts: dict[str, str] = {"header-readonly": "READ-ONLY", "header-drill": " DRILL "}
        #: The labels by id, found once: the parts are fitted whenever the late count changes.
        self._labels: dict[str, Label] = {}
        #: What the severity badge shows: its name, or the name cut (`_cut_severity`).
        self._severity_shown = ""

    def compose(self) -> ComposeResult:
        readonly = Label("READ-ONLY", id="header-readonly")
        readonly.display = self.read_only
        yield readonly
        # Practice must never be mistaken for the real thing (nor the other way round).
        drill = Label(Text(" DRILL ", style="bold black on magenta"), id="header-drill")
        drill.display = False
        yield drill
        yield Label(id="header-id")
        yield Label(id="header-title")
        yield Label(id="header-severity")
        yield Label(id="header-phase")
        yield Label(id="header-elapsed")
        yield Label(id="header-ic")
        late = Label(id="header-late")
        late.display = False
        yield late
        exit_criteria = Label(id="header-exit")  # "exit 1/3 met" once there are any (issue 15)
        exit_criteria.display = False
        yield exit_criteria
        yield Label(id="header-update")
        sync = Label(id="header-sync")
        sync.display = False
        yield sync

    def on_resize(self, event: events.Resize) -> None:
        # Under 100 columns the id gives its room to the title and the badges, and the sync
        # words are cut short (at 80 columns the long ones left the title two letters).
        narrow = event.size.width < NARROW
        if narrow != self.has_class("-narrow"):
            self.set_class(narrow, "-narrow")
            if self._now is not None:
                self.tick(self._now)  # the elapsed time with or without its zone at once
        self._fit()

    def watch_read_only(self, read_only: bool) -> None:
        self._fit()

    def _wanted(self) -> dict[str, int]:
        """The labels with something to say, by how long each stays as room runs out (see
        `fit_header`): what is late and what this console is never go; the title keeps its
        least width while anything else can go; then the sync when it is offline (what is
        typed here reaches nobody else), how bad, who leads, when the next update is due, the
        exit criteria, the sync when all is well, the time since it was declared, the phase,
        more of the title (up to TITLE_WIDE), the long sync words, and the id first."""
        state = self._state
        wanted = {"header-readonly": 0} if self.read_only else {}
        if self._sync is not None:
            wanted["header-sync"] = 2 if self._sync[2] else 7
        if state is None:
            return wanted
        if state.drill:
            wanted["header-drill"] = 0
        if self.late:
            wanted["header-late"] = 0
        update = self._label("header-update")
        wanted |= {
            "header-update": 0 if update.has_class("-due") else 5,
            "header-title": 1,
            "header-severity": 3,
            "header-ic": 4,
            "header-elapsed": 8,
            "header-phase": 9,
        }
        if met_count(state)[1]:
            wanted["header-exit"] = 6
        if not self.has_class("-narrow"):
            wanted["header-id"] = 12
        return wanted

    def _fit(self) -> None:
        """Show the parts that fit the header's width, most important first (at 80 columns
        the parts used to run off the right edge: the update that was due, then the title).
        The sync words are the long ones when they fit, else the short ones."""
        wanted = self._wanted()
        parts: list[Part] = []
        severity_split = False  # wider than SEVERITY_LEAST: cut unless all of it fits
        for name, rank in wanted.items():
            if name == "header-sync":
                continue
            width = self._measure(name, self._texts.get(name, ""))
            if name == "header-title":
                parts.append(Part(name, width, rank, least=TITLE_MIN))
                if width > TITLE_MIN:  # room for more of it, before the long sync words
                    parts.append(Part("more-title", min(width, TITLE_WIDE) - TITLE_MIN, 10))
            elif name == "header-severity" and width > SEVERITY_LEAST:
                # Cut before anything goes for it; the rest of the name after more of the title.
                parts.append(Part(name, SEVERITY_LEAST, rank))
                parts.append(Part("more-severity", width - SEVERITY_LEAST, 10))
                severity_split = True
            else:
                parts.append(Part(name, width, rank))
        width = self.size.width
        sync = self._sync
        words = ""
        if sync is not None:
            words = sync[1]
            short = self._measure("header-sync", words)
            parts.append(Part("header-sync", short, wanted["header-sync"]))
        shown = fit_header(width, parts) if width else set(wanted)
        if sync is not None and "header-sync" in shown and not self.has_class("-narrow"):
            # The long words when there is room, after the phase and more of the title.
            more = self._measure("header-sync", sync[0]) - short
            longer = fit_header(width, [*parts, Part("more-sync", more, 11)]) if width else shown
            if {"header-sync", "more-sync"} <= longer:
                words, shown = sync[0], longer
        self._cut_severity(not severity_split or "more-severity" in shown or width == 0)
        if sync is not None and self._texts.get("header-sync") != words:
            before = self._texts.get("header-sync", "")
            self._say("header-sync", words, layout=cell_len(before) != cell_len(words))
        for label in self._all_labels():
            visible = label.id in shown
            if label.display != visible:
                label.display = visible

    def _cut_severity(self, whole: bool) -> None:
        """The severity's name whole, or cut by cells to `SEVERITY_LEAST` with an ellipsis.
        Its full text stays in `_texts`, which measures it."""
        full = self._texts.get("header-severity", "")
        text = full
        if not whole:
            # Without the spaces inside the badge: its padding keeps the colour around the name.
            room = SEVERITY_LEAST - self._label("header-severity").styles.gutter.width
            text = cut_to_cells(full.strip(), room)
        if text != self._severity_shown:
            self._severity_shown = text
            self._label("header-severity").update(Text(text))

    def _all_labels(self) -> list[Label]:
        if not self._labels:
            self._labels = {label.id or "": label for label in self.query(Label)}
        return list(self._labels.values())

    def _label(self, label_id: str) -> Label:
        label = self._labels.get(label_id)
        if label is None:
            self._all_labels()
            label = self._labels.get(label_id) or self.query_one(f"#{label_id}", Label)
        return label

    def _measure(self, name: str, text: str) -> int:
        """The cells a label takes with `text`: its padding, and no more than its max-width."""
        styles = self._label(name).styles
        width = cell_len(text) + styles.gutter.width
        cap = styles.max_width
        if cap is not None and cap.unit is Unit.CELLS:
            width = min(width, int(cap.value))
        return width

    def _say(self, label_id: str, text: str, *, layout: bool = True) -> Label:
        """Put `text` in a label, remembering it to measure the header's parts."""
        label = self._label(label_id)
        self._texts[label_id] = text
        label.update(Text(text), layout=layout)
        return label

    def show(
        self,
        state: IncidentState,
        now: datetime,
        cadence: dict[int, timedelta | None] | None = None,
    ) -> None:
        self._state = state
        self._cadence = cadence
        self._say("header-id", literal(state.incident_id))
        self._say("header-title", literal(state.title))
        severity = self._say("header-severity", f" {severity_label(state.severity)} ")
        self._severity_shown = self._texts["header-severity"]
        for level in range(1, 6):
            severity.set_class(state.severity == level, f"-sev{level}")
        status = state.phase.label if state.status is Status.ACTIVE else state.status.value.upper()
        self._say("header-phase", status)
        ic = state.ic
        ic_label = self._say("header-ic", f"IC {literal(ic)}" if ic else "no IC")
        ic_label.set_class(ic is None, "-missing")
        self._show_exit_criteria(state)
        self.tick(now)
        self._fit()

    def _show_exit_criteria(self, state: IncidentState) -> None:
        met, total = met_count(state)
        label = self._say("header-exit", progress_label(state))
        label.set_class(met < total, "-unmet")

    def tick(self, now: datetime) -> None:
        state = self._state
        if state is None:
            return
        self._now = now
        refit = self._tick_late(state, now)
        elapsed = format_duration(state.elapsed(now))
        if not self.has_class("-narrow"):  # narrow, the title needs the room more
            elapsed += f" ({self.times.zone_name(now)})"
        refit |= self._show(self._label("header-elapsed"), elapsed)
        due = state.next_update_due(self._cadence)
        update = self._label("header-update")
        overdue = False
        if due is None:
            refit |= self._show(update, "no updates scheduled")
        else:
            left = due - now
            overdue = left.total_seconds() <= 0
            words = f"update due {countdown(left)}" if overdue else f"update in {countdown(left)}"
            refit |= self._show(update, words)
        if update.has_class("-due") != overdue:
            update.set_class(overdue, "-due")
            refit = True  # an update that is due stays on screen whatever else goes
        if refit:
            self._fit()

    def _show(self, label: Label, text: str) -> bool:
        """Each second's new clock text. The header is laid out again only when the text's
        width changes (59m 59s to 1h 0m): a layout each second cost ~10 ms, and a key pressed
        during it waited for it. True when the width changed (what fits may have changed)."""
        before = self._shown.get(label.id or "")
        self._shown[label.id or ""] = text
        relayout = before is None or cell_len(before) != cell_len(text)
        self._say(label.id or "", text, layout=relayout)
        return relayout

    def _tick_late(self, state: IncidentState, now: datetime) -> bool:
        """True when the badge changed its width (appeared, went, or grew a digit): at 2,000
        open tasks the count changes nearly every second, and only a new width lays out."""
        count = late_count(state, now)
        if count == self.late:
            return False
        before, self.late = late_text(self.late), count
        text = late_text(count)
        widened = cell_len(before) != cell_len(text)
        self._say("header-late", text, layout=widened)
        return widened

    def show_sync(self, text: str, short: str, offline: bool) -> None:
        """Sync with other laptops (only when a remote is configured): "synced 3s ago ·
        2 peers", or "offline since 14:02 · 12 events to send" in amber; the `short` words
        when the header is narrow, or when the long ones do not fit (`_fit`)."""
        self._sync = (text, short, offline)
        self._label("header-sync").set_class(offline, "-offline")
        self._fit()
