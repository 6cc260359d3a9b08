"""The user's configuration: config.toml in the platform's config directory.

    name = "Alex"
    bell = true
    theme = "textual-dark"
    holiday_country = "GB"
    holiday_subdivision = "ENG"
    content_dir = "~/incident-content"

    [keymap]
    log = "l"
    assign = "t,ctrl+n"

    [[severity]]
    level = 1
    name = "P1"
    description = "Critical: many customers affected"
    update_every = "15m"

Every key is optional; unknown keys are refused with the file, line and what was expected.
`configured_name` never raises: the actor's name must not depend on a config file being valid.

One module, though long (about 500 lines): each section's model carries its own checks (a
severity name that reads as another level, a cadence under a minute, a keymap key), and
`Config` ties them together, so what config.toml accepts is read in one place, next to the
loader that reports each problem with its file and line.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from ic_console.content.fields import Severity, first_repeat
from ic_console.content.paths import config_path, user_content_dir
from ic_console.content.problems import (
    ContentError,
    ContentProblem,
    read_text,
    read_toml,
    validation_problems,
)
from ic_console.domain.durations import DURATION_HELP, format_duration, parse_duration
from ic_console.domain.errors import DomainError
from ic_console.domain.model import DEFAULT_CADENCE, SEVERITIES, SEVERITY_DESCRIPTIONS
from ic_console.domain.model import severity_label as default_label
from ic_console.domain.text import clean_name

#: Business days after resolution by which a postmortem is due, by severity.
POSTMORTEM_DUE_DAYS = {1: 3, 2: 5}

_KEYS = re.compile(r"^[A-Za-z0-9_+\-]+(\s*,\s*[A-Za-z0-9_+\-]+)*$")
_BINDING_ID = re.compile(r"^[A-Za-z0-9_.\-]+$")
_NEVER = {"never", "none", "off", "no"}


@dataclass(frozen=True)
class SeverityInfo:
    """One level of the severity scale as configured (or by default)."""

    level: int
    name: str
    description: str
    update_every: timedelta | None


#: The shortest stakeholder update cadence `update_every` takes.
MIN_UPDATE_EVERY = timedelta(minutes=1)


class SeverityLevel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    level: Severity
    #: Left out: the default "SEV-N".
    name: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=24)] | None
    ) = None
    description: str = ""
    #: How often stakeholder updates are due, as "20m"; "never" for no scheduled updates.
    #: Left out: the level's default cadence (`DEFAULT_CADENCE`), never "off" by omission.
    update_every: timedelta | None = None

    @field_validator("update_every", mode="before")
    @classmethod
    def _duration(cls, value: object) -> object:
        if isinstance(value, str):
            if value.strip().lower() in _NEVER:
                return None
            try:
                return parse_duration(value, maximum=timedelta(hours=24))
            except DomainError:
                raise ValueError(
                    f'"{value}" is not a duration of up to a day: give {DURATION_HELP}, '
                    'or "never" for no scheduled updates'
                ) from None
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise ValueError(
                f'give a duration with a unit, such as "{int(value)}m": {DURATION_HELP}'
            )
        return value

    @field_validator("update_every")
    @classmethod
    def _at_least_a_minute(cls, value: timedelta | None) -> timedelta | None:
        """`update_every = "1s"` made an update due a second after each one was posted: the
        console toasted "A stakeholder update is due" on every post until toasts covered it."""
        if value is not None and value < MIN_UPDATE_EVERY:
            raise ValueError(
                f'"{format_duration(value)}" is shorter than a minute: give the time between '
                'stakeholder updates in minutes, such as "15m" (or "never")'
            )
        return value


#: How an alert's severity word ("critical", "P1", "high") maps to an incident severity when
#: `[alerts.severity]` in config.toml says nothing about it. Words are matched without case.
DEFAULT_ALERT_SEVERITY: dict[str, int] = {
    "critical": 1,
    "p1": 1,
    "error": 2,
    "high": 2,
    "major": 2,
    "p2": 2,
    "warning": 3,
    "p3": 3,
    "minor": 4,
    "low": 4,
    "info": 4,
    "p4": 4,
    "p5": 5,
}
#: How long a hook may run before it is stopped, unless `hook_timeout` says otherwise.
DEFAULT_HOOK_TIMEOUT = timedelta(seconds=30)


class AlertsConfig(BaseModel):
    """`[alerts]`: how alerts from monitoring become incidents (`ic new --from`)."""

    model_config = ConfigDict(extra="forbid")

    #: Alert severity word -> incident severity 1-5, over DEFAULT_ALERT_SEVERITY.
    severity: dict[str, Severity] = {}
    #: The severity of an alert whose word is in neither table.
    default_severity: Severity = 2

    def severity_table(self) -> dict[str, int]:
        table = dict(DEFAULT_ALERT_SEVERITY)
        table.update({word.strip().casefold(): level for word, level in self.severity.items()})
        return table


class StatusConfig(BaseModel):
    """`[status]`: the static status page for stakeholders (`ic status`)."""

    model_config = ConfigDict(extra="forbid")

    #: When set, the page in this folder is rewritten after every external update.
    dir: Path | None = None
    #: The page's heading.
    title: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)
    ] = "Service status"


class FollowupsConfig(BaseModel):
    """`[followups]`: where exported follow-up items point (`ic followups`)."""

    model_config = ConfigDict(extra="forbid")

    #: The link back to the incident in each item, "{id}" replaced by the incident's id
    #: (default: the incident's folder as a file:// link).
    incident_url: str | None = None
    #: The repository `gh issue create` files into (OWNER/NAME; default: gh's own choice).
    github_repo: str | None = None

    @field_validator("incident_url")
    @classmethod
    def _has_id(cls, value: str | None) -> str | None:
        if value is not None and "{id}" not in value:
            raise ValueError(
                'put {id} where the incident\'s id goes, like "https://wiki.example.com/{id}"'
            )
        return value


def _check_hooks(value: dict[str, str | list[str]]) -> dict[str, str | list[str]]:
    from ic_console.domain.events import EVENT_TYPES

    for key, command in value.items():
        if key != "*" and key not in EVENT_TYPES:
            raise ValueError(
                f'"{key}" is not an event type: use "*" for every event, or one of '
                + ", ".join(EVENT_TYPES)
            )
        words = [command] if isinstance(command, str) else command
        if not words or not all(isinstance(w, str) and w.strip() for w in words):
            raise ValueError(
                f'the hook for "{key}" is empty: give a command line, like "notify-send ic"'
            )
    return value


class SyncSettings(BaseModel):
    """`[sync]`: sharing incidents with other laptops through a git remote (`ic sync init`)."""

    model_config = ConfigDict(extra="forbid")

    #: The team's git remote, as `git clone` takes it.
    remote: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

    @field_validator("remote")
    @classmethod
    def _remote(cls, value: str) -> str:
        if value.startswith("-") or any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
            raise ValueError(
                f"{value!r} is not a git remote URL: give one such as "
                '"git@git.example.com:sre/incidents.git" or "/path/to/incidents.git"'
            )
        return value


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid")

    #: Your name as recorded in the incident log (else $IC_CONSOLE_USER or the OS user).
    name: str | None = None
    #: Ring the terminal bell when a timebox runs out.
    bell: bool = True
    #: A Textual theme name, such as "textual-dark"; checked by the console.
    theme: str | None = None
    #: Binding id -> keys, comma separated ("a,ctrl+t").
    keymap: dict[str, str] = {}
    #: Country (ISO code, as the `holidays` package knows it) whose public holidays are
    #: skipped when counting business days to a postmortem's due date.
    holiday_country: str | None = None
    holiday_subdivision: str | None = None
    #: Where your own runbooks/, checklists/ and phrasebook.toml live (default: beside this file).
    content_dir: Path | None = None
    severity: list[SeverityLevel] = []
    #: Alerts in: severity words and the default severity (`ic new --from`).
    alerts: AlertsConfig = AlertsConfig()
    #: Event type (or "*") -> a command run with the event's JSON on stdin after it is recorded:
    #: a string is run by the shell, a list is the program and its arguments.
    hooks: dict[str, str | list[str]] = {}
    #: How long a hook may run before it is stopped, as "30s".
    hook_timeout: timedelta = DEFAULT_HOOK_TIMEOUT
    #: The stakeholders' status page.
    status: StatusConfig = StatusConfig()
    #: Follow-up items for the tracker.
    followups: FollowupsConfig = FollowupsConfig()
    #: Sharing incidents through a git remote; None: this laptop only.
    sync: SyncSettings | None = None

    @field_validator("hooks")
    @classmethod
    def _hooks(cls, value: dict[str, str | list[str]]) -> dict[str, str | list[str]]:
        return _check_hooks(value)

    @field_validator("hook_timeout", mode="before")
    @classmethod
    def _hook_timeout(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                return parse_duration(value, maximum=timedelta(hours=1))
            except DomainError:
                raise ValueError(
                    f'"{value}" is not a duration of up to an hour: give {DURATION_HELP}'
                ) from None
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise ValueError(f'give a duration with a unit, such as "{int(value)}s"')
        return value

    @field_validator("name")
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return clean_name(value, what="name")
        except DomainError as error:
            raise ValueError(error.message) from None

    @field_validator("keymap")
    @classmethod
    def _keymap(cls, value: dict[str, str]) -> dict[str, str]:
        for binding, keys in value.items():
            if not _BINDING_ID.match(binding):
                raise ValueError(f'"{binding}" is not a binding id: use letters, digits, _ . -')
            if not _KEYS.match(keys.strip()):
                raise ValueError(
                    f'"{keys}" for {binding} is not a list of keys: write key names separated '
                    'by commas, such as "a" or "ctrl+t,f2"'
                )
        return {binding: keys.strip() for binding, keys in value.items()}

    @field_validator("severity")
    @classmethod
    def _unique_levels(cls, value: list[SeverityLevel]) -> list[SeverityLevel]:
        repeated = first_repeat(level.level for level in value)
        if repeated is not None:
            raise ValueError(f"level {repeated} is defined twice: define each level once")
        return value

    @field_validator("severity")
    @classmethod
    def _names_say_one_level(cls, value: list[SeverityLevel]) -> list[SeverityLevel]:
        """A name `ic sev NAME` and the `s` form could read as another level: refused.

        Names are read before numbers, so level 3 named "4" made `ic sev 4` set level 3, and two
        levels named "major" made `ic sev major` pick one of them.
        """
        from ic_console.domain.parse import parse_severity

        seen: dict[str, int] = {}
        for entry in value:
            if entry.name is None:
                continue
            folded = "".join(ch for ch in entry.name.lower() if ch not in " -_\t")
            if not folded:
                raise ValueError(
                    f'level {entry.level}\'s name "{entry.name}" has no letter or digit'
                )
            if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in entry.name):
                # Shown as it is in `ic list` and the console's header, an escape there wrote
                # to the terminal: it garbled the header and set the clipboard (OSC 52).
                raise ValueError(
                    f"level {entry.level}'s name holds a control character (an escape or an "
                    "invisible mark): use letters, digits, spaces and punctuation"
                )
            try:
                reads_as = parse_severity(entry.name, {})
            except DomainError:
                reads_as = entry.level
            if reads_as != entry.level:
                raise ValueError(
                    f'level {entry.level} is named "{entry.name}", which reads as level '
                    f"{reads_as}: give it a name that is not another level's number"
                )
            if folded in seen:
                raise ValueError(
                    f'levels {seen[folded]} and {entry.level} are both named "{entry.name}": '
                    "give each level its own name"
                )
            seen[folded] = entry.level
        return value

    @field_validator("holiday_country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        if value is None:
            return None
        import holidays

        country = value.strip().upper()
        if country not in holidays.list_supported_countries():
            raise ValueError(
                f'"{value}" is not a country the holidays package knows: '
                'use an ISO code such as "GB", "US" or "DE"'
            )
        return country

    @field_validator("holiday_subdivision")
    @classmethod
    def _subdivision(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        country = info.data.get("holiday_country")
        if not country:
            raise ValueError("set holiday_country as well, or remove holiday_subdivision")
        import holidays

        subdivisions = holidays.list_supported_countries()[country]
        if value not in subdivisions:
            shown = ", ".join(subdivisions[:12]) + (", ..." if len(subdivisions) > 12 else "")
            raise ValueError(
                f'"{value}" is not a subdivision of {country}: '
                f"use one of {shown or 'none (this country has no subdivisions)'}"
            )
        return value

    # -- what the rest of the program asks -------------------------------------------------

    @cached_property
    def severities(self) -> dict[int, SeverityInfo]:
        """The whole scale: configured levels over the defaults."""
        scale = {
            level: SeverityInfo(
                level,
                f"SEV-{level}",
                SEVERITY_DESCRIPTIONS[level],
                DEFAULT_CADENCE[level],
            )
            for level in SEVERITIES
        }
        for entry in self.severity:
            default = scale[entry.level]
            given = "update_every" in entry.model_fields_set
            scale[entry.level] = SeverityInfo(
                entry.level,
                entry.name or default.name,
                entry.description or default.description,
                entry.update_every if given else default.update_every,
            )
        return scale

    def severity_names(self) -> dict[int, str]:
        """Level -> name, as `domain.model.use_severity_names` takes it."""
        return {level: info.name for level, info in self.severities.items()}

    def cadence(self) -> dict[int, timedelta | None]:
        """Update cadence by severity, as `IncidentState.next_update_due` takes it."""
        return {level: info.update_every for level, info in self.severities.items()}

    def severity_name(self, level: int) -> str:
        info = self.severities.get(level)
        return info.name if info else default_label(level)

    def holiday_dates(self, years: range) -> frozenset[date]:
        if not self.holiday_country:
            return frozenset()
        import holidays

        calendar = holidays.country_holidays(
            self.holiday_country, subdiv=self.holiday_subdivision, years=list(years)
        )
        return frozenset(calendar.keys())

    def postmortem_due(self, resolved: date, severity: int) -> date | None:
        """When the postmortem is due, in business days, skipping the configured holidays."""
        from ic_console.domain.durations import business_days_after

        days = POSTMORTEM_DUE_DAYS.get(severity)
        if days is None:
            return None
        skip = self.holiday_dates(range(resolved.year, resolved.year + 2))
        return business_days_after(resolved, days, skip)

    def content_directory(self) -> Path:
        """The user's own content: `content_dir` if set, else beside config.toml."""
        return self.content_dir.expanduser() if self.content_dir else user_content_dir()


def parse_config(path: Path, text: str | None = None) -> Config:
    """Parse and validate one config file; a ContentError says everything wrong with it."""
    if text is None:
        text = read_text(path)
    data: dict[str, Any] = read_toml(path, text)
    try:
        return Config.model_validate(data)
    except ValidationError as error:
        problems = validation_problems(path, text, error)
        raise ContentError(problems) from None


def load_config(
    path: Path | None = None, *, checked: Callable[[Path, bytes, Config], None] | None = None
) -> tuple[Config, list[ContentProblem]]:
    """The configuration, or the defaults and what was wrong. Never raises.

    `path` defaults to $IC_CONSOLE_CONFIG, else config.toml in the user config directory.
    A missing file is not a problem: everything has a default. `checked` is told the bytes
    that were read and found good, with what they configure (the verbs' stamp of them).
    """
    path = path or config_path()
    try:
        if not path.is_file():
            return Config(), []
        data = path.read_bytes()
        try:
            # Line ends as `Path.read_text` gives them (universal newlines).
            text = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
        except UnicodeDecodeError:
            return Config(), [ContentProblem(path, "the file is not UTF-8 text.")]
        config = parse_config(path, text)
        if checked is not None:
            checked(path, data, config)
        return config, []
    except ContentError as error:
        return Config(), error.problems
    except OSError as error:
        return Config(), [ContentProblem(path, f"the file cannot be read ({error.strerror}).")]


def configured_name() -> str | None:
    """The user's configured name, or None when there is none or the config is unusable."""
    try:
        config, _problems = load_config()
    except Exception:  # the actor's name must never depend on a readable config
        return None
    return config.name
