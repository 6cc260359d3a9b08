"""A remote URL that carries a token (`https://TOKEN@host/...`, as CI and some teams give one)
was shown whole in the advice after a failed round (the console's toast and header, a screen
shared on the bridge call) and in the command that deletes a peer's branch. It is shown as
`https://***@host/...` now; ssh's user name is no secret and stays. Found by the day's review."""

from __future__ import annotations

import pytest

from ic_console.sync.clone import shown_url
from ic_console.sync.engine import Syncer
from ic_console.sync.git import SyncError
from ic_console.sync.report import Refusals

from .conftest import Laptop


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "https://ghp_S3CRET@github.com/sre/incidents.git",
            "https://***@github.com/sre/incidents.git",
        ),
        ("https://kim:hunter2@git.example.com/i.git", "https://***@git.example.com/i.git"),
        ("HTTP://tok@host/x", "HTTP://***@host/x"),
        ("ssh://git:pw@host/x.git", "ssh://git:***@host/x.git"),
        ("ssh://git@host/x.git", "ssh://git@host/x.git"),
        ("git@github.com:sre/incidents.git", "git@github.com:sre/incidents.git"),
        ("/srv/git/incidents.git", "/srv/git/incidents.git"),
        ("https://github.com/a@b/x.git", "https://github.com/a@b/x.git"),
    ],
)
def test_a_url_is_shown_without_its_secret(url: str, shown: str) -> None:
    assert shown_url(url) == shown


def test_a_failed_round_and_a_refusal_never_show_the_token(laptops: list[Laptop]) -> None:
    alex = laptops[0]
    alex.declare()
    remote = "https://ghp_S3CRET@127.0.0.1:9/sre/incidents.git"  # nothing listens on port 9
    with pytest.raises(SyncError) as raised:
        Syncer(alex.root, remote, actor="Alex").round(wait=0.0)
    said = str(raised.value)
    assert "S3CRET" not in said, said
    assert "https://***@127.0.0.1:9/sre/incidents.git" in said, said
    refusals = Refusals(remote, {"bad0bad0bad0": "Mallory"})
    refusals.add("bad0bad0bad0", "Refused something.")
    assert not any("S3CRET" in line for line in refusals.lines())
