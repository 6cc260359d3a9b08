"""Alerts in: `ic new --from alertmanager|pagerduty < payload.json` and `ic log --stdin`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from ic_console.domain import events as ev
from ic_console.domain.alert_payloads import AlertPayloadError, alert_severity, parse_alert
from ic_console.domain.model import LogKind
from ic_console.store.eventlog import EventLog

from .conftest import Ic, fixture, ok, refused


def _events(ic: Ic, incident_id: str) -> list[ev.Event]:
    return EventLog(ic.store(incident_id).events_path).read_new().events


# -- parsing --------------------------------------------------------------------------------------


def test_alertmanager_payload_gives_title_severity_fingerprints_labels_and_links() -> None:
    alert = parse_alert("alertmanager", fixture("alertmanager-firing.json").read_bytes())
    assert alert.title == "HighErrorRate: Checkout API 5xx rate above 5% (2 alerts)"
    assert alert.active and alert.status == "firing"
    assert alert.severity_words[0] == "critical"
    assert alert.fingerprints == (
        "alertmanager:c5a1f0b2d3e4f567",
        "alertmanager:0f9e8d7c6b5a4321",
    )
    text = "\n".join(alert.entries)
    assert "alertname=HighErrorRate" in text and "job=checkout-api" in text
    assert "https://runbooks.example.com/checkout-errors" in text
    assert "http://alertmanager.example.com:9093" in text
    assert "instance=checkout-2:8080" in text  # each alert's own labels
    assert "http://prometheus.example.com:9090/graph" in text


def test_pagerduty_payload_gives_title_priority_and_links() -> None:
    alert = parse_alert("pagerduty", fixture("pagerduty-triggered.json").read_bytes())
    assert alert.title == "Payments latency above SLO"
    assert alert.severity_words == ("P1", "high")
    assert alert.fingerprints == ("pagerduty:PGR0VU2",)
    text = "\n".join(alert.entries)
    assert "https://acme.pagerduty.com/incidents/PGR0VU2" in text
    assert "service=Payments API" in text
    assert "https://example.com/bridge/payments" in text
    resolved = parse_alert("pagerduty", fixture("pagerduty-resolved.json").read_bytes())
    assert not resolved.active


def test_severity_words_map_through_the_table_without_case() -> None:
    alert = parse_alert("pagerduty", fixture("pagerduty-triggered.json").read_bytes())
    assert alert_severity(alert, {"p1": 1}, 2) == (1, "P1")
    assert alert_severity(alert, {"high": 3}, 2) == (3, "high")
    assert alert_severity(alert, {}, 4) == (4, "")


def _am(**changes: object) -> str:
    data = json.loads(fixture("alertmanager-firing.json").read_text())
    data.update(changes)
    return json.dumps(data)


@pytest.mark.parametrize(
    ("source", "text", "needle"),
    [
        ("alertmanager", _am(version="3"), '"version"'),
        ("alertmanager", _am(alerts=[]), '"alerts"'),
        ("alertmanager", _am(status="burning"), '"status"'),
        ("alertmanager", '{"version": "4"}', '"groupKey" is missing'),
        ("alertmanager", "[1, 2]", "not a JSON object"),
        ("alertmanager", "{not json", "not JSON (line 1"),
        ("pagerduty", '{"event": {"resource_type": "service"}}', '"event.id" is missing'),
        ("pagerduty", "", "no pagerduty payload"),
    ],
)
def test_a_bad_payload_is_one_line_naming_the_field(source: str, text: str, needle: str) -> None:
    with pytest.raises(AlertPayloadError) as caught:
        parse_alert(source, text)
    message = str(caught.value)
    assert needle in message and "\n" not in message


def test_a_missing_fingerprint_is_named_with_its_path() -> None:
    data = json.loads(fixture("alertmanager-firing.json").read_text())
    del data["alerts"][1]["fingerprint"]
    with pytest.raises(AlertPayloadError, match=r'"alerts\.1\.fingerprint" is missing'):
        parse_alert("alertmanager", json.dumps(data))


# -- ic new --from ----------------------------------------------------------------------------


def test_new_from_alertmanager_declares_with_mapped_severity_and_logs_labels(ic: Ic) -> None:
    result = ok(ic("new", "--from", "alertmanager", stdin=fixture("alertmanager-firing.json")))
    incident_id = result.out.strip()
    assert incident_id == "20261123-higherrorrate-checkout"
    assert "SEV-1" in result.err and '"critical"' in result.err
    state = ic.store(incident_id).state
    assert state.severity == 1
    assert state.title == "HighErrorRate: Checkout API 5xx rate above 5% (2 alerts)"
    assert state.alert_fingerprints == [
        "alertmanager:c5a1f0b2d3e4f567",
        "alertmanager:0f9e8d7c6b5a4321",
    ]
    notes = [entry.text for entry in state.log if entry.kind is LogKind.NOTE]
    assert notes[0].startswith("Alert labels: alertname=HighErrorRate")
    assert any("https://runbooks.example.com/checkout-errors" in note for note in notes)
    types = [event.type for event in _events(ic, incident_id)]
    assert types[0] == "incident.declared" and "alert.received" in types


def test_new_from_with_open_is_refused_before_anything_is_declared(ic: Ic) -> None:
    """The payload comes on standard input, the console needs it for keys: the two cannot
    meet, so the line says how to do both (it declared first, then failed to open)."""
    refused(
        ic("new", "--from", "alertmanager", "--open", stdin=fixture("alertmanager-firing.json")),
        "--open needs the terminal",
        "ic open ID",
    )
    assert json.loads(ok(ic("list", "--json")).out) == []


def test_the_same_alert_again_is_logged_to_the_active_incident(ic: Ic) -> None:
    first = ok(ic("new", "--from", "alertmanager", stdin=fixture("alertmanager-firing.json")))
    again = ok(ic("new", "--from", "alertmanager", stdin=fixture("alertmanager-firing.json")))
    assert again.out == first.out
    assert "already has it" in again.err
    resolved = ok(ic("new", "--from", "alertmanager", stdin=fixture("alertmanager-resolved.json")))
    assert resolved.out == first.out
    incident_id = first.out.strip()
    received = [e.data for e in _events(ic, incident_id) if isinstance(e.data, ev.AlertReceived)]
    assert [r.status for r in received] == ["firing", "firing", "resolved"]
    assert len(json.loads(ok(ic("list", "--json")).out)) == 1


def test_no_dedupe_declares_a_second_incident(ic: Ic) -> None:
    first = ok(ic("new", "--from", "pagerduty", stdin=fixture("pagerduty-triggered.json")))
    second = ok(
        ic(
            "new",
            "--from",
            "pagerduty",
            "--no-dedupe",
            stdin=fixture("pagerduty-triggered.json"),
        )
    )
    assert first.out != second.out
    assert len(json.loads(ic("list", "--json").out)) == 2


def test_a_resolved_alert_no_incident_has_declares_nothing(ic: Ic) -> None:
    result = ok(ic("new", "--from", "pagerduty", stdin=fixture("pagerduty-resolved.json")))
    assert result.out == ""
    assert "nothing was declared" in result.err
    assert json.loads(ic("list", "--json").out) == []


def test_severity_table_in_config_and_sev_flag_win(ic: Ic, config: Callable[[str], Path]) -> None:
    config("[alerts]\ndefault_severity = 4\n[alerts.severity]\nWarning = 2\n")
    result = ok(ic("new", "--from", "alertmanager", stdin=fixture("alertmanager-warning.json")))
    assert ic.store(result.out.strip()).state.severity == 2
    result = ok(
        ic(
            "new",
            "--from",
            "alertmanager",
            "--no-dedupe",
            "--sev",
            "3",
            stdin=fixture("alertmanager-warning.json"),
        )
    )
    assert ic.store(result.out.strip()).state.severity == 3
    data = json.loads(fixture("alertmanager-warning.json").read_text())
    data["commonLabels"]["severity"] = "mystery"
    data["alerts"][0]["labels"]["severity"] = "mystery"
    data["alerts"][0]["fingerprint"] = "ffff"
    result = ok(ic("new", "--from", "alertmanager", stdin=json.dumps(data).encode()))
    assert ic.store(result.out.strip()).state.severity == 4  # the configured default


def test_default_severity_table_maps_warning_to_sev3(ic: Ic) -> None:
    result = ok(ic("new", "--from", "alertmanager", stdin=fixture("alertmanager-warning.json")))
    assert ic.store(result.out.strip()).state.severity == 3


@pytest.mark.parametrize(
    ("source", "payload", "needle"),
    [
        ("alertmanager", b'{"version": "3"}', '"version"'),
        ("pagerduty", b'{"event": {}}', '"event.id" is missing'),
        ("alertmanager", b"\xff\xfe", "not UTF-8"),
        ("alertmanager", b"", "no alertmanager payload"),
    ],
)
def test_bad_payload_exits_2_with_one_line(
    ic: Ic, source: str, payload: bytes, needle: str
) -> None:
    refused(ic("new", "--from", source, stdin=payload), needle)
    assert json.loads(ic("list", "--json").out) == []


def test_unknown_source_is_refused_by_the_parser(ic: Ic) -> None:
    result = ic("new", "--from", "nagios", stdin=b"{}")
    assert result.code == 2 and "invalid choice" in result.err


def test_new_without_title_or_source_says_what_to_give(ic: Ic) -> None:
    refused(ic("new"), "Say what is wrong")


# -- ic log --stdin ---------------------------------------------------------------------------


def test_log_stdin_logs_one_entry_per_line_in_one_append(ic: Ic) -> None:
    incident_id = ok(ic("new", "Checkout errors")).out.strip()
    appends: list[int] = []
    real = EventLog.append

    def counting(self: EventLog, events: list[ev.Event]) -> None:
        appends.append(len(events))
        real(self, events)

    ic.mp.setattr(EventLog, "append", counting)
    result = ok(ic("log", "--stdin", incident_id, stdin=b"first\n\n  second  \r\nthird"))
    assert result.out == "Logged 3 note entries.\n"
    assert appends == [3]  # one lock, one write, one fsync for the batch
    events = _events(ic, incident_id)
    logged = [e.data for e in events if isinstance(e.data, ev.LogEntryAdded)]
    assert [data.text for data in logged] == ["first", "second", "third"]


def test_log_stdin_takes_the_kind_and_the_only_active_incident(ic: Ic) -> None:
    incident_id = ok(ic("new", "Checkout errors")).out.strip()
    ok(ic("log", "--stdin", "--kind", "action", stdin=b"restarted the pool\n"))
    entry = ic.store(incident_id).state.log[-1]
    assert (entry.kind, entry.text) == (LogKind.ACTION, "restarted the pool")


def test_log_stdin_bad_line_is_named_and_lines_before_it_are_kept(ic: Ic) -> None:
    incident_id = ok(ic("new", "Checkout errors")).out.strip()
    refused(
        ic("log", "--stdin", stdin=b"fine\nbad\x00line\nafter\n"),
        "stdin line 2",
        "NUL",
        "The 1 entry before it was logged",
    )
    texts = [entry.text for entry in ic.store(incident_id).state.log]
    assert "fine" in texts
    assert "bad\x00line" not in texts and "after" not in texts
    refused(ic("log", "--stdin", stdin=b"ok\n\xff\n"), "stdin line 2 is not UTF-8")
    refused(ic("log", "--stdin", stdin=b"\n\n"), "no text to log")
    refused(ic("log", "--stdin", "one", "two", stdin=b"x\n"), "at most the incident id")
