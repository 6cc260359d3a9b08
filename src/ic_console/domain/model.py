"""The words of incident command as types: severities, phases, roles, kinds of log entry."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

SEVERITIES = (1, 2, 3, 4, 5)

#: Default stakeholder-update cadence by severity; None means no scheduled updates.
DEFAULT_CADENCE: dict[int, timedelta | None] = {
    1: timedelta(minutes=20),
    2: timedelta(minutes=20),
    3: timedelta(minutes=30),
    4: None,
    5: None,
}

SEVERITY_DESCRIPTIONS = {
    1: "Critical: many customers affected, data exposed or SLA breached",
    2: "Critical: a major feature severely impaired",
    3: "Minor impact or instability that needs attention now",
    4: "Needs action; customers not affected",
    5: "Cosmetic; a ticket, no page",
}

#: After this long on the call, suggest that a person rotates out.
ROTATE_AFTER = timedelta(minutes=90)


def severity_label(level: int) -> str:
    return f"SEV-{level}"


class Phase(StrEnum):
    DETECT = "detect"
    MOBILIZE = "mobilize"
    DIAGNOSE = "diagnose"
    RESOLVE = "resolve"
    LEARN = "learn"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Status(StrEnum):
    ACTIVE = "active"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Role(StrEnum):
    IC = "ic"
    DEPUTY = "deputy"
    SCRIBE = "scribe"
    INTERNAL_LIAISON = "internal-liaison"
    CUSTOMER_LIAISON = "customer-liaison"
    SME = "sme"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @property
    def single(self) -> bool:
        """Every role but Subject Matter Expert points to one person at a time."""
        return self is not Role.SME

    @classmethod
    def parse(cls, text: str) -> Role:
        from ic_console.domain.errors import DomainError

        key = text.strip().lower().replace("_", "-").replace(" ", "-")
        key = ROLE_ALIASES.get(key, key)
        try:
            return cls(key)
        except ValueError:
            choices = ", ".join(role.value for role in cls)
            raise DomainError(f'"{text}" is not a role: use one of {choices}.') from None


ROLE_LABELS = {
    Role.IC: "Incident Commander",
    Role.DEPUTY: "Deputy",
    Role.SCRIBE: "Scribe",
    Role.INTERNAL_LIAISON: "Internal Liaison",
    Role.CUSTOMER_LIAISON: "Customer Liaison",
    Role.SME: "Subject Matter Expert",
}
ROLE_ALIASES = {
    "commander": "ic",
    "incident-commander": "ic",
    "internal": "internal-liaison",
    "customer": "customer-liaison",
    "subject-matter-expert": "sme",
    "expert": "sme",
}
SINGLE_ROLES = tuple(role for role in Role if role.single)


class LogKind(StrEnum):
    NOTE = "note"
    ACTION = "action"
    STATUS = "status"
    FOLLOWUP = "followup"

    @classmethod
    def parse(cls, text: str) -> LogKind:
        """The one parser of `domain.parse`, which every face uses."""
        from ic_console.domain.parse import parse_log_kind

        return parse_log_kind(text)


class TaskStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class DecisionStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    WITHDRAWN = "withdrawn"


class Audience(StrEnum):
    INTERNAL = "internal"
    EXTERNAL = "external"
