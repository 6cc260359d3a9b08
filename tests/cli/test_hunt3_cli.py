"""The `ic` verbs in the third hunt: what they say when given something odd."""

from __future__ import annotations

from .conftest import Run, ok, refused


def test_a_bad_exit_criterion_number_is_refused_in_plain_words(ic: Run) -> None:
    """It said '"1.5" is not a exit criterion number'."""
    ok(ic("new", "Checkout errors", "--id", "c"))
    refused(ic("exit", "c", "met", "1.5"), '"1.5" is not an exit criterion number')
    refused(ic("task", "c", "done", "x"), '"x" is not a task number')


def test_ic_run_keeps_up_with_a_huge_line_without_newlines() -> None:
    """`ic run -- sh -c "head -c 300000000 /dev/zero | tr '\\0' x"` took 10 minutes and 600 MB:
    the unfinished line was copied whole with every chunk the command printed, and the command
    waited on its full pipe meanwhile."""
    import time
    from collections import deque

    from ic_console.cli.run_command import RUN_LINE_CHARS, RUN_TAIL_LINES, _Tail

    tail = _Tail(deque(maxlen=RUN_TAIL_LINES + 1))
    chunk = "x" * 65_536
    started = time.monotonic()
    for _ in range(600):  # 39 MB on one line
        tail.take(chunk)
    assert time.monotonic() - started < 1.0
    assert tail.text() == "x" * (RUN_LINE_CHARS - 1) + "…"


def test_ic_run_keeps_a_progress_bars_last_state() -> None:
    from collections import deque

    from ic_console.cli.run_command import RUN_TAIL_LINES, _Tail

    tail = _Tail(deque(maxlen=RUN_TAIL_LINES + 1))
    for percent in range(0, 101, 10):
        tail.take(f"{percent}%\r")
    tail.take("\ndone\r")
    tail.take("\n")
    assert tail.text().splitlines()[-3:] == ["90%", "100%", "done"]
