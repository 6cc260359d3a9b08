"""The console running a drill: the IC's console, plus the scenario's injects and the scorecard.

Everything the trainee does goes through the normal console (same keys, same commands). This
app adds the `DrillRunner`: it is stepped at every tick and poll and right after each of the
trainee's commands (so an inject waiting for "a task assigned to Jordan" follows at once), and
what it delivers is shown as a toast from the simulated person, in the log pane, with the bell.
It opens on the briefing, with the drill clock held until the trainee starts it. When the
trainee resolves the incident the drill is over and the scorecard is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ic_console.content.scenarios import Scenario
from ic_console.domain.commands import Command
from ic_console.domain.drill import StartDrillClock
from ic_console.domain.errors import DomainError
from ic_console.domain.events import Event
from ic_console.domain.model import Status
from ic_console.live.drill import Delivery, DrillClock, DrillRunner
from ic_console.review.scorecard import Scorecard, scorecard
from ic_console.review.source import load_events
from ic_console.store.errors import StoreError
from ic_console.tui.app import ConsoleApp
from ic_console.tui.screens.briefing import BriefingScreen
from ic_console.tui.screens.scorecard import ScorecardScreen
from ic_console.tui.settings import ConsoleSettings
from ic_console.tui.text import literal


class DrillApp(ConsoleApp):
    """The console with a scenario's injects on the drill clock (`settings.clock`)."""

    def __init__(
        self,
        settings: ConsoleSettings,
        scenario: Scenario,
        *,
        original: Sequence[Event] | None = None,
    ) -> None:
        super().__init__(settings)
        self.scenario = scenario
        #: The replayed incident's events (the answer key), for the scorecard.
        self.original = original
        self.runner: DrillRunner | None = None
        self.deliveries: list[Delivery] = []
        self.card: Scorecard | None = None
        #: The incident was resolved: the drill is over (the scorecard was shown once).
        self.ended = False

    @classmethod
    def around(
        cls, console: ConsoleApp, scenario: Scenario, original: Sequence[Event] | None = None
    ) -> DrillApp:
        """A drill app with the settings (and content problems) `make_app` gave `console`."""
        app = cls(console.settings, scenario, original=original)
        app.content_problems.extend(console.content_problems)
        return app

    # -- stepping the drill -----------------------------------------------------------------------

    def tick(self) -> None:
        super().tick()
        self.drill_step()

    def poll(self) -> None:
        super().poll()
        self.drill_step()

    def execute(
        self,
        command: Command,
        *,
        done: Callable[[], None] | None = None,
        refused: Callable[[str], None] | None = None,
    ) -> bool:
        recorded = super().execute(command, done=done, refused=refused)
        self.drill_step()
        return recorded

    def drill_step(self) -> None:
        """Deliver the injects due now; once the incident is resolved, show the scorecard."""
        live = self.live
        if live is None or self.live_screen is None:
            return
        if self.runner is None:
            self.runner = DrillRunner(live.store, self.scenario, self.settings.clock)
            self._brief()
            return
        clock = self.settings.clock
        if isinstance(clock, DrillClock) and clock.held:
            # The briefing is on screen: the people wait with the clock, so no toast covers
            # the briefing (a replay's whole call joins at minute 0).
            return
        if live.state.status is Status.ACTIVE:
            delivered = self.runner.tick()
            if not delivered:
                return
            self.deliveries.extend(delivered)
            self.push_state()
            for delivery in delivered:
                if delivery.line:
                    self.notify(literal(delivery.line), title="Drill", timeout=8)
            if self.settings.bell:
                self.bell()
        elif not self.ended:
            self.ended = True
            self.show_scorecard()

    def _brief(self) -> None:
        """The briefing over the console, the drill clock held until the trainee closes it."""
        clock = self.settings.clock
        if isinstance(clock, DrillClock):
            clock.hold()

        def started(_result: None) -> None:
            if isinstance(clock, DrillClock) and clock.held:
                clock.resume()
                self._record_clock_start(clock)
            self.push_state()

        trainee, speed = self.settings.actor, getattr(clock, "speed", 1.0)
        self.push_screen(BriefingScreen(self.scenario, trainee, speed), started)

    def _record_clock_start(self, clock: DrillClock) -> None:
        """Say in the log how long the clock was held, so `ic watch` keeps the same time."""
        live = self.live
        if live is None:
            return
        command = StartDrillClock(held_seconds=clock.held_for.total_seconds())
        try:
            live.store.execute(command, actor=self.scenario.paged_by)
        except (DomainError, StoreError, OSError) as error:
            self.notify(literal(f"The drill clock start was not recorded: {error}"))

    def show_scorecard(self) -> None:
        live = self.live
        if live is None:
            return
        try:
            events, _state, _notices = load_events(live.store.directory)
            self.card = scorecard(
                list(events), cadence=self.settings.cadence, original=self.original
            )
        except (StoreError, OSError, ValueError) as error:
            self.notify(
                literal(f"The scorecard could not be made: {error}"), severity="error", timeout=30
            )
            return
        self.push_screen(ScorecardScreen(self.card))
