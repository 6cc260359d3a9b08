"""What the incident verbs share: reading their words, opening the incident, speaking to a person.

Verbs that act on an incident take an optional leading ID; it may be left out when exactly one
incident is active. Because argparse cannot tell an optional leading positional from the ones
after it, those verbs take their positionals as one list and decide by count (or by the sub-verb
word, for `task` and `decide`) whether the first one is an ID.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from ic_console.cli import Context, Handler, NeedsTerminal, UsageError, lazy_import, verb
from ic_console.domain import parse
from ic_console.domain.durations import format_duration, parse_duration
from ic_console.domain.errors import DomainError
from ic_console.domain.model import Status, severity_label
from ic_console.domain.text import literal

if TYPE_CHECKING:
    from ic_console.domain import commands as cmd
    from ic_console.domain import describe as words
    from ic_console.domain import events as ev
    from ic_console.domain.state import IncidentState
    from ic_console.store.incident import IncidentStore

    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]
else:
    # Loaded on first use: `ic --help` never builds the pydantic models behind the verbs.
    cmd = lazy_import("ic_console.domain.commands")
    words = lazy_import("ic_console.domain.describe")
    ev = lazy_import("ic_console.domain.events")

NUMBER = re.compile(r"^#?(\d{1,9})$")

#: The verb modules take these from here, the domain modules included (loaded lazily).
__all__ = [
    "ID_EPILOG",
    "INCIDENT_HELP",
    "LATE_STYLE",
    "NUMBER",
    "OVERDUE_STYLE",
    "cmd",
    "colour_on",
    "done",
    "due_phrase",
    "ev",
    "expect",
    "incident_id_of",
    "joined_prefix",
    "local",
    "needs_terminal",
    "next_update_phrase",
    "number_of",
    "open_store",
    "paint",
    "payloads",
    "quote_hint",
    "run",
    "run_on",
    "say",
    "say_json",
    "severity_of",
    "severity_style",
    "split_id",
    "split_sub",
    "timebox_of",
    "usage_of",
    "warn",
    "words",
    "words_verb",
]


#: The help of a verb's optional incident argument.
INCIDENT_HELP = (
    "the incident: its id, any unique start of it, or the number `ic list` shows "
    "(default: the only active one)"
)

ID_EPILOG = (
    "ID may be left out when exactly one incident is active; it may be any unique start of the "
    "id, or the number `ic list` shows. Quote names and text that contain spaces."
)

#: What each word of a usage line means, for the verbs whose words arrive as one list.
ARGUMENTS = {
    "ID": "the incident (see below)",
    "NAME": "a person's name, as said on the call",
    "OWNER": "the one person the task is given to",
    "ROLE": "ic, deputy, scribe, internal-liaison, customer-liaison or sme",
    "TEXT": "the words to record, quoted",
    "TASK": "the task's number (1, 2, 3...), as `ic show` lists it",
    "DECISION": "the decision's number (1, 2, 3...), as `ic show` lists it",
    "CRITERION": "the exit criterion's number (1, 2, 3...), as `ic show` lists it",
    "PERSON": "a person's name, as said on the call",
    "COMMAND": "the program to run, as you would type it after --",
    "ARGS": "its arguments, passed on unchanged",
    "ITEM": "a follow-up item's id (F12), as `ic followups` lists it",
    "URL": "a link: where a follow-up item was filed, or the team's git remote for sync",
    "TEAM": "the team's name (Alpha, Bravo... or the name it was formed with)",
    "N": "a severity, 1 (most severe) to 5, SEV-1, or its configured name",
    "PHASE": "detect, mobilize, diagnose, resolve or learn (or a start of one)",
    "DURATION": 'a timebox such as "5m", "20 min", "90s", "1h30m" or "01:30" (at most 12h)',
    "WHEN": 'an ISO-8601 time, a local "HH:MM" (not later than now), or how long ago: "-10m", '
    '"-2h", "-2d"',
    "KIND": "note, action, status or followup",
    "-": "instead of TEXT: read the entry from standard input (echo ... | ic log -)",
}


def words_verb(
    sub: SubParsers, name: str, handler: Handler, help_text: str, usage: str, epilog: str = ""
) -> argparse.ArgumentParser:
    """A verb whose positionals arrive as one list, the first maybe an incident id."""
    parser = verb(
        sub,
        name,
        handler,
        help_text,
        usage=usage,
        epilog=f"{arguments_text(usage)}\n\n{_fill(f'{epilog} {ID_EPILOG}'.strip())}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    # "*" so that a missing word gets our one-line message, not argparse's usage block.
    parser.add_argument("words", nargs="*", metavar="ARG", help=argparse.SUPPRESS)
    # Words after an option (`ic task assign Sam --in 5m "check it"`) join this list in main().
    parser.set_defaults(stray_words="words", usage_text=usage)
    return parser


def _fill(text: str) -> str:
    import textwrap

    return textwrap.fill(text, width=92)


def arguments_text(usage: str) -> str:
    """ "arguments:" and a line for each word the usage names, in order of first use."""
    import textwrap

    seen: list[str] = []
    for token in re.findall(r"[A-Z]+|(?<=[ |])-(?= |$)", usage):
        if token in ARGUMENTS and token not in seen:
            seen.append(token)
    lines = ["arguments:"]
    for token in seen:
        lines.append(
            textwrap.fill(
                ARGUMENTS[token],
                width=92,
                initial_indent=f"  {token:<10}",
                subsequent_indent=" " * 12,
            )
        )
    return "\n".join(lines)


# -- shared helpers ----------------------------------------------------------------------------


def split_id(args: argparse.Namespace, needed: int) -> tuple[str | None, list[str]]:
    """`needed` words, or one more whose first is the incident id."""
    words: list[str] = list(args.words)
    usage = usage_of(args)
    if len(words) == needed:
        return None, words
    if len(words) == needed + 1:
        return words[0], words[1:]
    if len(words) < needed:
        raise UsageError(f"Something is missing. Usage: {usage}")
    raise UsageError(f"Too many words: put text with spaces in quotes. Usage: {usage}")


def split_sub(
    args: argparse.Namespace, choices: Sequence[str], what: str
) -> tuple[str | None, str, list[str]]:
    """For `task` and `decide`: the optional id, the sub-verb, and the words after it."""
    words: list[str] = list(args.words)
    lowered = [word.lower() for word in words]
    if lowered and lowered[0] in choices:
        return None, lowered[0], words[1:]
    if len(words) >= 2 and lowered[1] in choices:
        if len(words) == 2 and NUMBER.match(words[0]):
            # `ic task 3 done`: the number said first, as people often do.
            raise UsageError(
                f"Put the {what} number after the verb: ic {args.verb} {lowered[1]} {words[0]}."
            )
        return words[0], lowered[1], words[2:]
    raise UsageError(
        f"Say what to do with the {what}: one of {', '.join(choices)}. Usage: {usage_of(args)}"
    )


def usage_of(args: argparse.Namespace) -> str:
    text: str = getattr(args, "usage_text", "")
    return " | ".join(line.strip() for line in text.splitlines())


def expect(words: list[str], count: int, usage: str) -> None:
    if len(words) < count:
        raise UsageError(f"Something is missing. Usage: {usage}")
    if len(words) > count:
        raise UsageError(f"Too many words: put text with spaces in quotes. Usage: {usage}")


def number_of(text: str, what: str) -> int:
    """Tasks and decisions are numbered 1, 2, 3... as they are said aloud."""
    match = NUMBER.match(text.strip())
    if not match:
        raise UsageError(
            f'"{text}" is not {"an" if what[:1] in "aeiou" else "a"} {what} number: give the '
            "number, like 3 (`ic show` lists them)."
        )
    return int(match.group(1))


def severity_of(text: str) -> int:
    """A severity number or name: "1", "SEV-1", or the configured name ("P1"), which every
    verb has loaded with config.toml before it runs."""
    return parse.parse_severity(text)


def timebox_of(text: str | None) -> timedelta | None:
    return parse_duration(text) if text is not None else None


def local(when: datetime, now: datetime) -> str:
    """A time in the local zone, with the zone's name, and the date when it is not today."""
    try:
        here, today = when.astimezone(), now.astimezone().date()
    except (ValueError, OverflowError):
        # A TZ the C library reads as a day or more off UTC ("UTC+99"), which Python refuses:
        # the time is said in UTC rather than a traceback after the command was recorded.
        here, today = when.astimezone(UTC), now.astimezone(UTC).date()
    zone = here.tzname() or ""
    if here.date() == today:
        return f"{here:%H:%M} {zone}".strip()
    return f"{here:%Y-%m-%d %H:%M} {zone}".strip()


def due_phrase(deadline: datetime, now: datetime) -> str:
    """ "due in 5m (14:05 UTC)", or "overdue by 2m (was due 14:05 UTC)"."""
    if now >= deadline:
        return f"overdue by {format_duration(now - deadline)} (was due {local(deadline, now)})"
    return f"due in {format_duration(deadline - now)} ({local(deadline, now)})"


def say(ctx: Context, text: str) -> None:
    """One line for a person: stored text in it can never act on their terminal."""
    print(literal(text), file=ctx.out)


def say_json(ctx: Context, data: object) -> None:
    """JSON escapes control characters itself, and must reach a program unchanged.

    Written as it is encoded, a few thousand pieces at a time: `json.dumps` with an indent
    gathers every piece of the text in a list before joining them (`ic show --json` of a
    100,000-event incident peaked at 267 MB so). The same text."""
    out = ctx.out
    pieces: list[str] = []
    for piece in json.JSONEncoder(indent=2, ensure_ascii=False).iterencode(data):
        pieces.append(piece)
        if len(pieces) >= _JSON_PIECES:
            out.write("".join(pieces))
            pieces.clear()
    pieces.append("\n")
    out.write("".join(pieces))


#: How many encoded pieces of `say_json`'s text are written at once.
_JSON_PIECES = 8192


def warn(ctx: Context, text: str) -> None:
    print(f"ic: {literal(text)}", file=ctx.err)


def open_store(
    ctx: Context, given: str | None, *, hint: str = "", read_only: bool = False
) -> IncidentStore:
    """The incident named, or the only active one; store notices go to stderr.

    `read_only` for verbs that only look: then nothing on disk is changed, not even repaired.
    """
    from ic_console.domain.drill import is_drill_id
    from ic_console.store.catalog import resolve_incident_id
    from ic_console.store.errors import StoreError
    from ic_console.store.incident import IncidentStore

    try:
        incident_id = resolve_incident_id(ctx.home, incident_id_of(ctx, given))
    except (DomainError, StoreError) as error:
        if given is not None and hint:
            raise UsageError(f"{error} {hint}") from None
        raise
    clock = ctx.clock
    if is_drill_id(incident_id):
        from ic_console.live.drill import clock_for  # a drill's events are in drill time

        clock = clock_for(ctx.home, incident_id, clock)
    store = IncidentStore.open(
        ctx.home, incident_id, clock=clock, actor=ctx.actor, read_only=read_only
    )
    for notice in store.notices:
        warn(ctx, notice.message)
    return store


def incident_id_of(ctx: Context, given: str | None) -> str | None:
    """The full id for what was typed: an id, the number `ic list` shows, or a unique prefix."""
    from ic_console.cli.ids import AmbiguousId, expand_id

    try:
        return expand_id(ctx.home, given)
    except AmbiguousId as error:
        raise UsageError(str(error)) from None


def run(
    ctx: Context, given: str | None, command: cmd.Command, *, hint: str = ""
) -> tuple[IncidentStore, list[ev.Event]]:
    store = open_store(ctx, given, hint=hint)
    return store, run_on(ctx, store, command)


def run_on(ctx: Context, store: IncidentStore, command: cmd.Command) -> list[ev.Event]:
    """Record `command` on a store the verb has already opened (to look at the state first).
    Every verb records through here, so whatever must follow a recording is done once: the
    configured hooks (config.toml) run in a detached process, and the verb returns at once."""
    events = store.execute(command)
    after_recorded(ctx, store.incident_id, events)
    return events


def after_recorded(ctx: Context, incident_id: str, events: Sequence[ev.Event]) -> None:
    """Hand `events` (durable by now) to the configured hooks; returns at once. A verb that
    records without `run_on` (it reads stdin, or declares) calls this itself."""
    from ic_console.live.hooks import fire_detached

    fire_detached(ctx.home, incident_id, events)


def done(ctx: Context, text: str) -> None:
    """The last line of a recording verb's confirmation, naming who it was recorded for: a
    default name that was not meant is seen at once."""
    say(ctx, f"{text} Recorded for {ctx.actor}.".strip())


def payloads(events: list[ev.Event]) -> list[ev.Payload]:
    return [event.data for event in events]


def joined_prefix(events: list[ev.Event]) -> str:
    """ "Sam joined the call. " when a command put someone on the call on the way."""
    return "".join(
        f"{words.describe(data).said} "
        for data in payloads(events)
        if isinstance(data, ev.ParticipantJoined)
    )


def quote_hint(verb_name: str, words: list[str]) -> str:
    """For a first word that is no incident: maybe it was part of an unquoted name or text."""
    joined = " ".join(words)
    if len(joined) > 60:
        return ""  # a paste, not a name typed without quotes: the hint would only repeat it
    return f'If "{joined}" is one name or text, quote it: ic {verb_name} "{joined}".'


def next_update_phrase(
    state: IncidentState, now: datetime, cadence: dict[int, timedelta | None] | None = None
) -> str:
    """When the next update is due, by the configured cadence (`ctx.config.cadence()`)."""
    due = state.next_update_due(cadence)
    if due is None:
        if state.status is not Status.ACTIVE:
            return f"none (the incident is {state.status.value})"
        return f"none scheduled at {severity_label(state.severity)}"
    return due_phrase(due, now)


# -- colour ------------------------------------------------------------------------------------

#: Colours only (no bold): with NO_COLOR or off a terminal the text is exactly the plain text.
SEVERITY_STYLES = {1: "red", 2: "yellow"}
OVERDUE_STYLE = "red"
LATE_STYLE = "yellow"


def colour_on(ctx: Context) -> bool:
    """Colour only for a person at a terminal: never in a pipe or file, never with NO_COLOR
    set (https://no-color.org), never on a dumb terminal."""
    import os

    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(ctx.out, "isatty", None)
    return bool(isatty and isatty())


def paint(ctx: Context, text: str, style: str | None) -> str:
    """`text` (already made literal) in `style`, through Rich, when colour is on."""
    if not style or not colour_on(ctx):
        return text
    from rich.color import ColorSystem
    from rich.style import Style

    return Style.parse(style).render(text, color_system=ColorSystem.STANDARD)


def severity_style(level: int) -> str | None:
    return SEVERITY_STYLES.get(level)


# -- terminals ---------------------------------------------------------------------------------


def needs_terminal(verb_name: str = "this verb") -> None:
    """Stop at once when stdin or stdout is no terminal: a screen there would wait forever."""
    import sys

    for stream in (sys.stdin, sys.stdout):
        isatty = getattr(stream, "isatty", None)
        try:
            at_terminal = bool(isatty and isatty())
        except ValueError:  # a closed stream
            at_terminal = False
        if not at_terminal:
            raise NeedsTerminal(
                f"{verb_name} needs a terminal: run it in a terminal, or use `ic show` "
                "(and the other verbs) from a script."
            )
