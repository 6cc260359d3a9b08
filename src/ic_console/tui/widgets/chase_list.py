"""Who the Deputy should chase: expired timeboxes first, each with the sentence to say, then
tasks nobody has acknowledged, then what runs out next."""

from __future__ import annotations

from datetime import datetime, timedelta

from rich.console import Group
from rich.text import Text
from textual.widgets import Static

from ic_console.content.phrasebook import Phrasebook
from ic_console.domain.situations import Situation
from ic_console.domain.state import IncidentState
from ic_console.tui.text import countdown, literal, literal_lines

#: Tasks whose timebox ends within this long are listed as "next up".
SOON = timedelta(minutes=3)


class ChaseList(Static):
    """Rebuilt at each tick from the live situations; a handful of lines."""

    def __init__(self, phrasebook: Phrasebook, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.phrasebook = phrasebook
        self.chase: list[Situation] = []

    def show(self, state: IncidentState, now: datetime, situations: list[Situation]) -> None:
        """Expired and unacknowledged tasks, from the situations the phrasebook already knows."""
        self.chase = [s for s in situations if s.id in ("task-expired", "task-unacknowledged")]
        parts: list[Text] = []
        for situation in self.chase:
            values = situation.values
            expired = situation.id == "task-expired"
            head = Text.assemble(
                (
                    "OVERDUE " if expired else "NOT ACKNOWLEDGED ",
                    "bold reverse" if expired else "bold",
                ),
                f" #{values.get('task_number', '?')} ",
                (literal(values.get("owner", "")), "bold"),
                f": {literal(values.get('task', ''))}",
                no_wrap=True,
                overflow="ellipsis",
            )
            if expired:
                head.append(f"  (+{literal(values.get('overdue', ''))})", style="bold")
            parts.append(head)
            for sentence in self.phrasebook.render(situation)[:1]:
                for line in literal_lines(sentence):
                    parts.append(Text(f"  “{line}”", style="italic"))
        listed = {situation.values.get("task_number") for situation in self.chase}
        soon = [
            task
            for task in state.open_tasks()
            if not task.is_overdue(now)
            and task.remaining(now) <= SOON
            and str(task.number) not in listed
        ]
        if soon:
            parts.append(Text("Next to run out", style="bold underline"))
            for task in soon:
                parts.append(
                    Text(
                        f"#{task.number} {literal(task.owner)} in {countdown(task.remaining(now))}:"
                        f" {literal(task.text)}",
                        no_wrap=True,
                        overflow="ellipsis",
                    )
                )
        if not parts:
            upcoming = state.open_tasks()
            if upcoming:
                task = upcoming[0]
                parts.append(
                    Text(
                        f"Nobody to chase. Next timebox ends in {countdown(task.remaining(now))}: "
                        f"#{task.number} {literal(task.owner)}.",
                        style="dim",
                    )
                )
            else:
                parts.append(Text("Nobody to chase: no open tasks.", style="dim"))
        self.update(Group(*parts))
