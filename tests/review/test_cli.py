"""The review verbs as a person types them."""

from __future__ import annotations

import csv
import io
import json
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from ic_console.cli import main

from .fixture import GOLDEN_ID, build

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def built(home: Path) -> Path:
    build(home)
    return home


def test_postmortem_prints_the_markdown_draft(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["postmortem", GOLDEN_ID]) == 0
    assert capsys.readouterr().out == (GOLDEN / f"{GOLDEN_ID}.md").read_text(encoding="utf-8")


def test_export_to_a_private_file(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "pm.html"
    assert main(["export", GOLDEN_ID, "--format", "html", "-o", str(target)]) == 0
    assert target.read_bytes() == (GOLDEN / f"{GOLDEN_ID}.html").read_bytes()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert "Wrote" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_formats_to_stdout(
    built: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    assert main(["export", GOLDEN_ID, "-f", fmt]) == 0
    out = capsys.readouterr().out
    if fmt == "json":
        assert json.loads(out)["incident"]["id"] == GOLDEN_ID
    else:
        assert next(csv.reader(io.StringIO(out)))[0] == "Summary"


def test_export_csv_file_is_byte_identical(built: Path, tmp_path: Path) -> None:
    target = tmp_path / "items.csv"
    assert main(["export", GOLDEN_ID, "-f", "csv", "-o", str(target)]) == 0
    assert target.read_bytes() == (GOLDEN / f"{GOLDEN_ID}.csv").read_bytes()


def test_holidays_and_due_days_options(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["postmortem", GOLDEN_ID, "--holidays", "US"]) == 0
    assert "**2026-12-01**" in capsys.readouterr().out  # Thanksgiving skipped
    assert main(["postmortem", GOLDEN_ID, "--due-days", "1=1"]) == 0
    assert "**2026-11-26**" in capsys.readouterr().out


def test_bad_options_give_one_line_and_code_2(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["postmortem", GOLDEN_ID, "--holidays", "XX"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ic: ") and "not a country" in err and err.count("\n") == 1
    assert main(["postmortem", GOLDEN_ID, "--due-days", "one=3"]) == 2
    assert main(["export", GOLDEN_ID, "--format", "pdf"]) == 2
    assert main(["postmortem", "no-such-incident"]) == 2


def test_a_copied_directory_is_exported_by_path(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "from-a-colleague"
    shutil.copytree(built / "incidents" / GOLDEN_ID, copy)
    copy.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        assert main(["export", str(copy), "-f", "csv"]) == 0
    finally:
        copy.chmod(stat.S_IRWXU)
    assert capsys.readouterr().out.startswith("Summary,")


def test_active_incident_draft_says_so(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build(home, resolve=False, close=False)
    assert main(["postmortem"]) == 0  # the only active incident
    captured = capsys.readouterr()
    assert "still active" in captured.err
    assert "not set: the incident is still active" in captured.out


def test_search_prints_matches_grouped_by_incident(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search", "cache"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"{GOLDEN_ID}  SEV-2  closed")
    assert "Sam forgot to warm the cache" in out[1]


def test_search_output_never_carries_control_sequences(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search", "rolled back"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\\x1b[31m" in out


def test_search_json_and_no_match(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "--json", "Roll", "back"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {row["where"] for row in rows} >= {"task", "decision"}
    # No match is an answer, not an error: exit 0, as with --json.
    assert main(["search", "zebra"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith('No matches for "zebra"') and captured.err == ""
    assert main(["search", "--json", "zebra"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_review_opens_the_review_app(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ic_console.tui.review.app import ReviewApp

    opened: list[ReviewApp] = []
    monkeypatch.setattr(ReviewApp, "run", lambda self, *a, **k: opened.append(self))
    monkeypatch.setattr("ic_console.cli.review.needs_terminal", lambda verb_name="": None)
    assert main(["review", GOLDEN_ID, "--holidays", "US"]) == 0
    (app,) = opened
    assert app.review.state.incident_id == GOLDEN_ID
    assert app.review.due is not None and app.review.due.isoformat() == "2026-12-01"


def test_scripted_verbs_do_not_load_textual(built: Path) -> None:
    code = (
        "import sys\n"
        "from ic_console.cli import main\n"
        f"main(['export', {GOLDEN_ID!r}, '-f', 'json', '-o', '/dev/null'])\n"
        "main(['search', 'cache'])\n"
        "assert 'textual' not in sys.modules, sorted(m for m in sys.modules if 'textual' in m)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_holidays_and_cadence_come_from_config(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        'holiday_country = "US"\n\n'
        '[[severity]]\nlevel = 1\nname = "SEV-1"\nupdate_every = "1h"\n\n'
        '[[severity]]\nlevel = 2\nname = "SEV-2"\nupdate_every = "2h"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("IC_CONSOLE_CONFIG", str(config))
    assert main(["postmortem", GOLDEN_ID]) == 0
    out = capsys.readouterr().out
    assert "**2026-12-01**" in out  # US Thanksgiving skipped
    # Updates are due hourly at SEV-1 now: only the 70-minute stretch is a gap.
    assert "| Gaps between updates longer than the cadence | 1 |" in out


def test_a_broken_config_stops_the_verb_in_one_line(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """One configuration for every face: a broken file is never silently replaced by defaults."""
    config = tmp_path / "config.toml"
    config.write_text('holiday_country = "Narnia"\n', encoding="utf-8")
    monkeypatch.setenv("IC_CONSOLE_CONFIG", str(config))
    assert main(["postmortem", GOLDEN_ID]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    assert f"{config}:1: holiday_country:" in line and "`ic config check`" in line
