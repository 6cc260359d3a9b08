"""Command at scale: `ic team form|add|remove|disband|task` and `ic exit add|met|unmet`, plus
what `ic resolve` and `ic handover` ask of them (the override, the acknowledgement)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ic_console.cli import EXIT_OK, Context, UsageError, lazy_import
from ic_console.cli.common import (
    cmd,
    due_phrase,
    ev,
    expect,
    joined_prefix,
    local,
    number_of,
    payloads,
    run,
    say,
    split_sub,
    timebox_of,
    words,
    words_verb,
)
from ic_console.domain.durations import DURATION_HELP
from ic_console.domain.text import literal

if TYPE_CHECKING:
    from ic_console.domain import exit_criteria, scale, teams
    from ic_console.domain.state import IncidentState

    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]
else:
    # Loaded on first use: `ic --help` never builds the pydantic models behind the verbs.
    scale = lazy_import("ic_console.domain.scale")
    teams = lazy_import("ic_console.domain.teams")
    exit_criteria = lazy_import("ic_console.domain.exit_criteria")

TEAM_VERBS = ("form", "add", "remove", "disband", "task", "lead")
EXIT_VERBS = ("add", "met", "unmet", "drop")


def register(sub: SubParsers) -> None:
    """Add `team` and `exit` to `ic`."""
    p = words_verb(
        sub,
        "team",
        _team,
        "form sub-teams, each with one lead who reports for it to the Incident Commander",
        "ic team [ID] form [NAME] --lead PERSON [--member PERSON ...] [--goal TEXT]\n"
        "       ic team [ID] add|remove TEAM PERSON\n"
        "       ic team [ID] disband TEAM\n"
        "       ic team [ID] task TEAM TEXT --in DURATION\n"
        "       ic team [ID] lead TEAM PERSON",
        "Without NAME, form takes the next of Alpha, Bravo, Charlie... A team's task is given "
        "to its lead, who reports for the team. Someone added to a team leaves the team they "
        "were in. `lead` gives the team a new lead (the previous one stays a member): needed "
        "before its lead can take command, since the Incident Commander leads no team.",
    )
    p.add_argument("--lead", metavar="PERSON", help="who leads the team and reports for it")
    p.add_argument(
        "--member",
        dest="members",
        metavar="PERSON",
        action="append",
        default=[],
        help="a member besides the lead (repeat for more)",
    )
    p.add_argument("--goal", metavar="TEXT", default="", help="what the team is there to do")
    p.add_argument("--in", dest="timebox", metavar="DURATION", help=f"the timebox: {DURATION_HELP}")

    words_verb(
        sub,
        "exit",
        _exit,
        "exit criteria: what must be true to call the incident resolved",
        "ic exit [ID] add TEXT\n       ic exit [ID] met|unmet|drop CRITERION",
        "Resolving with criteria unmet asks first (or needs --override-exit-criteria). `drop` "
        "strikes a criterion that no longer says what must be true (the review shows it); "
        "to reword one, drop it and add the new wording.",
    )


def _team(args: argparse.Namespace, ctx: Context) -> int:
    given, action, rest = split_sub(args, TEAM_VERBS, "team")
    if action != "form" and (args.lead or args.members or args.goal):
        raise UsageError(f"--lead, --member and --goal go with form, not with {action}.")
    if action != "task" and args.timebox is not None:
        raise UsageError(f"--in goes with task, not with {action}.")
    command: cmd.Command
    if action == "form":
        if len(rest) > 1:
            raise UsageError(
                "Too many words: put a team name with spaces in quotes. "
                "Usage: ic team [ID] form [NAME] --lead PERSON [--member PERSON ...] "
                '[--goal "TEXT"]'
            )
        if not args.lead:
            raise UsageError(
                "Name the team's lead with --lead, like: ic team form Bravo --lead Sam. "
                "The lead reports for the team."
            )
        command = scale.FormTeam(
            name=rest[0] if rest else None,
            lead=args.lead,
            members=tuple(args.members),
            goal=args.goal,
        )
    elif action in ("add", "remove"):
        expect(rest, 2, f"ic team [ID] {action} TEAM PERSON")
        kind = scale.AddTeamMember if action == "add" else scale.RemoveTeamMember
        command = kind(team=rest[0], name=rest[1])
    elif action == "disband":
        expect(rest, 1, "ic team [ID] disband TEAM")
        command = scale.DisbandTeam(name=rest[0])
    elif action == "lead":
        expect(rest, 2, "ic team [ID] lead TEAM PERSON")
        command = scale.ChangeTeamLead(team=rest[0], lead=rest[1])
    else:
        expect(rest, 2, 'ic team [ID] task TEAM "TEXT" --in DURATION')
        timebox = timebox_of(args.timebox)
        if timebox is None:
            raise UsageError(
                f'Give the team\'s task a timebox with --in, like: ic team task {rest[0]} "..." '
                "--in 20m."
            )
        command = scale.AssignTeamTask(team=rest[0], text=rest[1], timebox=timebox)
    store, events = run(ctx, given, command)
    prefix = joined_prefix(events)
    narrator = words.Narrator.from_state(store.state)
    for data in payloads(events):
        if isinstance(data, ev.ParticipantJoined):
            continue
        said = narrator.describe(data).said
        if isinstance(data, ev.TaskAssigned):
            team = teams.led_by(store.state, data.owner)
            label = f" (lead of {team.name})" if team is not None else ""
            said = f"{prefix}{said}{label}, {due_phrase(data.deadline, events[-1].at)}."
        elif isinstance(data, ev.TeamFormed):
            said = f"{prefix}{said}{_formed_hint(data)}"
        elif isinstance(data, ev.TeamLeadChanged):
            goal = store.state.teams[data.team].goal
            said = f'{prefix}{said} Say: "{words.new_lead_sentence(data.team, data.lead, goal)}"'
        elif isinstance(data, ev.TeamMemberAdded) and any(
            isinstance(e, ev.TeamLeadChanged) for e in payloads(events)
        ):
            continue  # the new lead's line says they are in the team
        say(ctx, said)
    return EXIT_OK


def _formed_hint(data: ev.TeamFormed) -> str:
    goal = f" Your goal: {data.goal}." if data.goal else ""
    return (
        f' Say: "{data.lead}, you lead team {data.name}.{goal} Report back to me for the '
        'team. Understood?"'
    )


def _exit(args: argparse.Namespace, ctx: Context) -> int:
    given, action, rest = split_sub(args, EXIT_VERBS, "exit criterion")
    command: cmd.Command
    if action == "add":
        expect(rest, 1, 'ic exit [ID] add "TEXT"')
        command = scale.AddExitCriterion(text=rest[0])
    else:
        expect(rest, 1, f"ic exit [ID] {action} N")
        number = number_of(rest[0], "exit criterion")
        if action == "met":
            command = scale.MeetExitCriterion(number=number)
        elif action == "drop":
            command = scale.DropExitCriterion(number=number)
        else:
            command = scale.UnmeetExitCriterion(number=number)
    store, events = run(ctx, given, command)
    for data in payloads(events):
        say(ctx, words.describe(data).said)
    label = exit_criteria.progress_label(store.state)
    if label:
        say(ctx, f"Now {label}.")
    return EXIT_OK


# -- what `ic resolve` and `ic handover` ask (hooks called from progress.py and people.py) ------


def add_override_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--override-exit-criteria",
        action="store_true",
        help="resolve even with exit criteria unmet (the override is recorded)",
    )


def override_exit_criteria(args: argparse.Namespace, ctx: Context, state: IncidentState) -> bool:
    """Whether resolving overrides unmet exit criteria: the flag, else a question on a terminal,
    else a usage error that names them."""
    if getattr(args, "override_exit_criteria", False):
        return True
    left = exit_criteria.unmet(state)
    if not left:
        return False
    listed = "; ".join(f"{c.number}. {c.text}" for c in left)
    if not _interactive():
        raise UsageError(
            f"Exit criteria not met: {listed}. Mark them with `ic exit met N`, or resolve anyway "
            "with --override-exit-criteria (the override is recorded)."
        )
    answer = _ask(f"Exit criteria not met: {listed}. Resolve anyway? [y/N] ")
    if answer.strip().casefold() not in ("y", "yes"):
        raise UsageError("Not resolved: the exit criteria stay as they are.")
    return True


def _interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def _ask(question: str) -> str:
    print(question, end="", file=sys.stderr, flush=True)
    try:
        return sys.stdin.readline()
    except (OSError, KeyboardInterrupt):
        return ""


def add_acknowledged_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--acknowledged",
        action="store_true",
        help='the new Incident Commander already said yes to "okay?"',
    )


def handover(args: argparse.Namespace, ctx: Context) -> int | None:
    """`ic handover [ID] ack` and `ic handover [ID] NAME --acknowledged`; None leaves the
    plain handover to `people.py`."""
    given_words: list[str] = list(args.words)
    if given_words and given_words[-1].casefold() == "ack" and len(given_words) <= 2:
        if getattr(args, "acknowledged", False):
            raise UsageError("`ic handover ack` records the yes already; leave out --acknowledged.")
        given = given_words[0] if len(given_words) == 2 else None
        _store, events = run(ctx, given, scale.AcknowledgeHandover())
        for data in payloads(events):
            say(ctx, f"{words.describe(data).said} Announce the change to the call.")
        return EXIT_OK
    if not getattr(args, "acknowledged", False):
        return None
    if len(given_words) not in (1, 2):
        expect(given_words, 1, "ic handover [ID] NAME --acknowledged")
    given = given_words[0] if len(given_words) == 2 else None
    _store, events = run(ctx, given, scale.HandoverAcknowledgedNow(name=given_words[-1]))
    said = " ".join(
        words.describe(data).said
        for data in payloads(events)
        if isinstance(data, ev.CommandHandedOver | ev.HandoverAcknowledged)
    )
    say(ctx, f"{joined_prefix(events)}{said} Announce it to the call.")
    for line in left_team_lines(events):
        say(ctx, line)
    return EXIT_OK


def left_team_lines(events: list[ev.Event]) -> list[str]:
    """The team a new Incident Commander left on taking command, and what to tell its lead."""
    return [
        f"{data.name} left team {data.team}: the Incident Commander directs the teams and is "
        f'in none. Tell the lead: "{data.name} is now the Incident Commander; team {data.team} '
        'goes on without them."'
        for data in payloads(events)
        if isinstance(data, ev.TeamMemberRemoved)
    ]


# -- `ic show`: the state at a glance (called from declare.py) ---------------------------------

#: How many scribe log lines `ic show` prints after the summary.
SHOW_LOG_LINES = 5
#: The width `ic show` cuts a recent log entry to when its output is no terminal (a pipe, a file).
SHOW_COLUMNS = 100
#: What ends an entry `ic show` cut short.
CUT_MARK = "…"
#: The verb that prints a whole log entry, named where `ic show` cut one.
SEE_WHOLE = "`ic tail`"
#: How many people on the call and decisions taken `ic show` names before it counts the rest
#: (`ic show --all` names every one): a 500-person incident's glance was a 15,000-character line
#: of names and 800 decisions, which nobody joining the call reads in a minute.
SHOW_MOST = 10


def show_lines(
    state: IncidentState,
    now: datetime,
    cadence: Mapping[int, timedelta | None],
    *,
    every: bool = False,
    width: int = SHOW_COLUMNS,
) -> list[str]:
    """What `ic show` prints: the state at a glance, in the method's order, then the latest
    lines of the scribe log, each cut to `width` terminal cells. `cadence` is the configured
    update interval per severity; `every` names all the people on the call and all the
    decisions taken (`--all`)."""
    from ic_console.domain import glance
    from ic_console.store.snapshot import latest_by_when  # the snapshot keeps the latest

    def at(when: datetime) -> str:
        return local(when, now)

    # The latest entries first: while the log book still defers what a snapshot covers, they
    # come from the snapshot's own list of its latest; the glance's search for the latest
    # status may read the whole book, after which they would take a pass over every entry.
    entries = latest_by_when(state.log, SHOW_LOG_LINES)
    lines = [glance.header(state)]
    most = None if every else SHOW_MOST
    see_all = ": `ic show --all` lists them"
    sections = glance.build(state, now, at=at, cadence=cadence, most=most, see_all=see_all)
    lines += glance.lines(sections)
    recent = [
        _fit(f"  {at(entry.when)}  {entry.kind.value:<8} {entry.author}: {entry.text}", width)
        for entry in entries
    ]
    if any(line.endswith(CUT_MARK) for line in recent):
        lines.append(f"Recent log (each entry cut to one line: {SEE_WHOLE} prints them whole):")
    else:
        lines.append("Recent log:" if entries else "Recent log: empty")
    return lines + recent


def _fit(line: str, width: int) -> str:
    """`line` as one line of `width` terminal cells at most, ending with "…" when cut: one
    20,000-character entry made 38 kB of `ic show`, and a pasted stack trace pages of it."""
    from ic_console.cli.listing import _cells, _cut

    shown = literal(line)  # a newline is a visible mark, so the entry stays on one line
    if _cells(shown) <= width:
        return shown
    return _cut(shown, max(width, 2) - 1) + CUT_MARK


def show_json(state: IncidentState, now: datetime) -> dict[str, object]:
    """What `ic show --json` adds: teams, exit criteria and the handover's acknowledgement."""
    from ic_console.domain import handover_ack
    from ic_console.domain.views import iso

    return {
        "teams": [
            {"name": t.name, "lead": t.lead, "members": list(t.members), "goal": t.goal}
            for t in teams.active_teams(state)
        ],
        "direct_reports": teams.direct_reports(state),
        "exit_criteria": [
            {"number": c.number, "text": c.text, "met": c.met, "met_at": iso(c.met_at)}
            for c in exit_criteria.criteria(state)
        ],
        "handover_acknowledged_at": iso(handover_ack.acknowledged_at(state)),
        "awaiting_handover_acknowledgement": handover_ack.awaiting_acknowledgement(state),
    }
