"""The `ic` command. Each area registers its verbs from its own module; none imports Textual
at module level, so `ic --help` and every scripted verb start fast.

Errors a person can cause (bad input, a refused command, a missing incident) print one line on
stderr and exit with code 2; there is never a traceback.

Long (about 650 lines) because it holds the one parser every verb registers with, the
verb-to-module table (`VERB_HOMES`), the top-level help text and `main`'s handling of standard
streams that are closed, full or gone (`Output`, `ClosedOutput`), which every verb shares; the
verbs themselves live in their own modules.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol

from ic_console import __version__
from ic_console.domain.clock import Clock, SystemClock
from ic_console.domain.errors import DomainError
from ic_console.domain.text import literal

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

    from ic_console.content.config import Config

#: Modules that add verbs, in the order their verbs appear in `ic --help`.
VERB_MODULES = (
    "ic_console.cli.declare",
    "ic_console.cli.people",
    "ic_console.cli.tasks",
    "ic_console.cli.progress",
    "ic_console.cli.command_scale",
    "ic_console.cli.console",
    "ic_console.cli.review",
    "ic_console.cli.search",
    "ic_console.cli.content",
    "ic_console.cli.run_command",
    "ic_console.cli.tail",
    "ic_console.cli.publish",
    "ic_console.cli.drill",
    "ic_console.cli.completion",
    "ic_console.cli.sync",
)

#: The module that adds each verb, so that `ic VERB ...` imports that module alone (a verb
#: module loads what its handlers need; all of them cost `ic search` more than its search). A
#: verb missing here still works: every module is imported, as for `ic --help`. Add a new verb's
#: line here too; tests/test_search_fast.py checks this against what the modules register.
VERB_HOMES = {
    "new": "ic_console.cli.declare",
    "list": "ic_console.cli.declare",
    "show": "ic_console.cli.declare",
    "join": "ic_console.cli.people",
    "release": "ic_console.cli.people",
    "role": "ic_console.cli.people",
    "handover": "ic_console.cli.people",
    "task": "ic_console.cli.tasks",
    "decide": "ic_console.cli.tasks",
    "log": "ic_console.cli.progress",
    "sev": "ic_console.cli.progress",
    "phase": "ic_console.cli.progress",
    "update": "ic_console.cli.progress",
    "resolve": "ic_console.cli.progress",
    "close": "ic_console.cli.progress",
    "reopen": "ic_console.cli.progress",
    "team": "ic_console.cli.command_scale",
    "exit": "ic_console.cli.command_scale",
    "open": "ic_console.cli.console",
    "watch": "ic_console.cli.console",
    "demo": "ic_console.cli.console",
    "review": "ic_console.cli.review",
    "postmortem": "ic_console.cli.review",
    "export": "ic_console.cli.review",
    "search": "ic_console.cli.search",
    "config": "ic_console.cli.content",
    "content": "ic_console.cli.content",
    "run": "ic_console.cli.run_command",
    "tail": "ic_console.cli.tail",
    "followups": "ic_console.cli.publish",
    "status": "ic_console.cli.publish",
    "drill": "ic_console.cli.drill",
    "completion": "ic_console.cli.completion",
    "sync": "ic_console.cli.sync",
}

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
#: Whoever read the output stopped reading (`ic show | head -1`): 128 + SIGPIPE, as the shell
#: reports for a program its signal ended, and nothing on stderr.
EXIT_PIPE = 141

#: The end of `ic --help`: what the environment changes, and what the exit codes mean.
HELP_EPILOG = """\
environment variables:
  IC_CONSOLE_HOME    the data directory (as --home)
  IC_CONSOLE_USER    who is acting when config.toml has no name (as --as)
  IC_CONSOLE_CONFIG  the config file to read instead of the platform's config.toml
  NO_COLOR           set (to anything) for output without colour

exit codes:
  0    done (also a search with no match)
  1    the files could not be read or written, standard output could not be written (a full
       disk) or is closed, the sync remote failed, or a console verb has no terminal
  2    bad input, a refused command or a broken config.toml: one line on stderr says why
  141  the output's reader stopped reading (`ic show | head -1`): quietly, as for SIGPIPE
"""


class UsageError(Exception):
    """The command line was wrong; the message says how to write it."""


class OutputFailed(OSError):
    """Writing standard output failed (`ic list > /dev/full`, an I/O error): the output's
    failure, not the incident files'. An OSError still, so a verb that carries on without its
    output (`ic run` keeps logging the command) goes on catching it."""

    def __init__(self, error: OSError) -> None:
        super().__init__(error.errno, error.strerror)
        self.error = error


class Output:
    """Standard output as the verbs write it: its own write errors become `OutputFailed`, so
    `main` can tell them from the incident files' (both are OSErrors with the same errno). A
    closed pipe stays a BrokenPipeError, which ends the verb quietly. Everything else (isatty,
    encoding, fileno) is the stream's own."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, data: Any) -> int:
        try:
            return int(self._stream.write(data))
        except BrokenPipeError:
            raise
        except OSError as error:
            raise OutputFailed(error) from error

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as error:
            raise OutputFailed(error) from error

    @property
    def buffer(self) -> Any:
        """The byte stream under a text stream (`ic run` copies bytes), guarded the same way;
        AttributeError when there is none, as for the stream itself."""
        return Output(self._stream.buffer)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class ClosedOutput:
    """Standard output when there is none (`ic show >&-`: Python's sys.stdout is None): it
    cannot be written, as `> /dev/full` cannot, so the verb ends the same way ("could not
    write the output", exit 1) and not with AttributeError's traceback. Nothing waiting is no
    failure: flushing it does nothing."""

    encoding = "utf-8"
    errors = "strict"
    closed = False

    def write(self, _data: Any) -> int:
        raise OutputFailed(OSError(errno.EBADF, "standard output is closed"))

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise OSError(errno.EBADF, "standard output is closed")

    @property
    def buffer(self) -> ClosedOutput:
        return self


class NeedsTerminal(Exception):
    """A console verb was run without a terminal to draw on (exit 1, at once)."""


class Handler(Protocol):
    def __call__(self, args: argparse.Namespace, ctx: Context) -> int: ...


class Context:
    """What every verb needs: where the data lives, who is acting, what time it is.

    A plain class, not a dataclass: `dataclasses` loads `inspect`, ~9 ms of every `ic` start.
    """

    def __init__(
        self,
        home: Path,
        actor_given: str | None,
        clock: Clock | None = None,
        out: Any = None,
        err: Any = None,
        _config: Config | None = None,
    ) -> None:
        self.home = home
        self.actor_given = actor_given
        self.clock: Clock = clock if clock is not None else SystemClock()
        self.out: Any = out if out is not None else Output(sys.stdout)
        self.err: Any = err if err is not None else sys.stderr
        self._config = _config

    @property
    def config(self) -> Config:
        """config.toml, loaded once for the whole run; a broken file stops the verb.

        Its severity names become the names every face shows and accepts.
        """
        if self._config is None:
            # Imported here: the config loader pulls in pydantic, which `ic --help` never needs.
            from ic_console.content.config import load_config
            from ic_console.domain.model import use_severity_names

            config, problems = load_config(checked=self._stamp_config)
            if problems:
                more = f" ({len(problems)} problems)" if len(problems) > 1 else ""
                first = str(problems[0]).rstrip(".")
                raise UsageError(
                    f"config.toml cannot be used{more}, so nothing was done: {first}. "
                    "`ic config check` lists every problem."
                )
            use_severity_names(config.severity_names())
            self._config = config
        return self._config

    def _stamp_config(self, path: Path, data: bytes, config: Config) -> None:
        """Note in the data root that these bytes of config.toml were checked, for the verbs
        that start without the checker (`ic search`, `content.config_stamp`)."""
        from ic_console.content.config_stamp import write_stamp

        write_stamp(self.home, path, data, config.severity_names())

    @property
    def actor(self) -> str:
        """--as, else the configured name, else $IC_CONSOLE_USER or the OS user."""
        if self.actor_given:
            return self.actor_given
        configured = self.config.name
        if configured:
            return configured
        given = os.environ.get("IC_CONSOLE_USER")
        if given and not given.strip():
            raise UsageError(
                "$IC_CONSOLE_USER is only spaces: set it to the name to record entries under, "
                "or give --as NAME."
            )
        # Imported here: the store package loads pydantic, which `ic --help` never needs.
        from ic_console.store.paths import os_user

        return os_user()


def lazy_import(name: str) -> ModuleType:
    """A module that is loaded on first attribute access, so `ic --help` never pays for the
    pydantic models behind the verbs (importlib's documented LazyLoader recipe)."""
    if name in sys.modules:
        return sys.modules[name]
    import importlib.util  # here: `ic search` never needs it

    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ImportError(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module


def build_parser(words: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The `ic` parser: with every verb, or, given the command line `words` and a verb in
    `VERB_HOMES`, with the verbs of that verb's module alone (which parse it the same way)."""
    parser = HelpParser(
        prog="ic",
        description="An incident commander's console for the terminal. "
        "With no verb, opens the console on the active incident.",
        epilog=HELP_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-V", "--version", action="version", version=f"ic-console {__version__}")
    add_common(parser, top=True)
    sub = parser.add_subparsers(dest="verb", metavar="VERB")
    named = verb_of(words) if words is not None else None
    home = VERB_HOMES.get(named) if named is not None else None
    for name in VERB_MODULES if home is None else (home,):
        # By name, not at the top: each verb module imports `verb` and `Context` from here.
        importlib.import_module(name).register(sub)
    return parser


class HelpParser(argparse.ArgumentParser):
    """argparse's parser, whose help and version reach stdout or say they could not: argparse
    drops a write error when it prints (`ic --help > /dev/full` exited 0 with nothing said).
    A failed stdout raises as every verb's does (`main` says so, exit 1; a closed pipe 141);
    stderr (usage errors) is left as argparse writes it. The verbs' parsers are of this class
    too (`add_subparsers` makes its own class's)."""

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        if message and file is not None and file is sys.stdout:
            Output(file).write(message)
            Output(file).flush()
            return
        super()._print_message(message, file)


def verb_of(words: Sequence[str]) -> str | None:
    """The verb a command line names; None when it names none, or argparse might read it
    otherwise (an option other than --home and --as before it: -h, an abbreviation...)."""
    value_next = False
    for word in words:
        if value_next:
            value_next = False
        elif word in ("--home", "--as"):
            value_next = True
        elif word.startswith(("--home=", "--as=")):
            continue
        elif word.startswith("-"):
            return None
        else:
            return word
    return None


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
        help="who is acting (default: name in config.toml, else $IC_CONSOLE_USER, else the "
        "login name); it may not be empty",
    )


def verb(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    handler: Handler,
    help_text: str,
    *,
    reads_config: bool = True,
    **kwargs: Any,
) -> argparse.ArgumentParser:
    """Add a verb with the common options and its handler.

    A verb that `reads_config` stops on a broken config.toml before it does anything; only the
    verbs that inspect the configuration itself (`ic config`, `ic content`) go on.
    """
    parser = sub.add_parser(name, help=help_text, description=help_text, **kwargs)
    add_common(parser)
    parser.set_defaults(handler=handler, reads_config=reads_config)
    return parser


def make_context(args: argparse.Namespace) -> Context:
    """The context of one run; an empty --as, or a --home that cannot be a folder, is refused."""
    # Imported here: the store package loads pydantic, which `ic --help` never needs.
    from ic_console.store.paths import HOME_ENV, data_root

    actor: str | None = args.actor
    if actor is not None and not actor.strip():
        raise UsageError(
            "--as is empty: give the name of who is acting, like --as Alex, or leave --as out "
            "to act under your configured name."
        )
    home: str | None = getattr(args, "home", None)
    if home is not None:
        _check_home(home, "--home")
    else:
        env = os.environ.get(HOME_ENV)
        if env:
            _check_home(env, f"${HOME_ENV}")
    return Context(home=data_root(home), actor_given=actor.strip() if actor else None)


def _check_home(given: str, where: str) -> None:
    """The data directory must be a folder (or not exist yet, to be made)."""
    if not given.strip():
        raise UsageError(
            f"{where} is empty: give the data directory, like {where.lstrip('$')}=~/incidents, "
            f"or leave it out to use the default."
            if where.startswith("$")
            else "--home is empty: give the data directory, like --home ~/incidents, or leave "
            "it out to use $IC_CONSOLE_HOME or the platform's data directory."
        )
    path = Path(given).expanduser()
    if path.exists() and not path.is_dir():
        raise UsageError(
            f"{where} {given} is a file, not a directory: give the folder that holds (or will "
            "hold) the incidents, like ~/incidents."
        )


def main(argv: Sequence[str] | None = None) -> int:
    """Run one verb; a closed stdout (`ic show | head -1`) ends it quietly with 141, a stdout
    that cannot be written (a full disk) with one line and 1."""
    _stand_in_for_closed_streams()
    _escape_what_cannot_be_shown()
    try:
        code = _main(argv)
        sys.stdout.flush()  # here, not at exit, where Python would print the broken pipe
    except BrokenPipeError:
        return _stdout_closed()
    except OSError as error:  # `OutputFailed` from the verb, or the flush above
        return _stdout_failed(error.error if isinstance(error, OutputFailed) else error)
    return code


def _stand_in_for_closed_streams() -> None:
    """A closed stdout (`>&-`) is one that cannot be written (`ClosedOutput`); a closed stderr
    is os.devnull, so messages are dropped, not printed on stdout (print's `file=None`). Their
    file descriptors are held on os.devnull too, so no file this run opens takes their place."""
    for fd in (1, 2):
        try:
            os.fstat(fd)
        except OSError:
            devnull = os.open(os.devnull, os.O_WRONLY)
            if devnull != fd:
                os.dup2(devnull, fd)
                os.close(devnull)
    if sys.stdout is None:
        sys.stdout = ClosedOutput()
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (for the run)


def _escape_what_cannot_be_shown() -> None:
    """A terminal whose encoding cannot show some of the text (PYTHONIOENCODING=ascii, a
    Latin-1 locale, and a title in Chinese) gets those characters as \\uXXXX escapes, which
    also keep `--json` output valid JSON: `ic show`, `list`, `tail` and `search` printed
    UnicodeEncodeError's traceback instead."""
    import codecs
    import contextlib

    codecs.register_error(ESCAPE_ERRORS, _escape_unshown)
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None or getattr(stream, "errors", "strict") != "strict":
            continue
        with contextlib.suppress(ValueError, OSError):  # a stream that cannot change
            reconfigure(errors=ESCAPE_ERRORS)


#: The codec error handler that writes what an encoding cannot hold as JSON-style escapes.
ESCAPE_ERRORS = "ic-escape"


def _escape_unshown(error: UnicodeError) -> tuple[str, int]:
    """`\\u652f` for each character the encoding has no room for (a pair of them, as JSON
    writes it, beyond the 16-bit range)."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    escapes: list[str] = []
    for character in error.object[error.start : error.end]:
        code = ord(character)
        if code > 0xFFFF:
            code -= 0x10000
            escapes.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
        else:
            escapes.append(f"\\u{code:04x}")
    return "".join(escapes), error.end


def _stdout_closed() -> int:
    """The reader of stdout went away: no message (it has no reader either) and no traceback
    when Python flushes stdout at exit (the recipe of Python's `signal` documentation)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no file descriptor to point elsewhere (a test's capture)
        pass
    return EXIT_PIPE


def _stdout_failed(error: OSError) -> int:
    """Standard output could not be written: say so (stderr may still work), then let go of
    what is left in its buffer, which Python would otherwise try again at exit and report as
    "Exception ignored" with status 120. Only here: output that was written is never dropped."""
    import contextlib

    reason = error.strerror or str(error)
    with contextlib.suppress(OSError):  # stderr fails too: the status still says it
        print(f"ic: could not write the output: {reason}.", file=sys.stderr)
    _stdout_closed()
    return EXIT_FAILURE


def _main(argv: Sequence[str] | None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    undecodable = _undecodable(words)
    if undecodable is not None:
        print(
            f"ic: argument {undecodable} is not valid UTF-8 text (check the terminal's or "
            "the script's encoding); nothing was done.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    words = attach_dash_values(words)
    completing = "_ARGCOMPLETE" in os.environ  # the shell asks for completions (`ic completion`)
    parser = build_parser(None if completing else words)
    if completing:
        from ic_console.cli.completion import complete

        complete(parser)
    try:
        args, extras = parser.parse_known_args(words)
        if extras:
            take_stray_words(parser, args, extras)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        # `ic` alone opens the console. Imported here: a verb module importing this one.
        from ic_console.cli.console import default as open_console

        handler = open_console
    # Imported here: the store loads the event models (pydantic), which `ic --help` never needs.
    from ic_console.store.errors import FilesUnwritable, StoreError

    try:
        ctx = make_context(args)
        if getattr(args, "reads_config", True):
            _ = ctx.config  # a broken config.toml stops the verb before anything is done
        return handler(args, ctx)
    except FilesUnwritable as error:
        print(f"ic: {literal(str(error))}", file=sys.stderr)
        return EXIT_FAILURE
    except (DomainError, StoreError, UsageError) as error:
        print(f"ic: {literal(str(error))}", file=sys.stderr)
        return EXIT_USAGE
    except NeedsTerminal as error:
        print(f"ic: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 130
    except RecursionError:
        # The TOML and JSON readers give up on brackets nested thousands deep (a config.toml,
        # a content file or a payload written to break them) with a traceback of 1,000 frames.
        print(
            "ic: a file is nested too deeply to read (brackets inside brackets, thousands "
            "deep): check config.toml (`ic config path`) and your content files "
            "(`ic content check`).",
            file=sys.stderr,
        )
        return EXIT_USAGE
    except (BrokenPipeError, OutputFailed):
        raise  # stdout was closed or failed, not the incident files: `main` says which
    except OSError as error:
        where = f" ({error.filename})" if error.filename else ""
        print(f"ic: could not use the incident files{where}: {error.strerror}.", file=sys.stderr)
        return EXIT_FAILURE
    finally:
        if "ic_console.domain.model" in sys.modules:
            # The configured names hold for this run only (tests run many in one process).
            sys.modules["ic_console.domain.model"].use_severity_names({})


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
