"""One sync round: send this laptop's files, receive the others'.

The team's repository holds `incidents/<id>/events/<origin>.jsonl` (`sync.layout`). This laptop
keeps a bare clone in `<data root>/sync/repo.git` and, in a round:

1. commits its own files (only its own origin's, whole lines only) on its branch `ic/<origin>`,
   with the person's name as author: the commit time is what other laptops show as presence;
2. fetches every `ic/*` branch (one call; nothing else touches the network when idle);
3. pushes its own branch, and only it, when the remote does not have its last commit yet:
   branches are per laptop, so pushes never conflict and are never forced;
4. hands each other origin's file that changed to the store (`accept_peer_file`), which checks
   that it only grew and that no event id came back different, and renames it into place under
   the incident lock. A refused file is reported with its origin; nothing local is overwritten.

Rounds of one data root never overlap (a lock in `<data root>/sync/`); a round killed at any
point leaves git's objects, the store's files and `state.json` whole, and the next round
completes (stale git lock files of a killed round are removed).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ic_console.store.errors import StoreError
from ic_console.store.lock import LockBusy, locked
from ic_console.store.origin import local_origin
from ic_console.store.paths import make_private_dir, open_private
from ic_console.store.replica import PeerRefused, accept_peer_file, list_local_files, sweep_parts
from ic_console.sync.git import DEFAULT_TIMEOUT, Git, SyncError
from ic_console.sync.layout import BRANCH_PREFIX, branch_of, parse_part_path, part_path, split_parts
from ic_console.sync.state import SyncState, load_state, save_state

SYNC_DIR = "sync"
REPO_DIR = "repo.git"
REMOTE = "team"
LOCK = ".lock"
#: A git lock file older than this was left by a killed round and is removed.
STALE_LOCK_SECONDS = 60.0
_REMOTE_REFS = f"refs/remotes/{REMOTE}/{BRANCH_PREFIX}"
_BRANCH = re.compile(r"^[0-9a-f]{12}$")


def sync_dir(root: Path) -> Path:
    return root / SYNC_DIR


def check_remote(url: str) -> str:
    """A remote as git takes it; refuses what could be read as an option or hides a line."""
    url = url.strip()
    if not url:
        raise SyncError(
            "give the remote's URL, such as git@git.example.com:sre/incidents.git", usage=True
        )
    if url.startswith("-") or any(ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise SyncError(
            f"{url!r} is not a git remote URL: give one such as "
            "git@git.example.com:sre/incidents.git or /path/to/incidents.git",
            usage=True,
        )
    return url


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


#: What a git host says when it refuses a push for want of write access.
_REFUSED = re.compile(
    r"denied|permission|forbidden|\b403\b|read[- ]only|not allowed|unauthori[sz]ed|protected",
    re.IGNORECASE,
)


def refused_push(error: SyncError) -> bool:
    """The remote answered a push with a refusal of access (read-only access), as opposed to
    not answering (offline), which the round reports as a failure."""
    return error.answered and _REFUSED.search(str(error)) is not None


def blob_id(data: bytes) -> str:
    """The id git gives a blob of `data` (so unchanged parts need no git call)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


class Syncer:
    """Sync rounds of one data root with one remote. Not shared between threads."""

    def __init__(
        self,
        root: Path,
        remote: str,
        *,
        actor: str,
        timeout: float = DEFAULT_TIMEOUT,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.root = root
        self.remote = check_remote(remote)
        self.actor = actor
        self.wall = wall
        self.dir = sync_dir(root)
        #: The stale temporary copies were removed (once per process, at the first round).
        self._swept = False
        self.git = Git(self.dir / REPO_DIR, timeout=timeout)
        self._origin: str | None = None
        #: Part paths -> (blob id, size) of our branch's last commit (None: not read yet).
        self._tree: dict[str, tuple[str, int]] | None = None
        #: Our files' sizes at the last commit, to skip unchanged files with one stat.
        self._committed_sizes: dict[str, int] = {}
        #: The clone was checked (remote URL, stale locks): again only after a failed round,
        #: so an idle round runs `git fetch` and `git for-each-ref` and nothing else.
        self._prepared = False
        self._rounds_since_prepare = 0
        #: Our branch's commit (None: not read yet, "": no commit yet).
        self._head: str | None = None

    @property
    def origin(self) -> str:
        if self._origin is None:
            self._origin = local_origin(self.root)
        return self._origin

    @property
    def branch_ref(self) -> str:
        return f"refs/heads/{branch_of(self.origin)}"

    # -- the round -------------------------------------------------------------------------

    def round(
        self, incident_id: str | None = None, *, wait: float = 30.0, heartbeat: bool = False
    ) -> RoundReport:
        """One round (see the module's docstring). Raises SyncError when the remote cannot be
        used (recorded as offline), LockBusy when another round holds the data root longer
        than `wait` seconds."""
        make_private_dir(self.dir)
        with locked(self.dir / LOCK, wait=wait):
            state = load_state(self.dir)
            if self._head is not None and state.head != self._head:
                self._forget()  # another process of this laptop synced since our last round
            if not self._swept:
                # What a round killed part-way (kill -9) left: no transfer is under way now.
                sweep_parts(self.root)
                self._swept = True
            try:
                report = self._round(state, incident_id, heartbeat=heartbeat)
            except SyncError as error:
                state.head = self._head or ""
                self._forget()
                now = self.wall()
                state.offline_since = state.offline_since or now
                state.last_error = str(error)
                with contextlib.suppress(OSError):
                    save_state(self.dir, state)
                raise
            state.remote = self.remote
            state.read_only = report.read_only
            state.head = self._head or ""
            state.last_success = self.wall()
            state.offline_since = None
            state.last_error = None
            save_state(self.dir, state)
            return report

    def _forget(self) -> None:
        """Read the clone afresh next round (after a failure, or another process's round)."""
        self._prepared = False
        self._head = None
        self._tree = None
        self._committed_sizes.clear()

    def _round(self, state: SyncState, incident_id: str | None, *, heartbeat: bool) -> RoundReport:
        self._prepare()
        report = RoundReport()
        committed = self._commit(incident_id, report, heartbeat=heartbeat)
        self._fetch()
        refs = self._remote_refs()
        mine = refs.pop(self.origin, None)
        local = self._branch_head()
        if local is not None and (committed or mine is None or mine[0] != local):
            try:
                self._push()
            except SyncError as error:
                if not refused_push(error):
                    raise
                report.read_only = str(error)
                report.sent.clear()  # committed here, never sent
                report.waiting = self.waiting()
        self._receive(state, refs, incident_id, report)
        report.peers = [Peer(origin, name, at) for origin, (_sha, at, name) in sorted(refs.items())]
        return report

    # -- the local repository ----------------------------------------------------------------

    def _prepare(self) -> None:
        """The bare clone, with the remote as configured; stale locks of a killed round gone."""
        self._rounds_since_prepare += 1
        if self._prepared and self._rounds_since_prepare < 500:
            return
        repo = self.git.git_dir
        if not (repo / "HEAD").is_file():
            make_private_dir(repo)
            self.git.run(["init", "--quiet", "--bare"], what="git init")
        self._remove_stale_locks(repo)
        url = self.git.run(["config", "--get", f"remote.{REMOTE}.url"], check=False).stdout
        if url.decode("utf-8", errors="replace").strip() != self.remote:
            self.git.run(["config", f"remote.{REMOTE}.url", self.remote], what="git config")
            self.git.run(
                [
                    "config",
                    f"remote.{REMOTE}.fetch",
                    f"+refs/heads/{BRANCH_PREFIX}*:{_REMOTE_REFS}*",
                ],
                what="git config",
            )
            # Never a detached `git gc` that outlives the round: packed below, in the round.
            self.git.run(["config", "gc.auto", "0"], what="git config")
        # Pack loose objects when there are many (a long incident's parts and peers' fetches).
        self.git.run(
            ["-c", "gc.auto=2000", "-c", "gc.autoDetach=false", "gc", "--auto", "--quiet"],
            what="git gc",
            timeout=max(self.git.timeout, 120.0),
        )
        self._prepared = True
        self._rounds_since_prepare = 0

    def _branch_head(self) -> str | None:
        if self._head is None:
            self._head = self._ref(self.branch_ref) or ""
        return self._head or None

    def _remove_stale_locks(self, repo: Path) -> None:
        now = time.time()
        for directory, dirs, files in os.walk(repo):
            if Path(directory) == repo:
                dirs[:] = [name for name in dirs if name == "refs"]  # not the objects
            for name in files:
                if not (name.endswith(".lock") or name.startswith("ic-index-")):
                    continue
                path = Path(directory) / name
                with contextlib.suppress(OSError):
                    if now - path.lstat().st_mtime > STALE_LOCK_SECONDS:
                        path.unlink()

    def _ref(self, ref: str) -> str | None:
        result = self.git.run(["rev-parse", "--verify", "--quiet", ref], check=False)
        text = result.stdout.decode().strip()
        return text or None

    def _read_tree(self) -> dict[str, tuple[str, int]]:
        if self._tree is None:
            self._tree = {}
            if self._ref(self.branch_ref) is not None:
                self._tree = self._ls_tree(self.branch_ref)
        return self._tree

    def _ls_tree(self, commit: str) -> dict[str, tuple[str, int]]:
        """Path -> (blob id, size) of every file under incidents/ in `commit`."""
        out = self.git.run(["ls-tree", "-r", "-l", "-z", commit, "--", "incidents"]).stdout
        tree: dict[str, tuple[str, int]] = {}
        for entry in out.split(b"\0"):
            meta, _tab, path = entry.partition(b"\t")
            fields = meta.split()
            if len(fields) == 4 and fields[1] == b"blob":
                tree[path.decode("utf-8", errors="replace")] = (fields[2].decode(), int(fields[3]))
        return tree

    # -- sending -----------------------------------------------------------------------------

    def _commit(self, incident_id: str | None, report: RoundReport, *, heartbeat: bool) -> bool:
        """Commit what changed in this laptop's files; True when a commit was made."""
        changed: dict[str, tuple[str, int]] = {}
        sent: list[Sent] = []
        sizes: dict[str, int] = {}
        files = list_local_files(self.root, adopt_legacy=True)
        for local in files:
            if incident_id is not None and local.incident_id != incident_id:
                continue
            if self._committed_sizes.get(local.incident_id) == local.size:
                continue
            data = _whole_lines(local.path)
            tree = self._read_tree()
            committed = sum(
                size
                for path, (_ident, size) in tree.items()
                if (name := parse_part_path(path)) is not None
                and name.incident_id == local.incident_id
                and name.origin == self.origin
            )
            for index, part in enumerate(split_parts(data)):
                path = part_path(local.incident_id, self.origin, index)
                ident = blob_id(part)
                if tree.get(path, ("", 0))[0] != ident:
                    changed[path] = (ident, len(part))
                    self._store_blob(part, ident)
            added_events = data[committed:].count(b"\n") if len(data) >= committed else 0
            sizes[local.incident_id] = len(data)
            if added_events:
                sent.append(Sent(local.incident_id, added_events))
        parent = self._branch_head()
        if not changed and not (heartbeat and parent is not None):
            self._committed_sizes.update(sizes)
            return False
        tree_id = self._write_tree(parent, changed)
        message = _message(self.actor, sent)
        args = ["commit-tree", tree_id, "-m", message]
        if parent is not None:
            args[2:2] = ["-p", parent]
        email = f"{self.origin}@ic-console.invalid"
        env = {
            "GIT_AUTHOR_NAME": self.actor,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_COMMITTER_NAME": self.actor,
            "GIT_COMMITTER_EMAIL": email,
        }
        commit = self.git.run(args, env=env, what="git commit-tree").stdout.decode().strip()
        update = ["update-ref", self.branch_ref, commit]
        if parent is not None:
            update.append(parent)
        self.git.run(update, what="git update-ref")
        self._head = commit
        if self._tree is not None:
            self._tree.update(changed)
        self._committed_sizes.update(sizes)
        report.sent.extend(sent)
        return True

    def _store_blob(self, data: bytes, ident: str) -> None:
        written = self.git.run(
            ["hash-object", "-w", "--stdin"], input=data, what="git hash-object"
        ).stdout.decode()
        if written.strip() != ident:  # pragma: no cover - git and hashlib disagree
            raise SyncError(f"git stored a part as {written.strip()}, expected {ident}")

    def _write_tree(self, parent: str | None, changed: dict[str, tuple[str, int]]) -> str:
        index = self.git.git_dir / f"ic-index-{os.getpid()}"
        env = {"GIT_INDEX_FILE": str(index)}
        try:
            if parent is not None:
                self.git.run(["read-tree", parent], env=env, what="git read-tree")
            else:
                self.git.run(["read-tree", "--empty"], env=env, what="git read-tree")
            lines = "".join(
                f"100644 {ident}\t{path}\n" for path, (ident, _size) in sorted(changed.items())
            )
            self.git.run(
                ["update-index", "--add", "--index-info"],
                input=lines.encode(),
                env=env,
                what="git update-index",
            )
            return (
                self.git.run(["write-tree"], env=env, what="git write-tree").stdout.decode().strip()
            )
        finally:
            with contextlib.suppress(OSError):
                index.unlink()

    def _push(self) -> None:
        branch = branch_of(self.origin)
        self.git.run(
            ["push", "--quiet", REMOTE, f"refs/heads/{branch}:refs/heads/{branch}"],
            what="git push",
        )

    # -- receiving ---------------------------------------------------------------------------

    def _fetch(self) -> None:
        self.git.run(["fetch", "--quiet", "--prune", REMOTE], what="git fetch")

    def _remote_refs(self) -> dict[str, tuple[str, float, str]]:
        """origin -> (commit, commit time, author) of every replica branch fetched."""
        out = self.git.text(
            [
                "for-each-ref",
                "--format=%(objectname) %(committerdate:unix) %(refname) %(authorname)",
                _REMOTE_REFS,
            ]
        )
        refs: dict[str, tuple[str, float, str]] = {}
        for line in out.splitlines():
            parts = line.split(" ", 3)
            if len(parts) < 3:
                continue
            origin = parts[2].removeprefix(_REMOTE_REFS)
            if _BRANCH.match(origin):
                refs[origin] = (parts[0], float(parts[1] or 0), parts[3] if len(parts) > 3 else "")
        return refs

    def _receive(
        self,
        state: SyncState,
        refs: dict[str, tuple[str, float, str]],
        incident_id: str | None,
        report: RoundReport,
    ) -> None:
        for origin, (commit, _at, _name) in sorted(refs.items()):
            if incident_id is None and state.peer_commits.get(origin) == commit:
                continue
            groups: dict[str, dict[int, str]] = {}
            for path, (ident, _size) in self._ls_tree(commit).items():
                name = parse_part_path(path)
                if name is None or (incident_id is not None and name.incident_id != incident_id):
                    continue
                if name.origin != origin:
                    report.refused.append(
                        f"Refused {path} from replica {origin}'s branch: it holds replica "
                        f"{name.origin}'s file, which only that laptop sends. Nothing was changed."
                    )
                    continue
                groups.setdefault(name.incident_id, {})[name.index] = ident
            for incident, parts in sorted(groups.items()):
                self._receive_file(state, origin, incident, parts, report)
            if incident_id is None:
                state.peer_commits[origin] = commit

    def _receive_file(
        self,
        state: SyncState,
        origin: str,
        incident_id: str,
        parts: dict[int, str],
        report: RoundReport,
    ) -> None:
        key = f"{incident_id}/{origin}"
        if sorted(parts) != list(range(len(parts))):
            report.refused.append(
                f"Refused replica {origin}'s file for {incident_id}: a part of it is missing "
                "in the repository. Nothing was changed."
            )
            return
        idents = [parts[index] for index in range(len(parts))]
        handled = " ".join(idents)
        if state.handled.get(key) == handled:
            return
        data = self._cat_blobs(idents)
        try:
            accepted = accept_peer_file(self.root, incident_id, origin, data)
        except PeerRefused as refused:
            report.refused.append(str(refused))
        except (StoreError, OSError) as error:
            # Not the peer's fault (our disk, our folder): try again next round.
            report.refused.append(
                f"Could not store replica {origin}'s file for {incident_id}: {error}"
            )
            return
        else:
            if accepted.added:
                report.received.append(
                    Received(incident_id, origin, accepted.added, accepted.created_incident)
                )
        state.handled[key] = handled

    def _cat_blobs(self, idents: list[str]) -> bytes:
        out = self.git.run(
            ["cat-file", "--batch"], input="".join(f"{i}\n" for i in idents).encode()
        ).stdout
        chunks: list[bytes] = []
        at = 0
        for _ident in idents:
            end = out.index(b"\n", at)
            header = out[at:end].split()
            size = int(header[2])
            chunks.append(out[end + 1 : end + 1 + size])
            at = end + 1 + size + 1
        return b"".join(chunks)

    # -- what is waiting -----------------------------------------------------------------------

    def waiting(self) -> int:
        """Events in this laptop's files the remote does not have (no network: from the last
        fetch or push)."""
        remote_ref = f"{_REMOTE_REFS}{self.origin}"
        pushed_sizes: dict[str, int] = {}
        if (self.git.git_dir / "HEAD").is_file() and self._ref(remote_ref) is not None:
            for path, (_ident, size) in self._ls_tree(remote_ref).items():
                name = parse_part_path(path)
                if name is not None and name.origin == self.origin:
                    pushed_sizes[name.incident_id] = pushed_sizes.get(name.incident_id, 0) + size
        total = 0
        for local in list_local_files(self.root):
            total += _lines_after(local.path, pushed_sizes.get(local.incident_id, 0))
        return total

    def peers(self) -> list[Peer]:
        """Peers as of the last fetch (no network)."""
        if not (self.git.git_dir / "HEAD").is_file():
            return []
        refs = self._remote_refs()
        refs.pop(self.origin, None)
        return [Peer(origin, name, at) for origin, (_sha, at, name) in sorted(refs.items())]

    def has_local_changes(self) -> bool:
        """True when one of this laptop's files grew since the last commit (a stat each)."""
        if not self._committed_sizes:
            return False  # not known yet: the next round finds out
        for local in list_local_files(self.root):
            if self._committed_sizes.get(local.incident_id) != local.size:
                return True
        return False

    def probe(self) -> None:
        """Reach the remote once (list its branches); raises SyncError when it cannot."""
        make_private_dir(self.dir)
        with locked(self.dir / LOCK, wait=30.0):
            self._prepare()
            self.git.run(["ls-remote", "--heads", REMOTE], what="git ls-remote")

    def last_state(self) -> SyncState:
        return load_state(self.dir)

    def cancel(self) -> None:
        """Stop the git call under way (another thread); the round fails as offline."""
        self.git.cancel()


def _message(actor: str, sent: list[Sent]) -> str:
    if not sent:
        return f"{actor} is here (ic-console)"
    what = ", ".join(f"{item.incident_id} +{item.events}" for item in sent)
    return f"{actor}: {what} (ic-console)"


def _whole_lines(path: Path) -> bytes:
    """The file up to its last line end: a line still being written waits for the next round."""
    fd = open_private(path, os.O_RDONLY)
    with os.fdopen(fd, "rb") as handle:
        data = handle.read()
    return data[: data.rfind(b"\n") + 1]


def _lines_after(path: Path, offset: int) -> int:
    try:
        fd = open_private(path, os.O_RDONLY)
    except OSError:
        return 0
    with os.fdopen(fd, "rb") as handle:
        handle.seek(offset)
        count = 0
        while chunk := handle.read(1 << 20):
            count += chunk.count(b"\n")
    return count


__all__ = [
    "LockBusy",
    "Peer",
    "Received",
    "RoundReport",
    "Sent",
    "SyncError",
    "Syncer",
    "check_remote",
    "sync_dir",
]
