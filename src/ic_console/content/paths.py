"""Where content comes from: the shipped defaults inside the package, and the user's own.

Shipped content lives in the package (`ic_console/content/shipped/`), so it is the same files
in a checkout, an editable install and an installed wheel. Nothing here creates a directory.
"""

from __future__ import annotations

import os
from pathlib import Path

CONFIG_ENV = "IC_CONSOLE_CONFIG"
CONFIG_FILE = "config.toml"
PHRASEBOOK_FILE = "phrasebook.toml"
RUNBOOKS_DIR = "runbooks"
CHECKLISTS_DIR = "checklists"


def shipped_dir() -> Path:
    """The content installed with the package."""
    return Path(__file__).resolve().parent / "shipped"


def config_path() -> Path:
    """config.toml: $IC_CONSOLE_CONFIG, else in the platform's user config directory."""
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("ic-console", appauthor=False)) / CONFIG_FILE


def user_content_dir() -> Path:
    """The user's own runbooks/, checklists/ and phrasebook.toml: beside config.toml."""
    return config_path().parent
