"""A hook's stderr is held bounded while it runs: a hook printing 50 MB to stderr was read
whole into the memory of whoever ran it (the console's hook thread, or the detached runner),
to keep 300 characters of it. Now the start and the end are kept, and the report says how
much stderr there was, so hooks.log still says why the hook failed."""

from __future__ import annotations

import sys
import tracemalloc

from ic_console.live.hooks import STDERR_KEPT, Job, run_job

#: 50 MB to stderr in 64 kB writes, then the one line that says what went wrong.
NOISY = (
    "import sys\n"
    "chunk = b'x' * 65536\n"
    "for _ in range(800): sys.stderr.buffer.write(chunk)\n"
    "sys.stderr.buffer.write(b'\\nfatal: the webhook answered 503\\n')\n"
    "sys.exit(4)\n"
)
PRINTED = 800 * 65536 + len("\nfatal: the webhook answered 503\n")


def test_a_hook_printing_50_mb_to_stderr_is_held_bounded() -> None:
    tracemalloc.start()
    try:
        said = run_job(Job((sys.executable, "-c", NOISY), "{}\n", "hook n"), 60)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2 * 1024 * 1024, f"peak {peak:,} bytes while the hook ran"
    assert said is not None
    assert said.startswith("hook n failed with exit status 4: xxx")
    assert "fatal: the webhook answered 503" in said  # the end, where the reason usually is
    assert f"{PRINTED:,} bytes" in said  # how much there was, so the cut is no surprise
    assert len(said) < STDERR_KEPT + 200


def test_a_long_stderr_under_the_bound_is_cut_saying_so() -> None:
    script = "printf 'first words %.0s' $(seq 1 100) >&2; echo 'last words' >&2; exit 2"
    said = run_job(Job(("/bin/sh", "-c", script), "", "hook l"), 10)
    assert said is not None
    assert said.startswith("hook l failed with exit status 2: first words")
    assert said.endswith("last words (1,211 bytes of stderr; its start and end are kept).")


def test_a_short_stderr_is_kept_whole() -> None:
    said = run_job(Job(("/bin/sh", "-c", "echo 'no route to host' >&2; exit 3"), "", "hook s"), 5)
    assert said == "hook s failed with exit status 3: no route to host"


def test_a_hook_that_succeeds_after_printing_much_is_quiet() -> None:
    script = "head -c 3000000 /dev/zero >&2; cat >/dev/null"
    assert run_job(Job(("/bin/sh", "-c", script), "x" * 200_000, "hook q"), 30) is None


def test_a_hook_printing_forever_is_still_stopped_at_its_timeout() -> None:
    said = run_job(Job(("/bin/sh", "-c", "yes noise >&2"), "", "hook f"), 0.5)
    assert said == "hook f was stopped after 0.5 s (hook_timeout)."


def test_a_hook_that_never_reads_its_stdin_still_fails_plainly() -> None:
    """A big event it does not read (its stdin closes early) is no failure of ours."""
    said = run_job(Job(("/bin/sh", "-c", "echo nope >&2; exit 1"), "y" * 1_000_000, "hook r"), 10)
    assert said == "hook r failed with exit status 1: nope"
