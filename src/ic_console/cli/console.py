"""The console verbs: `ic` alone, `ic open [ID]`, `ic watch [ID]` and `ic demo`.

Textual is imported only inside these functions, so `ic --help` and the scripted verbs never
pay for it.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from ic_console.cli import Context, UsageError, verb

if TYPE_CHECKING:
    from ic_console.tui.app import ConsoleApp

    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]


def register(sub: SubParsers) -> None:
    opener = verb(
        sub,
        "open",
        _open_verb,
        "open the console on an incident (with no ID: the only active one, else a list)",
    )
    opener.add_argument("incident_id", nargs="?", metavar="ID", help="the incident to open")
    opener.add_argument(
        "--read-only", action="store_true", help="observe only: nothing can be recorded"
    )
    watcher = verb(
        sub,
        "watch",
        _watch_verb,
        "the Deputy's view of an incident open elsewhere: timers, who to chase, the log tail",
    )
    watcher.add_argument("incident_id", nargs="?", metavar="ID", help="the incident to watch")
    watcher.add_argument(
        "--read-only", action="store_true", help="observe only: nothing can be recorded"
    )
    verb(
        sub,
        "demo",
        _demo_verb,
        "open the console on a realistic demo incident, in a throwaway directory",
    )


def default(args: argparse.Namespace, ctx: Context) -> int:
    """`ic` with no verb: the only active incident, else a list and a "declare new" form."""
    return open_incident(ctx, None)


def _open_verb(args: argparse.Namespace, ctx: Context) -> int:
    return open_incident(ctx, args.incident_id, read_only=args.read_only)


def _watch_verb(args: argparse.Namespace, ctx: Context) -> int:
    from ic_console.store.catalog import resolve_incident_id

    # The Deputy watches an incident that exists: the only active one, or the one named.
    incident_id = resolve_incident_id(ctx.home, args.incident_id)
    return _run(build_app(ctx, incident_id, watch=True, read_only=args.read_only))


def open_incident(ctx: Context, incident_id: str | None, *, read_only: bool = False) -> int:
    """Run the console on `incident_id` (None: let the console find or offer one)."""
    from ic_console.store.catalog import resolve_incident_id

    if incident_id is not None:
        # A wrong id is one line on stderr, before any screen is drawn.
        incident_id = resolve_incident_id(ctx.home, incident_id)
    return _run(build_app(ctx, incident_id, read_only=read_only))


def build_app(
    ctx: Context,
    incident_id: str | None,
    *,
    actor: str | None = None,
    watch: bool = False,
    read_only: bool = False,
) -> ConsoleApp:
    """The console for the CLI: the user's configuration applied to `make_app`."""
    from ic_console.content.config import load_config
    from ic_console.tui.config import ConfigError
    from ic_console.tui.factory import make_app

    config, problems = load_config()
    if problems:
        details = "; ".join(str(problem) for problem in problems)
        raise UsageError(f"the configuration cannot be used: {details}")
    clock = ctx.clock
    if incident_id is not None:
        from ic_console.live.drill import clock_for  # a drill runs on its own, faster clock

        clock = clock_for(ctx.home, incident_id, clock)
    try:
        return make_app(
            ctx.home,
            actor or ctx.actor,
            incident_id=incident_id,
            clock=clock,
            config=config,
            watch=watch,
            read_only=read_only,
        )
    except ConfigError as error:
        raise UsageError(str(error)) from None


def _run(app: ConsoleApp) -> int:
    try:
        app.run()
    finally:
        app.leave_presence()
    if app.failure:
        print(app.failure, file=sys.stderr)
    return app.return_code or 0


def _demo_verb(args: argparse.Namespace, ctx: Context) -> int:
    from ic_console.demo import IC, build_demo

    home = Path(tempfile.mkdtemp(prefix="ic-demo-"))
    try:
        incident_id = build_demo(home)
        demo_ctx = Context(home=home, actor_given=IC, clock=ctx.clock, out=ctx.out, err=ctx.err)
        return _run(build_app(demo_ctx, incident_id, actor=IC))
    finally:
        shutil.rmtree(home, ignore_errors=True)
