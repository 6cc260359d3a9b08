"""`ic search`: every place some words occur, across all incidents.

It reads only, and it starts as fast as the interpreter allows: this module and
`review/search.py` import neither pydantic nor the event models (issue 13: a search costs a few
times `grep -ri` over the same files, not the half second the models take to load). A
config.toml, when there is one, is loaded and checked as for every verb.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ic_console.cli import EXIT_OK, Context, verb
from ic_console.domain.errors import DomainError

if TYPE_CHECKING:
    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]


def register(sub: SubParsers) -> None:
    """Add `ic search` to `ic`."""
    p = verb(
        sub,
        "search",
        _search,
        'search titles and logs across all incidents (no match: exit 0, "No matches")',
        # Checked in `_search` instead: without a config.toml its loader is never imported.
        reads_config=False,
    )
    p.add_argument("text", nargs="+", metavar="TEXT", help="words to find (any case)")
    p.add_argument("--json", action="store_true", help="print JSON instead of lines")
    p.add_argument("--drills", action="store_true", help="search drills too (ic drill)")


def check_config(ctx: Context) -> None:
    """A broken config.toml stops the search before anything is done, as it stops every verb.

    Without one the defaults hold, and they name the severities as `severity_label` does anyway
    (SEV-1 to SEV-5). With one, the loader (pydantic) is imported only when these bytes of it
    have not been checked before: the stamp a verb left in the data root gives its severity
    names (`content.config_stamp`).
    """
    from ic_console.content.config_stamp import checked_names
    from ic_console.content.paths import config_path

    path = config_path()
    if not path.is_file():
        return
    names = checked_names(ctx.home, path)
    if names is None:
        _ = ctx.config  # checks it, and leaves the stamp for the next search
        return
    from ic_console.domain.model import use_severity_names

    use_severity_names(names)


def iso(when: datetime) -> str:
    """`domain.views.iso` (ISO-8601 UTC with a "Z"), without the state models it sits beside."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _search(args: argparse.Namespace, ctx: Context) -> int:
    check_config(ctx)
    from ic_console.domain.model import severity_label
    from ic_console.domain.text import literal
    from ic_console.review.search import search
    from ic_console.review.text import one_line

    text = " ".join(args.text)
    if not text.strip():
        raise DomainError("The search text is empty: give a word to look for.")
    result = search(
        ctx.home,
        text,
        on_problem=lambda m: print(f"ic: {literal(m)}", file=ctx.err),
        drills=args.drills,
    )
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
        # No match is an answer, not a failure: exit 0, as with --json (an empty array).
        print(
            f'No matches for "{one_line(text)}" in {result.incidents_searched} incident(s).',
            file=ctx.out,
        )
        return EXIT_OK
    current = None
    for hit in result.hits:
        if hit.incident_id != current:
            current = hit.incident_id
            print(
                f"{literal(hit.incident_id)}  {severity_label(hit.severity)}  "
                f"{literal(hit.status)}  {one_line(hit.title)}",
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
