"""The user's configuration as the console uses it: bell, theme, keymap, update cadence.

A bad setting stops the console before it starts, with one clear message (never a traceback).
"""

from __future__ import annotations

from ic_console.content.config import Config


class ConfigError(Exception):
    """The configuration cannot be used; the message says where and how to fix it."""


def binding_ids() -> set[str]:
    """Every binding id a keymap may name."""
    from ic_console.tui.app import ConsoleApp
    from ic_console.tui.screens.checklists import ChecklistScreen
    from ic_console.tui.screens.console import ConsoleScreen
    from ic_console.tui.screens.forms import CommandForm
    from ic_console.tui.screens.picker import PickerScreen
    from ic_console.tui.screens.responses import ResponsesScreen
    from ic_console.tui.screens.runbooks import RunbookScreen
    from ic_console.tui.widgets.line_list import LineList
    from ic_console.tui.widgets.log_input import LogInput

    owners = (
        ConsoleApp,
        ConsoleScreen,
        CommandForm,
        PickerScreen,
        ResponsesScreen,
        ChecklistScreen,
        RunbookScreen,
        LineList,
        LogInput,
    )
    ids: set[str] = set()
    for owner in owners:
        for binding in owner.BINDINGS:
            binding_id = getattr(binding, "id", None)
            if binding_id:
                ids.add(binding_id)
    return ids


def check_keymap(config: Config) -> dict[str, str]:
    """The keymap, once every binding id in it is known."""
    known = binding_ids()
    unknown = sorted(set(config.keymap) - known)
    if unknown:
        raise ConfigError(
            f"the keymap in config.toml names unknown binding ids: {', '.join(unknown)}. "
            f"Known ids: {', '.join(sorted(known))}."
        )
    return dict(config.keymap)
