"""Alerts from monitoring, read from the payloads other tools send: a Prometheus Alertmanager
webhook (version 4) and a PagerDuty v3 webhook event.

Pure: the text of a payload in, an `Alert` out, or an `AlertPayloadError` whose one line names
the field that was wrong. The models keep only the documented fields the console uses and
ignore the rest, so a tool adding fields later does not break `ic new --from`.

    Alertmanager: https://prometheus.io/docs/alerting/latest/configuration/#webhook_config
    PagerDuty:    https://developer.pagerduty.com/docs/webhooks/v3-overview/
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from ic_console.domain.errors import DomainError
from ic_console.domain.text import MAX_TEXT, MAX_TITLE

#: The tools `ic new --from` understands.
SOURCES = ("alertmanager", "pagerduty")
#: A payload larger than this is refused: a webhook body is a few kilobytes.
MAX_PAYLOAD_BYTES = 1 << 20
#: Alerts of one Alertmanager group listed one log entry each; the rest are counted.
MAX_LISTED_ALERTS = 20

_Nonempty = Annotated[str, Field(min_length=1)]


class AlertPayloadError(DomainError):
    """The payload cannot be read as the tool's documented format; the message names why."""


@dataclass(frozen=True)
class Alert:
    """What an incident needs from an alert, whichever tool sent it."""

    source: str
    #: As the tool says it: "firing", "resolved", "triggered", "acknowledged"...
    status: str
    #: False when the alert says the problem is over (nothing new to declare).
    active: bool
    title: str
    #: Words that may say the severity, most telling first ("critical", "P1", "high").
    severity_words: tuple[str, ...]
    #: What identifies this alert when it fires again, prefixed by the source.
    fingerprints: tuple[str, ...]
    #: The labels, details and links, one log entry each.
    entries: tuple[str, ...]

    @property
    def summary(self) -> str:
        return self.title


def alert_severity(alert: Alert, table: Mapping[str, int], default: int) -> tuple[int, str]:
    """The incident severity for `alert` through `table` (words folded to lower case), and
    the word that decided it ("" when none matched and `default` was used)."""
    for word in alert.severity_words:
        level = table.get(word.strip().casefold())
        if level is not None:
            return level, word
    return default, ""


def parse_alert(source: str, text: str | bytes) -> Alert:
    """Read one payload of `source` ("alertmanager" or "pagerduty")."""
    if source not in SOURCES:
        raise AlertPayloadError(
            f'"{source}" is not a source ic knows: use one of {", ".join(SOURCES)}.'
        )
    if len(text) > MAX_PAYLOAD_BYTES:
        raise AlertPayloadError(
            f"the {source} payload is larger than {MAX_PAYLOAD_BYTES >> 20} MB: "
            "a webhook body is a few kilobytes; check what was piped in."
        )
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as error:
            raise AlertPayloadError(
                f"the {source} payload is not UTF-8 text (byte {error.start})."
            ) from None
    if not text.strip():
        raise AlertPayloadError(
            f"no {source} payload on stdin: pipe one in, like `ic new --from {source} < "
            "payload.json`."
        )
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise AlertPayloadError(
            f"the {source} payload is not JSON (line {error.lineno}, column {error.colno}: "
            f"{error.msg})."
        ) from None
    except RecursionError:
        raise AlertPayloadError(
            f"the {source} payload is nested too deeply to read; send the alert as the "
            "monitor writes it."
        ) from None
    if not isinstance(data, dict):
        raise AlertPayloadError(f"the {source} payload is not a JSON object.")
    alert = _alertmanager(data) if source == "alertmanager" else _pagerduty(data)
    return _recordable(alert)


#: Characters a title cannot hold (`domain.text.clean_title`): controls, format characters
#: (bidirectional overrides, zero-width spaces), line and paragraph separators, surrogates.
_UNFIT_FOR_TITLE = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


def _recordable(alert: Alert) -> Alert:
    """The alert as the incident can record it. A monitor cannot "remove it and try again":
    an alert refused for its text is an alert lost. So the title drops what a title cannot
    hold (a right-to-left override, a zero-width space; whitespace is already one space), a
    title left empty names the source, and each entry shows a NUL as ␀ and is cut to the
    longest text an entry may have (a stack trace in the description), saying so."""
    title = "".join(ch for ch in alert.title if unicodedata.category(ch) not in _UNFIT_FOR_TITLE)
    title = " ".join(title.split()) or f"{alert.source} alert"
    entries = tuple(_fit_entry(entry.replace("\x00", "\u2400")) for entry in alert.entries)
    return replace(alert, title=title, entries=entries)


def _fit_entry(text: str) -> str:
    if len(text.strip()) <= MAX_TEXT:
        return text
    cut = f" … (cut here: the alert sent {len(text):,} characters)"
    return text[: MAX_TEXT - len(cut)] + cut


def _field_error(source: str, error: ValidationError) -> AlertPayloadError:
    """One line naming the first field that is wrong, and how."""
    first = error.errors(include_url=False)[0]
    where = ".".join(str(part) for part in first["loc"]) or "(the whole payload)"
    if first["type"] == "missing":
        what = "is missing"
    else:
        shown = json.dumps(first.get("input"), ensure_ascii=False, default=str)
        shown = shown if len(shown) <= 40 else shown[:39] + "…"
        what = f"is {shown}: {first['msg'].lower()}"
    return AlertPayloadError(f'the {source} payload\'s field "{where}" {what}.')


def _one_line(text: str, limit: int) -> str:
    value = " ".join(text.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _pairs(labels: Mapping[str, str]) -> str:
    return ", ".join(f"{key}={value}" for key, value in labels.items())


# -- Prometheus Alertmanager, webhook payload version 4 -------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class _AmAlert(_Model):
    status: Literal["firing", "resolved"]
    labels: dict[str, str]
    annotations: dict[str, str] = {}
    startsAt: AwareDatetime
    endsAt: datetime | None = None
    generatorURL: str = ""
    fingerprint: _Nonempty


class _AmPayload(_Model):
    version: Literal["4"]
    groupKey: str
    truncatedAlerts: int = 0
    status: Literal["firing", "resolved"]
    receiver: str
    groupLabels: dict[str, str] = {}
    commonLabels: dict[str, str] = {}
    commonAnnotations: dict[str, str] = {}
    externalURL: str = ""
    alerts: Annotated[list[_AmAlert], Field(min_length=1)]


def _alertmanager(data: dict[str, Any]) -> Alert:
    try:
        payload = _AmPayload.model_validate(data)
    except ValidationError as error:
        raise _field_error("alertmanager", error) from None
    first = payload.alerts[0]
    common, notes = payload.commonLabels, payload.commonAnnotations
    name = common.get("alertname") or first.labels.get("alertname") or payload.receiver
    summary = notes.get("summary") or first.annotations.get("summary") or ""
    title = f"{name}: {summary}" if summary and name not in summary else summary or name
    count = len(payload.alerts) + payload.truncatedAlerts
    if count > 1:
        title = f"{title} ({count} alerts)"
    entries = [f"Alert labels: {_pairs(common)}"] if common else []
    for key in ("description", "message"):
        if notes.get(key):
            entries.append(f"Alert {key}: {notes[key]}")
    links = [f"Alertmanager: {payload.externalURL}"] if payload.externalURL else []
    links += [f"{key}: {value}" for key, value in notes.items() if _is_link(key, value)]
    if links:
        entries.append("Alert links: " + "; ".join(links))
    for alert in payload.alerts[:MAX_LISTED_ALERTS]:
        own = {k: v for k, v in alert.labels.items() if common.get(k) != v}
        parts = [f"Alert {alert.fingerprint} {alert.status}, started {alert.startsAt.isoformat()}"]
        if own:
            parts.append(f"labels {_pairs(own)}")
        if alert.generatorURL:
            parts.append(f"source {alert.generatorURL}")
        parts += [
            f"{k}: {v}"
            for k, v in alert.annotations.items()
            if notes.get(k) != v and (_is_link(k, v) or k in ("summary", "description"))
        ]
        entries.append("; ".join(parts))
    hidden = count - min(len(payload.alerts), MAX_LISTED_ALERTS)
    if hidden:
        entries.append(f"{hidden} more alert(s) in this group are not listed here.")
    words = [common.get("severity", ""), first.labels.get("severity", "")]
    return Alert(
        source="alertmanager",
        status=payload.status,
        active=payload.status == "firing",
        title=_one_line(title, MAX_TITLE),
        severity_words=tuple(word for word in words if word),
        fingerprints=tuple(f"alertmanager:{alert.fingerprint}" for alert in payload.alerts),
        entries=tuple(entries),
    )


def _is_link(key: str, value: str) -> bool:
    return key.lower().endswith(("url", "_link", "runbook", "dashboard")) or value.startswith(
        ("https://", "http://")
    )


# -- PagerDuty, v3 webhook event ----------------------------------------------------------------


class _PdReference(_Model):
    summary: str = ""
    html_url: str = ""


class _PdBridge(_Model):
    conference_number: str | None = None
    conference_url: str | None = None


class _PdIncident(_Model):
    id: _Nonempty
    type: Literal["incident"]
    html_url: str = ""
    number: int | None = None
    status: _Nonempty
    incident_key: str | None = None
    title: _Nonempty
    service: _PdReference | None = None
    priority: _PdReference | None = None
    urgency: str | None = None
    conference_bridge: _PdBridge | None = None


class _PdEvent(_Model):
    id: _Nonempty
    event_type: Annotated[str, Field(pattern=r"^incident\.[a-z_.]+$")]
    resource_type: Literal["incident"]
    occurred_at: AwareDatetime
    data: _PdIncident


class _PdPayload(_Model):
    event: _PdEvent


def _pagerduty(data: dict[str, Any]) -> Alert:
    try:
        event = _PdPayload.model_validate(data).event
    except ValidationError as error:
        raise _field_error("pagerduty", error) from None
    incident = event.data
    number = f" #{incident.number}" if incident.number is not None else ""
    entries = [
        f"PagerDuty incident{number} {incident.status} ({event.event_type}) "
        f"at {event.occurred_at.isoformat()}."
    ]
    details = []
    if incident.service and incident.service.summary:
        details.append(f"service={incident.service.summary}")
    if incident.priority and incident.priority.summary:
        details.append(f"priority={incident.priority.summary}")
    if incident.urgency:
        details.append(f"urgency={incident.urgency}")
    if incident.incident_key:
        details.append(f"incident_key={incident.incident_key}")
    if details:
        entries.append(f"Alert labels: {', '.join(details)}")
    links = [f"PagerDuty incident: {incident.html_url}"] if incident.html_url else []
    if incident.service and incident.service.html_url:
        links.append(f"service: {incident.service.html_url}")
    bridge = incident.conference_bridge
    if bridge and bridge.conference_url:
        links.append(f"conference bridge: {bridge.conference_url}")
    if bridge and bridge.conference_number:
        links.append(f"dial-in: {bridge.conference_number}")
    if links:
        entries.append("Alert links: " + "; ".join(links))
    words = [
        incident.priority.summary if incident.priority else "",
        incident.urgency or "",
    ]
    resolved = incident.status == "resolved" or event.event_type == "incident.resolved"
    return Alert(
        source="pagerduty",
        status=incident.status,
        active=not resolved,
        title=_one_line(incident.title, MAX_TITLE),
        severity_words=tuple(word for word in words if word),
        fingerprints=(f"pagerduty:{incident.id}",),
        entries=tuple(entries),
    )
