"""Declaring and looking: `ic new`, `ic list` and `ic show` (`ic list` itself is in
`cli/listing.py`, imported when it runs)."""

from __future__ import annotations

import argparse
import importlib
from typing import TYPE_CHECKING

from ic_console.cli import EXIT_FAILURE, EXIT_OK, Context, UsageError, lazy_import, verb
from ic_console.cli import command_scale as scale
from ic_console.cli.common import (
    INCIDENT_HELP,
    OVERDUE_STYLE,
    after_recorded,
    cmd,
    local,
    needs_terminal,
    open_store,
    paint,
    say,
    say_json,
    severity_of,
    severity_style,
    warn,
)
from ic_console.domain.model import Status, severity_label
from ic_console.domain.text import clean_name, clean_title, literal

if TYPE_CHECKING:
    from ic_console.domain import views
    from ic_console.store.catalog import IncidentInfo

    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]
else:
    # Loaded on first use: `ic --help` never builds the pydantic models behind the verbs.
    views = lazy_import("ic_console.domain.views")


def register(sub: SubParsers) -> None:
    """Add `new`, `list` and `show` to `ic`."""
    p = verb(sub, "new", _new, "declare a new incident and print its id")
    p.add_argument(
        "title",
        nargs="?",
        metavar="TITLE",
        help="what is wrong, in a few words (quote it); optional with --from",
    )
    p.add_argument(
        "--sev",
        metavar="N",
        help="severity 1 (most severe) to 5, or its configured name (default: 2)",
    )
    p.add_argument(
        "--id",
        dest="incident_id",
        metavar="ID",
        help="choose the incident id (default: the date and the title, like 20261123-checkout)",
    )
    p.add_argument(
        "--open", action="store_true", help="open the console once it is declared (a terminal)"
    )
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
    p.add_argument("--sev", metavar="N", help="only this severity, 1 to 5 (or its name)")
    p.add_argument("--since", metavar="DATE", help="declared at or after DATE (ISO-8601)")
    p.add_argument(
        "--until", metavar="DATE", help="declared before DATE (a plain date: to its end)"
    )
    p.add_argument("--drills", action="store_true", help="list drills too (ic drill)")

    p = verb(sub, "show", _show, "show where an incident stands")
    p.add_argument("incident_id", nargs="?", metavar="ID", help=INCIDENT_HELP)
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument(
        "--all",
        dest="every",
        action="store_true",
        help=f"name every person on the call and every decision taken (by default the first "
        f"{scale.SHOW_MOST} and the latest {scale.SHOW_MOST}, and how many more)",
    )


def _new(args: argparse.Namespace, ctx: Context) -> int:
    from ic_console.store.catalog import new_incident_id
    from ic_console.store.incident import IncidentStore

    if args.from_source is not None:
        if args.open:
            # Refused before reading the payload: nothing is declared half-way.
            raise UsageError(
                f"--open needs the terminal's keys, and --from {args.from_source} reads the "
                f"alert from standard input: declare with `ic new --from {args.from_source} "
                "< payload.json`, then open it with `ic open ID`."
            )
        from ic_console.cli.new_from_alert import new_from_alert

        return new_from_alert(args, ctx)
    if args.title is None:
        raise UsageError('Say what is wrong: ic new "TITLE" (or ic new --from SOURCE < payload).')

    if args.incident_id is not None and not args.incident_id.strip():
        raise UsageError(
            '--id is empty: give an id such as "checkout-eu", or leave --id out to have one made '
            "from the date and the title."
        )
    if args.open:
        needs_terminal("`ic new --open`")  # before declaring: nothing half-done in a script
    level = severity_of(args.sev) if args.sev is not None else 2
    title = clean_title(args.title)
    actor = clean_name(ctx.actor, what="declarer's name")
    now = ctx.clock.now()
    same = _active_with_title(ctx, title)
    incident_id = args.incident_id or new_incident_id(ctx.home, title, now)
    declare = cmd.Declare(incident_id=incident_id, title=title, severity=level)
    store = IncidentStore.create(ctx.home, declare, clock=ctx.clock, actor=actor)
    for notice in store.notices:
        warn(ctx, notice.message)
    say(ctx, store.incident_id)
    from ic_console.live.hooks import declared_events

    after_recorded(ctx, store.incident_id, declared_events(store))
    for other in same:
        warn(
            ctx,
            f"incident {other.incident_id} is already active with this title (declared "
            f"{local(other.declared_at, now) if other.declared_at else 'earlier'}); "
            f"{store.incident_id} was declared as a second incident. If you meant the first, "
            f"use it (`ic show {other.incident_id}`) and resolve this one.",
        )
    print(
        f"Declared {severity_label(level)} incident {store.incident_id}: {title}. "
        f"Recorded for {actor}. Name the Incident Commander with `ic role ic NAME`.",
        file=ctx.err,
    )
    if args.open:
        return _open_console(ctx, store.incident_id)
    return EXIT_OK


def _active_with_title(ctx: Context, title: str) -> list[IncidentInfo]:
    """Active incidents declared with the same title (any case, any spacing)."""
    from ic_console.store.catalog import list_incidents

    def folded(text: str) -> str:
        return " ".join(text.casefold().split())

    wanted = folded(title)
    return [
        info
        for info in list_incidents(ctx.home)
        if info.problem is None
        and info.status == Status.ACTIVE.value
        and folded(info.title) == wanted
    ]


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


def _list(args: argparse.Namespace, ctx: Context) -> int:
    from ic_console.cli.listing import list_verb

    return list_verb(args, ctx)


def _show(args: argparse.Namespace, ctx: Context) -> int:
    store = open_store(ctx, args.incident_id, read_only=True)
    if not store.state.declared:
        # The message above, when reading the log said one (a torn line moved aside); else
        # the log is empty or holds no declaration, and "see above" pointed at nothing.
        why = (
            "see the message above about its log"
            if store.notices
            else f"its log {store.log.path} holds no declaration: the folder was copied part-way, "
            "or made by hand"
        )
        raise UsageError(
            f"Incident {store.incident_id} has no readable events, so there is nothing to show "
            f"({why})."
        )
    # The store's clock: a drill's own (`open_store`), so its timers read as its console shows.
    now = store.clock.now()
    if args.json:
        from ic_console.domain.followup_ids import order_key

        say_json(
            ctx,
            {
                # The log's rows made as they are written (`say_json` writes as it goes).
                **views.incident_view(store.state, now, ctx.config.cadence(), rows_as_made=True),
                **scale.show_json(store.state, now),
                # Where each follow-up item went (`ic followups mark`, issue 17).
                "followups_tracked": [
                    {"item": item, "url": url}
                    for item, url in sorted(
                        store.state.followups_tracked.items(), key=lambda kv: order_key(kv[0])
                    )
                ],
            },
        )
        return EXIT_OK
    # The state at a glance (issue 15), by the configured update cadence (issue 18).
    from ic_console.cli.listing import _terminal_columns

    # Each recent log entry on one line: the terminal's width, else `SHOW_COLUMNS`.
    width = _terminal_columns(ctx) or scale.SHOW_COLUMNS
    lines = scale.show_lines(store.state, now, ctx.config.cadence(), every=args.every, width=width)
    label = severity_label(store.state.severity)
    severity_line = f"Severity and phase: {label}"
    for line in lines:
        text = literal(line)
        if text.startswith(severity_line):
            start = len(severity_line) - len(label)
            painted = paint(ctx, label, severity_style(store.state.severity))
            text = text[:start] + painted + text[len(severity_line) :]
        elif " - overdue by " in text or text.startswith("Next update: overdue"):
            text = paint(ctx, text, OVERDUE_STYLE)
        print(text, file=ctx.out)
    return EXIT_OK
