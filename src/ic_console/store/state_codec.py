"""The folded state as plain JSON values and back, for the state snapshot (`store.snapshot`).

Every value read back is checked for its type (the file may come from another machine): a wrong
one raises `ValueError`, `KeyError` or `TypeError`, and the snapshot is then not used.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from ic_console.domain.model import (
    Audience,
    DecisionStatus,
    LogKind,
    Phase,
    Role,
    Status,
    TaskStatus,
)
from ic_console.domain.state import (
    Decision,
    ExitCriterion,
    IncidentState,
    LogEntry,
    MergeNotice,
    Objection,
    Participant,
    RoleStint,
    StakeholderUpdate,
    Task,
    Team,
)

#: The fields of `IncidentState` this module writes; a new field must be added here (a test
#: compares this with the dataclass, so a snapshot never silently drops part of the state).
STATE_FIELDS = (
    "incident_id",
    "title",
    "severity",
    "phase",
    "status",
    "declared_by",
    "declared_at",
    "resolved_at",
    "closed_at",
    "last_seq",
    "updated_at",
    "participants",
    "roles",
    "smes",
    "role_history",
    "tasks",
    "decisions",
    "log",
    "updates",
    "severity_history",
    "phase_history",
    "checklist_ticks",
    "alert_fingerprints",
    "followups_tracked",
    "drill",
    "drill_speed",
    "drill_held",
    "drill_clock_started",
    "teams",
    "exit_criteria",
    "exit_overridden",
    "handover_acks",
    # replication (one "replication" member of the body)
    "declared_origin",
    "log_origins",
    "task_refs",
    "decision_refs",
    "hlc",
    "merge_notices",
    "settled_by",
    "exit_refs",
)

# -- encoding ----------------------------------------------------------------------------------


def _t(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def state_body(state: IncidentState) -> dict[str, Any]:
    return {
        "incident_id": state.incident_id,
        "title": state.title,
        "severity": state.severity,
        "phase": state.phase.value,
        "status": state.status.value,
        "declared_by": state.declared_by,
        "declared_at": _t(state.declared_at),
        "resolved_at": _t(state.resolved_at),
        "closed_at": _t(state.closed_at),
        "last_seq": state.last_seq,
        "updated_at": _t(state.updated_at),
        "participants": [
            [p.name, _t(p.joined_at), _t(p.released_at), [[_t(a), _t(b)] for a, b in p.earlier]]
            for p in state.participants.values()
        ],
        "roles": [[role.value, name] for role, name in state.roles.items()],
        "smes": list(state.smes),
        "role_history": [
            [s.role.value, s.name, _t(s.start), _t(s.end)] for s in state.role_history
        ],
        "tasks": [
            [
                t.number,
                t.owner,
                t.text,
                _t(t.assigned_at),
                t.assigned_by,
                t.timebox.total_seconds(),
                _t(t.deadline),
                t.status.value,
                _t(t.acknowledged_at),
                _t(t.closed_at),
                t.extensions,
                t.reassignments,
            ]
            for t in state.tasks.values()
        ],
        "decisions": [
            [
                d.number,
                d.text,
                d.proposed_by,
                _t(d.proposed_at),
                d.status.value,
                [[o.by, o.text, _t(o.at)] for o in d.objections],
                _t(d.closed_at),
            ]
            for d in state.decisions.values()
        ],
        "updates": [[u.audience.value, u.text, _t(u.at), u.by] for u in state.updates],
        "severity_history": [[_t(at), level, by] for at, level, by in state.severity_history],
        "phase_history": [[_t(at), phase.value, by] for at, phase, by in state.phase_history],
        "checklist_ticks": [[c, i, _t(at)] for (c, i), at in state.checklist_ticks.items()],
        "alert_fingerprints": list(state.alert_fingerprints),
        "followups_tracked": [[item, url] for item, url in state.followups_tracked.items()],
        "drill": state.drill,
        "drill_speed": state.drill_speed,
        "drill_held": state.drill_held,
        "drill_clock_started": state.drill_clock_started,
        **_scale_body(state),
        "replication": {
            "task_refs": state.task_refs,
            "decision_refs": state.decision_refs,
            "hlc": list(state.hlc),
            "merge_notices": [[n.event_id, n.text] for n in state.merge_notices],
            "settled_by": state.settled_by,
            "exit_refs": state.exit_refs,
            "declared_origin": state.declared_origin,
            "log_origins": [[index, origin] for index, origin in state.log_origins.items()],
        },
    }


def log_rows(entries: Iterable[LogEntry]) -> list[list[Any]]:
    return [
        [e.seq, _t(e.recorded_at), e.author, e.kind.value, e.text, _t(e.occurred_at)]
        for e in entries
    ]


# -- decoding ----------------------------------------------------------------------------------


def _bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, found {type(value).__name__}")
    return value


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, found {type(value).__name__}")
    return value


def _float(value: object) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise ValueError(f"expected a number, found {type(value).__name__}")
    return float(value)


def as_int(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"expected a whole number, found {type(value).__name__}")
    return value


def as_list(value: object, length: int | None = None) -> list[Any]:
    if not isinstance(value, list) or (length is not None and len(value) != length):
        raise ValueError("expected a list" + (f" of {length}" if length is not None else ""))
    return value


def _dt(value: object) -> datetime:
    moment = datetime.fromisoformat(_str(value))
    if moment.tzinfo is None:
        raise ValueError("a time without its zone")
    return moment


def _odt(value: object) -> datetime | None:
    return None if value is None else _dt(value)


def state_from(body: object) -> IncidentState:
    """The state `state_body` wrote (without its scribe log), every value checked."""
    if not isinstance(body, dict):
        raise ValueError("the state is not an object")
    state = IncidentState(
        incident_id=_str(body["incident_id"]),
        title=_str(body["title"]),
        severity=as_int(body["severity"]),
        phase=Phase(_str(body["phase"])),
        status=Status(_str(body["status"])),
        declared_by=_str(body["declared_by"]),
        declared_at=_odt(body["declared_at"]),
        resolved_at=_odt(body["resolved_at"]),
        closed_at=_odt(body["closed_at"]),
        last_seq=as_int(body["last_seq"]),
        updated_at=_odt(body["updated_at"]),
    )
    _people_from(state, body)
    for task in map(_task_from, as_list(body["tasks"])):
        state.tasks[task.number] = task
    for decision in map(_decision_from, as_list(body["decisions"])):
        state.decisions[decision.number] = decision
    _histories_from(state, body)
    state.drill = _str(body.get("drill", ""))  # snapshots written before drills have none
    state.drill_speed = _float(body.get("drill_speed", 0.0))
    state.drill_held = _float(body.get("drill_held", 0.0))
    started = body.get("drill_clock_started")
    if started is None and state.drill:
        raise KeyError("drill_clock_started")  # a drill's snapshot from before: fold the log
    state.drill_clock_started = _bool(started or False)
    _scale_from(state, body)
    _replication_from(state, body["replication"])
    return state


def _replication_from(state: IncidentState, body: object) -> None:
    """Refs, the clock and merge notices (`domain.merge`)."""
    if not isinstance(body, dict):
        raise ValueError("the replication part is not an object")
    for name in ("task_refs", "decision_refs"):
        table = body[name]
        if not isinstance(table, dict):
            raise ValueError(f"{name} is not an object")
        setattr(state, name, {_str(key): as_int(value) for key, value in table.items()})
    wall, counter = as_list(body["hlc"], 2)
    state.hlc = (as_int(wall), as_int(counter))
    state.merge_notices = [
        MergeNotice(_str(ident), _str(text))
        for ident, text in (as_list(row, 2) for row in as_list(body["merge_notices"]))
    ]
    settled = body["settled_by"]
    if not isinstance(settled, dict):
        raise ValueError("settled_by is not an object")
    state.settled_by = {_str(key): _str(value) for key, value in settled.items()}
    exit_refs = body.get("exit_refs", {})  # absent from a snapshot written before it
    if not isinstance(exit_refs, dict):
        raise ValueError("exit_refs is not an object")
    state.exit_refs = {_str(key): as_int(value) for key, value in exit_refs.items()}
    origin = body["declared_origin"]
    state.declared_origin = None if origin is None else _str(origin)
    state.log_origins = {
        as_int(index): _str(origin)
        for index, origin in (as_list(row, 2) for row in as_list(body["log_origins"]))
    }


def _people_from(state: IncidentState, body: dict[str, Any]) -> None:
    """Participants, roles, SMEs and who held which role when."""
    for row in as_list(body["participants"]):
        name, joined, released, earlier = as_list(row, 4)
        state.participants[_str(name)] = Participant(
            _str(name),
            _dt(joined),
            _odt(released),
            [(_dt(a), _dt(b)) for a, b in (as_list(pair, 2) for pair in as_list(earlier))],
        )
    for row in as_list(body["roles"]):
        role, name = as_list(row, 2)
        state.roles[Role(_str(role))] = _str(name)
    state.smes = [_str(name) for name in as_list(body["smes"])]
    for row in as_list(body["role_history"]):
        role, name, start, end = as_list(row, 4)
        state.role_history.append(RoleStint(Role(_str(role)), _str(name), _dt(start), _odt(end)))


def _task_from(row: object) -> Task:
    (number, owner, text, assigned_at, assigned_by, timebox, deadline, status, acked, closed,
     extensions, reassignments) = as_list(row, 12)  # fmt: skip
    if not isinstance(timebox, int | float) or isinstance(timebox, bool):
        raise ValueError("a timebox is not a number")
    return Task(
        number=as_int(number),
        owner=_str(owner),
        text=_str(text),
        assigned_at=_dt(assigned_at),
        assigned_by=_str(assigned_by),
        timebox=timedelta(seconds=timebox),
        deadline=_dt(deadline),
        status=TaskStatus(_str(status)),
        acknowledged_at=_odt(acked),
        closed_at=_odt(closed),
        extensions=as_int(extensions),
        reassignments=as_int(reassignments),
    )


def _decision_from(row: object) -> Decision:
    number, text, by, at, status, objections, closed = as_list(row, 7)
    return Decision(
        as_int(number),
        _str(text),
        _str(by),
        _dt(at),
        DecisionStatus(_str(status)),
        [
            Objection(_str(o_by), _str(o_text), _dt(o_at))
            for o_by, o_text, o_at in (as_list(o, 3) for o in as_list(objections))
        ],
        _odt(closed),
    )


def _histories_from(state: IncidentState, body: dict[str, Any]) -> None:
    """Stakeholder updates, severity and phase changes, checklist ticks."""
    state.updates = [
        StakeholderUpdate(Audience(_str(a)), _str(text), _dt(at), _str(by))
        for a, text, at, by in (as_list(row, 4) for row in as_list(body["updates"]))
    ]
    state.severity_history = [
        (_dt(at), as_int(level), _str(by))
        for at, level, by in (as_list(row, 3) for row in as_list(body["severity_history"]))
    ]
    state.phase_history = [
        (_dt(at), Phase(_str(phase)), _str(by))
        for at, phase, by in (as_list(row, 3) for row in as_list(body["phase_history"]))
    ]
    for row in as_list(body["checklist_ticks"]):
        checklist, item, at = as_list(row, 3)
        state.checklist_ticks[(_str(checklist), _str(item))] = _dt(at)
    # Snapshots written before alerts and tracked follow-ups existed have neither key.
    state.alert_fingerprints = [_str(f) for f in as_list(body.get("alert_fingerprints", []))]
    for row in as_list(body.get("followups_tracked", [])):
        item, url = as_list(row, 2)
        state.followups_tracked[_str(item)] = _str(url)


def log_from(rows: object) -> list[LogEntry]:
    entries = []
    for row in as_list(rows):
        seq, recorded, author, kind, text, occurred = as_list(row, 6)
        entries.append(
            LogEntry(
                as_int(seq),
                _dt(recorded),
                _str(author),
                LogKind(_str(kind)),
                _str(text),
                _odt(occurred),
            )
        )
    return entries


# -- command at scale (issue 15): teams, exit criteria, handover acknowledgements ---------------


def _scale_body(state: IncidentState) -> dict[str, Any]:
    return {
        "teams": [
            [
                t.name,
                t.lead,
                list(t.members),
                t.goal,
                _t(t.formed_at),
                t.formed_by,
                _t(t.disbanded_at),
                list(t.ever),
            ]
            for t in state.teams.values()
        ],
        "exit_criteria": [
            [c.number, c.text, _t(c.added_at), c.added_by, _t(c.met_at), c.met_by]
            for c in state.exit_criteria.values()
        ],
        "exit_overridden": list(state.exit_overridden),
        "handover_acks": [[name, _t(at)] for name, at in state.handover_acks],
        # Dropped exit criteria (`ic exit drop`), apart so the criteria's rows keep their shape.
        "exit_dropped": [
            [c.number, _t(c.dropped_at)]
            for c in state.exit_criteria.values()
            if c.dropped_at is not None
        ],
    }


def _ostr(value: object) -> str | None:
    return None if value is None else _str(value)


def _scale_from(state: IncidentState, body: dict[str, Any]) -> None:
    for row in as_list(body["teams"]):
        name, lead, members, goal, formed_at, formed_by, disbanded_at, ever = as_list(row, 8)
        state.teams[_str(name)] = Team(
            _str(name),
            _str(lead),
            [_str(m) for m in as_list(members)],
            _str(goal),
            _dt(formed_at),
            _str(formed_by),
            _odt(disbanded_at),
            [_str(m) for m in as_list(ever)],
        )
    for row in as_list(body["exit_criteria"]):
        number, text, added_at, added_by, met_at, met_by = as_list(row, 6)
        state.exit_criteria[as_int(number)] = ExitCriterion(
            as_int(number), _str(text), _dt(added_at), _str(added_by), _odt(met_at), _ostr(met_by)
        )
    state.exit_overridden = tuple(as_int(n) for n in as_list(body["exit_overridden"]))
    state.handover_acks = [
        (_str(name), _dt(at))
        for name, at in (as_list(r, 2) for r in as_list(body["handover_acks"]))
    ]
    for row in as_list(body.get("exit_dropped", [])):  # absent from older snapshots
        number, at = as_list(row, 2)
        state.exit_criteria[as_int(number)].dropped_at = _dt(at)
