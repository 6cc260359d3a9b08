"""The review core never imports Textual, so exports and search run anywhere, fast."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import ic_console.review


def test_review_package_does_not_import_textual() -> None:
    modules = [
        f"ic_console.review.{m.name}" for m in pkgutil.iter_modules(ic_console.review.__path__)
    ]
    assert "ic_console.review.export" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r} + ['ic_console.cli.review']:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
