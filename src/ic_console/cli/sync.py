"""`ic sync`: share incidents with the other laptops through the team's git remote.

    ic sync init URL     once per laptop: the remote, stored in config.toml (--save-anyway:
                         even when it cannot be reached now)
    ic sync [ID]         one round now (every incident, or only ID): what was sent and received
    ic sync status       the remote, the last successful round, what waits, the peers seen

A remote that cannot be reached is one line and exit 1; a missing or bad remote is exit 2.
"""

from __future__ import annotations

import argparse
import time
from typing import TYPE_CHECKING

from ic_console.cli import EXIT_FAILURE, EXIT_OK, Context, UsageError, verb
from ic_console.cli.common import arguments_text, say, warn

if TYPE_CHECKING:
    from ic_console.sync.engine import Syncer
    from ic_console.sync.report import Peer

    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]

USAGE = "ic sync [ID] | ic sync init URL [--save-anyway] | ic sync status"


def register(sub: SubParsers) -> None:
    parser = verb(
        sub,
        "sync",
        _sync_verb,
        "share incidents with other laptops through a git remote: one round now, "
        "`init URL` once per laptop, or `status`",
        usage=USAGE,
        epilog=arguments_text(USAGE)
        + "\n\nWithout ID, a round syncs every incident; with it, only that one (its full id: "
        "it may not be on this laptop yet). The remote is saved in config.toml as [sync] remote; "
        "the console and ic watch then sync every few seconds by themselves.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("words", nargs="*", metavar="ARG", help=argparse.SUPPRESS)
    parser.add_argument(
        "--save-anyway",
        action="store_true",
        help="with init: save the remote even when it cannot be reached now (a laptop offline)",
    )


def _sync_verb(args: argparse.Namespace, ctx: Context) -> int:
    from ic_console.store.lock import LockBusy
    from ic_console.sync.git import SyncError

    words: list[str] = list(args.words)
    try:
        if words[:1] == ["init"]:
            if len(words) != 2:
                raise UsageError(f"Give the remote once: ic sync init URL. Usage: {USAGE}")
            return _init(ctx, words[1], anyway=args.save_anyway)
        if args.save_anyway:
            raise UsageError("--save-anyway goes with init: ic sync init URL --save-anyway")
        if words[:1] == ["status"]:
            if len(words) != 1:
                raise UsageError(f"`ic sync status` takes no more words. Usage: {USAGE}")
            return _status(ctx)
        if len(words) > 1:
            raise UsageError(f"Too many words. Usage: {USAGE}")
        return _round(ctx, words[0] if words else None)
    except SyncError as error:
        warn(ctx, f"sync: {error}")
        return 2 if error.usage else EXIT_FAILURE
    except LockBusy:
        warn(
            ctx,
            "sync: another `ic sync` or console is syncing this data folder right now; "
            "try again in a moment.",
        )
        return EXIT_FAILURE


def _syncer(ctx: Context) -> Syncer:
    from ic_console.content.config import load_config
    from ic_console.sync.engine import Syncer

    config, problems = load_config()
    if problems:
        details = "; ".join(str(problem) for problem in problems)
        raise UsageError(f"the configuration cannot be used: {details}")
    if config.sync is None:
        raise UsageError(
            "No remote to sync with: run `ic sync init URL` once on this laptop "
            "(a private git repository the team can reach)."
        )
    return Syncer(ctx.home, config.sync.remote, actor=ctx.actor)


def _init(ctx: Context, url: str, *, anyway: bool = False) -> int:
    from ic_console.sync.clone import check_remote
    from ic_console.sync.engine import Syncer
    from ic_console.sync.git import SyncError
    from ic_console.sync.settings import save_remote

    url = check_remote(url)
    unreachable: str | None = None
    try:
        Syncer(ctx.home, url, actor=ctx.actor).probe()
    except SyncError as error:
        if error.usage:
            raise
        if not anyway:
            said = str(error).rstrip()
            said = said if said.endswith((".", "!", "?")) else f"{said}."
            raise SyncError(
                f"{said} Not saved: check the URL; if it is right and this laptop is offline "
                "now, save it anyway with: ic sync init URL --save-anyway"
            ) from None
        unreachable = str(error)
    path = save_remote(url)
    say(ctx, f"Sync remote set to {url} (in {path}).")
    if unreachable is not None:
        warn(
            ctx,
            f"It cannot be reached now ({unreachable}); it is saved anyway: the console and "
            "ic sync try it every round, and say offline until it answers.",
        )
    say(ctx, "Run `ic sync` to share incidents now; the console and `ic watch` sync by themselves.")
    return EXIT_OK


def _round(ctx: Context, incident_id: str | None) -> int:
    from ic_console.domain.text import check_incident_id

    if incident_id is not None:
        check_incident_id(incident_id)
    syncer = _syncer(ctx)
    report = syncer.round(incident_id)
    names = {peer.origin: peer.name for peer in report.peers}
    for sent in report.sent:
        say(ctx, f"Sent {_events(sent.events)} of {sent.incident_id}.")
    for got in report.received:
        who = names.get(got.origin) or got.origin
        new = " (an incident new to this laptop)" if got.new_incident else ""
        say(ctx, f"Received {_events(got.events)} of {got.incident_id} from {who}{new}.")
    if report.read_only is not None:
        warn(
            ctx,
            f"The remote refused this laptop's push ({report.read_only}): read-only access, "
            f"following only; {_events(report.waiting)} recorded here stay on this laptop "
            "(ask for write access to share them).",
        )
    elif not report.sent and not report.received:
        say(ctx, "Up to date: nothing to send or receive.")
    if report.peers:
        say(ctx, f"Peers: {_peers(report.peers, time.time())}.")
    for refused in report.refused:
        warn(ctx, refused)
    return EXIT_FAILURE if report.refused else EXIT_OK


def _status(ctx: Context) -> int:
    from ic_console.live.syncing import ago

    syncer = _syncer(ctx)
    state = syncer.last_state()
    now = time.time()
    say(ctx, f"remote: {syncer.remote}")
    say(ctx, f"this laptop: replica {syncer.origin} ({ctx.actor})")
    if state.last_success is None:
        say(ctx, "last successful sync: never")
    else:
        say(
            ctx,
            f"last successful sync: {_clock(state.last_success)} ({ago(now - state.last_success)})",
        )
    if state.offline_since is not None:
        say(ctx, f"offline since {_clock(state.offline_since)}: {state.last_error}")
    say(ctx, f"events waiting to be sent: {syncer.waiting()}")
    peers = syncer.peers()
    if not peers:
        say(ctx, "peers: none seen yet")
    for peer in peers:
        say(
            ctx,
            f"peer {peer.name or '(no name)'} (replica {peer.origin}): last pushed "
            f"{_clock(peer.at)}, {ago(now - peer.at)}",
        )
    return EXIT_OK


def _events(count: int) -> str:
    return f"{count} event{'s' * (count != 1)}"


def _peers(peers: list[Peer], now: float) -> str:
    from ic_console.live.syncing import ago

    return ", ".join(f"{peer.name or peer.origin} ({ago(now - peer.at)})" for peer in peers)


def _clock(when: float) -> str:
    here = time.localtime(when)
    return time.strftime("%Y-%m-%d %H:%M:%S %Z", here)
