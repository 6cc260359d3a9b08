"""One registry of keys: every binding comes from it, so keymaps, footer and help cannot drift."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ic_console.content.config import Config
from ic_console.tui.actions import ACTIONS, SCOPES, binding_ids, bindings
from ic_console.tui.config import ConfigError, check_keymap

SOURCE = Path(__file__).resolve().parents[2] / "src" / "ic_console"


def test_no_binding_is_declared_outside_the_registry() -> None:
    """A `Binding(...)` written anywhere else would be missing from keymaps and help."""
    found = []
    for path in SOURCE.rglob("*.py"):
        if path.name == "actions.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Binding":
                found.append(f"{path.relative_to(SOURCE)}:{node.lineno}")
    assert found == []


def test_every_scope_is_described_and_ids_are_unique_per_scope() -> None:
    for action in ACTIONS:
        assert action.scope in SCOPES, action
        assert action.description, action
    for scope in SCOPES:
        ids = [action.id for action in ACTIONS if action.scope == scope]
        assert len(ids) == len(set(ids)), scope
        assert bindings(scope)


@pytest.mark.parametrize(
    "keymap",
    [
        {"followup": "F"},  # the Deputy's key: once made `ic` and `ic watch` refuse to start
        {"review.metrics": "M", "review.quit": "x"},  # the review's: once rejected
        {"undo": "ctrl+u", "help": "f1", "join": "J"},
    ],
)
def test_a_keymap_may_name_any_registered_key(keymap: dict[str, str]) -> None:
    assert check_keymap(Config(keymap=keymap)) == keymap


def test_an_unknown_id_is_refused_with_the_known_ones() -> None:
    with pytest.raises(ConfigError) as refused:
        check_keymap(Config(keymap={"no-such-key": "f5"}))
    assert "no-such-key" in str(refused.value) and "followup" in str(refused.value)
    assert "review.metrics" in binding_ids()
