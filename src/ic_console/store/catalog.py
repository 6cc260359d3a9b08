"""Finding the incidents under a data root: listing them, choosing the one a verb means, and
naming a new one. Reads only: nothing on disk is changed here.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ic_console.domain.drill import is_drill_id
from ic_console.domain.errors import DomainError
from ic_console.domain.model import Status
from ic_console.domain.text import check_incident_id, slugify
from ic_console.store.errors import StoreError
from ic_console.store.paths import (
    SUMMARY_FILE,
    check_incident_folder,
    event_files,
    has_events,
    incident_dir,
    incidents_dir,
    no_such_incident,
    open_private,
)
from ic_console.store.summary import read_summary, summary_of

if TYPE_CHECKING:
    from ic_console.domain.state import IncidentState


@dataclass(frozen=True)
class IncidentInfo:
    """What `ic list` shows about an incident, from its summary file."""

    incident_id: str
    title: str
    severity: int
    status: str
    phase: str
    declared_at: datetime | None
    ic: str | None
    directory: Path
    #: Why the incident cannot be used as it is (damaged, a link, a copy...); None when fine.
    problem: str | None = None

    @property
    def candidate(self) -> bool:
        """Whether a verb without an id might mean this one: active, or unknown (damaged)."""
        return self.status == Status.ACTIVE.value or (
            self.problem is not None and self.status not in (Status.CLOSED.value,)
        )


#: The status shown for an incident whose log cannot be read far enough to know it.
DAMAGED = "damaged"


def list_incidents(
    root: Path, *, on_problem: Callable[[str], None] | None = None, drills: bool = False
) -> list[IncidentInfo]:
    """Every incident under `root`, newest first. Reads only: nothing on disk is changed.
    Drills (ids starting with `drill-`) only with `drills`.

    A folder that cannot be used (a damaged log, a link, a copy under another name) is listed
    all the same, with `problem` saying why, so it never silently disappears.
    """
    base = incidents_dir(root)
    if not base.is_dir():
        return []
    found: list[IncidentInfo] = []
    for directory in sorted(base.iterdir()):
        if directory.name.startswith("."):
            continue  # a half-made incident (`ic new` builds under a dot name) or a hidden file
        if not drills and is_drill_id(directory.name):
            continue  # practice stays out of the real incidents unless asked for
        if not directory.is_symlink() and not has_events(directory):
            continue
        info = _info(root, directory, on_problem)
        if info is not None:
            found.append(info)
    found.sort(key=lambda info: info.declared_at or datetime.min.replace(tzinfo=UTC), reverse=True)
    return found


def _info(
    root: Path, directory: Path, on_problem: Callable[[str], None] | None
) -> IncidentInfo | None:
    name = directory.name

    def broken(reason: str, state: IncidentState | None = None) -> IncidentInfo:
        declared = state is not None and state.declared
        return IncidentInfo(
            incident_id=name,
            title=state.title if state is not None and declared else "",
            severity=state.severity if state is not None and declared else 0,
            status=state.status.value if state is not None and declared else DAMAGED,
            phase=state.phase.value if state is not None and declared else "",
            declared_at=state.declared_at if state is not None else None,
            ic=state.ic if state is not None else None,
            directory=directory,
            problem=reason,
        )

    try:
        check_incident_folder(directory)
        for path in event_files(directory):
            if not stat.S_ISREG(os.lstat(path).st_mode):
                open_private(path, os.O_RDONLY)  # raises with the reason
    except (StoreError, OSError) as error:
        return broken(str(error))
    summary = read_summary(directory / SUMMARY_FILE)
    if summary is None or _summary_is_stale(summary, directory) or summary.get("id") != name:
        # Imported here: with a fresh summary (the common case) `ic search` and `ic list`
        # never load the store and the fold.
        from ic_console.store.incident import IncidentStore

        try:
            store = IncidentStore.open(root, name, read_only=True)
        except (StoreError, DomainError, OSError) as error:
            return broken(str(error))
        for notice in store.notices:
            if on_problem and not notice.severe:
                on_problem(notice.message)
        if store.damaged is not None:
            damage = store.damaged
            return broken(f"{damage.path}, line {damage.line}: {damage.reason}", store.state)
        if store.blocked is not None:
            return broken(store.blocked, store.state)
        if not store.state.declared:
            return broken(f"{store.events_path} holds no events")
        summary = summary_of(store.state)
    declared = summary.get("declared_at")
    roles = summary.get("roles", {})
    return IncidentInfo(
        incident_id=str(summary["id"]),
        title=str(summary["title"]),
        severity=int(summary["severity"]),
        status=str(summary["status"]),
        phase=str(summary.get("phase", "")),
        declared_at=declared if isinstance(declared, datetime) else None,
        ic=roles.get("ic") if isinstance(roles, dict) else None,
        directory=directory,
    )


def _summary_is_stale(summary: dict[str, object], directory: Path) -> bool:
    """True when the logs have grown (or shrunk) since the summary was written (one stat per
    replica's file; `log_bytes` is their total)."""
    recorded = summary.get("log_bytes")
    if not isinstance(recorded, int):
        return False  # an older summary without the size: trust its last_seq
    try:
        return sum(os.lstat(path).st_size for path in event_files(directory)) != recorded
    except OSError:
        return True


def resolve_incident_id(root: Path, given: str | None) -> str:
    """The incident to act on: the one given, else the only candidate (active, or damaged:
    a damaged incident might be the active one, so leaving the id out then asks which)."""
    if given:
        check_incident_id(given)
        if not has_events(incident_dir(root, given)):
            raise no_such_incident(root, given)
        return given
    incidents = list_incidents(root)
    candidates = [info for info in incidents if info.candidate]
    if len(candidates) == 1:
        return candidates[0].incident_id  # if damaged, opening it says so (and refuses writes)
    if not candidates:
        resolved = [info for info in incidents if info.status == Status.RESOLVED.value]
        if resolved:
            # Follow-up after resolution (closing, finishing tasks) names the incident.
            names = ", ".join(info.incident_id for info in resolved[:5])
            raise StoreError(
                f"There is no active incident; resolved and still open for follow-up: {names}. "
                f"Name the one you mean, e.g. `ic close {resolved[0].incident_id}`."
            )
        raise StoreError(
            "There is no active incident: declare one with `ic new TITLE`, "
            "or name one (`ic list --all` shows them)."
        )
    if all(info.problem is None for info in candidates):
        names = ", ".join(f"{info.incident_id} ({info.title})" for info in candidates)
        raise StoreError(f"More than one incident is active; name one of: {names}.")
    names = "; ".join(_candidate_name(info) for info in candidates)
    raise StoreError(f"More than one incident could be meant; name one of: {names}.")


def _candidate_name(info: IncidentInfo) -> str:
    if info.problem is None:
        return f"{info.incident_id} ({info.title})"
    title = f"{info.title}, " if info.title else ""
    return f"{info.incident_id} ({title}damaged, in {info.directory}: {info.problem})"


def new_incident_id(root: Path, title: str, now: datetime) -> str:
    """A short, typable, unused id like `20261123-checkout-errors`."""
    base = f"{now:%Y%m%d}-{slugify(title)}"
    candidate = base
    number = 2
    while incident_dir(root, candidate).exists():
        candidate = f"{base}-{number}"
        number += 1
    return candidate
