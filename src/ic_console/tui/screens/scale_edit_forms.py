"""Changing what was set up for a large incident (issue 15): a team's new lead, a dropped exit
criterion, and what handing command to someone in a team means for that team."""

from __future__ import annotations

from ic_console.domain import scale as s
from ic_console.domain.describe import new_lead_sentence
from ic_console.domain.exit_criteria import ExitCriterion
from ic_console.domain.situations import BLANK_NAME
from ic_console.domain.state import IncidentState
from ic_console.domain.teams import Team, direct_reports, led_by, team_of
from ic_console.domain.text import clean_name
from ic_console.live.pinned import pin
from ic_console.tui.screens.form_fields import Values, confirm_form
from ic_console.tui.screens.forms import CommandForm, FormField


def _candidates(state: IncidentState, team: Team) -> list[str]:
    """Whom to offer as the team's new lead: its members first, then people reporting to the
    Incident Commander directly who lead no team."""
    members = [m for m in team.members if m != team.lead]
    free = [n for n in direct_reports(state) if led_by(state, n) is None and n not in members]
    return members + free


def change_team_lead(state: IncidentState, team: Team) -> CommandForm:
    offered = _candidates(state, team)
    hint = offered[0] if offered else ""

    def sentence(typed: Values) -> str:
        lead = typed.get("lead", "").strip() or hint or BLANK_NAME
        return (
            f'{team.lead} stays in the team. Say: "{new_lead_sentence(team.name, lead, team.goal)}"'
        )

    return CommandForm(
        f"Change the lead of team {team.name}",
        [
            FormField(
                "lead",
                f"Who leads team {team.name} now?",
                clean_name,
                placeholder=f"a name, e.g. {hint}" if hint else "a name",
                suggestions=offered,
            )
        ],
        lambda v: s.ChangeTeamLead(team=team.name, lead=v["lead"]),
        sentence=sentence,
        form_id="form-team-lead",
    )


def drop_exit_criterion(criterion: ExitCriterion, state: IncidentState) -> CommandForm:
    """Dropping `criterion`, as `state` (the palette's) shows it: held to that criterion should
    another laptop's take its number before Enter (`live.pinned`)."""
    return confirm_form(
        f"Drop exit criterion {criterion.number}?",
        f"{criterion.number}. {criterion.text}\nIt no longer counts toward resolving; the review "
        "shows it as dropped. To reword it, drop it and add the new wording.",
        pin(state, s.DropExitCriterion(number=criterion.number)),
        "form-exit-drop",
    )


def handover_team_note(state: IncidentState, name: str) -> str:
    """What handing command to `name` means for their team ("" when they are in none): the
    Incident Commander directs the teams, so a lead hands the team on first and a member
    leaves it."""
    lead_of = led_by(state, name)
    if lead_of is not None:
        return (
            f"\n{name} leads team {lead_of.name}, and the Incident Commander leads no team: first "
            f"name a new lead (palette: Change the lead of team {lead_of.name}). Ask: "
            f'"Who will lead {lead_of.name} while {name} takes command?"'
        )
    member_of = team_of(state, name)
    if member_of is not None:
        return f"\n{name} leaves team {member_of.name} on taking command (tell {member_of.lead})."
    return ""
