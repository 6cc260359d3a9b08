"""The console verbs: `ic` alone, `ic open [ID]`, `ic watch [ID]` and `ic demo`.

Textual is imported only inside these functions, so `ic --help` and the scripted verbs never
pay for it. Each checks first that stdin and stdout are a terminal: without one a screen would
wait forever, so they stop at once with exit 1 instead.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import signal
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ic_console.cli import Context, UsageError, verb
from ic_console.cli.common import INCIDENT_HELP, incident_id_of, needs_terminal

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
    opener.add_argument("incident_id", nargs="?", metavar="ID", help=INCIDENT_HELP)
    opener.add_argument(
        "--read-only", action="store_true", help="observe only: nothing can be recorded"
    )
    watcher = verb(
        sub,
        "watch",
        _watch_verb,
        "the Deputy's view of an incident open elsewhere: timers, who to chase, the log tail",
    )
    watcher.add_argument("incident_id", nargs="?", metavar="ID", help=INCIDENT_HELP)
    watcher.add_argument(
        "--read-only", action="store_true", help="observe only: nothing can be recorded"
    )
    verb(
        sub,
        "demo",
        _demo_verb,
        "open the console on a realistic demo incident, in a throwaway directory "
        "(quit with ctrl+q; the directory is removed)",
    )


def default(args: argparse.Namespace, ctx: Context) -> int:
    """`ic` with no verb: the only active incident, else a list and a "declare new" form."""
    return open_incident(ctx, None)


def _open_verb(args: argparse.Namespace, ctx: Context) -> int:
    return open_incident(ctx, args.incident_id, read_only=args.read_only)


def _watch_verb(args: argparse.Namespace, ctx: Context) -> int:
    from ic_console.store.catalog import resolve_incident_id

    # The Deputy watches an incident that exists: the only active one, or the one named.
    incident_id = resolve_incident_id(ctx.home, incident_id_of(ctx, args.incident_id))
    return _run(build_app(ctx, incident_id, watch=True, read_only=args.read_only))


def open_incident(ctx: Context, incident_id: str | None, *, read_only: bool = False) -> int:
    """Run the console on `incident_id` (None: let the console find or offer one)."""
    from ic_console.store.catalog import resolve_incident_id

    if incident_id is not None:
        # A wrong id is one line on stderr, before any screen is drawn.
        incident_id = resolve_incident_id(ctx.home, incident_id_of(ctx, incident_id))
        if not read_only:
            from ic_console.cli.drill import open_left_briefing

            # A drill whose trainee quit at the briefing opens there again (cli/drill.py).
            code = open_left_briefing(ctx, incident_id)
            if code is not None:
                return code
    return _run(build_app(ctx, incident_id, read_only=read_only))


def build_app(
    ctx: Context,
    incident_id: str | None,
    *,
    actor: str | None = None,
    watch: bool = False,
    read_only: bool = False,
    sync: bool = True,
) -> ConsoleApp:
    """The console for the CLI: the user's configuration applied to `make_app`."""
    from ic_console.tui.config import ConfigError
    from ic_console.tui.factory import make_app

    config = ctx.config  # loaded once; a broken file has already stopped the verb
    if not read_only:
        _check_actor(actor or ctx.actor)
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
            sync=sync,
        )
    except ConfigError as error:
        raise UsageError(str(error)) from None


def _check_actor(name: str) -> None:
    """Before any screen: a console whose every entry would be refused for the name it records
    under (a shared login such as "oncall") stops here, saying how to give a name."""
    from ic_console.domain.errors import DomainError
    from ic_console.domain.text import clean_name

    try:
        clean_name(name, what="name to record under")
    except DomainError as problem:
        raise UsageError(
            f'{problem.message.rstrip(".")}. Give yours with --as NAME (or name = "..." in '
            "config.toml), or open it to watch only with --read-only."
        ) from None


def _run(app: ConsoleApp) -> int:
    # Checked last, so a wrong id or a bad config is still one line with exit 2; checked before
    # the screen starts, which without a terminal would wait forever.
    try:
        needs_terminal("the console")
        app.run()
    finally:
        app.leave_presence()
    if app.failure:
        print(app.failure, file=sys.stderr)
    return app.return_code or 0


def _demo_verb(args: argparse.Namespace, ctx: Context) -> int:
    from ic_console.demo import IC, build_demo

    needs_terminal("`ic demo`")
    with _throwaway_home() as stop:
        incident_id = build_demo(stop.home)
        demo_ctx = Context(
            home=stop.home,
            actor_given=IC,
            clock=ctx.clock,
            out=ctx.out,
            err=ctx.err,
            _config=ctx.config,
        )
        # Never synced: a configured team remote would receive the demo's fake SEV-1.
        stop.app = build_app(demo_ctx, incident_id, actor=IC, sync=False)
        code = _run(stop.app)
        return 128 + stop.signum if stop.signum else code


class _Stop:
    """The demo's throwaway directory, and what a hang-up or a kill should stop."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.app: ConsoleApp | None = None
        self.signum = 0


@contextlib.contextmanager
def _throwaway_home() -> Iterator[_Stop]:
    """A temporary data root, removed however the demo ends: quit, an error, the terminal
    closing (SIGHUP) or a kill (SIGTERM), which by default end Python without any cleanup.

    On a signal the directory goes first; then a running console is asked to exit (through its
    event loop, so it restores the terminal), else the process exits at once.
    """
    stop = _Stop(Path(tempfile.mkdtemp(prefix="ic-demo-")))

    def hang_up(signum: int, _frame: object) -> None:
        stop.signum = signum
        shutil.rmtree(stop.home, ignore_errors=True)
        app = stop.app
        loop = getattr(app, "_loop", None) if app is not None else None
        if app is None or loop is None or loop.is_closed():
            raise SystemExit(128 + signum)
        loop.call_soon_threadsafe(app.exit, None, 128 + signum)

    previous = {sig: signal.signal(sig, hang_up) for sig in (signal.SIGHUP, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        shutil.rmtree(stop.home, ignore_errors=True)
