# ruff: noqa: F811  (the `two` fixture comes from the merge tests)
"""Hunt 6: a laptop whose clock runs behind (Priya's laptop, 45 minutes slow).

Her events carry her clock, so the task she gives with a 5-minute timebox arrives on the IC's
console already "late +40:00", with a toast and the bell, and nothing said why; the review then
blamed the honest laptop ("Alex's clock was 45 minutes fast"). Now the console says once, as a
row of the log pane and a notice, that Priya's clock is behind; the review names both clocks
("Alex's clock was 45 minutes ahead of Priya's") without blaming either; and a laptop is never
told that its own clock is off.
"""

from __future__ import annotations

from datetime import timedelta

from tests.test_replica_merge import ID, MIN5, Laptop, exchange, two  # noqa: F401

from ic_console.content.phrasebook import shipped_phrasebook
from ic_console.domain import commands as c
from ic_console.live.incident import LiveIncident, LiveSettings
from ic_console.review.source import load_events
from ic_console.review.timeline import EntryKind, build_timeline

BEHIND = "Priya's clock is 45 minutes behind"


def _console(laptop: Laptop) -> LiveIncident:
    settings = LiveSettings(actor=laptop.name, clock=laptop.clock)
    return LiveIncident.open(laptop.root, ID, settings, shipped_phrasebook())


def _priya_behind(alex: Laptop, priya: Laptop) -> None:
    """Alex's laptop is right; Priya's runs 45 minutes behind and gives Mei a task."""
    alex.clock.advance(60)
    alex.run(c.AddLogEntry(text="pool at 85%"))
    exchange(alex, priya)
    priya.clock.advance(60 - 45 * 60)
    priya.run(c.AssignTask(owner="Mei", text="page the network on-call", timebox=MIN5))


def test_the_console_says_once_that_a_peer_clock_is_behind(two: tuple[Laptop, Laptop]) -> None:
    alex, priya = two
    console = _console(alex)  # open when her events arrive
    _priya_behind(alex, priya)
    exchange(priya, alex)
    console.poll()
    console.poll()
    texts = [row.text for row in console.rows]
    assert sum(BEHIND in text for text in texts) == 1, texts
    assert sum(BEHIND in notice.message for notice in console.store.notices) == 1
    # Opened afterwards, a minute later: the same row, once.
    alex.clock.advance(60)
    again = [row.text for row in _console(alex).rows]
    assert sum(BEHIND in text for text in again) == 1, again


def test_a_laptop_is_never_told_its_own_clock_is_off(two: tuple[Laptop, Laptop]) -> None:
    alex, priya = two
    _priya_behind(alex, priya)
    exchange(priya, alex)
    exchange(alex, priya)
    # Priya's own events carry a clock (Alex's) far ahead of their times: on her laptop they
    # are her own, and it is never told that they are behind. (Alex's, ahead of hers, are
    # said to be fast there: from her clock, they are.)
    hers = [row.text for row in _console(priya).rows]
    assert not [text for text in hers if "minutes behind" in text], hers


def test_the_review_names_both_clocks_and_blames_neither(two: tuple[Laptop, Laptop]) -> None:
    alex, priya = two
    _priya_behind(alex, priya)
    exchange(priya, alex)
    events = load_events(alex.root / "incidents" / ID)[0]
    flagged = [e.text for e in build_timeline(events) if e.kind is EntryKind.MERGE]
    assert len(flagged) == 1, flagged
    assert "Alex's clock was 45 minutes ahead of Priya's" in flagged[0]
    assert "fast" not in flagged[0]


def test_an_offline_laptop_back_hours_later_is_not_called_behind(
    two: tuple[Laptop, Laptop],
) -> None:
    """Events that arrive late are not a clock behind: their clocks are their own times."""
    alex, priya = two
    priya.clock.advance(60)
    priya.run(c.AddLogEntry(text="written offline"))
    alex.clock.advance(timedelta(hours=3).total_seconds())
    console = _console(alex)
    exchange(priya, alex)
    console.poll()
    texts = [row.text for row in console.rows]
    assert not [text for text in texts if "minutes behind" in text], texts
