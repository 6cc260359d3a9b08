"""`ic list`: the incidents, filtered by status, severity and dates, as a table for a terminal
(columns measured in terminal cells, the title cut to its width) or as JSON for a script.

Registered with `ic new` and `ic show` (`cli/declare.py`, so `ic --help` lists them together);
this module is imported only when `ic list` runs.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from ic_console.cli import EXIT_OK, Context, UsageError, lazy_import
from ic_console.cli.common import (
    LATE_STYLE,
    OVERDUE_STYLE,
    local,
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
from ic_console.domain.text import literal
from ic_console.domain.zones import system_zone

if TYPE_CHECKING:
    from ic_console.domain import views
    from ic_console.domain.state import IncidentState
    from ic_console.store.catalog import IncidentInfo
else:
    # Loaded on first use, as in `cli/declare.py`.
    views = lazy_import("ic_console.domain.views")

_PLAIN_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


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


def list_verb(args: argparse.Namespace, ctx: Context) -> int:
    """`ic list`: the incidents kept by the filters, as a table or JSON."""
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
            try:
                store = IncidentStore.open(ctx.home, info.incident_id, read_only=True)
            except (StoreError, DomainError, OSError) as error:
                if info.problem is not None:
                    rows.append(_damaged_row(info))
                else:
                    warn(ctx, f"{info.directory}: skipped ({error})")
                continue
            for notice in store.notices:
                warn(ctx, notice.message)
            if info.problem is not None and not store.state.declared:
                rows.append(_damaged_row(info))
                continue
            row = views.summary_view(
                store.state, _now_of(store.state, ctx, now), ctx.config.cadence()
            )
            if info.problem is not None:
                # The short form of what can be read (as `ic show` shows it, read-only): a
                # damaged log neither breaks the row's fields nor hides its late work.
                row.update(damaged=info.problem, directory=str(info.directory))
            rows.append(row)
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
    # Numbers as every verb takes them (`cli/ids.py`): the real incidents', never a drill's.
    from ic_console.domain.drill import is_drill_id

    real = [info for info in every if not is_drill_id(info.incident_id)]
    _print_table(ctx, infos, numbered(real), now, [info.incident_id for info in every])
    return EXIT_OK


@dataclass(frozen=True)
class _Cell:
    text: str
    style: str | None = None


#: The columns before the title, in order.
_HEADER = ("#", "ID", "SEV", "STATUS", "PHASE", "DECLARED", "IC", "OVERDUE", "UPDATE")
#: Cells a title keeps at least at a terminal before other columns make room for it.
TITLE_ROOM = 16
#: Cells the IC's name keeps when the table is cut to the terminal ("Priya Raman-Subra…").
IC_CELLS = 12


def _print_table(
    ctx: Context,
    infos: list[IncidentInfo],
    numbers: dict[str, int],
    now: datetime,
    every_id: list[str] | None = None,
) -> None:
    """The `ic list` table: one row per incident. At a terminal it fits its width (`_fit`);
    in a pipe every column is whole, for the program reading it."""
    columns: list[list[_Cell]] = [[_Cell(name)] for name in _HEADER]
    titles = ["TITLE"]
    declared: list[datetime | None] = [None]
    for info in infos:
        title = info.title
        if info.problem is not None:
            title = f"{title} [damaged: {info.problem}]".lstrip()
        overdue, update = _timers(ctx, info, now)
        row = (
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
        )
        for column, cell in zip(columns, row, strict=True):
            column.append(cell)
        titles.append(literal(title))
        declared.append(info.declared_at)
    room = _terminal_columns(ctx)
    if room is not None:
        _fit(columns, room, declared, now, [info.incident_id for info in infos], every_id or [])
    widths = [max(_cells(cell.text) for cell in column) for column in columns]
    title_room = None if room is None else max(room - sum(widths) - 2 * len(widths), 10)
    for n, title in enumerate(titles):
        cells = [
            paint(ctx, column[n].text, column[n].style) + " " * (width - _cells(column[n].text))
            for column, width in zip(columns, widths, strict=True)
        ]
        if title_room is not None and _cells(title) > title_room:
            title = _cut(title, title_room - 1) + "…" if title_room > 1 else ""
        print("  ".join([*cells, title]).rstrip(), file=ctx.out)


def _fit(
    columns: list[list[_Cell]],
    room: int,
    declared: list[datetime | None],
    now: datetime,
    ids: list[str],
    every_id: list[str],
) -> None:
    """Make the table fit `room` cells with `TITLE_ROOM` left for the title, one step at a
    time, each only while it does not fit yet: the date said short (the time today, else the
    day); STATUS left out when every row has the same; the id cut to the shortest start that
    still names each incident alone (any verb takes it; it gets back what is left over); the
    IC's name cut; then DECLARED, PHASE, STATUS and IC left out, in that order, and those
    that fit again in the room the last one freed put back (IC first). Rows that wrapped at 80
    columns (an incident of another day took 110 cells) no longer do."""

    def fits() -> bool:
        used = sum(max(_cells(cell.text) for cell in column) + 2 for column in columns)
        return used + TITLE_ROOM <= room

    dropped: dict[str, list[_Cell]] = {}

    def drop(name: str) -> None:
        for n, column in enumerate(columns):
            if column[0].text == name:
                dropped[name] = columns.pop(n)
                return

    def restore(name: str) -> None:
        """Put a dropped column back in its place (by `_HEADER`) if the table still fits."""
        back = dropped.pop(name)
        place = sum(1 for c in columns if _HEADER.index(c[0].text) < _HEADER.index(name))
        columns.insert(place, back)
        if not fits():
            del columns[place]

    def column(name: str) -> list[_Cell] | None:
        return next((c for c in columns if c[0].text == name), None)

    if fits():
        return
    dates = column("DECLARED")
    if dates is not None:
        for n, when in enumerate(declared[1:], start=1):
            if when is not None:
                dates[n] = _Cell(_short_local(when, now), dates[n].style)
    if fits():
        return
    status = column("STATUS")
    if status is not None and len({cell.text for cell in status[1:]}) == 1:
        drop("STATUS")
        del dropped["STATUS"]  # said by every row alike: never put back
    if fits():
        return
    shown_ids = column("ID")

    def cut_ids(cut: int) -> None:
        if shown_ids is not None:
            for n, incident_id in enumerate(ids, start=1):
                shown_ids[n] = _Cell(literal(incident_id[:cut]), shown_ids[n].style)

    shortest = max((_unique_start(incident_id, every_id) for incident_id in ids), default=0)
    cut_ids(shortest)
    if not fits():
        people = column("IC")
        if people is not None:
            for n, cell in enumerate(people[1:], start=1):
                if _cells(cell.text) > IC_CELLS:
                    people[n] = _Cell(_cut(cell.text, IC_CELLS - 1) + "…", cell.style)
    dropping = ("DECLARED", "PHASE", "STATUS", "IC")
    for name in dropping:
        if fits():
            break
        drop(name)
    # The last one dropped may have freed room for a narrower one dropped before it: the
    # most needed first (a STATUS every row shares stays out).
    for name in reversed(dropping):
        if name in dropped:
            restore(name)
    # The id takes back what is left beyond the title's share, up to whole.
    used = sum(max(_cells(cell.text) for cell in c) + 2 for c in columns)
    cut_ids(max(shortest, room - TITLE_ROOM - used + shortest))


def _short_local(when: datetime, now: datetime) -> str:
    """DECLARED said short: "14:05 UTC" today, else the local date ("2026-11-23")."""
    try:
        here, today = when.astimezone(), now.astimezone().date()
    except (ValueError, OverflowError):  # a TZ Python refuses, as `local` says it
        here, today = when.astimezone(UTC), now.astimezone(UTC).date()
    if here.date() == today:
        return local(when, now)
    return f"{here:%Y-%m-%d}"


def _unique_start(incident_id: str, every_id: list[str]) -> int:
    """The length of the shortest start of `incident_id` that no other id starts with and
    that a verb reads as an id, not as the `#` number (`cli/ids.py`: up to six digits)."""
    from ic_console.domain.drill import DRILL_PREFIX

    others = [other for other in every_id if other != incident_id]
    # A drill is found by a start only when it says "drill-" (`cli/ids.py`): never cut shorter.
    shortest = len(DRILL_PREFIX) + 1 if incident_id.startswith(DRILL_PREFIX) else 1
    for length in range(shortest, len(incident_id) + 1):
        start = incident_id[:length]
        if (start.isdigit() and length <= 6) or start.endswith("-"):
            continue  # a number names another incident; "20261123-" reads as cut short
        if not any(other.startswith(start) for other in others):
            return length
    return len(incident_id)


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


def _terminal_columns(ctx: Context) -> int | None:
    """The terminal's width ($COLUMNS, else its size); None: not a terminal, no limit."""
    import shutil

    if not colour_terminal(ctx):
        return None  # a pipe or a file gets whole columns, for the program reading them
    return shutil.get_terminal_size((100, 24)).columns


def colour_terminal(ctx: Context) -> bool:
    isatty = getattr(ctx.out, "isatty", None)
    return bool(isatty and isatty())


def _timers(ctx: Context, info: IncidentInfo, now: datetime) -> tuple[_Cell, _Cell]:
    """Overdue tasks and when the next update is due, for an active incident that opens."""
    from ic_console.store.errors import StoreError
    from ic_console.store.incident import IncidentStore

    if info.problem is None and info.status != Status.ACTIVE.value:
        return _Cell("-"), _Cell("-")
    try:
        # A damaged log opens read-only, up to the damage (as `ic show` reads it): its late
        # work is shown, not hidden behind "damaged".
        store = IncidentStore.open(ctx.home, info.incident_id, read_only=True)
    except (StoreError, DomainError, OSError):
        return _Cell("?"), _Cell("?")
    state = store.state
    if state.status is not Status.ACTIVE:
        return _Cell("-"), _Cell("-")
    now = _now_of(state, ctx, now)
    late = [task for task in state.open_tasks() if now >= task.deadline]
    overdue = _Cell(str(len(late)), OVERDUE_STYLE) if late else _Cell("0")
    due = state.next_update_due(ctx.config.cadence())
    if due is None:
        return overdue, _Cell("none")
    if now >= due:
        return overdue, _Cell(f"late {format_duration(now - due)}", LATE_STYLE)
    return overdue, _Cell(f"in {format_duration(due - now)}")


def _now_of(state: IncidentState, ctx: Context, now: datetime) -> datetime:
    """`now` on the incident's clock: a drill (`--drills`) runs on its own, `--speed` times as
    fast as the wall clock, and its timers read as its console shows them."""
    if not state.drill:
        return now
    from ic_console.live.drill import briefing_may_be_open, drill_clock_of

    open_briefing = briefing_may_be_open(ctx.home, state.incident_id, state, ctx.clock)
    clock = drill_clock_of(state, ctx.clock, briefing_open=open_briefing)
    return clock.now() if clock is not None else now


def _damaged_row(info: IncidentInfo) -> dict[str, object]:
    """`ic list --json` row for an incident that cannot be read whole."""
    return {
        "id": info.incident_id,
        "title": info.title,
        "status": info.status,
        "damaged": info.problem,
        "directory": str(info.directory),
    }
