"""The console and `ic watch` with a remote: sync runs beside them, never in their way."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from textual.widgets import Label

from helpers.console import until
from ic_console.content.phrasebook import shipped_phrasebook
from ic_console.domain import commands as c
from ic_console.domain.clock import FakeClock
from ic_console.live.syncing import BackgroundSync
from ic_console.tui.app import ConsoleApp
from ic_console.tui.factory import make_app

from .conftest import INCIDENT, START, Laptop


def _app(laptop: Laptop, *, watch: bool = False) -> ConsoleApp:
    return make_app(
        laptop.root,
        laptop.name,
        incident_id=INCIDENT,
        clock=FakeClock(START),
        phrasebook=shipped_phrasebook(),
        background_load=False,
        watch=watch,
    )


def _sync_label(app: ConsoleApp) -> Label:
    screen = app.live_screen
    assert screen is not None
    return screen.header.query_one("#header-sync", Label)


def test_a_remote_that_hangs_shows_offline_and_the_console_keeps_recording(
    laptops: list[Laptop], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alex = laptops[0]
    alex.declare()
    # An ssh that never answers: the remote of a laptop on a dead network.
    fake_ssh = tmp_path / "hanging-ssh"
    fake_ssh.write_text("#!/bin/sh\nexec sleep 60\n")
    fake_ssh.chmod(0o755)
    monkeypatch.setenv("GIT_SSH_COMMAND", str(fake_ssh))
    app = _app(alex)
    app.syncing = BackgroundSync(
        alex.root, "ssh://ic-test.invalid/team.git", "Alex", every=0.2, timeout=1.0
    )

    async def main() -> None:
        async with app.run_test(size=(140, 40)) as pilot:
            await pilot.pause()
            syncing = app.syncing
            assert syncing is not None
            # While the round hangs in git fetch, recording takes no longer than usual.
            await until(pilot, lambda: syncing.syncer.git._active is not None, timeout=10)
            started = time.monotonic()
            assert app.execute(c.AddLogEntry(text="bridge open, waiting for the DBA"))
            assert time.monotonic() - started < 0.5
            await until(pilot, lambda: syncing.view().offline, timeout=10)
            app.tick()
            label = _sync_label(app)
            text = str(label.render())
            assert text.startswith("offline since "), text
            assert "events to send" in text
            assert label.has_class("-offline")
            # Still responsive: a key does what it does at once.
            await pilot.press("question_mark")
            await pilot.pause()

    asyncio.run(asyncio.wait_for(main(), 30))
    assert app.syncing is not None and not app.syncing._thread


def test_watch_on_another_laptop_follows_the_incident_through_the_repository(
    laptops: list[Laptop],
) -> None:
    alex, priya, _sam = laptops
    store = alex.declare()
    alex.syncer().round()
    priya.syncer().round()  # `ic sync` once on the Deputy's laptop brings the incident
    app = _app(priya, watch=True)
    app.syncing = BackgroundSync(priya.root, priya.remote, "Priya", every=0.2)
    sender = BackgroundSync(alex.root, alex.remote, "Alex", every=0.2)

    async def main() -> None:
        async with app.run_test(size=(140, 40)) as pilot:
            await pilot.pause()
            sender.start()
            try:
                store.execute(c.AddLogEntry(text="rolled back the checkout deploy"))
                await until(
                    pilot,
                    lambda: any("rolled back the checkout deploy" in row.text for row in app.rows),
                    timeout=15,
                )
                app.tick()
                assert str(_sync_label(app).render()).endswith("1 peer")
                assert app.live is not None
                assert "rolled back the checkout deploy" in [e.text for e in app.live.state.log]
            finally:
                sender.stop()

    asyncio.run(asyncio.wait_for(main(), 40))


def test_the_demo_never_sends_its_incident_to_the_team_remote(
    bare: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`ic demo` on a laptop with a team remote: the throwaway SEV-1 stays on this laptop (it
    was pushed, and every teammate's console then listed a fake active incident)."""
    import subprocess
    from argparse import Namespace

    from ic_console.cli import Context
    from ic_console.cli import console as console_cli

    config = tmp_path / "config.toml"
    config.write_text(f'[sync]\nremote = "{bare}"\n')
    monkeypatch.setenv("IC_CONSOLE_CONFIG", str(config))
    ran: list[ConsoleApp] = []

    def run_headless(app: ConsoleApp) -> int:
        async def main() -> None:
            async with app.run_test(size=(120, 40)) as pilot:
                await until(pilot, lambda: app.live_screen is not None, timeout=10)
                await pilot.pause(0.5)  # a background round would have pushed by now

        asyncio.run(asyncio.wait_for(main(), 30))
        ran.append(app)
        return 0

    monkeypatch.setattr(console_cli, "needs_terminal", lambda _what: None)
    monkeypatch.setattr(console_cli, "_run", run_headless)
    ctx = Context(home=tmp_path / "home", actor_given="Alex", clock=FakeClock(START))
    assert console_cli._demo_verb(Namespace(), ctx) == 0
    assert ran and ran[0].syncing is None
    refs = subprocess.run(
        ["git", "--git-dir", str(bare), "for-each-ref"], capture_output=True, text=True
    )
    assert refs.stdout == ""


def test_a_console_with_a_remote_syncs_by_itself(
    laptops: list[Laptop], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other side of the demo's rule: an ordinary console starts syncing on its own."""
    alex = laptops[0]
    alex.declare()
    config = tmp_path / "config.toml"
    config.write_text(f'[sync]\nremote = "{alex.remote}"\n')
    monkeypatch.setenv("IC_CONSOLE_CONFIG", str(config))
    app = _app(alex)

    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await until(pilot, lambda: app.syncing is not None and app.syncing.rounds > 0, 20)

    asyncio.run(asyncio.wait_for(main(), 30))
