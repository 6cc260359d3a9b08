"""Shell completion: `ic completion bash|zsh|fish` prints the script to load.

The scripts come from argcomplete, which completes from the parser itself: every verb, flag and
choice, with nothing to keep in step by hand. When the shell asks (it runs `ic` with
`_ARGCOMPLETE` set), `complete` adds what only the data knows: incident ids and numbers, task and
decision numbers, people's names on the incident, roles, phases and severities.

argcomplete is imported only then, or by `ic completion`, so `ic --help` never pays for it.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ic_console.cli import EXIT_OK, Context, verb

if TYPE_CHECKING:
    from ic_console.domain.state import IncidentState

    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]

SHELLS = ("bash", "zsh", "fish")

#: How each shell loads the script, for the help text and the README.
LOADING = {
    "bash": 'eval "$(ic completion bash)"          # in ~/.bashrc',
    "zsh": 'eval "$(ic completion zsh)"           # in ~/.zshrc, after compinit',
    "fish": "ic completion fish | source          # in ~/.config/fish/config.fish",
}

TASK_VERBS = ("assign", "ack", "done", "cancel", "extend", "reassign")
DECIDE_VERBS = ("propose", "object", "accept", "withdraw")
TEAM_VERBS = ("form", "add", "remove", "disband", "task", "lead")
EXIT_VERBS = ("add", "met", "unmet", "drop")
SUB_VERBS = {"task": TASK_VERBS, "decide": DECIDE_VERBS, "team": TEAM_VERBS, "exit": EXIT_VERBS}
ROLES = ("ic", "deputy", "scribe", "internal-liaison", "customer-liaison", "sme")
PHASES = ("detect", "mobilize", "diagnose", "resolve", "learn")


def register(sub: SubParsers) -> None:
    """Add `completion` to `ic`."""
    p = verb(
        sub,
        "completion",
        _completion,
        "print the shell completion script for bash, zsh or fish",
        reads_config=False,
        epilog="Load it from your shell's start-up file:\n  "
        + "\n  ".join(LOADING.values())
        + "\nIt completes verbs, flags, incident ids, task and decision numbers and people's "
        "names from the incident.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("shell", choices=SHELLS, help="the shell to print the script for")


def _completion(args: argparse.Namespace, ctx: Context) -> int:
    from argcomplete.shell_integration import shellcode

    ctx.out.write(shellcode(["ic"], shell=args.shell))
    return EXIT_OK


def complete(parser: argparse.ArgumentParser) -> None:
    """Answer the shell's completion request (argcomplete exits the process when it has)."""
    import argcomplete

    for action in _positionals(parser):
        if action.dest == "words":
            action.completer = _words  # type: ignore[attr-defined]
        elif action.dest == "incident_id":
            action.completer = _incident_ids  # type: ignore[attr-defined]
    argcomplete.autocomplete(parser, always_complete_options=False)


def _positionals(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    found: list[argparse.Action] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                found.extend(_positionals(child))
        elif not action.option_strings:
            found.append(action)
    return found


# -- what the data knows -----------------------------------------------------------------------


def _home(parsed: argparse.Namespace) -> Any:
    from ic_console.store.paths import data_root

    return data_root(getattr(parsed, "home", None) or None)


def _incident_ids(prefix: str, parsed_args: argparse.Namespace, **_: Any) -> list[str]:
    """Every incident id, newest first, and the numbers `ic list` shows."""
    from ic_console.store.catalog import list_incidents

    try:
        infos = list_incidents(_home(parsed_args))
    except Exception:  # completion must never print a traceback into the prompt
        return []
    return [info.incident_id for info in infos if info.incident_id.startswith(prefix)]


def _state(parsed: argparse.Namespace, words: list[str]) -> IncidentState | None:
    """The incident the words name (first word), else the only active one; None if unknown."""
    from ic_console.cli.ids import expand_id
    from ic_console.store.catalog import resolve_incident_id
    from ic_console.store.incident import IncidentStore

    home = _home(parsed)
    for given in ([words[0]] if words else []) + [None]:
        try:
            incident_id = resolve_incident_id(home, expand_id(home, given))
            return IncidentStore.open(home, incident_id, read_only=True).state
        except Exception:  # not an id, or no single active incident: try the next
            continue
    return None


def _words(prefix: str, parsed_args: argparse.Namespace, **_: Any) -> list[str]:
    """The next word of a verb whose words arrive as one list (`task`, `role`, `join`...)."""
    verb_name: str = getattr(parsed_args, "verb", "") or ""
    words: list[str] = list(getattr(parsed_args, "words", None) or [])
    try:
        candidates = _next_words(verb_name, words, parsed_args)
    except Exception:  # completion must never print a traceback into the prompt
        return []
    return [word for word in dict.fromkeys(candidates) if word.startswith(prefix)]


def _next_words(verb_name: str, words: list[str], parsed: argparse.Namespace) -> list[str]:
    def state() -> IncidentState | None:
        return _state(parsed, words)

    subs = SUB_VERBS.get(verb_name)
    if subs is not None:
        lowered = [word.lower() for word in words]
        at = next((i for i, word in enumerate(lowered) if word in subs), None)
        if at is None:
            return [*subs, *(_incident_ids("", parsed) if not words else [])]
        if verb_name in ("team", "exit"):
            return _after_scale_sub(verb_name, lowered[at], len(words) - at - 1, state)
        return _after_sub(lowered[at], len(words) - at - 1, state)
    fixed: dict[str, list[tuple[str, ...] | Callable[[IncidentState | None], list[str]]]] = {
        "role": [ROLES, _people],
        "join": [_people],
        "release": [_on_call],
        "handover": [_on_call],
        "sev": [_severities],
        "phase": [PHASES],
        "update": [("internal", "external")],
        "log": [()],
    }
    sources = fixed.get(verb_name)
    if sources is None:
        return []
    ids = _incident_ids("", parsed) if not words else []
    position = len(words)
    # With more words than the verb takes, the first was the incident id.
    if position >= len(sources) and words:
        position = len(words) - 1
    if position >= len(sources):
        return ids
    source = sources[position]
    values = list(source) if isinstance(source, tuple) else source(state())
    return [*values, *ids]


def _after_sub(sub: str, position: int, state: Callable[[], IncidentState | None]) -> list[str]:
    """Words after `task SUB` or `decide SUB`: names, or the numbers of what is open."""
    current = state()
    if current is None:
        return []
    tasks = [str(task.number) for task in current.open_tasks()]
    decisions = [str(decision.number) for decision in current.open_decisions()]
    table: dict[str, list[list[str]]] = {
        "assign": [_people(current)],
        "reassign": [tasks, _people(current)],
        "ack": [tasks],
        "done": [tasks],
        "cancel": [tasks],
        "extend": [tasks],
        "object": [decisions],
        "accept": [decisions],
        "withdraw": [decisions],
    }
    choices = table.get(sub, [])
    return choices[position] if position < len(choices) else []


def _after_scale_sub(
    verb_name: str, sub: str, position: int, state: Callable[[], IncidentState | None]
) -> list[str]:
    """Words after `team SUB` (team names, people) or `exit SUB` (criteria numbers)."""
    from ic_console.domain import exit_criteria, teams

    current = state()
    if current is None:
        return []
    if verb_name == "exit":
        criteria = exit_criteria.criteria(current)
        numbers = {
            "met": [str(c.number) for c in criteria if not c.met],
            "unmet": [str(c.number) for c in criteria if c.met],
            "drop": [str(c.number) for c in criteria],
        }.get(sub, [])
        return numbers if position == 0 else []
    names = [team.name for team in teams.active_teams(current)]
    table: dict[str, list[list[str]]] = {
        "add": [names, _on_call(current)],
        "remove": [names, _on_call(current)],
        "lead": [names, _on_call(current)],
        "disband": [names],
        "task": [names],
    }
    choices = table.get(sub, [])
    return choices[position] if position < len(choices) else []


def _people(state: IncidentState | None) -> list[str]:
    """Everyone who has been on the call, those on it first."""
    if state is None:
        return []
    on_call = [person.name for person in state.on_call()]
    return [*on_call, *(name for name in state.participants if name not in on_call)]


def _on_call(state: IncidentState | None) -> list[str]:
    return [person.name for person in state.on_call()] if state is not None else []


def _severities(_state: IncidentState | None) -> list[str]:
    """1 to 5, and the configured names."""
    from ic_console.content.config import load_config

    levels = ["1", "2", "3", "4", "5"]
    config, problems = load_config()
    names = [] if problems else [info.name for info in config.severities.values()]
    return [*levels, *names]
