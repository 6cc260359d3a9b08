"""Second hostile-new-user hunt: `ic sync init` with a remote that is not there. It failed
before its fix."""

from __future__ import annotations

import pytest

from .conftest import Laptop
from .test_cli import _ic, config  # noqa: F401 (the fixture)


@pytest.mark.usefixtures("config")
def test_a_remote_that_cannot_be_reached_is_said_in_sentences(
    laptops: list[Laptop], capsys: pytest.CaptureFixture[str]
) -> None:
    """Git's words ran into the advice ("... does not appear to be a git repository To save
    it anyway (this laptop is offline now): ..."), and a mistyped path was called offline."""
    alex = laptops[0]
    code, _out, err = _ic(capsys, alex, "sync", "init", str(alex.root / "typo.git"))
    assert code == 1 and err.count("\n") == 1, err
    assert "repository. " in err, err
    assert "(this laptop is offline now)" not in err, err
    assert "check the URL" in err and "--save-anyway" in err, err
