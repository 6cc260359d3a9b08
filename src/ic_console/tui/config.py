"""The user's configuration as the console uses it: bell, theme, keymap, update cadence.

A bad setting stops the console before it starts, with one clear message (never a traceback).
"""

from __future__ import annotations

from ic_console.content.config import Config
from ic_console.tui.actions import binding_ids


class ConfigError(Exception):
    """The configuration cannot be used; the message says where and how to fix it."""


def check_keymap(config: Config | dict[str, str]) -> dict[str, str]:
    """The keymap, once every binding id in it is known to the registry of keys."""
    keymap = config if isinstance(config, dict) else config.keymap
    known = binding_ids()
    unknown = sorted(set(keymap) - known)
    if unknown:
        raise ConfigError(
            f"the keymap in config.toml names unknown binding ids: {', '.join(unknown)}. "
            f"Known ids: {', '.join(sorted(known))}."
        )
    return dict(keymap)
