"""The scriptable incident verbs: `ic new`, `list`, `show`, `join`, `task`, `decide`, `log`...

Each verb is a thin face over one domain command, so a chat bot or a monitor can drive an
incident exactly as the console does, under the same rules. Verbs that act on an incident take
an optional leading ID; it may be left out when exactly one incident is active. Because argparse
cannot tell an optional leading positional from the ones after it, those verbs take their
positionals as one list and decide by count (or by the sub-verb word, for `task` and `decide`)
whether the first one is an ID.
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from ic_console.cli import EXIT_FAILURE, EXIT_OK, Context, Handler, UsageError, lazy_import, verb
from ic_console.domain import parse
from ic_console.domain.durations import (
    DURATION_HELP,
    format_duration,
    parse_duration,
    parse_when,
    resolve_local,
)
from ic_console.domain.errors import DomainError
from ic_console.domain.model import (
    SINGLE_ROLES,
    Phase,
    Role,
    Status,
    severity_label,
)
from ic_console.domain.text import clean_name, clean_title, literal
from ic_console.domain.zones import system_zone

if TYPE_CHECKING:
    from ic_console.domain import commands as cmd
    from ic_console.domain import describe as words
    from ic_console.domain import events as ev
    from ic_console.domain import views
    from ic_console.domain.state import IncidentState, Task
    from ic_console.store.catalog import IncidentInfo
    from ic_console.store.incident import IncidentStore

    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]
else:
    # Loaded on first use: `ic --help` never builds the pydantic models behind the verbs.
    cmd = lazy_import("ic_console.domain.commands")
    words = lazy_import("ic_console.domain.describe")
    ev = lazy_import("ic_console.domain.events")
    views = lazy_import("ic_console.domain.views")

#: How many scribe log lines `ic show` prints.
SHOW_LOG_LINES = 5

TASK_VERBS = ("assign", "ack", "done", "cancel", "extend", "reassign")
DECIDE_VERBS = ("propose", "object", "accept", "withdraw")

_NUMBER = re.compile(r"^#?(\d{1,9})$")
_PLAIN_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# -- registering the verbs ---------------------------------------------------------------------


def register(sub: SubParsers) -> None:
    """Add the incident verbs to `ic`."""
    p = verb(sub, "new", _new, "declare a new incident and print its id")
    p.add_argument("title", metavar="TITLE", help="what is wrong, in a few words (quote it)")
    p.add_argument("--sev", metavar="N", help="severity 1 (most severe) to 5 (default: 2)")
    p.add_argument("--id", dest="incident_id", metavar="ID", help="choose the incident id")
    p.add_argument("--open", action="store_true", help="open the console once it is declared")

    p = verb(sub, "list", _list, "list incidents (active ones unless told otherwise)")
    p.add_argument("--all", action="store_true", help="every incident, whatever its status")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--status", metavar="S", help="only this status: active, resolved or closed")
    p.add_argument("--sev", metavar="N", help="only this severity, 1 to 5")
    p.add_argument("--since", metavar="DATE", help="declared at or after DATE (ISO-8601)")
    p.add_argument(
        "--until", metavar="DATE", help="declared before DATE (a plain date: to its end)"
    )

    p = verb(sub, "show", _show, "show where an incident stands")
    p.add_argument("incident_id", nargs="?", metavar="ID")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")

    _words_verb(sub, "join", _join, "put a person on the call", "ic join [ID] NAME")
    _words_verb(sub, "release", _release, "let a person go", "ic release [ID] NAME")
    _words_verb(
        sub,
        "role",
        _role,
        "give a person a role: " + ", ".join(role.value for role in Role),
        "ic role [ID] ROLE NAME",
    )
    _words_verb(
        sub,
        "handover",
        _handover,
        "hand command to a new Incident Commander",
        "ic handover [ID] NAME",
    )

    p = _words_verb(
        sub,
        "task",
        _task,
        "assign a timeboxed task to one person, and follow it up",
        "ic task [ID] assign OWNER TEXT --in DURATION\n"
        "       ic task [ID] ack|done|cancel TASK\n"
        "       ic task [ID] extend TASK --in DURATION\n"
        "       ic task [ID] reassign TASK OWNER [--in DURATION]",
        "TASK is the task's number (1, 2, 3...), as `ic show` lists it. Reassigning keeps "
        "the task's timebox unless --in gives a new one.",
    )
    p.add_argument("--in", dest="timebox", metavar="DURATION", help=f"the timebox: {DURATION_HELP}")

    _words_verb(
        sub,
        "decide",
        _decide,
        'propose a decision and poll for strong objections ("hearing none...")',
        "ic decide [ID] propose TEXT\n"
        "       ic decide [ID] object DECISION TEXT [--as NAME]\n"
        "       ic decide [ID] accept|withdraw DECISION",
        "DECISION is the decision's number (1, 2, 3...), as `ic show` lists it. "
        "An objection is recorded as raised by --as (default: you).",
    )

    p = _words_verb(
        sub,
        "log",
        _log,
        "add a scribe log entry",
        "ic log [ID] TEXT [--kind KIND] [--at WHEN]",
        "Entries noticed late keep both times: when it happened (--at) and when it was logged.",
    )
    p.add_argument(
        "--kind",
        default="note",
        metavar="KIND",
        help="note (default), action, status or followup (an action item for the postmortem)",
    )
    p.add_argument(
        "--at",
        metavar="WHEN",
        help='when it happened, if earlier: ISO-8601, a local "HH:MM", or "-10m"',
    )

    _words_verb(sub, "sev", _sev, "change the severity (1 most severe .. 5)", "ic sev [ID] N")
    _words_verb(
        sub,
        "phase",
        _phase,
        "move to another phase: " + ", ".join(phase.value for phase in Phase),
        "ic phase [ID] PHASE",
    )
    _words_verb(
        sub,
        "update",
        _update,
        "record a stakeholder update that was sent",
        "ic update [ID] internal|external TEXT",
    )

    p = verb(sub, "resolve", _resolve, "customer impact has ended and the fix is verified")
    p.add_argument("incident_id", nargs="?", metavar="ID")
    _add_open_work_flags(p)
    p = verb(sub, "close", _close, "follow-up is done: nothing more will be recorded")
    p.add_argument("incident_id", nargs="?", metavar="ID")


ID_EPILOG = (
    "ID may be left out when exactly one incident is active. "
    "Quote names and text that contain spaces."
)


def _words_verb(
    sub: SubParsers, name: str, handler: Handler, help_text: str, usage: str, epilog: str = ""
) -> argparse.ArgumentParser:
    """A verb whose positionals arrive as one list, the first maybe an incident id."""
    parser = verb(
        sub, name, handler, help_text, usage=usage, epilog=f"{epilog} {ID_EPILOG}".strip()
    )
    # "*" so that a missing word gets our one-line message, not argparse's usage block.
    parser.add_argument("words", nargs="*", metavar="ARG", help=argparse.SUPPRESS)
    # Words after an option (`ic task assign Sam --in 5m "check it"`) join this list in main().
    parser.set_defaults(stray_words="words", usage_text=usage)
    return parser


# -- shared helpers ----------------------------------------------------------------------------


def _split_id(args: argparse.Namespace, needed: int) -> tuple[str | None, list[str]]:
    """`needed` words, or one more whose first is the incident id."""
    words: list[str] = list(args.words)
    usage = _usage(args)
    if len(words) == needed:
        return None, words
    if len(words) == needed + 1:
        return words[0], words[1:]
    if len(words) < needed:
        raise UsageError(f"Something is missing. Usage: {usage}")
    raise UsageError(f"Too many words: put text with spaces in quotes. Usage: {usage}")


def _split_sub(
    args: argparse.Namespace, choices: Sequence[str], what: str
) -> tuple[str | None, str, list[str]]:
    """For `task` and `decide`: the optional id, the sub-verb, and the words after it."""
    words: list[str] = list(args.words)
    lowered = [word.lower() for word in words]
    if lowered and lowered[0] in choices:
        return None, lowered[0], words[1:]
    if len(words) >= 2 and lowered[1] in choices:
        if len(words) == 2 and _NUMBER.match(words[0]):
            # `ic task 3 done`: the number said first, as people often do.
            raise UsageError(
                f"Put the {what} number after the verb: ic {args.verb} {lowered[1]} {words[0]}."
            )
        return words[0], lowered[1], words[2:]
    raise UsageError(
        f"Say what to do with the {what}: one of {', '.join(choices)}. Usage: {_usage(args)}"
    )


def _usage(args: argparse.Namespace) -> str:
    text: str = getattr(args, "usage_text", "")
    return " | ".join(line.strip() for line in text.splitlines())


def _expect(words: list[str], count: int, usage: str) -> None:
    if len(words) < count:
        raise UsageError(f"Something is missing. Usage: {usage}")
    if len(words) > count:
        raise UsageError(f"Too many words: put text with spaces in quotes. Usage: {usage}")


def _number(text: str, what: str) -> int:
    """Tasks and decisions are numbered 1, 2, 3... as they are said aloud."""
    match = _NUMBER.match(text.strip())
    if not match:
        raise UsageError(
            f'"{text}" is not a {what} number: give the number, like 3 (`ic show` lists them).'
        )
    return int(match.group(1))


def _severity(text: str) -> int:
    """A severity number or name; the config's names are read only when the text is no number."""
    try:
        return parse.parse_severity(text)
    except DomainError:
        from ic_console.content.config import load_config

        config, _problems = load_config()
        names = {level: info.name for level, info in config.severities.items()}
        return parse.parse_severity(text, names)


def _timebox(text: str | None) -> timedelta | None:
    return parse_duration(text) if text is not None else None


def local(when: datetime, now: datetime) -> str:
    """A time in the local zone, with the zone's name, and the date when it is not today."""
    here = when.astimezone()
    zone = here.tzname() or ""
    if here.date() == now.astimezone().date():
        return f"{here:%H:%M} {zone}".strip()
    return f"{here:%Y-%m-%d %H:%M} {zone}".strip()


def due_phrase(deadline: datetime, now: datetime) -> str:
    """ "due in 5m (14:05 UTC)", or "overdue by 2m (was due 14:05 UTC)"."""
    if now >= deadline:
        return f"overdue by {format_duration(now - deadline)} (was due {local(deadline, now)})"
    return f"due in {format_duration(deadline - now)} ({local(deadline, now)})"


def _say(ctx: Context, text: str) -> None:
    """One line for a person: stored text in it can never act on their terminal."""
    print(literal(text), file=ctx.out)


def _say_json(ctx: Context, data: object) -> None:
    """JSON escapes control characters itself, and must reach a program unchanged."""
    print(json.dumps(data, indent=2, ensure_ascii=False), file=ctx.out)


def _warn(ctx: Context, text: str) -> None:
    print(f"ic: {literal(text)}", file=ctx.err)


def _open(
    ctx: Context, given: str | None, *, hint: str = "", read_only: bool = False
) -> IncidentStore:
    """The incident named, or the only active one; store notices go to stderr.

    `read_only` for verbs that only look: then nothing on disk is changed, not even repaired.
    """
    from ic_console.store.catalog import resolve_incident_id
    from ic_console.store.errors import StoreError
    from ic_console.store.incident import IncidentStore

    try:
        incident_id = resolve_incident_id(ctx.home, given)
    except (DomainError, StoreError) as error:
        if given is not None and hint:
            raise UsageError(f"{error} {hint}") from None
        raise
    store = IncidentStore.open(
        ctx.home, incident_id, clock=ctx.clock, actor=ctx.actor, read_only=read_only
    )
    for notice in store.notices:
        _warn(ctx, notice.message)
    return store


def _run(
    ctx: Context, given: str | None, command: cmd.Command, *, hint: str = ""
) -> tuple[IncidentStore, list[ev.Event]]:
    store = _open(ctx, given, hint=hint)
    return store, store.execute(command)


def _payloads(events: list[ev.Event]) -> list[ev.Payload]:
    return [event.data for event in events]


def _joined_prefix(events: list[ev.Event]) -> str:
    """ "Sam joined the call. " when a command put someone on the call on the way."""
    return "".join(
        f"{words.describe(data).said} "
        for data in _payloads(events)
        if isinstance(data, ev.ParticipantJoined)
    )


def _quote_hint(verb_name: str, words: list[str]) -> str:
    """For a first word that is no incident: maybe it was part of an unquoted name or text."""
    joined = " ".join(words)
    if len(joined) > 60:
        return ""  # a paste, not a name typed without quotes: the hint would only repeat it
    return f'If "{joined}" is one name or text, quote it: ic {verb_name} "{joined}".'


# -- declaring and looking -----------------------------------------------------------------------


def _new(args: argparse.Namespace, ctx: Context) -> int:
    from ic_console.store.catalog import new_incident_id
    from ic_console.store.incident import IncidentStore

    level = _severity(args.sev) if args.sev is not None else 2
    title = clean_title(args.title)
    actor = clean_name(ctx.actor, what="declarer's name")
    now = ctx.clock.now()
    incident_id = args.incident_id or new_incident_id(ctx.home, title, now)
    declare = cmd.Declare(incident_id=incident_id, title=title, severity=level)
    store = IncidentStore.create(ctx.home, declare, clock=ctx.clock, actor=actor)
    for notice in store.notices:
        _warn(ctx, notice.message)
    _say(ctx, store.incident_id)
    print(
        f"Declared {severity_label(level)} incident {store.incident_id}: {title}. "
        f"Name the Incident Commander with `ic role ic NAME`.",
        file=ctx.err,
    )
    if args.open:
        return _open_console(ctx, store.incident_id)
    return EXIT_OK


def _open_console(ctx: Context, incident_id: str) -> int:
    """Hand over to the console; it is imported only now, so scripted verbs never load Textual."""
    name = "ic_console.cli.console"
    try:
        console = importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name != name:
            raise
        console = None
    opener = getattr(console, "open_incident", None)
    if opener is None:
        _warn(
            ctx,
            f"this installation has no console to open, so incident {incident_id} was declared "
            "but not opened. Use the other `ic` verbs on it.",
        )
        return EXIT_FAILURE
    return int(opener(ctx, incident_id))


@dataclass(frozen=True)
class _Filter:
    statuses: frozenset[str]
    severity: int | None
    since: datetime | None
    until: datetime | None

    def keeps(self, info: IncidentInfo) -> bool:
        if info.problem is not None:
            return True  # a damaged incident is always listed, never silently gone
        if info.status not in self.statuses:
            return False
        if self.severity is not None and info.severity != self.severity:
            return False
        if self.since is not None and (info.declared_at is None or info.declared_at < self.since):
            return False
        return not (
            self.until is not None and (info.declared_at is None or info.declared_at >= self.until)
        )


def _list_filter(args: argparse.Namespace, now: datetime) -> _Filter:
    if args.status is not None:
        status = args.status.strip().lower()
        if status not in {s.value for s in Status}:
            choices = ", ".join(s.value for s in Status)
            raise UsageError(f'"{args.status}" is not a status: use one of {choices}.')
        statuses = frozenset({status})
    elif args.all:
        statuses = frozenset(s.value for s in Status)
    else:
        statuses = frozenset({Status.ACTIVE.value})
    return _Filter(
        statuses=statuses,
        severity=_severity(args.sev) if args.sev is not None else None,
        since=_date_bound(args.since, now, "--since", end=False),
        until=_date_bound(args.until, now, "--until", end=True),
    )


def _date_bound(text: str | None, now: datetime, option: str, *, end: bool) -> datetime | None:
    """A plain date means its local midnight; as an upper bound, the end of that day."""
    if text is None:
        return None
    raw = text.strip()
    if _PLAIN_DATE.match(raw):
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            raise UsageError(f'{option} "{raw}" is not a date: use YYYY-MM-DD.') from None
        try:
            if end:
                day += timedelta(days=1)
            return resolve_local(datetime(day.year, day.month, day.day), system_zone())
        except (OverflowError, ValueError):
            raise UsageError(
                f'{option} "{raw}" is out of range: give a date between 0001-01-02 and 9999-12-30.'
            ) from None
    try:
        return parse_when(raw, now=now, local_zone=system_zone(), within=None)
    except DomainError as error:
        raise UsageError(f"{option}: {error}") from None


def _list(args: argparse.Namespace, ctx: Context) -> int:
    from ic_console.store.catalog import list_incidents
    from ic_console.store.errors import StoreError
    from ic_console.store.incident import IncidentStore

    now = ctx.clock.now()
    keep = _list_filter(args, now)
    infos = [
        info
        for info in list_incidents(ctx.home, on_problem=lambda text: _warn(ctx, text))
        if keep.keeps(info)
    ]
    if args.json:
        rows = []
        for info in infos:
            if info.problem is not None:
                rows.append(_damaged_row(info))
                continue
            try:
                store = IncidentStore.open(ctx.home, info.incident_id, read_only=True)
            except (StoreError, DomainError, OSError) as error:
                _warn(ctx, f"{info.directory}: skipped ({error})")
                continue
            for notice in store.notices:
                _warn(ctx, notice.message)
            rows.append(views.summary_view(store.state, now))
        _say_json(ctx, rows)
        return EXIT_OK
    if not infos:
        if args.all or args.status or args.sev or args.since or args.until:
            _say(ctx, "No incidents match.")
        else:
            _say(
                ctx,
                "No active incidents. Declare one with `ic new TITLE`; "
                "`ic list --all` shows resolved and closed ones too.",
            )
        return EXIT_OK
    table = [("ID", "SEV", "STATUS", "PHASE", "DECLARED", "IC", "TITLE")]
    for info in infos:
        title = info.title
        if info.problem is not None:
            title = f"{title} [damaged: {info.problem}]".lstrip()
        table.append(
            (
                literal(info.incident_id),
                severity_label(info.severity) if info.severity else "-",
                "damaged" if info.problem is not None else info.status,
                info.phase or "-",
                local(info.declared_at, now) if info.declared_at else "-",
                literal(info.ic or "-"),
                literal(title),
            )
        )
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]) - 1)]
    for row in table:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        _say(ctx, "  ".join([*cells, row[-1]]))
    return EXIT_OK


def _damaged_row(info: IncidentInfo) -> dict[str, object]:
    """`ic list --json` row for an incident that cannot be read whole."""
    return {
        "id": info.incident_id,
        "title": info.title,
        "status": info.status,
        "damaged": info.problem,
        "directory": str(info.directory),
    }


def _show(args: argparse.Namespace, ctx: Context) -> int:
    store = _open(ctx, args.incident_id, read_only=True)
    if not store.state.declared:
        raise UsageError(
            f"Incident {store.incident_id} has no readable events, so there is nothing to show "
            "(see the message above about its log)."
        )
    now = ctx.clock.now()
    if args.json:
        _say_json(ctx, views.incident_view(store.state, now))
        return EXIT_OK
    for line in describe(store.state, now):
        _say(ctx, line)
    return EXIT_OK


def describe(state: IncidentState, now: datetime) -> list[str]:
    """The human summary `ic show` prints: enough to take over the incident in a minute."""
    lines = [f"{state.title}  [{state.incident_id}]"]
    declared = (
        f"declared {local(state.declared_at, now)} by {state.declared_by}"
        if state.declared_at
        else "not declared"
    )
    lines.append(
        f"{severity_label(state.severity)} · {state.phase.label} · {state.status.value} · "
        f"{format_duration(state.elapsed(now))} elapsed ({declared})"
    )
    lines.append("Roles:")
    for role in SINGLE_ROLES:
        lines.append(f"  {role.label:<24}{state.holder(role) or '-'}")
    lines.append(f"  {'Subject Matter Experts':<24}{', '.join(state.smes) or '-'}")
    people = []
    for person in state.on_call():
        note = f"{person.name} ({format_duration(person.time_on_call(now))}"
        note += ", time to rotate)" if person.should_rotate(now) else ")"
        people.append(note)
    lines.append(f"On the call: {', '.join(people) or 'nobody'}")
    tasks = state.open_tasks()
    lines.append("Open tasks:" if tasks else "Open tasks: none")
    for task in tasks:
        lines.append(f"  {_task_line(task, now)}")
    decisions = state.open_decisions()
    lines.append("Open decisions:" if decisions else "Open decisions: none")
    for decision in decisions:
        objections = len(decision.objections)
        lines.append(
            f"  {decision.number}. {decision.text} (proposed by {decision.proposed_by} "
            f"at {local(decision.proposed_at, now)}; "
            f"{objections} objection{'' if objections == 1 else 's'})"
        )
    lines.append(f"Next update: {_next_update_phrase(state, now)}")
    from ic_console.store.snapshot import latest_by_when  # the snapshot keeps the latest

    entries = latest_by_when(state.log, SHOW_LOG_LINES)
    lines.append("Recent log:" if entries else "Recent log: empty")
    for entry in entries:
        lines.append(
            f"  {local(entry.when, now)}  {entry.kind.value:<8} {entry.author}: {entry.text}"
        )
    return lines


def _task_line(task: Task, now: datetime) -> str:
    acknowledged = "acknowledged" if task.acknowledged_at else "not acknowledged"
    due = due_phrase(task.deadline, now)
    return f"{task.number}. {task.owner}: {task.text} - {due}, {acknowledged}"


def _next_update_phrase(state: IncidentState, now: datetime) -> str:
    due = state.next_update_due()
    if due is None:
        if state.status is not Status.ACTIVE:
            return f"none (the incident is {state.status.value})"
        return f"none scheduled at {severity_label(state.severity)}"
    return due_phrase(due, now)


# -- people and roles ----------------------------------------------------------------------------


def _join(args: argparse.Namespace, ctx: Context) -> int:
    given, (name,) = _split_id(args, 1)
    _, events = _run(ctx, given, cmd.Join(name=name), hint=_quote_hint("join", args.words))
    _say(ctx, _joined_prefix(events).strip())
    return EXIT_OK


def _release(args: argparse.Namespace, ctx: Context) -> int:
    given, (name,) = _split_id(args, 1)
    _, events = _run(ctx, given, cmd.Release(name=name), hint=_quote_hint("release", args.words))
    released = ""
    roles: list[str] = []
    for data in _payloads(events):
        if isinstance(data, ev.RoleVacated):
            roles.append(data.role.label)
        if isinstance(data, ev.ParticipantReleased):
            released = data.name
    note = f" (no longer {', '.join(roles)})" if roles else ""
    _say(ctx, f"{released} was released from the call{note}. Thank them.")
    return EXIT_OK


def _role(args: argparse.Namespace, ctx: Context) -> int:
    given, (role_text, name) = _split_id(args, 2)
    role = Role.parse(role_text)
    _, events = _run(ctx, given, cmd.AssignRole(role=role, name=name))
    assigned = next(data for data in _payloads(events) if isinstance(data, ev.RoleAssigned))
    _say(ctx, f"{_joined_prefix(events)}{words.describe(assigned).said}")
    return EXIT_OK


def _handover(args: argparse.Namespace, ctx: Context) -> int:
    given, (name,) = _split_id(args, 1)
    _, events = _run(ctx, given, cmd.Handover(name=name), hint=_quote_hint("handover", args.words))
    handed = next(data for data in _payloads(events) if isinstance(data, ev.CommandHandedOver))
    _say(ctx, f"{_joined_prefix(events)}{words.describe(handed).said} Announce it to the call.")
    return EXIT_OK


# -- tasks and decisions -------------------------------------------------------------------------


def _task(args: argparse.Namespace, ctx: Context) -> int:
    given, action, rest = _split_sub(args, TASK_VERBS, "task")
    timebox = _timebox(args.timebox)
    if action == "assign":
        _expect(rest, 2, 'ic task [ID] assign OWNER "TEXT" --in DURATION')
        if timebox is None:
            raise UsageError(
                f'Give the task a timebox with --in, like: ic task assign {rest[0]} "..." --in 5m.'
            )
        command: cmd.Command = cmd.AssignTask(owner=rest[0], text=rest[1], timebox=timebox)
    elif action == "reassign":
        _expect(rest, 2, "ic task [ID] reassign TASK OWNER [--in DURATION]")
        command = cmd.ReassignTask(number=_number(rest[0], "task"), owner=rest[1], timebox=timebox)
    elif action == "extend":
        _expect(rest, 1, "ic task [ID] extend TASK --in DURATION")
        if timebox is None:
            raise UsageError(
                f"How much time do they need? Give it with --in, like: "
                f"ic task extend {rest[0]} --in 20m."
            )
        command = cmd.ExtendTask(number=_number(rest[0], "task"), timebox=timebox)
    else:
        _expect(rest, 1, f"ic task [ID] {action} TASK")
        if timebox is not None:
            raise UsageError(f"--in goes with assign, extend and reassign, not with {action}.")
        number = _number(rest[0], "task")
        if action == "ack":
            command = cmd.AcknowledgeTask(number=number)
        elif action == "done":
            command = cmd.CompleteTask(number=number)
        else:
            command = cmd.CancelTask(number=number)
    store, events = _run(ctx, given, command)
    now = events[-1].at  # the instant the deadline was computed from
    prefix = _joined_prefix(events)
    narrator = words.Narrator.from_state(store.state)
    for data in _payloads(events):
        if isinstance(data, ev.ParticipantJoined):
            continue
        said = narrator.describe(data).said
        if isinstance(data, ev.TaskAssigned | ev.TaskReassigned):
            _say(ctx, f"{prefix}{said}, {due_phrase(data.deadline, now)}.")
        elif isinstance(data, ev.TaskExtended):
            owner = store.state.tasks[data.number].owner
            _say(ctx, f"{said}: {owner} is now {due_phrase(data.deadline, now)}.")
        else:
            _say(ctx, said)
    return EXIT_OK


def _decide(args: argparse.Namespace, ctx: Context) -> int:
    given, action, rest = _split_sub(args, DECIDE_VERBS, "decision")
    if action == "propose":
        _expect(rest, 1, 'ic decide [ID] propose "TEXT"')
        command: cmd.Command = cmd.ProposeDecision(text=rest[0])
    elif action == "object":
        _expect(rest, 2, 'ic decide [ID] object DECISION "TEXT" [--as NAME]')
        command = cmd.RaiseObjection(number=_number(rest[0], "decision"), text=rest[1])
    else:
        _expect(rest, 1, f"ic decide [ID] {action} DECISION")
        number = _number(rest[0], "decision")
        if action == "accept":
            command = cmd.AcceptDecision(number=number)
        else:
            command = cmd.WithdrawDecision(number=number)
    store, events = _run(ctx, given, command)
    narrator = words.Narrator.from_state(store.state)
    for data in _payloads(events):
        if isinstance(data, ev.ParticipantJoined):
            continue
        said = narrator.describe(data).said
        if isinstance(data, ev.DecisionProposed):
            said += f' Ask the call: "I propose {data.text}. Are there any strong objections?"'
        elif isinstance(data, ev.DecisionAccepted):
            said += f' "{words.go_ahead_sentence(narrator.objections.get(data.number, []))}"'
        _say(ctx, said)
    return EXIT_OK


# -- the log, severity, phase, updates, the end ----------------------------------------------------


def _log(args: argparse.Namespace, ctx: Context) -> int:
    given, (text,) = _split_id(args, 1)
    kind = parse.parse_log_kind(args.kind)
    now = ctx.clock.now()
    zone = system_zone()
    occurred = parse_when(args.at, now=now, local_zone=zone) if args.at is not None else None
    command = cmd.AddLogEntry(text=text, kind=kind, occurred_at=occurred)
    _, events = _run(ctx, given, command, hint=_quote_hint("log", args.words))
    entry = next(data for data in _payloads(events) if isinstance(data, ev.LogEntryAdded))
    recorded = events[-1].at
    if entry.occurred_at is not None:
        _say(
            ctx,
            f"Logged {kind.value} for {local(entry.occurred_at, recorded)} "
            f"(recorded {local(recorded, recorded)}).",
        )
    else:
        _say(ctx, f"Logged {kind.value} at {local(recorded, recorded)}.")
    return EXIT_OK


def _sev(args: argparse.Namespace, ctx: Context) -> int:
    given, (level_text,) = _split_id(args, 1)
    _, events = _run(ctx, given, cmd.ChangeSeverity(severity=_severity(level_text)))
    change = next(data for data in _payloads(events) if isinstance(data, ev.SeverityChanged))
    _say(ctx, words.describe(change).said)
    return EXIT_OK


def _phase(args: argparse.Namespace, ctx: Context) -> int:
    given, (phase_text,) = _split_id(args, 1)
    phase = parse.parse_phase(phase_text)
    _, events = _run(ctx, given, cmd.ChangePhase(phase=phase))
    change = next(data for data in _payloads(events) if isinstance(data, ev.PhaseChanged))
    _say(ctx, words.describe(change).said)
    return EXIT_OK


def _update(args: argparse.Namespace, ctx: Context) -> int:
    given, (audience_text, text) = _split_id(args, 2)
    try:
        audience = parse.parse_audience(audience_text)
    except DomainError as error:
        raise UsageError(f"{error} Usage: {_usage(args)}") from None
    store, events = _run(ctx, given, cmd.PostUpdate(audience=audience, text=text))
    now = events[-1].at
    _say(
        ctx,
        f"{audience.value.capitalize()} update recorded. "
        f"Next update: {_next_update_phrase(store.state, now)}.",
    )
    return EXIT_OK


def _resolve(args: argparse.Namespace, ctx: Context) -> int:
    store = _open(ctx, args.incident_id)
    events = store.execute(_resolve_command(store.state, args.open_work))
    state = store.state
    now = ctx.clock.now()
    _say(
        ctx,
        f"{_open_work_done(events)}"
        f"Incident {state.incident_id} resolved after {format_duration(state.elapsed(now))}. "
        "Close it with `ic close` when follow-up is done.",
    )
    return EXIT_OK


# -- resolve: what becomes of the open tasks and decisions (issue 11 §5) ----------------------
# Kept apart so that the split of this file can move it whole.


def _add_open_work_flags(parser: argparse.ArgumentParser) -> None:
    choice = parser.add_mutually_exclusive_group()
    choice.add_argument(
        "--keep-open",
        dest="open_work",
        action="store_const",
        const="keep",
        help="keep open tasks and decisions as follow-ups (they no longer raise alerts)",
    )
    choice.add_argument(
        "--cancel-open",
        dest="open_work",
        action="store_const",
        const="cancel",
        help="cancel the open tasks and withdraw the open decisions",
    )


def _resolve_command(state: IncidentState, open_work: str | None) -> cmd.Resolve:
    """Resolve, once told what becomes of open tasks and decisions (asked like the console).
    The flags hold plain strings: `ic --help` must not load the domain's models."""
    tasks, decisions = state.open_tasks(), state.open_decisions()
    if open_work is None and state.status is Status.ACTIVE and (tasks or decisions):
        still = " and ".join(
            f"{count} {word}{'s' * (count != 1)}"
            for count, word in ((len(tasks), "task"), (len(decisions), "decision"))
            if count
        )
        numbers = ", ".join([f"#{t.number}" for t in tasks] + [f"D{d.number}" for d in decisions])
        raise UsageError(
            f"{still} still open ({numbers}): add --keep-open to keep them as follow-ups, or "
            "--cancel-open to cancel the tasks and withdraw the decisions."
        )
    return cmd.Resolve(open_work=cmd.OpenWork(open_work or "keep"))


def _open_work_done(events: list[ev.Event]) -> str:
    """ "Cancelled 2 tasks and withdrew 1 decision. " when resolving did that."""
    payloads = _payloads(events)
    cancelled = sum(isinstance(data, ev.TaskCancelled) for data in payloads)
    withdrawn = sum(isinstance(data, ev.DecisionWithdrawn) for data in payloads)
    parts = [
        f"{verb} {count} {word}{'s' * (count != 1)}"
        for verb, count, word in (
            ("cancelled", cancelled, "task"),
            ("withdrew", withdrawn, "decision"),
        )
        if count
    ]
    return f"{' and '.join(parts).capitalize()}. " if parts else ""


def _close(args: argparse.Namespace, ctx: Context) -> int:
    store, _ = _run(ctx, args.incident_id, cmd.Close())
    _say(ctx, f"Incident {store.state.incident_id} closed. Nothing more can be recorded on it.")
    return EXIT_OK
