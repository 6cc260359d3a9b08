"""A peer's grown file is appended to the copy here (not written again whole and renamed), and
the few ids a round brings are searched for, not every line of every file read again: a round
that brings one line costs about the same on a long incident as on a short one."""

from __future__ import annotations

import os
import re
import uuid
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.helpers.peer_files import PEER, honest, local_incident, peer_file

from ic_console.store import replica
from ic_console.store.origin import local_origin
from ic_console.store.paths import replica_file
from ic_console.store.replica import PeerRefused, accept_peer_file

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def _laptop(tmp_path: Path) -> Path:
    root = tmp_path / "alex"
    root.mkdir()
    local_origin(root)
    local_incident(root, NOW)
    return root


def _lines(count: int) -> bytes:
    return peer_file(honest(NOW + timedelta(seconds=i) for i in range(count)))


class _Counting:
    """`replica._LINE_ID`, counting the passes over every line of a file."""

    def __init__(self, pattern: re.Pattern[bytes]) -> None:
        self.pattern = pattern
        self.passes = 0

    def finditer(self, *args: Any) -> Any:
        self.passes += 1
        return self.pattern.finditer(*args)

    def match(self, *args: Any) -> Any:
        return self.pattern.match(*args)


def test_a_grown_file_is_appended_in_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _laptop(tmp_path)
    data = _lines(300)
    assert accept_peer_file(root, "checkout", PEER, data[: data.index(b"\n") + 1]).status == "new"
    target = replica_file(root / "incidents" / "checkout", PEER)
    inode = os.stat(target).st_ino
    first = data[: sum(len(line) for line in data.splitlines(keepends=True)[:299])]
    assert accept_peer_file(root, "checkout", PEER, first).added == 298
    counting = _Counting(replica._LINE_ID)
    monkeypatch.setattr(replica, "_LINE_ID", counting)
    done = accept_peer_file(root, "checkout", PEER, data)
    assert (done.status, done.added) == ("grew", 1)
    assert target.read_bytes() == data and os.stat(target).st_ino == inode  # same file, grown
    assert counting.passes == 0  # one new id: searched for, no line of any file read again
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".part")]


@pytest.mark.parametrize("new", [1, 100])  # searched for one by one; one pass over the lines
def test_a_new_line_repeating_an_earlier_id_is_refused(tmp_path: Path, new: int) -> None:
    root = _laptop(tmp_path)
    lines = _lines(50 + new).splitlines(keepends=True)
    accept_peer_file(root, "checkout", PEER, b"".join(lines[:50]))
    target = replica_file(root / "incidents" / "checkout", PEER)
    kept = target.read_bytes()
    earlier = re.search(rb'"id":"([0-9a-f]{32})"', lines[20])
    assert earlier is not None
    body = lines[-1][: lines[-1].rindex(b',"crc":')] + b"}"
    body = re.sub(rb'"id":"[0-9a-f]{32}"', b'"id":"' + earlier.group(1) + b'"', body)
    forged = body[:-1] + b',"crc":"%08x"}\n' % zlib.crc32(body)  # as a peer's store writes it
    grown = b"".join(lines[:-1]) + forged
    with pytest.raises(PeerRefused, match="already in its own file"):
        accept_peer_file(root, "checkout", PEER, grown)
    assert target.read_bytes() == kept


_ID = st.sampled_from([uuid.UUID(int=i).hex for i in range(6)])


@settings(max_examples=150, deadline=None)
@given(
    lines=st.lists(st.tuples(_ID, st.sampled_from(["", "data", "text"]), _ID), max_size=12),
    wanted=st.sets(_ID, max_size=4),
)
def test_the_search_for_a_few_ids_finds_what_one_pass_finds(
    lines: list[tuple[str, str, str]], wanted: set[str]
) -> None:
    """Ids also appear where they do not count (an escaped quote in a text, a member of the
    data): both ways find exactly the lines whose own id is wanted, and where they start."""
    raw = b""
    for seq, (ident, where, other) in enumerate(lines, start=1):
        tail = {
            "": b"",
            "data": b',"data":{"id":"' + other.encode() + b'"}',
            "text": b',"text":"\\"id\\":\\"' + other.encode() + b'\\""',
        }[where]
        raw += b'{"v":2,"seq":%d,"id":"%s","at":"x"%s}\n' % (seq, ident.encode(), tail)
    idents = {ident.encode(): (0, 0) for ident in wanted}
    few = sorted(replica._lines_with(raw, idents))
    assert few == sorted(replica._lines_with(raw, idents, few=-1))  # one pass over the lines
    assert few == sorted(
        (m.group(1), m.start()) for m in replica._LINE_ID.finditer(raw) if m.group(1) in idents
    )
