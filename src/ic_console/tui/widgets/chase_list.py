"""Who the Deputy should chase: expired timeboxes first (most overdue first), each with the
sentence to say, then tasks nobody has acknowledged (waiting longest first), then what runs out
next. When the pane cannot hold them all it says how many are not shown ("+2 more to chase"),
and an overdue time is never the part that is cut."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from rich.console import Group
from rich.text import Text
from textual import events
from textual.widgets import Static

from ic_console.content.phrasebook import Phrasebook
from ic_console.domain.model import TaskStatus
from ic_console.domain.situations import Situation, state_fingerprint
from ic_console.domain.state import IncidentState, Task
from ic_console.tui.text import countdown, literal, literal_lines

#: Tasks whose timebox ends within this long are listed as "next up".
SOON = timedelta(minutes=3)

CHASED = ("task-expired", "task-unacknowledged")

#: Wrapped lines whose rows are remembered, and situations whose sentence lines are, at most
#: (then forgotten all at once): a pane's worth many times over, so a minute's new wording
#: never grows them without end.
_WRAPPED_KEPT = 4096


def chase_order(
    state: IncidentState, now: datetime, situations: list[Situation]
) -> list[Situation]:
    """The expired and unacknowledged tasks, most urgent first (`_chase_order`)."""
    return _chase_order(state, now, situations)[0]


def _chase_order(
    state: IncidentState, now: datetime, situations: list[Situation]
) -> tuple[list[Situation], bool]:
    """The expired and unacknowledged tasks, most urgent first, and whether that order holds
    whatever the time (every situation's task was found: only a missing one is placed by `now`).

    Most overdue first; then unacknowledged, the one waiting longest first. Ties keep the
    task number order, so the list does not jump about between ticks.

    Most overdue first is earliest deadline first, and waiting longest is assigned earliest:
    the keys are the task's own times, not times since them, so no time is worked out for
    each task each second (at 2,000 open tasks that was ~2 ms of the Deputy's tick), and the
    situations come nearly in deadline order, which the sort takes in about one pass. The order
    is the one "seconds overdue" gave (`tests/tui/test_chase_order_kept.py` compares them):
    those seconds are exact to the microsecond for any time within 136 years of `now`.
    """
    tasks = state.tasks
    timeless = True
    keyed: list[tuple[int, datetime, int, int]] = []
    for index, situation in enumerate(situations):
        kind = situation.id
        if kind == "task-expired":
            rank = 0
        elif kind == "task-unacknowledged":
            rank = 1
        else:
            continue
        number = situation.values.get("task_number", "")
        task = tasks.get(int(number)) if number.isdigit() else None
        if task is None:  # nothing to measure: as if it ran out (or was assigned) just now
            keyed.append((rank, now, 0, index))
            timeless = False
        else:
            keyed.append(
                (rank, task.deadline if rank == 0 else task.assigned_at, task.number, index)
            )
    keyed.sort()  # the index last: equal keys keep their order, as a stable sort does
    return [situations[key[3]] for key in keyed], timeless


def _running_out(state: IncidentState, now: datetime, chase: list[Situation]) -> list[Task]:
    """The open tasks whose timebox ends within `SOON` and that `chase` does not list, the
    soonest first (ties in the order `open_tasks` gives them). One pass over the
    tasks comparing deadlines, and only the few found sorted: the Deputy asks each second, and
    sorting all 2,000 open tasks by deadline to keep a handful was a fifth of the tick."""
    until = now + SOON
    found = [
        task
        for task in state.tasks.values()
        if now < task.deadline <= until and task.status is TaskStatus.OPEN
    ]
    if not found:
        return found
    listed = {situation.values.get("task_number") for situation in chase}
    found.sort(key=_by_deadline)
    return [task for task in found if str(task.number) not in listed]


def _by_deadline(task: Task) -> datetime:
    return task.deadline


def _task(state: IncidentState, situation: Situation) -> Task | None:
    number = situation.values.get("task_number", "")
    return state.tasks.get(int(number)) if number.isdigit() else None


@dataclass
class Block:
    """Lines that belong together: one chase entry, or one task running out soon."""

    lines: list[Text]
    #: Lines dropped first when the pane is short (the sentence under an entry).
    optional: list[Text] = field(default_factory=list)
    chase: bool = True


class ChaseList(Static):
    """Rebuilt at each tick from the live situations; fitted to the pane's height.

    Only what the pane can show is built and measured: each entry takes at least a row, so
    no more entries than the pane has rows (a Deputy's view of 2,000 late tasks once rendered
    and wrapped every one of them each second, then fitted them in steps that grew with the
    square of their number). How many are left out is counted, never built.
    """

    def __init__(self, phrasebook: Phrasebook, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.phrasebook = phrasebook
        #: Whom to chase, most urgent first (the Deputy's copy key takes the first).
        self.chase: list[Situation] = []
        #: The tasks running out soon, listed after the chase entries.
        self._soon: list[Task] = []
        #: The state and time the entries are built from, a few at a time as drawn.
        self._source: tuple[IncidentState, datetime] | None = None
        #: The entries built so far, in order: chase entries, then soon-running-out tasks.
        self._blocks: list[Block] = []
        self._empty: Text | None = None
        #: How many chase entries and soon-running-out tasks the last draw left out.
        self.hidden_chase = 0
        self.hidden_soon = 0
        #: The last `chase_order` worked out, and what from: the state, its fingerprint, each
        #: situation's kind and task, and the order as places in that list (`_ordered`).
        self._order: (
            tuple[IncidentState, tuple[object, ...], list[tuple[str, str | None]], list[int]] | None
        ) = None
        #: The sentence lines made for each situation (`_sentence`).
        self._sentences: dict[int, tuple[Situation, Phrasebook, list[Text]]] = {}
        #: Rows a wrapped line takes, by its text and the width (`_line_rows`).
        self._wrapped: dict[tuple[str, int], int] = {}

    def show(self, state: IncidentState, now: datetime, situations: list[Situation]) -> None:
        """Expired and unacknowledged tasks, from the situations the phrasebook already knows."""
        self.chase = self._ordered(state, now, situations)
        self._soon = _running_out(state, now, self.chase)
        self._source = (state, now)
        self._blocks = []
        self._empty = None
        if not self.chase and not self._soon:
            upcoming = state.open_tasks()
            if upcoming:
                task = upcoming[0]
                self._empty = Text(
                    f"Nobody to chase. Next timebox ends in {countdown(task.remaining(now))}: "
                    f"#{task.number} {literal(task.owner)}.",
                    style="dim",
                )
            else:
                self._empty = Text("Nobody to chase: no open tasks.", style="dim")
        self._draw()

    def _ordered(
        self, state: IncidentState, now: datetime, situations: list[Situation]
    ) -> list[Situation]:
        """`chase_order`, sorted again only when the order can have changed: the state moved
        on (`state_fingerprint`), or the situations are about other tasks or come in another
        order. Most seconds a few situations are made again with new words ("late 6 minutes")
        about the same tasks: the order of last time is taken again by place. Sorting 2,000
        of them each second was a third of the Deputy's tick."""
        signature = [
            (situation.id, situation.values.get("task_number")) for situation in situations
        ]
        fingerprint = state_fingerprint(state)
        last = self._order
        if (
            last is not None
            and last[0] is state
            and last[1] == fingerprint
            and last[2] == signature
        ):
            return [situations[index] for index in last[3]]
        ordered, timeless = _chase_order(state, now, situations)
        if timeless:
            place = {id(situation): index for index, situation in enumerate(situations)}
            self._order = (state, fingerprint, signature, [place[id(s)] for s in ordered])
        else:
            self._order = None
        return ordered

    def _built(self, count: int) -> list[Block]:
        """The first `count` entries, built now if they were not yet."""
        blocks = self._blocks
        if len(blocks) < count and self._source is not None:
            state, now = self._source
            chase = self.chase
            for index in range(len(blocks), count):
                if index < len(chase):
                    blocks.append(self._entry(state, now, chase[index]))
                else:
                    blocks.append(_soon_block(self._soon[index - len(chase)], now))
        return blocks[:count]

    def _entry(self, state: IncidentState, now: datetime, situation: Situation) -> Block:
        values = situation.values
        expired = situation.id == "task-expired"
        task = _task(state, situation)
        # The overdue time comes before the task's text: only the text is cut with "…".
        if expired:
            late = countdown(task.remaining(now)) if task is not None else values.get("overdue", "")
            label = (f"LATE {late}", "bold reverse")
        else:
            label = ("NOT ACKNOWLEDGED", "bold")
        head = Text.assemble(
            label,
            f" #{values.get('task_number', '?')} ",
            (literal(values.get("owner", "")), "bold"),
            f": {literal(values.get('task', ''))}",
            no_wrap=True,
            overflow="ellipsis",
        )
        return Block([head], self._sentence(situation))

    def _sentence(self, situation: Situation) -> list[Text]:
        """The lines of the sentence to say under an entry, made once for each situation: the
        situation tracker keeps a task's situation while its words hold (a minute, mostly), and
        the phrasebook filled them in again for every entry on screen each second."""
        kept = self._sentences.get(id(situation))
        if kept is not None and kept[0] is situation and kept[1] is self.phrasebook:
            return kept[2]
        lines = [
            Text(f"  “{line}”", style="italic")
            for sentence in self.phrasebook.render(situation)[:1]
            for line in literal_lines(sentence)
        ]
        if len(self._sentences) >= _WRAPPED_KEPT:
            self._sentences.clear()
        # The situation is held with its lines, so no other object takes its place in memory.
        self._sentences[id(situation)] = (situation, self.phrasebook, lines)
        return lines

    def on_resize(self, event: events.Resize) -> None:
        self._draw()

    def _rows(self, lines: list[Text], width: int) -> int:
        if width <= 0:
            return len(lines)
        return sum(self._line_rows(line, width) for line in lines)

    def _line_rows(self, line: Text, width: int) -> int:
        """The rows `line` takes at `width`: one for a line that is never wrapped; else as
        Rich wraps it, remembered by its words (the lines this pane wraps are all made alike).
        The same sentences come back every second: wrapping them again, and every head line
        that never wraps, was a third of the Deputy's tick at 2,000 late tasks."""
        plain = line.plain
        if line.no_wrap and "\n" not in plain:
            return 1
        key = (plain, width)
        rows = self._wrapped.get(key)
        if rows is None:
            if len(self._wrapped) >= _WRAPPED_KEPT:
                self._wrapped.clear()
            rows = self._wrapped[key] = len(line.wrap(self.app.console, width))
        return rows

    def _draw(self) -> None:
        if self._empty is not None:
            self.hidden_chase = self.hidden_soon = 0
            self.update(self._empty)
            return
        width, height = self.content_size.width, self.content_size.height
        if height <= 0:  # not laid out yet: show everything, the first resize fits it
            height = 10_000
        self.update(Group(*self._fit(width, height)))

    def _fit(self, width: int, height: int) -> list[Text]:
        """The lines that fit in `height` rows, ending with "+N more" when some were left out.

        All of it when it fits. Else as many entries as fit, in order of urgency, each with its
        sentence under it while there is room, else the head line alone (name and lateness).
        Every entry's head takes a row at least, so no more than `height` of them are built.
        """
        chased = len(self.chase)
        total = chased + len(self._soon)
        blocks = self._built(min(total, height))
        heads = [0]  # heads[k]: rows of the first k entries' heads; extra[k]: their sentences
        extra = [0]
        for block in blocks:
            heads.append(heads[-1] + self._rows(block.lines, width))
            extra.append(extra[-1] + self._rows(block.optional, width))

        def rows(count: int, sentences: int) -> int:
            """Rows for the first `count` entries, the first `sentences` of them in full."""
            title = 1 if count > chased else 0  # "Next to run out" above the first soon one
            more = 1 if count < total else 0
            return heads[count] + extra[min(count, sentences)] + title + more

        count = sentences = len(blocks)
        if count < total or rows(count, sentences) > height:
            sentences = 0
            while count > 0 and rows(count, 0) > height:
                count -= 1
            while sentences < count and rows(count, sentences + 1) <= height:
                sentences += 1
        shown_chase = min(count, chased)
        self.hidden_chase = chased - shown_chase
        self.hidden_soon = len(self._soon) - (count - shown_chase)
        parts: list[Text] = []
        for index, block in enumerate(blocks[:count]):
            if index == chased:
                parts.append(Text("Next to run out", style="bold underline"))
            parts.extend(block.lines)
            if index < sentences:
                parts.extend(block.optional)
        more: list[str] = []
        if self.hidden_chase:
            more.append(f"+{self.hidden_chase} more to chase")
        if self.hidden_soon:
            more.append(f"+{self.hidden_soon} more running out")
        if more:
            parts.append(Text(", ".join(more), style="bold", no_wrap=True, overflow="ellipsis"))
        return parts


def _soon_block(task: Task, now: datetime) -> Block:
    """A task whose timebox runs out within `SOON`: one line, listed after the chase entries."""
    return Block(
        [
            Text.assemble(
                (f"in {countdown(task.remaining(now))} ", "bold"),
                f"#{task.number} {literal(task.owner)}: {literal(task.text)}",
                no_wrap=True,
                overflow="ellipsis",
            )
        ],
        chase=False,
    )
