"""Exit criteria: what must be true to call the incident resolved, written down early so the
response steers toward them, and ticked off as they become true.

The record, its fold, and the one rule resolving asks (`unmet_on_resolve`). The commands that
add and tick criteria are in `domain/scale.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ic_console.domain import events as ev
from ic_console.domain.errors import DomainError

if TYPE_CHECKING:
    from ic_console.domain.state import IncidentState


@dataclass(slots=True)
class ExitCriterion:
    number: int
    text: str
    added_at: datetime
    added_by: str
    met_at: datetime | None = None
    met_by: str | None = None
    #: When it was dropped (`ic exit drop`): kept for the review, no longer counted.
    dropped_at: datetime | None = None

    @property
    def met(self) -> bool:
        return self.met_at is not None


def criteria(state: IncidentState) -> list[ExitCriterion]:
    """The criteria in force (dropped ones are left out), in order."""
    return [
        state.exit_criteria[n]
        for n in sorted(state.exit_criteria)
        if state.exit_criteria[n].dropped_at is None
    ]


def dropped(state: IncidentState) -> list[ExitCriterion]:
    """The criteria dropped along the way, in order: the review shows them struck."""
    return [c for _, c in sorted(state.exit_criteria.items()) if c.dropped_at is not None]


def unmet(state: IncidentState) -> list[ExitCriterion]:
    return [criterion for criterion in criteria(state) if not criterion.met]


def met_count(state: IncidentState) -> tuple[int, int]:
    """(met, all): "exit 1/3 met"."""
    every = criteria(state)
    return sum(c.met for c in every), len(every)


def progress_label(state: IncidentState) -> str:
    """ "exit 1/3 met", or "" while there are none."""
    met, total = met_count(state)
    return f"exit {met}/{total} met" if total else ""


def unmet_on_resolve(state: IncidentState, override: bool) -> list[ev._Payload]:
    """What resolving records about the criteria still unmet: nothing when all are met (or
    there are none), the override when it was asked for, else a refusal that names them."""
    left = unmet(state)
    if not left:
        return []
    if not override:
        numbers = ", ".join(f"{c.number} ({c.text})" for c in left)
        raise DomainError(
            f"Exit criteria not met: {numbers}. Mark them met, or resolve anyway with the "
            "override (it is recorded)."
        )
    return [ev.ExitCriteriaOverridden(numbers=tuple(c.number for c in left))]


def find_criterion(state: IncidentState, number: int) -> ExitCriterion:
    criterion = state.exit_criteria.get(number)
    if criterion is None or criterion.dropped_at is not None:
        known = ", ".join(str(c.number) for c in criteria(state)) or "none yet"
        gone = " (it was dropped)" if criterion is not None else ""
        raise DomainError(f"There is no exit criterion {number}{gone}. Exit criteria: {known}.")
    return criterion


# -- numbers across laptops --------------------------------------------------------------------

#: Events that name a criterion by number (its creation excluded).
REFERRING: frozenset[type[Any]] = frozenset(
    {ev.ExitCriterionMet, ev.ExitCriterionUnmet, ev.ExitCriterionDropped}
)
#: Every event whose criterion number the fold resolves.
NUMBERED: frozenset[type[Any]] = REFERRING | {ev.ExitCriterionAdded}


def resolve_number(state: IncidentState, event: ev.Event) -> Any:
    """The payload with its criterion numbered as this fold numbers it, as tasks are: in fold
    order (two laptops adding criterion 2 at once: one becomes 3, said once as a merge
    notice), later events finding their criterion by the creating event's id (`Event.ref`)."""
    from ic_console.domain.state import MergeNotice

    data: Any = event.data
    if type(data) is ev.ExitCriterionAdded:
        number = len(state.exit_criteria) + 1  # never removed: 1, 2, 3... in fold order
        state.exit_refs[event.id] = number
        if number == data.number:
            return data
        state.merge_notices.append(
            MergeNotice(
                event.id,
                f"{event.actor}'s exit criterion '{data.text}' is now exit criterion {number}",
            )
        )
        return data.model_copy(update={"number": number})
    if event.ref is None:
        return data
    found = state.exit_refs.get(event.ref)
    if found is None or found == data.number:
        return data
    return data.model_copy(update={"number": found})


def merge_conflict(state: IncidentState, data: Any, event: ev.Event) -> str | None:
    """Why a merged 'met' / 'not met' / drop no longer applies (the other laptop said it first)."""
    criterion = state.exit_criteria.get(data.number)
    if type(data) is ev.ExitCriterionDropped:
        if criterion is None:
            return (
                f"{event.actor}'s drop of exit criterion {data.number} refers to no criterion; "
                "it changes nothing"
            )
        if criterion.dropped_at is None:
            return None
        return (
            f"{event.actor}'s drop of exit criterion {criterion.number} arrived after it was "
            "dropped; it changes nothing"
        )
    verb = "met" if type(data) is ev.ExitCriterionMet else "not met"
    if criterion is None:
        return (
            f"{event.actor}'s '{verb}' for exit criterion {data.number} refers to no "
            "criterion; it changes nothing"
        )
    if criterion.met == (type(data) is ev.ExitCriterionUnmet):
        return None
    after = f"{criterion.met_by}'s 'met'" if criterion.met else "it was marked not met"
    return (
        f"{event.actor}'s '{verb}' for exit criterion {criterion.number} arrived after "
        f"{after}; it changes nothing"
    )


# -- the fold ----------------------------------------------------------------------------------


def _added(state: IncidentState, data: ev.ExitCriterionAdded, event: ev.Event) -> None:
    state.exit_criteria[data.number] = ExitCriterion(data.number, data.text, event.at, event.actor)


def _met(state: IncidentState, data: ev.ExitCriterionMet, event: ev.Event) -> None:
    criterion = state.exit_criteria[data.number]
    criterion.met_at = event.at
    criterion.met_by = event.actor


def _unmet(state: IncidentState, data: ev.ExitCriterionUnmet, event: ev.Event) -> None:
    criterion = state.exit_criteria[data.number]
    criterion.met_at = None
    criterion.met_by = None


def _dropped(state: IncidentState, data: ev.ExitCriterionDropped, event: ev.Event) -> None:
    state.exit_criteria[data.number].dropped_at = event.at


def _overridden(state: IncidentState, data: ev.ExitCriteriaOverridden, event: ev.Event) -> None:
    state.exit_overridden = tuple(data.numbers)


HANDLERS: dict[type[Any], Callable[[IncidentState, Any, ev.Event], None]] = {
    ev.ExitCriterionAdded: _added,
    ev.ExitCriterionMet: _met,
    ev.ExitCriterionUnmet: _unmet,
    ev.ExitCriteriaOverridden: _overridden,
    ev.ExitCriterionDropped: _dropped,
}
