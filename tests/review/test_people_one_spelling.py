"""An old log that holds two spellings of one name ("Sam" and "Ｓａｍ", or "Sa\u200bm" pasted
from a chat) counts one person in the review's people figures, shown by the first spelling:
names compare by `name_key` now, but the review still counted each spelling as a person, with
its own time on the call. The fold (and so the log) is unchanged: two participants there."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ic_console.domain import events as ev
from ic_console.domain.model import Role
from ic_console.domain.state import replay
from ic_console.review.metrics import compute_metrics
from ic_console.review.people_figures import people_figures


def _events(steps: list[tuple[int, ev._Payload]]) -> list[ev.Event]:
    """Each payload that many minutes after 14:00, as an older version wrote them."""
    start = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
    events: list[ev.Event] = []
    ids = (f"e{n}" for n in range(1, len(steps) + 1))
    for minutes, payload in steps:
        events += ev.envelope(
            [payload],
            after_seq=len(events),
            at=start + timedelta(minutes=minutes),
            actor="Alex",
            role=None,
            new_id=ids.__next__,
        )
    return events


WIDE_SAM = "Ｓａｍ"
DECLARED = ev.IncidentDeclared(incident_id="inc-1", title="Checkout errors", severity=2)


def test_two_spellings_of_sam_are_one_person_shown_by_the_first() -> None:
    events = _events(
        [
            (0, DECLARED),
            (0, ev.ParticipantJoined(name="Alex")),
            (1, ev.ParticipantJoined(name="Sam")),
            (2, ev.RoleAssigned(role=Role.DEPUTY, name="Sam")),
            (10, ev.ParticipantJoined(name=WIDE_SAM)),  # while Sam is still on the call
            (12, ev.RoleAssigned(role=Role.SME, name=WIDE_SAM)),
            (30, ev.ParticipantReleased(name="Sam")),
            (40, ev.ParticipantReleased(name=WIDE_SAM)),
            (50, ev.ParticipantJoined(name="Sa\u200bm")),  # back, pasted from a chat
            (60, ev.IncidentResolved()),
        ]
    )
    state = replay(events)
    assert list(state.participants) == ["Alex", "Sam", WIDE_SAM, "Sa\u200bm"]  # the fold: as ever
    people = people_figures(events)
    assert [p.name for p in people] == ["Alex", "Sam"]
    sam = people[1]
    assert sam.roles == (Role.DEPUTY, Role.SME)
    # On the call 1-40 (overlapping spellings are one stretch), then 50-60: two stints.
    assert sam.stints == 2
    assert sam.longest_stretch == timedelta(minutes=39)
    assert sam.time_on_call == timedelta(minutes=49)
    assert sam.first_joined == events[2].at


def test_the_review_figures_count_one_person() -> None:
    events = _events(
        [
            (0, DECLARED),
            (0, ev.ParticipantJoined(name="Alex")),
            (0, ev.RoleAssigned(role=Role.IC, name="Alex")),
            (5, ev.ParticipantJoined(name="Priya")),
            (6, ev.ParticipantJoined(name="PRIYA\u200b")),
            (20, ev.IncidentResolved()),
        ]
    )
    metrics = compute_metrics(events)
    assert [(p.name, p.time_on_call) for p in metrics.people] == [
        ("Alex", timedelta(minutes=20)),
        ("Priya", timedelta(minutes=15)),
    ]


def test_different_names_stay_different_people() -> None:
    """Sám is not Sam: an accent makes another name, as the domain says."""
    events = _events(
        [
            (0, DECLARED),
            (1, ev.ParticipantJoined(name="Sam")),
            (2, ev.ParticipantJoined(name="S\u0061\u0301m")),
            (10, ev.IncidentResolved()),
        ]
    )
    assert [p.name for p in people_figures(events)] == ["Sam", "S\u0061\u0301m"]


def test_a_release_under_the_other_spelling_ends_the_stretch() -> None:
    """A log where the release was written in another spelling than the join (a command
    decided after names were matched records the name on the call, but a peer's log may
    not): the person leaves the call once every spelling has."""
    events = _events(
        [
            (0, DECLARED),
            (1, ev.ParticipantJoined(name="Sam")),
            (5, ev.ParticipantJoined(name=WIDE_SAM)),
            (10, ev.ParticipantReleased(name=WIDE_SAM)),
            (15, ev.ParticipantReleased(name="Sam")),
            (20, ev.ParticipantJoined(name="sam")),
            (25, ev.IncidentResolved()),
        ]
    )
    (sam,) = people_figures(events)
    assert (sam.name, sam.stints, sam.time_on_call) == ("Sam", 2, timedelta(minutes=19))
