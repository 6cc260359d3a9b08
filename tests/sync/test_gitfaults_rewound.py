"""Someone else moves a laptop's sync branch on the team's remote: force-pushes it back to an
older commit (a restored backup, `git push -f` from a stale clone) or deletes it. Nothing is
lost anywhere, a laptop that already holds more is not alarmed, and the branch's own laptop
puts it back at its next round, so a laptop that joins later still receives everything."""

from __future__ import annotations

import subprocess
from pathlib import Path

from ic_console.domain import commands as c
from ic_console.store.paths import replica_file

from .conftest import INCIDENT, Laptop


def _git(bare: Path, *args: str) -> str:
    return subprocess.run(
        ["git", f"--git-dir={bare}", *args], check=True, capture_output=True, text=True
    ).stdout.strip()


def _three_rounds(alex: Laptop, priya: Laptop) -> list[str]:
    store = alex.declare()
    for text in ("one", "two", "three"):
        store.execute(c.AddLogEntry(text=text))
        alex.syncer().round()
    priya.syncer().round()
    return [entry.text for entry in priya.store().state.log]


def test_a_branch_forced_back_is_no_refusal_and_its_laptop_restores_it(
    laptops: list[Laptop], bare: Path
) -> None:
    alex, priya, sam = laptops
    assert _three_rounds(alex, priya) == ["one", "two", "three"]
    held = replica_file(priya.root / "incidents" / INCIDENT, alex.origin).read_bytes()
    branch = f"refs/heads/ic/{alex.origin}"
    _git(bare, "update-ref", branch, _git(bare, "rev-parse", f"{branch}~2"))

    report = priya.syncer().round()
    assert report.refused == []  # a shorter copy of what is here: nothing to take, no alarm
    assert replica_file(priya.root / "incidents" / INCIDENT, alex.origin).read_bytes() == held
    alex.syncer().round()  # Alex's laptop puts its branch back
    assert sam.syncer().round().refused == []
    assert [entry.text for entry in sam.store().state.log] == ["one", "two", "three"]
    assert priya.syncer().round().refused == []


def test_a_deleted_branch_is_pushed_again_by_its_laptop(laptops: list[Laptop], bare: Path) -> None:
    alex, priya, sam = laptops
    _three_rounds(alex, priya)
    _git(bare, "update-ref", "-d", f"refs/heads/ic/{alex.origin}")
    report = priya.syncer().round()
    assert report.refused == [] and [p.name for p in report.peers] == []
    assert [entry.text for entry in priya.store().state.log] == ["one", "two", "three"]
    alex.syncer().round()
    sam.syncer().round()
    assert [entry.text for entry in sam.store().state.log] == ["one", "two", "three"]


def test_a_remote_that_is_also_a_code_repository_keeps_its_branches_untouched(
    laptops: list[Laptop], bare: Path, tmp_path: Path
) -> None:
    """Sync reads and writes only `ic/<12 hex digits>` branches: the team's `main`, its tags
    and a branch that merely starts with `ic/` stay exactly as they were."""
    alex, priya, _sam = laptops
    work = tmp_path / "code"
    subprocess.run(["git", "init", "--quiet", "-b", "main", str(work)], check=True)
    (work / "README.md").write_text("our service\n")
    (work / "incidents").mkdir()
    (work / "incidents" / "notes.md").write_text("not a log\n")
    git = ["git", "-C", str(work), "-c", "user.name=Dev", "-c", "user.email=d@x"]
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "--quiet", "-m", "code"], check=True)
    subprocess.run([*git, "tag", "v1"], check=True)
    for ref in ("main", "main:refs/heads/ic/feature-x", "v1"):
        subprocess.run([*git, "push", "--quiet", str(bare), ref], check=True)
    before = _git(bare, "for-each-ref", "--format=%(refname) %(objectname)")
    _three_rounds(alex, priya)
    priya.store().execute(c.AddLogEntry(text="four"))
    priya.syncer().round()
    after = _git(bare, "for-each-ref", "--format=%(refname) %(objectname)").splitlines()
    ours = {f"refs/heads/ic/{alex.origin}", f"refs/heads/ic/{priya.origin}"}
    assert [line for line in after if line.split()[0] not in ours] == before.splitlines()
