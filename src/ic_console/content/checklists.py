"""Checklists: prepared ahead, ticked during the incident. One TOML file per checklist:

    id = "ic-joining"
    title = "Incident Commander: declaring or joining"
    when = ["declare", "join-as-ic"]
    role = "ic"
    severities = [1, 2, 3]

    [[items]]
    id = "introduce"
    text = "Introduce yourself as the Incident Commander."

Ticks are stored as events keyed by (checklist id, item id), so ids must stay stable.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
)

from ic_console.content.fields import ContentId, Note, Severity, Text, first_repeat
from ic_console.content.problems import (
    ContentError,
    read_text,
    read_toml,
    validation_problems,
)
from ic_console.domain.model import Phase

When = Literal["declare", "join-as-ic", "join", "handover", "resolve", "postmortem"]
WHEN_VALUES: tuple[str, ...] = (
    "declare",
    "join-as-ic",
    "join",
    "handover",
    "resolve",
    "postmortem",
)
Audience = Literal[
    "anyone",
    "ic",
    "deputy",
    "scribe",
    "internal-liaison",
    "customer-liaison",
    "sme",
    "postmortem-owner",
]
#: Audiences that are not a role on the call, so every viewer may need them.
EVERYONE = frozenset({"anyone", "postmortem-owner"})

#: The phases of the incident in which a checklist for each moment is worth showing.
WHEN_PHASES: dict[str, frozenset[Phase]] = {
    "declare": frozenset({Phase.DETECT, Phase.MOBILIZE, Phase.DIAGNOSE}),
    "join-as-ic": frozenset({Phase.DETECT, Phase.MOBILIZE, Phase.DIAGNOSE, Phase.RESOLVE}),
    "join": frozenset({Phase.DETECT, Phase.MOBILIZE, Phase.DIAGNOSE, Phase.RESOLVE}),
    "handover": frozenset({Phase.MOBILIZE, Phase.DIAGNOSE, Phase.RESOLVE}),
    "resolve": frozenset({Phase.RESOLVE, Phase.LEARN}),
    "postmortem": frozenset({Phase.LEARN}),
}


class ChecklistItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: ContentId
    text: Text
    #: Only for these severities (all when empty), e.g. "assign liaisons" for SEV-1 and SEV-2.
    severities: list[Severity] = []
    detail: Note = ""


class Checklist(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: ContentId
    title: Text
    when: Annotated[list[When], Field(min_length=1)]
    role: Audience = "anyone"
    severities: list[Severity] = []
    description: Note = ""
    items: Annotated[list[ChecklistItem], Field(min_length=1)]

    _source: Path | None = PrivateAttr(default=None)

    @field_validator("when", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    @field_validator("items")
    @classmethod
    def _unique_items(cls, items: list[ChecklistItem]) -> list[ChecklistItem]:
        repeated = first_repeat(item.id for item in items)
        if repeated is not None:
            raise ValueError(f'two items have the id "{repeated}": give every item its own id')
        return items

    @property
    def source(self) -> Path | None:
        return self._source

    def applies(self, phase: Phase, severity: int, roles: Collection[str] | None = None) -> bool:
        """Whether this checklist matters in `phase` at `severity` to someone with `roles`.

        `roles` None means any role. A person with no role is treated as a Subject Matter
        Expert, since that is what everyone else on the call is.
        """
        if self.severities and severity not in self.severities:
            return False
        if not any(phase in WHEN_PHASES[moment] for moment in self.when):
            return False
        if roles is None or self.role in EVERYONE:
            return True
        return self.role in (roles or {"sme"})

    def items_for(self, severity: int) -> list[ChecklistItem]:
        return [i for i in self.items if not i.severities or severity in i.severities]


def parse_checklist(path: Path, text: str | None = None) -> Checklist:
    """Parse and validate one checklist file; a ContentError says everything wrong with it."""
    if text is None:
        text = read_text(path)
    data = read_toml(path, text)
    try:
        checklist = Checklist.model_validate(data)
    except ValidationError as error:
        raise ContentError(validation_problems(path, text, error)) from None
    checklist._source = path
    return checklist


def applicable_checklists(
    checklists: Iterable[Checklist],
    *,
    phase: Phase,
    severity: int,
    roles: Collection[str] | None = None,
) -> list[Checklist]:
    """The checklists that apply now, in the order given."""
    return [c for c in checklists if c.applies(phase, severity, roles)]
