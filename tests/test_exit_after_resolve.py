"""`ic exit add` on a resolved incident is refused: an exit criterion says what must be true to
call the incident resolved, so one added after the call was made steers nothing and only
muddles the review ("exit 0/1 met" on a resolved incident). The refusal says to reopen the
incident if the impact is back. Logs that already hold such a criterion replay as before: the
refusal is the command's, never the fold's."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from conftest import Runner
from ic_console.domain import events as ev
from ic_console.domain.commands import Command, Events, Reopen, Resolve
from ic_console.domain.exit_criteria import criteria
from ic_console.domain.model import Status
from ic_console.domain.scale import AddExitCriterion
from ic_console.domain.state import IncidentState
from ic_console.store.incident import IncidentStore
from test_cli import Run, clock, home, ic, incident, ok, refused, state_of, zone

__all__ = ["clock", "home", "ic", "incident", "zone"]  # fixtures used by name

REFUSAL = (
    "is resolved: exit criteria say what must be true to resolve it, so one added now would "
    "change nothing. If the impact is back, reopen it first (`ic reopen`); work left to do is a "
    "follow-up (`ic log --kind followup TEXT`)."
)


def _log_bytes(home: Path, incident_id: str) -> bytes:
    folder = home / "incidents" / incident_id
    return b"".join(p.read_bytes() for p in sorted(folder.glob("events/*.jsonl")))


def test_exit_add_after_resolve_is_refused_and_writes_nothing(
    ic: Run, home: Path, incident: str
) -> None:
    ok(ic("resolve"))
    before = _log_bytes(home, incident)
    result = refused(ic("exit", incident, "add", "errors below 1%"))
    assert result.err == f"ic: Incident {incident} {REFUSAL}\n"
    assert _log_bytes(home, incident) == before


def test_exit_add_works_again_once_reopened(ic: Run, home: Path, incident: str) -> None:
    ok(ic("resolve"))
    ok(ic("reopen", incident))
    assert ok(ic("exit", "add", "errors below 1%")).out.startswith("Exit criterion 1 recorded")


def test_a_criterion_met_after_an_override_may_still_be_ticked(
    ic: Run, home: Path, incident: str
) -> None:
    """Only adding is refused: resolving over an unmet criterion, then seeing it come true,
    is a fact worth recording for the review."""
    ok(ic("exit", "add", "queue drained"))
    ok(ic("resolve", "--override-exit-criteria"))
    assert ok(ic("exit", incident, "met", "1")).out.startswith("Exit criterion 1 met.")


class _AddedByAnOlderVersion(Command):
    """What `AddExitCriterion` decided before the refusal: the same event, on any status."""

    text: str

    def decide(self, state: IncidentState, now: datetime, actor: str) -> Events:
        number = max(state.exit_criteria, default=0) + 1
        return [ev.ExitCriterionAdded(number=number, text=self.text)]


def test_a_log_holding_a_criterion_added_after_resolve_replays_the_same(
    ic: Run, home: Path, incident: str
) -> None:
    store = IncidentStore.open(home, incident, actor="Alex")
    store.execute(Resolve())
    store.execute(_AddedByAnOlderVersion(text="errors below 1%"))
    again = state_of(home, incident)
    assert not again.notices and again.damaged is None
    state = again.state
    assert state.status is Status.RESOLVED
    assert [c.text for c in criteria(state)] == ["errors below 1%"]
    assert "errors below 1%" in ok(ic("show", incident)).out
    ok(ic("exit", incident, "met", "1"))  # and it can still be ticked, as any criterion


def test_the_domain_refuses_for_every_face(runner: Runner) -> None:
    """The console's form (`X`) runs the same command: it gets the same words."""
    runner.run(Resolve())
    error = runner.refused(AddExitCriterion(text="queue drained"), "is resolved")
    assert str(error) == f"Incident inc-1 {REFUSAL}"
    runner.run(Reopen())
    assert runner.run(AddExitCriterion(text="queue drained"))
