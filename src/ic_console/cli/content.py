"""`ic config path|show|check` and `ic content check|list`: see and validate the user's files
before an incident, not during one.

Validation problems print one per line as "file:line: field: what was expected" and exit 2.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ic_console.cli import EXIT_OK, EXIT_USAGE, Context, verb

if TYPE_CHECKING:
    from ic_console.content.config import Config
    from ic_console.content.problems import ContentProblem

    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]


def register(sub: SubParsers) -> None:
    """Add the config and content verbs to `ic`."""
    config = verb(
        sub,
        "config",
        config_command,
        "Show where config.toml is, print the settings in effect, or check the file.",
        reads_config=False,
    )
    config.add_argument(
        "action",
        choices=("path", "show", "check"),
        help="path: where the file is; show: the settings in effect; check: validate the file "
        "and list every problem",
    )
    config.add_argument(
        "--json", action="store_true", help="with show: print the settings as JSON instead of TOML"
    )
    content = verb(
        sub,
        "content",
        content_command,
        "Check or list runbooks, checklists and the phrasebook (shipped and your own).",
        reads_config=False,
    )
    content.add_argument(
        "action",
        choices=("check", "list"),
        help="check: validate every file in DIR; list: what the console will show",
    )
    content.add_argument(
        "dir",
        nargs="?",
        metavar="DIR",
        help="a content directory with runbooks/, checklists/ and phrasebook.toml "
        "(default: content_dir from config.toml, else the directory config.toml is in)",
    )
    content.add_argument(
        "--content",
        dest="content_dir",
        metavar="DIR",
        help="same as DIR",
    )
    content.add_argument(
        "--json", action="store_true", help="with list: print JSON instead of text"
    )


# -- ic config -----------------------------------------------------------------------------------


def config_command(args: argparse.Namespace, ctx: Context) -> int:
    from ic_console.content.config import load_config
    from ic_console.content.paths import config_path

    path = config_path()
    if args.action == "path":
        print(path, file=ctx.out)
        return EXIT_OK
    config, problems = load_config(path)
    if problems:
        _print_problems(problems, ctx)
        return EXIT_USAGE
    if args.action == "check":
        from ic_console.tui.config import ConfigError, check_keymap, check_theme

        try:
            check_keymap(config)  # what the console would refuse to start with
            check_theme(config)
        except ConfigError as error:
            print(f"ic: {path}: {error}", file=ctx.err)
            return EXIT_USAGE
        if path.is_file():
            print(f"{path}: valid.", file=ctx.out)
        else:
            print(f"No config file at {path}; the defaults are in effect.", file=ctx.out)
        return EXIT_OK
    if args.json:
        settings = _settings(config)
        settings["source"] = str(path) if path.is_file() else None
        print(json.dumps(settings, indent=2, ensure_ascii=False), file=ctx.out)
        return EXIT_OK
    print(_config_toml(config, path), file=ctx.out, end="")
    return EXIT_OK


def _settings(config: Config) -> dict[str, Any]:
    """The settings in effect, for TOML or JSON; unset optional keys are left out."""
    from ic_console.domain.durations import format_duration

    optional = {
        "name": config.name,
        "theme": config.theme,
        "holiday_country": config.holiday_country,
        "holiday_subdivision": config.holiday_subdivision,
    }
    return {
        **{key: value for key, value in optional.items() if value is not None},
        "bell": config.bell,
        "content_dir": str(config.content_directory()),
        "keymap": dict(config.keymap),
        "severity": [
            {
                "level": info.level,
                "name": info.name,
                "description": info.description,
                "update_every": format_duration(info.update_every).replace(" ", "")
                if info.update_every
                else "never",
            }
            for info in config.severities.values()
        ],
        # Alerts, hooks, the status page and follow-ups (issue 17); unset values left out.
        "alerts": {
            "default_severity": config.alerts.default_severity,
            "severity": config.alerts.severity_table(),
        },
        "hook_timeout": format_duration(config.hook_timeout).replace(" ", ""),
        "hooks": dict(config.hooks),
        "status": config.status.model_dump(mode="json", exclude_none=True),
        "followups": config.followups.model_dump(mode="json", exclude_none=True),
    }


def _config_toml(config: Config, path: Path) -> str:
    import tomli_w

    source = "from " + str(path) if path.is_file() else f"defaults; no file at {path}"
    optional = {
        "name": config.name,
        "theme": config.theme,
        "holiday_country": config.holiday_country,
        "holiday_subdivision": config.holiday_subdivision,
    }
    unset = [key for key, value in optional.items() if value is None]
    settings = _settings(config)
    header = f"# The settings in effect ({source}).\n"
    if unset:
        header += f"# Not set: {', '.join(unset)}.\n"
    return header + tomli_w.dumps(settings)


# -- ic content ----------------------------------------------------------------------------------


def content_command(args: argparse.Namespace, ctx: Context) -> int:
    from ic_console.content.config import load_config

    config, config_problems = load_config()
    given = args.dir or args.content_dir
    directory = Path(given).expanduser() if given else config.content_directory()
    if args.action == "check":
        return _check(directory, explicit=bool(given), ctx=ctx)
    if config_problems:
        _print_problems(config_problems, ctx)
    if args.json:
        return _list_json(directory, ctx)
    return _list(directory, ctx)


def _check(directory: Path, *, explicit: bool, ctx: Context) -> int:
    from ic_console.content.library import check_directory, load_library, load_scenarios

    shipped = load_library([])
    scenarios, scenario_problems = load_scenarios([])
    if shipped.problems or scenario_problems:  # a broken installation: say so plainly
        _print_problems([*shipped.problems, *scenario_problems], ctx)
        return EXIT_USAGE
    count, problems = (
        (0, []) if not directory.exists() and not explicit else check_directory(directory)
    )
    if count == 0 and not problems and not explicit:
        print(
            f"No content of your own at {directory}; the shipped content is valid "
            f"({len(shipped.checklists)} checklists, {len(shipped.runbooks)} runbooks, "
            f"{len(shipped.phrasebook)} phrases, {len(scenarios)} drill scenarios).",
            file=ctx.out,
        )
        return EXIT_OK
    if problems:
        _print_problems(problems, ctx)
        files = "file" if count == 1 else "files"
        print(f"ic: {len(problems)} problem(s) in {count} {files} under {directory}.", file=ctx.err)
        return EXIT_USAGE
    print(f"{directory}: {count} file(s) checked, all valid.", file=ctx.out)
    return EXIT_OK


def _list(directory: Path, ctx: Context) -> int:
    from ic_console.content.library import load_library
    from ic_console.content.paths import shipped_dir

    library = load_library([directory])
    shipped = shipped_dir()

    def origin(source: Path | None) -> str:
        if source is None:
            return ""
        return "shipped" if source.is_relative_to(shipped) else str(source)

    print("Checklists:", file=ctx.out)
    for checklist in library.checklists.values():
        when = ", ".join(checklist.when)
        print(
            f"  {checklist.id:<22} {checklist.title}  [{checklist.role}; {when}]"
            f"  ({origin(checklist.source)})",
            file=ctx.out,
        )
    print("Runbooks:", file=ctx.out)
    for runbook in library.runbooks.values():
        print(f"  {runbook.id:<30} {runbook.title}  ({origin(runbook.source)})", file=ctx.out)
    own = [p for p in library.phrasebook.phrases.values() if origin(p.source) != "shipped"]
    print(
        f"Phrasebook: {len(library.phrasebook)} situations"
        + (f", {len(own)} from {own[0].source}" if own else ", all shipped"),
        file=ctx.out,
    )
    if library.problems:
        _print_problems(library.problems, ctx)
    return EXIT_OK


def _list_json(directory: Path, ctx: Context) -> int:
    """`ic content list --json`: the same items, for a program; problems still go to stderr."""
    from ic_console.content.library import load_library
    from ic_console.content.paths import shipped_dir

    library = load_library([directory])
    shipped = shipped_dir()

    def origin(source: Path | None) -> str | None:
        if source is None:
            return None
        return "shipped" if source.is_relative_to(shipped) else str(source)

    data = {
        "directory": str(directory),
        "checklists": [
            {
                "id": checklist.id,
                "title": checklist.title,
                "role": checklist.role,
                "when": list(checklist.when),
                "source": origin(checklist.source),
            }
            for checklist in library.checklists.values()
        ],
        "runbooks": [
            {"id": runbook.id, "title": runbook.title, "source": origin(runbook.source)}
            for runbook in library.runbooks.values()
        ],
        "phrasebook": [
            {"situation": key, "source": origin(phrase.source)}
            for key, phrase in library.phrasebook.phrases.items()
        ],
    }
    print(json.dumps(data, indent=2, ensure_ascii=False), file=ctx.out)
    if library.problems:
        _print_problems(library.problems, ctx)
    return EXIT_OK


def _print_problems(problems: list[ContentProblem], ctx: Context) -> None:
    for problem in problems:
        print(str(problem), file=ctx.err)
