"""The scorecard's figures at scale: open deadlines are kept by when they run out, so each event
looks only at the timeboxes that ran out, not at every open task (a replay of a 100,000-event
incident with 2,000 tasks open took minutes to score, and `ic drill start --from` held the
whole incident as models for it). The figures are the old code's (`helpers.scorecard_oracle`)
for any order of assignments, extensions, reassignments, completions and cancellations."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import example, given, settings
from hypothesis import strategies as st

from helpers.scorecard_oracle import oracle_measure
from ic_console.domain import commands as c
from ic_console.domain.errors import DomainError
from ic_console.domain.model import Role
from ic_console.review.scorecard import measure

from .conftest import START
from .helpers import Log

PEOPLE = ("Jordan", "Priya", "Sam")

step = st.tuples(
    st.floats(min_value=0, max_value=8),  # minutes since the step before
    st.sampled_from(["assign", "extend", "reassign", "done", "cancel", "note", "ic"]),
    st.integers(min_value=1, max_value=4),  # which task (by number)
    st.integers(min_value=1, max_value=15),  # a timebox in minutes
    st.sampled_from(PEOPLE),
)


def _log(steps: list[tuple[float, str, int, int, str]], resolve: bool) -> Log:
    log = Log(START, "drill-scale", "Drill: scale").drill("scale")
    minutes = 0.0
    for gap, action, number, box, person in steps:
        minutes += gap
        timebox = timedelta(minutes=box)
        command: c.Command = {
            "assign": c.AssignTask(owner=person, text=f"task for {person}", timebox=timebox),
            "extend": c.ExtendTask(number=number, timebox=timebox),
            "reassign": c.ReassignTask(number=number, owner=person, timebox=timebox),
            "done": c.CompleteTask(number=number),
            "cancel": c.CancelTask(number=number),
            "note": c.AddLogEntry(text=f"note {minutes:.1f}"),
            "ic": c.AssignRole(role=Role.IC, name=person),
        }[action]
        try:
            log.at(minutes).run(command)
        except DomainError:
            continue  # a step the incident refuses (no such task, already closed)
    if resolve:
        log.at(minutes + 1).run(c.Resolve(), "Alex")
    return log


@settings(max_examples=300, deadline=None)
@given(steps=st.lists(step, max_size=40), resolve=st.booleans())
# Extended before it ran out, then done before the new deadline: the first deadline, passed
# since, must not count as run out.
@example(
    steps=[
        (0, "assign", 1, 5, "Jordan"),
        (2, "extend", 1, 15, "Jordan"),
        (5, "note", 1, 1, "Sam"),
        (3, "done", 1, 1, "Sam"),
    ],
    resolve=False,
)
def test_the_figures_are_the_old_codes(
    steps: list[tuple[float, str, int, int, str]], resolve: bool
) -> None:
    events = _log(steps, resolve).events
    assert measure(events) == oracle_measure(events)


def test_many_open_timeboxes_are_counted_once_each() -> None:
    """400 tasks open at once, each run out without a follow-up, then a thousand notes: every
    timebox counts as run out exactly once, and the ones dealt with in time do not."""
    log = Log(START, "drill-many", "Drill: many").drill("many")
    for n in range(400):
        log.at(n / 100).run(
            c.AssignTask(owner="Jordan", text=f"t{n}", timebox=timedelta(minutes=5))
        )
    for n in range(1, 51):
        log.at(5.5).run(c.CompleteTask(number=n))  # within the minute's grace: on time
    for n in range(1000):
        log.at(10 + n / 10).run(c.AddLogEntry(text=f"note {n}"))
    figures = measure(log.events)
    assert figures.tasks == 400
    assert figures.followed_up_on_time == 50
    assert figures.timeboxes_run_out == 400
    assert figures == oracle_measure(log.events)
