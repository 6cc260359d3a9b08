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
    INCIDENT_HELP,
    LATE_STYLE,
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
from ic_console.cli.ids import numbered
from ic_console.domain.durations import format_duration, parse_when, resolve_local
from ic_console.domain.errors import DomainError
from ic_console.domain.model import Status, severity_label
from ic_console.domain.text import clean_name, clean_title, literal
from ic_console.domain.zones import system_zone

if TYPE_CHECKING:
    from ic_console.domain import views
    from ic_console.store.catalog import IncidentInfo

    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]
else:
    # Loaded on first use: `ic --help` never builds the pydantic models behind the verbs.
    views = lazy_import("ic_console.domain.views")

_PLAIN_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


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
    every = list_incidents(ctx.home, on_problem=lambda text: warn(ctx, text), drills=args.drills)
    infos = [info for info in every if keep.keeps(info)]
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
            rows.append(views.summary_view(store.state, now, ctx.config.cadence()))
        say_json(ctx, rows)
        return EXIT_OK
    if not infos:
        from ic_console.store.paths import incidents_dir

        searched = incidents_dir(ctx.home)
        if args.all or args.status or args.sev or args.since or args.until:
            say(ctx, f"No incidents match in {searched}.")
        else:
            say(
                ctx,
                f"No active incidents in {searched}. Declare one with `ic new TITLE`; "
                "`ic list --all` shows resolved and closed ones too (--home or "
                "$IC_CONSOLE_HOME picks another data folder).",
            )
        return EXIT_OK
    _print_table(ctx, infos, numbered(every), now)
    return EXIT_OK


@dataclass(frozen=True)
class _Cell:
    text: str
    style: str | None = None


def _print_table(
    ctx: Context, infos: list[IncidentInfo], numbers: dict[str, int], now: datetime
) -> None:
    """The `ic list` table: one row per incident, the title cut to the terminal's width."""
    header = ("#", "ID", "SEV", "STATUS", "PHASE", "DECLARED", "IC", "OVERDUE", "UPDATE", "TITLE")
    rows: list[tuple[_Cell, ...]] = [tuple(_Cell(text) for text in header)]
    for info in infos:
        title = info.title
        if info.problem is not None:
            title = f"{title} [damaged: {info.problem}]".lstrip()
        overdue, update = _timers(ctx, info, now)
        rows.append(
            (
                _Cell(str(numbers.get(info.incident_id, "-"))),
                _Cell(literal(info.incident_id)),
                _Cell(
                    severity_label(info.severity) if info.severity else "-",
                    severity_style(info.severity),
                ),
                _Cell("damaged" if info.problem is not None else info.status),
                _Cell(info.phase or "-"),
                _Cell(local(info.declared_at, now) if info.declared_at else "-"),
                _Cell(literal(info.ic or "-")),
                overdue,
                update,
                _Cell(literal(title)),
            )
        )
    widths = [max(_cells(row[i].text) for row in rows) for i in range(len(header) - 1)]
    room = _title_room(ctx, sum(widths) + 2 * (len(widths)))
    for row in rows:
        cells = [
            paint(ctx, cell.text, cell.style) + " " * (width - _cells(cell.text))
            for cell, width in zip(row, widths, strict=False)
        ]
        title = row[-1].text
        if room is not None and _cells(title) > room:
            title = _cut(title, room - 1) + "…" if room > 1 else ""
        print("  ".join([*cells, title]).rstrip(), file=ctx.out)


def _cells(text: str) -> int:
    """Terminal cells `text` takes: a CJK character or an emoji takes two (columns were padded
    by characters, and a name in Japanese pushed the rest of its row out of line)."""
    if text.isascii():
        return len(text)
    from rich.cells import cell_len  # only for such text: `ic list` starts without Rich

    return cell_len(text)


def _cut(text: str, cells: int) -> str:
    """The start of `text` that fits in `cells` terminal cells."""
    if text.isascii():
        return text[: max(cells, 0)]
    from rich.cells import set_cell_size

    return set_cell_size(text, max(cells, 0)).rstrip(" ")


def _title_room(ctx: Context, used: int) -> int | None:
    """Columns left for the title at a terminal ($COLUMNS, else its size); None: no limit."""
    import shutil

    if not colour_terminal(ctx):
        return None  # a pipe or a file gets whole titles, for the program reading them
    columns = shutil.get_terminal_size((100, 24)).columns
    return max(columns - used, 10)


def colour_terminal(ctx: Context) -> bool:
    isatty = getattr(ctx.out, "isatty", None)
    return bool(isatty and isatty())


def _timers(ctx: Context, info: IncidentInfo, now: datetime) -> tuple[_Cell, _Cell]:
    """Overdue tasks and when the next update is due, for an active incident that opens."""
    from ic_console.store.errors import StoreError
    from ic_console.store.incident import IncidentStore

    if info.problem is not None or info.status != Status.ACTIVE.value:
        return _Cell("-"), _Cell("-")
    try:
        store = IncidentStore.open(ctx.home, info.incident_id, read_only=True)
    except (StoreError, DomainError, OSError):
        return _Cell("?"), _Cell("?")
    state = store.state
    late = [task for task in state.open_tasks() if now >= task.deadline]
    overdue = _Cell(str(len(late)), OVERDUE_STYLE) if late else _Cell("0")
    due = state.next_update_due(ctx.config.cadence())
    if due is None:
        return overdue, _Cell("none")
    if now >= due:
        return overdue, _Cell(f"late {format_duration(now - due)}", LATE_STYLE)
    return overdue, _Cell(f"in {format_duration(due - now)}")


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
        from ic_console.domain.followup_ids import order_key

        say_json(
            ctx,
            {
                **views.incident_view(store.state, now, ctx.config.cadence()),
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
    lines = scale.show_lines(store.state, now, ctx.config.cadence(), every=args.every)
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
