"""The load incident, built once per test session and shared by every xdist worker.

Building it through the domain takes a few seconds, so the first worker to get here builds it
under a file lock in the session's shared temporary directory and records what it wrote; the
others wait and reuse it. Each test gets its own copy of the log in a private home, because
opening an incident writes beside it (summary, lock, presence files).
"""

from __future__ import annotations

import fcntl
import json
import shutil
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

import pytest

from load.big_incident import INCIDENT_ID, Built, build


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Built:
    """The load incident's log, and what the generator counted in it."""
    base = tmp_path_factory.getbasetemp()
    shared = base if worker_id == "master" else base.parent
    log = shared / "load-incident" / "events.jsonl"
    facts = log.with_name("facts.json")
    log.parent.mkdir(mode=0o700, exist_ok=True)
    with open(shared / "load-incident.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not facts.exists():
            made = asdict(build(log))
            made["path"] = str(made["path"])
            made["last_at"] = made["last_at"].isoformat()
            facts.write_text(json.dumps(made))
    raw = json.loads(facts.read_text())
    raw["path"] = Path(raw["path"])
    raw["last_at"] = datetime.fromisoformat(raw["last_at"])
    return Built(**raw)


@pytest.fixture
def load_home(tmp_path: Path, built: Built) -> Path:
    """A private data root holding a fresh copy of the load incident."""
    home = tmp_path / "home"
    directory = home / "incidents" / INCIDENT_ID
    directory.mkdir(mode=0o700, parents=True)
    home.chmod(0o700)
    (home / "incidents").chmod(0o700)
    shutil.copyfile(built.path, directory / "events.jsonl")
    (directory / "events.jsonl").chmod(0o600)
    return home
