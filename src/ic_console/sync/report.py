"""What a sync round says it did: what it sent and received, what it refused, the peers it saw
and what still waits. Plain records, read by `ic sync` and the console's header."""

from __future__ import annotations

from dataclasses import dataclass, field

from ic_console.sync.clone import shown_url
from ic_console.sync.layout import branch_of


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


#: Refusals said per peer in one round; the rest are counted in one line.
SAID_PER_PEER = 3


class Refusals:
    """A round's refusals, per peer: the first few said as they are, the rest counted in one
    line (a branch of thousands of junk files is not thousands of lines), the last with what
    to do about a laptop that is not the team's."""

    def __init__(self, remote: str, names: dict[str, str]) -> None:
        #: As it may be shown: without a token or password (`clone.shown_url`).
        self.remote = shown_url(remote)
        self.names = names
        self.said: dict[str, list[str]] = {}

    def add(self, origin: str, message: str) -> None:
        self.said.setdefault(origin, []).append(message)

    def lines(self) -> list[str]:
        lines: list[str] = []
        for origin, messages in self.said.items():
            told = messages[:SAID_PER_PEER]
            if len(messages) > SAID_PER_PEER:
                more = len(messages) - SAID_PER_PEER
                told.append(
                    f"Refused {more:,} more file{'s' * (more != 1)} from replica {origin} in "
                    "this round. Nothing was changed."
                )
            name = self.names.get(origin)
            who = f"replica {origin} ({name})" if name else f"replica {origin}"
            told[-1] += (
                f" If {who} is not one of the team's laptops, delete its branch: "
                f"git push {self.remote} --delete {branch_of(origin)}"
            )
            lines += told
        return lines
