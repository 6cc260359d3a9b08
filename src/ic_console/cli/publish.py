"""What an incident publishes for people outside it: `ic followups` (the follow-up items for a
tracker, and `mark` to note where one was filed) and `ic status` (the stakeholders' static
status page).

Both are built in `review/` from the incident as it stands, and both are read by someone who
is not in the incident (a tracker, a web server). Neither calls a network service: they print
or write a file (`--format github` prints a script of `gh` commands for the person to run).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from ic_console.cli import EXIT_OK, Context, UsageError, verb
from ic_console.cli.common import (
    INCIDENT_HELP,
    after_recorded,
    ev,
    incident_id_of,
    open_store,
    say,
    warn,
    words,
    words_verb,
)

if TYPE_CHECKING:
    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]


def register(sub: SubParsers) -> None:
    """Add `followups` and `status` to `ic`."""
    p = words_verb(
        sub,
        "followups",
        _followups,
        "list follow-up items for a tracker: GitHub, Jira CSV, Markdown or JSON",
        "ic followups [ID] [--format github|jira-csv|md|json]\n"
        "ic followups mark [ID] ITEM --tracked URL",
    )
    p.add_argument(
        "--format",
        "-f",
        dest="fmt",
        default="md",
        choices=("github", "jira-csv", "md", "json"),
        help="github: a script of `gh issue create` commands; jira-csv: for Jira's CSV "
        "importer; md (default); json",
    )
    p.add_argument(
        "--all",
        action="store_true",
        help="github and jira-csv: include items already marked as tracked",
    )
    p.add_argument("--repo", metavar="OWNER/NAME", help="github: the repository (gh --repo)")
    p.add_argument("--tracked", metavar="URL", help="mark: where the item was filed")

    p = verb(sub, "status", _status, "write the stakeholders' status page (static HTML)")
    p.add_argument("incident_id", nargs="?", metavar="ID", help=INCIDENT_HELP)
    p.add_argument(
        "-o",
        "--output",
        metavar="DIR",
        help="the folder to write index.html to (default: [status] dir in config.toml, "
        "else stdout)",
    )
    p.add_argument("--quiet", action="store_true", help=argparse.SUPPRESS)


def _followups(args: argparse.Namespace, ctx: Context) -> int:
    items = list(args.words)
    if items and items[0].lower() == "mark":
        return _mark(args, ctx, items[1:])
    if len(items) > 1:
        raise UsageError(
            "Too many words. Usage: ic followups [ID] [--format FORMAT] | "
            "ic followups mark [ID] ITEM --tracked URL"
        )
    if args.tracked is not None:
        raise UsageError("--tracked goes with mark: ic followups mark [ID] ITEM --tracked URL")
    from ic_console.cli.review import configured
    from ic_console.content.config import load_config
    from ic_console.review import followups as fu
    from ic_console.review.duedate import DuePolicy
    from ic_console.review.parts import build_review
    from ic_console.review.source import open_for_review

    # The items and their due date come from the incident's state alone: from its snapshot
    # and the log's tail, as the CSV export reads it.
    # The ID as every verb takes it: whole, a unique start of it, or the number `ic list` shows.
    given = incident_id_of(ctx, items[0]) if items else None
    source = open_for_review(ctx.home, given, timeline=False, metrics=False)
    for notice in source.notices:
        warn(ctx, notice)
    settings = configured(ctx)
    review = build_review(
        source.events,
        source.state,
        policy=DuePolicy(holiday_country=settings.holiday_country),
        cadence=settings.cadence,
    )
    config, _problems = load_config()
    template = config.followups.incident_url
    link = (
        template.replace("{id}", source.state.incident_id)
        if template
        else source.directory.resolve().as_uri()
    )
    every = fu.followup_items(review, link)
    untracked = every if args.all else [item for item in every if not item.tracked]
    # Written an item at a time: items of 20 kB are never held as one text.
    if args.fmt == "github":
        pieces = fu.github_pieces(untracked, repo=args.repo or config.followups.github_repo)
    elif args.fmt == "jira-csv":
        pieces = fu.jira_csv_pieces(untracked)
    elif args.fmt == "json":
        pieces = fu.json_pieces(every)
    else:
        pieces = fu.markdown_pieces(every, source.state.title)
    for piece in pieces:
        ctx.out.write(piece)
    skipped = len(every) - len(untracked)
    if skipped and args.fmt in ("github", "jira-csv"):
        warn(
            ctx,
            f"left out {skipped} item(s) already marked as tracked (--all includes them).",
        )
    return EXIT_OK


def _mark(args: argparse.Namespace, ctx: Context, rest: list[str]) -> int:
    from ic_console.domain.followup_ids import parse_followup_id
    from ic_console.domain.tool_commands import TrackFollowup

    usage = "Usage: ic followups mark [ID] ITEM --tracked URL"
    if not rest or len(rest) > 2:
        raise UsageError(f"Say which item to mark, like F12. {usage}")
    given, item_text = (rest[0], rest[1]) if len(rest) == 2 else (None, rest[0])
    if not args.tracked:
        raise UsageError(f"Say where the item was filed with --tracked URL. {usage}")
    try:
        item = parse_followup_id(item_text)
    except ValueError:
        raise UsageError(
            f'"{item_text}" is not a follow-up item id: give one like F12, or F12.3fa9c1 for '
            "an item another laptop raised "
            "(`ic followups` lists them)."
        ) from None
    store = open_store(ctx, given)
    events = store.execute(TrackFollowup(item=item, url=args.tracked))
    tracked = next(e.data for e in events if isinstance(e.data, ev.FollowupTracked))
    say(ctx, words.describe(tracked).said)
    after_recorded(ctx, store.incident_id, events)
    return EXIT_OK


def _status(args: argparse.Namespace, ctx: Context) -> int:
    from ic_console.cli.review import refuse_inside_incidents
    from ic_console.content.config import load_config
    from ic_console.review.status_page import STATUS_FILE, status_page

    config, _problems = load_config()
    store = open_store(ctx, args.incident_id, read_only=True)
    if not store.state.declared:
        raise UsageError(f"Incident {store.incident_id} has no readable events to publish.")
    page = status_page(
        store.state, title=config.status.title, now=ctx.clock.now(), cadence=config.cadence()
    )
    if store.state.drill and (args.quiet or (args.output is None and config.status.dir)):
        # A drill is practice: its made-up outage never reaches the stakeholders' page. The
        # page job after each status event (`--quiet`) leaves it out; asked for by hand, the
        # page goes where -o says, never to the configured folder.
        if args.quiet:
            return EXIT_OK
        raise UsageError(
            f"{store.incident_id} is a drill: its page is not published to the stakeholders' "
            f"folder ({config.status.dir}). Give -o DIR to write it elsewhere, or -o - to "
            "print it."
        )
    folder = args.output or (str(config.status.dir) if config.status.dir else None)
    if folder in (None, "-"):
        ctx.out.write(page)
        return EXIT_OK
    directory = Path(folder).expanduser()
    path = directory / STATUS_FILE
    refuse_inside_incidents(path, ctx.home, store.directory)
    from ic_console.store.errors import FilesUnwritable

    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise FilesUnwritable(f"Could not make the folder {directory}: {error.strerror}.") from None
    write_public_file(path, page.encode("utf-8"))
    if not args.quiet:
        print(f"Wrote {path}.", file=ctx.err)
    return EXIT_OK


def write_public_file(path: Path, data: bytes) -> None:
    """Replace `path` whole (written aside, renamed into place), readable by a web server: a
    status page is meant to be published, unlike the exports."""
    from ic_console.cli.review import write_file_atomically

    write_file_atomically(path, data)
    os.chmod(path, 0o644)
