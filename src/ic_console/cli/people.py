"""People and roles: `ic join`, `release`, `role` (and `role --vacate`) and `handover`."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ic_console.cli import EXIT_OK, Context, UsageError, command_scale
from ic_console.cli.common import (
    cmd,
    done,
    ev,
    joined_prefix,
    open_store,
    payloads,
    quote_hint,
    run,
    run_on,
    say,
    split_id,
    words,
    words_verb,
)
from ic_console.domain.errors import DomainError
from ic_console.domain.model import Role
from ic_console.domain.text import GROUP_WORDS

if TYPE_CHECKING:
    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]


def register(sub: SubParsers) -> None:
    """Add `join`, `release`, `role` and `handover` to `ic`."""
    words_verb(sub, "join", _join, "put a person on the call", "ic join [ID] NAME")
    words_verb(sub, "release", _release, "let a person go", "ic release [ID] NAME")
    p = words_verb(
        sub,
        "role",
        _role,
        "give a person a role, or leave it empty: " + ", ".join(role.value for role in Role),
        "ic role [ID] ROLE NAME\n       ic role [ID] ROLE [NAME] --vacate",
        "--vacate stands the holder down (they stay on the call); NAME is needed for a Subject "
        "Matter Expert, as there may be several. The Incident Commander's role is handed over "
        "instead.",
    )
    p.add_argument("--vacate", action="store_true", help="leave the role empty")
    p = words_verb(
        sub,
        "handover",
        _handover,
        "hand command to a new Incident Commander",
        "ic handover [ID] NAME [--acknowledged]\n       ic handover [ID] ack",
        'ack records that the new Incident Commander said yes to "okay?"; --acknowledged '
        "records it with the handover.",
    )
    command_scale.add_acknowledged_flag(p)


def _join(args: argparse.Namespace, ctx: Context) -> int:
    given, (name,) = split_id(args, 1)
    _, events = run(ctx, given, cmd.Join(name=name), hint=quote_hint("join", args.words))
    done(ctx, joined_prefix(events).strip())
    return EXIT_OK


def _release(args: argparse.Namespace, ctx: Context) -> int:
    given, (name,) = split_id(args, 1)
    store = open_store(ctx, given, hint=quote_hint("release", args.words))
    if name.strip().casefold() in GROUP_WORDS:
        on_call = ", ".join(person.name for person in store.state.on_call()) or "nobody"
        raise UsageError(
            f'"{name.strip()}" names no one: `ic release NAME` lets one person go, by the name '
            f"they joined with. On the call: {on_call}."
        )
    events = run_on(ctx, store, cmd.Release(name=name))
    released = ""
    roles: list[str] = []
    for data in payloads(events):
        if isinstance(data, ev.RoleVacated):
            roles.append(data.role.label)
        if isinstance(data, ev.ParticipantReleased):
            released = data.name
    note = f" (no longer {', '.join(roles)})" if roles else ""
    done(ctx, f"{released} was released from the call{note}. Thank them.")
    return EXIT_OK


def _role(args: argparse.Namespace, ctx: Context) -> int:
    if args.vacate:
        return _vacate(args, ctx)
    given, (role_text, name) = split_id(args, 2)
    role = Role.parse(role_text)
    store, events = run(ctx, given, cmd.AssignRole(role=role, name=name))
    event = next(e for e in events if isinstance(e.data, ev.RoleAssigned))
    assigned = event.data
    assert isinstance(assigned, ev.RoleAssigned)
    # A seat has one holder (but the experts'): whoever held it was stood down by this, and
    # must hear it, or they go on chasing as the Deputy.
    stood_down = [
        stint.name
        for stint in store.state.role_history
        if stint.role is role
        and role is not Role.SME
        and stint.end == event.at
        and stint.name != assigned.name
    ]
    note = (
        f" {', '.join(stood_down)} is no longer the {role.label}: tell them." if stood_down else ""
    )
    done(ctx, f"{joined_prefix(events)}{words.describe(assigned).said}{note}")
    return EXIT_OK


def _vacate(args: argparse.Namespace, ctx: Context) -> int:
    """`ic role [ID] ROLE [NAME] --vacate`: NAME names one of the Subject Matter Experts."""
    words_given: list[str] = list(args.words)
    given: str | None = None
    name: str | None = None
    if len(words_given) == 2 and _is_role(words_given[0]):
        role_text, name = words_given
    elif len(words_given) == 3:
        given, role_text, name = words_given
    else:
        given, (role_text,) = split_id(args, 1)
    _, events = run(ctx, given, cmd.VacateRole(role=Role.parse(role_text), name=name))
    vacated = next(data for data in payloads(events) if isinstance(data, ev.RoleVacated))
    done(ctx, words.describe(vacated).said)
    return EXIT_OK


def _is_role(text: str) -> bool:
    """Whether `ic role ROLE NAME --vacate` was meant, rather than `ic role ID ROLE --vacate`."""
    try:
        Role.parse(text)
    except DomainError:
        return False
    return True


def _handover(args: argparse.Namespace, ctx: Context) -> int:
    acknowledged = command_scale.handover(args, ctx)  # `ack` and --acknowledged (issue 15)
    if acknowledged is not None:
        return acknowledged
    given, (name,) = split_id(args, 1)
    _, events = run(ctx, given, cmd.Handover(name=name), hint=quote_hint("handover", args.words))
    handed = next(data for data in payloads(events) if isinstance(data, ev.CommandHandedOver))
    lines = [f"{joined_prefix(events)}{words.describe(handed).said} Announce it to the call."]
    lines.extend(
        _seat_now_empty(data.role, handed.name)
        for data in payloads(events)
        if isinstance(data, ev.RoleVacated)
    )
    lines.extend(command_scale.left_team_lines(events))  # a member leaves their team (issue 15)
    for line in lines[:-1]:
        say(ctx, line)
    done(ctx, lines[-1])
    return EXIT_OK


def _seat_now_empty(role: Role, new_ic: str) -> str:
    """A role left empty by the handover, and the words to fill it again."""
    return (
        f"{new_ic} was the {role.label}, so the {role.label} seat is now empty. Ask the call: "
        f'"I need a {role.label}. Who can take it?" Then: ic role {role.value} NAME.'
    )
