"""Naming an incident the short ways: the number `ic list` shows, or any unique start of its id.

Numbers follow the order incidents were declared (the first is 1), across every status, so a
number keeps meaning the same incident whatever `ic list` is filtered to.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ic_console.store.catalog import IncidentInfo

_NUMBER = re.compile(r"^#?(\d{1,6})$")
_EARLIEST = datetime.min.replace(tzinfo=UTC)


class AmbiguousId(Exception):
    """A prefix matched more than one incident; the message lists them."""


def numbered(infos: list[IncidentInfo]) -> dict[str, int]:
    """Incident id -> its number: 1 for the first declared."""
    ordered = sorted(infos, key=lambda info: (info.declared_at or _EARLIEST, info.incident_id))
    return {info.incident_id: number for number, info in enumerate(ordered, start=1)}


def expand_id(root: Path, given: str | None) -> str | None:
    """The full id `given` stands for: itself when it names an incident, else the incident
    with that number, else the one incident whose id starts with it. Anything else is returned
    as it was, for the usual "no such incident" message."""
    if not given:
        return given
    from ic_console.domain.errors import DomainError
    from ic_console.domain.text import check_incident_id
    from ic_console.store.catalog import list_incidents
    from ic_console.store.paths import incidents_dir

    number = _NUMBER.match(given.strip())
    try:
        check_incident_id(given)
        exists = (incidents_dir(root) / given).exists()
    except (DomainError, OSError, ValueError):
        if number is None:
            return given  # not an id at all: the usual refusal names what is wrong with it
        exists = False
    if exists:
        return given
    from ic_console.domain.drill import DRILL_PREFIX

    # A start of a drill's id names that drill (drills have no number, and are never meant
    # when the id is left out, but `drill-2026` can mean nothing else).
    infos = list_incidents(root, drills=given.startswith(DRILL_PREFIX))
    if number:
        wanted = int(number.group(1))
        for incident_id, position in numbered(infos).items():
            if position == wanted:
                return incident_id
    matches = sorted(info.incident_id for info in infos if info.incident_id.startswith(given))
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        shown = ", ".join(matches[:10]) + (", ..." if len(matches) > 10 else "")
        raise AmbiguousId(
            f'"{given}" is the start of {len(matches)} incident ids: {shown}. '
            "Give more of the id, or the number `ic list` shows."
        )
    return given
