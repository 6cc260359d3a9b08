"""Second hostile-new-user hunt: alert payloads a monitor really sends. Each test here failed
before its fix: the alert was refused with words a webhook cannot act on ("remove it and try
again"), so no incident was declared and the alert was lost."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from ic_console.store.incident import IncidentStore

from .conftest import Run, ok

FIXTURES = Path(__file__).parents[1] / "integrations" / "fixtures"


def _payload(change: dict[str, Any]) -> bytes:
    data = json.loads((FIXTURES / "alertmanager-firing.json").read_text())
    for key, value in change.items():
        where, name = key.split(".")
        data[where][name] = value
    return json.dumps(data).encode()


@pytest.mark.parametrize(
    ("change", "title_part"),
    [
        # A right-to-left override and zero-width spaces in the summary (copied text, i18n).
        ({"commonAnnotations.summary": "\u202eCheckout\u200b errors"}, "Checkout errors"),
        # A NUL in a label.
        ({"commonLabels.team": "pay\x00ments"}, "Checkout API 5xx"),
        # A stack trace of 30,000 characters in the description.
        ({"commonAnnotations.description": "at frame()\n" * 3_000}, "Checkout API 5xx"),
        # A name and summary of nothing but invisible characters.
        ({"commonLabels.alertname": "\u200b", "commonAnnotations.summary": "\u200d"}, "alert"),
    ],
)
def test_an_alert_with_odd_text_still_declares(
    ic: Run,
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
    change: dict[str, Any],
    title_part: str,
) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(_payload(change))))
    result = ok(ic("new", "--from", "alertmanager"))
    incident_id = result.out.strip()
    state = IncidentStore.open(home, incident_id, read_only=True).state
    assert title_part in state.title, state.title
    assert "\u202e" not in state.title and "\u200b" not in state.title
    texts = [entry.text for entry in state.log]
    assert any("Alert" in text for text in texts), texts
