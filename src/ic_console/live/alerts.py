"""When to interrupt the person: expired timeboxes, due updates, the Deputy's ten-minute marks.

Pure policy: given the state, the time and what was already said, it returns the new alerts
once each. The face decides how to show them (a toast and the bell in the console).

Asked every second on an incident that may have thousands of open tasks, it looks only at what
is new: the expired timeboxes come from the situations' shared tracker (earliest deadline first,
without sorting every task), only the ones that expired since the last look are checked against
what was said, and only the sentences it will show are rendered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ic_console.content.phrasebook import Phrasebook
from ic_console.domain.model import Status
from ic_console.domain.records import Task
from ic_console.domain.situations import Situation, live_tracker
from ic_console.domain.state import IncidentState

#: Expired timeboxes raised one alert each when they come together; more share one alert.
AT_ONCE = 3
#: Tasks named in the alert that stands for many.
NAMED_AT_MOST = 5


def _more_expired(tasks: list[Task]) -> str:
    """One alert for many expired timeboxes, naming the first few (the board lists them all,
    earliest deadline first, and the header counts them)."""
    names = ", ".join(f"#{task.number} {task.owner}" for task in tasks[:NAMED_AT_MOST])
    others = len(tasks) - NAMED_AT_MOST
    if others > 0:
        names += f" and {others} more"
    return (
        f"{len(tasks)} more timeboxes are up: {names}. "
        "The task board lists them first; ask each owner for an update."
    )


@dataclass
class AlertPolicy:
    """Remembers what was already said, so each alert is raised once."""

    phrasebook: Phrasebook
    actor: str
    cadence: dict[int, timedelta | None] | None = None
    #: The Deputy's view: chase sentences and ten-minute call-outs.
    watch: bool = False
    _said: set[tuple[str, int, datetime]] = field(default_factory=set)
    #: The tracker's index the expired tasks were last taken from, and how many there were:
    #: those were all said then, so only the ones after them can be new.
    _generation: int = 0
    _looked: int = 0

    def fresh(self, state: IncidentState, now: datetime) -> list[str]:
        """The alerts not raised before, each a sentence with what to do (user text is raw).

        Only an active incident interrupts: once resolved, tasks kept open are follow-ups for
        after the call, and their timeboxes no longer ring the bell."""
        if state.status is not Status.ACTIVE:
            return []
        tracker = live_tracker(state, cadence=self.cadence, me=self.actor)
        overdue = tracker.overdue(state, now)
        start = self._looked if tracker.generation == self._generation else 0
        self._generation, self._looked = tracker.generation, len(overdue)
        fresh: list[str] = []
        expired = sorted(
            (task for task in overdue[start:] if self._first(("task", task.number, task.deadline))),
            key=lambda task: (task.deadline, task.number),
        )
        # Many at once (an incident opened after a break, a drill restarted): one alert each
        # for the first few, then one that names the rest, not a screenful of toasts.
        shown = expired if len(expired) <= AT_ONCE else expired[: AT_ONCE - 1]
        say, marks = (
            self._sentences(tracker.situations(state, now), {str(task.number) for task in shown})
            if self.watch
            else ({}, [])
        )
        for task in shown:
            sentence = say.get(str(task.number))
            if sentence:
                fresh.append(f"#{task.number} {task.owner}: the timebox is up. Say: “{sentence}”")
            else:
                fresh.append(
                    f"#{task.number} {task.owner}: the timebox is up. "
                    f"Ask {task.owner} for an update on {task.text}."
                )
        if len(shown) < len(expired):
            fresh.append(_more_expired(expired[len(shown) :]))
        for mark in marks:
            if self._first(("mark", int(mark or 0), state.declared_at or now)):
                fresh.append(f"Say: “{say[f'mark-{mark}']}”")
        due = state.next_update_due(self.cadence)
        if due is not None and now >= due and self._first(("update", 0, due)):
            fresh.append(
                "A stakeholder update is due: remind the Commander and the liaisons."
                if self.watch
                else "A stakeholder update is due: press u to post one."
            )
        return fresh

    def _first(self, key: tuple[str, int, datetime]) -> bool:
        if key in self._said:
            return False
        self._said.add(key)
        return True

    def _sentences(
        self, situations: list[Situation], numbers: set[str]
    ) -> tuple[dict[str, str], list[str]]:
        """The Deputy's chase sentence for each expired task numbered in `numbers` (the ones
        about to be announced), and the marks just passed."""
        say: dict[str, str] = {}
        marks: list[str] = []
        for situation in situations:
            if situation.id == "task-expired":
                if situation.values.get("task_number", "") not in numbers:
                    continue
            elif situation.id != "clock-mark":
                continue
            sentences = self.phrasebook.render(situation)[:1]
            if not sentences:
                continue
            if situation.id == "task-expired":
                say[situation.values.get("task_number", "")] = sentences[0]
            elif situation.id == "clock-mark":
                mark = situation.values.get("mark", "")
                marks.append(mark)
                say[f"mark-{mark}"] = sentences[0]
        return say, marks
