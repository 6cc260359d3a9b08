"""The phrasebook: for each situation, what the Incident Commander says, as sentence templates.

A phrasebook is a TOML file with one table per situation id:

    [task-expired]
    title = "A timebox has run out"
    say = ["{owner}, it's been {waited}. Do you have an update on {task}?"]
    note = "Ask for the update before anything else."

Every placeholder is checked against the values that situation provides when the file is
loaded, so a typo is reported with its file and line, never discovered in the middle of a call.
The user's phrasebook.toml overrides shipped entries with the same id.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ic_console.content.fields import Note, Text
from ic_console.content.paths import PHRASEBOOK_FILE, shipped_dir, user_content_dir
from ic_console.content.problems import (
    ContentError,
    ContentProblem,
    locate,
    read_text,
    read_toml,
    validation_problems,
)
from ic_console.domain.situation_ids import PLACEHOLDERS
from ic_console.domain.situations import Situation


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: Text
    say: Annotated[list[Text], Field(min_length=1)]
    note: Note = ""


@dataclass(frozen=True)
class Phrase:
    """What to say in one situation: a title, one or more sentences, and an optional hint."""

    id: str
    title: str
    say: tuple[str, ...]
    note: str = ""
    source: Path | None = None


class Phrasebook:
    """All phrases by situation id; `render` fills a situation's sentences with its values."""

    def __init__(self, phrases: Mapping[str, Phrase]) -> None:
        self.phrases: dict[str, Phrase] = dict(phrases)

    def __contains__(self, situation_id: object) -> bool:
        return situation_id in self.phrases

    def __getitem__(self, situation_id: str) -> Phrase:
        return self.phrases[situation_id]

    def __len__(self) -> int:
        return len(self.phrases)

    def ids(self) -> list[str]:
        return list(self.phrases)

    def title(self, situation: Situation | str) -> str:
        key = situation if isinstance(situation, str) else situation.id
        phrase = self.phrases.get(key)
        return phrase.title if phrase else key.replace("-", " ").capitalize()

    def render(self, situation: Situation) -> list[str]:
        """The sentences for `situation`, with its values filled in. Never raises.

        A value the situation does not carry shows as "[placeholder]" rather than failing:
        the sentences were checked at load time, so this only happens to hand-built situations.
        """
        phrase = self.phrases.get(situation.id)
        if phrase is None:
            return []
        values = _Filled(situation.values)
        return [template.format_map(values) for template in phrase.say]

    def merged(self, other: Phrasebook) -> Phrasebook:
        """This phrasebook with `other`'s entries added or replacing same-id ones."""
        return Phrasebook({**self.phrases, **other.phrases})


class _Filled(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return f"[{key}]"


def placeholders(template: str) -> list[str]:
    """The named placeholders of a template; raises ValueError for anything but `{name}`."""
    names = []
    for _literal, name, spec, conversion in string.Formatter().parse(template):
        if name is None:
            continue
        if not name.isidentifier():
            raise ValueError(
                f'"{{{name}}}" is not a placeholder: use a name such as {{owner}}, '
                "or write {{ and }} for literal braces"
            )
        if spec or conversion:
            raise ValueError(
                f'"{{{name}...}}" has a format or conversion: write plain {{{name}}} instead'
            )
        names.append(name)
    return names


def parse_phrasebook(path: Path, text: str | None = None) -> Phrasebook:
    """Parse and check one phrasebook file; a ContentError lists everything wrong with it."""
    if text is None:
        text = read_text(path)
    data = read_toml(path, text)
    problems: list[ContentProblem] = []
    phrases: dict[str, Phrase] = {}
    known = ", ".join(sorted(PLACEHOLDERS))
    for key, raw in data.items():
        if key not in PLACEHOLDERS:
            problems.append(
                ContentProblem(
                    path,
                    f'"{key}" is not a situation. Expected one of: {known}.',
                    line=locate(text, (key,)),
                    field=key,
                )
            )
            continue
        if not isinstance(raw, dict):
            problems.append(
                ContentProblem(
                    path,
                    f"expected a table ([{key}]) with title and say, not a single value.",
                    line=locate(text, (), key),
                    field=key,
                )
            )
            continue
        try:
            entry = _Entry.model_validate(raw)
        except ValidationError as error:
            problems.extend(validation_problems(path, text, error, table=(key,)))
            continue
        allowed = PLACEHOLDERS[key]
        for number, template in enumerate(entry.say, start=1):
            field = f"{key}.say[{number}]"
            line = locate(text, (key,), "say")
            try:
                names = placeholders(template)
            except ValueError as error:
                problems.append(ContentProblem(path, f"{error}.", line=line, field=field))
                continue
            for name in names:
                if name not in allowed:
                    choices = ", ".join(f"{{{n}}}" for n in sorted(allowed))
                    problems.append(
                        ContentProblem(
                            path,
                            f'unknown placeholder "{{{name}}}"; "{key}" provides {choices}.',
                            line=line,
                            field=field,
                        )
                    )
        phrases[key] = Phrase(key, entry.title, tuple(entry.say), entry.note.strip(), path)
    if problems:
        raise ContentError(problems)
    return Phrasebook(phrases)


def shipped_phrasebook_path() -> Path:
    return shipped_dir() / PHRASEBOOK_FILE


@cache
def shipped_phrasebook() -> Phrasebook:
    """The phrasebook installed with the package; it covers every situation."""
    return parse_phrasebook(shipped_phrasebook_path())


def load_phrasebook(
    content_dirs: Iterable[Path] | None = None,
) -> tuple[Phrasebook, list[ContentProblem]]:
    """The shipped phrasebook overridden by each directory's phrasebook.toml, in order.

    `content_dirs` defaults to the user's content directory. A bad user file is skipped whole
    and reported; it never stops the console.
    """
    book = shipped_phrasebook()
    problems: list[ContentProblem] = []
    for directory in [user_content_dir()] if content_dirs is None else content_dirs:
        path = directory / PHRASEBOOK_FILE
        if not path.is_file():
            continue
        try:
            book = book.merged(parse_phrasebook(path))
        except ContentError as error:
            problems.extend(error.problems)
    return book, problems


def render(situation: Situation, phrasebook: Phrasebook | None = None) -> list[str]:
    """The sentences for `situation` from `phrasebook` (the shipped one by default)."""
    return (phrasebook or shipped_phrasebook()).render(situation)
