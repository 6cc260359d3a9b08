"""`make_app`: the console as the CLI and the tests build it, from the user's configuration."""

from __future__ import annotations

from datetime import tzinfo
from pathlib import Path

from ic_console.content.config import Config
from ic_console.content.library import load_library
from ic_console.content.phrasebook import Phrasebook
from ic_console.domain.clock import Clock, SystemClock
from ic_console.tui.app import ConsoleApp
from ic_console.tui.config import check_keymap, check_theme
from ic_console.tui.settings import ConsoleSettings


def make_app(
    home: Path,
    actor: str,
    *,
    incident_id: str | None = None,
    clock: Clock | None = None,
    config: Config | None = None,
    phrasebook: Phrasebook | None = None,
    zone: tzinfo | None = None,
    background_load: bool = True,
    watch: bool = False,
    read_only: bool = False,
    sync: bool = True,
) -> ConsoleApp:
    """The console as the CLI and the tests build it; raises ConfigError for a bad config."""
    config = config or Config()
    library = load_library([config.content_directory()])
    problems = library.problems
    if phrasebook is None:
        phrasebook = library.phrasebook
    else:
        problems = [p for p in problems if p.path.name != "phrasebook.toml"]
    settings = ConsoleSettings(
        home=home,
        actor=actor,
        clock=clock or SystemClock(),
        incident_id=incident_id,
        bell=config.bell,
        keymap=check_keymap(config),
        cadence=config.cadence(),
        zone=zone,
        phrasebook=phrasebook,
        checklists=list(library.checklists.values()),
        runbooks=list(library.runbooks.values()),
        background_load=background_load,
        watch=watch,
        read_only=read_only,
        sync=sync,
    )
    app = ConsoleApp(settings)
    app.content_problems.extend(problems)
    theme = check_theme(config)
    if theme is not None:
        settings.theme = theme
    return app
