"""`ic show` on a long incident (issue 13): a glance that still reads in a minute, `--all` for
every line, and the same text whether the state came from a snapshot or from the whole log."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from ic_console.domain import commands as c
from ic_console.domain.clock import FakeClock
from ic_console.domain.logbook import LogBook
from ic_console.domain.model import Role
from ic_console.store.incident import IncidentStore
from ic_console.store.lazylog import LazyLog
from ic_console.store.snapshot import SNAPSHOT_FILE
from ic_console.synthetic import ScriptedIncident, write_busy_incident

from .conftest import START, Run, ok


def _incident(home: Path, clock: FakeClock, *, people: int, taken: int) -> None:
    """Alex and `people` responders on the call, `taken` decisions accepted, two open ones and
    twelve open tasks; the verbs' clock 100 minutes on, past the 90 minutes that ask for
    rotation."""
    declare = c.Declare(incident_id="long", title="Checkout errors", severity=1)
    script = ScriptedIncident.in_store(home, declare, start=START, actor="Alex")
    script.run(c.AssignRole(role=Role.IC, name="Alex"))
    for n in range(people):
        script.run(c.Join(name=f"Responder {n:02d}"))
    for n in range(taken):
        script.clock.advance(60)
        script.run(c.ProposeDecision(text=f"fail over shard {n}"))
        script.run(c.AcceptDecision(number=n + 1))
    for n in range(2):
        script.run(c.ProposeDecision(text=f"open question {n}"))
    for n in range(12):
        script.run(c.AssignTask(owner="Alex", text=f"check host {n}", timebox=timedelta(hours=3)))
    clock.set(START + timedelta(minutes=100))


def _section(out: str, title: str) -> list[str]:
    lines = out.splitlines()
    start = lines.index(f"{title}:") + 1
    end = next(i for i in range(start, len(lines)) if not lines[i].startswith("  "))
    return [line.strip() for line in lines[start:end]]


def test_a_long_glance_names_the_first_people_and_the_latest_decisions(
    ic: Run, home: Path, clock: FakeClock
) -> None:
    _incident(home, clock, people=14, taken=13)
    out = ok(ic("show", "long")).out
    decisions = _section(out, "Decisions taken")
    assert decisions[0] == "3 earlier decisions taken, not listed: `ic show --all` lists them"
    assert [line.split(".")[0] for line in decisions[1:11]] == [str(n) for n in range(4, 14)]
    assert decisions[11:] == [
        "Open: 14. open question 0 (proposed by Alex at 14:13 UTC; 0 objections)",
        "Open: 15. open question 1 (proposed by Alex at 14:13 UTC; 0 objections)",
    ]
    assert "fail over shard 2 " not in out
    # Every open task, whatever their number: they are the work in hand.
    assert len(_section(out, "Open tasks")) == 12
    call = next(line for line in out.splitlines() if "On the call:" in line)
    assert call.strip() == (
        "On the call: Alex (1h 40m, time to rotate), "
        + ", ".join(f"Responder {n:02d} (1h 40m, time to rotate)" for n in range(9))
        + "; and 5 more (5 of them with time to rotate): `ic show --all` lists them"
    )


def test_show_all_prints_every_person_and_decision(ic: Run, home: Path, clock: FakeClock) -> None:
    _incident(home, clock, people=14, taken=13)
    out = ok(ic("show", "long", "--all")).out
    decisions = _section(out, "Decisions taken")
    assert [line.split(".")[0] for line in decisions[:13]] == [str(n) for n in range(1, 14)]
    assert "not listed" not in out and "more" not in out
    assert "Responder 13 (1h 40m, time to rotate)" in out
    assert out.splitlines()[-1] == "Recent log: empty"  # the recent log still closes it


def test_a_glance_within_the_limits_is_the_same_with_or_without_all(
    ic: Run, home: Path, clock: FakeClock
) -> None:
    _incident(home, clock, people=9, taken=10)  # Alex and 9 responders: ten people
    out = ok(ic("show", "long")).out
    assert out == ok(ic("show", "long", "--all")).out
    assert "not listed" not in out and "more" not in out


def test_show_reads_the_same_from_a_snapshot_as_from_the_whole_log(
    ic: Run, home: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = write_busy_incident(home, "busy", 3000, start=START)
    assert IncidentStore.open(home, "busy", actor="Alex").write_snapshot()
    clock.set(START + timedelta(hours=3))
    ok(ic("log", "busy", "a late note"))
    ok(ic("log", "busy", "seen an hour ago", "--at", "13:00"))  # earlier than the covered ones
    store = IncidentStore.open(home, "busy", actor="Alex", read_only=True)
    assert isinstance(store.state.log, LazyLog) and not store.state.log.loaded
    # The recent lines come from the snapshot's list of its latest, not from a pass over the
    # whole book (which the glance's search for the latest status reads afterwards).
    loaded_at_latest: list[bool] = []
    latest = LogBook.latest

    def spy(self: LogBook, count: int) -> list[tuple[int, object]]:
        loaded_at_latest.append(self.loaded)
        return latest(self, count)  # type: ignore[return-value]

    monkeypatch.setattr(LogBook, "latest", spy)
    from_snapshot = ok(ic("show", "busy", "--all")).out
    assert loaded_at_latest == [False]
    (directory / SNAPSHOT_FILE).unlink()
    from_log = ok(ic("show", "busy", "--all")).out
    assert from_log == from_snapshot
    assert "a late note" in from_log
