# ruff: noqa: F811  (the `two` fixture comes from the merge tests)
"""Exit criteria and teams across laptops (issue 15's records under issue 14's merge): criteria
are numbered in fold order and found by the creating event's id, a renumber is said once, two
laptops forming "Alpha" at once is a merge notice, and the fold never fails."""

from __future__ import annotations

from tests.test_replica_merge import ID, Laptop, exchange, two  # noqa: F401

from ic_console.domain import commands as c
from ic_console.domain import scale
from ic_console.store.incident import IncidentStore
from ic_console.store.state_codec import state_body


def _both(alex: Laptop, priya: Laptop) -> list[IncidentStore]:
    exchange(alex, priya)
    exchange(priya, alex)
    stores = []
    for laptop in (alex, priya):
        store = laptop.open()
        assert store is not None
        store.refresh()
        stores.append(store)
    return stores


def _fresh(laptop: Laptop) -> IncidentStore:
    return IncidentStore.open(laptop.root, ID, read_only=True)


def test_exit_criteria_added_at_once_are_renumbered_once_and_found_by_ref(
    two: tuple[Laptop, Laptop],
) -> None:
    alex, priya = two
    alex.clock.advance(5)
    alex.run(scale.AddExitCriterion(text="error rate under 1%"))
    priya.clock.advance(7)
    priya.run(scale.AddExitCriterion(text="queue drained"))
    priya.run(scale.MeetExitCriterion(number=1))  # her criterion 1: criterion 2 once merged
    for store in _both(alex, priya):
        criteria = store.state.exit_criteria
        assert (criteria[1].text, criteria[2].text) == ("error rate under 1%", "queue drained")
        assert criteria[2].met and not criteria[1].met
        assert [n.text for n in store.state.merge_notices] == [
            "Priya's exit criterion 'queue drained' is now exit criterion 2"
        ]
        assert [n.message for n in store.notices if "exit criterion" in n.message] == [
            "Priya's exit criterion 'queue drained' is now exit criterion 2."
        ]
    # Alex un-meets criterion 2 as he sees it: it reaches Priya's criterion everywhere.
    alex.run(scale.UnmeetExitCriterion(number=2))
    stores = _both(alex, priya)
    assert all(not store.state.exit_criteria[2].met for store in stores)
    assert state_body(stores[0].state) == state_body(stores[1].state)
    assert state_body(_fresh(alex).state) == state_body(stores[0].state)


def test_both_laptops_meet_the_same_criterion_offline(two: tuple[Laptop, Laptop]) -> None:
    alex, priya = two
    alex.run(scale.AddExitCriterion(text="error rate under 1%"))
    exchange(alex, priya)
    alex.clock.advance(10)
    alex.run(scale.MeetExitCriterion(number=1))
    priya.clock.advance(20)
    priya.run(scale.MeetExitCriterion(number=1))
    for store in _both(alex, priya):
        assert store.state.exit_criteria[1].met_by == "Alex"
        assert [n.text for n in store.state.merge_notices] == [
            "Priya's 'met' for exit criterion 1 arrived after Alex's 'met'; it changes nothing"
        ]


def test_two_laptops_forming_alpha_at_once_is_a_notice_not_a_crash(
    two: tuple[Laptop, Laptop],
) -> None:
    alex, priya = two
    for laptop in (alex, priya):
        laptop.run(c.Join(name="Kim"))
        laptop.run(c.Join(name="Lee"))
    exchange(alex, priya)
    alex.clock.advance(5)
    alex.run(scale.FormTeam(lead="Kim", name="Alpha", members=("Lee",)))
    priya.clock.advance(7)
    priya.run(scale.FormTeam(lead="Lee", name="Alpha"))
    priya.run(scale.AddTeamMember(team="Alpha", name="Priya"))
    stores = _both(alex, priya)
    for store in stores:
        alpha = store.state.teams["Alpha"]
        assert (alpha.lead, alpha.formed_by) == ("Kim", "Alex")
        assert "Priya" in alpha.members  # her later event reaches the team that stands
        notices = [n.text for n in store.state.merge_notices]
        assert notices == [
            "Priya's team Alpha (lead Lee: Lee) arrived after Alex's team Alpha; it changes "
            "nothing. Add the people to a team again"
        ]
    assert state_body(stores[0].state) == state_body(stores[1].state)
    assert state_body(_fresh(priya).state) == state_body(stores[1].state)


def test_a_drop_follows_its_criterion_through_a_renumber_and_twice_is_a_notice(
    two: tuple[Laptop, Laptop],
) -> None:
    alex, priya = two
    alex.clock.advance(5)
    alex.run(scale.AddExitCriterion(text="error rate under 1%"))
    priya.clock.advance(7)
    priya.run(scale.AddExitCriterion(text="queue drained"))
    priya.run(scale.DropExitCriterion(number=1))  # her criterion 1: criterion 2 once merged
    alex.run(scale.DropExitCriterion(number=1))
    stores = _both(alex, priya)
    for store in stores:
        criteria = store.state.exit_criteria
        assert criteria[2].text == "queue drained" and criteria[2].dropped_at is not None
        assert criteria[1].dropped_at is not None  # Alex's own drop of his criterion 1
    # Both laptops drop the same criterion offline: one drop, one notice.
    alex.run(scale.AddExitCriterion(text="carts recovered"))
    exchange(alex, priya)
    alex.clock.advance(10)
    alex.run(scale.DropExitCriterion(number=3))
    priya.clock.advance(20)
    priya.run(scale.DropExitCriterion(number=3))
    stores = _both(alex, priya)
    for store in stores:
        assert store.state.exit_criteria[3].dropped_at is not None
        assert (
            "Priya's drop of exit criterion 3 arrived after it was dropped; it changes nothing"
            in [n.text for n in store.state.merge_notices]
        )
    assert state_body(stores[0].state) == state_body(stores[1].state)
