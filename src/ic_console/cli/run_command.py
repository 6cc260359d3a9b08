"""`ic run`: run a command the user gave and log it as an action (command line, exit status,
duration, the end of its output), the output reaching the terminal as it comes.

Apart from the other verbs because it is the one that runs a process: it streams two pipes
through a selector and cleans what it keeps of them.
"""

from __future__ import annotations

import argparse
import os
import selectors
import shlex
import signal
import subprocess
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ic_console.cli import Context, OutputFailed, UsageError, _stdout_closed, verb
from ic_console.cli.common import after_recorded, arguments_text, cmd, open_store, warn
from ic_console.domain.durations import format_duration
from ic_console.domain.errors import DomainError
from ic_console.domain.terminal_codes import strip_terminal_codes
from ic_console.domain.text import literal

if TYPE_CHECKING:
    from ic_console.store.incident import IncidentStore

    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]

#: Lines of a command's output kept in its `action` entry.
RUN_TAIL_LINES = 20
#: Characters of output kept at most (the last ones), so one noisy command stays one entry.
RUN_TAIL_CHARS = 4000
#: Characters of each output line kept.
RUN_LINE_CHARS = 400
#: Raw characters of one line kept while it is printed: `clean_output` keeps `RUN_LINE_CHARS` of
#: it once escape sequences are out, so a line longer than this is cut the same either way.
RAW_LINE_KEPT = 16 * RUN_LINE_CHARS


def register(sub: SubParsers) -> None:
    """Add `run` to `ic`."""
    p = verb(
        sub,
        "run",
        _run,
        "run a command and log it as an action: command line, exit status, duration, "
        "the end of its output",
        usage="ic run [ID] -- COMMAND [ARGS...]",
        epilog=arguments_text("ic run [ID] -- COMMAND [ARGS...]")
        + "\n\nThe command's output reaches the terminal as usual; ic exits with its status.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("words", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)


@dataclass
class _Tail:
    """The last lines a command printed, kept as it prints them (stdout and stderr merged)."""

    lines: deque[str]
    partial: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: A carriage return at the end of a chunk, held until the next shows whether "\n" follows.
    pending: str = ""

    def take(self, text: str) -> None:
        """Keep the printed text's last lines, each bounded as it arrives: a line of 300 MB
        without a newline grew `partial` chunk by chunk, copied whole each time (10 minutes of
        CPU and 600 MB, the command itself held up on its full pipe). Carriage returns end a
        line here, so a progress bar's last state is kept."""
        with self.lock:
            text, self.pending = self.pending + text, ""
            if text.endswith("\r"):
                text, self.pending = text[:-1], "\r"
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            parts = (self.partial + text).split("\n")
            self.partial = parts.pop()[:RAW_LINE_KEPT]
            self.lines.extend(part[:RAW_LINE_KEPT] for part in parts)

    def text(self) -> str:
        kept = [*self.lines, self.partial] if self.partial else list(self.lines)
        return clean_output("\n".join(kept[-RUN_TAIL_LINES:]))


def clean_output(text: str) -> str:
    """Output as stored: escape sequences and control characters removed, lines and length
    bounded (the end kept)."""
    text = strip_terminal_codes(text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [
        line if len(line) <= RUN_LINE_CHARS else line[: RUN_LINE_CHARS - 1] + "…"
        for line in text.split("\n")
    ]
    text = "\n".join(lines).strip("\n")
    if len(text) > RUN_TAIL_CHARS:
        text = "…" + text[-(RUN_TAIL_CHARS - 1) :]
    return text


class _Sink(Protocol):
    def write(self, data: bytes, /) -> int: ...
    def flush(self) -> None: ...


@dataclass
class _Streamed:
    """How copying the command's output ended, for `_run` once the command has ended."""

    #: Our stdout failed (a full disk): said after the command is logged.
    failed: OutputFailed | None = None
    #: Our stdout's reader stopped reading (`ic run -- CMD | head`).
    reader_gone: bool = False


def _stream(process: subprocess.Popen[bytes], out: _Sink, err: _Sink, tail: _Tail) -> _Streamed:
    """Copy the command's stdout and stderr to ours as they come (one loop, so their lines
    keep the order they were read in), keeping the last lines. A first Ctrl-C reaches the
    command too and its last words are still kept; a second stops it. Our stdout failing (a
    full disk) is returned, once the command has ended, to be said after it is logged.

    When the reader of our stdout goes away (`ic run -- CMD | head`), the command's stdout
    pipe is closed: its next write ends it with SIGPIPE, as the same command piped straight
    into `head` would end. It was read on and thrown away, so `ic run -- yes | head` never
    ended. Its stderr is still copied to ours until it ends."""
    assert process.stdout is not None and process.stderr is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ, out)
    selector.register(process.stderr, selectors.EVENT_READ, err)
    interrupted = False
    streamed = _Streamed()
    while selector.get_map():
        try:
            ready = selector.select()
        except KeyboardInterrupt:
            if interrupted:
                process.kill()
                break
            interrupted = True
            continue
        for key, _ in ready:
            chunk = os.read(key.fd, 65536)
            if not chunk:
                selector.unregister(key.fileobj)
                continue
            sink: _Sink = key.data
            tail.take(chunk.decode("utf-8", "replace"))
            if streamed.failed is not None and sink is out:
                continue
            try:
                sink.write(chunk)
                sink.flush()
            except BrokenPipeError:
                if sink is out:
                    streamed.reader_gone = True
                    selector.unregister(key.fileobj)
                    process.stdout.close()  # the command learns it at its next write
            except OutputFailed as error:
                if sink is out:
                    streamed.failed = error  # said once the command is logged; written no more
            except (OSError, ValueError):
                pass  # the terminal went away: keep logging what the command says
    selector.close()
    return streamed


def _run(args: argparse.Namespace, ctx: Context) -> int:
    given, command = _split_run_words(list(args.words))
    store = open_store(ctx, given)  # a wrong id is said before anything runs
    line = shlex.join(command)
    tail = _Tail(deque(maxlen=RUN_TAIL_LINES + 1))
    started = time.monotonic()
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as error:
        status = 127 if isinstance(error, FileNotFoundError) else 126
        reason = error.strerror or str(error)
        text = f"Ran `{line}`: could not start ({reason}); exit status {status}."
        _log_run(ctx, store, text)
        warn(ctx, f"{shlex.quote(command[0])}: {reason}.")  # "": not ": Permission denied"
        return status
    streamed = _stream(process, _binary(ctx.out), _binary(ctx.err), tail)
    try:
        code = process.wait()
    except KeyboardInterrupt:
        process.kill()
        code = process.wait()
    took = format_duration_precise(time.monotonic() - started)
    status = code if code >= 0 else 128 - code
    how = f"exit status {status}" if code >= 0 else f"killed by signal {-code}"
    if streamed.reader_gone:
        # What was left of our stdout's buffer goes nowhere, quietly (no "Exception ignored"
        # at exit); `ic run` still exits with the command's status, as the command would in
        # the same pipeline (141 once SIGPIPE ended it).
        _stdout_closed()
        how += (
            " (SIGPIPE: the reader of its output stopped reading)"
            if code == -signal.SIGPIPE
            else ""
        )
    text = f"Ran `{line}`: {how} after {took}."
    if streamed.reader_gone and code != -signal.SIGPIPE:
        text += " The reader of its output stopped reading before it ended."
    output = tail.text()
    if output:
        text += f"\nLast lines of output:\n{output}"
    else:
        text += " No output."
    _log_run(ctx, store, text)
    if streamed.failed is not None:
        raise streamed.failed  # `main` says the output could not be written, exit 1
    return status


def _split_run_words(words_: list[str]) -> tuple[str | None, list[str]]:
    usage = "Usage: ic run [ID] -- COMMAND [ARGS...]"
    if "--" not in words_:
        raise UsageError(f"Put -- before the command, so its options stay its own. {usage}")
    split = words_.index("--")
    before, command = words_[:split], words_[split + 1 :]
    if not command:
        raise UsageError(f"Say which command to run after --. {usage}")
    if len(before) > 1 or any(word.startswith("-") for word in before):
        raise UsageError(f"Before -- give only the incident id (options go before it). {usage}")
    return (before[0] if before else None), command


def _binary(stream: Any) -> _Sink:
    """The byte stream under a text stream (the terminal), or one writing to it as text."""
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        stream.flush()
        return buffer  # type: ignore[no-any-return]
    return _TextSink(stream)


class _TextSink:
    """Bytes written to a text stream (tests pass a StringIO as the terminal)."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def write(self, data: bytes) -> int:
        self.stream.write(data.decode("utf-8", "replace"))
        return len(data)

    def flush(self) -> None:
        self.stream.flush()


def format_duration_precise(seconds: float) -> str:
    """ "0.4s" under a minute, else the usual "3m 20s"."""
    if seconds < 60:
        return f"{seconds:.1f}s"
    from datetime import timedelta

    return format_duration(timedelta(seconds=round(seconds)))


def _log_run(ctx: Context, store: IncidentStore, text: str) -> None:
    from ic_console.domain.model import LogKind

    try:
        events = store.execute(cmd.AddLogEntry(text=text, kind=LogKind.ACTION))
    except (DomainError, OSError) as error:
        warn(ctx, f"the command ran, but it could not be logged: {error}")
        return
    print(f"ic: logged the command as an action on {literal(store.incident_id)}.", file=ctx.err)
    after_recorded(ctx, store.incident_id, events)
