"""Scenario files: the shipped ones are valid, a user's file overrides a shipped one by id, and
every mistake is reported with the file, the line and the field, as for checklists."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from ic_console.cli import main
from ic_console.content.library import check_directory, load_scenarios
from ic_console.content.paths import shipped_dir
from ic_console.content.problems import ContentError
from ic_console.content.scenarios import parse_scenario

from .conftest import SCENARIO


def test_the_four_shipped_scenarios_are_valid() -> None:
    count, problems = check_directory(shipped_dir())
    assert count >= 4 + 9 + 6  # scenarios, checklists and runbooks were all read
    assert problems == []
    scenarios, problems = load_scenarios([])
    assert problems == []
    assert sorted(scenarios) == [
        "bad-deploy-rollback",
        "db-failover-stall",
        "payment-provider-outage",
        "security-legal",
    ]
    for scenario in scenarios.values():
        waits = {inject.when for inject in scenario.injects}
        assert waits - {"start"}, f"{scenario.id} never waits for the trainee"


def test_a_users_scenario_replaces_the_shipped_one(tmp_path: Path) -> None:
    mine = tmp_path / "content" / "scenarios"
    mine.mkdir(parents=True)
    (mine / "failover.toml").write_text(SCENARIO.replace("small-failover", "db-failover-stall"))
    scenarios, problems = load_scenarios([tmp_path / "content"])
    assert problems == []
    assert scenarios["db-failover-stall"].title == "Small failover"
    assert scenarios["db-failover-stall"].injects[2].when == "assigned"
    assert scenarios["db-failover-stall"].injects[2].at == timedelta(seconds=30)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (('kind = "ack"', 'kind = "shout"'), ":29: injects[3].kind: expected one of"),
        (('at = "30s"', 'at = "30"'), ':27: injects[3].at: The time "30" has no unit'),
        (('by = "Morgan"', 'by = "Morgen"'), ':40: injects[5].by: "Morgen" is not in [[people]]'),
        (('text = "What\'s the ETA?"', 'text = ""'), ':42: injects[5].text: a "ask" inject'),
        (("severity = 2", "severity = 9"), ":3: severity: input should be less than or equal"),
        (('when = "assigned"\nat = "3m"', 'when = "later"\nat = "3m"'), ":32: injects[4].when:"),
        (("briefing =", "brief ="), ":4: brief: unknown key"),
    ],
)
def test_mistakes_are_reported_with_file_line_and_field(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    assert change[0] in SCENARIO
    path = tmp_path / "bad.toml"
    path.write_text(SCENARIO.replace(change[0], change[1], 1))
    with pytest.raises(ContentError) as error:
        parse_scenario(path)
    assert f"{path}{expected}" in str(error.value)


def test_ic_content_check_reports_a_bad_scenario(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "mine" / "scenarios"
    folder.mkdir(parents=True)
    (folder / "ok.toml").write_text(SCENARIO)
    (folder / "bad.toml").write_text(SCENARIO.replace('by = "Morgan"', 'by = "Nobody"'))
    code = main(["content", "check", str(tmp_path / "mine")])
    _out, err = capsys.readouterr()
    assert code == 2
    assert f'{folder / "bad.toml"}:40: injects[5].by: "Nobody" is not in [[people]]' in err
    assert "1 problem(s) in 2 files" in err
