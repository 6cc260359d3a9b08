"""Who was on the call, for how long, and in which roles."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ic_console.domain import events as ev
from ic_console.domain.model import (
    ROTATE_AFTER,
    Role,
)
from ic_console.review.response_times import call_end


@dataclass(frozen=True, slots=True)
class PersonFigures:
    name: str
    roles: tuple[Role, ...]
    first_joined: datetime
    #: Total time on the call, over every stint, up to the end of the call.
    time_on_call: timedelta
    #: The longest single stint without being released (rotated out).
    longest_stretch: timedelta
    stints: int

    @property
    def past_rotation_point(self) -> bool:
        """Stayed on past the point where rotating them out is advised."""
        return self.longest_stretch >= ROTATE_AFTER


def people_figures(
    events: Sequence[ev.Event], *, end: datetime | None = None
) -> list[PersonFigures]:
    """Each person's time on the call and longest stretch, in order of joining."""
    end = end or call_end(events)
    stints: dict[str, list[tuple[datetime, datetime | None]]] = {}
    roles: dict[str, list[Role]] = {}
    for event in events:
        data = event.data
        if isinstance(data, ev.ParticipantJoined):
            stints.setdefault(data.name, []).append((event.at, None))
        elif isinstance(data, ev.ParticipantReleased):
            start, _ = stints[data.name][-1]
            stints[data.name][-1] = (start, event.at)
        elif isinstance(data, ev.RoleAssigned | ev.CommandHandedOver):
            role = data.role if isinstance(data, ev.RoleAssigned) else Role.IC
            held = roles.setdefault(data.name, [])
            if role not in held:
                held.append(role)
    figures: list[PersonFigures] = []
    for name, spans in stints.items():
        lengths = []
        for start, stop in spans:
            finish = stop or end or start
            if end is not None:
                finish = min(finish, end)
            lengths.append(max(timedelta(0), finish - start))
        figures.append(
            PersonFigures(
                name=name,
                roles=tuple(roles.get(name, ())),
                first_joined=spans[0][0],
                time_on_call=sum(lengths, timedelta(0)),
                longest_stretch=max(lengths),
                stints=len(spans),
            )
        )
    return figures
