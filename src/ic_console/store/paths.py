"""Where incidents live on disk. Nothing here creates a directory at import time."""

from __future__ import annotations

import contextlib
import getpass
import os
from pathlib import Path

from ic_console.domain.errors import DomainError
from ic_console.domain.text import check_incident_id

HOME_ENV = "IC_CONSOLE_HOME"
USER_ENV = "IC_CONSOLE_USER"
DIR_MODE = 0o700
FILE_MODE = 0o600


def data_root(home: str | os.PathLike[str] | None = None) -> Path:
    """The data root: `--home`, else $IC_CONSOLE_HOME, else the platform's user data directory."""
    if home:
        return Path(home).expanduser()
    env = os.environ.get(HOME_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("ic-console", appauthor=False))


def incidents_dir(root: Path) -> Path:
    return root / "incidents"


def incident_dir(root: Path, incident_id: str) -> Path:
    return incidents_dir(root) / check_incident_id(incident_id)


def make_private_dir(path: Path) -> None:
    """Create `path` and any missing parents readable by this user only (0700).

    Directories that already existed are left as they are, except `path` itself, which is
    made private if it is not.
    """
    missing: list[Path] = []
    current = path
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for directory in reversed(missing):
        with contextlib.suppress(FileExistsError):  # made by another process meanwhile
            directory.mkdir(mode=DIR_MODE)
    if path.stat().st_mode & 0o077:
        path.chmod(DIR_MODE)


def check_not_world_writable(path: Path) -> None:
    """Refuse an incident directory that anybody could write into."""
    mode = path.stat().st_mode
    if mode & 0o002:
        raise DomainError(
            f"{path} is writable by every user on this machine, so its log cannot be trusted. "
            f"Make it private (chmod 700 '{path}') and try again."
        )


def os_user() -> str:
    """The name to record when none is given: $IC_CONSOLE_USER, else the OS user."""
    name = os.environ.get(USER_ENV)
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
