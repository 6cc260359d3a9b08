"""Drill scenarios: a tabletop exercise as a TOML file, one per scenario.

    id = "db-failover-stall"
    title = "Primary database failover stalls"
    severity = 2
    briefing = "Checkout errors are climbing; the database failover did not finish."
    paged_by = "Alerting"

    [[people]]
    name = "Jordan"
    about = "database on-call"

    [[injects]]
    at = "1m"
    by = "Jordan"
    kind = "join"

    [[injects]]
    when = "assigned"
    at = "3m"
    by = "Jordan"
    kind = "report"
    text = "Replica lag is 40 s and growing."

An inject happens `at` after its trigger (`when`): the drill's start, or something the trainee
does (a task assigned to the person, a decision proposed, an update posted, an Incident
Commander named, a follow-up on the person's task). That is how a scenario waits for the
trainee: "Jordan reports back 3 minutes after a task is assigned to them".

Loaded and checked like checklists: unknown keys, wrong types and people who are not in the
scenario are each reported with the file and line to fix.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
)

from ic_console.content.fields import ContentId, Severity, Text, first_repeat
from ic_console.content.problems import (
    ContentError,
    ContentProblem,
    locate,
    read_text,
    read_toml,
    validation_problems,
)
from ic_console.domain.durations import parse_duration
from ic_console.domain.errors import DomainError
from ic_console.domain.text import clean_name

SCENARIOS_DIR = "scenarios"

#: What a simulated person does. join: joins the call; report: a status report (an expert's
#: "conditions, actions, needs"); ask, escalation, note: a note in the log (an executive asking
#: for an ETA, support escalating a customer); ack: acknowledges their newest open task;
#: object: objects to the newest open decision; silence: goes quiet until followed up.
InjectKind = Literal["join", "report", "ask", "escalation", "note", "ack", "object", "silence"]
INJECT_KINDS: tuple[str, ...] = (
    "join",
    "report",
    "ask",
    "escalation",
    "note",
    "ack",
    "object",
    "silence",
)
#: Kinds that say something, so `text` is required.
SPEAKING = frozenset({"report", "ask", "escalation", "note", "object"})

#: What starts an inject's `at`: the drill's start, or an action of the trainee.
Trigger = Literal["start", "assigned", "decision", "update", "ic", "followup"]
TRIGGERS: tuple[str, ...] = ("start", "assigned", "decision", "update", "ic", "followup")

#: The longest delay a scenario may give an inject.
MAX_AT = timedelta(hours=12)


def parse_offset(value: object) -> timedelta:
    """ "0", "90s", "5m", "1h30m": a delay from the inject's trigger."""
    if isinstance(value, int) and not isinstance(value, bool) and value == 0:
        return timedelta(0)
    if not isinstance(value, str):
        raise ValueError('expected a duration in quotes, like "90s" or "5m"')
    if value.strip() in ("0", "0s", "0m"):
        return timedelta(0)
    try:
        return parse_duration(value, maximum=MAX_AT)
    except DomainError as error:
        raise ValueError(str(error).replace("timebox", "time")) from None


class Person(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Text
    #: Who they are, for the briefing ("database on-call", "VP of engineering").
    about: str = ""

    @field_validator("name")
    @classmethod
    def _clean(cls, value: str) -> str:
        try:
            return clean_name(value)
        except DomainError as error:
            raise ValueError(str(error)) from None


class Inject(BaseModel):
    model_config = ConfigDict(extra="forbid")

    by: Text
    kind: InjectKind
    text: str = ""
    when: Trigger = "start"
    at: timedelta = timedelta(0)

    @field_validator("at", mode="before")
    @classmethod
    def _offset(cls, value: object) -> timedelta:
        if isinstance(value, timedelta):
            return value
        return parse_offset(value)

    @property
    def says(self) -> bool:
        return self.kind in SPEAKING


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: ContentId
    title: Text
    severity: Severity = 2
    briefing: str = ""
    #: Who declares the drill's incident (an alert, a support lead); not the trainee.
    paged_by: Text = "Alerting"
    people: Annotated[list[Person], Field(min_length=1)]
    injects: Annotated[list[Inject], Field(min_length=1)]

    _source: Path | None = PrivateAttr(default=None)

    @field_validator("people")
    @classmethod
    def _unique_people(cls, people: list[Person]) -> list[Person]:
        repeated = first_repeat(person.name.casefold() for person in people)
        if repeated is not None:
            raise ValueError(f'two people are called "{repeated}": give each person one entry')
        return people

    @property
    def source(self) -> Path | None:
        return self._source

    def names(self) -> list[str]:
        return [person.name for person in self.people]


def _cross_problems(path: Path, text: str, scenario: Scenario) -> list[ContentProblem]:
    """What pydantic cannot see: injects by someone not in `people`, speech without words."""
    problems: list[ContentProblem] = []
    known = {person.name.casefold() for person in scenario.people}
    known.add(scenario.paged_by.casefold())
    for index, inject in enumerate(scenario.injects):
        where = ("injects", index)
        if inject.by.casefold() not in known:
            problems.append(
                ContentProblem(
                    path,
                    f'"{inject.by}" is not in [[people]]: add them there, or fix the name.',
                    line=locate(text, where, "by"),
                    field=f"injects[{index + 1}].by",
                )
            )
        if inject.says and not inject.text.strip():
            problems.append(
                ContentProblem(
                    path,
                    f'a "{inject.kind}" inject says something: give it a text.',
                    line=locate(text, where, "text"),
                    field=f"injects[{index + 1}].text",
                )
            )
    return problems


def parse_scenario(path: Path, text: str | None = None) -> Scenario:
    """Parse and validate one scenario file; a ContentError says everything wrong with it."""
    if text is None:
        text = read_text(path)
    data: dict[str, Any] = read_toml(path, text)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as error:
        raise ContentError(validation_problems(path, text, error)) from None
    problems = _cross_problems(path, text, scenario)
    if problems:
        raise ContentError(problems)
    scenario._source = path
    return scenario
