"""Hunt 6: a content file may not put terminal codes or reordering marks on the screen.

A phrase's title and note, a checklist's title, description and item details were shown as
they were written: a right-to-left override (U+202E) in a phrase's title went to the terminal
in the phrasebook's "Also:" line and turned the rest of that line backwards, and a carriage
return in a note hid what came before it. The sentences themselves were made visible (␛) while
the title beside them was not. Such a file is now refused like any other bad file: the problem
names the file, the line and the character, and the console starts with the shipped entry.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ic_console.content.library import load_checklists, load_runbooks
from ic_console.content.phrasebook import load_phrasebook, shipped_phrasebook


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "Unacknowledged \\u202eevil"),
        ("title", "Go \\u001b]52;c;ZXZpbA==\\u0007 now"),
        ("note", "first\\rsecond"),
    ],
)
def test_a_phrase_with_a_control_character_is_refused_and_the_shipped_one_kept(
    tmp_path: Path, field: str, value: str
) -> None:
    values = {"title": "Unacknowledged", "note": "a note", field: value}
    (tmp_path / "phrasebook.toml").write_text(
        '["task-unacknowledged"]\n'
        f'title = "{values["title"]}"\n'
        'say = ["{owner}, please confirm task {task_number}."]\n'
        f'note = "{values["note"]}"\n',
        encoding="utf-8",
    )
    book, problems = load_phrasebook([tmp_path])
    assert [p.path for p in problems] == [tmp_path / "phrasebook.toml"]
    assert f"task-unacknowledged.{field}: holds a control character (U+" in str(problems[0])
    assert book["task-unacknowledged"] == shipped_phrasebook()["task-unacknowledged"]


def test_a_phrase_in_a_right_to_left_script_with_its_direction_marks_is_kept(
    tmp_path: Path,
) -> None:
    (tmp_path / "phrasebook.toml").write_text(
        '["task-unacknowledged"]\n'
        'title = "משימה לא אושרה\\u200f"\n'
        'say = ["{owner}, האם קיבלת את המשימה?"]\n'
        'note = "line one\\nline two\\twith a tab"\n',
        encoding="utf-8",
    )
    book, problems = load_phrasebook([tmp_path])
    assert problems == []
    assert book["task-unacknowledged"].title == "משימה לא אושרה\u200f"


def test_a_checklist_detail_with_a_reordering_mark_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "checklists"
    folder.mkdir()
    (folder / "db.toml").write_text(
        'id = "db"\ntitle = "Database"\nwhen = "declare"\n'
        '[[items]]\nid = "lag"\ntext = "Check the lag"\ndetail = "ask \\u2066first"\n',
        encoding="utf-8",
    )
    checklists, problems = load_checklists([tmp_path])
    assert "db" not in checklists
    assert len(problems) == 1
    assert "items[1].detail: holds a control character (U+2066" in str(problems[0])


def test_a_runbook_summary_with_an_escape_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "runbooks"
    folder.mkdir()
    (folder / "db.md").write_text(
        '+++\nid = "db"\ntitle = "Database"\nsummary = "x\\u001b[2J"\n+++\n# Body\n',
        encoding="utf-8",
    )
    runbooks, problems = load_runbooks([tmp_path])
    assert "db" not in runbooks
    assert len(problems) == 1
    assert "summary: holds a control character (U+001B" in str(problems[0])
