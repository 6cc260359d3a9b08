"""The little syntax of the log line: an optional kind prefix and an optional time it happened.

    "DB primary failed over"            a note
    "a: rolled back deploy 4411"        an action   (also "action:")
    "s: error rate back under 1%"       a status    (also "status:")
    "f: add alert on replica lag"       a follow-up (also "todo:", "follow-up:", "follow up:")
    "@14:05 pager fired"                something noticed late: it happened at 14:05
    "a: @-10m restarted the consumer"   prefixes combine

The prefixes are `domain.parse.KIND_PREFIXES`, which `ic log --kind` and the postmortem
draft read too. Pure: no Textual. Errors are DomainErrors that say how to write it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from ic_console.domain.durations import parse_when
from ic_console.domain.errors import DomainError
from ic_console.domain.model import LogKind
from ic_console.domain.parse import split_kind_prefix
from ic_console.domain.text import clean_text

KIND_CYCLE = (LogKind.NOTE, LogKind.ACTION, LogKind.STATUS, LogKind.FOLLOWUP)


@dataclass(frozen=True)
class LogLine:
    kind: LogKind
    text: str
    occurred_at: datetime | None = None


def parse_log_line(
    raw: str, *, default: LogKind, now: datetime, zone: tzinfo | None = None
) -> LogLine:
    """Read what was typed in the log line; raises DomainError saying what is wrong."""
    text = raw.strip()
    kind = default
    prefixed, rest = split_kind_prefix(text)
    if prefixed is not None:
        kind, text = prefixed, rest
    occurred: datetime | None = None
    if text.startswith("@"):
        when, _, rest = text[1:].partition(" ")
        if not when:
            raise DomainError('Say when it happened right after "@", like "@14:05" or "@-10m".')
        occurred = parse_when(when, now=now, local_zone=zone)
        text = rest.strip()
    return LogLine(kind, clean_text(text, what="log entry"), occurred)
