"""A leading UTF-8 byte-order mark (U+FEFF, which Notepad and PowerShell's `Out-File` write
first in a file) was kept by `ic log --stdin`, `ic log -` and shown as a replacement character
first in the entry; `ic new --from` refused the payload ("Unexpected UTF-8 BOM"). One BOM at the
very start of stdin is now left out, and nowhere else."""

from __future__ import annotations

import json
from pathlib import Path

from ic_console.store.incident import IncidentStore

from .conftest import Run, ok, run_ic

BOM = "\ufeff"
FIXTURES = Path(__file__).parents[1] / "integrations" / "fixtures"


def _log_texts(home: Path, incident_id: str) -> list[str]:
    return [entry.text for entry in IncidentStore.open(home, incident_id, read_only=True).state.log]


def _declared(ic: Run) -> str:
    return ok(ic("new", "Checkout down", "--sev", "2")).out.strip()


def test_log_stdin_leaves_out_a_leading_bom(ic: Run, env: dict[str, str], home: Path) -> None:
    incident_id = _declared(ic)
    done = run_ic(env, "log", "--stdin", stdin=f"{BOM}Replica lag is 30s\n{BOM}second\n")
    assert done.returncode == 0, done.stderr
    texts = _log_texts(home, incident_id)
    assert "Replica lag is 30s" in texts, texts
    # Only the first: a BOM further on is the text's own (and handled as any other character).
    assert not any(text.startswith(BOM) and "Replica" in text for text in texts)
    shown = ok(ic("show")).out
    assert "Alex: Replica lag is 30s" in shown
    assert "\ufffd" not in shown.split("Replica lag")[0].splitlines()[-1]


def test_log_dash_leaves_out_a_leading_bom(ic: Run, env: dict[str, str], home: Path) -> None:
    incident_id = _declared(ic)
    done = run_ic(env, "log", "-", stdin=f"{BOM}Replica lag is 30s\n")
    assert done.returncode == 0, done.stderr
    assert "Replica lag is 30s" in _log_texts(home, incident_id)
    assert "Alex: Replica lag is 30s" in ok(ic("show")).out


def test_only_one_bom_is_left_out(ic: Run, env: dict[str, str], home: Path) -> None:
    incident_id = _declared(ic)
    done = run_ic(env, "log", "-", stdin=f"{BOM}{BOM}Replica lag\n")
    assert done.returncode == 0, done.stderr
    assert not any(text == "Replica lag" for text in _log_texts(home, incident_id))


def test_a_bom_in_an_argument_is_left_as_it_was(ic: Run, home: Path) -> None:
    """Text given on the command line is not read from stdin or a file: not this fix's."""
    incident_id = _declared(ic)
    ok(ic("log", f"{BOM}Replica lag"))
    assert "Replica lag" not in _log_texts(home, incident_id)


def test_new_from_takes_a_payload_with_a_leading_bom(env: dict[str, str]) -> None:
    payload = json.loads((FIXTURES / "alertmanager-firing.json").read_text())
    done = run_ic(env, "new", "--from", "alertmanager", stdin=BOM + json.dumps(payload))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip(), done.stderr
