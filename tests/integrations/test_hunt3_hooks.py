"""A failing hook's stderr went into hooks.log as it was, escape sequences and all: reading the
log with `cat` or `tail` (as the README suggests) cleared the screen and wrote the reader's
clipboard (OSC 52) with whatever the hook printed. Terminal codes are taken out now."""

from __future__ import annotations

from ic_console.live.hooks import Job, run_job


def test_a_failing_hooks_stderr_is_kept_without_terminal_codes() -> None:
    script = r"printf 'chat \033[2J\033]52;c;aGk=\007down\033[31m!\001\n' >&2; exit 7"
    said = run_job(Job(("/bin/sh", "-c", script), "", "hook x"), 5)
    assert said == "hook x failed with exit status 7: chat down!"
