"""One person, however their name is typed: full-width letters, combining accents, invisible
characters and odd spacing find the person already on the call, never a second one.

Names are matched by `name_key` (NFKC, casefold, format characters and extra spaces left out)
when a command is decided; the events keep the name as first written, and the fold is unchanged,
so a log written before this rule replays to the same state.
"""

from __future__ import annotations

import unicodedata
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import START, Runner
from ic_console.domain import commands as c
from ic_console.domain import events as ev
from ic_console.domain.clock import FakeClock
from ic_console.domain.errors import DomainError
from ic_console.domain.model import Role
from ic_console.domain.scale import FormTeam
from ic_console.domain.state import replay
from ic_console.domain.text import clean_name, name_key
from ic_console.live.drill import followups
from ic_console.tui.screens.forms import Completions

MIN5 = timedelta(minutes=5)


def full_width(text: str) -> str:
    """'Sam' as a Japanese keyboard types it: 'Ｓａｍ'."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


SPELLINGS_OF_SAM = [
    full_width("Sam"),  # Ｓａｍ
    "SAM",
    "ſam",  # a long s, which casefolds to s
    "Sa\u200bm",  # a zero-width space pasted from a chat
    "\ufeffSam",  # a byte-order mark at the front
    "Sam\u2060",  # a word joiner
]


@pytest.mark.parametrize("typed", SPELLINGS_OF_SAM)
def test_a_task_for_sam_typed_another_way_goes_to_the_sam_on_the_call(
    runner: Runner, typed: str
) -> None:
    runner.run(c.Join(name="Sam"))
    runner.run(c.AssignTask(owner=typed, text="check the replica", timebox=MIN5))
    assert runner.state.tasks[1].owner == "Sam"
    assert list(runner.state.participants) == ["Alex", "Sam"]


def test_a_name_keeps_the_spelling_it_was_first_written_in(runner: Runner) -> None:
    runner.run(c.Join(name=full_width("Sam")))
    runner.run(c.AssignTask(owner="sam", text="check the replica", timebox=MIN5))
    assert list(runner.state.participants) == ["Alex", full_width("Sam")]
    assert runner.state.tasks[1].owner == full_width("Sam")


def test_combining_accents_and_precomposed_letters_are_one_name(runner: Runner) -> None:
    composed, decomposed = "Zoë Ng", unicodedata.normalize("NFD", "Zoë Ng")
    assert composed != decomposed
    runner.run(c.Join(name=composed))
    runner.run(c.AssignTask(owner=decomposed, text="page the database", timebox=MIN5))
    assert runner.state.tasks[1].owner == composed
    assert list(runner.state.participants) == ["Alex", composed]


def test_an_accent_still_makes_a_different_name(runner: Runner) -> None:
    """Never merge two genuinely different names: Sám is not Sam."""
    runner.run(c.Join(name="Sam"))
    runner.run(c.Join(name="S\u0061\u0301m"))  # Sám, typed with a combining accent
    assert len(runner.state.on_call()) == 3


@pytest.mark.parametrize("typed", ["Sam  Lee", "Sam\u00a0Lee", "Sam\u3000Lee", " Sam\tLee "])
def test_spacing_inside_a_name_does_not_make_a_new_person(runner: Runner, typed: str) -> None:
    runner.run(c.Join(name="Sam Lee"))
    runner.run(c.AssignTask(owner=typed, text="restart the consumer", timebox=MIN5))
    assert runner.state.tasks[1].owner == "Sam Lee"
    assert list(runner.state.participants) == ["Alex", "Sam Lee"]


def test_roles_find_the_same_person(runner: Runner) -> None:
    runner.run(c.Join(name="Sam"))
    runner.run(c.AssignRole(role=Role.DEPUTY, name=full_width("sam")))
    assert runner.state.holder(Role.DEPUTY) == "Sam"
    runner.run(c.VacateRole(role=Role.DEPUTY, name=full_width("SAM")))
    assert runner.state.holder(Role.DEPUTY) is None
    runner.run(c.AssignRole(role=Role.SME, name="Sam"))
    runner.run(c.VacateRole(role=Role.SME, name="Sa\u200bm"))
    assert runner.state.smes == []
    runner.run(c.Release(name=full_width("Sam")))
    assert [p.name for p in runner.state.on_call()] == ["Alex"]


def test_a_handover_to_the_same_person_typed_another_way_is_refused(runner: Runner) -> None:
    runner.run(c.AssignRole(role=Role.IC, name="Alex"))
    runner.refused(c.Handover(name=full_width("Alex")), "already the Incident Commander")


def test_an_objection_is_recorded_under_the_name_on_the_call(runner: Runner) -> None:
    runner.run(c.Join(name="Sam"))
    runner.run(c.ProposeDecision(text="Roll back deploy 4411"))
    (objection,) = runner.run(c.RaiseObjection(number=1, text="risky", by=full_width("sam")))
    assert objection.by == "Sam"  # type: ignore[attr-defined]


def test_a_team_named_with_one_person_twice_has_them_once(runner: Runner) -> None:
    runner.run(c.Join(name="Sam"))
    runner.run(FormTeam(lead="Sam", members=(full_width("Sam"), "Priya", "PRIYA\u200b")))
    (team,) = runner.state.teams.values()
    assert (team.lead, list(team.members)) == ("Sam", ["Sam", "Priya"])
    assert list(runner.state.participants) == ["Alex", "Sam", "Priya"]


def test_a_group_word_in_full_width_is_still_a_group() -> None:
    with pytest.raises(DomainError, match="is a group"):
        clean_name(full_width("everyone"))


def test_invisible_characters_are_left_out_of_a_new_name() -> None:
    assert clean_name("Sa\u200bm\ufeff") == "Sam"
    with pytest.raises(DomainError, match="control characters"):
        clean_name("Sam\u202e")  # a right-to-left override can disguise a name: refused


def test_an_old_log_with_two_spellings_replays_to_the_same_two_people() -> None:
    """Events written before names were normalized keep their meaning: the fold matches
    names exactly, as it always did; only commands decided from now on look names up."""
    wide = full_width("Sam")
    payloads: list[ev._Payload] = [
        ev.IncidentDeclared(incident_id="inc-1", title="Checkout errors", severity=2),
        ev.ParticipantJoined(name="Alex"),
        ev.ParticipantJoined(name="Sam"),
        ev.ParticipantJoined(name=wide),
        ev.TaskAssigned(
            number=1,
            owner=wide,
            text="check the replica",
            timebox_seconds=300,
            deadline=START + MIN5,
        ),
    ]
    events = list(
        ev.envelope(
            payloads,
            after_seq=0,
            at=START,
            actor="Alex",
            role=None,
            new_id=iter(f"e{n}" for n in range(1, 99)).__next__,
        )
    )
    state = replay(events)
    assert list(state.participants) == ["Alex", "Sam", wide]
    assert state.tasks[1].owner == wide
    # The exact spelling still names its own person; another spelling finds the first one.
    assert state.find_participant(wide) is state.participants[wide]
    assert state.find_participant("sam") is state.participants["Sam"]


def test_the_console_completes_a_name_typed_in_full_width() -> None:
    choices = Completions(["Samantha", "Sam", "Priya"])
    assert choices.complete(full_width("Sam")) == "Sam"
    assert choices.complete(full_width("pri")) == "Priya"
    assert choices.complete("Sa\u200bm") == "Sam"


def test_a_drill_counts_follow_ups_on_a_task_owned_under_another_spelling(
    runner: Runner,
) -> None:
    runner.run(c.AssignTask(owner=full_width("Sam"), text="check", timebox=MIN5))
    runner.run(c.CompleteTask(number=1))
    assert followups(runner.state, "Sam") == 1


# -- properties --------------------------------------------------------------------------------

_LETTERS = st.characters(categories=["Lu", "Ll", "Lo", "Nd"], max_codepoint=0x2FFF)
_NAMES = st.lists(st.text(_LETTERS, min_size=1, max_size=8), min_size=1, max_size=3).map(" ".join)


def _respelled(name: str, how: int) -> str:
    """`name` as someone else might type it: another case, width, spacing or invisible mark."""
    variants = [
        name.upper(),
        name.lower(),
        full_width(name),
        unicodedata.normalize("NFD", name),
        name.replace(" ", "  \u3000"),
        "\u200b".join(name),
        f" {name}\ufeff ",
    ]
    return variants[how % len(variants)]


def _cleaned(name: str) -> str | None:
    try:
        return clean_name(name)
    except DomainError:
        return None


@given(name=_NAMES, how=st.integers(min_value=0, max_value=6))
def test_any_respelling_finds_the_same_person(name: str, how: int) -> None:
    first = _cleaned(name)
    again = _cleaned(_respelled(name, how))
    if first is None or again is None or name_key(first) != name_key(again):
        return  # upper() may lengthen a name past the limit, or change it (ß -> SS is the same key)
    runner = _fresh()
    runner.run(c.Join(name=name))
    runner.run(c.AssignTask(owner=_respelled(name, how), text="check", timebox=MIN5))
    assert runner.state.tasks[1].owner == first
    assert len(runner.state.participants) == 2


@given(first=_NAMES, second=_NAMES)
def test_names_with_different_keys_are_never_merged(first: str, second: str) -> None:
    a, b = _cleaned(first), _cleaned(second)
    if a is None or b is None or name_key(a) == name_key(b) or "Alex" in (a, b):
        return
    if name_key(a) == name_key("Alex") or name_key(b) == name_key("Alex"):
        return
    runner = _fresh()
    runner.run(c.Join(name=a))
    runner.run(c.Join(name=b))
    assert list(runner.state.participants) == ["Alex", a, b]


@given(name=_NAMES)
def test_the_key_is_stable(name: str) -> None:
    assert name_key(name_key(name)) == name_key(name)


def _fresh() -> Runner:
    runner = Runner(FakeClock(START))
    runner.run(c.Declare(incident_id="inc-1", title="Checkout errors", severity=2))
    return runner
