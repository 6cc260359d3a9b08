"""The words of incident command as types: severities, phases, roles, kinds of log entry."""

from __future__ import annotations

from collections.abc import Mapping
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


#: The severity names of the user's configuration ("P1"), set once per run by the face that
#: loaded it (`use_severity_names`), so every face shows and accepts the same names.
_CONFIGURED_NAMES: dict[int, str] = {}


def severity_label(level: int) -> str:
    return _CONFIGURED_NAMES.get(level) or f"SEV-{level}"


def use_severity_names(names: Mapping[int, str]) -> None:
    """Show severities by these names from now on (an empty mapping: "SEV-1" again)."""
    _CONFIGURED_NAMES.clear()
    _CONFIGURED_NAMES.update({level: name for level, name in names.items() if name})


def configured_severity_names() -> dict[int, str]:
    """The names set by `use_severity_names` (empty when none are configured)."""
    return dict(_CONFIGURED_NAMES)


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
