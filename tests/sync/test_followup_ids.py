"""Follow-up ids once two laptops' files are merged: each file numbers its own lines, so the
same seq can name an entry on each laptop; an id must still name one entry, the same one on
every laptop, whatever order the files arrived in."""

from __future__ import annotations

import pytest

from ic_console.domain import commands as c
from ic_console.domain.errors import DomainError
from ic_console.domain.followup_ids import entry_id, order_key, parse_followup_id
from ic_console.domain.tool_commands import TrackFollowup
from ic_console.review.followups import followup_items
from ic_console.review.parts import build_review
from ic_console.store.incident import IncidentStore

from .conftest import Laptop


def _followups(store: IncidentStore) -> dict[str, tuple[int, str, str]]:
    """Item id -> (seq, author, text) of every follow-up entry, as the domain names them."""
    state = store.state
    return {
        entry_id(state, index, e.seq): (e.seq, e.author, e.text)
        for index, e in enumerate(state.log)
        if e.text.startswith("follow-up:")
    }


def _two_laptops_with_clashing_seqs(laptops: list[Laptop]) -> tuple[Laptop, Laptop]:
    alex, priya, _sam = laptops
    store = alex.declare()
    alex.syncer().round()
    priya.syncer().round()
    mine = priya.store()
    # Each laptop writes follow-ups until both files have one at the same seq.
    for n in range(6):
        store.execute(c.AddLogEntry(text=f"follow-up: Alex's item {n}"))
        mine.execute(c.AddLogEntry(text=f"follow-up: Priya's item {n}"))
    for laptop in (alex, priya, alex):
        laptop.syncer().round()
    return alex, priya


def test_two_laptops_entries_with_the_same_seq_have_different_ids(
    laptops: list[Laptop],
) -> None:
    alex, priya = _two_laptops_with_clashing_seqs(laptops)
    on_alex, on_priya = _followups(alex.store()), _followups(priya.store())
    assert len(on_alex) == 12  # twelve entries, twelve ids: none shared
    assert on_alex == on_priya  # the same id names the same entry on both laptops
    seqs = [seq for seq, _author, _text in on_alex.values()]
    assert len(set(seqs)) < len(seqs), "the test needs two entries with the same seq"
    # The declaring laptop's entries keep plain ids; Priya's name her replica.
    for ident, (seq, author, _text) in on_alex.items():
        if author == "Alex":
            assert ident == f"F{seq}"
        else:
            assert ident == f"F{seq}.{priya.origin[:6]}"
    # The review's items (ic followups, exports) use the same ids and keys.
    store = alex.store()
    items = followup_items(build_review([], store.state), "link")
    assert sorted(i.id for i in items) == sorted(on_alex)
    assert len({i.key for i in items}) == 12


def test_marking_an_item_marks_the_entry_named_on_every_laptop(laptops: list[Laptop]) -> None:
    alex, priya = _two_laptops_with_clashing_seqs(laptops)
    names = _followups(alex.store())
    seqs = [seq for seq, _a, _t in names.values()]
    clash = next(seq for seq in seqs if seqs.count(seq) == 2)
    priyas = f"F{clash}.{priya.origin[:6]}"
    assert names[priyas][1] == "Priya" and names[f"F{clash}"][1] == "Alex"
    url = "https://tracker.example.com/ISSUE-7"
    alex.store().execute(TrackFollowup(item=priyas, url=url))
    alex.syncer().round()
    priya.syncer().round()
    for laptop in (alex, priya):
        state = laptop.store().state
        assert state.followups_tracked == {priyas: url}
        items = {i.id: i for i in followup_items(build_review([], state), "link")}
        assert items[priyas].tracked == url
        assert items[f"F{clash}"].tracked is None  # Alex's entry with the same seq is not
    with pytest.raises(DomainError, match="not a follow-up item"):
        alex.store().execute(TrackFollowup(item=f"F{clash}.000000", url=url))


def test_item_ids_as_typed() -> None:
    assert parse_followup_id("f12") == "F12"
    assert parse_followup_id(" 12 ") == "F12"
    assert parse_followup_id("F12.3FA9C1") == "F12.3fa9c1"
    for wrong in ("", "F", "F0", "F12.", "F12.xyz123", "F12.3fa9c", "G12", "F-1"):
        with pytest.raises(ValueError):
            parse_followup_id(wrong)
    assert sorted(["F12.3fa9c1", "F3", "F12"], key=order_key) == ["F3", "F12", "F12.3fa9c1"]
