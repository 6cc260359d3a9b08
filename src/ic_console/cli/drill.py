"""Practising incident command: `ic drill list|start|score|rm`.

A drill is a real incident folder marked as one (id `drill-…`), run on a drill clock with a
scenario's injects (`live/drill.py`) and scored against the method (`review/scorecard.py`).
Only `start` opens a screen, and only it imports Textual.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from ic_console.cli import EXIT_FAILURE, EXIT_OK, Context, UsageError, verb

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ic_console.content.scenarios import Scenario
    from ic_console.domain.clock import Clock
    from ic_console.domain.events import Event
    from ic_console.review.scorecard import Scorecard

    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]


def register(sub: SubParsers) -> None:
    """Add `ic drill` and its sub-verbs."""
    drill = verb(sub, "drill", _no_action, "practise incident command: scenarios and replays")
    actions = drill.add_subparsers(
        dest="drill_action", metavar="ACTION", help="list, start, score or rm"
    )

    verb(actions, "list", _list, "shipped and your own scenarios, past incidents, drills run")

    p = verb(actions, "start", _start, "start a drill on a scenario or a past incident")
    p.add_argument("scenario", nargs="?", metavar="NAME", help="a scenario id (ic drill list)")
    p.add_argument("--from", dest="replay", metavar="ID", help="replay this past incident")
    p.add_argument(
        "--speed",
        default="1",
        metavar="N",
        help="how much faster than real time the drill runs (default 1; 10 is brisk)",
    )

    p = verb(actions, "score", _score, "the scorecard of a drill (default: the newest)")
    p.add_argument("incident_id", nargs="?", metavar="ID", help="a drill id (ic drill list)")
    p.add_argument(
        "--format", "-f", dest="fmt", default="md", choices=("md", "json"), help="default md"
    )

    p = verb(actions, "rm", _rm, "delete a drill (never a real incident)")
    p.add_argument("incident_id", metavar="ID", help="the drill to delete")


def _no_action(args: argparse.Namespace, ctx: Context) -> int:
    raise UsageError("say what to do: `ic drill list`, `start`, `score` or `rm`.")


def _scenarios(ctx: Context) -> dict[str, Scenario]:
    from ic_console.content.config import load_config
    from ic_console.content.library import load_scenarios

    config, _problems = load_config()
    scenarios, problems = load_scenarios([config.content_directory()])
    for problem in problems:
        print(f"ic: {problem.skipped()}", file=ctx.err)
    return scenarios


def _drill_ids(ctx: Context) -> list[str]:
    from ic_console.domain.drill import is_drill_id
    from ic_console.store.catalog import list_incidents

    infos = list_incidents(ctx.home, drills=True)
    return [info.incident_id for info in infos if is_drill_id(info.incident_id)]


# -- list ------------------------------------------------------------------------------------------


def _list(args: argparse.Namespace, ctx: Context) -> int:
    from ic_console.domain.drill import is_drill_id
    from ic_console.domain.model import severity_label
    from ic_console.domain.text import literal
    from ic_console.store.catalog import list_incidents

    out = ctx.out
    print("Scenarios (ic drill start NAME):", file=out)
    for scenario in _scenarios(ctx).values():
        print(
            f"  {scenario.id:<28} {severity_label(scenario.severity)}  {literal(scenario.title)}",
            file=out,
        )
    infos = list_incidents(ctx.home, drills=True)
    width = max([28, *(len(info.incident_id) for info in infos)])
    past = [i for i in infos if not is_drill_id(i.incident_id) and i.problem is None]
    drills = [i for i in infos if is_drill_id(i.incident_id)]
    for heading, found in (
        ("Past incidents (ic drill start --from ID):", past),
        ("Drills run (ic drill score ID, ic drill rm ID):", drills),
    ):
        print(heading, file=out)
        if not found:
            print("  none yet", file=out)
        for info in found:
            print(
                f"  {literal(info.incident_id):<{width}} {info.status:<9} {literal(info.title)}",
                file=out,
            )
    return EXIT_OK


# -- start -----------------------------------------------------------------------------------------


def _start(args: argparse.Namespace, ctx: Context) -> int:
    from ic_console.domain.drill import is_drill_id
    from ic_console.live.drill import parse_speed, replay_scenario, start_drill

    speed = parse_speed(args.speed, UsageError)
    original: Sequence[Event] | None = None
    replay_of: str | None = None
    if args.replay and args.scenario:
        raise UsageError("give a scenario or --from ID, not both.")
    if args.replay:
        from ic_console.cli.common import incident_id_of
        from ic_console.review.source import open_for_review

        if is_drill_id(args.replay):
            raise UsageError(f"{args.replay} is a drill: replay a real incident.")
        # Named as every verb takes an incident: whole, a unique start, the `ic list` number.
        args.replay = incident_id_of(ctx, args.replay)
        # The state and the events as places in the file (read again, a batch at a time, for
        # the injects now and the original's figures on the scorecard): a long incident is
        # never held as models all at once.
        source = open_for_review(ctx.home, args.replay, timeline=False, metrics=False)
        original = source.events
        replay_of = source.state.incident_id
        scenario = replay_scenario(replay_of, original, source.state, trainee=ctx.actor)
    elif args.scenario:
        scenarios = _scenarios(ctx)
        found = scenarios.get(args.scenario)
        if found is None:
            names = ", ".join(scenarios) or "none"
            raise UsageError(
                f'there is no scenario "{args.scenario}": use one of {names} (ic drill list).'
            )
        scenario = found
    else:
        raise UsageError("name a scenario (ic drill list) or give --from ID.")
    from ic_console.cli.common import needs_terminal
    from ic_console.live.drill import trainee_name

    trainee_name(scenario, ctx.actor)
    # After the arguments are checked (a mistake is still one line, exit 2), before the drill is
    # made: without a terminal the screen would redraw forever, and a script would leave a
    # drill behind each time.
    needs_terminal("`ic drill start`")
    started = start_drill(
        ctx.home,
        scenario,
        trainee=ctx.actor,
        speed=speed,
        base_clock=ctx.clock,
        replay_of=replay_of,
        held=True,  # until the trainee has read the briefing
    )
    print(f"Started drill {started.incident_id} at {speed:g}x.", file=ctx.err)
    return _run_console(ctx, started.incident_id, started.clock, scenario, original)


def _run_console(
    ctx: Context,
    incident_id: str,
    clock: Clock,
    scenario: Scenario,
    original: Sequence[Event] | None,
) -> int:
    """The console on the drill, on the drill's clock, with the scenario's injects."""
    import sys

    from ic_console.cli.console import build_app
    from ic_console.tui.drill_app import DrillApp

    drill_ctx = Context(home=ctx.home, actor_given=ctx.actor, clock=clock, out=ctx.out, err=ctx.err)

    app = DrillApp.around(build_app(drill_ctx, incident_id), scenario, original)
    try:
        app.run()
    finally:
        app.leave_presence()
    if app.failure:
        print(app.failure, file=sys.stderr)
    print(
        f"Drill {incident_id}: `ic drill score {incident_id}` shows its scorecard.",
        file=ctx.err,
    )
    return app.return_code or 0


# -- a drill left at its briefing, opened again -------------------------------------------------


def open_left_briefing(ctx: Context, incident_id: str) -> int | None:
    """`ic open` on a drill whose trainee quit during the briefing: the drill console on the
    briefing again, its clock held where the drill stood until Enter. Its scenario gone (a
    file removed, a replayed incident deleted), the clock starts from there now and the plain
    console opens, saying so. None when `incident_id` is no such drill: open it as usual."""
    from ic_console.live.drill_resume import left_at_briefing

    left = left_at_briefing(ctx.home, incident_id, ctx.clock)
    if left is None:
        return None
    from ic_console.cli.common import needs_terminal
    from ic_console.domain.text import literal, name_key

    if name_key(ctx.actor) != name_key(left.trainee):
        raise UsageError(
            f"{incident_id} is {literal(left.trainee)}'s drill, left at its briefing: "
            f"{literal(left.trainee)} starts it with `ic open {incident_id} --as "
            f"{literal(left.trainee)}` (or delete it: `ic drill rm {incident_id}`)."
        )
    needs_terminal("the console")  # before anything is recorded
    found = _left_scenario(ctx, left.scenario, left.replay_of, left.trainee, incident_id)
    if found is None:
        from ic_console.live.drill_resume import start_clock_where_it_stood

        where = f"the incident it replays ({left.replay_of})" if left.replay_of else "its scenario"
        start_clock_where_it_stood(ctx.home, left, ctx.clock)
        print(
            f"ic: drill {incident_id} was left at its briefing, and {where} cannot be found "
            f"any more (ic drill list): it opens without its injects, and its clock starts now "
            "from where it stood.",
            file=ctx.err,
        )
        return None
    from ic_console.live.drill_resume import resumed_clock

    scenario, original = found
    print(
        f"Drill {incident_id} was left at its briefing: it opens there again, and its clock "
        "starts from where it stood when you press Enter.",
        file=ctx.err,
    )
    return _run_console(ctx, incident_id, resumed_clock(left, ctx.clock), scenario, original)


def _left_scenario(
    ctx: Context, title: str, replay_of: str | None, trainee: str, incident_id: str
) -> tuple[Scenario, Sequence[Event] | None] | None:
    """The scenario a drill was started on (by the title its log recorded; of several with
    that title, the one whose id its drill id carries), or the replay of the incident it
    replays; None when it cannot be found any more."""
    from ic_console.domain.errors import DomainError
    from ic_console.store.errors import StoreError

    if replay_of is not None:
        from ic_console.live.drill import replay_scenario
        from ic_console.review.source import open_for_review

        try:
            source = open_for_review(ctx.home, replay_of, timeline=False, metrics=False)
            replayed = replay_scenario(replay_of, source.events, source.state, trainee=trainee)
        except (StoreError, DomainError, OSError, UsageError):
            return None
        return replayed, source.events
    named = [s for s in _scenarios(ctx).values() if s.title == title]
    named.sort(key=lambda scenario: scenario.id[:28].strip("-") not in incident_id)
    return (named[0], None) if named else None


# -- score -----------------------------------------------------------------------------------------


def drill_card(ctx: Context, given: str | None) -> Scorecard:
    """The scorecard of drill `given` (default: the newest drill)."""
    from ic_console.content.config import load_config
    from ic_console.domain.drill import is_drill_id
    from ic_console.review.scorecard import scorecard
    from ic_console.review.source import load_events
    from ic_console.store.errors import StoreError
    from ic_console.store.paths import check_incident_folder, has_events, incident_dir

    if given is None:
        drills = _drill_ids(ctx)
        if not drills:
            raise UsageError("no drill has been run yet: start one with `ic drill start NAME`.")
        given = drills[0]
    elif not is_drill_id(given):
        raise UsageError(f"{given} is not a drill (drill ids start with drill-).")
    else:
        given = _whole_drill_id(ctx, given)
    directory = incident_dir(ctx.home, given)
    if not has_events(directory):
        raise UsageError(f"there is no drill {given}: `ic drill list` shows them.")
    check_incident_folder(directory)
    events, state, notices = load_events(directory)
    for notice in notices:
        print(f"ic: {notice}", file=ctx.err)
    if not state.drill:
        raise UsageError(f"{given} is not marked as a drill: it has no scorecard.")
    config, _problems = load_config()
    event_list = list(events)
    original: Sequence[Event] | None = None
    marker = _replay_of(event_list)
    if marker is not None:
        try:
            # Read again a batch at a time as the figures are measured, not held as models.
            original = load_events(incident_dir(ctx.home, marker), timeline=False, metrics=False)[0]
        except (StoreError, OSError):
            print(f"ic: the replayed incident {marker} is gone: no original figures.", file=ctx.err)
    return scorecard(event_list, cadence=config.cadence(), original=original)


def _whole_drill_id(ctx: Context, given: str) -> str:
    """The drill `given` names: itself, else the one drill whose id starts with it (as every
    verb takes a unique start of an incident's id); a start that fits several is refused."""
    drills = _drill_ids(ctx)
    if given in drills:
        return given
    matches = sorted(drill for drill in drills if drill.startswith(given))
    if len(matches) > 1:
        shown = ", ".join(matches[:10]) + (", ..." if len(matches) > 10 else "")
        raise UsageError(
            f'"{given}" is the start of {len(matches)} drill ids: {shown}. Give more of the id.'
        )
    return matches[0] if matches else given


def _replay_of(events: list[Event]) -> str | None:
    from ic_console.domain.events import DrillStarted

    for event in events:
        if isinstance(event.data, DrillStarted):
            return event.data.replay_of
    return None


def _score(args: argparse.Namespace, ctx: Context) -> int:
    from ic_console.review.scorecard import render_json, render_markdown

    card = drill_card(ctx, args.incident_id)
    ctx.out.write(render_json(card) if args.fmt == "json" else render_markdown(card))
    return EXIT_OK


# -- rm --------------------------------------------------------------------------------------------


def _rm(args: argparse.Namespace, ctx: Context) -> int:
    from ic_console.domain.drill import is_drill_id
    from ic_console.domain.text import check_incident_id
    from ic_console.review.source import load_events
    from ic_console.store.paths import check_incident_folder, has_events, incident_dir

    given = check_incident_id(args.incident_id)
    refusal = (
        f"{given} is a real incident, not a drill: `ic drill rm` only deletes drills, and "
        "nothing was deleted."
    )
    directory = incident_dir(ctx.home, given)
    if not has_events(directory):
        raise UsageError(f"there is no drill {given}: `ic drill list` shows them.")
    if not is_drill_id(given):
        raise UsageError(refusal)
    check_incident_folder(directory)
    _events, state, _notices = load_events(directory)
    if not state.drill:
        raise UsageError(refusal)
    from ic_console.store.presence import read_presence

    # A drill being run (or watched) is not deleted from under its console: the run so far
    # would be lost, and the console left on a folder that is gone.
    open_in = read_presence(directory, ctx.clock)
    if open_in:
        names = ", ".join(presence.label for presence in open_in)
        raise UsageError(
            f"{given} is open in a console ({names}): quit it there first (ctrl+q), then "
            "`ic drill rm` again; nothing was deleted."
        )
    try:
        shutil.rmtree(Path(directory))
    except OSError as error:
        print(f"ic: could not delete {directory}: {error.strerror}.", file=ctx.err)
        return EXIT_FAILURE
    print(f"Deleted drill {given}.", file=ctx.out)
    return EXIT_OK
