"""Where incidents live on disk. Nothing here creates a directory at import time."""

from __future__ import annotations

import contextlib
import errno
import getpass
import os
import stat
from pathlib import Path

from ic_console.domain.errors import DomainError
from ic_console.domain.text import check_incident_id
from ic_console.store.errors import StoreError

HOME_ENV = "IC_CONSOLE_HOME"
USER_ENV = "IC_CONSOLE_USER"
DIR_MODE = 0o700
FILE_MODE = 0o600
#: The files of an incident folder (the state snapshot's name is in `store.snapshot`).
EVENTS_FILE = "events.jsonl"
#: The folder of per-replica logs: `events/<origin>.jsonl`, one per laptop that wrote to the
#: incident. `EVENTS_FILE` is the log of an incident written before replication; it becomes the
#: local origin's file (renamed, never rewritten) the first time the incident is written after.
EVENTS_DIR = "events"
EVENTS_SUFFIX = ".jsonl"
SUMMARY_FILE = "incident.toml"
LOCK_FILE = ".lock"


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


def no_such_incident(root: Path, incident_id: str) -> StoreError:
    """The error for an id that names no incident folder under `root`."""
    return StoreError(
        f"There is no incident {incident_id!r} in {incidents_dir(root)}. "
        "List them with `ic list --all`."
    )


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


def open_private(path: Path, flags: int, mode: int = FILE_MODE) -> int:
    """`os.open` for a file inside an incident folder: never through a symbolic link.

    An incident folder may come from another machine (a tar keeps links): a log that points
    at `~/.ssh/config` must not be read as the log, and above all never truncated or appended
    to. A link, or anything that is not a regular file, is refused with a message naming it.
    """
    try:
        fd = os.open(path, flags | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK, mode)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise StoreError(
                f"{path} is a symbolic link; ic-console never follows links inside "
                "an incident folder. Replace it with the file itself (or remove it)."
            ) from None
        raise
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise StoreError(
                f"{path} is not a regular file; an incident folder holds only "
                "plain files. Move it away and try again."
            )
        if flags & os.O_NONBLOCK == 0:
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def check_incident_folder(directory: Path) -> None:
    """Refuse an incident folder that is a link, not a folder, or someone else's."""
    try:
        st = os.lstat(directory)
    except FileNotFoundError:
        raise StoreError(f"{directory} does not exist.") from None
    shown = str(directory)
    if stat.S_ISLNK(st.st_mode):
        raise StoreError(
            f"{shown} is a symbolic link; ic-console never follows links in its data folder. "
            "Move the incident folder itself there instead."
        )
    if not stat.S_ISDIR(st.st_mode):
        raise StoreError(f"{shown} is not a folder, so it is not an incident.")
    if st.st_uid != os.getuid():
        raise StoreError(
            f"{shown} belongs to another user (uid {st.st_uid}); ic-console only opens incident "
            "folders you own. Copy it (cp -r) to make it yours."
        )


def fsync_directory(directory: Path) -> None:
    """Make a rename, a new file or a truncation in `directory` durable."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replica_file(directory: Path, origin: str) -> Path:
    """The log of replica `origin` in an incident folder."""
    return directory / EVENTS_DIR / f"{origin}{EVENTS_SUFFIX}"


def file_origin(path: Path) -> str | None:
    """The replica a log file belongs to, from its name; None for the pre-replication log."""
    if path.parent.name == EVENTS_DIR and path.name.endswith(EVENTS_SUFFIX):
        return path.name[: -len(EVENTS_SUFFIX)]
    return None


def event_files(directory: Path) -> list[Path]:
    """Every event log of an incident folder, in a fixed order: the pre-replication
    `events.jsonl` if it is still there, then `events/<origin>.jsonl` by origin.

    The incident is the union of these files (`store.merged`). Names that are not an origin
    (a temporary file of a transfer in progress, anything else) are not logs and are skipped.
    """
    files: list[Path] = []
    if os.path.lexists(directory / EVENTS_FILE):
        files.append(directory / EVENTS_FILE)
    if not check_events_folder(directory):
        return files
    try:
        names = os.listdir(directory / EVENTS_DIR)
    except FileNotFoundError:
        return files
    for name in sorted(names):
        stem = name[: -len(EVENTS_SUFFIX)]
        if name.endswith(EVENTS_SUFFIX) and len(stem) == 12 and _HEX.issuperset(stem):
            files.append(directory / EVENTS_DIR / name)
    return files


def check_events_folder(directory: Path) -> bool:
    """True when the incident folder has an `events/` folder, False when it has none; a link or
    anything but a folder there is refused (a link would send appends and peers' files
    elsewhere), as is one that belongs to someone else."""
    path = directory / EVENTS_DIR
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return False
    if stat.S_ISLNK(st.st_mode):
        raise StoreError(
            f"{path} is a symbolic link; ic-console never follows links inside an incident "
            "folder. Replace it with the folder itself (or remove it)."
        )
    if not stat.S_ISDIR(st.st_mode):
        raise StoreError(f"{path} is not a folder; move it away and try again.")
    if st.st_uid != os.getuid():
        raise StoreError(f"{path} belongs to another user (uid {st.st_uid}); copy it to use it.")
    return True


def has_events(directory: Path) -> bool:
    """True when an incident folder holds at least one event log (it is an incident)."""
    return bool(event_files(directory))


_HEX = frozenset("0123456789abcdef")


def primary_log_path(directory: Path, origin: str | None) -> Path:
    """The log a store of replica `origin` appends to and follows first: its own file when it
    has one, else the pre-replication `events.jsonl` (which becomes its own file at the next
    write), else the only file there is; a new incident's own file when there is none."""
    if origin is not None:
        own = replica_file(directory, origin)
        if os.path.lexists(own):
            return own
    if os.path.lexists(directory / EVENTS_FILE):
        return directory / EVENTS_FILE
    files = event_files(directory)
    if files:
        return files[0]
    return replica_file(directory, origin) if origin is not None else directory / EVENTS_FILE
