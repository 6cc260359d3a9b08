"""The `ic` command. Each area registers its verbs from its own module; none imports Textual
at module level, so `ic --help` and every scripted verb start fast.

Errors a person can cause (bad input, a refused command, a missing incident) print one line on
stderr and exit with code 2; there is never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

from ic_console import __version__
from ic_console.domain.clock import Clock, SystemClock
from ic_console.domain.errors import DomainError
from ic_console.domain.text import literal

#: Modules that add verbs, in the order their verbs appear in `ic --help`.
VERB_MODULES = (
    "ic_console.cli.declare",
    "ic_console.cli.people",
    "ic_console.cli.tasks",
    "ic_console.cli.progress",
    "ic_console.cli.console",
    "ic_console.cli.review",
    "ic_console.cli.content",
    "ic_console.cli.sync",
)

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """The command line was wrong; the message says how to write it."""


class Handler(Protocol):
    def __call__(self, args: argparse.Namespace, ctx: Context) -> int: ...


@dataclass
class Context:
    """What every verb needs: where the data lives, who is acting, what time it is."""

    home: Path
    actor_given: str | None
    clock: Clock = field(default_factory=SystemClock)
    out: Any = field(default_factory=lambda: sys.stdout)
    err: Any = field(default_factory=lambda: sys.stderr)

    @property
    def actor(self) -> str:
        """--as, else the configured name, else $IC_CONSOLE_USER or the OS user."""
        if self.actor_given:
            return self.actor_given
        # Imported here: the config loader pulls in pydantic, which `ic --help` never needs.
        from ic_console.content.config import configured_name

        configured = configured_name()
        if configured:
            return configured
        # Imported here: the store package loads pydantic, which `ic --help` never needs.
        from ic_console.store.paths import os_user

        return os_user()


def lazy_import(name: str) -> ModuleType:
    """A module that is loaded on first attribute access, so `ic --help` never pays for the
    pydantic models behind the verbs (importlib's documented LazyLoader recipe)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ImportError(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ic",
        description="An incident commander's console for the terminal. "
        "With no verb, opens the console on the active incident.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"ic-console {__version__}")
    add_common(parser, top=True)
    sub = parser.add_subparsers(dest="verb", metavar="VERB")
    for name in VERB_MODULES:
        # By name, not at the top: each verb module imports `verb` and `Context` from here.
        importlib.import_module(name).register(sub)
    return parser


def add_common(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    """--home and --as are accepted before or after the verb."""
    default = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--home",
        metavar="DIR",
        default=default,
        help="data directory (default: $IC_CONSOLE_HOME, else the platform's user data dir)",
    )
    parser.add_argument(
        "--as",
        dest="actor",
        metavar="NAME",
        default=default,
        help="who is acting (default: the configured name, else the OS user)",
    )


def verb(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    handler: Handler,
    help_text: str,
    **kwargs: Any,
) -> argparse.ArgumentParser:
    """Add a verb with the common options and its handler."""
    parser = sub.add_parser(name, help=help_text, description=help_text, **kwargs)
    add_common(parser)
    parser.set_defaults(handler=handler)
    return parser


def make_context(args: argparse.Namespace) -> Context:
    # Imported here: the store package loads pydantic, which `ic --help` never needs.
    from ic_console.store.paths import data_root

    return Context(home=data_root(getattr(args, "home", None)), actor_given=args.actor)


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    undecodable = _undecodable(words)
    if undecodable is not None:
        print(
            f"ic: argument {undecodable} is not valid UTF-8 text (check the terminal's or "
            "the script's encoding); nothing was done.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    parser = build_parser()
    try:
        args, extras = parser.parse_known_args(attach_dash_values(words))
        if extras:
            take_stray_words(parser, args, extras)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        # `ic` alone opens the console. Imported here: a verb module importing this one.
        from ic_console.cli.console import default as open_console

        handler = open_console
    ctx = make_context(args)
    # Imported here: the store loads the event models (pydantic), which `ic --help` never needs.
    from ic_console.store.errors import StoreError

    try:
        return handler(args, ctx)
    except (DomainError, StoreError, UsageError) as error:
        print(f"ic: {literal(str(error))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except OSError as error:
        where = f" ({error.filename})" if error.filename else ""
        print(f"ic: could not use the incident files{where}: {error.strerror}.", file=sys.stderr)
        return EXIT_FAILURE


def _undecodable(words: Sequence[str]) -> int | None:
    """The 1-based position of the first argument that was not valid UTF-8, or None.

    Python hands such bytes over as lone surrogates, which cannot be stored or printed.
    """
    for position, word in enumerate(words, start=1):
        try:
            word.encode("utf-8")
        except UnicodeEncodeError:
            return position
    return None


_DASH_VALUE = re.compile(r"^-\d")
_NEGATIVE_NUMBER = re.compile(r"^-\d+(\.\d+)?$")


def attach_dash_values(words: list[str]) -> list[str]:
    """Join `--at -10m` into `--at=-10m`.

    argparse takes any word starting with "-" (other than a plain negative number) for an
    option, so `--at -10m` or `--in -5m` would fail with "expected one argument" instead of
    reaching the domain's own clear message.
    """
    joined: list[str] = []
    for word in words:
        previous = joined[-1] if joined else ""
        if (
            _DASH_VALUE.match(word)
            and not _NEGATIVE_NUMBER.match(word)
            and previous.startswith("--")
            and "=" not in previous
            and previous != "--"
            and "--" not in joined
        ):
            joined[-1] = f"{previous}={word}"
        else:
            joined.append(word)
    return joined


def take_stray_words(
    parser: argparse.ArgumentParser, args: argparse.Namespace, extras: list[str]
) -> None:
    """Words after an option, as in `ic task assign Sam --in 5m "check it"`.

    argparse fills a list positional only up to the first option and leaves the rest over; a verb
    that sets `stray_words` (the name of its list positional) gets them appended in order. Any
    other leftover is an error, exactly as `parse_args` would report it.
    """
    dest: str | None = getattr(args, "stray_words", None)
    if dest is None or any(word.startswith("-") and len(word) > 1 for word in extras):
        parser.error(f"unrecognized arguments: {' '.join(extras)}")
    getattr(args, dest).extend(extras)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
