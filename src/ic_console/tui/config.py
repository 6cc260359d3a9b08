"""The user's configuration as the console uses it: bell, theme, keymap, update cadence.

A bad setting stops the console before it starts, with one clear message (never a traceback).
"""

from __future__ import annotations

from ic_console.content.config import Config
from ic_console.tui.actions import ACTIONS, SCOPES, KeyAction, binding_ids


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
    for binding, keys in keymap.items():
        for key in _key_set(keys):
            if not _is_key(key):
                meant = key.lower() if _is_key(key.lower()) else ""
                hint = f'did you mean "{meant}"? ' if meant and meant != key else ""
                raise ConfigError(
                    f'the keymap in config.toml gives {binding} the key "{key}", which no '
                    f"keyboard sends (the keymap replaces {binding}'s own key): {hint}write "
                    'keys as Textual names them, such as "f5", "ctrl+l", "escape" or '
                    '"question_mark".'
                )
    clash = _first_clash(keymap)
    if clash:
        raise ConfigError(clash)
    return dict(keymap)


def check_theme(config: Config) -> str | None:
    """The configured theme, once Textual knows it (None: the default). `ic config check`
    said "valid" of a theme the console then refused to start with, in the middle of a call."""
    if not config.theme:
        return None
    from textual.theme import BUILTIN_THEMES

    if config.theme not in BUILTIN_THEMES:
        themes = ", ".join(sorted(BUILTIN_THEMES))
        raise ConfigError(
            f'the theme "{config.theme}" in config.toml does not exist: use one of {themes}.'
        )
    return config.theme


#: The scopes whose keys are live at the same time: a screen's own, the app's, and those of the
#: widgets it holds (the task board and the log's lists, the log line).
_TOGETHER: dict[str, tuple[str, ...]] = {
    "console": ("app", "console", "list", "log"),
    "watch": ("app", "watch", "list", "log"),
    "review": ("review-app", "review", "list"),
    **{
        scope: ("app", scope)
        for scope in SCOPES
        if scope not in {"app", "console", "watch", "log", "list", "review", "review-app"}
    },
}


def _key_set(keys: str) -> set[str]:
    return {key.strip() for key in keys.split(",") if key.strip()}


def _first_clash(keymap: dict[str, str]) -> str | None:
    """A key the keymap gives to a binding that another binding live beside it already has.

    Textual runs one of the two and silently drops the other: `done = "l"` made the key everyone
    presses to log close the task under the cursor, `log = "ctrl+q"` took the quit key away.
    Overlaps the shipped keys have on purpose (ctrl+z on the log line and the app) are kept.
    """
    for screen, scopes in _TOGETHER.items():
        live = [action for action in ACTIONS if action.scope in scopes]
        for index, first in enumerate(live):
            for second in live[index + 1 :]:
                if first.id not in keymap and second.id not in keymap:
                    continue
                shared = _shared(first, second, keymap) - _shared(first, second, {})
                if shared:
                    key = sorted(shared)[0]
                    remapped = first if first.id in keymap else second
                    other = second if remapped is first else first
                    return (
                        f'the keymap in config.toml gives "{key}" to {remapped.id}, but '
                        f"{other.id} ({other.description}) has it in {SCOPES[screen]}: "
                        f"give {remapped.id} a key of its own."
                    )
    return None


def _shared(first: KeyAction, second: KeyAction, keymap: dict[str, str]) -> set[str]:
    return _key_set(keymap.get(first.id, first.key)) & _key_set(keymap.get(second.id, second.key))


#: Modifiers a key name may start with ("ctrl+shift+up").
_MODIFIERS = {"ctrl", "shift", "alt", "meta", "super", "hyper"}


def _key_names() -> frozenset[str]:
    from textual.keys import Keys, _character_to_key

    named = {key.value for key in Keys if "+" not in key.value and not key.value.startswith("<")}
    return frozenset(named | {_character_to_key(chr(code)) for code in range(32, 127)})


def _is_key(key: str) -> bool:
    """Whether a terminal can send `key`: "F5", "ctl+l" and "Escape" bound nothing, and the
    binding's own key was gone (`log = "F5"` left the console without a log key)."""
    *modifiers, base = key.split("+")
    if any(modifier not in _MODIFIERS for modifier in modifiers) or not base:
        return False
    return len(base) == 1 or base in _key_names()
