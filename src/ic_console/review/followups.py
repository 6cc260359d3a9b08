"""Follow-up items for the team's tracker: `ic followups`.

Every follow-up raised during the incident (a `followup` log entry, or one starting "TODO:")
becomes one item with a stable id, `F<seq>` after the log line that raised it (`F<seq>.<replica>`
when another laptop raised it: `domain.followup_ids`), and a key that is unique across incidents
(`ic:<incident>/F<seq>`). Exported twice, the same item has the same
id: the GitHub script looks for an issue holding the key before creating one, and items already
marked as tracked (`ic followups mark`) are left out of the tracker formats unless asked for.

Each item carries its owner (an `@name` in the text), the postmortem's due date, a link back
to the incident and the action-item check's warnings (`review.checks`), so the tracker shows
why "Investigate monitoring" needs rewording. Nothing here runs a command: `github` prints a
script for a person to read and run.
"""

from __future__ import annotations

import csv
import io
import json
import shlex
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime

from ic_console.domain.views import iso
from ic_console.review.parts import Review
from ic_console.review.text import md_cell, one_line, printable, utc

FORMATS = ("github", "jira-csv", "md", "json")
#: The columns of the Jira CSV: names Jira's CSV importer maps to its fields without help
#: (Labels repeats: Jira takes one label per column). Dates are written as yyyy-MM-dd.
JIRA_COLUMNS = (
    "Summary",
    "Issue Type",
    "Description",
    "Assignee",
    "Due Date",
    "Labels",
    "Labels",
)
#: The label every exported item carries.
LABEL = "postmortem"


@dataclass(frozen=True)
class FollowupItem:
    """One follow-up item as a tracker receives it."""

    #: Stable within the incident: the log line that raised it ("F12").
    id: str
    #: Stable across incidents: what a tracker search finds ("ic:2026-11-23-checkout/F12").
    key: str
    incident: str
    summary: str
    description: str
    #: The `@name` written in the item, without the "@" ("" when none).
    owner: str
    #: The postmortem's due date (None while the incident is active, or none is set).
    due: date | None
    raised_by: str
    raised_at: datetime
    #: Where the incident can be found.
    link: str
    #: Where the item was filed (`ic followups mark`), if it was.
    tracked: str | None
    #: The action-item check's warnings: what to reword before filing.
    warnings: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        data["due"] = self.due.isoformat() if self.due else None
        data["raised_at"] = iso(self.raised_at)  # UTC ending in Z, as every JSON output says it
        data["warnings"] = list(self.warnings)
        return data


def followup_items(review: Review, link: str) -> list[FollowupItem]:
    """Every follow-up item of the reviewed incident, in the order they were raised."""
    state = review.state
    items: list[FollowupItem] = []
    for action in review.action_items:
        ident = action.item
        key = f"ic:{state.incident_id}/{ident}"
        warnings = tuple(f"{finding.problem} {finding.advice}" for finding in action.findings)
        items.append(
            FollowupItem(
                id=ident,
                key=key,
                incident=state.incident_id,
                summary=action.summary,
                description=action.description,
                # From the item itself: the description also names the incident's title.
                owner=action.owner,
                due=review.due,
                raised_by=action.raised_by,
                raised_at=action.raised_at,
                link=link,
                tracked=state.followups_tracked.get(ident),
                warnings=warnings,
            )
        )
    return items


def _body(item: FollowupItem) -> str:
    """The tracker item's text: what was raised, the link, the due date, the warnings, the key."""
    lines = [item.description, "", f"Incident: {item.link}"]
    if item.due:
        lines.append(f"Due: {item.due.isoformat()} (the postmortem's due date)")
    if item.owner:
        lines.append(f"Owner: @{item.owner}")
    if item.warnings:
        lines += ["", "Before filing, the action-item check noticed:"]
        lines += [f"- {warning}" for warning in item.warnings]
    lines += ["", f"Follow-up id: {item.key}"]
    return "\n".join(lines)


def github_pieces(items: Sequence[FollowupItem], *, repo: str | None = None) -> Iterator[str]:
    """A shell script of `gh issue create` commands, one per untracked item, each skipped when
    an issue holding the item's key exists already. Every word is quoted with shlex. An item at
    a time: 2,500 items of 20 kB are never held as one script."""
    repo_args = ["--repo", repo] if repo else []
    yield (
        "#!/bin/sh\n"
        "# Follow-up items as GitHub issues, written by `ic followups --format github`.\n"
        "# Read it, then run it: sh THIS-FILE. An item whose issue exists already is skipped.\n"
        "set -eu\n"
    )
    if not items:
        yield "# No follow-up items to file.\n"
    for item in items:
        out = ["", f"# {item.id}: {printable(one_line(item.summary, 100))}"]
        for warning in item.warnings:
            out.append(f"#   check: {printable(one_line(warning, 150))}")
        search = [
            "gh",
            "issue",
            "list",
            *repo_args,
            "--state",
            "all",
            "--search",
            f'"{item.key}" in:body',
            "--json",
            "number",
            "--jq",
            ".[].number",
        ]
        create = [
            "gh",
            "issue",
            "create",
            *repo_args,
            "--title",
            item.summary,
            "--body",
            # Shown, never run by the terminal the script is read in (escapes made visible).
            printable(_body(item), keep_newlines=True),
            "--label",
            LABEL,
        ]
        if item.owner:
            create += ["--assignee", item.owner]
        out.append(f'if [ -z "$({shlex.join(search)})" ]; then')
        out.append(f"  {shlex.join(create)}")
        out.append("else")
        out.append(f"  echo {shlex.quote(f'{item.id} is filed already ({item.key}).')}")
        out.append("fi")
        yield "\n".join(out) + "\n"


def to_github(items: Sequence[FollowupItem], *, repo: str | None = None) -> str:
    return "".join(github_pieces(items, repo=repo))


def _cell(text: str) -> str:
    """Control characters made visible, and a spreadsheet never runs a cell as a formula."""
    text = printable(text, keep_newlines=True)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def jira_csv_pieces(items: Sequence[FollowupItem]) -> Iterator[str]:
    """The CSV Jira's importer takes: one row per untracked item, a row at a time."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(JIRA_COLUMNS)
    for item in items:
        writer.writerow(
            (
                _cell(item.summary),
                "Task",
                _cell(_body(item)),
                _cell(item.owner),
                item.due.isoformat() if item.due else "",
                LABEL,
                f"ic-{item.incident}-{item.id.lower()}",
            )
        )
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    if out.tell():
        yield out.getvalue()


def to_jira_csv(items: Sequence[FollowupItem]) -> str:
    return "".join(jira_csv_pieces(items))


def markdown_pieces(items: Sequence[FollowupItem], title: str) -> Iterator[str]:
    """The items as a Markdown checklist, an item at a time."""
    # What people typed is escaped (`md_cell`): pasted into a tracker it reads as typed,
    # never as markup or raw HTML. The links stay bare, for the tracker to link them.
    yield f"# Follow-up items: {md_cell(title)}\n\n"
    if not items:
        yield "No follow-up items were logged during the incident.\n"
    for item in items:
        done = "x" if item.tracked else " "
        meta = [f"owner {'@' + item.owner if item.owner else 'not named'}"]
        meta.append(f"due {item.due.isoformat()}" if item.due else "no due date yet")
        meta.append(f"raised by {md_cell(item.raised_by)} at {utc(item.raised_at)}")
        lines = [f"- [{done}] **{item.id}** {md_cell(item.summary)} ({'; '.join(meta)})"]
        if item.tracked:
            lines.append(f"  - Tracked at {printable(item.tracked)}")
        lines += [f"  - Check: {md_cell(warning)}" for warning in item.warnings]
        yield "\n".join(lines) + "\n"
    if items:
        yield f"\nIncident: {printable(items[0].link)}\n"


def to_markdown(items: Sequence[FollowupItem], title: str) -> str:
    return "".join(markdown_pieces(items, title))


def json_pieces(items: Sequence[FollowupItem]) -> Iterator[str]:
    """The items as a JSON array (as `json.dumps(..., indent=2)` lays it out), an item at a
    time. A string's line ends are escaped in JSON, so every line end is the layout's."""
    if not items:
        yield "[]\n"
        return
    lead = "[\n  "
    for item in items:
        text = json.dumps(item.as_json(), indent=2, ensure_ascii=False)
        yield lead + text.replace("\n", "\n  ")
        lead = ",\n  "
    yield "\n]\n"


def to_json(items: Sequence[FollowupItem]) -> str:
    return "".join(json_pieces(items))
