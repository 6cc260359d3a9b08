"""Looking back at an incident: `ic review`, `ic postmortem`, `ic export` and `ic search`.

They only read: an incident directory copied from another machine, or on a read-only mount,
works as well as a live one. Only `ic review` opens a screen, and only it imports Textual.
"""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import dataclass
from datetime import UTC, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from ic_console.cli import EXIT_FAILURE, EXIT_OK, Context, UsageError, verb
from ic_console.domain.errors import DomainError

if TYPE_CHECKING:
    from ic_console.review.duedate import DuePolicy
    from ic_console.review.source import ReviewSource

    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]

ID_HELP = "an incident id, or the path of an incident directory (default: the only active one)"


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

    p = verb(sub, "search", _search, "search titles and logs across all incidents")
    p.add_argument("text", nargs="+", metavar="TEXT", help="words to find (any case)")
    p.add_argument("--json", action="store_true", help="print JSON instead of lines")


def _due_options(parser: argparse.ArgumentParser) -> None:
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


def configured(ctx: Context) -> Settings:
    """The review settings from config.toml; a broken config is reported and ignored."""
    from ic_console.content.config import load_config

    config, problems = load_config()
    for problem in problems[:1]:
        print(
            f"ic: config.toml is not usable ({problem}); using the defaults. "
            "`ic config check` says more.",
            file=ctx.err,
        )
    country = config.holiday_country
    if country and config.holiday_subdivision:
        country = f"{country}-{config.holiday_subdivision}"
    return Settings(holiday_country=country, cadence=config.cadence())


def _policy(args: argparse.Namespace, settings: Settings) -> DuePolicy:
    from ic_console.review.duedate import DuePolicy, holiday_dates, parse_due_days

    country = args.holidays or settings.holiday_country
    if country:
        holiday_dates(country, range(2000, 2001))  # refuse a bad code before any work
    return DuePolicy(days=parse_due_days(args.due_days), holiday_country=country or None)


def _source(ctx: Context, given: str | None) -> ReviewSource:
    from ic_console.review.source import open_for_review

    source = open_for_review(ctx.home, given)
    for notice in source.notices:
        print(f"ic: {notice}", file=ctx.err)
    return source


def _write(ctx: Context, text: str, output: str | None) -> None:
    """To stdout, or to a new private file (0600): exports hold incident details."""
    if output is None or output == "-":
        ctx.out.write(text)
        return
    path = Path(output).expanduser()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    print(f"Wrote {path}.", file=ctx.err)


def _render(args: argparse.Namespace, ctx: Context, fmt: str) -> int:
    from ic_console.review.export import export

    settings = configured(ctx)
    policy = _policy(args, settings)
    source = _source(ctx, args.incident_id)
    if source.active:
        print(
            f"ic: {source.state.incident_id} is still active: the draft shows it as of its last "
            "event, and the due date is set once it is resolved.",
            file=ctx.err,
        )
    text = export(source.events, source.state, fmt, policy=policy, cadence=settings.cadence)
    _write(ctx, text, args.output)
    return EXIT_OK


def _postmortem(args: argparse.Namespace, ctx: Context) -> int:
    return _render(args, ctx, "md")


def _export(args: argparse.Namespace, ctx: Context) -> int:
    return _render(args, ctx, args.fmt)


def _review(args: argparse.Namespace, ctx: Context) -> int:
    settings = configured(ctx)
    policy = _policy(args, settings)
    source = _source(ctx, args.incident_id)
    try:
        from ic_console.tui.review.app import make_review_app
    except ImportError as error:  # pragma: no cover - Textual is a dependency
        raise UsageError(f"the review screen cannot start: {error}") from None
    app = make_review_app(source, policy=policy, cadence=settings.cadence, clock=ctx.clock)
    app.run()
    return EXIT_OK if app.return_code in (None, 0) else EXIT_FAILURE


def _search(args: argparse.Namespace, ctx: Context) -> int:
    from ic_console.domain.model import severity_label
    from ic_console.domain.views import iso
    from ic_console.review.search import search
    from ic_console.review.text import one_line

    text = " ".join(args.text)
    if not text.strip():
        raise DomainError("The search text is empty: give a word to look for.")
    result = search(ctx.home, text, on_problem=lambda m: print(f"ic: {m}", file=ctx.err))
    if result.damaged_lines:
        print(
            f"ic: {result.damaged_lines} damaged log line(s) were skipped; "
            "`ic review ID` says where.",
            file=ctx.err,
        )
    if args.json:
        rows = [
            {
                "id": hit.incident_id,
                "title": hit.title,
                "severity": hit.severity,
                "status": hit.status,
                "where": hit.where,
                "seq": hit.seq,
                "at": iso(hit.at),
                "actor": hit.actor,
                "text": hit.text,
            }
            for hit in result.hits
        ]
        ctx.out.write(json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
        return EXIT_OK
    if not result.hits:
        print(
            f'No match for "{one_line(text)}" in {result.incidents_searched} incident(s).',
            file=ctx.err,
        )
        return EXIT_FAILURE
    current = None
    for hit in result.hits:
        if hit.incident_id != current:
            current = hit.incident_id
            print(
                f"{hit.incident_id}  {severity_label(hit.severity)}  {hit.status}  "
                f"{one_line(hit.title)}",
                file=ctx.out,
            )
        stamp = hit.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        print(
            f"  {stamp}  {hit.where:<9} {one_line(hit.actor)}: {one_line(hit.text, 200)}",
            file=ctx.out,
        )
    count = len(result.hits)
    print(f"{count} match(es) in {result.incidents_searched} incident(s).", file=ctx.err)
    return EXIT_OK
