"""The straightforward `current_situations`, kept as the oracle of the incremental one.

This is the computation `domain/situations.py` had before issue 13, word for word but for the
name, and the helpers it used as they were then: every open task sorted and every duration said
again on each call. `tests/test_situations_tracked.py` checks the tracker against it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from ic_console.domain.exit_criteria import criteria as criteria_in_force
from ic_console.domain.model import ROLE_LABELS, Role, Status, severity_label
from ic_console.domain.situations import (
    ACK_GRACE,
    BLANK_GOAL,
    BLANK_NAME,
    EXIT_CRITERIA_WINDOW,
    MARK_EVERY_MINUTES,
    MARK_WINDOW,
    UPDATE_SOON,
    Situation,
    spoken_duration,
)
from ic_console.domain.state import IncidentState, Participant, Task
from ic_console.domain.teams import (
    SPAN_OF_CONTROL,
    direct_reports,
    led_by,
    next_team_name,
)


def oracle_situations(
    state: IncidentState,
    now: datetime,
    *,
    cadence: Mapping[int, timedelta | None] | None = None,
    me: str | None = None,
) -> list[Situation]:
    """The situations that apply at `now`, most pressing first; never empty.

    `cadence` is the stakeholder-update cadence by severity (the default scale when None);
    `me` is the person at this terminal, who speaks when nobody is in command yet.
    The last item is always a calm one (a status check), so there is always something to say.
    Long on purpose: the checks run in order of urgency, read top to bottom in one place.
    """
    common = _common_values(state, now, me)
    if not state.declared or state.ic is None:
        first = [Situation("no-ic", common, urgent=True)]
        if not state.declared:
            return first
    else:
        first = []
    if state.status is not Status.ACTIVE:
        return [*first, Situation("resolved", common)]

    urgent: list[Situation] = list(first)
    later: list[Situation] = []

    for task in state.overdue_tasks(now):
        overdue = now - task.deadline
        # Since the IC last said "I'll come back to you" (assigned, extended or reassigned):
        # what the owner has really had, not the timebox that was promised.
        waited = now - (task.deadline - task.timebox)
        urgent.append(
            Situation(
                "task-expired",
                {
                    **common,
                    **_task_values(task),
                    "overdue": spoken_duration(overdue),
                    "overdue_minutes": str(_floor_minutes(overdue)),
                    "waited": spoken_duration(waited),
                    "waited_minutes": str(_whole_minutes(waited)),
                },
                urgent=True,
            )
        )

    due = state.next_update_due(dict(cadence) if cadence is not None else None)
    if due is not None:
        update_values = _update_values(state, now, due, cadence, common)
        if now >= due:
            urgent.append(Situation("update-due", update_values, urgent=True))
        elif due - now <= UPDATE_SOON:
            later.append(Situation("update-soon", update_values))

    unacknowledged = [
        task
        for task in state.open_tasks()
        if task.acknowledged_at is None and not task.is_overdue(now)
    ]
    for task in unacknowledged:
        values = {
            **common,
            **_task_values(task),
            "remaining_minutes": str(_whole_minutes(task.remaining(now))),
        }
        situation = Situation(
            "task-unacknowledged", values, urgent=now - task.assigned_at >= ACK_GRACE
        )
        (urgent if situation.urgent else later).append(situation)

    decisions: list[Situation] = []
    for decision in state.open_decisions():
        values = {
            **common,
            "decision": decision.text,
            "decision_number": str(decision.number),
            "proposer": decision.proposed_by,
        }
        if decision.objections:
            last = decision.objections[-1]
            decisions.append(
                Situation(
                    "decision-objected",
                    {
                        **values,
                        "objector": last.by,
                        "objection": last.text,
                        "objections": str(len(decision.objections)),
                    },
                )
            )
        else:
            decisions.append(Situation("decision-open", values))

    mark = _clock_mark(state, now)
    marks = [Situation("clock-mark", {**common, "mark": str(mark)})] if mark else []

    tired = sorted(
        (p for p in state.on_call() if p.should_rotate(now)),
        key=lambda p: p.joined_at,
    )
    rotations = [_rotation(state, person, now, common) for person in tired]

    return [
        *urgent,
        *decisions,
        *marks,
        *rotations,
        *_at_scale(state, now, common),
        *later,
        Situation("calm", common),
    ]


def _whole_minutes(delta: timedelta) -> int:
    """Minutes rounded to the nearest, never below one: what a person says."""
    return max(1, round(delta.total_seconds() / 60))


def _floor_minutes(delta: timedelta) -> int:
    return max(0, int(delta.total_seconds() // 60))


def _common_values(state: IncidentState, now: datetime, me: str | None) -> dict[str, str]:
    def holder(role: Role) -> str:
        return state.holder(role) or ROLE_LABELS[role]

    speaker = me or state.ic or state.declared_by or BLANK_NAME
    return {
        "me": speaker,
        "ic": state.ic or speaker,
        "deputy": holder(Role.DEPUTY),
        "scribe": holder(Role.SCRIBE),
        "internal_liaison": holder(Role.INTERNAL_LIAISON),
        "customer_liaison": holder(Role.CUSTOMER_LIAISON),
        "severity": severity_label(state.severity) if state.severity else "SEV-1",
        "title": state.title,
        "phase": state.phase.label,
        "elapsed_minutes": str(_floor_minutes(state.elapsed(now))),
        "open_tasks": str(len(state.open_tasks())),
    }


def _task_values(task: Task) -> dict[str, str]:
    return {
        "owner": task.owner,
        "task": task.text,
        "task_number": str(task.number),
        "minutes": str(_whole_minutes(task.timebox)),
        "timebox": spoken_duration(task.timebox),
    }


def _update_values(
    state: IncidentState,
    now: datetime,
    due: datetime,
    cadence: Mapping[int, timedelta | None] | None,
    common: Mapping[str, str],
) -> dict[str, str]:
    every = state.cadence(dict(cadence) if cadence is not None else None) or timedelta(0)
    return {
        **common,
        "minutes": str(_whole_minutes(abs(due - now))),
        "cadence_minutes": str(_whole_minutes(every)),
        "liaison": state.holder(Role.INTERNAL_LIAISON) or common["ic"],
        "due_at": f"{due:%H:%M} UTC",
        "next_update": f"{max(due, now) + every:%H:%M} UTC",
    }


def _clock_mark(state: IncidentState, now: datetime) -> int | None:
    """The 10-minute mark just passed, while its call-out is fresh; else None."""
    if state.declared_at is None:
        return None
    elapsed = now - state.declared_at
    minutes = _floor_minutes(elapsed)
    mark = minutes - minutes % MARK_EVERY_MINUTES
    if mark <= 0:
        return None
    since = elapsed - timedelta(minutes=mark)
    return mark if since < MARK_WINDOW else None


def _rotation(
    state: IncidentState, person: Participant, now: datetime, common: Mapping[str, str]
) -> Situation:
    on_call = person.time_on_call(now)
    values = {
        **common,
        "person": person.name,
        "minutes": str(_floor_minutes(on_call)),
        "time_on_call": spoken_duration(on_call),
    }
    if person.name == state.ic:
        deputy = state.holder(Role.DEPUTY)
        return Situation("rotate-ic", {**values, "successor": deputy or BLANK_NAME})
    roles = state.roles_of(person.name)
    label = ", ".join(ROLE_LABELS[r] for r in roles) if roles else "responder"
    return Situation("rotate", {**values, "roles": label})


_NUMBER_WORDS = [
    "Zero",
    "One",
    "Two",
    "Three",
    "Four",
    "Five",
    "Six",
    "Seven",
    "Eight",
    "Nine",
    "Ten",
    "Eleven",
    "Twelve",
    "Thirteen",
    "Fourteen",
    "Fifteen",
    "Sixteen",
    "Seventeen",
    "Eighteen",
    "Nineteen",
    "Twenty",
]


def _count_words(count: int) -> str:
    """ "Eight", as said aloud at the start of a sentence."""
    return _NUMBER_WORDS[count] if count < len(_NUMBER_WORDS) else str(count)


def _at_scale(state: IncidentState, now: datetime, common: Mapping[str, str]) -> list[Situation]:
    """Too many people reporting to the commander; no exit criteria in the first minutes."""
    found: list[Situation] = []
    reports = direct_reports(state)
    if state.ic is not None and len(reports) > SPAN_OF_CONTROL:
        found.append(
            Situation(
                "span-of-control",
                {
                    **common,
                    **_new_team_values(state),
                    "reports": str(len(reports)),
                    "reports_words": _count_words(len(reports)),
                },
            )
        )
    if (
        state.ic is not None
        and not criteria_in_force(state)
        and state.declared_at is not None
        and now - state.declared_at < EXIT_CRITERIA_WINDOW
    ):
        found.append(Situation("exit-criteria", common))
    return found


def _new_team_values(state: IncidentState) -> dict[str, str]:
    """The next team's name, and who could lead it: the expert who joined first among those
    reporting to the commander directly, else the first of them."""
    reports = [name for name in direct_reports(state) if led_by(state, name) is None]
    experts = [name for name in reports if name in state.smes]
    lead = (experts or reports or [BLANK_NAME])[0]
    return {"team": next_team_name(state), "lead": lead, "goal": BLANK_GOAL}
