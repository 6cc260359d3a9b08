"""The load incident, built once and kept in pytest's cache until the code that makes it changes.

Building it through the domain takes a few seconds. The cache entry is keyed by a hash of every
source file the bytes and the counted facts depend on, so a change to the domain, the encoder or
the builder builds it afresh. The first xdist worker to need it builds it under a file lock into
a temporary directory and renames it into place; the others wait on the lock and reuse it. Each
test gets its own copy of the log in a private home, because opening an incident writes beside
it (summary, lock, presence files).
"""

from __future__ import annotations

import fcntl
import hashlib
import inspect
import json
import shutil
import tempfile
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

import pytest

import ic_console
from ic_console.store import eventlog
from load import big_incident
from load.big_incident import INCIDENT_ID, Built, build


def _builder_key() -> str:
    """A hash of the sources that decide the load incident's bytes and its counted facts."""
    package = Path(ic_console.__file__).parent
    sources = [
        *sorted((package / "domain").glob("*.py")),
        package / "synthetic.py",
        Path(eventlog.__file__),
        Path(inspect.getfile(big_incident.describe)),  # the console's row vocabulary
        Path(big_incident.__file__),
    ]
    digest = hashlib.sha256()
    for source in sources:
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="session")
def built(request: pytest.FixtureRequest) -> Built:
    """The load incident's log, and what the generator counted in it."""
    cache = request.config.cache
    assert cache is not None, (
        "the load tests need pytest's cache (do not run with -p no:cacheprovider)"
    )
    root = cache.mkdir("load-incident")
    entry = root / _builder_key()
    facts = entry / "facts.json"
    with open(root / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not facts.exists():
            for stale in root.iterdir():  # entries of older builders
                if stale.is_dir():
                    shutil.rmtree(stale, ignore_errors=True)
            scratch = Path(tempfile.mkdtemp(dir=root, prefix="building-"))
            made = asdict(build(scratch / "events.jsonl"))
            made["path"] = str(entry / "events.jsonl")
            made["last_at"] = made["last_at"].isoformat()
            (scratch / "facts.json").write_text(json.dumps(made))
            scratch.rename(entry)
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
