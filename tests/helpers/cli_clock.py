"""Every `ic` verb run in-process sees a fake clock instead of the wall clock."""

from __future__ import annotations

from datetime import datetime

import pytest

from ic_console import cli
from ic_console.domain.clock import FakeClock


def fake_cli_clock(monkeypatch: pytest.MonkeyPatch, start: datetime) -> FakeClock:
    """A clock at `start` that `cli.make_context` hands to every verb for this test."""
    fake = FakeClock(start)
    real = cli.make_context

    def make_context(args: object) -> cli.Context:
        ctx = real(args)  # type: ignore[arg-type]
        ctx.clock = fake
        return ctx

    monkeypatch.setattr(cli, "make_context", make_context)
    return fake
