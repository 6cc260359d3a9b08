"""The situations' vocabulary: every situation id and the placeholders its sentences may use.

The contract between `situations` (which reports the ids and fills the values) and the
phrasebook (`content/phrasebook.py`, which maps each id to sentences and refuses a placeholder
the situation does not fill). Data only: no state, no clock.
"""

from __future__ import annotations

from collections.abc import Mapping

#: Values every situation provides. Role holders fall back to the role's name ("Deputy, please
#: page the database on-call") when nobody holds the role yet.
COMMON_PLACEHOLDERS = frozenset(
    {
        "me",
        "ic",
        "deputy",
        "scribe",
        "internal_liaison",
        "customer_liaison",
        "severity",
        "title",
        "phase",
        "elapsed_minutes",
        "open_tasks",
    }
)

_TASK = frozenset({"owner", "task", "task_number", "minutes", "timebox"})
_UPDATE = frozenset({"minutes", "cadence_minutes", "liaison", "due_at", "next_update"})

#: Situations `current_situations` can report, and the extra values each provides.
LIVE_SITUATIONS: Mapping[str, frozenset[str]] = {
    "no-ic": frozenset(),
    "task-expired": _TASK | {"overdue", "overdue_minutes", "waited", "waited_minutes"},
    "update-due": _UPDATE,
    "task-unacknowledged": _TASK | {"remaining_minutes"},
    "decision-objected": frozenset(
        {"decision", "decision_number", "proposer", "objector", "objection", "objections"}
    ),
    "decision-open": frozenset({"decision", "decision_number", "proposer"}),
    "clock-mark": frozenset({"mark"}),
    "rotate-ic": frozenset({"person", "minutes", "time_on_call", "successor"}),
    "rotate": frozenset({"person", "minutes", "time_on_call", "roles"}),
    "update-soon": _UPDATE,
    "span-of-control": frozenset({"reports", "reports_words", "team", "lead"}),
    "exit-criteria": frozenset(),
    "resolved": frozenset(),
    "calm": frozenset(),
}

#: Situations the IC may need at any moment, one key away, and the extra values each provides.
ALWAYS_AVAILABLE: tuple[str, ...] = (
    "introduce",
    "assignment",
    "more-time",
    "propose-decision",
    "status-report",
    "executive-takeover",
    "fix-in-ten-minutes",
    "spreadsheet-request",
    "severity-argument",
    "belligerent-responder",
    "missing-expertise",
    "cutting-through",
    "while-waiting",
    "releasing-people",
    "handover",
    "form-team",
    "team-status",
    "ending-the-call",
    "radio-words",
)

_AVAILABLE_EXTRA: Mapping[str, frozenset[str]] = {
    "assignment": frozenset({"owner", "task", "minutes", "timebox"}),
    "more-time": frozenset({"owner", "task", "minutes", "timebox"}),
    "propose-decision": frozenset({"decision"}),
    "status-report": frozenset({"person"}),
    "handover": frozenset({"successor"}),
    "form-team": frozenset({"team", "lead", "goal"}),
    "team-status": frozenset({"team", "lead", "goal"}),
}

#: Every situation id and the full set of placeholders its sentences may use.
PLACEHOLDERS: Mapping[str, frozenset[str]] = {
    **{key: COMMON_PLACEHOLDERS | extra for key, extra in LIVE_SITUATIONS.items()},
    **{
        key: COMMON_PLACEHOLDERS | _AVAILABLE_EXTRA.get(key, frozenset())
        for key in ALWAYS_AVAILABLE
    },
}

SITUATION_IDS: tuple[str, ...] = tuple(PLACEHOLDERS)
