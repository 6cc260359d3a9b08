"""The remote fails mid-incident: moved away, full, or refusing for a reason other than
access. Each round says in one line what happened and what to do, nothing recorded here is
lost, and the first round after the remote is back sends it all."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ic_console.cli import main
from ic_console.domain import commands as c
from ic_console.store.paths import replica_file

from .conftest import INCIDENT, Laptop


def _ic(capsys: pytest.CaptureFixture[str], laptop: Laptop, *words: str) -> tuple[int, str, str]:
    code = main(["--home", str(laptop.root), "--as", laptop.name, *words])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def config(laptops: list[Laptop], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[sync]\nremote = "{laptops[0].remote}"\n')
    monkeypatch.setenv("IC_CONSOLE_CONFIG", str(path))
    return path


@pytest.mark.usefixtures("config")
def test_a_remote_moved_away_says_what_to_do_and_the_round_after_heals(
    laptops: list[Laptop], bare: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    alex, priya, _sam = laptops
    store = alex.declare()
    assert _ic(capsys, alex, "sync")[0] == 0
    os.rename(bare, bare.with_name("moved.git"))
    store.execute(c.AddLogEntry(text="written while the remote was away"))
    code, out, err = _ic(capsys, alex, "sync")
    assert code == 1 and out == "" and err.count("\n") == 1, err
    assert "does not appear to be a git repository" in err
    assert "Nothing recorded here is lost" in err
    assert f"git ls-remote {bare}" in err and "ic sync init URL" in err
    code, out, _err = _ic(capsys, alex, "sync", "status")
    assert "events waiting to be sent: 1" in out and "Nothing recorded here is lost" in out
    os.rename(bare.with_name("moved.git"), bare)
    code, out, _err = _ic(capsys, alex, "sync")
    assert code == 0 and out.startswith(f"Sent 1 event of {INCIDENT}."), out
    assert _ic(capsys, priya, "sync")[0] == 0
    texts = [entry.text for entry in priya.store().state.log]
    assert texts == ["written while the remote was away"]


@pytest.mark.usefixtures("config")
def test_a_full_remote_is_not_taken_for_read_only_and_the_push_is_made_later(
    laptops: list[Laptop], bare: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    alex, priya, _sam = laptops
    store = alex.declare()
    hook = bare / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'fatal: write error: No space left on device' >&2\nexit 1\n")
    hook.chmod(0o755)
    store.execute(c.AddLogEntry(text="while the remote's disk is full"))
    code, out, err = _ic(capsys, alex, "sync")
    assert code == 1 and err.count("\n") == 1, err
    assert "No space left on device" in err and "Nothing recorded here is lost" in err
    assert "read-only" not in err
    lines = len(replica_file(store.directory, alex.origin).read_bytes().splitlines())
    assert f"events waiting to be sent: {lines}" in _ic(capsys, alex, "sync", "status")[1]
    hook.unlink()
    code, out, _err = _ic(capsys, alex, "sync")
    assert code == 0 and out.startswith(f"Sent {lines} events of {INCIDENT}."), out
    assert _ic(capsys, priya, "sync")[0] == 0
    assert [e.text for e in priya.store().state.log] == ["while the remote's disk is full"]


def test_the_console_is_told_once_why_the_remote_said_no(laptops: list[Laptop], bare: Path) -> None:
    """The header says "offline since 14:02"; a remote that answered no (moved, full, a key it
    does not take) is not offline, and only a message says why and what to do."""
    from ic_console.live.syncing import BackgroundSync

    alex = laptops[0]
    alex.declare()
    worker = BackgroundSync(alex.root, alex.remote, "Alex")
    worker.run_round()
    assert worker.take_news() == []
    os.rename(bare, bare.with_name("moved.git"))
    worker.run_round()
    news = worker.take_news()
    assert len(news) == 1 and "does not appear to be a git repository" in news[0]
    assert "Nothing recorded here is lost" in news[0] and "\n" not in news[0]
    worker.run_round()
    assert worker.take_news() == []  # told once, not every 2 seconds
    assert worker.view().offline
    os.rename(bare.with_name("moved.git"), bare)
    worker.run_round()
    assert not worker.view().offline and worker.take_news() == []


def test_an_open_console_at_80x24_says_why_and_keeps_recording(
    laptops: list[Laptop], bare: Path
) -> None:
    import asyncio

    from helpers.console import until
    from ic_console.content.phrasebook import shipped_phrasebook
    from ic_console.domain.clock import FakeClock
    from ic_console.live.syncing import BackgroundSync
    from ic_console.tui.factory import make_app

    from .conftest import START

    alex = laptops[0]
    alex.declare()
    app = make_app(
        alex.root,
        "Alex",
        incident_id=INCIDENT,
        clock=FakeClock(START),
        phrasebook=shipped_phrasebook(),
        background_load=False,
    )
    app.syncing = BackgroundSync(alex.root, alex.remote, "Alex", every=0.2)

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            syncing = app.syncing
            assert syncing is not None
            await until(pilot, lambda: syncing.rounds > 0, timeout=10)
            os.rename(bare, bare.with_name("moved.git"))
            assert app.execute(c.AddLogEntry(text="while the remote is away"))
            await until(pilot, lambda: syncing.view().offline, timeout=10)
            app.tick()
            await pilot.pause()
            told = [str(n.message) for n in app._notifications]
            assert len(told) == 1 and "Nothing recorded here is lost" in told[0], told
            assert "does not appear to be a git repository" in told[0]
            os.rename(bare.with_name("moved.git"), bare)
            await until(pilot, lambda: not syncing.view().offline, timeout=10)
            app.tick()
            await pilot.pause()
            assert len(list(app._notifications)) == 1  # told once, nothing more

    asyncio.run(asyncio.wait_for(main(), 40))
    priya = laptops[1]
    priya.syncer().round()
    assert [e.text for e in priya.store().state.log] == ["while the remote is away"]


def test_a_full_disk_here_is_said_as_this_laptops_and_heals(
    laptops: list[Laptop], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not the remote's fault, so not "check `git ls-remote`": this laptop's disk, and what
    to do about it; the round after space is freed completes."""
    import errno

    from ic_console.sync import clone, engine
    from ic_console.sync.git import SyncError

    alex, priya, _sam = laptops
    store = alex.declare()
    alex.syncer().round()
    store.execute(c.AddLogEntry(text="written as the disk filled"))
    real_store_blob = clone.store_blob

    def full(git: object, data: bytes, ident: str) -> None:
        raise SyncError(
            "git hash-object failed: error: unable to write loose object file", answered=True
        )

    monkeypatch.setattr(clone, "store_blob", full)
    with pytest.raises(SyncError) as caught:
        alex.syncer().round()
    said = str(caught.value)
    assert "sync folder" in said and "free some space" in said and "ls-remote" not in said
    monkeypatch.setattr(clone, "store_blob", real_store_blob)
    assert [s.events for s in alex.syncer().round().sent] == [1]

    def no_space(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    real_accept = engine.accept_peer_file
    monkeypatch.setattr(engine, "accept_peer_file", no_space)
    report = priya.syncer().round()
    assert report.refused == [
        f"Could not store replica {alex.origin}'s file for {INCIDENT} on this laptop (No space "
        "left on device): free some space or check the data folder's permissions. Nothing was "
        "lost; the next round tries again."
    ]
    monkeypatch.setattr(engine, "accept_peer_file", real_accept)
    assert priya.syncer().round().refused == []  # the same branch, looked at again
    assert [e.text for e in priya.store().state.log] == ["written as the disk filled"]
