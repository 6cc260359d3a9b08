"""`ic drill` and the --drills flag: drills stay out of the real incidents' list, search, review
and exports unless asked for; `ic drill rm` deletes a drill and refuses a real incident."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ic_console.cli import main
from ic_console.content.library import load_scenarios
from ic_console.domain import commands as c
from ic_console.domain.clock import FakeClock
from ic_console.domain.model import LogKind, Role
from ic_console.live.drill import start_drill
from ic_console.store.incident import IncidentStore

from .conftest import START


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def world(home: Path) -> tuple[str, str]:
    """A real incident and a drill, both active, both mentioning "replica"."""
    clock = FakeClock(START)
    real = IncidentStore.create(
        home,
        c.Declare(incident_id="real-one", title="Real replica trouble", severity=2),
        clock=clock,
        actor="Alex",
    )
    real.execute(c.AssignRole(role=Role.IC, name="Alex"))
    real.execute(c.AddLogEntry(text="replica is lagging", kind=LogKind.STATUS), actor="Sam")
    scenario = load_scenarios([])[0]["db-failover-stall"]
    drill = start_drill(home, scenario, trainee="Alex", speed=10, base_clock=clock)
    store = IncidentStore.open(home, drill.incident_id, clock=drill.clock, actor="Alex")
    store.execute(c.AssignRole(role=Role.IC, name="Alex"))
    store.execute(c.AddLogEntry(text="replica drill note"))
    return "real-one", drill.incident_id


def test_list_leaves_drills_out_unless_asked(capsys, world) -> None:
    real, drill = world
    code, out, _ = run(capsys, "list", "--json")
    assert code == 0 and [row["id"] for row in json.loads(out)] == [real]
    code, out, _ = run(capsys, "list", "--json", "--drills")
    assert sorted(row["id"] for row in json.loads(out)) == sorted([real, drill])


def test_search_leaves_drills_out_unless_asked(capsys, world) -> None:
    real, drill = world
    code, out, _ = run(capsys, "search", "replica", "--json")
    assert code == 0 and {hit["id"] for hit in json.loads(out)} == {real}
    code, out, _ = run(capsys, "search", "replica", "--json", "--drills")
    assert {hit["id"] for hit in json.loads(out)} == {real, drill}


@pytest.mark.parametrize("verb", [["export", "--format", "json"], ["postmortem"]])
def test_exports_refuse_a_drill_unless_asked(capsys, world, verb: list[str]) -> None:
    real, drill = world
    # Without an id the only *real* active incident is meant, though a drill is active too.
    code, out, _ = run(capsys, *verb)
    assert code == 0 and real in out and drill not in out
    code, _out, err = run(capsys, *verb, drill)
    assert code == 2 and "is a drill, not a real incident: add --drills" in err
    code, out, _ = run(capsys, *verb, drill, "--drills")
    assert code == 0 and drill in out


def test_drill_rm_deletes_a_drill_and_refuses_a_real_incident(capsys, world, home: Path) -> None:
    real, drill = world
    code, _out, err = run(capsys, "drill", "rm", real)
    assert code == 2 and "is a real incident, not a drill" in err
    assert any((home / "incidents" / real).glob("events/*.jsonl"))
    # Named like a drill but never marked as one: still refused.
    IncidentStore.create(
        home,
        c.Declare(incident_id="drill-lookalike", title="Real, oddly named", severity=3),
        clock=FakeClock(START),
        actor="Alex",
    )
    code, _out, err = run(capsys, "drill", "rm", "drill-lookalike")
    assert code == 2 and "is a real incident, not a drill" in err
    assert any((home / "incidents" / "drill-lookalike").glob("events/*.jsonl"))
    code, out, _ = run(capsys, "drill", "rm", drill)
    assert code == 0 and out == f"Deleted drill {drill}.\n"
    assert not (home / "incidents" / drill).exists()
    code, _out, err = run(capsys, "drill", "rm", drill)
    assert code == 2 and "there is no drill" in err


def test_drill_score_and_list(capsys, world) -> None:
    real, drill = world
    code, out, _ = run(capsys, "drill", "score")
    assert code == 0
    assert out.startswith("# Drill scorecard: Primary database failover stalls\n")
    assert "| Time to name an Incident Commander | 0s | yes |" in out
    code, out, _ = run(capsys, "drill", "score", drill, "--format", "json")
    body = json.loads(out)
    assert body["incident_id"] == drill and body["drill"]["to_ic_seconds"] == 0
    code, _out, err = run(capsys, "drill", "score", real)
    assert code == 2 and "is not a drill" in err
    code, out, _ = run(capsys, "drill", "list")
    assert code == 0
    assert "db-failover-stall" in out and "security-legal" in out
    past, drills = out.split("Past incidents")[1].split("Drills run")
    assert real in past and drill not in past and drill in drills


def test_drill_score_says_a_drill_in_progress_is_unfinished(capsys, world, home: Path) -> None:
    _real, drill = world
    code, out, _ = run(capsys, "drill", "score", drill)
    assert code == 0 and "of drill time so far (UNFINISHED: not resolved yet)" in out
    assert "Note: the drill is not over (not resolved yet)" in out
    code, out, _ = run(capsys, "drill", "score", drill, "--format", "json")
    body = json.loads(out)
    assert body["finished"] is False and body["notes"] and "not over" in body["notes"][0]
    store = IncidentStore.open(home, drill, clock=FakeClock(START), actor="Alex")
    store.execute(c.Resolve())
    code, out, _ = run(capsys, "drill", "score", drill)
    assert code == 0 and "UNFINISHED" not in out and "Note:" not in out
    code, out, _ = run(capsys, "drill", "score", drill, "--format", "json")
    assert json.loads(out)["finished"] is True


def test_drill_start_says_what_was_wrong(capsys, home: Path) -> None:
    code, _out, err = run(capsys, "drill", "start", "no-such-scenario")
    assert code == 2 and 'there is no scenario "no-such-scenario"' in err
    code, _out, err = run(capsys, "drill", "start", "db-failover-stall", "--speed", "fast")
    assert code == 2 and '--speed "fast" is not a number' in err
    code, _out, err = run(capsys, "drill", "start", "--from", "nothing-here")
    assert code == 2 and "nothing-here" in err
    code, _out, err = run(capsys, "drill", "start", "db-failover-stall", "--as", "Jordan")
    assert code == 2 and "one of the scenario's people" in err
    assert not (home / "incidents").exists() or not any((home / "incidents").iterdir())


def _replayed_drill(home: Path, incident_id: str, title: str) -> str:
    """A resolved past incident (Riley named IC a minute in, Sam's status report), replayed as
    a drill for Alex; the drill's id."""
    from ic_console.live.drill import replay_scenario
    from ic_console.review.source import load_events

    clock = FakeClock(START)
    past = IncidentStore.create(
        home,
        c.Declare(incident_id=incident_id, title=title, severity=2),
        clock=clock,
        actor="Riley",
    )
    clock.advance(60)
    past.execute(c.AssignRole(role=Role.IC, name="Riley"))
    past.execute(c.AddLogEntry(text="card API errors", kind=LogKind.STATUS), actor="Sam")
    past.execute(c.Resolve())
    events, state, _ = load_events(past.directory)
    scenario = replay_scenario(incident_id, list(events), state, trainee="Alex")
    drill = start_drill(
        home, scenario, trainee="Alex", speed=10, base_clock=clock, replay_of=incident_id
    )
    return drill.incident_id


def test_score_of_a_replay_puts_the_original_beside_it(capsys, home: Path) -> None:
    drill_id = _replayed_drill(home, "20261120-checkout", "Checkout errors")
    code, out, _ = run(capsys, "drill", "score", drill_id)
    assert code == 0
    assert "- Replay of 20261120-checkout (beside the original response)" in out
    assert "| Time to name an Incident Commander | never | - | 1m | yes |" in out
    code, out, _ = run(capsys, "drill", "list")
    past_part = out.split("Past incidents")[1].split("Drills run")[0]
    assert "20261120-checkout" in past_part


def test_drill_start_opens_the_drill_console_on_a_held_drill_clock(
    capsys, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ic_console.live.drill import DrillClock
    from ic_console.tui.drill_app import DrillApp

    opened: list[DrillApp] = []
    monkeypatch.setattr(DrillApp, "run", lambda self, *a, **k: opened.append(self))
    monkeypatch.setattr("ic_console.cli.common.needs_terminal", lambda verb_name="": None)
    code, _out, err = run(
        capsys, "drill", "start", "bad-deploy-rollback", "--speed", "10", "--as", "Alex"
    )
    assert code == 0, err
    (app,) = opened
    assert app.scenario.id == "bad-deploy-rollback"
    assert app.settings.actor == "Alex"
    assert app.settings.incident_id is not None
    assert app.settings.incident_id.startswith("drill-")
    clock = app.settings.clock
    assert isinstance(clock, DrillClock) and clock.speed == 10 and clock.held
    assert f"Started drill {app.settings.incident_id} at 10x." in err
    code, out, _ = run(capsys, "list", "--drills", "--json")
    assert [row["id"] for row in json.loads(out)] == [app.settings.incident_id]


def test_plain_verbs_on_a_drill_record_in_drill_time(capsys, world, home: Path) -> None:
    """`ic log DRILL ...` from a shell stamps the drill's own clock, like the drill console:
    on the wall clock its entries would land days behind the drill's timeline."""
    from ic_console.domain.clock import SystemClock
    from ic_console.live.drill import clock_for

    _real, drill = world
    code, _, err = run(capsys, "--as", "Alex", "log", drill, "note from the shell")
    assert code == 0, err
    expected = clock_for(home, drill, SystemClock()).now()
    store = IncidentStore.open(home, drill, read_only=True)
    entry = store.state.log[-1]
    assert entry.text == "note from the shell"
    assert abs((entry.when - expected).total_seconds()) < 60  # 10x: a few wall seconds


def test_an_incident_with_the_longest_title_can_be_replayed(home: Path) -> None:
    """The words "Drill: Replay of " in front of a 200-character title made a title over the
    limit, and the drill was refused with "shorten it", which the trainee could not do: it is
    cut."""
    title = "Checkout errors " + "x" * 184
    assert len(title) == 200
    drill_id = _replayed_drill(home, "long-title", title)
    drilled = IncidentStore.open(home, drill_id, read_only=True).state.title
    assert len(drilled) == 200 and drilled.startswith("Drill: Replay of Checkout errors xxx")
    assert drilled.endswith("…")


def test_drill_start_without_a_terminal_stops_at_once_and_starts_nothing(
    capsys, home: Path
) -> None:
    """From a script, a pipe or cron (stdin and stdout no terminal, as under pytest), the drill
    screen would redraw forever at full speed; like the console verbs it stops at once, exit
    1, and no drill is left behind. A mistake in its arguments is still told first (exit 2)."""
    code, _out, err = run(capsys, "drill", "start", "bad-deploy-rollback", "--as", "Alex")
    assert code == 1
    assert "`ic drill start` needs a terminal" in err and "Traceback" not in err
    assert not (home / "incidents").exists() or not any((home / "incidents").iterdir())
    code, _out, err = run(capsys, "drill", "start", "no-such-scenario")
    assert code == 2 and 'there is no scenario "no-such-scenario"' in err
