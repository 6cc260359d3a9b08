"""config.toml, configured_name, and the `ic config` and `ic content` verbs."""

from __future__ import annotations

import argparse
import io
from datetime import date, timedelta
from pathlib import Path

import pytest

from ic_console.cli import Context
from ic_console.cli import content as content_cli
from ic_console.content.config import Config, configured_name, load_config, parse_config
from ic_console.content.problems import ContentError

GOOD = """\
name = "Alex"
bell = false
theme = "textual-light"
holiday_country = "gb"
holiday_subdivision = "ENG"

[keymap]
log = "l"
assign = "t, ctrl+n"

[[severity]]
level = 1
name = "P1"
description = "Everything is on fire"
update_every = "15m"

[[severity]]
level = 4
name = "P4"
update_every = "1h"
"""


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config path of our own, so the user's real config never leaks into a test."""
    path = tmp_path / "config.toml"
    monkeypatch.setenv("IC_CONSOLE_CONFIG", str(path))
    return path


def errors(path: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        parse_config(path)
    return [str(p) for p in caught.value.problems]


def test_a_good_config(config_file: Path) -> None:
    config_file.write_text(GOOD)
    config, problems = load_config()
    assert problems == []
    assert config.name == "Alex" and config.bell is False and config.theme == "textual-light"
    assert config.keymap == {"log": "l", "assign": "t, ctrl+n"}
    assert config.holiday_country == "GB"
    assert config.severity_name(1) == "P1" and config.severity_name(2) == "SEV-2"
    assert config.severities[1].description == "Everything is on fire"
    assert config.severities[4].description.startswith("Needs action")  # default kept
    assert config.cadence() == {
        1: timedelta(minutes=15),
        2: timedelta(minutes=20),
        3: timedelta(minutes=30),
        4: timedelta(hours=1),
        5: None,
    }
    assert config.content_directory() == config_file.parent
    assert configured_name() == "Alex"


def test_postmortem_due_dates_skip_weekends_and_holidays() -> None:
    plain = Config()
    # Wednesday 23 December 2026: three business days later, weekends only, is Monday the 28th.
    assert plain.postmortem_due(date(2026, 12, 23), 1) == date(2026, 12, 28)
    english = Config(holiday_country="GB", holiday_subdivision="ENG")
    # Christmas Day and the Boxing Day substitute (Monday 28th) are skipped.
    assert english.postmortem_due(date(2026, 12, 23), 1) == date(2026, 12, 30)
    assert plain.postmortem_due(date(2026, 12, 23), 2) == date(2026, 12, 30)
    assert plain.postmortem_due(date(2026, 12, 23), 3) is None


def test_a_missing_config_is_the_defaults(config_file: Path) -> None:
    config, problems = load_config()
    assert problems == [] and config == Config()
    assert configured_name() is None


def test_config_errors_name_file_line_field_and_expectation(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        'name = "everyone"\nbel = true\nbell = "loud"\nholiday_country = "XX"\n\n'
        '[keymap]\nlog = "ctrl+l;x"\n\n[[severity]]\nlevel = 6\nname = "P6"\n'
        'update_every = "15"\ncolour = "red"\n'
    )
    assert errors(path) == [
        f'{path}:1: name: "everyone" is a group, not a person: give one named person, '
        "never a group.",
        f"{path}:3: bell: expected true or false.",
        f'{path}:6: keymap: "ctrl+l;x" for log is not a list of keys: write key names '
        'separated by commas, such as "a" or "ctrl+t,f2".',
        f'{path}:4: holiday_country: "XX" is not a country the holidays package knows: '
        'use an ISO code such as "GB", "US" or "DE".',
        f"{path}:10: severity[1].level: input should be less than or equal to 5.",
        f'{path}:12: severity[1].update_every: "15" is not a duration of up to a day: give a '
        'number with a unit, like "5m", "20 min", "90s" or "1h30m", or "never" for no '
        "scheduled updates.",
        f"{path}:13: severity[1].colour: unknown key: remove it or check its spelling.",
        f"{path}:2: bel: unknown key: remove it or check its spelling.",
    ]


def test_more_config_errors(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        'holiday_subdivision = "ENG"\n[[severity]]\nlevel = 1\nname = "A"\n'
        '[[severity]]\nlevel = 1\nname = "B"\nupdate_every = 5\n'
    )
    assert errors(path) == [
        f"{path}:1: holiday_subdivision: set holiday_country as well, or remove "
        "holiday_subdivision.",
        f'{path}:8: severity[2].update_every: give a duration with a unit, such as "5m": '
        'a number with a unit, like "5m", "20 min", "90s" or "1h30m".',
    ]
    path.write_text('[[severity]]\nlevel = 2\nname = "A"\n[[severity]]\nlevel = 2\nname = "B"\n')
    assert errors(path) == [
        f"{path}:1: severity: level 2 is defined twice: define each level once."
    ]
    path.write_text('holiday_country = "GB"\nholiday_subdivision = "Mars"\n')
    [message] = errors(path)
    assert message.startswith(
        f'{path}:2: holiday_subdivision: "Mars" is not a subdivision of GB: use one of ENG, '
    )


def test_a_broken_config_never_breaks_the_name(config_file: Path) -> None:
    config_file.write_text('name = "Alex"\nname = "Bo"\n')  # duplicate key: invalid TOML
    config, problems = load_config()
    assert config == Config()
    assert [str(p) for p in problems] == [
        f"{config_file}:2: this is not valid TOML (Cannot overwrite a value)."
    ]
    assert configured_name() is None
    config_file.write_bytes(b"name = \xff\n")
    assert configured_name() is None
    assert str(load_config()[1][0]) == f"{config_file}: the file is not UTF-8 text."


# -- the verbs -------------------------------------------------------------------------------------


def run(*argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="ic")
    content_cli.register(parser.add_subparsers(dest="verb"))
    args = parser.parse_args(list(argv))
    out, err = io.StringIO(), io.StringIO()
    ctx = Context(home=Path("/nonexistent"), actor_given="tester", out=out, err=err)
    code = args.handler(args, ctx)
    return code, out.getvalue(), err.getvalue()


def test_ic_config_path_show_check(config_file: Path) -> None:
    assert run("config", "path") == (0, f"{config_file}\n", "")
    assert run("config", "check") == (
        0,
        f"No config file at {config_file}; the defaults are in effect.\n",
        "",
    )
    config_file.write_text(GOOD)
    assert run("config", "check") == (0, f"{config_file}: valid.\n", "")
    code, out, _err = run("config", "show")
    assert code == 0
    assert out.startswith(f"# The settings in effect (from {config_file}).\n")
    assert 'name = "Alex"\n' in out
    assert '[[severity]]\nlevel = 1\nname = "P1"\n' in out
    assert 'update_every = "15m"' in out and 'update_every = "never"' in out
    config_file.write_text("bell = 3\n")
    assert run("config", "check") == (
        2,
        "",
        f"{config_file}:1: bell: expected true or false.\n",
    )


def test_ic_content_check(config_file: Path, tmp_path: Path) -> None:
    code, out, _ = run("content", "check")
    assert code == 0
    assert out == (
        f"No content of your own at {tmp_path}; the shipped content is valid "
        "(9 checklists, 6 runbooks, 33 phrases, 4 drill scenarios).\n"
    )
    mine = tmp_path / "mine"
    (mine / "runbooks").mkdir(parents=True)
    (mine / "runbooks" / "r.md").write_text('+++\nid = "r"\ntitle = "R"\n+++\nText.\n')
    assert run("content", "check", str(mine)) == (
        0,
        f"{mine}: 1 file(s) checked, all valid.\n",
        "",
    )
    (mine / "runbooks" / "s.md").write_text('+++\nid = "s"\ntitel = "S"\n+++\nText.\n')
    code, out, err = run("content", "check", "--content", str(mine))
    assert code == 2 and out == ""
    assert err == (
        f"{mine / 'runbooks' / 's.md'}:2: title: this key is required.\n"
        f"{mine / 'runbooks' / 's.md'}:3: titel: unknown key: remove it or check its spelling.\n"
        f"ic: 2 problem(s) in 2 files under {mine}.\n"
    )
    assert run("content", "check", str(tmp_path / "absent"))[0] == 2


def test_ic_content_list(config_file: Path, tmp_path: Path) -> None:
    (tmp_path / "runbooks").mkdir()
    (tmp_path / "runbooks" / "r.md").write_text('+++\nid = "ours"\ntitle = "Ours"\n+++\nText.\n')
    code, out, err = run("content", "list")
    assert code == 0 and err == ""
    assert (
        "  deputy                 Deputy: the commander's right hand  [deputy; declare, join]"
        in out
    )
    assert f"  ours                           Ours  ({tmp_path / 'runbooks' / 'r.md'})" in out
    assert out.endswith("Phrasebook: 33 situations, all shipped\n")
