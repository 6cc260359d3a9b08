"""What only a real process shows (issue 18): no hang without a terminal, the demo's cleanup on
SIGHUP and SIGTERM, and shell completion loaded into a real bash."""

from __future__ import annotations

import os
import pty
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import IC, Run, ok, run_ic

NEEDS = "needs a terminal: run it in a terminal, or use `ic show`"


@pytest.mark.parametrize(
    "argv",
    [
        (),
        ("open",),
        ("open", "--read-only"),
        ("watch",),
        ("review",),
        ("demo",),
        ("new", "Second outage", "--open"),
    ],
    ids=lambda argv: " ".join(argv) or "ic",
)
def test_console_verbs_without_a_terminal_exit_at_once(
    ic: Run, env: dict[str, str], argv: tuple[str, ...]
) -> None:
    ok(ic("new", "Checkout down"))
    started = time.monotonic()
    done = run_ic(env, *argv, timeout=30)
    assert time.monotonic() - started < 30
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith("ic: ") and NEEDS in line
    if argv and argv[0] == "new":
        assert "Second outage" not in ok(ic("list")).out  # refused before declaring


def test_a_terminal_on_stdout_but_not_on_stdin_is_no_terminal(ic: Run, env: dict[str, str]) -> None:
    ok(ic("new", "Checkout down"))
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [str(IC), "open"],
            stdin=subprocess.DEVNULL,
            stdout=follower,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **env},
            timeout=30,
        )
    finally:
        os.close(follower)
        os.close(leader)
    assert done.returncode == 1 and NEEDS in done.stderr


def _demo_dirs(tmp: Path) -> list[Path]:
    return sorted(tmp.glob("ic-demo-*"))


@pytest.mark.slow  # a real console in a pseudo-terminal: seconds, more under load
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_the_demo_removes_its_folder_when_killed(
    env: dict[str, str], tmp_path: Path, sig: signal.Signals
) -> None:
    """The terminal closing (SIGHUP) or a kill (SIGTERM) must not leave the demo's data behind."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [str(IC), "demo"],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env={**os.environ, **env, "TMPDIR": str(scratch), "TERM": "xterm-256color"},
        start_new_session=True,
    )
    os.close(follower)
    try:
        deadline = time.monotonic() + 60
        ready = False
        while time.monotonic() < deadline and not ready:
            _drain(leader)
            dirs = _demo_dirs(scratch)
            ready = bool(dirs) and any((dirs[0] / "incidents").glob("*/events/*.jsonl"))
            time.sleep(0.2)
        assert ready, "the demo did not start"
        time.sleep(1.5)  # let the console come up over it
        assert process.poll() is None
        process.send_signal(sig)
        end = time.monotonic() + 30
        while process.poll() is None and time.monotonic() < end:
            _drain(leader)
            time.sleep(0.1)
        assert process.poll() is not None, "the demo did not stop"
        assert _demo_dirs(scratch) == []
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(leader)


def _drain(fd: int) -> None:
    """Read what the console drew, so it never blocks on a full terminal."""
    import select

    while select.select([fd], [], [], 0)[0]:
        try:
            if not os.read(fd, 65536):
                return
        except OSError:
            return


# -- shell completion --------------------------------------------------------------------------

BASH = shutil.which("bash")


def _complete(env: dict[str, str], line: str) -> list[str]:
    """What bash offers for `line` (ending where the cursor is), through the generated script."""
    script = f"""
set -e
eval "$(ic completion bash)"
complete -p ic
COMP_LINE={line!r}
COMP_POINT=${{#COMP_LINE}}
read -ra COMP_WORDS <<<"$COMP_LINE"
if [[ "$COMP_LINE" == *" " ]]; then COMP_WORDS+=(""); fi
COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1))
_python_argcomplete ic "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    done = subprocess.run(
        [BASH or "bash", "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"},
    )
    assert done.returncode == 0, done.stderr
    first, *offered = done.stdout.splitlines()
    assert first.startswith("complete ") and first.endswith(" ic")
    assert "-F _python_argcomplete" in first
    return [word.strip() for word in offered]


@pytest.mark.skipif(BASH is None, reason="bash is not installed")
def test_bash_completes_verbs_flags_and_the_incident(ic: Run, env: dict[str, str]) -> None:
    incident = ok(ic("new", "Checkout down", "--sev", "1")).out.strip()
    ok(ic("role", "deputy", "Priya"))
    ok(ic("task", "assign", "Sam", "check the replica", "--in", "5m"))
    ok(ic("task", "assign", "Kim", "look at the cache", "--in", "5m"))
    ok(ic("task", "done", "1"))
    ok(ic("decide", "propose", "roll back"))
    assert _complete(env, "ic sh") == ["show"]
    assert set(_complete(env, "ic re")) == {"release", "resolve", "reopen", "review"}
    assert set(_complete(env, "ic list --a")) == {"--all", "--as"}
    assert _complete(env, "ic show ") == [incident]
    assert _complete(env, "ic task done ") == ["2"]  # the open task only
    assert _complete(env, "ic decide accept ") == ["1"]
    assert _complete(env, "ic role deputy P") == ["Priya"]
    assert set(_complete(env, "ic task assign ")) == {"Alex", "Priya", "Sam", "Kim"}
    ok(ic("release", "Sam"))
    # The first word may also be the incident's id.
    assert set(_complete(env, "ic release ")) == {"Alex", "Priya", "Kim", incident}
    assert set(_complete(env, f"ic release {incident} ")) == {"Alex", "Priya", "Kim"}
    assert _complete(env, "ic phase di") == ["diagnose"]
    assert _complete(env, "ic completion ") == ["bash", "zsh", "fish"]
    # Sub-teams and exit criteria (issue 15): their words, team names, open criteria.
    assert set(_complete(env, "ic team ")) >= {"form", "add", "disband", "lead", incident}
    ok(ic("team", "form", "Bravo", "--lead", "Kim"))
    assert _complete(env, "ic team disband ") == ["Bravo"]
    assert set(_complete(env, "ic team add Bravo ")) == {"Alex", "Priya", "Kim"}
    ok(ic("exit", "add", "errors below 1%"))
    ok(ic("exit", "add", "carts recovered"))
    ok(ic("exit", "met", "1"))
    assert _complete(env, "ic exit met ") == ["2"]
    assert _complete(env, "ic exit unmet ") == ["1"]


@pytest.mark.skipif(BASH is None, reason="bash is not installed")
def test_bash_completes_configured_severity_names(
    ic: Run, env: dict[str, str], config: object
) -> None:
    Path(env["IC_CONSOLE_CONFIG"]).write_text(
        '[[severity]]\nlevel = 1\nname = "P1"\n', encoding="utf-8"
    )
    ok(ic("new", "Checkout down"))
    assert _complete(env, "ic sev P") == ["P1"]


@pytest.mark.parametrize(
    ("shell", "marker"),
    [("bash", "complete -o"), ("zsh", "#compdef ic"), ("fish", "complete --command ic")],
)
def test_completion_scripts_for_each_shell(env: dict[str, str], shell: str, marker: str) -> None:
    done = run_ic(env, "completion", shell)
    assert done.returncode == 0 and done.stderr == ""
    assert marker in done.stdout
    refused = run_ic(env, "completion", "tcsh")
    assert refused.returncode == 2 and "invalid choice" in refused.stderr


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_zsh_and_fish_get_the_same_dynamic_words(ic: Run, env: dict[str, str], shell: str) -> None:
    """The zsh and fish scripts call `ic` the way this does (argcomplete's protocol): the answer
    comes back on file descriptor 8, with descriptions for zsh."""
    ok(ic("new", "Checkout down"))
    ok(ic("task", "assign", "Sam", "check", "--in", "5m"))
    line = "ic task done "
    read, write = os.pipe()
    try:
        done = subprocess.run(
            [str(IC)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            pass_fds=(write,),
            env={
                **os.environ,
                **env,
                "_ARGCOMPLETE": "1",
                "_ARGCOMPLETE_SHELL": shell,
                "COMP_LINE": line,
                "COMP_POINT": str(len(line)),
                "_ARGCOMPLETE_STDOUT_FILENAME": f"/dev/fd/{write}",
            },
            timeout=60,
        )
        os.close(write)
        answer = os.read(read, 65536).decode()
    finally:
        os.close(read)
    assert done.returncode == 0, done.stderr
    assert answer.split(":")[0].strip() == "1", answer
