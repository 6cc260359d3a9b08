"""Hooks: the user's commands run after events are recorded, with each event's JSON on stdin.

`[hooks]` in config.toml maps an event type (or "*") to a command: a string is run by the shell,
a list is the program and its arguments. A hook runs only after its event is durable (the store
has fsynced it), in the background, one event at a time in log order, and is stopped after
`hook_timeout`. It can never block or undo a write: a hook that fails or times out is reported
once per hook in the console. The `ic` verbs' hooks report to `hooks.log` in the data folder, each
line naming its incident (`STAMP [ID] what failed`), and an open console reads what is appended
there and reports the failures of its own incident too (`HooksLog`).

The console keeps a `HookRunner` (a worker thread); an `ic` verb hands its events to a
detached process (`python -m ic_console.live.hooks`) so it returns at once. With `[status] dir`
set, the stakeholders' status page is rewritten the same way after each external update
(`ic status ID -o DIR`), so the console and every verb keep it current.

Textual-free: the console asks `take_failures` when it polls.

One module, though long: the settings, the console's runner, the hooks.log reader and the
detached runner's entry point share one job format and one log format.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import select
import selectors
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ic_console.domain import events as ev
from ic_console.domain.drill import is_drill_id
from ic_console.domain.events import EVENT_ADAPTER, Event
from ic_console.domain.model import Audience
from ic_console.domain.terminal_codes import strip_terminal_codes
from ic_console.store.eventlog import EventLog
from ic_console.store.reader import IncidentReader

#: Where the detached runner writes what went wrong, inside the data root.
HOOKS_LOG = "hooks.log"
#: Events after which the status page is rewritten (an update only when it is external).
STATUS_EVENTS = (
    ev.IncidentDeclared,
    ev.PhaseChanged,
    ev.IncidentResolved,
    ev.IncidentClosed,
)
#: How much of a failing hook's stderr is kept in the report.
STDERR_KEPT = 300
#: How much of a hook's stderr is held while it runs: its first and its last bytes. Whatever
#: it prints, the memory stays bounded (a hook printing 50 MB was held whole, ~200 MB).
STDERR_HEAD = 4 * 1024
STDERR_TAIL = 16 * 1024
#: How much of hooks.log a console reads per poll (the rest waits for the next poll).
LOG_READ_MAX = 64 * 1024


def event_json(incident_id: str, event: Event) -> dict[str, Any]:
    """The stable shape of an event for bots (`ic tail --json`, a hook's stdin): the stored
    event (v, seq, id, at, actor, role, data with its type) and the incident's id."""
    return {"incident": incident_id, **EVENT_ADAPTER.dump_python(event, mode="json")}


def event_line(incident_id: str, event: Event) -> str:
    """`event_json` as one line of JSON."""
    return json.dumps(event_json(incident_id, event), ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class Hook:
    """One configured command and the event type it follows ("*" for every one)."""

    on: str
    command: str | tuple[str, ...]

    @property
    def argv(self) -> list[str]:
        if isinstance(self.command, str):
            return ["/bin/sh", "-c", self.command]
        return list(self.command)

    @property
    def label(self) -> str:
        shown = self.command if isinstance(self.command, str) else " ".join(self.command)
        return f"hook for {self.on} ({shown[:60]})"

    def follows(self, event_type: str) -> bool:
        return self.on in ("*", event_type)


@dataclass(frozen=True)
class Job:
    """One run of one command: what it is, what it reads, what to call it in a report."""

    argv: tuple[str, ...]
    stdin: str
    label: str
    env: tuple[tuple[str, str], ...] = ()
    #: The incident whose events it follows ("" when unknown), named in hooks.log.
    incident: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "argv": list(self.argv),
            "stdin": self.stdin,
            "label": self.label,
            "env": self.env,
            "incident": self.incident,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Job:
        return cls(
            argv=tuple(data["argv"]),
            stdin=str(data["stdin"]),
            label=str(data["label"]),
            env=tuple((str(k), str(v)) for k, v in data.get("env", ())),
            incident=str(data.get("incident", "")),
        )


@dataclass(frozen=True)
class HookSettings:
    """The hooks of config.toml, their timeout and where the status page goes."""

    home: Path
    hooks: tuple[Hook, ...] = ()
    timeout: float = 30.0
    status_dir: Path | None = None

    @classmethod
    def configured(cls, home: Path) -> HookSettings:
        """From config.toml; a broken config gives no hooks (`ic config check` says why)."""
        from ic_console.content.config import load_config

        config, problems = load_config()
        if problems:
            return cls(home)
        hooks = tuple(
            Hook(on, command if isinstance(command, str) else tuple(command))
            for on, command in config.hooks.items()
        )
        status_dir: Path | None = None
        if config.status.dir is not None:
            try:
                status_dir = config.status.dir.expanduser()
            except RuntimeError:  # "~someone" who does not exist: no page, as if unset
                status_dir = None
        return cls(home, hooks, config.hook_timeout.total_seconds(), status_dir)

    @property
    def active(self) -> bool:
        return bool(self.hooks) or self.status_dir is not None

    def jobs(self, incident_id: str, events: Sequence[Event]) -> list[Job]:
        """What to run for `events`, in log order: each event's hooks, then the status page
        once if any of them changed what stakeholders see. Nothing for a drill: hooks post to
        the team's real channels and pages (README's chat example), and practice must never
        reach them."""
        if is_drill_id(incident_id):
            return []
        jobs: list[Job] = []
        for event in events:
            matching = [hook for hook in self.hooks if hook.follows(event.type)]
            if not matching:
                continue
            line = event_line(incident_id, event) + "\n"
            env = (("IC_INCIDENT", incident_id), ("IC_EVENT_TYPE", event.type))
            jobs += [Job(tuple(hook.argv), line, hook.label, env, incident_id) for hook in matching]
        if self.status_dir is not None and changes_status_page(events):
            argv = (
                sys.executable,
                "-m",
                "ic_console",
                "--home",
                str(self.home),
                "status",
                incident_id,
                "-o",
                str(self.status_dir),
                "--quiet",
            )
            jobs.append(Job(argv, "", f"status page in {self.status_dir}", (), incident_id))
        return jobs


def changes_status_page(events: Iterable[Event]) -> bool:
    """Whether stakeholders' page must be rewritten: an external update, or the incident's
    declaration, phase, resolution or closing."""
    for event in events:
        data = event.data
        if isinstance(data, STATUS_EVENTS):
            return True
        if isinstance(data, ev.UpdatePosted) and data.audience is Audience.EXTERNAL:
            return True
    return False


def run_job(job: Job, timeout: float) -> str | None:
    """Run one job to its end or its timeout; None when it succeeded, else what went wrong."""
    env = {**os.environ, **dict(job.env)}
    try:
        process = subprocess.Popen(
            job.argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=True,
        )
    except OSError as error:
        return f"{job.label} could not start: {error.strerror or error}."
    try:
        err = _communicate(process, job.stdin.encode("utf-8"), time.monotonic() + timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(OSError):
            os.killpg(process.pid, signal.SIGKILL)
        _close_pipes(process)
        process.wait()
        return f"{job.label} was stopped after {timeout:g} s (hook_timeout)."
    if process.returncode != 0:
        said = err.said()
        return f"{job.label} failed with exit status {process.returncode}" + (
            f": {said}" if said else "."
        )
    return None


class _Stderr:
    """A hook's stderr as it arrives: the first `STDERR_HEAD` bytes, the last `STDERR_TAIL`,
    and how many there were in all."""

    def __init__(self) -> None:
        self.head = bytearray()
        self.tail = bytearray()
        self.total = 0

    def take(self, chunk: bytes) -> None:
        self.total += len(chunk)
        room = STDERR_HEAD - len(self.head)
        if room > 0:
            self.head += chunk[:room]
            chunk = chunk[room:]
        self.tail += chunk
        if len(self.tail) > STDERR_TAIL:
            del self.tail[: len(self.tail) - STDERR_TAIL]

    def said(self) -> str:
        """One line for the report: all of it when it is short; else its start and its end
        (where a failing program usually says why) and how long it was."""
        left_out = self.total - len(self.head) - len(self.tail)
        if left_out == 0:
            whole = _one_line(bytes(self.head + self.tail))
            if len(whole) <= STDERR_KEPT:
                return whole
            start, end = whole, whole
        else:
            start, end = _one_line(bytes(self.head)), _one_line(bytes(self.tail))
        first = STDERR_KEPT // 3
        return (
            f"{start[:first].rstrip()} … {end[-(STDERR_KEPT - first) :].lstrip()} "
            f"({self.total:,} bytes of stderr; its start and end are kept)."
        )


def _one_line(data: bytes) -> str:
    """Escape sequences out: hooks.log is read with `cat` and `tail`, and a hook's stderr once
    cleared the reader's screen and wrote their clipboard (OSC 52) from it."""
    return " ".join(strip_terminal_codes(data.decode("utf-8", "replace")).split())


def _communicate(process: subprocess.Popen[bytes], data: bytes, deadline: float) -> _Stderr:
    """`Popen.communicate` with stderr held bounded (`_Stderr`): `data` to the hook's stdin
    and its stderr read, until both pipes close and it exits; TimeoutExpired past `deadline`.
    (`communicate` keeps all of stderr, whatever its size, until the hook ends.)"""
    assert process.stdin is not None and process.stderr is not None
    err = _Stderr()
    view = memoryview(data)
    written = 0
    with selectors.DefaultSelector() as selector:
        if data:
            selector.register(process.stdin, selectors.EVENT_WRITE)
        else:
            process.stdin.close()
        selector.register(process.stderr, selectors.EVENT_READ)
        while selector.get_map():
            left = deadline - time.monotonic()
            if left <= 0:
                raise subprocess.TimeoutExpired(process.args, 0)
            for key, _events in selector.select(left):
                if key.fileobj is process.stdin:
                    try:
                        # At most PIPE_BUF: a pipe that is ready takes that much at once.
                        written += os.write(key.fd, view[written : written + select.PIPE_BUF])
                    except BrokenPipeError:  # the hook does not read its event: its business
                        written = len(data)
                    if written >= len(data):
                        selector.unregister(key.fileobj)
                        process.stdin.close()
                else:
                    chunk = os.read(key.fd, 65536)
                    if chunk:
                        err.take(chunk)
                    else:
                        selector.unregister(key.fileobj)
                        process.stderr.close()
    left = deadline - time.monotonic()
    if left <= 0:
        raise subprocess.TimeoutExpired(process.args, 0)
    process.wait(timeout=left)
    return err


def _close_pipes(process: subprocess.Popen[bytes]) -> None:
    for pipe in (process.stdin, process.stderr):
        if pipe is not None:
            with contextlib.suppress(OSError):
                pipe.close()


class HooksLog:
    """What the detached runners append to hooks.log while a console is open, line by line.

    It starts at the end of the file (what was there before the console opened is old news),
    costs one stat per read when nothing was added, reads at most `LOG_READ_MAX` at a time,
    keeps a line cut in half for the next read, and starts again from the top when the file
    was truncated or replaced. With `incident` set, a line naming another incident is skipped
    (one data folder, several consoles); a line naming none (a runner that could not start,
    or an older version) is kept. Never raises: a log it cannot read has nothing new.
    """

    def __init__(self, path: Path, incident: str = "") -> None:
        self.path = path
        self.incident = incident
        self._where = self._identity()
        self._offset = self._where[1] if self._where else 0
        self._partial = b""

    def _identity(self) -> tuple[int, int] | None:
        """(inode, size) of the log, None when there is none (or it cannot be read)."""
        try:
            found = os.stat(self.path)
        except OSError:
            return None
        return found.st_ino, found.st_size

    def new_lines(self) -> list[str]:
        """The failures appended since the last call, without their time stamps."""
        where = self._identity()
        if where is None:
            self._where, self._offset, self._partial = None, 0, b""
            return []
        if self._where is None or where[0] != self._where[0] or where[1] < self._offset:
            self._offset, self._partial = 0, b""  # a new file, or the old one cut short
        self._where = where
        if where[1] == self._offset:
            return []
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_NOFOLLOW)
            try:
                chunk = os.pread(fd, LOG_READ_MAX, self._offset)
            finally:
                os.close(fd)
        except OSError:
            return []
        self._offset += len(chunk)
        data = self._partial + chunk
        *whole, self._partial = data.split(b"\n")
        if len(self._partial) > LOG_READ_MAX:
            self._partial = b""  # a "line" this long is not one of ours
        lines: list[str] = []
        for raw in whole:
            line = raw.decode("utf-8", "replace").strip()
            stamp, _, rest = line.partition(" ")
            text = rest if stamp.endswith("Z") and rest else line
            named, text = _incident_of(text)
            if text and (not self.incident or not named or named == self.incident):
                lines.append(text)
        return lines


def _incident_of(text: str) -> tuple[str, str]:
    """("ID", rest) of a hooks.log line's text that starts with "[ID] "; ("", text) otherwise."""
    if text.startswith("["):
        named, closed, rest = text[1:].partition("] ")
        if closed and named and " " not in named:
            return named, rest
    return "", text


@dataclass
class HookRunner:
    """The console's hooks: one worker thread runs jobs in order; failures wait to be taken,
    the ones the `ic` verbs' runners wrote to hooks.log since the console opened with them."""

    settings: HookSettings
    #: The console's incident: hooks.log lines about other incidents are not its news.
    incident_id: str = ""
    _queue: queue.Queue[list[Job] | None] = field(default_factory=queue.Queue)
    _failures: list[str] = field(default_factory=list)
    _reported: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _thread: threading.Thread | None = None
    _log: HooksLog | None = None

    def __post_init__(self) -> None:
        if self._log is None:
            self._log = HooksLog(self.settings.home / HOOKS_LOG, self.incident_id)

    def fire(self, incident_id: str, events: Sequence[Event]) -> None:
        """Queue the jobs for `events` (already durable); returns at once."""
        if not self.settings.active or not events:
            return
        jobs = self.settings.jobs(incident_id, events)
        if not jobs:
            return
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="ic-hooks", daemon=True)
            self._thread.start()
        self._queue.put(jobs)

    def _work(self) -> None:
        while True:
            jobs = self._queue.get()
            if jobs is None:
                return
            for job in jobs:
                try:
                    failure = run_job(job, self.settings.timeout)
                except Exception as error:  # a hook must never take the console down
                    failure = f"{job.label} could not run: {error}."
                if failure is not None:
                    with self._lock:
                        if job.label not in self._reported:
                            self._reported.add(job.label)
                            self._failures.append(failure)

    def take_failures(self) -> list[str]:
        """Failures not yet reported; each hook's first failure only, whether this console
        ran it or an `ic` verb did (read from hooks.log)."""
        logged = self._log.new_lines() if self._log is not None else []
        with self._lock:
            taken, self._failures = self._failures, []
            for line in logged:
                label = self._label_of(line)
                if label not in self._reported:
                    self._reported.add(label)
                    taken.append(f"{line} (from an `ic` command; see {self._log_path})")
        return taken

    @property
    def _log_path(self) -> Path:
        return self.settings.home / HOOKS_LOG

    def _label_of(self, failure: str) -> str:
        """The configured hook a logged failure is about (its label starts the line), so a
        hook failing on every event is reported once; the whole line for anything else."""
        labels = [hook.label for hook in self.settings.hooks]
        if self.settings.status_dir is not None:
            labels.append(f"status page in {self.settings.status_dir}")
        return next((label for label in labels if failure.startswith(label + " ")), failure)

    def close(self) -> None:
        """The console is closing: jobs still waiting go to a detached runner, so no event
        recorded here misses its hooks."""
        pending: list[Job] = []
        while True:
            try:
                jobs = self._queue.get_nowait()
            except queue.Empty:
                break
            if jobs:
                pending += jobs
        if self._thread is not None:
            self._queue.put(None)
        if pending:
            spawn_detached(self.settings, pending, "console")


def declared_events(store: IncidentReader) -> list[Event]:
    """The events of an incident just declared (its first line or two), for its hooks: the
    store's `create` records them without handing them back."""
    return EventLog(store.events_path).read_new().events


def fire_detached(home: Path, incident_id: str, events: Sequence[Event]) -> None:
    """For the `ic` verbs: run the configured hooks for `events` in a detached process."""
    if not events:
        return
    settings = HookSettings.configured(home)
    if not settings.active:
        return
    jobs = settings.jobs(incident_id, events)
    if jobs:
        spawn_detached(settings, jobs, incident_id)


def spawn_detached(settings: HookSettings, jobs: list[Job], queue_name: str) -> None:
    """Start `python -m ic_console.live.hooks` in its own session with the jobs on stdin.

    Runners of one incident take turns (a lock file per incident in the data root), so one
    verb's hooks finish before the next verb's start, in the order the verbs ran."""
    request = json.dumps(
        {
            "timeout": settings.timeout,
            "log": str(settings.home / HOOKS_LOG),
            "lock": str(settings.home / f".hooks-{queue_name}.lock"),
            "jobs": [job.as_json() for job in jobs],
        }
    ).encode("utf-8")
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "ic_console.live.hooks"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
        )
        assert process.stdin is not None
        with contextlib.suppress(BrokenPipeError):
            process.stdin.write(request)
            process.stdin.close()
    except OSError as error:
        named = f"[{jobs[0].incident}] " if jobs and jobs[0].incident else ""
        _append_log(settings.home / HOOKS_LOG, [f"{named}hooks could not start: {error.strerror}."])


def _append_log(path: Path, lines: list[str]) -> None:
    """Append failures to the private hooks.log (best effort: a hook never breaks a write)."""
    if not lines:
        return
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    text = "".join(f"{stamp} {line}\n" for line in lines)
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        try:
            os.write(fd, text.encode("utf-8"))
        finally:
            os.close(fd)


def main() -> int:
    """The detached runner: jobs from stdin, run in order, failures to the log."""
    import fcntl

    request = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    timeout = float(request["timeout"])
    failures: list[str] = []
    lock = -1
    with contextlib.suppress(OSError):
        lock = os.open(request["lock"], os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        for data in request["jobs"]:
            job = Job.from_json(data)
            failure = run_job(job, timeout)
            if failure is not None:
                failures.append(f"[{job.incident}] {failure}" if job.incident else failure)
    finally:
        if lock >= 0:
            os.close(lock)
    _append_log(Path(request["log"]), failures)
    return 0


if __name__ == "__main__":  # pragma: no cover - run as a detached process
    raise SystemExit(main())
