"""Hooks post to the team's real channels and pages: a drill's events run none of them (the
README's chat example would otherwise post practice to the real channel)."""

from __future__ import annotations

from pathlib import Path

from ic_console.domain.commands import AddLogEntry, Declare, PostUpdate
from ic_console.domain.events import Event
from ic_console.domain.model import Audience
from ic_console.live.hooks import Hook, HookSettings
from ic_console.store.incident import IncidentStore


def _events(root: Path, incident_id: str) -> list[Event]:
    store = IncidentStore.create(
        root, Declare(incident_id=incident_id, title="Checkout", severity=2), actor="Alex"
    )
    return [
        *store.execute(AddLogEntry(text="error rate at 12%")),
        *store.execute(PostUpdate(audience=Audience.EXTERNAL, text="we are on it")),
    ]


def test_a_drill_runs_no_hook_and_no_status_page(tmp_path: Path) -> None:
    settings = HookSettings(tmp_path, (Hook("*", "cat >> chat"),), status_dir=tmp_path / "site")
    real = _events(tmp_path, "inc-1")
    drill = _events(tmp_path, "drill-2026-11-23-checkout")
    assert len(settings.jobs("inc-1", real)) == 3  # two events' hook, then the page
    assert settings.jobs("drill-2026-11-23-checkout", drill) == []
