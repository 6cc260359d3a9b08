"""Three laptops and a team repository, all in a temp folder: real git, no network.

Each laptop is a data root of its own (its own replica id); the team's repository is a bare git
repository reached by its path, as `git init --bare` on a USB stick or an ssh host would be.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ic_console.domain import commands as c
from ic_console.domain.clock import FakeClock
from ic_console.store.incident import IncidentStore
from ic_console.store.origin import forget_cached_origins, local_origin
from ic_console.sync.engine import Syncer

START = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
INCIDENT = "checkout-errors"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="sync needs git")


@dataclass
class Laptop:
    name: str
    root: Path
    remote: str

    @property
    def origin(self) -> str:
        return local_origin(self.root)

    def syncer(self, **kwargs: float) -> Syncer:
        return Syncer(self.root, self.remote, actor=self.name, **kwargs)

    def store(self, incident_id: str = INCIDENT) -> IncidentStore:
        return IncidentStore.open(self.root, incident_id, clock=FakeClock(START), actor=self.name)

    def declare(self, incident_id: str = INCIDENT) -> IncidentStore:
        declare = c.Declare(incident_id=incident_id, title="Checkout errors", severity=2)
        return IncidentStore.create(self.root, declare, clock=FakeClock(START), actor=self.name)


@pytest.fixture(autouse=True)
def _no_user_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The user's own config (and its remote) never reaches a test."""
    monkeypatch.setenv("IC_CONSOLE_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("IC_CONSOLE_HOME", str(tmp_path / "no-home"))
    monkeypatch.delenv("GIT_SSH_COMMAND", raising=False)


@pytest.fixture
def bare(tmp_path: Path) -> Path:
    """The team's repository."""
    path = tmp_path / "team.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(path)], check=True)
    return path


@pytest.fixture
def laptops(tmp_path: Path, bare: Path) -> Iterator[list[Laptop]]:
    """Alex's, Priya's and Sam's laptops, each its own data root."""
    forget_cached_origins()
    made = []
    for name in ("Alex", "Priya", "Sam"):
        root = tmp_path / name.lower()
        root.mkdir(mode=0o700)
        made.append(Laptop(name, root, str(bare)))
    yield made
    forget_cached_origins()
