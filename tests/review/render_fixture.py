"""An incident made to catch a fast path of the Markdown/HTML export that drifts from the plain
one: text that needs escaping (Markdown and HTML specials, control and format characters, line
breaks, tabs), entries within the same second, times given in other zones and recorded late (or
early), follow-up prefixes of every spelling, blaming sentences, tasks, decisions and objections,
and enough entries that every long table and list is written in several batches.

Its exports were written by the renderer as it was before the fast paths (golden files
`render-tricky.*`), so a change that alters a byte fails.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from ic_console.domain import commands as c
from ic_console.domain.model import Audience, LogKind, Role
from ic_console.domain.tool_commands import TrackFollowup
from ic_console.synthetic import ScriptedIncident

START = datetime(2026, 11, 24, 23, 58, 30, tzinfo=UTC)
TRICKY_ID = "render-tricky"
PEOPLE = ("Sam", "Zoë O'Neil", "R_2 *bot*", "Kim <ops>", "Lee | night")
PLUS_TWO = timezone(timedelta(hours=2))
MINUS_HALF = timezone(timedelta(hours=-5, minutes=-30))

#: Texts that each need something done before they can be shown.
TEXTS = (
    "Rolled back to v41 \x1b[31m[bold]done[/bold] **fast** <b>ok</b> | a&b",
    "first line\nsecond | line\n\n  third with `code`  ",
    "tab\there, zero\u200bwidth, line\u2028separator, del\x7f, bell\x07",
    "plain words with nothing to escape",
    "emoji 😀 and accents é ü and a backslash \\ and _under_ and [link](x)",
    "quotes \"double\" & 'single' > < and a trailing pipe |",
    "Sam forgot to drain the node. It was human error! Then it recovered",
    "caused by Zoë O'Neil after the deploy",
    "p99 latency on eu-west at 900ms",
    "carriage\rreturn and a form\x0cfeed",
)

#: Follow-ups as they are typed: every spelling of the prefix, vague and short ones, long ones.
FOLLOWUPS = (
    "todo: add an alert that pages when checkout errors stay above 1%",
    "f: investigate the *cache* <warm-up>",
    "Follow-up: look into it",
    "follow up:make sure | the runbook is better etc",
    "-todo: fix issues",
    "TODO:",
    "f:" + " ".join(["long"] * 60),
    "todo: first line\nsecond line of the follow-up",
    "note: not a follow-up at all",
    "Observation 5: not a prefix",
)


def write(root: Path, *, resolve: bool = True, count: int = 1300) -> Path:
    """The incident's directory under `root`."""
    script = ScriptedIncident(START)
    run, advance = script.run, script.clock.advance
    run(c.Declare(incident_id=TRICKY_ID, title="Checkout *errors* <b> | x", severity=2))
    run(c.AssignRole(role=Role.IC, name="Alex"))
    for person in PEOPLE:
        run(c.Join(name=person))
    for step in range(count):
        actor = PEOPLE[step % len(PEOPLE)]
        # Several entries a second, some a second or more apart: stamps repeat and change.
        advance(0.4 if step % 3 else 1.7)
        phase = step % 13
        if phase < 6:
            text = TEXTS[step % len(TEXTS)]
            occurred = None
            now = script.clock.now()
            if step % 7 == 1:
                occurred = (now - timedelta(minutes=3, seconds=step % 50)).astimezone(PLUS_TWO)
            elif step % 7 == 4:
                occurred = (now - timedelta(hours=2)).astimezone(MINUS_HALF)
            elif step % 11 == 5:
                occurred = now + timedelta(seconds=50)  # noticed just early: "earlier"
            elif step % 17 == 3:
                occurred = now - timedelta(days=1, seconds=5)
            run(
                c.AddLogEntry(text=f"{step}: {text}", kind=LogKind.NOTE, occurred_at=occurred),
                actor=actor,
            )
        elif phase == 6:
            text = FOLLOWUPS[step % len(FOLLOWUPS)]
            kind = LogKind.FOLLOWUP if step % 2 else LogKind.ACTION
            run(c.AddLogEntry(text=text, kind=kind), actor=actor)
        elif phase == 7:
            run(
                c.AssignTask(
                    owner=actor, text=f"Check {TEXTS[step % 4]}", timebox=timedelta(minutes=5)
                )
            )
        elif phase == 8:
            tasks = script.state.open_tasks()
            if tasks:
                run(c.ExtendTask(number=tasks[0].number, timebox=timedelta(minutes=10)))
                run(c.CompleteTask(number=tasks[0].number))
        elif phase == 9:
            run(c.ProposeDecision(text=f"Fail over {TEXTS[step % len(TEXTS)]}"), actor=actor)
        elif phase == 10:
            decisions = script.state.open_decisions()
            if decisions:
                number = decisions[0].number
                run(c.RaiseObjection(number=number, text=TEXTS[step % 3], by="Sam"), actor="Sam")
                run(c.AcceptDecision(number=number))
        elif phase == 11:
            run(c.PostUpdate(audience=Audience.INTERNAL, text=TEXTS[step % len(TEXTS)]))
        elif step % 5 == 0:
            severity = 1 + step % 3
            if severity != script.state.severity:
                run(c.ChangeSeverity(severity=severity))
        elif step % 5 == 1 and script.state.ic != PEOPLE[step % len(PEOPLE)]:
            run(c.Handover(name=PEOPLE[step % len(PEOPLE)]))
    followups = [e.seq for e in script.state.log if e.kind is LogKind.FOLLOWUP]
    for seq in followups[:3]:
        run(TrackFollowup(item=f"F{seq}", url=f"https://tracker.example/{seq}_a*b|c<d>"))
    if resolve:
        advance(60)
        run(c.Resolve())
    return script.write(root)
