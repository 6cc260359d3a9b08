"""Declaring and looking: `ic new`, `ic list` and `ic show`."""

from __future__ import annotations

import argparse
import importlib
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from ic_console.cli import EXIT_FAILURE, EXIT_OK, Context, UsageError, lazy_import, verb
from ic_console.cli import command_scale as scale
from ic_console.cli.common import (
    cmd,
    due_phrase,
    local,
    next_update_phrase,
    open_store,
    say,
    say_json,
    severity_of,
    warn,
)
from ic_console.domain.durations import format_duration, parse_when, resolve_local
from ic_console.domain.errors import DomainError
from ic_console.domain.model import SINGLE_ROLES, Status, severity_label
from ic_console.domain.text import clean_name, clean_title, literal
from ic_console.domain.zones import system_zone

if TYPE_CHECKING:
    from ic_console.domain import views
    from ic_console.domain.records import Task
    from ic_console.domain.state import IncidentState
    from ic_console.store.catalog import IncidentInfo

    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]
else:
    # Loaded on first use: `ic --help` never builds the pydantic models behind the verbs.
    views = lazy_import("ic_console.domain.views")

#: How many scribe log lines `ic show` prints.
SHOW_LOG_LINES = 5

_PLAIN_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def register(sub: SubParsers) -> None:
    """Add `new`, `list` and `show` to `ic`."""
    p = verb(sub, "new", _new, "declare a new incident and print its id")
    p.add_argument(
        "title", nargs="?", metavar="TITLE", help="what is wrong, in a few words (quote it)"
    )
    p.add_argument("--sev", metavar="N", help="severity 1 (most severe) to 5 (default: 2)")
    p.add_argument("--id", dest="incident_id", metavar="ID", help="choose the incident id")
    p.add_argument("--open", action="store_true", help="open the console once it is declared")
    p.add_argument(
        "--from",
        dest="from_source",
        choices=("alertmanager", "pagerduty"),
        help="declare from an alert payload on stdin (Alertmanager webhook v4, PagerDuty v3)",
    )
    p.add_argument(
        "--dedupe",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="with --from: log to the active incident that has the same alert (default: on)",
    )

    p = verb(sub, "list", _list, "list incidents (active ones unless told otherwise)")
    p.add_argument("--all", action="store_true", help="every incident, whatever its status")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--status", metavar="S", help="only this status: active, resolved or closed")
    p.add_argument("--sev", metavar="N", help="only this severity, 1 to 5")
    p.add_argument("--since", metavar="DATE", help="declared at or after DATE (ISO-8601)")
    p.add_argument(
        "--until", metavar="DATE", help="declared before DATE (a plain date: to its end)"
    )
    p.add_argument("--drills", action="store_true", help="list drills too (ic drill)")

    p = verb(sub, "show", _show, "show where an incident stands")
    p.add_argument("incident_id", nargs="?", metavar="ID")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")


def _new(args: argparse.Namespace, ctx: Context) -> int:
    from ic_console.store.catalog import new_incident_id
    from ic_console.store.incident import IncidentStore

    if args.from_source is not None:
        from ic_console.cli.integrations import new_from_alert

        return new_from_alert(args, ctx)
    if args.title is None:
        raise UsageError('Say what is wrong: ic new "TITLE" (or ic new --from SOURCE < payload).')

    level = severity_of(args.sev) if args.sev is not None else 2
    title = clean_title(args.title)
    actor = clean_name(ctx.actor, what="declarer's name")
    now = ctx.clock.now()
    incident_id = args.incident_id or new_incident_id(ctx.home, title, now)
    declare = cmd.Declare(incident_id=incident_id, title=title, severity=level)
    store = IncidentStore.create(ctx.home, declare, clock=ctx.clock, actor=actor)
    for notice in store.notices:
        warn(ctx, notice.message)
    say(ctx, store.incident_id)
    from ic_console.cli.integrations import after_recorded
    from ic_console.live.hooks import declared_events

    after_recorded(ctx, store.incident_id, declared_events(store))
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
        warn(
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
        severity=severity_of(args.sev) if args.sev is not None else None,
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
        for info in list_incidents(
            ctx.home, on_problem=lambda text: warn(ctx, text), drills=args.drills
        )
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
                warn(ctx, f"{info.directory}: skipped ({error})")
                continue
            for notice in store.notices:
                warn(ctx, notice.message)
            rows.append(views.summary_view(store.state, now))
        say_json(ctx, rows)
        return EXIT_OK
    if not infos:
        if args.all or args.status or args.sev or args.since or args.until:
            say(ctx, "No incidents match.")
        else:
            say(
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
        say(ctx, "  ".join([*cells, row[-1]]))
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
    store = open_store(ctx, args.incident_id, read_only=True)
    if not store.state.declared:
        raise UsageError(
            f"Incident {store.incident_id} has no readable events, so there is nothing to show "
            "(see the message above about its log)."
        )
    now = ctx.clock.now()
    if args.json:
        say_json(
            ctx, {**views.incident_view(store.state, now), **scale.show_json(store.state, now)}
        )
        return EXIT_OK
    for line in scale.show_lines(store.state, now):  # the state at a glance (issue 15)
        say(ctx, line)
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
    lines.append(f"Next update: {next_update_phrase(state, now)}")
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
