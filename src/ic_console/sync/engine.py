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

Each git step is a function of `sync.clone`; what a round reports is in `sync.report`. This
module decides what to send and what to accept, and keeps what a round remembers for the next.
About 650 lines: recovering a branch whose local clone was lost (it continues from the
remote's when that is safe) sits beside the sending it protects, and what a peer's branch may
hold (plain files, parts no bigger than a log's) beside the receiving it protects, so each is
read with what it guards.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from pathlib import Path

from ic_console.store.errors import StoreError
from ic_console.store.lock import LockBusy, locked
from ic_console.store.origin import local_origin
from ic_console.store.paths import make_private_dir, open_private
from ic_console.store.replica import (
    PeerRefused,
    accept_peer_file,
    list_local_files,
    refresh_derived,
    sweep_parts,
)
from ic_console.sync import clone
from ic_console.sync.clone import (
    REMOTE,
    REMOTE_REFS,
    REPO_DIR,
    blob_id,
    check_remote,
    shown_without_credentials,
)
from ic_console.sync.git import DEFAULT_TIMEOUT, Git, SyncError
from ic_console.sync.layout import (
    MAX_FILE_BYTES,
    MAX_PART_BYTES,
    branch_of,
    parse_part_path,
    part_path,
    split_parts,
)
from ic_console.sync.report import Peer, Received, Refusals, RoundReport, Sent
from ic_console.sync.state import SyncState, load_state, save_state

SYNC_DIR = "sync"
LOCK = ".lock"


def sync_dir(root: Path) -> Path:
    return root / SYNC_DIR


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
        #: The parts (their paths) committed since the last push that went through: more than
        #: a few is a `bulk` push (`clone.push`). A part committed again in several rounds
        #: while offline (the last one, growing) counts once.
        self._parts_unpushed: set[str] = set()

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
                error = self._shown(self._advised(error))
                state.head = self._head or ""
                self._forget()
                now = self.wall()
                state.offline_since = state.offline_since or now
                state.last_error = str(error)
                with contextlib.suppress(OSError):
                    save_state(self.dir, state)
                raise error from None
            state.remote = self.remote
            state.read_only = report.read_only
            state.head = self._head or ""
            state.last_success = self.wall()
            state.offline_since = None
            state.last_error = None
            save_state(self.dir, state)
            return report

    def _shown(self, error: SyncError) -> SyncError:
        """`error` as it may be shown (the console's header and toasts, a screen shared on the
        call): the remote's token or password, when its URL holds one, left out."""
        text = shown_without_credentials(str(error), self.remote)
        if text != str(error):
            error.args = (text,)  # the same error (its kind, `usage`, `answered`), said so
        return error

    def _advised(self, error: SyncError) -> SyncError:
        """The remote answered no (moved away, full, a wrong URL, a key it does not take):
        git's words, then what to do, in one line. A timeout says it already; a laptop
        sharing this one's id has its own words."""
        if not error.answered or error.usage or isinstance(error, SharedReplicaId):
            return error
        said = str(error).rstrip()
        said = said if said.endswith((".", "!", "?")) else f"{said}."
        if not said.startswith(("git fetch", "git push", "git ls-remote")):
            # A step on this laptop (storing a part, writing a tree): its disk, not the remote.
            return SyncError(
                f"{said} This laptop's sync folder {self.dir} could not be written: free some "
                "space or check its permissions. Nothing recorded here is lost: it waits for "
                "the next round.",
                answered=True,
            )
        return SyncError(
            f"{said} Nothing recorded here is lost: it waits for a round that reaches the "
            f"remote. Check that `git ls-remote {self.remote}` works on this laptop, or set "
            "the remote again with `ic sync init URL`.",
            answered=True,
        )

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
        clone.fetch(self.git)
        refs = clone.remote_refs(self.git)
        mine = refs.pop(self.origin, None)
        local = self._branch_head()
        twin: SyncError | None = None
        if local is not None and (committed or mine is None or mine[0] != local):
            # What the remote lacks, counted now: a push also carries what rounds that failed
            # committed (offline), which this round's commit alone does not say.
            unsent = self._unsent(committed_only=True)
            try:
                self._push(mine[0] if mine is not None else None, local)
                self._parts_unpushed.clear()
                report.sent[:] = [Sent(i, n) for i, n in sorted(unsent.items()) if n]
            except SyncError as error:
                if clone.refused_push(error):
                    report.read_only = str(error)
                elif isinstance(error, SharedReplicaId):
                    twin = error  # told after the other laptops' events are taken in
                else:
                    raise
                report.sent.clear()  # committed here, never sent
                report.waiting = self.waiting()
        self._receive(state, refs, incident_id, report)
        for taken in sorted({received.incident_id for received in report.received}):
            self._refresh(taken)
        report.peers = [Peer(origin, name, at) for origin, (_sha, at, name) in sorted(refs.items())]
        if twin is not None:
            raise twin
        return report

    def _push(self, remote_head: str | None, local: str) -> None:
        """Push this laptop's branch. When the remote's branch is not where this one began
        (the sync folder was deleted and the branch made afresh), the branch goes on from the
        remote's, provided the remote holds only beginnings of this laptop's files; else
        another laptop writes as this replica, which is said (`SharedReplicaId`)."""
        bulk = len(self._parts_unpushed) > clone.FEW_PARTS
        try:
            clone.push(self.git, self.origin, bulk=bulk)
            return
        except SyncError as error:
            if not error.answered or remote_head is None:
                raise
            if clone.is_ancestor(self.git, remote_head, local):
                raise  # not a branch that went its own way: the remote refused for another reason
        self._go_on_from(remote_head, local)
        clone.push(self.git, self.origin, bulk=bulk)

    def _go_on_from(self, remote_head: str, local: str) -> None:
        files = {f.incident_id: f.path for f in list_local_files(self.root)}
        groups: dict[str, dict[int, str]] = {}
        for path, (ident, _size) in clone.ls_tree(self.git, remote_head).items():
            name = parse_part_path(path)
            if name is not None and name.origin == self.origin:
                groups.setdefault(name.incident_id, {})[name.index] = ident
        for incident, parts in sorted(groups.items()):
            sent = clone.cat_blobs(self.git, [parts[index] for index in sorted(parts)])
            here = files.get(incident)
            if here is None or not _whole_lines(here).startswith(sent):
                raise SharedReplicaId(
                    f"Another laptop sends as this one (replica {self.origin}): the remote "
                    f"has events of {incident} that this laptop never wrote, as when a data "
                    "folder is copied to a second laptop, which keeps its origin (the replica "
                    "id). Nothing of this laptop's was sent; the other laptops' events still "
                    "arrive. Record on one of the two only; on the other, move its data folder "
                    "aside and run `ic sync` to start afresh with an id of its own.",
                    answered=True,
                )
        tree_id = clone.write_tree(self.git, remote_head, self._read_tree())
        self._head = clone.commit_tree(
            self.git,
            self.branch_ref,
            tree_id,
            local,
            message="Go on from the remote's branch (this laptop's sync folder was made afresh)",
            author=self.actor,
            email=f"{self.origin}@ic-console.invalid",
            merged=remote_head,
        )
        self._tree = None

    # -- what a round remembers of the clone -------------------------------------------------

    def _prepare(self) -> None:
        """The clone checked (`clone.prepare_clone`): at the first round, after a failed one,
        and every 500 rounds."""
        self._rounds_since_prepare += 1
        if self._prepared and self._rounds_since_prepare < 500:
            return
        clone.prepare_clone(self.git, self.remote)
        self._prepared = True
        self._rounds_since_prepare = 0

    def _branch_head(self) -> str | None:
        if self._head is None:
            self._head = clone.read_ref(self.git, self.branch_ref) or ""
        return self._head or None

    def _read_tree(self) -> dict[str, tuple[str, int]]:
        if self._tree is None:
            self._tree = {}
            if clone.read_ref(self.git, self.branch_ref) is not None:
                self._tree = clone.ls_tree(self.git, self.branch_ref)
        return self._tree

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
                    clone.store_blob(self.git, part, ident)
            added_events = data[committed:].count(b"\n") if len(data) >= committed else 0
            sizes[local.incident_id] = len(data)
            if added_events:
                sent.append(Sent(local.incident_id, added_events))
        parent = self._branch_head()
        if not changed and not (heartbeat and parent is not None):
            self._committed_sizes.update(sizes)
            return False
        tree_id = clone.write_tree(self.git, parent, changed)
        self._head = clone.commit_tree(
            self.git,
            self.branch_ref,
            tree_id,
            parent,
            message=_message(self.actor, sent),
            author=self.actor,
            email=f"{self.origin}@ic-console.invalid",
        )
        if self._tree is not None:
            self._tree.update(changed)
        self._committed_sizes.update(sizes)
        self._parts_unpushed.update(changed)
        report.sent.extend(sent)
        return True

    # -- receiving ---------------------------------------------------------------------------

    def _receive(
        self,
        state: SyncState,
        refs: dict[str, tuple[str, float, str]],
        incident_id: str | None,
        report: RoundReport,
    ) -> None:
        refusals = Refusals(self.remote, {origin: name for origin, (_c, _a, name) in refs.items()})
        branches: list[tuple[str, str, dict[str, dict[int, clone.TreeEntry]]]] = []
        for origin, (commit, _at, _name) in sorted(refs.items()):
            if incident_id is None and state.peer_commits.get(origin) == commit:
                continue
            groups: dict[str, dict[int, clone.TreeEntry]] = {}
            for entry in clone.tree_entries(self.git, commit):
                name = parse_part_path(entry.path)
                if name is None or (incident_id is not None and name.incident_id != incident_id):
                    continue
                if name.origin != origin:
                    refusals.add(
                        origin,
                        f"Refused {entry.path} from replica {origin}'s branch: it holds replica "
                        f"{name.origin}'s file, which only that laptop sends. Nothing was changed.",
                    )
                    continue
                if entry.mode != clone.PLAIN_FILE:
                    kind = ": a symbolic link" if entry.mode == "120000" else ""
                    refusals.add(
                        origin,
                        f"Refused {entry.path} from replica {origin}: it is not a plain file "
                        f"(git mode {entry.mode}{kind}). Nothing was changed.",
                    )
                    continue
                groups.setdefault(name.incident_id, {})[name.index] = entry
            branches.append((origin, commit, groups))
        # How many files of each incident this round hands in: a file that comes alone may be
        # folded as it is checked, for the incident's first snapshot (`accept_peer_file`'s
        # `fold`); several new files of one incident are folded together by the store, once.
        arriving: dict[str, int] = {}
        for origin, _commit, groups in branches:
            for incident, parts in groups.items():
                if not _handled(state, origin, incident, parts):
                    arriving[incident] = arriving.get(incident, 0) + 1
        wanted: list[tuple[str, str, list[clone.TreeEntry]]] = []
        for origin, _commit, groups in branches:
            for incident, parts in sorted(groups.items()):
                entries = self._wanted(state, origin, incident, parts, refusals)
                if entries is not None:
                    wanted.append((origin, incident, entries))
        # A branch whose file could not be stored here (this laptop's disk) is looked at again
        # next round; marking it done would skip it until that peer pushes again.
        unstored: set[str] = set()
        for batch in _batches(wanted):
            blobs = iter(clone.read_blobs(self.git, [e.ident for _o, _i, es in batch for e in es]))
            for origin, incident, entries in batch:
                data = b"".join(next(blobs) for _entry in entries)
                fold = arriving.get(incident, 0) <= 1
                if not self._receive_file(
                    state, origin, incident, entries, data, report, refusals, fold
                ):
                    unstored.add(origin)
        for origin, commit, _groups in branches:
            if incident_id is None and origin not in unstored:
                state.peer_commits[origin] = commit
        report.refused.extend(refusals.lines())

    def _refresh(self, incident_id: str) -> None:
        """What `ic list` and the other verbs read first (the summary; the snapshot when there
        is none) brought up to date with the lines taken in (`refresh_derived`): on a laptop
        that only receives, each of them would otherwise fold the whole union again (2.8 s a
        time on the 100,000-event load incident). After a first copy taken in alone, the
        snapshot is already there (folded while it was checked) and this reads no event.
        Derived files: a failure is left for the next open, which rebuilds them."""
        with contextlib.suppress(StoreError, OSError):
            refresh_derived(self.root, incident_id)

    def _wanted(
        self,
        state: SyncState,
        origin: str,
        incident_id: str,
        parts: dict[int, clone.TreeEntry],
        refusals: Refusals,
    ) -> list[clone.TreeEntry] | None:
        """The parts of `origin`'s file to read and hand to the store; None when they were
        handled in an earlier round or are refused unread (a part missing, or one bigger than
        any log's part can be: a hostile blob of gigabytes is never read into memory)."""
        key = f"{incident_id}/{origin}"
        if sorted(parts) != list(range(len(parts))):
            refusals.add(
                origin,
                f"Refused replica {origin}'s file for {incident_id}: a part of it is missing "
                "in the repository. Nothing was changed.",
            )
            return None
        entries = [parts[index] for index in range(len(parts))]
        handled = " ".join(entry.ident for entry in entries)
        if state.handled.get(key) == handled:
            return None
        for index, entry in enumerate(entries, start=1):
            if entry.size > MAX_PART_BYTES:
                refusals.add(
                    origin,
                    f"Refused replica {origin}'s file for {incident_id}: its part {index} is "
                    f"{entry.size / (1 << 20):,.1f} MiB, more than any log's part can be (at "
                    f"most {MAX_PART_BYTES >> 20} MiB); it was not read. Nothing was changed.",
                )
                state.handled[key] = handled
                return None
        total = sum(entry.size for entry in entries)
        if total > MAX_FILE_BYTES:
            refusals.add(
                origin,
                f"Refused replica {origin}'s file for {incident_id}: its {len(entries):,} parts "
                f"come to {total / (1 << 30):,.1f} GiB, more than any incident's log can be "
                f"(at most {MAX_FILE_BYTES >> 30} GiB); it was not read. Nothing was changed.",
            )
            state.handled[key] = handled
            return None
        return entries

    def _receive_file(
        self,
        state: SyncState,
        origin: str,
        incident_id: str,
        entries: list[clone.TreeEntry],
        data: bytes,
        report: RoundReport,
        refusals: Refusals,
        fold: bool,
    ) -> bool:
        """Hand the file to the store; False when this laptop could not store it (its disk,
        its folder: the next round tries again)."""
        key = f"{incident_id}/{origin}"
        try:
            accepted = accept_peer_file(self.root, incident_id, origin, data, fold=fold)
        except PeerRefused as refused:
            refusals.add(origin, str(refused))
        except (StoreError, OSError) as error:
            # Not the peer's fault (our disk, our folder): try again next round.
            reason = error.strerror if isinstance(error, OSError) and error.strerror else error
            report.refused.append(
                f"Could not store replica {origin}'s file for {incident_id} on this laptop "
                f"({reason}): free some space or check the data folder's permissions. Nothing "
                "was lost; the next round tries again."
            )
            return False
        else:
            if accepted.added:
                report.received.append(
                    Received(incident_id, origin, accepted.added, accepted.created_incident)
                )
        state.handled[key] = " ".join(entry.ident for entry in entries)
        return True

    # -- what is waiting -----------------------------------------------------------------------

    def waiting(self) -> int:
        """Events in this laptop's files the remote does not have (no network: from the last
        fetch or push)."""
        return sum(self._unsent().values())

    def _unsent(self, *, committed_only: bool = False) -> dict[str, int]:
        """Per incident, the events in this laptop's file the remote does not have yet; with
        `committed_only`, only those in this laptop's branch (what a push carries)."""
        remote_ref = f"{REMOTE_REFS}{self.origin}"
        pushed_sizes: dict[str, int] = {}
        if clone.has_clone(self.git) and clone.read_ref(self.git, remote_ref) is not None:
            pushed_sizes = self._sizes(clone.ls_tree(self.git, remote_ref))
        ends = self._sizes(self._read_tree()) if committed_only else {}
        return {
            local.incident_id: _lines_after(
                local.path,
                pushed_sizes.get(local.incident_id, 0),
                ends.get(local.incident_id, 0) if committed_only else None,
            )
            for local in list_local_files(self.root)
        }

    def _sizes(self, tree: dict[str, tuple[str, int]]) -> dict[str, int]:
        """Bytes of this laptop's file, per incident, in a tree of the repository."""
        sizes: dict[str, int] = {}
        for path, (_ident, size) in tree.items():
            name = parse_part_path(path)
            if name is not None and name.origin == self.origin:
                sizes[name.incident_id] = sizes.get(name.incident_id, 0) + size
        return sizes

    def peers(self) -> list[Peer]:
        """Peers as of the last fetch (no network)."""
        if not clone.has_clone(self.git):
            return []
        refs = clone.remote_refs(self.git)
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


def _handled(
    state: SyncState, origin: str, incident_id: str, parts: dict[int, clone.TreeEntry]
) -> bool:
    """True when these parts of `origin`'s file were handed to the store in an earlier round
    (`_receive_file` skips them)."""
    handled = " ".join(parts[index].ident for index in sorted(parts))
    return state.handled.get(f"{incident_id}/{origin}") == handled


#: Bytes of peers' files read from the clone in one git call: a round that brings many files
#: (a laptop joining a team with a year of incidents, a branch of junk) reads them in a few
#: calls, not one process each (1,500 files took 17 s so), and never holds much more at once.
READ_BATCH_BYTES = 32 << 20


def _batches(
    wanted: list[tuple[str, str, list[clone.TreeEntry]]],
) -> list[list[tuple[str, str, list[clone.TreeEntry]]]]:
    """`wanted` in order, cut into runs of about `READ_BATCH_BYTES` (a bigger file alone)."""
    batches: list[list[tuple[str, str, list[clone.TreeEntry]]]] = []
    size = READ_BATCH_BYTES
    for item in wanted:
        item_size = sum(entry.size for entry in item[2])
        if not batches or size + item_size > READ_BATCH_BYTES:
            batches.append([])
            size = 0
        batches[-1].append(item)
        size += item_size
    return batches


def _message(actor: str, sent: list[Sent]) -> str:
    if not sent:
        return f"{actor} is here (ic-console)"
    what = ", ".join(f"{item.incident_id} +{item.events}" for item in sent)
    return f"{actor}: {what} (ic-console)"


class SharedReplicaId(SyncError):
    """The remote's branch of this laptop's replica holds events this laptop never wrote:
    another laptop has the same replica id (a copied data folder)."""


def _whole_lines(path: Path) -> bytes:
    """The file up to its last line end: a line still being written waits for the next round."""
    fd = open_private(path, os.O_RDONLY)
    with os.fdopen(fd, "rb") as handle:
        data = handle.read()
    return data[: data.rfind(b"\n") + 1]


def _lines_after(path: Path, offset: int, end: int | None = None) -> int:
    """Lines of `path` from byte `offset` (to byte `end`, else to its end)."""
    if end is not None and end <= offset:
        return 0
    try:
        fd = open_private(path, os.O_RDONLY)
    except OSError:
        return 0
    left = None if end is None else end - offset
    with os.fdopen(fd, "rb") as handle:
        handle.seek(offset)
        count = 0
        while chunk := handle.read(1 << 20 if left is None else min(1 << 20, left)):
            count += chunk.count(b"\n")
            if left is not None:
                left -= len(chunk)
                if left <= 0:
                    break
    return count


__all__ = ["LockBusy", "SyncError", "Syncer", "sync_dir"]
