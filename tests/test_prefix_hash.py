"""The hash of the log's prefix that the state snapshot and the rows cache cover (XXH3-64 since
issue 13's perf work; a CRC-32 before): any changed byte of the prefix makes both stale, wherever
it is and whatever it becomes, and bytes appended after the prefix never do."""

from __future__ import annotations

import os
import zlib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ic_console.store import snapshot as snap

LINES = [b'{"seq":%d,"text":"line %d of the log"}\n' % (n, n) for n in range(1, 40)]
LOG = b"".join(LINES)


def _write(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    snap._CHECKED.clear()  # a check in this process must read the bytes again


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    covered=st.integers(min_value=1, max_value=len(LINES)),
    where=st.floats(min_value=0, max_value=1, exclude_max=True),
    flip=st.integers(min_value=1, max_value=255),
    appended=st.binary(max_size=40),
)
def test_any_changed_byte_of_the_prefix_is_noticed(
    tmp_path: Path, covered: int, where: float, flip: int, appended: bytes
) -> None:
    log = tmp_path / "events.jsonl"
    offset = sum(len(line) for line in LINES[:covered])
    _write(log, LOG)
    full, last_crc, last_len = snap.prefix_checksums(log, offset)
    assert (last_crc, last_len) == (zlib.crc32(LINES[covered - 1]), len(LINES[covered - 1]))

    # Appended bytes (the tail) never change what the prefix is.
    _write(log, LOG[:offset] + appended)
    assert snap.covers_prefix(log, offset, last_len, last_crc, full)

    # One byte of the prefix changed, anywhere (the last line's own check misses most of them).
    at = int(where * offset)
    changed = bytearray(LOG[:offset])
    changed[at] ^= flip
    _write(log, bytes(changed) + LOG[offset:])
    assert os.path.getsize(log) == len(LOG)
    assert not snap.covers_prefix(log, offset, last_len, last_crc, full)
    if at < offset - last_len:  # before the last line: only the prefix's hash can tell
        assert snap._last_line_crc(log, offset, last_len) == last_crc
        assert snap.prefix_checksums(log, offset)[0] != full
