"""A hostile (or broken) peer's branch in the team's repository: refused with a clear message
that names the replica and what to do, nothing of ours lost, and a round that stays cheap.

The branches are made by hand with git plumbing, as anyone with push access could."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from ic_console.domain import commands as c
from ic_console.store.paths import replica_file
from ic_console.sync import clone
from ic_console.sync.git import Git
from ic_console.sync.layout import MAX_PART_BYTES

from .conftest import INCIDENT, Laptop

EVIL = "bad0bad0bad0"


def _push_branch(bare: Path, tmp_path: Path, entries: list[tuple[str, str, bytes]]) -> None:
    """Push `ic/EVIL` holding `entries` (mode, path, contents) to the team's repository."""
    repo = tmp_path / "evil.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(repo)], check=True)
    env = {**os.environ, "GIT_DIR": str(repo), "GIT_INDEX_FILE": str(tmp_path / "evil.index")}
    lines = []
    blobs: dict[bytes, str] = {}
    for mode, path, data in entries:
        if data not in blobs:
            blobs[data] = (
                subprocess.run(
                    ["git", "hash-object", "-w", "--stdin"],
                    input=data,
                    env=env,
                    check=True,
                    capture_output=True,
                )
                .stdout.decode()
                .strip()
            )
        lines.append(f"{mode} {blobs[data]}\t{path}\n")
    subprocess.run(
        ["git", "update-index", "--add", "--index-info"],
        input="".join(lines).encode(),
        env=env,
        check=True,
    )
    tree = (
        subprocess.run(["git", "write-tree"], env=env, check=True, capture_output=True)
        .stdout.decode()
        .strip()
    )
    commit = (
        subprocess.run(
            [
                "git",
                "-c",
                "user.name=Mallory",
                "-c",
                "user.email=m@x",
                "commit-tree",
                tree,
                "-m",
                "x",
            ],
            env=env,
            check=True,
            capture_output=True,
        )
        .stdout.decode()
        .strip()
    )
    subprocess.run(
        ["git", "push", "--quiet", str(bare), f"{commit}:refs/heads/ic/{EVIL}"], env=env, check=True
    )


def _hint(bare: Path) -> str:
    return (
        f" If replica {EVIL} (Mallory) is not one of the team's laptops, delete its branch: "
        f"git push {bare} --delete ic/{EVIL}"
    )


def _ours(alex: Laptop, priya: Laptop) -> bytes:
    store = alex.declare()
    store.execute(c.AddLogEntry(text="checkout 500s"))
    alex.syncer().round()
    priya.syncer().round()
    return replica_file(priya.root / "incidents" / INCIDENT, alex.origin).read_bytes()


def _cat_file_calls(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    calls: list[list[str]] = []
    run = Git.run

    def counting(self: Git, args: list[str], **kwargs: object) -> object:
        if "cat-file" in args:
            calls.append(list(args))
        return run(self, args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Git, "run", counting)
    return calls


def test_a_part_too_big_for_any_log_is_refused_without_being_read(
    laptops: list[Laptop], bare: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alex, priya, _sam = laptops
    before = _ours(alex, priya)
    huge = b"{" + b"a" * (MAX_PART_BYTES + 10) + b"}\n"
    _push_branch(bare, tmp_path, [("100644", f"incidents/{INCIDENT}/events/{EVIL}.jsonl", huge)])
    read: list[list[str]] = []
    read_blobs = clone.read_blobs

    def recording(git: Git, idents: list[str]) -> list[bytes]:
        read.append(idents)
        return read_blobs(git, idents)

    monkeypatch.setattr(clone, "read_blobs", recording)
    report = priya.syncer().round()
    assert read == []  # never brought into memory
    assert len(report.refused) == 1
    assert report.refused[0].startswith(f"Refused replica {EVIL}'s file for {INCIDENT}")
    assert "it was not read" in report.refused[0] and "at most 9 MiB" in report.refused[0]
    assert report.refused[0].endswith(_hint(bare))
    assert replica_file(priya.root / "incidents" / INCIDENT, alex.origin).read_bytes() == before
    assert not replica_file(priya.root / "incidents" / INCIDENT, EVIL).exists()


def test_a_symlink_or_an_executable_in_a_peer_branch_is_refused_as_such(
    laptops: list[Laptop], bare: Path, tmp_path: Path
) -> None:
    alex, priya, _sam = laptops
    before = _ours(alex, priya)
    _push_branch(
        bare,
        tmp_path,
        [
            ("120000", f"incidents/{INCIDENT}/events/{EVIL}.jsonl", b"../../../../etc/passwd"),
            ("100755", f"incidents/other-one/events/{EVIL}.jsonl", b"#!/bin/sh\n"),
        ],
    )
    report = priya.syncer().round()
    assert report.refused == [
        f"Refused incidents/{INCIDENT}/events/{EVIL}.jsonl from replica {EVIL}: it is not a "
        "plain file (git mode 120000: a symbolic link). Nothing was changed.",
        f"Refused incidents/other-one/events/{EVIL}.jsonl from replica {EVIL}: it is not a "
        "plain file (git mode 100755). Nothing was changed." + _hint(bare),
    ]
    assert replica_file(priya.root / "incidents" / INCIDENT, alex.origin).read_bytes() == before
    assert sorted(os.listdir(priya.root / "incidents")) == [INCIDENT]
    assert priya.syncer().round().refused == []  # said once


def test_hundreds_of_junk_files_are_read_at_once_and_said_in_a_few_lines(
    laptops: list[Laptop], bare: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alex, priya, _sam = laptops
    before = _ours(alex, priya)
    junk = [
        ("100644", f"incidents/20261123-junk-{n}/events/{EVIL}.jsonl", b'{"junk":1}\n')
        for n in range(400)
    ]
    _push_branch(bare, tmp_path, junk)
    calls = _cat_file_calls(monkeypatch)
    report = priya.syncer().round()
    assert len(calls) <= 2  # one read of the branch's files, not one git call per file
    assert len(report.refused) == 4
    assert all(line.startswith(f"Refused replica {EVIL}'s file") for line in report.refused[:3])
    assert report.refused[3] == (
        f"Refused 397 more files from replica {EVIL} in this round. Nothing was changed."
        + _hint(bare)
    )
    assert sorted(os.listdir(priya.root / "incidents")) == [INCIDENT]
    assert replica_file(priya.root / "incidents" / INCIDENT, alex.origin).read_bytes() == before
    assert priya.syncer().round().refused == []
