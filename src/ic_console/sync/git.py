"""The `git` command line as the transport: prompts off, a timeout on every call.

Every call runs `git` in its own process group with `GIT_TERMINAL_PROMPT=0` and ssh in batch
mode, so a remote that wants a password fails at once instead of waiting for a person, and a
remote that hangs is killed (with the ssh it started) when the timeout runs out. Failures become
`SyncError`, one line that says what went wrong and what to do; never a traceback.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

#: Seconds any one git call may take before it is killed (a fetch or push of a normal round
#: takes well under a second on a local network; a big first push may take longer).
DEFAULT_TIMEOUT = 20.0


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
            out, err = process.communicate(input, timeout=limit)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            process.communicate()
            raise SyncError(
                f"{what or 'git ' + args[0]} got no answer from the remote within {limit:g} s "
                "(offline, or the remote hangs); nothing was lost, the next round tries again."
            ) from None
        except BaseException:
            _kill_group(process)
            process.communicate()
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


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.kill()


def last_line(stderr: bytes) -> str:
    """What went wrong, in one line: git's first message (often ssh's own reason) and, when
    it differs, git's fatal line."""
    lines = [line.strip() for line in stderr.decode("utf-8", errors="replace").splitlines()]
    lines = [line for line in lines if line and not line.startswith("hint:")]
    if not lines:
        return "no message"
    fatal = [line for line in lines if line.startswith(("fatal:", "error:"))]
    first = _bare(lines[0])
    if fatal and _bare(fatal[0]) != first:
        return f"{first} ({_bare(fatal[0])})"
    return first


def _bare(line: str) -> str:
    return line.removeprefix("fatal: ").removeprefix("error: ")
