"""All content together: shipped defaults first, then each user directory on top.

A user's item replaces a shipped item with the same id. A file that cannot be used is
skipped whole and reported as a `ContentProblem`; loading never fails, so a typo in a user's
checklist never stops the console from starting during an incident.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar

from ic_console.content.checklists import Checklist, parse_checklist
from ic_console.content.paths import (
    CHECKLISTS_DIR,
    PHRASEBOOK_FILE,
    RUNBOOKS_DIR,
    shipped_dir,
    user_content_dir,
)
from ic_console.content.phrasebook import Phrasebook, load_phrasebook
from ic_console.content.problems import ContentError, ContentProblem
from ic_console.content.runbooks import Runbook, parse_runbook
from ic_console.content.scenarios import SCENARIOS_DIR, Scenario, parse_scenario


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=_HasId)


@dataclass
class Library:
    """Everything the console shows from content files, and what was skipped."""

    checklists: dict[str, Checklist] = field(default_factory=dict)
    runbooks: dict[str, Runbook] = field(default_factory=dict)
    phrasebook: Phrasebook = field(default_factory=lambda: Phrasebook({}))
    problems: list[ContentProblem] = field(default_factory=list)


def load_directory(
    directory: Path, pattern: str, parse: Callable[[Path], T]
) -> tuple[dict[str, T], list[ContentProblem]]:
    """Every file matching `pattern` in `directory`, by id, in file-name order."""
    found: dict[str, T] = {}
    where: dict[str, Path] = {}
    problems: list[ContentProblem] = []
    if not directory.is_dir():
        return found, problems
    for path in sorted(directory.glob(pattern)):
        if not path.is_file():
            continue
        try:
            item = parse(path)
        except ContentError as error:
            problems.extend(error.problems)
            continue
        if item.id in where:
            problems.append(
                ContentProblem(
                    path,
                    f'the id "{item.id}" is already used by {where[item.id].name}: '
                    "give each file its own id.",
                    field="id",
                )
            )
            continue
        found[item.id] = item
        where[item.id] = path
    return found, problems


def load_layers(
    subdirectory: str,
    pattern: str,
    parse: Callable[[Path], T],
    content_dirs: Sequence[Path],
) -> tuple[dict[str, T], list[ContentProblem]]:
    """Shipped items, then each content directory's items added or replacing by id."""
    merged, problems = load_directory(shipped_dir() / subdirectory, pattern, parse)
    for directory in content_dirs:
        found, more = load_directory(directory / subdirectory, pattern, parse)
        merged.update(found)
        problems.extend(more)
    return merged, problems


def load_checklists(
    content_dirs: Iterable[Path] | None = None,
) -> tuple[dict[str, Checklist], list[ContentProblem]]:
    """Shipped checklists plus the user's (`content_dirs`, default the user's directory)."""
    dirs = [user_content_dir()] if content_dirs is None else list(content_dirs)
    return load_layers(CHECKLISTS_DIR, "*.toml", parse_checklist, dirs)


def load_runbooks(
    content_dirs: Iterable[Path] | None = None,
) -> tuple[dict[str, Runbook], list[ContentProblem]]:
    """Shipped runbooks plus the user's (`content_dirs`, default the user's directory)."""
    dirs = [user_content_dir()] if content_dirs is None else list(content_dirs)
    return load_layers(RUNBOOKS_DIR, "*.md", parse_runbook, dirs)


def load_scenarios(
    content_dirs: Iterable[Path] | None = None,
) -> tuple[dict[str, Scenario], list[ContentProblem]]:
    """Shipped drill scenarios plus the user's (`content_dirs`, default the user's directory)."""
    dirs = [user_content_dir()] if content_dirs is None else list(content_dirs)
    return load_layers(SCENARIOS_DIR, "*.toml", parse_scenario, dirs)


def load_library(content_dirs: Iterable[Path] | None = None) -> Library:
    """Checklists, runbooks and the phrasebook: shipped, plus the user's own on top."""
    dirs = [user_content_dir()] if content_dirs is None else list(content_dirs)
    checklists, checklist_problems = load_checklists(dirs)
    runbooks, runbook_problems = load_runbooks(dirs)
    phrasebook, phrase_problems = load_phrasebook(dirs)
    return Library(
        checklists,
        runbooks,
        phrasebook,
        [*checklist_problems, *runbook_problems, *phrase_problems],
    )


def check_directory(directory: Path) -> tuple[int, list[ContentProblem]]:
    """Validate every content file in `directory`: how many files were read, what is wrong.

    Used by `ic content check`. Unlike loading, an unexpected file is also reported, since a
    misnamed file would otherwise be silently ignored.
    """
    problems: list[ContentProblem] = []
    count = 0
    if not directory.is_dir():
        return 0, [ContentProblem(directory, "this is not a directory.")]
    for subdirectory, pattern, parse in (
        (CHECKLISTS_DIR, "*.toml", parse_checklist),
        (RUNBOOKS_DIR, "*.md", parse_runbook),
        (SCENARIOS_DIR, "*.toml", parse_scenario),
    ):
        folder = directory / subdirectory
        if not folder.is_dir():
            continue
        count += sum(1 for p in folder.glob(pattern) if p.is_file())
        _found, more = load_directory(folder, pattern, parse)
        problems.extend(more)
        for path in sorted(folder.iterdir()):
            if path.is_file() and not path.match(pattern) and not path.name.startswith("."):
                problems.append(
                    ContentProblem(
                        path,
                        f"not used: files in {subdirectory}/ must be named {pattern}.",
                    )
                )
    phrasebook = directory / PHRASEBOOK_FILE
    if phrasebook.is_file():
        count += 1
        _book, more_phrases = load_phrasebook([directory])
        problems.extend(more_phrases)
    return count, problems
