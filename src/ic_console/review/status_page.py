"""The stakeholders' status page: one self-contained HTML file (`ic status`).

What reaches stakeholders is only what the Customer or Internal Liaison chose to publish: the
external updates, in order, and when the incident was declared and resolved. Nothing else of
the record is read here (no notes, no names of responders, no tasks, not even the incident's
title, which responders wrote for themselves), so nothing internal can leak into the page.

The page has no scripts and loads nothing from elsewhere: its few styles are inline, it fits a
phone's screen, and every text in it is escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import escape

from ic_console.domain.model import Audience, Phase, Status
from ic_console.domain.state import IncidentState
from ic_console.review.text import printable

STATUS_FILE = "index.html"

#: The current state in plain words, by status and phase.
_PLAIN = {
    Phase.DETECT: ("Investigating", "We are aware of a problem and are investigating."),
    Phase.MOBILIZE: ("Investigating", "We are aware of a problem and are investigating."),
    Phase.DIAGNOSE: ("Identifying", "We are working to identify the cause of the problem."),
    Phase.RESOLVE: ("Fixing", "We have identified the problem and are applying a fix."),
    Phase.LEARN: ("Monitoring", "A fix is in place and we are checking that it holds."),
}
_RESOLVED = ("Resolved", "The problem is resolved. Thank you for your patience.")

_STYLE = """
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
color:#1b1f23;background:#f6f8fa}
main{max-width:40rem;margin:0 auto;padding:1rem}
h1{font-size:1.4rem;margin:.5rem 0 1rem}
.state{border-radius:.5rem;padding:1rem;color:#fff;background:#b35900}
.state.resolved{background:#1a7f37}
.state strong{display:block;font-size:1.2rem}
dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem;margin:1rem 0}
dt{color:#57606a}dd{margin:0}
ol{list-style:none;padding:0}
li{background:#fff;border:1px solid #d0d7de;border-radius:.5rem;padding:.75rem;margin:.5rem 0}
time{display:block;color:#57606a;font-size:.9rem}
p.text{margin:.25rem 0 0;white-space:pre-wrap;overflow-wrap:anywhere}
footer{color:#57606a;font-size:.85rem;margin-top:2rem}
"""


@dataclass(frozen=True)
class PublicUpdate:
    at: datetime
    text: str


@dataclass(frozen=True)
class StatusView:
    """Everything the page shows, and nothing more: the test reads this, not the state."""

    headline: str
    sentence: str
    resolved: bool
    declared_at: datetime | None
    resolved_at: datetime | None
    next_update_due: datetime | None
    updates: tuple[PublicUpdate, ...]


def status_view(
    state: IncidentState, cadence: dict[int, timedelta | None] | None = None
) -> StatusView:
    """What stakeholders may see of `state`: external updates and the declared/resolved times."""
    resolved = state.status is not Status.ACTIVE
    headline, sentence = _RESOLVED if resolved else _PLAIN[state.phase]
    updates = tuple(
        PublicUpdate(update.at, update.text)
        for update in state.updates
        if update.audience is Audience.EXTERNAL
    )
    return StatusView(
        headline=headline,
        sentence=sentence,
        resolved=resolved,
        declared_at=state.declared_at,
        resolved_at=state.resolved_at if resolved else None,
        next_update_due=None if resolved else _next_external_due(state, cadence),
        updates=updates,
    )


def _next_external_due(
    state: IncidentState, cadence: dict[int, timedelta | None] | None
) -> datetime | None:
    """When stakeholders can expect the next update: the cadence after the last external one
    (or after the declaration)."""
    every = state.cadence(cadence)
    if every is None or state.declared_at is None:
        return None
    last = state.last_update(Audience.EXTERNAL)
    return (last.at if last else state.declared_at) + every


def _shown(text: str) -> str:
    """Text people wrote, escaped for HTML, its control characters shown as symbols: the page
    is also printed to a terminal (`ic status` without -o), which would run them."""
    return escape(printable(text, keep_newlines=True))


def _when(moment: datetime) -> str:
    at = moment.astimezone(UTC)
    return f'<time datetime="{at:%Y-%m-%dT%H:%M:%SZ}">{at:%Y-%m-%d %H:%M} UTC</time>'


def render_status_page(view: StatusView, *, title: str, now: datetime) -> str:
    """The page as one HTML document."""
    state_class = "state resolved" if view.resolved else "state"
    facts: list[str] = []
    if view.declared_at is not None:
        facts.append(f"<dt>Started</dt><dd>{_when(view.declared_at)}</dd>")
    if view.resolved_at is not None:
        facts.append(f"<dt>Resolved</dt><dd>{_when(view.resolved_at)}</dd>")
    if view.next_update_due is not None:
        facts.append(f"<dt>Next update</dt><dd>by {_when(view.next_update_due)}</dd>")
    if view.updates:
        items = "".join(
            f'<li>{_when(update.at)}<p class="text">{_shown(update.text)}</p></li>'
            for update in view.updates
        )
        updates = f"<h2>Updates, oldest first</h2><ol>{items}</ol>"
    else:
        updates = "<h2>Updates</h2><p>The first update will be posted here shortly.</p>"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">"
        f"<title>{_shown(title)}: {escape(view.headline)}</title>"
        f"<style>{_STYLE}</style></head>\n"
        f"<body><main><h1>{_shown(title)}</h1>"
        f'<section class="{state_class}"><strong>{escape(view.headline)}</strong>'
        f"{escape(view.sentence)}</section>"
        f"<dl>{''.join(facts)}</dl>"
        f"{updates}"
        f"<footer>Page updated {_when(now)}. Times are in UTC.</footer>"
        "</main></body></html>\n"
    )


def status_page(
    state: IncidentState,
    *,
    title: str,
    now: datetime,
    cadence: dict[int, timedelta | None] | None = None,
) -> str:
    return render_status_page(status_view(state, cadence), title=title, now=now)
