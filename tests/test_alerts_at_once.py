"""Many timeboxes up at once (an incident opened after a break, a long drill restarted) raise
a few alerts and one that names the rest, not a toast per task; each is still raised once."""

from __future__ import annotations

from datetime import timedelta

from conftest import Runner
from ic_console.content.phrasebook import shipped_phrasebook
from ic_console.domain import commands as cmd
from ic_console.domain.clock import FakeClock
from ic_console.live.alerts import AT_ONCE, AlertPolicy


def assign(runner: Runner, owner: str, minutes: int) -> None:
    text = f"task of {owner}"
    runner.run(cmd.AssignTask(owner=owner, text=text, timebox=timedelta(minutes=minutes)))


def test_a_few_expired_timeboxes_raise_one_alert_each(runner: Runner, clock: FakeClock) -> None:
    for n in range(AT_ONCE):
        assign(runner, f"P{n}", 5)
    clock.advance(6 * 60)
    fresh = AlertPolicy(shipped_phrasebook(), "Alex").fresh(runner.state, clock.now())
    assert [line.split(":")[0] for line in fresh] == [f"#{n + 1} P{n}" for n in range(AT_ONCE)]


def test_many_expired_timeboxes_share_one_alert_that_names_them(
    runner: Runner, clock: FakeClock
) -> None:
    for n in range(40):
        assign(runner, f"P{n}", 40 - n)  # the last assigned runs out first
    clock.advance(60 * 60)
    policy = AlertPolicy(shipped_phrasebook(), "Alex")
    fresh = [line for line in policy.fresh(runner.state, clock.now()) if "timebox" in line]
    assert len(fresh) == AT_ONCE
    # Earliest deadline first: the tasks late the longest are named one by one.
    assert fresh[0].startswith("#40 P39: the timebox is up.")
    assert fresh[1].startswith("#39 P38: the timebox is up.")
    rest = fresh[-1]
    assert rest.startswith(f"{40 - (AT_ONCE - 1)} more timeboxes are up: #38 P37, #37 P36")
    assert "and 33 more" in rest
    assert "task board" in rest
    # Said once: the next second raises nothing; a timebox extended and run out again does.
    assert policy.fresh(runner.state, clock.now()) == []
    runner.run(cmd.ExtendTask(number=5, timebox=timedelta(minutes=1)))
    clock.advance(2 * 60)
    again = policy.fresh(runner.state, clock.now())
    assert len(again) == 1 and again[0].startswith("#5 P4: the timebox is up.")


def test_the_deputy_sees_the_same_grouping(runner: Runner, clock: FakeClock) -> None:
    for n in range(10):
        assign(runner, f"P{n}", 5)
    clock.advance(6 * 60)
    fresh = AlertPolicy(shipped_phrasebook(), "Priya", watch=True).fresh(runner.state, clock.now())
    expired = [line for line in fresh if "timebox" in line]
    assert len(expired) == AT_ONCE
    assert "Say: “" in expired[0]
    assert expired[-1].startswith("8 more timeboxes are up: #3 P2")
