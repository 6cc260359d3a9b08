"""What a sync round says it did: what it sent and received, what it refused, the peers it saw
and what still waits. Plain records, read by `ic sync` and the console's header."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Sent:
    incident_id: str
    events: int


@dataclass(frozen=True)
class Received:
    incident_id: str
    origin: str
    events: int
    new_incident: bool


@dataclass(frozen=True)
class Peer:
    origin: str
    name: str
    #: Unix time of the peer's last pushed commit.
    at: float


@dataclass
class RoundReport:
    sent: list[Sent] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    #: One line per refused file, naming the origin.
    refused: list[str] = field(default_factory=list)
    peers: list[Peer] = field(default_factory=list)
    #: This laptop's events the remote does not have yet (after the round: 0 when it pushed).
    waiting: int = 0
    #: The remote refused this laptop's push (read access only): why, in one line. The round
    #: still received; this laptop follows only.
    read_only: str | None = None
