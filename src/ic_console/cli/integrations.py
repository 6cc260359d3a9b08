"""The console among other tools: alerts in, a record of commands run, events out for bots,
follow-ups to a tracker and a status page for stakeholders (issue 17).

Verbs: `ic run`, `ic tail`, `ic followups` and `ic status`; `ic new --from` and `ic log
--stdin` are `new` and `log` with their input on stdin (the code is here, the flags there).
Nothing here calls a network service: each piece reads stdin, prints, writes a file, or runs
a command the user gave or configured.
"""

from __future__ import annotations

import argparse
import os
import re
import select
import selectors
import shlex
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ic_console.cli import EXIT_OK, Context, UsageError, verb
from ic_console.cli.common import (
    INCIDENT_HELP,
    arguments_text,
    cmd,
    ev,
    open_store,
    say,
    severity_of,
    split_id,
    warn,
    words,
    words_verb,
)
from ic_console.domain.durations import format_duration
from ic_console.domain.errors import DomainError
from ic_console.domain.text import clean_name, clean_text, clean_title, literal

if TYPE_CHECKING:
    from ic_console.domain.alert_payloads import Alert
    from ic_console.domain.merge import TailCursor
    from ic_console.store.incident import IncidentStore

    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]

#: Lines of a command's output kept in its `action` entry.
RUN_TAIL_LINES = 20
#: Characters of output kept at most (the last ones), so one noisy command stays one entry.
RUN_TAIL_CHARS = 4000
#: Characters of each output line kept.
RUN_LINE_CHARS = 400
#: Lines of `ic log --stdin` recorded in one append at most.
STDIN_BATCH_LINES = 500
#: ANSI escape sequences (colours, cursor moves) and other control characters but newline.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def register(sub: SubParsers) -> None:
    """Add `run`, `tail`, `followups` and `status` to `ic`."""
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

    p = verb(sub, "tail", _tail, "print an incident's events as they are recorded (for bots)")
    p.add_argument("incident_id", nargs="?", metavar="ID", help=INCIDENT_HELP)
    p.add_argument(
        "-f", "--follow", action="store_true", help="keep printing new events until interrupted"
    )
    p.add_argument("--json", action="store_true", help="one JSON object per line: the stored event")
    p.add_argument(
        "--since",
        metavar="CURSOR",
        help='only events after CURSOR (the "cursor" of the last --json line seen, to resume; '
        "a plain sequence number for an incident written on one laptop)",
    )

    p = words_verb(
        sub,
        "followups",
        _followups,
        "list follow-up items for a tracker: GitHub, Jira CSV, Markdown or JSON",
        "ic followups [ID] [--format github|jira-csv|md|json]\n"
        "ic followups mark [ID] ITEM --tracked URL",
    )
    p.add_argument(
        "--format",
        "-f",
        dest="fmt",
        default="md",
        choices=("github", "jira-csv", "md", "json"),
        help="github: a script of `gh issue create` commands; jira-csv: for Jira's CSV "
        "importer; md (default); json",
    )
    p.add_argument(
        "--all",
        action="store_true",
        help="github and jira-csv: include items already marked as tracked",
    )
    p.add_argument("--repo", metavar="OWNER/NAME", help="github: the repository (gh --repo)")
    p.add_argument("--tracked", metavar="URL", help="mark: where the item was filed")

    p = verb(sub, "status", _status, "write the stakeholders' status page (static HTML)")
    p.add_argument("incident_id", nargs="?", metavar="ID", help=INCIDENT_HELP)
    p.add_argument(
        "-o",
        "--output",
        metavar="DIR",
        help="the folder to write index.html to (default: [status] dir in config.toml, "
        "else stdout)",
    )
    p.add_argument("--quiet", action="store_true", help=argparse.SUPPRESS)


# -- hooks after a write ---------------------------------------------------------------------


def after_recorded(ctx: Context, incident_id: str, events: Sequence[ev.Event]) -> None:
    """Hand `events` (durable by now) to the configured hooks; returns at once."""
    from ic_console.live.hooks import fire_detached

    fire_detached(ctx.home, incident_id, events)


# -- ic new --from ----------------------------------------------------------------------------


def read_stdin(limit: int, example: str) -> bytes:
    """All of stdin, at most `limit` bytes; a terminal on stdin is a mistake, said plainly."""
    stream = sys.stdin
    if stream is None or stream.isatty():
        raise UsageError(f"Nothing is piped in: {example}")
    data = stream.buffer.read(limit + 1)
    return data


def new_from_alert(args: argparse.Namespace, ctx: Context) -> int:
    """`ic new --from SOURCE`: declare from an alert, or log it to the incident that has it."""
    from ic_console.content.config import load_config
    from ic_console.domain.alert_payloads import MAX_PAYLOAD_BYTES, alert_severity, parse_alert

    source = args.from_source
    alert = parse_alert(
        source, read_stdin(MAX_PAYLOAD_BYTES, f"ic new --from {source} < payload.json")
    )
    if args.dedupe:
        existing = _incident_with(ctx, alert.fingerprints)
        if existing is not None:
            return _log_repeat(ctx, existing, alert)
    if not alert.active:
        warn(
            ctx,
            f"the {source} alert is {alert.status} and no active incident has it: "
            "nothing was declared.",
        )
        return EXIT_OK
    config, _problems = load_config()
    if args.sev is not None:
        level, why = severity_of(args.sev), "--sev"
    else:
        level, word = alert_severity(
            alert, config.alerts.severity_table(), config.alerts.default_severity
        )
        why = f'alert severity "{word}"' if word else "no known alert severity: the default"
    return _declare_from(ctx, args, alert, level, why)


def _incident_with(ctx: Context, fingerprints: Sequence[str]) -> str | None:
    """The most recently declared active incident that took in one of `fingerprints`."""
    from ic_console.store.catalog import list_incidents
    from ic_console.store.errors import StoreError
    from ic_console.store.incident import IncidentStore

    wanted = set(fingerprints)
    found: list[tuple[str, str]] = []
    for info in list_incidents(ctx.home, on_problem=lambda _text: None):
        if info.problem is not None or info.status != "active":
            continue
        try:
            store = IncidentStore.open(ctx.home, info.incident_id, read_only=True)
        except (StoreError, DomainError, OSError):
            continue
        if wanted.intersection(store.state.alert_fingerprints):
            declared = store.state.declared_at.isoformat() if store.state.declared_at else ""
            found.append((declared, store.incident_id))
    return max(found)[1] if found else None


def _receive(alert: Alert, *, entries: bool) -> cmd.ReceiveAlert:
    return cmd.ReceiveAlert(
        source=alert.source,
        status=alert.status,
        fingerprints=alert.fingerprints,
        summary=alert.summary,
        entries=alert.entries if entries else (),
    )


def _log_repeat(ctx: Context, incident_id: str, alert: Alert) -> int:
    store = open_store(ctx, incident_id)
    events = store.execute(_receive(alert, entries=False))
    say(ctx, store.incident_id)
    print(
        f"The {alert.source} alert ({alert.status}) was logged to incident "
        f"{literal(store.incident_id)}, which already has it; --no-dedupe declares a new one.",
        file=ctx.err,
    )
    after_recorded(ctx, store.incident_id, events)
    return EXIT_OK


def _declare_from(
    ctx: Context, args: argparse.Namespace, alert: Alert, level: int, why: str
) -> int:
    from ic_console.domain.model import severity_label
    from ic_console.live.hooks import declared_events
    from ic_console.store.catalog import new_incident_id
    from ic_console.store.incident import IncidentStore

    title = clean_title(args.title or alert.title)
    actor = clean_name(ctx.actor, what="declarer's name")
    incident_id = args.incident_id or new_incident_id(ctx.home, title, ctx.clock.now())
    declare = cmd.Declare(incident_id=incident_id, title=title, severity=level)
    store = IncidentStore.create(ctx.home, declare, clock=ctx.clock, actor=actor)
    for notice in store.notices:
        warn(ctx, notice.message)
    store.execute(_receive(alert, entries=True))
    say(ctx, store.incident_id)
    print(
        f"Declared {severity_label(level)} incident {literal(store.incident_id)} from a "
        f"{alert.source} alert ({why}): {literal(title)}. "
        "Name the Incident Commander with `ic role ic NAME`.",
        file=ctx.err,
    )
    after_recorded(ctx, store.incident_id, declared_events(store))
    if args.open:
        from ic_console.cli.declare import _open_console

        return _open_console(ctx, store.incident_id)
    return EXIT_OK


# -- ic log --stdin ---------------------------------------------------------------------------


def log_stdin(args: argparse.Namespace, ctx: Context, kind: Any, occurred: Any) -> int:
    """`ic log --stdin [ID]`: one entry per line, recorded a batch at a time as lines arrive
    (a monitor piping lines in is logged as it goes). A bad line stops there: the lines before
    it are recorded, and the message names the line."""
    given, _ = split_id(args, 0) if len(args.words) <= 1 else (None, [])
    if len(args.words) > 1:
        raise UsageError(
            "With --stdin, the entries come from stdin, one per line: give at most the "
            "incident id. Usage: ic log --stdin [ID] < lines.txt"
        )
    stream = sys.stdin
    if stream is None or stream.isatty():
        raise UsageError("Nothing is piped in: ic log --stdin [ID] < lines.txt")
    store = open_store(ctx, given)
    fd = stream.fileno()
    logged = 0
    number = 0
    carry = b""

    def record(entries: list[cmd.AddLogEntry]) -> None:
        nonlocal logged
        for start in range(0, len(entries), STDIN_BATCH_LINES):
            batch = tuple(entries[start : start + STDIN_BATCH_LINES])
            events = store.execute(cmd.AddLogEntries(entries=batch))
            logged += len(batch)
            after_recorded(ctx, store.incident_id, events)

    entries: list[cmd.AddLogEntry] = []
    while True:
        chunk = os.read(fd, 65536)
        data = carry + chunk
        if chunk:
            end = data.rfind(b"\n") + 1
            lines, carry = data[:end].split(b"\n")[:-1], data[end:]
        else:
            lines, carry = ([data] if data else []), b""
        for raw in lines:
            number += 1
            try:
                text = _stdin_line(raw, number)
            except UsageError as error:
                record(entries)  # the good lines before the bad one are kept
                raise UsageError(
                    f"{error} {logged} entr{'y' if logged == 1 else 'ies'} before it "
                    "were logged; nothing after it."
                ) from None
            if text is not None:
                entries.append(cmd.AddLogEntry(text=text, kind=kind, occurred_at=occurred))
        if not chunk:
            record(entries)
            break
        if len(entries) >= STDIN_BATCH_LINES or not _more_waiting(fd):
            # A monitor piping lines now and then: each is logged as it comes.
            record(entries)
            entries = []
    if not logged:
        raise UsageError("stdin held no text to log: give one entry per line.")
    say(ctx, f"Logged {logged} {kind.value} entr{'y' if logged == 1 else 'ies'}.")
    return EXIT_OK


def _more_waiting(fd: int) -> bool:
    """Whether more input (or its end) can be read at once: then it joins the same batch."""
    try:
        ready, _, _ = select.select([fd], [], [], 0)
    except (OSError, ValueError):
        return False
    return bool(ready)


def _stdin_line(raw: bytes, number: int) -> str | None:
    """One line of stdin as entry text, None for a blank line; a bad line stops the read."""
    try:
        text = raw.decode("utf-8").rstrip("\r")
    except UnicodeDecodeError:
        raise UsageError(f"stdin line {number} is not UTF-8 text.") from None
    if not text.strip():
        return None
    try:
        return clean_text(text, what="log entry")
    except DomainError as error:
        raise UsageError(f"stdin line {number}: {error}") from None


# -- ic run ---------------------------------------------------------------------------------


@dataclass
class _Tail:
    """The last lines a command printed, kept as it prints them (stdout and stderr merged)."""

    lines: deque[str]
    partial: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, text: str) -> None:
        with self.lock:
            parts = (self.partial + text).split("\n")
            self.partial = parts.pop()
            self.lines.extend(parts)

    def text(self) -> str:
        kept = [*self.lines, self.partial] if self.partial else list(self.lines)
        return clean_output("\n".join(kept[-RUN_TAIL_LINES:]))


def clean_output(text: str) -> str:
    """Output as stored: escape sequences and control characters removed, lines and length
    bounded (the end kept)."""
    text = _CONTROLS.sub("", _ESCAPES.sub("", text.replace("\r\n", "\n").replace("\r", "\n")))
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


def _stream(process: subprocess.Popen[bytes], out: _Sink, err: _Sink, tail: _Tail) -> None:
    """Copy the command's stdout and stderr to ours as they come (one loop, so their lines
    keep the order they were read in), keeping the last lines. A first Ctrl-C reaches the
    command too and its last words are still kept; a second stops it."""
    assert process.stdout is not None and process.stderr is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ, out)
    selector.register(process.stderr, selectors.EVENT_READ, err)
    interrupted = False
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
            try:
                sink.write(chunk)
                sink.flush()
            except (OSError, ValueError):
                pass  # the terminal went away: keep logging what the command says
            tail.take(chunk.decode("utf-8", "replace"))
    selector.close()


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
        warn(ctx, f"{command[0]}: {reason}.")
        return status
    _stream(process, _binary(ctx.out), _binary(ctx.err), tail)
    try:
        code = process.wait()
    except KeyboardInterrupt:
        process.kill()
        code = process.wait()
    took = format_duration_precise(time.monotonic() - started)
    status = code if code >= 0 else 128 - code
    how = f"exit status {status}" if code >= 0 else f"killed by signal {-code}"
    text = f"Ran `{line}`: {how} after {took}."
    output = tail.text()
    if output:
        text += f"\nLast lines of output:\n{output}"
    else:
        text += " No output."
    _log_run(ctx, store, text)
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


# -- ic tail ---------------------------------------------------------------------------------


def _tail(args: argparse.Namespace, ctx: Context) -> int:
    from ic_console.domain.describe import Narrator
    from ic_console.live.hooks import event_line
    from ic_console.store.follow import FOLLOW_EVERY, Follower
    from ic_console.store.merged import UnionLog

    cursor = _since(args.since)
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
    while True:
        time.sleep(FOLLOW_EVERY)
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


# -- ic followups ------------------------------------------------------------------------------


def _followups(args: argparse.Namespace, ctx: Context) -> int:
    items = list(args.words)
    if items and items[0].lower() == "mark":
        return _mark(args, ctx, items[1:])
    if len(items) > 1:
        raise UsageError(
            "Too many words. Usage: ic followups [ID] [--format FORMAT] | "
            "ic followups mark [ID] ITEM --tracked URL"
        )
    if args.tracked is not None:
        raise UsageError("--tracked goes with mark: ic followups mark [ID] ITEM --tracked URL")
    from ic_console.cli.review import configured
    from ic_console.content.config import load_config
    from ic_console.review import followups as fu
    from ic_console.review.duedate import DuePolicy
    from ic_console.review.parts import build_review
    from ic_console.review.source import open_for_review

    source = open_for_review(ctx.home, items[0] if items else None)
    for notice in source.notices:
        warn(ctx, notice)
    settings = configured(ctx)
    review = build_review(
        source.events,
        source.state,
        policy=DuePolicy(holiday_country=settings.holiday_country),
        cadence=settings.cadence,
    )
    config, _problems = load_config()
    template = config.followups.incident_url
    link = (
        template.replace("{id}", source.state.incident_id)
        if template
        else source.directory.resolve().as_uri()
    )
    every = fu.followup_items(review, link)
    untracked = every if args.all else [item for item in every if not item.tracked]
    if args.fmt == "github":
        ctx.out.write(fu.to_github(untracked, repo=args.repo or config.followups.github_repo))
    elif args.fmt == "jira-csv":
        ctx.out.write(fu.to_jira_csv(untracked))
    elif args.fmt == "json":
        ctx.out.write(fu.to_json(every))
    else:
        ctx.out.write(fu.to_markdown(every, source.state.title))
    skipped = len(every) - len(untracked)
    if skipped and args.fmt in ("github", "jira-csv"):
        warn(
            ctx,
            f"left out {skipped} item(s) already marked as tracked (--all includes them).",
        )
    return EXIT_OK


def _mark(args: argparse.Namespace, ctx: Context, rest: list[str]) -> int:
    from ic_console.review.followups import parse_item

    usage = "Usage: ic followups mark [ID] ITEM --tracked URL"
    if not rest or len(rest) > 2:
        raise UsageError(f"Say which item to mark, like F12. {usage}")
    given, item_text = (rest[0], rest[1]) if len(rest) == 2 else (None, rest[0])
    if not args.tracked:
        raise UsageError(f"Say where the item was filed with --tracked URL. {usage}")
    try:
        seq = parse_item(item_text)
    except ValueError:
        raise UsageError(
            f'"{item_text}" is not a follow-up item id: give one like F12 '
            "(`ic followups` lists them)."
        ) from None
    store = open_store(ctx, given)
    events = store.execute(cmd.TrackFollowup(seq=seq, url=args.tracked))
    tracked = next(e.data for e in events if isinstance(e.data, ev.FollowupTracked))
    say(ctx, words.describe(tracked).said)
    after_recorded(ctx, store.incident_id, events)
    return EXIT_OK


# -- ic status -------------------------------------------------------------------------------


def _status(args: argparse.Namespace, ctx: Context) -> int:
    from ic_console.cli.review import _refuse_inside_incidents
    from ic_console.content.config import load_config
    from ic_console.review.status_page import STATUS_FILE, status_page

    config, _problems = load_config()
    store = open_store(ctx, args.incident_id, read_only=True)
    if not store.state.declared:
        raise UsageError(f"Incident {store.incident_id} has no readable events to publish.")
    page = status_page(
        store.state, title=config.status.title, now=ctx.clock.now(), cadence=config.cadence()
    )
    folder = args.output or (str(config.status.dir) if config.status.dir else None)
    if folder in (None, "-"):
        ctx.out.write(page)
        return EXIT_OK
    directory = Path(folder).expanduser()
    path = directory / STATUS_FILE
    _refuse_inside_incidents(path, ctx.home, store.directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"Could not make the folder {directory}: {error.strerror}.") from None
    write_public_file(path, page.encode("utf-8"))
    if not args.quiet:
        print(f"Wrote {path}.", file=ctx.err)
    return EXIT_OK


def write_public_file(path: Path, data: bytes) -> None:
    """Replace `path` whole (written aside, renamed into place), readable by a web server: a
    status page is meant to be published, unlike the exports."""
    from ic_console.cli.review import write_file_atomically

    write_file_atomically(path, data)
    os.chmod(path, 0o644)
