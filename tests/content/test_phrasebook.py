"""The phrasebook: shipped text, user overrides, and every load-time error."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from ic_console.content.phrasebook import (
    Phrasebook,
    load_phrasebook,
    parse_phrasebook,
    placeholders,
    render,
    shipped_phrasebook,
)
from ic_console.content.problems import ContentError
from ic_console.domain.commands import AssignRole, AssignTask, ExtendTask
from ic_console.domain.model import Role
from ic_console.domain.situation_ids import SITUATION_IDS
from ic_console.domain.situations import (
    Situation,
    available_situations,
    current_situations,
)

from .helpers import Scenario


def write(tmp_path: Path, text: str, name: str = "phrasebook.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def errors(path: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        parse_phrasebook(path)
    return [str(problem) for problem in caught.value.problems]


def test_the_shipped_phrasebook_covers_every_situation() -> None:
    book = shipped_phrasebook()
    assert sorted(book.ids()) == sorted(SITUATION_IDS)
    for key in SITUATION_IDS:
        assert book[key].title and book[key].say


def test_shipped_sentences_never_ask_a_group() -> None:
    for phrase in shipped_phrasebook().phrases.values():
        for sentence in phrase.say:
            lowered = sentence.lower()
            assert "can someone" not in lowered and "can anyone" not in lowered, sentence
            assert " IC " not in f" {sentence} ", sentence  # no acronyms for the commander


def test_render_fills_in_live_values() -> None:
    """The follow-up says how long it has really been (6 minutes), not the 5-minute timebox."""
    scenario = Scenario(severity=2)
    scenario.run(AssignRole(role=Role.IC, name="Alex"))
    scenario.run(AssignTask(owner="Sam", text="the latency", timebox=timedelta(minutes=5)))
    scenario.at(6)
    expired = current_situations(scenario.state, scenario.now)[0]
    assert render(expired)[0] == (
        "Sam, it has been 6 minutes. Do you have an update on task 1: the latency?"
    )


def test_the_follow_up_counts_from_the_last_promise() -> None:
    """Extended at minute 3 by 2 minutes, followed up at minute 7: it has been 4 minutes since
    "I'll come back to you", whatever the first timebox was."""
    scenario = Scenario(severity=2)
    scenario.run(AssignRole(role=Role.IC, name="Alex"))
    scenario.run(AssignTask(owner="Sam", text="the latency", timebox=timedelta(minutes=5)))
    scenario.at(3).run(ExtendTask(number=1, timebox=timedelta(minutes=2)))
    scenario.at(7)
    expired = current_situations(scenario.state, scenario.now)[0]
    assert expired.values["waited"] == "4 minutes"
    assert expired.values["waited_minutes"] == "4"
    assert render(expired)[0].startswith("Sam, it has been 4 minutes.")


def test_every_situation_renders_without_leftover_placeholders() -> None:
    scenario = Scenario(severity=1)
    scenario.run(AssignRole(role=Role.IC, name="Alex"))
    scenario.run(AssignRole(role=Role.DEPUTY, name="Tatiana"))
    situations = [
        *current_situations(scenario.state, scenario.now),
        *available_situations(scenario.state, scenario.now),
    ]
    for situation in situations:
        for sentence in render(situation):
            assert "{" not in sentence and "}" not in sentence, sentence
    handover = next(s for s in situations if s.id == "handover")
    assert render(handover)[0] == "Tatiana, you are now the Incident Commander. Okay?"


def test_render_never_raises_on_a_missing_value_or_unknown_situation() -> None:
    assert render(Situation("clock-mark", {}))[0] == (
        "Commander, be advised: we are at the [mark] minute mark."
    )
    assert render(Situation("not-a-situation", {})) == []


def test_values_are_not_interpreted_as_templates() -> None:
    situation = Situation("cutting-through", {})
    assert render(situation) == ["Stop, please. I need a yes or no answer."]
    tricky = Situation("propose-decision", {"decision": "set {owner} to {0}"})
    assert render(tricky)[1] == "I propose: set {owner} to {0}. Are there any strong objections?"


def test_a_good_user_file_overrides_only_its_entries(tmp_path: Path) -> None:
    write(
        tmp_path,
        """
        ["task-expired"]
        title = "Timebox over"
        say = ["{owner}: time. Update on {task}?", "Literal {{braces}} are fine."]
        note = "ours"
        """,
    )
    book, problems = load_phrasebook([tmp_path])
    assert problems == []
    assert book["task-expired"].title == "Timebox over"
    assert book["task-expired"].source == tmp_path / "phrasebook.toml"
    rendered = book.render(Situation("task-expired", {"owner": "Sam", "task": "latency"}))
    assert rendered == ["Sam: time. Update on latency?", "Literal {braces} are fine."]
    assert book["calm"] == shipped_phrasebook()["calm"]


def test_unknown_placeholder_is_reported_with_file_line_and_field(tmp_path: Path) -> None:
    path = write(tmp_path, '["task-expired"]\ntitle = "x"\nsay = ["{owner} {ownr}"]\n')
    [message] = errors(path)
    assert message.startswith(f'{path}:3: task-expired.say[1]: unknown placeholder "{{ownr}}"; ')
    assert '"task-expired" provides {customer_liaison}, {deputy}, ' in message
    assert "{owner}" in message


def test_unknown_situation_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, 'calm = {title = "x", say = ["y"]}\n\n[task-expird]\ntitle = "x"\n')
    [message] = errors(path)
    assert message.startswith(f'{path}:3: task-expird: "task-expird" is not a situation. ')
    assert "Expected one of: assignment, belligerent-responder" in message


def test_positional_and_formatted_placeholders_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, '[calm]\ntitle = "x"\nsay = ["{0}", "{ic!r}", "{ic:>9}"]\n')
    assert errors(path) == [
        f'{path}:3: calm.say[1]: "{{0}}" is not a placeholder: use a name such as {{owner}}, '
        "or write {{ and }} for literal braces.",
        f'{path}:3: calm.say[2]: "{{ic...}}" has a format or conversion: write plain {{ic}} '
        "instead.",
        f'{path}:3: calm.say[3]: "{{ic...}}" has a format or conversion: write plain {{ic}} '
        "instead.",
    ]


def test_unbalanced_braces_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, '[calm]\ntitle = "x"\nsay = ["{ic"]\n')
    [message] = errors(path)
    assert message == f"{path}:3: calm.say[1]: expected '}}' before end of string."


def test_unknown_and_missing_keys_are_reported(tmp_path: Path) -> None:
    path = write(tmp_path, '[calm]\nsay = []\ntone = "firm"\n\n[handover]\ntitle = "x"\n')
    assert errors(path) == [
        f"{path}:1: calm.title: this key is required.",
        f"{path}:2: calm.say: list should have at least 1 item after validation, not 0.",
        f"{path}:3: calm.tone: unknown key: remove it or check its spelling.",
        f"{path}:5: handover.say: this key is required.",
    ]


def test_a_situation_must_be_a_table(tmp_path: Path) -> None:
    path = write(tmp_path, 'calm = "Status check"\n')
    assert errors(path) == [
        f"{path}:1: calm: expected a table ([calm]) with title and say, not a single value."
    ]


def test_invalid_toml_is_reported_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, '[calm]\ntitle = "x"\nsay = ["y"\n')
    [message] = errors(path)
    assert message == f"{path}:3: this is not valid TOML (Unclosed array)."


def test_a_bad_user_file_is_skipped_and_reported(tmp_path: Path) -> None:
    good, bad = tmp_path / "good", tmp_path / "bad"
    good.mkdir()
    bad.mkdir()
    write(good, '[calm]\ntitle = "Ours"\nsay = ["Status, please."]\n')
    write(bad, '[calm]\ntitle = "Broken"\nsay = ["{nobody}"]\n')
    book, problems = load_phrasebook([good, bad, tmp_path / "missing"])
    assert book["calm"].title == "Ours"  # the bad file changed nothing
    assert len(problems) == 1
    assert problems[0].path == bad / "phrasebook.toml"
    assert (
        problems[0]
        .skipped()
        .startswith('Skipped phrasebook.toml: calm.say[1]: unknown placeholder "{nobody}"')
    )


def test_placeholders_lists_names_in_order() -> None:
    assert placeholders("{owner}, {{not}} {task} {owner}") == ["owner", "task", "owner"]


def test_merged_and_title_fallback() -> None:
    book = Phrasebook({})
    assert book.title("task-expired") == "Task expired"
    assert len(shipped_phrasebook().merged(book)) == len(SITUATION_IDS)
