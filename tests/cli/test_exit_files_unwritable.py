"""A file that cannot be written exits 1, as the README's table of exit codes says ("the files
could not be read or written"), and a refused request exits 2: an export to a folder that is
not there said "Could not write ..." and exited 2, so a script could not tell a full disk from
a mistake in its own words."""

from __future__ import annotations

from pathlib import Path

from .conftest import Run, ok, refused


def test_an_export_that_cannot_be_written_exits_1(ic: Run, tmp_path: Path) -> None:
    incident = ok(ic("new", "Checkout down")).out.strip()
    ok(ic("log", "--kind", "followup", "Add an alert on checkout 5xx"))
    ok(ic("resolve"))  # a draft of an active incident says so first
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    for fmt in ("md", "csv", "json"):
        result = ic("export", incident, "--format", fmt, "-o", str(blocker / f"out.{fmt}"))
        line = refused(result, "Could not write", code=1)
        assert "nothing was written" in line
    assert blocker.read_text() == "not a folder\n"


def test_an_export_asked_into_the_incident_folder_is_still_refused_with_2(
    ic: Run, home: Path
) -> None:
    incident = ok(ic("new", "Checkout down")).out.strip()
    ok(ic("resolve"))
    target = home / "incidents" / incident / "export.md"
    refused(ic("export", incident, "-o", str(target)), "Refusing to write", code=2)


def test_a_status_page_folder_that_cannot_be_made_exits_1(ic: Run, tmp_path: Path) -> None:
    ok(ic("new", "Checkout down"))
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    refused(ic("status", "-o", str(blocker)), "Could not make the folder", code=1)
    assert blocker.read_text() == "not a folder\n"
