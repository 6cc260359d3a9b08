"""The version is written once: the package metadata and `ic --version` both read it."""

from __future__ import annotations

from importlib.metadata import version

import pytest

import ic_console
from ic_console.cli import main


def test_installed_metadata_and_ic_version_agree(capsys: pytest.CaptureFixture[str]) -> None:
    assert version("ic-console") == ic_console.__version__
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"ic-console {ic_console.__version__}"
