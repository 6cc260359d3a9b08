"""Which files hold an incident's log: the one place every streaming reader asks.

The review, the exports, the search and the console's log pane read the log in chunks straight
from its files. They all get the list here: every replica's file (`events/<origin>.jsonl`, and
the pre-replication `events.jsonl` while it is there), as `store.paths.event_files` finds them.
A reader that needs the events in fold order across files uses `store.merged.UnionLog`.
"""

from __future__ import annotations

from pathlib import Path

from ic_console.store.paths import event_files, has_events


def log_files(directory: Path) -> list[Path]:
    """The log files of the incident in `directory`, in a fixed order (see `event_files`)."""
    return event_files(directory)


def has_log(directory: Path) -> bool:
    """Whether `directory` holds a log file at all."""
    return has_events(directory)
