"""The record and the course of the incident: `ic log`, `sev`, `phase`, `update`, `resolve`
and `close`."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ic_console.cli import EXIT_OK, Context, UsageError, command_scale, verb
from ic_console.cli.common import (
    INCIDENT_HELP,
    cmd,
    done,
    ev,
    local,
    next_update_phrase,
    open_store,
    payloads,
    quote_hint,
    run,
    run_on,
    severity_of,
    split_id,
    usage_of,
    warn,
    words,
    words_verb,
)
from ic_console.domain import parse
from ic_console.domain.durations import check_before_declaration, format_duration, parse_when
from ic_console.domain.errors import DomainError
from ic_console.domain.model import Phase, Status
from ic_console.domain.zones import system_zone

if TYPE_CHECKING:
    from datetime import datetime

    from ic_console.domain.state import IncidentState
    from ic_console.store.incident import IncidentStore

    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]


def register(sub: SubParsers) -> None:
    """Add `log`, `sev`, `phase`, `update`, `resolve` and `close` to `ic`."""
    p = words_verb(
        sub,
        "log",
        _log,
        "add a scribe log entry",
        "ic log [ID] TEXT|- [--kind KIND] [--at WHEN]",
        "Entries noticed late keep both times: when it happened (--at) and when it was logged. "
        "--at may be at most 7 days ago and 24 hours before the incident was declared. "
        "TEXT - reads the entry from standard input (echo ... | ic log -).",
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
        help='when it happened, if earlier: ISO-8601, a local "HH:MM" not later than now, or '
        'how long ago, like "-10m", "-2h" or "-2d"',
    )
    p.add_argument(
        "--stdin", action="store_true", help="one entry per line from stdin (ic log --stdin [ID])"
    )

    words_verb(
        sub,
        "sev",
        _sev,
        "change the severity (1 most severe .. 5, or a configured name)",
        "ic sev [ID] N",
    )
    words_verb(
        sub,
        "phase",
        _phase,
        "move to another phase: " + ", ".join(phase.value for phase in Phase),
        "ic phase [ID] PHASE",
    )
    words_verb(
        sub,
        "update",
        _update,
        "record a stakeholder update that was sent",
        "ic update [ID] internal|external TEXT",
    )

    p = verb(sub, "resolve", _resolve, "customer impact has ended and the fix is verified")
    p.add_argument("incident_id", nargs="?", metavar="ID", help=INCIDENT_HELP)
    _add_open_work_flags(p)
    command_scale.add_override_flag(p)
    p = verb(sub, "close", _close, "follow-up is done: nothing more will be recorded")
    p.add_argument("incident_id", nargs="?", metavar="ID", help=INCIDENT_HELP)
    p = verb(
        sub,
        "reopen",
        _reopen,
        "make a resolved incident active again (the impact came back); recorded in its log",
    )
    p.add_argument(
        "incident_id",
        nargs="?",
        metavar="ID",
        help="the resolved incident: its id, any unique start of it, or the number `ic list` "
        "shows (default: the only resolved one)",
    )


def _log(args: argparse.Namespace, ctx: Context) -> int:
    kind = parse.parse_log_kind(args.kind)
    given, (text,) = split_id(args, 1) if not args.stdin else (None, ("",))
    # --at is read once the incident is open, on the clock it records on (`at_on_clock_of`).
    if args.stdin:
        from ic_console.cli.log_from_stdin import log_stdin

        return log_stdin(args, ctx, kind)
    if text == "-":
        text = _stdin_text()
    store = open_store(ctx, given, hint=quote_hint("log", args.words))
    occurred = at_on_clock_of(store, args.at)
    if occurred is not None:
        check_before_declaration(occurred, store.state.declared_at)
    command = cmd.AddLogEntry(text=text, kind=kind, occurred_at=occurred)
    events = run_on(ctx, store, command)
    entry = next(data for data in payloads(events) if isinstance(data, ev.LogEntryAdded))
    recorded = events[-1].at
    if entry.occurred_at is not None:
        done(
            ctx,
            f"Logged {kind.value} for {local(entry.occurred_at, recorded)} "
            f"(recorded {local(recorded, recorded)}).",
        )
    else:
        done(ctx, f"Logged {kind.value} at {local(recorded, recorded)}.")
    return EXIT_OK


def at_on_clock_of(store: IncidentStore, at: str | None) -> datetime | None:
    """`--at` read on the clock the incident records on: a drill's runs `--speed` times as
    fast as the wall clock, and "-5m" read on the wall clock was 45 minutes before the entry
    was recorded in a 20x drill 2 minutes in (and "14:20" of drill time was "later than
    now"). A real incident's clock is the wall clock."""
    if at is None:
        return None
    try:
        return parse_when(at, now=store.clock.now(), local_zone=system_zone(), yesterday=False)
    except DomainError as error:
        raise UsageError(f"--at: {error}") from None


def _stdin_text() -> str:
    """`ic log -`: the entry is what arrives on standard input (one trailing newline dropped)."""
    import sys

    if sys.stdin is None or sys.stdin.isatty():
        raise UsageError(
            "`ic log -` reads the entry from standard input, but that is the terminal: pipe the "
            'text in (echo "..." | ic log -), or give it in quotes.'
        )
    try:
        text = sys.stdin.read()
    except UnicodeDecodeError:
        raise UsageError("Standard input is not UTF-8 text; nothing was logged.") from None
    # One byte-order mark first is an editor's (Notepad's), not text: as Python's "utf-8-sig".
    text = text.removeprefix("\ufeff").removesuffix("\n").removesuffix("\r")
    if not text.strip():
        raise UsageError("Standard input was empty: nothing was logged.")
    return text


def _sev(args: argparse.Namespace, ctx: Context) -> int:
    given, (level_text,) = split_id(args, 1)
    _, events = run(ctx, given, cmd.ChangeSeverity(severity=severity_of(level_text)))
    change = next(data for data in payloads(events) if isinstance(data, ev.SeverityChanged))
    done(ctx, words.describe(change).said)
    return EXIT_OK


def _phase(args: argparse.Namespace, ctx: Context) -> int:
    given, (phase_text,) = split_id(args, 1)
    phase = parse.parse_phase(phase_text)
    _, events = run(ctx, given, cmd.ChangePhase(phase=phase))
    change = next(data for data in payloads(events) if isinstance(data, ev.PhaseChanged))
    done(ctx, words.describe(change).said)
    return EXIT_OK


def _update(args: argparse.Namespace, ctx: Context) -> int:
    given, (audience_text, text) = split_id(args, 2)
    try:
        audience = parse.parse_audience(audience_text)
    except DomainError as error:
        raise UsageError(f"{error} Usage: {usage_of(args)}") from None
    store, events = run(ctx, given, cmd.PostUpdate(audience=audience, text=text))
    now = events[-1].at
    done(
        ctx,
        f"{audience.value.capitalize()} update recorded. "
        f"Next update: {next_update_phrase(store.state, now, ctx.config.cadence())}.",
    )
    return EXIT_OK


def _resolve(args: argparse.Namespace, ctx: Context) -> int:
    store = open_store(ctx, args.incident_id)
    kept = [f"#{t.number}" for t in store.state.open_tasks()]
    kept += [f"D{d.number}" for d in store.state.open_decisions()]
    command = _resolve_command(store.state, args.open_work)
    override = command_scale.override_exit_criteria(args, ctx, store.state)  # issue 15
    events = run_on(ctx, store, command.model_copy(update={"override_exit_criteria": override}))
    state = store.state
    now = ctx.clock.now()
    if kept and args.open_work == "keep":
        warn(
            ctx,
            f"still open, kept as follow-ups: {', '.join(kept)}. Finish them with "
            "`ic task done N` or `ic decide accept|withdraw N`.",
        )
    done(
        ctx,
        f"{_open_work_done(events)}"
        f"Incident {state.incident_id} resolved after {format_duration(state.elapsed(now))}. "
        "Close it with `ic close` when follow-up is done.",
    )
    return EXIT_OK


# -- resolve: what becomes of the open tasks and decisions (issue 11 §5) ----------------------


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
    data = payloads(events)
    cancelled = sum(isinstance(item, ev.TaskCancelled) for item in data)
    withdrawn = sum(isinstance(item, ev.DecisionWithdrawn) for item in data)
    parts = [
        f"{done} {count} {word}{'s' * (count != 1)}"
        for done, count, word in (
            ("cancelled", cancelled, "task"),
            ("withdrew", withdrawn, "decision"),
        )
        if count
    ]
    return f"{' and '.join(parts).capitalize()}. " if parts else ""


def _close(args: argparse.Namespace, ctx: Context) -> int:
    store, _ = run(ctx, args.incident_id, cmd.Close())
    done(ctx, f"Incident {store.state.incident_id} closed. Nothing more can be recorded on it.")
    return EXIT_OK


def _reopen(args: argparse.Namespace, ctx: Context) -> int:
    given = args.incident_id
    if given is None:
        given = _only_resolved(ctx)
    store, events = run(ctx, given, cmd.Reopen())
    reopened = next(data for data in payloads(events) if isinstance(data, ev.IncidentReopened))
    now = events[-1].at
    cadence = ctx.config.cadence()
    done(
        ctx,
        f"{store.state.incident_id}: {words.describe(reopened).said} Tell the call and the "
        f"stakeholders; next update: {next_update_phrase(store.state, now, cadence)}.",
    )
    return EXIT_OK


def _only_resolved(ctx: Context) -> str:
    """`ic reopen` without an id: the one resolved incident, else say which to name."""
    from ic_console.store.catalog import list_incidents

    resolved = [
        info.incident_id
        for info in list_incidents(ctx.home)
        if info.problem is None and info.status == Status.RESOLVED.value
    ]
    if len(resolved) == 1:
        return resolved[0]
    if not resolved:
        raise UsageError("No incident is resolved, so there is none to reopen.")
    raise UsageError(
        f"Several incidents are resolved; name the one to reopen: {', '.join(resolved)}."
    )
