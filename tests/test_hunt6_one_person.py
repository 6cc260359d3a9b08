"""Hunt 6: a task or a role goes to one named person, never to two at once or a chat group.

"the team" and "someone" were refused, but `ic task assign "Sam and Mei" ...`, "Sam/Mei" and a
chat mention ("@here", as a bot copies it from the channel) each joined the call as one
"person" and took the task: a task everybody and nobody owns. A name new to the call that
names several people or a group is refused; someone already on the call is found as written.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.content.helpers import START

from ic_console.domain import events as ev
from ic_console.domain.commands import AssignRole, AssignTask, Declare, Join, decide
from ic_console.domain.errors import DomainError
from ic_console.domain.events import Event
from ic_console.domain.model import Role
from ic_console.domain.state import IncidentState, apply


def _state(*names: str) -> IncidentState:
    state = IncidentState()
    seq = 0
    for command in [
        Declare(incident_id="x", title="Checkout errors"),
        *(Join(name=n) for n in names),
    ]:
        for payload in decide(command, state, START, "Alex"):
            seq += 1
            apply(state, Event(seq=seq, id=f"e{seq}", at=START, actor="Alex", data=payload))
    return state


@pytest.mark.parametrize("owner", ["Sam and Mei", "Sam & Mei", "Sam/Mei", "Sam + Mei", "@here"])
def test_a_task_for_several_people_or_a_group_is_refused(owner: str) -> None:
    with pytest.raises(DomainError) as refused:
        decide(
            AssignTask(owner=owner, text="check", timebox=timedelta(minutes=5)),
            _state(),
            START,
            "Alex",
        )
    assert "one named person" in str(refused.value)
    with pytest.raises(DomainError):
        decide(AssignRole(role=Role.SCRIBE, name=owner), _state(), START, "Alex")


@pytest.mark.parametrize(
    "owner", ["Anderson", "Doe, Jane", "Jean-Luc", "[bold]Sam[/]", "C++ Expert"]
)
def test_one_person_of_any_spelling_is_taken(owner: str) -> None:
    payloads = decide(
        AssignTask(owner=owner, text="check", timebox=timedelta(minutes=5)), _state(), START, "Alex"
    )
    assert any(isinstance(p, ev.TaskAssigned) and p.owner == owner for p in payloads)


def test_someone_already_on_the_call_from_an_older_log_is_still_found() -> None:
    """A log written before this check may hold "Sam and Mei" on the call: tasks still reach
    them (the log replays as it was written)."""
    state = _state()
    apply(
        state,
        Event(
            seq=99, id="old", at=START, actor="Alex", data=ev.ParticipantJoined(name="Sam and Mei")
        ),
    )
    payloads = decide(
        AssignTask(owner="sam and mei", text="check", timebox=timedelta(minutes=5)),
        state,
        START,
        "Alex",
    )
    assert [p.owner for p in payloads if isinstance(p, ev.TaskAssigned)] == ["Sam and Mei"]
