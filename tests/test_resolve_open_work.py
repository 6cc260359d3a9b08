"""Resolving with open tasks or decisions: the domain's choice, the CLI's flags, and the alerts
that stop once the incident is resolved."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from conftest import Runner
from ic_console import cli
from ic_console.cli import main
from ic_console.content.phrasebook import shipped_phrasebook
from ic_console.domain import commands as cmd
from ic_console.domain import events as ev
from ic_console.domain.clock import FakeClock
from ic_console.domain.model import DecisionStatus, Status, TaskStatus
from ic_console.live.alerts import AlertPolicy
from ic_console.store.incident import IncidentStore


def with_open_work(runner: Runner) -> Runner:
    runner.run(cmd.AssignTask(owner="Sam", text="check the pool", timebox=timedelta(minutes=5)))
    runner.run(cmd.AssignTask(owner="Mei", text="read the logs", timebox=timedelta(minutes=5)))
    runner.run(cmd.CompleteTask(number=2))
    runner.run(cmd.ProposeDecision(text="roll back"))
    return runner


def test_resolve_keeps_open_work_by_default(runner: Runner) -> None:
    with_open_work(runner)
    assert runner.run(cmd.Resolve()) == [ev.IncidentResolved()]
    assert runner.state.tasks[1].is_open
    assert runner.state.decisions[1].status is DecisionStatus.OPEN


def test_resolve_can_cancel_open_tasks_and_withdraw_open_decisions(runner: Runner) -> None:
    with_open_work(runner)
    recorded = runner.run(cmd.Resolve(open_work=cmd.OpenWork.CANCEL))
    assert recorded == [
        ev.TaskCancelled(number=1),
        ev.DecisionWithdrawn(number=1),
        ev.IncidentResolved(),
    ]
    assert runner.state.status is Status.RESOLVED
    assert runner.state.tasks[1].status is TaskStatus.CANCELLED
    assert runner.state.tasks[2].status is TaskStatus.DONE  # closed work is left alone
    runner.refused(cmd.Resolve(open_work=cmd.OpenWork.CANCEL), "already resolved")


def test_no_alerts_once_resolved(runner: Runner, clock: FakeClock) -> None:
    runner.run(cmd.AssignTask(owner="Sam", text="check the pool", timebox=timedelta(minutes=5)))
    runner.run(cmd.Resolve())
    clock.advance(45 * 60)
    for watch in (False, True):
        policy = AlertPolicy(shipped_phrasebook(), "Alex", watch=watch)
        assert policy.fresh(runner.state, clock.now()) == []
    # The same task on an active incident does ring: the policy is what stops it.
    active = Runner(clock)
    active.run(cmd.Declare(incident_id="inc-2", title="Checkout errors", severity=2))
    active.run(cmd.AssignTask(owner="Sam", text="check the pool", timebox=timedelta(minutes=5)))
    clock.advance(6 * 60)
    assert AlertPolicy(shipped_phrasebook(), "Alex").fresh(active.state, clock.now())


# -- ic resolve --keep-open / --cancel-open ---------------------------------------------------


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock: FakeClock) -> IncidentStore:
    monkeypatch.setenv("IC_CONSOLE_CONFIG", str(tmp_path / "no-config.toml"))
    real = cli.make_context

    def make_context(args: object) -> cli.Context:
        ctx = real(args)  # type: ignore[arg-type]
        ctx.clock = clock
        return ctx

    monkeypatch.setattr(cli, "make_context", make_context)
    created = IncidentStore.create(
        tmp_path / "home",
        cmd.Declare(incident_id="co", title="Checkout"),
        clock=clock,
        actor="Alex",
    )
    created.execute(
        cmd.AssignTask(owner="Sam", text="check the pool", timebox=timedelta(minutes=5))
    )
    created.execute(cmd.ProposeDecision(text="roll back"))
    return created


def ic(
    store: IncidentStore, capsys: pytest.CaptureFixture[str], *argv: str
) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([*argv, "--home", str(store.directory.parent.parent), "--as", "Alex"])
    out, err = capsys.readouterr()
    return code, out, err


def state(store: IncidentStore) -> object:
    return IncidentStore.open(store.directory.parent.parent, "co", read_only=True).state


def test_ic_resolve_asks_what_becomes_of_open_work(store, capsys) -> None:
    code, out, err = ic(store, capsys, "resolve", "co")
    assert (code, out) == (2, "")
    assert err.strip().splitlines() == [
        "ic: 1 task and 1 decision still open (#1, D1): add --keep-open to keep them as "
        "follow-ups, or --cancel-open to cancel the tasks and withdraw the decisions."
    ]
    assert state(store).status is Status.ACTIVE  # type: ignore[attr-defined]


def test_ic_resolve_cancel_open(store, capsys) -> None:
    code, out, _ = ic(store, capsys, "resolve", "co", "--cancel-open")
    assert code == 0
    assert out.startswith("Cancelled 1 task and withdrew 1 decision. Incident co resolved")
    resolved = state(store)
    assert resolved.tasks[1].status is TaskStatus.CANCELLED  # type: ignore[attr-defined]


def test_ic_resolve_keep_open(store, capsys) -> None:
    code, out, _ = ic(store, capsys, "resolve", "co", "--keep-open")
    assert code == 0 and out.startswith("Incident co resolved")
    kept = state(store)
    assert kept.status is Status.RESOLVED and kept.tasks[1].is_open  # type: ignore[attr-defined]
    code, _, err = ic(store, capsys, "resolve", "co", "--keep-open", "--cancel-open")
    assert code == 2 and "not allowed with" in err
