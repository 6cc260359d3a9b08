# ruff: noqa: F811  (the `two` fixture comes from the merge tests)
"""`ic tail` on an incident written on two laptops: every laptop's events, in fold order, and a
cursor (`--since ORIGIN:SEQ,...`) that resumes exactly, as one seq no longer can."""

from __future__ import annotations

import json

import pytest
from tests.test_replica_merge import ID, Laptop, exchange, two  # noqa: F401

from ic_console.cli import main
from ic_console.domain import commands as c
from ic_console.store.merged import merged_events


def _tail(
    laptop: Laptop, capsys: pytest.CaptureFixture[str], *since: str
) -> tuple[int, list[dict[str, object]], str]:
    capsys.readouterr()
    code = main(["--home", str(laptop.root), "tail", ID, "--json", *since])
    captured = capsys.readouterr()
    lines = [json.loads(line) for line in captured.out.splitlines() if line.strip()]
    return code, lines, captured.err


def test_tail_prints_every_laptops_events_and_resumes_exactly_from_a_cursor(
    two: tuple[Laptop, Laptop], capsys: pytest.CaptureFixture[str]
) -> None:
    alex, priya = two
    for step in range(3):
        priya.clock.advance(3)
        priya.run(c.AddLogEntry(text=f"Priya {step}"))
        alex.clock.advance(2)
        alex.run(c.AddLogEntry(text=f"Alex {step}"))
    exchange(priya, alex)
    code, lines, _ = _tail(alex, capsys)
    assert code == 0
    ids = [line["id"] for line in lines]
    merged, _ = merged_events(alex.root / "incidents" / ID)
    assert ids == [event.id for event in merged]  # every laptop's, in fold order, once
    assert set(priya.written) < set(ids)
    for cut in range(len(lines)):
        resumed = _tail(alex, capsys, "--since", str(lines[cut]["cursor"]))[1]
        assert [line["id"] for line in resumed] == ids[cut + 1 :]
    # A file that arrives late (Priya wrote while offline) is not skipped by the cursor.
    last = str(lines[-1]["cursor"])
    priya.clock.advance(-60)  # sorts before what Alex has printed
    priya.run(c.AddLogEntry(text="Priya, late"))
    exchange(priya, alex)
    resumed = _tail(alex, capsys, "--since", last)[1]
    assert [line["id"] for line in resumed] == priya.written[-1:]


def test_a_plain_seq_is_refused_once_there_are_several_laptops_files(
    two: tuple[Laptop, Laptop], capsys: pytest.CaptureFixture[str]
) -> None:
    alex, priya = two
    single = _tail(alex, capsys, "--since", "1")[1]  # one laptop: a seq still works
    everything = _tail(alex, capsys)[1]
    assert single == everything[1:] and everything[0]["seq"] == 1
    priya.run(c.AddLogEntry(text="hers"))
    exchange(priya, alex)
    code, lines, err = _tail(alex, capsys, "--since", "2")
    assert code == 2 and lines == [] and "several" in err and "cursor" in err
    code, _, err = _tail(alex, capsys, "--since", "abc:def")
    assert code == 2 and "not a sequence number or a cursor" in err
