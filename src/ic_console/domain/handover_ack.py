"""The handover's acknowledgement: "You're now the Incident Commander, okay?" answered yes.

Command changes hands with `CommandHandedOver`; the yes is its own fact, recorded when the
outgoing commander heard it (at once, or a little later). Whether the current commander has
acknowledged is derived from the two: the last acknowledgement by the current IC, at or after
the start of their stint.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ic_console.domain import events as ev
from ic_console.domain.model import Role

if TYPE_CHECKING:
    from ic_console.domain.state import IncidentState


def command_since(state: IncidentState) -> datetime | None:
    """When the current Incident Commander's stint began."""
    for stint in reversed(state.role_history):
        if stint.role is Role.IC and stint.end is None:
            return stint.start
    return None


def took_over_by_handover(state: IncidentState) -> bool:
    """Whether the current IC got command from someone else (not assigned to an empty seat)."""
    stints = [s for s in state.role_history if s.role is Role.IC]
    return len(stints) >= 2 and stints[-1].end is None


def acknowledged_at(state: IncidentState) -> datetime | None:
    """When the current Incident Commander acknowledged taking over, if they have."""
    since = command_since(state)
    if since is None or state.ic is None:
        return None
    for name, at in reversed(state.handover_acks):
        if name == state.ic and at >= since:
            return at
    return None


def awaiting_acknowledgement(state: IncidentState) -> bool:
    """Command was handed over and the new IC's "yes" is not recorded yet."""
    return took_over_by_handover(state) and acknowledged_at(state) is None


def _acknowledged(state: IncidentState, data: ev.HandoverAcknowledged, event: ev.Event) -> None:
    state.handover_acks.append((data.name, event.at))


HANDLERS: dict[type[Any], Callable[[IncidentState, Any, ev.Event], None]] = {
    ev.HandoverAcknowledged: _acknowledged,
}
