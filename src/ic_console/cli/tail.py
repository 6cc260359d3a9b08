"""`ic tail`: an incident's events printed as they are recorded, in words or as JSON lines with
a cursor to resume from, for bots and chat bridges.

Reads the log alone (never writes), through the union of every laptop's files.

`-f` stops once the incident is closed, the one status after which nothing can be recorded. A
resolved incident is still followed: follow-ups, the postmortem's owner and a reopen are logged
after the resolve. An incident shared with other laptops (a sync remote is configured, or it
holds another laptop's log) is followed a while past the close: a laptop that was offline sends
what it recorded before the close a round or two later, sorted before it. `-f` stops once no
laptop's log has grown for `--settle` and gives the cursor to resume from.
"""

from __future__ import annotations

import argparse
import errno
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING

from ic_console.cli import EXIT_OK, Context, UsageError, verb
from ic_console.cli.common import INCIDENT_HELP, ev, open_store, say, warn
from ic_console.domain.model import Status

if TYPE_CHECKING:
    from ic_console.domain.merge import TailCursor

    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]


def register(sub: SubParsers) -> None:
    """Add `tail` to `ic`."""
    p = verb(sub, "tail", _tail, "print an incident's events as they are recorded (for bots)")
    p.add_argument("incident_id", nargs="?", metavar="ID", help=INCIDENT_HELP)
    p.add_argument(
        "-f",
        "--follow",
        action="store_true",
        help="keep printing new events until interrupted, or until the incident is closed",
    )
    p.add_argument("--json", action="store_true", help="one JSON object per line: the stored event")
    p.add_argument(
        "--settle",
        metavar="TIME",
        default=None,
        help="with -f on an incident shared with other laptops: once it is closed, keep "
        "following until no laptop's log has grown for TIME (default: 10s; 0 stops at the "
        "close), to print what an offline laptop recorded before the close",
    )
    p.add_argument(
        "--since",
        metavar="CURSOR",
        help='only events after CURSOR (the "cursor" of the last --json line seen, to resume; '
        "a plain sequence number for an incident written on one laptop)",
    )


def _tail(args: argparse.Namespace, ctx: Context) -> int:
    from ic_console.domain.describe import Narrator
    from ic_console.live.hooks import event_line
    from ic_console.store.follow import FOLLOW_EVERY, Follower
    from ic_console.store.merged import UnionLog

    cursor = _since(args.since)
    settle = _settle(args.settle)
    store = open_store(ctx, args.incident_id, read_only=True)
    incident_id = store.incident_id
    narrator = Narrator()
    union = UnionLog(store.directory)
    if cursor.plain is not None and union.merged and len(union.files) > 1:
        raise UsageError(
            f'--since "{args.since}" is a sequence number, but this incident holds several '
            "laptops' logs, each numbered on its own: give the cursor that ic tail --json "
            'prints ("cursor", like a1b2c3d4e5f6:42,0f9e8d7c6b5a:7).'
        )

    def show(batch: list[ev.Event]) -> None:
        for event in batch:
            said = narrator.describe(event.data)  # every event: the words need the past
            if not cursor.take(event):
                continue
            if args.json:
                line = event_line(incident_id, event)
                print(f'{line[:-1]},"cursor":"{cursor.text()}"}}', file=ctx.out)
            else:
                say(ctx, _human_line(event, said.long))
        ctx.out.flush()

    result = union.read_new(show)
    if result.damage is not None:
        warn(ctx, f"{result.damage}; the events before it were printed.")
    if not args.follow:
        return EXIT_OK
    follower = Follower(store)
    if not _shared(ctx, store.directory):
        settle = 0.0  # no other laptop can send anything: the close is the end
    quiet_since: float | None = None
    while True:
        if store.state.status is Status.CLOSED:
            # Nothing more can be recorded here (`decide` refuses every command on a closed
            # incident), but a laptop that was offline may still send what it recorded before.
            now = time.monotonic()
            quiet_since = now if quiet_since is None else quiet_since
            if now - quiet_since >= settle:
                break
        else:
            quiet_since = None
        time.sleep(FOLLOW_EVERY)
        if _reader_gone(ctx.out):
            # `ic tail -f | head -1` on a quiet incident: the reader left, and with nothing
            # new to write nothing would ever tell us (GNU `tail -f` checks the same way).
            raise BrokenPipeError(errno.EPIPE, "the reader of standard output is gone")
        polled = follower.poll()
        for notice in polled.notices:
            warn(ctx, notice.message)
        if polled.reloaded:
            # Something sorted before what was printed (a peer's file): read it all again;
            # the cursor prints only what was not printed yet.
            narrator = Narrator()
            UnionLog(store.directory).read_new(show)
        elif polled.events:
            show(polled.events)
        if polled.reloaded or polled.events:
            quiet_since = None  # a log grew: wait for quiet again
    stopped = f"incident {incident_id} is closed: nothing more will be recorded"
    if settle:
        stopped += (
            f", and no laptop's log grew for {_said(settle)}, so ic tail stopped. What a laptop "
            f"sends later: ic tail {incident_id} --since {cursor.text()}."
        )
    else:
        stopped += ", so ic tail stopped."
    if args.json:
        warn(ctx, stopped)  # stdout stays one JSON object per line
    else:
        say(ctx, stopped[0].upper() + stopped[1:])
    return EXIT_OK


def _reader_gone(stream: object) -> bool:
    """Whether `stream` is a pipe or socket whose reader has closed its end: poll reports an
    error (or a hang-up) on the writing end then. False for a terminal, a file, or a stream
    without a file descriptor."""
    import os
    import select
    import stat

    try:
        fd = stream.fileno()  # type: ignore[attr-defined]
        mode = os.fstat(fd).st_mode
    except (AttributeError, OSError, ValueError):
        return False
    if not (stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)) or not hasattr(select, "poll"):
        return False
    poller = select.poll()
    poller.register(fd, 0)  # errors and hang-ups are reported whatever is asked for
    return any(flags & (select.POLLERR | select.POLLHUP) for _fd, flags in poller.poll(0))


#: How long `-f` follows a closed, shared incident with no log growing before it stops: a few
#: of the console's sync rounds (every 2 s), for the laptop that was a round behind.
SETTLE = 10.0
_TIME = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m)?\s*$")


def _settle(text: str | None) -> float:
    if text is None:
        return SETTLE
    found = _TIME.match(text)
    if found is None:
        raise UsageError(
            f'--settle "{text}" is not a time: give seconds (10, 10s) or minutes (2m).'
        )
    return float(found.group(1)) * (60 if found.group(2) == "m" else 1)


def _said(seconds: float) -> str:
    return f"{seconds:g}s"


def _shared(ctx: Context, directory: Path) -> bool:
    """Whether another laptop may still send events: a sync remote is configured here, or the
    incident already holds another laptop's log."""
    from ic_console.store.paths import event_files

    sync = ctx.config.sync
    return (sync is not None and sync.remote is not None) or len(event_files(directory)) > 1


def _since(text: str | None) -> TailCursor:
    from ic_console.domain.merge import TailCursor

    if text is None:
        return TailCursor()
    try:
        return TailCursor.parse(text)
    except ValueError as error:
        raise UsageError(f'--since "{text}" {error}') from None


def _human_line(event: ev.Event, long: str) -> str:
    when = event.at.strftime("%Y-%m-%d %H:%M:%S UTC")
    return f"#{event.seq} {when} {event.actor}: {long}"
