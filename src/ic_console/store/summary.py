"""`incident.toml`: a human-readable summary, always rebuildable from the event log."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import time
import tomllib
from collections.abc import MutableSequence
from itertools import islice
from pathlib import Path
from typing import Any

import tomli_w

from ic_console.domain.events import SCHEMA_VERSION
from ic_console.domain.logbook import LogBook
from ic_console.domain.model import SINGLE_ROLES, LogKind
from ic_console.domain.state import IncidentState, LogEntry
from ic_console.store.errors import StoreError
from ic_console.store.paths import FILE_MODE, open_private

#: A summary temp file older than this was left by a rewrite that was killed: removed.
STALE_TEMP_SECONDS = 60.0
TEMP_PREFIX = ".incident."
TEMP_SUFFIX = ".tmp"

HEADER = (
    "# Summary of one incident, written by ic-console. The truth is events.jsonl beside this\n"
    "# file; this file is rebuilt from it whenever it is missing, damaged or out of date.\n\n"
)


class FollowupCount:
    """The follow-ups in a state's log, counted as the log grows.

    The summary is rewritten after every command; counting the follow-ups afresh scanned the
    whole scribe log each time (~9 ms of every keypress on a 100,000-event incident). The log
    only ever grows, so only the entries added since the last call are looked at; a new log
    (the state was reloaded) is counted from the start.
    """

    def __init__(self) -> None:
        self._log: MutableSequence[LogEntry] | None = None
        self._seen = 0
        self._count = 0

    def __call__(self, state: IncidentState) -> int:
        log = state.log
        if log is not self._log or self._seen > len(log):
            self._log, self._seen, self._count = log, 0, 0
            if isinstance(log, LogBook) and not log.loaded:
                # Started from a snapshot: its entries were counted when it was written.
                self._seen, self._count = log.covered, log.covered_followups
        if self._seen < len(log):
            followup = LogKind.FOLLOWUP
            if isinstance(log, LogBook):  # counted in its kind column, no entry built
                self._count += log.count_kind(followup, self._seen)
            else:
                self._count += sum(1 for e in islice(log, self._seen, None) if e.kind is followup)
            self._seen = len(log)
        return self._count


def summary_of(
    state: IncidentState, *, log_bytes: int | None = None, followups: int | None = None
) -> dict[str, Any]:
    """The summary as plain TOML-able data (no None values: TOML has no null).

    `log_bytes` is the size of the log the summary was made from: one `stat` then tells
    whether the summary is out of date. `followups` is the number of follow-up entries when the
    caller keeps count (`FollowupCount`); otherwise they are counted here.
    """

    def put(table: dict[str, Any], key: str, value: object) -> None:
        if value is not None:
            table[key] = value

    data: dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "last_seq": state.last_seq,
        "id": state.incident_id,
        "title": state.title,
        "severity": state.severity,
        "phase": state.phase.value,
        "status": state.status.value,
        "declared_by": state.declared_by,
    }
    put(data, "log_bytes", log_bytes)
    put(data, "declared_at", state.declared_at)
    put(data, "resolved_at", state.resolved_at)
    put(data, "closed_at", state.closed_at)
    put(data, "updated_at", state.updated_at)
    roles: dict[str, Any] = {}
    for role in SINGLE_ROLES:
        put(roles, role.value, state.holder(role))
    roles["sme"] = list(state.smes)
    data["roles"] = roles
    data["people"] = {
        "on_call": [p.name for p in state.on_call()],
        "released": [p.name for p in state.participants.values() if not p.on_call],
    }
    data["counts"] = {
        "open_tasks": len(state.open_tasks()),
        "tasks": len(state.tasks),
        "open_decisions": len(state.open_decisions()),
        "log_entries": len(state.log),
        "followups": FollowupCount()(state) if followups is None else followups,
        "updates": len(state.updates),
    }
    return data


def write_summary(
    path: Path, state: IncidentState, *, log_bytes: int | None = None, followups: int | None = None
) -> None:
    """Replace `path` atomically: a temp file in the same directory renamed over it.

    Not fsynced: the summary is derived from the log (which is), and a summary lost or left
    stale by a crash is rebuilt from the log when next opened. Two fsyncs per command were two
    thirds of what `ic log` waited on.
    """
    summary = summary_of(state, log_bytes=log_bytes, followups=followups)
    text = HEADER + tomli_w.dumps(summary)
    directory = path.parent
    remove_stale_temps(directory)
    fd, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=directory)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def remove_stale_temps(
    directory: Path,
    *,
    older_than: float = STALE_TEMP_SECONDS,
    prefix: str = TEMP_PREFIX,
    suffix: str = TEMP_SUFFIX,
) -> int:
    """Remove `.incident.*.tmp` files (or `prefix`*`suffix`) that a killed rewrite left behind;
    return how many.

    Only plain files old enough that no rewrite still running can own them; a link is removed
    as a link (its target is never touched).
    """
    removed = 0
    cutoff = time.time() - older_than
    try:
        names = os.listdir(directory)
    except OSError:
        return 0
    for name in names:
        if not (name.startswith(prefix) and name.endswith(suffix)):
            continue
        path = directory / name
        try:
            st = os.lstat(path)
            if stat.S_ISDIR(st.st_mode) or st.st_mtime > cutoff:
                continue
            os.unlink(path)
            removed += 1
        except OSError:
            continue
    return removed


def read_summary(path: Path) -> dict[str, Any] | None:
    """The summary, or None when it is missing or cannot be read (then rebuild it)."""
    try:
        with os.fdopen(open_private(path, os.O_RDONLY), "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, StoreError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    required = {"id": str, "title": str, "severity": int, "status": str, "last_seq": int}
    if not all(isinstance(data.get(key), kind) for key, kind in required.items()):
        return None
    return data
