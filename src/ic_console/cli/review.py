"""Looking back at an incident: `ic review`, `ic postmortem` and `ic export` (`ic search` is in
`cli/search.py`).

They only read: an incident directory copied from another machine, or on a read-only mount,
works as well as a live one. Only `ic review` opens a screen, and only it imports Textual.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from ic_console.cli import EXIT_FAILURE, EXIT_OK, Context, UsageError, verb
from ic_console.cli.common import incident_id_of, needs_terminal
from ic_console.store.errors import FilesUnwritable, StoreError
from ic_console.store.paths import fsync_directory, incidents_dir

if TYPE_CHECKING:
    from ic_console.review.duedate import DuePolicy
    from ic_console.review.source import ReviewSource

    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]

ID_HELP = (
    "an incident id (or any unique start of it, or the number `ic list` shows), or the path of "
    "an incident directory (default: the only active one)"
)


def register(sub: SubParsers) -> None:
    """Add the review verbs to `ic`."""
    p = verb(sub, "review", _review, "review an incident read-only: timeline and response metrics")
    p.add_argument("incident_id", nargs="?", metavar="ID", help=ID_HELP)
    _due_options(p)

    p = verb(sub, "postmortem", _postmortem, "draft the postmortem in Markdown from the log")
    p.add_argument("incident_id", nargs="?", metavar="ID", help=ID_HELP)
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    _due_options(p)

    p = verb(sub, "export", _export, "export an incident as Markdown, HTML, JSON or CSV")
    p.add_argument("incident_id", nargs="?", metavar="ID", help=ID_HELP)
    p.add_argument(
        "--format",
        "-f",
        dest="fmt",
        default="md",
        choices=("md", "html", "json", "csv"),
        help="md: postmortem draft; html: the same as one printable file; json: full state, "
        "timeline and metrics; csv: action items for a tracker (default: md)",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    _due_options(p)


def _drills_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--drills", action="store_true", help="allow a drill (ic drill); real incidents only else"
    )


def _due_options(parser: argparse.ArgumentParser) -> None:
    _drills_option(parser)
    parser.add_argument(
        "--holidays",
        metavar="CC",
        help="skip this country's public holidays in the postmortem due date "
        '(ISO code like "US", "GB", "DE-BY"; default: holiday_country in config.toml)',
    )
    parser.add_argument(
        "--due-days",
        metavar="SEV=DAYS",
        action="append",
        default=[],
        help="business days from resolution to the postmortem due date for a severity "
        "(default 1=3 and 2=5; repeat for more)",
    )


@dataclass(frozen=True)
class Settings:
    """What the review takes from the user's config.toml: holidays and update cadence."""

    holiday_country: str | None = None
    cadence: dict[int, timedelta | None] | None = None
    #: Keys the user moved (binding id -> key), for the review screen.
    keymap: dict[str, str] = field(default_factory=dict)


def configured(ctx: Context) -> Settings:
    """The review settings from config.toml (loaded once; a broken file stops the verb)."""
    config = ctx.config
    country = config.holiday_country
    if country and config.holiday_subdivision:
        country = f"{country}-{config.holiday_subdivision}"
    return Settings(holiday_country=country, cadence=config.cadence(), keymap=dict(config.keymap))


def _policy(args: argparse.Namespace, settings: Settings) -> DuePolicy:
    from ic_console.review.duedate import DuePolicy, holiday_dates, parse_due_days

    country = args.holidays or settings.holiday_country
    if country:
        holiday_dates(country, range(2000, 2001))  # refuse a bad code before any work
    return DuePolicy(days=parse_due_days(args.due_days), holiday_country=country or None)


def _source(
    ctx: Context,
    given: str | None,
    drills: bool = False,
    *,
    keep_json: bool = False,
    timeline: bool = True,
    metrics: bool = True,
) -> ReviewSource:
    from ic_console.review.source import open_for_review

    source = open_for_review(
        ctx.home,
        incident_id_of(ctx, given),
        keep_json=keep_json,
        timeline=timeline,
        metrics=metrics,
    )
    if source.state.drill and not drills:
        raise UsageError(
            f"{source.state.incident_id} is a drill, not a real incident: add --drills to "
            f"read it here, or see its scorecard with `ic drill score {source.state.incident_id}`."
        )
    for notice in source.notices:
        print(f"ic: {notice}", file=ctx.err)
    return source


def _write(
    ctx: Context, text: Iterable[str], output: str | None, *, source: Path | None = None
) -> None:
    """To stdout, or to a private file (0600): exports hold incident details.

    The file is written beside its final name and renamed into place once complete, so a kill
    or a full disk part-way leaves the previous file as it was. A path inside the incident
    folders (or inside the folder being read) is refused: an export must never replace the log.
    """
    if output is None or output == "-":
        for piece in text:
            ctx.out.write(piece)
        return
    path = Path(output).expanduser()
    refuse_inside_incidents(path, ctx.home, source)
    write_file_atomically(path, (piece.encode("utf-8") for piece in text))
    print(f"Wrote {path}.", file=ctx.err)


def write_file_atomically(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Replace `path` with `data` whole, or leave it as it was; `FilesUnwritable` (exit 1)
    names `path`.

    `data` may come in pieces, written as they come (an export streamed as it is rendered).

    A link is followed to the file it names (the link stays). A device or a pipe (`-o /dev/null`,
    `-o >(gzip)`) is written to as it is: renaming a file over it would replace the device.
    """
    real = Path(os.path.realpath(path))
    try:
        special = real.exists() and not real.is_file()
    except OSError:
        special = False
    if special:
        try:
            with open(real, "wb") as handle:
                _write_pieces(handle, data)
        except OSError as error:
            raise FilesUnwritable(f"Could not write {path}: {error.strerror}.") from None
        return
    path = real
    directory = path.parent
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name[:64]}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise FilesUnwritable(
            f"Could not write {path}: {error.strerror} (in {directory}); nothing was written."
        ) from None
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            _write_pieces(handle, data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(error, OSError):
            raise FilesUnwritable(
                f"Could not write {path}: {error.strerror}; it was left as it was."
            ) from None
        raise
    with contextlib.suppress(OSError):
        fsync_directory(directory)


def _write_pieces(handle: BinaryIO, data: bytes | Iterable[bytes]) -> None:
    if isinstance(data, bytes):
        handle.write(data)
        return
    for piece in data:
        handle.write(piece)


def refuse_inside_incidents(path: Path, root: Path, source: Path | None) -> None:
    """Refuse an output file inside the data root's incident folders or the folder read
    (exports here, `ic publish` too: nothing written over the record)."""
    target = Path(os.path.realpath(path.parent)) / path.name
    followed = Path(os.path.realpath(path))
    for folder in (incidents_dir(root), source):
        if folder is None:
            continue
        real = Path(os.path.realpath(folder))
        for candidate in (target, followed):
            if candidate == real or real in candidate.parents:
                raise StoreError(
                    f"Refusing to write {path}: it is inside the incident folder {folder}, "
                    "whose files are the incident's record. Write the export somewhere else."
                )


def _render(args: argparse.Namespace, ctx: Context, fmt: str) -> int:
    from ic_console.review.export import NEEDS, export_bytes, export_pieces

    settings = configured(ctx)
    policy = _policy(args, settings)
    needs = NEEDS[fmt]
    source = _source(
        ctx,
        args.incident_id,
        args.drills,
        keep_json=needs.events_json,
        timeline=needs.timeline,
        metrics=needs.metrics,
    )
    if source.active:
        print(
            f"ic: {source.state.incident_id} is still active: the draft shows it as of its last "
            "event, and the due date is set once it is resolved.",
            file=ctx.err,
        )
    if args.output not in (None, "-"):
        # Before the work: a refused path should not wait for a long export first.
        refuse_inside_incidents(Path(args.output).expanduser(), ctx.home, source.directory)
    if args.output in (None, "-"):
        text = export_pieces(
            source.events, source.state, fmt, policy=policy, cadence=settings.cadence
        )
        _write(ctx, text, args.output, source=source.directory)
        return EXIT_OK
    # A file is written in UTF-8 as the export makes it (the JSON export is made as UTF-8),
    # checked again as `_write` checks it.
    path = Path(args.output).expanduser()
    refuse_inside_incidents(path, ctx.home, source.directory)
    write_file_atomically(
        path,
        export_bytes(source.events, source.state, fmt, policy=policy, cadence=settings.cadence),
    )
    print(f"Wrote {path}.", file=ctx.err)
    return EXIT_OK


def _postmortem(args: argparse.Namespace, ctx: Context) -> int:
    return _render(args, ctx, "md")


def _export(args: argparse.Namespace, ctx: Context) -> int:
    # The incident's many small objects all stay alive until the export is written: the cyclic
    # collector would only scan them all again (a tenth of a second on 100,000 events) each
    # time the reader or the export re-enables it. Held for the whole verb, then the objects
    # made so far are left out of later collections (`gc.freeze`) before it runs again.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _render(args, ctx, args.fmt)
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()


def _review(args: argparse.Namespace, ctx: Context) -> int:
    settings = configured(ctx)
    policy = _policy(args, settings)
    source = _source(ctx, args.incident_id, args.drills)
    try:
        from ic_console.tui.review.app import make_review_app
    except ImportError as error:  # pragma: no cover - Textual is a dependency
        raise UsageError(f"the review screen cannot start: {error}") from None
    from ic_console.tui.config import ConfigError, check_keymap

    try:
        keymap = check_keymap(settings.keymap)
    except ConfigError as error:
        raise UsageError(str(error)) from None
    app = make_review_app(
        source, policy=policy, cadence=settings.cadence, clock=ctx.clock, keymap=keymap
    )
    needs_terminal("`ic review` (a screen)")
    app.run()
    return EXIT_OK if app.return_code in (None, 0) else EXIT_FAILURE
