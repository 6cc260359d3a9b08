"""The incident directory on disk: event log, summary, locking, following and recovery."""

from __future__ import annotations

from ic_console.store.incident import (
    IncidentInfo,
    IncidentStore,
    Notice,
    StoreError,
    list_incidents,
    new_incident_id,
    resolve_incident_id,
)
from ic_console.store.paths import data_root

__all__ = [
    "IncidentInfo",
    "IncidentStore",
    "Notice",
    "StoreError",
    "data_root",
    "list_incidents",
    "new_incident_id",
    "resolve_incident_id",
]
