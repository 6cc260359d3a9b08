"""Who was on the call, for how long, and in which roles.

One person however their name was spelled: names compare by `name_key`, as commands match them
since names were normalized, so an older log holding "Sam" and "Ｓａｍ" (or a name pasted with a
zero-width space) counts one person, shown by the spelling the log used first. Their stints
under the spellings are one stretch while they overlap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ic_console.domain import events as ev
from ic_console.domain.model import (
    ROTATE_AFTER,
    Role,
)
from ic_console.domain.text import name_key
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
    #: By name key: the spelling first used, each stint (start, end), the spellings on the call.
    shown: dict[str, str] = {}
    stints: dict[str, list[tuple[datetime, datetime | None]]] = {}
    on_call: dict[str, set[str]] = {}
    roles: dict[str, list[Role]] = {}
    for event in events:
        data = event.data
        if isinstance(data, ev.ParticipantJoined):
            key = name_key(data.name)
            shown.setdefault(key, data.name)
            joined = on_call.setdefault(key, set())
            if not joined:  # not on the call under any spelling: a new stint
                stints.setdefault(key, []).append((event.at, None))
            joined.add(data.name)
        elif isinstance(data, ev.ParticipantReleased):
            key = name_key(data.name)
            here = on_call.get(key)
            if not here:
                continue  # not on the call: no stint to end
            if data.name in here:
                here.discard(data.name)
            else:  # released by a spelling they were not on the call under: the person went
                here.clear()
            if not here:  # off the call under every spelling: the stint ends
                start, _ = stints[key][-1]
                stints[key][-1] = (start, event.at)
        elif isinstance(data, ev.RoleAssigned | ev.CommandHandedOver):
            role = data.role if isinstance(data, ev.RoleAssigned) else Role.IC
            held = roles.setdefault(name_key(data.name), [])
            if role not in held:
                held.append(role)
    figures: list[PersonFigures] = []
    for key, spans in stints.items():
        lengths = []
        for start, stop in spans:
            finish = stop or end or start
            if end is not None:
                finish = min(finish, end)
            lengths.append(max(timedelta(0), finish - start))
        figures.append(
            PersonFigures(
                name=shown[key],
                roles=tuple(roles.get(key, ())),
                first_joined=spans[0][0],
                time_on_call=sum(lengths, timedelta(0)),
                longest_stretch=max(lengths),
                stints=len(spans),
            )
        )
    return figures
