"""The `git` command line as the transport: prompts off, a timeout on every call.

Every call runs `git` in its own process group with `GIT_TERMINAL_PROMPT=0` and ssh in batch
mode, so a remote that wants a password fails at once instead of waiting for a person, and a
remote that hangs is killed (with the ssh it started) when the timeout runs out. Failures become
`SyncError`, one line that says what went wrong and what to do; never a traceback.
"""

from __future__ import annotations

import contextlib
import os
import re
import select
import selectors
import signal
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

#: Seconds of silence after which a git call is killed: nothing printed, no progress (a fetch
#: or push of a normal round takes well under a second on a local network). A transfer that
#: keeps moving on a slow link reports progress and is never cut by it (`Git.run`).
DEFAULT_TIMEOUT = 20.0
#: Seconds any one git call may take in all, however it progresses: a remote that trickles a
#: byte now and then cannot hold a round for ever.
LONGEST_CALL = 15 * 60.0
#: Network commands that report their progress on stderr when asked (`--progress`): what
#: tells a slow transfer from a remote that hangs.
_PROGRESS_COMMANDS = frozenset({"fetch", "push"})
#: Git's progress lines and the refs it updated, which are not what went wrong.
_PROGRESS_LINE = re.compile(
    r"^(remote: )?(Enumerating|Counting|Compressing|Writing|Receiving|Resolving|Unpacking|"
    r"Total \d|Delta compression|Checking connectivity|Finding sources)"
    r"|^(To|From) \S+$|^[*+=-] |^[0-9a-f]+\.\.\.?[0-9a-f]+ "
)


class SyncError(Exception):
    """A round could not be completed; the message is one line for a person.

    `usage` is True when the person can fix it by what they typed or configured (exit 2), False
    when the remote or the network failed (exit 1).
    """

    def __init__(self, message: str, *, usage: bool = False, answered: bool = False) -> None:
        super().__init__(message)
        self.usage = usage
        #: git ran to its end and failed: the remote was reached and said no (not offline).
        self.answered = answered


@dataclass(frozen=True)
class GitResult:
    stdout: bytes
    stderr: bytes


def git_environment(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of every git call: no prompt may ever wait for a person."""
    env = dict(os.environ if base is None else base)
    env["GIT_TERMINAL_PROMPT"] = "0"
    env["GIT_ASKPASS"] = "true"  # an askpass helper that answers nothing: never a dialog
    env.pop("SSH_ASKPASS", None)
    own = env.get("GIT_SSH_COMMAND")
    env["GIT_SSH_COMMAND"] = f"{own} -o BatchMode=yes" if own else "ssh -o BatchMode=yes"
    env["LC_ALL"] = "C"  # messages we quote are in one language
    env.pop("GIT_DIR", None)
    env.pop("GIT_WORK_TREE", None)
    env.pop("GIT_INDEX_FILE", None)
    return env


class Git:
    """Runs git commands on one repository (a bare one: sync never needs a work tree)."""

    def __init__(self, git_dir: Path, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.git_dir = git_dir
        self.timeout = timeout
        self.env = git_environment()
        #: The call under way, so another thread can stop it (`cancel`).
        self._active: subprocess.Popen[bytes] | None = None
        self._cancelled = False

    def run(
        self,
        args: Sequence[str],
        *,
        input: bytes | None = None,  # noqa: A002 (subprocess's own name)
        timeout: float | None = None,
        env: dict[str, str] | None = None,
        check: bool = True,
        what: str = "",
    ) -> GitResult:
        """Run `git --git-dir=<repo> args`; raises SyncError on failure or timeout."""
        args = _with_progress(list(args))
        command = ["git", f"--git-dir={self.git_dir}", *args]
        limit = self.timeout if timeout is None else timeout
        try:
            process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env={**self.env, **(env or {})},
                start_new_session=True,  # its own group: a timeout kills ssh too
            )
        except FileNotFoundError:
            raise SyncError(
                "git is not installed (or not on PATH): sync needs the git command line; "
                "install git and try again.",
                usage=True,
            ) from None
        self._active = process
        try:
            if self._cancelled:
                _kill_group(process)
            out, err = _communicate(process, input, silence=limit, longest=max(limit, LONGEST_CALL))
        except _Silent as silent:
            _kill_group(process)
            _reap(process)
            said = (
                f"got no answer from the remote for {limit:g} s"
                if silent.quiet
                else f"took more than {max(limit, LONGEST_CALL) / 60:g} minutes"
            )
            raise SyncError(
                f"{what or 'git ' + args[0]} {said} (offline, or the remote hangs); nothing was "
                "lost, the next round tries again."
            ) from None
        except BaseException:
            _kill_group(process)
            _reap(process)
            raise
        finally:
            self._active = None
        if self._cancelled:
            raise SyncError("sync was stopped")
        if check and process.returncode != 0:
            raise SyncError(f"{what or 'git ' + args[0]} failed: {last_line(err)}", answered=True)
        return GitResult(out, err)

    def cancel(self) -> None:
        """Kill the call under way (from another thread); every later call fails at once."""
        self._cancelled = True
        process = self._active
        if process is not None:
            _kill_group(process)

    def text(self, args: Sequence[str], *, timeout: float | None = None, what: str = "") -> str:
        """A command's output as text."""
        result = self.run(args, timeout=timeout, what=what)
        return result.stdout.decode("utf-8", errors="replace")


def _with_progress(args: list[str]) -> list[str]:
    """`args` with `--progress` after a fetch or push (after `-c NAME=VALUE` options)."""
    index = 0
    while index < len(args) and args[index].startswith("-"):
        index += 2 if args[index] == "-c" else 1
    if index < len(args) and args[index] in _PROGRESS_COMMANDS:
        return [*args[: index + 1], "--progress", *args[index + 1 :]]
    return args


def _reap(process: subprocess.Popen[bytes]) -> None:
    """A killed call's pipes closed and its process waited for."""
    for stream in (process.stdin, process.stdout, process.stderr):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()
    process.wait()


class _Silent(Exception):
    """A git call ran out of time: `quiet` when it said nothing for too long."""

    def __init__(self, *, quiet: bool) -> None:
        super().__init__()
        self.quiet = quiet


def _communicate(
    process: subprocess.Popen[bytes], data: bytes | None, *, silence: float, longest: float
) -> tuple[bytes, bytes]:
    """`process.communicate(data)`, where the time limit is on silence: every byte git prints
    (its progress, on a transfer) starts the `silence` seconds again; `longest` caps the
    whole call. `_Silent` when either runs out."""
    out: list[bytes] = []
    err: list[bytes] = []
    sinks = {process.stdout: out, process.stderr: err}
    start = last = time.monotonic()
    view = memoryview(data or b"")
    sent = 0
    with selectors.DefaultSelector() as selector:
        if process.stdin is not None:
            if view:
                selector.register(process.stdin, selectors.EVENT_WRITE)
            else:
                process.stdin.close()
        for stream in sinks:
            if stream is not None:
                selector.register(stream, selectors.EVENT_READ)
        while selector.get_map():
            now = time.monotonic()
            wait = min(last + silence, start + longest) - now
            if wait <= 0:
                raise _Silent(quiet=now < start + longest)
            for key, _events in selector.select(wait):
                if key.fileobj is process.stdin:
                    try:
                        sent += os.write(key.fd, view[sent : sent + select.PIPE_BUF])
                    except BrokenPipeError:
                        sent = len(view)
                    if sent >= len(view):
                        selector.unregister(key.fileobj)
                        with contextlib.suppress(BrokenPipeError):
                            process.stdin.close()
                    continue
                chunk = os.read(key.fd, 1 << 16)
                if not chunk:
                    selector.unregister(key.fileobj)
                    key.fileobj.close()  # type: ignore[union-attr]
                    continue
                sinks[key.fileobj].append(chunk)  # type: ignore[index]
                last = time.monotonic()
    left = min(last + silence, start + longest) - time.monotonic()
    try:
        process.wait(max(left, 0.001))
    except subprocess.TimeoutExpired:
        raise _Silent(quiet=True) from None
    return b"".join(out), b"".join(err)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.kill()


def last_line(stderr: bytes) -> str:
    """What went wrong, in one line: git's first message (often ssh's own reason) and, when
    it differs, git's fatal line."""
    lines = [line.strip() for line in stderr.decode("utf-8", errors="replace").splitlines()]
    lines = [
        line
        for line in lines
        if line and not line.startswith("hint:") and not _PROGRESS_LINE.match(line)
    ]
    if not lines:
        return "no message"
    fatal = [line for line in lines if line.startswith(("fatal:", "error:"))]
    first = _bare(lines[0])
    if fatal and _bare(fatal[0]) != first:
        return f"{first} ({_bare(fatal[0])})"
    return first


def _bare(line: str) -> str:
    return line.removeprefix("fatal: ").removeprefix("error: ")
