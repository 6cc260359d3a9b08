"""Checklist and runbook files: good ones, bad ones (every message asserted), and layering."""

from __future__ import annotations

from pathlib import Path

import pytest

from ic_console.content.checklists import applicable_checklists, parse_checklist
from ic_console.content.library import (
    check_directory,
    load_checklists,
    load_library,
    load_runbooks,
)
from ic_console.content.problems import ContentError, locate
from ic_console.content.runbooks import parse_runbook, search_runbooks
from ic_console.domain.model import Phase

GOOD_CHECKLIST = """\
id = "bridge-setup"
title = "Set up the bridge"
when = ["declare", "join-as-ic"]
role = "ic"
severities = [1, 2]

[[items]]
id = "open-call"
text = "Open the bridge call."

[[items]]
id = "page-legal"
text = "Page legal."
severities = [1]
"""

GOOD_RUNBOOK = """\
+++
id = "database-failover"
title = "Failing over the database"
tags = ["database", "failover"]
severities = [1, 2]
+++

# Failing over

Ask the database expert to confirm replication lag first.
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(parse: object, path: Path) -> list[str]:
    assert callable(parse)
    with pytest.raises(ContentError) as caught:
        parse(path)
    return [str(problem) for problem in caught.value.problems]


# -- checklists ----------------------------------------------------------------------------------


def test_a_good_checklist(tmp_path: Path) -> None:
    checklist = parse_checklist(write(tmp_path, "a.toml", GOOD_CHECKLIST))
    assert checklist.id == "bridge-setup"
    assert checklist.when == ["declare", "join-as-ic"]
    assert [i.id for i in checklist.items_for(2)] == ["open-call"]
    assert [i.id for i in checklist.items_for(1)] == ["open-call", "page-legal"]
    assert checklist.source == tmp_path / "a.toml"


def test_a_single_when_is_accepted(tmp_path: Path) -> None:
    text = GOOD_CHECKLIST.replace('when = ["declare", "join-as-ic"]', 'when = "handover"')
    assert parse_checklist(write(tmp_path, "a.toml", text)).when == ["handover"]


def test_checklist_errors_name_file_line_field_and_expectation(tmp_path: Path) -> None:
    text = (
        GOOD_CHECKLIST.replace('when = ["declare", "join-as-ic"]', 'when = "lunch"')
        .replace('role = "ic"', 'role = "boss"\ncolour = "red"')
        .replace("severities = [1]", "severities = [7]")
    )
    path = write(tmp_path, "bad.toml", text)
    assert problems_of(parse_checklist, path) == [
        f"{path}:3: when[1]: expected one of 'declare', 'join-as-ic', 'join', 'handover', "
        "'resolve' or 'postmortem'.",
        f"{path}:4: role: expected one of 'anyone', 'ic', 'deputy', 'scribe', "
        "'internal-liaison', 'customer-liaison', 'sme' or 'postmortem-owner'.",
        f"{path}:15: items[2].severities[1]: input should be less than or equal to 5.",
        f"{path}:5: colour: unknown key: remove it or check its spelling.",
    ]


def test_checklist_missing_keys_and_bad_ids(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "bad.toml",
        'id = "Bridge Setup"\ntitle = "x"\nwhen = "declare"\n\n[[items]]\ntext = "Open."\n'
        '\n[[items]]\nid = "b"\ntext = ""\n',
    )
    assert problems_of(parse_checklist, path) == [
        f"{path}:1: id: string should match pattern '^[a-z0-9][a-z0-9-]{{0,63}}$'.",
        f"{path}:5: items[1].id: this key is required.",
        f"{path}:10: items[2].text: string should have at least 1 character.",
    ]


def test_duplicate_item_ids_and_empty_items(tmp_path: Path) -> None:
    dup = GOOD_CHECKLIST.replace('id = "page-legal"', 'id = "open-call"')
    path = write(tmp_path, "dup.toml", dup)
    assert problems_of(parse_checklist, path) == [
        f'{path}:7: items: two items have the id "open-call": give every item its own id.'
    ]
    empty = write(tmp_path, "empty.toml", 'id = "x"\ntitle = "x"\nwhen = "join"\nitems = []\n')
    assert problems_of(parse_checklist, empty) == [
        f"{empty}:4: items: list should have at least 1 item after validation, not 0."
    ]


def test_checklist_invalid_toml(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.toml", 'id = "x"\ntitle = \n')
    assert problems_of(parse_checklist, path) == [
        f"{path}:2: this is not valid TOML (Invalid value)."
    ]


def test_which_checklists_apply() -> None:
    checklists, problems = load_checklists([])
    assert problems == []

    def ids(phase: Phase, severity: int, roles: set[str] | None) -> list[str]:
        found = applicable_checklists(
            checklists.values(), phase=phase, severity=severity, roles=roles
        )
        return [c.id for c in found]

    assert ids(Phase.MOBILIZE, 1, {"ic"}) == ["ic-taking-command", "ic-handover"]
    assert ids(Phase.DIAGNOSE, 3, {"internal-liaison"}) == ["internal-liaison"]
    assert ids(Phase.DIAGNOSE, 3, {"customer-liaison"}) == []  # SEV-1 and SEV-2 only
    assert ids(Phase.DIAGNOSE, 2, set()) == ["sme-joining"]  # no role: an expert on the call
    assert ids(Phase.LEARN, 1, {"ic"}) == ["resolution", "postmortem-owner"]
    assert len(ids(Phase.MOBILIZE, 1, None)) == 7  # any role: all but the last two


# -- runbooks ------------------------------------------------------------------------------------


def test_a_good_runbook(tmp_path: Path) -> None:
    runbook = parse_runbook(write(tmp_path, "a.md", GOOD_RUNBOOK))
    assert runbook.id == "database-failover"
    assert runbook.tags == ["database", "failover"]
    assert runbook.body.startswith("# Failing over")
    assert runbook.body.endswith("replication lag first.")


def test_runbook_without_front_matter(tmp_path: Path) -> None:
    path = write(tmp_path, "a.md", "\n# Just markdown\n")
    assert problems_of(parse_runbook, path) == [
        f"{path}:2: expected the file to start with a TOML front matter block: a line +++, "
        "then id, title, tags and severities, then another line +++."
    ]


def test_runbook_with_unclosed_front_matter(tmp_path: Path) -> None:
    path = write(tmp_path, "a.md", '+++\nid = "x"\ntitle = "x"\n# Text\n')
    assert problems_of(parse_runbook, path) == [
        f"{path}:1: the front matter is never closed: add a line +++ after it."
    ]


def test_runbook_front_matter_errors_count_lines_in_the_whole_file(tmp_path: Path) -> None:
    text = GOOD_RUNBOOK.replace('tags = ["database", "failover"]', 'tags = "database"').replace(
        "severities = [1, 2]", 'severities = [1, 2]\nowner = "dba"'
    )
    path = write(tmp_path, "a.md", text)
    assert problems_of(parse_runbook, path) == [
        f"{path}:4: tags: input should be a valid list.",
        f"{path}:6: owner: unknown key: remove it or check its spelling.",
    ]
    broken = write(tmp_path, "b.md", '+++\nid = "x"\ntitle = [\n+++\ntext\n')
    assert problems_of(parse_runbook, broken) == [
        f"{broken}:3: this is not valid TOML (Invalid value)."
    ]


def test_runbook_needs_text_and_no_body_key(tmp_path: Path) -> None:
    path = write(tmp_path, "a.md", '+++\nid = "x"\ntitle = "X"\nbody = "no"\n+++\n\n')
    assert problems_of(parse_runbook, path) == [
        f"{path}:4: body: unknown key: the text goes after the front matter, not in it.",
        f"{path}:5: the runbook has no text after its front matter.",
    ]


def test_runbook_search_ranks_title_over_text() -> None:
    runbooks, _problems = load_runbooks([])
    found = search_runbooks(runbooks.values(), "handover")
    assert found[0].id == "handing-over-command"
    assert [r.id for r in search_runbooks(runbooks.values(), "plain words customers")] == [
        "stakeholder-updates"
    ]
    assert search_runbooks(runbooks.values(), "no-such-word-anywhere") == []
    assert len(search_runbooks(runbooks.values(), "  ")) == len(runbooks)
    lines = runbooks["executives-and-interruptions"].matching_lines("take command")
    assert lines == [
        '> *"Do you want to take command of this incident?"*',
        "If they do take command, hand over explicitly as you would to anyone else.",
    ]


# -- layering and skipping -----------------------------------------------------------------------


def test_user_content_adds_and_overrides_by_id(tmp_path: Path) -> None:
    write(tmp_path / "checklists", "mine.toml", GOOD_CHECKLIST)
    override = GOOD_CHECKLIST.replace('id = "bridge-setup"', 'id = "deputy"').replace(
        'title = "Set up the bridge"', 'title = "Our Deputy"'
    )
    write(tmp_path / "checklists", "deputy.toml", override)
    write(tmp_path / "runbooks", "failover.md", GOOD_RUNBOOK)
    library = load_library([tmp_path])
    assert library.problems == []
    assert library.checklists["deputy"].title == "Our Deputy"
    assert library.checklists["deputy"].source == tmp_path / "checklists" / "deputy.toml"
    assert "bridge-setup" in library.checklists and "scribe" in library.checklists
    assert "database-failover" in library.runbooks
    assert len(library.runbooks) == 7


def test_bad_user_files_are_skipped_and_reported(tmp_path: Path) -> None:
    write(tmp_path / "checklists", "a.toml", GOOD_CHECKLIST)
    write(tmp_path / "checklists", "b.toml", GOOD_CHECKLIST)  # the same id again
    write(tmp_path / "checklists", "c.toml", 'id = "deputy"\n')
    write(tmp_path / "runbooks", "x.md", "no front matter")
    write(tmp_path, "phrasebook.toml", "[nonsense]\n")
    library = load_library([tmp_path])
    assert [str(p).replace(str(tmp_path), "~") for p in library.problems] == [
        '~/checklists/b.toml: id: the id "bridge-setup" is already used by a.toml: '
        "give each file its own id.",
        "~/checklists/c.toml:1: title: this key is required.",
        "~/checklists/c.toml:1: when: this key is required.",
        "~/checklists/c.toml:1: items: this key is required.",
        "~/runbooks/x.md:1: expected the file to start with a TOML front matter block: "
        "a line +++, then id, title, tags and severities, then another line +++.",
        '~/phrasebook.toml:1: nonsense: "nonsense" is not a situation. Expected one of: '
        + library.problems[-1].message.split("Expected one of: ")[1],
    ]
    assert library.checklists["deputy"].title.startswith("Deputy")  # shipped one kept
    assert library.problems[2].skipped() == "Skipped c.toml: when: this key is required. (line 1)"


def test_check_directory_reports_stray_files(tmp_path: Path) -> None:
    write(tmp_path / "checklists", "a.toml", GOOD_CHECKLIST)
    write(tmp_path / "checklists", "notes.txt", "hello")
    write(tmp_path / "runbooks", "r.md", GOOD_RUNBOOK)
    count, problems = check_directory(tmp_path)
    assert count == 2
    assert [str(p) for p in problems] == [
        f"{tmp_path / 'checklists' / 'notes.txt'}: not used: files in checklists/ must be "
        "named *.toml."
    ]
    assert check_directory(tmp_path / "nope")[1][0].message == "this is not a directory."


def test_locate_finds_tables_arrays_and_keys() -> None:
    text = 'a = 1\n[t]\nx = 1\n"y" = 2\n[[items]]\nid = "a"\n[[items]]\nid = "b"\n'
    assert locate(text, (), "a") == 1
    assert locate(text, ("t",), "y") == 4
    assert locate(text, ("t",), "missing") == 2
    assert locate(text, ("items", 1), "id") == 8
    assert locate(text, ("nope",), "id") is None
