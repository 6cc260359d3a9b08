"""Which files hold an incident's log: the one place every streaming reader asks.

The review, the exports, the search and the console's log pane read the log in chunks straight
from its files. They all get the list here, so pointing them at more than one file (a log per
origin) is a change to this function alone.
"""

from __future__ import annotations

import os
from pathlib import Path

from ic_console.store.paths import EVENTS_FILE


def log_files(directory: Path) -> list[Path]:
    """The log files of the incident in `directory`, in the order their events are read."""
    return [directory / EVENTS_FILE]


def has_log(directory: Path) -> bool:
    """Whether `directory` holds a log file at all (a link counts: opening it says more)."""
    return any(os.path.lexists(path) for path in log_files(directory))
