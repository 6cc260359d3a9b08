"""Second hostile-new-user hunt: replaying a past incident as a drill. Each test here failed
before its fix."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

from ic_console.domain import commands as cmd
from ic_console.domain import events as ev
from ic_console.domain.clock import FakeClock
from ic_console.domain.hlc import wall_ms
from ic_console.domain.model import LogKind, Role
from ic_console.store.eventlog import encode
from ic_console.store.incident import IncidentStore
from ic_console.store.replica import accept_peer_file

from .conftest import START, Run, refused

PEER = "0123456789ab"


def _peer_file(names: list[str]) -> bytes:
    """A peer laptop's file in which each of `names` joins the call and says something: the
    store takes any name a peer wrote (it records what was said, as it was said)."""
    lines = []
    seq = 0
    for minute, name in enumerate(names, start=1):
        at = START + timedelta(minutes=minute)
        payloads: list[ev._Payload] = [
            ev.ParticipantJoined(name=name),
            ev.LogEntryAdded(kind=LogKind.STATUS, text=f"{name!r} reporting"),
        ]
        for payload in payloads:
            seq += 1
            lines.append(
                encode(
                    ev.Event(
                        v=2,
                        seq=seq,
                        id=uuid.uuid4().hex,
                        at=at,
                        actor=name,
                        data=payload,
                        origin=PEER,
                        hlc=(wall_ms(at), seq),
                    )
                )
            )
    return b"".join(lines)


def test_a_past_incident_with_a_name_a_scenario_refuses_can_still_be_replayed(
    home: Path,
) -> None:
    """A past incident whose log holds a name the scenario's people refuse (control
    characters, as a peer laptop wrote it): `ic drill start --from ID` printed pydantic's
    traceback while making the replay. Such a person is left out of the replay, with what
    they said; everyone else is in it."""
    from ic_console.live.drill import replay_scenario
    from ic_console.review.source import load_events

    store = IncidentStore.create(
        home,
        cmd.Declare(incident_id="past", title="Checkout errors", severity=2),
        clock=FakeClock(START),
        actor="Alex",
    )
    store.execute(cmd.AssignRole(role=Role.IC, name="Alex"))
    accept_peer_file(home, "past", PEER, _peer_file(["Jordan", "\x1b[2J\u202eMal\x00", "everyone"]))
    events, state, _ = load_events(store.directory)
    scenario = replay_scenario("past", list(events), state, trainee="Kim")
    assert scenario.names() == ["Jordan"]
    assert {inject.by for inject in scenario.injects} == {"Jordan"}


def test_a_past_incident_with_only_unfit_names_says_so_in_one_line(ic: Run, home: Path) -> None:
    store = IncidentStore.create(
        home,
        cmd.Declare(incident_id="past", title="Checkout errors", severity=2),
        clock=FakeClock(START),
        actor="Alex",
    )
    store.execute(cmd.AssignRole(role=Role.IC, name="Alex"))
    accept_peer_file(home, "past", PEER, _peer_file(["\x1b[2JMal"]))
    refused(ic("drill", "start", "--from", "past", "--as", "Kim"), "nothing to replay")
