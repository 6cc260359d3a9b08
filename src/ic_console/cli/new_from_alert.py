"""`ic new --from SOURCE`: an alert's payload on stdin declares an incident, or is logged to the
active incident that already took it in (`--dedupe`). The flags are `ic new`'s (cli/declare.py);
the payload is parsed in domain/alert_payloads.py.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ic_console.cli import EXIT_OK, Context, UsageError
from ic_console.cli.common import after_recorded, cmd, open_store, say, severity_of, warn
from ic_console.cli.log_from_stdin import UTF8_BOM
from ic_console.domain.errors import DomainError
from ic_console.domain.text import clean_name, clean_title, literal

if TYPE_CHECKING:
    from ic_console.domain.alert_payloads import Alert
    from ic_console.domain.tool_commands import ReceiveAlert


def read_stdin(limit: int, example: str) -> bytes:
    """All of stdin, at most `limit` bytes; a terminal on stdin is a mistake, said plainly."""
    stream = sys.stdin
    if stream is None or stream.isatty():
        raise UsageError(f"Nothing is piped in: {example}")
    data = stream.buffer.read(limit + 1)
    # One byte-order mark first is an editor's, not the payload's: JSON refused it.
    return data.removeprefix(UTF8_BOM)


def new_from_alert(args: argparse.Namespace, ctx: Context) -> int:
    """`ic new --from SOURCE`: declare from an alert, or log it to the incident that has it."""
    from ic_console.content.config import load_config
    from ic_console.domain.alert_payloads import MAX_PAYLOAD_BYTES, alert_severity, parse_alert

    source = args.from_source
    payload = read_stdin(MAX_PAYLOAD_BYTES, f"ic new --from {source} < payload.json")
    try:
        alert = parse_alert(source, payload)
    except RecursionError:
        # Thousands of brackets inside each other: the JSON reader gives up (a traceback).
        raise UsageError(
            f"the {source} payload is nested too deeply to be an alert (brackets inside "
            "brackets, thousands deep): check what sends it."
        ) from None
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


def _receive(alert: Alert, *, entries: bool) -> ReceiveAlert:
    from ic_console.domain.tool_commands import ReceiveAlert

    return ReceiveAlert(
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
    return EXIT_OK
