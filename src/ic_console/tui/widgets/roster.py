"""Roster and roles: who holds each role, the experts, who is on the call and for how long.

When the pane cannot hold everyone on the call, the list ends with how many are not shown
("+6 more"), so a short pane never passes for a short call.
"""

from __future__ import annotations

from datetime import datetime

from rich.table import Table
from rich.text import Text
from textual import events
from textual.widgets import Static

from ic_console.domain.durations import format_duration
from ic_console.domain.model import ROTATE_AFTER, SINGLE_ROLES, Role
from ic_console.domain.state import IncidentState, Participant
from ic_console.domain.teams import Team, active_teams
from ic_console.tui.text import literal

#: The widest role label ("Incident Commander"): the first column is never cut below it.
_LABEL = max(len(role.label) for role in SINGLE_ROLES)
#: What a drawn roster looks like, cell by cell (text and style): equal keys draw the same.
_Key = tuple[tuple[tuple[str, str], ...], ...]


class Roster(Static):
    """Rebuilt at each tick so time on the call stays current, but only redrawn when a cell
    changed: times on the call move by the minute, and a call of 500 people would otherwise
    lay out and paint 500 rows every second and after every log line."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 (Textual's own name)
        super().__init__(id=id)
        self._state: IncidentState | None = None
        self._now: datetime | None = None
        self.others: list[str] = []
        self._shown: _Key | None = None

    def show_others(self, labels: list[str]) -> None:
        """Other consoles on this incident, e.g. "Dana (Deputy)"."""
        self.others = labels
        if self._now is not None:
            self.tick(self._now)

    def show(self, state: IncidentState, now: datetime) -> None:
        self._state = state
        self.tick(now)

    def on_resize(self, event: events.Resize) -> None:
        if self._now is not None:
            self.tick(self._now)

    def tick(self, now: datetime) -> None:
        state = self._state
        self._now = now
        height = self.content_size.height
        if state is None or height <= 0:
            # Not laid out yet (the first state comes before the first frame): without a
            # height the table would hold every person on the call, 500 rows drawn once and
            # thrown away. The first resize draws it at its height.
            return
        table, key = self._table(state, now, height, self.content_size.width)
        if key == self._shown:
            return
        self._shown = key
        # Its height is the pane's (1fr, console.tcss), never its text's: no layout needed.
        self.update(table, layout=False)

    def _table(
        self, state: IncidentState, now: datetime, height: int, width: int = 0
    ) -> tuple[Table, _Key]:
        """The roster in `height` rows (no limit before layout, when 0), and its key (every
        cell's text and style) to tell whether it changed. Long because it lays out the roles,
        the experts, the people on the call and "+N more" in one pass over the rows left."""
        grid = Table.grid(padding=(0, 1), expand=True)
        # The first column holds the role names and the names of the people on the call: one
        # name of 64 wide characters took the whole row, and every role holder beside it was
        # cut to nothing ("Incident Commander" and a blank). Cut at half the pane.
        grid.add_column(no_wrap=True, overflow="ellipsis", max_width=max(_LABEL, width // 2))
        grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        grid.add_column(no_wrap=True, justify="right")
        rows: list[tuple[tuple[str, str], ...]] = []

        def add(*cells: Text | str) -> None:
            grid.add_row(*cells)
            rows.append(
                tuple(
                    (cell.plain, f"{cell.style}|{cell.spans}")
                    if isinstance(cell, Text)
                    else (cell, "")
                    for cell in cells
                )
            )

        for role in SINGLE_ROLES:
            holder = state.holder(role)
            if holder is None:
                name = Text("vacant", style="dim italic")
                if role is Role.IC:
                    name = Text("nobody: take command", style="bold")
            else:
                name = Text(literal(holder))
            add(Text(role.label, style="bold"), name, "")
        if state.smes:
            experts = Text(", ".join(literal(name) for name in state.smes))
        else:
            experts = Text("none yet", style="dim italic")
        add(Text("Experts", style="bold"), experts, "")
        on_call = state.on_call()
        released = [p for p in state.participants.values() if not p.on_call]
        rotate = any(p.should_rotate(now) for p in on_call)
        people, teams = _by_team(state, on_call)
        # Rows besides the people: the title, released, other consoles; then, while there is
        # room for everyone, a blank line above the title and the rotation hint below.
        fixed = len(rows) + 1 + int(bool(released)) + int(bool(self.others)) + len(teams)
        spacer, hint_row = True, rotate
        if height > 0 and fixed + 1 + int(rotate) + len(people) > height:
            spacer, hint_row = False, False
        room = height - fixed - int(spacer) - int(hint_row) if height > 0 else len(people)
        shown = people if len(people) <= room else people[: max(0, room - 1)]
        if spacer:
            add("", "", "")
        add(Text(f"On the call ({len(on_call)})", style="bold underline"), "", "")
        heading: str | None = None
        for person in shown:
            team = teams.get(person.name)
            if team is not None and team.name != heading:
                # People under their team and its lead, the lead first (issue 15).
                heading = team.name
                goal = f" · {literal(team.goal)}" if team.goal else ""
                add(
                    Text(f"Team {literal(team.name)}", style="bold"),
                    Text(f"lead {literal(team.lead)}{goal}", style="dim"),
                    "",
                )
            held = ", ".join(role.label for role in state.roles_of(person.name))
            if team is not None and team.lead == person.name:
                held = ", ".join(x for x in (f"{team.name} lead", held) if x)
            on_call_for = format_duration(person.time_on_call(now))
            name = Text(("  " if team is not None else "") + literal(person.name))
            roles = Text(held, style="dim")
            minutes = Text(on_call_for)
            if person.should_rotate(now):
                name.stylize("bold")
                minutes = Text(f"{on_call_for} · rotate?", style="bold")
            add(name, roles, minutes)
        if len(shown) < len(people):
            add(Text(f"+{len(people) - len(shown)} more", style="bold"), "", "")
        if released:
            names = ", ".join(literal(p.name) for p in released)
            add(Text("Released", style="dim"), Text(names, style="dim"), "")
        if self.others:
            consoles = ", ".join(literal(label) for label in self.others)
            add(Text("Also open", style="dim"), Text(consoles, style="dim"), "")
        hint = f"Rotate people after about {format_duration(ROTATE_AFTER)} on the call."
        if hint_row:
            add("", Text(hint, style="italic"), "")
        return grid, tuple(rows)


def _by_team(
    state: IncidentState, on_call: list[Participant]
) -> tuple[list[Participant], dict[str, Team]]:
    """The people on the call in order: those in no team first (by when they joined), then
    each team in the order it was formed, its lead first; and the team of each member."""
    teams = active_teams(state)
    member_of = {name: team for team in teams for name in team.members}
    order = {team.name: index for index, team in enumerate(teams)}

    def key(person: Participant) -> tuple[int, bool, datetime]:
        team = member_of.get(person.name)
        if team is None:
            return (-1, False, person.joined_at)
        return (order[team.name], person.name != team.lead, person.joined_at)

    return sorted(on_call, key=key), member_of
