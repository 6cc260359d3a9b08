"""The core never loads Textual, and the layers only import downwards.

The domain, the store and the review tools must work headless (bots, exports, CI), and every
scripted `ic` verb must start fast, so none of them may pull Textual in. The check runs in a
fresh interpreter, because this test process may already have imported Textual for other tests.
The layering of ARCHITECTURE.md ("Layers") is checked statically, like an import-linter contract.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "ic_console"

HEADLESS_PROBE = """
import importlib, json, pkgutil, sys

loaded = []
for name in ("ic_console.domain", "ic_console.store", "ic_console.content", "ic_console.live",
             "ic_console.review", "ic_console.sync"):
    try:
        package = importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name == name:
            continue  # that layer does not exist yet
        raise
    loaded.append(name)
    for info in pkgutil.walk_packages(package.__path__, prefix=name + "."):
        importlib.import_module(info.name)
        loaded.append(info.name)

from ic_console.cli import build_parser, main

build_parser()
code = main(["--help"])
ui = sorted(m for m in sys.modules if m.split(".")[0] in {"textual"})
print(json.dumps({"loaded": loaded, "ui": ui, "code": code}))
"""


def test_core_layers_and_ic_help_do_not_import_textual(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", HEADLESS_PROBE],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
        env={"IC_CONSOLE_HOME": str(tmp_path), "PATH": "", "TZ": "UTC"},
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["code"] == 0
    assert "ic_console.domain.state" in report["loaded"]
    assert "ic_console.store.incident" in report["loaded"]
    assert report["ui"] == [], f"Textual was imported: {report['ui'][:5]}"


HELP_PROBE = """
import contextlib, io, json, sys

from ic_console.cli import main

with contextlib.redirect_stdout(io.StringIO()):
    code = main(["--help"])
heavy = sorted(m for m in sys.modules if m.split(".")[0] in {"pydantic", "textual", "argcomplete"})
print(json.dumps({"heavy": heavy, "code": code}))
"""


def test_ic_help_loads_neither_pydantic_nor_textual(tmp_path: Path) -> None:
    """Why `cli/__init__.py` imports the store and the config loader inside functions."""
    result = subprocess.run(
        [sys.executable, "-c", HELP_PROBE],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
        env={"IC_CONSOLE_HOME": str(tmp_path), "PATH": "", "TZ": "UTC"},
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["code"] == 0
    assert report["heavy"] == [], f"ic --help loaded: {report['heavy'][:5]}"


# -- layering, checked from the source ----------------------------------------------------------

#: For each layer, the ic_console layers and outside packages it must never import.
FORBIDDEN = {
    "domain": {
        "store",
        "content",
        "live",
        "review",
        "cli",
        "tui",
        "textual",
        "rich",
        "platformdirs",
        "sync",
    },
    "store": {"content", "live", "review", "cli", "tui", "textual", "rich", "sync"},
    "content": {"store", "live", "review", "cli", "tui", "textual", "rich", "sync"},
    "live": {"review", "cli", "tui", "textual", "rich"},
    "review": {"live", "cli", "tui", "textual"},
    "sync": {"live", "review", "cli", "tui", "textual", "rich"},
}


def imported_names(path: Path) -> list[tuple[int, str]]:
    """Every module `path` imports, anywhere in the file, with its line number."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append((node.lineno, node.module))
            names.extend(
                (node.lineno, f"{node.module}.{alias.name}")
                for alias in node.names
                if node.module == "ic_console"
            )
    return names


def offending(layer: str, path: Path) -> list[str]:
    forbidden = FORBIDDEN[layer]
    problems = []
    for line, name in sorted(imported_names(path)):
        parts = name.split(".")
        target = parts[1] if parts[0] == "ic_console" and len(parts) > 1 else parts[0]
        if parts[0] != "ic_console" and target not in {"textual", "rich", "platformdirs"}:
            continue
        if target in forbidden:
            problems.append(f"{path}:{line} imports {name}")
    return problems


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layers_import_only_downwards(layer: str) -> None:
    files = sorted((PACKAGE / layer).rglob("*.py"))
    if not files:
        pytest.skip(f"ic_console/{layer} has no modules yet")
    problems = [problem for path in files for problem in offending(layer, path)]
    assert problems == []


def test_the_layering_check_notices_a_bad_import(tmp_path: Path) -> None:
    sample = tmp_path / "example.py"
    sample.write_text(
        "import json\n"
        "from ic_console.store import IncidentStore\n"
        "def later():\n"
        "    import textual.app\n"
        "from ic_console import tui\n"
        "from ic_console.domain.model import Role\n",
        encoding="utf-8",
    )
    assert offending("domain", sample) == [
        f"{sample}:2 imports ic_console.store",
        f"{sample}:4 imports textual.app",
        f"{sample}:5 imports ic_console.tui",
    ]
    assert offending("review", sample) == [
        f"{sample}:4 imports textual.app",
        f"{sample}:5 imports ic_console.tui",
    ]
