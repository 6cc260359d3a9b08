"""The shipped content is inside the built wheel and loads from it, outside the repository."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

PROBE = textwrap.dedent(
    """
    import json, sys
    unpacked, checkout = sys.argv[1], sys.argv[2]
    # Only the unpacked wheel may provide ic_console: drop the editable checkout's src.
    sys.path[:] = [unpacked] + [p for p in sys.path if p not in (checkout, "", ".")]
    import ic_console
    from ic_console.content.library import load_library
    from ic_console.content.phrasebook import render
    from ic_console.domain.situations import Situation
    library = load_library([])
    print(json.dumps({
        "module": ic_console.__file__,
        "checklists": sorted(library.checklists),
        "runbooks": sorted(library.runbooks),
        "phrases": len(library.phrasebook),
        "problems": [str(p) for p in library.problems],
        "said": render(Situation("clock-mark", {"mark": "30"})),
    }))
    """
)


def build_wheel(target: Path) -> Path:
    # hatchling (the build backend) is a test dependency, so this builds offline.
    target.mkdir()
    result = subprocess.run(
        [
            *(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"),
            *("-w", str(target), str(REPO)),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=target,
    )
    assert result.returncode == 0, result.stderr
    [wheel] = target.glob("ic_console-*.whl")
    return wheel


def test_shipped_content_is_reachable_from_the_installed_wheel(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path / "dist")
    names = zipfile.ZipFile(wheel).namelist()
    assert "ic_console/content/shipped/phrasebook.toml" in names
    assert "ic_console/content/shipped/checklists/03-deputy.toml" in names
    assert "ic_console/content/shipped/runbooks/01-first-ten-minutes.md" in names

    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(unpacked), str(REPO / "src")],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=outside,
        env={"IC_CONSOLE_CONFIG": str(outside / "config.toml"), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["module"].startswith(str(unpacked))
    assert found["problems"] == []
    assert len(found["checklists"]) == 9 and "resolution" in found["checklists"]
    assert len(found["runbooks"]) == 6 and "severity-definitions" in found["runbooks"]
    assert found["phrases"] == 33
    assert found["said"] == ["Commander, be advised: we are at the 30 minute mark."]
