"""The log pane's numbers are the board's: tasks, decisions and exit criteria numbered in the
order the merged fold takes them, not as each laptop recorded them.

Two laptops that each create "task 2" at once end with one of them as task 3 (the fold numbers
tasks in its order, `domain.state.resolve_numbers`, and says so once). The log pane described
each event as recorded: "#2 Sam, 5m: ..." and, later, "#2 acknowledged" for what is now task 3,
beside the other laptop's own task 2, so the log told the call that task 2 was acknowledged
when it was not, and never that task 3 was.

`Numbering` follows the events the pane is handed, in fold order, as the fold numbers them: a
creation takes the next number of its kind, a later event finds its task by the event that
created it (`Event.ref`). It is self-contained, so the pane's first read (before the store it is
reading for exists) numbers as later reads do; a going-back to a mark takes it back too.
"""

from __future__ import annotations

from typing import Any

from ic_console.domain import events as ev
from ic_console.domain.exit_criteria import REFERRING as EXIT_EVENTS
from ic_console.domain.state import DECISION_EVENTS, TASK_EVENTS

#: Each creation, and which of the three numberings it starts.
_CREATES: dict[type[Any], int] = {
    ev.TaskAssigned: 0,
    ev.DecisionProposed: 1,
    ev.ExitCriterionAdded: 2,
}
#: Each event that names one by number, and which numbering it names it in.
_REFERS: dict[type[Any], int] = {
    **{kind: 0 for kind in TASK_EVENTS},
    **{kind: 1 for kind in DECISION_EVENTS},
    **{kind: 2 for kind in EXIT_EVENTS},
}

_NUMBERED = frozenset(_CREATES) | frozenset(_REFERS)


class Numbering:
    """The creating event's id -> its number, per kind (tasks, decisions, exit criteria)."""

    __slots__ = ("_refs",)

    def __init__(self, refs: tuple[dict[str, int], ...] | None = None) -> None:
        self._refs: tuple[dict[str, int], ...] = refs or ({}, {}, {})

    def copy(self) -> Numbering:
        return Numbering(tuple(dict(refs) for refs in self._refs))

    def before(self, created: set[str]) -> Numbering:
        """The numbering as it stood before the events with these ids were folded (the last
        events folded: the numbers only grow, in fold order)."""
        return Numbering(
            tuple({k: n for k, n in refs.items() if k not in created} for refs in self._refs)
        )

    def fold(self, events: list[ev.Event]) -> list[ev.Event]:
        """`events` (the next ones in fold order) with the numbers the fold gives them; the
        same list when none differs, as on one laptop."""
        changed: list[ev.Event] | None = None
        creates, refers, numbered = _CREATES, _REFERS, _NUMBERED
        for index, event in enumerate(events):
            data: Any = event.data
            kind = type(data)
            if kind not in numbered:
                continue  # most events (log lines): nothing to number
            which = creates.get(kind)
            if which is not None:
                refs = self._refs[which]
                number = len(refs) + 1  # 1, 2, 3... in fold order, never removed
                refs[event.id] = number
            else:
                which = refers.get(kind)
                if which is None or event.ref is None:
                    continue
                found = self._refs[which].get(event.ref)
                if found is None:
                    continue
                number = found
            if number == data.number:
                continue
            if changed is None:
                changed = list(events)
            changed[index] = event.model_copy(
                update={"data": data.model_copy(update={"number": number})}
            )
        return events if changed is None else changed
