"""Every key of every screen in one registry: bindings, keymap checks, footer and help use it.

A key is declared once here, with the id a `config.toml` keymap may name, the screen it applies
to and the group the help screen lists it under. Screens take their `BINDINGS` from `bindings()`,
the keymap is checked against `binding_ids()`, and the help screen is drawn from `by_group()`, so
a key cannot be added in one place and forgotten in another.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True)
class KeyAction:
    """One key on one screen."""

    id: str
    key: str
    action: str
    description: str
    #: Where it applies: a screen or widget name of the registry (see `SCOPES`).
    scope: str
    #: The help screen's heading for it.
    group: str
    show: bool = True
    priority: bool = False
    #: It records something: a read-only console neither shows nor runs it.
    writes: bool = False

    def binding(self) -> Binding:
        return Binding(
            self.key,
            self.action,
            self.description,
            show=self.show,
            priority=self.priority,
            id=self.id,
        )


def _keys(
    scope: str, group: str, *rows: tuple[str, str, str, str], **flags: bool
) -> list[KeyAction]:
    return [
        KeyAction(
            id=id_, key=key, action=action, description=text, scope=scope, group=group, **flags
        )
        for id_, key, action, text in rows
    ]


#: The help group of the task keys, on the console and the Deputy's view alike.
TASKS = "Tasks (type the number first to name one: 3d)"
#: Keys both incident screens have, row by row (id, key, action, description).
_TASK_KEYS = (
    ("ack", "a", "acknowledge", "Ack"),
    ("extend", "x", "extend", "Extend"),
    ("reassign", "r", "reassign", "Reassign"),
    ("done", "d", "done", "Done"),
)
_REFERENCE_KEYS = (
    ("checklists", "k", "app.checklists", "Checklists"),
    ("runbooks", "b", "app.runbooks", "Runbooks"),
)


def _digits(numbers: Iterable[int]) -> list[tuple[str, str, str, str]]:
    """Digit keys that build the number the next task or decision key acts on."""
    return [(f"digit-{n}", str(n), f"digit({n})", f"Number {n}") for n in numbers]


#: What each scope is, for the help screen.
SCOPES = {
    "app": "Everywhere",
    "console": "The IC's console",
    "watch": "The Deputy's view (ic watch)",
    "log": "Typing a log line",
    "list": "Lists (tasks, log, timeline)",
    "form": "Forms",
    "picker": "Choosing an incident",
    "responses": "Responses",
    "help": "Keys",
    "checklists": "Checklists",
    "runbooks": "Runbooks",
    "review": "Review (ic review)",
    "review-app": "Review (ic review)",
    "scorecard": "Drill scorecard",
    "briefing": "Drill briefing",
    "glance": "The state at a glance",
}

ACTIONS: tuple[KeyAction, ...] = (
    *_keys(
        "app",
        "Everywhere",
        ("quit", "ctrl+q", "quit", "Quit"),
        ("help", "question_mark", "help", "Keys"),
    ),
    KeyAction(
        "palette",
        "ctrl+p",
        "command_palette",
        "Palette",
        "app",
        "Everywhere",
        show=False,
        priority=True,
    ),
    KeyAction("undo", "ctrl+z", "undo", "Undo", "app", "Everywhere", show=False, writes=True),
    # -- the IC's console ---------------------------------------------------------------------
    *_keys(
        "console",
        "Record",
        ("log", "l", "log", "Log"),
        ("assign", "t", "assign_task", "Task"),
        writes=True,
    ),
    KeyAction("join", "j", "join", "Join", "console", "Record", show=False, writes=True),
    *_keys("console", TASKS, *_TASK_KEYS, writes=True),
    KeyAction(
        "cancel-task",
        "C",
        "cancel_task",
        "Cancel task",
        "console",
        TASKS,
        show=False,
        writes=True,
    ),
    *_keys(
        "console",
        "Decisions (type the number first: 2y)",
        ("propose", "p", "propose", "Propose"),
        ("object", "o", "object", "Object"),
        ("accept", "y", "accept", "Accept"),
        ("withdraw", "w", "withdraw", "Withdraw"),
        writes=True,
    ),
    *_keys(
        "console",
        "Incident",
        ("severity", "s", "severity", "Severity"),
        ("phase", "h", "phase", "Phase"),
        ("role", "g", "role", "Role"),
        ("handover", "i", "handover", "Handover"),
        ("update", "u", "update", "Update"),
        ("release", "e", "release", "Release"),
        ("resolve", "R", "resolve", "Resolve"),
        writes=True,
    ),
    # Command at scale (issue 15): the state at a glance, sub-teams, exit criteria.
    KeyAction("glance", "equals_sign", "glance", "At a glance", "console", "Incident", show=False),
    *_keys(
        "console",
        "Incident",
        ("team", "T", "team", "Form a team"),
        ("exit-criterion", "X", "exit_criterion", "Exit criterion"),
        show=False,
        writes=True,
    ),
    *_keys(
        "glance",
        "The state at a glance",
        ("glance.copy", "c", "copy", "Copy as text"),
        ("glance.close", "escape,equals_sign,q", "close", "Close"),
    ),
    *_keys(
        "console",
        "Phrasebook and reference",
        ("next-phrase", "n", "next_phrase", "Next phrase"),
        ("responses", "v", "responses", "Responses"),
        ("copy-phrase", "c", "copy_phrase", "Copy"),
        *_REFERENCE_KEYS,
    ),
    *_keys(
        "console",
        "Panes (1-4; at 80x24 one pane at a time)",
        ("pane-tasks", "1", "digit(1)", "Tasks pane"),
        ("pane-log", "2", "digit(2)", "Log pane"),
        ("pane-roster", "3", "digit(3)", "Roster pane"),
        ("pane-phrases", "4", "digit(4)", "Phrasebook pane"),
        show=False,
    ),
    *_keys(
        "console",
        "Panes (1-4; at 80x24 one pane at a time)",
        *_digits((0, 5, 6, 7, 8, 9)),
        show=False,
    ),
    # -- the Deputy's view --------------------------------------------------------------------
    *_keys(
        "watch",
        "Record",
        ("log", "l", "log", "Log"),
        ("followup", "f", "followup", "Follow-up"),
        writes=True,
    ),
    *_keys("watch", TASKS, *_TASK_KEYS, writes=True),
    *_keys(
        "watch",
        "Phrasebook and reference",
        ("copy-phrase", "c", "copy_phrase", "Copy chase"),
        *_REFERENCE_KEYS,
    ),
    *_keys("watch", TASKS, *_digits(range(10)), show=False),
    KeyAction("glance", "equals_sign", "glance", "At a glance", "watch", "Record", show=False),
    # -- widgets and side screens ---------------------------------------------------------------
    *_keys(
        "log",
        "Typing a log line",
        ("log.cycle-kind", "ctrl+t", "cycle_kind", "Kind"),
        ("log.leave", "escape", "leave", "Leave"),
    ),
    # ctrl+z while typing takes back the typing; on an empty line it is the app's undo.
    KeyAction(
        "log.undo-typing",
        "ctrl+z",
        "undo_typing",
        "Undo typing",
        "log",
        "Typing a log line",
        show=False,
    ),
    *_keys(
        "list",
        "Lists",
        ("list.up", "up", "cursor(-1)", "Up"),
        ("list.down", "down", "cursor(1)", "Down"),
        ("list.page-up", "pageup", "page(-1)", "Page up"),
        ("list.page-down", "pagedown", "page(1)", "Page down"),
        ("list.first", "home", "first", "First"),
        ("list.last", "end", "last", "Last"),
        show=False,
    ),
    *_keys(
        "form",
        "Forms",
        ("form.cancel", "escape", "cancel", "Cancel"),
        ("form.submit", "ctrl+s", "submit", "Save"),
    ),
    KeyAction("form.confirm", "enter", "submit", "Confirm", "form", "Forms", show=False),
    KeyAction(
        "form.undo-typing", "ctrl+z", "undo_typing", "Undo typing", "form", "Forms", show=False
    ),
    *_keys(
        "picker",
        "Choosing an incident",
        ("picker.declare", "n", "declare", "New incident"),
        ("picker.quit", "ctrl+q", "app.quit", "Quit"),
    ),
    *_keys("help", "Keys", ("help.close", "escape,question_mark,q", "close", "Close")),
    *_keys("responses", "Responses", ("responses.cancel", "escape", "cancel", "Cancel")),
    *_keys("scorecard", "Drill scorecard", ("scorecard.close", "escape,q", "close", "Close")),
    *_keys("briefing", "Drill briefing", ("briefing.start", "enter,space", "start", "Start")),
    *_keys(
        "checklists",
        "Checklists",
        ("checklists.toggle", "space", "tick", "Tick / untick"),
        ("checklists.all", "a", "show_all", "All checklists"),
        ("checklists.close", "escape", "close", "Close"),
    ),
    *_keys(
        "runbooks",
        "Runbooks",
        ("runbooks.search", "slash", "search", "Search"),
        ("runbooks.close", "escape", "close", "Close"),
    ),
    # -- review -------------------------------------------------------------------------------
    *_keys(
        "review",
        "Review",
        ("review.timeline", "t", "show_tab('timeline')", "Timeline"),
        ("review.metrics", "m", "show_tab('metrics')", "Metrics"),
        ("review.search", "slash", "focus_search", "Search"),
        ("review.kind", "k", "cycle_kind", "Kind"),
        ("review.person", "w", "cycle_person", "Who"),
        ("review.clear", "escape", "clear_filters", "Clear"),
        ("review.next_severity", "s", "jump('severity')", "Next sev"),
        ("review.next_phase", "p", "jump('phase')", "Next phase"),
        ("review.next_role", "r", "jump('role')", "Next role"),
    ),
    *_keys("review-app", "Review", ("review.quit", "q", "quit", "Quit")),
    KeyAction(
        "app.quit", "ctrl+q", "quit", "Quit", "review-app", "Review", show=False, priority=True
    ),
    KeyAction("app.palette", "f1", "command_palette", "Palette", "review-app", "Review"),
    *_keys(
        "review",
        "Review",
        ("review.prev_severity", "S", "jump('severity', True)", "Prev sev"),
        ("review.prev_phase", "P", "jump('phase', True)", "Prev phase"),
        ("review.prev_role", "R", "jump('role', True)", "Prev role"),
        show=False,
    ),
)


def in_scope(scope: str) -> list[KeyAction]:
    return [action for action in ACTIONS if action.scope == scope]


def bindings(scope: str) -> list[BindingType]:
    """The `BINDINGS` of the screen or widget called `scope` in the registry."""
    found: list[BindingType] = [action.binding() for action in in_scope(scope)]
    if not found:
        raise KeyError(f"no keys are registered for {scope!r}")
    return found


def binding_ids() -> set[str]:
    """Every binding id a keymap may name."""
    return {action.id for action in ACTIONS}


def write_actions(scope: str) -> frozenset[str]:
    """The action names of `scope` that record something (hidden on a read-only console)."""
    return frozenset(action.action.split("(")[0] for action in in_scope(scope) if action.writes)


def key_label(key: str) -> str:
    """How a key is written for people: `question_mark` is `?`, `slash` is `/`."""
    names = {"question_mark": "?", "slash": "/", "space": "space", "escape": "Esc"}
    names["equals_sign"] = "="  # issue 15
    return names.get(key, key)
