"""Any interleaving of commands on three laptops, sync rounds and offline periods ends, after a
final round on each, with byte-identical replica files and the same folded state everywhere: no
event lost or duplicated. End to end: real stores, real git, a bare repository."""

from __future__ import annotations

import json
import subprocess
import tempfile
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ic_console.domain import commands as c
from ic_console.domain.errors import DomainError
from ic_console.store.incident import IncidentStore
from ic_console.store.paths import event_files, incident_dir
from ic_console.store.state_codec import state_body
from ic_console.sync.engine import Syncer, SyncError

from .conftest import INCIDENT

NAMES = ("Alex", "Priya", "Sam")

_commands = st.one_of(
    st.builds(lambda n: c.AddLogEntry(text=f"note {n}"), st.integers(0, 99)),
    st.builds(
        lambda who, n: c.AssignTask(owner=who, text=f"task {n}", timebox=timedelta(minutes=5)),
        st.sampled_from(NAMES),
        st.integers(0, 99),
    ),
    st.builds(lambda n: c.CompleteTask(number=n), st.integers(1, 3)),
    st.builds(lambda n: c.ProposeDecision(text=f"decision {n}"), st.integers(0, 99)),
    st.builds(lambda n: c.AcceptDecision(number=n), st.integers(1, 2)),
)
_steps = st.lists(
    st.one_of(
        st.tuples(st.just("run"), st.integers(0, 2), _commands),
        st.tuples(st.just("sync"), st.integers(0, 2), st.none()),
        st.tuples(st.just("offline"), st.integers(0, 2), st.booleans()),
    ),
    max_size=14,
)


def _files(root: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in event_files(incident_dir(root, INCIDENT))}


def _cut_off(syncer: Syncer, remote: str, *, offline: bool) -> None:
    """This laptop loses (or regains) the network: git rewrites the remote to nowhere."""
    for key in ("GIT_CONFIG_COUNT", "GIT_CONFIG_KEY_0", "GIT_CONFIG_VALUE_0"):
        syncer.git.env.pop(key, None)
    if offline:
        syncer.git.env.update(
            GIT_CONFIG_COUNT="1",
            GIT_CONFIG_KEY_0=f"url.{remote}-unreachable.insteadOf",
            GIT_CONFIG_VALUE_0=remote,
        )


def _run(root: Path, actor: str, command: c.Command) -> int:
    """Run a command on one laptop; the number of events it recorded (0: refused up front
    against this laptop's state, as today)."""
    store = IncidentStore.open(root, INCIDENT, actor=actor)
    try:
        return len(store.execute(command))
    except DomainError:
        return 0


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(steps=_steps)
def test_three_laptops_end_identical_after_a_final_round(
    steps: list[tuple[str, int, object]],
) -> None:
    with tempfile.TemporaryDirectory() as temp:
        base = Path(temp)
        remote = str(base / "team.git")
        subprocess.run(["git", "init", "--quiet", "--bare", remote], check=True)
        roots = [base / name.lower() for name in NAMES]
        for root in roots:
            root.mkdir(mode=0o700)
        syncers = [Syncer(r, remote, actor=name) for r, name in zip(roots, NAMES, strict=True)]
        declare = c.Declare(incident_id=INCIDENT, title="Checkout errors", severity=2)
        created = IncidentStore.create(roots[0], declare, actor="Alex")
        recorded = created.state.last_seq
        for syncer in syncers:
            syncer.round()
        offline = [False, False, False]
        for kind, who, what in steps:
            if kind == "offline":
                offline[who] = bool(what)
                _cut_off(syncers[who], remote, offline=offline[who])
            elif kind == "sync":
                try:
                    syncers[who].round()
                except SyncError:
                    assert offline[who]
                else:
                    assert not offline[who]
            else:
                assert isinstance(what, c.Command)
                recorded += _run(roots[who], NAMES[who], what)
        for syncer in syncers:
            _cut_off(syncer, remote, offline=False)
        for _ in range(2):
            for syncer in syncers:
                syncer.round()

        files = [_files(root) for root in roots]
        assert files[0] == files[1] == files[2]
        states = []
        for root, name in zip(roots, NAMES, strict=True):
            store = IncidentStore.open(root, INCIDENT, actor=name, read_only=True)
            states.append(json.dumps(state_body(store.state), sort_keys=True, default=str))
        assert states[0] == states[1] == states[2]
        ids = [json.loads(line)["id"] for data in files[0].values() for line in data.splitlines()]
        assert len(ids) == len(set(ids))
        assert len(ids) == recorded  # every event recorded anywhere, once
